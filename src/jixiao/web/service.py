"""What the web pages do, without HTTP: read and save an evaluation (with versions, an audit entry and a
guard against lost updates), move an evaluation through its statuses,
and decide who may see or change what."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import cast

import yaml
from sqlalchemy import CursorResult, Table, bindparam, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.attributes import set_committed_value

from jixiao.files.yamlsrc import Parsed, parse_yaml_text
from jixiao.model.dataset import DepartmentData, parse_department
from jixiao.model.numbers import fmt_score, normalize_text
from jixiao.model.problems import JixiaoError, Location, Problem, has_errors
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import available_rulebooks, load_rulebook
from jixiao.scoring.trace import Evaluation as Scored

from ..pipeline import Prepared, check_facts
from .db import STATUSES, AuditEntry, Department, Evaluation, User, Version, now

__all__ = [
    "Conflict",
    "Denied",
    "NotReady",
    "can_edit",
    "can_view",
    "create_evaluation",
    "load",
    "refusal",
    "transition",
    "write",
]


class Conflict(Exception):
    """Someone saved this evaluation after the version the user started from."""

    def __init__(self, current: Evaluation):
        self.current = current
        super().__init__("conflict")


class Denied(Exception):
    """The user may not do this; the message is Chinese."""


class NotReady(Exception):
    """The evaluation may not be submitted yet: `findings` (readiness.Finding) say what is missing or wrong."""

    def __init__(self, findings: list):
        self.findings = findings
        super().__init__("not ready")


# How a change reached the evaluation (kept in the version note and the audit entry), in the user's words.
VIA = {
    "form": "表单填报",
    "lists": "表格填报",
    "yaml": "数据文本编辑",
    "upload": "上传工作簿",
    "narrative": "报告文字",
    "batch": "批量导入",
    "rulebook": "更换指标体系",
}
EDITABLE_STATES = ("draft", "returned")


def refusal(user: User, evaluation: Evaluation, via: str) -> str | None:
    """Why `user` may not change `evaluation`'s figures this way (Chinese), or None when they may.

    A 填报人 changes their own department's evaluation while it is a draft or returned, by any means but a batch;
    a 审核人 only by a batch import into a department of their region, never over a submitted or approved
    evaluation; an administrator never changes figures."""
    from .scope import Scope

    if via not in VIA:
        return "未知的修改方式。"
    if user.role == "admin":
        return "管理员不能修改部门填报的数据。请由该部门填报人修改，或由审核人批量导入。"
    if user.role == "filler":
        if via == "batch":
            return "批量导入仅供审核人使用。"
        if user.department_id != evaluation.department_id:
            return "您只能修改本部门的自评。"
        if evaluation.status not in EDITABLE_STATES:
            return "当前状态下您不能修改该部门的自评数据（已提交或已通过的自评需先由审核人退回）。"
        return None
    if user.role == "reviewer":
        if via == "rulebook":  # the bureau may correct the rulebook of any evaluation of its region not yet approved
            if not Scope(user).covers(evaluation.department):
                return "该部门不在您的辖区内。"
            return "已通过的自评不能更换指标体系。" if evaluation.status == "approved" else None
        if via != "batch":
            return "审核人不能直接修改部门填报的数据；如需导入，请使用财政局看板的批量上传。"
        if not Scope(user).covers(evaluation.department):
            return "该部门不在您的辖区内，未导入。"
        if evaluation.status not in EDITABLE_STATES:
            return f"该自评{STATUSES[evaluation.status]}，批量导入不会覆盖已提交或已通过的自评。"
        return None
    return "未知角色，不能修改。"


def can_view(user: User, evaluation: Evaluation) -> bool:
    from .scope import Scope

    return Scope(user).covers(evaluation.department)


def can_edit(user: User, evaluation: Evaluation) -> bool:
    """The page shows the forms: the user may change this evaluation by hand."""
    return refusal(user, evaluation, "form") is None


def _record_version(db: DbSession, evaluation: Evaluation, status: str, note: str, user: User | None) -> None:
    db.add(
        Version(
            evaluation_id=evaluation.id,
            version=evaluation.version,
            data_yaml=evaluation.data_yaml,
            narrative_json=evaluation.narrative_json,
            status=status,
            note=note,
            created_by=user.id if user else None,
        )
    )


def _audit_row(
    user: User | None, action: str, target: str, detail: str = "", via: str = "", source: str = ""
) -> dict[str, object]:
    user_id = user.id if user else None
    return {"user_id": user_id, "action": action, "target": target, "detail": detail, "via": via, "source": source}


def audit(
    db: DbSession, user: User | None, action: str, target: str, detail: str = "", via: str = "", source: str = ""
) -> None:
    db.add(AuditEntry(**_audit_row(user, action, target, detail, via, source[:300])))


@dataclass
class Loaded:
    data: DepartmentData
    problems: list[Problem]
    scored: Scored | None
    prepared: Prepared | None


def load(evaluation: Evaluation, text: str | None = None, parsed: Parsed | None = None) -> Loaded:
    """Parse the stored (or given) YAML and score it with the evaluation's rulebook.

    The result depends only on the text, the rulebook, the department's name, the year and the approved targets,
    so it is kept (per process) by them: a page shown after a save reuses what the save parsed and scored, and
    a version's page is built once. An entry whose rulebook was loaded again since (its file changed) is not used.
    The result is shared: build a new one rather than change it. `parsed`: the given text as `parse_yaml_text`
    reads it under `source_name`, when the caller has read it already (data_words.to_english_read).
    """
    targets = _approved_targets_text(evaluation)  # the 年度指标值 come from the approved targets (issue 17)
    key = (
        evaluation.data_yaml if text is None else text,
        evaluation.rulebook_id,
        evaluation.department.name,
        evaluation.year,
        targets,
    )
    hit = _LOADED.get(key)
    if hit is not None and (hit.prepared is None or hit.prepared.rulebook is _current_rulebook(key[1])):
        with _LOCK:
            if key in _LOADED:  # another thread may have dropped it meanwhile
                _LOADED.move_to_end(key)  # the least recently used out first
        return hit
    loaded = _load(*key, parsed=parsed)
    with _LOCK:  # the server's threads share it
        _LOADED[key] = loaded
        while len(_LOADED) > LOADED_KEPT:
            _LOADED.popitem(last=False)
    return loaded


# Enough for the evaluations a process's users have open at once (a save and the page after it; twenty clients of
# bench/web.py). Each entry is ~300 objects that the collector's full passes walk while every request of the
# process waits: with a served app's start-up objects frozen (app.py's lifespan), 256 entries (~75,000 objects)
# still made each full pass ~40 ms of CPU; 64 make it ~15 ms (in process, a save at a time; issue 15).
LOADED_KEPT = 64
_LOADED: OrderedDict[tuple[str, str, str, int, str], Loaded] = OrderedDict()
_LOCK = threading.Lock()


def _current_rulebook(rulebook_id: str) -> object:
    try:
        return load_rulebook(rulebook_id)
    except JixiaoError:
        return None


def _approved_targets_text(evaluation: Evaluation) -> str:
    from sqlalchemy.orm import object_session

    from .approved import approved_targets

    db = object_session(evaluation)
    if db is None or evaluation.department is None:
        return ""
    approved = approved_targets(db, evaluation.department, evaluation.year, evaluation.targets_version)
    return approved.text if approved else ""


def source_name(evaluation: Evaluation) -> str:
    """The name an evaluation's data goes by in its problems (the file it would be)."""
    return _source_name(evaluation.department.name, evaluation.year)


