"""The web app's routes: parse the request, call the service and the core, render a Chinese page.

Server-rendered pages (Jinja2), no JavaScript build. Every form carries a CSRF token; sessions are server
side, in the database, behind an HttpOnly, SameSite cookie; logins are rate limited. Long jobs go to the
task queue (tasks.py) and show their progress on a page that refreshes itself.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..excel_layout import FORM_FIELDS
from ..explain import node_to_dict, weight_text
from ..numbers import fmt_score
from ..problems import JixiaoError, Severity
from ..rulebook import available_rulebooks
from .db import (
    ROLES,
    STATUSES,
    AuditEntry,
    Department,
    Evaluation,
    Job,
    Session,
    User,
    Version,
    data_dir,
    make_engine,
    now,
    session_factory,
)
from .migrate import upgrade
from .security import check_password, hash_password, login_blocked, new_session, record_login, valid_csrf
from .service import (
    EDITABLE_LISTS,
    Conflict,
    Denied,
    can_edit,
    can_view,
    check_upload,
    form_to_yaml,
    form_values,
    get_or_create_evaluation,
    list_rows,
    lists_from_form,
    lists_to_yaml,
    load,
    save,
    transition,
    workbook_to_yaml,
)

__all__ = ["create_app"]

COOKIE = "jixiao_session"
PAGE = 100  # departments per page of the dashboard ranking
LOGIN_COOKIE = "jixiao_login"
HERE = Path(__file__).parent


_CSRF_SLOT = "\x00csrf\x00"


def _context_of(response: HTMLResponse) -> dict[str, Any]:
    """The context a TemplateResponse was built with (to render the same page into the cache)."""
    return {k: v for k, v in response.context.items() if k not in ("request", "user", "csrf")}


class _DatabaseSession:
    """One database session per request (plain ASGI, cheaper than BaseHTTPMiddleware): committed just before
    the response starts — so a redirect after a save never races the next request — rolled back on error."""

    def __init__(self, app, factory):
        self.app, self.factory = app, factory

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        db = self.factory()
        scope.setdefault("state", {})["db"] = db
        committed = False

        async def send_after_commit(message):
            nonlocal committed
            if message["type"] == "http.response.start" and not committed:
                committed = True
                db.commit()
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        except Exception:
            db.rollback()
            raise
        finally:
            db.close()


class _Redirect(Exception):
    def __init__(self, url: str):
        self.url = url


class _Forbidden(Exception):
    def __init__(self, message: str = "您没有权限访问该页面。"):
        self.message = message


def create_app(database_url: str | None = None, *, secure_cookies: bool | None = None, enqueue=None) -> FastAPI:
    engine = make_engine(database_url)
    upgrade(engine)  # a no-op when already at the newest revision
    factory = session_factory(engine)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(ROLES=ROLES, STATUSES=STATUSES, fmt_score=fmt_score)
    secure = secure_cookies if secure_cookies is not None else os.environ.get("JIXIAO_SECURE_COOKIES") == "1"
    app = FastAPI(title="jixiao 绩效自评", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine, app.state.factory = engine, factory
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if enqueue is None:
        from .tasks import enqueue_job as enqueue
    app.state.enqueue = enqueue

    # --- plumbing ---------------------------------------------------------------------------------
    app.add_middleware(_DatabaseSession, factory=factory)

    @app.exception_handler(_Redirect)
    async def redirect(request: Request, exc: _Redirect):
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(_Forbidden)
    async def forbidden(request: Request, exc: _Forbidden):
        return page(request, "error.html", {"title": "无权访问", "message": exc.message}, status=403)

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        return page(request, "error.html", {"title": "页面不存在", "message": "找不到该页面或记录。"}, status=404)

    def db_of(request: Request) -> DbSession:
        return request.state.db

    def session_of(request: Request) -> Session | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        session = db_of(request).get(Session, token)
        if session is None or session.expires_at < now() or not session.user.active:
            return None
        return session

    def user_of(request: Request) -> User:
        session = session_of(request)
        if session is None:
            raise _Redirect(f"/login?next={request.url.path}")
        request.state.session = session
        return session.user

    def check_csrf(request: Request, token: str) -> None:
        if not valid_csrf(getattr(request.state, "session", None), token):
            raise _Forbidden("表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。")

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        context = {
            "request": request,
            "user": session.user if session else None,
            "csrf": session.csrf if session else "",
            **context,
        }
        return templates.TemplateResponse(request, name, context, status_code=status)

    rendered: dict[tuple[Any, ...], str] = {}

    def cached_page(request: Request, key: tuple[Any, ...], name: str, build) -> HTMLResponse:
        """A page that only changes with its data (`key`) and the user: rendered once with a placeholder for
        the CSRF token, which each response fills in. `build()` gives the context when it must be rendered."""
        session = request.state.session
        key = (name, session.user.id, session.user.display_name, *key)
        html = rendered.get(key)
        if html is None:
            context = {"request": request, "user": session.user, "csrf": _CSRF_SLOT, **build()}
            html = templates.get_template(name).render(context)
            if len(rendered) > 512:
                rendered.clear()
            rendered[key] = html
        return HTMLResponse(html.replace(_CSRF_SLOT, session.csrf))

    def evaluation_for(request: Request, user: User, evaluation_id: int) -> Evaluation:
        evaluation = db_of(request).get(Evaluation, evaluation_id)
        if evaluation is None:
            raise _Forbidden("找不到该自评记录。")
        if not can_view(user, evaluation):
            raise _Forbidden("您只能查看本部门（或本辖区）的自评。")
        return evaluation

    # --- login ------------------------------------------------------------------------------------
    @app.get("/login")
    def login_page(request: Request, next: str = "/"):
        token = secrets.token_urlsafe(16)
        response = page(request, "login.html", {"next": next, "login_token": token, "error": ""})
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=secure)
        return response

    @app.post("/login")
    def login(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        login_token: str = Form(""),
        next: str = Form("/"),
    ):
        db = db_of(request)
        ip = request.client.host if request.client else "-"
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not secrets.compare_digest(cookie, login_token):
            return page(
                request,
                "login.html",
                {"next": next, "login_token": cookie, "error": "页面已过期，请重新登录。"},
                status=400,
            )
        if login_blocked(db, username, ip):
            return page(
                request,
                "login.html",
                {"next": next, "login_token": cookie, "error": "登录失败次数过多，请15分钟后再试。"},
                status=429,
            )
        user = db.scalar(select(User).where(User.username == username))
        if not check_password(user, password):
            record_login(db, username, ip, False)
            return page(
                request, "login.html", {"next": next, "login_token": cookie, "error": "用户名或密码错误。"}, status=401
            )
        record_login(db, username, ip, True)
        session = new_session(db, user)
        db.add(AuditEntry(user_id=user.id, action="login", target=f"user:{user.id}", detail=ip))
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=secure, max_age=12 * 3600)
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf_token: str = Form("")):
        user_of(request)
        check_csrf(request, csrf_token)
        db_of(request).delete(request.state.session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # --- home and evaluations -----------------------------------------------------------------------
    @app.get("/")
    def home(request: Request):
        user = user_of(request)
        return RedirectResponse("/evaluations" if user.role == "filler" else "/bureau", status_code=303)

    def visible_evaluations(db: DbSession, user: User, year: int | None = None) -> list[Evaluation]:
        query = select(Evaluation).join(Department)
        if user.role == "filler":
            query = query.where(Evaluation.department_id == user.department_id)
        elif user.role == "reviewer" and user.region:
            query = query.where(Department.region.startswith(user.region))
        if year is not None:
            query = query.where(Evaluation.year == year)
        return list(db.scalars(query.order_by(Evaluation.year.desc(), Department.name)))

    @app.get("/evaluations")
    def evaluations(request: Request):
        user = user_of(request)
        db = db_of(request)
        departments = list(db.scalars(select(Department).order_by(Department.name))) if user.role == "admin" else []
        return page(
            request,
            "evaluations.html",
            {
                "evaluations": visible_evaluations(db, user),
                "rulebooks": list(available_rulebooks()),
                "departments": departments,
            },
        )

    @app.post("/evaluations/new")
    def new_evaluation(
        request: Request,
        year: int = Form(...),
        rulebook: str = Form(...),
        department_id: int | None = Form(None),
        csrf_token: str = Form(""),
    ):
        user = user_of(request)
        check_csrf(request, csrf_token)
        db = db_of(request)
        if user.role == "filler":
            department_id = user.department_id
        elif user.role != "admin":
            raise _Forbidden("只有填报人或管理员可以新建自评。")
        department = db.get(Department, department_id) if department_id else None
        if department is None or rulebook not in available_rulebooks() or not 2000 <= year <= 2100:
            raise _Forbidden("部门、年度或指标体系不正确。")
        evaluation = get_or_create_evaluation(db, department, year, rulebook)
        db.add(
            AuditEntry(
                user_id=user.id,
                action="create",
                target=f"evaluation:{evaluation.id}",
                detail=f"{department.name} {year} {rulebook}",
            )
        )
        return RedirectResponse(f"/evaluations/{evaluation.id}", status_code=303)

    def evaluation_page(
        request: Request,
        user: User,
        evaluation: Evaluation,
        *,
        loaded=None,
        message: str = "",
        conflict: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        yaml_text: str | None = None,
        lists: dict[str, list[dict[str, str]]] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        loaded = loaded or load(evaluation)
        scored = loaded.scored
        rows = []
        if scored is not None:
            for node in scored.walk():
                rows.append(
                    {
                        "node": node,
                        "weight": weight_text(node),
                        "score": fmt_score(node.score) if node.score is not None else node.status,
                    }
                )
        narrative = json.loads(evaluation.narrative_json or "{}")
        outline_names = _narrative_names(loaded)
        return page(
            request,
            "evaluation.html",
            {
                "e": evaluation,
                "scored": scored,
                "rows": rows,
                "problems": loaded.problems,
                "message": message,
                "can_edit": can_edit(user, evaluation),
                "conflict": conflict,
                "form": form if form is not None else form_values(loaded.data),
                "fields": FORM_FIELDS,
                "field_errors": {
                    p.location.field: p.message for p in loaded.problems if p.location and p.location.field
                },
                "yaml_text": yaml_text if yaml_text is not None else evaluation.data_yaml,
                "narrative": narrative,
                "narrative_names": outline_names,
                "lists": _with_spare(lists) if lists is not None else list_rows(loaded.data),
                "list_sheets": EDITABLE_LISTS,
            },
            status=status,
        )

    @app.get("/evaluations/{evaluation_id}")
    def show_evaluation(request: Request, evaluation_id: int):
        user = user_of(request)
        evaluation = evaluation_for(request, user, evaluation_id)
        if request.query_params:  # "?saved=1" shows a one-off message: render it fresh
            return evaluation_page(request, user, evaluation)
        key = (evaluation.id, evaluation.version, evaluation.status)
        return cached_page(
            request, key, "evaluation.html", lambda: _context_of(evaluation_page(request, user, evaluation))
        )

    def guarded_save(
        request: Request,
        user: User,
        evaluation: Evaluation,
        version: int,
        note: str,
        *,
        data_yaml: str | None = None,
        narrative: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        lists: dict[str, list[dict[str, str]]] | None = None,
    ):
        try:
            loaded = save(
                db_of(request),
                user,
                evaluation,
                data_yaml=data_yaml,
                narrative=narrative,
                expected_version=version,
                note=note,
            )
        except Denied as exc:
            raise _Forbidden(str(exc)) from None
        except Conflict as exc:
            current = exc.current
            who = db_of(request).get(User, current.updated_by) if current.updated_by else None
            conflict = {
                "version": current.version,
                "yours": version,
                "by": who.display_name or who.username if who else "他人",
                "at": current.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
                "narrative": narrative,
            }
            return evaluation_page(
                request,
                user,
                current,
                conflict=conflict,
                form=form,
                lists=lists,
                yaml_text=data_yaml,
                status=409,
                message="保存未成功：该部门的自评已被他人修改。您填写的内容保留在下方，请与最新数据核对后再保存。",
            )
        if any(p.severity is Severity.ERROR for p in loaded.problems):
            return evaluation_page(
                request,
                user,
                evaluation,
                loaded=loaded,
                form=form,
                lists=lists,
                yaml_text=data_yaml,
                status=422,
                message="数据有误，未保存。请按提示修改后重新保存。",
            )
        return RedirectResponse(f"/evaluations/{evaluation.id}?saved=1", status_code=303)

    @app.post("/evaluations/{evaluation_id}/form")
    async def save_form(request: Request, evaluation_id: int):
        user = user_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_csrf(request, form.get("csrf_token", ""))
        evaluation = evaluation_for(request, user, evaluation_id)
        values = {k[2:]: v for k, v in form.items() if k.startswith("f:")}
        version = int(form.get("version", "0"))
        if version != evaluation.version:
            return guarded_save(request, user, evaluation, version, "表单填报", form=values)
        return guarded_save(
            request, user, evaluation, version, "表单填报", data_yaml=form_to_yaml(evaluation, form), form=values
        )

    @app.post("/evaluations/{evaluation_id}/lists")
    async def save_lists(request: Request, evaluation_id: int):
        user = user_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_csrf(request, form.get("csrf_token", ""))
        evaluation = evaluation_for(request, user, evaluation_id)
        lists = lists_from_form(form)
        version = int(form.get("version", "0"))
        data_yaml = lists_to_yaml(evaluation, lists) if version == evaluation.version else None
        return guarded_save(request, user, evaluation, version, "表格填报", data_yaml=data_yaml, lists=lists)

    @app.post("/evaluations/{evaluation_id}/yaml")
    def save_yaml(
        request: Request,
        evaluation_id: int,
        data_yaml: str = Form(...),
        version: int = Form(...),
        csrf_token: str = Form(""),
    ):
        user = user_of(request)
        check_csrf(request, csrf_token)
        evaluation = evaluation_for(request, user, evaluation_id)
        return guarded_save(request, user, evaluation, version, "数据文本编辑", data_yaml=data_yaml)

    @app.post("/evaluations/{evaluation_id}/upload")
    async def upload(
        request: Request, evaluation_id: int, file: UploadFile, version: int = Form(...), csrf_token: str = Form("")
    ):
        user = user_of(request)
        check_csrf(request, csrf_token)
        evaluation = evaluation_for(request, user, evaluation_id)
        content = await file.read(8 * 1024 * 1024 * 2)
        data_yaml, problems = workbook_to_yaml(content, file.filename or "upload.xlsx")
        if data_yaml is None:
            stored = load(evaluation)  # shared (cached): build a new result rather than change it
            loaded = type(stored)(stored.data, [*problems, *stored.problems], stored.scored, stored.prepared)
            return evaluation_page(
                request,
                user,
                evaluation,
                loaded=loaded,
                status=422,
                message=f"上传的工作簿“{file.filename}”有误，未导入。",
            )
        return guarded_save(request, user, evaluation, version, f"上传工作簿 {file.filename}", data_yaml=data_yaml)

    @app.post("/evaluations/{evaluation_id}/narrative")
    async def save_narrative(request: Request, evaluation_id: int):
        user = user_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_csrf(request, form.get("csrf_token", ""))
        evaluation = evaluation_for(request, user, evaluation_id)
        narrative = {k[2:]: v for k, v in form.items() if k.startswith("n:") and v.strip()}
        return guarded_save(request, user, evaluation, int(form.get("version", "0")), "报告文字", narrative=narrative)

    @app.post("/evaluations/{evaluation_id}/{action}")
    def change_status(
        request: Request,
        evaluation_id: int,
        action: str,
        version: int = Form(...),
        comment: str = Form(""),
        csrf_token: str = Form(""),
    ):
        if action not in ("submit", "return", "approve"):
            raise _Forbidden("未知操作。")
        user = user_of(request)
        check_csrf(request, csrf_token)
        evaluation = evaluation_for(request, user, evaluation_id)
        try:
            transition(db_of(request), user, evaluation, action, comment, version)
        except Denied as exc:
            return evaluation_page(request, user, evaluation, message=str(exc), status=409)
        except Conflict:
            return evaluation_page(
                request, user, evaluation, status=409, message="该自评刚被他人修改，请核对最新内容后再操作。"
            )
        return RedirectResponse(f"/evaluations/{evaluation.id}", status_code=303)

    @app.get("/evaluations/{evaluation_id}/indicator/{key:path}")
    def indicator(request: Request, evaluation_id: int, key: str):
        user = user_of(request)
        evaluation = evaluation_for(request, user, evaluation_id)
        scored = load(evaluation).scored
        node = scored.find(key) if scored else None
        if node is None:
            raise _Forbidden("找不到该指标。")
        return page(request, "indicator.html", {"e": evaluation, "n": node, "d": node_to_dict(node)})

    @app.get("/evaluations/{evaluation_id}/download/{kind}")
    def download(request: Request, evaluation_id: int, kind: str):
        user = user_of(request)
        evaluation = evaluation_for(request, user, evaluation_id)
        content, filename, media = _download(evaluation, kind)
        db_of(request).add(
            AuditEntry(user_id=user.id, action="download", target=f"evaluation:{evaluation.id}", detail=filename)
        )
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(filename)}"},
        )

    @app.get("/evaluations/{evaluation_id}/versions")
    def versions(request: Request, evaluation_id: int):
        user = user_of(request)
        evaluation = evaluation_for(request, user, evaluation_id)
        rows = list(
            db_of(request).scalars(
                select(Version).where(Version.evaluation_id == evaluation.id).order_by(Version.version.desc())
            )
        )
        users = {u.id: u for u in db_of(request).scalars(select(User))}
        return page(request, "versions.html", {"e": evaluation, "versions": rows, "users": users})

    @app.get("/evaluations/{evaluation_id}/versions/{number}")
    def version(request: Request, evaluation_id: int, number: int):
        user = user_of(request)
        evaluation = evaluation_for(request, user, evaluation_id)
        row = db_of(request).scalar(
            select(Version).where(Version.evaluation_id == evaluation.id, Version.version == number)
        )
        if row is None:
            raise _Forbidden("找不到该版本。")
        scored = load(evaluation, row.data_yaml).scored
        return page(request, "version.html", {"e": evaluation, "v": row, "scored": scored})

    # --- bureau ---------------------------------------------------------------------------------------
    def dashboard_rows(db: DbSession, user: User, year: int) -> list[Any]:
        """Only the columns the dashboard shows (never the stored data): it lists every department."""
        query = (
            select(
                Evaluation.id,
                Evaluation.department_id,
                Evaluation.total,
                Evaluation.grade,
                Evaluation.status,
                Evaluation.deductions_json,
                Department.name,
            )
            .join(Department)
            .where(Evaluation.year == year)
        )
        if user.role == "reviewer" and user.region:
            query = query.where(Department.region.startswith(user.region))
        return list(db.execute(query))

    dashboard_cache: dict[tuple[Any, ...], tuple[int, dict[str, int], str]] = {}

    def dashboard_tables(db: DbSession, user: User, year: int, page_no: int = 1) -> tuple[int, dict[str, int], str]:
        """Ranking, year-over-year change, losses by indicator and charts, rendered once per state of the data:
        the key is the count and the last change of the two years shown, so any save shows at once."""
        region = user.region if user.role == "reviewer" else ""
        state = db.execute(
            select(func.count(Evaluation.id), func.max(Evaluation.updated_at), func.sum(Evaluation.version)).where(
                Evaluation.year.in_((year, year - 1))
            )
        ).one()
        key = (region, year, page_no, *state)
        if key in dashboard_cache:
            return dashboard_cache[key]
        current = dashboard_rows(db, user, year)
        previous = {row.department_id: row.total for row in dashboard_rows(db, user, year - 1)}
        ranked = sorted(current, key=lambda e: Decimal(e.total) if e.total else Decimal(-1), reverse=True)
        lost: dict[str, list[Decimal]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        for e in current:
            counts[e.status] += 1
            for name, points in json.loads(e.deductions_json or "{}").items():
                lost[name].append(Decimal(points))
        losses = sorted(((name, len(v), sum(v, Decimal(0))) for name, v in lost.items()), key=lambda x: (-x[1], -x[2]))
        top = ranked[:30]
        pages = max(1, (len(ranked) + PAGE - 1) // PAGE)
        page_no = min(max(page_no, 1), pages)
        html = templates.get_template("_dashboard_tables.html").render(
            ranked=ranked[(page_no - 1) * PAGE : page_no * PAGE],
            offset=(page_no - 1) * PAGE,
            page_no=page_no,
            pages=pages,
            year=year,
            previous=previous,
            losses=losses,
            STATUSES=STATUSES,
            fmt_score=fmt_score,
            chart_note=f"图中为得分前{len(top)}名" if len(ranked) > len(top) else "",
            chart=_bar_chart([(e.name, e.total) for e in top]),
            loss_chart=_bar_chart(
                [(n, str(c)) for n, c, _ in losses[:10]], maximum=max([c for _, c, _ in losses] or [1]), unit="个部门"
            ),
        )
        if len(dashboard_cache) > 64:
            dashboard_cache.clear()
        dashboard_cache[key] = (len(ranked), dict(counts), html)
        return dashboard_cache[key]

    @app.get("/bureau")
    def bureau(request: Request, year: int | None = None, page_no: int = Query(1, alias="page")):
        user = user_of(request)
        if user.role == "filler":
            raise _Forbidden("该页面供财政局审核人员使用。")
        db = db_of(request)
        query = select(Evaluation.year).distinct().join(Department)
        if user.role == "reviewer" and user.region:
            query = query.where(Department.region.startswith(user.region))
        years = sorted(db.scalars(query), reverse=True)
        year = year or (years[0] if years else now().year - 1)
        total, counts, tables = dashboard_tables(db, user, year, page_no)
        jobs = list(db.scalars(select(Job).order_by(Job.id.desc()).limit(10)))
        key = (
            year,
            page_no,
            tuple(years),
            total,
            tuple(sorted(counts.items())),
            hash(tables),
            tuple((j.id, j.done, j.status) for j in jobs),
        )
        return cached_page(
            request,
            key,
            "bureau.html",
            lambda: {"year": year, "years": years, "total": total, "counts": counts, "jobs": jobs, "tables": tables},
        )

    @app.post("/bureau/batch")
    async def batch(request: Request, kind: str = Form(...), year: int = Form(0), csrf_token: str = Form("")):
        user = user_of(request)
        check_csrf(request, csrf_token)
        if user.role == "filler" or kind not in ("reviews", "workbooks"):
            raise _Forbidden("只有审核人或管理员可以批量上传。")
        form = await request.form()
        files = [f for f in form.getlist("files") if getattr(f, "filename", "")]
        if not files:
            raise _Forbidden("请选择要上传的文件。")
        db = db_of(request)
        job = Job(kind=kind, total=len(files), created_by=user.id, message=str(year or ""))
        db.add(job)
        db.flush()
        folder = data_dir() / "jobs" / str(job.id)
        (folder / "input").mkdir(parents=True, exist_ok=True)
        rejected = []
        for upload_file in files:
            content = await upload_file.read(16 * 1024 * 1024)
            name = Path(upload_file.filename).name
            if name.lower().endswith((".docx", ".xlsx", ".xlsm")) and check_upload(content, name):
                rejected.append(f"{name}：{check_upload(content, name)[0].message}")
                continue
            (folder / "input" / name).write_bytes(content)
        job.folder = str(folder)
        job.message = "\n".join(rejected)
        db.add(AuditEntry(user_id=user.id, action="batch", target=f"job:{job.id}", detail=f"{kind} {len(files)}"))
        db.commit()
        app.state.enqueue(job.id, str(engine.url.render_as_string(hide_password=False)))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}")
    def job_page(request: Request, job_id: int):
        user = user_of(request)
        job = db_of(request).get(Job, job_id)
        if job is None or (user.role == "filler" and job.created_by != user.id):
            raise _Forbidden("找不到该任务。")
        outputs = sorted(p.name for p in (Path(job.folder) / "output").glob("*")) if job.folder else []
        return page(request, "job.html", {"job": job, "outputs": outputs})

    @app.get("/jobs/{job_id}/files/{name}")
    def job_file(request: Request, job_id: int, name: str):
        user = user_of(request)
        job = db_of(request).get(Job, job_id)
        if job is None or user.role == "filler":
            raise _Forbidden("找不到该任务。")
        path = (Path(job.folder) / "output" / Path(name).name).resolve()
        if not path.is_file() or (Path(job.folder) / "output").resolve() not in path.parents:
            raise _Forbidden("找不到该文件。")
        return FileResponse(path, filename=path.name)

    # --- admin ----------------------------------------------------------------------------------------
    def admin_only(request: Request) -> User:
        user = user_of(request)
        if user.role != "admin":
            raise _Forbidden("该页面仅管理员可用。")
        return user

    @app.get("/admin")
    def admin(request: Request, message: str = ""):
        admin_only(request)
        db = db_of(request)
        return page(
            request,
            "admin.html",
            {
                "users": list(db.scalars(select(User).order_by(User.username))),
                "departments": list(db.scalars(select(Department).order_by(Department.name))),
                "rulebooks": available_rulebooks(),
                "message": message,
            },
        )

    @app.post("/admin/departments")
    def add_department(
        request: Request,
        name: str = Form(...),
        region: str = Form(""),
        code: str = Form(""),
        csrf_token: str = Form(""),
    ):
        user = admin_only(request)
        check_csrf(request, csrf_token)
        db = db_of(request)
        if db.scalar(select(Department).where(Department.name == name.strip())):
            return RedirectResponse("/admin?message=部门已存在", status_code=303)
        db.add(Department(name=name.strip(), region=region.strip(), code=code.strip()))
        db.add(AuditEntry(user_id=user.id, action="add_department", target=name.strip()))
        return RedirectResponse("/admin?message=已添加部门", status_code=303)

    @app.post("/admin/users")
    def add_user(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        role: str = Form(...),
        display_name: str = Form(""),
        region: str = Form(""),
        department_id: int | None = Form(None),
        csrf_token: str = Form(""),
    ):
        user = admin_only(request)
        check_csrf(request, csrf_token)
        db = db_of(request)
        if role not in ROLES or len(password) < 8 or db.scalar(select(User).where(User.username == username.strip())):
            return RedirectResponse("/admin?message=用户名已存在、角色不正确或密码少于8位", status_code=303)
        if role == "filler" and not department_id:
            return RedirectResponse("/admin?message=填报人必须指定所属部门", status_code=303)
        db.add(
            User(
                username=username.strip(),
                display_name=display_name.strip(),
                password_hash=hash_password(password),
                role=role,
                region=region.strip(),
                department_id=department_id if role == "filler" else None,
            )
        )
        db.add(AuditEntry(user_id=user.id, action="add_user", target=username.strip(), detail=role))
        return RedirectResponse("/admin?message=已添加用户", status_code=303)

    @app.get("/audit")
    def audit_log(request: Request):
        admin_only(request)
        rows = list(db_of(request).scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300)))
        return page(request, "audit.html", {"rows": rows})

    return app


def _with_spare(lists: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """Posted rows shown again (after a conflict or an error), every list present, with empty rows to add."""
    return {sheet.list_path: [*lists.get(sheet.list_path, []), {}, {}, {}] for sheet in EDITABLE_LISTS}


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _narrative_names(loaded) -> list[tuple[str, str]]:
    """The narrative sections the rulebook's outline asks for: (file name, heading)."""
    from ..report.outline import load_outline

    if loaded.prepared is None:
        return []
    outline = load_outline(str(loaded.prepared.rulebook.report.get("outline", "shenzhen-department")))
    names: list[tuple[str, str]] = []

    def walk(section) -> None:
        for item in section.content:
            key, value = next(iter(item.items()))
            if key == "narrative" or key in ("problems", "measures"):
                names.append((value if key == "narrative" else key, section.heading.replace("{year}", "")))
        for child in section.sections:
            walk(child)

    for item in outline.intro:
        if "narrative" in item:
            names.append((item["narrative"], "开头"))
    for section in outline.sections:
        walk(section)
    return list(dict.fromkeys(names))


