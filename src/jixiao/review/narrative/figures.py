"""Every figure of a narrative report with its meaning: value, unit, kind, the subject it qualifies, the relation
word that ties it to that subject, and the scope of its clause (another year, a target, an approximation).

A small grammar, not a parser: a report's sentence is cut into clauses at ，；：; a figure is a number with a unit
or measure word; its subject is the noun phrase between the clause's start (or the previous figure) and the
number, with the scope words, copulas and relation words around it taken off ("下达中央财政衔接资金1200万元" →
中央财政衔接资金, 下达); a count with nothing before it takes the noun after its measure word ("28个展区" → 展区).
Why no segmenter: jieba (42 MB installed, 1.4 s to load its dictionary) tags this register badly ("预算/v
安排/v 收入/v", "中央财政/nt 衔接/v 资金/n"), so its noun phrases would be worse than the clause grammar here.
All words live in vocabulary.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from ...problems import Location
from ..source import Segment, SourceDocument
from .numerals import CN_DIGITS, fold_width, parse_arabic, parse_chinese
from .vocabulary import Vocabulary, vocabulary

__all__ = ["NarrativeFigure", "document_year", "extract_narrative_figures", "normalize"]


@dataclass(frozen=True)
class NarrativeFigure:
    """One figure of the text: 值 with 单位, what it is about (主体) and how it is tied to it (关系词)."""

    value: Decimal  # as printed (98.78 for "98.78%", 1200 for "1200万元"); yyyymmdd for a date
    unit: str  # as printed: 万元, 元, 元/年, %, 个, 万人次, 分, 日期
    kind: str  # amount | rate | count | score | date
    subject: str
    relation: str
    text: str  # the quoted phrase: subject, relation and number with its unit
    location: Location
    quote: str = ""  # the whole sentence
    segment: int = 0  # index into SourceDocument.segments
    sentence: int = 0  # sentence number within the segment (0-based)
    start: int = 0  # position of the number in the segment's normalized text
    end: int = 0
    raw: str = ""  # the number as printed
    depth: int = 0  # inside how many brackets
    approximate: bool = False  # 约, 余, 超过, 左右 …
    other_year: bool = False  # about another year (上年, 2022年 in a 2023 report)
    target: bool = False  # a plan, target or limit, not a result
    per_unit: bool = False  # a standard: 元/年, 元/人
    base: str = ""  # 占总支出的39.55% → 总支出; 较上年增长 → 上年
    cell: tuple[int, int] | None = None  # (row, column) in a table
    flags: tuple[str, ...] = field(default=())

    @property
    def family(self) -> str:
        """Figures of one family can be added and compared: money in any unit; counts of one measure word."""
        if self.kind == "amount":
            return "amount" + ("/" + self.unit.split("/", 1)[1] if self.per_unit else "")
        if self.kind == "count":
            return "count:" + self.unit.lstrip("万亿")
        return self.kind

    @property
    def scaled(self) -> Decimal:
        """The value in 元 (amounts) or in single units (counts: 10.7万人次 → 107000)."""
        voc = vocabulary()
        if self.kind == "amount":
            return self.value * voc.amount_units.get(self.unit.split("/", 1)[0], Decimal(1))
        if self.kind == "count" and self.unit[:1] in "万亿" and len(self.unit) > 1:
            return self.value * (Decimal(10_000) if self.unit[0] == "万" else Decimal(100_000_000))
        return self.value

    @property
    def half_unit(self) -> Decimal:
        """Half a unit in the last printed place, scaled like `scaled`: the rounding a printed figure may carry."""
        places = len(self.raw.split(".", 1)[1]) if "." in self.raw else 0
        half = Decimal(5).scaleb(-places - 1)
        return half * (self.scaled / self.value) if self.value else half

    @property
    def checkable(self) -> bool:
        """A figure that can carry an arithmetic finding: exact, this year's, a result."""
        return not (self.approximate or self.other_year or self.target)

    def display(self) -> str:
        if self.kind == "date":
            v = int(self.value)
            y, m, d = v // 10000, v // 100 % 100, v % 100
            return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d else "")
        return f"{self.raw}{self.unit}"


