"""Review of narrative reports (部门整体 / 项目 自评报告): every figure with its meaning, and the arithmetic
between them.

`extract_narrative_figures(doc)` reads each figure of the paragraphs and tables with its subject, relation word and
scope; `narrative_findings(doc)` checks totals against their listed parts, one subject stated twice, counts against
listed items, growth and share rates against their amounts, 元 against 万元, the text against the document's tables,
and the stated score and grade against the score table. Every finding quotes both places and shows its arithmetic.
"""

from .figures import NarrativeFigure, extract_narrative_figures

__all__ = ["NarrativeFigure", "extract_narrative_figures", "narrative_findings"]


def __getattr__(name: str):  # narrative_findings lives in checks.py, loaded when first asked for
    if name == "narrative_findings":
        from .checks import narrative_findings

        return narrative_findings
    raise AttributeError(name)
