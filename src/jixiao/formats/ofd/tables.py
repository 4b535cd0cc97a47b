"""A page's glyphs joined into runs of text, and its tables found: from the rules drawn as paths when the page has
them (rows and columns between the lines, a missing stretch of a rule marking merged cells, as pdfplumber reads
a PDF's ruling), and otherwise from the runs' positions.

Without rules, a table is two or more lines of several cells, as formats/layout.py reads OCR boxes; it goes on
over a line holding a single cell when that cell starts at one of the table's columns other than the first and
stays inside it (a label-only row: "指标2:" under 三级指标, a row cut where the source stops), which a loose
reading of lines would take for a paragraph and so break the table in two.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence

from ..layout import Box, Grid
from .content import Glyph, Segment

__all__ = ["position_grids", "rule_grids", "runs_of"]

TOLERANCE = 0.6  # mm: two rules this close are one (a rule's width, a producer's rounding)
SHORTEST_RULE = 1.5  # mm: a shorter stroke is part of a drawing, not a table's rule


def runs_of(glyphs: Sequence[Glyph]) -> list[Box]:
    """Glyphs on one baseline that follow each other closely, as one box of text. Producers place text one glyph
    at a time, a word or a whole line at a time; a gap wider than half a character starts a new run (the cells
    of a table row), and the same glyph drawn twice at one place (a bold faked by overprinting) counts once."""
    boxes: list[Box] = []
    for line in _baselines(glyphs):
        run: list[Glyph] = []
        for glyph in sorted(line, key=lambda g: g.x0):
            if run:
                last = run[-1]
                if glyph.text == last.text and abs(glyph.x0 - last.x0) < 0.2 * glyph.size:
                    continue
                if glyph.x0 - last.x1 > 0.5 * max(glyph.size, last.size):
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
    text = ""
    for previous, glyph in zip([None, *run], run, strict=False):
        # Latin words set apart by a gap keep their space (figures do not: "2 0 2 3" is 2023 spaced out)
        pair = previous.text + glyph.text if previous else ""
        if previous and glyph.x0 - previous.x1 > 0.2 * glyph.size and pair.isascii() and pair.isalpha():
            text += " "
        text += glyph.text
    inked = [g for g in run if not g.text.isspace()] or run  # a space at a run's end widens nothing
    return Box(
        text.strip(),
        min(g.x0 for g in inked),
        min(g.y0 for g in inked),
        max(g.x1 for g in inked),
        max(g.y1 for g in inked),
    )


# --- tables from their rules ---------------------------------------------------------------------------------


def rule_grids(segments: Sequence[Segment]) -> tuple[Grid, ...]:
    """The ruled tables of a page: each group of crossing horizontal and vertical lines with at least two of
    each, its columns between the vertical rules and rows between the horizontal ones."""
    across = _merged(
        [(s.y0 + s.y1) / 2, min(s.x0, s.x1), max(s.x0, s.x1)]
        for s in segments
        if abs(s.y1 - s.y0) <= TOLERANCE and abs(s.x1 - s.x0) >= SHORTEST_RULE
    )
    down = _merged(
        [(s.x0 + s.x1) / 2, min(s.y0, s.y1), max(s.y0, s.y1)]
        for s in segments
        if abs(s.x1 - s.x0) <= TOLERANCE and abs(s.y1 - s.y0) >= SHORTEST_RULE
    )
    grids = []
    for h_lines, v_lines in _frames(across, down):
        xs = _levels([v[0] for v in v_lines] + [min(h[1] for h in h_lines), max(h[2] for h in h_lines)])
        ys = _levels([h[0] for h in h_lines] + [min(v[1] for v in v_lines), max(v[2] for v in v_lines)])
        if len(xs) < 2 or len(ys) < 2:
            continue
        open_v = {
            (r, k)
            for r in range(len(ys) - 1)
            for k in range(1, len(xs) - 1)
            if _covered([v for v in v_lines if abs(v[0] - xs[k]) <= TOLERANCE], ys[r], ys[r + 1]) < 0.8
        }
        open_h = {
            (k, c)
            for k in range(1, len(ys) - 1)
            for c in range(len(xs) - 1)
            if _covered([h for h in h_lines if abs(h[0] - ys[k]) <= TOLERANCE], xs[c], xs[c + 1]) < 0.8
        }
        grids.append(Grid(tuple(xs), tuple(ys), frozenset(open_v), frozenset(open_h)))
    return tuple(grids)


def _merged(lines) -> list[list[float]]:  # type: ignore[no-untyped-def]
    """Lines at one level (within TOLERANCE) that touch or overlap, joined: [level, start, end]."""
    out: list[list[float]] = []
    for level, start, end in sorted(lines):
        same = next(
            (m for m in reversed(out[-8:]) if abs(m[0] - level) <= TOLERANCE and start <= m[2] + TOLERANCE), None
        )
        if same is not None:
            same[2] = max(same[2], end)
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
    lines = [_Line(line, height) for line in _lines(boxes, height)]
    grids = []
    i = 0
    while i + 1 < len(lines):
        if len(lines[i].cells) < 2 or len(lines[i + 1].cells) < 2:
            i += 1
            continue
        j = i + 2
        while j < len(lines) and _goes_on(lines[i:j], lines[j], height):
            j += 1
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


def _lines(boxes: Sequence[Box], height: float) -> list[list[Box]]:
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and abs(box.cy - statistics.fmean(b.cy for b in lines[-1])) <= height * 0.5:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


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


def _grid(lines: Sequence[_Line], height: float) -> Grid:
    """Column k from half a character before its start; a row from halfway to the line above to halfway to the
    line below."""
    columns = _columns(lines, height)
    right = max(end for line in lines for _, end in line.cells)
    xs = (*(x - height * 0.5 for x in columns), right + height * 0.5)
    middles = [(upper.bottom + lower.top) / 2 for upper, lower in itertools.pairwise(lines)]
    ys = (lines[0].top - height * 0.25, *middles, lines[-1].bottom + height * 0.25)
    return Grid(xs, ys)
