"""Facts a document states about itself: its grade, year, department and the reason for its budget change."""

from __future__ import annotations

import re

from .rx import rx
from .source import Segment, SourceDocument
from .table import _is_header
from .vocabulary import norm, vocabulary
from .years import digits_of_years

__all__ = [
    "about_another_year",
    "find_adjustment_reason",
    "find_department",
    "find_grade",
    "find_year",
    "is_column_heading",
]

_GRADE = rx(r"(?:评价|自评)?等级为?\s*[“\"]?(优秀|优|良好|良|中|差)")


def find_grade(doc: SourceDocument) -> tuple[str, Segment] | None:
    for seg in doc.paragraphs():
        m = _GRADE.search(seg.text)
        if m:
            return {"优秀": "优", "良好": "良"}.get(m.group(1), m.group(1)), seg
    return None


def _table_heads(doc: SourceDocument) -> list[list[str]]:
    """Each table's head: its rows down to its first header row (年初预算数 | 全年预算数 | …, 一级指标 | … | 分值),
    and at least its first 8 rows. A long title block (a county's name, the 填报单位 and 填报日期 rows, a note
    on the form) can push the row that states the year below the 8th; the rows under a header are the table's
    own figures and targets, where a "2021年度" is a target's, not the year evaluated."""
    out = []
    for table in doc.tables():
        first_header = next((i for i, row in enumerate(table.rows) if _is_header(list(row))), len(table.rows))
        out += [list(row) for row in table.rows[: max(8, first_header)]]
    return out


# a period that is one whole calendar year: "项目起止时间 | 2016年1月起至2016年12月止" (corpus t34, t45, t53)
# — or written with dots: "2023.1-2023.12", "2023.01.01—2023.12.31", "2023/1至2023/12"
_WHOLE_YEAR = rx(
    r"(20\d\d)\s*年\s*(?:0?1|元|一)\s*月[^至到~～—-]{0,4}[至到~～—-]+\s*(20\d\d)\s*年\s*(?:12|十二)\s*月"
    r"|(20\d\d)\s*[.．/]\s*0?1(?:\s*[.．/]\s*0?1)?\s*[至到~～—–-]+\s*(20\d\d)\s*[.．/]\s*12(?!\d)"
    # ISO dates: "2023-01-01至2023-12-31"
    r"|(20\d\d)-0?1-0?1\s*[至到~～—–]+\s*(20\d\d)-12-31"
    # the year written once: "2023年1月-12月", "2023年1-12月", "2023年1月至12月" (one year's months, not a span)
    r"|(20\d\d)\s*年\s*(?:0?1|元|一)\s*月?\s*(?:1日|一日)?\s*[至到~～—–-]+\s*(?:12|十二)\s*月(?!份?[至到~～—–-])"
)


def _one_year(m: re.Match[str] | None) -> int | None:
    """The year of a _WHOLE_YEAR match that begins and ends in the same year."""
    if not m:
        return None
    if m.group(7):
        return int(m.group(7))
    start, end = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
    return int(start) if start == end else None


# the period a project ran, anywhere in the report: "该项目实施期为2019年元月至2019年12月" (corpus n38)
_RUN_PERIOD = rx(r"(?:实施期|实施周期|实施时间|执行期|起止时间)[为是:：\s]*")


def find_year(doc: SourceDocument) -> int | None:
    """The year evaluated: the first "20XX年度" in the first paragraphs or a table's head (_table_heads), else a
    period there that is one whole calendar year (2016年1月…至2016年12月), else the project's run, anywhere in the
    report, when it is one whole calendar year ("该项目实施期为2019年元月至2019年12月", corpus n38)."""
    texts = [seg.text for seg in doc.paragraphs()[:10]] + [c for row in _table_heads(doc) for c in row]
    texts = [digits_of_years(t) for t in texts]  # "二〇二一年度", "２０１６年１月" (full-width digits)
    for text in texts:
        m = re.search(r"(20\d\d)\s*年度", text)
        if m:
            return int(m.group(1))
    for text in texts:
        year = _one_year(_WHOLE_YEAR.search(text))
        if year:
            return year
    for seg in doc.paragraphs():
        text = digits_of_years(seg.text)
        m = _RUN_PERIOD.search(text)
        year = _one_year(_WHOLE_YEAR.match(text, m.end()) if m else None)
        if year:
            return year
    return None


def is_column_heading(value: str) -> bool:
    """A column's heading (编制数, 实有人数, 年度指标值: vocabulary.yaml columns and kinds' header words; a heading
    that gives its money unit, "预算资金(万元)" beside 实施单位 in a list of projects, corpus n200), no unit's name."""
    vocab = vocabulary()
    n = norm(value)
    headers = {norm(w) for k in vocab.raw["kinds"].values() for w in k.get("header", [])}
    return (
        n in headers
        or vocab.column_match(value)[1] == 3
        or bool(_MONEY_UNIT.search(value))
        or bool(_INFO_FIELD.fullmatch(n))
    )


