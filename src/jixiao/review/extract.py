"""Figures found in a report's text, each attached to a meaning and to where it was found.

A small lexicon of the phrasings self-evaluation reports use ("年初部门预算数2,377.56万元", "调整率为4.92%",
"其中基本支出996.82万元" after 调整后预算 …), applied clause by clause with the context the sentence sets
(which budget stage, which unit, procurement or 公用经费). Deterministic; no language model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.model.numbers import _FULL_WIDTH  # normalize_text's table: fold_text does what it does
from jixiao.model.problems import Location

from .facts import about_another_year as _about_another_year
from .facts import find_adjustment_reason, find_department, find_grade, find_year  # noqa: F401
from .rx import any_of, rx
from .source import Segment, SourceDocument

__all__ = ["NUM", "Figure", "extract_figures", "find_department", "find_year"]  # find_* live in facts.py

NUM = r"([0-9][0-9,，]*(?:\.[0-9]+)?)"
_AMOUNT = NUM + r"\s*万元"
_RATE = NUM + r"\s*[%％]"
_PEOPLE = NUM + r"\s*人"
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Figure:
    key: str  # a data path ("budget.initial.total", "stated.execution_rate") or a review key ("score.total")
    label: str
    value: Decimal  # 万元, a fraction for rates, people, points
    unit: str
    quote: str  # the clause it was found in
    location: Location
    segment: int  # index into SourceDocument.segments
    start: int  # position of the number in the segment's text (for mutation tests)
    end: int
    extra: str = ""  # e.g. the 一级 name of a subtotal
    confidence: float | None = None  # OCR's confidence in the text it was read from (None: a text layer)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    key: str | Callable[[re.Match[str], _Context], str | None]
    label: str
    unit: str  # 万元 | % | 人 | 分 | 个
    requires: tuple[str, ...] = ()  # words the clause (or sentence) must contain
    excludes: tuple[str, ...] = ()
    sets: str | None = None  # budget stage this phrase sets for later 基本支出/项目支出
    group: int = 1


class _Context:
    def __init__(self) -> None:
        self.stage: str | None = None  # initial | adjusted | final
        self.unit = -1
        self.unit_has: set[str] = set()
        self.three_public_column = "budget"
        # (segment, start) of figures read from the lead of a clause that goes on about another year: kept only as
        # a restatement of a figure the text reads elsewhere (extract_figures)
        self.leads: set[tuple[int, int]] = set()

    def new_unit(self, field: str) -> int:
        if self.unit < 0 or field in self.unit_has:
            self.unit += 1
            self.unit_has = set()
        self.unit_has.add(field)
        return self.unit


def _r(pattern: str) -> re.Pattern[str]:
    return rx(pattern)


def _stage_key(field: str) -> Callable[[re.Match[str], _Context], str | None]:
    return lambda m, ctx: f"budget.{ctx.stage}.{field}" if ctx.stage else None


def _unit_key(field: str, new: bool = False) -> Callable[[re.Match[str], _Context], str | None]:
    """Staffing of one unit; 编制数 (or a field the current unit already has) begins the next unit."""

    def key(m: re.Match[str], ctx: _Context) -> str:
        index = ctx.new_unit(field) if new or field in ctx.unit_has else max(ctx.unit, 0)
        if ctx.unit < 0:
            ctx.unit = index = 0
        ctx.unit_has.add(field)
        return f"units[{index}].staffing.{field}"

    return key


def _three_public(category: str) -> Callable[[re.Match[str], _Context], str | None]:
    return lambda m, ctx: f"three_public.{category}.{ctx.three_public_column}"


# Words of a target or of advice, not of a result: "应达到", "需增加", "力争", "可少扣", "以上".
_TARGET_WORDS = ("可少扣", "需增加", "需减少", "应达到", "力争", "目标", "计划", "不低于", "以上")

_RULES: tuple[_Rule, ...] = (
    _Rule(_r(r"年初预算安排收入\s*" + _AMOUNT), "budget.income.initial_total", "年初预算收入", "万元"),
    _Rule(
        _r(r"一般公共(?:预算)?(?:财政)?拨款\s*" + _AMOUNT),
        "budget.income.initial_general",
        "一般公共预算拨款",
        "万元",
        requires=("年初",),
    ),
    _Rule(_r(r"决算总收入\s*" + _AMOUNT), "budget.income.final_total", "决算总收入", "万元"),
    _Rule(
        _r(r"年初(?:部门)?预算(?:数|安排支出|支出|总额)?\s*(?:为|是)?\s*" + _AMOUNT),
        "budget.initial.total",
        "年初预算",
        "万元",
        excludes=("公用经费", "三公", "收入"),
        sets="initial",
    ),
    _Rule(
        _r(r"全年预算(?:数|总额)?\s*(?:为|是)?\s*" + _AMOUNT),
        "budget.adjusted.total",
        "调整后预算（全年预算数）",
        "万元",
        excludes=("公用经费", "三公", "收入", "项目"),
        sets="adjusted",
    ),
    _Rule(
        _r(r"(?:预算)?调整数\s*(?:为|是)?\s*" + _AMOUNT),
        "budget.adjustment.amount",
        "预算调整数",
        "万元",
        excludes=("公用经费",),
    ),
    _Rule(
        _r(r"(调增|追加|调减)(?:部门)?预算\s*" + _AMOUNT),
        lambda m, ctx: "budget.adjustment.amount",
        "预算调整数",
        "万元",
        group=2,
    ),
    _Rule(_r(r"调整率为?\s*" + _RATE), "stated.adjustment_rate", "预算调整率", "%"),
    _Rule(
        _r(r"调整后(?:部门)?预算(?:数)?\s*为?\s*" + _AMOUNT),
        "budget.adjusted.total",
        "调整后预算",
        "万元",
        excludes=("公用经费",),
        sets="adjusted",
    ),
    _Rule(
        _r(r"(?:部门)?决算(?:支出)?(?:数|总额)?\s*为?\s*" + _AMOUNT),
        "budget.final.total",
        "决算支出",
        "万元",
        excludes=("三公", "公用经费", "收入", "项目支出"),
        sets="final",
    ),
    _Rule(
        _r(r"(?<!项目)(?:总支出|全年支出|本年支出合计|支出合计|支出总额)\s*(?:为|是)?\s*" + _AMOUNT),
        "budget.final.total",
        "决算支出",
        "万元",
        excludes=("三公", "公用经费"),
        sets="final",
    ),
    _Rule(
        _r(r"(?:本年收入合计|收入合计|收入总计|(?<!决算)总收入)\s*(?:为|是)?\s*" + _AMOUNT),
        "budget.income.final_total",
        "决算总收入",
        "万元",
        excludes=("年初", "预算安排"),
    ),
    _Rule(
        _r(r"基本支出\s*" + _AMOUNT + r"(?:[，,]\s*占总?支出的?\s*" + _RATE + r")?"),
        _stage_key("basic"),
        "基本支出",
        "万元",
        excludes=("公用经费",),
    ),
    _Rule(
        _r(r"基本支出\s*" + _AMOUNT + r"[，,]\s*占总?支出的?\s*" + _RATE),
        "stated.basic_share",
        "基本支出占比",
        "%",
        group=2,
    ),
    _Rule(
        _r(r"项目支出\s*" + _AMOUNT + r"(?:[，,]\s*占总?支出的?\s*" + _RATE + r")?"),
        _stage_key("project"),
        "项目支出",
        "万元",
    ),
    _Rule(
        _r(r"项目支出\s*" + _AMOUNT + r"[，,]\s*占总?支出的?\s*" + _RATE),
        "stated.project_share",
        "项目支出占比",
        "%",
        group=2,
    ),
    _Rule(
        _r(r"(?<!季度)(?<!序时)(?<!项目)(?:部门)?(?:预算|资金)执行率(?:为|达)?\s*" + _RATE),
        "stated.execution_rate",
        "预算执行率",
        "%",
        excludes=("季度", "政府采购", *_TARGET_WORDS),
    ),
    _Rule(_r(r"年初结转和?结余为?\s*" + _AMOUNT), "budget.carryover.opening", "年初结转和结余", "万元"),
    _Rule(_r(r"年末结转和?结余为?\s*" + _AMOUNT), "budget.carryover.closing", "年末结转和结余", "万元"),
    _Rule(_r(r"政府采购(?:计划|预算)(?:金额|数)?为?\s*" + _AMOUNT), "procurement.plan", "政府采购计划金额", "万元"),
    _Rule(
        _r(r"实际(?:支出|采购)金额为?\s*" + _AMOUNT),
        "procurement.actual",
        "政府采购实际金额",
        "万元",
        requires=("政府采购",),
    ),
    _Rule(_r(r"政府采购(?:支出|金额)\s*" + _AMOUNT), "procurement.actual", "政府采购实际金额", "万元"),
    _Rule(_r(r"政府采购执行率为?\s*" + _RATE), "stated.procurement_rate", "政府采购执行率", "%"),
    _Rule(_r(r"货物\s*" + _AMOUNT), "procurement.goods", "政府采购·货物", "万元", requires=("政府采购",)),
    _Rule(_r(r"工程\s*" + _AMOUNT), "procurement.works", "政府采购·工程", "万元", requires=("政府采购",)),
    _Rule(_r(r"服务\s*" + _AMOUNT), "procurement.services", "政府采购·服务", "万元", requires=("政府采购",)),
    _Rule(
        _r(r"三公[”\"]?经费(?:年初)?预算(?:安排|数)?\s*为?\s*" + _AMOUNT),
        "three_public.total.budget",
        "“三公”经费预算",
        "万元",
    ),
    _Rule(
        _r(r"三公[”\"]?经费(?:决算数?|实际支出数?|支出)\s*为?\s*" + _AMOUNT),
        "three_public.total.actual",
        "“三公”经费决算",
        "万元",
    ),
    _Rule(
        _r(r"实际支出数?为?\s*" + _AMOUNT),
        "three_public.total.actual",
        "“三公”经费实际支出",
        "万元",
        requires=("三公",),
        excludes=("公用经费",),
    ),
    _Rule(_r(r"三公[”\"]?经费控制率为?\s*" + _RATE), "stated.three_public_control_rate", "“三公”经费控制率", "%"),
    _Rule(_r(r"因公出国[（(]境[)）]费\s*" + _AMOUNT), _three_public("abroad"), "因公出国（境）费", "万元"),
    _Rule(
        _r(r"公务用车购置(?:及|和)运行维护费\s*" + _AMOUNT),
        _three_public("vehicle"),
        "公务用车购置及运行维护费",
        "万元",
    ),
    _Rule(_r(r"公务接待费\s*" + _AMOUNT), _three_public("reception"), "公务接待费", "万元"),
    _Rule(_r(r"日常公用经费年初预算数?为?\s*" + _AMOUNT), "public_funds.daily.initial", "日常公用经费年初预算", "万元"),
    _Rule(
        _r(r"调整后预算数为?\s*" + _AMOUNT),
        "public_funds.daily.adjusted",
        "日常公用经费调整后预算",
        "万元",
        requires=("公用经费",),
    ),
    _Rule(
        _r(r"实际支出数为?\s*" + _AMOUNT),
        "public_funds.daily.actual",
        "日常公用经费实际支出",
        "万元",
        requires=("公用经费",),
    ),
    _Rule(_r(r"公用经费控制率为?\s*" + _RATE), "stated.public_funds_control_rate", "日常公用经费控制率", "%"),
    _Rule(_r(r"资产总额\s*" + _AMOUNT), "assets.total", "资产总额", "万元"),
    _Rule(_r(r"负债总额\s*" + _AMOUNT), "assets.liabilities", "负债总额", "万元"),
    _Rule(_r(r"净资产\s*" + _AMOUNT), "assets.net", "净资产", "万元"),
    _Rule(_r(r"固定资产(?:账面)?原值为?\s*" + _AMOUNT), "assets.fixed_original", "固定资产原值", "万元"),
    _Rule(_r(r"在用(?:资产)?为?\s*" + _AMOUNT), "assets.fixed_in_use", "在用固定资产", "万元", requires=("原值",)),
    _Rule(_r(r"闲置(?:资产)?为?\s*" + _AMOUNT), "assets.fixed_idle", "闲置固定资产", "万元", requires=("原值",)),
    _Rule(
        _r(r"(?:固定资产利用率|资产使用率|固定资产使用率)为?\s*" + _RATE),
        "stated.fixed_asset_utilization",
        "固定资产利用率",
        "%",
    ),
    _Rule(
        _r(r"(?:核定)?(?:行政|事业)?编制(?:人)?数\s*为?\s*" + _PEOPLE),
        _unit_key("authorized", new=True),
        "编制数",
        "人",
        excludes=("合计",),
    ),
    _Rule(_r(r"其中行政编制\s*" + _PEOPLE), _unit_key("authorized_admin"), "行政编制", "人", excludes=("合计",)),
    _Rule(
        _r(r"(?<!核定)(?<![其中行政])事业编制\s*" + _PEOPLE),
        _unit_key("authorized_institution"),
        "事业编制",
        "人",
        requires=("其中",),
    ),
    _Rule(
        _r(r"(?:实有在编人数|实有人数|在编人员|在编人数)为?\s*" + _PEOPLE),
        _unit_key("actual"),
        "实有在编人数",
        "人",
        excludes=("合计",),
    ),
    _Rule(_r(r"在职人员\s*" + _PEOPLE), _unit_key("in_service"), "在职人数", "人", excludes=("合计",)),
    _Rule(_r(r"财政补助开支人数\s*" + NUM), _unit_key("fiscal_supported"), "财政补助开支人数", "人"),
    _Rule(_r(r"退休\s*" + _PEOPLE), _unit_key("retired"), "退休人数", "人", excludes=("合计",)),
    _Rule(_r(r"财政供养人员控制率为?\s*" + _RATE), "stated.staff_control_rate", "财政供养人员控制率", "%"),
    _Rule(
        _r(r"([一二三四1-4])季度序时执行率为?\s*" + _RATE),
        lambda m, ctx: f"quarterly[{_Q[m.group(1)] - 1}].time_rate",
        "季度序时执行率",
        "%",
        group=2,
    ),
    _Rule(
        _r(r"满意(?:率|度)(?:为|达)?\s*" + _RATE), "services.satisfaction_rate", "满意度", "%", excludes=_TARGET_WORDS
    ),
    _Rule(_r(r"介入处置率\s*" + _RATE), "services.handling_rate", "介入处置率", "%"),
    _Rule(
        _r(r"(?:自评总?得分|综合得分|总得分|最终得分|自评总分)为?\s*" + NUM + r"\s*分"),
        "score.total",
        "自评总分",
        "分",
        excludes=("指标总分",),
    ),
    _Rule(_r(r"总分为?\s*" + NUM + r"\s*分"), "score.weight_total", "指标体系总分", "分", requires=("指标体系",)),
)


def leading_literal(pattern: str) -> str:
    """Ideographs every match of a pattern holds ("年初预算安排收入" of the pattern "年初预算安排收入 NUM 万元",
    "调整数" of "(?:预算)?调整数 …"): the run of CJK characters at its head, after any lookarounds and optional
    groups, less the last when a quantifier follows it; "" when the pattern has an alternative outside any group.
    A clause without them is not scanned."""
    depth, escaped, in_class = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return ""
    # what matches nothing or may match nothing before the words: lookarounds "(?<!核定)", optional groups "(?:预算)?"
    while (skipped := _SKIPPABLE_HEAD.match(pattern)) is not None:
        pattern = pattern[skipped.end() :]
    n = 0
    while n < len(pattern) and "\u4e00" <= pattern[n] <= "\u9fff":
        n += 1
    if n < len(pattern) and pattern[n] in "?*{":
        n -= 1
    return pattern[:n]


_SKIPPABLE_HEAD = rx(r"\(\?<?[!=][^()\\|]*\)|\(\?:[^()\\]*\)[?*](?![?+])")


_LEADS = tuple(leading_literal(rule.pattern.pattern) for rule in _RULES)

_LEVEL_SUMMARY = rx(
    r"([\u4e00-\u9fa5]{2,10})指标总分\s*" + NUM + r"\s*分[，,]\s*评价得分\s*" + NUM + r"\s*分[，,]\s*得分率\s*" + _RATE
)
_DEDUCTION = rx(r"(?<!总计)(?<!合计)(?<!共)扣\s*" + NUM + r"\s*分")
_DEDUCTION_TOTAL = rx(r"(?:总计|合计|共)扣\s*" + NUM + r"\s*分")
_QUARTER_LIST = rx(
    r"(?:第?([一二三四1-4](?:[、,，和及]\s*[一二三四1-4]){0,3}))?季度[^。；]{0,12}执行率分别为\s*((?:"
    + _RATE
    + r"[、，,]\s*){1,3}"
    + _RATE
    + ")"
)
_CLAUSE = rx(r"[^。；]+[。；]?")
_DIGIT = rx(r"[0-9]")  # a clause without one holds no figure: NUM, in every pattern above, begins with [0-9]


def _norm_text(text: str) -> str:
    """Full-width digits folded, spaces inside numbers and between numbers and units removed."""
    text = fold_text(text)
    if not _SPACE.search(text):  # nothing to remove (most paragraphs): the two substitutions would find nothing
        return text
    text = _SPACE_IN_NUMBER.sub("", text)
    return _SPACE_AT_NUMBER.sub("", text)


def fold_text(text: str) -> str:
    """normalize_text(text) for a paragraph: each full-width character replaced by str.replace, one scan of the
    text per character that is in it (str.translate looks every character up: ten times slower on a page)."""
    for wide, narrow in _FOLDS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text.strip().replace("\u00a0", "")


# normalize_text's table as pairs; no character it gives is one it replaces, so the order does not matter
_FOLDS = tuple((chr(wide), chr(narrow)) for wide, narrow in _FULL_WIDTH.items() if isinstance(narrow, int))
assert len(_FOLDS) == len(_FULL_WIDTH) and not {n for _, n in _FOLDS} & {w for w, _ in _FOLDS}
_SPACE = rx(r"\s")
_SPACE_IN_NUMBER = rx(r"(?<=[\d.])\s+(?=[\d.万%％人分个元])")
_SPACE_AT_NUMBER = rx(r"(?<=[\u4e00-\u9fa5])\s+(?=\d)|(?<=\d)\s+(?=[\u4e00-\u9fa5])")


# a piece of a clause: up to a comma that is no thousands separator
_PIECE = rx(r"(?:[^，,]|(?<=\d)[，,](?=\d{3}))+[，,]?")
_YEAR = rx(r"(20\d\d)\s*年")
_COMPARES = ("较上年", "比上年", "同比", "与上年")


def _this_years_lead(clause: str, year: int | None) -> str:
    """The first piece (up to a comma) of a clause about another year when the next one compares it with last
    year: "2021年度收入合计23,866.88万元，较上年决算数减少3,888.01万元" restates this year's income before it
    compares (corpus n34). '' for any other clause: a first piece about another year (its own year, "2016年度", too),
    a list before the comparison — the whole clause stays unread, as before."""
    pieces = _PIECE.findall(clause)
    if len(pieces) < 2 or not pieces[1].lstrip().startswith(_COMPARES):
        return ""
    years = {int(y) for y in _YEAR.findall(pieces[0])}
    if _about_another_year(pieces[0], year) or (year and years and year not in years):
        return ""
    return pieces[0]


def _value(raw: str, unit: str) -> Decimal | None:
    number = _number(raw)
    if number is None:
        return None
    return number.scaleb(-2) if unit == "%" else number


def _add(
    out: list[Figure],
    doc: SourceDocument,
    i: int,
    seg: Segment,
    key: str,
    label: str,
    value: Decimal,
    unit: str,
    clause: str,
    start: int,
    end: int,
    extra: str = "",
) -> None:
    out.append(Figure(key, label, value, unit, clause.strip(), doc.location(seg), i, start, end, extra, seg.confidence))


def _scan_paragraph(
    doc: SourceDocument, i: int, seg: Segment, ctx: _Context, out: list[Figure], year: int | None = None
) -> None:
    text = _norm_text(seg.text)
    sentence_words = ""
    for clause_match in _CLAUSE.finditer(text):
        clause = clause_match.group(0)
        base = clause_match.start()
        sentence_words = (
            clause if clause_match.start() == 0 or text[clause_match.start() - 1] == "。" else sentence_words + clause
        )
        if "预算数" in clause and "决算数" not in clause:
            ctx.three_public_column = "budget"
        elif "决算数" in clause:
            ctx.three_public_column = "actual"
        if _DIGIT.search(clause) is None:  # every pattern here holds NUM, which starts with a digit 0-9
            continue
        claimed: list[tuple[int, int]] = []
        whole = clause
        if _about_another_year(clause, year):
            clause = _this_years_lead(clause, year)
            if _DIGIT.search(clause) is None:
                continue
        scope = clause + sentence_words
        for rule, lead in zip(_RULES, _LEADS, strict=True):
            if lead and lead not in clause:  # every match begins with it
                continue
            if rule.requires and any_of(rule.requires).search(scope) is None:
                continue
            if rule.excludes and any_of(rule.excludes).search(whole) is not None:
                continue
            for m in rule.pattern.finditer(clause):
                span = m.span(rule.group)
                if any(s <= span[0] < e for s, e in claimed) and rule.group == 1:
                    continue
                key = rule.key(m, ctx) if callable(rule.key) else rule.key
                value = _value(m.group(rule.group), rule.unit)
                if key is None or value is None:
                    continue
                if key == "budget.adjustment.amount" and m.group(1) == "调减":
                    value = -value
                if rule.sets:
                    ctx.stage = rule.sets
                claimed.append(span)
                _add(out, doc, i, seg, key, rule.label, value, rule.unit, clause, base + span[0], base + span[1])
                if clause is not whole:
                    ctx.leads.add((i, base + span[0]))
        for m in _QUARTER_LIST.finditer(clause) if "执行率分别为" in clause else ():
            rates = list(re.finditer(_RATE, m.group(2)))
            named = [_Q[q] for q in re.findall(r"[一二三四1-4]", m.group(1) or "")]
            quarters = named if len(named) == len(rates) else list(range(1, len(rates) + 1))
            for q, rate in zip(quarters, rates, strict=True):
                value = _value(rate.group(1), "%")
                if value is not None:
                    start = base + m.start(2) + rate.start(1)
                    _add(
                        out,
                        doc,
                        i,
                        seg,
                        f"quarterly[{q - 1}].time_rate",
                        "季度序时执行率",
                        value,
                        "%",
                        clause,
                        start,
                        start + len(rate.group(1)),
                    )
        for m in _LEVEL_SUMMARY.finditer(clause) if "指标总分" in clause else ():
            name = m.group(1).removesuffix("部门整体")
            for group, key, unit, scale in (
                (2, "score.level_weight", "分", 1),
                (3, "score.level_score", "分", 1),
                (4, "score.level_rate", "%", 100),
            ):
                value = _number(m.group(group))
                if value is not None:
                    _add(
                        out,
                        doc,
                        i,
                        seg,
                        key,
                        f"{name}指标{'分值' if group == 2 else '得分' if group == 3 else '得分率'}",
                        value / scale,
                        unit,
                        clause,
                        base + m.start(group),
                        base + m.end(group),
                        extra=name,
                    )
        for m in _DEDUCTION.finditer(clause) if "扣" in clause else ():
            value = _number(m.group(1))
            if value is not None:
                _add(
                    out, doc, i, seg, "score.deduction", "扣分", value, "分", clause, base + m.start(1), base + m.end(1)
                )
        for m in _DEDUCTION_TOTAL.finditer(clause) if "扣" in clause else ():
            value = _number(m.group(1))
            if value is not None:
                _add(
                    out,
                    doc,
                    i,
                    seg,
                    "score.deduction_total",
                    "合计扣分",
                    value,
                    "分",
                    clause,
                    base + m.start(1),
                    base + m.end(1),
                )


def extract_figures(doc: SourceDocument) -> list[Figure]:
    """Every figure of the text with its meaning; positions refer to the normalized paragraph text."""
    out: list[Figure] = []
    ctx = _Context()
    year = find_year(doc)
    for i, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            ctx.stage = None
            before = len(out)
            _scan_paragraph(doc, i, seg, ctx, out, year)
            if _OTHER_SPENDING.search(_norm_text(seg.text)) is not None:
                out[before:] = [f for f in out[before:] if not f.key.endswith((".basic", ".project"))]
    read = {f.key for f in out if (f.segment, f.start) not in ctx.leads}
    return [f for f in out if (f.segment, f.start) not in ctx.leads or f.key in read]


# A 决算's spending of a third kind beside 基本支出 and 项目支出, not nothing ("经营支出130.93万元"; "经营支出0万元" is
# none): the paragraph's 基本支出 and 项目支出 are then not the whole of its 支出合计, and are not read as its two parts
_OTHER_SPENDING = rx(
    r"(?:经营支出|上缴上级支出|对附属单位补助支出)[为是]?\s*(?!0+(?:\.0+)?\s*万元)\d[\d,]*(?:\.\d+)?\s*万元"
)
