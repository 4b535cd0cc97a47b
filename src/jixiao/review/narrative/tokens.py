"""Numbers with their unit in a normalized text: amounts (元/万元/亿元, 元/年), rates (%, 百分之九十五), counts with
their measure word (个, 人次, 万亩, ㎡ …), scores (分) and dates (2022年12月6日, 至8日). Titles 《…》, document
numbers (〔2021〕94号), year spans and codes (P1.5) are not figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ..rx import any_of, rx
from .numerals import CN_DIGITS, parse_arabic, parse_chinese
from .vocabulary import Vocabulary, vocabulary

__all__ = ["Token", "tokens"]


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    voc = vocabulary()
    arabic = r"(?<![\d.A-Za-z])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
    chinese = f"[{CN_DIGITS}]+"
    amount = _alternatives(tuple(sorted(voc.amount_units, key=len, reverse=True)))
    # "元/人", "元/生.年", "万元/公里": the unit a standard is of is one character, or one of a few words of two
    # ("按照7000元/人进行补助" is so much a 人)
    per = _alternatives(tuple(voc.words["per_unit_words"])) + r"|[\u4e00-\u9fa5]"
    figure = rx(
        rf"(?P<pct>百分之)?(?P<num>{arabic}|{chinese})(?P<approx>余|多)?"
        rf"(?(pct)|(?:(?P<amount>{amount})(?P<per>(?:/(?:{per})(?:[.·][\u4e00-\u9fa5])?){{1,2}})?"
        rf"|(?P<rate>{_alternatives(voc.rate_units)})"
        rf"|(?P<mult>[万亿])?(?:余|多)?(?P<measure>{_alternatives(voc.measure_words)})(?P<per2>/[\u4e00-\u9fa5]{{1,2}})?"
        rf"(?![A-Za-z])"
        rf"|(?P<score>分)"
        rf"|(?P<bare>万)(?=[。，,；;、)）(（〔【\s]|$)))"
    )
    date = rx(r"(?<!\d)(?P<y>(?:19|20)\d\d)年(?P<m>1[0-2]|0?[1-9]|元)月(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?")
    return figure, date


def _masked(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are not figures: titles 《…》, document numbers 〔2021〕94号, years, codes."""
    return [m.span() for needed, pattern in _MASKS if needed is None or needed in text for m in pattern.finditer(text)]


# (a character each match holds — a text without it is not scanned — or None, the pattern)
_MASKS = (
    ("《", rx(r"《[^》]{0,80}》")),
    ("号", rx(r"[〔\[（(]?(?:19|20)\d\d[〕\]）)]\s*\d+\s*号")),
    ("年", rx(r"(?:19|20)\d\d\s*[-—至~]\s*(?:19|20)\d\d\s*年")),
    (None, rx(r"[A-Za-z]+\d+(?:\.\d+)?")),
)


def _duration(value: Decimal, before: str, after: str, mult: bool) -> bool:
    """ "不低于5年", "用五年时间", "两年内", "运行一年后": a number of years is a duration; "2019年" is a year, and
    "5年度", "近三年", "三年来" name a period, not a length."""
    if mult or value >= 100 or value != value.to_integral_value():
        return False
    if before.endswith(("近", "前", "这", "每", "头", "上", "末")):
        return False
    return re.match(r"[度级底初末来代月份]", after) is None


def _in(spans: list[tuple[int, int]], position: int) -> bool:
    return any(s <= position < e for s, e in spans)


@dataclass
class Token:
    start: int
    end: int
    number_start: int
    number_end: int
    value: Decimal
    raw: str
    unit: str
    kind: str
    approximate: bool
    per_unit: bool


_RANGE_START = rx(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:~|～|-|－|—|至|到|X|x|×|\*)\s*$")


_BARE_BEFORE_LIST = rx(r"(?<![\d.A-Za-z,])((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?=[（(](?:含|其中))")


