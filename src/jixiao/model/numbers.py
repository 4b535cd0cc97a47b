"""Numbers as finance officers type them, and as official tables print them.

Parsing accepts what people really write (full-width digits, thousands separators, "万元", "98.78%") and
refuses what is ambiguous, with a Chinese message. An amount of a 万元 field is read by `read_amount`, the same
for the web form, a workbook's cell and a data file's value: typed with another unit it is converted, and what
was read is said. Rounding is always explicit: official tables differ in
whether they truncate or round half-up, so the mode is a rulebook setting, never a default hidden here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = [
    "Amount",
    "NumberError",
    "Rounding",
    "divide",
    "fmt_amount",
    "fmt_number",
    "fmt_percent",
    "fmt_score",
    "given_places",
    "normalize_text",
    "parse_count",
    "parse_decimal",
    "parse_rate",
    "read_amount",
]

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％　", "0123456789.,-+% ")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_UNITS = ("万元", "元", "人", "个", "次", "例", "场", "项", "户", "名", "宗", "份", "天", "年", "平方米", "㎡")


_LONGEST = 60  # characters of a number as typed: 万亿 with decimals fits in 30
_HUGE = 10**40  # a whole number beyond any figure in a self-evaluation; range checks by field follow in dataset

_WIDE = 80  # digits for quantize: values admitted by the range checks (≤1e12, ≥1e-8) stay far below

_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(12)}


class NumberError(ValueError):
    """A text that is not the number expected; the message is Chinese and says how to write it."""


def normalize_text(text: str) -> str:
    """Full-width digits and signs to ASCII, spaces trimmed (incl. ideographic space)."""
    return text.translate(_FULL_WIDTH).strip().replace("\u00a0", "")


def parse_decimal(value: object, *, allow_units: tuple[str, ...] = _UNITS) -> Decimal:
    """A number from a cell or YAML scalar: '2,377.56', '２３７７．５６', '155.591万元' -> Decimal."""
    if isinstance(value, bool):
        raise NumberError(f"应为数字，实际为“{value}”")
    if isinstance(value, int):
        if abs(value) > _HUGE:
            raise NumberError(f"超出范围：数字“{str(value)[:20]}…”共 {len(str(value))} 位，请核对数量级")
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError(f"应为数字，实际为“{value}”（无穷大或非数，多为公式出错或数值溢出）")
        # Excel stores numbers as binary floats; repr gives the shortest text that round-trips.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError(f"应为数字，实际为“{value}”")
        return value
    text = normalize_text(str(value))
    if len(text) > _LONGEST:
        raise NumberError(f"应为数字，实际为一段 {len(text)} 个字符的文字（“{text[:12]}…”）。请只填写数字")
    for unit in allow_units:
        if text.endswith(unit):
            text = text[: -len(unit)].strip()
            break
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise NumberError(f"应为数字，实际为“{value}”。请只填写数字，例如 2377.56")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise NumberError(f"应为数字，实际为“{value}”") from exc


# The unit typed after an amount → the power of ten that turns it into 万元.
_TO_WAN = {
    "元": -4,
    "千元": -1,
    "万": 0,
    "万元": 0,
    "十万元": 1,
    "百万": 2,
    "百万元": 2,
    "千万": 3,
    "千万元": 3,
    "亿": 4,
    "亿元": 4,
    "万亿": 8,
    "万亿元": 8,
}
_AMOUNT = re.compile(
    r"^(?P<sign>[+-]?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?\s*(?P<unit>"
    + "|".join(sorted(_TO_WAN, key=len, reverse=True))
    + r")?$"
)


@dataclass(frozen=True)
class Amount:
    """An amount read as 万元: `value`, and `note`, what was read ("“12,000元”读作 1.2 万元") when it was typed
    another way than a number of 万元 in ASCII digits, else ""."""

    value: Decimal
    note: str


def read_amount(typed: str) -> Amount:
    """The amount of a 万元 field as typed: "1.2万" and "1.2 万元" are 1.2, "12,000元" is 1.2, "0.5亿元" is 5000,
    "３０千元" is 3, "１２３．４５" is 123.45 (full-width digits as an input method types them). A text that does not
    name one amount in one unit ("约1.2万", "1.2-1.5万", "1亿2000万", "1.2W", "二千三百万") is refused: NumberError."""
    text = normalize_text(typed)
    match = _AMOUNT.match(text)
    if match is None:
        try:
            number = parse_decimal(text, allow_units=())  # "5." and ".5" are numbers all the same
        except NumberError:
            if len(text) > _LONGEST:
                raise  # its message says how long the text is
            raise NumberError(
                f"应为数字，实际为“{typed.strip()}”。请填写一个以万元为单位的数，例如 2377.56；也可带一个单位，"
                "例如 1.2万、12,000元（不写“约”、范围或两个单位）"
            ) from None
        unit = None
    else:
        number = Decimal(f"{match['sign']}{match['whole'].replace(',', '')}{match['fraction'] or ''}")
        unit = match["unit"]
    if unit in (None, "万元") and text == typed.strip():  # the field's own unit, in ASCII digits
        return Amount(number, "")
    value = Decimal(fmt_number(number.scaleb(_TO_WAN[unit]))) if unit else number
    return Amount(value, f"“{typed.strip()}”读作 {fmt_amount(value, 0)} 万元")


def parse_count(value: object) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise NumberError(f"应为整数（人数、个数），实际为“{value}”")
    return int(number)


def parse_rate(value: object) -> Decimal:
    """A rate as a fraction: '98.78%' -> 0.9878; 0.9878 -> 0.9878; a bare 98.78 is refused as ambiguous.

    A bare number above 2 is almost always a percent typed without its sign (98.78 for 98.78%); guessing
    would silently change a score by a factor of 100, so it is an error that says how to write it.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = parse_decimal(value)
        percent = False
    else:
        text = normalize_text(str(value))
        percent = text.endswith("%")
        number = parse_decimal(text[:-1] if percent else text, allow_units=())
    if percent:
        return number.scaleb(-2)  # keeps the precision stated: "100%" is 1.00, not 1
    if abs(number) > 2:
        raise NumberError(f"比率“{value}”含义不明：若指百分数请写成“{number}%”，若指小数请写成“{number / 100}”")
    return number


def divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Exact-enough division for rates (28 significant digits); the caller checks for zero."""
    with localcontext() as ctx:
        ctx.prec = 28
        return numerator / denominator


@dataclass(frozen=True)
class Rounding:
    """How a value is cut to a number of decimal places: truncate (截位) or round half-up (四舍五入)."""

    mode: str = "half_up"  # "half_up" | "truncate"
    places: int = 2

    MODES = ("half_up", "truncate")

    def apply(self, value: Decimal) -> Decimal:
        rounding = ROUND_DOWN if self.mode == "truncate" else ROUND_HALF_UP
        with localcontext() as ctx:
            ctx.prec = _WIDE
            return value.quantize(_EXPONENTS[self.places], rounding=rounding)

    def describe(self) -> str:
        word = "截位（不四舍五入）" if self.mode == "truncate" else "四舍五入"
        return f"保留{self.places}位小数，{word}"


def _strip(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def given_places(value: Decimal) -> int:
    """The decimals a figure was given with: 155.591 -> 3, 2377.5600 -> 4, 2E+2 -> -2; 0 for NaN or infinity
    (their exponent is a letter)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def fmt_number(value: Decimal, places: int | None = None) -> str:
    """Plain number without grouping, at least `places` decimals, keeping extra given digits."""
    if places is None:
        return _strip(format(value, "f"))
    return format(value, f".{max(places, given_places(value))}f")


def fmt_amount(value: Decimal, places: int = 2) -> str:
    """万元 amount as the documents print it: 2,377.56; 155.591 keeps its three given decimals."""
    return f"{value:,.{max(places, given_places(value))}f}"


def fmt_percent(rate: Decimal, places: int = 2, *, strip_zeros: bool = False, rounding: str = "half_up") -> str:
    """A fraction as a percent: 0.98779 -> '98.78%'; with strip_zeros 0.977 -> '97.7%', 1 -> '100%'."""
    with localcontext() as ctx:
        ctx.prec = _WIDE
        value = (rate * 100).quantize(
            _EXPONENTS[places], rounding=ROUND_DOWN if rounding == "truncate" else ROUND_HALF_UP
        )
    text = format(value, f".{places}f")
    return (_strip(text) if strip_zeros else text) + "%"


def fmt_score(score: Decimal) -> str:
    """Scores as the score tables print them: 5, 1.99, 97.61 (no trailing zeros)."""
    return _strip(format(score, "f"))
