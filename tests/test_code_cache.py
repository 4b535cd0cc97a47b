"""The dataclasses' methods kept compiled between runs (files/diskcache.py `keep_dataclass_code`, issue 15)
are the methods `@dataclass` makes without it: the same code (bytes, constants, names, flags, file name) for
every dataclass of jixiao and for made-up ones, the same behaviour, with the cache cold, warm and off; a
damaged entry is ignored; a `dataclasses` module with an `exec` of its own is left alone."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from jixiao.files import diskcache

ROOT = Path(__file__).resolve().parent.parent

# Installs the cache (as the command line does before a command), makes dataclasses, and prints the code of
# every method @dataclass generated, and how a few instances behave.
_PROBE = r"""
import dataclasses, json, sys
from jixiao.files import diskcache
installed = diskcache.keep_dataclass_code()

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: list = dataclasses.field(default_factory=list, compare=False)

@dataclasses.dataclass(kw_only=True, slots=True)
class Box:
    name: str
    size: float = 1.0

import jixiao.review, jixiao.scoring.engine, jixiao.model.dataset  # the classes of a review and a score

def code(fn):
    c = fn.__code__
    return [c.co_code.hex(), repr(c.co_consts), c.co_names, c.co_varnames, c.co_freevars, c.co_flags,
            c.co_argcount, c.co_kwonlyargcount, c.co_filename, c.co_name, c.co_qualname, fn.__qualname__,
            repr(fn.__defaults__), repr(fn.__kwdefaults__), repr(getattr(fn, "__annotations__", None))]

classes = {"Point": Point, "Box": Box}
for name, module in list(sys.modules.items()):
    if name.startswith("jixiao"):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name:
                classes[f"{name}.{value.__qualname__}"] = value
methods = {
    f"{name}.{attr}": code(fn)
    for name, cls in sorted(classes.items())
    for attr, fn in sorted(vars(cls).items())
    if callable(fn) and hasattr(fn, "__code__") and fn.__code__.co_filename == "<string>"
}
p = Point(1, 2, ["a"])
try:
    p.x = 5
    frozen = "not frozen"
except dataclasses.FrozenInstanceError as exc:
    frozen = repr(exc)
behaviour = [repr(p), p == Point(1, 2), p < Point(1, 3), hash(p) == hash(Point(1, 2)), frozen,
             repr(Box(name="b")), Box(name="b") == Box(name="b", size=1.0), Point.__match_args__]
print(json.dumps({"installed": installed, "compiled": len(diskcache._new_codes), "stored": len(diskcache._codes),
                  "methods": methods, "behaviour": behaviour}))
"""


def probe(folder: Path | str) -> dict:
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict, dict]:
    folder = tmp_path_factory.mktemp("code") / "cache"
    cold = probe(folder)
    warm = probe(folder)
    return folder, cold, warm, probe("off")


def test_the_methods_are_the_same_with_the_cache_cold_warm_and_off(runs) -> None:
    _folder, cold, warm, off = runs
    assert cold["installed"] and warm["installed"] and not off["installed"]
    assert cold["compiled"] > 200  # jixiao's ~75 dataclasses: ~400 methods compiled, then kept
    assert warm["compiled"] == 0 and warm["stored"] >= cold["compiled"]  # the warm run compiled none
    assert len(cold["methods"]) > 300, len(cold["methods"])
    assert "jixiao.scoring.trace.ScoredNode.__init__" in cold["methods"]  # the probe sees jixiao's classes
    assert warm["methods"] == cold["methods"] == off["methods"]
    assert warm["behaviour"] == cold["behaviour"] == off["behaviour"]
    assert off["behaviour"][0] == "Point(x=1, y=2, tags=['a'])" and off["behaviour"][1:4] == [True, True, True]


def test_every_stored_method_is_its_text_compiled(runs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(runs[0]))
    table = diskcache.load_checked("dataclass-code", diskcache._CODE_KEY)
    assert isinstance(table, dict) and len(table) >= runs[1]["compiled"]
    for text, code in table.items():
        assert text.startswith("def __create_fn__(")  # dataclasses' generated functions, nothing else
        assert code == compile(text, "<string>", "exec", dont_inherit=True)


def test_a_damaged_entry_is_ignored(runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(runs[0]))
    table = diskcache.load_checked("dataclass-code", diskcache._CODE_KEY)
    payload = bytearray(marshal.dumps(table))
    checksum = zlib.crc32(payload)
    payload[len(payload) // 2] ^= 0x01  # one bit changed: the checksum no longer matches
    folder = tmp_path / "damaged"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(folder))
    diskcache.store("dataclass-code", diskcache._CODE_KEY, (checksum, bytes(payload)))
    assert diskcache.load_checked("dataclass-code", diskcache._CODE_KEY) is None
    (entry,) = folder.glob("dataclass-code-*.marshal")
    entry.write_bytes(entry.read_bytes()[:100])  # cut short
    assert diskcache.load_checked("dataclass-code", diskcache._CODE_KEY) is None
    damaged = probe(folder)  # compiles everything anew, with the same result
    assert damaged["compiled"] == runs[1]["compiled"] and damaged["methods"] == runs[3]["methods"]


def test_a_dataclasses_module_with_its_own_exec_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def own(*args: object) -> None:
        raise AssertionError("not to be called here")

    monkeypatch.setattr(dataclasses, "exec", own, raising=False)
    assert diskcache.keep_dataclass_code() is False
    assert dataclasses.exec is own  # type: ignore[attr-defined]


def test_exec_of_a_code_object_is_the_built_in_one() -> None:
    namespace: dict[str, object] = {}
    diskcache._exec(compile("answer = 6 * 7", "<test>", "exec"), namespace)
    assert namespace["answer"] == 42
    diskcache._exec("thrice = answer * 3", namespace, None, closure=None)  # a keyword: the built-in, as it is
    assert namespace["thrice"] == 126 and "thrice = answer * 3" not in diskcache._codes
    text = "twice = answer * 2"
    try:
        diskcache._exec(text, namespace)  # a string: compiled (and kept) as exec would
        assert namespace["twice"] == 84 and text in diskcache._codes
    finally:
        for table in (diskcache._codes, diskcache._new_codes):
            table.pop(text, None)
