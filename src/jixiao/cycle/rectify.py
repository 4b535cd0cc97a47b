"""整改 and 结果应用: problems become measures with owner and deadline, tracked to done; grades become budget
actions by the ruleset; next year's report shows last year's problems and whether they were fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.model.problems import Location, Problem, Severity

from .ruleset import BudgetAction, CycleRuleset
from .sources import read_file
from .workdays import calendar

__all__ = [
    "Rectification",
    "RectificationItem",
    "budget_action",
    "carryover_paragraphs",
    "load_rectification",
    "rectification_status",
]

SOURCES = ("自评", "审核", "复核", "监控", "评价")
STATES = ("未开始", "进行中", "已完成")


@dataclass(frozen=True)
class RectificationItem:
    problem: str
    source: str
    indicator: str
    measure: str
    owner: str
    deadline: dt.date | None
    status: str
    done_date: dt.date | None
    evidence: str
    location: Location


@dataclass(frozen=True)
class Rectification:
    path: Path
    department: str
    year: int | None  # the year whose evaluation found the problems
    items: tuple[RectificationItem, ...]
    warnings: tuple[Problem, ...] = ()  # what was read but should be looked at (a deadline on a day off)


def load_rectification(path: Path, content: str | bytes | None = None) -> Rectification:
    path = Path(path)
    if content is None and path.is_dir():  # content: the file's text (the web app's), path only its name
        path = path / "rectification.yaml"
    r = read_file(path, "整改台账（rectification.yaml）", content)
    items = []
    for where, _item in r.items(("items",), "整改事项"):
        status = r.choice((*where, "status"), "整改状态", STATES, required=True) or "未开始"
        done = r.date((*where, "done_date"), "完成日期")
        evidence = r.text((*where, "evidence"), "佐证材料")
        if status == "已完成" and not evidence:
            r.problem((*where, "evidence"), "cycle.evidence_missing", "已完成的整改事项须附佐证材料（文件名或文号）。")
        deadline = r.date((*where, "deadline"), "整改期限", required=True)
        if deadline is not None and (off := _holiday(deadline)):  # a weekend deadline is common (6月30日前): not said
            r.problem((*where, "deadline"), "cycle.deadline_holiday", off, Severity.WARNING)
        items.append(
            RectificationItem(
                problem=r.text((*where, "problem"), "问题", required=True),
                source=r.choice((*where, "source"), "问题来源", SOURCES) or "自评",
                indicator=r.text((*where, "indicator"), "相关指标"),
                measure=r.text((*where, "measure"), "整改措施", required=True),
                owner=r.text((*where, "owner"), "责任人（科室）", required=True),
                deadline=deadline,
                status=status,
                done_date=done,
                evidence=evidence,
                location=r.where(where),
            )
        )
    rect = Rectification(
        path, r.text(("department",), "部门名称"), r.integer(("year",), "年度", 2000, 2100), tuple(items)
    )
    r.raise_errors()
    return replace(rect, warnings=tuple(p for p in r.problems if p.severity is not Severity.ERROR))


def _holiday(day: dt.date) -> str:
    """The warning for a deadline in a public holiday (which, by which notice), or '' on other days."""
    cal = calendar()
    holiday = cal.holidays.get(day)
    if not holiday:
        return ""
    notice = cal.notices.get(day.year + 1 if day.month == 12 else day.year)  # 2023's 元旦 begins 2022-12-31
    basis = f"（{notice.cited}）" if notice else ""
    before = day
    while not cal.is_working_day(before):
        before -= dt.timedelta(days=1)
    after = day
    while not cal.is_working_day(after):
        after += dt.timedelta(days=1)
    return (
        f"整改期限{day:%Y-%m-%d}在{holiday}假期中{basis}，不是工作日。请确认期限：可改为节前最后一个工作日"
        f"{before:%Y-%m-%d}或节后第一个工作日{after:%Y-%m-%d}。"
    )


def rectification_status(item: RectificationItem, today: dt.date) -> str:
    """按期完成 / 逾期完成 / 进行中 / 未开始 / 已逾期 — the word the 整改台账 prints."""
    if item.status == "已完成":
        if item.done_date and item.deadline and item.done_date > item.deadline:
            return "逾期完成"
        return "按期完成"
    if item.deadline and today > item.deadline:
        return "已逾期"
    return item.status


def budget_action(grade: str | None, ruleset: CycleRuleset) -> BudgetAction | None:
    return next((a for a in ruleset.actions if a.grade == grade), None)


def carryover_paragraphs(rect: Rectification, today: dt.date) -> list[str]:
    """The 上年问题整改情况 section of next year's report."""
    if not rect.items:
        return [f"{rect.year}年度绩效自评及审核未发现需整改的问题。"]
    states = [rectification_status(item, today) for item in rect.items]
    done = sum(s in ("按期完成", "逾期完成") for s in states)
    lines = [
        f"{rect.year}年度绩效自评、审核及复核发现问题{len(rect.items)}项，已完成整改{done}项，"
        f"尚未完成{len(rect.items) - done}项。具体情况如下："
    ]
    for n, (item, state) in enumerate(zip(rect.items, states, strict=True), 1):
        when = f"，完成于{item.done_date:%Y年%m月%d日}" if item.done_date else ""
        deadline = f"，期限{item.deadline:%Y年%m月%d日}" if item.deadline else ""
        lines.append(
            f"{n}. {item.problem}（来源：{item.source}）。整改措施：{item.measure}。责任：{item.owner}"
            f"{deadline}。整改情况：{state}{when}。"
        )
    return lines
