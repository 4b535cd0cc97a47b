"""An indicator system (指标体系) as records: its tree of indicators with weights, one rule per leaf with its
source and confidence, a group of the department's own performance targets, grades and facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.model.numbers import Rounding
from jixiao.model.problems import Location

from .rules import FactDef, RoundingRule
from .rules.veto import Veto

__all__ = ["CONFIDENCE", "DEFAULT_GRADES", "IndicatorNode", "Rule", "Rulebook", "TargetGroup"]

CONFIDENCE = {"official": "官方文件", "inferred": "推定（依公布结果或通行口径反推）"}
DEFAULT_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


@dataclass(frozen=True)
class Rule:
    kind: str
    spec: Any
    rounding: RoundingRule
    confidence: str
    source: str
    if_undefined: str = "uncomputable"  # uncomputable | full | zero | not_applicable
    location: Location | None = None


@dataclass(frozen=True)
class TargetGroup:
    """A node whose 二级/三级 indicators are the department's own performance targets (MoF-format tables).

    The rows of `targets` (or a project's `targets`) whose 一级指标 is one of `level1` become the leaves,
    grouped by their 二级指标, each scored by the target rule with these options.
    """

    level1: tuple[str, ...]
    options: Any
    rounding: RoundingRule
    confidence: str
    source: str


@dataclass(frozen=True)
class IndicatorNode:
    id: str
    name: str
    level: int
    weight: Decimal
    path: tuple[str, ...]
    children: tuple[IndicatorNode, ...] = ()
    rule: Rule | None = None
    standard: str = ""  # 评分标准 text for tables (given, or generated from the rule)
    definition: str = ""  # 指标解释
    location: Location | None = None
    targets: TargetGroup | None = None
    # Set on the nodes that `target_rows.expand_targets` makes from a department's own target rows:
    weight_given: bool = True  # False when the department left a target's 分值 blank (未填报)
    item: str = ""  # a target row's path in the data ("targets[3]")
    rescale: str = ""  # a rule kind: scale the score to the weight when the children's weights differ

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Rulebook:
    id: str
    title: str
    region: str
    kind: str
    year: int
    version: str
    source: dict[str, str]
    confidence: str
    roots: tuple[IndicatorNode, ...]
    total: Decimal = Decimal(100)
    rounding: RoundingRule = field(default_factory=lambda: RoundingRule(Rounding("half_up", 2)))
    percent_places: int = 2
    strip_zeros: bool = False
    grades: tuple[tuple[Decimal, str], ...] = DEFAULT_GRADES
    facts: dict[str, FactDef] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    supplementary: tuple[IndicatorNode, ...] = ()  # scored and shown, not added to the total
    supplementary_title: str = ""
    vetoes: tuple[Veto, ...] = ()  # 一票否决, applied to the total and grade (rules/veto.py)
    review: dict[str, Any] = field(default_factory=dict)  # e.g. {auto_select: false}: review never picks it alone
    extends: str = ""  # the rulebook this one changes (`extends:` in the file)
    changes: tuple[str, ...] = ()  # what it changes, in Chinese, one line each

    @property
    def auto_select(self) -> bool:
        """Whether review may choose this rulebook by a document's region and kind (default yes)."""
        return str(self.review.get("auto_select", True)).lower() not in ("false", "no", "否", "0")

    def leaves(self) -> list[IndicatorNode]:
        """Leaves with a rule (a targets node's leaves come from the data, at evaluation)."""
        nodes = [*self.roots, *self.supplementary]
        return [n for root in nodes for n in root.walk() if not n.children and n.rule is not None]

    def grade(self, total: Decimal) -> str:
        return next((name for minimum, name in self.grades if total >= minimum), self.grades[-1][1])
