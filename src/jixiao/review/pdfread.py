"""A text-layer PDF read into segments: text from poppler's pdftotext, tables (and the text around them) from
pdfplumber, on the pages that draw a table or name one; a page without a text layer goes to OCR (source.py).

A PDF printed from Word, WPS or LibreOffice draws a table's rules as strokes or as thin filled rectangles, and
cuts a row that does not fit at the page's end without a rule under it (and starts its remainder overleaf
without one above it): the page's vertical rules say where the table's cells really begin and end. A table
runs over as many pages as it needs, page numbers and running footers between its parts. The quirks of the text
layer itself (radical look-alikes, spread characters, page numbers) are pdftext.py's.
"""

from __future__ import annotations

import itertools
import re
import shutil
import statistics
import subprocess
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

from ..formats.layout import Block
from .pdfscan import ocr_count, picture_dpi, read_garbled, scanned
from .pdftext import (
    footnotes,
    garbled,
    is_page_number,
    is_running,
    running_lines,
    superscript,
    unspaced,
    unstamped,
)
from .segments import SourceDocument, _add_blocks, _Builder, _clean

__all__ = ["read_pdf"]

_TABLE_WORDS = ("三级指标", "年度资金总额", "经费控制情况", "财政供养人员情况", "评价指标")
# path operators that draw a table's rules: a rectangle (stroked or filled thin), or a line segment
_RULE = re.compile(rb"(?:\bre\b|\bl\b)")
# the strings a content stream shows (operands of Tj, TJ, ' and "): literal (…) or hexadecimal <…>
_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f\s]+)>", re.DOTALL)
# a line opening a heading or a numbered item: 一、 （一） 1、 1. 第一章
_OPENS_ITEM = re.compile(
    r"^(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.](?!\d))"
)
# what a paragraph's reader takes as its end when a line stops with it (segments.py's _END)
_SENTENCE_END = tuple("。；：！？;!?”）)")
# a line this low on its page (a share of its height) may be a running footer; one higher up is the body's
_FOOTER = 0.9
_EMPTY = 1000.0  # the room of a blank row's cells: all the room there is
_MAX_PICTURES = 100  # pictures recognised per document: as many as scanned pages (formats/ocr.py)
_PICTURE = (150.0, 50.0)  # points: a picture this wide and tall may hold a table (3 rows, 3 columns)
_GRID = 6  # rules enough for a table: two rows of two cells (3 across, 3 down); a box round a text has 4


@dataclass(frozen=True)
class _Line:
    """A line of a page's text as pdftotext sets it: its box (points from the top left) and its words."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str


def _pdftotext_pages(path: Path) -> list[list[_Line]] | None:
    """Each page's lines with their boxes, in reading order, from poppler's pdftotext -bbox-layout (fast); None
    when it is not installed or fails."""
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120, check=False
    )
    if result.returncode != 0:
        return None
    import xml.etree.ElementTree as ET

    # a font without its ToUnicode map comes out as control characters, which XML forbids: kept as U+FFFD for
    # pdftext.garbled to see, so that one such page does not lose the whole document's text positions
    output = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd".encode(), result.stdout)
    try:
        root = ET.fromstring(output)
    except ET.ParseError:
        return None
    pages: list[list[_Line]] = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        lines = []
        for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
            text, end = "", None
            box = [float(line.get(k, "0")) for k in ("yMin", "yMax")]
            for word in line.iter("{http://www.w3.org/1999/xhtml}word"):
                x0, top, x1, bottom = (float(word.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax"))
                if superscript(word.text or "", top, bottom, box[0], box[1], text):
                    end = x1 if end is not None else None
                    continue  # a footnote's mark ("万元¹"): not part of the text (pdftext.py), nor a gap
                # pdftotext splits words at a font change too ("”三公"): a space only where there is a gap
                text += (" " if end is not None and x0 - end > 0.1 * (bottom - top) else "") + (word.text or "")
                end = x1
            x0, top, x1, bottom = (float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax"))
            lines.append(_Line(x0, top, x1, bottom, text))
        pages.append(lines)
    return pages


def _top_down(lines: list[_Line]) -> list[_Line]:
    """A page's lines top to bottom where they make one column. pdftotext orders a page's text by the blocks it finds,
    and a watermark's large characters across the page's middle (a line of their own each, left out as running
    lines) cut the text's block in two: a paragraph's lower half read before the upper one's last lines (corpus
    n131 stamped: "…保有量12辆；国" | "经比较，…较上年减少" | "内公务接待105批次…"). Lines side by side (two
    columns, a label and its value far apart) keep pdftotext's order."""
    ordered = sorted(lines, key=lambda line: line.top)
    if ordered == lines:
        return lines
    for i, line in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.top >= line.bottom:
                break
            overlap = min(line.bottom, other.bottom) - max(line.top, other.top)
            if overlap > 0.5 * min(line.bottom - line.top, other.bottom - other.top):
                return lines  # side by side: pdftotext's blocks are the reading order
    return ordered


