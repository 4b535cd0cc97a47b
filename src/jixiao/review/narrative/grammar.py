"""The clause grammar that gives each number of a text its meaning: the subject it qualifies, the relation word
that ties it there, and the scope of its clause.

A report's sentence is cut into clauses at ，；：; a number's subject is the noun phrase between the clause's start
(or the previous figure, or an opening bracket) and the number, with scope words, copulas and relation words taken
off ("下达中央财政衔接资金1200万元" → 中央财政衔接资金, 下达). Then, in order: a count with nothing before it takes
the noun after its measure word ("28个展区"); "A、B分别为a、b" gives each figure its name; a target-table column
("年初目标值", "实际完成值") takes the indicator named before it; an amount named after it ("500万元为中央资金") takes
that name; a change or a share takes the level it is of. Words live in vocabulary.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from jixiao.model.problems import Location

from ..rx import any_of, rx
from .clauses import (
    AGENT_ONLY,
    CLOSE,
    ENUM_MARK,
    OPEN,
    YEAR_PREFIX,
    Sentence,
    bare_head,
    carry_list_relation,
    clean_subject,
    date_event,
    depths,
    distribute_respective,
    indicator_clause,
    noun_after,
    object_event,
    scope_flags,
    sentences,
    strip_words,
)
from .model import NarrativeFigure
from .tokens import Token, tokens
from .vocabulary import Vocabulary, vocabulary

__all__ = ["read_segment"]


@dataclass
class _Place:
    """Where a number stands: its sentence and clause, the text before it that may name it, and what follows."""

    sentence_no: int
    sentence: Sentence
    clause_start: int
    left_start: int
    left: str
    chain: bool  # right after another figure of the clause, with no comma, bracket or 、 between
    after: str


class _SegmentReader:
    """Reads the figures of one paragraph (or table cell) in order, carrying what a sentence has said so far."""

    def __init__(self, text: str, location: Location, index: int, year: int | None, cell: tuple[int, int] | None):
        self.voc = vocabulary()
        self.text, self.location, self.index, self.year, self.cell = text, location, index, year, cell
        self.sentences = sentences(text)
        self.sentence_starts = [s.start for s in self.sentences]
        self.depths = depths(text)
        self.out: list[NarrativeFigure] = []
        self.previous_end = 0
        self.last_sentence = -1
        self.names: list[str] = []  # "A、B、C分别为a、b、c": the names waiting for their figures
        self.last_noun = ""
        self.indicator, self.indicator_sentence, self.indicator_at = "", -1, 0
        self.flags: tuple[str, ...] = ()
        self._compare_year = _compare_year(self.voc.words["compare"], self.voc.words["last_year_words"])

    def read(self) -> list[NarrativeFigure]:
        for token in sorted(tokens(self.text, self.voc, self.year), key=lambda t: t.start):
            if self._short_year(token):
                continue
            place = self._place(token)
            self.flags = ()
            subject, relation = self._subject(token, place)
            if token.kind == "date" and not self._range_end(place):
                # "2022年11月29日,《……通知》下达我区……资金", "2020年7月,国务院办公厅发布《……》", "2019年8月,财政局
                # 下发文件批准建设": a date alone before a comma at the head of its sentence dates what the sentence
                # goes on to say (the document it dates, or the act and its agent)
                # (or alone between commas: "该项目于2020年6月20日完工,2020年9月29日,通过……验收组验收")
                head = place.clause_start == place.sentence.start or self.text[place.clause_start - 1] in "；;，,"
                opening = not place.left.strip() and head and re.match(r"[，,]", place.after) is not None
                after = place.after[1:] if opening else place.after
                subject = object_event(after) or date_event(after) or subject
                if _SIGNERS.fullmatch(subject):
                    subject = "报告日期"  # "…有限公司 二O一七年七月十五日 撰稿人:…": a cover's date, signers after it
            elif token.kind == "date":
                subject = object_event(place.after) or subject  # "至2022年11月27日对……开展绩效评价"
            label = (
                _DATE_LABEL.search(self.text, max(0, token.start - 12), token.start) if token.kind == "date" else None
            )
            if label is not None:
                subject = label.group(1)  # "发布日期: 2020-05-20  访问量:": the label before, not the one after
            subject, relation, base, change = self._change_or_share(token, place, subject, relation)
            subject = self._compared(token, place, subject)
            subject = _whole_word(subject, place.left)
            if not subject and relation in self.voc.relations["increase"] + self.voc.relations["decrease"]:
                subject = relation  # "因死亡等原因减少4户10人": a change that names nothing else is named by its word
            if token.kind == "date" and _CUTOFF.search(place.left):
                # "截至2024年12月31日,在职人员编制6人", "截止2024年12月统计": the cutoff (截止) of what the sentence
                # counts, or of the act right after the date
                subject = date_event(place.after) + "截止"
            self.out.append(self._figure(token, place, subject, relation, base, change))
            self.previous_end = token.end
        return distribute_respective(carry_list_relation(self._range_starts(self.out)))

    def _short_year(self, token: Token) -> bool:
        """ "24年乡村医生定额补助项目、……、24年农牧民体检经费" in a 2024 report: the year written with two digits at the
        head of a name, not a duration of 24 years (a bound or a time word around it keeps the duration)."""
        short = self.year % 100 if self.year else None
        if token.kind != "count" or token.unit != "年" or short is None or short < 10 or token.value != short:
            return False
        before, after = self.text[max(0, token.start - 3) : token.start], self.text[token.end : token.end + 2]
        bound = re.search(r"(?:不低于|不少于|超过|长达|为期|历时|用|满|近|约|达)$", before)
        return bound is None and re.match(r"[\u4e00-\u9fa5]", after) is not None and not _DURATION_AFTER.match(after)

    def _group_before(self, place: _Place) -> str:
        """The clause before a standard of so much a head, in its sentence: the group the standard is for."""
        starts = [s for s in place.sentence.clause_starts if s < place.clause_start]
        if not starts:
            return ""
        group = self.text[starts[-1] : place.clause_start].strip("，,；; ")
        group = re.sub(r"^(?:年满|凡|对|其中)", "", ENUM_MARK.sub("", group))
        return group if 2 <= len(group) <= 20 and not re.search(r"[。：:]", group) else ""

    def _bracketed_standard(self, place: _Place) -> str:
        """ "直接补助费197万元(每亩197元)": a standard in brackets right after an amount is that amount's rate."""
        prev, at = self._previous(place), place.left_start - 1
        if prev is None or at < 0 or self.text[at] not in OPEN or prev.kind != "amount":
            return ""
        return prev.subject if self.text[prev.end + len(prev.unit) : at] == "" else ""

    def _heading_sentence_before(self, place: _Place) -> str:
        """ "二是供餐标准。每生每天3元": a sentence of a few words with no figure, right before, names the topic."""
        if place.sentence_no == 0 or place.clause_start != place.sentence.start:
            return ""
        before = self.sentences[place.sentence_no - 1]
        words = ENUM_MARK.sub("", self.text[before.start : before.end].strip("。；;：: "))
        return words if 2 <= len(words) <= 12 and not re.search(r"[\d，,、]", words) else ""

    def _range_starts(self, figures: list[NarrativeFigure]) -> list[NarrativeFigure]:
        """ "年满70-79周岁老年人", "培训周期为3-6个月": the first number of a range is of what its second is of."""
        out = list(figures)
        for i in range(len(out) - 1):
            f, g = out[i], out[i + 1]
            between = self.text[f.end : g.start]
            if f.unit == g.unit and f.sentence == g.sentence and between in RANGE_MARKS and g.subject:
                out[i] = replace(f, subject=g.subject)
        return out

    def _range_end(self, place: _Place) -> bool:
        """ "2023年1月1日(至)2023年12月31日本级财政预算资金……": the end of a period; what follows is not its event."""
        prev = self._previous(place)
        between = self.text[self.previous_end : place.left_start + len(place.left)]
        return prev is not None and prev.kind == "date" and between.strip() in ("", "至", "到", "—", "-", "~", "～")

    def _place(self, token: Token) -> _Place:
        text = self.text
        # the sentences are in order and do not overlap: the last one starting at or before the token, if it runs on
        # past it, is the one it is in
        at = bisect_right(self.sentence_starts, token.start) - 1
        sentence_no = at if at >= 0 and token.start < self.sentences[at].end else 0
        sentence = self.sentences[sentence_no] if self.sentences else Sentence(0, len(text), [0])
        if sentence_no != self.last_sentence:
            self.names, self.previous_end, self.last_sentence = [], sentence.start, sentence_no
        clause_start = sentence.clause_start(token.start)
        depth = self.depths[token.start]
        opening = (
            max(
                (i + 1 for i in range(clause_start, token.start) if text[i] in OPEN and self.depths[i] <= depth),
                default=clause_start,
            )
            if _OPEN_CHAR.search(text, clause_start, token.start)
            else clause_start  # no bracket opens before it in its clause
        )
        # a 、 after a figure of this clause starts the next item ("甲100万元、乙200万元"); a 、 between names of money
        # shares the head after them ("收入、支出决算总计", "收、支总计各增加"): the left context runs on across it. A
        # count keeps the last name ("提供心理疏导、减压服务10143人次" counts 减压服务, not a list of two)
        named = token.kind != "count" and self.previous_end <= clause_start
        after_figure = token.start if named else clause_start
        last_mark = text.rfind("、", max(clause_start, after_figure), token.start)  # the last 、 before it
        listed = last_mark + 1 if last_mark >= 0 else clause_start
        left_start = max(clause_start, self.previous_end, opening, listed)
        chain = self.previous_end > clause_start and self.previous_end >= opening and self.previous_end >= listed
        return _Place(
            sentence_no, sentence, clause_start, left_start, text[left_start : token.start], chain, text[token.end :]
        )

    def _previous(self, place: _Place) -> NarrativeFigure | None:
        last = self.out[-1] if self.out else None
        return last if last is not None and last.sentence == place.sentence_no else None

    def _subject(self, token: Token, place: _Place) -> tuple[str, str]:
        voc, left = self.voc, place.left
        # "46,412人次(2013年末……)符合救助政策的患者": an aside in brackets stands between the count and its noun
        after = re.sub(r"^[（(][^（()）]*[)）]", "", place.after)
        if token.unit.endswith(_SPANS):
            after = re.sub(r"^以?内", "", after)  # "在30个工作日内完成": the bound of a span names nothing
        if token.unit.endswith(("岁", "年", "个月", "层")):
            # "年满70周岁以上的老年人", "结转两年以上的资金": an age or a duration is of the noun after its bound;
            # "4层的复式标准厂房": so are a building's storeys
            after = re.sub(r"^(?:及?以[上下])?的?", "", after)
        if token.kind == "count":
            # "新建3栋4层的复式标准厂房": a second measure of the same things stands between a count and its noun;
            # "建成市级特色小镇20个左右的具体目标", "服务站30个以上": so does a bound, which names nothing
            after = _BOUND_AFTER.sub("", _SECOND_MEASURE.sub("", after))
        # "100个“家庭清洁行动”村": the quoted name is part of the noun
        # "县交通运输局、应急管理局和县交警大队三部门联合组成": a measure that is the thing counted takes no noun after
        # it when the names before it list them all (not "甲等十一部门", a list cut short)
        listed_all = token.unit in voc.words["noun_measures"] and re.search(r"[、和及][^、，,；;。]{2,20}$", place.left)
        counted = token.kind == "count" and not (listed_all and not place.left.endswith("等"))
        noun = noun_after(_QUOTES.sub("", after[:40]), voc) if counted else ""
        subject, relation = clean_subject(left, voc)
        if noun.startswith("进行"):
            # "西平优质小麦共计28000亩进行补贴": what is done to the things counted names them only when nothing
            # before the count does ("……1256点次进行隐患点实地排查")
            noun = "" if subject else noun[2:]
        relation = self._list_word_before_clause(place, relation)
        prev = self._previous(place)
        if place.chain and prev is not None and self.last_noun and left.startswith(self.last_noun):
            # "年初批复预算8个项目985万元": the words between are the previous count's noun; "11个乡镇拨付X补助资金
            # 60万元": after the noun a verb and its object name the amount
            rest = clean_subject(left[len(self.last_noun) :], voc)[0]
            subject = (rest if len(rest) >= 3 else prev.subject) if token.kind != "count" else ""
            heads = token.unit in _HEADS and prev.unit not in _HEADS
            if token.kind == "count" and not rest and prev.kind == "count" and heads:
                # "受益人群三个嘎查261人": the people of the places just counted are what the clause is about, when
                # it names people ("项目覆盖3个村526户" keeps the households of the 村)
                topic = clean_subject(prev.text[: len(prev.text) - len(prev.raw) - len(prev.unit)], voc)[0]
                subject = topic if _PEOPLE.search(topic) else subject
        # "支出合计1730.91万元": a stage word before 合计 is the noun the total is of, not a verb
        named_total = relation in voc.relations["total"] and subject in voc.relations["stage_verbs"]
        if (subject in voc.relations["verbs"] or subject in voc.relations["stage_verbs"]) and not named_total:
            # "完成预算的100%": a rate of what a verb did to a stage of the budget is of both words
            staged = subject in voc.relations["stage_verbs"]
            done = token.kind == "rate" and relation in voc.relations["verbs"] and staged
            relation, subject = relation or subject, relation + subject if done else ""
        verb = next((w for w in voc.relations["verbs"] if left.endswith(w)), "") if token.kind == "amount" else ""
        if verb:  # "共下达5404万元中央资金用于……": the verb's object is named after the amount
            money = [w for w in voc.money_words if w not in voc.relations["stage_verbs"] and not w.endswith("元")]
            governed = re.match(rf"[\u4e00-\u9fa5]{{0,8}}?(?:{'|'.join(money)})", place.after)
            if governed and not re.search(r"[已均全被将]", governed.group(0)):
                subject, relation = governed.group(0), relation or verb
        if any(w in left for w in voc.relations["respectively"]):
            head = re.split("|".join(voc.relations["respectively"]), left)[0]
            self.names = [n for n in re.split(r"[、和及]", clean_subject(head, voc)[0]) if n]
            relation = "分别为"
        if prev is not None and re.fullmatch(r"[~～\-－—至到×]", left):
            subject = prev.subject  # the end of a range or a size: "4.0~4.3米"
        same_item = self.text[place.left_start - 1 : place.left_start] not in ("；", ";")
        if (
            not subject
            and not relation
            and prev is not None
            and not left.strip("、，,")
            and prev.unit != token.unit
            and same_item
        ):
            subject = prev.subject  # "芦柴湖办事处3户、3台套": a second measure of the same thing (not after a ；)
        listed = (
            self.text[place.left_start - 1 : place.left_start] == "、" and self.previous_end == place.left_start - 1
        )
        if not subject and not relation and prev is not None and not left and listed and prev.unit == token.unit:
            subject = prev.subject  # "缴费标准设为每年100元、200元、300元": values of one thing
        if prev is not None and listed and prev.unit == token.unit and left.strip() in _GOAL_VERBS and prev.subject:
            subject, relation = prev.subject, left.strip()  # "地区生产总值增长8%、力争9%": the stretch goal of the same
        if not subject and self.names:
            subject = self.names.pop(0) if len(self.names) > 1 else self.names[0]
        if noun:
            conjunction = left.endswith(voc.words["conjunctions"]) or relation in voc.relations["verbs"]
            # "火化车间部门、……、办公室、财务室4个部门": the count is of the names listed before it, its noun alone
            # names them (not the last name); a figure's own list ("道路3条、桥梁2座") is `listed`
            names = self.text[place.left_start - 1 : place.left_start] == "、" and not listed and bool(subject)
            subject = noun if not subject or conjunction or names else subject + noun
        self.last_noun = noun
        subject = subject or self._named_by_colon(place, relation) or self._named_before_bracket(token, place)
        if AGENT_ONLY.fullmatch(subject):  # "2、县档案馆建设项目资金:2016年县财政拨款427.36万元": who paid, not what
            subject = self._named_by_colon(place, "") or subject
        of_before = relation == "" or relation in voc.relations["total"]  # "拨付金额" is another amount
        if (
            of_before
            and subject in voc.words["amount_of"]
            and prev is not None
            and prev.subject.endswith(voc.money_words)
        ):
            subject = prev.subject  # "……林业补助资金共16项,金额合计333,001万元": the amount of that 资金
        head = bare_head(subject, voc)
        if head:  # "……缴费支出(项)：支出决算为67.64万元": the clause before the colon names that 支出
            named = self._named_by_colon(place, "")
            subject = named if named.endswith(head) and len(named) > len(head) else subject
        subject = self._indicator(token, place, subject)
        if token.kind == "amount" and re.fullmatch(r"(?:每[\u4e00-\u9fa5]){1,3}(?:发放|补助|补贴)?", subject):
            # "年满70-79周岁老年人，每人每月发放50元"; "二是供餐标准。每生每天3元": the group, or the short sentence
            # before that names the standard
            bracketed = self._bracketed_standard(place)
            if bracketed and re.fullmatch(r"每[\u4e00-\u9fa5]", subject) and "/" not in token.unit:
                self.flags += (f"per:{subject[1]}",)  # "直接补助费197万元(每亩197元)": 197元 an 亩
            subject = bracketed or self._group_before(place) or self._heading_sentence_before(place) or subject
        if not subject and relation in voc.relations["total"]:
            subject = self._of_the_count_before(token, place)  # "产业类项目5个,共计4197万元"
        subject = self._fallback(token, place, subject)
        if not subject and token.kind == "amount" and (relation in voc.relations["total"] or not relation):
            subject = self._amount_of_previous(place)  # "市级预算安排80%计260万元", "费用成本每亩4000元,计12万元"
        if not subject and token.kind == "amount" and relation in voc.words["totals_closing"]:
            subject = self._topic(place)  # "开展农村文化活动，……分配至甲a万元，乙b万元，共计X万元"
        standard = _STANDARD_AFTER.match(place.after) if token.kind == "amount" else None
        if standard is not None:
            subject = standard.group(1)  # "每人每亩财政给予100元的小麦种植补贴标准": the standard the amount is
        return self._labelled(token, place, subject), relation

    def _labelled(self, token: Token, place: _Place, subject: str) -> str:
        """ "3、能繁母猪:全县2020年计划和实际投保38112头", "及时发现隐患和薄弱环节:一个季度报送一次": the label before
        the colon names what the figures of the clause after it are of, when the clause's own words do not (a label
        the clause repeats, "(一)收入预算:2025年收入合计…", adds nothing; nor does one before money the clause
        names)."""
        if token.kind == "date":
            return subject
        head = self.text[place.sentence.start : place.clause_start]
        if not head.endswith(("：", ":")):
            return subject
        label = ENUM_MARK.sub("", head[:-1].strip()).strip()
        if not 2 <= len(label) <= 16 or re.search(r"[\d，,；;。、（）()《》“”]", label):
            return subject
        if label.endswith(tuple(self.voc.words["heading_labels"])):
            return subject  # "数量指标:完成道路建设491米": a group of indicators, not what the figure is of
        if any(label[i : i + 2] in subject for i in range(len(label) - 1)):
            return subject
        if any(w in subject for w in self.voc.money_words):
            return subject  # "时效指标:……收到资金合计149.63万元": money the clause names is named
        return label + subject

    def _of_the_count_before(self, token: Token, place: _Place) -> str:
        """ "产业类项目5个,共计4197万元", "一个季度开展工作督导一次,共4次": a total whose own clause names nothing,
        right after a count in the clause before, the only figure of its kind in the sentence so far, is of the things
        that count counts (their money, or all of them). After a list of figures the total closes the list instead."""
        prev = self._previous(place)
        if prev is None or prev.kind != "count" or not prev.subject:
            return ""
        before = [f for f in self.out if f.sentence == place.sentence_no and f is not prev]
        if any(f.unit == token.unit if token.kind == "count" else f.kind == token.kind for f in before):
            return ""  # a figure of its own kind before: the total closes a list
        clause_before = place.sentence.clause_start(place.clause_start - 1)
        if place.clause_start <= place.sentence.start or prev.start < clause_before:
            return ""
        same_measure = token.kind == "count" and token.unit == prev.unit
        return prev.subject if token.kind == "amount" or same_measure else ""

    def _amount_of_previous(self, place: _Place) -> str:
        """ "市级预算安排80%计260万元", "A、B等费用成本每亩4000元,计12万元": a total right after a share or a
        standard is the amount it comes to, of the same thing; so is an amount right after "x%为"."""
        prev = self._previous(place)
        between = self.text[self.previous_end : place.left_start + len(place.left)]
        per_unit = prev is not None and (prev.per_unit or re.search(r"每[\u4e00-\u9fa5]{1,2}$", prev.subject))
        if prev is None or not (prev.kind == "rate" or per_unit) or re.search(r"[\d。；;]", between):
            return ""
        comes_to = prev.kind == "rate" and between.strip() == "为"  # "中央财政补贴47.5%为614.39万元"
        if not comes_to and not between.strip("，, ").removeprefix("共").startswith(("计", "合计", "总计")):
            return ""
        named = re.sub(r"每[\u4e00-\u9fa5]{1,2}$", "", prev.subject)
        named = re.sub(r"^(?:扣除|减去|减除|其中)", "", named.split("等")[-1] if "等" in named else named)
        return named if len(named) >= 2 else ""

    def _topic(self, place: _Place) -> str:
        """What a sentence is about when its first clause names it and holds no figure: the object of its last verb
        ("根据……通知开展农村文化活动" → 农村文化活动)."""
        sentence = place.sentence
        ends = [s for s in sentence.clause_starts if s > sentence.start]
        if not ends or ends[0] > place.clause_start:
            return ""
        first = re.sub(r"[（(][^（()）]*[)）]|《[^》]*》|〔[^〕]*〕\d*号", "", self.text[sentence.start : ends[0]])
        first = ENUM_MARK.sub("", first.strip("，,、；;：: "))
        if re.search(r"\d", re.sub(r"(?:19|20)\d\d年度?", "", first)):
            return ""
        verbs = [w for w in self.voc.relations["verbs"] if w in first]
        if verbs:
            first = first[max(first.rfind(w) + len(w) for w in verbs) :]
        first = first.removeprefix("根据").strip("，,、；;：: 的")
        return first[-16:] if len(first) >= 2 else ""

    def _list_word_before_clause(self, place: _Place, relation: str) -> str:
        """ "其中：基本支出……": the list word ends the clause before."""
        if (
            relation and relation not in self.voc.relations["stage_verbs"]
        ) or place.clause_start <= place.sentence.start:
            return relation
        before = self.text[max(place.sentence.start, place.clause_start - 6) : place.clause_start - 1]
        listed = (w.rstrip("：:") for w in self.voc.relations["parts"] + self.voc.relations["respectively"])
        return next((w for w in listed if before.endswith(w)), relation)

    def _named_before_bracket(self, token: Token, place: _Place) -> str:
        """ "用于实施“甲项目”(723万元)和“乙项目”(577万元)", "…合作购买项目(404套)": an amount or a count alone in
        brackets is the amount or the count of the name right before the bracket."""
        text, at = self.text, place.left_start - 1
        if token.kind not in ("amount", "count") or place.left or at < 0 or text[at] not in OPEN:
            return ""
        if text[token.end : token.end + 1] not in CLOSE:
            return ""
        start = max(place.clause_start, self.previous_end)
        before = text[start:at]
        before = re.split(r"[、，,；;]", before)[-1]
        name = re.search(r"[“\"]([^“”\"]{2,60})[”\"]$", before)
        return name.group(1) if name else clean_subject(before, self.voc)[0]

    def _named_by_colon(self, place: _Place, relation: str) -> str:
        """ "1.产出指标完成情况:100%": the clause before the colon names the figure."""
        start, sentence = place.clause_start, place.sentence
        if relation or place.left_start != start or start <= sentence.start or self.text[start - 1] not in "：:":
            return ""
        if self.previous_end > sentence.clause_start(start - 1):
            return ""
        return clean_subject(self.text[sentence.clause_start(start - 1) : start - 1], self.voc)[0]

    def _indicator(self, token: Token, place: _Place, subject: str) -> str:
        """A column of a target table ("年初指标值", "实际完成值") stands for the indicator named before it."""
        bare, value_word = strip_words(subject, self.voc.value_words, head=False)
        bare, _ = strip_words(bare, self.voc.words["value_qualifiers"], head=False)
        if value_word and len(bare) >= 2:
            subject = bare  # "……比例年初指标值为不低于85%" → ……比例
        elif value_word:
            # "X指标值1000元，全年实际完成值1000元" → X; "1.免疫密度，年初目标值≥90%" → the item's first clause
            same = self.indicator_sentence == place.sentence_no and self.indicator
            after = self.indicator_at if same else 0
            named, _ = indicator_clause(self.text, place.sentence, place.clause_start, self.voc, after)
            subject = named or (self.indicator if same else subject)
            prev = self._previous(place)
            if not named and not same and place.chain and prev is not None and prev.kind == token.kind:
                subject = prev.subject  # "X发放指标为100%实际完成值为100%": the actual of the same X
        if value_word:
            self.indicator, self.indicator_sentence, self.indicator_at = subject, place.sentence_no, token.end
        return subject

    def _fallback(self, token: Token, place: _Place, subject: str) -> str:
        """Where nothing before the number names it: the words after it, the clause before, the bare left text."""
        voc, text = self.voc, self.text
        if not subject and token.kind == "amount":
            tail = 1 if place.after.startswith(("为", "是")) else 0
            subject = noun_after(place.after[tail:], voc, 30)  # "其中500万元为中央水利发展资金"
        start, sentence = place.clause_start, place.sentence
        if not subject and token.kind == "amount":
            # "……列入2022年部门预算,2022年已完成支付3483万元": what the clause did with the money names it
            bare = ENUM_MARK.sub("", YEAR_PREFIX.sub("", place.left.strip("，,、；;：: ")))
            paid = re.search(r"(?:支付|拨付|报账|兑付|发放)$", bare)
            if paid and len(bare) <= 8:
                subject = strip_words(bare, voc.leading_words, head=True)[0]
        if not subject and token.kind != "date" and start > sentence.start:
            # "……农机购置补贴资金，共计84.47万元": the clause before names it
            prior = sentence.clause_start(start - 1)
            if prior < start:
                opened = max((i + 1 for i in range(prior, start) if text[i] in OPEN), default=prior)
                subject = clean_subject(text[max(prior, self.previous_end, opened) : start - 1], voc)[0][-16:]
        if not subject and token.kind != "date":
            bare = ENUM_MARK.sub("", YEAR_PREFIX.sub("", place.left.strip("，,、；;：: ")))
            subject = strip_words(bare, voc.leading_words, head=True)[0]
            subject = strip_words(subject, voc.copulas + voc.relations["total"], head=False)[0]
        prev = self._previous(place)
        if not subject and token.kind == "count" and prev is not None and prev.kind == "count" and prev.subject:
            # "新建农产品储存冷藏库10个,约50000立方米": another measure of the things counted in the clause just before
            between = text[self.previous_end : place.clause_start]
            bare = place.left.strip()
            if between.strip() in ("，", ",") and prev.unit != token.unit and (not bare or bare in voc.approximate):
                subject = prev.subject
        if not subject and token.kind == "count":
            subject = token.unit.lstrip("万亿")
        return subject

    def _change_or_share(self, token: Token, place: _Place, subject: str, relation: str) -> tuple[str, str, str, str]:
        """增长/减少/超任务/占: the relation word, what the figure is compared with, and the level it is of."""
        voc, left = self.voc, place.left
        changes = voc.relations["increase"] + voc.relations["decrease"]
        # 减, 增: only right before the number
        found = any_of(changes).search(left) is not None  # a word ending the text is in it too
        change = next((w for w in changes if (w in left if len(w) > 1 else left.endswith(w))), "") if found else ""
        if change and _in_name(left, change, voc):
            change = ""
        exceed = next((w for w in voc.relations["exceed"] if w in left), "") if token.kind == "rate" else ""
        share = next((w for w in voc.relations["share"] if w in left), "") if token.kind == "rate" else ""
        base = ""
        if exceed:
            relation, base = exceed, re.sub(r"^超(?:出|额完成)?", "", exceed)
        elif change:
            relation = change
            compare = "|".join(map(re.escape, voc.words["compare"]))
            m = re.search(rf"(?:{compare})(.{{0,8}}?)(?:相比)?(?:{re.escape(change)})", left)
            base = m.group(1) if m else ("上年" if "同比" in change else "")
            # "支出合计387.82万元，较上年决算数减少125.51万元，下降24.5%": the change is of the level before it
            subject = re.sub(rf"(?:相比|{compare}).*$", "", subject).removesuffix(change)
            subject = "" if subject in voc.words["last_year_words"] else subject  # "与上年下降7.6%"
            # "收、支总计各增加96.21万元": each of the things named grew by that much; its level is each one's,
            # and the subject is the words before 各
            stem = re.sub(rf"(?:(?:相比|{compare}).*)?{re.escape(change)}$", "", left)
            if stem.endswith(tuple(voc.words["distributive"])):
                self.flags = (*self.flags, "each")
                subject = clean_subject(stem[:-1], voc)[0] or subject
        elif share:
            relation = "占"
            base = re.sub(r"(的|比重|比例|比|为|达)+$", "", left[left.rfind(share) + len(share) :]).lstrip("总全")
            if share in ("占总", "占全"):
                base = share[-1] + base
        prev = self._previous(place)
        of_base = token.kind == "rate" and left == "的" and prev is not None  # "完成年初预算数60999万元的40.4%"
        if change and not subject and token.kind != "rate":
            level = self._level(place, changes) or prev
            named = self._named_between(place, level.end if level is not None else place.sentence.start)
            if named:  # "……；公务接待费支出决算比预算无增减变化，比去年增加0.5万元": the change is 公务接待费's
                self.flags = (*self.flags, "named_apart")
                return named, relation, base, change
        if (change or share or of_base) and prev is not None:
            level = self._level(place, changes)
            if change and token.kind == "rate" and prev.relation in changes and "named_apart" in prev.flags:
                level = prev  # "比去年增加0.5万元，增长50%": the rate is of the change's own subject
            subject = subject if subject and not share and not of_base else (level or prev).subject
            if share and base:  # "税务部门完成13,866万元，占一般公共预算收入的48.51%" → 税务部门占一般公共预算收入
                verbs = voc.relations["verbs"] + voc.relations["stage_verbs"]
                named = next(
                    (subject[: -len(v)] for v in verbs if subject.endswith(v) and len(subject) > len(v)), subject
                )
                subject = f"{named}占{base}"
        elif change and not subject:
            # "……收入382.17万元，为……资金。较2020年度决算数减少157.86万元": the level of the sentence before
            level = self._level(place, changes, place.sentence_no - 1)
            subject = level.subject if level is not None else subject
        return subject, relation, base, change

    def _named_between(self, place: _Place, after: int) -> str:
        """The subject a clause between a level and a change names of its own, with no figure in it:
        "其中，公务用车运行维护费支出决算比预算无增减变化，比去年增加1.05万元" speaks of 公务用车运行维护费,
        not of the level."""
        compare = "|".join(map(re.escape, self.voc.words["compare"]))
        starts = [s for s in place.sentence.clause_starts if after <= s < place.clause_start]
        if not starts:
            return ""
        ends = [*starts[1:], place.clause_start]
        for start, end in zip(reversed(starts), reversed(ends), strict=True):
            clause = self.text[start : end - 1]
            if re.search(r"\d", clause):
                return ""
            m = re.search(rf"(?:{compare})", clause)
            if m is None:
                continue
            named = clean_subject(clause[: m.start()], self.voc)[0]
            if len(named) >= 2 and named not in self.voc.relations["verbs"]:
                return named
        return ""

    def _compared(self, token: Token, place: _Place, subject: str) -> str:
        """ "……支出251万元，比上年累计支出285万元": the amount after 比上年 is last year's level of the same thing."""
        if token.kind not in ("amount", "count") or not self._compare_year.match(place.left):
            return subject
        self.flags = (*self.flags, "compared", "other_year")
        level = self._level(place, self.voc.relations["increase"] + self.voc.relations["decrease"])
        return level.subject if level is not None and level.subject else subject

    def _level(self, place: _Place, changes: tuple[str, ...], sentence: int | None = None) -> NarrativeFigure | None:
        """The level a sentence is about: its last amount or count that is not a change nor the base of a share."""
        sentence = place.sentence_no if sentence is None else sentence
        for f in reversed(self.out):
            if f.sentence != sentence or f.kind not in ("amount", "count") or f.relation in changes:
                continue
            at = f.quote.find(f.text)
            if at >= 0 and f.quote[at + len(f.text) : at + len(f.text) + 1] == "的":
                continue
            return f
        return None

    def _figure(
        self, token: Token, place: _Place, subject: str, relation: str, base: str, change: str
    ) -> NarrativeFigure:
        text, sentence = self.text, place.sentence
        clause_start = place.clause_start
        scope_start = sentence.start if clause_start == sentence.clause_starts[0] else clause_start
        lead = text[sentence.start : sentence.clause_starts[1] - 1] if len(sentence.clause_starts) > 1 else ""
        lead = lead if scope_start != sentence.start and YEAR_PREFIX.fullmatch(lead) else ""  # "2022年，……"
        # "2016年度支出合计628万元，其中：基本支出230万元，占总支出的37%": the year the sentence opens with is the
        # year of all its figures (a year alone, not a date)
        opening = _SENTENCE_YEAR.match(text, sentence.start)
        lead = lead or (opening.group(0) if opening and scope_start != sentence.start else "")
        approximate, other_year, target = scope_flags(
            lead + text[scope_start : token.start], place.after[:4], self.voc, self.year
        )
        quote_start = place.left_start if subject or relation else max(clause_start, place.left_start - 12)
        per = next((f.split(":", 1)[1] for f in self.flags if f.startswith("per:")), "")
        unit = f"{token.unit}/{per}" if per else token.unit
        if token.kind == "count" and token.unit in ("m", "米", "km", "公里") and subject.endswith("面积"):
            # "总建筑面积为68540.39m": an area whose ² was lost (the same area is printed "68540.39㎡" elsewhere)
            unit = "㎡" if token.unit in ("m", "米") else "km²"
        return NarrativeFigure(
            value=token.value,
            unit=unit,
            kind=token.kind,
            subject=subject,
            relation=relation,
            text=text[quote_start : token.end].strip("，,、；; "),
            location=self.location,
            quote=text[sentence.start : sentence.end],
            segment=self.index,
            sentence=place.sentence_no,
            start=token.number_start,
            end=token.number_end,
            raw=token.raw,
            depth=self.depths[token.start] if token.start < len(self.depths) else 0,
            approximate=token.approximate or approximate,
            other_year=(other_year and not change) or "other_year" in self.flags,
            target=target,
            per_unit=token.per_unit or bool(per),
            base=base,
            cell=self.cell,
            flags=tuple(f for f in self.flags if f != "other_year" and not f.startswith("per:")),
        )


