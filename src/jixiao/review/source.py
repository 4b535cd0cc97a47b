"""A report written elsewhere, read into ordered segments: paragraphs and tables, each with its place.

.docx (python-docx, body order kept), text-based .pdf (review/pdfread.py, page by page), .txt (paragraphs split
at blank lines; tab-separated lines are table rows, as text exports of Word tables come out), and .xlsx
(each sheet a table, merged ranges kept in their top-left cell), and .html tables (rowspan/colspan
resolved). A merged cell is written once, in its top-left position, in every format. Lines a page break
split in the middle of a sentence are joined back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.model.problems import JixiaoError, Location, Problem

from .rx import rx
from .textread import read_html, table_runs

__all__ = ["Segment", "SourceDocument", "read_source"]

_END = "。；：！？;!?”）)"  # OCR folds full-width punctuation to half-width (formats/ocr.py); ":" see below


@dataclass(frozen=True)
class Segment:
    kind: str  # paragraph | table
    index: int  # paragraph number, or table number (1-based)
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    page: int | None = None
    # OCR's lowest confidence (0–1) in the text, and per table cell; None for text read from a text layer
    confidence: float | None = None
    cell_confidence: tuple[tuple[float | None, ...], ...] = ()
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1: scan pixels at 150 dpi; OFD millimetres

    def place(self, row: int | None = None, col: int | None = None) -> str:
        where = f"第{self.page}页 " if self.page else ""
        if self.kind == "paragraph":
            return f"{where}第{self.index}段"
        cell = f" 第{row + 1}行第{col + 1}列" if row is not None and col is not None else ""
        return f"{where}表{self.index}{cell}"


@dataclass
class SourceDocument:
    path: Path
    segments: list[Segment] = field(default_factory=list)

    def paragraphs(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "paragraph"]

    def tables(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "table"]

    def location(self, segment: Segment, row: int | None = None, col: int | None = None) -> Location:
        return Location(str(self.path), place=segment.place(row, col))


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text.replace("\u00a0", " ")).strip()


class _Builder:
    def __init__(self, path: Path):
        self.doc = SourceDocument(path)
        self.paragraphs = 0
        self.tables = 0
        self.full_line = 40  # a line at least this long that stops mid-sentence was wrapped, not ended
        self.last_line = ""
        # whether the last line goes on in the next, as its position on the page shows (formats/layout.py,
        # Block.wraps); None where it cannot be told (text PDFs, .txt, a page's last line)
        self.last_wraps: bool | None = None

    def paragraph(self, text: str, page: int | None = None, wraps: bool | None = None) -> None:
        text = _clean(text)
        if not text:
            return
        last = self.doc.segments[-1] if self.doc.segments else None
        # A full line that stops mid-sentence was cut by the page width or a page break: the next continues it.
        # Where the layout tells, it decides: a centred title is short of the margin whatever its length. But a
        # line stops short of the margin also when the next word is a figure too long to fit (corpus n09, n75,
        # n76: "…增长" | "17.55%。"): before a figure or Latin word, a short line may still wrap.
        told = self.last_wraps
        if told is False and _UNBREAKABLE.match(text):
            told = None
        line = self.last_line
        if told is False and last is not None and last.text.endswith(":"):
            # a paragraph ending with a half-width colon leads into the next ("…其中:" | "商品和服务支出…"): a Word
            # file's paragraph is one line here, joined by its length; a scan's, as long, is joined the same
            # (corpus n82, n83: the parts keep the whole they belong to)
            told, line = None, last.text
        wrapped = told if told is not None else len(line) >= self.full_line and not _looks_like_heading(line)
        if (
            last
            and last.kind == "paragraph"
            and wrapped
            and last.text[-1] not in _END
            and not _looks_like_heading(text)
        ):
            self.doc.segments[-1] = Segment("paragraph", last.index, last.text + text, page=last.page)
            self.last_line, self.last_wraps = text, wraps
            return
        self.paragraphs += 1
        self.last_line, self.last_wraps = text, wraps
        self.doc.segments.append(Segment("paragraph", self.paragraphs, text, page=page))

    def table(self, rows: list[list[str]], page: int | None = None) -> None:
        # a line break inside a cell is the cell's wrapping: the cell is one text
        cleaned = tuple(
            tuple(_clean(re.sub(r"\s*\n\s*", "", c or "")) for c in row)
            for row in rows
            if any((c or "").strip() for c in row)
        )
        if not cleaned:
            return
        self.tables += 1
        self.doc.segments.append(Segment("table", self.tables, rows=cleaned, page=page))


# what a line starts with when the line before it may have stopped short of the margin for it: a figure or a
# Latin word (unbroken), or a closing mark (never the first on a line)
_UNBREAKABLE = rx(r"[0-9A-Za-z%.,，。、；;：:！!？?”）)]")

_HEADING = rx(
    r"^(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|"
    r"\d+[、.．](?!\d)|[（(]\d+[)）]|附件)"
)


def _looks_like_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 40


def _docx_rows(table, document) -> tuple[list[list[str]], list]:
    """A Word table's rows, a merged cell (across or down) written once in its top-left position; the
    tables nested in its cells, returned apart to be read after it."""
    from docx.table import Table

    rows, nested = [], []
    seen: dict[int, object] = {}  # id → the cell element, kept alive so that its id is not reused
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # merged cells repeat the same cell object, across a row and down a column
            cells.append("" if id(cell._tc) in seen else "\n".join(p.text for p in cell.paragraphs))
            if id(cell._tc) not in seen:
                nested += [Table(t, document) for t in cell._tc.tbl_lst] if hasattr(cell._tc, "tbl_lst") else []
            seen[id(cell._tc)] = cell._tc
        rows.append(cells)
    return rows, nested


def _read_docx(path: Path) -> SourceDocument:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    builder = _Builder(path)
    document = Document(str(path))
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            builder.paragraph(Paragraph(child, document).text)
        elif tag == "tbl":
            pending = [Table(child, document)]
            first = True
            while pending:
                rows, nested = _docx_rows(pending.pop(0), document)
                if not (first and _continue_docx_table(builder, rows)):
                    builder.table(rows)
                pending[:0], first = nested, False
    return builder.doc


def _continue_docx_table(builder: _Builder, rows: list[list[str]]) -> bool:
    """A Word table right after another (nothing written between them) that opens with a header row of that table
    goes on with it: a table cut over two pages and pasted as two, its header repeated (corpus t28's two pages).
    The repeated header rows are dropped; the rows join the table before."""
    last = builder.doc.segments[-1] if builder.doc.segments else None
    cleaned = [tuple(_clean(re.sub(r"\s*\n\s*", "", c or "")) for c in row) for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if last is None or last.kind != "table" or not cleaned or len(cleaned[0]) != len(last.rows[0]):
        return False
    head = cleaned[0]
    figures = any(re.fullmatch(r"[-+]?[\d.,]+%?", c) for c in head)
    if sum(1 for c in head if c) < 3 or figures or head not in last.rows:
        return False
    at, skip = last.rows.index(head), 0
    while skip < len(cleaned) and at + skip < len(last.rows) and cleaned[skip] == last.rows[at + skip]:
        skip += 1
    from dataclasses import replace

    builder.doc.segments[-1] = replace(last, rows=(*last.rows, *cleaned[skip:]))
    return True


def _read_pdf(path: Path) -> SourceDocument:
    from .pdfread import read_pdf  # text from pdftotext, tables from pdfplumber, scanned pages to OCR

    return read_pdf(path, _Builder(path))


def _read_txt(path: Path) -> SourceDocument:
    builder = _Builder(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # text saved by Chinese Windows tools is often GBK
        text = raw.decode("gb18030", errors="replace")
    for kind, items in table_runs(text.splitlines()):
        if kind == "table":
            builder.table([row.split("\t") for row in items])
        else:
            builder.paragraph(items[0])
    return builder.doc


def _read_xlsx(path: Path) -> SourceDocument:
    """Each sheet a table; a merged range keeps its value in its top-left cell only (openpyxl's reading)."""
    from openpyxl import load_workbook

    builder = _Builder(path)
    wb = load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = [[_xlsx_text(c.value, getattr(c, "number_format", "")) for c in row] for row in ws.iter_rows()]
        builder.table(rows)
    return builder.doc


def _xlsx_text(value: object, number_format: str = "") -> str:
    """A cell as it is shown: a rate formatted as a percent (0.9545 in a 0.00% cell) is "95.45%"."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (number_format or ""):
        places = len(number_format.split(".", 1)[1].split("%")[0]) if "." in number_format else 0
        return f"{value * 100:.{places}f}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.12g}"  # 0.1 + 0.2 is shown 0.3
    return str(value)


def _add_blocks(builder: _Builder, blocks: list) -> None:
    """Paragraphs and tables placed by position (OFD, OCR; formats/layout.py), OCR's confidence kept."""
    from dataclasses import replace

    lengths = sorted(len(_clean(b.text)) for b in blocks if b.kind == "paragraph")
    if lengths:  # as for a text PDF: a line near the usual full width that stops mid-sentence was wrapped
        builder.full_line = max(10, int(lengths[int(len(lengths) * 0.75)] * 0.85))
    for block in blocks:
        count, last = len(builder.doc.segments), builder.doc.segments[-1] if builder.doc.segments else None
        if block.kind == "table" and _continue_table(builder, block, first=block is blocks[0]):
            continue
        if block.kind == "table":
            builder.table([list(row) for row in block.rows], block.page)
            kept = [c for row, c in zip(block.rows, block.cell_confidence, strict=False) if any(x.strip() for x in row)]
            if len(builder.doc.segments) > count:
                builder.doc.segments[-1] = replace(
                    builder.doc.segments[-1], confidence=block.confidence, cell_confidence=tuple(kept), box=block.box
                )
            continue
        builder.paragraph(block.text, block.page, block.wraps)
        now = builder.doc.segments[-1] if builder.doc.segments else None
        if now is None or now is last or block.box is None:
            continue
        before = last if len(builder.doc.segments) == count else None  # the line continued that paragraph
        known = [c for c in (block.confidence, before.confidence if before else None) if c is not None]
        box = _union(before.box, block.box) if before and before.box and before.page == block.page else block.box
        builder.doc.segments[-1] = replace(now, confidence=min(known) if known else None, box=box)


def _union(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _continue_table(builder: _Builder, block, first: bool) -> bool:
    """A table opening a scanned page continues the table that closed the page before (page breaks cut tables)."""
    from dataclasses import replace

    from ..formats.layout import continued_rows

    last = builder.doc.segments[-1] if builder.doc.segments else None
    # the table closed the pages before (it keeps the page it started on)
    if not first or last is None or last.kind != "table" or last.page is None or last.page >= block.page:
        return False
    rows = tuple(tuple(_clean(c) for c in row) for row in block.rows if any(c.strip() for c in row))
    joined = continued_rows(last.rows, rows)
    if joined is None:
        return False
    levels = [c for row, c in zip(block.rows, block.cell_confidence, strict=False) if any(x.strip() for x in row)]
    if levels and levels[0] is not None and len(levels[0]) == len(rows[0]) and rows[0] == last.rows[0]:
        levels = levels[1:]  # the repeated header row was dropped
    previous = list(last.cell_confidence)
    if joined[1] and previous and levels:  # the cut row's halves: the lower confidence of each cell
        cut = zip(previous[-1], levels[0], strict=False)
        previous[-1] = tuple(min((v for v in pair if v is not None), default=None) for pair in cut)
        levels = levels[1:]
    known = [c for c in (last.confidence, block.confidence) if c is not None]
    builder.doc.segments[-1] = replace(
        last, rows=joined[0], confidence=min(known) if known else None, cell_confidence=(*previous, *levels)
    )
    return True


def _scanned_page(path: Path, number: int) -> list:
    from ..formats.ocr import OcrUnavailable, read_pdf_pages

    try:
        return read_pdf_pages(path, [number])[number]
    except OcrUnavailable as exc:
        raise JixiaoError(
            [Problem("review.ocr_unavailable", str(exc), Location(str(path), place=f"第{number}页"))]
        ) from None


def _read_converted(path: Path) -> SourceDocument:
    """.doc/.wps → .docx and .xls/.et → .xlsx by LibreOffice (formats/office.py), then read as those are."""
    from ..formats.office import ConversionError, converted

    fmt = "xlsx" if path.suffix.lower() in (".xls", ".et") else "docx"
    try:
        with converted(path, fmt) as modern:
            doc = _READERS[f".{fmt}"](modern)
    except ConversionError as exc:
        raise JixiaoError([Problem("review.convert", str(exc), Location(str(path)))]) from None
    doc.path = path  # places name the file the user gave
    return doc


def _read_ofd(path: Path) -> SourceDocument:
    from ..formats.ofd import OfdError, read_ofd

    try:
        blocks = read_ofd(path)
    except OfdError as exc:
        raise JixiaoError([Problem("review.ofd", str(exc), Location(str(path)))]) from None
    builder = _Builder(path)
    for page in sorted({b.page for b in blocks}):  # page by page, as scanned pages: a table may go on overleaf
        _add_blocks(builder, [b for b in blocks if b.page == page])
    return builder.doc


_READERS = {
    ".doc": _read_converted,
    ".wps": _read_converted,
    ".xls": _read_converted,
    ".et": _read_converted,
    ".ofd": _read_ofd,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".txt": _read_txt,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".html": lambda path: read_html(path, _Builder(path)),
    ".htm": lambda path: read_html(path, _Builder(path)),
}


def read_source(path: Path) -> SourceDocument:
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise JixiaoError(
            [
                Problem(
                    "review.file_type",
                    f"不支持审核“{path.suffix}”文件。支持 .docx/.doc/.wps、.pdf（含扫描件）、.ofd、.txt、"
                    ".xlsx/.xls/.et 和 .html。",
                    Location(str(path)),
                )
            ]
        )
    if not path.exists():
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(str(path)))])
    from jixiao.files.guard import check_document  # the guarded entrance: content type, size, pages, characters

    check_document(path)
    try:
        return reader(path)
    except JixiaoError:
        raise
    except Exception as exc:  # any library's complaint about a damaged file becomes one clear message
        if isinstance(exc, (KeyboardInterrupt, MemoryError)):
            raise
        raise JixiaoError(
            [
                Problem(
                    "review.unreadable",
                    f"无法读取该文件（{type(exc).__name__}）。文件可能已损坏或被加密，请用 Word/WPS 打开后另存再试。",
                    Location(str(path)),
                )
            ]
        ) from None