def _download(evaluation: Evaluation, kind: str) -> tuple[bytes, str, str]:
    from ..pipeline import prepare
    from ..report import render_all
    from ..report.pdf import PdfError, convert_to_pdf
    from ..template import write_template

    base = f"{evaluation.department.name}{evaluation.year}年度"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.yaml").write_text(evaluation.data_yaml, encoding="utf-8")
        (folder / "narrative").mkdir()
        for name, text in json.loads(evaluation.narrative_json or "{}").items():
            if name.replace("_", "").isalnum():
                (folder / "narrative" / f"{name}.md").write_text(text, encoding="utf-8")
        try:
            prepared = prepare(folder, evaluation.rulebook_id)
        except JixiaoError as exc:
            raise _Forbidden("数据有误，无法生成：" + "；".join(p.message for p in exc.problems[:3])) from None
        if kind == "template":
            return (
                write_template(prepared.rulebook, prepared.data),
                f"{base}填报.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        from ..engine import evaluate

        scored = evaluate(prepared.rulebook, prepared.data)
        if kind in ("docx", "pdf"):
            outputs, _ = render_all(prepared, scored, ("docx",))
            docx = outputs["自评报告.docx"]
            if kind == "docx":
                return (
                    docx,
                    f"{base}自评报告.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                )
            (folder / "自评报告.docx").write_bytes(docx)
            try:
                convert_to_pdf([folder / "自评报告.docx"], folder / "pdf")
            except PdfError as exc:
                raise _Forbidden(str(exc)) from None
            return (folder / "pdf" / "自评报告.pdf").read_bytes(), f"{base}自评报告.pdf", "application/pdf"
        if kind == "xlsx":
            outputs, _ = render_all(prepared, scored, ("xlsx",))
            return (
                outputs["附件表.xlsx"],
                f"{base}附件表.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if kind == "html":
            outputs, _ = render_all(prepared, scored, ("html",))
            return outputs["自评报告.html"], f"{base}自评报告.html", "text/html; charset=utf-8"
    raise _Forbidden("不支持的下载格式。")


def _bar_chart(items: list[tuple[str, str | None]], maximum: Decimal | int = 100, unit: str = "分") -> str:
    """A horizontal bar chart as inline SVG (no JavaScript)."""
    rows = [(name, Decimal(value)) for name, value in items if value not in (None, "")]
    if not rows:
        return ""
    height = 26 * len(rows) + 10
    bars = []
    for i, (name, value) in enumerate(rows):
        width = float(value) / float(maximum or 1) * 360
        y = 8 + i * 26
        bars.append(
            f'<text x="0" y="{y + 13}" font-size="12">{_esc(name[:14])}</text>'
            f'<rect x="190" y="{y}" width="{width:.1f}" height="16" fill="#1f4e79"></rect>'
            f'<text x="{195 + width:.1f}" y="{y + 13}" font-size="12">{fmt_score(value)}{unit}</text>'
        )
    return (
        f'<svg role="img" aria-label="图表" width="640" height="{height}" viewBox="0 0 640 {height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
