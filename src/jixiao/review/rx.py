"""Regular expressions compiled once per installation rather than once per process (issue 15: compiling the
~210 patterns a review uses took 50–70 ms of every `jixiao review` start, a fifth of it).

`rx(pattern, flags)` returns what `re.compile(pattern, flags)` returns. The first time a pattern is seen it is
compiled by `re.compile`, and its compiled form's parts — final flags, the `_sre` code (a list of ints), the
number of groups, the group names both ways — are worked out as `re._compiler.compile` works them out, and
kept only if a pattern rebuilt from them equals re.compile's (`Pattern.__eq__` compares the pattern, flags
and code; the groups are compared too). At exit the new parts are added to one `marshal` entry of jixiao's
cache (files/diskcache.py); a later process rebuilds each pattern from its parts with one `_sre.compile` call
(~20 µs instead of 0.1–1 ms). The patterns compiled through `re` itself (`re.sub(r"…", …)` in a function, a
library's module-level `re.compile`) are kept the same way and put into re's own cache when this module is
imported, so those calls find them there.

This uses private parts of CPython: `_sre.compile(pattern, flags, code, groups, groupindex, indexgroup)`,
`re._parser.parse`, `re._compiler._code` and the dict `re._cache`. How it is guarded:
- The entry is named by the interpreter's full `sys.version` and cache tag, `_sre.MAGIC`, `CODESIZE`,
  `MAXREPEAT` and `MAXGROUPS`: an entry made by another interpreter or `re` engine is never read.
- The entry carries a CRC-32 of its payload: a damaged file is ignored as a whole.
- `_sre.compile` validates the code it is given (malformed code raises); any failure to rebuild a pattern, or
  a stored part of the wrong shape, falls back to `re.compile` for that pattern. Parts are stored only after
  the rebuilt pattern proved equal to re.compile's; if the private names are missing or work differently,
  nothing is stored and every pattern is compiled by `re.compile`, as before. re's cache is written only
  after a pattern compiled for the purpose is found in it under the key (str, pattern, flags), and only up
  to its own size limit.
- A stored entry is trusted as Python trusts its own `__pycache__`: whoever can write the cache folder can
  change what runs. JIXIAO_CACHE_DIR=off turns the cache off (then `rx` is `re.compile`, re's cache is left
  alone).
tests/test_rx_cache.py holds every cached pattern to re.compile's (pattern, flags, groups, group names and
matches on the corpus texts) and shows that a damaged or foreign entry falls back.
"""

from __future__ import annotations

import atexit
import re
import sys
from typing import Any

from jixiao.files import diskcache

__all__ = ["any_of", "rx"]

try:  # the private parts; without them every pattern is compiled by re.compile
    import _sre  # type: ignore[import-not-found]  # CPython's regular expression engine
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _KEY: str | None = diskcache.digest(
        "rx-1",
        sys.version,
        sys.implementation.cache_tag or "",
        *(str(getattr(_sre, name)) for name in ("MAGIC", "CODESIZE", "MAXREPEAT", "MAXGROUPS")),
    )
except (ImportError, AttributeError):  # pragma: no cover - another interpreter
    _KEY = None

Key = tuple[str, int]  # (pattern, flags as given)
Parts = tuple[Any, ...]  # (final flags, code, groups, groupindex, indexgroup): _sre.compile's arguments

_LIMIT = 1000  # entries: past this the entry keeps only what the last process used (patterns made from data)
_compiled: dict[Key, re.Pattern[str]] = {}  # this process's rx() patterns
_new: dict[Key, Parts] = {}  # rx() parts worked out in this process, written at exit


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, rebuilt from the cache when an earlier process compiled it."""
    flags = int(flags)
    key = (pattern, flags)
    found = _compiled.get(key)
    if found is not None:
        return found
    parts = _stored[0].get(key)
    compiled = _rebuilt(pattern, parts) if parts is not None else None
    if compiled is None:
        compiled = re.compile(pattern, flags)
        if _ON:
            made = _parts(pattern, flags, compiled)
            if made is not None:
                _new[key] = made
    _compiled[key] = compiled
    return compiled


_NEVER = "(?!)"  # matches nowhere: any_of(()) finds nothing, as any() over no words is False
_any: dict[tuple[str, ...], re.Pattern[str]] = {}
# by the word list's identity first: hashing a long tuple on every call costs more than the search it saves; each
# entry holds its tuple, so no other object can take its id while the entry lives
_any_by_id: dict[int, tuple[tuple[str, ...], re.Pattern[str]]] = {}


def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern that finds any of the words: `any_of(words).search(text) is not None` is `any(w in text for w
    in words)`, in one scan of the text instead of one per word (a word list of the vocabulary, made once)."""
    entry = _any_by_id.get(id(words))
    if entry is not None and entry[0] is words:
        return entry[1]
    found = _any.get(words)
    if found is None:
        found = _any[words] = rx("|".join(map(re.escape, words)) if words else _NEVER)
    if len(_any_by_id) >= 4096:  # word lists made per call: start again rather than grow
        _any_by_id.clear()
    _any_by_id[id(words)] = (words, found)
    return found


