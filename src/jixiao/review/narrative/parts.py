"""Totals against their listed parts (issue 12: 分别为, 包括……共, 合计, 其中 that exhausts its total, or parts
that exceed it), within half a unit of the last printed place per figure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from jixiao.model.problems import Problem, Severity

from ..rx import rx
from .arith import add, fmt, interval, overlaps, places
from .findings import in_unit, problem, where
from .model import NarrativeFigure
from .vocabulary import vocabulary

__all__ = ["addable", "gap", "parts_total", "sentences"]


def sentences(figures: list[NarrativeFigure]) -> dict[tuple[int, int], list[NarrativeFigure]]:
    out: dict[tuple[int, int], list[NarrativeFigure]] = defaultdict(list)
    for f in figures:
        if f.cell is None:
            out[(f.segment, f.sentence)].append(f)
    return out


def addable(f: NarrativeFigure) -> bool:
    """A level that parts can add up to: not a standard (元/人), not a change (较上年减少……)."""
    voc = vocabulary()
    changes = voc.relations["increase"] + voc.relations["decrease"] + voc.relations["exceed"]
    return f.kind in ("amount", "count", "score") and not f.per_unit and f.relation not in changes


def _marker_between(text: str) -> str:
    """The list word between a total and its first part ("，其中：", "（含", "，分别为"); a bracket opened right after
    the total lists its parts too ("预拨资金3608万元（中央资金2855万元、省级资金753万元）")."""
    voc = vocabulary()
    for group in ("respectively", "parts", "includes"):
        for word in voc.relations[group]:
            if word in text:
                return group
    return "bracket" if re.match(r"^[（(][^\d，,。；;]{1,12}$", text) else ""


_DECLARED = rx(r"(?:有|包括|分为|含)([^，,。；;：:]{2,60}?)(?:两|二|三|四|五|六|七|八|九|\d+)(?:类|项|部分|种|个方面)")


def _declared_kinds(quote: str) -> list[str]:
    """ "主要有部门预算项目支出、专项预算支出二类支出": the kinds a sentence says make up the whole."""
    m = _DECLARED.search(quote)
    return [n for n in re.split(r"[、和及]", m.group(1)) if n] if m else []


def _declared(parts: list[NarrativeFigure]) -> bool:
    kinds = _declared_kinds(parts[0].quote) if parts else []
    return len(kinds) == len(parts) >= 2 and all(any(k in p.subject or p.subject in k for k in kinds) for p in parts)


def _complete_partition(parts: list[NarrativeFigure]) -> bool:
    """Parts that make up the whole: kinds the sentence declares, a known partition (基本支出 + 项目支出), or a list
    closed by a catch-all ("……，其他资金859.6万元")."""
    voc = vocabulary()
    if _declared(parts):
        return True
    if len(parts) >= 2 and parts[-1].subject.startswith(voc.words["remainder_parts"]):
        return True
    for partition in voc.complete_partitions:
        if len(parts) == len(partition) and all(
            p.subject.endswith(word) for p, word in zip(parts, partition, strict=True)
        ):
            return True
    return False


def _funding_levels(parts: list[NarrativeFigure]) -> bool:
    """Parts named by the level of government that pays them: 中央资金, 省级资金, 县级配套."""
    levels = vocabulary().funding_levels
    return len(parts) >= 2 and all(p.kind == "amount" and p.subject.startswith(levels) for p in parts)


def _parts_after(
    total: NarrativeFigure, following: list[NarrativeFigure], bracketed: bool = False
) -> list[NarrativeFigure]:
    """The parts of a total: the next figures of its family at the first part's bracket depth, up to a new total.
    A list opened in brackets right after the total ("3374.3万元（其中建筑工程3292万元）") ends with the bracket."""
    voc = vocabulary()
    parts: list[NarrativeFigure] = []
    depth = None
    nested = False  # inside a part's own 分别为 list: its items are not parts of this total
    opener: NarrativeFigure | None = None  # a part whose own 主要是/包括 list runs on to the next ；
    for i, f in enumerate(following):
        if bracketed and f.depth <= total.depth:
            break
        if f.family != total.family or f.kind == "rate":
            continue
        if depth is None:
            depth = f.depth
        if f.depth != depth:
            continue
        if nested and f.relation in voc.relations["respectively"]:
            continue
        if opener is not None and not re.search(r"[；;]", gap(opener, f)):
            continue
        nested, opener = False, None
        if f.relation in voc.relations["total"] and f.relation not in ("其中",):
            break
        if parts and (f.relation in voc.relations["verbs"] or any(w in f.text for w in voc.words["new_statement"])):
            break  # "其中项目管理费1.07万元，目前项目资金已拨付106.36万元": a new statement, not a part
        nxt = following[i + 1] if i + 1 < len(following) else None
        marker = _marker_between(gap(f, nxt)) if nxt is not None and nxt.depth == f.depth else ""
        if parts and marker == "parts":
            break  # a figure followed by its own 其中 starts a new total
        # "其中：一是甲a万元，分别为a1、a2；二是乙b万元，分别为…": a part with its own list; its items are a level down
        nested = marker == "respectively" and nxt is not None and nxt.relation in voc.relations["respectively"]
        # "其中:本年收入6128.16万元,主要是甲5478.16万元,乙650.00万元;上年结转2177.17万元": the part's own list,
        # opened by 主要是/包括 right after it, is a level down until the ；
        if nxt is not None and nxt.relation and nxt.relation in voc.relations["partial"] + voc.relations["includes"]:
            opener = f if gap(f, nxt).strip("，,：: ").startswith(nxt.relation) else None
        parts.append(f)
    return parts


_CHANGE_RATE = rx(r"[，,]?(?:比|较|与)[^，,；;。\d]{0,12}(?:增长|下降|减少|增加|上升)(?:了)?\d+(?:\.\d+)?%")
_PARTS_AFTER = rx(r"[，,；;]?\s*其中[：:]?[^\d，,；;。：:]{0,12}")


def _parts_after_changes(between: str) -> bool:
    """ "共计35.5万元,比上年预算数字下降35.45%,比上年决算数字下降34.26%;其中公务接待费": the total's changes on
    last year stand between it and its 其中 list, nothing else."""
    bare = _CHANGE_RATE.sub("", between)
    return bare != between and _PARTS_AFTER.fullmatch(bare) is not None


def gap(a: NarrativeFigure, b: NarrativeFigure) -> str:
    """The text between two figures of one sentence."""
    if a.segment != b.segment or a.sentence != b.sentence:
        return b.quote[: max(0, b.quote.find(b.raw))]
    whole = a.quote
    start = whole.find(a.raw + a.unit)
    end = whole.find(b.text) if b.text else -1
    if start < 0 or end < 0:
        return ""
    return whole[start + len(a.raw) + len(a.unit) : end + len(b.text) - len(b.raw) - len(b.unit)]


def _tolerance(figures: Iterable[NarrativeFigure]) -> Decimal:
    return sum((f.half_unit for f in figures), Decimal(0))


def _cut_off(figure: NarrativeFigure) -> bool:
    """A sentence without its closing punctuation may have been cut (the store ended, a page was lost): its list may
    be longer than what is left."""
    return not figure.quote.rstrip().endswith(("。", "；", ";", "！", "？", "!", "?", "”", "）", ")"))


def _list_half_units(parts: list[NarrativeFigure]) -> Decimal | None:
    """Amounts of one list printed to different places ("甲43.8万元;乙43万元;丙1500万元"): the writer who gives one
    part to 0.1 gives the others to 0.1 too and drops ".0", so the whole numbers are read at the list's finest place.
    The parts' summed rounding at that place, or None when the list is printed to one place (or holds no amount)."""
    if any(p.kind != "amount" or not p.value for p in parts):
        return None
    finest = max(places(p) for p in parts)
    if finest == 0 or all(places(p) == finest for p in parts):
        return None
    return sum((Decimal(5).scaleb(-finest - 1) * (p.scaled / p.value) for p in parts), Decimal(0))


