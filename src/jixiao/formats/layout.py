"""Text placed on a page (OCR boxes, OFD text runs) rebuilt into paragraphs and tables by position.

Coordinates are any unit with the origin at the top left. Lines are boxes whose vertical centres lie within half
a character height of each other; a line breaks into cells where the horizontal gap is wider than a character.
Tables come two ways: inside a ruled grid found on the page image (rows and columns between its lines — how a
scanned table reads reliably, even where a cell's text wraps onto several lines), or, without rules, from two or
more consecutive lines of several cells whose starts line up in columns (how OFD text runs come).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Block", "Box", "Doubt", "Grid", "blocks_from_boxes", "continued_rows", "text_lines"]


@dataclass(frozen=True)
class Doubt:
    """Another reading of a line: `text` in place of the character at `at` (replaces) or before it (inserted).
    formats/reading.py keeps them from the recogniser's output; reading.agreed settles them by the document."""

    at: int
    text: str
    replaces: bool

    def applied(self, text: str) -> str:
        return text[: self.at] + self.text + text[self.at + self.replaces :]


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float | None = None  # OCR's confidence in this box's text (0–1); None for a text layer
    # positions in text where OCR saw a ")" it did not write (formats/reading.py); written where a "(" is open
    closings: tuple[int, ...] = ()
    # other readings of a character the recogniser gave a fair chance, for the document to settle (reading.agreed)
    doubts: tuple[Doubt, ...] = ()
    # a place name settled against the administrative divisions (as read, as settled): formats/places.py
    places: tuple[tuple[str, str], ...] = ()

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Grid:
    """A ruled table: the x of its vertical rules and the y of its horizontal rules, ascending, and where a rule
    is missing between two cells (a merged cell): `open_v` holds (row, k) when vertical rule k (1 … columns-1)
    is absent beside row `row`; `open_h` holds (k, col) when horizontal rule k is absent above/below `col`."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    open_v: frozenset[tuple[int, int]] = frozenset()
    open_h: frozenset[tuple[int, int]] = frozenset()

    def contains(self, box: Box) -> bool:
        cx = (box.x0 + box.x1) / 2
        return self.xs[0] <= cx <= self.xs[-1] and self.ys[0] <= box.cy <= self.ys[-1]

    def row_of(self, y: float) -> int:
        return max(0, min(len(self.ys) - 2, sum(1 for v in self.ys[1:-1] if v <= y)))

    def col_of(self, x: float) -> int:
        return max(0, min(len(self.xs) - 2, sum(1 for v in self.xs[1:-1] if v <= x)))

    def cells(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each grid position → the top-left position of the (merged) cell it belongs to."""
        parent = {(r, c): (r, c) for r in range(len(self.ys) - 1) for c in range(len(self.xs) - 1)}

        def root(at: tuple[int, int]) -> tuple[int, int]:
            while parent[at] != at:
                at = parent[at]
            return at

        def join(a: tuple[int, int], b: tuple[int, int]) -> None:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)

        for r, k in self.open_v:
            join((r, k - 1), (r, k))
        for k, c in self.open_h:
            join((k - 1, c), (k, c))
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for at in parent:
            groups.setdefault(root(at), []).append(at)
        top_left = {}
        for members in groups.values():
            corner = (min(r for r, _ in members), min(c for _, c in members))
            top_left.update(dict.fromkeys(members, corner))
        return top_left


@dataclass(frozen=True)
class Block:
    """A paragraph line or a table of one page, with the lowest OCR confidence of what it holds."""

    kind: str  # paragraph | table
    page: int
    top: float
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    confidence: float | None = None
    cell_confidence: tuple[tuple[float | None, ...], ...] = ()
    box: tuple[float, float, float, float] | None = None
    # a paragraph line: True when the next line continues its paragraph, False when it ends it, None when the
    # page cannot tell (formats/layout.py _wrapping; a reader may fall back on line lengths)
    wraps: bool | None = None


