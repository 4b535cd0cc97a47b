"""Scoring against a hand-checked truth file of the review corpus (tests/fixtures/review_corpus/*/truth.yaml).

Shared by tests/test_review_narrative.py and bench/review_narrative.py, so that both count the same way:
- a finding *catches* a truth item when its code ends with the item's category and it quotes a number of the
  item's `where` (or `stated`);
- an extracted figure *matches* a hand-counted one when value and unit are equal and, for the meaning, the
  subjects overlap (one contains the other once bracketed words and quotation marks are dropped, or they share half
  their characters).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from jixiao.model.problems import Problem

from .figures import NarrativeFigure

__all__ = ["catches", "figure_matches", "match_figures"]

_UNIT_ALIASES = {"万": "万元", "平方米": "㎡", "m²": "㎡", "米": "m", "公里": "km"}


def _numbers(text: object) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", str(text or ""))}


def _unit(unit: str) -> str:
    # "卷(册、盘、盒、件)", "套(间)", "元/卷(册)": the bracket gives other measure words of the same things; the
    # measure word printed before it is the unit
    unit = re.sub(r"[（(][^）)]*[)）]$", "", unit)
    return _UNIT_ALIASES.get(unit, unit)


def _value(text: object) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return None


_QUOTES = re.compile(r"[“”‘’\"'「」]")


def subject_matches(truth: str, mine: str) -> bool:
    # quotation marks are typography, not meaning: "“三公”经费" and 三公经费 name one thing
    truth = _QUOTES.sub("", re.sub(r"[（(][^）)]*[)）]", "", truth or ""))
    mine = _QUOTES.sub("", mine or "")
    if not truth:
        return True
    if not mine:
        return False
    if truth in mine or mine in truth:
        return True
    return SequenceMatcher(None, truth, mine).ratio() >= 0.5


def figure_matches(truth: dict, mine: NarrativeFigure, *, meaning: bool) -> bool:
    if mine.kind == "date":
        same = str(truth.get("value")) == mine.display()
    else:
        same = _value(truth.get("value")) == mine.value and _unit(str(truth.get("unit"))) == _unit(mine.unit)
    return same and (not meaning or subject_matches(str(truth.get("subject", "")), mine.subject))


def match_figures(truth: list[dict], mine: list[NarrativeFigure], *, meaning: bool) -> int:
    """How many hand-counted figures have an extracted figure of their own (each used once)."""
    free = list(mine)
    found = 0
    for item in truth:
        hit = next((f for f in free if figure_matches(item, f, meaning=meaning)), None)
        if hit is not None:
            free.remove(hit)
            found += 1
    return found


def catches(problem: Problem, item: dict) -> bool:
    if not problem.code.endswith("." + str(item.get("category"))):
        return False
    wanted = _numbers(item.get("where")) | _numbers(item.get("stated"))
    return bool(wanted & _numbers(problem.message))
