"""More layout variants (see variants.py for the first fifteen): the amounts in 元 with thousands separators, blank
spacer rows, a 注 row inside the table, the title with its year as the table's first row across its width, the
indicator header printed again where a page breaks inside one 二级 group, 分值 and 得分 in one cell, the figures in
full-width digits, a 序号 column; the unit and the operator of each target in columns of their own, the points as
shares under 权重, the funds block below the indicators, a header three rows deep, two tables side by side in one
grid. Each kind cites corpus tables that show it, or says why none does; none changes what the table says.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from .source import SourceDocument
from .table import Block, build_table, number
from .variants import (
    Grid,
    Merge,
    Variant,
    _block_rows,
    _indicator_blocks,
    _is_total,
    _per_block,
    _simple,
    _tables,
    _with_grid,
    to_yuan,
)
from .vocabulary import norm

__all__ = ["KINDS"]


def _yuan_separators(doc: SourceDocument) -> SourceDocument | None:
    """The funds in 元 written with thousands separators, "1,200,000.00" (t28, t60, t68 print them), under a title
    saying 元."""
    return to_yuan(doc, lambda v: f"{v:,f}")


def _spacer_rows(doc: SourceDocument) -> SourceDocument | None:
    """A blank row above each 一级 group of the indicators (t09 and t24 print blank rows inside their tables)."""
    changed = False
    for seg, table in _tables(doc):
        starts: set[int] = set()
        for b in _indicator_blocks(table):
            col = b.columns.get("level1")
            if col is not None:
                starts |= {r for r in b.rows if norm(table.grid[r][col]) and not _is_total(table.grid[r])}
        if not starts:
            continue
        width = len(table.grid[0]) if table.grid else 0
        grid: Grid = []
        for r, row in enumerate(table.grid):
            if r in starts:
                grid.append(["" for _ in range(width)])
            grid.append(list(row))
        doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


_NOTE = "注：得分保留两位小数。"


def _note_in_table(doc: SourceDocument) -> Variant | None:
    """A 注 as the table's last row, one cell across its width (t04, t05 print their 注 under the 总分 row)."""
    tables = _tables(doc)
    if not tables or not _indicator_blocks(tables[-1][1]):
        return None
    seg, table = tables[-1]
    width = max(len(r) for r in table.grid)
    grid = [list(r) + [""] * (width - len(r)) for r in table.grid] + [[_NOTE] + [""] * (width - 1)]
    merges = {doc.segments.index(seg): [(len(grid) - 1, 0, len(grid) - 1, width - 1)]}
    return Variant("note_in_table", _with_grid(doc, seg, grid), merges)


_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def _title_in_table(doc: SourceDocument) -> Variant | None:
    """The title line with its year made the table's first row, one cell across the width (t02, t03 and t75 print
    "部门预算项目支出绩效自评表(2023年度)" inside their tables)."""
    for seg, table in _tables(doc):
        if not _indicator_blocks(table):
            continue
        at = doc.segments.index(seg)
        # the line right above the table, or the one above a unit line ("单位：万元") right above it: a title
        # further up heads the page, not the table (t46's 公示 title above two paragraphs of text)
        above = [i for i in (at - 1, at - 2) if i >= 0 and doc.segments[i].kind == "paragraph"]
        if not above or above[0] != at - 1:
            continue
        if not _YEAR.search(doc.segments[at - 1].text):
            above = above[1:] if len(doc.segments[at - 1].text) <= 12 else []
        title = next((i for i in above if _YEAR.search(doc.segments[i].text)), None)
        if title is None or "〔" in doc.segments[title].text:
            continue
        width = max(len(r) for r in table.grid)
        grid = [[doc.segments[title].text] + [""] * (width - 1)] + [
            list(r) + [""] * (width - len(r)) for r in table.grid
        ]
        out = _with_grid(doc, seg, grid)
        segments = [s for i, s in enumerate(out.segments) if i != title]
        merges: dict[int, list[Merge]] = {at - 1: [(0, 0, 0, width - 1)]}
        return Variant("title_in_table", SourceDocument(doc.path, segments), merges)
    return None


