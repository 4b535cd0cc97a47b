"""The web app: plumbing only — the database session per request, security headers and size limits, Chinese
error pages — and the routers (routers/), each with the signed-in actor and their scope as dependencies.

Server-rendered pages (Jinja2), no JavaScript build. Every form carries a CSRF token; sessions are server side,
in the database (the token hashed), behind an HttpOnly, SameSite cookie; logins are throttled (throttle.py).
Long jobs go to the task queue (tasks.py) and show their progress on a page that refreshes itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from jixiao.model.numbers import fmt_score

from .db import NOT_STARTED, ROLES, STATUSES, make_engine, session_factory, unavailable
from .deps import BadInput, SignIn, page, page_patterns
from .migrate import upgrade
from .routers import ROUTERS
from .scope import NotFound, OutOfScope
from .service import Denied
from .sqlite_writers import holds_write_lock
from .timefmt import cn_date, local_time

__all__ = ["create_app"]

HERE = Path(__file__).parent
MAX_BODY = 60 * 1024 * 1024  # a request's body: a batch of workbooks at most
# A body sent slowly holds its connection (and the upload's memory) for as long as the sender likes: each part of it
# must come within BODY_IDLE seconds of the last, and the whole at BODY_RATE bytes a second on average after the
# first BODY_IDLE seconds (60 MB: about an hour at 16 KB/s, slower than any office line that can send it at all).
BODY_IDLE = 60.0
BODY_RATE = 16 * 1024
_LOCK_HOLDERS = ThreadPoolExecutor(2, "commit")  # SQLite's write lock has one holder per process at a time
log = logging.getLogger("jixiao.web")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class _Plumbing:
    """Plain ASGI (cheaper than BaseHTTPMiddleware): one database session per request, committed just before the
    response starts (so a redirect after a save never races the next request; a write's commit in the thread pool,
    as it waits for the disk; a save through views.guarded_write has committed already) and rolled back on error;
    the security headers on every response; request bodies over MAX_BODY refused with 413."""

    def __init__(self, app, factory):
        self.app, self.factory = app, factory

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return await _send_too_large(send)
        db = self.factory()
        scope.setdefault("state", {})["db"] = db
        started = False
        received = 0
        loop = asyncio.get_running_loop()
        body_due = loop.time() + BODY_IDLE + int(length) / BODY_RATE
        body_done = scope["method"] in ("GET", "HEAD")
        refused: list[Exception] = []  # the body too large or too slow: answered here, whatever the app made of it

        async def counted_receive():
            nonlocal received, body_done
            if body_done:  # the body is in: what follows is the client leaving, waited for as long as it takes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), min(BODY_IDLE, max(0.0, body_due - loop.time())))
            except TimeoutError:
                refused.append(_TooSlow())
                raise refused[-1] from None
            received += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            if received > MAX_BODY:
                refused.append(_TooLarge())
                raise refused[-1]
            return message

        async def send_with_headers(message):
            nonlocal started
            if refused:  # the app's answer to a body it could not read (a form parser's 400): not sent
                return
            if message["type"] == "http.response.start" and not started:
                started = True
                if (scope["method"] in ("GET", "HEAD") or not db.in_transaction()) and not (
                    db.new or db.dirty or db.deleted
                ):
                    db.commit()  # a page view, or a write committed already (views.guarded_write): nothing to write
                elif holds_write_lock(db):  # its commit must not wait for a thread the lock's waiters hold
                    await asyncio.get_running_loop().run_in_executor(_LOCK_HOLDERS, db.commit)
                else:  # a write waits for the disk (fsync) and SQLite's lock: not on the loop every request shares
                    await run_in_threadpool(db.commit)
                headers = list(message.get("headers") or [])
                headers += SECURITY_HEADERS
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except Exception:
            db.rollback()
            if not refused:
                raise
        finally:
            try:
                if refused:
                    db.rollback()
                    if not started:
                        await _send_body_refusal(send, refused[0], scope)
            finally:
                db.close()


async def _send_body_refusal(send, refused: Exception, scope) -> None:
    if isinstance(refused, _TooLarge):
        await _send_too_large(send)
    else:
        log.warning("request body too slow: %s %s", scope["method"], scope["path"])
        await _send_refusal(send, 408, "上传超时", _TOO_SLOW)


_TOO_SLOW = "上传的内容长时间没有传完（网络过慢或连接中断），未处理。请检查网络后重新上传；文件较多时请分批上传。"


async def _send_too_large(send) -> None:
    limit = MAX_BODY // 1024 // 1024
    said = (
        f"一次上传的内容超过 {limit} MB，未处理。请分批上传（每批少选几个文件），"
        "或把文件压缩、删去不需要的图片后再上传。"
    )
    await _send_refusal(send, 413, "上传内容过大", said)


async def _send_refusal(send, status: int, title: str, said: str) -> None:
    """A page (not bare text) that says what happened and leads back: the browser shows it in place of the page the
    upload was sent from, before any route (or its template) runs."""
    body = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main"><div class="card">'
        f"<h1>{title}</h1><p>{said}</p>"
        '<p><a href="/">返回首页</a>（按浏览器的“后退”可回到上传的页面）</p></div></main></body></html>'
    ).encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _error(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return page(request, "error.html", {"title": title, "message": message, "back": _came_from(request)}, status)


def _came_from(request: Request) -> str:
    """The page of this site the user came from (a form's page, the evaluation an indicator's link was on), for the
    error page's way back to it; empty when there is none or it is this very address."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return ""
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    return "" if referer.path in (request.url.path, "/login") else back


