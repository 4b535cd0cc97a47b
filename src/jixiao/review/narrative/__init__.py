"""Review of narrative reports (部门整体 / 项目 自评报告): every figure with its meaning, and the arithmetic
between them (issue 12).

`extract_narrative_figures(doc)` reads each figure of the paragraphs and tables with its subject, relation word and
scope: tokens.py (numbers with units) → grammar.py (subject, relation, scope, clause by clause) → tables.py (cells
under their headers). `narrative_findings(doc)` checks totals against their listed parts (parts.py), one subject or
one 文号 stated twice and 元 against 万元 (subjects.py), shares, named rates, growth and excess (rates.py), counts
against listed items (counts.py), the text against the document's tables and the stated score and grade against
the score table (tables.py), and tables of years with their change row (yeartables.py). Every finding quotes both
places and shows its arithmetic and tolerance. The words live in vocabulary.yaml.
"""

from .checks import narrative_findings
from .figures import extract_narrative_figures
from .model import NarrativeFigure

__all__ = ["NarrativeFigure", "extract_narrative_figures", "narrative_findings"]
