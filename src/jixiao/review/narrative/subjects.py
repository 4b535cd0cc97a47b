"""One subject stated twice with two amounts (same scope, same year, same budget stage), one document (文号)
allocating two amounts, and one amount in 元 and in 万元."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from functools import cache
from itertools import pairwise

from jixiao.model.problems import Problem, Severity

from ..rx import any_of, rx
from ..source import SourceDocument
from .arith import fmt, interval, overlaps, places
from .findings import in_unit, problem, where
from .model import NarrativeFigure
from .parts import gap
from .vocabulary import vocabulary

__all__ = ["same_subject", "unit_pairs"]


_DOC_NUMBER = rx(r"[\u4e00-\u9fa5]{1,10}[〔【\[（(]\s*(?:19|20)\d\d\s*[〕】\]）)]\s*\d+\s*号")


_ITEM = rx(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?=\D|(?:19|20)\d\d年))"
)


# "一是甲单位……" or "……项目有:一是甲单位……": the sentence is one item of an enumeration
_ENUMERATED = rx(r"^(?:[^。；;：:]{0,30}[：:])?\s*([一二三四五六七八九十]+)是(?=[\u4e00-\u9fa5])")


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
        cited = frozenset(m.group(0) for m in _DOC_NUMBER.finditer(f.quote)) if "号" in f.quote else frozenset()
        segment = doc.segments[f.segment] if f.segment < len(doc.segments) else None
        if segment is not None and segment.kind == "paragraph" and _ITEM.match(segment.text):
            cited |= {f"item:{f.segment}"}
        entity = _entity(segment.text) if segment is not None and segment.kind == "paragraph" else ""
        if entity:
            cited |= {f"entity:{entity}"}  # "贵池区申请……" and "青阳县申请……": two counties' figures
        paragraph = segment.text if segment is not None else f.quote
        if f.sentence == 0 and re.match(r"\s*(?:[\d.,]+\s*(?:万元|元|万|%|％|个|人|项)|[，,、；;：:）)。])", paragraph):
            cited |= {f"fragment:{f.segment}"}  # "19816.81元，项目支出0元。": the store cut this sentence's start
        enumerated = _ENUMERATED.match(f.quote)
        if enumerated:
            cited |= {f"enum:{f.segment}:{enumerated.group(1)}"}  # "一是甲单位……二是乙单位……": two items
        levels = vocabulary().funding_levels
        found = any_of(levels).search(f.subject) is not None
        level = next((w for w in levels if len(w) >= 2 and w in f.subject), "") if found else ""
        if level:
            cited |= {f"level:{level}"}  # "地方应配套a万元，实际配套到位资金b万元": the 地方 part, not the whole
        kind = next((k for k in vocabulary().words["budget_kinds"] if k in paragraph), "")
        if kind:
            cited |= {f"budget:{kind}"}  # "一般公共预算收入……" and "政府性基金预算收入……": two budgets
        if not cited and f.quote.startswith(vocabulary().words["scope_openers"]):
            cited = last.get(f.segment, frozenset())
        out[key] = cited
        last[f.segment] = cited
    return out


@cache
def _entity_pattern() -> re.Pattern[str]:
    words = vocabulary().words
    suffixes = "|".join(map(re.escape, words["entity_suffixes"]))
    return rx(rf"^\s*([\u4e00-\u9fa5]{{1,10}}?(?:{suffixes}))(?=[\u4e00-\u9fa5\d])")


def _entity(paragraph: str) -> str:
    """The place or body a paragraph opens with ("青阳县申请基础养老金补贴……"), if it opens with one."""
    m = _entity_pattern().match(paragraph)
    if m is None or m.group(1).startswith(vocabulary().words["not_entities"]):
        return ""
    return m.group(1)


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences speak of different things: different documents (文号), numbered items or budgets when both
    name one; a different place, body or level of government (its first figure's 中央/地方/本级) when either names
    one."""

    def of(scope: frozenset[str], kind: str) -> set[str]:
        return {s for s in scope if s.startswith(kind)}

    if (
        of(a, "entity:") != of(b, "entity:")
        or of(a, "level:") != of(b, "level:")
        or of(a, "fragment:")
        or of(b, "fragment:")
    ):
        return True
    for kind in ("item:", "enum:", "budget:"):
        if of(a, kind) and of(b, kind) and of(a, kind) != of(b, kind):
            return True
    docs_a, docs_b = ({s for s in x if ":" not in s} for x in (a, b))
    return bool(docs_a and docs_b and docs_a != docs_b)


def _phrase(f: NarrativeFigure) -> str:
    """What a figure states, agent and verb included ("省下达……资金" is not "地方投入……资金")."""
    voc = vocabulary()
    text = f.text[: len(f.text) - len(f.raw) - len(f.unit)] if f.text.endswith(f.raw + f.unit) else f.subject
    scope_words = "|".join(map(re.escape, voc.words["scope_in_brackets"]))
    # an aside is not part of the phrase, unless it sets the scope: "收入(同口径)" is not "收入(自然口径)"
    text = re.sub(rf"[（(](?![^（()）]*(?:{scope_words}))[^（()）]*[)）]", "", text)
    at = f.quote.find(f.text)
    following = re.match(r"[（(]([^（()）]*)[)）]", f.quote[at + len(f.text) :]) if at >= 0 else None
    if following and re.search(scope_words, following.group(1)):
        text += f"({following.group(1)})"
    if "年" in text:
        text = _UP_TO_YEAR.sub("", text)
    text = _ITEM.sub("", text)  # "1.基本支出预算" → 基本支出预算
    heads = (*voc.leading_words, *voc.words["budget_kinds"])
    tails = (*voc.copulas, *voc.words["phrase_endings"])
    for _ in range(3):
        text = text.strip("，,、；;：:“”\"' ")
        if text.startswith(heads):  # else no word below is taken off
            for word in heads:
                if text.startswith(word):
                    text = text[len(word) :]  # "本年一般公共预算基本支出" is the 基本支出 of the report
        if text.endswith(tails):
            for word in tails:
                if text.endswith(word) and len(text) > len(word) + 1:
                    text = text[: -len(word)]  # "基本支出预算" is the 基本支出 too
    return text.replace("的", "")


