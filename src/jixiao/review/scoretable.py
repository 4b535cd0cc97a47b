"""Score sheets read from the table model (table.py): an indicator block (一级 | 二级 | 三级 | … | 分值 | 得分)
with its levels carried down over merged cells, the weights stated in level labels ("产出指标(50分)") or in
their own columns, its total row, the funds block above it (年度资金总额 and its 其中 rows), and the weights
a note under the table sets for the levels. Two families (REFERENCE §2): "three_level" (seed 000's 表1, a
weight beside each level) and "mof" (a target and an actual per indicator, the MoF self-evaluation table)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.model.problems import Location

from .rx import rx
from .source import Segment, SourceDocument
from .table import Block, Table, build_table, column_parts, is_total_label, number
from .vocabulary import norm, vocabulary

__all__ = ["FundsRow", "ScoreRow", "ScoreTable", "find_score_tables", "level_label", "not_applicable", "row_basis"]

_LABEL_WEIGHT = rx(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]|(?<=[^\d.])(\d+(?:\.\d+)?)分$")


def level_label(text: str) -> tuple[str, Decimal | None]:
    """ "产出指标(50分)" → ("产出指标", 50); "(50分)" → ("(50分)", 50); "决策" → ("决策", None)."""
    clean = re.sub(r"\s+", "", text or "")
    m = _LABEL_WEIGHT.search(clean)
    if not m:
        return clean, None
    name = _LABEL_WEIGHT.sub("", clean)
    return (name or clean), Decimal(m.group(1) or m.group(2))


@dataclass(frozen=True)
class ScoreRow:
    level1: str
    level1_weight: Decimal | None
    level2: str
    level2_weight: Decimal | None
    name: str
    weight: Decimal | None
    score: Decimal | None
    location: Location
    target: str = ""
    actual: str = ""
    reason: str = ""
    row: int = 0
    score_col: int = 0
    weight_col: int | None = None
    nature: str = ""
    measure: str = ""
    level1_label: str = ""  # as printed, e.g. "产出指标(50分)"
    weight_text: str = ""
    score_text: str = ""
    level1_score: Decimal | None = None
    level2_score: Decimal | None = None
    complete: bool = True  # the row has all its cells (not cut in the middle by the end of the stored text)
    bonus: bool = False  # the row's criteria allow extra points (加1分, 最多加2分)


@dataclass(frozen=True)
class FundsRow:
    label: str  # as printed, e.g. "年度资金总额:"
    row: int
    values: dict[str, Decimal | None]  # initial / budget / executed → amount
    texts: dict[str, str]  # every role's cell text (rate, weight, score, …)
    is_total: bool


@dataclass
class ScoreTable:
    family: str  # three_level | mof
    segment: Segment
    rows: list[ScoreRow] = field(default_factory=list)
    total_weights: tuple[Decimal | None, ...] = ()
    total_score: Decimal | None = None
    total_location: Location | None = None
    funds_rate: tuple[str, Decimal | None, Decimal | None] | None = None  # (执行率 text, 分值, 得分)
    funds: tuple[Decimal | None, Decimal | None] = (None, None)  # (全年预算数, 全年执行数) of 年度资金总额
    funds_location: Location | None = None
    table: Table | None = None
    block: Block | None = None
    funds_block: Block | None = None
    funds_rows: list[FundsRow] = field(default_factory=list)
    block_weight: Decimal | None = None  # "绩效指标(90分)"
    block_label: str = ""
    total_row: int | None = None
    total_label: str = ""
    note_weights: dict[str, Decimal] = field(default_factory=dict)  # 产出指标 → 50, from the table's 注
    note_text: str = ""
    cut: bool = False  # the document was cut off inside or right after this table


def _cell(table: Table, r: int, block: Block, role: str) -> str:
    return table.cell(r, role, block)


def _row_label(table: Table, r: int, before: int) -> tuple[str, int]:
    """The first text cell of a row left of column `before` (the row's label), and its column."""
    for c in range(min(before, len(table.grid[r]))):
        text = table.grid[r][c].strip()
        if text and number(text) is None:
            return text, c
    return "", -1


def _placeholder(name: str) -> bool:
    """Template rows left empty: "……", "指标2:", "指标1:" with no name."""
    return bool(re.fullmatch(r"(…+|\.{3,}|指标\d+[:：]?|[-—/]+)", name))


def _complete(row: list[str], cols: dict[str, int]) -> bool:
    """A row has text up to its last column but the reason (a row cut by the end of the stored text has not)."""
    last = max((c for role, c in cols.items() if role != "reason"), default=0)
    return any(x.strip() for x in row[last:])


def _funds(table: Table, block: Block) -> list[FundsRow]:
    first_value = min((block.columns[k] for k in ("initial", "budget", "executed") if k in block.columns), default=0)
    totals = {norm(w) for w in vocabulary().words("funds", "total")}
    parts = {norm(w) for w in vocabulary().words("funds", "parts")}
    out: list[FundsRow] = []
    for r in block.rows:
        label, _ = _row_label(table, r, first_value)
        if not label:
            continue
        amounts = ("initial", "budget", "executed")
        values: dict[str, Decimal | None] = {k: number(table.cell(r, k, block)) for k in amounts if k in block.columns}
        texts = {k: table.cell(r, k, block) for k in block.columns}
        is_total = norm(label) in totals or "资金总额" in norm(label)
        if not out and not is_total:
            continue  # rows above the total (none in the usual layouts)
        part = norm(label).startswith("其中") or norm(label) in parts or any(v is not None for v in values.values())
        if out and not part and not any(t.strip() in ("/", "-", "—") for t in texts.values()):
            break  # the funds rows end where a row of another kind begins (年度总体目标, …)
        out.append(FundsRow(label, r, values, texts, is_total))
    return out


_NOTE_LEVEL = r"(产出指标|效益指标|满意度指标|服务对象满意度指标|预算资金执行率|决策|过程)(\d+)分"


def _notes(table: Table, doc: SourceDocument | None) -> tuple[dict[str, Decimal], str]:
    """Level weights a note states: "注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、…". The note is a
    row of the table or a paragraph right after it."""
    texts = [table.grid[r][c] for r in range(len(table.grid)) for c in range(len(table.grid[r]))]
    texts = [t for t in texts if t.strip().startswith(("注", "填表说明"))]
    if doc is not None:
        at = doc.segments.index(table.segment) if table.segment in doc.segments else -1
        if at >= 0:
            for seg in doc.segments[at + 1 : at + 4]:
                if seg.kind == "paragraph" and seg.text.strip().startswith(("注", "填表说明")):
                    texts.append(seg.text)
    for text in texts:
        found = {name: Decimal(value) for name, value in re.findall(_NOTE_LEVEL, text)}
        if len(found) >= 2:
            return found, text.strip()
    return {}, ""


def _score_table(table: Table, block: Block, funds_block: Block | None) -> ScoreTable | None:
    cols = block.columns
    name_role = "name" if "name" in cols else ("level2" if "level2" in cols else None)
    if name_role is None or not ({"score", "weight"} & set(cols) or {"target", "actual"} <= set(cols)):
        return None
    family = "mof" if {"target", "actual"} & set(cols) else "three_level"
    seg = table.segment
    out = ScoreTable(family, seg, table=table, block=block, funds_block=funds_block)
    # the header row's first printed cell: a table need not start in the grid's first column (a sheet's from C5)
    header_label = next((c for c in table.grid[block.header_start] if c.strip()), "")
    has_header = block.header_end > block.header_start
    if has_header and _LABEL_WEIGHT.search(header_label):
        out.block_label, out.block_weight = header_label, level_label(header_label)[1]
    score_col = cols.get("score", cols.get("review_score"))
    weight_col = cols.get("weight")
    l1 = l1_label = l2 = ""
    l1w = l2w = l1s = l2s = None
    for r in block.rows:
        first, first_col = _row_label(table, r, cols.get(name_role, 1) + 1)
        if is_total_label(first) or any(is_total_label(table.cell(r, k, block)) for k in ("level1", "level2")):
            nums = [(c, number(x)) for c, x in enumerate(table.grid[r]) if number(x) is not None]
            out.total_row, out.total_label = r, first
            out.total_score = number(table.cell(r, "score", block))
            weights = tuple(number(table.cell(r, k, block)) for k in ("w1", "w2", "weight") if k in cols)
            if out.total_score is None and not any(w is not None for w in weights) and len(nums) == 1:
                if weights:  # "合计 | 100": one figure away from the columns is the weights' total
                    weights = (nums[0][1],)
                else:  # no 分值 column at all (the 20/80 format): "总分 | 99.55分" is the score
                    out.total_score = nums[0][1]
            elif out.total_score is None and not any(w is not None for w in weights) and len(nums) == 2:
                weights, out.total_score = (nums[0][1],), nums[1][1]
            out.total_weights = weights
            out.total_location = table.location(r, cols.get("score", nums[-1][0] if nums else 0))
            continue
        raw_l1 = _cell(table, r, block, "level1")
        if raw_l1.strip() and raw_l1.strip() != l1_label:  # a level name repeated on each row is the same level
            l1_label = raw_l1.strip()
            l1, label_weight = level_label(raw_l1)
            l1w = number(_cell(table, r, block, "w1")) if "w1" in cols else label_weight
            l1s = number(_cell(table, r, block, "s1")) if "s1" in cols else None
            l2, l2w, l2s = "", None, None
        raw_l2 = _cell(table, r, block, "level2")
        if raw_l2.strip() and name_role != "level2":
            l2, label_weight = level_label(raw_l2)
            l2w = number(_cell(table, r, block, "w2")) if "w2" in cols else label_weight
            l2s = number(_cell(table, r, block, "s2")) if "s2" in cols else None
        name = re.sub(r"\s+", "", _cell(table, r, block, name_role))
        weight_text = _cell(table, r, block, "weight")
        score_text = table.cell(r, score_col) if score_col is not None else ""
        if not name and name_role == "name" and (raw_l1.strip() or raw_l2.strip()):
            # a level's own row (产出指标 | | | 50 | 45): its weight and score, not a leaf
            if raw_l2.strip():
                l2w = number(weight_text) if number(weight_text) is not None else l2w
                l2s = number(score_text) if number(score_text) is not None else l2s
            else:
                l1w = number(weight_text) if number(weight_text) is not None else l1w
                l1s = number(score_text) if number(score_text) is not None else l1s
            continue
        if not name and not out.rows and not (l1 or l2 or _cell(table, r, block, "target").strip()):
            if number(weight_text) is not None and out.block_weight is None:  # "| | | … | 90.00 | 90.00" above the
                out.block_weight = number(weight_text)  # first indicator: the points of the whole block
                out.block_label = out.block_label or "绩效指标"
            continue
        if not name or _placeholder(name):
            if not name and first and first_col < cols.get("level1", 99) and not (weight_text or score_text):
                continue  # a row of text under the block (评价结论, 存在问题, …)
            if not (number(weight_text) or number(score_text)):
                continue
        if name.startswith("（未填写"):
            continue
        out.rows.append(
            ScoreRow(
                l1,
                l1w,
                l2,
                l2w,
                name or l2,
                number(weight_text),
                number(score_text),
                table.location(r, score_col if score_col is not None else cols.get(name_role)),
                _cell(table, r, block, "target"),
                _cell(table, r, block, "actual"),
                _cell(table, r, block, "reason"),
                row=r,
                score_col=score_col if score_col is not None else -1,
                weight_col=weight_col,
                nature=_cell(table, r, block, "nature"),
                measure=_cell(table, r, block, "measure"),
                level1_label=l1_label,
                weight_text=weight_text,
                score_text=score_text,
                level1_score=l1s,
                level2_score=l2s,
                complete=_complete(table.grid[r], cols),
                bonus=any(re.search(vocabulary().raw["bonus_pattern"], c) for c in table.grid[r]),
            )
        )
    if funds_block is not None:
        _attach_funds(out, table, funds_block)
    return out


def _attach_funds(out: ScoreTable, table: Table, funds_block: Block) -> None:
    """The funds block's rows and its 年度资金总额's rate, points and score, as the score table's funds."""
    out.funds_block = funds_block
    out.funds_rows = _funds(table, funds_block)
    total = next((f for f in out.funds_rows if f.is_total), None)
    if total is not None:
        texts = total.texts
        out.funds_rate = (texts.get("rate", ""), number(texts.get("weight", "")), number(texts.get("score", "")))
        out.funds = (total.values.get("budget"), total.values.get("executed"))
        out.funds_location = table.location(total.row, funds_block.columns.get("score", 0))


def _split(seg: Segment) -> list[Segment]:
    """A text table that runs two tables together (the tail of one, the title row of the next): split at a
    one-cell title row naming a self-evaluation table."""
    titles = [w for kind in vocabulary().raw["kinds"].values() for w in kind.get("title", [])]
    cuts = [
        r
        for r, row in enumerate(seg.rows)
        if r > 0 and sum(1 for c in row if c.strip()) == 1 and any(norm(w) in norm("".join(row)) for w in titles)
    ]
    if not cuts:
        return [seg]
    bounds = [0, *cuts, len(seg.rows)]
    return [Segment("table", seg.index, rows=seg.rows[a:b], page=seg.page) for a, b in itertools.pairwise(bounds)]


def score_tables_of(doc: SourceDocument | None, seg: Segment) -> list[ScoreTable]:
    out: list[ScoreTable] = []
    for side in column_parts(seg):
        out += _score_tables_of(doc, seg, side)
    return out


def _score_tables_of(doc: SourceDocument | None, seg: Segment, side: Segment) -> list[ScoreTable]:
    """The score tables of one of a segment's side-by-side parts (the whole segment when it has one)."""
    out: list[ScoreTable] = []
    for part in _split(side):
        if part is seg:
            table = build_table(doc, part)
        elif len(part.rows) == len(seg.rows):  # a side part: every cell in its printed place
            table = build_table(doc, part)
            table.segment = seg
        else:
            table = _with_offset(doc, seg, part, side)
        funds_block, used = None, True
        for i, block in enumerate(table.blocks):
            if block.has("budget") or block.has("executed"):
                last = out[-1] if out and out[-1].table is table else None
                if last is not None and last.funds_block is None and not _indicators_after(table, i):
                    _attach_funds(last, table, block)  # printed below the indicators (预算执行情况 last)
                    continue
                funds_block, used = block, False
                continue
            found = _score_table(table, block, funds_block)
            if found is not None and found.rows:
                found.note_weights, found.note_text = _notes(table, doc)
                out.append(found)
                used = True
        if not used and funds_block is not None:  # the funds rows alone (the indicators cut off or absent)
            alone = ScoreTable("mof", table.segment, table=table, funds_block=funds_block)
            alone.funds_rows = _funds(table, funds_block)
            if alone.funds_rows:
                out.append(alone)
    return out


def _indicators_after(table: Table, i: int) -> bool:
    """Whether an indicator block follows block i of the table (a funds block then heads the next table's part)."""
    return any("name" in b.columns and b.columns.keys() & {"score", "weight", "target"} for b in table.blocks[i + 1 :])


def _with_offset(doc: SourceDocument | None, seg: Segment, part: Segment, whole: Segment) -> Table:
    """A part of a split table keeps the row numbers of the whole it was cut from (places point into the
    document); `whole` is the segment or its side-by-side part."""
    start = next(r for r in range(len(whole.rows)) if whole.rows[r : r + len(part.rows)] == part.rows)
    padded = Segment("table", seg.index, rows=(("",),) * start + part.rows, page=seg.page)
    table = build_table(doc, padded)
    table.segment = seg
    return table


def _titled(table: ScoreTable) -> bool:
    """Whether a score table opens with its own title naming a self-evaluation table (the next project's table,
    on its own sheet of a workbook): a new table, not the rest of the one before carried over a page."""
    if table.table is None:
        return False
    titles = [norm(w) for kind in vocabulary().raw["kinds"].values() for w in kind.get("title", [])]
    return any(w and w in norm(t) for t in table.table.titles for w in titles)


def _merge_continuations(tables: list[ScoreTable]) -> list[ScoreTable]:
    """A table split across pages (PDF) comes out as two: join a part without its 合计 row to the next."""
    merged: list[ScoreTable] = []
    for table in tables:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.family == table.family
            and last.total_location is None
            and last.segment is not table.segment
            and table.funds_block is None
            and not _titled(table)
            and (
                table.family == "three_level"
                or not table.rows
                or not last.rows  # a part of headers only: the rows follow
                or table.rows[0].level1 == last.rows[-1].level1
            )
        ):
            last.rows.extend(table.rows)
            last.total_weights, last.total_score, last.total_location = (
                table.total_weights,
                table.total_score,
                table.total_location,
            )
            last.total_row, last.total_label = table.total_row, table.total_label
            continue
        merged.append(table)
    return merged


def find_score_tables(doc: SourceDocument) -> list[ScoreTable]:
    tables: list[ScoreTable] = []
    for seg in doc.tables():
        tables += score_tables_of(doc, seg)
    return _merge_continuations(tables)


def not_applicable(text: str) -> bool:
    """A cell the form marks as not applicable (一 is a dash read by text recognition)."""
    return text.strip() in ("/", "-", "—", "——", "－", "无", "不适用", "一")


def row_basis(r: ScoreRow) -> list[Location]:
    """The row of an indicator (its target, actual, weight and score cells) as the basis of a finding on it."""
    place = r.location.place or ""
    return [Location("", place=re.sub(r"第\d+列$", "", place))] if re.search(r"第\d+行第\d+列$", place) else []
