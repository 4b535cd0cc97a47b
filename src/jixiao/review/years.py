"""The year a document evaluates (年度), read precision first: no year is better than a wrong one, which files
the document's findings under another year and may choose another year's rulebook.

Looked for in the document's head (its title, first paragraphs and its tables' title rows), in this order:
  1. "2021年度" — the year evaluated, as a self-evaluation names it;
  2. "2022年…" in a title or a sentence (a year from 2000), passing over what is not the year evaluated: a date
     (2021年4月), the start of a year or a season (年初, 秋季), a deadline or a target (2023年年底前, 到2025年), a
     year inside a document's name or number (《…(2022年修订)》, 〔2021〕), what a sentence says after turning to
     another year (同比, 上年: vocabulary.yaml other_year_words), a line that is only a date (a cover's "2025年"
     under "林芝市财政局制"); a list or range of years ("2021年、2022年", "2021-2022年") gives its last, the year
     the evaluation runs to;
  3. what kinds.py read under a label (项目年份 | 2017) or as a whole calendar year (facts.find_year);
  4. a self-evaluation's fill-in, evaluation or publication date (填报日期, 评价时间, 发布日期, or the date after the
     unit's name on its 填报单位 line) in January to October: the year before; so does the date its 落款 gives at
     its end ("大英县交通运输局 / 2024年3月10日").
     A self-evaluation is made once the year it evaluates is closed, in the spring and summer after it:
     "发布日期: 2025-04-29 … 红河州数据发展中心2024年度项目支出绩效单位自评报告" (https://www.hh.gov.cn/info/11481/
     1179592.htm, corpus n01); so a table filled in on 2022年8月10日 evaluates 2021 (corpus t07, t35, t60, n174).
     Only a document whose title says 自评: a budget (部门预算) is published in the year it budgets.
Chinese numerals are read as digits first ("二〇二二年" → 2022年).
"""

from __future__ import annotations

import re

from .source import SourceDocument
from .table import Table
from .vocabulary import norm, vocabulary

__all__ = [
    "digits_of_years",
    "stated_year",
    "title_years",
    "year_from_fill_date",
    "year_from_headings",
    "year_from_signature",
]

# 〇 as text recognition reads it too: the letter O ("二O二三年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九○ＯOo", "001234567890000")
_CN_YEAR = re.compile(r"[一二][〇零○ＯOo一二三四五六七八九]{3}(?=\s*年)")

# what cannot be a year evaluated: a document's number (〔2021〕7号), and for a bare "2022年" a document's name too
_NUMBER = re.compile(r"〔[^〕]{0,12}〕|\[\d{4}\]|［\d{4}］")
_NAME = re.compile(r"《[^》]{0,80}》")
# what a year's budget at its start holds: "长沙市城市建设档案馆2022年年初专项经费指标总额为84万元" (held-out n214) is
# the year's own money, not a date early in it ("2021年年初,省委、省政府印发了……", n147)
_BUDGETED = "预算|专项|指标|经费|资金|批复|安排"
# a year followed by these is a date or a part of a year, not the year evaluated; one preceded by 到 a target's
_NOT_YEAR_AFTER = (
    rf"\s*(?:\d{{1,2}}\s*月|[元一二三四五六七八九十]{{1,2}}月|年?初(?!{_BUDGETED})|年?[底末]前|[春夏秋冬]|上半年|下半年"
    r"|前|以前|以来|起|后|至今|内|修订)"
)
_YEAR = re.compile(rf"(?<![\d到])(20\d{{2}})\s*年(?!度)(?!{_NOT_YEAR_AFTER})")
_YEAR_OF = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[、—–\-~～至到和及与]\s*((?:19|20)\d{2})\s*年")
_CLAUSE_YEAR = re.compile(rf"[，,；;]\s*(20\d{{2}})\s*年(?!度)(?!{_NOT_YEAR_AFTER})")
_BARE_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*$")
_FILL_DATE = re.compile(
    r"(?:填报日期|填报时间|评价时间|评价日期|自评时间|发布日期|发布时间|发表时间|报送日期)\s*[:：]?\s*((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})"
)


