"""Administration: accounts (add, disable/enable, reset the password with a forced change, unlock after failed
sign-ins), departments, the list of rulebooks, and the audit log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from .. import throttle
from ..db import ROLES, Deadline, Department, User
from ..deps import Admin, BadInput, Db, Form, Id, int_field, page
from ..rulebook_choice import rulebook_choices
from ..scope import NotFound
from ..security import MIN_PASSWORD, end_sessions, hash_password
from ..service import audit
from ..timefmt import SHANGHAI, cn_date, local_time, read_date

router = APIRouter()

# The audit log's actions, in the user's words.
ACTIONS = {
    "login": "登录",
    "password": "修改密码",
    "create": "新建自评",
    "save": "保存",
    "import": "批量导入",
    "rulebook": "更换指标体系",
    "submit": "提交审核",
    "return": "退回修改",
    "approve": "审核通过",
    "download": "下载",
    "batch": "批量上传",
    "add_department": "添加部门",
    "add_user": "添加用户",
    "disable": "停用账户",
    "enable": "启用账户",
    "reset": "重设密码",
    "unlock": "解除锁定",
    "account_locked": "账户锁定",
    "address_slowed": "地址限速",
    "comment": "批注",
    "deadline": "设定截止日期",
    "set_region": "设置辖区",
}


def _done(actor, message: str) -> RedirectResponse:
    """Back to the page, which shows `message`: signed for this session, so that a link made elsewhere (/admin?message=
    已重设密码，请把新密码发到…) shows nothing on an administrator's page."""
    from urllib.parse import urlencode

    query = urlencode({"message": message, "sig": _signature(actor, message)})
    return RedirectResponse(f"/admin?{query}", status_code=303)