def _source_name(department: str, year: int) -> str:
    return f"{department}-{year}.yaml"


def _load(
    text: str, rulebook_id: str, department: str, year: int, targets: str = "", parsed: Parsed | None = None
) -> Loaded:
    name = _source_name(department, year)
    try:
        tree, smap, problems = parsed if parsed is not None else parse_yaml_text(text or "{}", name)
    except JixiaoError as exc:
        empty, _ = parse_department({}, lambda p: Location(name))
        return Loaded(empty, list(exc.problems), None, None)
    tree = tree if isinstance(tree, dict) else {}
    tree.setdefault("department", {})
    if targets:
        from .approved import apply_approved

        problems += apply_approved(tree, targets, smap.locate)
    data, more = parse_department(tree, smap.locate, name)
    problems += more
    if has_errors(problems):
        return Loaded(data, problems, None, None)
    rulebook = load_rulebook(rulebook_id)
    problems += check_facts(rulebook, data)
    prepared = Prepared(rulebook, data, tuple(problems))
    return Loaded(data, problems, evaluate(rulebook, data), prepared)


def _cache(evaluation: Evaluation, scored: Scored | None) -> None:
    for name, value in _scored_columns(scored).items():
        setattr(evaluation, name, value)


_SCORED = ("total", "grade", "deductions_json")