def _lowest(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _join(parts: list[str]) -> str:
    """Pieces of one cell or line joined: Chinese and figures run on; Latin words keep a space."""
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalpha() and part[:1].isascii() and part[:1].isalpha():
            out += " "
        out += part
    return out


def _closed(boxes: list[Box]) -> list[str]:
    """The texts of a table cell in reading order, with a ")" that OCR saw at the cell's end but did not write
    put back when the cell leaves a "(" open (a cell's "(万元" ending in "元" read without its bracket:
    formats/reading.py). Only at the end of a whole cell: a paragraph's line may wrap inside the brackets."""
    texts = [b.text for b in boxes]
    whole = "".join(texts)
    if boxes and len(texts[-1]) in boxes[-1].closings and whole.count("(") > whole.count(")"):
        texts[-1] += ")"
    return texts


def text_lines(boxes: Sequence[Box], height: float | None = None) -> list[list[Box]]:
    """Boxes gathered into lines (a box joins the line whose middle is within half a line height of its own),
    top to bottom, each left to right; `height` is the line height, by default the boxes' median height."""
    if not boxes:
        return []
    if height is None:
        height = statistics.median(b.height for b in boxes)
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and abs(box.cy - statistics.fmean(b.cy for b in lines[-1])) <= height * 0.5:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _cells(line: list[Box], height: float) -> list[list[Box]]:
    cells: list[list[Box]] = []
    for box in line:
        if cells and box.x0 - cells[-1][-1].x1 <= height * 1.0:
            cells[-1].append(box)
        else:
            cells.append([box])
    return cells


def _grid_table(grid: Grid, boxes: list[Box], page: int) -> Block:
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    top_left = grid.cells()
    held: dict[tuple[int, int], list[Box]] = {}
    for box in boxes:
        # The cell under the box's centre (a character in from its start for a long box, which OCR's unclip can
        # stretch past a rule); a merged cell's text goes to its top-left position, as the .docx reader puts it.
        start = box.x0 + min((box.x1 - box.x0) / 2, box.height)
        at = top_left[(grid.row_of(box.cy), grid.col_of(start))]
        held.setdefault(at, []).append(box)
    rows, confidence = [], []
    for r in range(n_rows):
        texts, levels = [], []
        for c in range(n_cols):
            cell = held.get((r, c), [])
            scanned = any(b.confidence is not None for b in cell)
            ordered = _reading_order(cell)
            text = _join(_wrap_specked(ordered, _closed(ordered)) if scanned else _closed(ordered))
            texts.append(_unspecked(text, r == n_rows - 1) if scanned else text)
            levels.append(_lowest([b.confidence for b in cell]))
        rows.append(tuple(texts))
        confidence.append(tuple(levels))
    confidence = _doubted(rows, confidence)
    bounds = (grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1])
    return Block("table", page, grid.ys[0], rows=tuple(rows), confidence=_lowest([b.confidence for b in boxes]),
                 cell_confidence=tuple(confidence), box=bounds)  # fmt: skip


# a cell holding a lone figure with a mark at one end that no figure has there: a speck of dust beside the digits
# read as a point, a colon or a quote ("10." "5:" "'10" "≥1000." on degraded scans, bench/review_scans.py). The
# whole cell only: "100." and "00%" may be two boxes of one figure (corpus t03), and "指标2:" is a label. Only
# text OCR read (a box with a confidence): an OFD's text runs are the document's own. In a table's last row a point
# after the digits is kept: the page break may have cut the figure there ("4557." | "51" overleaf, corpus t13
# scanned; review/pdfread joins the two)
_SPECKED_FIGURE = re.compile(r"[.'`·:：．‘’]?([≥≤<>=]?\d+(?:\.\d+)?%?)[.'`·:：．‘’]?")


