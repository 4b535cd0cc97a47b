"""Measuring the review's generality: one corpus table laid out as other offices lay it out must review the same.

From a table document's parsed rows, each variant changes the layout and nothing the table says: columns
moved where their order means nothing, header words swapped for the synonyms other tables print, a one-row
header made two rows with merged group cells, level cells repeated, merged down or left blank below, an empty
column, the money unit stated elsewhere or the amounts in 元, a 注 row after the table, the table split with
its header repeated, ％ for %, the total row without its 分值. Each kind cites a corpus table that shows it.
A variant carries the merged ranges its writer must make (corpus.write_docx / write_xlsx) and the finding
codes whose ground it removes (a column dropped cannot be checked). More kinds are in variantkinds.py;
variantcompare.py makes every kind of a document and compares its review with the original's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .source import Segment, SourceDocument
from .table import Block, Table, build_table, number
from .vocabulary import norm, vocabulary

__all__ = ["KINDS", "Variant"]

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (inclusive) of a table


@dataclass(frozen=True)
class Variant:
    kind: str
    document: SourceDocument
    merges: dict[int, list[Merge]] = field(default_factory=dict)  # segment index → merged ranges
    drops: frozenset[str] = frozenset()  # finding codes the variant takes the ground of away


Grid = list[list[str]]

# synonyms of header labels, each list printed by real tables (corpus ids beside): a label is swapped for the next
_SYNONYMS = [
    ["年度指标值", "预期指标值", "目标值"],  # t01, t25, t32
    ["实际完成值", "全年实际值", "完成值"],  # t01, t05, t18 (指标值/完成值 pairs in t13)
    ["分值", "权重", "指标分值"],  # t01, t07, t04
    ["得分", "自评得分", "评分"],  # t01, t06, t32
]
_NEXT = {norm(w): ws[(i + 1) % len(ws)] for ws in _SYNONYMS for i, w in enumerate(ws)}
_LEVEL_ROLES = ("level1", "level2")


def _indicator_blocks(table: Table) -> list[Block]:
    return [b for b in table.blocks if "name" in b.columns and b.columns.keys() & {"score", "target", "weight"}]


def _is_total(row: list[str] | tuple[str, ...]) -> bool:
    """A table's total row: its first filled cell one of vocabulary.yaml's totals, or opening with 合计/总分/总计."""
    first = next((norm(c) for c in row if norm(c)), "")
    return first in {norm(t) for t in vocabulary().words("totals")} or first.startswith(("合计", "总分", "总计"))


def _block_rows(block: Block) -> list[int]:
    return sorted({*range(block.header_start, block.header_end), *block.rows, *(r for x in block.repeats for r in x)})


def _with_grid(doc: SourceDocument, seg: Segment, grid: Grid) -> SourceDocument:
    segments = list(doc.segments)
    segments[segments.index(seg)] = replace(seg, rows=tuple(tuple(r) for r in grid))
    return SourceDocument(doc.path, segments)


def _tables(doc: SourceDocument) -> list[tuple[Segment, Table]]:
    return [(seg, build_table(doc, seg)) for seg in doc.tables()]


def _per_block(
    change: Callable[[Grid, Block], bool], whole: bool = False
) -> Callable[[SourceDocument], SourceDocument | None]:
    """A variant made by changing each indicator block's grid in place; None where no block was changed. With
    `whole`, only a table whose blocks end in a whole row: a last row the transcript cut short (its last cells
    lost, t48) cannot have its columns moved, as its lost cells would then stand in the middle."""

    def make(doc: SourceDocument) -> SourceDocument | None:
        changed = False
        for seg, table in _tables(doc):
            grid = [list(r) for r in table.grid]
            if whole and any(_cut_short(doc, seg, b) for b in _indicator_blocks(table)):
                continue
            done = [change(grid, b) for b in _indicator_blocks(table)]
            if any(done):
                doc, changed = _with_grid(doc, seg, grid), True
        return doc if changed else None

    return make


def _cut_short(doc: SourceDocument, seg: Segment, block: Block) -> bool:
    """Whether the transcript was cut among the figures of the block's last row (t48: its 分值 kept, its 得分 lost;
    the corpus marks a cut with 〔以下原文未存〕 right after): moved, the lost cells would stand in the middle."""
    at = doc.segments.index(seg)
    after = doc.segments[at + 1].text if at + 1 < len(doc.segments) else ""
    last = len(seg.rows) - 1
    figures = [block.columns[k] for k in ("target", "actual", "weight", "score") if k in block.columns]
    cut = after.startswith("〔以下原文未存") and last in block.rows and bool(figures)
    return cut and min(figures) < len(seg.rows[last]) <= max(figures)


def _permute(grid: Grid, rows: list[int], order: list[int]) -> None:
    for r in rows:
        row = grid[r]
        grid[r] = [row[c] for c in order] + row[len(order) :]


def _scores_moved(grid: Grid, block: Block) -> bool:
    """分值/得分 before the targets (t05, t15, t27) where they follow them (t01), and after where they precede."""
    cols = block.columns
    target = min((cols[k] for k in ("target", "actual") if k in cols), default=None)
    moved = [cols[k] for k in ("weight", "score") if k in cols]
    if target is None or not moved or "name" not in cols:
        return False
    width = len(grid[0])
    rest = [c for c in range(width) if c not in moved]
    if moved[0] > target:  # after the targets: put them right after the indicator's name
        at = rest.index(cols["name"]) + 1
    else:  # before: put them after the last target/actual column
        at = rest.index(max(cols[k] for k in ("target", "actual") if k in cols)) + 1
    order = rest[:at] + moved + rest[at:]
    if order == list(range(width)):
        return False
    _permute(grid, _block_rows(block), order)
    return True


def _reason_dropped(grid: Grid, block: Block) -> bool:
    """No 偏差原因 column (t13, t17, t26 print none)."""
    col = block.columns.get("reason")
    if col is None:
        return False
    for r in _block_rows(block):
        del grid[r][col]
    return True


def _synonyms(grid: Grid, block: Block) -> bool:
    changed = False
    for r in range(block.header_start, block.header_end):
        for c, cell in enumerate(grid[r]):
            new = _NEXT.get(norm(cell))
            if new is not None:
                grid[r][c], changed = new, True
    return changed


def _level_cells(grid: Grid, block: Block) -> Iterator[tuple[int, int]]:
    """(row, column) of the level cells of the block's indicator rows."""
    for role in _LEVEL_ROLES:
        col = block.columns.get(role)
        if col is None:
            continue
        for r in block.rows:
            if not _is_total(grid[r]) and any(norm(x) for x in grid[r][col + 1 :]):
                yield r, col