# --- normalizing -------------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Full-width digits folded, spaces dropped (reports put them around numbers: "调增预算 123.1 万元")."""
    text = re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", fold_width(text))  # "１，２００万元": a thousands separator
    return re.sub(r"(?<=[^A-Za-z])[ \t]+|[ \t]+(?=[^A-Za-z])", "", text).strip()


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    voc = vocabulary()
    arabic = r"(?<![\d.A-Za-z])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
    chinese = f"[{CN_DIGITS}]+"
    amount = _alternatives(tuple(sorted(voc.amount_units, key=len, reverse=True)))
    figure = re.compile(
        rf"(?P<pct>百分之)?(?P<num>{arabic}|{chinese})(?P<approx>余|多)?"
        rf"(?(pct)|(?:(?P<amount>{amount})(?P<per>(?:/[\u4e00-\u9fa5.·]{{1,4}}){{1,2}})?"
        rf"|(?P<rate>{_alternatives(voc.rate_units)})"
        rf"|(?P<mult>[万亿])?(?:余|多)?(?P<measure>{_alternatives(voc.measure_words)})(?P<per2>/[\u4e00-\u9fa5]{{1,2}})?"
        rf"(?![A-Za-z])"
        rf"|(?P<score>分)"
        rf"|(?P<bare>万)(?=[。，,；;、)）(（]|$)))"
    )
    date = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)年(?P<m>1[0-2]|0?[1-9]|元)月(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?")
    return figure, date


_SENTENCE_END = "。！？!?\n"
_CLAUSE_END = "，,；;：:"
_OPEN, _CLOSE = "（(【[", "）)】]"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!\d{1,2}月)")
_YEAR_PREFIX = re.compile(
    r"^(?:(?:截至|截止|至)?(?:19|20)(?:\d\d|xx|XX)年(?:度|底|末|初)?(?:\d{1,2}月(?:\d{1,2}日)?)?)+"
)


def document_year(doc: SourceDocument) -> int | None:
    """The evaluated year: the first "20xx年度" in the first paragraphs (title, 报告 heading)."""
    for seg in doc.paragraphs()[:12]:
        m = re.search(r"((?:19|20)\d\d)\s*年度", fold_width(seg.text))
        if m:
            return int(m.group(1))
    return None


# --- the grammar ---------------------------------------------------------------------------------------------------


def _strip_words(text: str, words: tuple[str, ...], *, head: bool) -> tuple[str, str]:
    """Take the listed words off the head (or tail) of the text, repeatedly; returns (rest, first word taken)."""
    taken = ""
    changed = True
    while changed and text:
        changed = False
        for word in words:
            if (text.startswith(word) if head else text.endswith(word)) and len(text) >= len(word):
                text = text[len(word) :] if head else text[: -len(word)]
                taken = taken or word
                changed = True
                break
    return text, taken


_ENUM_MARK = re.compile(r"^(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是])")


def _find_relation(text: str, voc: Vocabulary) -> tuple[str, str]:
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
                # "其中基本支出" → 基本支出; "A、B分别为" → A、B (the names come before the word)
                return word.rstrip("：:"), tail if tail.strip("：:") else head
    return "", text


def _clean_subject(text: str, voc: Vocabulary) -> tuple[str, str]:
    """The noun phrase of a left context, and the relation word found around it."""
    text = re.sub(r"[（(][^（()）]*[)）]|《[^》]*》|[“”\"]", "", text)  # asides, titles, quotes are not the subject
    text = text.strip("，,、；;：:“”\"'（(）) ")
    relation, text = _find_relation(text, voc)
    for _ in range(3):
        text = _ENUM_MARK.sub("", text.strip("，,、；;：:“”\"' "))
        text = _YEAR_PREFIX.sub("", text)
        text, _lead = _strip_words(text, voc.leading_words, head=True)
        text, copula = _strip_words(text, voc.copulas, head=False)
        relation = relation or (copula if copula in ("共计", "合计", "总计", "累计", "共", "计") else "")
        text = text.rstrip("的")
        for word in voc.relations["verbs"]:
            at = text.find(word)
            if at >= 0 and at <= 3 and len(text) - at - len(word) >= 2:  # "中央下达X资金" → 下达, X资金
                relation = relation or word
                text = text[at + len(word) :]
                break
    if not relation:
        relation = next((w for w in voc.relations["stage_verbs"] if text.startswith(w) or text.endswith(w)), "")
    return text.strip("，,、 ").lstrip("）)】]").rstrip("（(【["), relation