# a cell of Chinese characters alone with one Latin point among them or after them: a speck of dust on the line
# read as a point ("渔船补贴发放率." "退捕渔民抽样调查.满意度" "财政.供养人员控制率", corpus t17 and t08
# degraded), after a score table's "指标1:" too ("指标1:美丽宜居自然村庄验收通过率.", t23). Chinese writes its full
# stop 。; a point in "1.预算执行率" or "元/生.年" stands beside digits or other marks and stays, and so does the
# middle dot of "美丽家园·移民新村" (间隔号)
_SPECKED_NAME = re.compile(r"((?:指标\d{1,2}[:：])?[\u4e00-\u9fff]+)[.．]([\u4e00-\u9fff]*)")


# a point between a figure and the Chinese word after it, where the figure is no item's number: a target's or an
# actual's figure after its operator, or one of three digits or more ("≥360.天" "≥1000.人" "1200.平方米", corpus
# t26 degraded and the README's degraded misses); a decimal point has a digit after it, and "1.预算执行率" (an item's
# number, one or two digits at the cell's start) stays
_SPECKED_UNIT = re.compile(r"([≥≤<>=＞＜≧≦]\d+|\d{3,})[.．](?=[\u4e00-\u9fff])")


def _unspecked(text: str, last_row: bool = False) -> str:
    """A cell's text without a stray mark at either end of a lone figure (_SPECKED_FIGURE), among the
    characters of a name (_SPECKED_NAME), or between a figure and its unit (_SPECKED_UNIT)."""
    if name := _SPECKED_NAME.fullmatch(text):
        return name.group(1) + name.group(2)
    if unit := _SPECKED_UNIT.match(text):
        text = unit.group(1) + text[unit.end() :]
    match = _SPECKED_FIGURE.fullmatch(text)
    if match is None or (last_row and text.endswith((".", "．")) and not text.startswith(tuple(".'`·:：．‘’"))):
        return text
    return match.group(1)


# a speck of dust in the margin of a narrow column's wrapped lines, read with the line beside it as a middle dot or
# a Latin point at the line's start or end ("基础" | "·信息" | "完善", "指标1" | "·成本控" | "制率", "野生菌·" |
# "加工车", "年初预算数·", "配套生." | "产设": corpus t08, t11, t74 degraded). Only at a line's edge, where the
# next line goes on in Chinese characters: a 间隔号 that wrapped there stays inside its line ("美丽家园·移民新村"
# read as one box) far more often than not, and a point between Chinese characters is no Chinese full stop (。)
_WRAP_SPECK = "·・•.．"
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _wrap_specked(boxes: list[Box], texts: list[str]) -> list[str]:
    """The texts of one table cell's boxes (`texts`, as _closed gives them) without a speck read at the edge of a
    line (_WRAP_SPECK) that another line of the cell follows or, for the cell's last, ends the cell."""
    out = list(texts)
    if len(out) < 2:
        return out
    for i, text in enumerate(out):
        wraps = i + 1 < len(out) and boxes[i + 1].y0 >= boxes[i].cy  # the next box is on a line below
        after = out[i + 1][:1] if wraps else ""
        if (
            len(text) >= 2
            and text[-1] in _WRAP_SPECK
            and _HAN.match(text[-2])
            and (_HAN.match(after) or i + 1 == len(out))
        ):
            text = text[:-1]
        wrapped = i > 0 and boxes[i].y0 >= boxes[i - 1].cy
        if wrapped and len(text) > 1 and text[0] in _WRAP_SPECK[:3] and _HAN.match(text[1]):
            text = text[1:] if re.match(r"[\u4e00-\u9fff\d]", out[i - 1][-1:]) else text
        out[i] = text
    return out


