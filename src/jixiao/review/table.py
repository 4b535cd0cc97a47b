"""One table model for every format: a grid of cell texts (a merged cell written once, in its top-left
position), the title rows above the first header, and header blocks whose columns carry a named role.

A header may span several rows (年度指标值 above 指标性质 | 指标值 | 度量单位; 一级指标 above 名称 | 分值): each
column's labels are stacked from top to bottom, a group label carried right over the columns it spans, and
the column takes the role of its deepest label, qualified by a level word above it (一级指标/分值 → w1).
A table holds several blocks when it has several header rows (a MoF table: its funds block, then its
indicators). Roles and label variants come from vocabulary.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from jixiao.model.problems import Location

from .rx import rx
from .source import Segment, SourceDocument
from .vocabulary import norm, vocabulary

__all__ = ["Block", "Table", "build_table", "column_parts", "is_total_label", "number", "tables_of"]

_LEVELS = {"level1": "1", "level2": "2", "name": ""}


def number(text: str) -> Decimal | None:
    """A cell's number: digits with an optional sign, thousands separators, decimals, and a trailing 分/% sign; a
    leading currency sign (a workbook's ¥#,##0.00 or accounting format: ¥1,234.50, ¥-20.00) is no part of it."""
    cleaned = re.sub(r"[\s,，]", "", norm(text))
    cleaned = re.sub(r"(分|%|万元|万|元)$", "", cleaned)
    cleaned = re.sub(r"^([-+]?)[¥￥$]([-+]?)(?=\d)", lambda m: m.group(1) or m.group(2), cleaned)
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


@dataclass
class Block:
    """A header (rows header_start..header_end-1) and the data rows under it."""

    header_start: int
    header_end: int
    columns: dict[str, int]  # role → column
    names: dict[int, str]  # column → its stacked label, e.g. "年度指标值/指标值"
    rows: list[int] = field(default_factory=list)
    repeats: list[range] = field(default_factory=list)
    shifts: dict[int, dict[int, int]] = field(default_factory=dict)  # row → column read → column its figure is in

    def has(self, *roles: str) -> bool:
        return all(r in self.columns for r in roles)


@dataclass
class Table:
    segment: Segment
    grid: list[list[str]]
    titles: list[str]
    blocks: list[Block]
    unit: str | None  # money unit stated in a title row or a header label
    unit_sources: dict[str, str] = field(default_factory=dict)  # unit → where it was stated
    doc: SourceDocument | None = None
    virtual: dict[int, int] = field(default_factory=dict)  # a column added by _split_pairs → the column printed

    def cell(self, r: int, role_or_col: str | int, block: Block | None = None) -> str:
        col = role_or_col if isinstance(role_or_col, int) else (block.columns.get(role_or_col) if block else None)
        if col is not None and block is not None and not isinstance(role_or_col, int):
            col = block.shifts.get(r, {}).get(col, col)
        if col is None or r >= len(self.grid) or col >= len(self.grid[r]):
            return ""
        return self.grid[r][col]

    def location(self, r: int | None = None, c: int | None = None) -> Location:
        c = self.virtual.get(c, c) if c is not None else None
        if self.doc is None:
            return Location("", place=self.segment.place(r, c))
        return self.doc.location(self.segment, r, c)

    def row_text(self, r: int) -> str:
        return "".join(norm(c) for c in self.grid[r])

    def text(self) -> str:
        return "".join(self.row_text(r) for r in range(len(self.grid)))


def _role(label: str) -> str | None:
    """A header label's role; besides the vocabulary's own matching (exact, prefix, contained, or its characters
    scrambled), a label that text recognition read with one character twice among scrambled ones: 年成值全完值
    (two stacked lines 年成值 / 全完值) for 全年完成值. Only for variants of four characters or more."""
    vocab = vocabulary()
    role = vocab.column_role(label)
    if role is not None:
        return role
    text = norm(label)
    if len(text) < 5 or len(text) > 12:
        return None
    chars = set(text)
    for variant, candidate, _, variant_chars in vocab.long_variants:
        if len(text) == len(variant) + 1 and chars == variant_chars:
            extra = sorted(text)
            for ch in variant:
                extra.remove(ch)
            if extra[0] in variant:
                return candidate
    return None


def _roles_in(row: list[str]) -> dict[int, str]:
    out = {}
    for c, cell in enumerate(row):
        role = _role(cell) if norm(cell) and len(norm(cell)) <= 24 else None
        if role is not None:
            out[c] = role
    return out


def _is_numeric_row(row: list[str]) -> bool:
    return any(number(c) is not None for c in row)


def _is_header(row: list[str]) -> bool:
    roles = set(_roles_in(row).values())
    return len(roles) >= 2 and not _is_numeric_row(row)


def _is_header_continuation(row: list[str]) -> bool:
    """A second header row: no numbers, and most of its labels are known (名称/分值, 指标性质/指标值/度量单位)."""
    labels = [c for c in row if norm(c)]
    if not labels or _is_numeric_row(row):
        return False
    known = sum(1 for c in labels if _role(c) is not None or norm(c) == "名称")
    return known >= max(1, (len(labels) + 1) // 2)


def _stacked_labels(rows: list[list[str]], width: int) -> dict[int, list[str]]:
    """Each column's labels from top to bottom; a group label is carried right over the columns that have a
    label below it and none of their own (the span of a merged header cell)."""
    grid = [[norm(r[c]) if c < len(r) else "" for c in range(width)] for r in rows]
    for h in range(len(grid) - 1):
        for c in range(1, width):
            below = any(grid[k][c] for k in range(h + 1, len(grid)))
            left_below = any(grid[k][c - 1] for k in range(h + 1, len(grid)))
            if not grid[h][c] and below and grid[h][c - 1] and left_below:
                grid[h][c] = grid[h][c - 1]
    return {c: [grid[h][c] for h in range(len(grid)) if grid[h][c]] for c in range(width)}


def _column_roles(labels: dict[int, list[str]]) -> tuple[dict[str, int], dict[int, str]]:
    vocab = vocabulary()
    columns: dict[str, int] = {}
    names: dict[int, str] = {}
    best: dict[str, int] = {}
    leaf_scores: list[int] = []
    for c, stack in sorted(labels.items()):
        if not stack:
            continue
        names[c] = "/".join(dict.fromkeys(stack))
        deepest = next((_role(x) for x in reversed(stack) if _role(x)), None)
        if deepest is None and stack[-1] == "名称":
            deepest = "name"
        if deepest is None:
            continue
        level = next((_LEVELS[r] for r in map(vocab.column_role, stack[:-1]) if r in _LEVELS), None)
        if level is None and len(stack) == 1 and deepest in ("weight", "score"):
            # a flat header: 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 — a weight right of a level is its
            left = next((labels[k] for k in range(c - 1, -1, -1) if labels.get(k)), [])
            left_role = vocab.column_role(left[-1]) if left else None
            level = {"level1": "1", "level2": "2"}.get(left_role or "")
        role = deepest
        if level is not None and deepest in ("name", "weight", "score"):
            if deepest == "name":
                role = {"1": "level1", "2": "level2", "": "name"}[level]
            else:
                role = {"weight": "w", "score": "s"}[deepest] + level if level else deepest
        quality = max(vocab.column_match(x)[1] for x in stack)
        if role == "score" and level is None:
            leaf_scores.append(c)
        if role not in columns or quality > best[role]:
            columns[role], best[role] = c, quality
    if (
        "weight" not in columns
        and len(leaf_scores) >= 2
        and leaf_scores[-1] - leaf_scores[0] >= 2
        and names[leaf_scores[0]] == names[leaf_scores[-1]]  # 得分 … 得分, not 自评得分 … 县级评分
    ):
        # 三级指标 | 得分 | 评价标准 | 指标说明 | 得分, no 分值 column: the 得分 beside the name, before the criteria
        # that say what it is worth ("计8分"), holds the full points; the last 得分 is what was awarded
        columns["weight"], columns["score"] = leaf_scores[0], leaf_scores[-1]
    return columns, names


_UNIT = rx(r"(?:单位|金额单位|资金单位)\s*[:：]?\s*(亿元|万元|千元|元)|[(（]\s*(亿元|万元|千元|元)\s*[)）]")


_LEVEL_WEIGHT = rx(r"[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]")


def _headerless(grid: list[list[str]]) -> list[Block]:
    """A score table without its header (a page after the one that had it): rows ending in two figures
    (分值, 得分), levels labelled with their weight ("项目决策 (20 分)") to the left of the indicator's name."""
    ends = []
    for r, row in enumerate(grid):
        filled = [c for c, x in enumerate(row) if x.strip()]
        if len(filled) >= 3 and number(row[filled[-1]]) is not None and number(row[filled[-2]]) is not None:
            ends.append((r, filled[-2], filled[-1]))
    # the labels in the table's first two columns, wherever the table starts in the grid (a sheet's from C5)
    lead = min((c for row in grid for c, x in enumerate(row) if x.strip()), default=0)
    labelled = sum(1 for row in grid for x in row[lead : lead + 2] if _LEVEL_WEIGHT.search(x))
    if len(ends) < 3 or labelled < 2:
        return []
    weight = max({w for _, w, _ in ends}, key=lambda w: sum(1 for _, x, _ in ends if x == w))
    score = weight + 1
    if weight < 1 or sum(1 for _, w, s in ends if (w, s) == (weight, score)) < 0.8 * len(ends):
        return []
    # the name is the nearest column left of the weight that holds any text, the levels the ones before it (an
    # empty column between them is a spacer a sheet may have: corpus t03, t07, t60)
    filled = [c for c in range(weight) if any(row[c].strip() for row in grid)] or [weight - 1]
    columns = {"name": filled[-1], "weight": weight, "score": score}
    if len(filled) >= 2:
        columns["level1"] = filled[0]
    if len(filled) >= 3:
        columns["level2"] = filled[1]
    return [Block(0, 0, columns, {c: role for role, c in columns.items()}, rows=list(range(len(grid))))]


def _shift_wide_rows(grid: list[list[str]], blocks: list[Block]) -> None:
    """A funds row wider than its header: an unbroken run of figures from the first amount column that ends right
    of the header's last label (corpus t73: "年度资金总额: | 28.1 | 28.1 | 28.1 | 28.1 | 10 | 100% | 10" under
    年初预算数 | 全年预算数 | 全年执行数 | 分值 | 预算执行率 | 得分). Its figures are read right-aligned to the
    header's labels — 得分 is the row's last figure, not the 10 under 预算执行率 — and the extra ones are its
    leftmost. A column empty in the header and in the row (a spacer, as t03, t07, t60 print) is no break in the
    run and holds no figure."""
    for b in blocks:
        amounts = [b.columns[k] for k in ("initial", "budget", "executed") if k in b.columns]
        labelled = {c for r in range(b.header_start, b.header_end) for c, x in enumerate(grid[r]) if x.strip()}
        if not amounts or not labelled:
            continue
        first, last = min(amounts), max(labelled)
        labels = sorted(c for c in labelled if c >= first)
        for r in b.rows:
            run = [c for c, x in enumerate(grid[r]) if x.strip() and c >= first]
            if not run or run[-1] <= last or len(run) <= len(labels):
                continue
            if any(c not in run and (c in labelled or c > last) for c in range(first, run[-1] + 1)):
                continue  # a gap under a label, or right of the header: not one run
            if all(number(grid[r][c]) is not None for c in run):
                extra = len(run) - len(labels)
                b.shifts[r] = {label: run[i + extra] for i, label in enumerate(labels)}


def is_total_label(text: str) -> bool:
    """A score table's total row label: 合计, 总分 …, also with the full score it is out of ("总分(100分)", t33)."""
    totals = {norm(w) for w in vocabulary().words("totals")}
    label = norm(text)
    return label in totals or re.sub(r"\(\d+(?:\.\d+)?分\)$", "", label) in totals


def _total_back_above(grid: list[list[str]], blocks: list[Block]) -> None:
    """The funds block printed below the indicators (预算执行情况 last, as some offices' forms print it): the total
    row after its amount rows (总分 | 100 | 96) is the indicators' total, aligned to their columns, not a funds row
    — it goes back to the indicator block above."""
    for i, b in enumerate(blocks):
        if i == 0 or not b.columns.keys() & {"budget", "executed"}:
            continue
        above = blocks[i - 1]
        if "name" not in above.columns or not above.columns.keys() & {"score", "weight"}:
            continue
        first = next(
            (k for k, r in enumerate(b.rows) if is_total_label(next((c for c in grid[r] if c.strip()), ""))), None
        )
        if first is not None:
            above.rows += b.rows[first:]
            del b.rows[first:]


_PAIR_LABEL = re.compile(r"(.+?)\s*/\s*(.+)")
_SIDE = r"(-?\d+(?:\.\d+)?\s*分?|—+|-+)?"
_PAIR_CELL = re.compile(rf"{_SIDE}\s*/\s*{_SIDE}")


def _pair_roles(label: str) -> tuple[str, str] | None:
    """The roles of a header label that names 分值 and 得分 in one cell ("分值/得分", "分值／自评得分",
    "得分/分值"), in the order printed."""
    m = _PAIR_LABEL.fullmatch(norm(label))
    if m is None:
        return None
    first, second = _role(m.group(1)), _role(m.group(2))
    if first is None or second is None or {first, second} != {"weight", "score"}:
        return None
    return first, second


def _split_pairs(grid: list[list[str]], blocks: list[Block]) -> dict[int, int]:
    """分值 and 得分 printed in one column, its header "分值/得分" and each cell a pair ("20/20", "10／9.5", "10/" with
    得分 blank): the first figure stays in the column, the second goes to a column added right of the table's last,
    so that every other cell keeps its place; the added column's findings are placed at the pair's cell (the map
    returned: added column → printed column). A cell that is no pair stays whole under the first role; a column
    without any pair is left as it was."""
    virtual: dict[int, int] = {}
    for b in blocks:
        labels = [(c, text) for r in range(b.header_start, b.header_end) for c, text in enumerate(grid[r])]
        found = next(((c, text, roles) for c, text in labels if (roles := _pair_roles(text)) is not None), None)
        if found is None:
            continue
        c, label, (first, second) = found
        if b.columns.get(second, c) != c:
            continue  # the block has its own column for the second role: the label is not a pair of columns
        pairs = [m for r in b.rows if (m := _PAIR_CELL.fullmatch(norm(grid[r][c]))) and (m.group(1) or m.group(2))]
        if not pairs:
            continue  # one figure a cell under a joined label: which of the two it is, the table does not say
        v = len(grid[0])
        for row in grid:
            row.append("")
        for r in b.rows:
            pair = _PAIR_CELL.fullmatch(norm(grid[r][c]))
            if pair is not None:
                grid[r][c], grid[r][v] = (pair.group(1) or "").strip(), (pair.group(2) or "").strip()
        b.columns[first], b.columns[second] = c, v
        m = _PAIR_LABEL.fullmatch(norm(label))
        b.names[v] = m.group(2) if m else second
        virtual[v] = c
    return virtual


# full-width figures ("１００．５０", "９５％", "３／２"), as a document typed with a full-width input method prints
# them, read as the half-width ones every check's patterns are written for
_HALF = str.maketrans("０１２３４５６７８９．％／", "0123456789.%/")


def build_table(doc: SourceDocument | None, seg: Segment) -> Table:
    width = max((len(r) for r in seg.rows), default=0)
    grid = [[c.translate(_HALF) for c in r] + [""] * (width - len(r)) for r in seg.rows]
    blocks: list[Block] = []
    r = 0
    while r < len(grid):
        if _is_header(grid[r]):
            end = r + 1
            while end < len(grid) and end - r < 4 and (_is_header(grid[end]) or _is_header_continuation(grid[end])):
                end += 1
            columns, names = _column_roles(_stacked_labels(grid[r:end], width))
            if blocks and blocks[-1].columns == columns:
                blocks[-1].repeats.append(range(r, end))  # the header repeated on a new page
            else:
                blocks.append(Block(r, end, columns, names))
            r = end
            continue
        if blocks:
            blocks[-1].rows.append(r)
        r += 1
    if not blocks:
        blocks = _headerless(grid)
    _total_back_above(grid, blocks)
    _shift_wide_rows(grid, blocks)
    virtual = _split_pairs(grid, blocks)
    first = blocks[0].header_start if blocks else len(grid)
    titles = ["".join(c for c in row if c.strip()) for row in grid[:first] if sum(1 for c in row if c.strip()) == 1]
    table = Table(seg, grid, titles, blocks, None, doc=doc, virtual=virtual)
    for r, row in enumerate(grid):
        header_row = any(b.header_start <= r < b.header_end for b in blocks)
        if r >= first and not header_row:
            continue
        for c, text in enumerate(row):
            m = _UNIT.search(unicode_text(text))
            if m:
                unit = m.group(1) or m.group(2)
                table.unit_sources.setdefault(unit, seg.place(r, c))
    if doc is not None and seg in doc.segments:  # "单位：元" in a line right above the table
        at = doc.segments.index(seg)
        for before in reversed(doc.segments[max(0, at - 4) : at]):
            m = _UNIT.search(unicode_text(before.text)) if before.kind == "paragraph" else None
            if m:
                table.unit_sources.setdefault(m.group(1) or m.group(2), before.place())
                break
    if table.unit_sources:
        table.unit = next(iter(table.unit_sources))
    return table


def unicode_text(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").replace("：", ":")


_NAMES = {"name", "level1", "level2"}
_FIGURES = {"score", "weight", "target", "actual", "budget", "executed"}


def _whole_header(rows: list[list[str]]) -> bool:
    """Whether a part of a grid holds a table's header of its own: a header row naming the indicators and a column
    of their figures (三级指标 … 年度指标值 … 得分)."""
    for row in rows:
        roles = set(_roles_in(row).values())
        if _is_header(row) and roles & _NAMES and roles & _FIGURES:
            return True
    return False


def column_parts(seg: Segment) -> list[Segment]:
    """Two tables side by side in one sheet, a column empty from top to bottom between them, each part holding a
    header of its own (an office's workbook with two projects' tables on one sheet): each part as a segment of the
    same shape with the other's cells blank, so that every cell keeps its printed place. An empty column inside one
    table (a spacer after the names: t03, t07, t60) leaves a part without the indicators' names or their figures,
    and the segment whole."""
    width = max((len(r) for r in seg.rows), default=0)
    rows = [list(r) + [""] * (width - len(r)) for r in seg.rows]
    for c in range(1, width - 1):
        if any(r[c].strip() for r in rows):
            continue
        if _whole_header([r[:c] for r in rows]) and _whole_header([r[c + 1 :] for r in rows]):
            left = replace(seg, rows=tuple(tuple(r[:c] + [""] * (width - c)) for r in rows))
            right = replace(seg, rows=tuple(tuple([""] * (c + 1) + r[c + 1 :]) for r in rows))
            return [left, *column_parts(right)]
    return [seg]


def tables_of(doc: SourceDocument) -> list[Table]:
    return [_part_table(doc, seg, part) for seg in doc.tables() for part in column_parts(seg)]


def _part_table(doc: SourceDocument, seg: Segment, part: Segment) -> Table:
    """A table of a part of a segment (column_parts), known as the segment it is printed in."""
    table = build_table(doc, part)
    table.segment = seg
    return table
