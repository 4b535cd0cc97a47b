"""Checks of a score sheet that hold on a correct table: nothing is raised on arithmetic that agrees within
the rounding of the printed figures (half a unit in the last place of each term, stated in the finding).

weights: leaves add up to their 二级/一级 weight, to the block's "(90分)", to the 总分 row, and the levels to
what the table's own 注 sets; scores: ≤ weight, add up to the levels and to the 总分 row (with the funds
score in a MoF table); funds: 年度资金总额 against its 其中 rows per column, 执行率 against B ÷ A, the funds
score against 分值 × min(执行率, 100%); each indicator: target against actual with its operator, full
points on a missed target, points lost on a met target or without a reason, blank cells and template
text; 元 against 万元. Codes: review.weight_sum, review.score_sum, review.score_over_weight,
review.funds_parts, review.execution_rate, review.funds_score, review.target_missed_full,
review.target_met_lost, review.missing_reason, review.blank_cell, review.unit_mismatch.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Severity

from .findings import Findings
from .fundschecks import check_funds, check_rate_against_amounts, funds_total
from .rowchecks import check_targets
from .scoretable import ScoreRow, ScoreTable, level_label, not_applicable, row_basis
from .table import number
from .targets import outcome, read
from .tolerance import add_up, all_given, half_unit, score_tolerance, tol_text, tolerance
from .vocabulary import norm, vocabulary

__all__ = ["check_reachable_total", "check_score_table", "tolerance"]

CENT = Decimal("0.01")


def _cells(t: ScoreTable, rows: list[ScoreRow], *roles: str) -> list[Location]:
    """The places of the figures a check of `rows` reads: each row's weight and/or score cell (the basis of a
    finding, so that a figure OCR read with low confidence makes it a hint)."""
    if t.table is None:
        return []
    out = []
    for r in rows:
        for role in roles:
            col = r.weight_col if role == "weight" else r.score_col
            if col is not None and col >= 0:
                out.append(t.table.location(r.row, col))
    return out


def _row(t: ScoreTable, row: int | None) -> list[Location]:
    """A whole row as a place (its lowest confidence counts): where a level's stated weight or score is printed."""
    if t.table is None or row is None:
        return []
    return [Location("", place=f"{t.table.location().place} 第{row + 1}行")]


def _leaf_weight(row: ScoreRow) -> Decimal | None:
    return Decimal(0) if row.weight is None and not_applicable(row.weight_text) else row.weight


def _open_level(t: ScoreTable) -> str | None:
    """The last 一级 group of a table without its total row or cut off: its rows may go on past the end."""
    if t.rows and (t.cut or t.total_row is None):
        return t.rows[-1].level1
    return None


def _open_group(t: ScoreTable) -> tuple[str, str] | None:
    """The last 二级 group of the open 一级 group: the groups before it are closed by the next one's first row
    (t54: 项目绩效's 项目产出 5 + 4 + 3 + 3 = 15 is whole once 项目效益 begins, though the table is cut after it)."""
    return (t.rows[-1].level1, t.rows[-1].level2) if _open_level(t) is not None else None