def _noun_after(text: str, voc: Vocabulary, limit: int = 10) -> str:
    """The noun a count's measure word introduces: "28个展区以及…" → 展区."""
    m = re.match(r"(?:[\u4e00-\u9fa5·]|[A-Za-z][A-Za-z0-9.]*)+", text)
    if not m:
        return ""
    noun = m.group(0)
    for stop in ("以及", "和", "及", "等", "的", "共", "其中", "分别", "全部", "已", "均", "为", "出行", "道路建设"):
        cut = noun.find(stop)
        if cut == 0:
            return ""
        if cut > 0:
            noun = noun[:cut]
    return noun[:limit]


def _indicator_clause(
    text: str, sentence: _Sentence, clause_start: int, voc: Vocabulary, after: int = 0
) -> tuple[str, int]:
    """The nearest clause before (and after position `after`), in the sentence, that names an indicator: no figure
    and no value word in it. Returns the name and where its clause starts."""
    starts = [s for s in sentence.clause_starts if after <= s < clause_start]
    if not starts:
        return "", -1
    ends = [*starts[1:], clause_start]
    for start, end in zip(reversed(starts), reversed(ends), strict=True):
        clause = _ENUM_MARK.sub("", text[start : end - 1])
        if clause and not re.search(r"\d", clause) and not any(w in clause for w in voc.value_words):
            return _clean_subject(clause, voc)[0], start
    return "", -1


@dataclass
class _Sentence:
    start: int
    end: int
    clause_starts: list[int]

    def clause_start(self, position: int) -> int:
        return max((s for s in self.clause_starts if s <= position), default=self.start)


def _sentences(text: str) -> list[_Sentence]:
    out, start = [], 0
    for i, char in enumerate(text + "\n"):
        if char in _SENTENCE_END:
            if i > start:
                clauses = [start] + [
                    j + 1
                    for j in range(start, i)
                    if text[j] in _CLAUSE_END
                    and not (text[j] == "," and text[j - 1 : j].isdigit() and text[j + 1 : j + 2].isdigit())
                ]
                out.append(_Sentence(start, i + 1 if i < len(text) else i, clauses))
            start = i + 1
    return out


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for char in text:
        if char in _OPEN:
            depth += 1
        out.append(depth)
        if char in _CLOSE and depth:
            depth -= 1
    return out


