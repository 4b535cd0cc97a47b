"""Review of a self-evaluation report or table written elsewhere: what a finance bureau checks, in seconds.

The package, in reading order:
  source.py      read_source(path) → SourceDocument: paragraphs and tables (merged cells written once)
  table.py       the table model: a grid, title rows, header blocks with named columns
  vocabulary.yaml / vocabulary.py   the domain words (header variants, operators, units, kinds, regions)
  scoretable.py  score sheets: levels, weights, scores, targets and actuals, the funds block, the total row
  kinds.py       the document's kind, department/project/year, province, and the rulebook with its reason
  targets.py     an indicator's target against its actual (operators, dates, qualitative words)
  tablechecks.py checks of the tables;  stated.py the text against itself and its tables;
  reportchecks.py a narrative report's sections;  narrative/ its figures and their arithmetic
  findings.py    ReviewResult and the findings;  pipeline.py  review_document / review_file
  output.py      text, JSON, 审核意见.docx, folder summary;  mutate.py / corpus.py  measuring the review
"""

from __future__ import annotations

from .findings import ReviewResult
from .pipeline import review_document, review_file

__all__ = ["ReviewResult", "review_document", "review_file"]