def _check_weights(f: Findings, t: ScoreTable) -> None:
    rows = [r for r in t.rows if not not_applicable(r.weight_text)]
    by_l2: dict[tuple[str, str], list[ScoreRow]] = {}
    by_l1: dict[str, list[ScoreRow]] = {}
    open_level, open_group = _open_level(t), _open_group(t)
    for r in rows:
        if (r.level1, r.level2) != open_group:
            by_l2.setdefault((r.level1, r.level2), []).append(r)
        if r.level1 != open_level:
            by_l1.setdefault(r.level1, []).append(r)
    for (_, l2), group in by_l2.items():
        stated = group[0].level2_weight
        weights = all_given(_leaf_weight(r) for r in group)
        if stated is None or weights is None or group[0].name == l2:
            continue
        total = add_up(weights)
        tol = score_tolerance(weights, stated)
        if abs(total - stated) > tol:
            f.add(
                "review.weight_sum",
                Severity.ERROR,
                f"二级指标“{l2}”分值为{fmt_score(stated)}，其下三级指标分值合计为{fmt_score(total)}"
                f"（{' + '.join(fmt_score(w) for w in weights)}）{tol_text(tol)}。",
                group[0].location,
                total,
                stated,
                _cells(t, group, "weight") + _row(t, group[0].row),
            )
    for l1, group in by_l1.items():
        stated = group[0].level1_weight
        if stated is None:
            continue
        l2s = {r.level2: r.level2_weight for r in group}
        if all(w is not None for w in l2s.values()) and len(l2s) > 1 and group[0].name != group[0].level2:
            parts = list(l2s.values())
        else:
            parts = [_leaf_weight(r) for r in group]
        given = all_given(parts)
        if given is None:
            continue
        total, tol = add_up(given), score_tolerance(given, stated)
        if abs(total - stated) > tol:
            label = group[0].level1_label or l1
            f.add(
                "review.weight_sum",
                Severity.ERROR,
                f"一级指标“{label}”分值为{fmt_score(stated)}，其下指标分值合计为{fmt_score(total)}"
                f"（{' + '.join(fmt_score(w) for w in given)}）{tol_text(tol)}。",
                group[0].location,
                total,
                stated,
                _cells(t, group, "weight") + [x for r in group for x in _row(t, r.row)],
            )
    leaves = [_leaf_weight(r) for r in rows]
    complete = all(w is not None for w in leaves) and bool(leaves)
    level_weights = list({r.level1: r.level1_weight for r in rows}.values())
    block_parts = all_given(leaves if complete else level_weights)
    if t.block_weight is not None and block_parts and open_level is None:
        total, tol = add_up(block_parts), score_tolerance(block_parts, t.block_weight)
        if abs(total - t.block_weight) > tol:
            f.add(
                "review.weight_sum",
                Severity.ERROR,
                f"“{t.block_label}”标明{fmt_score(t.block_weight)}分，其下各指标分值合计为{fmt_score(total)}"
                f"{tol_text(tol)}。",
                t.table.location(t.block.header_start, 0) if t.table and t.block else None,
                total,
                t.block_weight,
                [x for r in t.rows for x in _row(t, r.row)],
            )
    _check_total_weights(f, t, rows, leaves, complete)
    _check_note_weights(f, t, by_l1)


def _check_total_weights(
    f: Findings, t: ScoreTable, rows: list[ScoreRow], leaves: list[Decimal | None], complete: bool
) -> None:
    if not t.total_weights and rows:
        _check_reachable(f, t, [w for w in leaves if w is not None])
    if not t.total_weights or not rows or _open_level(t) is not None:
        return
    if t.family == "mof" and t.funds_block is None and t.block_weight is not None:
        # the funds rows (and their weight, part of the total) are not in this part of the table: the total is
        # still the hundred points the funds row and the indicators share, and no more (t03: 合计 101 under 90分)
        _check_total_over_full(f, t)
        return
    funds = funds_total(t)
    funds_weight = number(funds.texts.get("weight", "")) if funds is not None else None
    columns = [k for k in ("w1", "w2", "weight") if t.block and k in t.block.columns]
    if len(t.total_weights) == len(columns) and len(columns) > 1:  # seed 000: a total under each level's weights
        sums = {
            "w1": list({r.level1: r.level1_weight for r in rows}.values()),
            "w2": list({(r.level1, r.level2): r.level2_weight for r in rows}.values()),
            "weight": leaves,
        }
        pairs = [(stated, sums[k]) for k, stated in zip(columns, t.total_weights, strict=True)]
    else:
        l1 = list({r.level1: r.level1_weight for r in rows}.values())
        parts = leaves if complete else l1
        pairs = [(t.total_weights[-1], parts)]
    for stated, parts in pairs:
        given = all_given(parts)
        if stated is None or given is None:
            continue
        terms = given + ([funds_weight] if funds_weight is not None else [])
        total, tol = add_up(terms), score_tolerance(terms, stated)
        if abs(total - stated) > tol:
            what = "各指标分值"
            if funds_weight is not None:
                what = f"年度资金总额分值{fmt_score(funds_weight)}与各指标分值"
            f.add(
                "review.weight_sum",
                Severity.ERROR,
                f"“{t.total_label or '总分'}”行分值为{fmt_score(stated)}，{what}合计为{fmt_score(total)}"
                f"{tol_text(tol)}。",
                t.total_location,
                total,
                stated,
                [x for r in rows for x in _row(t, r.row)] + _row(t, t.total_row) + _funds_row(t),
            )
            return


