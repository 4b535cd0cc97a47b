"""The document model of a report under review, and the builder every reader fills it with.

A `SourceDocument` is the report as ordered `Segment`s (paragraphs and tables, each with its place, page and,
for a scan, the OCR confidence of its figures). `_Builder` adds paragraphs (joining lines a page break split in
mid-sentence) and tables (a table going on past a page joined to the last); `_add_blocks` places the blocks a
page's layout gives (OFD, OCR, text-layer PDFs: formats/layout.py). The readers are in source.py (by format)
and pdfread.py; this module imports neither, so they depend on it and not on each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.model.problems import JixiaoError, Location, Problem

from .rx import rx

__all__ = ["Segment", "SourceDocument"]

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
    # what the reader saw but could not read, (page, Chinese message): an OFD's slanted text, an undecodable
    # picture; the review tells each as a hint
    notes: list[tuple[int, str]] = field(default_factory=list)
    # a workbook's sheets as read, (number of the sheet's first segment, sheet name): review/tableparts.py names a
    # table reviewed on its own by its sheet; empty for every other format
    sheets: list[tuple[int, str]] = field(default_factory=list)

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
        self._full_line = 40  # a line at least this long that stops mid-sentence was wrapped, not ended
        self._measures: list[int] = []  # the full line of each page (or block group) told so far
        self.last_line = ""
        # whether the last line goes on in the next, as its position on the page shows (formats/layout.py,
        # Block.wraps); None where it cannot be told (text PDFs, .txt, a page's last line)
        self.last_wraps: bool | None = None
        self.laid_out = False  # whether a line's place on its page was ever told (a PDF, OFD or scan; not .txt)

    @property
    def full_line(self) -> int:
        return self._full_line

    @full_line.setter
    def full_line(self, value: int) -> None:
        """A page's full line as its readers measure it (lengths of its lines): a page of short lines only (a
        list of "市级资金 343.00" items, corpus n151 printed at 三号) measures its longest as full, and would join
        them; the text's width is the document's, so not less than 9/10 of the pages' before (their median: a
        cover or a landscape page does not set it)."""
        before = sorted(self._measures)
        self._measures.append(value)
        self._full_line = max(value, int(0.9 * before[len(before) // 2])) if before else value

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
        self.laid_out = self.laid_out or wraps is not None
        line = self.last_line
        # the room a figure or Latin word at the start of this line needed at the end of the last (a line of a
        # laid-out page that stopped short for it: "…第8项工作年度预算资金" | "108.50万元，…", in mid-page or
        # over a page break, whose last line's end the layout cannot tell): what the length rule allows for, in
        # ideographs' widths (two figures to one), and only inside a paragraph already wrapped once (a title or
        # a first line stopping short before a figure, "2023年…决算编制说明" | "411001-…", is not joined by it)
        figure = _FIGURE.match(text) if self.laid_out and told is not True else None
        inside = last is not None and last.kind == "paragraph" and len(last.text) > len(line) and line[-1:] not in _END
        room = (len(figure.group()) + 1) // 2 + 1 if figure and inside else 0
        if told is False and _UNBREAKABLE.match(text):
            told = None
        if told is False and last is not None and last.text.endswith(":"):
            # a paragraph ending with a half-width colon leads into the next ("…其中:" | "商品和服务支出…"): a Word
            # file's paragraph is one line here, joined by its length; a scan's, as long, is joined the same
            # (corpus n82, n83: the parts keep the whole they belong to)
            told, line = None, last.text
        wrapped = told if told is not None else len(line) + room >= self.full_line and not _looks_like_heading(line)
        if (
            last
            and last.kind == "paragraph"
            and wrapped
            and last.text[-1] not in _END
            and not _looks_like_heading(text)
        ):
            joined = _joined(last.text, text) if self.laid_out else last.text + text
            self.doc.segments[-1] = Segment("paragraph", last.index, joined, page=last.page)
            self.last_line, self.last_wraps = text, wraps
            return
        self.paragraphs += 1
        self.last_line, self.last_wraps = text, wraps
        self.doc.segments.append(Segment("paragraph", self.paragraphs, text, page=page))

    def note(self, text: str, page: int | None = None) -> None:
        """A footnote: a paragraph of its own, joined to none before or after it, without its mark ("1 本段数据…"
        is not a figure 1 of 本)."""
        text = _clean(_NOTE_MARK.sub("", text, count=1))
        if not text:
            return
        self.paragraphs += 1
        self.last_line, self.last_wraps = "", False
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
_FIGURE = rx(r"[0-9A-Za-z][0-9A-Za-z.,%]*")
_NOTE_MARK = rx(r"^\s*(?:\d{1,2}|[\u2460-\u2473]|[*※]|\[\d{1,2}\])\s*")
# a figure ending a line after Chinese, set apart by the typesetter's gap (pdftext.unspaced keeps a gap on one
# side only): when the next line goes on in Chinese, the gap was the typesetter's ("实际支出 92.25" | "万元，…")
_GAP_AT_END = rx(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff]) (?=[0-9A-Za-z][0-9A-Za-z.,%]*$)")
_GOES_ON_CHINESE = rx(r"[\u3400-\u4dbf\u4e00-\u9fff，。；：、）%％]")


def _joined(before: str, after: str) -> str:
    """A wrapped line and the next as one text, the typesetter's gap before a figure cut at the line's end dropped."""
    if _GOES_ON_CHINESE.match(after):
        before = _GAP_AT_END.sub("", before)
    return before + after


_HEADING = rx(
    r"^(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|"
    r"\d+[、.．](?!\d)|[（(]\d+[)）]|附件)"
)


def _looks_like_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 40


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