def _unit_from_bracket(text: str, figure: re.Pattern[str], masked: list[tuple[int, int]]) -> Iterator[Token]:
    """ "执行数1032849.44(含中央资金689139.31万元，……)": a number printed without its unit before a bracketed
    list of its parts takes the unit of the first part."""
    if "含" not in text and "其中" not in text:  # what _BARE_BEFORE_LIST's brackets open with
        return
    for m in _BARE_BEFORE_LIST.finditer(text):
        if _in(masked, m.start()):
            continue
        close = text.find("）" if text[m.end()] == "（" else ")", m.end())
        part = figure.search(text, m.end(), close if close > 0 else len(text))
        value = parse_arabic(m.group(1))
        if part is None or value is None or not part.group("amount") or part.group("per"):
            continue
        yield Token(
            m.start(), m.end(), m.start(), m.end(), value, m.group(1), part.group("amount"), "amount", False, False
        )


_LIST_BEFORE_UNIT = rx(r"(?<![\d.A-Za-z,])(\d+\.\d+)(?=[,，、]\d+\.\d+(万元|亿元|元)(?![/\d]))")


def _unit_from_list(text: str, masked: list[tuple[int, int]]) -> Iterator[Token]:
    """ "收、支总计各是4125.49,4143.91万元": amounts with cents listed before one unit share it; "红线宽度为14、20m
    不等": values listed before one measure word and 不等 share it (so many sizes, none of them a total)."""
    for m in _LIST_BEFORE_UNIT.finditer(text) if "元" in text else ():
        value = parse_arabic(m.group(1))
        if value is None or _in(masked, m.start()):
            continue
        yield Token(m.start(), m.end(), m.start(), m.end(), value, m.group(1), m.group(2), "amount", False, False)
    for m in _values_before_budeng().finditer(text) if "不等" in text else ():
        value = parse_arabic(m.group(1))
        if value is None or _in(masked, m.start()):
            continue
        yield Token(m.start(), m.end(1), m.start(), m.end(1), value, m.group(1), m.group(2), "count", True, False)


@cache
def _values_before_budeng() -> re.Pattern[str]:
    measures = _alternatives(vocabulary().measure_words)
    return rx(rf"(?<![\d.A-Za-z,])(\d+(?:\.\d+)?)(?=(?:[、,，]\d+(?:\.\d+)?)+({measures})不等)")


_CN_YEAR_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_CN_DATE = rx(
    r"(?P<y>[〇零○O一二三四五六七八九]{4})年(?P<m>十[一二]?|[一二三四五六七八九])月"
    r"(?P<d>三十一?|三十|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
)


def _chinese_dates(text: str) -> Iterator[Token]:
    """ "二〇一三年五月二十三日": the date a notice is signed, written in numerals."""
    for m in _CN_DATE.finditer(text) if "月" in text and "年" in text else ():
        year = int("".join(str(_CN_YEAR_DIGITS[c]) for c in m.group("y")))
        month, day = parse_chinese(m.group("m")), parse_chinese(m.group("d"))
        if month is None or day is None or not 1900 <= year <= 2099:
            continue
        value = Decimal(year * 10000 + int(month) * 100 + int(day))
        yield Token(m.start(), m.end(), m.start(), m.end(), value, m.group(0), "日期", "date", False, False)


_NUMERIC_DATE = rx(
    r"(?<![\d.\-/])(?P<y>(?:19|20)\d\d)(?P<s>[.\-/])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>3[01]|[12]\d|0?[1-9])"
    r"(?=\d{1,2}:\d\d|(?![\d.]))"  # the spaces folded away, a time may follow: "2021-12-3116:27"
)


_DATE_HEAD = rx(r"(?:19|20)\d\d年")  # the year every date of _patterns() opens with, without its lookbehind
_NUMERIC_DATE_HEAD = rx(r"(?:19|20)\d\d[.\-/]")  # _NUMERIC_DATE's year and separator, without its lookbehind


