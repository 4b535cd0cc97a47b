"""Performance targets written by the department (绩效指标表), expanded into ordinary indicator nodes.

A rulebook node with `targets:` (a `TargetGroup`) says which 一级 the department's own rows belong to and
how to score them. `expand_targets(group, data)` turns that node, for one department, into a parent whose
children are the rows grouped by their 二级指标, each row a leaf with the `target` rule (a `TargetRowSpec`),
its weight the department's 分值. The engine then scores and traces them like every other indicator, and
scales the 一级's score to its weight when the department's 分值 do not add up to it (`IndicatorNode.rescale`).
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.dataset import DepartmentData
from jixiao.model.numbers import normalize_text

from .rulebook import IndicatorNode, Rule
from .rules.target import ROW_STANDARD, TargetRowSpec

__all__ = ["expand_targets", "target_items"]

UNGROUPED = "（未分二级指标）"


def _level1_key(text: str) -> str:
    return normalize_text(text).removesuffix("指标")


def target_items(data: DepartmentData, level1: tuple[str, ...], list_path: str = "targets") -> list[str]:
    """The rows of `list_path` whose 一级指标 is one of `level1` ("产出" and "产出指标" are the same)."""
    wanted = {_level1_key(name) for name in level1}
    return [item for item in data.items(list_path) if _level1_key(str(data.get(f"{item}.level1") or "")) in wanted]


def expand_targets(group: IndicatorNode, data: DepartmentData) -> IndicatorNode:
    """The group node with the department's rows as its children (二级 parents over row leaves).

    A group with no rows becomes one leaf that is 未填报, so the total says what is missing."""
    spec = group.targets
    assert spec is not None  # only nodes with `targets:` are expanded
    items = target_items(data, spec.level1)
    if not items:
        rule = Rule("target", TargetRowSpec("", group.name, spec.options), spec.rounding, "", "")
        return IndicatorNode(group.id, group.name, group.level, group.weight, group.path, rule=rule)
    by_level2: dict[str, list[str]] = {}
    for item in items:
        by_level2.setdefault(str(data.get(f"{item}.level2") or UNGROUPED), []).append(item)
    mids = []
    for level2, rows in by_level2.items():
        leaves = tuple(_row(item, data, group, level2) for item in rows)
        mids.append(
            IndicatorNode(
                f"{group.id}/{level2}",
                level2,
                2,
                sum((leaf.weight for leaf in leaves), Decimal(0)),
                (group.name, level2),
                leaves,
                weight_given=all(leaf.weight_given for leaf in leaves),
            )
        )
    return IndicatorNode(group.id, group.name, group.level, group.weight, group.path, tuple(mids), rescale="target")


def _row(item: str, data: DepartmentData, group: IndicatorNode, level2: str) -> IndicatorNode:
    spec = group.targets
    assert spec is not None
    name = str(data.get(f"{item}.name") or item)
    weight = data.get(f"{item}.weight")
    path = (group.name, level2, name)
    rule = Rule("target", TargetRowSpec(item, group.name, spec.options), spec.rounding, spec.confidence, spec.source)
    return IndicatorNode(
        str(data.get(f"{item}.id") or "/".join(path)),
        name,
        3,
        weight if weight is not None else Decimal(0),
        path,
        rule=rule,
        standard=ROW_STANDARD,
        weight_given=weight is not None,
        item=item,
    )
