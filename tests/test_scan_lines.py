"""A line of a table cell the text detector missed where it found the cell's other lines (formats/ocr._missed_line):
corpus t23 degraded, a narrow 预算数 column wrapping "329.77" as "329.7" over "7" and "338.31" as "338.3" over "1",
read 329.7 and 338.3 at 0.99 — and the funds' parts 329.77 no longer added up to them, a false warning."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from jixiao.formats.layout import Box, Grid
from jixiao.formats.ocr import _missed_in_cells

GRID = Grid((40.0, 160.0, 280.0), (40.0, 120.0))  # one row of two cells, 120 × 80 px


def _page(lines: list[str]):
    """A grey page with the grid's rules and `lines` written down its first cell, 17 px characters 26 px apart."""
    image = Image.new("L", (320, 160), 255)
    draw = ImageDraw.Draw(image)
    for x in GRID.xs:
        draw.line([(x, GRID.ys[0]), (x, GRID.ys[-1])], fill=0, width=2)
    for y in GRID.ys:
        draw.line([(GRID.xs[0], y), (GRID.xs[-1], y)], fill=0, width=2)
    font = ImageFont.load_default(size=24)
    for i, line in enumerate(lines):
        draw.text((50, 48 + 28 * i), line, fill=0, font=font)
    return np.array(image)


def test_a_wrapped_figures_last_line_the_detector_missed_is_read():
    gray = _page(["338.3", "1"])
    first = Box("338.3", 46, 44, 124, 78, 0.994)  # the detector's box over the first line only
    found = _missed_in_cells(gray, (GRID,), [first])
    assert [b.text for b in found] == ["1"] and found[0].y0 > first.cy


def test_a_cell_whose_lines_were_all_found_reads_nothing_more():
    gray = _page(["338.3", "1"])
    boxes = [Box("338.3", 46, 44, 124, 78, 0.994), Box("1", 46, 72, 70, 106, 0.99)]
    assert _missed_in_cells(gray, (GRID,), boxes) == []
    assert _missed_in_cells(_page(["338.31"]), (GRID,), [Box("338.31", 46, 44, 136, 78, 0.99)]) == []
