"""The fixed set of rule kinds. A rulebook names one of these per indicator; new kinds are code."""

from __future__ import annotations

from .bands import BandsKind
from .base import FactDef, Leaf, ParamError, Params, RoundingRule, RuleContext, RuleKind, ValueRef, round_score
from .checklist import ChecklistKind
from .manual import ManualKind
from .per_unit import PerUnitKind
from .ratio import RatioKind
from .schedule import ScheduleKind
from .target import TargetKind

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

KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (RatioKind(), BandsKind(), PerUnitKind(), ScheduleKind(), ChecklistKind(), TargetKind(), ManualKind())
}
