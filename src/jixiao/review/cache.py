"""What the review reads on every start, kept parsed on disk between runs (issue 15: `jixiao review FILE`
started at ~30× a bare interpreter; parsing its YAML and loading every rulebook to choose one were a fifth
of that).

An entry is named by the SHA-256 of everything it was made from (the YAML's bytes, or every rulebook's path
and bytes), so an edited file is simply a different entry: nothing is trusted that its source does not
match, and no date or clock is consulted. Entries are written with `marshal` (plain data only: dict, list,
str, numbers, bool, None — never code run on load) into JIXIAO_CACHE_DIR, else $XDG_CACHE_HOME/jixiao, else
~/.cache/jixiao. A directory that cannot be made or written, a damaged or foreign entry, or data `marshal`
cannot hold (a YAML date) only means the work is done again: the cache never changes a result.
JIXIAO_CACHE_DIR=off turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached", "digest", "load", "store"]

# bumped when what an entry holds changes shape; the interpreter's version too (marshal's format is its own)
_FORMAT = f"1-{sys.version_info[0]}.{sys.version_info[1]}-m{marshal.version}"


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    configured = os.environ.get("JIXIAO_CACHE_DIR", "")
    if configured.lower() in ("off", "0", "no", "none"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jixiao"


def digest(*parts: bytes | str) -> str:
    """The SHA-256 of the parts, each length-prefixed (so that ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256(_FORMAT.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def cached(kind: str, key: str, make: Callable[[], Any]) -> Any:
    """The value stored under (kind, key), else make() — stored for the next run when it can be. Each call
    returns a value of its own (read afresh), so a caller may change it."""
    found = load(kind, key)
    if found is not None:
        return found[0]
    value = make()
    store(kind, key, value)
    return value


def load(kind: str, key: str) -> tuple[Any] | None:
    """(value,) stored under (kind, key), or None when the cache is off or the entry is absent, unreadable,
    damaged or another's."""
    folder = cache_dir()
    if folder is None:
        return None
    name = f"{kind}-{key}"
    try:
        stored = marshal.loads((folder / f"{name}.marshal").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None  # absent, unreadable or damaged: made again by the caller
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == name:
        return (stored[1],)
    return None


def store(kind: str, key: str, value: Any) -> None:
    """Keeps value under (kind, key) for the next run when it can (the cache on, the folder writable, the
    value plain data); otherwise does nothing."""
    folder = cache_dir()
    if folder is not None:
        name = f"{kind}-{key}"
        _store(folder / f"{name}.marshal", name, value)


def _store(path: Path, name: str, value: Any) -> None:
    try:
        data = marshal.dumps((name, value))
    except ValueError:  # something marshal cannot hold (a YAML date): not cached
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)  # a reader sees the old entry or the whole new one, never half
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
