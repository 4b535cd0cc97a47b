"""Rates against the amounts they are made of: shares (占 x%), named ratios (执行率, 支付率, 到位率), growth and
decline (较上年增长 x%) and excess over a plan (超任务 x%). A rate may be rounded or truncated."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.model.problems import Problem, Severity

from .arith import add, fmt, interval, places, rate_matches, ratio
from .findings import in_unit, problem, where
from .model import NarrativeFigure
from .parts import addable, gap
from .vocabulary import vocabulary

# words of a clause that do not name an item ("项目资金使用", "实际支出")
_GENERIC_WORDS = ("项目", "资金", "经费", "实际", "累计", "已", "共", "全部", "其中", "截至目前", "目前")

__all__ = ["base_of_share", "introduced_by_comparison", "level_before", "rate_problem", "shares"]


def rate_problem(
    check: str,
    rate: NarrativeFigure,
    numerator: NarrativeFigure,
    denominator: str,
    computed: tuple[Decimal, Decimal],
    formula: str,
    severity: Severity,
    exact: Decimal | None = None,
) -> Problem:
    digits = max(places(rate), 2)
    middle = exact if exact is not None else (computed[0] + computed[1]) / 2
    return problem(
        check,
        f"{where(rate)}与其金额不符：{formula}＝{fmt(middle, digits)}%，而文中写作{rate.raw}%"
        f"（容差：金额按末位半个单位、比率按四舍五入或截尾，可在{fmt(computed[0], digits)}%～"
        f"{fmt(computed[1], digits)}%之间）。金额见{where(numerator)}；{denominator}。请核对比率或金额。",
        rate,
        severity,
        f"{fmt(middle, digits)}%",
        f"{rate.raw}%",
    )


def _base_figure(rate: NarrativeFigure, candidates: list[NarrativeFigure], family: str) -> NarrativeFigure | None:
    base = rate.base
    if len(base) < 2:
        return None
    changes = vocabulary().relations["increase"] + vocabulary().relations["decrease"]
    usable = [f for f in candidates if f.family == family and f.checkable and f.subject and f.relation not in changes]
    exact = [f for f in usable if f.subject == base]  # "占政府采购预算的52.55%": 政府采购预算 itself first

    def named(f: NarrativeFigure) -> str:  # "地方一般公共预算收入完成" names 一般公共预算收入
        verbs = vocabulary().relations["verbs"] + vocabulary().relations["stage_verbs"]
        return next(
            (f.subject[: -len(v)] for v in verbs if f.subject.endswith(v) and len(f.subject) > len(v) + 1), f.subject
        )

    near = [f for f in usable if named(f).endswith(base) or base.endswith(named(f))]
    found = exact or near
    return found[-1] if found else None


def shares(figures: list[NarrativeFigure]) -> list[Problem]:
    voc = vocabulary()
    out = []
    orphans: list[tuple[NarrativeFigure, NarrativeFigure]] = []
    text_figures = [f for f in figures if f.cell is None]
    in_sentence: dict[tuple[int, int], list[int]] = {}  # each sentence's figures, by their place in the list
    for i, f in enumerate(text_figures):
        in_sentence.setdefault((f.segment, f.sentence), []).append(i)
    for i, rate in enumerate(text_figures):
        if rate.kind != "rate" or not rate.checkable:
            continue
        before = text_figures[:i]
        same_sentence = [text_figures[j] for j in in_sentence[rate.segment, rate.sentence] if j < i]
        if rate.relation == "占":
            part = next((f for f in reversed(same_sentence) if addable(f)), None)
            if part is None or not part.checkable:
                continue
            base = _base_figure(rate, [f for f in before if f is not part], part.family)
            if base is None and not rate.base and "part" in part.flags:
                # "支出总计1234.56万元，其中：基本支出800万元，占64.80%": a part's share is of its list's total
                base = next(
                    (
                        f
                        for f in reversed(same_sentence)
                        if f.start < part.start and addable(f) and f.family == part.family and "part" not in f.flags
                    ),
                    None,
                )
                if base is None and rate.quote.startswith("其中"):  # "收入合计435.82万元……。其中：财政拨款…，占100%"
                    base = level_before(rate, before, part.family)
            if base is None and len(rate.base) >= 2:
                orphans.append((rate, part))  # a share of a base the text does not state: read with its siblings
            if base is None or not base.checkable:
                continue
            if len(rate.base) < 2 and _exceeded(
                base, part, [text_figures[j] for j in in_sentence[rate.segment, rate.sentence]]
            ):
                continue
            computed = ratio(interval(part), interval(base))
            if computed and not rate_matches(rate, computed):
                out.append(
                    rate_problem(
                        "share",
                        rate,
                        part,
                        f"基数见{where(base)}",
                        computed,
                        f"{part.raw}{part.unit}÷{base.raw}{base.unit}",
                        Severity.WARNING,
                        part.scaled * 100 / base.scaled if base.scaled else None,
                    )
                )
            continue
        after = text_figures[i + 1] if i + 1 < len(text_figures) else None
        if after is not None and _comes_to(rate, after):
            problem = _share_that_comes_to(rate, after, same_sentence)
            if problem:
                out.append(problem)
            continue
        if rate.text.startswith("的") and len(same_sentence) >= 2:
            problem = _of_base(rate, same_sentence)
            if problem:
                out.append(problem)
            continue
        name = next((n for n in voc.ratio_rates if rate.subject.endswith(n)), None)
        if name is None or rate.relation in voc.relations["increase"] + voc.relations["decrease"]:
            continue
        problem = _named_ratio(rate, name, same_sentence, before)
        if problem:
            out.append(problem)
    return out + _sibling_shares(orphans)


def _exceeded(base: NarrativeFigure, part: NarrativeFigure, sentence: list[NarrativeFigure]) -> bool:
    """ "年末结转结余1843.7万元。其中,基本支出13645.88万元、占比21.49%,……经营支出130.93万元、占比0.21%": a base the
    text does not name is not the whole of a part whose list of parts (the part and the other parts of its sentence)
    adds to more than the base — here the 其中 lists the year's 支出, not the 结余 it follows."""
    listed = [f for f in sentence if f is part or ("part" in f.flags and addable(f) and f.family == part.family)]
    total = sum((f.scaled - f.half_unit for f in listed), Decimal(0))
    return total > base.scaled + base.half_unit


