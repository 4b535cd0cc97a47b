"""The regular-expression cache (review/rx.py, issue 15) never changes a result: every pattern rebuilt from a
stored entry is the one `re.compile` makes (pattern, flags, groups, group names, code, and the same matches on
the corpus texts); a damaged, foreign or ill-shaped entry means compiling with `re.compile` again; and the
review's JSON is byte-identical with the cache cold, warm and off."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from jixiao.files import diskcache
from jixiao.review import cache, rx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
CORPUS = sorted((ROOT / "tests" / "fixtures" / "review_corpus").glob("*/document.txt"))
SAMPLE = SEEDS + CORPUS[::12]  # both seeds and every twelfth corpus text (tables and narratives)

# One process reviews the texts and prints each result's JSON, as `jixiao review --json` does.
_REVIEW = """
import json, sys
from pathlib import Path
from jixiao.review import review_file
from jixiao.review.output import review_to_dict
for name in sys.argv[1:]:
    print(json.dumps(review_to_dict(review_file(Path(name))), ensure_ascii=False, indent=2))
"""


def review_json(folder: Path | str, texts: list[Path]) -> str:
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", _REVIEW, *map(str, texts)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A cache folder filled by one review of the sample, and that review's JSON (the cache cold)."""
    folder = tmp_path_factory.mktemp("rx") / "cache"
    return folder, review_json(folder, SAMPLE)


def stored(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(folder))
    return rx._read()


def fresh(pattern: str, flags: int) -> re.Pattern[str]:
    re.purge()  # re.compile itself, not a pattern this process's cache holds (rx puts its own there)
    return re.compile(pattern, flags)


def test_the_review_is_the_same_with_the_cache_cold_warm_and_off(filled: tuple[Path, str]) -> None:
    folder, cold = filled
    assert list(folder.glob("rx-*.marshal")), "the review stored no patterns"
    assert cold.count('"findings"') == len(SAMPLE)  # one result per text
    assert review_json(folder, SAMPLE) == cold
    assert review_json("off", SAMPLE) == cold


def test_every_stored_pattern_is_the_one_re_compile_makes(
    filled: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    own, module = stored(filled[0], monkeypatch)
    # the review's own patterns (extract.py alone has ~60) and the ones compiled through re (re.sub(r"…") …)
    assert len(own) > 80 and len(module) > 80, (len(own), len(module))
    texts = [path.read_text(encoding="utf-8") for path in SAMPLE]
    for (pattern, flags), parts in [*own.items(), *module.items()]:
        rebuilt, reference = rx._rebuilt(pattern, parts), fresh(pattern, flags)
        assert rebuilt is not None, pattern
        assert rebuilt == reference  # Pattern.__eq__: same pattern, flags and compiled code
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups) == (
            reference.pattern,
            reference.flags,
            reference.groups,
        )
        assert rebuilt.groupindex == reference.groupindex
        for text in texts:
            found = [(m.span(), m.groups()) for m in rebuilt.finditer(text)]
            assert found == [(m.span(), m.groups()) for m in reference.finditer(text)], pattern


def test_rx_returns_what_re_compile_returns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(rx, "_compiled", {})
    monkeypatch.setattr(rx, "_stored", ({}, {}))
    monkeypatch.setattr(rx, "_new", {})
    pattern = r"(?P<year>(?:19|20)\d\d)\s*年(?:度)?|第(\d+)季度"
    made = rx.rx(pattern, re.IGNORECASE)
    assert made == fresh(pattern, re.IGNORECASE)
    assert made.groupindex == {"year": 1} and made.flags == re.IGNORECASE | re.UNICODE
    assert rx.rx(pattern, re.IGNORECASE) is made  # once per process
    if rx._ON:  # its parts kept for the next process, and they rebuild the same pattern
        parts = rx._new[pattern, int(re.IGNORECASE)]
        assert rx._rebuilt(pattern, parts) == made
        # the next process: the same pattern rebuilt from the stored parts, not compiled
        monkeypatch.setattr(rx, "_compiled", {})
        monkeypatch.setattr(rx, "_stored", ({(pattern, int(re.IGNORECASE)): parts}, {}))
        monkeypatch.setattr(re, "compile", lambda *a: pytest.fail("compiled, not rebuilt"))
        assert rx.rx(pattern, re.IGNORECASE) == made


