"""容差计分 (tolerance): full marks when the value lies within ±band of its target, zero outside.

A 四川 rule (大英县总工会 2020, REGIONS §3.2): a quantity target met but exceeded by more than 30% scores
nothing, as does one not met. With `target: 100` and `band: 30%`: 118 → full (|118 − 100| ÷ 100 = 18%);
131 → 0 (31% > 30%). `side: both` (default) counts deviation either way; `side: above` requires the
target reached (value ≥ target) and at most band above it — the 大英 wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.indicators import Undefined
from jixiao.model.numbers import divide, fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_ref, score_finisher

__all__ = ["ToleranceKind", "within_band"]


@dataclass(frozen=True)
class ToleranceSpec:
    ref: ValueRef
    target: Decimal
    band: Decimal
    side: str  # both | above


def within_band(actual: Decimal, target: Decimal, band: Decimal, side: str) -> tuple[bool, Decimal]:
    """(inside the band, relative deviation |actual − target| ÷ |target|); a zero target is undefined."""
    if target == 0:
        raise Undefined("目标值为0，无法计算偏离度")
    deviation = divide(abs(actual - target), abs(target))
    if side == "above" and actual < target:
        return False, deviation
    return deviation <= band, deviation


class ToleranceKind(RuleKind):
    name = "tolerance"
    label = "容差计分"

    def parse(self, params: Params) -> ToleranceSpec:
        ref = params.value_ref()
        target = params.rate("target") if ref.source == "indicator" else params.decimal("target")
        return ToleranceSpec(ref, target, params.rate("band"), params.choice("side", ("both", "above"), "both"))

    def _shown(self, spec: ToleranceSpec, value: Decimal) -> str:
        return f"{fmt_number(value * 100)}%" if spec.ref.source == "indicator" else fmt_number(value)

    def standard(self, spec: ToleranceSpec, weight: Decimal) -> str:
        band = f"{fmt_number(spec.band * 100)}%"
        if spec.side == "above":
            return f"{spec.ref.label}达到{self._shown(spec, spec.target)}且超出不超过{band}得满分，否则不得分"
        return f"{spec.ref.label}与目标值{self._shown(spec, spec.target)}偏离不超过±{band}得满分，否则不得分"

    def score(self, spec: ToleranceSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        actual = ctx.read(spec.ref)
        inside, deviation = within_band(actual, spec.target, spec.band, spec.side)
        shown_actual, shown_target = self._shown(spec, actual), self._shown(spec, spec.target)
        ctx.step("偏离度", f"|{shown_actual} − {shown_target}| ÷ {shown_target}", ctx.precise_pct(deviation))
        raw = ctx.weight if inside else Decimal(0)
        ctx.step("得分", "在容差范围内，得满分" if inside else "超出容差范围，不得分", fmt_score(raw))
        score, rounding = ctx.finish(raw)
        deductions = []
        if score < ctx.weight:
            short = spec.side == "above" and actual < spec.target
            what = f"未达到目标值{shown_target}" if short else f"偏离目标值{shown_target}达{ctx.pct(deviation)}"
            deductions.append(
                Deduction(
                    ctx.weight - score,
                    f"{spec.ref.label}为{shown_actual}，{what}，超出±{fmt_number(spec.band * 100)}%的容差，"
                    f"扣{fmt_score(ctx.weight - score)}分",
                    f"{spec.ref.label}控制在目标值±{fmt_number(spec.band * 100)}%以内，可少扣"
                    f"{fmt_score(ctx.weight - score)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: ToleranceSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, w = compile_ref(spec.ref), leaf.weight

        def score(values, members) -> Decimal:
            inside, _ = within_band(value(values, members), spec.target, spec.band, spec.side)
            return finish(w if inside else Decimal(0))

        return score
