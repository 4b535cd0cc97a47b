"""The funds block of a MoF table: 年度资金总额 against its 其中 rows per column, 执行率 against B ÷ A, blank
cells of the total row, and each row's funds score against 分值 × min(执行率, 100%) (财预〔2020〕10号); and
funds written as label | value pairs without a header row, each amount above its 其中 rows."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from jixiao.model.numbers import fmt_score, given_places
from jixiao.model.problems import Location, Severity

from .columnchecks import check_vertical_breakdowns, row_locations
from .findings import Findings
from .rx import rx
from .scoretable import FundsRow, ScoreTable, level_label
from .table import Block, Table, number
from .tolerance import CENT, add_up, half_unit, tol_text, tolerance
from .vocabulary import norm, vocabulary

__all__ = [
    "check_funds",
    "check_pair_breakdowns",
    "check_rate_against_amounts",
    "funds_total",
]


def funds_total(t: ScoreTable) -> FundsRow | None:
    return next((r for r in t.funds_rows if r.is_total), None)


def _rate(text: str) -> Decimal | None:
    """A stated rate as a fraction: "97.5%" → 0.975; "100" → 1 (a percent without its sign); "0.98" → 0.98."""
    value = number(text)
    if value is None:
        return None
    if "%" in norm(text) or value > Decimal("1.5"):
        return value.scaleb(-2)
    return value


def check_funds(f: Findings, t: ScoreTable) -> None:
    if t.table is None or t.funds_block is None:
        return
    _check_rate_without_amounts(f, t.table, t.funds_block)
    if not t.funds_rows:
        return
    total = funds_total(t)
    if total is None:
        return
    by_use = [norm(w) for w in vocabulary().words("funds", "by_use")]
    rows = [r for r in t.funds_rows if not r.is_total]
    if any("性质分" in norm(r.label) for r in rows):
        rows = []  # 按收入性质分 | 按支出性质分 side by side: the columns do not hold one breakdown
    use = [r for r in rows if any(w in norm(r.label) for w in by_use)]
    source = [r for r in rows if r not in use]
    for parts in (source, use):
        _check_parts(f, t, total, parts)
    _check_inline_breakdowns(f, t, total)
    _check_rates(f, t, total)


_BREAKDOWN = rx(r"^(按.{1,6}分)[:：]\s*(-?[\d,]+(?:\.\d+)?)$")
_ITEM = rx(r"^(?:其中[:：]\s*)?([^:：\d]{2,24})[:：]\s*(-?[\d,]+(?:\.\d+)?)?$")


def _check_inline_breakdowns(f: Findings, t: ScoreTable, total: FundsRow) -> None:
    """The MoF 部门整体 layout: "按收入性质分:2030.12 | 按支出性质分:1925.67" under 年度资金总额, each followed by
    "其中:基本支出:900.47", "项目支出:1025.20"… in its column. Each breakdown must be one of the total's amounts,
    and its items must add up to it."""
    table, block = t.table, t.funds_block
    if table is None or block is None:
        return  # check_funds calls this only for a table with a funds block
    rows = [r for r in block.rows if r > total.row]
    amounts = [v for v in total.values.values() if v is not None]
    for r in rows:
        for c, cell in enumerate(table.grid[r]):
            m = _BREAKDOWN.match(cell.strip())
            if not m:
                continue
            stated = Decimal(m.group(2).replace(",", ""))
            if amounts and all(abs(stated - a) > tolerance([a], stated) for a in amounts):
                shown = "、".join(fmt_score(a) for a in amounts)
                f.add(
                    "review.funds_parts",
                    Severity.WARNING,
                    f"“{cell.strip()}”与“{total.label}”的金额（{shown}）均不一致。",
                    table.location(r, c),
                    shown,
                    stated,
                    row_locations(table, [total.row]),
                )
            items = []
            for below in rows[rows.index(r) + 1 :]:
                text = table.grid[below][c].strip() if c < len(table.grid[below]) else ""
                item = _ITEM.match(text)
                if not text or _BREAKDOWN.match(text) or not item:
                    break
                if item.group(2):
                    items.append(Decimal(item.group(2).replace(",", "")))
            if items:
                s, tol = add_up(items), tolerance(items, stated)
                if abs(s - stated) > tol:
                    f.add(
                        "review.funds_parts",
                        Severity.WARNING,
                        f"“{cell.strip()}”，其中各项合计为{fmt_score(s)}（{' + '.join(fmt_score(i) for i in items)}）"
                        f"{tol_text(tol)}。",
                        table.location(r, c),
                        s,
                        stated,
                        row_locations(table, rows[rows.index(r) : rows.index(r) + 1 + len(items)]),
                    )


def _check_parts(f: Findings, t: ScoreTable, total: FundsRow, parts: list[FundsRow]) -> None:
    """One breakdown of the total (by source, or by use), per column."""
    table, block = t.table, t.funds_block
    if table is None or block is None:
        return  # check_funds calls this only for a table with a funds block
    for key in ("initial", "budget", "executed"):
        stated = total.values.get(key)
        values = [p.values.get(key) for p in parts]
        if stated is None or not any(v is not None for v in values):
            continue
        present = [v for v in values if v is not None]
        s, tol = add_up(present), tolerance(present, stated)
        if abs(s - stated) > tol:
            column = block.names.get(block.columns[key], key).split("/")[-1]
            listed = " + ".join(f"{p.label}{fmt_score(v)}" for p in parts if (v := p.values.get(key)) is not None)
            f.add(
                "review.funds_parts",
                Severity.WARNING,
                f"“{total.label}”的{column}为{fmt_score(stated)}，其中各项（{listed}）合计为{fmt_score(s)}"
                f"{tol_text(tol)}。",
                table.location(total.row, block.columns[key]),
                s,
                stated,
                # the cells added up, not their rows: a doubtful 执行率 beside them does not make it a hint (t28)
                _cells(
                    table, [total.row, *(p.row for p in parts if p.values.get(key) is not None)], block.columns[key]
                ),
            )


def _cells(table: Table, rows: Iterable[int | None], col: int) -> list[Location]:
    """One column's cells of some rows as the basis of a finding (each cell's OCR confidence counts)."""
    return [Location("", place=table.location(r, col).place) for r in rows if r is not None]


def _check_rates(f: Findings, t: ScoreTable, total: FundsRow) -> None:
    """执行率 against B ÷ A on each row; the total row's blank cells; each row's funds score."""
    table, block = t.table, t.funds_block
    if table is None or block is None:
        return  # check_funds calls this only for a table with a funds block
    for row in t.funds_rows:
        a, b = _budget(row), row.values.get("executed")
        text = row.texts.get("rate", "")
        given, stated = number(text), _rate(text)
        if given is None or stated is None or a is None or b is None or a == 0:
            continue
        exact = b / a
        # a percent, or a fraction written whole ("1": t17's 100%, not a rate rounded to 0 or 1), to its percent
        whole = given_places(given) <= 0
        places = max(0, given_places(given)) + (2 if "%" in norm(text) or stated != given or whole else 0)
        step = Decimal(1).scaleb(-places)
        allowed = {exact.quantize(step, mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
        if stated.quantize(step) not in allowed and abs(stated - exact) > step / 2:
            basis = "容差为所填位数的半个单位"
            if whole and stated == given and "%" not in norm(text):
                basis = f"填{text.strip()}按{stated * 100:.0f}%计，容差为半个百分点"
            f.add(
                "review.execution_rate",
                Severity.WARNING,
                f"“{row.label}”执行率填为{text}，按全年执行数{fmt_score(b)} ÷ 全年预算数{fmt_score(a)}应为"
                f"{exact * 100:.2f}%（{basis}）。",
                table.location(row.row, block.columns.get("rate", 0)),
                f"{exact * 100:.2f}%",
                text,
                row_locations(table, [row.row]),
            )
    weight = number(total.texts.get("weight", ""))
    score_text = total.texts.get("score", "")
    a, b = _budget(total), total.values.get("executed")
    blanks = []
    if weight is not None and "score" in block.columns and not score_text.strip():
        blanks.append(block.names.get(block.columns["score"], "得分").split("/")[-1])
    rate_blank = not total.texts.get("rate", "").strip()
    if weight is not None and "rate" in block.columns and rate_blank and a and b is not None:
        blanks.append(block.names.get(block.columns["rate"], "执行率").split("/")[-1])
    if blanks and weight is not None:  # a blank is listed only on a row with its 分值
        f.add(
            "review.blank_cell",
            Severity.WARNING,
            f"“{total.label}”行（{t.block_label or '预算执行情况'}，分值{fmt_score(weight)}）的"
            f"{'、'.join(blanks)}未填写。",
            table.location(total.row, block.columns.get("score", 0)),
            "、".join(blanks),
            "（空）",
        )
    for row in t.funds_rows:
        same = not row.is_total and row.values == total.values and row.texts.get("score") == total.texts.get("score")
        if not same:  # a 其中 row that repeats the total is checked once, as the total
            _check_funds_score(f, t, row)


def _check_rate_without_amounts(f: Findings, table: Table, block: Block) -> None:
    """A funds row that states 执行率 with its budget and its executed amount both empty: the rate rests on nothing
    the table shows (t77: 资金来源 财政拨款 | | | 103.21%). Any row of the block, a total or not ("-" or "/" in an
    amount cell is an answer, not a blank; a rate of 0% beside no amounts says the row had no funds)."""
    amounts = [k for k in ("initial", "budget", "executed") if k in block.columns]
    if "rate" not in block.columns or "executed" not in amounts or len(amounts) < 2:
        return
    first = min(block.columns[k] for k in amounts)
    for r in block.rows:
        text = table.cell(r, "rate", block)
        if not _rate(text) or any(table.cell(r, k, block).strip() for k in amounts):
            continue  # no rate, or 0%: a row without funds says nothing
        label = next((c.strip() for c in table.grid[r][:first] if c.strip() and number(c) is None), "")
        if not label:
            continue
        names = [block.names.get(block.columns[k], k).split("/")[-1] for k in amounts]
        f.add(
            "review.blank_cell",
            Severity.WARNING,
            f"“{label}”执行率填为{text}，但{'、'.join(names)}均未填写，执行率无从核对。",
            table.location(r, block.columns["rate"]),
            "、".join(names),
            "（空）",
        )


def _budget(row: FundsRow) -> Decimal | None:
    """A (the 全年预算数, or the 年初预算数 when that is the only budget column)."""
    return row.values.get("budget") if "budget" in row.values else row.values.get("initial")


_SCORE_RULE = re.compile(r"(\d+(?:\.\d+)?)分[*×xX]?(?:预算)?执行率")


def _header_weight(block: Block) -> Decimal | None:
    """The funds block's points when no 分值 column holds them (the 20/80 format): the score column's rule
    "得分(20分*执行率)", else the block's label "预算执行情况(万元)(20分)"."""
    found = _SCORE_RULE.search(norm(block.names.get(block.columns.get("score", -1), "")))
    if found:
        return Decimal(found.group(1))
    return level_label(block.names.get(0, ""))[1] if "score" in block.columns else None


