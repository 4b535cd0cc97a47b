"""二选一 (either_or): the department picks one of two (or more) measures, and that one scores.

“一般公共预算支出管理(60分)” (REGIONS §3.4): 结转结余率 (目标 ≤ 9%) or 结转结余变动率 (目标 −30%), “二者择其一进行
考核，按完成比例计算得分”. The choice is a declared fact whose answer names an option; each option holds its own
rule. An unanswered choice is 未填报; an answer that names no option is 无法计算.
```
rule:
  kind: either_or
  choice: carryover_measure
  options:
    - {name: 结转结余率, rule: {kind: ratio, indicator: carryover_rate, direction: lower, full_at: 9%}}
    - {name: 结转结余变动率, rule: {kind: ...}}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..indicators import Missing, Undefined
from ..trace import Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer
from .nested import InnerRule, parse_inner

__all__ = ["EitherOrKind"]


@dataclass(frozen=True)
class EitherOrSpec:
    choice: str
    options: tuple[tuple[str, InnerRule], ...]

    def pick(self, answer: object) -> tuple[str, InnerRule]:
        for name, inner in self.options:
            if name == answer:
                return name, inner
        raise Undefined(f"所选考核指标“{answer}”不在可选项（{' / '.join(n for n, _ in self.options)}）之中")


class EitherOrKind(RuleKind):
    name = "either_or"
    label = "二选一"

    def parse(self, params: Params) -> EitherOrSpec:
        choice = params.text("choice")
        if choice not in params.facts:
            raise ParamError("choice", f"事实“{choice}”未在指标体系的 facts 中声明")
        options = []
        for i, raw in enumerate(params.items("options")):
            if not raw.get("name"):
                raise ParamError(f"options[{i}].name", "每个可选项应有名称（name）")
            options.append((str(raw["name"]), parse_inner(params, raw.get("rule"), f"options[{i}].rule")))
        if len(options) < 2:
            raise ParamError("options", "二选一至少需要两个可选项")
        return EitherOrSpec(choice, tuple(options))

    def standard(self, spec: EitherOrSpec, weight: Decimal) -> str:
        parts = [f"{name}：{inner.standard(weight)}" for name, inner in spec.options]
        return f"以下{len(parts)}项择其一考核。" + "；".join(parts)

    def score(self, spec: EitherOrSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        answer = ctx.reader.value(f"facts.{spec.choice}.answer")
        name, inner = spec.pick(answer)
        ctx.step("择一考核", f"选定“{name}”", "按其评分标准计分")
        return inner.score(ctx, self, name)

    def compile(self, spec: EitherOrSpec, leaf: Leaf) -> Scorer | None:
        compiled = {name: inner.compile(leaf) for name, inner in spec.options}
        if any(c is None for c in compiled.values()):
            return None
        path = f"facts.{spec.choice}.answer"

        def score(values, members) -> Decimal:
            answer = values.get(path)
            if answer is None:
                raise Missing(path)
            name, _ = spec.pick(answer)
            return compiled[name](values, members)  # type: ignore[misc]

        return score
