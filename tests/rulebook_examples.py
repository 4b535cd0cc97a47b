"""A generated department for any rulebook: every figure, fact, manual score and target row it asks for.

Used by the tests that run `template` and `report` over every rulebook. The figures are the benchmark
generator's (bench/generate.py); what a rulebook adds (facts, manual scores, target rows) is filled so that
every leaf scores, so a report has a complete total to print.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.scoring.rulebook import IndicatorNode, Rulebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import department_tree  # noqa: E402


def _walk_rules(spec: Any):
    """Each (kind name, spec) inside a rule, nested ones included."""
    yield spec
    inner = getattr(spec, "inner", None)
    if inner is not None:
        yield from _walk_rules(inner.spec)
    options = getattr(spec, "options", ())
    for option in options if isinstance(options, tuple) else ():
        yield from _walk_rules(option.inner.spec)


def example_tree(rulebook: Rulebook, seed: int = 1) -> dict[str, Any]:
    tree = department_tree(seed, random.Random(seed))
    tree["rulebook"] = rulebook.id
    tree["department"]["year"] = str(rulebook.year or 2023)
    tree["budget"]["carryover"] = {"opening": "30", "closing": "20"}
    tree["budget"]["adjustment"] = {"amount": "10"}
    facts = {key: {"answer": fact.answers[0], "evidence": "生成数据"} for key, fact in rulebook.facts.items()}
    for key in set(facts) & set(tree["facts"]):  # the generator's own answers, where the rulebook asks them
        facts[key] = tree["facts"][key]
    tree["facts"] = facts
    manual: dict[str, Any] = {}
    rows: list[dict[str, str]] = []
    nodes: list[IndicatorNode] = [n for top in (*rulebook.roots, *rulebook.supplementary) for n in top.walk()]
    for node in nodes:
        if node.targets is not None:
            rows.append(_row(node.targets.level1[0], "数量指标", f"{node.name}任务量", node.weight))
        if node.rule is None:
            continue
        for spec in _walk_rules(node.rule.spec):
            options = getattr(spec, "options", None)
            if isinstance(options, tuple) and options and hasattr(options[0], "fact"):
                for i, option in enumerate(options):
                    facts[option.fact] = {"answer": "是" if i == 0 else "否"}
        manual[node.id] = {"score": str(node.weight), "reason": "生成数据：按满分"}
    tree["manual_scores"] = manual
    rows.append(_row("产出指标", "数量指标", "生成数量指标", Decimal(0)))
    tree["targets"] = rows
    tree["projects"] = [
        {
            "name": "生成项目",
            "funds": {"adjusted": "100", "actual": "95"},
            "targets": [_row("产出指标", "数量指标", "生成项目产出", Decimal(50))],
        }
    ]
    return tree


def _row(level1: str, level2: str, name: str, weight: Decimal) -> dict[str, str]:
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "operator": "≥",
        "target": "100",
        "actual": "110",
        "weight": str(weight),
    }