def _check_total_over_full(f: Findings, t: ScoreTable) -> None:
    """A MoF table's part without its funds rows: its 合计/总分 weight above the full score (100)."""
    stated = t.total_weights[-1]
    full = Decimal(str(vocabulary().raw["full_score"]))
    if stated is None or stated <= full or t.block_weight is None or t.block_weight > full:
        return
    f.add(
        "review.weight_sum",
        Severity.ERROR,
        f"“{t.total_label or '总分'}”行分值为{fmt_score(stated)}，超过满分{fmt_score(full)}分"
        f"（“{t.block_label}”标明{fmt_score(t.block_weight)}分，与预算执行率的分值合计应为{fmt_score(full)}分）。",
        t.total_location,
        full,
        stated,
        _row(t, t.total_row),
    )


def _check_reachable(f: Findings, t: ScoreTable, weights: list[Decimal]) -> None:
    """No total row (cut off, or never written): the weights seen already pass the full score (100)."""
    funds = funds_total(t)
    funds_weight = number(funds.texts.get("weight", "")) if funds is not None else None
    full = Decimal(str(vocabulary().raw["full_score"]))
    seen = add_up(weights) + (funds_weight or 0)
    if seen > full:
        what = f"“{funds.label}”分值{fmt_score(funds_weight)}与" if funds_weight is not None and funds else ""
        f.add(
            "review.weight_sum",
            Severity.WARNING,
            f"{what}表中已列各指标分值合计已达{fmt_score(seen)}分，超过满分{fmt_score(full)}分。",
            t.table.location(funds.row, t.funds_block.columns.get("weight", 0))
            if funds is not None and t.table and t.funds_block
            else _rows_location(t),
            full,
            seen,
            _cells(t, t.rows, "weight") + _funds_row(t),
        )


def _funds_row(t: ScoreTable) -> list[Location]:
    funds = funds_total(t)
    return _row(t, funds.row) if funds is not None else []


def _rows_location(t: ScoreTable):
    return t.rows[0].location if t.rows else None


def _check_note_weights(f: Findings, t: ScoreTable, by_l1: dict[str, list[ScoreRow]]) -> None:
    if not t.note_weights:
        return
    for l1, group in by_l1.items():
        stated = group[0].level1_weight
        if stated is None or not l1:
            continue
        key = next((k for k in t.note_weights if k == l1), None) or next(
            (k for k in t.note_weights if k in l1 or l1 in k), None
        )
        if key is None or t.note_weights[key] == stated:
            continue
        label = group[0].level1_label or l1
        f.add(
            "review.weight_sum",
            Severity.WARNING,
            f"一级指标“{label}”设为{fmt_score(stated)}分，与表注“{key}{fmt_score(t.note_weights[key])}分”不符"
            f"（注：{t.note_text[:60]}）。",
            group[0].location,
            t.note_weights[key],
            stated,
        )