def _scored_columns(scored: Scored | None) -> dict[str, str | None]:
    """What the lists and the dashboard show without scoring again: the total, the grade, points lost by indicator."""
    if scored is None:
        return {"total": None, "grade": None, "deductions_json": "{}"}
    lost = {name: fmt_score(points) for name, points in scored.points_lost().items()}
    return {
        "total": fmt_score(scored.total) if scored.total is not None else None,
        "grade": scored.grade,
        "deductions_json": json.dumps(lost, ensure_ascii=False),
    }


# the columns a write sets (and `_SAVE` below), the version checked apart
_WRITTEN = ("rulebook_id", "data_yaml", "narrative_json", "version", "updated_at", "updated_by", *_SCORED)


def write(
    db: DbSession,
    user: User,
    evaluation: Evaluation,
    *,
    via: str,
    expected_version: int,
    source: str = "",
    data_yaml: str | None = None,
    narrative: dict[str, str] | None = None,
    rulebook_id: str | None = None,
    parsed: Parsed | None = None,
) -> Loaded:
    """The one way an evaluation changes — form, tables, text editor, upload, narrative, batch import, rulebook.

    Checks the user's right on that department and state (`refusal`), refuses a change based on an outdated
    version (Conflict: the caller rolls the transaction back), scores the new data and does not save data with
    errors (the problems are returned so the page can show them beside the input); otherwise keeps the next
    version and an audit entry naming who, how (`via`) and from which file (`source`).
    """
    reason = refusal(user, evaluation, via)
    if reason:
        raise Denied(reason)
    if expected_version != evaluation.version:
        raise Conflict(evaluation)
    previous_rulebook = evaluation.rulebook_id
    if rulebook_id is not None and rulebook_id != evaluation.rulebook_id:
        if rulebook_id not in available_rulebooks():
            raise Denied(f"找不到指标体系“{rulebook_id}”。请从列表中选择。")
        evaluation.rulebook_id = rulebook_id
    loaded = load(evaluation, data_yaml, parsed) if data_yaml is not None else load(evaluation)
    wrong = [] if data_yaml is None else other_identity(db, evaluation, loaded.data, parsed, source)
    if wrong or has_errors(loaded.problems):
        evaluation.rulebook_id = previous_rulebook
        # shared (cached): a new result with the identity's errors first, never a changed one
        return Loaded(loaded.data, [*wrong, *loaded.problems], None, None) if wrong else loaded
    columns = {
        "rulebook_id": evaluation.rulebook_id,
        "data_yaml": evaluation.data_yaml if data_yaml is None else data_yaml,
        "narrative_json": evaluation.narrative_json if narrative is None else json.dumps(narrative, ensure_ascii=False),
        "version": evaluation.version + 1,
        "updated_at": now(),
        "updated_by": user.id,
        **_scored_columns(loaded.scored),
    }
    note = f"{VIA[via]} {source}".strip()
    if via == "rulebook":  # the rulebook by its title, as the user chose it
        note = f"{VIA[via]}：{_rulebook_title(evaluation.rulebook_id)}"
    version = columns["version"]
    action = "import" if via == "batch" else ("rulebook" if via == "rulebook" else "save")
    target = f"evaluation:{evaluation.id}"
    # Plain statements, no unit of work at the commit: the version and audit rows, then one UPDATE guarded by the
    # version the user started from — a writer of another process may have saved since this request read it:
    # then it changes nothing and is a Conflict like any other (the caller rolls the two rows back). The UPDATE
    # comes last: its trigger's counter row (migration 0006) stays locked until the commit, which follows it.
    # On PostgreSQL the three are one statement (the two INSERTs as data-modifying WITH clauses of the UPDATE):
    # one round trip instead of three; its row count is the UPDATE's.
    rows = {
        "v_evaluation_id": evaluation.id,
        "v_version": version,
        "v_data_yaml": columns["data_yaml"],
        "v_narrative_json": columns["narrative_json"],
        "v_status": evaluation.status,
        "v_note": note[:500],
        "v_created_at": columns["updated_at"],
        "v_created_by": user.id,
        **{
            f"a_{k}": v
            for k, v in _audit_row(user, action, target, f"{note}（第{version}版）", via, source[:300]).items()
        },
        "a_at": columns["updated_at"],
        "id_": evaluation.id,
        "expected": evaluation.version,
        **columns,
    }
    if db.get_bind().dialect.name == "postgresql":
        saved = cast(CursorResult, db.execute(_SAVE_AT_ONCE, rows))
    else:
        db.execute(_VERSION, rows)
        db.execute(_AUDIT, rows)
        saved = cast(CursorResult, db.execute(_SAVE, rows))
    if saved.rowcount != 1:
        db.refresh(evaluation)
        raise Conflict(evaluation)
    for name, value in columns.items():  # the object as the row now is, nothing left for the ORM to write
        set_committed_value(evaluation, name, value)
    return loaded


