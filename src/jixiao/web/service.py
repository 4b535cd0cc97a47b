"""What the web pages do, without HTTP: read and save an evaluation (with versions, an audit entry and a
guard against lost updates), check uploads before parsing them, move an evaluation through its statuses,
and decide who may see or change what."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..dataset import DepartmentData, parse_department
from ..engine import evaluate
from ..excel_in import read_workbook
from ..excel_layout import FORM_FIELDS, LIST_SHEETS
from ..numbers import fmt_score
from ..pipeline import Prepared, check_facts
from ..problems import JixiaoError, Location, Problem, has_errors
from ..rulebook import load_rulebook
from ..serialize import data_to_tree, data_to_yaml, set_path
from ..trace import Evaluation as Scored
from ..yamlsrc import parse_yaml_text
from .db import AuditEntry, Department, Evaluation, User, Version, now

__all__ = ["Conflict", "Denied", "can_edit", "can_view", "check_upload", "load", "save", "transition"]

MAX_UPLOAD = 10 * 1024 * 1024  # bytes
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_RATIO = 100


class Conflict(Exception):
    """Someone saved this evaluation after the version the user started from."""

    def __init__(self, current: Evaluation):
        self.current = current
        super().__init__("conflict")


class Denied(Exception):
    """The user may not do this; the message is Chinese."""


def can_view(user: User, evaluation: Evaluation) -> bool:
    if user.role == "admin":
        return True
    if user.role == "reviewer":
        return not user.region or evaluation.department.region.startswith(user.region)
    return user.department_id == evaluation.department_id


def can_edit(user: User, evaluation: Evaluation) -> bool:
    """Department staff edit their own evaluation while it is a draft or returned."""
    return (
        user.role == "filler"
        and user.department_id == evaluation.department_id
        and evaluation.status in ("draft", "returned")
    )


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


def audit(db: DbSession, user: User | None, action: str, target: str, detail: str = "") -> None:
    db.add(AuditEntry(user_id=user.id if user else None, action=action, target=target, detail=detail))


@dataclass
class Loaded:
    data: DepartmentData
    problems: list[Problem]
    scored: Scored | None
    prepared: Prepared | None


def load(evaluation: Evaluation, text: str | None = None) -> Loaded:
    """Parse the stored (or given) YAML and score it with the evaluation's rulebook.

    The stored data of a version never changes, so its result is kept (per process) by (id, version, rulebook).
    """
    if text is None and evaluation.id is not None:
        return _load_stored(
            evaluation.id,
            evaluation.version,
            evaluation.rulebook_id,
            evaluation.data_yaml,
            evaluation.department.name,
            evaluation.year,
        )
    return _load(
        evaluation.data_yaml if text is None else text,
        evaluation.rulebook_id,
        evaluation.department.name,
        evaluation.year,
    )


@lru_cache(maxsize=256)
def _load_stored(evaluation_id: int, version: int, rulebook_id: str, text: str, department: str, year: int) -> Loaded:
    return _load(text, rulebook_id, department, year)


def _load(text: str, rulebook_id: str, department: str, year: int) -> Loaded:
    name = f"{department}-{year}.yaml"
    try:
        tree, smap, problems = parse_yaml_text(text or "{}", name)
    except JixiaoError as exc:
        empty, _ = parse_department({}, lambda p: Location(name))
        return Loaded(empty, list(exc.problems), None, None)
    tree = tree if isinstance(tree, dict) else {}
    tree.setdefault("department", {})
    data, more = parse_department(tree, smap.locate, name)
    problems += more
    if has_errors(problems):
        return Loaded(data, problems, None, None)
    rulebook = load_rulebook(rulebook_id)
    problems += check_facts(rulebook, data)
    prepared = Prepared(rulebook, data, tuple(problems))
    return Loaded(data, problems, evaluate(rulebook, data), prepared)


def _cache(evaluation: Evaluation, scored: Scored | None) -> None:
    if scored is None:
        evaluation.total, evaluation.grade, evaluation.deductions_json = None, None, "{}"
        return
    evaluation.total = fmt_score(scored.total) if scored.total is not None else None
    evaluation.grade = scored.grade
    lost = {
        leaf.name: fmt_score(sum((d.points for d in leaf.deductions), Decimal(0)))
        for leaf in scored.leaves()
        if leaf.deductions
    }
    evaluation.deductions_json = json.dumps(lost, ensure_ascii=False)


def save(
    db: DbSession,
    user: User,
    evaluation: Evaluation,
    *,
    data_yaml: str | None = None,
    narrative: dict[str, str] | None = None,
    expected_version: int,
    note: str,
) -> Loaded:
    """Save new data and/or narrative as the next version; refuse when the version moved on meanwhile.

    Data with errors is not saved (the problems are returned so the page can show them beside the input).
    """
    if not can_edit(user, evaluation):
        raise Denied("当前状态下您不能修改该部门的自评数据（已提交或已通过的自评需先由审核人退回）。")
    if expected_version != evaluation.version:
        raise Conflict(evaluation)
    loaded = load(evaluation, data_yaml) if data_yaml is not None else load(evaluation)
    if has_errors(loaded.problems):
        return loaded
    if data_yaml is not None:
        evaluation.data_yaml = data_yaml
    if narrative is not None:
        evaluation.narrative_json = json.dumps(narrative, ensure_ascii=False)
    evaluation.version += 1
    evaluation.updated_at, evaluation.updated_by = now(), user.id
    _cache(evaluation, loaded.scored)
    _record_version(db, evaluation, evaluation.status, note, user)
    audit(db, user, "save", f"evaluation:{evaluation.id}", f"{note}（第{evaluation.version}版）")
    return loaded


def form_to_yaml(evaluation: Evaluation, form: dict[str, str]) -> str:
    """The scalar fields of the form (the same ones as the workbook's 基本信息) merged into the stored data."""
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for field in FORM_FIELDS:
        key = f"f:{field.path}"
        if key in form:
            value = form[key].strip()
            set_path(tree, field.path, value or None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


# The lists editable as tables on the page (projects, with their many fund columns, go through the workbook).
EDITABLE_LISTS = tuple(
    sheet for sheet in LIST_SHEETS if sheet.list_path in ("units", "quarterly", "key_tasks", "targets")
)
SPARE_ROWS = 3


def list_rows(data: DepartmentData) -> dict[str, list[dict[str, str]]]:
    """Each editable list as rows of text (as the YAML stores them), plus empty rows to add to."""
    tree = data_to_tree(data)
    out: dict[str, list[dict[str, str]]] = {}
    for sheet in EDITABLE_LISTS:
        rows = []
        for item in tree.get(sheet.list_path) or []:
            row = {}
            for column in sheet.columns:
                node: Any = item
                for part in column.path.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
                if node is not None:
                    row[column.path] = str(node)
            rows.append(row)
        out[sheet.list_path] = rows + [{} for _ in range(SPARE_ROWS)]
    return out


def lists_from_form(form: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The posted table cells (`l:targets:3:actual`) back into rows; empty rows are dropped."""
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in form.items():
        if not key.startswith("l:"):
            continue
        _, list_path, index, column = key.split(":", 3)
        rows.setdefault(list_path, {}).setdefault(int(index), {})[column] = value.strip()
    return {name: [row for _, row in sorted(items.items()) if any(row.values())] for name, items in rows.items()}


def lists_to_yaml(evaluation: Evaluation, lists: dict[str, list[dict[str, str]]]) -> str:
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for sheet in EDITABLE_LISTS:
        if sheet.list_path not in lists:
            continue
        items = []
        for row in lists[sheet.list_path]:
            item: dict[str, Any] = {}
            for column in sheet.columns:
                if row.get(column.path):
                    set_path(item, column.path, row[column.path])
            items.append(item)
        if items:
            tree[sheet.list_path] = items
        else:
            tree.pop(sheet.list_path, None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


def form_values(data: DepartmentData) -> dict[str, str]:
    tree = data_to_tree(data)
    values: dict[str, str] = {}
    for field in FORM_FIELDS:
        node: Any = tree
        for part in field.path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            values[field.path] = str(node)
    return values


def check_upload(content: bytes, filename: str) -> list[Problem]:
    """Refuse what should not be parsed: too large, not an Office file, a zip bomb. Macros are never run
    (openpyxl does not execute them, and .xlsm content is read as data only)."""
    where = Location(filename)
    if len(content) > MAX_UPLOAD:
        return [
            Problem(
                "upload.too_large",
                f"文件过大（{len(content) // 1024 // 1024} MB），上限为 {MAX_UPLOAD // 1024 // 1024} MB。",
                where,
            )
        ]
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return [
            Problem(
                "upload.not_office",
                "文件不是有效的 .xlsx / .docx 文件（可能已损坏，或是旧版 .xls/.doc）。"
                "请用 Excel/WPS 另存为 .xlsx 后上传。",
                where,
            )
        ]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED or unzipped > MAX_RATIO * max(len(content), 1):
            return [Problem("upload.zip_bomb", "文件解压后体积异常（疑似压缩炸弹），已拒绝处理。", where)]
        names = set(archive.namelist())
    if filename.lower().endswith((".xlsx", ".xlsm")) and "xl/workbook.xml" not in names:
        return [Problem("upload.not_office", "文件不是 Excel 工作簿。", where)]
    return []


def workbook_to_yaml(content: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    problems = check_upload(content, filename)
    if problems:
        return None, problems
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(content)
        try:
            data, problems = read_workbook(path)
        except JixiaoError as exc:
            return None, list(exc.problems)
    if has_errors(problems):
        return None, problems
    return data_to_yaml(data), problems


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
) -> None:
    allowed, target, role = _TRANSITIONS[action]
    if role == "filler" and not (user.role == "filler" and user.department_id == evaluation.department_id):
        raise Denied("只有本部门填报人可以提交。")
    if role == "reviewer" and not (user.role in ("reviewer", "admin") and can_view(user, evaluation)):
        raise Denied("只有审核人可以退回或通过。")
    if evaluation.status not in allowed:
        raise Denied(f"当前状态为“{evaluation.status}”，不能执行该操作（已退回的自评须由填报人重新提交后才能通过）。")
    if expected_version is not None and expected_version != evaluation.version:
        raise Conflict(evaluation)
    if action == "return" and not comment.strip():
        raise Denied("退回时请填写退回意见。")
    evaluation.status = target
    if action in ("return", "approve"):
        evaluation.review_comment = comment.strip()
    evaluation.version += 1
    evaluation.updated_at, evaluation.updated_by = now(), user.id
    _record_version(db, evaluation, target, action, user)
    audit(db, user, action, f"evaluation:{evaluation.id}", comment.strip())


def get_or_create_evaluation(db: DbSession, department: Department, year: int, rulebook_id: str) -> Evaluation:
    found = db.scalar(select(Evaluation).where(Evaluation.department_id == department.id, Evaluation.year == year))
    if found:
        return found
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
    _record_version(db, evaluation, evaluation.status, "新建", None)
    return evaluation
