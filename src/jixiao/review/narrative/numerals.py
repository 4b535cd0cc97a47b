"""Numbers as narrative reports write them: full-width digits, thousands separators, Chinese numerals.

"１，２００" and "1,200" and "一千二百" are all 1200; "两千" is 2000; "十五" is 15; "二〇二三" is 2023.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..rx import rx

__all__ = ["CN_DIGITS", "fold_width", "normalize", "parse_arabic", "parse_chinese"]

# Full-width digits and signs to ASCII, one character for one (positions in the text stay the same).
_WIDTH = str.maketrans("０１２３４５６７８９．％－＋\u00a0\u3000", "0123456789.%-+  ")

_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "亿": 100_000_000}
CN_DIGITS = "".join(_DIGIT) + "".join(_SMALL) + "".join(_LARGE)


@lru_cache(maxsize=1 << 14)  # the same cells and sentences are folded again by each check (issue 15)
def fold_width(text: str) -> str:
    return text.translate(_WIDTH)


def parse_arabic(text: str) -> Decimal | None:
    """'1,528.34' -> 1528.34; a comma counts as a thousands separator only before groups of three digits."""
    if "," in text or "，" in text:
        if not re.fullmatch(r"\d{1,3}([,，]\d{3})+(\.\d+)?", text):
            return None
        text = text.replace(",", "").replace("，", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _section(text: str) -> int | None:
    """A numeral below 10,000: 一千二百三十四, 十五, 二十, 三百零五."""
    if text and all(c in _DIGIT for c in text):
        # digits read one by one, as years and codes are written: 二〇二三
        return int("".join(str(_DIGIT[c]) for c in text)) if len(text) > 1 else _DIGIT[text]
    total, digit = 0, None
    for char in text:
        if char in "零〇○":
            continue  # 一百零五: the zero only marks a skipped place
        if char in _DIGIT:
            if digit is not None and _DIGIT[char] != 0:
                return None  # two digits in a row inside a positional numeral
            digit = _DIGIT[char]
        elif char in _SMALL:
            total += (1 if digit is None else digit) * _SMALL[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_chinese(text: str) -> Decimal | None:
    """一百二十 -> 120, 两千 -> 2000, 三万五千 -> 35000, 十五 -> 15; None if the text is not a numeral."""
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    total = 0
    rest = text
    for char, scale in sorted(_LARGE.items(), key=lambda kv: -kv[1]):
        if char in rest:
            head, rest = rest.split(char, 1)
            value = _section(head) if head else None
            if value is None or char in rest:
                return None
            total += value * scale
    if rest:
        value = _section(rest)
        if value is None:
            return None
        total += value
    return Decimal(total)


@lru_cache(maxsize=1 << 14)
def normalize(text: str) -> str:
    """Full-width digits folded, spaces dropped (reports put them around numbers: "调增预算 123.1 万元"), m2/m3
    after a number read as m²/m³."""
    # each substitution only where the text holds a character it needs (most paragraphs need one or two)
    text = fold_width(text)
    if "，" in text:
        text = _THOUSANDS.sub(",", text)  # "１，２００万元": a thousands separator
    text = _SIZE.sub("×", text)  # "0.3X0.4米": a size, not a code
    if " " in text or "\t" in text:
        text = _SPACES.sub("", text)
    text = text.strip()
    if "万元亩" in text:  # "承保面积为42.59万元亩": a stray 元 in 万亩 (not "万元亩均产值", an amount per 亩)
        text = _WANYUAN_MU.sub("万亩", text)
    if "万亩元" in text:  # "间接费用3万亩元(每亩3元)": the same slip the other way
        text = _WANMU_YUAN.sub("万元", text)
    if "m" in text:  # "631.63km2", "21.5 hm2", "30m3": an area or a volume written without the superscript
        text = _SQUARE_CUBE.sub(lambda m: m.group(1) + "²³"[int(m.group(2)) - 2], text)
    return text


_THOUSANDS = rx(r"(?<=\d)，(?=\d{3}(?!\d))")
_SIZE = rx(r"(?<=\d)[Xx*](?=\d)")
_SPACES = rx(r"(?<=[^A-Za-z])[ \t]+|[ \t]+(?=[^A-Za-z])")
_WANYUAN_MU = rx(r"(?<=\d)万元亩(?![均产])")
_WANMU_YUAN = rx(r"(?<=\d)万亩元")
_SQUARE_CUBE = rx(r"(?<=\d)([kh]?m)([23])(?![\d.])")
