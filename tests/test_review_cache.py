"""The review's start-up cache (review/cache.py, issue 15) never changes a result: an entry is found only by the
SHA-256 of what it was made from, a damaged entry or an unwritable folder means the work is done again, and the
cached vocabulary and rulebook headers equal what parsing and loading give."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from jixiao.review import cache, kinds
from jixiao.review.vocabulary import load_yaml
from jixiao.scoring.rulebook import available_rulebooks, load_rulebook

REVIEW = Path(kinds.__file__).parent
DATA = [REVIEW / "vocabulary.yaml", REVIEW / "regions.yaml", REVIEW / "narrative" / "vocabulary.yaml"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.parent.name + "/" + p.name)
def test_cached_yaml_equals_the_parsed_file(folder: Path, path: Path) -> None:
    parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    cold = load_yaml(path)
    assert list(folder.glob("yaml-*.marshal")), "the parsed file was not stored"
    warm = load_yaml(path)
    assert cold == parsed and warm == parsed
    assert list(warm) == list(parsed)  # key order kept (the vocabulary's order matters: longest variants)


def test_an_edited_file_is_a_new_entry(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.yaml"
    source.write_text("units: [元, 万元]\n", encoding="utf-8")
    assert load_yaml(source) == {"units": ["元", "万元"]}
    source.write_text("units: [元]\n", encoding="utf-8")
    assert load_yaml(source) == {"units": ["元"]}
    assert len(list(folder.glob("yaml-*.marshal"))) == 2


def test_a_damaged_entry_is_made_again(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    load_yaml(source)
    (entry,) = folder.glob("yaml-*.marshal")
    entry.write_bytes(b"\x00 not marshal")
    assert load_yaml(source) == {"a": 1}
    entry.write_bytes(entry.read_bytes()[:3])
    assert load_yaml(source) == {"a": 1}


def test_a_value_marshal_cannot_hold_is_not_stored(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "dated.yaml"
    source.write_text("day: 2024-06-30\n", encoding="utf-8")
    first = load_yaml(source)
    assert str(first["day"]) == "2024-06-30" and load_yaml(source) == first
    assert not list(folder.glob("yaml-*.marshal"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a read-only folder")
def test_an_unwritable_folder_only_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(locked / "jixiao"))
    assert load_yaml(DATA[0]) == yaml.safe_load(DATA[0].read_text(encoding="utf-8"))


def test_a_folder_that_is_a_file_only_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(blocker))
    assert load_yaml(DATA[0]) == yaml.safe_load(DATA[0].read_text(encoding="utf-8"))


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert load_yaml(DATA[0]) == yaml.safe_load(DATA[0].read_text(encoding="utf-8"))


def test_rulebook_headers_equal_the_loaded_rulebooks(folder: Path) -> None:
    cold = kinds._rulebook_headers()
    assert list(folder.glob("rulebook-headers-*.marshal"))
    warm = kinds._rulebook_headers()
    assert cold == warm == kinds._headers_of(available_rulebooks())
    assert list(warm) == list(available_rulebooks())  # the order choosing walks them in
    for rid, path in available_rulebooks().items():
        rulebook = load_rulebook(str(path))
        header = warm[rid]
        assert header is not None
        assert (header["kind"], header["region"], header["title"], header["year"], header["auto_select"]) == (
            rulebook.kind,
            rulebook.region,
            rulebook.title,
            rulebook.year,
            rulebook.auto_select,
        )
        assert header["leaves"] == [leaf.name for leaf in rulebook.leaves()]


def test_a_rulebook_added_changes_the_choice(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The headers are keyed by every rulebook's bytes: a rulebook added on JIXIAO_RULEBOOK_PATH is seen."""
    ident = kinds.Identity(department="宝安区妇女联合会", year=2023, province="广东省")
    before = kinds.choose_rulebook("narrative_department", ident, "广东省深圳市宝安区", set())
    assert before[0] == "shenzhen-baoan/department/2023"
    extra = tmp_path / "extra"
    target = extra / "shenzhen-baoan" / "department" / "2024.yaml"
    target.parent.mkdir(parents=True)
    text = available_rulebooks()["shenzhen-baoan/department/2023"].read_text(encoding="utf-8")
    target.write_text(text.replace("2023", "2024"), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_RULEBOOK_PATH", str(extra))
    ident.year = 2024
    after = kinds.choose_rulebook("narrative_department", ident, "广东省深圳市宝安区", set())
    assert after[0] == "shenzhen-baoan/department/2024", after


def _province_by_plain_scan(text: str) -> str:
    """province_of without its bigram filter (issue 15): every place looked for in the whole text, where it stands as
    that place (identity._place_at: "朝阳医院" names no 朝阳市, corpus n257)."""
    from jixiao.review.identity import _place_at
    from jixiao.review.vocabulary import norm, regions, vocabulary

    t = norm(text)
    found = [(t.find(p), p) for p in vocabulary().raw["provinces"] if p in t]
    if found:
        return min(found)[1]
    for groups in (regions(), vocabulary().raw["places"]):
        near = [
            (at, -len(x), province)
            for province, places in groups.items()
            for x in places
            if (at := _place_at(t, x)) >= 0
        ]
        if near:
            return min(near)[2]
    return ""


def test_province_of_equals_the_plain_scan() -> None:
    corpus = Path(__file__).parent / "fixtures" / "review_corpus"
    texts = [p.read_text(encoding="utf-8")[:3000] for p in sorted(corpus.glob("*/document.txt"))]
    places = [x for group in regions_values() for x in group][:400]
    texts += [f"关于{x}2023年度部门整体支出绩效自评报告" for x in places] + ["", "某", "中江县民政局", "德阳中江县"]
    assert len(texts) > 300
    differ = [t[:40] for t in texts if kinds.province_of(t) != _province_by_plain_scan(t)]
    assert not differ, differ
    assert sum(1 for t in texts if kinds.province_of(t)) > 300  # the texts do name provinces and places


def regions_values() -> list[list[str]]:
    from jixiao.review.vocabulary import regions

    return list(regions().values())