def other_identity(
    db: DbSession, evaluation: Evaluation, data: DepartmentData, parsed: Parsed | None, source: str
) -> list[Problem]:
    """The data names another year (评价年度) than the evaluation's, or another department's name (部门名称): an
    error each. Saved, such data would be scored and reported as that year or department under this evaluation (a
    report titled 2023年度 in the 2025 evaluation), and the bureau's lists, rankings and deadlines would count it as
    this department's and year's. Every way of writing data goes through `write`, so every way is checked here.

    Where: the text editor's line (`parsed`, as read), else the uploaded file by its name (`source`), beside the
    field either way."""

    def where(path: str) -> Location:
        place = parsed[1].locate(tuple(path.split("."))) if parsed is not None else Location(file=source)
        return place.with_field(path)

    problems = []
    year = data.get("department.year")
    typed = normalize_text(str(year if year is not None else "")).removesuffix("年度").removesuffix("年")
    if typed.isdigit() and int(typed) != evaluation.year:
        problems.append(
            Problem(
                "web.other_year",
                f"填写的是“{year}”，本自评是{evaluation.year}年度。请核对是否选错了文件或年度：本自评的数据请把评价年度"
                f"填为{evaluation.year}；其他年度的数据请在“部门自评”列表中新建或打开该年度的自评后再填报。",
                where("department.year"),
            )
        )
    name = str(data.get("department.name") or "").strip()
    if name and name != evaluation.department.name:
        other = db.scalar(select(Department.id).where(Department.name == name))
        if other is not None and other != evaluation.department_id:
            problems.append(
                Problem(
                    "web.other_department",
                    f"填写的“{name}”是另一个部门，本自评属于“{evaluation.department.name}”。请核对是否选错了文件；"
                    "本部门的数据请填写本部门的名称。",
                    where("department.name"),
                )
            )
    return problems


_TABLE = cast(Table, Evaluation.__table__)
_SAVE = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("id_"), _TABLE.c.version == bindparam("expected"))
    .values({name: bindparam(name) for name in _WRITTEN})
)
_VERSION = (
    cast(Table, Version.__table__)
    .insert()
    .values(
        {
            name: bindparam(f"v_{name}")
            for name in (
                "evaluation_id",
                "version",
                "data_yaml",
                "narrative_json",
                "status",
                "note",
                "created_at",
                "created_by",
            )
        }
    )
)
_AUDIT = (
    cast(Table, AuditEntry.__table__)
    .insert()
    .values({name: bindparam(f"a_{name}") for name in ("at", "user_id", "action", "target", "detail", "via", "source")})
)
_SAVE_AT_ONCE = _SAVE.add_cte(_VERSION.cte("kept_version")).add_cte(_AUDIT.cte("audited"))


_TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted", "filler"),
    "return": (("submitted",), "returned", "reviewer"),
    "approve": (("submitted",), "approved", "reviewer"),
}


def transition(
    db: DbSession,
    user: User,
    evaluation: Evaluation,
    action: str,
    comment: str = "",
    expected_version: int | None = None,
    confirmed: bool = False,
) -> None:
    """Move the evaluation on. A submission is refused (NotReady) while anything would make the score wrong, and
    while there are warnings the user has not `confirmed` (readiness.submission_check)."""
    allowed, target, role = _TRANSITIONS[action]
    if role == "filler" and not (user.role == "filler" and user.department_id == evaluation.department_id):
        raise Denied("只有本部门填报人可以提交。")
    if role == "reviewer" and not (user.role in ("reviewer", "admin") and can_view(user, evaluation)):
        raise Denied("只有本辖区的审核人可以退回或通过。")
    if evaluation.status not in allowed:
        raise Denied(
            f"当前状态为“{STATUSES[evaluation.status]}”，不能执行该操作（已退回的自评须由填报人重新提交后才能通过）。"
        )
    if expected_version is not None and expected_version != evaluation.version:
        raise Conflict(evaluation)
    if action == "return" and not comment.strip():
        raise Denied("退回时请填写退回意见。")
    if action == "submit":
        from .readiness import blocking, submission_check

        refused = blocking(submission_check(evaluation, load(evaluation)), confirmed)
        if refused:
            raise NotReady(refused)
    evaluation.status = target
    if action in ("return", "approve"):
        evaluation.review_comment = comment.strip()
    evaluation.version += 1
    evaluation.updated_at, evaluation.updated_by = now(), user.id
    _record_version(
        db, evaluation, target, {"submit": "提交审核", "return": "退回修改", "approve": "审核通过"}[action], user
    )
    audit(db, user, action, f"evaluation:{evaluation.id}", comment.strip(), via="review")


def _rulebook_title(rulebook_id: str) -> str:
    """A rulebook as the user knows it: its title (湖南省部门整体支出绩效自评指标体系（2023年度）)."""
    from .rulebook_choice import rulebook_choices

    return dict(rulebook_choices() + rulebook_choices("project")).get(rulebook_id, rulebook_id)


def create_evaluation(
    db: DbSession, user: User, department: Department, year: int, rulebook_id: str, via: str = "form", source: str = ""
) -> tuple[Evaluation, bool]:
    """The department's evaluation of `year`, created (empty, as a draft) when there is none; returns it and
    whether it was created. A 填报人 creates their own department's, an administrator any department's, a 审核人
    only through a batch import within their region."""
    from .scope import Scope

    if user.role == "filler" and user.department_id != department.id:
        raise Denied("您只能为本部门新建自评。")
    if user.role == "reviewer" and (via != "batch" or not Scope(user).covers(department)):
        raise Denied("审核人只能通过批量导入为本辖区的部门建立自评。")
    if user.role not in ("filler", "reviewer", "admin"):
        raise Denied("未知角色，不能新建自评。")
    if rulebook_id not in available_rulebooks():
        raise Denied(f"找不到指标体系“{rulebook_id}”。请从列表中选择。")
    if not 2000 <= year <= 2100:
        raise Denied(f"评价年度应在2000至2100之间，实际为{year}。")
    found = db.scalar(select(Evaluation).where(Evaluation.department_id == department.id, Evaluation.year == year))
    if found:
        return found, False
    evaluation = Evaluation(
        department_id=department.id,
        year=year,
        rulebook_id=rulebook_id,
        data_yaml=yaml.safe_dump(
            {
                "rulebook": rulebook_id,
                "department": {"name": department.name, "region": department.region, "year": year},
            },
            allow_unicode=True,
            sort_keys=False,
        ),
    )
    evaluation.department = department
    db.add(evaluation)
    db.flush()
    _cache(evaluation, load(evaluation).scored)
    _record_version(db, evaluation, evaluation.status, "新建", user)
    audit(
        db,
        user,
        "create",
        f"evaluation:{evaluation.id}",
        f"{department.name} {year}年度 指标体系：{_rulebook_title(rulebook_id)}",
        via=via,
        source=source,
    )
    return evaluation, True