def _header_repeated(grid: Grid, block: Block) -> bool:
    """The indicator header printed again where a page breaks, inside the same table, the break falling inside one
    二级 group (its next row's level cells blank) where the table has one (a PDF's text of a table over two pages;
    t49 prints its block header again inside the block)."""
    if block.header_end <= block.header_start or "name" not in block.columns:
        return False
    named = [r for r in block.rows if norm(grid[r][block.columns["name"]]) and not _is_total(grid[r])]
    if len(named) < 4:
        return False
    levels = [block.columns[k] for k in ("level1", "level2") if k in block.columns]
    inside = [r for r in named[1:-1] if levels and not any(norm(grid[r][c]) for c in levels)]
    cut = inside[len(inside) // 2] if inside else named[len(named) // 2]
    header = [list(grid[r]) for r in range(block.header_start, block.header_end)]
    grid[cut:cut] = header
    return True


_FIGURE = re.compile(r"-?\d+(?:\.\d+)?\s*分?")
_NONE = {"", "—", "-", "——"}  # "/" is left out: "///" would not say which side is blank


def _scores_in_one_cell(grid: Grid, block: Block) -> bool:
    """分值 and 得分 in one column, each cell "分值/得分" ("20/20"; the header "分值/得分"), where the block prints
    them side by side. No corpus table prints it: a layout seen in offices' own forms and the form the review could
    not read before (its 分值 column then held no figure). Only where every pair is figures or blank (a row whose
    cells there hold other text, a note or a conclusion across the table, leaves the block alone); a pair with one
    figure keeps the slash on its side ("10/": 得分 blank)."""
    cols = block.columns
    if not block.has("weight", "score") or cols["score"] != cols["weight"] + 1:
        return False
    if block.header_end <= block.header_start:
        return False  # a table without its header (t22): no label says the pair is 分值 and 得分
    w, s = cols["weight"], cols["score"]
    pairs = [(grid[r][w].strip(), grid[r][s].strip()) for r in block.rows]
    if not any(a and b for a, b in pairs) or any(
        not (x in _NONE or _FIGURE.fullmatch(x)) for pair in pairs for x in pair
    ):
        return False
    for r in _block_rows(block):
        a, b = grid[r][w].strip(), grid[r][s].strip()
        if r in block.rows:
            grid[r][w] = f"{a}/{b}" if a or b else ""
        else:  # a header row: the labels joined, a label merged across both written once
            grid[r][w] = f"{a}/{b}" if a and b and norm(a) != norm(b) else a or b
        del grid[r][s]
    return True


_WIDE = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def _full_width(doc: SourceDocument) -> SourceDocument | None:
    """Every figure of the tables in full-width digits ("１００．５０", "９５％"), as a document typed with a
    full-width input method prints them. No corpus table does: a variant the review must read as the
    half-width original (its reader normalises text, NFKC)."""
    changed = False
    for seg, table in _tables(doc):
        grid = [[cell.translate(_WIDE) for cell in row] for row in table.grid]
        if grid != table.grid:
            doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


def _pairs_joined(doc: SourceDocument) -> SourceDocument | None:
    """_scores_in_one_cell on every indicator block; not where a table without a printed header follows one (t08's
    rows after a one-cell "绩效指标" line): a sheet holds both as one grid, and the rows below would keep their two
    columns under a header that now has one."""
    tables = _tables(doc)
    seen = False
    for _, table in tables:
        if seen and not any(b.header_end > b.header_start for b in table.blocks):
            return None
        seen = seen or bool(_indicator_blocks(table))
    return _per_block(_scores_in_one_cell)(doc)


def _serial_column(doc: SourceDocument) -> SourceDocument | None:
    """A 序号 column right before the indicators' levels, numbering each indicator row 1, 2, … (t37 and t43 print one
    as their first column; a side label such as 绩效指标 or 年度绩效目标(80分) stays left of it); the other rows leave
    it blank. Not for a table without its header (t22, t75's tail): nothing would say what the numbers are."""
    changed = False
    for seg, table in _tables(doc):
        blocks = _indicator_blocks(table)
        if not blocks or any(b.header_end <= b.header_start for b in blocks):
            continue
        at = min(b.columns.get("level1", b.columns["name"]) for b in blocks)
        numbers: dict[int, str] = {}
        for b in blocks:
            numbers[b.header_start] = "序号"
            named = [r for r in b.rows if norm(table.grid[r][b.columns["name"]]) and not _is_total(table.grid[r])]
            numbers |= {r: str(i) for i, r in enumerate(named, 1)}
        grid = [[*row[:at], numbers.get(r, ""), *row[at:]] for r, row in enumerate(table.grid)]
        doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


_UNITS = (
    "百分比",
    "人次",
    "万元",
    "平方米",
    "公里",
    "千米",
    "%",
    "％",
    "个",
    "人",
    "户",
    "次",
    "元",
    "天",
    "家",
    "所",
    "项",
    "件",
    "份",
    "亩",
    "米",
    "场",
    "期",
    "篇",
    "台",
    "套",
    "辆",
    "座",
    "处",
    "批",
    "株",
    "头",
    "只",
    "吨",
    "册",
    "条",
    "名",
    "张",
    "间",
    "所",
)  # not 月/年/日: "12月" is a date, not 12 of a unit
_WITH_UNIT = re.compile(r"([≥≤>=<＝≧≦═﹦]*\s*-?\d+(?:\.\d+)?)\s*(" + "|".join(map(re.escape, _UNITS)) + r")")


def _unit_column(grid: Grid, block: Block) -> bool:
    """The unit of each target in its own 度量单位 column right after 年度指标值 ("≥95" | "%", t18, t48 and t60 print
    指标值 | 度量单位), taken out of the 实际完成值 too where it prints the same one ("98%" → "98", as t48 and t60
    print their actuals). Only in a block with one header row and no 度量单位 column of its own."""
    cols = block.columns
    if not block.has("target", "actual") or "measure" in cols or block.header_end - block.header_start != 1:
        return False
    t, a = cols["target"], cols["actual"]
    split = {r: m for r in block.rows if (m := _WITH_UNIT.fullmatch(grid[r][t].strip()))}
    if not split:
        return False
    for r in _block_rows(block):
        unit = ""
        if r == block.header_start or any(r == x.start for x in block.repeats):  # the header, printed again too
            unit = "度量单位"
        elif (m := split.get(r)) is not None:
            grid[r][t], unit = m.group(1), m.group(2)
            actual = grid[r][a].strip()
            if actual.endswith(unit) and number(actual[: -len(unit)]) is not None:
                grid[r][a] = actual[: -len(unit)].strip()
        grid[r].insert(t + 1, unit)
    for r in range(len(grid)):  # the table's other rows keep their width
        if r not in _block_rows(block):
            grid[r].insert(t + 1, "")
    return True


_OPERATOR = re.compile(r"(>=|<=|[≥≤><=＝≧≦═﹦])\s*(\S.*)")


def _operator_column(grid: Grid, block: Block) -> bool:
    """The operator of each target in its own 指标性质 column right before 年度指标值 ("≥" | "95%", t18, t48 and t60
    print 指标性质 | 指标值); a target without one leaves it blank. Only in a block with one header row and no 指标性质
    column of its own."""
    cols = block.columns
    if "target" not in cols or "nature" in cols or block.header_end - block.header_start != 1:
        return False
    t = cols["target"]
    split = {r: m for r in block.rows if (m := _OPERATOR.fullmatch(grid[r][t].strip()))}
    if not split:
        return False
    for r in range(len(grid)):
        nature = ""
        if r == block.header_start or any(r == x.start for x in block.repeats):
            nature = "指标性质"
        elif (m := split.get(r)) is not None:
            nature, grid[r][t] = m.group(1), m.group(2)
        grid[r].insert(t, nature)
    return True


def _weight_percent(doc: SourceDocument) -> SourceDocument | None:
    """The points printed as a share of the hundred, under 权重: "10%" for 10 (t32 heads its points 权重; offices
    that weigh in shares print the share). Only in a table worth 100: its blocks' points, the total row's left out,
    add up to 100, every one a plain figure."""
    changed = False
    for seg, table in _tables(doc):
        grid = [list(r) for r in table.grid]
        cells = [
            (r, b.columns["weight"])
            for b in table.blocks
            if "weight" in b.columns and b.header_end > b.header_start
            for r in b.rows
            if grid[r][b.columns["weight"]].strip() and not _is_total(grid[r])
        ]
        if not cells or any(not re.fullmatch(r"\d+(?:\.\d+)?", grid[r][c].strip()) for r, c in cells):
            continue
        if sum(Decimal(grid[r][c].strip()) for r, c in cells) != 100:
            continue
        for b in (b for b in table.blocks if "weight" in b.columns):
            w = b.columns["weight"]
            for r in range(b.header_start, b.header_end):
                if norm(grid[r][w]) in {"分值", "指标分值"}:
                    grid[r][w] = "权重"
            for r in b.rows:
                if _is_total(grid[r]) and number(grid[r][w]) == 100:
                    grid[r][w] = "100%"
        for r, c in cells:
            grid[r][c] = grid[r][c].strip() + "%"
        doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


def _funds_below(doc: SourceDocument) -> SourceDocument | None:
    """The funds block (its header and amount rows) printed below the indicators, right before the total row where
    the table has one, else after the indicators' last row (offices whose forms put 预算执行情况 last). Only where
    the funds block comes before the indicators in the same table."""
    changed = False
    tables = _tables(doc)
    for i, (seg, table) in enumerate(tables):
        if any(not any(b.header_end > b.header_start for b in t.blocks) for _, t in tables[i + 1 :]):
            continue  # a table without its header follows (t08): a sheet holds both as one grid, its rows would
            # stand under the funds moved last
        blocks = table.blocks
        funds = next((b for b in blocks if b.columns.keys() & {"budget", "executed"}), None)
        indicators = _indicator_blocks(table)
        if funds is None or not indicators or indicators[-1].header_start < funds.header_start:
            continue
        later = [b.header_start for b in blocks if b.header_start > funds.header_start]
        moved = list(range(funds.header_start, min(later)))
        last = indicators[-1]
        totals = [r for r in last.rows if _is_total(table.grid[r])]
        at = totals[0] if totals else last.rows[-1] + 1 if last.rows else last.header_end
        kept = [r for r in range(len(table.grid)) if r not in moved]
        order = [r for r in kept if r < at] + moved + [r for r in kept if r >= at]
        doc, changed = _with_grid(doc, seg, [list(table.grid[r]) for r in order]), True
    return doc if changed else None


def _header_three_deep(doc: SourceDocument) -> Variant | None:
    """The indicators' one-row header made three rows deep, as published: group labels on top — 绩效指标 across the
    levels and the name, 指标完成情况 across 年度指标值 and 实际完成值, 评分 across 分值 and 得分 (gridSpan) — then
    the labels, 年度指标值 over 指标值 in the third row, every other label (and 偏差原因, the side label) merged down
    to the third row (vMerge)."""
    merges: dict[int, list[Merge]] = {}
    for seg, table in _tables(doc):
        blocks = [b for b in _indicator_blocks(table) if b.header_end - b.header_start == 1]
        blocks = [b for b in blocks if b.has("target", "actual", "weight", "score")]
        if not blocks:
            continue
        grid = [list(r) for r in table.grid]
        found: list[Merge] = []
        for b in sorted(blocks, key=lambda b: -b.header_start):
            h, cols = b.header_start, b.columns
            levels = [cols[k] for k in ("level1", "level2", "name") if k in cols]
            spans = [
                ("绩效指标", min(levels), max(levels)),
                ("指标完成情况", min(cols["target"], cols["actual"]), max(cols["target"], cols["actual"])),
                ("评分", min(cols["weight"], cols["score"]), max(cols["weight"], cols["score"])),
            ]
            if max(levels) - min(levels) + 1 != len(levels) or any(hi - lo != 1 for _, lo, hi in spans[1:]):
                continue  # a group over columns that are not side by side would take in others
            top, low = ["" for _ in grid[h]], ["" for _ in grid[h]]
            low[cols["target"]] = "指标值"
            grouped = {c for _, lo, hi in spans for c in range(lo, hi + 1)}
            for c, text in enumerate(grid[h]):  # labels outside the groups stand in the top row, merged down
                if c not in grouped and norm(text):
                    top[c], grid[h][c] = text, ""
            for text, lo, _ in spans:
                top[lo] = text
            grid[h + 1 : h + 1] = [low]
            grid[h:h] = [top]
            found = [(r + 2 if r > h else r, c0, r1 + 2 if r1 > h else r1, c1) for r, c0, r1, c1 in found]
            found += [(h, lo, h, hi) for _, lo, hi in spans if hi > lo]
            found += [(h, c, h + 2, c) for c, text in enumerate(top) if text and c not in grouped]
            found += [(h + 1, c, h + 2, c) for c in grouped if norm(grid[h + 1][c]) and c != cols["target"]]
        if found:
            merges[doc.segments.index(seg)] = found
            doc = _with_grid(doc, seg, grid)
    return Variant("header_three_deep", doc, merges) if merges else None


def _side_by_side(doc: SourceDocument) -> SourceDocument | None:
    """The next table put beside a table in one grid, a blank column between them, its title lines (the paragraphs
    between the two) made its first rows — an office's workbook holding two projects' tables on one sheet, each
    titled above itself. Only for two tables each with an indicator block under a header of its own (t28's two
    projects; t03's tail of one table and head of the next)."""
    segments = list(doc.segments)
    tables = [i for i, s in enumerate(segments) if s.kind == "table"]
    for i, j in itertools.pairwise(tables):
        a, b = segments[i], segments[j]
        between = segments[i + 1 : j]
        if any(s.kind != "paragraph" or "〔" in s.text for s in between):
            continue
        headed = [any(x.header_end > x.header_start for x in _indicator_blocks(build_table(doc, s))) for s in (a, b)]
        if not all(headed):
            continue
        right_rows = [(s.text,) for s in between] + [tuple(r) for r in b.rows]
        wa, wb = (max((len(r) for r in rows), default=0) for rows in (a.rows, right_rows))
        rows = []
        for k in range(max(len(a.rows), len(right_rows))):
            left = list(a.rows[k]) if k < len(a.rows) else []
            right = list(right_rows[k]) if k < len(right_rows) else []
            rows.append(tuple(left + [""] * (wa - len(left)) + [""] + right + [""] * (wb - len(right))))
        later = [replace(s, index=s.index - 1) if s.kind == "table" else s for s in segments[j + 1 :]]
        return SourceDocument(doc.path, [*segments[:i], replace(a, rows=tuple(rows)), *later])
    return None


_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")


def _rate_fraction(doc: SourceDocument) -> SourceDocument | None:
    """The funds' 执行率 printed as a fraction of one to as many places, "0.8619" for 86.19% and "1.00" for 100%
    (t58 prints "0.958"; a sheet formatted as a number, not a percentage, prints them so)."""
    changed = False
    for seg, table in _tables(doc):
        grid = [list(r) for r in table.grid]
        done = False
        for b in table.blocks:
            col = b.columns.get("rate")
            if col is None or not b.columns.keys() & {"budget", "executed"}:
                continue
            for r in b.rows:
                m = _RATE.fullmatch(grid[r][col].strip())
                if m is not None:  # the places kept: 31.00% is 0.3100, not 0.31 (which allows 31.08%)
                    grid[r][col], done = format(Decimal(m.group(1)).scaleb(-2), "f"), True
        if done:
            doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


def _one_per_table(change: Callable[[Grid, Block], bool]) -> Callable[[SourceDocument], SourceDocument | None]:
    """`change` on the last indicator block of each table only (rows are inserted: the other blocks' row
    numbers would move under them)."""

    def make(doc: SourceDocument) -> SourceDocument | None:
        changed = False
        for seg, table in _tables(doc):
            blocks = _indicator_blocks(table)
            grid = [list(r) for r in table.grid]
            if blocks and change(grid, blocks[-1]):
                doc, changed = _with_grid(doc, seg, grid), True
        return doc if changed else None

    return make


KINDS: dict[str, Callable[[SourceDocument], Variant | None]] = {
    "yuan_separators": _simple("yuan_separators", _yuan_separators),
    "spacer_rows": _simple("spacer_rows", _spacer_rows),
    "note_in_table": _note_in_table,
    "title_in_table": _title_in_table,
    "header_repeated": _simple("header_repeated", _one_per_table(_header_repeated)),
    "scores_in_one_cell": _simple("scores_in_one_cell", _pairs_joined),
    "full_width": _simple("full_width", _full_width),
    "serial_column": _simple("serial_column", _serial_column),
    "unit_column": _simple("unit_column", _one_per_table(_unit_column)),
    "operator_column": _simple("operator_column", _one_per_table(_operator_column)),
    "weight_percent": _simple("weight_percent", _weight_percent),
    "funds_below": _simple("funds_below", _funds_below),
    "header_three_deep": _header_three_deep,
    "side_by_side": _simple("side_by_side", _side_by_side),
    "rate_fraction": _simple("rate_fraction", _rate_fraction),
}
