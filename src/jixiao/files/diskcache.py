"""jixiao's cache on disk, kept between runs to shorten start-up (issue 15), and the compiled methods of the
dataclasses.

Entries: `load(kind, key)` / `store(kind, key, value)`, where the key names everything the entry was made
from (`digest` of the sources' bytes, the interpreter's version …), so an edited source is simply another
entry and no date or clock is consulted. Each entry is one `marshal` file in JIXIAO_CACHE_DIR, else
$XDG_CACHE_HOME/jixiao, else ~/.cache/jixiao, written to a temporary name and renamed (a reader sees the old
entry or the whole new one). A folder that cannot be made or written, a damaged or foreign entry, or a value
`marshal` cannot hold only means the work is done again. JIXIAO_CACHE_DIR=off turns the cache off.
The review keeps its parsed vocabularies and rulebook headers here (jixiao/review/cache.py) and its compiled
regular expressions (jixiao/review/rx.py).

`keep_dataclass_code()` (called by the command line before a command runs): `@dataclass` writes the source
of each class's __init__, __repr__, __eq__, __hash__, __setattr__ … and compiles it with `exec` — ~400
functions, 45–60 ms of every `jixiao review` start. This gives the `dataclasses` module an `exec` of its own
that runs exactly what the built-in one would (the same text compiled with `compile(text, "<string>",
"exec")`, no inherited future flags, as `exec` compiles a string from a module with none) but takes the
compiled code from a table kept on disk, keyed by the text itself: the same text is the same code. Unlike the
other entries this one holds code objects that are run; it is trusted as Python trusts its own
`__pycache__` (whoever can write the folder can change what runs), named by the interpreter's exact version
and `marshal`'s format, and checksummed (CRC-32) so that a damaged file is ignored as a whole. A `dataclasses`
module that already has a global `exec`, or a call with anything but a string, is left to the built-in.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import marshal
import os
import sys
import time
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

try:  # CPython's own SHA-256: hashlib would load OpenSSL (4-11 ms) to hash the ~0.4 MB a review digests (~1.5 ms)
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:  # another interpreter (3.12 names it _sha2)
    from hashlib import sha256

__all__ = ["cache_dir", "digest", "keep_dataclass_code", "load", "store", "writable"]

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


def writable() -> bool:
    """Whether entries can be stored: the cache on and its folder (or the nearest folder above it that
    exists) writable. Work done only to store an entry is skipped when they cannot be."""
    folder = cache_dir()
    while folder is not None:
        if folder.exists():
            return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
        if folder.parent == folder:
            return False
        folder = folder.parent
    return False


def digest(*parts: bytes | str) -> str:
    """The SHA-256 of the parts, each length-prefixed (so that ("ab", "c") and ("a", "bc") differ)."""
    h = sha256(_FORMAT.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


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
    value something marshal holds); otherwise does nothing."""
    folder = cache_dir()
    if folder is None:
        return
    name = f"{kind}-{key}"
    path = folder / f"{name}.marshal"
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
        return
    global _pruned
    if not _pruned:
        _pruned = True
        prune(folder)


# An edited source is a new entry and the old one is never read again: entries of rulebooks, vocabularies and
# versions since replaced pile up (1,622 files, 33 MB, in a developer's cache after nine sessions). A process
# that stores an entry looks once whether the folder holds more than _MAX_ENTRIES; if so it removes the
# entries written longest ago until _KEEP_ENTRIES are left. An entry still in use that goes with them is made
# again by its next reader (one slower run), so no clock decides what is right, only what is kept.
_MAX_ENTRIES = 2000
_KEEP_ENTRIES = 1000
_STALE_TEMPORARY = 3600.0  # seconds: a temporary file this old was left by a process that died while writing
_pruned = False


def prune(folder: Path, most: int | None = None, keep: int | None = None) -> int:
    """Removes the oldest-written entries when the folder holds more than `most`, down to `keep`, and
    temporary files left by processes that died while writing; returns how many files were removed."""
    most = _MAX_ENTRIES if most is None else most
    keep = _KEEP_ENTRIES if keep is None else keep
    entries: list[tuple[float, str]] = []
    removed = 0
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                name = item.name
                try:
                    if name.endswith(".marshal") and not name.startswith("."):
                        entries.append((item.stat().st_mtime, item.path))
                    elif (
                        name.startswith(".")
                        and name.endswith(".tmp")
                        and time.time() - item.stat().st_mtime > _STALE_TEMPORARY
                    ):
                        os.unlink(item.path)
                        removed += 1
                except OSError:  # gone meanwhile (another process pruning), or not ours to remove
                    continue
    except OSError:
        return removed
    if len(entries) <= most:
        return removed
    entries.sort()
    for _, path in entries[: len(entries) - keep]:
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
    return removed


def load_checked(kind: str, key: str) -> Any:
    """A value stored by `store_checked`, or None when absent or its checksum does not match."""
    found = load(kind, key)
    if found is None:
        return None
    try:
        checksum, payload = found[0]
        if zlib.crc32(payload) != checksum:
            return None
        return marshal.loads(payload)
    except (TypeError, ValueError, EOFError):
        return None


def store_checked(kind: str, key: str, value: Any) -> None:
    """Stores value with the CRC-32 of its marshal bytes, which `load_checked` verifies (against damage, not
    against a writer: see above)."""
    try:
        payload = marshal.dumps(value)
    except ValueError:
        return
    store(kind, key, (zlib.crc32(payload), payload))


# The compiled methods of the dataclasses: text -> code, and the texts compiled anew in this process.
_CODE_KEY = digest("dataclass-code-1", sys.version, sys.implementation.cache_tag or "")
_CODE_LIMIT = 4000  # entries; past this the entry keeps only this process's (classes made at run time)
_codes: dict[str, CodeType] = {}
_new_codes: dict[str, CodeType] = {}
_used: set[str] = set()


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
    """`exec` as the dataclasses module calls it, with a string compiled once per installation (any other
    call — code, bytes, a keyword such as closure= — goes to the built-in as it is)."""
    if type(source) is not str or options:
        return builtins.exec(source, globals, locals, **options)
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _codes[source] = _new_codes[source] = code
    _used.add(source)
    return builtins.exec(code, globals, locals)


def keep_dataclass_code() -> bool:
    """Gives `dataclasses` the `exec` above (once per process); False when the cache is off or `dataclasses`
    already has an `exec` of its own."""
    import dataclasses  # per command (`jixiao --help` needs none): it imports inspect

    current = vars(dataclasses).get("exec")
    if current is _exec:
        return True
    if current is not None or cache_dir() is None:
        return False
    table = load_checked("dataclass-code", _CODE_KEY)
    if isinstance(table, dict):
        _codes.update((text, code) for text, code in table.items() if type(text) is str and type(code) is CodeType)
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    atexit.register(_write_codes)
    return True


def _write_codes() -> None:
    """At exit: adds the methods compiled anew in this process to the stored table (read again: another
    process may have added its own since)."""
    if not _new_codes or not writable():
        return
    table = load_checked("dataclass-code", _CODE_KEY)
    table = dict(table) if isinstance(table, dict) else {}
    table.update(_new_codes)
    if len(table) > _CODE_LIMIT:
        table = {text: code for text, code in table.items() if text in _used}
    store_checked("dataclass-code", _CODE_KEY, table)
    _new_codes.clear()
