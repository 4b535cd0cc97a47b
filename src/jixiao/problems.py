"""Problems: bad input as a value, not a crash.

Every stage returns its result together with a tuple of `Problem`s. A problem says where (file, line or
sheet!cell, field), what is wrong and how to fix it, in Chinese, so that the CLI and the web app can show
all problems of a run at once. Modelled on beancount's loader errors, with places added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["JixiaoError", "Location", "Problem", "Severity", "has_errors"]


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


@dataclass(frozen=True)
class Location:
    """Where a value was read: a file with a line, or a workbook with sheet and cell, plus the field path."""

    file: str = ""
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    place: str | None = None  # in a report under review: 第22段, 表1 第8行第7列

    def with_field(self, field: str) -> Location:
        return Location(self.file, self.line, self.sheet, self.cell, field, self.place)

    def __str__(self) -> str:
        place = self.file or "<输入>"
        if self.place is not None:
            place += f":{self.place}"
        elif self.sheet is not None:
            place += f"[{self.sheet}!{self.cell}]" if self.cell else f"[{self.sheet}]"
        elif self.line is not None:
            place += f":{self.line}"
        return place

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if v is not None and v != ""}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: code, Chinese message (what and how to fix), place, severity."""

    code: str
    message: str
    location: Location | None = None
    severity: Severity = Severity.ERROR
    expected: str = ""  # for consistency findings: what the figures say it should be
    actual: str = ""  # and what was stated

    def format(self) -> str:
        where = str(self.location) if self.location else "<输入>"
        field = f" 字段 {self.location.field}" if self.location and self.location.field else ""
        return f"{where}:{field} {self.severity.value}[{self.code}] {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.as_dict() if self.location else {},
            "expected": self.expected,
            "actual": self.actual,
        }


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


class JixiaoError(Exception):
    """Raised at a stage boundary when a stage cannot produce a result; carries all its problems."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))
