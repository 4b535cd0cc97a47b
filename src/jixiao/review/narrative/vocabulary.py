"""The narrative vocabulary (vocabulary.yaml beside this module), loaded once and checked for shape."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..vocabulary import load_yaml

__all__ = ["Vocabulary", "vocabulary"]

_FILE = Path(__file__).with_name("vocabulary.yaml")


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


@dataclass(frozen=True)
class Vocabulary:
    amount_units: dict[str, Decimal]
    rate_units: tuple[str, ...]
    measure_words: tuple[str, ...]
    money_words: tuple[str, ...]
    not_counts_after: tuple[str, ...]
    not_figure_before: tuple[str, ...]
    single_numeral_after: tuple[str, ...]
    relations: dict[str, tuple[str, ...]]
    copulas: tuple[str, ...]
    value_words: tuple[str, ...]
    leading_words: tuple[str, ...]
    other_year: tuple[str, ...]
    other_year_except: tuple[str, ...]
    target: tuple[str, ...]
    approximate: tuple[str, ...]
    stages: dict[str, tuple[str, ...]]
    complete_partitions: tuple[tuple[str, ...], ...]
    list_end_partial: tuple[str, ...]
    funding_levels: tuple[str, ...]
    ratio_rates: dict[str, dict[str, tuple[str, ...]]]
    remainder_words: tuple[str, ...]
    generic_subjects: frozenset[str]
    table_concepts: dict[str, dict[str, tuple[str, ...]]]
    table_total_rows: tuple[str, ...]
    score_total: tuple[str, ...]
    grade_words: dict[str, str]
    grade_bands: tuple[tuple[str, Decimal], ...]
    words: dict[str, tuple[str, ...]]

    def relation_of(self, word: str) -> str | None:
        """The relation group a relation word belongs to (total, parts, respectively, …)."""
        for group, words in self.relations.items():
            if word in words:
                return group
        return None


@cache
def vocabulary(path: Path = _FILE) -> Vocabulary:
    raw = load_yaml(path)
    return Vocabulary(
        amount_units={unit: Decimal(str(v)) for unit, v in raw["amount_units"].items()},
        rate_units=_longest_first(raw["rate_units"]),
        measure_words=_longest_first(raw["measure_words"]),
        money_words=tuple(raw["money_words"]),
        not_counts_after=_longest_first(raw["not_counts_after"]),
        not_figure_before=tuple(raw["not_figure_before"]),
        single_numeral_after=_longest_first(raw["single_numeral_after"]),
        relations={group: _longest_first(words) for group, words in raw["relations"].items()},
        copulas=_longest_first(raw["copulas"]),
        value_words=_longest_first(raw["value_words"]),
        leading_words=_longest_first(raw["leading_words"]),
        other_year=_longest_first(raw["other_year"]),
        other_year_except=_longest_first(raw.get("other_year_except", [])),
        target=_longest_first(raw["target"]),
        approximate=_longest_first(raw["approximate"]),
        stages={stage: _longest_first(words) for stage, words in raw["stages"].items()},
        complete_partitions=tuple(tuple(p) for p in raw["complete_partitions"]),
        list_end_partial=tuple(raw["list_end_partial"]),
        funding_levels=tuple(raw["funding_levels"]),
        ratio_rates={
            name: {side: tuple(words) for side, words in sides.items()} for name, sides in raw["ratio_rates"].items()
        },
        remainder_words=tuple(raw["remainder_words"]),
        generic_subjects=frozenset(raw["generic_subjects"]),
        table_concepts={
            concept: {side: _longest_first(words) for side, words in sides.items()}
            for concept, sides in raw["table_concepts"].items()
        },
        table_total_rows=tuple(raw["table_total_rows"]),
        score_total=_longest_first(raw["score_total"]),
        grade_words=dict(raw["grade_words"]),
        grade_bands=tuple((b["grade"], Decimal(str(b["min"]))) for b in raw["grade_bands"]),
        words={name: tuple(words) for name, words in raw["words"].items()},
    )
