"""Every figure of a narrative report with its meaning: value, unit, kind, the subject it qualifies, the relation
word that ties it to that subject, and the scope of its clause (another year, a target, an approximation).

The pipeline: normalize the text (full-width digits, spaces) → tokens.py finds numbers with their units →
grammar.py gives each its subject, relation and scope, clause by clause; tables.py does the same for table cells
under their column headers.
Why no segmenter: jieba (42 MB installed, 1.4 s to load its dictionary) tags this register badly ("预算/v
安排/v 收入/v", "中央财政/nt 衔接/v 资金/n"), so its noun phrases would be worse than the clause grammar here.
All words live in vocabulary.yaml.
"""

from __future__ import annotations

import re

from ..source import SourceDocument
from .grammar import read_segment
from .model import NarrativeFigure
from .numerals import fold_width, normalize
from .tables import table_figures

__all__ = ["NarrativeFigure", "document_year", "extract_narrative_figures", "normalize"]


def document_year(doc: SourceDocument) -> int | None:
    """The evaluated year: the first "20xx年度" in the first paragraphs (title, 报告 heading)."""
    for seg in doc.paragraphs()[:12]:
        m = re.search(r"((?:19|20)\d\d)\s*年度", fold_width(seg.text))
        if m:
            return int(m.group(1))
    return None


def extract_narrative_figures(doc: SourceDocument) -> list[NarrativeFigure]:
    """Every figure of the document's paragraphs and table cells, in reading order, with its meaning."""
    year = document_year(doc)
    out: list[NarrativeFigure] = []
    for index, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            out.extend(read_segment(normalize(seg.text), doc.location(seg), index, year))
        else:
            out.extend(table_figures(doc, index, seg, year))
    return out
