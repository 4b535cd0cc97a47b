"""A text-layer PDF read into segments: text from poppler's pdftotext, tables (and the text around them) from
pdfplumber, on the pages that draw a table or name one; a page without a text layer goes to OCR (source.py).

A PDF printed from Word, WPS or LibreOffice draws a table's rules as strokes or as thin filled rectangles, and
cuts a row that does not fit at the page's end without a rule under it (and starts its remainder overleaf
without one above it): the page's vertical rules say where the table's cells really begin and end. A table
runs over as many pages as it needs, page numbers and running footers between its parts. The quirks of the text
layer itself (radical look-alikes, spread characters, page numbers) are pdftext.py's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

from .pdftext import is_page_number, unspaced
from .segments import SourceDocument, _add_blocks, _Builder, _clean, _scanned_page

__all__ = ["read_pdf"]

_TABLE_WORDS = ("三级指标", "年度资金总额", "经费控制情况", "财政供养人员情况", "评价指标")
# path operators that draw a table's rules: a rectangle (stroked or filled thin), or a line segment
_RULE = re.compile(rb"(?:\bre\b|\bl\b)")
_GRID = 6  # rules enough for a table: two rows of two cells (3 across, 3 down); a box round a text has 4


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


def _drawing(page: Any) -> tuple[int, bool]:
    """How many rules the page's content draws (a table's grid: _GRID or more) and whether it draws an image
    (a scan) — read from its content stream, without pdfplumber's parse of the page (about 0.2 s)."""
    count, image = 0, False
    try:
        contents = page.page_obj.contents
    except Exception:  # an odd content stream: let pdfplumber look
        return _GRID, False
    for stream in contents:
        try:
            data = stream.get_data()
        except (zlib.error, ValueError, TypeError, AttributeError):
            return _GRID, False
        count += len(_RULE.findall(data))
        image = image or b"Do" in data
    return count, image


def _over_a_scan(page: Any) -> bool:
    """A page whose text lies over an image covering most of it: a scan with an OCR text layer (invisible text,
    render mode 3), whose table rules are in the image, not drawn."""
    area = float(page.width * page.height) or 1.0
    return any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) >= 0.5 * area for i in page.images)


def _layer_blocks(page: Any, number: int) -> list:
    """An OCR text layer's words placed as a scan's recognised boxes are (formats/layout.py: lines, and tables
    rebuilt from the columns their words line up in), at the scan's 150 dpi; read as text, without a confidence."""
    from ..formats.layout import Box, blocks_from_boxes

    scale = 150 / 72
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
    boxes = [
        Box(unspaced(w["text"]), w["x0"] * scale, w["top"] * scale, w["x1"] * scale, w["bottom"] * scale)
        for w in words
        if not is_page_number(w["text"])
    ]
    return blocks_from_boxes(boxes, number)


def _outside(boxes: list[tuple[float, float, float, float]]):
    """pdfplumber's page filter keeping the objects outside every table box (x0, top, x1, bottom), an object's
    middle deciding as it does for a cell's text (a glyph's top may rise above the rule of the row it is in)."""

    def test(obj: dict[str, Any]) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", obj.get("x0", 0))) / 2
        y = (obj.get("top", 0) + obj.get("bottom", obj.get("top", 0))) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    return test


def _tables(page: Any) -> list:
    """The page's tables; where its vertical rules reach above the first rule across or below the last (a row
    the page break cut, drawn without the rule that closes it), a rule across there is added."""
    tables = [t for t in page.find_tables() if len(t.cells) > 1]  # one cell: a box round a text
    if not tables:
        return tables
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 2]
    if not verticals:
        return tables
    top, bottom = min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)
    first, last = min(t.bbox[1] for t in tables), max(t.bbox[3] for t in tables)
    extra = [y for y, open_ in ((top, top < first - 2), (bottom, bottom > last + 2)) if open_]
    if not extra:
        return tables
    return [t for t in page.find_tables({"explicit_horizontal_lines": extra}) if len(t.cells) > 1]