def _check_funds_score(f: Findings, t: ScoreTable, row: FundsRow) -> None:
    """分值 × min(B ÷ A, 100%) (财预〔2020〕10号), for each funds row that has its own weight and score."""
    weight, score = number(row.texts.get("weight", "")), number(row.texts.get("score", ""))
    if weight is None and t.funds_block is not None and "weight" not in t.funds_block.columns:
        weight = _header_weight(t.funds_block)
    a, b = _budget(row), row.values.get("executed")
    stated_rate = _rate(row.texts.get("rate", ""))
    rate = b / a if a and b is not None else stated_rate
    if rate is None or weight is None or score is None:
        return
    expected = (weight * min(rate, Decimal(1))).quantize(CENT, ROUND_HALF_UP)
    alternatives = {expected}
    if stated_rate is not None and not (a and b is not None):  # the stated rate only when B ÷ A cannot be worked
        alternatives.add((weight * min(stated_rate, Decimal(1))).quantize(CENT, ROUND_HALF_UP))
    # a table that prints every score as a whole number rounds to whole points
    scores = [r.score for r in t.rows if r.score is not None] + [score]
    whole = all(x == x.to_integral() and "." not in f"{x}" for x in scores)
    tol = CENT + (Decimal("0.5") if whole else half_unit(score))
    if all(abs(e - score) > tol for e in alternatives):
        f.add(
            "review.funds_score",
            Severity.WARNING,
            f"“{row.label}”得分{fmt_score(score)}分，按 分值{fmt_score(weight)} × min(执行率{rate * 100:.2f}%, 100%) "
            f"应为{fmt_score(expected)}分（容差±{fmt_score(tol)}）。",
            t.table.location(row.row, t.funds_block.columns.get("score", 0)) if t.table and t.funds_block else None,
            expected,
            score,
            row_locations(t.table, [row.row]) if t.table else [],
        )


