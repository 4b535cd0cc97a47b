"""线性扣减 (linear_deduction): score = weight × (1 − factor × rate), zero once the rate passes a cut-off.

四川 大英县总工会 2020 (REGIONS §3.2), 编制准确 (10): “指标得分 = (1 − 10 × 部门全年预算调剂金额 / 年初部门预算数)
× 指标分值；若 调剂金额 / 年初预算数 > 0.1，此项得0分”. With 调剂 12 of 年初 1,000 (1.2%):
10 × (1 − 10 × 1.2%) = 8.8; with 150 of 1,000 (15% > 10%): 0. A negative rate (a cut) counts by its size
when `absolute: true` (default), since 调剂 either way shows the budget was not prepared accurately.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from jixiao.model.numbers import fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_one_value

__all__ = ["LinearDeductionKind"]


@dataclass(frozen=True)
class LinearSpec:
    ref: ValueRef
    factor: Decimal
    cutoff: Decimal | None
    absolute: bool


def _raw(spec: LinearSpec, rate: Decimal, weight: Decimal) -> Decimal:
    if spec.absolute:
        rate = abs(rate)
    if spec.cutoff is not None and rate > spec.cutoff:
        return Decimal(0)
    return weight * (1 - spec.factor * rate)


class LinearDeductionKind(RuleKind):
    name = "linear_deduction"
    label = "线性扣减"

    def parse(self, params: Params) -> LinearSpec:
        ref = params.value_ref()
        absolute = str(params._get("absolute", "true")).lower() in ("true", "是", "1")
        return LinearSpec(ref, params.decimal("factor"), params.rate("cutoff", None), absolute)

    def check(self, spec: LinearSpec, weight: Decimal) -> list[str]:
        return ["参数 factor（扣减系数）应为正数"] if spec.factor <= 0 else []

    def standard(self, spec: LinearSpec, weight: Decimal) -> str:
        text = f"得分 = (1 − {fmt_number(spec.factor)} × {spec.ref.label}) × 分值"
        if spec.cutoff is not None:
            text += f"；{spec.ref.label}超过{fmt_number(spec.cutoff * 100)}%的，得0分"
        return text

    def score(self, spec: LinearSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        rate = ctx.read(spec.ref)
        used = abs(rate) if spec.absolute else rate
        raw = _raw(spec, rate, ctx.weight)
        if spec.cutoff is not None and used > spec.cutoff:
            ctx.step("得分", f"{ctx.pct(used)} > {ctx.pct(spec.cutoff)}，得0分", fmt_score(raw))
        else:
            ctx.step(
                "得分",
                f"(1 − {fmt_number(spec.factor)} × {ctx.precise_pct(used)}) × {fmt_score(ctx.weight)}",
                fmt_number(raw),
            )
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        deductions = []
        if lost:
            over = spec.cutoff is not None and used > spec.cutoff
            tail = f"，超过{ctx.pct(spec.cutoff)}，得0分" if over and spec.cutoff is not None else ""
            deductions.append(
                Deduction(
                    lost,
                    f"{spec.ref.label}为{ctx.pct(used)}{tail}，按评分标准扣{fmt_score(lost)}分",
                    f"{spec.ref.label}降为0，可少扣{fmt_score(lost)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: LinearSpec, leaf: Leaf) -> Scorer:
        return compile_one_value(partial(_raw, spec), spec.ref, leaf)
