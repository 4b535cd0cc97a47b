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


# Reads of the records a user may or may not see outside scope.py: each a read the scope has already allowed (the
# versions, comments and editors' names of an evaluation read through the scope), the administrator's own pages, the
# sign-in, the service's write path or the job's own run. A new one fails the test below: read through actor.scope,
# or add it here with the reason it needs no scope.
READS_BESIDE_THE_SCOPE = {
    ("approved.py", "<module>", "CycleDocument"): "the approved targets of an evaluation already in scope",
    ("cli.py", "cmd_user", "User"): "jixiao user on the server's command line",
    ("cli.py", "cmd_user", "Department"): "jixiao user on the server's command line",
    ("comments.py", "add_comment", "Comment"): "the answered 批注, checked to be the evaluation's",
    ("comments.py", "_all", "Comment"): "the 批注 of an evaluation in scope",
    ("conflicts.py", "merge_conflict", "Version"): "a version of an evaluation in scope",
    ("conflicts.py", "text_changes", "Version"): "a version of an evaluation in scope",
    ("cycle_service.py", "_rescore", "Evaluation"): "the write path: the evaluations of a document's department",
    ("cycle_views.py", "page_context", "User"): "the names of who saved a document in scope",
    ("cycle_views.py", "bureau_run", "CycleDocument"): "filtered by scope.department_filter()",
    ("routers/admin.py", "add_department", "Department"): "administrator only: a name already taken",
    ("routers/admin.py", "add_user", "User"): "administrator only: a name already taken",
    ("routers/admin.py", "add_user", "Department"): "administrator only: the new filler's department",
    ("routers/admin.py", "_target_names", "Evaluation"): "administrator only: the audit log's names",
    ("routers/admin.py", "_target_names", "User"): "administrator only: the audit log's names",
    ("routers/admin.py", "_target_names", "CycleDocument"): "administrator only: the audit log's names",
    ("routers/auth.py", "login", "User"): "the sign-in",
    ("routers/cycle.py", "_save", "User"): "the name of who saved a document in scope",
    ("routers/evaluations.py", "versions", "Version"): "the versions of an evaluation in scope",
    ("routers/evaluations.py", "versions", "User"): "the names of who saved them",
    ("routers/evaluations.py", "version", "Version"): "a version of an evaluation in scope",
    ("routers/review.py", "comment", "Comment"): "the answered 批注, refused unless the evaluation's",
    ("service.py", "create_evaluation", "Evaluation"): "the write path, after the user's right is checked",
    ("tasks.py", "_progress", "Job"): "the job's own run",
    ("tasks.py", "_signed_by", "User"): "the job's creator",
    ("tasks.py", "_workbooks", "User"): "the job's creator",
    ("tasks.py", "run_job", "Job"): "the job's own run",
    ("views.py", "guarded_write", "User"): "the name of who saved an evaluation in scope",
}
MODELS_IN_SCOPE = {"Evaluation", "Department", "Job", "AuditEntry", "User", "Comment", "CycleDocument", "Version"}


def test_every_read_of_what_a_user_may_not_see_goes_through_the_scope():
    """A record a user may not see (an evaluation, department, job, user, audit entry, comment, cycle document,
    version) is read in the web app through scope.py, the one place that says who sees what; a select(), get() or
    query() of one elsewhere is listed above with its reason, and a new one fails here."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "web"
    found: set[tuple[str, str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("migrations/") or relative == "scope.py":
            continue
        functions: list[str] = []

        def visit(node: ast.AST, relative: str = relative, functions: list[str] = functions) -> None:
            named = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if named:
                functions.append(node.name)
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
                call = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if call in ("select", "get", "query") and node.args[0].id in MODELS_IN_SCOPE:
                    found.add((relative, functions[-1] if functions else "<module>", node.args[0].id))
            for child in ast.iter_child_nodes(node):
                visit(child)
            if named:
                functions.pop()

        visit(ast.parse(path.read_text("utf-8")))
    unlisted = sorted(found - set(READS_BESIDE_THE_SCOPE))
    assert not unlisted, f"reads outside scope.py (read through actor.scope, or list with a reason): {unlisted}"
    assert ("routers/auth.py", "login", "User") in found  # the scan sees what it should