def _signature(actor, message: str) -> str:
    return hmac.new(actor.session.csrf.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def _refused(request: Request, actor, db, message: str, typed: dict[str, str]):
    """The page again with `message` as an error and what was typed in the form kept (not a password)."""
    kept = {k: v for k, v in typed.items() if k not in ("password", "csrf_token")}
    return _admin_page(request, actor, db, error=message, typed=kept, status=422)


def _admin_page(
    request: Request,
    actor,
    db,
    message: str = "",
    new_password: str = "",
    *,
    error: str = "",
    typed: dict[str, str] | None = None,
    status: int = 200,
):
    return page(
        request,
        "admin.html",
        {
            "error": error,
            "typed": typed or {},
            "users": list(db.scalars(actor.scope.users())),
            "departments": list(db.scalars(actor.scope.departments())),
            "rulebooks": rulebook_choices() + rulebook_choices("project"),
            "locked": throttle.locked_accounts(db),
            "message": message[:200],
            "local_time": local_time,
            "new_password": new_password,
            "deadlines": list(db.scalars(select(Deadline).order_by(Deadline.year.desc()))),
            "default_year": datetime.now(SHANGHAI).year - 1,  # the year just ended is the one evaluated
        },
        status,
    )


@router.get("/admin")
def admin(request: Request, actor: Admin, db: Db, message: str = "", sig: str = ""):
    signed = hmac.compare_digest(sig.encode(), _signature(actor, message).encode())
    return _admin_page(request, actor, db, message if signed else "")


@router.post("/admin/departments")
def add_department(request: Request, actor: Admin, db: Db, form: Form):
    name, region, code = (form.get(k, "").strip() for k in ("name", "region", "code"))
    if not name or len(name) > 200 or len(region) > 200 or len(code) > 50:
        return _refused(request, actor, db, "部门名称必填（至多200字），所属地区至多200字，编码至多50字。", form)
    if db.scalar(select(Department).where(Department.name == name)):
        return _refused(request, actor, db, f"部门“{name}”已存在，未添加。", form)
    db.add(Department(name=name, region=region, code=code))
    audit(db, actor.user, "add_department", name, region, via="admin")
    return _done(actor, "已添加部门")


@router.post("/admin/users")
def add_user(request: Request, actor: Admin, db: Db, form: Form):
    username, display_name, region, unit = (
        form.get(k, "").strip() for k in ("username", "display_name", "region", "unit")
    )
    password, role = form.get("password", ""), form.get("role", "")
    if not username or len(username) > 100 or len(display_name) > 100 or len(region) > 200 or len(unit) > 200:
        return _refused(request, actor, db, "用户名必填（至多100字），姓名至多100字，辖区、单位各至多200字。", form)
    if role not in ROLES or not MIN_PASSWORD <= len(password) <= 256:
        return _refused(
            request, actor, db, f"角色不正确或初始密码少于{MIN_PASSWORD}位，未添加。请重新输入初始密码。", form
        )
    if db.scalar(select(User).where(User.username == username)):
        return _refused(request, actor, db, f"用户名“{username}”已存在，未添加。请换一个用户名。", form)
    department = None
    if role == "filler":
        text = form.get("department_id", "").strip()
        department = db.get(Department, int(text)) if text.isdigit() and int(text) < 2**31 else None
        if department is None:
            return _refused(request, actor, db, "填报人必须指定所属部门（请从列表中选择），未添加。", form)
    db.add(
        User(
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            role=role,
            region=region,
            unit=unit if role != "filler" else "",
            department_id=department.id if department else None,
            must_change_password=True,
        )
    )
    audit(db, actor.user, "add_user", username, ROLES[role], via="admin")
    return _done(actor, "已添加用户（首次登录须修改密码）")


@router.post("/admin/users/{user_id}/{action}")
def account_action(
    request: Request,
    actor: Admin,
    db: Db,
    form: Form,
    user_id: Id,
    action: Annotated[Literal["disable", "enable", "reset", "unlock", "region"], Path()],
):
    user = db.scalar(actor.scope.users().where(User.id == user_id))
    if user is None:
        raise NotFound("找不到该用户。")
    if action == "region":  # and the unit it signs for, when the form sends one
        region, unit = form.get("region", "").strip(), form.get("unit", user.unit).strip()
        if len(region) > 200 or len(unit) > 200 or user.role != "reviewer":
            raise BadInput("辖区、单位各至多200字，且只能为审核人设置（填报人的地区是其部门的地区）。")
        said = f"辖区设为“{region}”" + (f"，单位设为“{unit}”" if unit != user.unit else "")
        user.region, user.unit = region, unit
        audit(db, actor.user, "set_region", f"user:{user.id}", f"{user.username} {said}", via="admin")
        return _done(
            actor,
            f"已将 {user.username} 的辖区设为“{region or '（空）'}”"
            + (f"，单位设为“{unit or '（空）'}”" if "单位" in said else ""),
        )
    if action == "disable":
        if user.id == actor.user.id:
            return _done(actor, "不能停用自己的账户")
        user.active = False
        end_sessions(db, user)
        message = f"已停用 {user.username}"
    elif action == "enable":
        user.active = True
        message = f"已启用 {user.username}"
    elif action == "reset":
        password = secrets.token_urlsafe(9)
        user.password_hash = hash_password(password)
        user.must_change_password = True
        end_sessions(db, user)
        throttle.unlock(db, user.username)
        audit(db, actor.user, "reset", f"user:{user.id}", user.username, via="admin")
        message = f"已重设 {user.username} 的密码（只显示这一次，请告知本人；首次登录须修改）："
        return _admin_page(request, actor, db, message, password)
    else:
        throttle.unlock(db, user.username)
        message = f"已解除 {user.username} 的登录锁定"
    audit(db, actor.user, action, f"user:{user.id}", user.username, via="admin")
    return _done(actor, message)


@router.post("/admin/unlock")
def unlock_name(actor: Admin, db: Db, form: Form):
    """Unlock a locked name (also one that is not an account: an attacker's guesses at a name lock it too)."""
    username = form.get("username", "").strip()[:100]
    if throttle.unlock(db, username):
        audit(db, actor.user, "unlock", f"user:{username}", username, via="admin")
    return _done(actor, f"已解除 {username} 的登录锁定")


@router.post("/admin/deadline")
def set_deadline(request: Request, actor: Admin, db: Db, form: Form):
    """The day by which the departments submit the evaluation of a year (shown on the dashboard with days left),
    typed as people write a date (2026年3月31日, 2026-3-31): the browser's date picker follows the browser's
    language (mm/dd/yyyy in an English one). Refused, the page comes back with what was typed."""
    try:
        year = int_field(form, "year", "评价年度", 2000, 2100)
    except BadInput as exc:
        return _refused(request, actor, db, exc.message, form)
    text = form.get("due", "").strip()
    due = read_date(text)
    if due is None:
        return _refused(
            request, actor, db, f"“截止日期”应为日期，如 {year + 1}年3月31日，实际为“{text[:20]}”。未设定。", form
        )
    found = db.get(Deadline, year)
    if found:
        found.due = due
    else:
        db.add(Deadline(year=year, due=due))
    audit(db, actor.user, "deadline", f"year:{year}", f"{year}年度自评截止日期 {cn_date(due)}", via="admin")
    return _done(actor, f"已设定{year}年度自评截止日期为{cn_date(due)}")


_CYCLE_KINDS = {"targets": "绩效目标", "monitoring": "运行监控", "recheck": "复核", "rectification": "整改"}
_BUREAU_STEPS = {"monitor": "运行监控", "rectify": "整改台账", "targets": "绩效目标审核"}


def target_label(target: str, names: dict[str, str] | None = None) -> str:
    """What an audit entry is about, in the user's words: evaluation:12 → 深圳市宝安区妇女联合会 2023年度自评 (or
    自评 #12 when its name is not known), user:3 → the user's name, cycle:targets:3 → 绩效目标 #3."""
    if names and target in names:
        return names[target]
    kind, _, rest = target.partition(":")
    if kind == "cycle":
        cycle_kind, _, number = rest.partition(":")
        if cycle_kind == "bureau":  # cycle:bureau:monitor:2023, the bureau's workbook of a year
            step, _, year = number.partition(":")
            return f"{year}年度{_BUREAU_STEPS.get(step, '全周期')}汇总"
        if number == "template":
            return f"{_CYCLE_KINDS.get(cycle_kind, '全周期文档')}空白表"
        return f"{_CYCLE_KINDS.get(cycle_kind, '全周期文档')} #{number}"
    labels = {
        "evaluation": "自评 #{}",
        "user": "用户 {}",
        "job": "任务 #{}",
        "ip": "网络地址 {}",
        "year": "{}年度",
        "results": "{}年度评价结果",
        "department": "部门 {}",
    }
    return labels[kind].format(rest) if kind in labels and rest else target


def _target_names(db, rows) -> dict[str, str]:
    """The evaluations, users and cycle documents the entries name, by their names (a query each for the page)."""
    from ..db import Evaluation

    def ids(kind: str) -> set[int]:
        return {
            int(r.target[len(kind) + 1 :])
            for r in rows
            if r.target.startswith(f"{kind}:") and r.target[len(kind) + 1 :].isdigit()
        }

    names = {}
    evaluation_ids, user_ids = ids("evaluation"), ids("user")
    if evaluation_ids:
        for e in db.scalars(select(Evaluation).where(Evaluation.id.in_(evaluation_ids))):
            names[f"evaluation:{e.id}"] = f"{e.department.name} {e.year}年度自评"
    if user_ids:
        for u in db.scalars(select(User).where(User.id.in_(user_ids))):
            names[f"user:{u.id}"] = f"用户 {u.display_name or u.username}"
    documents = {kind: ids(f"cycle:{kind}") for kind in _CYCLE_KINDS}
    wanted = set().union(*documents.values())
    if wanted:  # a cycle document by its department and year (深圳市宝安区妇女联合会 2023年度绩效目标), not its number
        from ..db import CycleDocument

        for d in db.scalars(select(CycleDocument).where(CycleDocument.id.in_(wanted))):
            names[f"cycle:{d.kind}:{d.id}"] = f"{d.department.name} {d.year}年度{_CYCLE_KINDS.get(d.kind, '')}"
    return names


@router.get("/audit")
def audit_log(request: Request, actor: Admin, db: Db):
    rows = list(db.scalars(actor.scope.audit().limit(300)))
    return page(
        request,
        "audit.html",
        {
            "rows": rows,
            "ACTIONS": ACTIONS,
            "local_time": local_time,
            "target_label": target_label,
            "names": _target_names(db, rows),
            "rulebooks": dict(rulebook_choices() + rulebook_choices("project")),
        },
    )
