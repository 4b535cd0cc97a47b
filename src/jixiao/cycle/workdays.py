"""Working days (工作日) in China: Monday to Friday, less the public holidays, plus the weekend days worked in
exchange (调休), as the 国务院办公厅 notices fix them year by year (calendar/china-holidays.yaml).

A department answers a monitoring warning within N working days; `add_working_days` counts them. Outside the
years the calendar holds, only weekends are skipped, and `WorkingDays.uncovered` says which years that was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jixiao.files.yamlsrc import load_yaml
from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = [
    "HolidayNotice",
    "WorkingDays",
    "add_working_days",
    "calendar",
    "holiday_name",
    "is_working_day",
    "working_days_between",
]

CALENDAR_FILE = Path(__file__).parent / "calendar" / "china-holidays.yaml"


@dataclass(frozen=True)
class HolidayNotice:
    year: int
    document: str
    number: str
    date: str
    address: str

    @property
    def cited(self) -> str:
        return f"《{self.document}》（{self.number or '文号未见'}）"


@dataclass(frozen=True)
class Calendar:
    holidays: dict[dt.date, str]  # day off → holiday name
    workdays: frozenset[dt.date]  # weekend days worked (调休上班)
    notices: dict[int, HolidayNotice]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@dataclass(frozen=True)
class WorkingDays:
    """The day `days` working days after `start`, and the notices (or the years not covered) it rests on."""

    start: dt.date
    days: int
    end: dt.date
    notices: tuple[HolidayNotice, ...]
    uncovered: tuple[int, ...]

    @property
    def basis(self) -> str:
        """按国务院办公厅节假日安排计算（《…》（国办发明电〔…〕…号））; years without a notice said so."""
        years = "、".join(f"{y}年" for y in self.uncovered)
        if not self.notices:
            return f"工作日仅扣除周末（{years}的节假日安排未收录）"
        text = "工作日按" + "、".join(n.cited for n in self.notices) + "计算"
        return text + (f"；{years}的节假日安排未收录，仅扣除周末" if self.uncovered else "")


def _date(text: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise JixiaoError(
            [Problem("calendar.date", f"节假日日历中的日期“{text}”无法识别（应如 2024-10-01）。", Location(where))]
        ) from None


@cache
def calendar(path: Path = CALENDAR_FILE) -> Calendar:
    tree, _smap, problems = load_yaml(path)
    if problems:
        raise JixiaoError(problems)
    holidays: dict[dt.date, str] = {}
    workdays: set[dt.date] = set()
    notices: dict[int, HolidayNotice] = {}
    for year_text, entry in (tree.get("years") or {}).items():
        year = int(year_text)
        notice = entry.get("notice") or {}
        notices[year] = HolidayNotice(
            year,
            str(notice.get("document", "")),
            str(notice.get("number", "") or ""),
            str(notice.get("date", "")),
            str(notice.get("address", "")),
        )
        for holiday in entry.get("holidays") or []:
            day, last = _date(holiday["from"], str(path)), _date(holiday["to"], str(path))
            while day <= last:
                holidays[day] = str(holiday["name"])
                day += dt.timedelta(days=1)
        workdays.update(_date(d, str(path)) for d in entry.get("workdays") or [])
    return Calendar(holidays, frozenset(workdays), notices)


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> WorkingDays:
    """`days` working days after `start` (the start day itself not counted), by the official calendar."""
    cal = calendar()
    current = start
    left = days
    used: set[int] = set()  # the notices the count rests on
    uncovered: set[int] = set()  # years whose days were counted by weekends alone
    while left > 0:
        current += dt.timedelta(days=1)
        if current.year in cal.notices:
            used.add(current.year)
        elif current in cal.holidays or current in cal.workdays:  # 2022-12-31 is in the 2023 notice
            used.add(current.year + 1)
        else:
            uncovered.add(current.year)
        if cal.is_working_day(current):
            left -= 1
    return WorkingDays(
        start, days, current, tuple(cal.notices[y] for y in sorted(used) if y in cal.notices), tuple(sorted(uncovered))
    )


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The working days after `start` up to and including `end` (0 when `end` is not after `start`): how many
    are left before a deadline, or how many it is past. Counted by arithmetic (Monday to Friday), less the
    holidays on weekdays and plus the weekend days worked in the span: a bureau's page counts one for every warning,
    some of them years late, and a day-by-day walk cost a millisecond per late warning."""
    if end <= start:
        return 0
    cal = calendar()
    count = _weekdays_through(end) - _weekdays_through(start)
    count -= sum(1 for day in cal.holidays if start < day <= end and day.weekday() < 5 and day not in cal.workdays)
    return count + sum(1 for day in cal.workdays if start < day <= end and day.weekday() >= 5)


def _weekdays_through(day: dt.date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def holiday_name(day: dt.date) -> str | None:
    """The public holiday `day` falls in (国庆节, 春节 …), by the calendar; None on other days."""
    return calendar().holidays.get(day)
