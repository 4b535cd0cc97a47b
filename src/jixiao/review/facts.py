"""Facts a document states about itself: its grade, year, department and the reason for its budget change."""

from __future__ import annotations

import re

from .rx import rx
from .source import Segment, SourceDocument
from .table import _is_header
from .vocabulary import vocabulary

__all__ = ["about_another_year", "find_adjustment_reason", "find_department", "find_grade", "find_year"]

_GRADE = rx(r"(?:评价|自评)?等级为?\s*[“\"]?(优秀|优|良好|良|中|差)")


def find_grade(doc: SourceDocument) -> tuple[str, Segment] | None:
    for seg in doc.paragraphs():
        m = _GRADE.search(seg.text)
        if m:
            return {"优秀": "优", "良好": "良"}.get(m.group(1), m.group(1)), seg
    return None


def _table_texts(doc: SourceDocument) -> list[list[str]]:
    return [list(row) for table in doc.tables() for row in table.rows[:8]]


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
_WHOLE_YEAR = rx(r"(20\d\d)\s*年\s*0?1\s*月[^至到~～—-]{0,4}[至到~～—-]+\s*(20\d\d)\s*年\s*12\s*月")


def find_year(doc: SourceDocument) -> int | None:
    """The year evaluated: the first "20XX年度" in the first paragraphs or a table's head (_table_heads), else a
    period there that is one whole calendar year (2016年1月…至2016年12月)."""
    texts = [seg.text for seg in doc.paragraphs()[:10]] + [c for row in _table_heads(doc) for c in row]
    for text in texts:
        m = re.search(r"(20\d\d)\s*年度", text)
        if m:
            return int(m.group(1))
    for text in texts:
        m = _WHOLE_YEAR.search(text)
        if m and m.group(1) == m.group(2):
            return int(m.group(1))
    return None


def find_department(doc: SourceDocument) -> str:
    for seg in doc.paragraphs()[:12]:
        m = re.search(r"(?:部门|单位)名称\s*[（(]?(?:公章|盖章)?[)）]?\s*[:：]\s*(\S+)", seg.text)
        if m:
            return m.group(1)
    for seg in doc.paragraphs()[:6]:
        text = seg.text.strip()
        endings = tuple(vocabulary().words("department_endings"))
        # a line with a colon is a label and its value ("信息来源:霍山县教育局"), not a name standing alone
        if 3 <= len(text) <= 30 and text.endswith(endings) and "报告" not in text and not re.search(r"[:：]", text):
            return text
    for row in _table_texts(doc):  # a workbook: 部门名称 | 衡山县妇女联合会, or 单位名称：… in a note row
        cells = [c.strip() for c in row if c and c.strip()]
        for i, cell in enumerate(cells):
            m = re.match(r"(?:部门|单位)名称\s*[:：]?\s*(\S*)", cell)
            if m:
                name = m.group(1) or (cells[i + 1] if i + 1 < len(cells) else "")
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
