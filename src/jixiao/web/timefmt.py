"""Times and dates as people in China read and write them: stored in UTC, shown in Asia/Shanghai (北京时间), a date
as 2026年12月2日 (the way the documents date themselves), never 2026-12-02."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from jixiao.model.numbers import normalize_text

__all__ = ["SHANGHAI", "cn_date", "local_time", "read_date"]

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


# 2026年12月31日, 2026-12-31, 2026/12/31, 2026.12.31 (full-width digits too), 20261231: the ways a date is typed
_TYPED_DATE = re.compile(
    r"^(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$"
)


def read_date(text: str) -> date | None:
    """A date as typed (2026年12月31日, 2026-12-31, 2026/12/31, 20261231), or None when it names no day."""
    found = _TYPED_DATE.match(normalize_text(text).replace("／", "/").replace("－", "-"))
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups() if part is not None)
    try:
        return date(year, month, day)
    except ValueError:  # 2026年2月30日
        return None