def _check_scores(f: Findings, t: ScoreTable) -> Decimal | None:
    """Scores against weights and sums; returns the total the rows add up to (None if a score is blank)."""
    rows = [r for r in t.rows if not (not_applicable(r.weight_text) and r.score is None)]
    for r in rows:
        if r.score is not None and r.weight is not None and not Decimal(0) <= r.score <= r.weight and not r.bonus:
            f.add(
                "review.score_over_weight",
                Severity.ERROR,
                f"“{r.name}”得分{fmt_score(r.score)}超出其分值{fmt_score(r.weight)}的范围（0–{fmt_score(r.weight)}）。",
                r.location,
                f"0–{fmt_score(r.weight)}",
                r.score,
            )
    open_level, open_group = _open_level(t), _open_group(t)
    for level, key in (("一级", "level1_score"), ("二级", "level2_score")):
        groups: dict[str, list[ScoreRow]] = {}
        for r in rows:
            if r.level1 == open_level and (level == "一级" or (r.level1, r.level2) == open_group):
                continue
            groups.setdefault(r.level1 if level == "一级" else r.level1 + "/" + r.level2, []).append(r)
        for name, group in groups.items():
            stated = getattr(group[0], key)
            scores = all_given(r.score for r in group)
            if stated is None or scores is None:
                continue
            total, tol = add_up(scores), score_tolerance(scores, stated)
            if abs(total - stated) > tol:
                f.add(
                    "review.score_sum",
                    Severity.ERROR,
                    f"{level}指标“{name.split('/')[-1]}”得分为{fmt_score(stated)}，其下指标得分合计为{fmt_score(total)}"
                    f"{tol_text(tol)}。",
                    group[0].location,
                    total,
                    stated,
                    _cells(t, group, "score") + [x for r in group for x in _row(t, r.row)][:1],
                )
    scores = all_given(r.score for r in rows if not (r.score is None and r.weight is None))
    if not scores:
        return None
    funds = funds_total(t)
    terms = list(scores)
    if funds is not None and "score" in (t.funds_block.columns if t.funds_block else {}):
        funds_score = number(funds.texts.get("score", ""))
        if funds_score is None and number(funds.texts.get("weight", "")) is not None:
            return None  # the funds score is blank (reported as such)
        if funds_score is not None:
            terms.append(funds_score)
    total = add_up(terms)
    if t.total_score is None and t.total_row is not None and not any(w is not None for w in t.total_weights):
        f.add(
            "review.blank_cell",
            Severity.WARNING,
            f"“{t.total_label or '合计'}”行的分值和得分均未填写（各行得分合计为{fmt_score(add_up(terms))}）。",
            t.total_location,
            add_up(terms),
            "（空）",
        )
    elif t.total_score is None and t.total_row is not None and t.total_weights and any(t.total_weights):
        f.add(
            "review.blank_cell",
            Severity.WARNING,
            f"“{t.total_label or '合计'}”行得分未填写（各行得分合计为{fmt_score(total)}）。",
            t.total_location,
            total,
            "（空）",
        )
    if t.total_score is not None:
        tol = score_tolerance(terms, t.total_score)
        if abs(total - t.total_score) > tol:
            with_funds = "年度资金总额得分与" if len(terms) > len(scores) else ""
            f.add(
                "review.score_sum",
                Severity.ERROR,
                f"“{t.total_label or '合计'}”行得分为{fmt_score(t.total_score)}，{with_funds}各指标得分合计为"
                f"{fmt_score(total)}（{' + '.join(fmt_score(s) for s in terms)}）{tol_text(tol)}。",
                t.total_location,
                total,
                t.total_score,
                _cells(t, rows, "score") + _funds_row(t),
            )
    return total


def check_reachable_total(f: Findings, t: ScoreTable, stated: Decimal, stated_text: str) -> None:
    """A table cut off before its total row (or never given one): a stated total above the most its visible rows
    allow — each visible row's score (its weight where the score is unreadable, a score is at most its weight),
    the funds score, and the weights not seen (the full score less the visible weights) at full marks."""
    if t.table is None or not t.rows or any(r.bonus for r in t.rows):
        return
    full = Decimal(str(vocabulary().raw["full_score"]))
    funds = funds_total(t)
    funds_weight = number(funds.texts.get("weight", "")) if funds is not None else None
    funds_score = number(funds.texts.get("score", "")) if funds is not None else None
    if funds_weight is None and funds_score is not None:
        return  # a funds score whose weight is not printed: its part of the full score is unknown
    rows = [r for r in t.rows if r.weight is not None and not not_applicable(r.weight_text)]
    if any(r.score is not None and r.weight is not None and r.score > r.weight for r in rows):
        return  # raised as such; the bound would be wrong
    seen = add_up([r.weight for r in rows if r.weight is not None] + ([funds_weight] if funds_weight else []))
    if seen > full:
        return  # the weights already pass the full score (raised as such)
    got = [r.score if r.score is not None else r.weight for r in rows]
    got += [funds_score if funds_score is not None else funds_weight] if funds_weight is not None else []
    most = add_up([x for x in got if x is not None]) + (full - seen)
    tol = half_unit(number(stated_text) or stated)
    if stated > most + tol:
        f.add(
            "review.score_sum",
            Severity.WARNING,
            f"表头所列自评得分{stated_text}，而表中可见各行得分合计{fmt_score(most - (full - seen))}分，"
            f"未列出的分值{fmt_score(full - seen)}分（满分{fmt_score(full)} − 已列分值{fmt_score(seen)}）"
            f"即使全部得满分，总分最多为{fmt_score(most)}分（得分无法辨认的行按其分值计）。",
            t.table.location(),
            f"≤{fmt_score(most)}",
            stated,
            _cells(t, rows, "score", "weight") + _funds_row(t),
        )