def _is_label(text: str) -> bool:
    return bool(text.strip()) and number(text) is None


def check_pair_breakdowns(f: Findings, table: Table) -> None:
    """Both layouts of amounts written as label and value side by side (see _check_pairs_across and
    check_vertical_breakdowns)."""
    _check_pairs_across(f, table)
    check_vertical_breakdowns(f, table)


def _check_pairs_across(f: Findings, table: Table) -> None:
    """A table of label | value pairs with no header row (计划安排资金(万元) | 170 | 实际到位资金(万元) | 170 | …),
    each amount followed, in its own pair of columns, by rows "其中:中央财政 | ", "省财政 | 170", "其它 | 9.6":
    its parts may not add up to more than the amount (a list of sources may leave some blank, so a sum below
    the amount is said nothing of)."""
    words = vocabulary().words("funds", "amount_words")
    prefix = tuple(vocabulary().words("funds", "parts_prefix"))
    grid = table.grid
    for r in range(len(grid) - 1):
        row = grid[r]
        pairs = [
            c
            for c in range(len(row) - 1)
            if _is_label(row[c]) and number(row[c + 1]) is not None and any(w in norm(row[c]) for w in words)
        ]
        alternating = len(pairs) >= 2 and all(b - a == 2 for a, b in itertools.pairwise(pairs))
        if not alternating:
            continue
        for c in pairs:
            below = grid[r + 1][c] if c < len(grid[r + 1]) else ""
            if not norm(below).startswith(prefix):
                continue
            parts: list[tuple[str, Decimal]] = []
            k = r + 1
            while k < len(grid) and c + 1 < len(grid[k]) and _is_label(grid[k][c]):
                value = number(grid[k][c + 1])
                if value is None and grid[k][c + 1].strip():
                    break  # text in the value column: not a breakdown any more
                if value is not None:
                    parts.append((re.sub(r"^(其中)[:：]?", "", grid[k][c].strip()), value))
                k += 1
            stated = number(row[c + 1])
            if stated is None or not parts:
                continue
            values = [v for _, v in parts]
            s, tol = add_up(values), tolerance(values, stated)
            if s - stated > tol:
                listed = " + ".join(f"{label}{fmt_score(v)}" for label, v in parts)
                f.add(
                    "review.funds_parts",
                    Severity.WARNING,
                    f"“{row[c].strip()}”为{fmt_score(stated)}，其下“其中”各项（{listed}）合计为{fmt_score(s)}，"
                    f"超过总数{tol_text(tol)}。",
                    table.location(r, c + 1),
                    s,
                    stated,
                    row_locations(table, range(r, k)),
                )