def read_pdf(path: Path, builder: _Builder) -> SourceDocument:
    """Text from pdftotext; tables (and the text around them) from pdfplumber, only on pages that draw rules or
    name a table, because pdfplumber parses every page in Python (about 0.2 s a page)."""
    import pdfplumber

    fast = _pdftotext_pages(path)
    reached: dict[int, int] = {}  # a table's segment number → the last page it reached
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            text = fast[number - 1] if fast is not None and number - 1 < len(fast) else None
            tables: list = []
            compact = re.sub(r"\s", "", text or "")
            # a narrow table wraps its labels ("三级\n指标"): its words may be split, 指标 and 得分/分值 are not
            scored = "指标" in compact and "分" in compact
            rules, image = _drawing(page)
            if rules < _GRID and image and compact and _over_a_scan(page):
                _add_blocks(builder, _layer_blocks(page, number))
                continue
            tabled = next((s for s in reversed(builder.doc.segments) if s.kind == "table"), None)
            continues = tabled is not None and reached.get(tabled.index) == number - 1  # a table going on
            if text is None or continues or scored or any(w in compact for w in _TABLE_WORDS) or rules >= _GRID:
                tables = _tables(page)
                outside = page.filter(_outside([t.bbox for t in tables]))
                # the text around the tables and the tables in the page's order, top to bottom
                found = outside.extract_text_lines(return_chars=False)
                # a line reaching the right edge of the text (the tables' or the longest line's) goes on in the
                # next; one short of it ends its paragraph (a title, a label line above a table)
                right = max([line["x1"] for line in found] + [t.bbox[2] for t in tables], default=0.0)
                placed = [
                    (line["top"], line["text"], line["x1"] >= right - 2 * (line["bottom"] - line["top"]))
                    for line in found
                ]
                placed += [(t.bbox[1], t, None) for t in tables]
                placed.sort(key=lambda item: item[0])
            else:
                placed = [(0.0, line, None) for line in (text or "").splitlines()]
            lines = [unspaced(x) for _, x, _ in placed if isinstance(x, str) and x.strip() and not is_page_number(x)]
            lengths = sorted(len(_clean(line)) for line in lines)
            if lengths:
                builder.full_line = max(10, int(lengths[int(len(lengths) * 0.75)] * 0.85))
            first = True
            for _, item, wraps in placed:
                if isinstance(item, str):
                    if item.strip() and not is_page_number(item):
                        builder.paragraph(unspaced(item), number, wraps)
                    continue
                rows = [[unspaced(c or "") for c in row] for row in item.extract()]
                if not (first and _continue_table(builder, rows, number, reached)):
                    builder.table(rows, number)
                    reached[builder.tables] = number
                first = False
            if not lines and not tables:  # no text layer: a scanned page, recognised (formats/ocr.py)
                _add_blocks(builder, _scanned_page(path, number))
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


def _continue_table(builder: _Builder, rows: list[list[str]], page: int, reached: dict[int, int]) -> bool:
    """The first table of a text PDF's page continues the last table of the page before when nothing but a
    running head or a page number lies between them (formats/layout.py joins the rows: a repeated header is
    dropped, a row the page break cut is made whole). A table may run over several pages."""
    from ..formats.layout import continued_rows

    segments = builder.doc.segments
    at = next((i for i in range(len(segments) - 1, -1, -1) if segments[i].kind == "table"), None)
    if at is None:
        return False
    last = segments[at]
    between = segments[at + 1 :]
    if reached.get(last.index, last.page) != page - 1 or any(len(s.text) > 15 for s in between):
        return False
    cleaned = tuple(
        tuple(_clean(re.sub(r"\s*\n\s*", "", c)) for c in row) for row in rows if any(c.strip() for c in row)
    )
    joined = continued_rows(last.rows, cleaned)
    if joined is None:
        return False
    segments[at] = replace(last, rows=joined[0])
    reached[last.index] = page
    return True
