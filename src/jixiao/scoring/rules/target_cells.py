"""Target and actual cells as people type them in a 绩效指标表: "≥5000例", "≤10天", "=0", "95%", "达成"."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.model.numbers import NumberError, fmt_number, normalize_text, parse_decimal

__all__ = ["parse_target_value"]

_OPERATOR_PREFIXES = (
    ("大于等于", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("≥", "≥"),
    (">=", "≥"),
    (">", "≥"),
    ("小于等于", "≤"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("≤", "≤"),
    ("<=", "≤"),
    ("<", "≤"),
    ("等于", "="),
    ("=", "="),
)
_NUMBER = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*(%?)\s*(\S*)$")


def parse_target_value(value: object) -> tuple[str | None, Decimal | None, bool, str]:
    """(operator given in the cell, number, whether it was a percent, the text) from a target or actual cell."""
    if isinstance(value, Decimal):
        return None, value, False, fmt_number(value)
    text = normalize_text(str(value)).replace("＞", ">").replace("＜", "<").replace("＝", "=")
    operator = None
    for prefix, op in _OPERATOR_PREFIXES:
        if text.startswith(prefix):
            operator, text = op, text[len(prefix) :].strip()
            break
    match = _NUMBER.match(text)
    if not match:
        return operator, None, False, str(value)
    try:
        number = parse_decimal(match.group(1))
    except NumberError:
        return operator, None, False, str(value)
    percent = bool(match.group(2))
    return operator, number / 100 if percent else number, percent, str(value)