def _masked(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are not figures: titles 《…》, document numbers 〔2021〕94号, years, codes."""
    spans = [m.span() for m in re.finditer(r"《[^》]{0,80}》", text)]
    spans += [m.span() for m in re.finditer(r"[〔\[（(]?(?:19|20)\d\d[〕\]）)]\s*\d+\s*号", text)]
    spans += [m.span() for m in re.finditer(r"(?:19|20)\d\d\s*[-—至~]\s*(?:19|20)\d\d\s*年", text)]
    spans += [m.span() for m in re.finditer(r"[A-Za-z]+\d+(?:\.\d+)?", text)]
    return spans


def _in(spans: list[tuple[int, int]], position: int) -> bool:
    return any(s <= position < e for s, e in spans)


@dataclass
class _Raw:
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


def _numbers(text: str, voc: Vocabulary) -> Iterator[_Raw]:
    figure, date = _patterns()
    masked = _masked(text)
    dates = []
    for m in date.finditer(text):
        day = int(m.group("d") or 0)
        month = 1 if m.group("m") == "元" else int(m.group("m"))  # 元月: January
        value = Decimal(int(m.group("y")) * 10000 + month * 100 + day)
        dates.append(m.span())
        yield _Raw(m.start(), m.end(), m.start(), m.end(), value, m.group(0), "日期", "date", False, False)
        if m.group("d"):  # "2022年12月6日至8日"
            tail = re.match(r"(?:至|到|—|-|~)(\d{1,2})日", text[m.end() :])
            if tail:
                s = m.end() + tail.start(1)
                last = Decimal(int(value) // 100 * 100 + int(tail.group(1)))
                dates.append((m.end(), m.end() + tail.end()))
                yield _Raw(
                    s, m.end() + tail.end(), s, m.end() + tail.end(), last, tail.group(1), "日期", "date", False, False
                )
    for m in figure.finditer(text):
        start = m.start("num")
        if _in(masked, start) or _in(dates, start):
            continue
        raw = m.group("num")
        before = text[max(0, m.start() - 4) : m.start()]
        if any(before.endswith(w) for w in voc.not_figure_before):
            continue
        after = text[m.end("approx") if m.group("approx") else m.end("num") :]
        if any(after.startswith(w) for w in voc.not_counts_after):
            continue
        unit = m.group("amount") or m.group("rate") or m.group("measure") or m.group("score") or m.group("bare") or ""
        mult = m.group("mult") or ""
        if raw[0] in CN_DIGITS:
            if raw[-1] in "万亿" and len(raw) > 1 and not mult and unit in ("元", "人", "人次", "户", "亩", "个"):
                raw, mult = raw[:-1], raw[-1]  # 三千二百万元 → 三千二百 万元
            value = parse_chinese(raw)
            single = len(m.group("num")) == 1 and not m.group("pct")
            if value is None or (single and not any(before.endswith(w) for w in voc.single_numeral_after)):
                continue
            if re.match(r"[是大类级批次]", after) and not m.group("measure"):
                continue
        else:
            value = parse_arabic(raw)
        if value is None:
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
            if not any(w in text[max(0, start - 20) : start] for w in voc.money_words):
                continue
        if mult and kind == "amount" and not m.group("amount"):
            continue
        yield _Raw(
            m.start(),
            m.end(),
            start,
            m.end("num"),
            value,
            raw,
            unit,
            kind,
            bool(m.group("approx")),
            bool(m.group("per") or m.group("per2")),
        )


def _scope_flags(left: str, after: str, voc: Vocabulary, year: int | None) -> tuple[bool, bool, bool]:
    """(approximate, other_year, target) of one figure from the words before it in its clause."""
    left = re.sub(r"[（(][^（()）]*[)）]", "", left)
    tail = left[-3:]
    approximate = any(tail.endswith(w) for w in voc.approximate) or any(
        after.startswith(w) for w in ("以上", "左右", "余", "多", "上下")
    )
    scope = left
    for word in voc.other_year_except:
        scope = scope.replace(word, "")
    scope = re.sub(r"(?:较|比|同比|与)(?:上年|去年|上年度|上一年|同期)[^，,；;]*", "", scope)
    other_year = any(w in scope for w in voc.other_year)
    years = [int(y) for y in _YEAR.findall(left)]
    if year and years and years[-1] != year:
        other_year = True
    target = any(w in left for w in voc.target) or any(after.startswith(w) for w in ("以上", "以内", "以下"))
    return approximate, other_year, target


def _segment_figures(
    doc: SourceDocument, index: int, seg: Segment, text: str, year: int | None, cell: tuple[int, int] | None = None
) -> list[NarrativeFigure]:
    voc = vocabulary()
    location = doc.location(seg, *cell) if cell else doc.location(seg)
    sentences = _sentences(text)
    depths = _depths(text)
    out: list[NarrativeFigure] = []
    raws = sorted(_numbers(text, voc), key=lambda r: r.start)
    previous_end = 0
    names: list[str] = []  # "A、B、C分别为a、b、c": the names waiting for their figures
    last_noun = ""
    last_indicator, last_sentence_indicator, last_indicator_at = "", -1, 0
    last_sentence = -1
    for raw in raws:
        sentence_no = next((i for i, s in enumerate(sentences) if s.start <= raw.start < s.end), 0)
        sentence = sentences[sentence_no] if sentences else _Sentence(0, len(text), [0])
        if sentence_no != last_sentence:
            names, previous_end, last_sentence = [], sentence.start, sentence_no
        clause_start = sentence.clause_start(raw.start)
        opening = max(
            (i + 1 for i in range(clause_start, raw.start) if text[i] in _OPEN and depths[i] <= depths[raw.start]),
            default=clause_start,
        )
        closing = max((i + 1 for i in range(clause_start, raw.start) if text[i] == "、"), default=clause_start)
        left_start = max(clause_start, previous_end, opening, closing)
        left = text[left_start : raw.start]
        chain = previous_end > clause_start and previous_end >= opening and previous_end >= closing
        prev = out[-1] if out and out[-1].sentence == sentence_no and out[-1].segment == index else None
        after = text[raw.end :]
        noun = _noun_after(after, voc) if raw.kind == "count" else ""
        subject, relation = _clean_subject(left, voc)
        if (not relation or relation in voc.relations["stage_verbs"]) and clause_start > sentence.start:
            before_clause = text[max(sentence.start, clause_start - 6) : clause_start - 1]
            listed = (w.rstrip("：:") for w in voc.relations["parts"] + voc.relations["respectively"])
            relation = next((w for w in listed if before_clause.endswith(w)), relation)
        if chain and prev is not None and last_noun and left.startswith(last_noun):
            # "年初批复预算8个项目985万元": the words between are the previous count's noun
            subject = prev.subject if raw.kind != "count" else ""
        if subject in voc.relations["verbs"] or subject in voc.relations["stage_verbs"]:
            relation, subject = relation or subject, ""
        if any(w in left for w in voc.relations["respectively"]):
            head = re.split("|".join(voc.relations["respectively"]), left)[0]
            names = [n for n in re.split(r"[、和及]", _clean_subject(head, voc)[0]) if n]
            relation = "分别为"
        if not subject and not relation and prev is not None and not left.strip("、，,") and prev.unit != raw.unit:
            # "芦柴湖办事处3户、3台套": a second measure of the same thing
            subject = prev.subject
        if not subject and names:
            subject = names.pop(0) if len(names) > 1 else names[0]
        if noun:
            conjunction = left.endswith(("等", "以及", "和", "及", "、")) or relation in voc.relations["verbs"]
            subject = noun if not subject or conjunction else subject + noun
        if (
            not subject
            and not relation
            and left_start == clause_start
            and clause_start > sentence.start
            and text[clause_start - 1] in "：:"
            and previous_end <= sentence.clause_start(clause_start - 1)
        ):
            subject = _clean_subject(text[sentence.clause_start(clause_start - 1) : clause_start - 1], voc)[0]
        bare, value_word = _strip_words(subject, voc.value_words, head=False)
        bare, _ = _strip_words(bare, ("年初", "全年", "实际", "年度", "为"), head=False)
        if value_word and len(bare) >= 2:
            subject = bare  # "……比例年初指标值为不低于85%" → ……比例
            last_indicator, last_indicator_at = bare, raw.end
        elif value_word:
            # "X指标值1000元，全年实际完成值1000元" → X; "1.免疫密度，年初目标值≥90%" → the item's first clause
            same = last_sentence_indicator == sentence_no and last_indicator
            named, _ = _indicator_clause(text, sentence, clause_start, voc, last_indicator_at if same else 0)
            subject = named or (last_indicator if same else subject)
            last_indicator, last_indicator_at = subject, raw.end
        last_sentence_indicator = sentence_no if value_word else last_sentence_indicator
        if not subject and raw.kind == "amount":
            tail = re.match(r"(?:为|是)?", after).end()
            subject = _noun_after(after[tail:], voc, 30)  # "其中500万元为中央水利发展资金"
        if not subject and raw.kind != "date":
            # "……农机购置补贴资金，共计84.47万元": the clause before names it
            prior = sentence.clause_start(clause_start - 1) if clause_start > sentence.start else clause_start
            if prior < clause_start:
                start = max(
                    prior,
                    previous_end,
                    max((i + 1 for i in range(prior, clause_start) if text[i] in _OPEN), default=prior),
                )
                subject = _clean_subject(text[start : clause_start - 1], voc)[0][-16:]
        if not subject and raw.kind != "date":
            bare_left = _ENUM_MARK.sub("", _YEAR_PREFIX.sub("", left.strip("，,、；;：: ")))
            subject = _strip_words(bare_left, voc.leading_words, head=True)[0]
            subject = _strip_words(subject, voc.copulas + voc.relations["total"], head=False)[0]
        if not subject and raw.kind == "count":
            subject = raw.unit.lstrip("万亿")
        last_noun = noun
        change = next(
            (
                w
                for w in voc.relations["increase"] + voc.relations["decrease"]
                if (w in left if len(w) > 1 else left.endswith(w))  # 减, 增: only right before the number
            ),
            "",
        )
        exceed = next((w for w in voc.relations["exceed"] if w in left), "") if raw.kind == "rate" else ""
        share = next((w for w in voc.relations["share"] if left.find(w) >= 0), "") if raw.kind == "rate" else ""
        base = ""
        if exceed:
            relation, base = exceed, re.sub(r"^超(?:出|额完成)?", "", exceed)
        elif change:
            relation = change
            m = re.search(r"(?:较|比|同比|与)(.{0,8}?)(?:相比)?(?:" + re.escape(change) + ")", left)
            base = m.group(1) if m else ("上年" if "同比" in change else "")
        elif share:
            relation = "占"
            base = left[left.rfind(share) + len(share) :]
            base = re.sub(r"(的|比重|比例|比|为|达)+$", "", base).lstrip("总全")
            base = base or ("总" if share in ("占总", "占全") else "")
            if share in ("占总", "占全"):
                base = share[-1] + base
        if change:
            # "支出合计387.82万元，较上年决算数减少125.51万元，下降24.5%": the change is of the level before it
            subject = re.sub(r"(?:较|比|同比|与|同).*$", "", subject).removesuffix(change)
        if (change or share) and out and out[-1].sentence == sentence_no and out[-1].segment == index:
            level = next((f for f in reversed(out) if f.sentence == sentence_no and not f.base), out[-1])
            subject = subject if subject and not share else level.subject
        scope_start = sentence.start if clause_start == sentence.clause_starts[0] else clause_start
        lead = text[sentence.start : sentence.clause_starts[1] - 1] if len(sentence.clause_starts) > 1 else ""
        lead = lead if scope_start != sentence.start and _YEAR_PREFIX.fullmatch(lead) else ""  # "2022年，……"
        approximate, other_year, target = _scope_flags(lead + text[scope_start : raw.start], after[:4], voc, year)
        quote_start = left_start if subject or relation else max(clause_start, left_start - 12)
        out.append(
            NarrativeFigure(
                value=raw.value,
                unit=raw.unit,
                kind=raw.kind,
                subject=subject,
                relation=relation,
                text=text[quote_start : raw.end].strip("，,、；; "),
                location=location,
                quote=text[sentence.start : sentence.end],
                segment=index,
                sentence=sentence_no,
                start=raw.number_start,
                end=raw.number_end,
                raw=raw.raw,
                depth=depths[raw.start] if raw.start < len(depths) else 0,
                approximate=raw.approximate or approximate,
                other_year=other_year and not change,
                target=target,
                per_unit=raw.per_unit,
                base=base,
                cell=cell,
            )
        )
        previous_end = raw.end
    return _carry_list_relation(out)


def _carry_list_relation(figures: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """After "其中" (or "分别为") the figures that follow in the sentence, at the same bracket depth and with no
    relation word of their own, are parts of the same list: "其中：基本支出61.41万元，…；项目支出93.88万元"."""
    from dataclasses import replace

    voc = vocabulary()
    lists = voc.relations["parts"] + voc.relations["respectively"] + voc.relations["includes"]
    carried: dict[tuple[int, int], tuple[str, str]] = {}
    out = []
    for i, f in enumerate(figures):
        key = (f.sentence, f.depth)
        for k in [k for k in carried if k[0] != f.sentence]:
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


def extract_narrative_figures(doc: SourceDocument) -> list[NarrativeFigure]:
    """Every figure of the document's paragraphs and table cells, in reading order, with its meaning."""
    from .tables import table_figures

    year = document_year(doc)
    out: list[NarrativeFigure] = []
    for index, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            out.extend(_segment_figures(doc, index, seg, normalize(seg.text), year))
        else:
            out.extend(table_figures(doc, index, seg, year, _segment_figures))
    return out
