"""Consistency of a narrative report's figures with one another (issue 12 item 2).

Each check reads the figures' structure (list words, brackets, sentences), never a fixed phrasing, and raises
only where the structure is clear: a list the text says is complete, parts that exceed their total, a rate whose
amounts stand beside it. Every finding quotes both places, shows the arithmetic and the tolerance it used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from itertools import pairwise

from ...problems import Problem, Severity
from ..source import SourceDocument
from .arith import add, fmt, interval, overlaps, places, rate_matches, ratio
from .figures import NarrativeFigure, extract_narrative_figures
from .tables import table_checks
from .vocabulary import vocabulary

__all__ = ["narrative_findings"]

_PREFIX = "review.narrative."


def _where(figure: NarrativeFigure) -> str:
    return f"{figure.location.place}“{figure.text}”"


def _in_unit(value: Decimal, figure: NarrativeFigure) -> Decimal:
    """A scaled value (元, single units) written back in the unit of `figure`."""
    factor = figure.scaled / figure.value if figure.value else Decimal(1)
    return value / factor


def _problem(
    check: str, message: str, figure: NarrativeFigure, severity: Severity, expected: str = "", actual: str = ""
) -> Problem:
    return Problem(_PREFIX + check, message, figure.location, severity, expected, actual)


# --- totals and their parts ----------------------------------------------------------------------------------------


def _sentences(figures: list[NarrativeFigure]) -> dict[tuple[int, int], list[NarrativeFigure]]:
    out: dict[tuple[int, int], list[NarrativeFigure]] = defaultdict(list)
    for f in figures:
        if f.cell is None:
            out[(f.segment, f.sentence)].append(f)
    return out


def _addable(f: NarrativeFigure) -> bool:
    """A level that parts can add up to: not a standard (元/人), not a change (较上年减少……)."""
    voc = vocabulary()
    changes = voc.relations["increase"] + voc.relations["decrease"] + voc.relations["exceed"]
    return f.kind in ("amount", "count", "score") and not f.per_unit and f.relation not in changes


def _marker_between(text: str) -> str:
    """The list word between a total and its first part ("，其中：", "（含", "，分别为")."""
    voc = vocabulary()
    for group in ("respectively", "parts", "includes"):
        for word in voc.relations[group]:
            if word in text:
                return group
    return ""


_DECLARED = re.compile(
    r"(?:有|包括|分为|含)([^，,。；;：:]{2,60}?)(?:两|二|三|四|五|六|七|八|九|\d+)(?:类|项|部分|种|个方面)"
)


def _declared_kinds(quote: str) -> list[str]:
    """ "主要有部门预算项目支出、专项预算支出二类支出": the kinds a sentence says make up the whole."""
    m = _DECLARED.search(quote)
    return [n for n in re.split(r"[、和及]", m.group(1)) if n] if m else []


def _declared(parts: list[NarrativeFigure]) -> bool:
    kinds = _declared_kinds(parts[0].quote) if parts else []
    return len(kinds) == len(parts) >= 2 and all(any(k in p.subject or p.subject in k for k in kinds) for p in parts)


def _complete_partition(parts: list[NarrativeFigure]) -> bool:
    if _declared(parts):
        return True
    for partition in vocabulary().complete_partitions:
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
    for i, f in enumerate(following):
        if bracketed and f.depth <= total.depth:
            break
        if f.family != total.family or f.kind == "rate":
            continue
        if depth is None:
            depth = f.depth
        if f.depth != depth:
            continue
        if f.relation in voc.relations["total"] and f.relation not in ("其中",):
            break
        if parts and (f.relation in voc.relations["verbs"] or re.search(r"目前|截至|截止|已", f.text)):
            break  # "其中项目管理费1.07万元，目前项目资金已拨付106.36万元": a new statement, not a part
        nxt = following[i + 1] if i + 1 < len(following) else None
        if parts and nxt is not None and nxt.depth == f.depth and _marker_between(_gap(f, nxt)) == "parts":
            break  # a figure followed by its own 其中 starts a new total
        parts.append(f)
    return parts


def _gap(a: NarrativeFigure, b: NarrativeFigure) -> str:
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


def _parts_problem(total: NarrativeFigure, parts: list[NarrativeFigure], complete: bool, why: str) -> Problem | None:
    stated = interval(total)
    for n in range(1, len(parts) + 1):
        if overlaps(add([interval(p) for p in parts[:n]]), stated):
            return None  # the first parts exhaust the total; what follows is another breakdown
    exact = sum((p.scaled for p in parts), Decimal(0))
    short_levels = not complete and exact < total.scaled and _funding_levels(parts)
    if not complete and exact <= total.scaled and not short_levels:
        return None  # a partial list may leave something out
    if not complete and any(p.scaled >= total.scaled for p in parts):
        return None  # a part as large as the total: another breakdown (一级/二级/三级指标), not a partition
    # people and cases counted under 其中 may overlap (老年妇女 and 残疾妇女): only a hint when counts exceed;
    # funding levels (中央、省级、县级) that fall short may leave a level unnamed: only a hint too
    if short_levels:
        severity = Severity.INFO
        why += "所列为各级资金，合计小于总额而差额未说明来源。"
    else:
        severity = Severity.ERROR if complete else Severity.WARNING if total.kind == "amount" else Severity.INFO
    tol = _tolerance([total, *parts])
    digits = max(places(f) for f in [total, *parts])
    terms = "＋".join(f"{p.raw}{p.unit}" for p in parts)
    shown = fmt(_in_unit(exact, total), digits)
    diff = fmt(_in_unit(abs(exact - total.scaled), total), digits)
    message = (
        f"{_where(total)}与所列各项不符：{terms}＝{shown}{total.unit}，而文中写作{total.raw}{total.unit}，"
        f"相差{diff}{total.unit}（容差±{fmt(_in_unit(tol, total))}{total.unit}，按每个数末位的半个单位计）。"
        f"各项见{'、'.join(sorted({p.location.place or '' for p in parts}))}：{'；'.join(p.text for p in parts)}。"
        f"{why}请核对合计数或各项数值。"
    )
    return _problem("parts_total", message, total, severity, f"{shown}{total.unit}", f"{total.raw}{total.unit}")


def _parts_total(figures: list[NarrativeFigure]) -> list[Problem]:
    voc = vocabulary()
    out: list[Problem] = []
    groups = _sentences(figures)
    keys = sorted(groups)
    for n, key in enumerate(keys):
        sentence = [f for f in groups[key] if _addable(f)]
        # a sentence that opens with 其中 lists the parts of the previous sentence's total
        previous = groups[keys[n - 1]] if n and keys[n - 1][0] == key[0] else []
        if sentence and sentence[0].quote.startswith("其中") and previous:
            for total in reversed([f for f in previous if _addable(f) and f.depth == 0]):
                parts = _parts_after(total, [f for f in sentence if f.family == total.family])
                if len(parts) >= 2 and total.checkable and all(p.checkable for p in parts):
                    problem = _parts_problem(total, parts, _complete_partition(parts), "")
                    if problem:
                        out.append(problem)
                break
        for i, total in enumerate(sentence):
            following = sentence[i + 1 :]
            if total.checkable and total.relation in ("合计", "总计", "共计", "合计为", "总计为", "共计为"):
                out.extend(_sum_before(total, sentence[:i]))
            if not following or not total.checkable:
                continue
            marker = _marker_between(_gap(total, following[0]))
            if following[0].relation in voc.relations["respectively"] and "part" not in total.flags:
                marker = "respectively"
            if marker and re.search(
                r"[；;]", _gap(total, next((f for f in following if f.family == total.family), following[0]))
            ):
                marker = ""  # "内设4个科室，分别为办公室、……；中心内设6个": the list word governs names, not figures
            if marker:
                gap = _gap(total, following[0])
                bracketed = bool(re.match(r"^[，,]?[（(]", gap))
                parts = _parts_after(total, following, bracketed)
                if not parts or not all(p.checkable for p in parts):
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
    return out


def _sum_before(total: NarrativeFigure, before: list[NarrativeFigure]) -> list[Problem]:
    """“甲a万元，乙b万元，丙c万元，合计X万元”: the figures of the total's family and depth before it are its parts."""
    parts = [f for f in before if f.family == total.family and f.depth == total.depth]
    if len(parts) < 2 or not all(p.checkable for p in parts):
        return []
    out = []
    problem = _parts_problem(total, parts, True, "文中以“合计”总括前列各项。")
    if problem:
        out.append(problem)
    return out


