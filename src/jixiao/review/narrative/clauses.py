"""The parts of the clause grammar that read one clause: sentences and clauses cut at their marks, bracket depth,
a clause's relation word and subject with scope words, copulas and place-and-year prefixes taken off, the noun after
a count, and a clause's scope (another year, a target, an approximation). `grammar` puts them together per figure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..rx import any_of, rx
from .model import NarrativeFigure
from .vocabulary import Vocabulary, vocabulary

__all__ = [
    "AGENT_ONLY",
    "CLAUSE_END",
    "CLOSE",
    "ENUM_MARK",
    "OPEN",
    "PLACE_YEAR",
    "SENTENCE_END",
    "YEAR",
    "YEAR_PREFIX",
    "Sentence",
    "bare_head",
    "carry_list_relation",
    "clean_subject",
    "date_event",
    "depths",
    "distribute_respective",
    "find_relation",
    "indicator_clause",
    "new_item",
    "noun_after",
    "scope_flags",
    "sentences",
    "strip_words",
]


SENTENCE_END = "。！？!?\n"
CLAUSE_END = "，,；;：:"
OPEN, CLOSE = "（(【[", "）)】]"
YEAR = rx(r"(?<!\d)((?:19|20)\d\d)\s*年(?!\d{1,2}月)")
YEAR_PREFIX = rx(r"^(?:(?:截至|截止|至)?(?:19|20)(?:\d\d|xx|XX)年(?:度|底|末|初)?(?:\d{1,2}月(?:\d{1,2}日)?)?)+")
# "许镇镇2020年…", "长沙市城市建设档案馆2022年年初专项经费指标": the place or body and the year a subject opens with
PLACE_YEAR = rx(
    r"^(?:[\u4e00-\u9fa5]{1,8}?(?:省|市|县|区|旗|镇|乡|街道)"
    r"|[\u4e00-\u9fa5]{2,16}?(?:局|馆|中心|院|所|站|委员会|办公室|学校|中学|小学|幼儿园|公司))(?=(?:19|20)\d\d年)"
)


def strip_words(text: str, words: tuple[str, ...], *, head: bool) -> tuple[str, str]:
    """Take the listed words off the head (or tail) of the text, repeatedly, the first listed that fits each
    time; returns (rest, first word taken)."""
    entry = _edges_by_id.get((id(words), head))  # by identity: hashing the word list per call costs more
    if entry is None or entry[0] is not words:
        if len(_edges_by_id) >= 1024:
            _edges_by_id.clear()
        entry = _edges_by_id[id(words), head] = (words, _edges(words, head))  # holds words: its id stays its own
    edges = entry[1]
    taken = ""
    while text:
        for word in edges.get(text[0] if head else text[-1], ()):  # only the words that end there, in order
            if text.startswith(word) if head else text.endswith(word):
                text = text[len(word) :] if head else text[: -len(word)]
                taken = taken or word
                break
        else:
            break
    return text, taken


_edges_by_id: dict[tuple[int, bool], tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {}


@lru_cache(maxsize=256)
def _edges(words: tuple[str, ...], head: bool) -> dict[str, tuple[str, ...]]:
    """The words by their first (or last) character, each group in the list's order."""
    edges: dict[str, list[str]] = {}
    for word in words:
        if word:
            edges.setdefault(word[0] if head else word[-1], []).append(word)
    return {edge: tuple(group) for edge, group in edges.items()}


ENUM_MARK = rx(r"^(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是])")
_ENUM_FIRST = frozenset("0123456789（(一二三四五六七八九十")  # what an ENUM_MARK can begin with


def find_relation(text: str, voc: Vocabulary) -> tuple[str, str]:
    """The list or total word of a left context, and the text it governs ("其中：基本支出" → 其中, 基本支出)."""
    for group in ("respectively", "total", "parts", "includes", "partial"):
        for word in voc.relations[group]:
            if len(word) == 1:  # 共, 计, 含, 如: only right before the number or at the head
                if text.endswith(word):
                    return word, text[:-1]
                if text.startswith(word) and group != "total":
                    return word, text[1:]
                continue
            if word in text:
                head, _, tail = text.rpartition(word)
                # "其中基本支出" → 基本支出; "A、B分别为" → A、B (the names come before the word);
                # "一般公共预算收入累计完成" → 一般公共预算收入 (a bare verb after the word names nothing)
                tail = tail.strip("：:")
                bare_verb = tail in voc.relations["verbs"] or tail in voc.relations["stage_verbs"]
                return word.rstrip("：:"), tail if tail and not bare_verb else head
    return "", text


