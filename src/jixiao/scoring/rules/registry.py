"""The registry of rule kinds: name -> kind. A rulebook names one of these per indicator; new kinds are code."""

from __future__ import annotations

from .bands import BandsKind
from .base import RuleKind
from .bonus import BonusKind
from .checklist import ChecklistKind
from .count_ratio import CountRatioKind
from .either_or import EitherOrKind
from .exemption import ExemptionKind
from .linear_deduction import LinearDeductionKind
from .manual import ManualKind
from .per_unit import PerUnitKind
from .qualitative import QualitativeKind
from .ratio import RatioKind
from .reverse import ReverseKind
from .schedule import ScheduleKind
from .target import TargetKind
from .tolerance import ToleranceKind

__all__ = ["KINDS"]

KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        RatioKind(),
        BandsKind(),
        PerUnitKind(),
        ScheduleKind(),
        ChecklistKind(),
        TargetKind(),
        ManualKind(),
        ToleranceKind(),
        LinearDeductionKind(),
        CountRatioKind(),
        ExemptionKind(),
        EitherOrKind(),
        ReverseKind(),
        QualitativeKind(),
        BonusKind(),
    )
}
