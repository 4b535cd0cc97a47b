"""Times as people in China read them: stored in UTC, shown in Asia/Shanghai (北京时间)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "local_time"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A naive UTC time from the database, in Beijing time; an empty string for none."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime(pattern)