def _comes_to(rate: NarrativeFigure, amount: NarrativeFigure) -> bool:
    """ "中央财政补贴47.5%为614.39万元", "市级预算安排80%计260万元": the amount right after a share is what it
    comes to."""
    voc = vocabulary()
    return (
        amount.kind == "amount"
        and not amount.per_unit
        and (amount.segment, amount.sentence) == (rate.segment, rate.sentence)
        and gap(rate, amount).strip() in ("为", "计")
        and not rate.base
        and rate.relation not in voc.relations["increase"] + voc.relations["decrease"]
    )


def _share_that_comes_to(
    rate: NarrativeFigure, amount: NarrativeFigure, same_sentence: list[NarrativeFigure]
) -> Problem | None:
    """ "总保费1293.45万元，中央财政补贴47.5%为614.39万元，省级财政补贴32.5%为420.37元": each amount is its share of
    the last amount before the shares in the sentence (not one a share came to)."""
    products = {id(f) for j, f in enumerate(same_sentence[1:], 1) if _comes_to(same_sentence[j - 1], f)}
    base = next(
        (
            f
            for f in reversed(same_sentence)
            if f.kind == "amount" and not f.per_unit and id(f) not in products and f.depth == amount.depth
        ),
        None,
    )
    if base is None or not (base.checkable and amount.checkable and rate.checkable) or base.scaled <= 0:
        return None
    computed = ratio(interval(amount), interval(base))
    if computed is None or rate_matches(rate, computed):
        return None
    basis = f"基数见{where(base)}"
    for factor, unit in ((Decimal(10_000), "万" + amount.unit), (Decimal("0.0001"), amount.unit.removeprefix("万"))):
        low, high = interval(amount)
        scaled = ratio((low * factor, high * factor), interval(base))
        if unit != amount.unit and scaled is not None and rate_matches(rate, scaled):
            basis += f"；若金额单位为“{unit}”则相符，请核对金额单位"
    return rate_problem(
        "share",
        rate,
        amount,
        basis,
        computed,
        f"{amount.raw}{amount.unit}÷{base.raw}{base.unit}",
        Severity.WARNING,
        amount.scaled * 100 / base.scaled,
    )


def _of_base(rate: NarrativeFigure, same_sentence: list[NarrativeFigure]) -> Problem | None:
    """ "累计完成24627万元，完成年初预算数60999万元的40.4%": the level before as a share of the amount before 的."""
    base = same_sentence[-1]
    level = next((f for f in reversed(same_sentence[:-1]) if addable(f) and f.family == base.family), None)
    if level is None or base.kind != "amount" or not (level.checkable and base.checkable) or base.scaled <= 0:
        return None
    computed = ratio(interval(level), interval(base))
    if computed is None or rate_matches(rate, computed):
        return None
    return rate_problem(
        "share",
        rate,
        level,
        f"基数见{where(base)}",
        computed,
        f"{level.raw}{level.unit}÷{base.raw}{base.unit}",
        Severity.WARNING,
        level.scaled * 100 / base.scaled,
    )


