"""A report written elsewhere, read into ordered segments: paragraphs and tables, each with its place.

.docx (python-docx, body order kept), text-based .pdf (pdfplumber, page by page), .txt (paragraphs split
at blank lines; tab-separated lines are table rows, as text exports of Word tables come out), and .xlsx
(each sheet a table). Lines a page break split in the middle of a sentence are joined back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import JixiaoError, Location, Problem

__all__ = ["Segment", "SourceDocument", "read_source"]

_END = "。；：！？”）)"


@dataclass(frozen=True)
class Segment:
    kind: str  # paragraph | table
    index: int  # paragraph number, or table number (1-based)
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    page: int | None = None

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

    def paragraph(self, text: str, page: int | None = None) -> None:
        text = _clean(text)
        if not text:
            return
        last = self.doc.segments[-1] if self.doc.segments else None
        # A full line that stops mid-sentence was cut by the page width or a page break: the next continues it.
        if (
            last
            and last.kind == "paragraph"
            and len(self.last_line) >= self.full_line
            and last.text[-1] not in _END
            and not _looks_like_heading(text)
            and not _looks_like_heading(self.last_line)
        ):
            self.doc.segments[-1] = Segment("paragraph", last.index, last.text + text, page=last.page)
            self.last_line = text
            return
        self.paragraphs += 1
        self.last_line = text
        self.doc.segments.append(Segment("paragraph", self.paragraphs, text, page=page))

    def table(self, rows: list[list[str]], page: int | None = None) -> None:
        cleaned = tuple(tuple(_clean(c or "") for c in row) for row in rows if any((c or "").strip() for c in row))
        if not cleaned:
            return
        self.tables += 1
        self.doc.segments.append(Segment("table", self.tables, rows=cleaned, page=page))


_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|"
    r"\d+[、.．](?!\d)|[（(]\d+[)）]|附件)"
)


def _looks_like_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 40


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
            table = Table(child, document)
            rows = []
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    # merged cells repeat the same cell object; the first position keeps its text
                    cells.append("" if id(cell._tc) in seen else cell.text)
                    seen.add(id(cell._tc))
                rows.append(cells)
            builder.table(rows)
    return builder.doc


_TABLE_WORDS = ("三级指标", "年度资金总额", "经费控制情况", "财政供养人员情况", "评价指标")


def _pdftotext_pages(path: Path) -> list[str] | None:
    """Page texts from poppler's pdftotext (fast); None when it is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120, check=False
    )
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace").split("\f")


def _read_pdf(path: Path) -> SourceDocument:
    """Text from pdftotext; tables (and the text around them) from pdfplumber, only on pages that have one,
    because pdfplumber parses every page in Python (about 0.2 s a page)."""
    import pdfplumber

    builder = _Builder(path)
    fast = _pdftotext_pages(path)
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            text = fast[number - 1] if fast is not None and number - 1 < len(fast) else None
            tables = []
            if text is None or any(word in text.replace(" ", "") for word in _TABLE_WORDS):
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]
                outside = page.filter(
                    lambda obj, boxes=boxes: (
                        not any(b[0] <= obj.get("x0", 0) <= b[2] and b[1] <= obj.get("top", 0) <= b[3] for b in boxes)
                    )
                )
                text = outside.extract_text() or ""
            lines = [
                line
                for line in text.splitlines()
                if line.strip() and not re.fullmatch(r"\s*[—-]?\s*\d+\s*[—-]?\s*", line)
            ]  # page numbers
            lengths = sorted(len(_clean(line)) for line in lines)
            if lengths:
                builder.full_line = max(10, int(lengths[int(len(lengths) * 0.75)] * 0.85))
            for line in lines:
                builder.paragraph(line, number)
            for table in tables:
                builder.table([[c or "" for c in row] for row in table.extract()], number)
    if not builder.doc.segments:
        raise JixiaoError(
            [
                Problem(
                    "review.no_text",
                    "PDF 中没有可提取的文字（可能是扫描件）。请提供 Word 版或文字版 PDF。",
                    Location(str(path)),
                )
            ]
        )
    return builder.doc


def _read_txt(path: Path) -> SourceDocument:
    builder = _Builder(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # text saved by Chinese Windows tools is often GBK
        text = raw.decode("gb18030", errors="replace")
    table: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        for line in lines:
            if "\t" in line:
                table.append(line.split("\t"))
                continue
            if table:
                builder.table(table)
                table = []
        if not table:
            for line in lines:
                builder.paragraph(line)
    if table:
        builder.table(table)
    return builder.doc


def _read_xlsx(path: Path) -> SourceDocument:
    from openpyxl import load_workbook

    builder = _Builder(path)
    wb = load_workbook(path, data_only=True, read_only=True)
    for ws in wb.worksheets:
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        builder.table(rows)
    return builder.doc


_READERS = {".docx": _read_docx, ".pdf": _read_pdf, ".txt": _read_txt, ".xlsx": _read_xlsx, ".xlsm": _read_xlsx}


def read_source(path: Path) -> SourceDocument:
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise JixiaoError(
            [
                Problem(
                    "review.file_type",
                    f"不支持审核“{path.suffix}”文件。支持 .docx、文字版 .pdf、.txt 和 .xlsx。"
                    "旧版 .doc 请用 Word/WPS 另存为 .docx。",
                    Location(str(path)),
                )
            ]
        )
    if not path.exists():
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(str(path)))])
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