def _levels_repeated(grid: Grid, block: Block) -> bool:
    """一级/二级 printed on every row (t03, t11, t49 repeat them)."""
    changed = False
    last: dict[int, str] = {}
    for r, c in _level_cells(grid, block):
        if norm(grid[r][c]):
            last[c] = grid[r][c]
        elif c in last:
            grid[r][c], changed = last[c], True
    return changed


def _runs(grid: Grid, block: Block) -> list[Merge]:
    """Each level label with the rows below it that are blank or repeat it: a merged range."""
    out = []
    for role in _LEVEL_ROLES:
        col = block.columns.get(role)
        if col is None:
            continue
        rows = [r for r, c in _level_cells(grid, block) if c == col]
        start = None
        for i, r in enumerate(rows):
            text = norm(grid[r][col])
            if start is not None and (not text or text == norm(grid[start][col])) and r == rows[i - 1] + 1:
                grid[r][col] = ""
                continue
            if start is not None and rows[i - 1] > start:
                out.append((start, col, rows[i - 1], col))
            start = r if text else None
        if start is not None and rows and rows[-1] > start:
            out.append((start, col, rows[-1], col))
    return out


def _levels_merged(doc: SourceDocument) -> Variant | None:
    """一级/二级 merged down over their indicators (vMerge in Word, a merged range in Excel; t18, t48 as published)."""
    merges: dict[int, list[Merge]] = {}
    for seg, table in _tables(doc):
        grid = [list(r) for r in table.grid]
        found = [m for b in _indicator_blocks(table) for m in _runs(grid, b)]
        if found:
            merges[doc.segments.index(seg)] = found
            doc = _with_grid(doc, seg, grid)
    return Variant("levels_merged", doc, merges) if merges else None