# --- the same subject twice ----------------------------------------------------------------------------------------


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔【\[（(]\s*(?:19|20)\d\d\s*[〕】\]）)]\s*\d+\s*号")


_ITEM = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?=\D|(?:19|20)\d\d年))"
)


def _scopes(figures: list[NarrativeFigure], doc: SourceDocument) -> dict[tuple[int, int], frozenset[str]]:
    """What each sentence speaks of: the documents (文号) it cites, and the numbered item ("1.", "（五）") its
    paragraph is, since each item of a list is another project or another account. A sentence opening with 其中
    speaks within the previous one's scope."""
    out: dict[tuple[int, int], frozenset[str]] = {}
    last: dict[int, frozenset[str]] = {}
    for f in figures:
        key = (f.segment, f.sentence)
        if key in out:
            continue
        cited = frozenset(m.group(0) for m in _DOC_NUMBER.finditer(f.quote))
        segment = doc.segments[f.segment] if f.segment < len(doc.segments) else None
        if segment is not None and segment.kind == "paragraph" and _ITEM.match(segment.text):
            cited |= {f"item:{f.segment}"}
        if not cited and f.quote.startswith(("其中", "此外")):
            cited = last.get(f.segment, frozenset())
        out[key] = cited
        last[f.segment] = cited
    return out


