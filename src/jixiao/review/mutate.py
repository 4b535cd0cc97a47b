"""Measuring the review: mutated copies of a report, one checkable figure changed per copy.

A mutation is caught when the review of the copy reports an error or a warning that the review of the
original did not (same code, place and message). Only figures that take part in some check can be caught
at all (a figure stated once and related to nothing cannot be verified by anyone); the others are listed
as not checkable, not counted as misses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from jixiao.model.numbers import given_places
from jixiao.model.problems import Severity

from . import review_document
from .extract import Figure, _norm_text, extract_figures
from .scoretable import find_score_tables
from .source import SourceDocument

__all__ = ["CHECKABLE", "Mutation", "measure", "mutations"]

# Figures that take part in at least one check (a sum, a rate, a balance, the score table, the rulebook).
CHECKABLE = re.compile(
    r"^(budget\.(initial|adjusted|final)\.(total|basic|project)|budget\.adjustment\.amount|budget\.income\.(final_total|"
    r"initial_total|initial_general)|stated\..+|procurement\..+|assets\..+|three_public\..+|public_funds\.daily\.(adjusted|"
    r"actual)|units\[\d+\]\.staffing\.(authorized|actual|authorized_admin|authorized_institution|in_service)|"
    r"quarterly\[\d\]\.time_rate|score\..+)$"
)


@dataclass(frozen=True)
class Mutation:
    description: str
    document: SourceDocument
    checkable: bool


def _changed(value: Decimal, unit: str) -> Decimal:
    """A typo-sized change that keeps the figure plausible: about 10%, or 5 percentage points for rates."""
    if unit == "%":
        return value - Decimal("0.05") if value >= Decimal("0.05") else value + Decimal("0.05")
    places = max(0, given_places(value))
    step = Decimal(1).scaleb(-places)
    new = (value * Decimal("1.1")).quantize(step, ROUND_HALF_UP)
    # a change of a few cents is what rounding does; a typo changes a digit that matters
    return new if abs(new - value) >= 10 * step else value + 10 * step


def _text(value: Decimal, unit: str) -> str:
    return f"{value.scaleb(2):f}" if unit == "%" else f"{value:f}"


def _figure_mutation(doc: SourceDocument, fig: Figure, stated_twice: bool = False) -> Mutation:
    segment = doc.segments[fig.segment]
    text = _norm_text(segment.text)
    new_value = _changed(fig.value, fig.unit)
    mutated = text[: fig.start] + _text(new_value, fig.unit) + text[fig.end :]
    segments = list(doc.segments)
    segments[fig.segment] = replace(segment, text=mutated)
    shown = f"{fig.value.scaleb(2):f}%" if fig.unit == "%" else f"{fig.value:f}"
    return Mutation(
        f"{fig.location.place} {fig.label}{('（' + fig.extra + '）') if fig.extra else ''}："
        f"{shown} → {_text(new_value, fig.unit)}{'%' if fig.unit == '%' else ''}",
        SourceDocument(doc.path, segments),
        bool(CHECKABLE.match(fig.key)) or stated_twice,
    )


def _table_mutations(doc: SourceDocument) -> Iterator[Mutation]:
    for table in find_score_tables(doc):
        index = doc.segments.index(table.segment)
        rows = [list(r) for r in table.segment.rows]
        targets = [(row.row, row.score_col, f"“{row.name}”得分") for row in table.rows if row.score is not None]
        targets += [
            (row.row, row.weight_col, f"“{row.name}”分值")
            for row in table.rows
            if row.weight is not None and row.weight_col is not None
        ]
        if table.total_row is not None and table.table is not None and table.table.segment is table.segment:
            r = table.total_row
            targets += [(r, c, "合计") for c, cell in enumerate(rows[r]) if re.fullmatch(r"\d+(\.\d+)?", cell.strip())]
        for r, c, what in targets:
            old = rows[r][c].strip()
            if not re.fullmatch(r"\d+(\.\d+)?", old):
                continue
            value = Decimal(old)
            new = value - Decimal("0.5") if value >= 1 else value + Decimal("0.5")
            changed = [list(x) for x in rows]
            changed[r][c] = f"{new:f}"
            segments = list(doc.segments)
            segments[index] = replace(table.segment, rows=tuple(tuple(x) for x in changed))
            yield Mutation(
                f"{table.segment.place(r, c)} {what}：{old} → {new:f}", SourceDocument(doc.path, segments), True
            )


def mutations(doc: SourceDocument) -> Iterator[Mutation]:
    """Checkable: the figure takes part in a relation (a sum, a rate, the score table), or the report states
    the same figure more than once (then the copies must agree)."""
    figures = extract_figures(doc)
    counts: dict[str, int] = {}
    for fig in figures:
        counts[fig.key] = counts.get(fig.key, 0) + 1
    for fig in figures:
        yield _figure_mutation(doc, fig, counts[fig.key] > 1)
    yield from _table_mutations(doc)


def _signature(findings) -> set[tuple[str, str, str]]:
    return {
        (f.code, f.location.place if f.location else "", f.message)
        for f in findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    }


@dataclass
class Measure:
    caught: list[str]
    missed: list[str]
    not_checkable: list[str]
    baseline_errors: list[str]

    @property
    def recall(self) -> float:
        total = len(self.caught) + len(self.missed)
        return len(self.caught) / total if total else 1.0


def measure(doc: SourceDocument, rulebook_id: str | None = None) -> Measure:
    baseline = review_document(doc, rulebook_id)
    seen = _signature(baseline.findings)
    result = Measure([], [], [], [f.message for f in baseline.findings if f.severity is Severity.ERROR])
    for mutation in mutations(doc):
        if not mutation.checkable:
            result.not_checkable.append(mutation.description)
            continue
        after = review_document(mutation.document, baseline.rulebook_id)
        (result.caught if _signature(after.findings) - seen else result.missed).append(mutation.description)
    return result
