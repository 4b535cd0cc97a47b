"""The disk cache stays bounded (files/diskcache.py `prune`): an edited rulebook or vocabulary is a new entry and
the old one is never read again, so without pruning the folder only grows."""

from __future__ import annotations

import os

from jixiao.files import diskcache


def _entries(folder):
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".marshal")


def test_prune_keeps_the_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(diskcache, "_pruned", True)  # no pruning while the entries are written
    for i in range(12):
        diskcache.store("yaml", f"k{i:02d}", i)
        os.utime(tmp_path / f"yaml-k{i:02d}.marshal", (1000 + i, 1000 + i))  # written in order, a second apart
    assert diskcache.prune(tmp_path, most=20, keep=5) == 0  # under the bound: nothing removed
    assert len(_entries(tmp_path)) == 12
    assert diskcache.prune(tmp_path, most=10, keep=5) == 7
    assert _entries(tmp_path) == [f"yaml-k{i:02d}.marshal" for i in range(7, 12)]
    assert diskcache.load("yaml", "k11") == (11,)
    assert diskcache.load("yaml", "k00") is None  # made again by its next reader


def test_a_store_prunes_once_per_process(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(diskcache, "_MAX_ENTRIES", 4)
    monkeypatch.setattr(diskcache, "_KEEP_ENTRIES", 2)
    monkeypatch.setattr(diskcache, "_pruned", True)
    for i in range(6):
        diskcache.store("yaml", f"old{i}", i)
        os.utime(tmp_path / f"yaml-old{i}.marshal", (1000 + i, 1000 + i))
    monkeypatch.setattr(diskcache, "_pruned", False)
    diskcache.store("yaml", "new", "n")  # the first store of this process looks at the folder
    assert _entries(tmp_path) == ["yaml-new.marshal", "yaml-old5.marshal"]
    for i in range(6):
        diskcache.store("yaml", f"more{i}", i)  # later stores do not look again
    assert len(_entries(tmp_path)) == 8


def test_a_dead_writers_temporary_file_goes(tmp_path):
    stale = tmp_path / ".yaml-x.marshal.123.tmp"
    fresh = tmp_path / ".yaml-y.marshal.124.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (1000, 1000))
    assert diskcache.prune(tmp_path, most=10, keep=5) == 1
    assert not stale.exists() and fresh.exists()  # another process may be writing this one now
