"""Generated departments for benchmarks: the 宝安 example's shape with seeded random figures."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any


def _amount(rng: random.Random, low: float, high: float) -> str:
    return str(Decimal(rng.uniform(low, high)).quantize(Decimal("0.01")))


def department_tree(i: int, rng: random.Random) -> dict[str, Any]:
    adjusted = Decimal(_amount(rng, 500, 5000))
    facts = {
        key: {"answer": rng.choice(["是", "是", "是", "否"]), "evidence": "生成数据"}
        for key in (
            "budget_preparation_reasonable",
            "budget_preparation_compliant",
            "targets_complete",
            "indicators_clear",
            "finance_compliant",
            "disclosure_on_time",
            "project_procedures",
            "project_supervision",
            "asset_inventory_done",
            "asset_records_safe",
            "rules_complete",
            "projects_on_time",
        )
    }
    facts["social_benefit"] = {"answer": rng.choice(["达成", "达成", "部分达成"])}
    plan = Decimal(_amount(rng, 10, 500))
    daily = Decimal(_amount(rng, 20, 100))
    return {
        "rulebook": "shenzhen-baoan/department/2023",
        "department": {"name": f"生成部门{i:05d}", "year": "2023"},
        "units": [
            {
                "name": "本级",
                "staffing": {
                    "authorized": str(rng.randint(5, 40)),
                    "actual": str(rng.randint(4, 42)),
                    "contract": str(rng.randint(0, 3)),
                    "temporary": "0",
                },
            }
        ],
        "budget": {
            "initial": {"total": str(adjusted - 100)},
            "adjusted": {"total": str(adjusted)},
            "final": {"total": str((adjusted * Decimal(rng.uniform(0.8, 1))).quantize(Decimal("0.01")))},
        },
        "quarterly": [{"quarter": str(q), "time_rate": f"{rng.uniform(70, 105):.2f}%"} for q in (1, 2, 3, 4)],
        "public_funds": {
            "daily": {
                "adjusted": str(daily),
                "actual": str((daily * Decimal(rng.uniform(0.8, 1.15))).quantize(Decimal("0.01"))),
            }
        },
        "procurement": {
            "plan": str(plan),
            "actual": str((plan * Decimal(rng.uniform(0.9, 1))).quantize(Decimal("0.001"))),
        },
        "assets": {"fixed_original": "100", "fixed_in_use": _amount(rng, 80, 100)},
        "key_tasks": [{"name": f"重点工作{k}", "completed": rng.choice(["是", "是", "否"])} for k in range(4)],
        "services": {
            "handling_rate": f"{rng.uniform(90, 100):.2f}%",
            "satisfaction_rate": f"{rng.uniform(80, 100):.2f}%",
        },
        "facts": facts,
    }


def department_with_projects(n: int, seed: int = 1) -> dict[str, Any]:
    """A generated department with `n` 二级项目, each with its funds and one performance target (the shape that
    `jixiao template --from` spreads over the base sheet, 项目 and 绩效指标)."""
    rng = random.Random(seed)
    tree = department_tree(0, rng)
    tree["projects"] = [
        {
            "name": f"二级项目{i:05d}",
            "funds": {"adjusted": _amount(rng, 1, 100), "actual": _amount(rng, 1, 100)},
            "targets": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": f"完成事项{i}",
                    "unit": "项",
                    "actual": rng.randint(1, 9),
                }
            ],
        }
        for i in range(n)
    ]
    return tree
