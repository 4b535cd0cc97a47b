"""How a narrative finding is written: the quoted place, amounts in the figure's own unit, the code."""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.problems import Problem, Severity

from .model import NarrativeFigure

__all__ = ["PREFIX", "in_unit", "problem", "where"]


PREFIX = "review.narrative."


def where(figure: NarrativeFigure) -> str:
    return f"{figure.location.place}“{figure.text}”"


def in_unit(value: Decimal, figure: NarrativeFigure) -> Decimal:
    """A scaled value (元, single units) written back in the unit of `figure`."""
    return value / figure.factor


def problem(
    check: str, message: str, figure: NarrativeFigure, severity: Severity, expected: str = "", actual: str = ""
) -> Problem:
    return Problem(PREFIX + check, message, figure.location, severity, expected, actual)
