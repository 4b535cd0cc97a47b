"""Printed figures as intervals: a figure printed with k decimals stands for anything within half a unit of its
last place (REFERENCE §5: parts rounded one by one need not add up to the rounded total). Rates may also be
truncated, as seed 000 prints 155.586/155.591 = 99.9968% as 99.99%."""

from __future__ import annotations

from decimal import Decimal

from .model import NarrativeFigure

__all__ = ["Interval", "fmt", "interval", "rate_matches"]

Interval = tuple[Decimal, Decimal]


def interval(figure: NarrativeFigure) -> Interval:
    return figure.scaled - figure.half_unit, figure.scaled + figure.half_unit


def add(intervals: list[Interval]) -> Interval:
    return sum((i[0] for i in intervals), Decimal(0)), sum((i[1] for i in intervals), Decimal(0))


def ratio(numerator: Interval, denominator: Interval) -> Interval | None:
    """numerator / denominator × 100 as an interval (both positive)."""
    if denominator[0] <= 0 or numerator[0] < 0:
        return None
    return numerator[0] * 100 / denominator[1], numerator[1] * 100 / denominator[0]


def rate_matches(rate: NarrativeFigure, computed: Interval) -> bool:
    """The printed rate is the computed one rounded (± half a unit) or truncated (up to one unit below)."""
    unit = rate.half_unit * 2
    low, high = rate.value - rate.half_unit, rate.value + unit
    return computed[0] <= high and computed[1] >= low


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def fmt(value: Decimal, places: int | None = None) -> str:
    """A Decimal as a finance officer writes it: 6222.40, 96.34, 12."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, "f")
    if "." in text and places is None:
        text = text.rstrip("0").rstrip(".")
    return text


def places(figure: NarrativeFigure) -> int:
    return len(figure.raw.split(".", 1)[1]) if "." in figure.raw else 0