def _sibling_shares(orphans: list[tuple[NarrativeFigure, NarrativeFigure]]) -> list[Problem]:
    """Shares of one unstated base ("占支出总预算78.33%", "……10.73%", …): when they add up to 100% the parts are the
    whole, and when the text says what the whole is made of ("分为基本支出预算和项目支出预算") too; the base is then
    the sum of the parts, and each share is checked against it."""
    groups: dict[str, list[tuple[NarrativeFigure, NarrativeFigure]]] = {}
    for rate, part in orphans:
        group = groups.setdefault(rate.base, [])
        if not group or rate.segment - group[0][0].segment <= 8:
            group.append((rate, part))
    out = []
    for base, found in groups.items():
        group = _whole_run(found)
        parts = [p for _, p in group]
        if len(group) < 2:
            continue
        whole = add([interval(p) for p in parts])
        total = sum((p.scaled for p in parts), Decimal(0))
        terms = "＋".join(p.raw for p in parts)
        for rate, part in group:
            computed = ratio(interval(part), whole)
            if computed is None or rate_matches(rate, computed) or not total:
                continue
            out.append(
                rate_problem(
                    "share",
                    rate,
                    part,
                    f"“{base}”文中未单列，所列各项即其全部（占比合计约100%，或为其已知组成），按各项之和"
                    f"{terms}＝{fmt(in_unit(total, part))}{part.unit}计",
                    computed,
                    f"{part.raw}÷({terms})",
                    Severity.WARNING,
                    part.scaled * 100 / total,
                )
            )
    return out


def _whole_run(group: list[tuple[NarrativeFigure, NarrativeFigure]]) -> list[tuple[NarrativeFigure, NarrativeFigure]]:
    """The consecutive shares of one base that make its whole: they add up to 100% (within their rounding), or the
    text names them as its known partition (基本支出 and 项目支出)."""
    usable = [(r, p) for r, p in group if p.family == group[0][1].family and sum(1 for _, q in group if q is p) == 1]
    for start in range(len(usable)):
        for end in range(start + 2, len(usable) + 1):
            run = usable[start:end]
            stated = add([(r.value - r.half_unit, r.value + r.half_unit * 3) for r, _ in run])
            if stated[0] <= 100 <= stated[1]:
                return run
    parts = [p for _, p in usable]
    return usable if len(usable) >= 2 and _declared_whole(parts) else []


def _declared_whole(parts: list[NarrativeFigure]) -> bool:
    """The parts are a known partition of their whole (基本支出 + 项目支出)."""
    for partition in vocabulary().complete_partitions:
        if len(parts) == len(partition) and all(
            any(p.subject.endswith(w) or p.subject.removesuffix("预算").endswith(w) for p in parts) for w in partition
        ):
            return True
    return False


def _mentions(f: NarrativeFigure, words: tuple[str, ...]) -> bool:
    return any(w in f.subject or w in f.relation or w in f.text for w in words)