def _amounts_over_values(t: ScoreTable, role: str) -> dict[Decimal, tuple[int, int]]:
    """The distinct values under a header cell of `role` ("财政拨款数" over "2960.00"), above the indicators."""
    words = {norm(w) for w in vocabulary().words("funds", "amounts_over_values", role)}
    prefix = tuple(vocabulary().words("funds", "parts_prefix"))
    table, out = t.table, dict[Decimal, tuple[int, int]]()
    if table is None:
        return out
    end = t.block.header_start if t.block is not None else 0
    for r in range(max(0, end - 1)):
        for c, cell in enumerate(table.grid[r]):
            label = norm(cell)
            for p in prefix:
                label = re.sub(rf"^{p}[:：]?", "", label)
            below = table.grid[r + 1][c] if c < len(table.grid[r + 1]) else ""
            value = number(below)
            if label in words and value is not None:
                out.setdefault(value, (r + 1, c))
    return out


def check_rate_against_amounts(f: Findings, t: ScoreTable) -> None:
    """An indicator row 预算执行率 (实际完成值 98%) in a table whose amounts stand above the indicators as header
    cells over values (财政拨款数 2960.00, 实际支付数 2798.30), with no funds block of the MoF kind: the rate
    against B ÷ A, rounding to the printed places allowed. Only when each amount has one value in the table."""
    if t.table is None or t.funds_block is not None or t.block is None:
        return
    rows = [r for r in t.rows if norm(r.name) in {norm(w) for w in vocabulary().words("funds", "rate_indicators")}]
    if len(rows) != 1:
        return
    budget, executed = _amounts_over_values(t, "budget"), _amounts_over_values(t, "executed")
    if len(budget) != 1 or len(executed) != 1:
        return
    (a, at_a), (b, at_b) = next(iter(budget.items())), next(iter(executed.items()))
    row = rows[0]
    text = re.sub(r"^[=＝≥≧>＞]+", "", norm(row.actual))  # ％ is % (t04, t05 print ％)
    stated = number(text)
    if a <= 0 or stated is None or "%" not in text:
        return
    exact = b / a * 100
    places = max(0, given_places(stated))
    step = Decimal(1).scaleb(-places)
    allowed = {exact.quantize(step, mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
    if stated not in allowed and abs(stated - exact) > step / 2:
        f.add(
            "review.execution_rate",
            Severity.WARNING,
            f"“{row.name}”实际完成值填为{row.actual}，而表中实际支付（执行）数{fmt_score(b)} ÷ 预算（拨款）数"
            f"{fmt_score(a)} = {exact:.2f}%（{t.table.location(*at_b).place}、{t.table.location(*at_a).place}；"
            f"容差为所填位数的半个单位）。",
            row.location,
            f"{exact:.2f}%",
            row.actual,
            [*row_locations(t.table, [row.row]), t.table.location(*at_a), t.table.location(*at_b)],
        )


# --- amounts listed down a column: label | value, a total above its 其中 rows ---------------------------------
