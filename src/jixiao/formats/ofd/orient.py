"""A page's text read in the frame of each writing direction on it.

Most pages are written upright. A landscape table set on a portrait page is written turned a quarter (its lines
run down or up the page), and a narrow header cell may hold a word written upwards, or its glyphs stacked one
under another (content.py reads those as written downwards). Each direction's glyphs are turned upright into
their own frame (a quarter turn of the page's coordinates: a rectangle stays a rectangle), joined into runs and
rebuilt into paragraphs and tables there, with the page's rules turned alike, so a turned table keeps its rows
and columns and reads top to bottom — never its columns as rows. A turned run inside a table whose text is
mostly of another direction (the header cell; the table ruled or rebuilt from positions) is the label of that
table's cell: it is read with that table. The blocks of a turned frame stay together in their own order,
placed on the page where the frame's text begins; their boxes are given back in page millimetres. Glyphs at an
angle that is not a quarter turn (a diagonal watermark) are not read (content.py: Glyph.turn -1).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from ..layout import Block, Box, blocks_from_boxes
from .content import Glyph, PageContent, Segment
from .tables import position_grids, rule_grids, runs_of

__all__ = ["page_blocks"]

# "- 3 -", "第3页 共12页": a page's number in its footer (or template), not the report's text
_PAGE_NUMBER = re.compile(r"\s*[-—－–]?\s*(第\s*)?\d{1,4}\s*(页)?\s*(共\s*\d{1,4}\s*页)?\s*[-—－–]?\s*")

Point = tuple[float, float]
# page → frame of each quarter turn (the turned text upright in it), and back
_TO: dict[int, Callable[[float, float], Point]] = {
    0: lambda x, y: (x, y),
    1: lambda x, y: (y, -x),
    2: lambda x, y: (-x, -y),
    3: lambda x, y: (-y, x),
}
_BACK: dict[int, Callable[[float, float], Point]] = {
    0: lambda x, y: (x, y),
    1: lambda x, y: (-y, x),
    2: lambda x, y: (-x, -y),
    3: lambda x, y: (y, -x),
}


def page_blocks(content: PageContent, number: int) -> list[Block]:
    """The page's paragraph lines and tables in reading order; a page number left out."""
    glyphs = [g for g in content.glyphs if g.turn >= 0]
    turns = sorted({g.turn for g in glyphs})
    if turns == [0]:  # the usual page: one frame, the page's own
        return _told_by_the_page(_read(runs_of(glyphs), content.segments, number), content.box)
    runs: dict[int, list[Box]] = {}  # each direction's runs, boxes on the page
    for turn in turns:
        framed = [_glyph(g, _TO[turn]) for g in glyphs if g.turn == turn]
        runs[turn] = [_box(b, _BACK[turn]) for b in runs_of(framed)]
    _labels_to_their_tables(runs, content.segments)
    units: list[tuple[float, list[Block]]] = []
    for turn, boxes in runs.items():
        if not boxes:
            continue
        segments = [_segment(s, _TO[turn]) for s in content.segments]
        blocks = _read([_box(b, _TO[turn]) for b in boxes], segments, number)
        if turn == 0:
            units += [(b.top, [b]) for b in _told_by_the_page(blocks, content.box)]
            continue
        placed = [_on_page(b, turn) for b in blocks]
        top = min((b.top for b in placed), default=0.0)
        units.append((top, [dataclasses.replace(b, top=top) for b in placed]))
    return [b for _, unit in sorted(units, key=lambda u: u[0]) for b in unit]


def _read(boxes: list[Box], segments: list[Segment], number: int) -> list[Block]:
    if not boxes:
        return []
    ruled = tuple(g for g in rule_grids(segments) if len(g.xs) >= 3)  # a frame (boxed title) is no table
    loose = [b for b in boxes if not any(g.contains(b) for g in ruled)]
    grids = ruled + position_grids(loose)
    return [b for b in blocks_from_boxes(boxes, number, grids) if not _page_number(b)]