_SPACES = re.compile(r"[ \t\u3000]+")  # a justified line's glyphs set apart ("2 0 2 1 年", a PDF's text layer)


def digits_of_years(text: str) -> str:
    """ "二〇二二年" → "2022年": a year written in Chinese numerals, as digits; "２０１６年" (full-width, a document
    typed with a full-width input method) too."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text.translate(_FULL_WIDTH))


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

# a year written with two digits in a title: "24年度部门整体支出绩效自评报告", "大英县民政局24年项目支出绩效自评报告"
_SHORT_YEAR = re.compile(r"(?<![\d.．/\-第近])([12]\d)(?=\s*年(?:度|部门|项目|单位|整体|预算|决算|绩效|专项|财政))")
_TITLE_WORDS = re.compile(r"自评|绩效|报告|决算|预算")


def title_years(text: str) -> str:
    """ "24年度" → "2024年度" in a title (a line of up to 60 characters that names a report, 自评, 绩效, 预算 or
    决算): a year written with its last two digits, 2010 to 2029. Elsewhere "24年" is a span ("工作24年"), no year."""
    if len(text.strip()) > 60 or not _TITLE_WORDS.search(text):
        return text
    return _SHORT_YEAR.sub(lambda m: "20" + m.group(1), text)


def _sentences(texts: list[str]) -> list[str]:
    """The head's sentences, each cut where it turns to another year: "2020年“三公”经费支出431万元,比上年减少…"
    keeps its year, "同比增加4,800.00元,2020年无此项预算" (corpus n84) loses the one after 同比."""
    words = vocabulary().words("other_year_words")
    out = []
    for text in texts:
        text = _NUMBER.sub("", title_years(digits_of_years(_SPACES.sub("", text))))
        if _BARE_DATE_LINE.match(text):
            continue  # a cover's date standing alone ("2025年", "2022年3月")
        for sentence in re.split(r"[。；;！!？?\n]", text):
            cut = min((i for i in (sentence.find(w) for w in words) if i >= 0), default=len(sentence))
            if sentence[:cut].strip():
                out.append(sentence[:cut])
    return out


def stated_year(texts: list[str]) -> int | None:
    """The year evaluated as the head states it (steps 1 and 2 above), None when it states none."""
    sentences = _sentences(texts)
    for sentence in sentences:  # "关于开展2022年度中央对地方转移支付…自评工作的通知" names it in a name too (n132)
        m = _YEAR_OF.search(sentence)
        if m:
            return _two_years_to(int(m.group(1)), sentences)
    for sentence in sentences:
        sentence = _NAME.sub("", sentence)  # 《…(2022年修订)》, 《2016年XX市…方案》: a document's year
        m = _YEAR.search(sentence)
        if m is None:
            continue
        for r in _RANGE.finditer(sentence):
            if r.start() <= m.start() < r.end() and 1 <= int(r.group(2)) - int(r.group(1)) <= 4:
                return int(r.group(2))  # "2021年、2022年", "2022-2023年": the year the evaluation runs to
        year = int(m.group(1))
        later = {int(y) for y in _CLAUSE_YEAR.findall(sentence[m.end() :])}
        # "2021年编外人员经费支出列入项目支出,2022年列入基本支出" (corpus n82): a sentence that sets the year before
        # against a year in a clause of its own speaks of the later; "2022年预算执行情况和2023年预算草案" (n52) of
        # the first
        return year + 1 if year + 1 in later else year
    return None


def _two_years_to(year: int, sentences: list[str]) -> int:
    """`year`, or the year after it when the head names the two as the span evaluated ("2021年、2022年山东省分别
    立项……" before "2.2021年度绩效目标 3.2022年度绩效目标", corpus n15; "2022-2023年全省……计划改造" over a
    "2022年度改造计划", n170): the evaluation runs to the later."""
    for sentence in sentences:
        for r in _RANGE.finditer(_NAME.sub("", sentence)):
            if int(r.group(1)) == year and int(r.group(2)) == year + 1:
                return year + 1
    return year


def year_from_fill_date(doc: SourceDocument, tables: list[Table], head: list[str]) -> int | None:
    """Step 4: a self-evaluation filled in or published in January to October evaluates the year before."""
    title = norm("".join(head[:4]) + "".join(x for t in tables[:1] for x in t.titles))
    if "自评" not in title:
        return None
    rows = ["\t".join(row) for t in tables for row in t.grid[:4]]  # 发布日期 | 2024-04-19 (corpus t60)
    for text in head + rows:
        closed = _SPACES.sub("", digits_of_years(text))
        m = _FILL_DATE.search(closed) or _UNIT_DATE.search(closed)
        if m and 1 <= int(m.group(2)) <= 10:
            return int(m.group(1)) - 1
    return None


# the date after the unit's name on its 填报单位 line, unlabelled: "填报单位（盖章）：大英县交通运输局 2024年3月10日"
_UNIT_DATE = re.compile(
    r"(?:填报|报送|编制)单位[^：:\d]{0,6}[:：][\u4e00-\u9fff（）()]{2,40}?((?:19|20)\d{2})(?:年|[-/.])(\d{1,2})"
)


_MONTHS = {m: i for i, m in enumerate("一二三四五六七八九十", start=1)} | {"十一": 11, "十二": 12}
_DATE_LABEL = re.compile(r"(?:报告|填报|编制|落款|报送)?(?:日期|时间)\s*[:：]\s*")
# the 落款's date on a line of its own or after the unit's name: "2024年3月10日", "二〇二四年三月十日", "2024.3.10"
_SIGNED_DATE = re.compile(
    r"(?:^|\s)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?"
    r"|[.．/]\s*(\d{1,2})\s*[.．/]\s*\d{1,2})\s*$"
)


def year_from_signature(doc: SourceDocument, head: list[str]) -> int | None:
    """Step 4 for the 落款: a self-evaluation signed in January to October, the date standing alone or after the
    unit's name among its last lines, evaluates the year before. A date inside a sentence is no signature."""
    title = norm("".join(head[:4]))
    if "自评" not in title:
        return None
    lines = [s.text.strip() for s in doc.paragraphs() if s.text.strip()][-4:]
    for line in lines:
        # the date's own label is no sentence: "日期：2025年3月10日", "大英县交通运输局（盖章） 时间：2025年3月"
        text = _DATE_LABEL.sub(" ", digits_of_years(line))
        m = _SIGNED_DATE.search(text)
        if not m or len(text) > 40 or re.search(r"[，,。；;：:]", text):
            continue
        month = m.group(2) or m.group(3)
        number = int(month) if month.isdigit() else _MONTHS.get(month, 0)
        if 1 <= number <= 10:
            return int(m.group(1)) - 1
    return None


# a part's heading that names the year its accounts or evaluation are of: "第二部分 2019年度部门决算报表", "三、2019年度
# 部门决算情况说明" (corpus n245, whose head describes the unit only) — not a plan for the next year
_HEADING_YEAR = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]{1,3}部分|[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])?\s*"
    r"((?:19|20)\d{2})\s*年度[^，,。；;：:]{0,24}(?:决算|预算|绩效|收支|自评|支出)[^，,。；;：:]{0,12}$"
)
_PLANNED = re.compile(r"计划|打算|安排|思路|草案|展望")


def year_from_headings(texts: list[str]) -> int | None:
    """The one year the document's part headings name as a year's accounts or evaluation (_HEADING_YEAR), None when
    they name none or two (a heading of the next year's plan is none)."""
    years = set()
    for text in texts:
        m = _HEADING_YEAR.match(_SPACES.sub("", digits_of_years(text)))
        if m and not _PLANNED.search(text):
            years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None
