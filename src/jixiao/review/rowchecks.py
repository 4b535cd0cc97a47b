"""Checks of each indicator row and of a table's text, on a table that is otherwise correct: the target against the
actual with its operator (full points on a missed target, points lost on a met one, a reason where points were
lost, an actual far above its target), a rate indicator against its own figures, cells left blank or holding the
template's prompt, and 元 against 万元 (an amount whose parts in another unit add up to it).
Codes: review.target_missed_full, review.target_met_lost, review.missing_reason, review.blank_cell,
review.unit_mismatch."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Severity

from .findings import Findings
from .rx import rx
from .scoretable import ScoreRow, ScoreTable, not_applicable, row_basis
from .table import Table, number
from .targets import outcome, read
from .tolerance import add_up, tolerance
from .vocabulary import norm, vocabulary

__all__ = ["check_targets", "check_template_text", "check_units"]


def _template(text: str) -> bool:
    t = norm(text)
    if not t:
        return False
    vocab = vocabulary()
    return (
        bool(re.search(r"\(\d+字以内\)", t))
        or any(norm(w) in t for w in vocab.words("template_text"))
        or bool(re.fullmatch(vocab.raw["template_placeholder"], t))
    )


def check_targets(f: Findings, t: ScoreTable) -> None:
    if t.block is None:
        return
    cols = t.block.columns
    has_reason = "reason" in cols
    placeholders = {norm(w) for w in vocabulary().words("placeholder_reasons")}
    for r in t.rows:
        if t.cut and r is t.rows[-1] and not r.complete:
            continue  # the row the store cut off
        if r.weight is None and not not_applicable(r.weight_text) and "weight" not in cols and r.target and r.actual:
            _check_reason_only(f, r, has_reason, placeholders)
            continue
        if r.weight is None and "weight" not in cols and "score" not in cols and {"target", "actual"} <= set(cols):
            if r.name.strip() and not r.target.strip() and not r.actual.strip():  # a table without scores
                pairs = (("target", "指标值"), ("actual", "完成值"))
                names = [t.block.names.get(cols[k], d).split("/")[-1] for k, d in pairs]
                f.add(
                    "review.blank_cell",
                    Severity.WARNING,
                    f"“{r.name}”的{'、'.join(names)}均未填写。",
                    r.location,
                    "、".join(names),
                    "（空）",
                    row_basis(r),
                )
            continue
        if not_applicable(r.weight_text) or r.weight is None or r.weight == 0:
            continue
        blanks = [
            (t.block.names.get(cols[key], label).split("/")[-1], key)
            for key, label, text in (
                ("target", "年度指标值", r.target),
                ("actual", "实际完成值", r.actual),
                ("score", "得分", r.score_text),
            )
            if key in cols and (not text.strip() or _template(text))
        ]
        scored = f"，却得{fmt_score(r.score)}分" if r.score is not None and all(k != "score" for _, k in blanks) else ""
        # only the actual blank beside a written target, and scored: the text may be one cell merged across both
        # columns (written once, in its left position, by the table model) — a hint when the row has its full
        # points; below them the merged reading is a met target that lost points: a warning either way (t77)
        merged = len(blanks) == 1 and blanks[0][1] == "actual" and bool(r.target.strip()) and bool(scored)
        full = merged and r.score is not None and r.score >= r.weight
        if blanks and not (len(blanks) == 1 and blanks[0][1] == "target" and "actual" in cols and r.actual.strip()):
            note = "（若指标值与实际值为跨栏合并的一格，则此处无误）" if full else ""
            note = note or ("（若指标值与实际值为跨栏合并的一格，则是达到目标却扣分）" if merged else "")
            f.add(
                "review.blank_cell",
                Severity.INFO if full else Severity.WARNING,
                f"“{r.name}”（分值{fmt_score(r.weight)}）的{'、'.join(b for b, _ in blanks)}未填写{scored}{note}。",
                r.location,
                "、".join(b for b, _ in blanks),
                "（空）",
                row_basis(r),
            )
            continue
        _check_rate_indicator(f, r)
        if r.score is None or not r.target.strip() or not r.actual.strip() or not_applicable(r.target):
            continue
        target = read(r.target, r.nature or _rising(r) or _counted(r), r.measure)
        actual = read(r.actual, "", r.measure)
        result = outcome(target, actual)
        reason = r.reason.strip()
        if norm(reason) in placeholders or _template(reason):
            reason = ""
        operator = r.nature if r.nature and len(r.nature) <= 2 else ""
        shown = f"年度指标值{operator}{r.target}{r.measure}，实际完成值{r.actual}"
        if result == "missed" and r.score >= r.weight:
            f.add(
                "review.target_missed_full",
                Severity.WARNING,
                f"“{r.name}”{shown}，未达到目标却得满分{fmt_score(r.score)}分。",
                r.location,
                f"低于{fmt_score(r.weight)}分",
                r.score,
                row_basis(r),
            )
        elif result == "met" and r.score < r.weight and not reason and has_reason:
            f.add(
                "review.target_met_lost",
                Severity.WARNING,
                f"“{r.name}”{shown}，已达到目标却扣{fmt_score(r.weight - r.score)}分，且未说明原因。",
                r.location,
                r.weight,
                r.score,
                row_basis(r),
            )
        _check_overshoot(f, r, target, actual, reason, has_reason)
        if result != "met" and (r.score < r.weight or result == "missed") and not reason and has_reason:
            f.add(
                "review.missing_reason",
                Severity.WARNING,
                f"“{r.name}”{shown}，得{fmt_score(r.score)}分（分值{fmt_score(r.weight)}），未填写偏差原因分析及改进措施。",
                r.location,
                "偏差原因及改进措施",
                "（空）",
                row_basis(r),
            )


def _rising(r: ScoreRow) -> str:
    """ "≥" for a percentage target with no operator of its own whose indicator is a rate that is better higher
    (vocabulary.yaml rising_rates: 政府采购执行率 100%); "" otherwise."""
    text = norm(r.target)
    if vocabulary().operator(text)[0] is not None or not (text.endswith("%") or norm(r.measure) == "%"):
        return ""
    name = re.sub(r"[(（][^)）]*[)）]$", "", norm(r.name))
    return "≥" if any(name.endswith(w) for w in vocabulary().words("rising_rates")) else ""


def _counted(r: ScoreRow) -> str:
    """ "≥" for a bare figure with no operator, percent or date under a 数量指标 (vocabulary.yaml
    quantity_levels): a quantity to be delivered is a floor (corpus t74: 配套烘干杀菌设备及包装设备购置及安装 550
    against 20, full marks). Figures under other levels (成本, 时效, 质量 …) stay untold without an operator."""
    text = norm(r.target)
    reading = read(r.target)
    if reading.operator is not None or reading.value is None or reading.percent or reading.month is not None:
        return ""
    if not re.fullmatch(r"-?\d+(?:\.\d+)?\D{0,3}", text):
        return ""  # a figure inside words ("完成3个") is not read as a bare target
    level = norm(r.level2)
    return "≥" if any(level.endswith(norm(w)) for w in vocabulary().words("quantity_levels")) else ""


def _check_overshoot(f: Findings, r: ScoreRow, target, actual, reason: str, has_reason: bool) -> None:
    """An actual far above a ≥ target (more than the rulebook's far_above, 130% by default) with no reason: the
    target was set too low, or the actual is wrong. A hint: the truth of a table does not hold it against it."""
    from jixiao.scoring.rules.target import TargetOptions

    far = TargetOptions().far_above
    if (
        has_reason
        and not reason
        and target.operator in (">=", ">", None)
        and target.value
        and actual.value is not None
        and target.percent == actual.percent
        and not (target.unit and actual.unit and target.unit != actual.unit)
        and actual.value > target.value * far
    ):
        f.add(
            "review.target_overshoot",
            Severity.INFO,
            f"“{r.name}”实际完成值{r.actual}超过年度指标值{r.target}的{fmt_score((far - 1) * 100)}%以上，"
            "未说明原因（目标是否定得过低，或完成值有误）。",
            r.location,
            f"≤{fmt_score(target.value * far)}或说明原因",
            r.actual,
            row_basis(r),
        )


def _check_rate_indicator(f: Findings, r: ScoreRow) -> None:
    """An indicator row that is the budget execution rate (预算执行率 100%, 9 of 10): 分值 × min(rate, 100%)."""
    rate_indicators = {norm(w) for w in vocabulary().words("funds", "rate_indicators")}
    if norm(r.name) not in rate_indicators or r.score is None or r.weight is None:
        return  # without 分值 the expected score cannot be worked (_check_targets skips such rows before)
    actual, target = read(r.actual), read(r.target)
    if actual.value is None or not (actual.percent or "%" in norm(r.measure)):
        return
    if not (not_applicable(r.target) or not r.target.strip() or target.value == 100):
        return  # a target below 100% is scored by its attainment, not by the funds formula
    expected = (r.weight * min(actual.value / 100, Decimal(1))).quantize(Decimal("0.01"))
    tol = Decimal("0.01") + (Decimal("0.5") if r.score == r.score.to_integral() and "." not in r.score_text else 0)
    if abs(expected - r.score) > tol:
        levels = norm(r.level1 + r.level2)
        attainment = any(w in levels for w in vocabulary().words("funds", "attainment_levels"))
        f.add(
            "review.funds_score",
            Severity.INFO if attainment else Severity.WARNING,
            f"“{r.name}”实际完成值{r.actual}，按 分值{fmt_score(r.weight)} × min(执行率, 100%) "
            f"应得{fmt_score(expected)}分，"
            f"表中为{fmt_score(r.score)}分（容差±{fmt_score(tol)}）"
            + ("；此行列在产出、效益类指标下，可能按指标完成程度计分，请核对评分规则。" if attainment else "。"),
            r.location,
            expected,
            r.score,
            row_basis(r),
        )


def _check_reason_only(f: Findings, r: ScoreRow, has_reason: bool, placeholders: set[str]) -> None:
    """A table without weights: a target missed with no reason given."""
    reason = "" if norm(r.reason) in placeholders or _template(r.reason) else r.reason.strip()
    result = outcome(read(r.target, r.nature, r.measure), read(r.actual, "", r.measure))
    if has_reason and not reason and result == "missed":
        f.add(
            "review.missing_reason",
            Severity.WARNING,
            f"“{r.name}”年度指标值{r.target}，实际完成值{r.actual}，未达到目标，未填写偏差原因分析及改进措施。",
            r.location,
            "偏差原因及改进措施",
            "（空）",
            row_basis(r),
        )


def check_template_text(f: Findings, table: Table) -> None:
    """Template instructions left in a cell ("说明……(100字以内)"); the 原因 column, where the form prints its
    own instructions, is left alone."""
    reason_cols = {b.columns["reason"] for b in table.blocks if "reason" in b.columns}
    for r, row in enumerate(table.grid):
        for c, text in enumerate(row):
            if c in reason_cols or not _template(text):
                continue
            where = _template_label(table, r, c)
            f.add(
                "review.blank_cell",
                Severity.WARNING,
                f"“{where}”栏保留了填表说明文字（“{text[:40]}”），未填写实际内容。",
                table.location(r, c),
                "实际内容",
                text[:40],
            )


def _label(text: str) -> bool:
    """A cell that names what the cells beside or below it hold: short, no figure, not itself instructions."""
    t = norm(text)
    return 0 < len(t) <= 16 and number(text) is None and not re.search(r"\d", t) and not _template(text)


def _template_label(table: Table, r: int, c: int) -> str:
    """What a cell holding template instructions is: the nearest label left of it in its row (评价结论 |
    …), else the nearest label above it in its column (年度目标完成情况 over the cell), else its column number —
    the same words whatever else the row holds or the rows above it hold (a sentence of the year's goal left of
    the cell, a 合计 row's 100 above it: corpus t75)."""
    left = next((x.strip() for x in reversed(table.grid[r][:c]) if x.strip()), "")
    if _label(left):
        return left
    above = next((table.grid[k][c].strip() for k in range(r - 1, max(-1, r - 4), -1) if table.grid[k][c].strip()), "")
    return above if _label(above) else f"第{c + 1}列"


_MONEY = rx(r"(\d[\d,，]*(?:\.\d+)?)\s*(亿元|万元|元)")
_SCALE = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def _check_text_units(f: Findings, table: Table) -> None:
    """An amount in a cell's sentence followed by its "其中" parts in another unit, the parts adding up to the
    amount's figure: "补助471.23元，其中中央补助189.63万元，地方财政补助281.6万元" — the amount's unit is wrong
    (189.63 + 281.6 = 471.23, 万元). Only a clause (up to ；/。) is read, and only when the figures agree."""
    for r, row in enumerate(table.grid):
        for c, cell in enumerate(row):
            if "其中" not in cell:
                continue
            for clause in re.split(r"[；;。\n]", cell):
                amounts = list(_MONEY.finditer(clause))
                for i, m in enumerate(amounts):
                    rest = amounts[i + 1 :]
                    if len(rest) < 2 or "其中" not in clause[m.end() : rest[0].start()]:
                        continue
                    units = {x.group(2) for x in rest}
                    if len(units) != 1 or m.group(2) in units:
                        continue
                    total = Decimal(m.group(1).replace(",", "").replace("，", ""))
                    parts = [Decimal(x.group(1).replace(",", "").replace("，", "")) for x in rest]
                    s, tol = add_up(parts), tolerance(parts, total)
                    if abs(s - total) > tol:
                        continue
                    unit = next(iter(units))
                    shown = " + ".join(f"{x.group(1)}{unit}" for x in rest)
                    start = max((clause.rfind(p, 0, m.start()) for p in "，,、：:"), default=-1) + 1
                    phrase = clause[start : m.end()].strip()[-40:]
                    big, small = sorted((_SCALE[unit], _SCALE[m.group(2)]), reverse=True)
                    f.add(
                        "review.unit_mismatch",
                        Severity.WARNING,
                        f"“{phrase}”的单位为{m.group(2)}，而其后“其中”各项为{unit}（{shown} = {fmt_score(s)}{unit}），"
                        f"数额相同而单位相差{fmt_score(big / small)}倍，应为{m.group(1)}{unit}。",
                        table.location(r, c),
                        f"{m.group(1)}{unit}",
                        f"{m.group(1)}{m.group(2)}",
                    )


_WAN_LABEL = re.compile(r"[(（]\s*万元\s*[)）]|单位\s*[:：]?\s*万元")
_HUGE = Decimal(1000000)  # a million 万元 is 100亿元


def _check_scale(f: Findings, table: Table) -> None:
    """Amounts in 元 under a 万元 label: the rows a label cell "财政资金安排和使用情况(万元)" heads (down to the
    next label in its column) hold an amount of a million or more — 100亿元 and up if read as 万元, as when
    2751417.82 元 sits under "(万元)". One warning per label."""
    if set(table.unit_sources) != {"万元"}:
        return
    for r, row in enumerate(table.grid):
        for c, text in enumerate(row):
            if not _WAN_LABEL.search(text):
                continue
            end = next((k for k in range(r + 1, len(table.grid)) if table.grid[k][c : c + 1] != [""]), len(table.grid))
            big: tuple[Decimal, int, int] | None = None
            for k in range(r, end):
                values = [(number(x) if j > c and "%" not in norm(x) else None, j) for j, x in enumerate(table.grid[k])]
                huge = [(v, j) for v, j in values if v is not None and v >= _HUGE]
                if len(huge) < 2:
                    continue  # an amounts row has several (budget, paid, …); a lone long figure is a code or phone
                for value, j in huge:
                    if big is None or value > big[0]:
                        big = (value, k, j)
            if big is None:
                continue
            value, k, j = big
            label = next((x.strip() for x in table.grid[k][c + 1 : j] if x.strip() and number(x) is None), "")
            scaled = fmt_score((value / 10000).quantize(Decimal("0.01")))
            f.add(
                "review.unit_mismatch",
                Severity.WARNING,
                f"“{text.strip()[:30]}”标明单位为万元，而“{label or '金额'}”填为{fmt_score(value)}，按万元即"
                f"{scaled}亿元，与单位不相称，疑为按元填列（即{scaled}万元）。",
                table.location(k, j),
                f"{scaled}万元",
                f"{fmt_score(value)}万元",
            )


def check_units(f: Findings, table: Table) -> None:
    _check_text_units(f, table)
    _check_scale(f, table)
    units = table.unit_sources
    if "元" in units and "万元" in units:
        f.add(
            "review.unit_mismatch",
            Severity.WARNING,
            f"金额单位不一致：{units['万元']}标为万元，{units['元']}标为元；请统一单位，否则金额相差一万倍。",
            table.location(),
            "同一单位",
            "元／万元",
        )
