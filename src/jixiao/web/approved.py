"""The approved 绩效目标 a self-evaluation takes its 年度指标值 from: read from the cycle documents table, kept per
text, applied to an evaluation's data tree. Used by the one write path (service) and the cycle pages alike."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session as DbSession

from jixiao.model.problems import JixiaoError, Problem

from .db import CycleDocument, Department

__all__ = ["ApprovedTargets", "apply_approved", "approved_targets", "document", "targets_version"]


_DOCUMENT = select(CycleDocument).where(  # built once: no statement construction per request
    CycleDocument.department_id == bindparam("department"),
    CycleDocument.year == bindparam("year"),
    CycleDocument.kind == bindparam("kind"),
)


def document(db: DbSession, department: Department, year: int, kind: str) -> CycleDocument | None:
    return db.scalars(_DOCUMENT, {"department": department.id, "year": year, "kind": kind}).first()


@dataclass(frozen=True)
class ApprovedTargets:
    """A department's approved 绩效目标 of a year: the text the self-evaluation takes its 年度指标值 from, and where
    they come from, as the evaluation page says it."""

    text: str
    version: int
    names: frozenset[str]
    provenance: str


def targets_version(db: DbSession, department: Department, year: int) -> int:
    """The version of the department's targets document of the year (0 when none): pages showing the approved
    年度指标值 change with it."""
    doc = document(db, department, year, "targets")
    return doc.version if doc is not None else 0


def approved_targets(
    db: DbSession, department: Department, year: int, version: int | None = None
) -> ApprovedTargets | None:
    """The approved targets document of the department and year, or None (none, not approved, or with errors).

    `version`: the document's version as read with the evaluation (db.Evaluation.targets_version; 0 when there is
    none). Every change of the document makes a new version (cycle_service.write), so what was read for a version is
    kept (per process) and a save or page needs no statement for it.
    """
    if version == 0:
        return None
    key = (department.id, department.name, year, version)
    if version is not None and key in _KEPT:
        return _KEPT[key]
    doc = document(db, department, year, "targets")
    found = _approved(department, year, doc)
    if doc is not None:
        with _KEPT_LOCK:  # the server's threads share it
            _KEPT[(department.id, department.name, year, doc.version)] = found
            while len(_KEPT) > 256:
                del _KEPT[next(iter(_KEPT))]  # the oldest first
    return found


_KEPT: dict[tuple[int, str, int, int], ApprovedTargets | None] = {}
_KEPT_LOCK = threading.Lock()


def _approved(department: Department, year: int, doc: CycleDocument | None) -> ApprovedTargets | None:
    if doc is None:
        return None
    sheet = _sheet_of(doc.text)
    if sheet is None or not sheet.approved or sheet.department != department.name or sheet.year != year:
        return None
    from .timefmt import local_time

    reviewer = f"，{sheet.reviewer}审核" if sheet.reviewer else ""
    grade = f"（{sheet.grade}）" if sheet.grade else ""
    return ApprovedTargets(
        doc.text,
        doc.version,
        frozenset(ind.name for ind in sheet.indicators),
        f"年度指标值取自已批复的绩效目标（{year}年度绩效目标第{doc.version}版{reviewer}{grade}，"
        f"{local_time(doc.updated_at)}保存），在此不能修改；如需调整，请先由审核人撤销批复。",
    )


@lru_cache(maxsize=256)
def _sheet_of(text: str) -> Any:
    """The targets text read by the cycle loader (a TargetSheet), or None when it has errors; kept per text."""
    from ..cycle.targets import load_targets

    try:
        return load_targets(Path("targets.yaml"), text)  # the text itself: no file written
    except JixiaoError:
        return None


def apply_approved(tree: Any, targets_text: str, locate: Any) -> list[Problem]:
    """Fill the evaluation's target rows from the approved targets text (the web app's `apply_approved_targets`)."""
    from ..cycle.targets import fill_from_sheet

    sheet = _sheet_of(targets_text)
    return fill_from_sheet(tree, sheet, locate) if sheet is not None else []
