"""豁免 (exemption): a condition that gives the points without scoring, otherwise the inner rule scores.

安徽 寿县 2023 (REGIONS §3.3), 年度绩效目标合理性: “设置年度绩效目标(2分，其中单位整体绩效目标1分，项目绩效目标1分，
若单位无项目，得2分)” — no projects → full points; likewise 不可抗力 where a table excuses it. Each condition
names a declared fact and the answers that trigger it; `award` is the share given (default 100%). An
unanswered condition is not claimed, and the inner rule scores.
```
rule: {kind: exemption, exempt_if: [{fact: has_projects, answer: 否}], rule: {kind: checklist, items: [...]}}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.numbers import fmt_number, fmt_score

from ..trace import Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer, score_finisher
from .nested import InnerRule, parse_inner

__all__ = ["ExemptionKind"]


@dataclass(frozen=True)
class Condition:
    fact: str
    answers: tuple[str, ...]
    question: str


@dataclass(frozen=True)
class ExemptionSpec:
    conditions: tuple[Condition, ...]
    award: Decimal
    inner: InnerRule


class ExemptionKind(RuleKind):
    name = "exemption"
    label = "豁免条件"

    def parse(self, params: Params) -> ExemptionSpec:
        conditions = []
        for i, raw in enumerate(params.items("exempt_if")):
            fact = str(raw.get("fact") or "")
            if fact not in params.facts:
                raise ParamError(f"exempt_if[{i}].fact", f"事实“{fact}”未在指标体系的 facts 中声明")
            answer = raw.get("answer", "是")
            answers = tuple(str(a) for a in answer) if isinstance(answer, list) else (str(answer),)
            conditions.append(Condition(fact, answers, params.facts[fact].question))
        award = params.rate("award", Decimal(1))
        return ExemptionSpec(tuple(conditions), award, parse_inner(params, params._get("rule"), "rule"))

    def standard(self, spec: ExemptionSpec, weight: Decimal) -> str:
        when = "或".join(f"“{c.question.rstrip('？?')}”为{'/'.join(c.answers)}" for c in spec.conditions)
        give = "得满分" if spec.award == 1 else f"得{fmt_number(spec.award * 100)}%"
        return f"{when}的，{give}；否则：{spec.inner.standard(weight)}"

    def _claimed(self, spec: ExemptionSpec, answer_of) -> Condition | None:
        return next((c for c in spec.conditions if answer_of(f"facts.{c.fact}.answer") in c.answers), None)

    def score(self, spec: ExemptionSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        claimed = self._claimed(spec, ctx.reader.optional)
        if claimed is None:
            ctx.step("豁免条件", "不适用豁免条件", "按评分标准计分")
            return spec.inner.score(ctx, self)
        raw = ctx.weight * spec.award
        ctx.step("豁免条件", f"{claimed.question}：{ctx.data.get(f'facts.{claimed.fact}.answer')}", fmt_score(raw))
        score, rounding = ctx.finish(raw)
        return score, ctx.trace(self, [], rounding, note="符合豁免条件，未按评分标准计分")

    def compile(self, spec: ExemptionSpec, leaf: Leaf) -> Scorer | None:
        inner = spec.inner.compile(leaf)
        if inner is None:
            return None
        finish = score_finisher(leaf.weight, leaf.rounding)
        award = finish(leaf.weight * spec.award)

        def score(values, members) -> Decimal:
            if self._claimed(spec, values.get) is not None:
                return award
            return inner(values, members)

        return score