@pytest.mark.parametrize(
    "parts",
    [
        (32, [1, 2, 3], 0, {}, (None,)),  # code _sre refuses ("invalid SRE code")
        (32, [], 0, {}),  # four parts instead of five
        "not parts",
        (32, "code", 0, {}, (None,)),
    ],
    ids=["bad-code", "short", "string", "code-not-a-list"],
)
def test_an_entry_that_does_not_make_a_pattern_falls_back(parts, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"扣\s*(\d+(?:\.\d+)?)\s*分"
    assert rx._rebuilt(pattern, parts) is None
    monkeypatch.setattr(rx, "_compiled", {})
    monkeypatch.setattr(rx, "_stored", ({(pattern, 0): parts}, {}))
    monkeypatch.setattr(rx, "_new", {})
    made = rx.rx(pattern)
    assert made == fresh(pattern, 0) and made.findall("扣 2.5 分") == ["2.5"]
    if rx._ON:  # good parts made again, to replace the unusable ones at exit
        assert rx._new[pattern, 0] != parts and rx._rebuilt(pattern, rx._new[pattern, 0]) == made


def test_a_damaged_or_foreign_entry_is_not_read(filled: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = filled[0]
    own, module = stored(folder, monkeypatch)
    assert own and module
    (entry,) = folder.glob("rx-*.marshal")
    good = entry.read_bytes()
    try:
        entry.write_bytes(good[: len(good) // 2])  # cut short
        assert stored(folder, monkeypatch) == ({}, {})
        entry.write_bytes(b"\x00 not marshal")
        assert stored(folder, monkeypatch) == ({}, {})
        payload = marshal.dumps((own, module))
        flipped = bytearray(payload)
        flipped[len(flipped) // 2] ^= 0x01  # one bit changed inside: the checksum no longer matches
        assert rx._KEY is not None
        cache.store("rx", rx._KEY, (zlib.crc32(payload), bytes(flipped)))
        assert stored(folder, monkeypatch) == ({}, {})
        # an entry of another interpreter or `re` engine has another name: never read here
        other = cache.digest("rx-1", "2.7.18 (another interpreter)")
        entry.unlink()
        cache.store("rx", other, (zlib.crc32(payload), payload))
        assert stored(folder, monkeypatch) == ({}, {})
        # the review with no usable entry is the same
        assert review_json(folder, SEEDS) == review_json("off", SEEDS)
    finally:
        for path in folder.glob("rx-*.marshal"):
            path.unlink()
        entry.write_bytes(good)


def test_the_entry_is_named_by_the_interpreter_and_the_engine() -> None:
    import _sre  # type: ignore[import-not-found]

    assert (
        cache.digest(
            "rx-1",
            sys.version,
            sys.implementation.cache_tag or "",
            *(str(getattr(_sre, n)) for n in ("MAGIC", "CODESIZE", "MAXREPEAT", "MAXGROUPS")),
        )
        == rx._KEY
    )


def test_patterns_from_re_are_found_in_res_cache_when_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"(?<=\d)，(?=\d{3}(?!\d))-jixiao-test"
    parts = rx._parts(pattern, 0, fresh(pattern, 0))
    assert parts is not None
    re.purge()
    rx._seed({(pattern, 0): parts})
    table = rx._re_cache()
    assert table is not None
    inserted = table.get((str, pattern, 0))
    assert inserted is not None  # put there by _seed, before anything compiled it
    seeded = re.compile(pattern)
    assert seeded is inserted  # found in re's cache, not compiled
    assert seeded == fresh(pattern, 0)
    re.purge()


def test_a_cache_that_cannot_be_written_is_read_but_not_added_to(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(blocker / "cache"))
    assert not diskcache.writable()
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "new" / "cache"))
    assert diskcache.writable()  # made on the first store
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    assert not diskcache.writable()
    # in a process whose cache cannot be written, rx() makes no parts to store (that work would be lost)
    monkeypatch.setattr(rx, "_ON", False)
    monkeypatch.setattr(rx, "_compiled", {})
    monkeypatch.setattr(rx, "_new", {})
    assert rx.rx(r"第(\d+)页-unwritable") == fresh(r"第(\d+)页-unwritable", 0)
    assert rx._new == {}
