"""Times and dates as people in China read and write them: stored in UTC, shown in Asia/Shanghai (北京时间), a date
as 2026年12月2日 (the way the documents date themselves), never 2026-12-02."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "cn_date", "local_time"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cn_date(day: date | None) -> str:
    """2026年12月2日; an empty string for none."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def local_time(moment: datetime | None, pattern: str | None = None, *, seconds: bool = False) -> str:
    """A naive UTC time from the database, in Beijing time: 2026年12月2日 23:51 (with `seconds`, 23:51:07; with
    `pattern`, as strftime writes it); an empty string for none."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone(SHANGHAI)
    if pattern is not None:
        return local.strftime(pattern)
    return f"{cn_date(local)} {local:%H:%M:%S}" if seconds else f"{cn_date(local)} {local:%H:%M}"
