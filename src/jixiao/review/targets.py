"""An indicator's target against its actual: met, missed, or not to be told (None).

A target carries an operator (≥ ≧ ＞＝ >= ≤ ≦ ＜＝ = ＝ ═ ﹦ ＞ ＜ and the words 不低于/不超过/达到/以内/前, all from
vocabulary.yaml), a number with its unit, a date or month ("9月前", "2021年12月完成"), or words (qualitative).
An actual written without the target's % or unit is read in the target's unit ("≥100%" against "100" is
100%, not 10000%). A month before the deadline meets it. Qualitative actuals are read by their words
(达成/完成/效果明显 met, 未完成/未达成 missed). When unsure — another unit, a fraction against a percent, words
that say neither — the answer is None: precision first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .rx import rx
from .vocabulary import norm, vocabulary

__all__ = ["Reading", "outcome", "read"]

_NUMBER = rx(r"-?\d+(?:\.\d+)?")
_MONTH = rx(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_YEAR_END = rx(r"(?:(\d{4})\s*)?年(?:底|末|内)|年度内")


@dataclass(frozen=True)
class Reading:
    operator: str | None  # ">=", "<=", "=", ">", "<" or None
    value: Decimal | None
    percent: bool
    unit: str  # the word after the number (个, 万元, 人, 米 …), "" if none
    month: tuple[int | None, int, int] | None  # (year, month, day) of a date
    words: str  # the text, normalised

    @property
    def quantitative(self) -> bool:
        return self.value is not None or self.month is not None


def read(text: str, nature: str = "", measure: str = "") -> Reading:
    raw = norm(text).replace(",", "")
    vocab = vocabulary()
    op = vocab.operator(raw)[0]
    nature_op = vocab.operator(norm(nature))[0] if nature else None
    if nature and "反向" in nature:
        nature_op = "<="
    elif nature and "正向" in nature:
        nature_op = ">="
    month = None
    m = _MONTH.search(raw)
    if m and int(m.group(2)) <= 12:
        month = (int(m.group(1)) if m.group(1) else None, int(m.group(2)), int(m.group(3) or 31))
    else:
        y = _YEAR_END.search(raw)
        if y:
            month = (int(y.group(1)) if y.group(1) else None, 12, 31)
    if month is not None:
        # a date: 前/以前/之前/完成 is a deadline
        return Reading(op if op in ("<=", "<", ">=", ">") else "<=", None, False, "日期", month, raw)
    n = _NUMBER.search(raw)
    if n is not None and re.search(r"[A-Za-z]\.?$", raw[: n.start()]):
        n = None  # "M.8万元": a figure misread by text recognition is no figure
    if n is None:
        return Reading(op or nature_op, None, False, "", None, raw)
    after = raw[n.end() :]
    percent = after.startswith(("%", "百分比")) or norm(measure) in ("%", "百分比")
    lead = re.match(r"[^\d\s≥≤=<>＞＜（）()，,；;。]{0,3}", after)  # {0,3}: matches always, perhaps empty
    unit = "" if percent else ((lead.group(0) if lead else "") or norm(measure))
    return Reading(op or nature_op, Decimal(n.group(0)), percent, unit, None, raw)


def _words(text: str, key: str) -> bool:
    return any(norm(w) in text for w in vocabulary().words("qualitative", key))


def outcome(target: Reading, actual: Reading) -> str | None:
    """ "met", "missed", or None when it cannot be told."""
    if _words(actual.words, "missed") and not _words(actual.words, "partial") and not actual.quantitative:
        return "missed"
    if _words(actual.words, "partial") and not actual.quantitative:
        return "missed"
    if target.month is not None:
        if actual.month is None:
            return "met" if _words(actual.words, "met") and not actual.quantitative else None
        ty, tm, td = target.month
        ay, am, ad = actual.month
        year = ty or ay
        a_date = ((ay or year or 0), am, ad)
        t_date = ((ty or ay or 0), tm, td)
        if target.operator in ("<=", "<", None):
            return "met" if a_date <= t_date else "missed"
        return "met" if a_date >= t_date else "missed"
    if target.value is None:
        if actual.value is None and _words(actual.words, "met"):
            return "met"
        if actual.words and actual.words == target.words:
            return "met"
        return None
    if actual.value is None:
        return "met" if _words(actual.words, "met") else None
    if target.percent != actual.percent and actual.percent:
        return None  # the target in a unit, the actual in percent: not the same measure
    if target.unit and actual.unit and target.unit != actual.unit and not target.percent:
        return None  # 万元 against 元, 人 against 人次: not comparable without a rule
    t, a = target.value, actual.value
    if target.percent and not actual.percent and a <= Decimal("1.5") and t > Decimal("1.5"):
        return None  # "0.98" against "≥95%": a fraction or a number? not told
    op = target.operator
    if op is None:
        if a == t:
            return "met"
        return None
    met = {
        ">=": a >= t,
        "<=": a <= t,
        "=": a == t,
        ">": a > t,
        "<": a < t,
    }[op]
    return "met" if met else "missed"
