"""Problems: bad input as a value, not a crash.

Every stage returns its result together with a tuple of `Problem`s. A problem says where (file, line or
sheet!cell, field), what is wrong and how to fix it, in Chinese, so that the CLI and the web app can show
all problems of a run at once. Modelled on beancount's loader errors, with places added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "JixiaoError",
    "Location",
    "Problem",
    "Severity",
    "dotted",
    "exit_code",
    "has_errors",
    "is_file_problem",
]


def dotted(path: tuple[Any, ...]) -> str:
    """A field path as people read it: ("units", 0, "staffing") -> "units[0].staffing"."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


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


# Problems that mean a file could not be read at all (missing, unreadable, wrong content, over a limit of the
# guarded entrance) or an output that cannot be written: exit code 2, like wrong usage. Errors in the figures
# of a file that was read are exit code 1.
_FILE_PREFIXES = ("file.", "output.", "usage.")
_FILE_CODES = frozenset(
    {
        "xlsx.unreadable",
        "xlsx.bad_sheet",
        "xlsx.too_many_rows",
        "xlsx.too_many_columns",
        "xlsx.too_many_cells",
        "xlsx.convert",  # an .xls/.et LibreOffice cannot read
        "review.unreadable",
        "review.file_type",
        "review.convert",  # a .doc/.wps/.xls/.et LibreOffice cannot read
        "review.ofd",  # an OFD that is not one
        "review.no_text",  # a PDF with neither a text layer nor anything OCR can read
        "yaml.alias",
        "yaml.too_deep",
        "yaml.too_long",
        "data.too_many_rows",
    }
)


def is_file_problem(problem: Problem) -> bool:
    """A file that could not be read, or an output that cannot be written (not an error in the figures)."""
    return problem.code.startswith(_FILE_PREFIXES) or problem.code in _FILE_CODES


def exit_code(problems: Iterable[Problem]) -> int:
    """The CLI's exit code for a run that stopped on these problems: 2 when a file is at fault, else 1."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    return 2 if errors and all(is_file_problem(p) for p in errors) else 1


class JixiaoError(Exception):
    """Raised at a stage boundary when a stage cannot produce a result; carries all its problems."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read or written (or usage), 1 when the input's figures have errors."""
        return exit_code(self.problems)