def _unit_slip(total: NarrativeFigure, parts: list[NarrativeFigure]) -> NarrativeFigure | None:
    """The one amount of a list printed in 元 where the total and every other part are in 万元 (or the reverse)
    whose reading in the others' unit makes the list add up to its total: "总额为84万元，其中：甲36万元；……；戊15元"
    (36 + 16 + 12 + 5 + 15 = 84). Exact agreement under the other unit is what shows the slip."""
    if total.kind != "amount" or any(p.kind != "amount" or p.per_unit for p in parts) or len(parts) < 2:
        return None
    odd = [p for p in parts if p.unit != total.unit]
    if len(odd) != 1 or {total.unit, odd[0].unit} != {"元", "万元"}:
        return None
    slip = odd[0]
    factor = total.factor / slip.factor
    low, high = add([interval(p) for p in parts if p is not slip])
    slip_low, slip_high = interval(slip)
    if overlaps((low + slip_low * factor, high + slip_high * factor), interval(total)):
        return slip
    return None


def _parts_problem(total: NarrativeFigure, parts: list[NarrativeFigure], complete: bool, why: str) -> Problem | None:
    stated = interval(total)
    complete = complete and not _cut_off(parts[-1])
    slip = _unit_slip(total, parts)
    if slip is not None and not overlaps(add([interval(p) for p in parts]), stated):
        # a list that adds up only with one amount read in the others' unit: a slip of the unit, whatever the list
        # word (其中 may leave parts out, but not so that the rest comes to the total exactly under another unit)
        why += f"若“{slip.raw}{slip.unit}”的金额单位为“{total.unit}”则各项之和与合计相符，请核对金额单位。"
        return _slip_problem(total, parts, why)
    exact = sum((p.scaled for p in parts), Decimal(0))
    list_half = None
    for n in range(1, len(parts) + 1):
        if overlaps(add([interval(p) for p in parts[:n]]), stated):
            list_half = _list_half_units(parts) if n == len(parts) and total.kind == "amount" else None
            if list_half is None or overlaps((exact - list_half, exact + list_half), stated):
                return None  # the first parts exhaust the total; what follows is another breakdown
    if list_half is not None:  # beyond the list's own places only: it rests on reading "43" as 43.0, so a warning
        finest = max(places(p) for p in parts)
        read = "、".join(f"{p.raw}读作{p.raw}.{'0' * finest}" for p in parts if places(p) == 0)
        why += f"同列各项有写到{finest}位小数的，整数按同一位数计（{read}），容差也按这一位数计。"
    short_levels = not complete and exact < total.scaled and _funding_levels(parts)
    if not complete and exact <= total.scaled and not short_levels:
        return None  # a partial list may leave something out
    claimed = total.relation in vocabulary().relations["total"]
    one_money = total.kind == "amount" and (claimed or _funding_levels(parts))
    if not complete and not one_money and any(p.scaled >= total.scaled for p in parts):
        # a part as large as the total: another breakdown (一级/二级/三级指标), not a partition; an amount the text
        # totals (共计, 合计) or splits by the level that pays it ("共计239万元,其中上级资金179.25万元,本级59.75万元")
        # is one money: its parts are never more
        return None
    # people and cases counted under 其中 may overlap (老年妇女 and 残疾妇女): only a hint when counts exceed;
    # funding levels (中央、省级、县级) that fall short may leave a level unnamed: only a hint too
    if short_levels:
        # "共计X万元，其中中央a万元、省级b万元": a stated total split by level names every level; without 共计 a hint
        severity = Severity.WARNING if claimed else Severity.INFO
        why += "所列为各级资金，合计小于总额而差额未说明来源。"
    else:
        severity = Severity.ERROR if complete else Severity.WARNING if total.kind == "amount" else Severity.INFO
        if list_half is not None:
            severity = Severity.WARNING
    tol = _tolerance([total, *parts]) if list_half is None else total.half_unit + list_half
    digits = max(places(f) for f in [total, *parts])
    terms = "＋".join(f"{p.raw}{p.unit}" for p in parts)
    shown = fmt(in_unit(exact, total), digits)
    diff = fmt(in_unit(abs(exact - total.scaled), total), digits)
    message = (
        f"{where(total)}与所列各项不符：{terms}＝{shown}{total.unit}，而文中写作{total.raw}{total.unit}，"
        f"相差{diff}{total.unit}（容差±{fmt(in_unit(tol, total))}{total.unit}，按每个数末位的半个单位计）。"
        f"各项见{'、'.join(sorted({p.location.place or '' for p in parts}))}：{'；'.join(p.text for p in parts)}。"
        f"{why}请核对合计数或各项数值。"
    )
    return problem("parts_total", message, total, severity, f"{shown}{total.unit}", f"{total.raw}{total.unit}")


