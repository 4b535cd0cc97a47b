"""What the review reads on every start, kept parsed on disk between runs (issue 15: `jixiao review FILE`
started at ~30× a bare interpreter; parsing its YAML and loading every rulebook to choose one were a fifth
of that).

An entry is named by the SHA-256 of everything it was made from (the YAML's bytes, or every rulebook's path
and bytes), so an edited file is simply a different entry: nothing is trusted that its source does not
match, and no date or clock is consulted. Entries are written with `marshal` (plain data only: dict, list,
str, numbers, bool, None — never code run on load) into JIXIAO_CACHE_DIR, else $XDG_CACHE_HOME/jixiao, else
~/.cache/jixiao. A directory that cannot be made or written, a damaged or foreign entry, or data `marshal`
cannot hold (a YAML date) only means the work is done again: the cache never changes a result.
JIXIAO_CACHE_DIR=off turns it off. The entries' storage is jixiao/files/diskcache.py's, shared with the
regular-expression cache (rx.py) and the dataclasses' compiled methods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jixiao.files.diskcache import cache_dir, digest, load, store

__all__ = ["cache_dir", "cached", "digest", "load", "store"]


def cached(kind: str, key: str, make: Callable[[], Any]) -> Any:
    """The value stored under (kind, key), else make() — stored for the next run when it can be. Each call
    returns a value of its own (read afresh), so a caller may change it."""
    found = load(kind, key)
    if found is not None:
        return found[0]
    value = make()
    store(kind, key, value)
    return value
