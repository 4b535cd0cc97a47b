"""The cycle documents in Chinese on the page: their keys (and coded values such as the ruleset and the kind of
targets) turned into Chinese for the text editor and back into the stored English keys on save, line by line, so
that a problem's line number is the editor's line. The words are data (cycle_words.yaml); English keys typed by
hand are read as they are. The line-by-line machinery is shared with the data editor (yaml_keys.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .yaml_keys import rename_by_line

__all__ = ["to_chinese", "to_english", "words"]

_VALUE = r"(?P<pre>(?:^|[{{,])\s*(?:-\s+)*{key}\s*:\s*)(?P<value>{values})(?=\s*(?:[,}}#]|$))"


# The documents' dates: shown in the editor as 2023年7月10日 and saved as 2023-07-10 (the command line's files, and
# what the readers print back), only where a date key holds the date alone — a date in a sentence is the writer's.
DATE_KEYS = ("date", "issued", "deadline", "done_date")
_ISO = r"\d{4}-\d{2}-\d{2}"
_WRITTEN = r"\d{4}年\d{1,2}月\d{1,2}日"


def _written(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def _iso(written: str) -> str:
    year, rest = written.split("年")
    month, rest = rest.split("月")
    return f"{year}-{int(month):02d}-{int(rest.rstrip('日')):02d}"


@cache
def words() -> dict[str, Any]:
    """{"keys": {kind: {english: 中文}}, "values": {english key: {english: 中文}}}, with the rulesets' titles."""
    from jixiao.cycle.ruleset import available_rulesets

    tree = yaml.safe_load((Path(__file__).with_name("cycle_words.yaml")).read_text("utf-8"))
    rulesets = {}
    for ruleset_id, path in available_rulesets().items():
        head = yaml.safe_load(path.read_text("utf-8")) or {}
        if head.get("title"):
            rulesets[ruleset_id] = str(head["title"])
    tree["values"]["ruleset"] = rulesets
    return tree


def _value_in(pairs: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a matched value by its word in the other language (the key and spacing kept)."""
    return lambda m: m["pre"] + pairs[m["value"]]


def _translate(kind: str, text: str, forward: bool) -> str:
    table = words()
    keys: dict[str, str] = table["keys"].get(kind, {})
    if not forward:
        keys = {chinese: english for english, chinese in keys.items()}
    values = []  # applied after the keys: the key is Chinese going forward, English coming back
    for english_key, mapping in table["values"].items():
        if english_key not in table["keys"].get(kind, {}):
            continue
        key = table["keys"][kind][english_key] if forward else english_key
        # back: the first English code of a Chinese word (true, not True)
        pairs = mapping if forward else {chinese: english for english, chinese in reversed(mapping.items())}
        alternatives = "|".join(re.escape(v) for v in sorted(pairs, key=len, reverse=True))
        values.append((re.compile(_VALUE.format(key=re.escape(key), values=alternatives)), pairs))

    dates = []  # a date written as people write it on the page (2023年7月10日), stored as 2023-07-10
    for english_key in DATE_KEYS:
        if english_key in table["keys"].get(kind, {}):
            key = table["keys"][kind][english_key] if forward else english_key
            shape = _ISO if forward else _WRITTEN
            dates.append(re.compile(_VALUE.format(key=re.escape(key), values=shape)))

    def coded_values(code: str) -> str:
        for pattern, pairs in values:
            code = pattern.sub(_value_in(pairs), code)
        for pattern in dates:
            code = pattern.sub(lambda m: m["pre"] + (_written if forward else _iso)(m["value"]), code)
        return code

    return rename_by_line(text, lambda key: keys.get(key, key), coded_values)


def to_chinese(kind: str, text: str) -> str:
    """The stored text (English keys) as the editor shows it: 全周期规则: 全国通用…, 年度总体目标: …"""
    return _translate(kind, text, forward=True)


def to_english(kind: str, text: str) -> str:
    """The editor's text with the stored English keys and codes; English keys typed by hand stay as they are."""
    return _translate(kind, text, forward=False)
