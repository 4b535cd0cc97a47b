"""What the web app's caches are keyed by: the data version, one counter the database moves on every change to
what the pages show (triggers of migration 0006 on departments, evaluations, comments, deadlines, cycle
documents and users — whatever code writes them, in the writer's own transaction).

Reading it is one read of a 16-row table, where a cache check used to aggregate over every evaluation of two years
(count, max(updated_at), sum(version): a scan of thousands of full rows on each dashboard request). Read it
before the data a cached value is built from: under PostgreSQL's read-committed isolation a later statement
may see newer rows than the counter said, which only makes the cached value fresher than its key, never staler.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from .db import DataVersion

__all__ = ["Memo", "data_version", "memo"]

T = TypeVar("T")
_READ = select(func.sum(DataVersion.n))


def data_version(db: DbSession) -> int:
    """The counter as this request's transaction sees it (the sum of its few rows: see migration 0006)."""
    return int(db.execute(_READ).scalar() or 0)


class Memo:
    """Values computed once per key in this process; a key holds the data version, so a change makes new keys
    and the old entries are dropped when the memo is full."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.values: dict[Hashable, object] = {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        found = self.values.get(key, _MISSING)  # one lookup: another thread may clear the memo at any moment
        if found is not _MISSING:
            return cast(T, found)
        value = make()
        if len(self.values) >= self.size:
            self.values.clear()
        self.values[key] = value
        return value


_MISSING = object()
_MEMOS: weakref.WeakKeyDictionary[object, dict[str, Memo]] = weakref.WeakKeyDictionary()


def memo(db: DbSession, name: str) -> Memo:
    """The memo `name` of the database `db` is bound to (two apps in one process never share values)."""
    return _MEMOS.setdefault(db.get_bind(), {}).setdefault(name, Memo())
