"""The year around the self-evaluation in the web app, without HTTP: a department's four cycle documents of a year
(绩效目标 targets, 运行监控 monitoring, 复核 recheck, 整改 rectification) stored as YAML text, read with the cycle
loaders (jixiao.cycle), and changed only through `write_document` — the cycle's counterpart of `service.write`:
it checks the user's right on that department and document (and on the part of it they change), refuses a change
based on an outdated version, refuses text the loader finds errors in (the problems with their line are returned
for the page), and keeps a version and an audit entry.

Who writes what (issue 17): the department's 填报人 writes the targets, the monitoring figures and answers, and the
progress of rectification items (status, done date, evidence); the region's 审核人 writes the grading of the
targets (their `approval` part), the 复核, and the rectification items they raise; an administrator never changes
figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from jixiao.files.yamlsrc import parse_yaml_text
from jixiao.model.problems import JixiaoError, Problem, Severity, has_errors

from .approved import ApprovedTargets, apply_approved, approved_targets, document, targets_version
from .db import CycleDocument, CycleVersion, Department, User, now
from .service import Denied, audit
from .timefmt import SHANGHAI

__all__ = [
    "KINDS",
    "ApprovedTargets",
    "CycleConflict",
    "Parsed",
    "apply_approved",
    "approved_targets",
    "document",
    "kind_refusal",
    "parse",
    "targets_version",
    "today",
    "write_document",
]

# kind → (title, file name the loader reads)
KINDS = {
    "targets": ("绩效目标", "targets.yaml"),
    "monitoring": ("运行监控", "monitoring.yaml"),
    "recheck": ("复核", "recheck.yaml"),
    "rectification": ("整改", "rectification.yaml"),
}
PROGRESS_FIELDS = ("status", "done_date", "evidence")  # of a rectification item: the department's to write


class CycleConflict(Exception):
    """Someone saved this document after the version the user started from."""

    def __init__(self, current: CycleDocument):
        self.current = current
        super().__init__("conflict")


def today() -> dt.date:
    """Today in China (Asia/Shanghai): deadlines and states are counted by the Beijing date."""
    return datetime.now(SHANGHAI).date()


@dataclass
class Parsed:
    value: Any  # TargetSheet | Monitoring | Recheck | Rectification | None
    problems: list[Problem]


def _loader(kind: str):
    from ..cycle.monitoring import load_monitoring
    from ..cycle.recheck import load_recheck
    from ..cycle.rectify import load_rectification
    from ..cycle.targets import load_targets

    return {
        "targets": load_targets,
        "monitoring": load_monitoring,
        "recheck": load_recheck,
        "rectification": load_rectification,
    }[kind]


def parse(kind: str, text: str, department: Department, year: int) -> Parsed:
    """Read `text` with the cycle loader of `kind` (the text itself, no file written); problems name the document's
    file and line. The department and year a document states must be those of the page it is saved on."""
    _title, name = KINDS[kind]
    try:
        value = _loader(kind)(Path(name), text)
    except JixiaoError as exc:
        return Parsed(None, list(exc.problems))
    problems: list[Problem] = list(getattr(value, "warnings", ()))  # what the reader warned of (a holiday deadline)

    def place(key: str):  # read again for the line only when there is something to place (half a page's cost)
        _tree, smap, _problems = parse_yaml_text(text, name)  # the loader read it: no error here
        return smap.locate((key,))

    stated_department = getattr(value, "department", "")
    if stated_department and stated_department != department.name:
        problems.append(
            Problem(
                "cycle.department",
                f"文件中的部门名称“{stated_department}”与本页的部门“{department.name}”不一致。"
                f"请将“部门名称”改为“{department.name}”。",
                place("department"),
            )
        )
    stated_year = getattr(value, "year", None)
    if stated_year and stated_year != year:
        problems.append(
            Problem(
                "cycle.year",
                f"文件中的年度{stated_year}与本页的年度{year}不一致。请将“年度”改为{year}。",
                place("year"),
            )
        )
    return Parsed(value, problems)


def kind_refusal(user: User, department: Department, kind: str) -> str | None:
    """Why `user` may not write this kind of document of `department` at all (Chinese), or None."""
    from .scope import Scope

    if user.role == "admin":
        return "管理员不能修改部门填报的数据。请由该部门填报人或辖区审核人修改。"
    if not Scope(user).covers(department):
        return "该部门不在您的权限范围内。" if user.role == "reviewer" else "您只能修改本部门的资料。"
    if user.role == "filler" and kind == "recheck":
        return "复核由财政部门审核人填写，部门填报人只能查看。"
    if user.role == "reviewer" and kind == "monitoring":
        return "运行监控数据和答复由部门填报，审核人只能查看（本辖区的预警见“全周期看板”）。"
    if user.role not in ("filler", "reviewer"):
        return "未知角色，不能修改。"
    return None


def _tree(text: str) -> Any:
    try:
        tree, _smap, _problems = parse_yaml_text(text or "{}", "document.yaml")
    except JixiaoError:
        return {}
    return tree if isinstance(tree, dict) else {}


def _without(tree: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in tree.items() if k != key}


def _items(tree: dict[str, Any]) -> list[Any]:
    items = tree.get("items")
    return items if isinstance(items, list) else []


def _fixed(item: Any) -> Any:
    """A rectification item without its progress fields: what only the reviewer may change."""
    return {k: v for k, v in item.items() if k not in PROGRESS_FIELDS} if isinstance(item, dict) else item


def part_refusal(user: User, kind: str, old_text: str, new_text: str) -> str | None:
    """Why `user` may not make this change to the document's parts (Chinese), or None."""
    old, new = _tree(old_text), _tree(new_text)
    if kind == "targets":
        if user.role == "filler":
            approval = old.get("approval") if isinstance(old.get("approval"), dict) else {}
            if str(approval.get("approved", "")) in ("是", "true", "True", "已批复"):
                return "绩效目标已批复，不能再修改。如需调整，请联系审核人先撤销批复（财政审核·是否批复）。"
            if old.get("approval") != new.get("approval"):
                return "绩效目标的审核等级和理由（“财政审核”部分）由财政部门审核人填写，填报人不能修改。"
        if user.role == "reviewer" and _without(old, "approval") != _without(new, "approval"):
            return "审核人只能填写绩效目标的审核等级、理由和批复（“财政审核”部分）；指标、金额等由部门填报。"
    if kind == "rectification":
        olds, news = _items(old), _items(new)
        items_changed = [_fixed(i) for i in news] != [_fixed(i) for i in olds]
        if user.role == "filler" and (items_changed or _without(old, "items") != _without(new, "items")):
            return (
                "整改事项（问题、措施、责任人、期限）由审核人提出；填报人只能填写整改进度："
                "整改状态、完成日期和佐证材料。"
            )
        if user.role == "reviewer":
            for n, (a, b) in enumerate(zip(olds, news, strict=False), 1):
                if isinstance(a, dict) and isinstance(b, dict):
                    shown = {"status": "整改状态", "done_date": "完成日期", "evidence": "佐证材料"}
                    changed = [shown[f] for f in PROGRESS_FIELDS if a.get(f) != b.get(f)]
                    if changed:
                        return (
                            f"第{n}项整改事项的进度（{'、'.join(changed)}）由部门填报；审核人可以提出和修改整改事项，"
                            "但不能代填进度。"
                        )
    return None


