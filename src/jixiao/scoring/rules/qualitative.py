"""定性分档 (qualitative): an answer (达成 / 部分达成 / 未达成, or the table's own words) gives a share of the points.

财预〔2020〕10号's self-evaluation notes (REFERENCE §1): 达成 100–80%, 部分达成 80–60%, 未达成 60–0% of the
indicator's points. A table fixes one share per tier; by default 达成 100%, 部分达成 60%, 未达成 0. With
weight 5 and `tiers: {达成: 100%, 部分达成: 70%, 未达成: 30%}`, 部分达成 scores 5 × 70% = 3.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.indicators import Undefined
from jixiao.model.numbers import fmt_number, fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer, ValueRef, compile_ref, score_finisher

__all__ = ["DEFAULT_SHARES", "QualitativeKind"]

DEFAULT_SHARES = {"达成": Decimal(1), "部分达成": Decimal("0.6"), "未达成": Decimal(0)}


@dataclass(frozen=True)
class QualitativeSpec:
    ref: ValueRef
    tiers: tuple[tuple[str, Decimal], ...]


def _share(spec: QualitativeSpec, answer: object, name: str) -> Decimal:
    for tier, share in spec.tiers:
        if tier == answer:
            return share
    known = " / ".join(t for t, _ in spec.tiers)
    raise Undefined(f"“{name}”的评价结论应为 {known} 之一，实际为“{answer}”")


class QualitativeKind(RuleKind):
    name = "qualitative"
    label = "定性分档"

    def parse(self, params: Params) -> QualitativeSpec:
        ref = params.value_ref()
        if ref.source != "fact":
            raise ParamError("fact", "定性分档只能读取定性事实（fact）")
        raw = params._get("tiers", None)
        if raw is None:
            return QualitativeSpec(ref, tuple(DEFAULT_SHARES.items()))
        if not isinstance(raw, dict) or not raw:
            raise ParamError("tiers", "参数“tiers”应为 档次: 得分比例 的对应，如 {达成: 100%, 部分达成: 60%}")
        tiers = []
        for tier, share in raw.items():
            value = params.sub({"v": share}).rate("v")
            if not Decimal(0) <= value <= Decimal(1):
                raise ParamError("tiers", f"档次“{tier}”的得分比例应在0–100%之间，实际为{share}")
            tiers.append((str(tier), value))
        return QualitativeSpec(ref, tuple(tiers))

    def standard(self, spec: QualitativeSpec, weight: Decimal) -> str:
        shares = ((tier, fmt_number(share * 100), fmt_score(weight * share)) for tier, share in spec.tiers)
        return "；".join(f"{tier}得{pct}%（{points}分）" for tier, pct, points in shares)

    def score(self, spec: QualitativeSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        answer = ctx.read(spec.ref)
        share = _share(spec, answer, ctx.name)
        raw = ctx.weight * share
        ctx.step("定性评价", f"{answer}：分值 × {fmt_number(share * 100)}%", fmt_number(raw))
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        evidence = ctx.reader.optional(f"facts.{spec.ref.name}.evidence")
        why = f"（{evidence}）" if evidence else ""
        best = spec.tiers[0][0] if spec.tiers else "达成"
        deductions = (
            [
                Deduction(
                    lost, f"评价为“{answer}”{why}，扣{fmt_score(lost)}分", f"做到“{best}”，可少扣{fmt_score(lost)}分"
                )
            ]
            if lost
            else []
        )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: QualitativeSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, w = compile_ref(spec.ref), leaf.weight

        def score(values, members) -> Decimal:
            return finish(w * _share(spec, value(values, members), leaf.name))

        return score