# A figure OCR read surely whose reading the table itself puts in doubt is given DOUBTED as its confidence —
# below formats/confidence.LOW_CONFIDENCE, so that a finding resting on it is a hint that says the figure needs
# checking against the paper, not an error against the department (a wrong figure read confidently is worse
# than a figure flagged unreadable):
# - a mark between a lone figure's digits ("9:3", "9·3", "9'3": a decimal point JPEG blurred into a speck beside
#   it, or a speck read with it), which the review's reading of a number would otherwise drop (93);
# - a decimal point lost: a whole number of two digits or more (93) in a column whose other lone figures have
#   points, all with as many decimals (10.3, 9.3, 10.8), where it is over POINT_LOST_OVER times their largest
#   and, with the point put back as many places from its end (9.3), lies among them (corpus t74 degraded: a
#   score of 9.3 read 93 at 0.99, a total of 143.7 and a grade of 优). "Among them": within POINT_LOST_OVER
#   times their smallest and largest, as the reading is not. The point is not put back: which reading
#   is right is for the bureau to see on the paper.
DOUBTED = 0.5
POINT_LOST_OVER = 3
_MARKED_FIGURE = re.compile(r"[≥≤<>=]?\d+[:：·'`‘’]\d+%?")
_WHOLE_FIGURE = re.compile(r"[≥≤<>=]?(\d{2,})(%?)")
_POINTED_FIGURE = re.compile(r"[≥≤<>=]?(\d+)\.(\d+)(%?)")
_TOTAL_LABEL = re.compile(r"(合计|总计|小计|总分|(自评)?总得分|得分合计|综合得分)")


def _doubted(rows: list[tuple[str, ...]], confidence: list[tuple[float | None, ...]]) -> list[tuple[float | None, ...]]:
    """`confidence` with the cells whose figure the table puts in doubt (see DOUBTED) lowered to DOUBTED."""
    doubted: set[tuple[int, int]] = set()
    for c in range(max((len(row) for row in rows), default=0)):
        column = [(r, row[c].strip()) for r, row in enumerate(rows) if c < len(row)]
        scanned = [(r, text) for r, text in column if confidence[r][c] is not None and text]
        doubted |= {(r, c) for r, text in scanned if _MARKED_FIGURE.fullmatch(text)}
        pointed = [m for _, text in column if (m := _POINTED_FIGURE.fullmatch(text))]
        if len(pointed) < 2 or len({len(m.group(2)) for m in pointed}) != 1:
            continue
        places = len(pointed[0].group(2))
        for percent in ("", "%"):
            values = [float(f"{m.group(1)}.{m.group(2)}") for m in pointed if m.group(3) == percent]
            if len(values) < 2:
                continue
            for r, text in scanned:
                if any(_TOTAL_LABEL.match(re.sub(r"\s", "", cell)) for cell in rows[r]):
                    continue  # a total is the column's figures added up, as large as that
                whole = _WHOLE_FIGURE.fullmatch(text)
                if whole is None or whole.group(2) != percent or len(whole.group(1)) <= places:
                    continue
                read, pointed_back = int(whole.group(1)), int(whole.group(1)) / 10**places
                low, high = min(values) / POINT_LOST_OVER, max(values) * POINT_LOST_OVER
                if read > high and low <= pointed_back <= high:
                    doubted.add((r, c))
    if not doubted:
        return confidence
    return [
        tuple(DOUBTED if (r, c) in doubted and level is not None else level for c, level in enumerate(levels))
        for r, levels in enumerate(confidence)
    ]


def _reading_order(boxes: list[Box]) -> list[Box]:
    return [b for line in text_lines(boxes) for b in line]


def _columns(starts: list[float], tolerance: float) -> list[float]:
    columns: list[float] = []
    for x in sorted(starts):
        if not columns or x - columns[-1] > tolerance:
            columns.append(x)
    return columns


def _loose_table(lines: list[list[list[Box]]], page: int, height: float) -> Block:
    columns = _columns([cell[0].x0 for line in lines for cell in line], height * 1.5)
    rows, confidence = [], []
    for n, line in enumerate(lines):
        texts: list[list[str]] = [[] for _ in columns]
        levels: list[list[float | None]] = [[] for _ in columns]
        for cell in line:
            col = max(i for i, x in enumerate(columns) if x <= cell[0].x0 + height * 1.5 / 2 or i == 0)
            texts[col].append(_join([b.text for b in cell]))
            levels[col].extend(b.confidence for b in cell)
        scanned = any(b.confidence is not None for cell in line for b in cell)
        last = n == len(lines) - 1
        rows.append(tuple(_unspecked(" ".join(t), last) if scanned else " ".join(t) for t in texts))
        confidence.append(tuple(_lowest(level) for level in levels))
    every = [b for line in lines for cell in line for b in cell]
    box = (min(b.x0 for b in every), min(b.y0 for b in every), max(b.x1 for b in every), max(b.y1 for b in every))
    return Block("table", page, box[1], rows=tuple(rows), confidence=_lowest([b.confidence for b in every]),
                 cell_confidence=tuple(confidence), box=box)  # fmt: skip