def clean_subject(text: str, voc: Vocabulary) -> tuple[str, str]:
    """The noun phrase of a left context, and the relation word found around it."""
    text = _ASIDE_TITLE_QUOTE.sub("", text)  # asides, titles, quotes are not the subject
    text = text.strip("，,、；;：:“”\"'（(）) ")
    text = _CAUSE.sub("", text)  # "因死亡等原因减少4户": the cause is not what decreased
    whole = text
    relation, text = find_relation(text, voc)
    for _ in range(3):
        text = text.strip("，,、；;：:“”\"' ")
        if text[:1] in _ENUM_FIRST:
            text = ENUM_MARK.sub("", text)
        if "年" in text:  # YEAR_PREFIX and PLACE_YEAR (below) find nothing without it
            text = YEAR_PREFIX.sub("", text)
        text, _lead = strip_words(text, voc.leading_words, head=True)
        text, copula = strip_words(text, voc.copulas, head=False)
        relation = relation or (copula if copula in voc.relations["total"] else "")
        text = text.rstrip("的")
        verbs = voc.relations["verbs"] if any_of(voc.relations["verbs"]).search(text) else ()  # most name none
        for word in verbs:
            at = text.find(word)
            if at < 0:
                continue
            # "下达X资金" → 下达, X资金; after an agent only a verb of allocation: "中央下达X资金", not "公务接待";
            # after a recipient too: "自治区财政厅以(文)向我市下达X资金"
            allocation = word in voc.words["allocation_verbs"]
            recipient = allocation and any(m in text[:at] for m in voc.words["recipient_marks"])
            agent = at == 0 or (at <= 3 and allocation) or (at > 0 and recipient)
            if agent and len(text) - at - len(word) >= 2:
                relation = relation or word
                text = text[at + len(word) :]
                break
        if "年" in text:  # after the verb: "下达某县2023年资金" keeps 下达
            text = YEAR_PREFIX.sub("", PLACE_YEAR.sub("", text))
    if not relation and (text.startswith(voc.relations["stage_verbs"]) or text.endswith(voc.relations["stage_verbs"])):
        relation = next((w for w in voc.relations["stage_verbs"] if text.startswith(w) or text.endswith(w)), "")
    # "……单位使用当年财政拨款安排(的)三公经费决算": money named by a long account of who arranged it; the head after
    # the verb names it
    arranging, verb, pointing = _subject_patterns(voc.words["arranging_verbs"], voc.words["pointing_back"])
    arranged = arranging.match(text)
    if arranged and not verb.search(arranged.group(2)):
        text = arranged.group(2)
    # "省财政厅已下发我县2011年秋季此项补助": 此项 points back to what was named before; who sent it and when is not
    # what it is
    pointer = pointing.search(text)
    if pointer and len(text) - pointer.end() >= 2:
        text = text[pointer.end() :]
    text = text.strip("，,、 ").lstrip("）)】]").rstrip("（(【[")
    kept = not text or (len(text) == 1 and whole.startswith(text))
    if kept and not relation and re.fullmatch(r"[\u4e00-\u9fa5]{1,3}[有至达增减]", whole):
        # "实有30人", "截至2024年12月31日", "调减40万元": a word is not cut to its first character by the copula or
        # the relation it ends with (有, 至, 减); the word itself names the figure
        text = whole
    if _PARTICLES.fullmatch(text):
        text = ""  # "全年共完成了对46,412人次": what is left after the verb is only its particles, no noun
    return text, relation


_CAUSE = rx(r"^(?:因|由于)[^，,；;。]{1,12}?原因")
_ASIDE_TITLE_QUOTE = rx(r"[（(][^（()）]*[)）]|《[^》]*》|[“”\"]")
_ASIDE = rx(r"[（(][^（()）]*[)）]")
_PARTICLES = rx(r"[了对向给把将被为在于和与及着过]+")


