"""Score tables found in a report, in either family (REFERENCE §2): the three-level table with 分值 beside
each level (seed 000's 表1), or the MoF-format self-evaluation table (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 |
分值 | 得分 | 偏差原因). Merged cells come out blank and are carried down from the row above."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..problems import Location
from .source import Segment, SourceDocument

__all__ = ["ScoreRow", "ScoreTable", "find_score_tables"]


def _num(text: str) -> Decimal | None:
    cleaned = re.sub(r"[\s,，分]", "", text or "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


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


_WEIGHT_WORDS = ("分值", "权重", "标准分", "满分", "分数")
_SCORE_WORDS = ("得分", "自评得分", "评价得分", "实际得分")


def _columns(seg: Segment) -> dict[str, int] | None:
    """Column positions from the header rows: seed 000's 名称/分值 pairs, or a table that names its columns
    (一级指标 | 二级指标 | 三级指标 | 分值 | 得分, with or without 分值 beside the parents)."""
    first_data = next((r for r, row in enumerate(seg.rows) if any(_num(c) is not None for c in row)), len(seg.rows))
    header = seg.rows[: min(first_data, 4)]
    labels: dict[int, str] = {}
    for row in header:
        for c, cell in enumerate(row):
            if _name(cell):
                labels[c] = labels.get(c, "") + _name(cell)
    if sum(1 for row in header for cell in row if _name(cell) == "名称") >= 2:
        score = next((c for c, text in labels.items() if text.endswith("得分")), 6)
        return {"l1": 0, "w1": 1, "l2": 2, "w2": 3, "name": 4, "w": 5, "score": score}
    find = lambda words, start=0, end=99: next(  # noqa: E731
        (c for c in sorted(labels) if start <= c < end and any(w in labels[c] for w in words)), None
    )
    l1, l2, name = find(("一级",)), find(("二级",)), find(("三级",))
    if name is None:
        return None
    weight = find(_WEIGHT_WORDS, name + 1)
    score = next(
        (c for c in sorted(labels, reverse=True) if c > name and any(labels[c].endswith(w) for w in _SCORE_WORDS)), None
    )
    if score is None:
        return None
    columns = {"name": name, "score": score}
    for key, col in (("l1", l1), ("l2", l2), ("w", weight)):
        if col is not None:
            columns[key] = col
    if l1 is not None:
        w1 = find(_WEIGHT_WORDS, l1 + 1, l2 if l2 is not None else name)
        if w1 is not None:
            columns["w1"] = w1
    if l2 is not None:
        w2 = find(_WEIGHT_WORDS, l2 + 1, name)
        if w2 is not None:
            columns["w2"] = w2
    return columns


def _three_level(doc: SourceDocument, seg: Segment) -> ScoreTable | None:
    table = ScoreTable("three_level", seg)
    columns = _columns(seg)
    if columns is None:
        return None
    l1 = l2 = ""
    l1w = l2w = None

    def cell(row: tuple[str, ...], key: str) -> str:
        col = columns.get(key)
        return row[col] if col is not None and col < len(row) else ""

    for r, row in enumerate(seg.rows):
        if _name(row[0] if row else "") in ("合计", "总计", "总分"):
            table.total_weights = tuple(_num(cell(row, k)) for k in ("w1", "w2", "w") if k in columns)
            table.total_score = _num(cell(row, "score"))
            table.total_location = doc.location(seg, r, columns["score"])
            continue
        weight, score = _num(cell(row, "w")), _num(cell(row, "score"))
        if weight is None and score is None:
            continue  # header rows, repeated on a new page
        if _name(cell(row, "l1")):
            l1, l1w, l2, l2w = _name(cell(row, "l1")), _num(cell(row, "w1")), "", None
        if _name(cell(row, "l2")):
            l2, l2w = _name(cell(row, "l2")), _num(cell(row, "w2"))
        table.rows.append(
            ScoreRow(
                l1,
                l1w,
                l2,
                l2w,
                _name(cell(row, "name")),
                weight,
                score,
                doc.location(seg, r, columns["score"]),
                row=r,
                score_col=columns["score"],
            )
        )
    return table


_MOF_HEADERS = {
    "一级指标": "l1",
    "二级指标": "l2",
    "三级指标": "name",
    "年度指标值": "target",
    "实际完成值": "actual",
    "分值": "weight",
    "得分": "score",
    "偏差原因分析及改进措施": "reason",
    "偏差原因": "reason",
}


def _mof(doc: SourceDocument, seg: Segment) -> ScoreTable | None:
    header_at, columns = None, {}
    for r, row in enumerate(seg.rows):
        found = {c: _MOF_HEADERS[_name(cell)] for c, cell in enumerate(row) if _name(cell) in _MOF_HEADERS}
        if "name" in found.values() and "score" in found.values():
            header_at, columns = r, {v: k for k, v in found.items()}
            break
    if header_at is None:
        return None
    table = ScoreTable("mof", seg)
    funds_cols: dict[str, int] = {}
    for r, row in enumerate(seg.rows[:header_at]):
        names = [_name(c) for c in row]
        if "全年预算数" in names and "得分" in names:
            funds_cols = {
                n: c for c, n in enumerate(names) if n in ("全年预算数", "全年执行数", "分值", "执行率", "得分")
            }
        elif any("年度资金总额" in n for n in names) and funds_cols:

            def at(key: str, row=row, cols=funds_cols) -> str:
                return row[cols[key]] if key in cols and cols[key] < len(row) else ""

            table.funds_rate = (at("执行率"), _num(at("分值")), _num(at("得分")))
            table.funds = (_num(at("全年预算数")), _num(at("全年执行数")))
            table.funds_location = doc.location(seg, r, funds_cols.get("得分", 0))
    l1 = l2 = ""
    score_col = columns.get("score", 0)
    weight_col = columns.get("weight", 0)
    for r, row in enumerate(seg.rows[header_at + 1 :], header_at + 1):
        get = lambda key, row=row: row[columns[key]] if key in columns and columns[key] < len(row) else ""  # noqa: E731
        first = _name(row[0]) if row else ""
        if first in ("总分", "合计") or _name(get("l1")) in ("总分", "合计"):
            table.total_score = _num(row[score_col]) if score_col < len(row) else None
            table.total_weights = (_num(row[weight_col]) if weight_col < len(row) else None,)
            table.total_location = doc.location(seg, r, score_col)
            continue
        if _name(get("l1")) and _name(get("l1")) != l1:
            l1, l2 = _name(get("l1")), ""
        if _name(get("l2")):
            l2 = _name(get("l2"))
        name = _name(get("name"))
        if not name or name.startswith("（未填写"):
            continue
        table.rows.append(
            ScoreRow(
                l1,
                None,
                l2,
                None,
                name,
                _num(get("weight")),
                _num(get("score")),
                doc.location(seg, r, score_col),
                get("target"),
                get("actual"),
                get("reason"),
                row=r,
                score_col=score_col,
            )
        )
    return table


def _merge_continuations(tables: list[ScoreTable]) -> list[ScoreTable]:
    """A table split across pages (PDF) comes out as two: join a part without its 合计 row to the next."""
    merged: list[ScoreTable] = []
    for table in tables:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.family == table.family
            and last.total_location is None
            and (table.family == "three_level" or not table.rows or table.rows[0].level1 == last.rows[-1].level1)
        ):
            last.rows.extend(table.rows)
            last.total_weights, last.total_score, last.total_location = (
                table.total_weights,
                table.total_score,
                table.total_location,
            )
            continue
        merged.append(table)
    return merged


def find_score_tables(doc: SourceDocument) -> list[ScoreTable]:
    tables = []
    for seg in doc.tables():
        text = "".join(_name(c) for row in seg.rows[:6] for c in row)
        if "三级指标" in text and "年度指标值" not in text and "得分" in text:
            three = _three_level(doc, seg)
            if three is not None:
                tables.append(three)
        elif "三级指标" in "".join(_name(c) for row in seg.rows for c in row):
            table = _mof(doc, seg)
            if table is not None:
                tables.append(table)
    return _merge_continuations(tables)
