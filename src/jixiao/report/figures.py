"""Figures as the report prints them, read from the data or computed, never typed: "2,377.56万元", "98.78%".

A figure that is not filled in prints as 未填报. A rate prints with the rounding of the rule that scores
it, so the report never says 100% where the score table deducted for 99.99% (seed 000 truncates the
procurement rate, 155.586 ÷ 155.591 = 99.9968% → 99.99%, but rounds 预算执行率 98.7799% → 98.78%).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.model.dataset import DepartmentData
from jixiao.model.indicators import INDICATORS, Missing, Reader, Undefined
from jixiao.model.numbers import fmt_amount, fmt_percent
from jixiao.scoring.rulebook import Rulebook
from jixiao.scoring.rules.ratio import RatioSpec

__all__ = ["MISSING", "Figures"]

MISSING = "未填报"


class Figures:
    def __init__(self, data: DepartmentData, rulebook: Rulebook):
        self.data = data
        self.rulebook = rulebook
        self._rate_modes = self._rule_rate_modes(rulebook)

    @staticmethod
    def _rule_rate_modes(rulebook: Rulebook) -> dict[str, str]:
        modes = {}
        for leaf in rulebook.leaves():
            spec = leaf.rule.spec if leaf.rule else None
            if isinstance(spec, RatioSpec) and spec.rate_rounding is not None and spec.ref.source == "indicator":
                modes[spec.ref.name] = spec.rate_rounding.mode
        return modes

    def value(self, path: str) -> Any:
        return self.data.get(path)

    def has(self, *paths: str) -> bool:
        return all(self.data.get(p) is not None for p in paths)

    def amount(self, path: str, unit: str = "万元") -> str:
        value = self.data.get(path)
        return MISSING if value is None else f"{fmt_amount(Decimal(value))}{unit}"

    def count(self, path: str, unit: str = "人") -> str:
        value = self.data.get(path)
        return MISSING if value is None else f"{value}{unit}"

    def text(self, path: str) -> str:
        value = self.data.get(path)
        return MISSING if value in (None, "") else str(value)

    def rate_value(self, indicator: str) -> Decimal | None:
        try:
            return INDICATORS[indicator].compute(Reader(self.data))
        except (Missing, Undefined):
            return None

    def rate(self, indicator: str) -> str:
        """A derived rate for the text, with the rounding its scoring rule uses (half-up otherwise)."""
        value = self.rate_value(indicator)
        if value is None:
            return MISSING
        return self.percent(value, self._rate_modes.get(indicator, "half_up"))

    def percent(self, value: Decimal | None, rounding: str = "half_up") -> str:
        if value is None:
            return MISSING
        return fmt_percent(
            value, self.rulebook.percent_places, strip_zeros=self.rulebook.strip_zeros, rounding=rounding
        )

    def sum_items(self, list_path: str, field: str) -> Decimal | None:
        values = [self.data.get(f"{item}.{field}") for item in self.data.items(list_path)]
        if not values or any(v is None for v in values):
            return None
        return sum((Decimal(v) for v in values), Decimal(0))
