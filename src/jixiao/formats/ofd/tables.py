"""A page's glyphs joined into runs of text, and its tables found: from the rules drawn as paths when the page has
them (rows and columns between the lines, a missing stretch of a rule marking merged cells, as pdfplumber reads
a PDF's ruling), and otherwise from the runs' positions.

Without rules, a table is two or more lines of several cells, as formats/layout.py reads OCR boxes; it goes on
over a line holding a single cell when that cell starts at one of the table's columns other than the first and
stays inside it (a label-only row: "指标2:" under 三级指标), and over lines of one cell inside the first column
when a line of the table's columns follows them ("上年结转资金", "其他资金" in a funds table) — lines a loose
reading would take for paragraphs, breaking the table in two. First-column lines followed by prose ("总分"
closing a table, its cells blank) are the table's last rows when they sit at its usual gap between rows and the
prose is set off by a wider one; otherwise they end it, as a heading after the table.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence

from ..layout import Box, Grid, text_lines
from .content import Glyph, Segment

__all__ = ["position_grids", "rule_grids", "runs_of"]

TOLERANCE = 0.6  # mm: two rules this close are one (a rule's width, a producer's rounding)
SHORTEST_RULE = 1.5  # mm: a shorter stroke is part of a drawing, not a table's rule
MAX_CROSSINGS = 1_000_000  # horizontal × vertical lines of a page (a table of 200 rows and 20 columns: 4,000)


def runs_of(glyphs: Sequence[Glyph]) -> list[Box]:
    """Glyphs on one baseline that follow each other closely, as one box of text. Producers place text one glyph
    at a time, a word or a whole line at a time; a gap wider than three quarters of a character starts a new run
    (the cells of a table row; a left-out space is half a character), and the same glyph drawn twice at one place
    (a bold faked by overprinting) counts once."""
    boxes: list[Box] = []
    for line in _baselines(glyphs):
        run: list[Glyph] = []
        for glyph in sorted(line, key=lambda g: g.x0):
            if run:
                last = run[-1]
                if glyph.text == last.text and abs(glyph.x0 - last.x0) < 0.2 * glyph.size:
                    continue
                if glyph.x0 - last.x1 > 0.75 * max(glyph.size, last.size):
                    boxes.append(_box(run))
                    run = []
            run.append(glyph)
        if run:
            boxes.append(_box(run))
    return [b for b in boxes if b.text]


def _baselines(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.y1):
        if lines and abs(glyph.y1 - lines[-1][0].y1) <= 0.25 * glyph.size:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return lines


def _box(run: list[Glyph]) -> Box:
    """The run's text and extent. A gap of a space's width beside a Latin letter, figure or sign is the space a
    PDF-born file leaves out ("2017-09-20 来源: 区财政局") — unless the word beside it is set as widely (a figure
    written at full width, "2 0 2 3年": spacing, not a space). Between Chinese characters a gap is justification
    when the run's glyphs are set as widely, and a left-out space when it stands out of the run's usual gap by a
    quarter of a character ("来源:零陵区林业局 发布机构"; t35, t38 as PDF-born OFDs lost it)."""
    gaps = [0.0] + [b.x0 - a.x1 for a, b in itertools.pairwise(run)]
    usual = statistics.median(gaps[1:]) if len(run) > 2 else None
    text = ""
    for i, glyph in enumerate(run):
        left = run[i - 1].text if i else " "
        if not left.strip() or gaps[i] < 0.35 * glyph.size:
            pass
        elif (left.isascii() or glyph.text.isascii()) and not (left + glyph.text).isdigit():
            inside = max(_word_gaps(run, gaps, i - 1, -1) + _word_gaps(run, gaps, i, 1), default=0.0)
            if gaps[i] >= inside + 0.25 * glyph.size:
                text += " "
        elif not (left + glyph.text).isascii() and usual is not None and gaps[i] >= usual + 0.25 * glyph.size:
            text += " "  # two Chinese characters (neither is ASCII, or the branch above took them)
        text += glyph.text
    inked = [g for g in run if not g.text.isspace()] or run  # a space at a run's end widens nothing
    return Box(
        text.strip(),
        min(g.x0 for g in inked),
        min(g.y0 for g in inked),
        max(g.x1 for g in inked),
        max(g.y1 for g in inked),
    )


def _word_gaps(run: list[Glyph], gaps: list[float], at: int, way: int) -> list[float]:
    """The gaps inside the Latin word or figure that glyph `at` belongs to, looking one way (-1 left, 1 right)."""
    found = []
    while 0 <= at + way < len(run) and run[at].text.isascii() and run[at + way].text.isascii():
        found.append(gaps[at] if way < 0 else gaps[at + 1])
        at += way
    return found


# --- tables from their rules ---------------------------------------------------------------------------------


def rule_grids(segments: Sequence[Segment]) -> tuple[Grid, ...]:
    """The ruled tables of a page: each group of crossing horizontal and vertical lines with at least two of
    each, its columns between the vertical rules and rows between the horizontal ones. A page of more crossings
    than MAX_CROSSINGS (a drawing, or a hostile file) is read without its rules."""
    across = _merged(
        ((s.y0 + s.y1) / 2, min(s.x0, s.x1), max(s.x0, s.x1))
        for s in segments
        if abs(s.y1 - s.y0) <= TOLERANCE and abs(s.x1 - s.x0) >= SHORTEST_RULE
    )
    down = _merged(
        ((s.x0 + s.x1) / 2, min(s.y0, s.y1), max(s.y0, s.y1))
        for s in segments
        if abs(s.x1 - s.x0) <= TOLERANCE and abs(s.y1 - s.y0) >= SHORTEST_RULE
    )
    if len(across) * len(down) > MAX_CROSSINGS:
        return ()
    grids = []
    for h_lines, v_lines in _frames(across, down):
        xs = _levels([v[0] for v in v_lines] + [min(h[1] for h in h_lines), max(h[2] for h in h_lines)])
        ys = _levels([h[0] for h in h_lines] + [min(v[1] for v in v_lines), max(v[2] for v in v_lines)])
        if len(xs) < 2 or len(ys) < 2:
            continue
        v_at = [[v for v in v_lines if abs(v[0] - x) <= TOLERANCE] for x in xs]
        h_at = [[h for h in h_lines if abs(h[0] - y) <= TOLERANCE] for y in ys]
        open_v = {
            (r, k)
            for r in range(len(ys) - 1)
            for k in range(1, len(xs) - 1)
            if _covered(v_at[k], ys[r], ys[r + 1]) < 0.8
        }
        open_h = {
            (k, c)
            for k in range(1, len(ys) - 1)
            for c in range(len(xs) - 1)
            if _covered(h_at[k], xs[c], xs[c + 1]) < 0.8
        }
        grids.append(Grid(tuple(xs), tuple(ys), frozenset(open_v), frozenset(open_h)))
    return tuple(grids)


def _merged(lines: Iterable[tuple[float, float, float]]) -> list[list[float]]:
    """Lines at one level that touch or overlap, joined: [level, start, end]. Levels within TOLERANCE of the
    first of their run are one level (a rule drawn in pieces, each rounded its own way)."""
    snapped: list[tuple[float, float, float]] = []
    base = None
    for level, start, end in sorted(lines):
        if base is None or level - base > TOLERANCE:
            base = level
        snapped.append((base, start, end))
    out: list[list[float]] = []
    for level, start, end in sorted(snapped):
        if out and out[-1][0] == level and start <= out[-1][2] + TOLERANCE:
            out[-1][2] = max(out[-1][2], end)
        else:
            out.append([level, start, end])
    return out


def _frames(across: list[list[float]], down: list[list[float]]) -> list[tuple[list[list[float]], list[list[float]]]]:
    """Horizontal and vertical lines grouped by crossing (a table's rules all meet, through its frame)."""
    parent = list(range(len(across) + len(down)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(across):
        for j, (x, y0, y1) in enumerate(down):
            if x0 - TOLERANCE <= x <= x1 + TOLERANCE and y0 - TOLERANCE <= y <= y1 + TOLERANCE:
                parent[root(i)] = root(len(across) + j)
    groups: dict[int, tuple[list[list[float]], list[list[float]]]] = {}
    for i, line in enumerate(across):
        groups.setdefault(root(i), ([], []))[0].append(line)
    for j, line in enumerate(down):
        groups.setdefault(root(len(across) + j), ([], []))[1].append(line)
    return [(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]


def _levels(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > TOLERANCE:
            out.append(value)
    return out


def _covered(lines: list[list[float]], start: float, end: float) -> float:
    """Share of [start, end] that the lines cover."""
    if end <= start:
        return 1.0
    spans = sorted((max(s, start), min(e, end)) for _, s, e in lines if e > start and s < end)
    total, reach = 0.0, start
    for s, e in spans:
        if e > reach:
            total += e - max(s, reach)
            reach = e
    return total / (end - start)


# --- tables from positions -----------------------------------------------------------------------------------


def position_grids(boxes: Sequence[Box]) -> tuple[Grid, ...]:
    """Unruled tables among the runs, as grids: columns where the cells of their lines start, a row a line."""
    if not boxes:
        return ()
    height = statistics.median(b.height for b in boxes)
    lines = [_Line(line, height) for line in text_lines(boxes, height)]
    grids = []
    i = 0
    while i + 1 < len(lines):
        if len(lines[i].cells) < 2 or len(lines[i + 1].cells) < 2:
            i += 1
            continue
        j = i + 2
        while j < len(lines):
            if _goes_on(lines[i:j], lines[j], height):
                j += 1
            elif (labels := _labels_within(lines, i, j, height)) > j:
                j = labels
            else:
                break
        grids.append(_grid(lines[i:j], height))
        i = j
    return tuple(grids)


class _Line:
    """A line's vertical extent and the (start, end) of its cells: runs closer than a character height are one
    cell (layout.py's rule)."""

    def __init__(self, boxes: list[Box], height: float) -> None:
        self.top, self.bottom = min(b.y0 for b in boxes), max(b.y1 for b in boxes)
        cells: list[list[float]] = []
        for box in boxes:
            if cells and box.x0 - cells[-1][1] <= height:
                cells[-1][1] = max(cells[-1][1], box.x1)
            else:
                cells.append([box.x0, box.x1])
        self.cells = [(a, b) for a, b in cells]


def _columns(lines: Sequence[_Line], height: float) -> list[float]:
    starts: list[float] = []
    for x in sorted(start for line in lines for start, _ in line.cells):
        if not starts or x - starts[-1] > height * 1.5:
            starts.append(x)
    return starts


def _goes_on(table: Sequence[_Line], line: _Line, height: float) -> bool:
    """The next line is a row of the table: several cells, or one cell inside one of its columns but the first."""
    if len(line.cells) >= 2:
        return True
    (start, end), columns = line.cells[0], _columns(table, height)
    at = [k for k, x in enumerate(columns) if abs(start - x) <= height * 0.75]
    if not at or at[0] == 0:  # a line at the first column's start is prose as often as a row's label
        return False
    following = columns[at[0] + 1] if at[0] + 1 < len(columns) else None
    return following is None or end <= following + height * 0.25


def _labels_within(lines: Sequence[_Line], i: int, j: int, height: float) -> int:
    """Where a run of label-only rows of the table lines[i:j] ends, or j: lines of one cell inside the first
    column ("上年结转资金", "其他资金" under "其中:当年财政拨款") count as rows only when a line follows whose cells
    all start at the table's columns — so a heading between two tables of other columns stays a heading — or when
    they close the table (_closes)."""
    columns = _columns(lines[i:j], height)
    if len(columns) < 2:
        return j
    k = j
    while k < len(lines) and len(lines[k].cells) == 1:
        start, end = lines[k].cells[0]
        if abs(start - columns[0]) > height * 0.75 or end > columns[1] + height * 0.25:
            break
        k += 1
    if k == j or k >= len(lines):
        return j
    if _closes(lines, i, j, k, height):
        return k
    if len(lines[k].cells) < 2:
        return j
    aligned = all(any(abs(start - x) <= height * 0.75 for x in columns) for start, _ in lines[k].cells)
    return k if aligned else j


def _closes(lines: Sequence[_Line], i: int, j: int, k: int, height: float) -> bool:
    """Whether the label-only lines[j:k] close the table lines[i:j] as its last rows ("总分" with its cells
    blank): each sits below the line above it at the table's usual gap between rows, and the line after them
    (lines[k]) is set off by a wider gap, as text after a table is — a heading after a table is set off above."""
    gaps = [lower.top - upper.bottom for upper, lower in itertools.pairwise(lines[i:j])]
    usual = statistics.median(gaps)
    labels = [lower.top - upper.bottom for upper, lower in itertools.pairwise(lines[j - 1 : k])]
    after = lines[k].top - lines[k - 1].bottom
    return all(gap <= usual + height * 0.25 for gap in labels) and after >= max(labels) + height * 0.5


def _grid(lines: Sequence[_Line], height: float) -> Grid:
    """Column k from half a character before its start; a row from halfway to the line above to halfway to the
    line below."""
    columns = _columns(lines, height)
    right = max(end for line in lines for _, end in line.cells)
    xs = (*(x - height * 0.5 for x in columns), right + height * 0.5)
    middles = [(upper.bottom + lower.top) / 2 for upper, lower in itertools.pairwise(lines)]
    ys = (lines[0].top - height * 0.25, *middles, lines[-1].bottom + height * 0.25)
    return Grid(xs, ys)