def _numeric_dates(text: str) -> Iterator[Token]:
    """ "2015.12.02", "2021-12-31 16:27": a date in figures only, as a page prints when it was published."""
    if _NUMERIC_DATE_HEAD.search(text) is None:  # what every match holds, found by a far quicker scan
        return
    for m in _NUMERIC_DATE.finditer(text):
        value = Decimal(int(m.group("y")) * 10000 + int(m.group("m")) * 100 + int(m.group("d")))
        yield Token(m.start(), m.end(), m.start(), m.end(), value, m.group(0), "日期", "date", False, False)


_EVENT_AFTER_DAY = rx(
    r"(?:便|即|正式|召开|开始|启动|完成|发布|开工|竣工|完工|验收|拨付|下达|印发|移交|交付|投用|投入使用|开诊|开业|挂牌|揭牌)"
)
_MONTH_DAY = rx(r"(?<![\d年.\-/])(1[0-2]|[1-9])月(3[01]|[12]\d|[1-9])[日号]")


def _dates_in_year(text: str, dates: list[tuple[int, int]], report_year: int | None) -> Iterator[Token]:
    """ "2021年9月1日拨甲160万元，9月7日拨100万元": a month and day after a full date of the paragraph are in the
    year of the last full date before them (the store's dates carry their year once). In a paragraph with no full
    date, a month and day that an event follows ("……下达到位后,……于10月20日便启动项目招投标手续,并于11月6日正式发布
    招标公告") are in the year the report is of."""
    full = sorted(dates)
    for m in _MONTH_DAY.finditer(text) if "月" in text else ():
        if any(a <= m.start() < b for a, b in full):
            continue
        before = [text[a:b] for a, b in full if b <= m.start()]
        found = next((re.match(r"(?:19|20)\d\d", t) for t in reversed(before) if re.match(r"(?:19|20)\d\d", t)), None)
        if found is not None:
            year = int(found.group(0))
        elif report_year and not full and _EVENT_AFTER_DAY.match(text, m.end()):
            year = report_year
        else:
            continue
        stamp = Decimal(year * 10000 + int(m.group(1)) * 100 + int(m.group(2)))
        dates.append(m.span())
        yield Token(m.start(), m.end(), m.start(), m.end(), stamp, m.group(0), "日期", "date", False, False)


_BARE_SCORE = rx(
    r"(?:自评|评价|考核|综合)?(?:得分|总分|评分)(?:为|是|[:：])?(?P<num>\d{1,3}(?:\.\d+)?)(?=[，,。；;]|$)"
)


def _bare_scores(text: str, masked: list[tuple[int, int]]) -> Iterator[Token]:
    """ "自评得分92.45,综合评价结果为:优", "指标评价得分12": a score printed without 分 right after its score word."""
    for m in _BARE_SCORE.finditer(text) if "分" in text else ():
        value = parse_arabic(m.group("num"))
        if value is None or value > 100 or _in(masked, m.start("num")):
            continue
        start, end = m.span("num")
        yield Token(start, end, start, end, value, m.group("num"), "分", "score", False, False)


def _numbered_name(text: str, start: int, raw: str, measure: str) -> bool:
    """ "公诉一处、公诉二处、公诉三处": a numeral and its measure word after a name that the text also numbers
    otherwise ("公诉" + 二处) are the ordinal within the name of one of several offices, not a count of them."""
    stem = re.search(r"[\u4e00-\u9fa5]{2,4}$", text[max(0, start - 4) : start])
    if len(raw) != 1 or stem is None:
        return False
    others = re.findall(re.escape(stem.group(0)) + r"([一二三四五六七八九十])" + re.escape(measure), text)
    return any(n != raw for n in others)


_SITES = ("院区", "园区", "校区", "小区", "厂区", "景区", "新区", "片区", "城区")  # sites built in phases
_PHASES = rx(r"^(?:[、和及至到~\-—](?:[一二三四五六七八九十]+|\d+)期)+")  # the other phases a name lists after one
_QUOTED = rx(r"“[^”\n]{2,40}”")


