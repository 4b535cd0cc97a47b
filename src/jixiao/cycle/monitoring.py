"""运行监控 ("双监控"): budget execution and progress towards targets at fixed points, with warnings.

A warning is raised where cumulative execution is below the ruleset's line for that month, or where a
target's progress and execution differ by more than `max_gap`. The department answers each warning
(继续执行 / 调剂 / 取消) within the ruleset's number of working days; later answers are overdue. Working days
follow China's official holiday calendar (workdays.py: the 国务院办公厅 notices, 调休 included), and each warning
says which notices its deadline rests on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.model.numbers import fmt_percent
from jixiao.model.problems import Location, Problem, Severity

from .ruleset import CycleRuleset, MonitoringRules, load_ruleset
from .sources import read_file
from .workdays import WorkingDays, add_working_days, working_days_between

__all__ = [
    "MonitoringPoint",
    "MonitoringResult",
    "Warning_",
    "assess_monitoring",
    "load_monitoring",
]


@dataclass(frozen=True)
class TargetProgress:
    name: str
    progress: Decimal


@dataclass(frozen=True)
class Answer:
    decision: str
    date: dt.date | None
    note: str


@dataclass(frozen=True)
class MonitoringPoint:
    month: int
    budget: Decimal
    executed: Decimal | None
    rate: Decimal  # cumulative execution rate, executed / budget (or as stated)
    issued: dt.date  # the day the warning is issued (the ruleset's warning day unless given)
    targets: tuple[TargetProgress, ...]
    answer: Answer | None
    location: Location


@dataclass(frozen=True)
class Monitoring:
    path: Path
    ruleset: CycleRuleset
    department: str
    year: int
    points: tuple[MonitoringPoint, ...]
    warnings: tuple[Problem, ...] = ()  # what was read but should be looked at (a workbook column not read)


@dataclass(frozen=True)
class Warning_:
    month: int
    kind: str  # 执行进度 / 目标偏差
    message: str
    deadline: dt.date
    answer: Answer | None
    status: str  # 已答复 / 逾期答复 / 待答复 / 逾期未答复
    location: Location
    deadline_basis: str = ""  # 工作日按《…》（国办发明电〔…〕…号）计算
    measures_due: dt.date | None = None  # 整改措施 due after 调剂/取消/超时, where the ruleset says (四川 2025)
    answer_time: str = ""  # 剩余6个工作日 / 已逾期2个工作日 / 超期3个工作日答复 (as of the day assessed)


@dataclass(frozen=True)
class MonitoringResult:
    monitoring: Monitoring
    rows: tuple[tuple[MonitoringPoint, Decimal | None, str], ...]  # point, line, where the line comes from
    warnings: tuple[Warning_, ...]

    def deadline_basis(self) -> str:
        """How the answer deadlines of all points were counted: the holiday notices of the years they span."""
        rules = self.monitoring.ruleset.monitoring
        spans = [add_working_days(point.issued, rules.answer_working_days) for point in self.monitoring.points]
        if not spans:
            return "工作日按国务院办公厅节假日安排计算"
        notices = {n.year: n for span in spans for n in span.notices}
        uncovered = sorted({y for span in spans for y in span.uncovered})
        merged = WorkingDays(
            spans[0].start,
            rules.answer_working_days,
            spans[-1].end,
            tuple(notices[y] for y in sorted(notices)),
            tuple(uncovered),
        )
        return merged.basis

    def shown_status(self, warning: Warning_) -> str:
        """The state of the answer, and what the ruleset says follows an unanswered one (四川 2025: 超时自动暂停)."""
        rules = self.monitoring.ruleset.monitoring
        if warning.status == "逾期未答复" and rules.overdue:
            return f"{warning.status}（{rules.overdue}）"
        return warning.status

    def problems(self) -> list[Problem]:
        late = ("逾期答复", "逾期未答复")
        return [
            Problem(
                "monitoring.warning",
                f"{w.month}月{w.kind}预警：{w.message}；答复期限{w.deadline:%Y-%m-%d}"
                f"（{w.deadline_basis}），{self._status_said(w)}"
                f"{'；' + self.measures_text(w) if w.measures_due else ''}。",
                w.location,
                Severity.ERROR if w.status in late else Severity.WARNING,
            )
            for w in self.warnings
        ]

    def _status_said(self, warning: Warning_) -> str:
        """逾期未答复（超时自动暂停；已逾期2个工作日）: the state, what follows it, the working days."""
        rules = self.monitoring.ruleset.monitoring
        notes = [rules.overdue] if warning.status == "逾期未答复" and rules.overdue else []
        notes += [warning.answer_time] if warning.answer_time else []
        return warning.status + (f"（{'；'.join(notes)}）" if notes else "")

    def measures_text(self, warning: Warning_) -> str:
        """When the department's 整改措施 are due after its decision or the deadline passed, with the rule's days."""
        if warning.measures_due is None:
            return ""
        days = self.monitoring.ruleset.monitoring.measures_working_days
        return f"整改措施应于{warning.measures_due:%Y-%m-%d}前提出（{days}个工作日，起算日为推定）"


def load_monitoring(path: Path, content: str | bytes | None = None) -> Monitoring:
    path = Path(path)
    if content is None and path.is_dir():  # content: the file's text (the web app's), path only its name
        path = path / "monitoring.yaml"
    r = read_file(path, "运行监控（monitoring.yaml）", content)
    ruleset = load_ruleset(r.text(("ruleset",), "全周期规则") or "national")
    year = r.integer(("year",), "年度", 2000, 2100, required=True) or 2000
    default_budget = r.amount(("budget",), "全年预算数")
    points = []
    for where, _item in r.items(("points",), "监控节点"):
        month = r.integer((*where, "month"), "月份", 1, 12, required=True)
        budget = r.amount((*where, "budget"), "全年预算数") or default_budget
        executed = r.amount((*where, "executed"), "累计执行数")
        stated = r.rate((*where, "execution_rate"), "累计执行率")
        if month is None:
            continue
        if budget is None or budget <= 0:
            r.problem(
                (*where, "budget"),
                "cycle.missing",
                "缺少全年预算数（万元），无法计算执行率。请在文件顶部（budget，工作簿的“全年预算数（万元）”一栏）"
                "或该节点填写全年预算数。",
            )
            continue
        if executed is None and stated is None:
            r.problem(
                where,
                "cycle.missing",
                f"{month}月节点缺少累计执行数（executed，万元）或累计执行率（execution_rate，如 40%）。",
            )
            continue
        rate = executed / budget if executed is not None else stated
        assert rate is not None
        progress = tuple(
            TargetProgress(
                r.text((*w, "name"), "指标名称", required=True),
                r.rate((*w, "progress"), "目标完成进度", required=True) or Decimal(0),
            )
            for w, _ in r.items((*where, "targets"), "目标进度")
        )
        answer = None
        if isinstance(_item, dict) and "answer" in _item and _item["answer"] in (None, "", {}):
            r.problem(
                (*where, "answer"),
                "cycle.empty_answer",
                f"{month}月节点的“部门答复”是空的，按尚未答复计。已答复的，请在其下填写答复"
                f"（{'、'.join(ruleset.monitoring.answers)}之一）和答复日期（如“2023-07-31”）；尚未答复的，请删去这一行。",
                Severity.WARNING,
            )
        elif r.get((*where, "answer")) is not None:
            answer = Answer(
                r.choice((*where, "answer", "decision"), "部门答复", ruleset.monitoring.answers, required=True),
                r.date((*where, "answer", "date"), "答复日期", required=True),
                r.text((*where, "answer", "note"), "说明"),
            )
        issued = r.date((*where, "issued"), "预警日期") or ruleset.monitoring.warned_on(year, month)
        points.append(MonitoringPoint(month, budget, executed, rate, issued, progress, answer, r.where(where)))
    department = r.text(("department",), "部门名称")
    r.raise_errors()
    warnings = tuple(p for p in r.problems if p.severity is not Severity.ERROR)
    return Monitoring(path, ruleset, department, year, tuple(points), warnings)


def _status(answer: Answer | None, deadline: dt.date, today: dt.date) -> str:
    if answer is not None and answer.date is not None:
        return "已答复" if answer.date <= deadline else "逾期答复"
    return "待答复" if today <= deadline else "逾期未答复"


def assess_monitoring(monitoring: Monitoring, today: dt.date | None = None) -> MonitoringResult:
    """Every point against its line; every warning with its deadline and the state of the answer."""
    rules = monitoring.ruleset.monitoring
    today = today or dt.date.today()
    rows = []
    warnings = []
    for point in monitoring.points:
        line, why = rules.threshold(point.month)
        rows.append((point, line, why))
        counted = add_working_days(point.issued, rules.answer_working_days)
        deadline = counted.end
        status = _status(point.answer, deadline, today)
        basis = counted.basis
        if rules.is_inferred("answer_working_days"):
            basis += f"；{rules.answer_working_days}个工作日的答复时限为推定值"
        measures = _measures_due(rules, point.answer, deadline, status)
        answer_time = _answer_time(point.answer, deadline, status, today)
        if line is not None and point.rate < line:
            warnings.append(
                Warning_(
                    point.month,
                    "执行进度",
                    f"累计执行率{fmt_percent(point.rate)}低于预警线{fmt_percent(line)}（{why}"
                    f"{'，预警线为推定值' if rules.is_inferred('line') else ''}）",
                    deadline,
                    point.answer,
                    status,
                    point.location,
                    basis,
                    measures,
                    answer_time,
                )
            )
        for target in point.targets:
            gap = target.progress - point.rate
            if abs(gap) > rules.max_gap:
                warnings.append(
                    Warning_(
                        point.month,
                        "目标偏差",
                        f"“{target.name}”完成进度{fmt_percent(target.progress)}与预算执行率{fmt_percent(point.rate)}相差"
                        f"{fmt_percent(abs(gap))}，超过{fmt_percent(rules.max_gap)}"
                        f"{'（差异上限为推定值）' if rules.is_inferred('max_gap') else ''}",
                        deadline,
                        point.answer,
                        status,
                        point.location,
                        basis,
                        measures,
                        answer_time,
                    )
                )
    return MonitoringResult(monitoring, tuple(rows), tuple(warnings))


def _answer_time(answer: Answer | None, deadline: dt.date, status: str, today: dt.date) -> str:
    """The answer's time in working days: left before the deadline, or past it (by today, or by the late answer)."""
    if status == "待答复":
        return f"剩余{working_days_between(today, deadline)}个工作日"
    if status == "逾期未答复":
        return f"已逾期{working_days_between(deadline, today)}个工作日"
    if status == "逾期答复" and answer is not None and answer.date is not None:
        return f"超期{working_days_between(deadline, answer.date)}个工作日答复"
    return ""


def _measures_due(rules: MonitoringRules, answer: Answer | None, deadline: dt.date, status: str) -> dt.date | None:
    """四川 2025: after 调剂 or 取消, or when no answer came in time (超时), 整改措施 are due within N working days,
    counted from the answer's day or from the deadline (the start is not in the text: inferred)."""
    if rules.measures_working_days is None:
        return None
    if answer is not None and answer.date is not None and answer.decision in rules.measures_after:
        return add_working_days(answer.date, rules.measures_working_days).end
    if status == "逾期未答复" and "超时" in rules.measures_after:
        return add_working_days(deadline, rules.measures_working_days).end
    return None