@lru_cache(maxsize=8)
def _subject_patterns(arranging: tuple[str, ...], pointing: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """clean_subject's patterns of the vocabulary's words, made once."""
    verbs = "|".join(map(re.escape, arranging))
    return (
        rx(rf"^(.{{8,}}(?:{verbs}))的?(.{{4,}})$"),
        rx(rf"(?:{verbs})"),
        rx(rf"(?:{'|'.join(map(re.escape, pointing))})(?!目)"),
    )


def bare_head(subject: str, voc: Vocabulary) -> str:
    """The head noun a subject is, when it is only that with stage words ("支出决算" → 支出); else ""."""
    for word in _longest_first(voc.words["same_quantity_noise"]):
        subject = subject.replace(word, "")
    return subject if subject in voc.generic_subjects else ""


@lru_cache(maxsize=8)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def noun_after(text: str, voc: Vocabulary, limit: int = 10) -> str:
    """The noun a count's measure word introduces: "28个展区以及…" → 展区."""
    m = re.match(r"(?:[\u4e00-\u9fa5·]|[A-Za-z][A-Za-z0-9.]*)+", text)
    if not m:
        return ""
    noun = m.group(0)
    for stop in voc.words["noun_stops"]:
        cut = noun.find(stop)
        if cut == 0:
            return ""
        if cut > 0:
            noun = noun[:cut]
    return noun[:limit]


def indicator_clause(
    text: str, sentence: Sentence, clause_start: int, voc: Vocabulary, after: int = 0
) -> tuple[str, int]:
    """The nearest clause before (and after position `after`), in the sentence, that names an indicator: no figure
    and no value word in it. Returns the name and where its clause starts."""
    starts = [s for s in sentence.clause_starts if after <= s < clause_start]
    if not starts:
        return "", -1
    ends = [*starts[1:], clause_start]
    for start, end in zip(reversed(starts), reversed(ends), strict=True):
        clause = ENUM_MARK.sub("", text[start : end - 1])
        if clause and not re.search(r"\d", clause) and not any(w in clause for w in voc.value_words):
            return clean_subject(clause, voc)[0], start
    return "", -1


@dataclass
class Sentence:
    start: int
    end: int
    clause_starts: list[int]

    def clause_start(self, position: int) -> int:
        return max((s for s in self.clause_starts if s <= position), default=self.start)


_SENTENCE_MARK = rx("[" + re.escape(SENTENCE_END) + "]")
_CLAUSE_MARK = rx("[" + re.escape(CLAUSE_END) + "]")
_BRACKET = rx("[" + re.escape(OPEN + CLOSE) + "]")


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text (cut after 。！？!? and a line end, the text's end closing the last) with where each of
    their clauses starts (after ，,；;：:, a comma between digits not counted: 1,234)."""
    out, start = [], 0
    for i in [*(m.start() for m in _SENTENCE_MARK.finditer(text)), len(text)]:
        if i > start:
            clauses = [start] + [
                j + 1
                for j in (m.start() for m in _CLAUSE_MARK.finditer(text, start, i))
                if not (text[j] == "," and text[j - 1 : j].isdigit() and text[j + 1 : j + 2].isdigit())
            ]
            out.append(Sentence(start, i + 1 if i < len(text) else i, clauses))
        start = i + 1
    return out


def depths(text: str) -> list[int]:
    """The bracket depth at each character of the text: an opening bracket counts in its own depth, a closing one
    too (the depth drops after it), an unmatched closing one changes nothing."""
    depth, out, at = 0, [], 0
    for m in _BRACKET.finditer(text):
        i = m.start()
        out += [depth] * (i - at)
        if text[i] in OPEN:
            depth += 1
            out.append(depth)
        else:
            out.append(depth)
            depth -= 1 if depth else 0
        at = i + 1
    out += [depth] * (len(text) - at)
    return out


def scope_flags(left: str, after: str, voc: Vocabulary, year: int | None) -> tuple[bool, bool, bool]:
    """(approximate, other_year, target) of one figure from the words before it in its clause."""
    left = _ASIDE.sub("", left)
    tail = left[-3:]
    approximate = tail.endswith(voc.approximate) or after.startswith(voc.words["approximate_after"])
    scope = left
    if any_of(voc.other_year_except).search(scope):
        for word in voc.other_year_except:
            scope = scope.replace(word, "")
    scope = _compare_last_year(voc.words["compare"]).sub("", scope)
    other_year = any_of(voc.other_year).search(scope) is not None
    years = [int(y) for y in YEAR.findall(left)]
    if year and years and years[-1] != year:
        other_year = True
    target = any_of(voc.target).search(left) is not None or after.startswith(voc.words["target_after"])
    return approximate, other_year, target


@lru_cache(maxsize=8)
def _compare_last_year(compare: tuple[str, ...]) -> re.Pattern[str]:
    """scope_flags' comparison with last year ("比上年增加……"), made once."""
    return rx(rf"(?:{'|'.join(map(re.escape, compare))})(?:上年|去年|上年度|上一年|同期)[^，,；;]*")


# what a date is the date of: the words after it in its clause ("于2021年9月2日以(……)文件拨付资金200万元" → 拨付资金,
# "工程于2021年2月12日开工" → 开工); a clause that goes on with another figure or names its own time has none
_EVENT_HEAD = re.compile(
    r"^(?:[起止底初末前后]|上旬|中旬|下旬|份)?"
    r"(?:以[^，,。；;：:]{0,40}?(?:文件|通知|批复)|以(?=下达|拨付|印发)|已经?|便|才|正式|进行|开始|即)*"
)
# 计 closing a clause is a total ("……前共计"), not the 计 of 统计, 会计, 设计, 审计, 估计, 预计
_EVENT_TAIL = re.compile(r"(?:以来|期间|之前|之后|以后|前|后|时|的|工作|共计|合计|共|(?<![统会设审估预])计)$")


def date_event(after: str) -> str:
    """The event a date stands before in its clause, or "" (see the comment above)."""
    clause = re.split(r"[，,。；;：:！？!?\n]", after, maxsplit=1)[0]
    clause = re.sub(r"《[^》]*》", "", clause)
    for _ in range(3):  # "(黑财指(农)〔2023〕34号)": an aside inside an aside
        clause = re.sub(r"[（(][^（()）]*[)）]", "", clause)
    clause = _EVENT_HEAD.sub("", clause)
    clause = re.split(r"\d|[一二三四五六七八九十两]+[个项次批]", clause, maxsplit=1)[0]
    clause = _EVENT_TAIL.sub("", clause.strip())
    if len(clause) > 20 and (last := _LAST_ACT.search(clause)) is not None:
        return last.group(0)  # "通过由县交通运输局、……三部门联合组成的验收组验收": a long clause's closing act
    if len(clause) < 2 or len(clause) > 20 or not re.fullmatch(r"[\u4e00-\u9fa5、和及与并]+", clause):
        return ""
    return clause


_LAST_ACT = re.compile(r"(?:验收|开工|完工|竣工|拨付|下达|印发|发布|召开|成立|启动|移交|签订|签署)$")
_RANGE_END = re.compile(
    r"^\s*(?:至|到|—|－|-|~|～)\s*(?:(?:19|20)\d\d年)?(?:(?:1[0-2]|0?[1-9])月)?(?:3[01]|[12]\d|0?[1-9])[日号]"
)
_ON_OBJECT = re.compile(r"^对[^，,。；;：:]{1,60}?(?P<event>(?:开展|进行|实施|组织)了?[\u4e00-\u9fa5]{2,10})$")


def object_event(after: str) -> str:
    """ "于2022年11月10日至2022年11月27日对……部门整体支出开展绩效评价": what was done to an object in the period a
    date opens or closes (开展绩效评价), the range's end skipped; "" when the clause is not "对……开展/进行……"."""
    after = _RANGE_END.sub("", after)
    # "于2023年12月5日至15日,对……进行了调查": the period's clause may end before the object it was spent on
    clause = re.split(r"[，,。；;：:！？!?\n]", re.sub(r"^[，,](?=对)", "", after), maxsplit=1)[0]
    for _ in range(3):
        clause = re.sub(r"[（(][^（()）]*[)）]", "", clause)
    m = _ON_OBJECT.match(clause.strip())
    return m.group("event") if m else ""


AGENT_ONLY = re.compile(r"(?:[县市省区州镇乡]级?)?财政(?:局)?(?:安排|拨款|拨付|下达|下拨)?")
_NEW_ITEM = re.compile(
    r"[；;]\s*(?:\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、是])"
)


def new_item(before: NarrativeFigure | None, f: NarrativeFigure) -> bool:
    """ "1、甲资金:……30万元,其中乙10万元;2、丙资金:……427.36万元": a numbered item after a ";" ends the list before."""
    if before is None or before.sentence != f.sentence:
        return False
    start, end = f.quote.find(before.text), f.quote.find(f.text)
    return 0 <= start < end and _NEW_ITEM.search(f.quote, start + len(before.text), end) is not None


def carry_list_relation(figures: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """After "其中" (or "分别为") the figures that follow in the sentence, at the same bracket depth and with no
    relation word of their own, are parts of the same list: "其中：基本支出61.41万元，…；项目支出93.88万元"."""
    voc = vocabulary()
    lists = voc.relations["parts"] + voc.relations["respectively"] + voc.relations["includes"]
    carried: dict[tuple[int, int], tuple[str, str]] = {}
    out = []
    for i, f in enumerate(figures):
        key = (f.sentence, f.depth)
        for k in [k for k in carried if k[0] != f.sentence or new_item(figures[i - 1] if i else None, f)]:
            del carried[k]
        nxt = figures[i + 1] if i + 1 < len(figures) else None
        opens_list = nxt is not None and nxt.sentence == f.sentence and nxt.relation in lists and nxt.family == f.family
        if f.relation in lists:
            carried[key] = (f.relation.rstrip("：:"), f.family)
            f = replace(f, relation=f.relation.rstrip("：:"), flags=(*f.flags, "part"))
        elif f.relation in voc.relations["total"] or opens_list:
            carried.pop(key, None)  # a new total: "……；在职人员6人，其中……"
        elif key in carried and carried[key][1] == f.family:
            relation = carried[key][0] if f.relation in ("", *voc.relations["stage_verbs"]) else f.relation
            f = replace(f, relation=relation, flags=(*f.flags, "part"))
        elif f.quote.startswith("其中"):
            f = replace(f, flags=(*f.flags, "part"))
        out.append(f)
    return out


def _joined(a: NarrativeFigure, b: NarrativeFigure, voc: Vocabulary) -> bool:
    """Two figures of one sentence listed one after the other: only a comma, 、 or a joiner (和) between them."""
    if a.segment != b.segment or a.sentence != b.sentence or a.kind != b.kind:
        return False
    # the figures' places count from their paragraph, the quote is their sentence: b's own text finds the offset
    at, raw = b.quote.find(b.text), b.text.rfind(b.raw)
    if at < 0 or raw < 0:
        return False
    offset = b.start - at - raw
    between = a.quote[a.end - offset : b.start - offset]
    between = between[len(a.unit) :] if between.startswith(a.unit) else between  # "4125.49,4143.91万元"
    return between.strip() in (",", "，", "、", *voc.words["list_joiners"])


def _names(subject: str, voc: Vocabulary) -> list[str]:
    """ "收入、支出" → 收入, 支出; "收、支" → 收入, 支出 (a 决算's short names)."""
    names = [n for n in re.split(r"[、和及与]", subject) if n]
    short = dict(pair.split("=") for pair in voc.words["respective_abbreviations"])
    if all(len(n) == 1 for n in names):
        names = [short.get(n, "") for n in names]
    return names if len(names) >= 2 and all(names) else []


@lru_cache(maxsize=8)
def _respective(words: tuple[str, ...]) -> re.Pattern[str]:
    """distribute_respective's 分别/各 words as one pattern, made once."""
    return rx("(?:" + "|".join(words) + ")")


def distribute_respective(figures: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """ "收入、支出总计分别为A万元和B万元", "收、支总计各是A,B万元……各减少C,D万元": names listed before 分别/各 go one
    to each of as many figures listed after it, in order (A is 收入's, B 支出's); a later list of the same length in the
    sentence, after its own 分别/各, goes to the same names. Any other count of figures pairs nothing."""
    voc = vocabulary()
    out = list(figures)
    named: dict[tuple[int, int], list[str]] = {}
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and _joined(out[j], out[j + 1], voc):
            j += 1
        first = out[i]
        words = _respective(voc.words["respective_words"]).search(first.text or "") if j > i else None
        if j > i and words is not None:
            key = (first.segment, first.sentence)
            # the names as the subject reads them, else as the words before 分别/各 print them ("收、支总计各是")
            before = clean_subject(first.text[: words.start()], voc)[0]
            names = _names(first.subject, voc) or _names(before, voc) or named.get(key, [])
            if len(names) == j - i + 1:
                named[key] = names
                out[i : j + 1] = [replace(f, subject=n) for f, n in zip(out[i : j + 1], names, strict=True)]
        i = j + 1
    return out