def _told_by_the_page(blocks: list[Block], page: tuple[float, float, float, float]) -> list[Block]:
    """Where the layout cannot tell from the page's lines whether a paragraph line wraps (Block.wraps None: a page
    of a few lines, a title above a table set overleaf), the page itself can: with the right margin as wide as
    the left one (the lines' usual start), a line ending more than two characters short of it, or centred
    between the margins a character or more in from each, ends its paragraph. `page`: PhysicalBox x, y, w, h."""
    lines = [b.box for b in blocks if b.kind == "paragraph" and b.box is not None]
    if not any(b.wraps is None for b in blocks if b.kind == "paragraph"):
        return blocks
    starts = sorted(x0 for x0, *_ in lines)
    left = starts[len(starts) // 10]
    right = page[0] + page[2] - (left - page[0])
    if right <= left:
        return blocks
    out = []
    for block in blocks:
        if block.kind == "paragraph" and block.wraps is None and block.box is not None:
            x0, y0, x1, y1 = block.box
            high, before, after = y1 - y0, x0 - left, right - x1
            if after > 2 * high or (min(before, after) >= high and abs(before - after) <= high):
                block = dataclasses.replace(block, wraps=False)
        out.append(block)
    return out


def _page_number(block: Block) -> bool:
    return block.kind == "paragraph" and bool(_PAGE_NUMBER.fullmatch(block.text))


def _labels_to_their_tables(runs: dict[int, list[Box]], segments: list[Segment]) -> None:
    """Runs inside a table on the page whose text is mostly of another direction move to that direction: a
    header cell written upwards (or its glyphs stacked downwards) is read as the label of its cell. The tables
    are the ruled ones, each owned by the direction of most of its text, and those the upright runs outside
    them form by position."""
    ruled = [g for g in rule_grids(segments) if len(g.xs) >= 3]
    for grid in ruled:
        held = {turn: [b for b in boxes if grid.contains(b)] for turn, boxes in runs.items()}
        owner = max(held, key=lambda turn: (sum(len(b.text) for b in held[turn]), turn == 0))
        _move(runs, held, owner)
    if 0 in runs:
        for grid in position_grids([b for b in runs[0] if not any(g.contains(b) for g in ruled)]):
            _move(runs, {turn: [b for b in boxes if grid.contains(b)] for turn, boxes in runs.items()}, 0)


def _move(runs: dict[int, list[Box]], held: dict[int, list[Box]], owner: int) -> None:
    for turn, inside in held.items():
        if turn != owner and inside:
            moved = {id(b) for b in inside}
            runs[turn] = [b for b in runs[turn] if id(b) not in moved]
            runs[owner] += inside


def _glyph(glyph: Glyph, move: Callable[[float, float], Point]) -> Glyph:
    (x0, y0), (x1, y1) = move(glyph.x0, glyph.y0), move(glyph.x1, glyph.y1)
    return dataclasses.replace(glyph, x0=min(x0, x1), y0=min(y0, y1), x1=max(x0, x1), y1=max(y0, y1))


def _box(box: Box, move: Callable[[float, float], Point]) -> Box:
    (x0, y0), (x1, y1) = move(box.x0, box.y0), move(box.x1, box.y1)
    return dataclasses.replace(box, x0=min(x0, x1), y0=min(y0, y1), x1=max(x0, x1), y1=max(y0, y1))


def _segment(segment: Segment, move: Callable[[float, float], Point]) -> Segment:
    (x0, y0), (x1, y1) = move(segment.x0, segment.y0), move(segment.x1, segment.y1)
    return Segment(x0, y0, x1, y1)


def _on_page(block: Block, turn: int) -> Block:
    if block.box is None:
        return block
    (x0, y0), (x1, y1) = _BACK[turn](block.box[0], block.box[1]), _BACK[turn](block.box[2], block.box[3])
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return dataclasses.replace(block, top=box[1], box=box)