def _phrase(f: NarrativeFigure) -> str:
    """What a figure states, agent and verb included ("省下达……资金" is not "地方投入……资金")."""
    voc = vocabulary()
    text = f.text[: len(f.text) - len(f.raw) - len(f.unit)] if f.text.endswith(f.raw + f.unit) else f.subject
    text = re.sub(r"[（(][^（()）]*[)）]", "", text)
    text = re.sub(r"^(?:.*?(?:19|20)(?:\d\d|xx)年(?:度)?)", "", text)
    for _ in range(2):
        text = text.strip("，,、；;：:“”\"' ")
        for word in voc.leading_words:
            if text.startswith(word):
                text = text[len(word) :]
        for word in voc.copulas:
            if text.endswith(word):
                text = text[: -len(word)]
    return text.replace("的", "")


@cache
def _stage_words() -> tuple[re.Pattern[str], dict[str, str]]:
    stages = vocabulary().stages
    words = {w: stage for stage, ws in stages.items() for w in ws}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))), words


def _stage(f: NarrativeFigure) -> str:
    """The budget stage the sentence has reached at the figure (年初 / 调整后 / 决算 / 下达 / 结余), or ""."""
    pattern, words = _stage_words()
    at = f.quote.find(f.text)
    prefix = f.quote[: at + len(f.text) - len(f.raw) - len(f.unit)] if at >= 0 else f.text
    matches = list(pattern.finditer(prefix))
    return words[matches[-1].group(0)] if matches else ""


def _generic(subject: str) -> bool:
    """“**河县2023年资金”: an allocation named only by place and year."""
    bare = re.sub(r"^.*?(?:县|市|区|省|州|镇|乡|旗)", "", subject)
    bare = re.sub(r"(?:19|20)(?:\d\d|xx)年度?", "", bare)
    return bare in vocabulary().generic_subjects


def _same_candidates(figures: list[NarrativeFigure]) -> list[NarrativeFigure]:
    voc = vocabulary()
    changes = voc.relations["increase"] + voc.relations["decrease"]
    return [
        f
        for f in figures
        if f.kind == "amount"
        and f.cell is None
        and f.checkable
        and not f.per_unit
        and f.depth == 0
        and f.relation not in voc.relations["parts"] + voc.relations["respectively"] + changes
        and "part" not in f.flags
    ]


def _same_tolerance(a: NarrativeFigure, b: NarrativeFigure) -> Decimal:
    """One amount printed twice: with the same decimals it must be printed the same; with fewer decimals, it is the
    finer one rounded (half a unit of the coarser last place)."""
    return Decimal(0) if places(a) == places(b) and a.unit == b.unit else max(a.half_unit, b.half_unit)


def _differ(a: NarrativeFigure, b: NarrativeFigure) -> bool:
    return abs(a.scaled - b.scaled) > _same_tolerance(a, b)


