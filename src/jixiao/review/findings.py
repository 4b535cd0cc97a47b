"""What a review returns: its findings (code, severity, Chinese message, place, expected/actual), the
document's kind and identity, and the rulebook chosen with the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Problem, Severity

from .extract import Figure
from .scoretable import ScoreTable

__all__ = ["Findings", "ReviewResult", "show"]


@dataclass
class ReviewResult:
    path: Path
    department: str
    year: int | None
    headings: list[str]
    figures: list[Figure]
    tables: list[ScoreTable]
    findings: list[Problem] = field(default_factory=list)
    rulebook_id: str | None = None
    total: Decimal | None = None
    grade: str | None = None
    kind: str = ""  # project_table, department_table, … (vocabulary.yaml kinds)
    kind_name: str = ""  # 项目支出绩效自评表, …
    project: str = ""
    unit: str = ""  # a project's implementing unit (实施单位), identity.Identity.unit
    province: str = ""
    rulebook_reason: str = ""
    truncated: bool = False

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def show(value: Any) -> str:
    if isinstance(value, Decimal):
        return fmt_score(value)
    return "" if value is None else str(value)


class Findings:
    """The findings of one review, in the order found; one finding per code and place. Each keeps its basis:
    the places of the figures it was built on besides its own (the cells a sum adds up), so that a figure read
    with low OCR confidence anywhere in it makes the finding a hint (formats/confidence.py)."""

    def __init__(self, path: Path):
        self.path = path
        self.items: list[Problem] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._basis: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def basis(self, problem: Problem) -> tuple[str, ...]:
        """The places of the figures `problem` rests on, besides its own place."""
        place = (problem.location.place or "") if problem.location else ""
        return self._basis.get((problem.code, place, problem.message), ())

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        location: Location | None,
        expected: Any = "",
        actual: Any = "",
        basis: Iterable[Location | None] = (),
    ) -> None:
        location = location or Location(str(self.path))
        key = (code, location.place or "", message)
        if key in self._seen:
            return
        self._seen.add(key)
        places = tuple(dict.fromkeys(b.place for b in basis if b is not None and b.place))
        if places:
            self._basis[key] = places
        self.items.append(Problem(code, message, location, severity, show(expected), show(actual)))

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.code, p.severity, p.message, p.location, p.expected, p.actual)