def tokens(text: str, voc: Vocabulary, year: int | None = None) -> Iterator[Token]:
    figure, date = _patterns()
    masked = _masked(text)
    dates = []
    for token in (*_chinese_dates(text), *_numeric_dates(text)):
        dates.append((token.start, token.end))
        yield token
    for m in date.finditer(text) if "月" in text and _DATE_HEAD.search(text) else ():
        day = int(m.group("d") or 0)
        month = 1 if m.group("m") == "元" else int(m.group("m"))  # 元月: January
        stamp = Decimal(int(m.group("y")) * 10000 + month * 100 + day)
        dates.append(m.span())
        yield Token(m.start(), m.end(), m.start(), m.end(), stamp, m.group(0), "日期", "date", False, False)
        # "2022年12月6日至8日", "2017年7月至8月": the end of a span within the same month or year
        tail = re.match(r"(?:至|到|—|-|~)(\d{1,2})" + ("日" if m.group("d") else "月"), text[m.end() :])
        if tail and (m.group("d") or 1 <= int(tail.group(1)) <= 12):
            end = m.end() + tail.end()
            step = Decimal(int(stamp) // 100 * 100) if m.group("d") else Decimal(int(stamp) // 10000 * 10000)
            last = step + int(tail.group(1)) * (1 if m.group("d") else 100)
            dates.append((m.end(), end))
            yield Token(
                m.end() + tail.start(1),
                end,
                m.end() + tail.start(1),
                end,
                last,
                tail.group(1),
                "日期",
                "date",
                False,
                False,
            )
    yield from _dates_in_year(text, dates, year)
    yield from _unit_from_bracket(text, figure, masked + dates)
    yield from _unit_from_list(text, masked + dates)
    yield from _bare_scores(text, masked + dates)
    slogans = [m.span() for m in _QUOTED.finditer(text) if "、" in m.group(0)] if "“" in text else []
    for m in figure.finditer(text):
        start = m.start("num")
        if _in(masked, start) or _in(dates, start):
            continue
        raw = m.group("num")
        before = text[max(0, m.start() - 4) : m.start()]
        if before.endswith(voc.not_figure_before):
            continue
        after = text[m.end("approx") if m.group("approx") else m.end("num") :]
        if after.startswith(voc.not_counts_after) and not after.startswith(tuple(voc.words["counts_after"])):
            continue
        if m.group("measure") == "期" and _PHASES.sub("", text[m.end() :]).startswith(tuple(voc.words["phase_nouns"])):
            continue  # "加工车间二期建设项目", "一期工程", "安置房三期、四期项目": a phase in a name, not a count
        if m.group("measure") == "期" and text[max(0, m.start() - 2) : m.start()].endswith(_SITES):
            continue  # "友谊医院通州院区二期开诊运行", "某小区三期": a phase of a site, part of its name
        if m.group("measure") == "期" and text[m.start() - 1 : m.start()] in ("(", "（") and after[1:2] in (")", "）"):
            continue  # "瓯海区排水管网工程(二期)": the phase a name ends with, in brackets
        unit = m.group("amount") or m.group("rate") or m.group("measure") or m.group("score") or m.group("bare") or ""
        mult = m.group("mult") or ""
        if raw[0] in CN_DIGITS:
            if _in(slogans, start):
                continue  # "围绕“一轴引领、四翼联动、六张名片、百村示范”": a slogan's numerals count nothing
            office = m.group("measure") in voc.words["numbered_office_measures"]
            if office and _numbered_name(text, m.start("num"), raw, m.group("measure")):
                continue  # "侦查监督一处、侦查监督二处": offices numbered within one name, not counts
            if raw[-1] in "万亿" and len(raw) > 1 and not mult and unit in ("元", "人", "人次", "户", "亩", "个"):
                raw, mult = raw[:-1], raw[-1]  # 三千二百万元 → 三千二百 万元
            value = parse_chinese(raw)
            single = len(m.group("num")) == 1 and not m.group("pct")
            # "一个", "两个维护", "三个一" are words, not counts; "四个方面", "两种方式" are counts
            counted = raw in "两二三四五六七八九十" and m.group("measure") and not before.endswith(("“", "‘", '"', "'"))
            trigger = before.endswith(voc.single_numeral_after)
            # "已建酒窖一间，", "购买变压器一套18.8万元": 一 after its noun, closing its clause or before an amount
            counted = counted or (
                raw == "一"
                and bool(m.group("measure"))
                and re.match(r"[\u4e00-\u9fa5]", before[-1:]) is not None
                and not before.endswith(tuple(voc.words["not_one_count_before"]))
                and re.match(r"[，,。；;、]|\d", text[m.end() :]) is not None
            )
            counted = counted or (
                raw == "一"
                and bool(m.group("measure"))
                and before.endswith(tuple(voc.words["one_count_verbs"]))
                and re.match(r"[\u4e00-\u9fa5]", text[m.end() :]) is not None
            )
            # "一个季度开展工作督导一次": the period of a frequency, when so many times follow in its clause
            counted = counted or (
                raw == "一"
                and m.group("measure") in ("个季度", "个月")
                and re.match(rf"[^，,。；;]{{0,16}}?(?:[{CN_DIGITS}]+|\d+)次", text[m.end() :]) is not None
            )
            if value is None or (single and not trigger and not counted):
                continue
            if re.match(r"[是大类级批次]", after) and not m.group("measure"):
                continue
        else:
            value = parse_arabic(raw)
        if value is None:
            continue
        if m.group("measure") == "年" and not _duration(value, before, text[m.end() :], bool(mult)):
            continue
        if m.group("pct"):
            kind, unit = "rate", "%"
        elif m.group("amount"):
            kind, unit = "amount", (mult + unit if mult else unit) + (m.group("per") or "")
            if mult:
                unit = mult + m.group("amount")
        elif m.group("rate"):
            kind = "rate"
        elif m.group("measure"):
            kind, unit = "count", mult + unit + (m.group("per2") or "")
        elif m.group("score"):
            kind = "score"
        else:
            kind, unit = "amount", "万元"  # a bare 万 after money: "安排资金19204.096万。"
            if any_of(voc.money_words).search(text, max(0, start - 20), start) is None:
                continue
        if mult and kind == "amount" and not m.group("amount"):
            continue
        # "7.21个司法所基本完成信息化建设": at the head of a line or sentence, item 7 and 21 司法所 — a count of
        # whole things is never 7.21
        whole = kind == "count" and not mult and unit in voc.words["whole_measures"]
        if whole and re.fullmatch(r"\d{1,2}\.[1-9]\d*", raw) and re.search(r"(?:^|[。；;\n])\s*$", text[:start]):
            head = raw.index(".") + 1
            start, raw = start + head, raw[head:]
            value = Decimal(raw)
        per_unit = bool(m.group("per") or m.group("per2"))
        low = _RANGE_START.search(text, max(0, start - 14), start)
        if low is not None and not _in(masked, low.start()) and not _in(dates, low.start()):
            # "4.0~4.3米", "2-12个月", "0.3X0.4米": the first number takes the second's unit; a range or a size is
            # never added up or compared
            first = parse_arabic(low.group(1))
            if first is not None:
                yield Token(
                    low.start(1), low.end(1), low.start(1), low.end(1), first, low.group(1), unit, kind, True, per_unit
                )
        # "21万余卷册": 余 or 多 between the multiplier and the measure word is about as much as "约"
        approximate = bool(m.group("approx")) or low is not None or re.search(r"[万亿][余多]", m.group(0)) is not None
        yield Token(m.start(), m.end(), start, m.end("num"), value, raw, unit, kind, approximate, per_unit)
