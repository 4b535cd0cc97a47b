"""What every route depends on: the request's database session, the signed-in user with their scope (`Actor`),
the CSRF check, bounded ids, and rendering a page. A route that takes `Actor` cannot forget the scope: the only
way it reaches records is `actor.scope`."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, unquote_plus

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DbSession
from starlette.datastructures import UploadFile

from .db import Session, User
from .scope import OutOfScope, Scope
from .security import find_session, valid_csrf

__all__ = [
    "COOKIE",
    "Actor",
    "Admin",
    "BadInput",
    "Db",
    "Form",
    "Id",
    "Reviewer",
    "SignIn",
    "SignedIn",
    "checked_form",
    "int_field",
    "page",
    "uploaded",
    "uploaded_files",
]

COOKIE = "jixiao_session"
MAX_ID = 2_147_483_647  # the largest id a PostgreSQL integer holds; larger ones are "not found", not an error

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class SignIn(Exception):
    """Not signed in (or must change the password first): go to `url`."""

    def __init__(self, url: str):
        self.url = url


# `async def` where a dependency touches no database: FastAPI runs a plain `def` dependency in its thread pool (a
# hop to another thread per dependency per request). One that reads the database stays `def`: on the event loop
# it would wait there for a pooled connection that the threads hold, and stop every request of the process.
async def get_db(request: Request) -> DbSession:
    return request.state.db


Db = Annotated[DbSession, Depends(get_db)]


@dataclass(frozen=True)
class Actor:
    """The signed-in user, their session and their scope."""

    user: User
    session: Session
    scope: Scope

    @property
    def role(self) -> str:
        return self.user.role


def signed_in(request: Request, db: Db) -> Actor:
    session = find_session(db, request.cookies.get(COOKIE))
    if session is None:  # back to this page after signing in, its query too (/bureau?year=2022&status=draft)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":  # a form sent after the session ended: back to the page that held it
            target = _page_sent_from(request)
        raise SignIn(f"/login?next={quote(target, safe='/')}")
    request.state.session = session
    user = session.user
    if user.must_change_password and request.url.path not in ("/account", "/account/password", "/logout"):
        raise SignIn("/account?must=1")
    return Actor(user, session, Scope(user))


def _page_sent_from(request: Request) -> str:
    """The page a form was sent from (the Referer of this site: the page's Referrer-Policy is same-origin), else the
    home page: the form's own address (/evaluations/1/form) answers a POST only, and after signing in a GET of it was
    a dead end (不支持的操作). The page keeps what was typed into it and not saved (static/app.js)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return "/"
    # its filters kept (/bureau?year=2022), not a one-off message of the page (?saved=form, ?done=create)
    kept = [(k, v) for k, v in parse_qsl(referer.query) if k not in _ONE_OFF and not k.startswith("r:")]
    path = _page_of(request, referer.path)
    return path + (f"?{urlencode(kept)}" if kept and path == referer.path else "")


def _page_of(request: Request, path: str) -> str:
    """`path` if it is a page (answers GET), else the page above it: a refused save is shown at the form's own
    address (/evaluations/1/form, /admin/users), which answers a POST only — sent from there, the sign-in led to it
    and to 不支持的操作."""
    pages = getattr(request.app.state, "pages", ())
    while path not in ("", "/"):
        shown = unquote_plus(path)
        for pattern, numbers in pages:
            found = pattern.fullmatch(shown)
            if found and all(found.group(name).isdigit() for name in numbers):
                return path
        path = path.rsplit("/", 1)[0]
    return "/"


def page_patterns(routers) -> list[tuple[Any, frozenset[str]]]:
    """The addresses that answer GET, each as its route's pattern and the names of its whole-number parameters
    (/evaluations/new is no /evaluations/{evaluation_id}): what `_page_of` tells a page by."""
    from fastapi.routing import APIRoute

    return [
        (route.path_regex, frozenset(f.name for f in route.dependant.path_params if f.field_info.annotation is int))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in (route.methods or ())
    ]


_ONE_OFF = ("saved", "done", "refused", "message", "sig")


SignedIn = Annotated[Actor, Depends(signed_in)]


def _role(*roles: str, message: str):
    async def check(actor: SignedIn) -> Actor:
        if actor.role not in roles:
            raise OutOfScope(message)
        return actor

    return check


Admin = Annotated[Actor, Depends(_role("admin", message="该页面仅管理员可用。"))]
Reviewer = Annotated[Actor, Depends(_role("reviewer", "admin", message="该页面供财政局审核人员使用。"))]


async def checked_form(request: Request, actor: SignedIn) -> dict[str, str]:
    """The posted form's text fields (the last of repeated ones), after the CSRF check."""
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() == _URLENCODED:
        fields = urlencoded_fields(await request.body())
    else:  # a multipart form (a file upload)
        form = await request.form()
        fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    if not valid_csrf(actor.session, fields.get("csrf_token") or ""):
        raise OutOfScope(
            "表单已过期（可能已在其他窗口重新登录或退出），未保存。请回到原页面刷新后重试；"
            "页面上填写而未保存的内容（密码除外）会在刷新后恢复。"
        )
    return fields


_URLENCODED = "application/x-www-form-urlencoded"


def urlencoded_fields(body: bytes) -> dict[str, str]:
    """A urlencoded form as urllib's parse_qsl reads it (+ a space, %XX a byte, UTF-8, blank values kept; the last
    of repeated names), ~15× faster for the text editor's 20–60 KB of percent-encoded Chinese: each %XX is
    turned into a \\xXX escape that the C codec decodes, where unquote loops over them in Python."""
    fields: dict[str, str] = {}
    for field in body.split(b"&"):
        if field:
            name, _, value = field.partition(b"=")
            fields[_unquoted(name)] = _unquoted(value)
    return fields


def _unquoted(raw: bytes) -> str:
    if b"%" not in raw and b"+" not in raw:
        return raw.decode("utf-8", "replace")
    try:
        escaped = raw.replace(b"\\", b"\\\\").replace(b"+", b" ").replace(b"%", b"\\x")
        return codecs.escape_decode(escaped)[0].decode("utf-8", "replace")
    except ValueError:  # a % without two hex digits: kept as typed, as unquote keeps it
        return unquote_plus(raw.decode("latin-1"))


Form = Annotated[dict[str, str], Depends(checked_form)]


# A route that writes is a plain `def` (FastAPI's thread pool): on the event loop, a save waiting for SQLite's write
# lock stops every request of the process, the lock's holder included when its commit is still to be sent from that
# loop (sqlite_writers._on_event_loop). Its uploaded files are taken from the parsed form here, on the loop, after
# the CSRF check; the route reads them with `file.file.read(...)` (Starlette's spooled temporary file).
def uploaded(field: str):
    async def one(request: Request, _form: Form) -> UploadFile | None:
        value = (await request.form()).get(field)
        return value if isinstance(value, UploadFile) and value.filename else None

    return Depends(one)


async def uploaded_files(request: Request, _form: Form) -> list[UploadFile]:
    return [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile) and f.filename]


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    try:
        user, csrf = (session.user, session.csrf) if session else (None, "")
    except SQLAlchemyError:  # the error page after a failed statement: the request's database session is closed
        user, csrf = None, ""
    context = {"request": request, "user": user, "csrf": csrf, **context}
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


class BadInput(Exception):
    """A request the server cannot act on (422); the message is Chinese and names the field."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def int_field(form: dict[str, str], name: str, label: str, low: int = 0, high: int = MAX_ID) -> int:
    """An integer form field, or BadInput naming it by its label: "字段“版本号”应为 0 至 … 之间的整数，实际为“abc”"."""
    text = (form.get(name) or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise BadInput(f"字段“{label}”应为 {low} 至 {high} 之间的整数，实际为“{text[:40]}”。请刷新页面后重试。")
    return int(text)