def write_document(
    db: DbSession,
    user: User,
    department: Department,
    year: int,
    kind: str,
    text: str,
    expected_version: int,
) -> Parsed:
    """The one way a cycle document changes. Raises Denied or CycleConflict; returns the parsed document, and saves
    nothing when it has errors (the caller shows them beside the typed text)."""
    reason = kind_refusal(user, department, kind)
    if reason:
        raise Denied(reason)
    current = document(db, department, year, kind)
    if expected_version != (current.version if current else 0):
        raise CycleConflict(current) if current else Denied("版本号不正确。请刷新页面后重试。")
    parsed = parse(kind, text, department, year)
    if has_errors(parsed.problems) or parsed.value is None:
        return parsed
    reason = part_refusal(user, kind, current.text if current else "", text)
    if reason:
        raise Denied(reason)
    if current is None:
        current = CycleDocument(department_id=department.id, year=year, kind=kind, text="", version=0)
        current.department = department
        try:
            with db.begin_nested():  # someone may have created it in the meantime: the unique key decides
                db.add(current)
        except IntegrityError:
            existing = document(db, department, year, kind)
            if existing is None:
                raise  # refused by the unique key, yet not there: no version to show the user
            raise CycleConflict(existing) from None
    current.text = text
    current.version += 1
    current.updated_at, current.updated_by = now(), user.id
    note = KINDS[kind][0]  # the page's name of it (the command line's file name, targets.yaml, is no web user's)
    db.add(CycleVersion(document_id=current.id, version=current.version, text=text, note=note, created_by=user.id))
    audit(
        db,
        user,
        "save",
        f"cycle:{kind}:{current.id}",
        f"{department.name} {year}年度 {note}（第{current.version}版）",
        via="cycle",
    )
    if kind == "targets":
        _rescore(db, department, year, current.version)
    return parsed


def _rescore(db: DbSession, department: Department, year: int, targets_version: int) -> None:
    """The evaluations of the department and year scored again: their 年度指标值 follow the approved targets, and
    the score the dashboard lists must be the one the page shows. An evaluation read earlier in this request holds
    the targets' version of then (db.Evaluation.targets_version): it is told the new one."""
    from sqlalchemy.orm.attributes import set_committed_value

    from .db import Evaluation
    from .service import _cache, load

    db.flush()
    for evaluation in db.scalars(
        select(Evaluation).where(Evaluation.department_id == department.id, Evaluation.year == year)
    ):
        set_committed_value(evaluation, "targets_version", targets_version)
        _cache(evaluation, load(evaluation).scored)


def errors_first(problems: list[Problem]) -> list[Problem]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(problems, key=lambda p: order.get(p.severity, 3))