def _slip_problem(total: NarrativeFigure, parts: list[NarrativeFigure], why: str) -> Problem:
    exact = sum((p.scaled for p in parts), Decimal(0))
    digits = max(places(f) for f in [total, *parts])
    terms = "＋".join(f"{p.raw}{p.unit}" for p in parts)
    shown = fmt(in_unit(exact, total), max(digits, 4))
    message = (
        f"{where(total)}与所列各项不符：{terms}＝{shown}{total.unit}，而文中写作{total.raw}{total.unit}。"
        f"各项见{'、'.join(sorted({p.location.place or '' for p in parts}))}：{'；'.join(p.text for p in parts)}。{why}"
    )
    return problem("parts_total", message, total, Severity.WARNING, f"{shown}{total.unit}", f"{total.raw}{total.unit}")


_LIST_OPENER = rx(r"[，,]?\s*(?:其中|分别为|分别是|具体为|具体是|具体如下|明细如下|包括)\s*[：:]\s*")
_NUMBERED_LINE = rx(r"^\s*(?:[（(]\d{1,2}[)）]|\d{1,2}[、．.](?!\d))")


def _numbered_lines(groups: dict[tuple[int, int], list[NarrativeFigure]]) -> list[Problem]:
    """ "年初专项经费指标总额为84万元，其中：" and then one line a part: "1、甲专项经费指标为36万元，用于……；" /
    "2、乙……": a total whose sentence ends with its list word, and the numbered lines right after it that each state
    one amount. What the list word claims decides the severity, as for a list in the total's own sentence."""
    voc = vocabulary()
    out: list[Problem] = []
    keys = sorted(groups)
    for n, key in enumerate(keys):
        sentence = [f for f in groups[key] if addable(f) and f.depth == 0]
        if not sentence or sentence[-1] is not groups[key][-1]:
            continue
        total = sentence[-1]
        at = total.quote.find(total.text)
        tail = total.quote[at + len(total.text) :] if at >= 0 else ""
        opener = _LIST_OPENER.fullmatch(tail)
        if total.kind != "amount" or not total.exact or opener is None:
            continue
        parts: list[NarrativeFigure] = []
        segment, style = key[0], ""
        for later in keys[n + 1 :]:
            if later[0] != segment + 1 or later[1] != 0:
                break
            segment = later[0]
            line = [f for k in keys if k[0] == later[0] for f in groups[k]]
            number = _NUMBERED_LINE.match(line[0].quote)
            if number is None:
                break
            mark = re.sub(r"\d+", "N", number.group(0).strip())
            if style and mark != style:
                continue  # "（1）工资200万元" under "1、人员经费300万元，其中：": a level down
            amounts = [f for f in line if f.family == total.family and f.depth == 0 and addable(f)]
            if len(amounts) != 1 or not amounts[0].exact:
                break
            style = mark
            parts.append(amounts[0])
        if len(parts) < 2:
            continue
        word = opener.group(0).strip("，,：: \t")
        complete = word in voc.relations["respectively"] or word.startswith("具体") or word == "明细如下"
        found = _parts_problem(total, parts, complete, f"文中以“{word}：”逐行列出各项。")
        if found is not None:
            out.append(found)
    return out