def _paragraph(line: list[list[Box]], page: int) -> Block:
    every = [b for cell in line for b in cell]
    text = " ".join(_join([b.text for b in cell]) for cell in line)
    box = (min(b.x0 for b in every), min(b.y0 for b in every), max(b.x1 for b in every), max(b.y1 for b in every))
    return Block("paragraph", page, box[1], text=text, confidence=_lowest([b.confidence for b in every]), box=box)


def _within(outer: Grid, inner: Grid) -> bool:
    """Whether `inner` is a smaller grid inside `outer`. A photo's hard shadow edge or the sheet's edge, ruled
    together with a table's rules, makes a second grid around the table whose every text is the table's (corpus
    t02, t20 --photo-hard: each indicator row read twice, as a second score table); that grid is no table.
    A grid around a table with text of its own (the rows above a table's body, corpus t08) stays."""
    return (
        outer.xs[0] <= inner.xs[0]
        and inner.xs[-1] <= outer.xs[-1]
        and outer.ys[0] <= inner.ys[0]
        and inner.ys[-1] <= outer.ys[-1]
        and (outer.xs, outer.ys) != (inner.xs, inner.ys)
    )


def blocks_from_boxes(boxes: list[Box], page: int, grids: tuple[Grid, ...] = ()) -> list[Block]:
    """The page's paragraphs and tables in reading order (top to bottom)."""
    boxes = [b for b in boxes if b.text.strip()]
    blocks: list[Block] = []
    free = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box)), None)
        if grid is None:
            free.append(box)
    held = [[b for b in boxes if g.contains(b)] for g in grids]
    for i, grid in enumerate(grids):
        inside = held[i]
        if any(
            j != i and _within(grid, other) and set(map(id, inside)) <= set(map(id, held[j]))
            for j, other in enumerate(grids)
        ):
            continue  # its text all in a grid inside it: that grid's table (_within)
        if inside and len(grid.xs) >= 3:
            blocks.append(_grid_table(grid, inside, page))
        elif inside:  # a frame, not a table (a boxed title): its text reads as paragraphs
            free.extend(inside)
    if free:
        height = statistics.median(b.height for b in free)
        lines = [_cells(line, height) for line in text_lines(free)]
        i = 0
        while i < len(lines):
            j = i
            while j < len(lines) and len(lines[j]) >= 2:
                j += 1
            if j - i >= 2:  # two or more lines of several cells: a table without rules
                blocks.append(_loose_table(lines[i:j], page, height))
                i = j
                continue
            blocks.append(_paragraph(lines[i], page))
            i += 1
    return _sentence_ends_joined(sorted(blocks, key=lambda b: b.top))


# What the review's reader takes as the end of a paragraph when a line stops with it (review/source.py, _END).
_SENTENCE_END = tuple("。；：！？;!?”）)")
# A line that opens a heading or a numbered item: 一、 （一） 1、 1. 第一章
_OPENS_ITEM = re.compile(
    r"^(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.](?!\d))"
)


