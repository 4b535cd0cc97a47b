"""检查清单 (checklist): qualitative facts, each failing item deducts its points.

Seed 000's 资产管理安全性 (2): no asset count (资产清查) in the year → minus 1. Each item names a fact the
rulebook declares; the department answers it (是/否/…) with evidence. An answer of 不适用 skips the item;
a missing answer leaves the indicator 未填报 (never counted as passed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.indicators import Missing
from jixiao.model.numbers import fmt_score

from ..trace import Deduction, Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer, score_finisher

__all__ = ["ChecklistKind"]


@dataclass(frozen=True)
class ChecklistItem:
    fact: str
    expect: tuple[str, ...]
    deduct: Decimal
    failure: str  # what a failing answer means, as a clause of the deduction sentence
    remedy: str  # what would avoid the deduction


@dataclass(frozen=True)
class ChecklistSpec:
    items: tuple[ChecklistItem, ...]
    floor: Decimal


class ChecklistKind(RuleKind):
    name = "checklist"
    label = "检查清单"

    def parse(self, params: Params) -> ChecklistSpec:
        items = []
        for i, raw in enumerate(params.items("items")):
            sub = params.sub(raw)
            try:
                fact = sub.text("fact")
                if fact not in params.facts:
                    raise ParamError("fact", f"事实“{fact}”未在指标体系的 facts 中声明")
                expect = sub._get("expect", "是")
                expect = tuple(expect) if isinstance(expect, list) else (str(expect),)
                question = params.facts[fact].question
                items.append(
                    ChecklistItem(
                        fact,
                        expect,
                        sub.decimal("deduct"),
                        sub.text("failure", f"“{question}”回答不符合要求"),
                        sub.text("remedy", f"做到“{question.rstrip('？?')}”"),
                    )
                )
            except ParamError as exc:
                raise ParamError(f"items[{i}].{exc.key}", exc.message) from None
        return ChecklistSpec(tuple(items), params.decimal("floor", Decimal(0)))

    def check(self, spec: ChecklistSpec, weight: Decimal) -> list[str]:
        return ["检查项的扣分应为正数"] if any(item.deduct <= 0 for item in spec.items) else []

    def standard(self, spec: ChecklistSpec, weight: Decimal) -> str:
        return "；".join(f"{item.failure}扣{fmt_score(item.deduct)}分" for item in spec.items)

    def score(self, spec: ChecklistSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        deductions: list[Deduction] = []
        lost = Decimal(0)
        for item in spec.items:
            path = f"facts.{item.fact}"
            answer = ctx.reader.value(f"{path}.answer")
            evidence = ctx.reader.optional(f"{path}.evidence")
            question = ctx.facts[item.fact].question
            if answer == "不适用":
                ctx.step(question, "不适用", "不扣分")
                continue
            passed = answer in item.expect
            ctx.step(question, f"回答“{answer}”", "符合" if passed else f"扣{fmt_score(item.deduct)}分")
            if not passed:
                lost += item.deduct
                what = (
                    evidence
                    if evidence and item.failure in evidence
                    else (f"{item.failure}（{evidence}）" if evidence else item.failure)
                )
                deductions.append(
                    Deduction(
                        item.deduct,
                        f"{what}，根据评分标准扣{fmt_score(item.deduct)}分",
                        f"{item.remedy}，可少扣{fmt_score(item.deduct)}分",
                    )
                )
        score, rounding = ctx.finish(max(ctx.weight - lost, spec.floor))
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: ChecklistSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        items = [(f"facts.{item.fact}.answer", item.expect, item.deduct) for item in spec.items]
        w, floor = leaf.weight, spec.floor

        def score(values, members) -> Decimal:
            lost = Decimal(0)
            for path, expect, deduct in items:
                answer = values.get(path)
                if answer is None:
                    raise Missing(path)
                if answer != "不适用" and answer not in expect:
                    lost += deduct
            return finish(max(w - lost, floor))

        return score