def parts_total(figures: list[NarrativeFigure]) -> list[Problem]:
    voc = vocabulary()
    out: list[Problem] = []
    groups = sentences(figures)
    keys = sorted(groups)
    for n, key in enumerate(keys):
        sentence = [f for f in groups[key] if addable(f)]
        # a sentence that opens with 其中 lists the parts of the previous sentence's total; one that opens with
        # 具体是/具体为 lists all of them ("下达预算资金9378万元。具体是：甲a万元；乙b万元；…")
        previous = groups[keys[n - 1]] if n and keys[n - 1][0] == key[0] else []
        detailed = bool(sentence) and sentence[0].quote.startswith(tuple(voc.words["detail_openers"]))
        if sentence and (sentence[0].quote.startswith("其中") or detailed) and previous:
            for total in reversed([f for f in previous if addable(f) and f.depth == 0]):
                parts = _parts_after(total, [f for f in sentence if f.family == total.family])
                if len(parts) >= 2 and total.exact and all(p.exact for p in parts):
                    why = f"文中以“{sentence[0].quote[:3]}”列出全部各项。" if detailed else ""
                    problem = _parts_problem(total, parts, detailed or _complete_partition(parts), why)
                    if problem:
                        out.append(problem)
                break
        for i, total in enumerate(sentence):
            following = sentence[i + 1 :]
            if total.exact and total.relation in voc.words["totals_closing"]:
                out.extend(_sum_before(total, sentence[:i]))
            elif (
                total.exact
                and total.relation in voc.words["totals_after_includes"]
                and _includes_before(total, sentence[:i])
            ):
                out.extend(_sum_before(total, sentence[:i]))  # "包括甲10万元、乙20万元，共30万元"
            if not following or not total.exact:
                continue
            marker = _marker_between(gap(total, following[0]))
            if following[0].relation in voc.relations["respectively"] and "part" not in total.flags:
                marker = "respectively"
            if marker and re.search(
                r"[；;]", gap(total, next((f for f in following if f.family == total.family), following[0]))
            ):
                marker = ""  # "内设4个科室，分别为办公室、……；中心内设6个": the list word governs names, not figures
            if marker and re.search(r"\d", gap(total, following[0])[:-1] if following else ""):
                marker = ""  # a number without its unit stands between: the list may be that number's
            if not marker and _parts_after_changes(gap(total, following[0])):
                marker = "parts"  # "共计35.5万元,比上年预算数字下降35.45%,……;其中公务接待费15.5万元"
            if marker:
                between = gap(total, following[0])
                bracketed = bool(re.match(r"^[，,]?[（(]", between))
                parts = _parts_after(total, following, bracketed)
                if not parts or not all(p.exact for p in parts):
                    continue
                if _declared(parts):
                    complete = True  # "主要有甲、乙二类支出……其中甲a万元，乙b万元"
                elif any(w in total.quote for w in voc.relations["partial"]) and marker != "respectively":
                    complete = False
                else:
                    complete = marker == "respectively" or _complete_partition(parts)
                if len(parts) < 2 and not complete:
                    continue
                why = "文中以“分别为”列出全部各项。" if marker == "respectively" else ""
                if _declared(parts):
                    why = f"文中说明共有{'、'.join(_declared_kinds(parts[0].quote))}这几类。"
                problem = _parts_problem(total, parts, complete, why)
                if problem:
                    out.append(problem)
        out.extend(_composed_of(sentence))
    out.extend(_allocation_lists(groups))
    out.extend(_numbered_lines(groups))
    out.extend(_spent_and_balance(figures))
    return out


