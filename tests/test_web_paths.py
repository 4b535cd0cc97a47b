"""Every change to a department's self-evaluation goes through the one write path: the tamper suite's routes are
called as each role (tests/test_web_tamper.py's table) while the database is watched, and a statement that changes
an evaluation, its versions or its comments, or a cycle document, from anywhere but the service's functions fails
the test with the route and the code that sent it. The list of routes is read from the app's routers, so a route
added later is called too (test_web_tamper fails on one missing from its table)."""

from __future__ import annotations

import re
import traceback

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as DbSession

from jixiao.web.db import Comment, CycleDocument, CycleVersion, Evaluation, Version

from .test_web_tamper import ACTORS, ROUTES, call, world  # noqa: F401  (world: the tamper suite's fixture)
from .web_support import EXAMPLE

# The tables that hold what a department filled in and the bureau decided, and the functions that may change them:
# service.write (every save: form, tables, editor, upload, narrative, rulebook, batch import), service.transition
# (submit, return, approve), service.create_evaluation, comments.add_comment (批注 and answers) and
# cycle_service.write_document (绩效目标, 运行监控, 复核, 整改; approved targets rescore the year's evaluations).
GUARDED = ("evaluations", "evaluation_versions", "evaluation_comments", "cycle_documents", "cycle_versions")
WRITE_PATH = {
    "web/service.py": ("write", "transition", "create_evaluation"),
    "web/comments.py": ("add_comment",),
    "web/cycle_service.py": ("write_document",),
}
CHANGE = re.compile(r"^\s*(?:WITH\b.*?\)\s*)?(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I | re.S)
MODELS = (Evaluation, Version, Comment, CycleDocument, CycleVersion)


def _through_the_write_path(stack: list[traceback.FrameSummary]) -> bool:
    return any(
        frame.filename.replace("\\", "/").endswith(path) and frame.name in names
        for frame in stack
        for path, names in WRITE_PATH.items()
    )


def _app_frames(stack: list[traceback.FrameSummary]) -> list[traceback.FrameSummary]:
    return [f for f in stack if "/src/jixiao/web/" in f.filename.replace("\\", "/")]


def _sender(stack: list[traceback.FrameSummary]) -> str:
    """The last frame of the web app's own code: what made the change."""
    frame = _app_frames(stack)[-1]
    return f"{frame.filename.rsplit('/src/', 1)[-1]}:{frame.lineno} {frame.name}"


def test_every_change_to_an_evaluation_goes_through_the_write_path(world):  # noqa: F811
    """Watched where a change is made, not where it reaches the database: an ORM object's change is written at the
    commit, after the route returned, so each guarded model's column set and each one added to a session are
    watched, and the statements the code sends itself (the PostgreSQL save's guarded UPDATE, a bulk UPDATE)."""
    app, ids, accounts = world
    outside: list[str] = []
    watched: set[str] = set()
    current = [""]

    def check(what: str) -> None:
        stack = traceback.extract_stack()[:-2]
        if not _app_frames(stack):  # the suite's own set-up of a cell (the evaluation's state), not a route's
            return
        watched.add(current[0])
        if not _through_the_write_path(stack):
            outside.append(f"{current[0]}: {what} from {_sender(stack)}")

    def statement(conn, cursor, sql, parameters, context, executemany):
        found = CHANGE.match(sql)
        flushed = any(f.name == "_flush" for f in traceback.extract_stack())  # its changes watched below
        if found and found.group(2).lower() in GUARDED and not flushed:
            check(f"{found.group(1)} {found.group(2)}")

    def column_set(target, value, old, initiator):
        if old is not value and old != value:
            check(f"{type(target).__name__}.{initiator.key} =")

    def attached(session, instance):
        if isinstance(instance, MODELS) and inspect(instance).transient:
            check(f"add {type(instance).__name__}")

    listeners = [(app.state.engine, "before_cursor_execute", statement), (DbSession, "before_attach", attached)]
    for model in MODELS:
        listeners += [(getattr(model, c.key), "set", column_set) for c in inspect(model).column_attrs]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    # a saved cycle document (the table's cycle saves are refused: the suite's texts are wrong on purpose)
    rectification = (EXAMPLE / "rectification.yaml").read_text("utf-8")
    routes = [*ROUTES, ("保存整改（有效）", "POST", "/evaluations/{e}/rectification", "draft", {}, ())]
    try:
        for what, method, path, state, form, _answers in routes:
            if what == "保存整改（有效）":
                form = {"doc_version": "0", "text": rectification.replace("{", "{{").replace("}", "}}")}
            for actor in ACTORS:
                current[0] = f"{what} {method} {path} as {ACTORS[actor]}"
                call(app, ids, accounts, actor, method, path, state, form)
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)
    assert not outside, "changes outside the write path:\n" + "\n".join(dict.fromkeys(outside))
    # the watch saw the saves (a watch that matched nothing would pass any code)
    assert {
        "保存整改（有效） POST",
        "新建自评 POST",
        "保存基本信息 POST",
        "保存全部数据 POST",
        "退回 POST",
        "通过 POST",
        "批注（审核中） POST",
    } <= {w.split(" /")[0] for w in watched}, sorted(watched)


def test_every_form_route_checks_the_csrf_token():
    """Each POST route takes the CSRF-checked form (deps.checked_form, directly or through an upload's dependency),
    so a route added later without it — a cross-site form posted by another page — fails here; the sign-in has its
    own one-off token (login_token)."""
    from fastapi.routing import APIRoute

    from jixiao.web.deps import checked_form
    from jixiao.web.routers import ROUTERS

    def calls(dependant) -> set:
        found = {dependant.call}
        for child in dependant.dependencies:
            found |= calls(child)
        return found

    posts = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())]
    assert len(posts) > 20
    unchecked = [r.path for r in posts if r.path != "/login" and checked_form not in calls(r.dependant)]
    assert not unchecked, unchecked
