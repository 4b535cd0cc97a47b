"""按单位扣分 (per_unit): a deduction for each unit beyond a threshold, down to a floor.

REFERENCE §2c (Hunan-style templates): 在职人员控制率 ≤ 100% full, minus 0.5 per percentage point above;
"三公"经费变动率 ≤ 0 full, minus 0.8 per point above; 预算完成率 100% full, minus 2 for each 5% below.
`stepping` says how a partial unit counts: proportional, floor (only whole units) or ceil (any part).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from jixiao.model.numbers import fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_ref, score_finisher

__all__ = ["PerUnitKind"]


@dataclass(frozen=True)
class PerUnitSpec:
    ref: ValueRef
    threshold: Decimal
    direction: str  # above | below: which side of the threshold loses points
    per: Decimal
    points: Decimal
    stepping: str
    floor: Decimal


class PerUnitKind(RuleKind):
    name = "per_unit"
    label = "按单位扣分"

    def parse(self, params: Params) -> PerUnitSpec:
        ref = params.value_ref()
        read = params.rate if ref.source == "indicator" else params.decimal
        return PerUnitSpec(
            ref,
            read("threshold"),
            params.choice("direction", ("above", "below")),
            read("per"),
            params.decimal("points"),
            params.choice("stepping", ("proportional", "floor", "ceil"), "proportional"),
            params.decimal("floor", Decimal(0)),
        )

    def _fmt(self, spec: PerUnitSpec, value: Decimal, ctx: RuleContext | None = None) -> str:
        if spec.ref.source != "indicator":
            return fmt_number(value)
        return ctx.pct(value) if ctx else f"{fmt_number(value * 100)}%"

    def standard(self, spec: PerUnitSpec, weight: Decimal) -> str:
        side = "高于" if spec.direction == "above" else "低于"
        return (
            f"{spec.ref.label}{'不高于' if spec.direction == 'above' else '不低于'}"
            f"{self._fmt(spec, spec.threshold)}得满分；每{side}{self._fmt(spec, spec.per)}扣"
            f"{fmt_score(spec.points)}分，最低{fmt_score(spec.floor)}分"
        )

    def score(self, spec: PerUnitSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        value = Decimal(ctx.read(spec.ref))
        beyond = value - spec.threshold if spec.direction == "above" else spec.threshold - value
        fmt = lambda v: self._fmt(spec, v, ctx)  # noqa: E731
        deductions = []
        if beyond <= 0:
            raw = ctx.weight
            ctx.step(
                "是否超出",
                f"{fmt(value)} 未{'超过' if spec.direction == 'above' else '低于'} {fmt(spec.threshold)}",
                "不扣分",
            )
        else:
            units = beyond / spec.per
            if spec.stepping != "proportional":
                units = units.to_integral_value(ROUND_FLOOR if spec.stepping == "floor" else ROUND_CEILING)
            lost_raw = units * spec.points
            ctx.step("超出单位数", f"|{fmt(value)} − {fmt(spec.threshold)}| ÷ {fmt(spec.per)}", fmt_number(units))
            ctx.step("扣分", f"{fmt_number(units)} × {fmt_score(spec.points)}", fmt_number(lost_raw))
            raw = max(ctx.weight - lost_raw, spec.floor)
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        if lost:
            side = "高于" if spec.direction == "above" else "低于"
            deductions.append(
                Deduction(
                    lost,
                    f"{spec.ref.label}为{fmt(value)}，{side}{fmt(spec.threshold)}，每{side}{fmt(spec.per)}扣"
                    f"{fmt_score(spec.points)}分，扣{fmt_score(lost)}分",
                    f"{spec.ref.label}{'控制在' if spec.direction == 'above' else '达到'}{fmt(spec.threshold)}"
                    f"{ctx.gap(spec.ref, spec.threshold)}，可少扣{fmt_score(lost)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: PerUnitSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, w = compile_ref(spec.ref), leaf.weight
        above = spec.direction == "above"

        def score(values, members) -> Decimal:
            number = Decimal(value(values, members))
            beyond = number - spec.threshold if above else spec.threshold - number
            if beyond <= 0:
                return finish(w)
            units = beyond / spec.per
            if spec.stepping != "proportional":
                units = units.to_integral_value(ROUND_FLOOR if spec.stepping == "floor" else ROUND_CEILING)
            return finish(max(w - units * spec.points, spec.floor))

        return score
