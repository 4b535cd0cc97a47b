"""人工评分 (manual): a score the evaluator sets by hand, always with a reason.

For indicators no figure can decide (e.g. an expert's judgement). The score is read from the department
data, `manual_scores.<indicator id>`, with `score` and `reason`; a score without a reason is not accepted,
so every point lost still carries a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, score_finisher

__all__ = ["ManualKind"]


@dataclass(frozen=True)
class ManualSpec:
    guidance: str


class ManualKind(RuleKind):
    name = "manual"
    label = "人工评分"

    def parse(self, params: Params) -> ManualSpec:
        return ManualSpec(params.text("guidance", ""))

    def standard(self, spec: ManualSpec, weight: Decimal) -> str:
        return spec.guidance or "由评价人根据佐证材料评分，并说明理由"

    def score(self, spec: ManualSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        path = f"manual_scores.{ctx.indicator_id}"
        given = ctx.reader.value(f"{path}.score")
        reason = ctx.reader.optional(f"{path}.reason")
        if not reason:
            raise Missing(f"{path}.reason", "人工评分必须填写理由")
        if given > ctx.weight:
            raise Undefined(f"人工评分 {fmt_score(given)} 超过分值 {fmt_score(ctx.weight)}")
        ctx.step("人工评分", f"评价人给分：{reason}", fmt_score(given))
        score, rounding = ctx.finish(given)
        lost = ctx.weight - score
        deductions = [Deduction(lost, f"{reason}，扣{fmt_score(lost)}分", "")] if lost else []
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: ManualSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        path = f"manual_scores.{leaf.indicator_id}"
        w = leaf.weight

        def score(values, members) -> Decimal:
            given = values.get(f"{path}.score")
            if given is None:
                raise Missing(f"{path}.score")
            if not values.get(f"{path}.reason"):
                raise Missing(f"{path}.reason", "人工评分必须填写理由")
            if given > w:
                raise Undefined(f"人工评分 {fmt_score(given)} 超过分值 {fmt_score(w)}")
            return finish(given)

        return score