def _named_ratio(
    rate: NarrativeFigure, name: str, same_sentence: list[NarrativeFigure], before: list[NarrativeFigure]
) -> Problem | None:
    """执行率/支付率/到位率 against the amount before it in its sentence and the amount it is a share of."""
    voc = vocabulary()
    words = voc.ratio_rates[name]
    amounts = [f for f in same_sentence if f.kind == "amount" and not f.per_unit]
    if not amounts:  # "实际支出85万元。预算执行率为95%。": the sentence before, in the same paragraph
        earlier = [f for f in before if f.segment == rate.segment and f.sentence == rate.sentence - 1]
        amounts = [f for f in earlier if f.kind == "amount" and not f.per_unit]
    numerator = next((f for f in reversed(amounts) if _mentions(f, words["numerator"])), None)
    if numerator is None or not numerator.checkable:
        return None
    remainder = next((f for f in amounts if f.start > numerator.start and _mentions(f, voc.remainder_words)), None)
    candidates: list[tuple[tuple[Decimal, Decimal], str, NarrativeFigure]] = []
    # "收到a万元，其中省级支出b万元，各州市c万元，执行率100%": the rate may be of all the parts together
    readings = [interval(numerator)]
    siblings = [f for f in amounts if "part" in f.flags and f.family == numerator.family and f.depth == numerator.depth]
    if "part" in numerator.flags and len(siblings) >= 2 and all(f.checkable for f in siblings):
        readings.append(add([interval(f) for f in siblings]))
    if remainder is not None and remainder.checkable:
        total = add([interval(numerator), interval(remainder)])
        candidates.append((total, f"{numerator.raw}＋{remainder.raw}", remainder))
    window = [f for f in before if f.segment >= numerator.segment - 6 and f is not numerator]
    qualifier = rate.subject[: -len(name)].removesuffix("预算").removesuffix("资金")
    if qualifier and any(qualifier in f.text for f in window):
        window = [f for f in window if qualifier in f.text]  # 政府采购执行率: the 政府采购 amounts
    for f in reversed(window):
        if (
            f.kind == "amount"
            and f.family == numerator.family
            and not (f.approximate or f.other_year)
            and f.depth == 0
            and f.relation not in voc.relations["parts"]
            and (f.scaled >= numerator.scaled or _mentions(f, tuple(voc.words["due_words"])))
            and _mentions(f, words["denominator"])
            and f is not numerator
            and not _another_item(f, numerator)
        ):
            candidates.append((interval(f), f.raw, f))
    if not candidates and rate.value <= 100:
        # "项目资金共2179万元,……,已完成拨付21113.63万元,执行率97%": a rate of at most 100% of the whole its
        # sentence states (共, 合计) before the amount: a numerator above it is a slip, not a sign of another base
        candidates = [
            (interval(f), f.raw, f)
            for f in same_sentence
            if f.kind == "amount"
            and f.start < numerator.start
            and f.family == numerator.family
            and f.checkable
            and f.depth == 0
            and not f.per_unit
            and f.relation in voc.relations["total"]
            and _mentions(f, words["denominator"])
        ][-1:]
    # "中央资金776.84万元 … 中央资金完成636.75万元，预算执行率81.97%": the amount of the same thing is the base
    own = [
        (interval(f), f.raw, f)
        for f in window
        if f.kind == "amount"
        and f.family == numerator.family
        and len(f.subject) >= 3
        and f.subject != numerator.subject
        and f.subject in numerator.subject
        and f.scaled >= numerator.scaled
        and not (f.approximate or f.other_year)
    ]
    own.sort(key=lambda c: len(c[2].subject))  # the most specific name last
    candidates = own[-1:] if own else candidates
    if not candidates:
        return None
    checked = []
    for denominator, label, figure in candidates:
        computed = ratio(interval(numerator), denominator)
        if computed is None:
            continue
        if any(rate_matches(rate, r) for r in (ratio(n, denominator) for n in readings) if r is not None):
            return None  # some reading of the text makes the rate right: no finding
        checked.append((computed, label, figure))
    if not checked:
        return None
    computed, label, figure = checked[0]
    if remainder is not None and figure is remainder:
        base = numerator.scaled + remainder.scaled
        basis = (
            f"基数为支付与未支之和{label}＝{fmt(in_unit(base, numerator))}{numerator.unit}，未支见{where(remainder)}"
        )
    else:
        base = figure.scaled
        basis = f"基数{label}{numerator.unit}（{where(figure)}）"
    return rate_problem(
        "share",
        rate,
        numerator,
        basis,
        computed,
        f"{numerator.raw}÷({label})",
        Severity.WARNING,
        numerator.scaled * 100 / base,
    )


def _another_item(total: NarrativeFigure, numerator: NarrativeFigure) -> bool:
    """ "资金下达42万元，……；甲项目资金使用334896元，资金使用率83.72%": after a ";" the clause names an item of its
    own (甲项目), which the amount before it does not name: that amount is not the item's base."""
    if (total.segment, total.sentence) != (numerator.segment, numerator.sentence):
        return False
    clauses = re.split(r"[；;]", gap(total, numerator))
    if len(clauses) < 2:
        return False
    name = re.sub(r"[（(][^（()）]*[)）]", "", clauses[-1])
    for word in (*vocabulary().ratio_rates["执行率"]["numerator"], *_GENERIC_WORDS):
        name = name.replace(word, "")
    name = re.sub(r"[^\u4e00-\u9fa5]", "", name)
    return len(name) >= 2 and name not in total.text and name not in total.subject


def base_of_share(f: NarrativeFigure, sentence: list[NarrativeFigure]) -> bool:
    """ "完成年初预算数60999万元的40.4%": the amount is the base of the rate after it, not a level that changed."""
    at = sentence.index(f) if f in sentence else -1
    after = sentence[at + 1] if 0 <= at < len(sentence) - 1 else None
    return after is not None and after.kind == "rate" and gap(f, after).startswith("的")


def introduced_by_comparison(f: NarrativeFigure) -> bool:
    """ "较上年100万元", "比2022年的100万元": a figure the text compares with."""
    head = f.text[: len(f.text) - len(f.raw) - len(f.unit)] if f.text.endswith(f.raw + f.unit) else f.text
    return head.startswith(vocabulary().words["compare"])


def level_before(rate: NarrativeFigure, figures: list[NarrativeFigure], family: str) -> NarrativeFigure | None:
    """The last level (not a change, not a part) of the sentence before the rate's, in the same paragraph."""
    for f in reversed(figures):
        here = f.segment == rate.segment and f.sentence == rate.sentence - 1 and f.cell is None
        if here and addable(f) and f.family == family and f.depth == 0 and "part" not in f.flags and f.checkable:
            return f
    return None