def _same_problem(first: NarrativeFigure, other: NarrativeFigure, what: str) -> Problem:
    if first.raw == other.raw and first.unit != other.unit:
        return _unit_problem(first, other)
    tol = _same_tolerance(first, other)
    how = (
        f"容差±{fmt(_in_unit(tol, first))}{first.unit}，按较粗一处末位的半个单位计"
        if tol
        else "同一金额两处小数位数相同，应写得完全一致"
    )
    return _problem(
        "same_subject",
        f"{what}前后金额不一致：{_where(first)}，而{_where(other)}；"
        f"相差{fmt(_in_unit(abs(first.scaled - other.scaled), first))}{first.unit}"
        f"（{how}）。若是不同口径（年初/调整后、不同年度或范围），"
        f"请在文中写明；否则请改正其中一处。",
        other,
        Severity.WARNING,
        f"{first.raw}{first.unit}",
        f"{other.raw}{other.unit}",
    )


def _same_subject(figures: list[NarrativeFigure], doc: SourceDocument) -> list[Problem]:
    voc = vocabulary()
    scopes = _scopes(figures, doc)
    candidates = _same_candidates(figures)
    out = []
    by_phrase: dict[tuple[str, frozenset[str], str], list[NarrativeFigure]] = defaultdict(list)
    by_document: dict[str, list[NarrativeFigure]] = defaultdict(list)
    per_sentence: dict[tuple[int, int], int] = defaultdict(int)
    for f in candidates:
        per_sentence[(f.segment, f.sentence)] += 1
    for f in candidates:
        scope = scopes.get((f.segment, f.sentence), frozenset())
        phrase = (f.relation if f.relation in voc.relations["total"] else "") + _phrase(f)
        if len(phrase) >= 4 and phrase not in voc.generic_subjects:
            by_phrase[(phrase, scope, _stage(f))].append(f)  # 年初 and 决算 amounts of one thing differ
        # one document (文号) that allocates one amount: every sentence citing it must give the same amount
        documents = {s for s in scope if not s.startswith("item:")}
        if (
            len(documents) == 1
            and f.relation in ("下达", "拨付", "下拨")
            and per_sentence[(f.segment, f.sentence)] == 1
        ):
            by_document[next(iter(documents))].append(f)
    for (phrase, _scope, _at), group in by_phrase.items():
        for other in group[1:]:
            first = group[0]
            if (other.segment, other.sentence) != (first.segment, first.sentence) and _differ(first, other):
                out.append(_same_problem(first, other, f"同一事项“{phrase}”"))
                break
    for document, group in by_document.items():
        first = group[0]
        for other in group[1:]:
            if not _differ(first, other):
                continue
            if _generic(first.subject) or _generic(other.subject) or first.subject == other.subject:
                out.append(_same_problem(first, other, f"同一文件{document}下达的资金"))
                break
    return out


# --- 元 and 万元 ------------------------------------------------------------------------------------------------------


def _unit_problem(a: NarrativeFigure, b: NarrativeFigure, severity: Severity = Severity.WARNING) -> Problem:
    return _problem(
        "unit_mismatch",
        f"同一金额的单位前后不一致：{_where(a)}，而{_where(b)}；按{a.unit}与{b.unit}换算两者相差"
        f"{fmt(max(a.scaled, b.scaled) / min(a.scaled, b.scaled))}倍。请核对单位（元/万元）。",
        b,
        severity,
        f"{a.raw}{a.unit}",
        f"{b.raw}{b.unit}",
    )


def _unit_pairs(figures: list[NarrativeFigure]) -> list[Problem]:
    """“1200000元（120万元）”: an amount restated in another unit right after it, in brackets."""
    out = []
    for a, b in pairwise(figures):
        if (
            a.kind == b.kind == "amount"
            and (a.segment, a.sentence) == (b.segment, b.sentence)
            and b.depth == a.depth + 1
            and a.unit != b.unit
            and not a.per_unit
            and not b.per_unit
            and _gap(a, b).strip("（(约合即折") == ""
            and not overlaps(interval(a), interval(b))
        ):
            out.append(_unit_problem(a, b, Severity.ERROR))
    return out


# --- rates: shares, named ratios, growth ---------------------------------------------------------------------------