def _spent_and_balance(figures: list[NarrativeFigure]) -> list[Problem]:
    """ "预算总额为59000万元，……。2017年实际支出47317.66万元,结余资金11682.34万元": a budget the paragraph states as
    a total (总额为, 共计), then, with no amount between, what was spent and, right after it in one sentence, what is
    left: the two make the budget. Not a balance of another year (上年结余, 结转下年) or a list closed by 等. A
    warning: the budget and its use stand in different sentences."""
    voc = vocabulary()
    out: list[Problem] = []
    amounts = [f for f in figures if f.cell is None and f.kind == "amount" and f.depth == 0 and not f.per_unit]
    for i in range(2, len(amounts)):
        budget, spent, left = amounts[i - 2], amounts[i - 1], amounts[i]
        if not (budget.segment == spent.segment == left.segment and spent.sentence == left.sentence):
            continue
        if not all(f.checkable for f in (budget, spent, left)) or budget.scaled < spent.scaled:
            continue
        if not any(w in left.subject for w in voc.stages["balance"]) or re.search("上年|下年|等", left.text):
            continue
        if not spent.subject.endswith(("支出", "使用", "支付")) or "等" in spent.text:
            continue
        if "预算" not in budget.subject or budget.relation not in voc.relations["total"]:
            continue
        why = f"文中所写{spent.subject}与{left.subject}之和应等于预算。"
        found = _parts_problem(budget, [spent, left], True, why)
        if found is not None:
            out.append(replace(found, severity=Severity.WARNING))
    return out


# "2023年我县体育强省资金安排是:支持甲5万元,……": the whole of a named fund's allocation, item by item
_ALLOCATION_LIST = rx(
    r"^(?:(?:19|20)\d\d年度?)?(?:我[县市区州旗镇乡])?(?P<name>[\u4e00-\u9fa5]{2,12}?)(?:专项)?资金(?:的)?"
    r"(?:安排|分配)(?:情况)?(?:是|为|如下)[:：]"
)