def _levels_blank(grid: Grid, block: Block) -> bool:
    """A level repeated on every row printed once, blank below (t01, t05): only where the table repeats it."""
    changed = False
    for role in _LEVEL_ROLES:
        col = block.columns.get(role)
        previous = ""
        for r, c in _level_cells(grid, block):
            if c != col:
                continue
            text = norm(grid[r][c])
            if text and text == previous:
                grid[r][c], changed = "", True
            previous = text or previous
    return changed


def _two_row_header(doc: SourceDocument) -> Variant | None:
    """A one-row header as two rows: 年度指标值 above 指标值 (t18, t48), every other label merged down over both."""
    merges: dict[int, list[Merge]] = {}
    for seg, table in _tables(doc):
        blocks = [b for b in _indicator_blocks(table) if b.header_end - b.header_start == 1 and "target" in b.columns]
        if not blocks:
            continue
        grid = [list(r) for r in table.grid]
        found: list[Merge] = []
        for b in sorted(blocks, key=lambda b: -b.header_start):
            h = b.header_start
            below = ["" for _ in grid[h]]
            below[b.columns["target"]] = "指标值"
            grid.insert(h + 1, below)
            found = [(r + 1 if r > h else r, c0, r1 + 1 if r1 > h else r1, c1) for r, c0, r1, c1 in found]
            found += [(h, c, h + 1, c) for c, text in enumerate(grid[h]) if text and c != b.columns["target"]]
        merges[doc.segments.index(seg)] = found
        doc = _with_grid(doc, seg, grid)
    return Variant("two_row_header", doc, merges) if merges else None


def _header_merged(doc: SourceDocument) -> Variant | None:
    """A two-row header as published (t18, t48, t02): a group label merged across the columns it spans (gridSpan),
    each other label merged down over both rows (vMerge), and the block's side label (绩效指标) merged down over
    the blank cells below it."""
    merges: dict[int, list[Merge]] = {}
    for seg, table in _tables(doc):
        found: list[Merge] = []
        for b in _indicator_blocks(table):
            if b.header_end - b.header_start != 2:
                continue
            top, low, h = table.grid[b.header_start], table.grid[b.header_start + 1], b.header_start
            for c, text in enumerate(top):
                if not norm(text):
                    continue
                end = c
                while end + 1 < len(top) and not norm(top[end + 1]) and norm(low[end + 1]):
                    end += 1
                if end > c and norm(low[c]):
                    found.append((h, c, h, end))
                elif not norm(low[c]):
                    found.append((h, c, h + 1, c))
            side = next((c for c in range(len(top)) if norm(top[c]) and c not in b.columns.values()), None)
            if side is not None and side < min(b.columns.values()):
                last = h + 1
                while last + 1 < len(table.grid) and last + 1 in b.rows and not norm(table.grid[last + 1][side]):
                    last += 1
                if last > h + 1:
                    found = [m for m in found if m[1] != side] + [(h, side, last, side)]
        if found:
            merges[doc.segments.index(seg)] = found
    return Variant("header_merged", doc, merges) if merges else None


def _empty_column(doc: SourceDocument) -> SourceDocument | None:
    """An empty column after the indicators' names (t03, t07, t60 have one)."""
    changed = False
    for seg, table in _tables(doc):
        blocks = _indicator_blocks(table)
        if not blocks:
            continue
        at = blocks[0].columns["name"] + 1
        doc = _with_grid(doc, seg, [[*row[:at], "", *row[at:]] for row in table.grid])
        changed = True
    return doc if changed else None


_UNIT_IN = re.compile(r"\s*[(（]\s*万元\s*[)）]|\s*(?:金额)?单位\s*[:：]\s*万元")