# Fields of the forms, in the user's words, for validation messages.
_FIELD_LABELS = {
    "username": "用户名",
    "password": "密码",
    "login_token": "登录令牌",
    "next": "跳转地址",
    "year": "年度",
    "page": "页码",
    "status": "状态",
    "kind": "类型",
    "action": "操作",
}


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    """A 404 when the path names no record (a bad or huge id), else a 422 naming the fields, in Chinese."""
    errors = exc.errors()
    if any(e.get("loc", ("",))[0] == "path" for e in errors):
        return 404, "找不到该页面或记录（地址中的编号或名称不正确）。"
    fields = []
    for e in errors:
        name = str(e.get("loc", ("", ""))[-1])
        fields.append(f"“{_FIELD_LABELS.get(name, name)}”")
    return (
        422,
        f"提交的内容不正确：字段{'、'.join(dict.fromkeys(fields))}缺失、过长或格式不对。请返回上一页检查后重试。",
    )


WEB_THREADS = 4


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """A served app (not a TestClient) starts LibreOffice in the background, for the first PDF download, and
    freezes what it has loaded."""
    from jixiao.formats.office import warm_up

    warm_up()
    # what the process loaded to start (~120,000 objects) stays for its life: frozen, the collector's full passes,
    # which stop every request of the process, skip it (~75 ms each before; service.LOADED_KEPT, issue 15)
    gc.collect()
    gc.freeze()
    # The requests of this process that run at once in its thread pool (every route that reads or writes the
    # database is a plain `def`): four, not anyio's forty. More only take turns on the interpreter's lock, and a
    # holder of SQLite's write lock then waits for a turn between its statements while every other writer waits
    # for it: 20 clients saving, p95 151/137/155 ms with forty against 104/136/122 with four, p99 175–190 against
    # 118–149 (bench/web.py, SQLite, three alternating rounds on a loaded machine). JIXIAO_WEB_THREADS sets it.
    threads = os.environ.get("JIXIAO_WEB_THREADS", "")
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = int(threads) if threads.isdigit() and int(threads) > 0 else WEB_THREADS
    yield


def create_app(database_url: str | None = None, *, secure_cookies: bool | None = None, enqueue=None) -> FastAPI:
    engine = make_engine(database_url)
    try:
        upgrade(engine)  # a no-op when already at the newest revision; the first connection
    except DBAPIError as exc:  # the server down, a wrong password, no such database: said, not a traceback
        engine.dispose()
        raise unavailable(str(engine.url.render_as_string(hide_password=False)), exc) from None
    factory = session_factory(engine)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.finalize = lambda value: "" if value is None else value  # never a "None" on a page
    templates.env.globals.update(
        ROLES=ROLES,
        STATUSES=STATUSES,
        NOT_STARTED=NOT_STARTED,
        fmt_score=fmt_score,
        local_time=local_time,
        cn_date=cn_date,
    )
    app = FastAPI(title="jixiao 绩效自评", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.engine, app.state.factory, app.state.templates = engine, factory, templates
    app.state.secure_cookies = (
        secure_cookies if secure_cookies is not None else os.environ.get("JIXIAO_SECURE_COOKIES") == "1"
    )
    app.state.rendered, app.state.dashboard_cache = {}, {}
    if enqueue is None:
        from .tasks import enqueue_job as enqueue
    app.state.enqueue = enqueue
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(_Plumbing, factory=factory)
    for router in ROUTERS:
        app.include_router(router)
    app.state.pages = page_patterns(ROUTERS)  # where a form sent after the session ended leads back to (deps)

    @app.exception_handler(SignIn)
    async def sign_in(request: Request, exc: SignIn):
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(OutOfScope)
    async def out_of_scope(request: Request, exc: OutOfScope):
        return _error(request, 403, "无权访问", exc.message)

    @app.exception_handler(Denied)
    async def denied(request: Request, exc: Denied):
        return _error(request, 403, "不能执行该操作", str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _error(request, 404, "页面不存在", exc.message)

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput):
        return _error(request, 422, "提交的内容有误", exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        status, message = _validation_message(exc)
        return _error(request, status, "页面不存在" if status == 404 else "提交的内容有误", message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: ("页面不存在", "找不到该页面或记录。"), 405: ("不支持的操作", "该地址不支持这种请求方式。")}
        title, message = titles.get(exc.status_code, ("请求有误", "请求无法处理，请返回上一页重试。"))
        return _error(request, exc.status_code, title, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):  # the last net: logged, never shown
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(request, 500, "系统内部错误", "处理请求时出现内部错误，已记录。请稍后重试或联系管理员。")

    return app
