"""The web app's per-process memo (web/freshness.py) under threads."""

from __future__ import annotations


def test_a_memo_cleared_by_another_thread_between_lookups_is_no_error():
    """freshness.Memo: a value is read with one lookup, so a clear by another request's thread cannot make it raise."""
    from jixiao.web.freshness import Memo

    class Racing(dict):  # the memo cleared by "another thread" right after a membership test
        def __contains__(self, key):
            found = super().__contains__(key)
            self.clear()
            return found

    memo = Memo()
    memo.values = Racing()
    memo.get("k", lambda: 1)
    assert memo.get("k", lambda: 2) in (1, 2)
