"""季度序时进度 (schedule): points per quarter, from each quarter's 序时执行率.

Seed 000's 预算执行率 (6 = 4 × 1.5): quarters 93.58%, 80.74%, 100.88%, 99.87%. The official text is not
available; REFERENCE §2a lists formulas that fit. The default, `mode: shortfall`, deducts
points_per_quarter × Σ max(0, 1 − rate): 1.5 × (6.42% + 19.26% + 0.13%) = 0.38715 → 0.38 (deduction
truncated; see the rulebook's rounding). `mode: proportional` scores Σ points × min(rate, 1) instead.
A quarter's 序时执行率 is read as given, or computed as 实际支出进度 ÷ 序时进度.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import divide, fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer, round_score, score_finisher

__all__ = ["ScheduleKind"]

_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class ScheduleSpec:
    points_per_quarter: Decimal
    quarters: tuple[int, ...]
    target: Decimal
    mode: str  # shortfall | proportional


def quarter_name(q: int) -> str:
    return f"第{_QUARTER_NAMES[q]}季度"


class ScheduleKind(RuleKind):
    name = "schedule"
    label = "季度序时进度"

    def parse(self, params: Params) -> ScheduleSpec:
        raw = params._get("quarters", [1, 2, 3, 4])
        try:
            quarters = tuple(int(q) for q in raw)
        except (TypeError, ValueError):
            raise ParamError("quarters", "参数“quarters”应为季度列表，如 [1, 2, 3, 4]") from None
        if not quarters or any(q not in _QUARTER_NAMES for q in quarters):
            raise ParamError("quarters", "季度应为 1–4")
        return ScheduleSpec(
            params.decimal("points_per_quarter"),
            quarters,
            params.rate("target", Decimal(1)),
            params.choice("mode", ("shortfall", "proportional"), "shortfall"),
        )

    def check(self, spec: ScheduleSpec, weight: Decimal) -> list[str]:
        total = spec.points_per_quarter * len(spec.quarters)
        if total != weight:
            return [
                f"每季度分值 {fmt_score(spec.points_per_quarter)} × {len(spec.quarters)} 个季度 = "
                f"{fmt_score(total)}，与指标分值 {fmt_score(weight)} 不一致"
            ]
        return []

    def standard(self, spec: ScheduleSpec, weight: Decimal) -> str:
        target = f"{fmt_number(spec.target * 100)}%"
        if spec.mode == "shortfall":
            return (
                f"按季度考核序时执行率，每季度{fmt_score(spec.points_per_quarter)}分；"
                f"序时执行率低于{target}的，按 {fmt_score(spec.points_per_quarter)}分×差额 扣分"
            )
        return f"按季度考核序时执行率，每季度得分 = {fmt_score(spec.points_per_quarter)}分 × 序时执行率（最高{target}）"

    def rates(self, ctx: RuleContext, spec: ScheduleSpec) -> dict[int, Decimal]:
        by_quarter = {ctx.data.get(f"{item}.quarter"): item for item in ctx.data.items("quarterly")}
        rates: dict[int, Decimal] = {}
        for q in spec.quarters:
            item = by_quarter.get(q)
            if item is None:
                raise Missing("quarterly", f"{quarter_name(q)}序时执行率")
            direct = ctx.reader.optional(f"{item}.time_rate")
            if direct is not None:
                rates[q] = direct
                continue
            spent, scheduled = (
                ctx.reader.value(f"{item}.spending_progress"),
                ctx.reader.value(f"{item}.schedule_progress"),
            )
            if scheduled == 0:
                raise Undefined(f"{quarter_name(q)}序时进度为0，序时执行率无法计算")
            rates[q] = divide(spent, scheduled)
            ctx.step(f"{quarter_name(q)}序时执行率", f"{ctx.pct(spent)} ÷ {ctx.pct(scheduled)}", ctx.pct(rates[q]))
        return rates

    def raw_score(self, spec: ScheduleSpec, weight: Decimal, rates: dict[int, Decimal]) -> Decimal:
        p, t = spec.points_per_quarter, spec.target
        if spec.mode == "shortfall":
            lost = sum((min(p * max(Decimal(0), t - r) / t, p) for r in rates.values()), Decimal(0))
            return weight - lost
        return sum((p * min(r / t, Decimal(1)) for r in rates.values()), Decimal(0))

    def score(self, spec: ScheduleSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        rates = self.rates(ctx, spec)
        p, t = spec.points_per_quarter, spec.target
        short = {q: r for q, r in rates.items() if r < t}
        if spec.mode == "shortfall":
            terms = " + ".join(f"{ctx.pct(t - r)}" for r in short.values()) or "0"
            lost_raw = ctx.weight - self.raw_score(spec, ctx.weight, rates)
            ctx.step(
                "序时执行率差额合计", terms, fmt_number(sum((t - r for r in short.values()), Decimal(0)) * 100) + "%"
            )
            ctx.step("扣分（取整前）", f"{fmt_score(p)} × 差额合计", fmt_number(lost_raw))
        else:
            for q, r in rates.items():
                ctx.step(
                    f"{quarter_name(q)}得分",
                    f"{fmt_score(p)} × min({ctx.pct(r)}, {ctx.pct(t)})",
                    fmt_number(p * min(r / t, Decimal(1))),
                )
        raw = self.raw_score(spec, ctx.weight, rates)
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        deductions = []
        if lost:
            names = "、".join(quarter_name(q)[1:] for q in short).replace("季度", "")
            values = "、".join(ctx.pct(r) for r in short.values())
            avoid = []
            for q in short:
                better = {**rates, q: t}
                after = round_score(ctx.weight, self.raw_score(spec, ctx.weight, better), ctx.rounding)
                if after > score:
                    avoid.append(f"{quarter_name(q)}序时执行率达到{ctx.pct(t)}，可少扣{fmt_score(after - score)}分")
            deductions.append(
                Deduction(
                    lost,
                    f"第{names}季度序时执行率{'分别' if len(short) > 1 else ''}为{values}，"
                    f"低于序时进度要求（{ctx.pct(t)}），"
                    f"根据评分标准扣{fmt_score(lost)}分",
                    "；".join(avoid),
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: ScheduleSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        w = leaf.weight

        def score(values, members) -> Decimal:
            by_quarter = {values.get(f"{item}.quarter"): item for item in members.get("quarterly", ())}
            rates: dict[int, Decimal] = {}
            for q in spec.quarters:
                item = by_quarter.get(q)
                if item is None:
                    raise Missing("quarterly", f"{quarter_name(q)}序时执行率")
                direct = values.get(f"{item}.time_rate")
                if direct is not None:
                    rates[q] = direct
                    continue
                spent, scheduled = values.get(f"{item}.spending_progress"), values.get(f"{item}.schedule_progress")
                if spent is None or scheduled is None:
                    raise Missing(f"{item}.{'spending_progress' if spent is None else 'schedule_progress'}")
                if scheduled == 0:
                    raise Undefined(f"{quarter_name(q)}序时进度为0，序时执行率无法计算")
                rates[q] = divide(spent, scheduled)
            return finish(self.raw_score(spec, w, rates))

        return score