def _line_ends(lines: list[_Line], right: float | None = None) -> list[bool | None]:
    """For each line of a page (the text outside its tables), whether the next line continues its paragraph
    (True), it ends its paragraph (False), or the page cannot tell (None: the reader falls back on lengths).

    A line clearly shorter than the text's width (a character and a half) ends its paragraph. On a page that
    shows how it sets paragraphs apart (a first-line indent or a wider gap somewhere), a full line wraps when the
    next starts at the left margin at the page's usual line pitch and opens no numbered item, and ends its
    paragraph otherwise: a sentence that ends at a line's end then does not end the paragraph (corpus n53,
    "…下降16.77%。" | "分项情况是…"). The page's last line may go on overleaf: None, unless short. The right
    margin is the text's (or `right`, the tables' edge, where further), shown by three lines reaching it; on a
    page of few long lines (a cover: t34, "…结果评价■" | "项目名称 优抚") no full line is told to wrap."""
    out: list[bool | None] = [None] * len(lines)
    if not lines:
        return out
    height = statistics.median(line.bottom - line.top for line in lines)
    lefts, rights = sorted(line.x0 for line in lines), sorted(line.x1 for line in lines)
    left, given = lefts[len(lefts) // 10], right is not None
    right = max(rights[len(rights) * 9 // 10], right or 0.0)
    # a margin shown by three lines or more: on a page of a few long lines (a cover) the longest is no margin
    margin = sum(1 for x1 in rights if x1 >= right - 1.5 * height) >= 3
    pitches = [b.top - a.top for a, b in itertools.pairwise(lines) if 0 < b.top - a.top < 3 * height]
    # the pitch of a paragraph's lines: the lower quartile (a page of short paragraphs has more gaps than wraps)
    pitch = sorted(pitches)[len(pitches) // 4] if len(pitches) >= 3 else None
    shown = pitch is not None and (
        any(left + height <= line.x0 <= left + 3 * height for line in lines) or any(p > 1.4 * pitch for p in pitches)
    )
    for i, line in enumerate(lines):
        if line.x1 < right - 1.5 * height:
            out[i] = False if margin or given else None
        elif margin and shown and i + 1 < len(lines):
            assert pitch is not None
            after = lines[i + 1]
            out[i] = (
                after.x0 <= left + 0.5 * height
                and 0 < after.top - line.top <= 1.2 * pitch
                and not _OPENS_ITEM.match(unspaced(after.text))
            )
    return out


def _paragraph_lines(lines: list[_Line], right: float | None = None) -> list[tuple[float, Any, bool | None]]:
    """A page's lines (page numbers left out) with whether each goes on in the next (_line_ends); a line that
    ends a sentence but wraps is joined with the next here, as the paragraph reader would end the paragraph
    there (segments.py joins a wrapped line only when it stops mid-sentence). Each with its top, to be placed
    among the page's tables."""
    kept = [line for line in lines if line.text.strip() and not is_page_number(line.text)]
    out: list[tuple[float, Any, bool | None]] = []
    pending = False
    for line, wraps in zip(kept, _line_ends(kept, right), strict=True):
        text = unspaced(line.text)
        if pending:
            out[-1] = (out[-1][0], out[-1][1] + text, wraps)
        else:
            out.append((line.top, text, wraps))
        pending = wraps is True and _clean(text).endswith(_SENTENCE_END)
    return out


def _drawing(page: Any) -> tuple[int, bool, int]:
    """How many rules the page's content draws (a table's grid: _GRID or more), whether it draws an image (a
    scan), and how many bytes of text it shows (Tj, TJ: a glyph is one or two) — read from its content stream,
    without pdfplumber's parse of the page (about 0.2 s)."""
    count, image, shown = 0, False, 0
    try:
        contents = page.page_obj.contents
    except Exception:  # an odd content stream: let pdfplumber look
        return _GRID, False, 0
    for stream in contents:
        try:
            data = stream.get_data()
        except (zlib.error, ValueError, TypeError, AttributeError):
            return _GRID, False, 0
        count += len(_RULE.findall(data))
        image = image or b"Do" in data
        text = re.sub(rb"\bBI\b.*?\bEI\b", b"", data, flags=re.DOTALL) if b"BI" in data else data  # inline images
        for literal, hexed in _SHOWN.findall(text):
            shown += len(literal) - literal.count(b"\\") if literal else len(re.sub(rb"\s", b"", hexed)) // 2
    return count, image, shown


def _over_a_scan(page: Any) -> bool:
    """A page whose text lies over an image covering most of it: a scan with an OCR text layer (invisible text,
    render mode 3), whose table rules are in the image, not drawn."""
    area = float(page.width * page.height) or 1.0
    return any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) >= 0.5 * area for i in page.images)


def _pictures(page: Any) -> list[tuple[tuple[float, float, float, float], int]]:
    """The boxes (x0, top, x1, bottom, points) of the page's pictures large enough to hold a table — a score
    table pasted as a screenshot or a scan into a page of text — without a text layer of their own; with the
    picture's width in its own pixels (0 when unknown)."""
    out = []
    for image in page.images:
        box = (
            max(image["x0"], 0.0),
            max(image["top"], 0.0),
            min(image["x1"], page.width),
            min(image["bottom"], page.height),
        )
        if box[2] - box[0] < _PICTURE[0] or box[3] - box[1] < _PICTURE[1]:
            continue
        if len(page.filter(_within(box)).chars) >= 10:  # text over it: read as text
            continue
        size = image.get("srcsize") or (0, 0)
        out.append((box, int(size[0] or 0)))
    return out


def _read_picture(path: Path, number: int, box: tuple[float, float, float, float], source: int) -> list:
    """_picture_blocks, or nothing where the picture cannot be read (OCR not installed, a damaged image): the
    page's text is still the report's, and a table the review then misses is reported as missing."""
    from ..formats.ocr import OcrUnavailable

    try:
        return _picture_blocks(path, number, box, source)
    except OcrUnavailable:
        return []
    except Exception:  # a picture's own damage (an odd filter, a bad size) must not lose the page's text
        return []


def _picture_blocks(path: Path, number: int, box: tuple[float, float, float, float], source: int) -> list:
    """A picture on a text page recognised as a scanned page is (formats/ocr.py), when it holds a ruled table:
    its blocks with their tops in points on the page (to be placed among the page's lines) and their boxes in
    the page's pixels at 150 dpi, as a scanned page's are. A picture without a table (a photo, a chart, a
    seal) gives nothing: its text is not the report's. Rendered at the picture's own resolution (150–300 dpi),
    so that a table shrunk into part of a page keeps legible figures."""
    import pypdfium2

    from ..formats.ocr import OCR_DPI, find_grids, read_image

    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[number - 1]
        width, height = page.get_size()
        dpi = int(min(max(OCR_DPI, source / ((box[2] - box[0]) / 72) if source else OCR_DPI), 2 * OCR_DPI))
        dpi = picture_dpi(box, dpi)  # a picture on a huge page: within LIMITS.page_pixels
        crop = (box[0], height - box[3], width - box[2], box[1])  # left, bottom, right, top margins cut off
        image = page.render(scale=dpi / 72, crop=crop).to_numpy()[:, :, :3]
    finally:
        document.close()
    import cv2

    if not any(len(g.xs) >= 3 for g in find_grids(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dpi)):
        return []
    blocks = read_image(image, number, dpi)
    if not any(b.kind == "table" for b in blocks):
        return []
    to_page = OCR_DPI / dpi  # the picture's pixels → the page's pixels at 150 dpi
    dx, dy = box[0] * OCR_DPI / 72, box[1] * OCR_DPI / 72

    def moved(b: Any) -> tuple[float, float, float, float] | None:
        if b is None:
            return None
        return (dx + b[0] * to_page, dy + b[1] * to_page, dx + b[2] * to_page, dy + b[3] * to_page)

    return [replace(b, top=box[1] + b.top * 72 / dpi, box=moved(b.box)) for b in blocks]


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


def _within(box: tuple[float, float, float, float]):
    """pdfplumber's page filter keeping the objects whose middle lies in the box (x0, top, x1, bottom)."""

    def test(obj: dict[str, Any]) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", obj.get("x0", 0))) / 2
        y = (obj.get("top", 0) + obj.get("bottom", obj.get("top", 0))) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    return test


def _extract(table: Any) -> list[list[str | None]]:
    """The table's cells' text, as pdfplumber's Table.extract but for where a character stands across: its left edge
    (half a point in), not its middle, says which cell it is in. LibreOffice and Word let a narrow cell's line end
    in a character over the cell's right rule ("有利于城市生" ending 10 pt past it, 生 begun 1 pt before): by its
    middle it went to the next cell ("有利于城市" | "生有利于城", corpus t61 printed to PDF)."""
    from pdfplumber import utils

    def inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
        x = min(char["x0"] + 0.5, (char["x0"] + char["x1"]) / 2)
        y = (char["top"] + char["bottom"]) / 2
        return box[0] <= x < box[2] and box[1] <= y < box[3]

    out: list[list[str | None]] = []
    for row in table.rows:
        chars = [char for char in table.page.chars if inside(char, row.bbox)]
        cells: list[str | None] = []
        for cell in row.cells:
            found = [char for char in chars if inside(char, cell)] if cell is not None else None
            cells.append(None if found is None else utils.extract_text(found) if found else "")
        out.append(cells)
    return out


def _goes_on(page: Any, table: Any) -> tuple[float | None, ...]:
    """For each column of the table's last row, the room left at the end of its text's last line, in
    ideographs (the line's height): whether the text could have gone on there is layout.continued_rows's
    question. None for an empty or merged cell. The width a line can fill is the cell's widest line, or for a
    cell of one line the cell less its padding on both sides (the line's inset). A blank last row ends the
    table's text: room everywhere."""
    rows = table.rows
    if not rows:
        return ()
    out: list[float | None] = []
    for box in rows[-1].cells:
        if box is None:
            out.append(None)
            continue
        lines = page.filter(_within(box)).extract_text_lines(return_chars=False)
        if not lines:
            out.append(None)
            continue
        widths = [line["x1"] - line["x0"] for line in lines]
        height = lines[-1]["bottom"] - lines[-1]["top"]
        room = max(widths) if len(widths) > 1 else (box[2] - box[0]) - 2 * max(lines[0]["x0"] - box[0], 0.0)
        out.append(max(room - widths[-1], 0.0) / (height or 1.0))
    if all(v is None for v in out):
        return tuple(_EMPTY for _ in out)
    return tuple(out)


def read_pdf(path: Path, builder: _Builder) -> SourceDocument:
    """Text from pdftotext; tables (and the text around them) from pdfplumber, only on pages that draw rules or
    name a table, because pdfplumber parses every page in Python (about 0.2 s a page)."""
    import pdfplumber

    fast = _pdftotext_pages(path)
    reached: dict[int, int] = {}  # a table's segment number → the last page it reached
    goes: dict[int, tuple[float | None, ...]] = {}  # a table's segment number → _goes_on of its last row
    ended: set[int] = set()  # pages whose text goes on after their last table, above the footer: it ended there
    read = 0  # pictures recognised: as many as scanned pages may be (formats/ocr.py MAX_OCR_PAGES)
    with pdfplumber.open(str(path)) as pdf:
        drawn = [_drawing(page) for page in pdf.pages]
        texts = None if fast is None else ["\n".join(line.text for line in lines) for lines in fast]
        scans = ocr_count(path, texts, [d[2] for d in drawn])  # pages for OCR (pdfscan.py): counted before any
        # running headers and footers (a title, a department's name on every page): left out of the text
        heights = [float(page.height) for page in pdf.pages]
        running = running_lines([[(x.top, x.bottom, x.text) for x in lines] for lines in fast or []], heights)
        notes: list[tuple[int, str]] = []  # footnotes, (page, text): read after the text, not inside it
        for number, page in enumerate(pdf.pages, 1):
            laid = fast[number - 1] if fast is not None and number - 1 < len(fast) else None
            text = None if laid is None else "\n".join(line.text for line in laid)
            if laid is not None:
                laid = _top_down([line for line in laid if not is_running(running, line.text, line.top)])
                laid = _noted(laid, number, notes)
            rules, image, shown = drawn[number - 1]
            why = garbled(text if text is not None else "".join(c["text"] for c in page.chars), shown)
            if why is not None:  # a text layer of codes, not words: the page read as a scan, and said so
                scans = ocr_count(path, None, [], scans + 1)
                read_garbled(builder, path, number, page, why)
                continue
            tables: list = []
            compact = re.sub(r"\s", "", text or "")
            # a narrow table wraps its labels ("三级\n指标"): its words may be split, 指标 and 得分/分值 are not
            scored = "指标" in compact and "分" in compact
            if rules < _GRID and image and compact and _over_a_scan(page):
                _add_blocks(builder, _layer_blocks(page, number))
                continue
            pictures = _pictures(page) if image and compact and read < _MAX_PICTURES else []
            tabled = next((s for s in reversed(builder.doc.segments) if s.kind == "table"), None)
            continues = tabled is not None and reached.get(tabled.index) == number - 1  # a table going on
            if (
                text is None
                or continues
                or scored
                or any(w in compact for w in _TABLE_WORDS)
                or rules >= _GRID
                or pictures
            ):
                page = page.filter(unstamped(page.chars))  # watermark, footnote marks (pdftext.py)
                tables = _tables(page)
                outside = page.filter(_outside([t.bbox for t in tables]))
                # the text around the tables and the tables in the page's order, top to bottom
                found = outside.extract_text_lines(return_chars=False)
                laid = [_Line(line["x0"], line["top"], line["x1"], line["bottom"], line["text"]) for line in found]
                laid = _noted([line for line in laid if not is_running(running, line.text, line.top)], number, notes)
                # a line reaching the right edge of the text goes on in the next (_line_ends): the text's edge,
                # or the tables' where they reach further (a cover page's lines are short of it)
                edge = max((t.bbox[2] for t in tables), default=None)
                placed = list(_paragraph_lines(laid, edge))
                placed += [(t.bbox[1], t, None) for t in tables]
                bottom = max((t.bbox[3] for t in tables), default=None)
                if bottom is not None and any(
                    bottom < line.top < _FOOTER * float(page.height) and not is_page_number(line.text) for line in laid
                ):
                    ended.add(number)
                for box, source in pictures[: _MAX_PICTURES - read]:
                    read += 1
                    placed += [(b.top, b, None) for b in _read_picture(path, number, box, source)]
                placed.sort(key=lambda item: item[0])
            else:
                placed = list(_paragraph_lines(laid or []))
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
                if isinstance(item, Block):  # a picture's table (or its title), OCR's confidence kept
                    full_line = builder.full_line
                    _add_blocks(builder, [item])
                    builder.full_line, first = full_line, False
                    continue
                rows = [[unspaced(c or "") for c in row] for row in _extract(item)]
                if not (first and number - 1 not in ended and _continue_table(builder, rows, number, reached, goes)):
                    builder.table(rows, number)
                    reached[builder.tables] = number
                if item is tables[-1]:  # the page's last table: the one that may go on overleaf
                    at = max(reached, key=lambda k: (reached[k], k))
                    goes[at] = _goes_on(page, item)
                first = False
            if not lines and not tables:  # no text layer: a scanned page, recognised (formats/ocr.py)
                scans = ocr_count(path, None, [], scans + 1)
                _add_blocks(builder, scanned(path, number, page))
    for number, note in notes:
        builder.note(note, number)
    if not builder.doc.segments:
        raise JixiaoError(
            [
                Problem(
                    "review.no_text",
                    "PDF 为扫描件，文字识别未能读出文字（图像可能模糊、过淡或为空白）。请提供清晰的扫描件或 Word 版。"
                    if scans
                    else "PDF 中没有可提取的文字（可能是扫描件）。请提供 Word 版或文字版 PDF。",
                    Location(str(path)),
                )
            ]
        )
    return builder.doc


def _noted(lines: list[_Line], number: int, notes: list[tuple[int, str]]) -> list[_Line]:
    """A page's lines without its footnotes (pdftext.footnotes), which go to `notes`, one text each."""
    kept = [line for line in lines if line.text.strip() and not is_page_number(line.text)]
    start = footnotes([(line.x0, line.top, line.x1, line.bottom, line.text) for line in kept])
    if start is None:
        return lines
    for line in kept[start:]:
        text = unspaced(line.text)
        if notes and notes[-1][0] == number and not re.match(r"\s*(?:\d{1,2}|[\u2460-\u2473]|[*※]|\[\d)", text):
            notes[-1] = (number, notes[-1][1] + text)  # a note's second line
        else:
            notes.append((number, text))
    return kept[:start]


def _continue_table(
    builder: _Builder,
    rows: list[list[str]],
    page: int,
    reached: dict[int, int],
    goes: dict[int, tuple[float | None, ...]],
) -> bool:
    """The first table of a text PDF's page continues the last table of the page before when nothing but a
    running head or a page number lies between them (formats/layout.py joins the rows: a repeated header is
    dropped, a row the page break cut is made whole, as far as the last row's cells show that their text goes
    on: _goes_on). A table may run over several pages."""
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
    joined = continued_rows(last.rows, cleaned, goes.get(last.index, ()))
    if joined is None:
        return False
    segments[at] = replace(last, rows=joined[0])
    reached[last.index] = page
    return True
