"""Reading a department's figures for a computation: field labels, what is missing or undefined, and a reader
that records every figure it reads (with its place) for the trace.

`Reader.value` raises `Missing` for a figure not filled in (未填报: never treated as 0); a rule raises `Undefined`
when the figures are there but the computation has no value (a zero denominator: 无法计算). `label_of` gives a
field path's Chinese label ("units[0].staffing.actual" -> its label with the unit's number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .dataset import DepartmentData
from .problems import Location
from .schema import project_fields, walk_fields

__all__ = ["FIELD_KINDS", "FIELD_LABELS", "InputRead", "Missing", "Reader", "Undefined", "generic_path", "label_of"]

# Project fields are also known without their `projects[]` prefix: a project rulebook reads one project.
FIELD_LABELS: dict[str, str] = {path: spec.label for path, spec in [*project_fields(), *walk_fields()]}
FIELD_KINDS: dict[str, str] = {path: spec.kind for path, spec in [*project_fields(), *walk_fields()]}
_LIST_LABELS = {
    "units": "单位",
    "quarterly": "季度",
    "projects": "项目",
    "key_tasks": "重点工作",
    "targets": "绩效指标",
}


@lru_cache(maxsize=4096)
def generic_path(path: str) -> str:
    """'units[1].staffing.actual' -> 'units[].staffing.actual'; 'facts.x.answer' -> 'facts.*.answer'."""
    generic = re.sub(r"\[\d+\]", "[]", path)
    for prefix in ("facts.", "manual_scores."):
        if generic.startswith(prefix) and generic.count(".") >= 2:
            _, _, rest = generic[len(prefix) :].partition(".")
            generic = f"{prefix}*.{rest}"
    return generic


# A whole list, by the name of its sheet in the workbook (a rule that needs the list as such: 季度执行 for 序时进度).
_LIST_TABLES = {
    "units": "单位与人员表",
    "quarterly": "季度执行表",
    "projects": "项目表",
    "key_tasks": "重点工作表",
    "targets": "绩效指标表",
}


@lru_cache(maxsize=4096)
def label_of(path: str) -> str:
    """Chinese label of a field path; list items say which item ('第2个单位·实有在编人数')."""
    if path in _LIST_TABLES:
        return _LIST_TABLES[path]
    label = FIELD_LABELS.get(generic_path(path), path)
    match = re.match(r"^(\w+)\[(\d+)\]", path)
    if match and match.group(1) in _LIST_LABELS:
        return f"第{int(match.group(2)) + 1}个{_LIST_LABELS[match.group(1)]}·{label}"
    if path.startswith("facts."):
        return f"定性事实 {path.split('.')[1]}·{label}"
    return label


class Missing(Exception):
    """A figure the computation needs was not filled in (未填报); never treated as 0."""

    def __init__(self, path: str, detail: str = ""):
        self.path = path
        self.detail = detail
        super().__init__(path)

    @property
    def label(self) -> str:
        return label_of(self.path) + (f"（{self.detail}）" if self.detail else "")

    def described(self, facts: Mapping[str, Any]) -> str:
        """The label, a qualitative fact by the rulebook's question rather than its key (the user never sees keys):
        定性事实“本年度是否开展了资产清查（盘点）？”."""
        parts = self.path.split(".")
        fact = facts.get(parts[1]) if parts[0] == "facts" and len(parts) > 1 else None
        if fact is None:
            return self.label
        return f"定性事实“{fact.question}”" + (f"（{self.detail}）" if self.detail else "")


class Undefined(Exception):
    """A rate whose denominator is zero: it cannot be computed (无法计算)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class InputRead:
    """One figure a computation read: where from, what it is called, and its value."""

    path: str
    label: str
    value: Any
    location: Location | None = None


class Reader:
    """Reads figures from department data, recording each read for the trace."""

    def __init__(self, data: DepartmentData):
        self.data = data
        self.reads: list[InputRead] = []

    def _record(self, path: str, value: Any) -> Any:
        self.reads.append(InputRead(path, label_of(path), value, self.data.location(path)))
        return value

    def value(self, path: str) -> Any:
        value = self.data.get(path)
        if value is None:
            raise Missing(path)
        return self._record(path, value)

    def optional(self, path: str) -> Any:
        value = self.data.get(path)
        return None if value is None else self._record(path, value)

    def items(self, list_path: str) -> tuple[str, ...]:
        return self.data.items(list_path)

    def term(self, term: str) -> Decimal:
        """Value of one term: a path, a summed list path, count(...) or count_true(...)."""
        if term.startswith(("count_true(", "count(")):
            inner = term[term.index("(") + 1 : -1]
            list_path, _, rest = inner.partition("[]")
            items = self.items(list_path)
            if not items:
                raise Missing(list_path, "列表为空")
            if term.startswith("count("):
                return self._record(f"{list_path}（项数）", Decimal(len(items)))
            flags = [self.value(f"{item}{rest}") for item in items]
            return Decimal(sum(1 for f in flags if f))
        if term[0].isdigit():
            return Decimal(term)
        if "[]" in term:
            list_path, _, rest = term.partition("[]")
            items = self.items(list_path)
            if not items:
                raise Missing(list_path, "列表为空")
            return sum((Decimal(self.value(f"{item}{rest}")) for item in items), Decimal(0))
        return Decimal(self.value(term))
