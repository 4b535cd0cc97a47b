"""The budget year around the self-evaluation: 绩效目标, 运行监控, the bureau's 复核, 整改 and 结果应用.

A department folder may hold, beside `data.yaml`: `targets.yaml` (绩效目标申报表), `monitoring.yaml`
(运行监控 points), `recheck.yaml` (the bureau's 复核 of the self-evaluation) and `rectification.yaml`
(整改台账). Each step reads its file with places, checks it against a cycle ruleset (thresholds and rules as
data, with their source), and writes the official table. Public names:

- `load_ruleset(id)` / `available_rulesets()` — cycle rules (monitoring thresholds, target quality, result use)
- `load_targets`, `check_targets` — 绩效目标申报表 and its quality checks
- `load_monitoring`, `assess_monitoring` — 运行监控 warnings
- `load_recheck`, `compare_recheck` — 复核 beside the self-score
- `load_rectification`, `rectification_status`, `budget_action` — 整改 and 结果应用
"""

from importlib import import_module

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from .monitoring import MonitoringResult, assess_monitoring, load_monitoring
    from .recheck import RecheckResult, compare_recheck, load_recheck
    from .rectify import Rectification, budget_action, load_rectification, rectification_status
    from .ruleset import CycleRuleset, available_rulesets, load_ruleset
    from .targets import TargetSheet, check_targets, load_targets

# The public names load with their module on first use (PEP 562), so that `jixiao --help`, which registers the
# cycle's commands through `cycle.cli`, does not load the rulebooks and the engine at start-up.
_HOMES = {
    "MonitoringResult": "monitoring",
    "assess_monitoring": "monitoring",
    "load_monitoring": "monitoring",
    "RecheckResult": "recheck",
    "compare_recheck": "recheck",
    "load_recheck": "recheck",
    "Rectification": "rectify",
    "budget_action": "rectify",
    "load_rectification": "rectify",
    "rectification_status": "rectify",
    "CycleRuleset": "ruleset",
    "available_rulesets": "ruleset",
    "load_ruleset": "ruleset",
    "TargetSheet": "targets",
    "check_targets": "targets",
    "load_targets": "targets",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)


__all__ = [
    "CycleRuleset",
    "MonitoringResult",
    "RecheckResult",
    "Rectification",
    "TargetSheet",
    "assess_monitoring",
    "available_rulesets",
    "budget_action",
    "check_targets",
    "compare_recheck",
    "load_monitoring",
    "load_recheck",
    "load_rectification",
    "load_ruleset",
    "load_targets",
    "rectification_status",
]
