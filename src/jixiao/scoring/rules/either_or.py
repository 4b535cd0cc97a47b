"""二选一 (either_or): the department picks one of two (or more) measures, and that one scores.

“一般公共预算支出管理(60分)” (REGIONS §3.4): 结转结余率 (目标 ≤ 9%) or 结转结余变动率 (目标 −30%), “二者择其一进行
考核，按完成比例计算得分”. Each option names a declared fact — “是否选用……考核？” — and holds its own rule; the option
answered 是 scores. No option answered 是 while some are unanswered is 未填报; none chosen, or more than one, is
无法计算 (the table allows exactly one).
```
rule:
  kind: either_or
  options:
    - {name: 结转结余率, fact: use_carryover_rate, rule: {kind: ratio, indicator: carryover_rate, full_at: 9%, ...}}
    - {name: 结转结余变动率, fact: use_carryover_change, rule: {kind: reverse, indicator: carryover_change_rate, ...}}
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.model.indicators import Missing, Undefined

from ..trace import Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer
from .nested import InnerRule, parse_inner

__all__ = ["EitherOrKind"]


@dataclass(frozen=True)
class Option:
    name: str
    fact: str
    inner: InnerRule


@dataclass(frozen=True)
class EitherOrSpec:
    options: tuple[Option, ...]

    def pick(self, answer_of: Callable[[str], Any]) -> Option:
        answers = [(option, answer_of(f"facts.{option.fact}.answer")) for option in self.options]
        chosen = [option for option, answer in answers if answer == "是"]
        if len(chosen) == 1:
            return chosen[0]
        unanswered = [option for option, answer in answers if answer is None]
        if not chosen and unanswered:
            raise Missing(f"facts.{unanswered[0].fact}.answer")
        names = " / ".join(option.name for option in self.options)
        if chosen:
            raise Undefined(f"{names} 只能选择一项考核，实际选择了{len(chosen)}项")
        raise Undefined(f"{names} 均未选定，应选择其中一项考核")


class EitherOrKind(RuleKind):
    name = "either_or"
    label = "二选一"

    def parse(self, params: Params) -> EitherOrSpec:
        options = []
        for i, raw in enumerate(params.items("options")):
            if not raw.get("name"):
                raise ParamError(f"options[{i}].name", "每个可选项应有名称（name）")
            fact = str(raw.get("fact") or "")
            if fact not in params.facts:
                raise ParamError(f"options[{i}].fact", f"可选项的事实“{fact}”未在指标体系的 facts 中声明")
            options.append(Option(str(raw["name"]), fact, parse_inner(params, raw.get("rule"), f"options[{i}].rule")))
        if len(options) < 2:
            raise ParamError("options", "二选一至少需要两个可选项")
        return EitherOrSpec(tuple(options))

    def standard(self, spec: EitherOrSpec, weight: Decimal) -> str:
        parts = [f"{option.name}：{option.inner.standard(weight)}" for option in spec.options]
        return f"以下{len(parts)}项择其一考核。" + "；".join(parts)

    def score(self, spec: EitherOrSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        option = spec.pick(ctx.reader.optional)
        ctx.step("择一考核", f"选定“{option.name}”", "按其评分标准计分")
        return option.inner.score(ctx, self, option.name)

    def compile(self, spec: EitherOrSpec, leaf: Leaf) -> Scorer | None:
        compiled = {option.name: option.inner.compile(leaf) for option in spec.options}
        scorers = {name: scorer for name, scorer in compiled.items() if scorer is not None}
        if len(scorers) < len(compiled):
            return None

        def score(values, members) -> Decimal:
            return scorers[spec.pick(values.get).name](values, members)

        return score