def _unit_in_headers(doc: SourceDocument) -> SourceDocument | None:
    """单位 stated in each amount header ("全年预算数（万元）", t14 states 单位:万元 above, t01 in the block label)."""
    changed = False
    amount_roles = ("initial", "budget", "executed")
    for seg, table in _tables(doc):
        funds = [b for b in table.blocks if b.columns.keys() & set(amount_roles)]
        if table.unit != "万元" or not funds:
            continue
        grid = [list(r) for r in table.grid]
        for r, row in enumerate(grid[: funds[0].header_end]):
            for c, cell in enumerate(row):
                grid[r][c] = _UNIT_IN.sub("", cell)
        for b in funds:
            for role in amount_roles:
                if role in b.columns:
                    r = b.header_end - 1
                    grid[r][b.columns[role]] += "（万元）"
        doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


def _in_yuan(doc: SourceDocument) -> SourceDocument | None:
    """The funds in 元 under a title saying 元 (t18, t28, t60)."""
    return to_yuan(doc, lambda v: f"{v:f}")


_AMOUNTS = ("initial", "budget", "executed")
CENTS = Decimal("0.01")
_INLINE = re.compile(r"^(.*[:：]\s*)(\d+(?:\.\d+)?)$")  # "按收入性质分:2456.18" (t38, t76)


def _exact_parts(table: Table, block: Block) -> bool:
    """Whether the block's figures keep their meaning in 元: no row carries a figure right of the header's last
    label (t73's rows carry one amount more than its header: their columns are the review's reading, not the
    variant's to move), and the first row's amounts are not off their other rows' sum by the rounding of 万元
    only (t72: 7165.32 against parts adding to 7165.29 — within the rounding of five figures printed to 0.01万元,
    but printed to the 分 in 元 the parts would be exact and the 300 元 apart a finding)."""
    last = max(block.columns.values())
    if any(number(c) is not None for r in block.rows for c in table.grid[r][last + 1 :]):
        return False
    for role in _AMOUNTS:
        col = block.columns.get(role)
        cells = [table.grid[r][col] for r in block.rows] if col is not None else []
        given = [v for v in (number(c) for c in cells) if v is not None]
        if len(given) < 3:
            continue
        places = max((len(c.strip().split(".")[1]) if "." in c else 0) for c in cells)
        diff = abs(given[0] - sum(given[1:]))
        if 0 < diff <= Decimal(5).scaleb(-places - 1) * len(given):
            return False
    return True


def to_yuan(doc: SourceDocument, write: Callable[[Decimal], str]) -> SourceDocument | None:
    """Every table's funds amounts in 元 (× 10000, to the 分) written by `write`, the 万元 of the title and the
    block's header made 元; each amount of the block converted, an amount after its label too. None when no
    table's funds can be converted without changing what they say (see _exact_parts)."""
    changed = False
    for seg, table in _tables(doc):
        funds = [b for b in table.blocks if b.columns.keys() & set(_AMOUNTS)]
        if table.unit != "万元" or not funds or not all(_exact_parts(table, b) for b in funds):
            continue
        at = doc.segments.index(seg)
        segments = list(doc.segments)
        for i in range(max(0, at - 4), at):  # "单位：万元" in a line right above the table
            if segments[i].kind == "paragraph" and _UNIT_IN.search(segments[i].text):
                segments[i] = replace(segments[i], text=segments[i].text.replace("万元", "元"))
        doc = SourceDocument(doc.path, segments)
        seg = segments[at]
        head = funds[0].header_end
        grid = [[re.sub("万元", "元", c) if r < head else c for c in row] for r, row in enumerate(table.grid)]
        for b in funds:
            amounts = {b.columns[k] for k in _AMOUNTS if k in b.columns}
            for r in b.rows:
                for c, cell in enumerate(grid[r]):
                    value = number(cell)
                    if c in amounts and value is not None and re.fullmatch(r"[\d.,]+", cell.strip()):
                        grid[r][c] = write((value * 10000).quantize(Decimal("0.01")))
                    elif inline := _INLINE.match(cell.strip()):
                        grid[r][c] = inline.group(1) + write(
                            (Decimal(inline.group(2)) * 10000).quantize(Decimal("0.01"))
                        )
        doc, changed = _with_grid(doc, seg, grid), True
    return doc if changed else None