_SENTENCE_YEAR = re.compile(r"(?:19|20)\d\d年度?(?![\d底末初])")
_HEADS = ("人", "人次", "户", "名", "位")  # measure words of people
_GOAL_VERBS = ("力争", "争取", "力求", "确保")
_SIGNERS = re.compile(r"(?:撰稿|编制|编写|填报|审核|复审|终审|复核|审定|报告)人")
_PEOPLE = re.compile(r"(?:人群|群众|对象|人口|居民|农户|牧民|村民|人员|学生|儿童|老人|职工|边民)$")
_DURATION_AFTER = re.compile(r"以[上下内来]|[内来后前多余间]|时间|左右|的")
# a label that names the date right after it ("发布日期:", "成文日期", "填报时间：")
_DATE_LABEL = re.compile(r"([\u4e00-\u9fa5]{0,4}(?:日期|时间))[:：]?\s*$")


def _whole_word(subject: str, left: str) -> str:
    """ "实有30人", "离退休原有42人", "截至2024年12月31日", "调减40万元", "下达71万元": a word is not cut before the
    character it ends with because that character is also a copula or a change (有, 至, 达, 增, 减)."""
    kept = re.escape(subject)
    if (len(subject) == 1 and re.search(kept + r"[有至达增减]$", left)) or (
        subject.endswith(("实", "现", "原")) and left.endswith(subject + "有")
    ):
        return subject + left[-1]
    return subject


