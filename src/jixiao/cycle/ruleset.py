"""Cycle rulesets: monitoring thresholds, target quality rules and result use, as data with their sources.

A ruleset lives in `cycle/rulesets/<region>[/<year>].yaml`. It may name a ruleset it `inherits` from; its own
sections then replace the inherited ones whole (a region that publishes monitoring thresholds but no target
rules keeps the national target rules). Every section names its source and whether it is official, partly
confirmed (`partial`) or `inferred`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jixiao.files.yamlsrc import load_yaml
from jixiao.model.numbers import parse_rate
from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["BudgetAction", "CycleRuleset", "MonitoringRules", "TargetRules", "available_rulesets", "load_ruleset"]

RULESET_DIR = Path(__file__).parent / "rulesets"
CONFIDENCES = {"official": "正式文件", "partial": "部分核实", "inferred": "推定"}


@dataclass(frozen=True)
class MonitoringRules:
    checkpoints: tuple[tuple[int, Decimal], ...]  # (month, minimum cumulative execution rate)
    shortfall: Decimal | None  # or: 序时进度 (month/12) minus this
    max_gap: Decimal
    answer_working_days: int
    answers: tuple[str, ...]
    overdue: str
    source: str
    confidence: str
    warning_day: str = "month_end"  # the warning is issued at the month's end, or on the next month's first day
    scope: str = ""  # what the lines apply to, where the rule says (预算资金200万元以上的项目)
    inferred: tuple[str, ...] = ()  # figures of a cited section its source does not give (max_gap, …): inferred
    measures_working_days: int | None = None  # 整改措施 due this many working days after the decision (四川 2025)
    measures_after: tuple[str, ...] = ()  # the answers (调剂, 取消) and 超时 after which 整改措施 are due

    def is_inferred(self, name: str) -> bool:
        """Whether a figure (line, max_gap, answer_working_days) rests on no cited text: the whole section is
        inferred, or the section lists it under `inferred`."""
        return self.confidence == "inferred" or name in self.inferred

    def warned_on(self, year: int, month: int) -> dt.date:
        """The day a point's warning is issued, from which the answer's working days are counted."""
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_next if self.warning_day == "next_month_first" else first_next - dt.timedelta(days=1)

    def threshold(self, month: int) -> tuple[Decimal | None, str]:
        """The minimum execution by the end of `month`, and the sentence that says where it comes from."""
        if self.checkpoints:
            passed = [(m, rate) for m, rate in self.checkpoints if m <= month]
            if not passed:
                return None, f"{month}月前无预警节点"
            m, rate = passed[-1]
            return rate, f"1-{m}月执行率不低于{_pct(rate)}" + (f"（适用于{self.scope}）" if self.scope else "")
        if self.shortfall is not None:
            rate = Decimal(month) / 12 - self.shortfall
            return rate, f"序时进度{_pct(Decimal(month) / 12)}减{_pct(self.shortfall)}，即{_pct(rate)}"
        return None, "规则未设执行进度预警"


@dataclass(frozen=True)
class TargetRules:
    require_cost: dict[str, bool]
    satisfaction_floor: Decimal | None
    levels: tuple[str, ...]
    money_tolerance: Decimal
    source: str
    confidence: str


@dataclass(frozen=True)
class BudgetAction:
    grade: str
    action: str
    cut: Decimal | None
    note: str


@dataclass(frozen=True)
class CycleRuleset:
    id: str
    title: str
    region: str
    monitoring: MonitoringRules
    targets: TargetRules
    actions: tuple[BudgetAction, ...]
    results_source: str = ""
    results_confidence: str = "inferred"
    sources: dict[str, dict[str, str]] = field(default_factory=dict)

    def cite(self, source_id: str) -> str:
        src = self.sources.get(source_id, {})
        number = f"（{src['number']}）" if src.get("number") else ""
        title = src.get("document", source_id)
        return f"{title if title.startswith(('《', '财政部', '四川')) else f'《{title}》'}{number}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01')).normalize():f}%"


def available_rulesets() -> dict[str, Path]:
    return {str(p.relative_to(RULESET_DIR).with_suffix("")): p for p in sorted(RULESET_DIR.rglob("*.yaml"))}


def _merged(ruleset_id: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    path = available_rulesets().get(ruleset_id)
    if path is None or ruleset_id in seen:
        known = "、".join(available_rulesets())
        raise JixiaoError(
            [
                Problem(
                    "cycle.ruleset_unknown", f"没有全周期规则“{ruleset_id}”。可用：{known}。", Location(field="ruleset")
                )
            ]
        )
    tree, _smap, problems = load_yaml(path)
    if problems:
        raise JixiaoError(problems)
    base: dict[str, Any] = {}
    sources: dict[str, dict[str, str]] = {}
    if tree.get("inherits"):
        base, sources = _merged(str(tree["inherits"]), (*seen, ruleset_id))
    sources = {**sources, **{str(s["id"]): {k: str(v) for k, v in s.items()} for s in tree.get("sources", [])}}
    return {**base, **tree}, sources


@cache
def load_ruleset(ruleset_id: str = "national") -> CycleRuleset:
    tree, sources = _merged(ruleset_id)
    mon = tree.get("monitoring", {})
    tgt = tree.get("targets", {})
    res = tree.get("results", {})
    monitoring = MonitoringRules(
        checkpoints=tuple((int(c["month"]), parse_rate(c["min_execution"])) for c in mon.get("checkpoints", [])),
        shortfall=parse_rate(mon["time_progress"]["shortfall"]) if mon.get("time_progress") else None,
        max_gap=parse_rate(mon.get("max_gap", "10%")),
        answer_working_days=int(mon.get("answer_working_days", 10)),
        answers=tuple(mon.get("answers", ("继续执行", "调剂", "取消"))),
        overdue=str(mon.get("overdue", "")),
        source=str(mon.get("source", "")),
        confidence=str(mon.get("confidence", "inferred")),
        warning_day=str(mon.get("warning_day", "month_end")),
        scope=str(mon.get("scope", "")),
        inferred=tuple(str(x) for x in mon.get("inferred", ())),
        measures_working_days=int(mon["measures"]["working_days"]) if mon.get("measures") else None,
        measures_after=tuple(str(x) for x in (mon.get("measures") or {}).get("after", ())),
    )
    targets = TargetRules(
        require_cost={str(k): str(v).lower() == "true" for k, v in tgt.get("require_cost_indicator", {}).items()},
        satisfaction_floor=parse_rate(tgt["satisfaction_floor"]) if tgt.get("satisfaction_floor") else None,
        levels=tuple(tgt.get("levels", ("产出指标", "效益指标", "满意度指标", "成本指标"))),
        money_tolerance=Decimal(str(tgt.get("money_tolerance", "0.01"))),
        source=str(tgt.get("source", "")),
        confidence=str(tgt.get("confidence", "inferred")),
    )
    actions = tuple(
        BudgetAction(
            str(a["grade"]), str(a["action"]), parse_rate(a["cut"]) if a.get("cut") else None, str(a.get("note", ""))
        )
        for a in res.get("actions", [])
    )
    return CycleRuleset(
        ruleset_id,
        str(tree.get("title", ruleset_id)),
        str(tree.get("region", "")),
        monitoring,
        targets,
        actions,
        str(res.get("source", "")),
        str(res.get("confidence", "inferred")),
        sources,
    )
