"""A rule inside a rule: the inner rule of `exemption` and the alternatives of `either_or`, parsed and run."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..trace import Trace
from .base import Leaf, ParamError, Params, RuleContext, RuleKind, Scorer

__all__ = ["InnerRule", "parse_inner"]


@dataclass(frozen=True)
class InnerRule:
    kind: RuleKind
    spec: Any

    def score(self, ctx: RuleContext, outer: RuleKind, prefix: str = "") -> tuple[Decimal, Trace]:
        score, trace = self.kind.score(self.spec, ctx)
        assert score is not None  # a rule written in a rulebook scores or raises; only target rows give None
        label = f"{outer.label}·{prefix or self.kind.label}"
        return score, replace(trace, kind=f"{outer.name}/{self.kind.name}", kind_label=label)

    def compile(self, leaf: Leaf) -> Scorer | None:
        return self.kind.compile(self.spec, leaf)

    def standard(self, weight: Decimal) -> str:
        return self.kind.standard(self.spec, weight)


def parse_inner(params: Params, raw: Any, key: str) -> InnerRule:
    """The rule written under `key` (a mapping with `kind` and its parameters), of a kind `params` knows."""
    kinds = params.kinds
    if not isinstance(raw, dict) or "kind" not in raw:
        raise ParamError(key, f"参数“{key}”应为含 kind（规则类型）的评分规则")
    kind = kinds.get(str(raw["kind"]))
    if kind is None:
        close = difflib.get_close_matches(str(raw["kind"]), list(kinds), n=1)
        hint = f"是否应为“{close[0]}”？" if close else ""
        raise ParamError(f"{key}.kind", f"未知的规则类型“{raw['kind']}”。{hint}可用类型：{'、'.join(kinds)}")
    sub = params.sub(raw)
    try:
        spec = kind.parse(sub)
    except ParamError as exc:
        raise ParamError(f"{key}.{exc.key}", exc.message) from None
    unused = sub.unused()
    if unused:
        raise ParamError(f"{key}.{unused[0]}", f"{kind.label}规则不使用参数“{unused[0]}”")
    return InnerRule(kind, spec)
