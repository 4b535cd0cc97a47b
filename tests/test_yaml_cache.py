"""Rulebooks and report outlines kept parsed in jixiao's disk cache (files/yamlsrc.py `load_yaml(keep=True)`,
report/outline.py; issue 15: a warm `jixiao review` imports no PyYAML and parses nothing): the tree, each
value's line and the loaded rulebook are the ones a fresh parse gives, with the cache cold, warm and off; an
edited file, other limits or a damaged entry mean a fresh parse; a file with problems is never stored. Also
the proof behind extract.py's skipping of clauses without a digit."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.files import guard
from jixiao.files.yamlsrc import load_yaml, parse_yaml_text
from jixiao.model.problems import JixiaoError
from jixiao.scoring.rulebook import available_rulebooks, load_rulebook_with_problems

ROOT = Path(__file__).resolve().parent.parent
RULEBOOKS = sorted(available_rulebooks().items())


def _fresh(path: Path):
    tree, smap, problems = parse_yaml_text(path.read_bytes().decode("utf-8-sig"), str(path))
    return tree, smap._lines, problems


def _typed(value):
    """The value with every container's and scalar's type spelled out, so that a list read back as a tuple or
    a string as bytes would differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_typed(v) for v in value])
    return (type(value).__name__, value)


@pytest.mark.parametrize(("rulebook_id", "path"), RULEBOOKS, ids=[r for r, _ in RULEBOOKS])
def test_a_kept_rulebook_is_the_parsed_one(tmp_path, monkeypatch, rulebook_id: str, path: Path) -> None:
    tree, lines, problems = _fresh(path)
    assert problems == []
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    cold = load_yaml(path, keep=True)
    assert len(list(tmp_path.glob("yaml-*.marshal"))) == 1  # stored
    warm = load_yaml(path, keep=True)  # read back from the entry
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    off = load_yaml(path, keep=True)
    for got_tree, got_map, got_problems in (cold, warm, off):
        assert _typed(got_tree) == _typed(tree) and got_problems == []
        assert _typed(got_map._lines) == _typed(lines) and got_map.file == str(path)
    # and the rulebook loaded from it, every node and rule, with its places in the file
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    warm_book, warm_problems = load_rulebook_with_problems(str(path))
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    book, book_problems = load_rulebook_with_problems(str(path))
    assert warm_book == book and repr(warm_book) == repr(book)
    assert [p.__dict__ for p in warm_problems] == [p.__dict__ for p in book_problems]


def test_an_edited_file_damaged_entry_or_other_limits_parse_afresh(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    source = dict(RULEBOOKS)["shenzhen-baoan/department/2023"].read_text(encoding="utf-8")
    path = tmp_path / "book.yaml"
    path.write_text(source, encoding="utf-8")
    tree, _smap, _ = load_yaml(path, keep=True)
    path.write_text(source.replace(f"title: {tree['title']}", "title: 改过的标题", 1), encoding="utf-8")
    assert load_yaml(path, keep=True)[0]["title"] == "改过的标题"  # another entry, not the first
    for entry in (tmp_path / "cache").glob("yaml-*.marshal"):
        entry.write_bytes(b"\x00damaged")
    assert _typed(load_yaml(path, keep=True)[0]) == _typed(_fresh(path)[0])
    # limits lowered after the entry was made: the parse is held to them, as without the cache
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, yaml_depth=2))
    with pytest.raises(JixiaoError) as caught:
        load_yaml(path, keep=True)
    assert caught.value.problems[0].code == "yaml.too_deep"


def test_a_file_with_problems_is_not_kept(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "twice.yaml"
    path.write_text("id: a\nid: b\n", encoding="utf-8")
    for _ in range(2):  # said each time
        tree, _smap, problems = load_yaml(path, keep=True)
        assert tree == {"id": "b"} and [p.code for p in problems] == ["yaml.duplicate_key"]
    assert not list((tmp_path / "cache").glob("yaml-*"))


_PROBE = """
import contextlib, io, json, sys
from jixiao.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["review", sys.argv[1]])
print(json.dumps({"code": code, "yaml": "yaml" in sys.modules}))
"""


def test_a_warm_review_imports_no_yaml(tmp_path) -> None:
    """The first run parses the rulebook, vocabularies and outline (PyYAML loaded); the next reads them kept."""
    seed = ROOT / "tests" / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path)}
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(seed)], capture_output=True, text=True, env=env, cwd=ROOT, check=True
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert [r["code"] for r in runs] in ([0, 0], [1, 1])
    assert [r["yaml"] for r in runs] == [True, False]  # the probe sees PyYAML when it is loaded


def test_every_figure_pattern_needs_a_digit() -> None:
    """extract.py skips a clause with no digit 0-9: sound only while every pattern it tries there holds NUM,
    which begins with [0-9]."""
    from jixiao.review import extract

    patterns = [rule.pattern for rule in extract._RULES]
    patterns += [extract._QUARTER_LIST, extract._LEVEL_SUMMARY, extract._DEDUCTION, extract._DEDUCTION_TOTAL]
    assert len(patterns) > 50
    for pattern in patterns:
        assert extract.NUM in pattern.pattern, pattern.pattern
    assert extract.NUM.startswith("([0-9]")
