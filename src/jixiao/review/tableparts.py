"""A file holding several projects' self-evaluation tables, reviewed table by table.

A department often sends all its 项目支出绩效自评表 in one file: a workbook with a sheet a project, or the tables
stacked one under another in a sheet or a .docx. Reviewed as one document, one project's 自评得分 is checked
against another's table and the identity is one of them. `table_parts` cuts such a document into its tables —
at each sheet and at each self-evaluation title (a title line, or a table's one-cell first row) — and keeps a cut
only where both sides hold a score table of their own and name a different project or department; what names
none (a cover sheet, a 填表说明, a table continued) stays with the table it belongs to. A narrative report with
its tables attached is one document (its text is checked against them all). Each part is reviewed as
its own document, named by its sheet ("文件.xlsx/工作表名") or, where a sheet holds several, by its place
("文件.xlsx/第2张表"). A file of one table is one part, the document itself: its review is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from .findings import ReviewResult
from .identity import identify
from .kinds import kind_of
from .pipeline import review_document
from .scoretable import find_score_tables
from .segments import Segment, SourceDocument
from .source import read_source
from .table import tables_of

__all__ = ["review_file_tables", "review_tables", "table_parts"]

# a self-evaluation table's title, as a line of its own (tablexlsx._TITLE): 项目支出绩效自评表, 部门整体支出绩效自评表 …
_TITLE = re.compile(r"(自评|评价|绩效).{0,12}表|基础数据表")
_ANNEX = re.compile(r"附件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*$")
_TITLE_LENGTH = 60  # a longer line is a sentence that names a table, not its title
_TITLE_ROWS = 4  # the one-cell rows above a table looked at for its title


def _is_title(seg: Segment) -> bool:
    """A segment that opens a table: a short title line, or a table whose rows of one cell above its first full row
    (a sheet's "附件2", its title, "（2023年度）") hold one such title."""
    lines = [seg.text]
    if seg.kind == "table":
        lines = []
        for row in seg.rows[:_TITLE_ROWS]:
            filled = [c for c in row if c.strip()]
            if len(filled) > 1:
                break
            lines += filled
    return any(len(line) <= _TITLE_LENGTH and _TITLE.search(line) is not None for line in lines)


def _cuts(doc: SourceDocument) -> list[int]:
    """Where a table may begin: each sheet, and each title after a table since the last cut."""
    sheets = {start for start, _ in doc.sheets}
    cuts = [0]
    for i, seg in enumerate(doc.segments):
        if i == 0:
            continue
        tabled = any(s.kind == "table" for s in doc.segments[cuts[-1] : i])
        if i in sheets:
            cuts.append(i)
        elif tabled and _is_title(seg):
            start = i
            while start - 1 > cuts[-1] and _ANNEX.match(doc.segments[start - 1].text):
                start -= 1  # "附件2" above the title is the next table's
            cuts.append(start)
    return cuts


def _sub(doc: SourceDocument, start: int, end: int, name: str) -> SourceDocument:
    """Segments start..end as a document of their own, paragraphs and tables numbered from 1."""
    counts = {"paragraph": 0, "table": 0}
    segments = []
    for seg in doc.segments[start:end]:
        counts[seg.kind] = counts.get(seg.kind, 0) + 1
        segments.append(replace(seg, index=counts[seg.kind]))
    return SourceDocument(doc.path / name if name else doc.path, segments)


def _key(part: SourceDocument) -> tuple[str, str, str] | None:
    """Whose table a part is, (kind, project, department); None when it holds no score table or names neither."""
    score_tables = find_score_tables(part)
    if not score_tables:
        return None
    tables = tables_of(part)
    kind, _ = kind_of(part, tables, score_tables)
    ident = identify(part, tables, kind)
    return (kind, ident.project, ident.department) if ident.project or ident.department else None


def _same(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Two tables of one document: the same project, when both name one (a department named differently by two
    tables of one project, "219-…镇人民政府" and "…镇", does not part them); else the same kind of table of the same
    department (a department table and a project table are two; a project whose name is not read is told by its
    department)."""
    if a[1] and b[1]:
        return a[1] == b[1]
    return a[0] == b[0] and (a[2] == b[2] or not (a[2] and b[2]))


def _sheet_at(doc: SourceDocument, i: int) -> str:
    """The sheet segment i was read from ("" outside a workbook)."""
    found = ""
    for start, name in doc.sheets:  # in the workbook's order: an empty sheet begins where the next one does
        if start <= i:
            found = name
    return found


def _is_report(doc: SourceDocument) -> bool:
    """A narrative report (自评报告) with its tables attached: one document, its text checked against all of them."""
    tables = tables_of(doc)
    return kind_of(doc, tables, find_score_tables(doc))[0].startswith("narrative")


def table_parts(doc: SourceDocument) -> list[SourceDocument]:
    """The document's tables as documents of their own (module docstring); [doc] itself when it is one table."""
    cuts = _cuts(doc)
    if len(cuts) < 2 or _is_report(doc):
        return [doc]
    bounds = [*cuts, len(doc.segments)]
    spans: list[tuple[int, int]] = []
    owners: list[tuple[str, str, str] | None] = []
    for a, b in pairwise(bounds):
        key = _key(_sub(doc, a, b, ""))
        last = owners[-1] if owners else None
        if spans and (key is None or last is None or _same(key, last)):
            spans[-1] = (spans[-1][0], b)  # no table of its own, the same one's, or after a cover: one part
            owners[-1] = owners[-1] or key
        else:
            spans.append((a, b))
            owners.append(key)
    if len(spans) < 2:
        return [doc]
    sheets = [_sheet_at(doc, a) for a, _ in spans]
    # named by its sheet when it is the only table begun on that sheet, else by its place in the file
    names = [s if s and sheets.count(s) == 1 else f"第{n}张表" for n, s in enumerate(sheets, 1)]
    parts = [_sub(doc, a, b, name) for (a, b), name in zip(spans, names, strict=True)]
    for page, note in doc.notes:
        # a reader's note names its sheet (工作表“…”: a formula not computed, hidden rows): to the first table
        # begun on it; the workbook's own (its hidden sheets) and any other to the first table
        at = next((i for i, s in enumerate(sheets) if s and f"“{s}”" in note), 0)
        parts[at].notes.append((page, note))
    return parts


def review_tables(doc: SourceDocument, rulebook_id: str | None = None) -> list[ReviewResult]:
    """Each table of the document reviewed as its own document (one review for a document of one table)."""
    return [review_document(part, rulebook_id) for part in table_parts(doc)]


def review_file_tables(path: Path, rulebook_id: str | None = None) -> list[ReviewResult]:
    """`review_file`, table by table: one result for a file of one table, one a project for a department's file of
    several (each result's path the file's, then the sheet or 第N张表)."""
    return review_tables(read_source(Path(path)), rulebook_id)
