"""Rounding tolerance of printed figures, stated in every finding that compares them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from jixiao.model.numbers import fmt_score, given_places

__all__ = ["CENT", "add_up", "all_given", "half_unit", "score_tolerance", "tol_text", "tolerance"]

CENT = Decimal("0.01")


def half_unit(value: Decimal | None) -> Decimal:
    if value is None:
        return Decimal(0)
    places = max(0, given_places(value))
    return Decimal(5).scaleb(-places - 1) if places else Decimal(0)


def tolerance(terms: Iterable[Decimal | None], stated: Decimal | None = None) -> Decimal:
    """Amounts: half a unit in the last place of each printed figure that has decimals (whole numbers are
    exact), since each was rounded on its own."""
    return sum((half_unit(t) for t in terms), Decimal(0)) + half_unit(stated)


def score_tolerance(terms: Iterable[Decimal | None], stated: Decimal | None = None) -> Decimal:
    """Points: the awarded points are the printed ones and add exactly; only the stated sum may have been
    rounded once (half a unit in its last place)."""
    return half_unit(stated)


def tol_text(tol: Decimal) -> str:
    return f"（容差±{fmt_score(tol)}，按末位半个单位计）" if tol else "（均为整数或精确分值，不计舍入容差）"


def add_up(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def all_given(values: Iterable[Decimal | None]) -> list[Decimal] | None:
    """The figures when every one is printed; None when any is blank (a sum of some of them says nothing)."""
    given = list(values)
    return [v for v in given if v is not None] if all(v is not None for v in given) else None