def _sections(t: ScoreTable) -> list[tuple[str, Decimal, list[ScoreRow]]]:
    """The indicator blocks of a table whose header repeats with its own points ("年度绩效目标1(40分)", then
    "年度绩效目标2(40分)"): (label, points, rows) per block, from the first cell of each header row."""
    if t.table is None or t.block is None:
        return []
    starts: list[int] = []
    for start in [t.block.header_start, *(rg.start for rg in t.block.repeats)]:
        # the same header printed again (a page break, the table pasted in two) goes on with its block
        if not starts or norm("".join(t.table.grid[start])) != norm("".join(t.table.grid[starts[-1]])):
            starts.append(start)
    out = []
    for i, start in enumerate(starts):
        label = next((x.strip() for x in t.table.grid[start] if x.strip()), "")
        _, points = level_label(label)
        end = starts[i + 1] if i + 1 < len(starts) else len(t.table.grid)
        rows = [r for r in t.rows if start < r.row < end]
        if points is not None and rows:
            out.append((label, points, rows))
    return out


def _unit(text: str, measure: str) -> str:
    """A figure with the unit its 度量单位 column gives ("98" and "%": 98%)."""
    return text + measure.strip() if number(text) is not None and number(text + measure.strip()) is not None else text


def _check_proportional_scores(f: Findings, t: ScoreTable) -> None:
    """A table without a 分值 column whose blocks carry their points ("年度绩效目标1(40分)"): when every
    indicator of a block met its target and the block's scores fall short of its points, the one row whose
    score is its full share × its actual percentage (19.6 = 20 × 98%, the share being 19.6 plus the shortfall)
    was scored by its actual value, not by its attainment: points lost on a met target."""
    if t.block is None or "weight" in t.block.columns or any(r.weight is not None for r in t.rows):
        return
    sections = _sections(t)
    for k, (label, points, rows) in enumerate(sections):
        if t.cut and k == len(sections) - 1:
            continue  # the last block may have lost rows to the cut
        if any(r.score is None or not r.target.strip() or not r.actual.strip() for r in rows):
            continue
        if any(outcome(read(r.target, r.nature, r.measure), read(r.actual, "", r.measure)) != "met" for r in rows):
            continue
        scores = [r.score for r in rows if r.score is not None]
        short = points - add_up(scores)
        if short <= 0:
            continue
        hits = []
        for r in rows:
            percent = "%" in norm(r.actual) or norm(r.measure) in ("%", "百分比")  # or in its 度量单位 column
            pct = number(r.actual) if percent else None
            if pct is None or r.score is None or not Decimal(0) < pct < Decimal(100) or r.reason.strip():
                continue
            share = r.score + short
            if abs(share * pct / 100 - r.score) <= max(half_unit(r.score), CENT):
                hits.append((r, r.score, share, pct))
        if len(hits) != 1:
            continue
        r, score, share, pct = hits[0]
        f.add(
            "review.target_met_lost",
            Severity.WARNING,
            f"“{r.name}”年初目标值{_unit(r.target, r.measure)}，实际完成值{_unit(r.actual, r.measure)}，已达到目标；"
            f"“{label}”各项均已达标，得分合计"
            f"{fmt_score(add_up(scores))}分，比{fmt_score(points)}分少{fmt_score(short)}分，正是本项按"
            f"{fmt_score(share)}分×{fmt_score(pct)}%计为{fmt_score(score)}分——已完成的目标应得满分，且未说明扣分原因。",
            r.location,
            share,
            score,
            [*row_basis(r), *(x.location for x in rows if x is not r)],
        )


def check_score_table(f: Findings, t: ScoreTable) -> Decimal | None:
    """All checks of one score sheet; returns the total its rows add up to (with the funds score)."""
    _check_weights(f, t)
    total = _check_scores(f, t)
    check_funds(f, t)
    check_rate_against_amounts(f, t)
    if t.family == "mof":
        check_targets(f, t)
        _check_proportional_scores(f, t)
    return total