_MONEY_UNIT = rx(r"[(（](?:亿元|万元|元)[)）]")
# a field of a unit's particulars heading its column beside 单位名称 ("单位名称 | 联系人 | 联系电话", the values in the
# row below): a person, a telephone, an address, a code — no unit's name ends so
_INFO_FIELD = rx(
    r"[\u4e00-\u9fff()]{0,8}(?:人|电话|手机|地址|邮编|邮政编码|代码|编码|号码|邮箱|传真|性质|类别|类型|级次)"
)


_REPORT_UP = rx(r"^关于(?:上报|报送|呈报)")
_LEVEL_GOVERNMENT = rx(r"(?:[省市县区州旗盟]|自治区)人民政府$")
_SEAL_AFTER = rx(r"\s*[(（]\s*(?:盖章|公章|签章|印章|章)\s*[)）]\s*$")


def find_department(doc: SourceDocument) -> str:
    vocab = vocabulary()
    for seg in doc.paragraphs()[:12]:
        m = re.search(r"(?:部门|单位)名称\s*[（(]?(?:公章|盖章)?[)）]?\s*[:：]\s*(\S+)", seg.text)
        if m:
            return m.group(1)
    endings = tuple(vocab.words("department_endings"))
    labels = sorted(vocab.words("identity", "department"), key=len, reverse=True)
    upward = False
    for seg in doc.paragraphs()[:6]:
        # "项目单位 渑池县农业农村局": the name after its label
        text = re.sub(rf"^(?:{'|'.join(re.escape(w) for w in labels)})\s+(?=\S)", "", seg.text.strip())
        text = _SEAL_AFTER.sub("", text)  # "大英县交通运输局（公章）" over the title
        # a report sent up ("关于上报……的报告") names the office it is sent to on a line of its own after its
        # title: "临夏州退役军人事务局" over the report of 临夏市's bureau (corpus n43)
        upward = upward or bool(_REPORT_UP.match(text))
        # a line with a colon is a label and its value ("信息来源:霍山县教育局"), not a name standing alone; nor is an
        # item of a page's menu or path ("- 开远市机关事务管理局" over the page's 索引号 and 发布机构, corpus n253)
        alone = 3 <= len(text) <= 30 and text.endswith(endings) and "报告" not in text and not re.search(r"[:：]", text)
        # ("发布机构开远市机关事务局": the site's particulars, its label run on, the publisher and no unit that reports)
        alone = alone and not re.match(r"^(?:[-—–·•>＞|｜*]|发布机构|发文机关|发布单位|信息来源|来源|索引号)", text)
        # nor a county's or city's government heading its site's page ("牟定县人民政府" over "首页 >> 部门信息公开 >>
        # 牟定县交通运输局 >> 正文", corpus n261): a site's banner, no department (a town's government may be one)
        alone = alone and not _LEVEL_GOVERNMENT.search(text)
        if alone and not upward:
            return text
    for table in doc.tables():  # a workbook: 部门名称 | 衡山县妇女联合会, or 单位名称：… in a note row
        rows = [[(c or "").strip() for c in row] for row in table.rows[:8]]
        for k, row in enumerate(rows):
            for c, cell in enumerate(row):
                m = re.match(r"(?:部门|单位)名称\s*[:：]?\s*(\S*)", cell)
                if not m:
                    continue
                name = m.group(1) or next((x for x in row[c + 1 :] if x), "")
                if not name or is_column_heading(name):
                    # 单位名称 heads a column of a list of units ("单位名称 | 编制数 | 实有人数", corpus n110), or
                    # of a form with nothing beside it: the name stands under it
                    below = [r[c] for r in rows[k + 1 : k + 4] if c < len(r) and r[c]]
                    name = below[0] if below and below[0].endswith(endings) else ""
                if name:
                    return name
    return ""


_REASON = rx(
    r"(?:差异产生的主要原因是|年中预算调整(?:的)?主要原因(?:为|是)|预算调整(?:的)?原因(?:为|是))[：:]?\s*([^。]+)"
)


def find_adjustment_reason(doc: SourceDocument) -> str:
    """The reason the report gives for the in-year budget change, if it gives one."""
    for seg in doc.paragraphs():
        m = _REASON.search(seg.text)
        if m:
            return m.group(1).strip()
    return ""


def about_another_year(clause: str, year: int | None) -> bool:
    """A clause about last year ("上年“三公”经费支出…", "较上年减少…", "2022年…") does not state this year's figures."""
    if any(word in clause for word in vocabulary().words("other_year_words")):
        return True
    years = {int(y) for y in re.findall(r"(20\d\d)\s*年(?!度)", clause)}
    return bool(year and years and year not in years)