def _sentence_ends_joined(blocks: list[Block]) -> list[Block]:
    """Each paragraph line marked with whether it wraps (Block.wraps), and a line that ends a sentence but wraps
    joined with the next: line by line, the review's reader would take the sentence's end at the line's end for
    the paragraph's end (corpus n53: "…下降16.77%。" closing a line, the paragraph going on "分项情况是…"; its
    amounts then lost their year)."""
    wraps = _wrapping(blocks)
    out: list[Block] = []
    for block, wrapped in zip(blocks, wraps, strict=True):
        previous = out[-1] if out else None
        if previous is not None and previous.wraps and previous.text.endswith(_SENTENCE_END):
            assert previous.box is not None and block.box is not None
            box = (
                min(previous.box[0], block.box[0]),
                previous.box[1],
                max(previous.box[2], block.box[2]),
                block.box[3],
            )
            out[-1] = Block("paragraph", previous.page, previous.top, text=previous.text + block.text,
                            confidence=_lowest([previous.confidence, block.confidence]), box=box,
                            wraps=wrapped)  # fmt: skip
        elif block.kind == "paragraph":
            out.append(dataclasses.replace(block, wraps=wrapped))
        else:
            out.append(block)
    return out


def _wrapping(blocks: list[Block]) -> list[bool | None]:
    """For each block, whether it is a paragraph line that the next line continues (True), one that ends its
    paragraph (False), or cannot be told (None; and for a table).

    A line ends its paragraph when it stops short of the right margin (a centred title, a paragraph's last
    line). On a page that shows how it sets paragraphs apart — a first-line indent or a wider gap somewhere — a
    line reaching the right margin wraps when the next line starts at the left margin as close as the page's
    lines are and opens no heading or numbered item, and ends its paragraph otherwise. The margins are those of
    the page's lines and tables; the page's last line reaching the margin may go on overleaf: None."""
    out: list[bool | None] = [None] * len(blocks)
    lines = [b.box for b in blocks if b.kind == "paragraph" and b.box is not None]
    if not lines:
        return out
    height = statistics.median(y1 - y0 for _, y0, _, y1 in lines)
    lefts, rights = sorted(x0 for x0, *_ in lines), sorted(x1 for *_, x1, _ in lines)
    frames = [b.box for b in blocks if b.kind == "table" and b.box is not None]
    left = min([lefts[len(lefts) // 10], *(f[0] for f in frames)])
    right = max([rights[len(rights) * 9 // 10], *(f[2] for f in frames)])
    pitches = [
        b.box[1] - a.box[1]
        for a, b in itertools.pairwise(blocks)
        if a.kind == b.kind == "paragraph" and a.box and b.box and 0 < b.box[1] - a.box[1] < 3 * height
    ]
    pitch = statistics.median(pitches) if len(pitches) >= 3 else None
    shown = pitch is not None and (
        any(left + 1.5 * height <= x0 <= left + 3 * height for x0, *_ in lines) or any(p > 1.4 * pitch for p in pitches)
    )
    for i, block in enumerate(blocks):
        if block.kind != "paragraph" or block.box is None:
            continue
        if block.box[2] < right - 1.5 * height:
            out[i] = False
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if not shown or following is None or following.kind != "paragraph" or following.box is None:
            continue
        assert pitch is not None
        out[i] = (
            following.box[0] <= left + 0.5 * height  # the next starts at the left margin, not indented
            and following.box[1] - block.box[1] <= 1.2 * pitch  # no paragraph gap between them
            and not _OPENS_ITEM.match(following.text)
        )
    return out


_VALUE = re.compile(r"[<>≤≥=]?[-+]?\d+(\.\d+)?\s*[%\w]{0,3}")
_CLOSES_LABEL = (")", "）", ":", "：", "。", ";", "；")
# a cell opening a numbered item ("指标2:", "2、", "（二）"): a row of its own, not the rest of a cut cell's text
_OPENS_NUMBERED = re.compile(
    r"(指标\s*\d+(?!\d|\.\d|%)|\d+[、．]|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)"
)
# what cannot start a line: it goes down with the character before it
_NO_START = "，。、：；！？）》」』”,.:;!?)%/"


def _goes_on(room: float | None, text: str) -> bool | None:
    """Whether a cell's text may go on in `text` overleaf, its last line having `room` (ideographs) left."""
    return None if room is None else room < _first_unit(text) + 0.5


def _first_unit(text: str) -> float:
    """The width, in ideographs, of what must start a line where `text` begins: opening marks (they go with
    what follows them), then a run of Latin letters and figures (half as wide), a dash or an ellipsis pair with
    the character after it, or a character with the marks after it that cannot start a line ("元/户": 1.5)."""
    opening = re.match(r"[(（“‘《「\[]*", text)
    width = sum(0.5 if ch.isascii() else 1.0 for ch in opening.group()) if opening else 0.0
    text = text[opening.end() :] if opening else text
    run = re.match(r"[0-9A-Za-z.,:;%‰/<>=*+\-]+", text)
    if run:
        return width + len(run.group()) / 2
    if text.startswith(("——", "……")):
        return width + 3.0
    glued = re.match(f".[{re.escape(_NO_START)}]*", text)  # a character and the marks that cannot start a line
    return width + sum(0.5 if ch.isascii() else 1.0 for ch in glued.group()) if glued else width


def continued_rows(
    previous: tuple[tuple[str, ...], ...],
    rows: tuple[tuple[str, ...], ...],
    room: tuple[float | None, ...] = (),
) -> tuple[tuple[tuple[str, ...], ...], bool] | None:
    """A table that opens a page continuing the one that closed the page before: the joined rows, and whether
    its first row was the second half of a row the page break cut. None when the columns differ.

    A header row the page repeats is dropped; a first row whose filled cells are all among the previous last
    row's filled cells and hold no figure is that row's remainder (a wrapped name cut by the page end: a row
    of a score table carries its 分值/得分, so a row of names alone is a remainder, not a new row).

    `room`, where the page shows it (a text-layer PDF: review/pdfread.py), is for each column of the last row
    the room left at the end of its text's last line, in ideographs (None where not known). A row the break
    cut goes on in every cell it continues: a cell whose room would have held the start of the text below
    (_first_unit, and half a character more) ended there, and the first row is a new row (a truncated last
    row, corpus t09). A full last line says less: the text may have ended just there ("…资金(万元)" |
    "年度预算资金总额:", t56), so the rules above still decide."""
    if not previous or not rows or len(previous[-1]) != len(rows[0]):
        return None
    if rows[0] == previous[0]:
        rows = rows[1:]
        if not rows:
            return previous, False
    last, first = previous[-1], rows[0]
    filled_last = {i for i, c in enumerate(last) if c.strip()}
    filled_first = {i for i, c in enumerate(first) if c.strip()}
    # per continued cell: True where the text may go on overleaf, False where it ended, None not known
    shown = [_goes_on(room[i] if i < len(room) else None, first[i].strip()) for i in sorted(filled_first)]
    # a figure in the first row is a new row's, unless it ends a figure the break cut after its point
    # ("4557." | "51": corpus t13, a row whose name wrapped over the page end)
    figure = any(
        re.fullmatch(r"[-+]?\d+(\.\d+)?%?", first[i].strip()) and not re.search(r"\d[.,]$", last[i].strip())
        for i in filled_first
    )
    # and two whole values side by side in a column ("5亩" | "20亩": corpus t15), or a cell above that ends a
    # label or a sentence (")", ":", "。": "…资金(万元)" | "年度预算资金总额:", t56) begin a new row: a page
    # break cuts a cell's text at a line's end, seldom just after its closing mark — unless the row above
    # already holds its figures (its 分值/得分: a whole row, whose cut name may end "指标1:", t04); and a cell
    # opening a numbered item ("指标2:") is a row of its own
    valued = any(_VALUE.fullmatch(c.strip()) and re.search(r"\d", c) for c in last)
    whole = any(
        (_VALUE.fullmatch(first[i].strip()) and _VALUE.fullmatch(last[i].strip()))
        or (last[i].strip().endswith(_CLOSES_LABEL) and not valued)
        or _OPENS_NUMBERED.match(first[i].strip())
        for i in filled_first
    )
    if False in shown:
        whole = True
    if filled_first and filled_first <= filled_last and not figure and not whole:
        joined = tuple(a + b for a, b in zip(last, first, strict=True))
        return (*previous[:-1], joined, *rows[1:]), True
    return (*previous, *rows), False