def _rate_problem(
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
    return _problem(
        check,
        f"{_where(rate)}与其金额不符：{formula}＝{fmt(middle, digits)}%，而文中写作{rate.raw}%"
        f"（容差：金额按末位半个单位、比率按四舍五入或截尾，可在{fmt(computed[0], digits)}%～"
        f"{fmt(computed[1], digits)}%之间）。金额见{_where(numerator)}；{denominator}。请核对比率或金额。",
        rate,
        severity,
        f"{fmt(middle, digits)}%",
        f"{rate.raw}%",
    )


def _base_figure(rate: NarrativeFigure, candidates: list[NarrativeFigure], family: str) -> NarrativeFigure | None:
    base = rate.base
    if len(base) < 2:
        return None
    for f in reversed(candidates):
        if f.family == family and f.checkable and f.subject and (f.subject.endswith(base) or base.endswith(f.subject)):
            return f
    return None


def _shares(figures: list[NarrativeFigure]) -> list[Problem]:
    voc = vocabulary()
    out = []
    text_figures = [f for f in figures if f.cell is None]
    for i, rate in enumerate(text_figures):
        if rate.kind != "rate" or not rate.checkable:
            continue
        before = text_figures[:i]
        same_sentence = [f for f in before if (f.segment, f.sentence) == (rate.segment, rate.sentence)]
        if rate.relation == "占":
            part = next((f for f in reversed(same_sentence) if _addable(f)), None)
            if part is None or not part.checkable:
                continue
            base = _base_figure(rate, [f for f in before if f is not part], part.family)
            if base is None and not rate.base and "part" in part.flags:
                # "支出总计1234.56万元，其中：基本支出800万元，占64.80%": a part's share is of its list's total
                base = next(
                    (
                        f
                        for f in reversed(same_sentence)
                        if f.start < part.start and _addable(f) and f.family == part.family and "part" not in f.flags
                    ),
                    None,
                )
            if base is None or not base.checkable:
                continue
            computed = ratio(interval(part), interval(base))
            if computed and not rate_matches(rate, computed):
                out.append(
                    _rate_problem(
                        "share",
                        rate,
                        part,
                        f"基数见{_where(base)}",
                        computed,
                        f"{part.raw}{part.unit}÷{base.raw}{base.unit}",
                        Severity.WARNING,
                        part.scaled * 100 / base.scaled if base.scaled else None,
                    )
                )
            continue
        name = next((n for n in voc.ratio_rates if rate.subject.endswith(n)), None)
        if name is None or rate.relation in voc.relations["increase"] + voc.relations["decrease"]:
            continue
        problem = _named_ratio(rate, name, same_sentence, before)
        if problem:
            out.append(problem)
    return out


def _mentions(f: NarrativeFigure, words: tuple[str, ...]) -> bool:
    return any(w in f.subject or w in f.relation or w in f.text for w in words)


def _named_ratio(
    rate: NarrativeFigure, name: str, same_sentence: list[NarrativeFigure], before: list[NarrativeFigure]
) -> Problem | None:
    """执行率/支付率/到位率 against the amount before it in its sentence and the amount it is a share of."""
    voc = vocabulary()
    words = voc.ratio_rates[name]
    amounts = [f for f in same_sentence if f.kind == "amount" and not f.per_unit]
    numerator = next((f for f in reversed(amounts) if _mentions(f, words["numerator"])), None)
    if numerator is None or not numerator.checkable:
        return None
    remainder = next((f for f in amounts if f.start > numerator.start and _mentions(f, voc.remainder_words)), None)
    candidates: list[tuple[tuple[Decimal, Decimal], str, NarrativeFigure | None]] = []
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
            and f.scaled >= numerator.scaled
            and _mentions(f, words["denominator"])
            and f is not numerator
        ):
            candidates.append((interval(f), f.raw, f))
    if not candidates:
        return None
    checked = []
    for denominator, label, figure in candidates:
        computed = ratio(interval(numerator), denominator)
        if computed is None:
            continue
        if rate_matches(rate, computed):
            return None  # some reading of the text makes the rate right: no finding
        checked.append((computed, label, figure))
    if not checked:
        return None
    computed, label, figure = checked[0]
    if remainder is not None and figure is remainder:
        base = numerator.scaled + remainder.scaled
        where = (
            f"基数为支付与未支之和{label}＝{fmt(_in_unit(base, numerator))}{numerator.unit}，未支见{_where(remainder)}"
        )
    else:
        base = figure.scaled
        where = f"基数{label}{numerator.unit}（{_where(figure)}）"
    return _rate_problem(
        "share",
        rate,
        numerator,
        where,
        computed,
        f"{numerator.raw}÷({label})",
        Severity.WARNING,
        numerator.scaled * 100 / base,
    )