_UP_TO_YEAR = rx(r"^(?:.*?(?:19|20)(?:\d\d|xx)年(?:度)?)")


@cache
def _stage_words() -> tuple[re.Pattern[str], dict[str, str]]:
    stages = vocabulary().stages
    words = {w: stage for stage, ws in stages.items() for w in ws}
    return rx("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))), words


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
        and not _reference(f)
    ]


def _reference(f: NarrativeFigure) -> bool:
    """ "完成年初预算数60999万元的40.4%": a base named by what it is the budget of, stated elsewhere."""
    at = f.quote.find(f.text)
    return at >= 0 and re.match(r"的\d", f.quote[at + len(f.text) :]) is not None


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
        f"容差±{fmt(in_unit(tol, first))}{first.unit}，按较粗一处末位的半个单位计"
        if tol
        else "同一金额两处小数位数相同，应写得完全一致"
    )
    return problem(
        "same_subject",
        f"{what}前后金额不一致：{where(first)}，而{where(other)}；"
        f"相差{fmt(in_unit(abs(first.scaled - other.scaled), first))}{first.unit}"
        f"（{how}）。若是不同口径（年初/调整后、不同年度或范围），"
        f"请在文中写明；否则请改正其中一处。",
        other,
        Severity.WARNING,
        f"{first.raw}{first.unit}",
        f"{other.raw}{other.unit}",
    )


def _counted_before(figures: list[NarrativeFigure]) -> dict[tuple[int, int], str]:
    """The count each amount of a sentence follows ("共涉及2个单位……预算资金总额5789.67万元": 2个), by (segment,
    number start): an amount after a count is the total of what was counted."""
    out: dict[tuple[int, int], str] = {}
    last: dict[tuple[int, int], str] = {}
    for f in figures:
        if f.cell is not None:
            continue
        if f.kind == "count":
            last[(f.segment, f.sentence)] = f"{f.raw}{f.unit}"
        else:
            out[(f.segment, f.start)] = last.get((f.segment, f.sentence), "")
    return out


def same_subject(figures: list[NarrativeFigure], doc: SourceDocument) -> list[Problem]:
    voc = vocabulary()
    scopes = _scopes(figures, doc)
    counted = _counted_before(figures)
    candidates = _same_candidates(figures)
    out = []
    by_phrase: dict[tuple[str, str], list[NarrativeFigure]] = defaultdict(list)
    by_document: dict[str, list[NarrativeFigure]] = defaultdict(list)
    per_sentence: dict[tuple[int, int], int] = defaultdict(int)
    for f in candidates:
        per_sentence[(f.segment, f.sentence)] += 1
    for f in candidates:
        scope = scopes.get((f.segment, f.sentence), frozenset())
        phrase = (f.relation if f.relation in voc.relations["total"] else "") + _phrase(f)
        if len(phrase) >= 4 and phrase not in voc.generic_subjects:
            # a paragraph about one county is not compared with one about the whole or about another county
            by_phrase[(phrase, _stage(f))].append(f)  # 年初 and 决算 amounts of one thing differ
        # one document (文号) that allocates one amount: every sentence citing it must give the same amount
        documents = {s for s in scope if not s.startswith(("item:", "entity:", "budget:"))}
        if (
            len(documents) == 1
            and f.relation in voc.words["allocation_verbs"]
            and per_sentence[(f.segment, f.sentence)] == 1
        ):
            by_document[next(iter(documents))].append(f)
    for (phrase, _at), group in by_phrase.items():
        first = group[0]
        for other in group[1:]:
            apart = (other.segment, other.sentence) != (first.segment, first.sentence)
            scope_a, scope_b = (scopes.get((f.segment, f.sentence), frozenset()) for f in (first, other))
            # "共24个项目……预算资金总额a" / "共涉及2个单位……预算资金总额b": the totals of two sets counted apart
            count_a, count_b = (counted.get((f.segment, f.start), "") for f in (first, other))
            apart = apart and not (count_a and count_b and count_a != count_b)
            if apart and not _conflict(scope_a, scope_b) and _differ(first, other):
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
    return problem(
        "unit_mismatch",
        f"同一金额的单位前后不一致：{where(a)}，而{where(b)}；按{a.unit}与{b.unit}换算两者相差"
        f"{fmt(max(a.scaled, b.scaled) / min(a.scaled, b.scaled))}倍。请核对单位（元/万元）。",
        b,
        severity,
        f"{a.raw}{a.unit}",
        f"{b.raw}{b.unit}",
    )


def unit_pairs(figures: list[NarrativeFigure]) -> list[Problem]:
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
            and gap(a, b).strip("（(约合即折") == ""
            and not overlaps(interval(a), interval(b))
        ):
            out.append(_unit_problem(a, b, Severity.ERROR))
    return out
