"""The rule kinds: the small, fixed set of ways an indicator is scored (ratio, bands, per-unit deduction, schedule,
checklist, target, manual ...), one module each; new kinds are code, a rulebook only names one and gives its
parameters. `base` holds what every kind shares (`RuleKind`, `Params` to read parameters, `RuleContext` and the
trace it records, `round_score`); `registry.KINDS` maps a kind's name to it. Public names are re-exported here.
"""

from .base import FactDef, Leaf, ParamError, Params, RoundingRule, RuleContext, RuleKind, ValueRef, round_score
from .registry import KINDS

__all__ = [
    "KINDS",
    "FactDef",
    "Leaf",
    "ParamError",
    "Params",
    "RoundingRule",
    "RuleContext",
    "RuleKind",
    "ValueRef",
    "round_score",
]