def _allocation_lists(groups: dict[tuple[int, int], list[NarrativeFigure]]) -> list[Problem]:
    """ "省下达我县……体育强省(快乐健身)专项资金63.2万元。" then, a paragraph or two on, "我县体育强省资金安排是:
    支持甲5万元,……,支持乙12万元。": a list that says it is the fund's allocation, with no total of its own and no word
    that makes it partial, is held to the amount allocated of that fund before it (the only one). A warning: the two
    stand in different paragraphs."""
    voc = vocabulary()
    out: list[Problem] = []
    keys = sorted(groups)
    for n, key in enumerate(keys):
        sentence = groups[key]
        m = _ALLOCATION_LIST.match(sentence[0].quote) if sentence else None
        if m is None or any(w in sentence[0].quote for w in (*voc.relations["partial"], "等", "其中", "部分")):
            continue
        if len(m.group("name")) < 3 or m.group("name").startswith(voc.funding_levels):
            continue  # "项目资金安排是:", "中央资金安排是:": no fund of its own name
        parts = [f for f in sentence if f.kind == "amount" and f.depth == 0 and not f.per_unit]
        if (
            len(parts) < 3
            or not all(p.exact for p in parts)
            or any(p.relation in voc.relations["total"] for p in sentence)
        ):
            continue
        earlier = [
            f
            for k in keys[:n]
            if 0 < key[0] - k[0] <= 3
            for f in groups[k]
            if f.kind == "amount"
            and f.depth == 0
            and f.checkable
            and not f.per_unit
            and f.relation in voc.words["allocation_verbs"]
            and m.group("name") in f.subject
        ]
        if len({f.value for f in earlier}) != 1 or parts[0].unit != earlier[0].unit:
            continue
        found = _parts_problem(earlier[-1], parts, True, f"文中“{m.group(0)}”逐项列出该笔资金的安排。")
        if found is not None:
            out.append(replace(found, severity=Severity.WARNING))
    return out


def _composed_of(sentence: list[NarrativeFigure]) -> list[Problem]:
    """ "支出总计X万元，由甲a万元，加上乙b万元等构成": a total and what the text says it is made of."""
    voc = vocabulary()
    if not sentence:
        return []
    quote = sentence[0].quote
    m = re.search(f"({'|'.join(voc.words['composed_open'])})(.+?)({'|'.join(voc.words['composed_close'])})", quote)
    if m is None:
        return []

    def at(f: NarrativeFigure) -> int:
        return quote.find(f.text) + len(f.text) - len(f.raw) - len(f.unit)

    totals = [f for f in sentence if at(f) < m.start(1) and f.depth == 0]
    if not totals:
        return []
    total = totals[-1]
    parts = [f for f in sentence if m.start(2) <= at(f) < m.end(2) and f.family == total.family and f.depth == 0]
    if len(parts) < 2 or not total.exact or not all(p.exact for p in parts):
        return []
    problem = _parts_problem(total, parts, True, f"文中说明{total.text}由所列各项构成。")
    return [problem] if problem else []


def _compared_with(f: NarrativeFigure, compare: tuple[str, ...]) -> bool:
    """ "比2017年1817.82万元", "较上年100万元": an amount the text compares with, no part of anything."""
    head = f.text[: len(f.text) - len(f.raw) - len(f.unit)] if f.text.endswith(f.raw + f.unit) else f.text
    return head.startswith(compare)


def _includes_before(total: NarrativeFigure, before: list[NarrativeFigure]) -> bool:
    """包括……共: the list the 共 closes was opened by 包括 (or 包含) in the same sentence."""
    first = next((f for f in before if f.family == total.family and f.depth == total.depth), None)
    if first is None:
        return False
    opening = total.quote[: max(0, total.quote.find(first.text) + len(first.text))]
    return any(w in opening for w in vocabulary().relations["includes"] if len(w) > 1)


def _sum_before(total: NarrativeFigure, before: list[NarrativeFigure]) -> list[Problem]:
    """“甲a万元，乙b万元，丙c万元，合计X万元”: the figures of the total's family and depth before it are its parts —
    not an amount the text compares with ("比2017年1817.82万元"), and none before a "；" or "。" when the total names a
    subject of its own that no part shares ("收入合计a万元,……;2018年度支出合计X万元" closes no list of 收入)."""
    compare = tuple(vocabulary().words["compare"])
    parts = [
        f for f in before if f.family == total.family and f.depth == total.depth and not _compared_with(f, compare)
    ]
    if total.subject and parts and not any(total.subject in p.subject or p.subject in total.subject for p in parts):
        parts = [p for p in parts if not re.search(r"[；;。]", gap(p, total))]
    if len(parts) < 2 or not all(p.exact for p in parts):
        return []
    out = []
    problem = _parts_problem(total, parts, True, "文中以“合计”总括前列各项。")
    if problem:
        out.append(problem)
    return out