def _rebuilt(pattern: str, parts: Parts) -> re.Pattern[str] | None:
    """The pattern rebuilt from its stored parts, or None when they do not make one."""
    try:
        final_flags, code, groups, groupindex, indexgroup = parts
        return _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)  # type: ignore[no-any-return]
    except Exception:  # any failure (a stored part of the wrong shape, code _sre refuses): compile it anew
        return None


def _parts(pattern: str, flags: int, compiled: re.Pattern[str]) -> Parts | None:
    """What `re._compiler.compile` hands `_sre.compile` for this pattern, as plain data — or None when a
    pattern rebuilt from it is not the one re.compile made (another `re` than the one this was written for)."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]
        groupindex = {str(name): int(index) for name, index in parsed.state.groupdict.items()}
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        parts = (int(flags | parsed.state.flags), code, int(parsed.state.groups - 1), groupindex, tuple(indexgroup))
        rebuilt = _rebuilt(pattern, parts)
    except Exception:  # the private parts are not what this was written for: this pattern is not stored
        return None
    if (
        rebuilt is None
        or rebuilt != compiled
        or rebuilt.groups != compiled.groups
        or rebuilt.groupindex != compiled.groupindex
    ):
        return None
    return parts


def _read() -> tuple[dict[Key, Parts], dict[Key, Parts]]:
    """The stored entry: the rx() patterns and re's own, or two empty tables when there is none or it is
    damaged."""
    found = diskcache.load_checked("rx", _KEY) if _KEY is not None else None
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict) and isinstance(found[1], dict):
        return found[0], found[1]
    return {}, {}


def _re_cache() -> dict[Any, Any] | None:
    """re's own cache of compiled patterns, if it is the dict keyed (type, pattern, flags) that this was
    written for (checked with a pattern compiled for the purpose), else None."""
    table = getattr(re, "_cache", None)
    if not isinstance(table, dict):
        return None
    probe = "(?:jixiao-rx-probe)"
    compiled = re.compile(probe)
    return table if table.pop((str, probe, 0), None) is compiled else None


def _seed(module: dict[Key, Parts]) -> None:
    """Puts the patterns that an earlier process compiled through `re` (re.sub(r"…", …), a library's
    re.compile) into re's own cache, rebuilt from their parts: the same calls in this process find them
    there instead of compiling them."""
    table = _re_cache()
    if table is None:
        return
    room = getattr(re, "_MAXCACHE", 512) - len(table)
    for (pattern, flags), parts in module.items():
        if room <= 0:
            break
        if (str, pattern, flags) not in table and (compiled := _rebuilt(pattern, parts)) is not None:
            table[str, pattern, flags] = compiled
            room -= 1


def _write() -> None:
    """At exit: adds the patterns this process compiled and the stored entry lacks (its own rx() patterns,
    and the ones in re's cache) to the entry, read again (another process may have added its own since).
    When the entry read at start already holds them all, nothing is read or written."""
    if not _ON or _KEY is None:
        return
    table = _re_cache()
    used: dict[Key, re.Pattern[str]] = {}
    try:
        for (kind, pattern, flags), compiled in list((table or {}).items()):
            if kind is str and isinstance(compiled, re.Pattern) and not flags & re.DEBUG:
                used[pattern, flags] = compiled
    except (RuntimeError, ValueError, TypeError):
        return
    changed = {key: parts for key, parts in _new.items() if _stored[0].get(key) != parts}  # or unusable
    unseen = [key for key in used if key not in _stored[1]]
    if not changed and not unseen:
        return
    own, module = _read()
    own.update(changed)
    for key in unseen:
        if key not in module and (parts := _parts(key[0], key[1], used[key])) is not None:
            module[key] = parts
    if len(own) + len(module) > _LIMIT:  # patterns made from documents: keep only what this process used
        own = {key: parts for key, parts in own.items() if key in _compiled}
        module = {key: parts for key, parts in module.items() if key in used}
    diskcache.store_checked("rx", _KEY, (own, module))
    _new.clear()


# JIXIAO_CACHE_DIR=off: rx() is re.compile(); a cache that cannot be written is read, but no parts are made
_ON = _KEY is not None and diskcache.writable()
_stored = _read() if _KEY is not None and diskcache.cache_dir() is not None else ({}, {})
if _stored[1]:
    _seed(_stored[1])
if _ON:
    atexit.register(_write)