def _growth(figures: list[NarrativeFigure]) -> list[Problem]:
    """增长/下降 x% against the amounts it compares: 本年C、上年B (or the change D) in the same sentence."""
    voc = vocabulary()
    out = []
    for key, sentence in _sentences(figures).items():
        del key
        for i, rate in enumerate(sentence):
            if rate.kind != "rate" or rate.relation not in voc.relations["increase"] + voc.relations["decrease"]:
                continue
            if rate.target or rate.approximate:
                continue
            before = [f for f in sentence[:i] if f.kind in ("amount", "count") and not f.per_unit]
            if not before:
                continue
            down = rate.relation in voc.relations["decrease"]
            change = next(
                (f for f in reversed(before) if f.relation in voc.relations["increase"] + voc.relations["decrease"]),
                None,
            )
            levels = [f for f in before if f is not change and f.family == (change or before[-1]).family]
            if not levels:
                continue
            current = levels[0]
            previous = levels[1] if len(levels) > 1 else None
            if previous is not None and any(w in _gap(current, previous) for w in ("较", "比", "同比")):
                base_interval, label = interval(previous), f"{previous.raw}{previous.unit}"
                low = current.scaled - current.half_unit - previous.scaled - previous.half_unit
                high = current.scaled + current.half_unit - previous.scaled + previous.half_unit
                magnitude = (-high, -low) if down else (low, high)
                exact_change, exact_base = abs(current.scaled - previous.scaled), previous.scaled
                formula = (
                    f"({current.raw}－{previous.raw})÷{previous.raw}"
                    if not down
                    else (f"({previous.raw}－{current.raw})÷{previous.raw}")
                )
            elif change is not None and change.family == current.family:
                sign = -1 if down else 1
                base_interval = (
                    current.scaled - current.half_unit - sign * (change.scaled + change.half_unit),
                    current.scaled + current.half_unit - sign * (change.scaled - change.half_unit),
                )
                base_interval = (min(base_interval), max(base_interval))
                magnitude = (change.scaled - change.half_unit, change.scaled + change.half_unit)
                exact_change, exact_base = change.scaled, current.scaled - sign * change.scaled
                label = f"({current.raw}{'＋' if down else '－'}{change.raw}){current.unit}"
                formula = f"{change.raw}÷{label}"
            else:
                continue
            computed = ratio(magnitude, base_interval) if magnitude[0] >= 0 else None
            if computed is None or rate_matches(rate, computed) or exact_base <= 0:
                continue
            out.append(
                _rate_problem(
                    "growth_rate",
                    rate,
                    current,
                    f"比较基数{label}",
                    computed,
                    formula,
                    Severity.WARNING,
                    exact_change * 100 / exact_base,
                )
            )
    return out


def _exceed(figures: list[NarrativeFigure]) -> list[Problem]:
    """“任务数为115户，实际完成264户” … "实际改造数超任务43%": (实际 − 任务) ÷ 任务 against the stated excess."""
    voc = vocabulary()
    out = []
    for i, rate in enumerate(figures):
        if rate.kind != "rate" or rate.relation not in voc.relations["exceed"] or not rate.checkable:
            continue
        pair = None
        for planned in reversed(figures[:i]):
            if planned.segment < rate.segment - 6 or planned.kind not in ("amount", "count") or planned.approximate:
                continue
            if rate.base and rate.base in planned.subject:
                actual = next(
                    (
                        f
                        for f in figures[:i]
                        if (f.segment, f.sentence) == (planned.segment, planned.sentence)
                        and f.start > planned.start
                        and f.family == planned.family
                        and f.checkable
                    ),
                    None,
                )
                if actual is not None:
                    pair = (planned, actual)
                    break
        if pair is None:
            continue
        planned, actual = pair
        low = actual.scaled - actual.half_unit - planned.scaled - planned.half_unit
        high = actual.scaled + actual.half_unit - planned.scaled + planned.half_unit
        computed = ratio((low, high), interval(planned)) if low >= 0 else None
        if computed is None or rate_matches(rate, computed):
            continue
        out.append(
            _rate_problem(
                "growth_rate",
                rate,
                actual,
                f"计划数见{_where(planned)}",
                computed,
                f"({actual.raw}－{planned.raw})÷{planned.raw}",
                Severity.WARNING,
                (actual.scaled - planned.scaled) * 100 / planned.scaled,
            )
        )
    return out


