"""加分 (bonus): points over a row's own, for what its table rewards beyond the standard, up to a cap.

安徽 铜陵市郊区 农村公益事业财政奖补 (review corpus t37), 工作安排 (1 分): “纳入县级重点工作部署,得1分;党政领导对财政
奖补工作有正面批示的,一个加1分,最多加2分” — the county scored it 2 of 1. 预算安排 (4 分): “……得4分;县级财政按照农业
人口人均不低于10元标准安排奖补资金的,加1分,达到20元,加2分;市财政对县安排补助资金,加1分”. The inner `rule` scores
the row within its weight as any rule does; each extra names a declared fact and the answers that earn its `points`
(default 是); the extras together give at most `max` (default: their sum). An extra left unanswered, or answered
otherwise, is not claimed. The row's score may so exceed its weight, as the table's own does.
```
rule:
  kind: bonus
  rule: {kind: checklist, items: [{fact: in_key_work, deduct: 1, failure: 未纳入县级重点工作部署}]}
  extras: [{fact: one_endorsement, points: 1}, {fact: two_endorsements, points: 1}]
  max: 2
```
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.model.numbers import fmt_score

from ..trace import Step, Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer
from .nested import InnerRule, parse_inner

__all__ = ["BonusKind"]


@dataclass(frozen=True)
class Extra:
    fact: str
    answers: tuple[str, ...]
    points: Decimal
    question: str


@dataclass(frozen=True)
class BonusSpec:
    inner: InnerRule
    extras: tuple[Extra, ...]
    cap: Decimal


class BonusKind(RuleKind):
    name = "bonus"
    label = "加分"

    def parse(self, params: Params) -> BonusSpec:
        extras = []
        for i, raw in enumerate(params.items("extras")):
            sub = params.sub(raw)
            try:
                fact = sub.text("fact")
                if fact not in params.facts:
                    raise ParamError("fact", f"事实“{fact}”未在指标体系的 facts 中声明")
                answer = sub._get("answer", "是")
                answers = tuple(str(a) for a in answer) if isinstance(answer, list) else (str(answer),)
                extras.append(Extra(fact, answers, sub.decimal("points"), params.facts[fact].question))
                if sub.unused():
                    raise ParamError(sub.unused()[0], f"加分项不使用参数“{sub.unused()[0]}”")
            except ParamError as exc:
                raise ParamError(f"extras[{i}].{exc.key}", exc.message) from None
        total = sum((e.points for e in extras), Decimal(0))
        cap = params.decimal("max", total)
        return BonusSpec(parse_inner(params, params._get("rule"), "rule"), tuple(extras), cap)

    def check(self, spec: BonusSpec, weight: Decimal) -> list[str]:
        problems = ["加分项的分数应为正数"] if any(e.points <= 0 for e in spec.extras) else []
        if spec.cap <= 0:
            problems.append("加分上限 max 应为正数")
        return problems

    def standard(self, spec: BonusSpec, weight: Decimal) -> str:
        extras = "；".join(
            f"“{e.question.rstrip('？?')}”为{'/'.join(e.answers)}的，加{fmt_score(e.points)}分" for e in spec.extras
        )
        total = sum((e.points for e in spec.extras), Decimal(0))
        cap = f"，最多加{fmt_score(spec.cap)}分" if spec.cap < total else ""
        return f"{spec.inner.standard(weight)}；另{extras}{cap}（得分可超过分值）"

    def _earned(self, spec: BonusSpec, answer_of) -> list[Extra]:
        return [e for e in spec.extras if answer_of(f"facts.{e.fact}.answer") in e.answers]

    def score(self, spec: BonusSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        base, trace = spec.inner.score(ctx, self)
        steps: list[Step] = []
        earned = Decimal(0)
        for extra in spec.extras:
            answer = ctx.reader.optional(f"facts.{extra.fact}.answer")
            claimed = answer in extra.answers
            earned += extra.points if claimed else 0
            said = "未填报" if answer is None else f"回答“{answer}”"
            steps.append(Step(extra.question, said, f"加{fmt_score(extra.points)}分" if claimed else "不加分"))
        given = min(earned, spec.cap)
        capped = f"，以{fmt_score(spec.cap)}分为限" if given < earned else ""
        steps.append(Step("加分", f"{fmt_score(earned)}分{capped}", fmt_score(given)))
        score = base + given
        steps.append(Step("得分", f"{fmt_score(base)} + {fmt_score(given)}", fmt_score(score)))
        inputs = tuple(ctx.reader.reads)  # the extras' answers read after the inner rule's trace was made
        return score, replace(trace, inputs=inputs, steps=(*trace.steps, *steps))

    def compile(self, spec: BonusSpec, leaf: Leaf) -> Scorer | None:
        inner = spec.inner.compile(leaf)
        if inner is None:
            return None
        extras = [(f"facts.{e.fact}.answer", e.answers, e.points) for e in spec.extras]
        cap = spec.cap

        def score(values, members) -> Decimal:
            earned = sum((points for path, answers, points in extras if values.get(path) in answers), Decimal(0))
            return inner(values, members) + min(earned, cap)

        return score
