"""比例计分 (ratio): score = weight × rate ÷ full-marks rate, full marks at or beyond it.

Seed 000's 政府采购执行情况: 2 × (155.586 ÷ 155.591 = 99.99%) = 1.9998 → 1.99 (truncated).
With `direction: lower` a rate above `full_at` scores weight × full_at ÷ rate (e.g. cost overruns).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.numbers import Rounding, fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_ref, score_finisher

__all__ = ["RatioKind"]


@dataclass(frozen=True)
class RatioSpec:
    ref: ValueRef
    full_at: Decimal
    direction: str
    rate_rounding: Rounding | None


class RatioKind(RuleKind):
    name = "ratio"
    label = "比例计分"

    def parse(self, params: Params) -> RatioSpec:
        ref = params.value_ref()
        rate_rounding = None
        raw = params.raw.get("rate_rounding")
        params.used.add("rate_rounding")
        if raw is not None:
            sub = params.sub(raw if isinstance(raw, dict) else {})
            rate_rounding = Rounding(sub.choice("mode", Rounding.MODES), int(sub.decimal("places", Decimal(4))))
        return RatioSpec(
            ref,
            params.rate("full_at", Decimal(1)),
            params.choice("direction", ("higher", "lower"), "higher"),
            rate_rounding,
        )

    def standard(self, spec: RatioSpec, weight: Decimal) -> str:
        full = f"{fmt_number(spec.full_at * 100)}%"
        if spec.direction == "higher":
            return f"{spec.ref.label}达到{full}得满分，未达到的按 分值×{spec.ref.label}÷{full} 计分"
        return f"{spec.ref.label}不高于{full}得满分，超过的按 分值×{full}÷{spec.ref.label} 计分"

    def score(self, spec: RatioSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        rate = ctx.read(spec.ref)
        if spec.rate_rounding is not None:
            cut = spec.rate_rounding.apply(rate)
            word = "截位" if spec.rate_rounding.mode == "truncate" else "四舍五入"
            ctx.step(
                f"{spec.ref.label}（百分数保留{spec.rate_rounding.places - 2}位小数，{word}）",
                ctx.precise_pct(rate),
                ctx.pct(cut),
            )
            rate = cut
        w = ctx.weight
        reached = rate >= spec.full_at if spec.direction == "higher" else rate <= spec.full_at
        if reached:
            raw = w
            ctx.step(
                "得分",
                f"{ctx.pct(rate)} {'≥' if spec.direction == 'higher' else '≤'} {ctx.pct(spec.full_at)}，得满分",
                fmt_score(w),
            )
        elif spec.direction == "higher":
            raw = w * rate / spec.full_at
            ctx.step("得分", f"{fmt_score(w)} × {ctx.pct(rate)} ÷ {ctx.pct(spec.full_at)}", fmt_number(raw))
        else:
            raw = w * spec.full_at / rate
            ctx.step("得分", f"{fmt_score(w)} × {ctx.pct(spec.full_at)} ÷ {ctx.pct(rate)}", fmt_number(raw))
        score, rounding = ctx.finish(raw)
        lost = w - score
        deductions = []
        if lost:
            side = "低于" if spec.direction == "higher" else "高于"
            deductions.append(
                Deduction(
                    lost,
                    f"{spec.ref.label}为{ctx.pct(rate)}，{side}{ctx.pct(spec.full_at)}，"
                    f"按评分标准得{fmt_score(score)}分，扣{fmt_score(lost)}分",
                    f"{spec.ref.label}{'达到' if spec.direction == 'higher' else '控制在'}{ctx.pct(spec.full_at)}"
                    f"{ctx.gap(spec.ref, spec.full_at)}，可少扣{fmt_score(lost)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: RatioSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, w, full, cut = compile_ref(spec.ref), leaf.weight, spec.full_at, spec.rate_rounding
        higher = spec.direction == "higher"

        def score(values, members) -> Decimal:
            rate = value(values, members)
            if cut is not None:
                rate = cut.apply(rate)
            if rate >= full if higher else rate <= full:
                raw = w
            elif higher:
                raw = w * rate / full
            else:
                raw = w * full / rate
            return finish(raw)

        return score
