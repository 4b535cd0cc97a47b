"""Consistency of a narrative report's figures with one another (issue 12 item 2).

Each check reads the figures' structure (list words, brackets, sentences), never a fixed phrasing, and raises
only where the structure is clear: a list the text says is complete, parts that exceed their total, a rate whose
amounts stand beside it. Every finding quotes both places, shows the arithmetic and the tolerance it used.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.model.problems import Problem

from ..source import SourceDocument
from .changes import exceed, growth
from .counts import count_items
from .figures import document_year, extract_narrative_figures
from .model import NarrativeFigure
from .parts import parts_total
from .rates import shares
from .subjects import same_subject, unit_pairs
from .tables import table_checks
from .yeartables import year_table_checks

__all__ = ["narrative_findings"]


def narrative_findings(
    doc: SourceDocument, figures: list[NarrativeFigure] | None = None, score_tables: Iterable[object] | None = None
) -> list[Problem]:
    """Findings about the arithmetic between the figures of a narrative report (codes review.narrative.*)."""
    figures = extract_narrative_figures(doc) if figures is None else figures
    text = [f for f in figures if f.cell is None]
    out: list[Problem] = []
    for check in (parts_total, unit_pairs, shares, growth, exceed, count_items):
        out.extend(check(text))
    out.extend(same_subject(text, doc))
    out.extend(table_checks(doc, figures, score_tables))
    out.extend(year_table_checks(doc, text, document_year(doc)))
    seen, unique = set(), []
    for p in out:
        key = (p.code, p.location.place if p.location else "", p.actual, p.expected)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