# --- counts and the items listed -----------------------------------------------------------------------------------


def _count_items(figures: list[NarrativeFigure]) -> list[Problem]:
    """“涉及甲镇、乙镇、丙乡3个乡镇” and "共3个项目：甲、乙、丙": the count against the items named."""

    out = []
    for f in figures:
        if f.kind != "count" or f.cell is not None or not f.checkable or f.value != f.value.to_integral_value():
            continue
        if f.relation in vocabulary().relations["parts"]:
            continue
        quote = f.quote
        at = quote.find(f.text)
        if at < 0:
            continue
        noun = f.subject
        head = re.sub(r"[（(][^（()）]*[)）]", "", quote[: at + len(f.text) - len(f.raw) - len(f.unit)])
        listed = _list_before(head, noun)
        after = quote[at + len(f.text) :]
        if listed is None:
            listed = _list_after(after, noun)
        if listed is None:
            continue
        items, partial = listed
        n = int(f.value)
        if len(items) == n or (partial and len(items) < n):
            continue
        out.append(
            _problem(
                "count_items",
                f"{_where(f)}与所列{len(items)}项不符：文中列出{'、'.join(items)}，共{len(items)}项"
                f"（数目须相等{'，列举以“等”结尾时不得多于所述个数' if partial else ''}）。请核对个数或列举。",
                f,
                Severity.WARNING,
                f"{len(items)}{f.unit}",
                f"{f.raw}{f.unit}",
            )
        )
    return out


def _fits(item: str, noun: str) -> bool:
    """An item of the kind the count names: 临城镇 for 乡镇, 北驾廻村 for 村, “……经费” for 项目 in quotes."""
    item = item.strip("“”\"'《》")
    return bool(item) and bool(noun) and (item.endswith(noun) or item[-1] in noun)


def _list_before(head: str, noun: str) -> tuple[list[str], bool] | None:

    clause = re.split(r"[，,；;：:。]", head)[-1]
    if clause.endswith("各") or re.search(r"\d", clause):
        return None  # "甲、乙各120户": each, not a count of the list
    partial = clause.endswith("等")
    clause = clause.rstrip("等共计")
    if "、" not in clause:
        return None
    items = [i for i in re.split(r"、", clause) if i]
    if len(items) < 2:
        return None
    items[0] = re.split(r"涉及|包括|覆盖|分布在|位于|在|对|为|有", items[0])[-1]
    if len(items) < 2 or not all(_fits(i, noun) and len(i) <= 20 for i in items):
        return None
    return items, partial


def _list_after(after: str, noun: str) -> tuple[list[str], bool] | None:

    m = re.match(
        r"^[\u4e00-\u9fa5]{0,8}?(?:[，,]?(?:分别为|分别是|包括|即|为|是)[：:]?|[：:])(.+?)(?:[。；;]|$)", after
    )
    if not m or "、" not in m.group(1):
        return None
    body = m.group(1)
    partial = body.rstrip("。").endswith("等") or "等" in body[-4:]
    items = [i.strip() for i in body.rstrip("等").split("、") if i.strip()]
    if any(re.search(r"\d", i) for i in items):
        return None  # figures in the list: the parts check reads it
    quoted = all(re.fullmatch(r"[“\"《].*[”\"》]", i) for i in items)
    if len(items) < 2 or not (quoted or all(_fits(i, noun) and len(i) <= 20 for i in items)):
        return None
    return items, partial


# --- the entry point -----------------------------------------------------------------------------------------------


def narrative_findings(
    doc: SourceDocument, figures: list[NarrativeFigure] | None = None, score_tables: object = None
) -> list[Problem]:
    """Findings about the arithmetic between the figures of a narrative report (codes review.narrative.*)."""
    figures = extract_narrative_figures(doc) if figures is None else figures
    text = [f for f in figures if f.cell is None]
    out: list[Problem] = []
    for check in (_parts_total, _unit_pairs, _shares, _growth, _exceed, _count_items):
        out.extend(check(text))
    out.extend(_same_subject(text, doc))
    out.extend(table_checks(doc, figures, score_tables))
    seen, unique = set(), []
    for p in out:
        key = (p.code, p.location.place if p.location else "", p.actual, p.expected)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