_STANDARD_AFTER = re.compile(r"^的?([\u4e00-\u9fa5]{0,12}?标准)")
_CUTOFF = re.compile(r"截[至止](?:到|至)?$")
_QUOTES = re.compile(r"[“”‘’\"]")
_SPANS = ("工作日", "个月", "天", "日", "周", "年", "小时", "分钟", "秒")
_BOUND_AFTER = re.compile(r"^(?:左右|上下|以上|以下|以内)")
_SECOND_MEASURE = re.compile(r"^(?:\d+|[一二两三四五六七八九十]+)[层栋幢间座]的?(?=[\u4e00-\u9fa5])")


@lru_cache(maxsize=8)
def _compare_year(compare_words: tuple[str, ...], year_words: tuple[str, ...]) -> re.Pattern[str]:
    """ "比上年", "与2022年度的": a comparison with another year opening the words after a figure, made once."""
    compare = "|".join(map(re.escape, compare_words))
    years = "|".join(map(re.escape, year_words))
    return rx(rf"^(?:{compare})(?:{years}|(?:19|20)\d\d年(?:度)?(?:的)?)(?!相比|增|减|下降|上升|提高|降低|分别|各|均)")


_OPEN_CHAR = rx("[" + re.escape(OPEN) + "]")


def _in_name(left: str, change: str, voc: Vocabulary) -> bool:
    """ "布达拉宫消防提升工程项目1613万元": a change word inside a name, with nothing it is compared with."""
    after = left[left.rfind(change) + len(change) :]
    compared = any(w in left for w in voc.words["compare"])
    return not compared and bool(after) and after.endswith(tuple(voc.words["name_heads"]))


RANGE_MARKS = ("-", "~", "～", "—", "－", "至", "到")


def read_segment(
    text: str, location: Location, index: int, year: int | None, cell: tuple[int, int] | None = None
) -> list[NarrativeFigure]:
    """The figures of one normalized paragraph or table cell, with their meaning."""
    return _SegmentReader(text, location, index, year, cell).read()
