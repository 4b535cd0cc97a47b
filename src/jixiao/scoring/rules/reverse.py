"""逆向指标 (reverse): lower is better; full marks at or below `best`, zero at or above `worst`, linear between.

E.g. 结转结余率 with best 0% and worst 20% (weight 5): 6% → 5 × (20% − 6%) ÷ (20% − 0%) = 3.5.
For a lower-is-better value scored in proportion (weight × target ÷ actual) use `ratio` with
`direction: lower`; this kind is for tables that give a worst value where the points run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from jixiao.model.numbers import fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_one_value

__all__ = ["ReverseKind"]


@dataclass(frozen=True)
class ReverseSpec:
    ref: ValueRef
    best: Decimal
    worst: Decimal


def _raw(spec: ReverseSpec, value: Decimal, weight: Decimal) -> Decimal:
    if value <= spec.best:
        return weight
    if value >= spec.worst:
        return Decimal(0)
    return weight * (spec.worst - value) / (spec.worst - spec.best)


class ReverseKind(RuleKind):
    name = "reverse"
    label = "逆向指标"

    def parse(self, params: Params) -> ReverseSpec:
        ref = params.value_ref()
        read = params.rate if ref.source == "indicator" else params.decimal
        return ReverseSpec(ref, read("best"), read("worst"))

    def check(self, spec: ReverseSpec, weight: Decimal) -> list[str]:
        return ["参数 worst（得0分的值）应大于 best（得满分的值）"] if spec.worst <= spec.best else []

    def _shown(self, spec: ReverseSpec, value: Decimal) -> str:
        return f"{fmt_number(value * 100)}%" if spec.ref.source == "indicator" else fmt_number(value)

    def standard(self, spec: ReverseSpec, weight: Decimal) -> str:
        best, worst = self._shown(spec, spec.best), self._shown(spec, spec.worst)
        return f"{spec.ref.label}越低越好：不高于{best}得满分，达到{worst}及以上得0分，其间按比例计分"

    def score(self, spec: ReverseSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        value = ctx.read(spec.ref)
        raw = _raw(spec, value, ctx.weight)
        shown, best, worst = self._shown(spec, value), self._shown(spec, spec.best), self._shown(spec, spec.worst)
        if spec.best < value < spec.worst:
            ctx.step("得分", f"{fmt_score(ctx.weight)} × ({worst} − {shown}) ÷ ({worst} − {best})", fmt_number(raw))
        else:
            ctx.step(
                "得分",
                f"{shown} {'≤' if value <= spec.best else '≥'} {best if value <= spec.best else worst}",
                fmt_score(raw),
            )
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        deductions = []
        if lost:
            deductions.append(
                Deduction(
                    lost,
                    f"{spec.ref.label}为{shown}，高于满分线{best}，扣{fmt_score(lost)}分",
                    f"{spec.ref.label}降到{best}以下，可少扣{fmt_score(lost)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: ReverseSpec, leaf: Leaf) -> Scorer:
        return compile_one_value(partial(_raw, spec), spec.ref, leaf)