def _note_after(doc: SourceDocument) -> SourceDocument | None:
    """A 注 line after the table (t05)."""
    tables = doc.tables()
    if not tables:
        return None
    segments = list(doc.segments)
    at = segments.index(tables[-1]) + 1
    paragraphs = max((s.index for s in segments if s.kind == "paragraph"), default=0)
    note = Segment("paragraph", paragraphs + 1, "注：各项得分保留两位小数。")
    return SourceDocument(doc.path, [*segments[:at], note, *segments[at:]])


def _split(doc: SourceDocument) -> SourceDocument | None:
    """The indicators split over two tables, the header printed again on the second (t28's two pages)."""
    for seg, table in _tables(doc):
        named = {
            id(b): [r for r in b.rows if norm(table.grid[r][b.columns["name"]]) and not _is_total(table.grid[r])]
            for b in _indicator_blocks(table)
        }
        # a page breaks among the indicators: the rows after the last one (合计, 评价结论 …) stay together
        blocks = [b for b in _indicator_blocks(table) if len(named[id(b)]) >= 4 and b.header_end > b.header_start]
        if not blocks:
            continue
        b = blocks[-1]
        cut = named[id(b)][len(named[id(b)]) // 2]
        grid = table.grid
        first = [list(r) for r in grid[:cut]]
        second = [list(r) for r in grid[b.header_start : b.header_end]] + [list(r) for r in grid[cut:]]
        segments = list(doc.segments)
        at = segments.index(seg)
        tail = [replace(s, index=s.index + 1) if s.kind == "table" else s for s in segments[at + 1 :]]
        one = replace(seg, rows=tuple(tuple(r) for r in first))
        two = replace(seg, index=seg.index + 1, rows=tuple(tuple(r) for r in second))
        return SourceDocument(doc.path, [*segments[:at], one, two, *tail])
    return None


def _percent_wide(grid: Grid, block: Block) -> bool:
    """％ for % in the cells (t04, t05, t16 print ％)."""
    changed = False
    for r in block.rows:
        for c, cell in enumerate(grid[r]):
            if "%" in cell:
                grid[r][c], changed = cell.replace("%", "％"), True
    return changed


def _total_without_weight(grid: Grid, block: Block) -> bool:
    """The total row with its 得分 only, the 分值 total left blank (t61 prints its 总分 alone)."""
    col = block.columns.get("weight")
    for r in block.rows:
        if col is not None and _is_total(grid[r]) and number(grid[r][col]) is not None:
            grid[r][col] = ""
            return True
    return False


def _simple(kind: str, make: Callable[[SourceDocument], SourceDocument | None], drops: frozenset[str] = frozenset()):
    def run(doc: SourceDocument) -> Variant | None:
        out = make(doc)
        return Variant(kind, out, {}, drops) if out is not None else None

    return run


# Without a 偏差原因 column a lost point's reason may be given elsewhere: the review then judges neither a missing
# reason nor a met target that lost points (t19: partial scores on met targets, no reason column, no finding).
_NO_REASON = frozenset({"review.missing_reason", "review.target_met_lost"})

KINDS: dict[str, Callable[[SourceDocument], Variant | None]] = {
    "scores_moved": _simple("scores_moved", _per_block(_scores_moved, whole=True)),
    "reason_dropped": _simple("reason_dropped", _per_block(_reason_dropped), _NO_REASON),
    "synonyms": _simple("synonyms", _per_block(_synonyms)),
    "two_row_header": _two_row_header,
    "header_merged": _header_merged,
    "levels_repeated": _simple("levels_repeated", _per_block(_levels_repeated)),
    "levels_merged": _levels_merged,
    "levels_blank": _simple("levels_blank", _per_block(_levels_blank)),
    "empty_column": _simple("empty_column", _empty_column),
    "unit_in_headers": _simple("unit_in_headers", _unit_in_headers),
    "in_yuan": _simple("in_yuan", _in_yuan),
    "note_after": _simple("note_after", _note_after),
    "split": _simple("split", _split),
    "percent_wide": _simple("percent_wide", _per_block(_percent_wide)),
    "total_without_weight": _simple(
        "total_without_weight", _per_block(_total_without_weight), frozenset({"review.weight_sum"})
    ),
}
