"""How a review's outputs name what they show, the same in the command line's text, the JSON, 审核意见.docx and
审核汇总.xlsx: a finding's kind (问题类别) and place, a figure's value, a reviewed file's name.

Kept apart from output.py (the text, JSON and summary) and opinion.py (the opinion), which both use them, so that
neither imports the other for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.formats.containers import printable
from jixiao.model.problems import Problem

if TYPE_CHECKING:
    from .extract import Figure

__all__ = [
    "TOTAL_IN_DOUBT",
    "figure_value",
    "grouped_by_kind",
    "kind_of_finding",
    "place_of",
    "places_text",
    "shown_name",
    "total_doubt",
]


def figure_value(fig: Figure) -> str:
    """A figure read as the outputs print it: 98.78%, 2377.56万元."""
    if fig.unit == "%":
        text = f"{fig.value * 100:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return f"{fig.value:f}{fig.unit}"


def place_of(problem: Problem) -> str:
    """Where in the document a finding is ("表1 第5行第6列", a field), "" when it is about the whole."""
    loc = problem.location
    return (loc.place or loc.field or "") if loc else ""


def places_text(found: list[Problem], most: int) -> str:
    """The places of some findings, each once, the first `most` of them: "表1 第3行、表1 第4行等"."""
    places = list(dict.fromkeys(place_of(f) for f in found if place_of(f)))
    return "、".join(places[:most]) + ("等" if len(places) > most else "")


# the documents tableparts cuts into tables, as a table's path ends: "…/x.xlsx/工作表名", "…/x.pdf/第2张表"
_TABLE_FILES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".docx", ".doc", ".wps", ".odt", ".rtf")
_TABLE_FILES += (".pdf", ".ofd", ".txt", ".html", ".htm", ".mht", ".mhtml")


def shown_name(path: Path) -> str:
    """A reviewed file as a summary names it: its name, or, for a document from an archive, the archive's name and
    the path inside it ("x.zip/内层/文件名.docx"); one table of a file of several projects' tables by the file and its
    sheet or place ("x.xlsx/工作表名", "x.docx/第2张表"). Without control and direction characters, as the web shows
    an uploaded file's name (a right-to-left override in an entry's name showed the rest of it reversed)."""
    parts = Path(path).parts
    for i, part in enumerate(parts[:-1]):
        if part.lower().endswith((".zip", ".7z", ".rar", ".eml")):  # formats/archive.py ARCHIVES
            return printable("/".join(parts[i:]))
    if len(parts) > 1 and parts[-2].lower().endswith(_TABLE_FILES):  # one table of several (review/tableparts.py)
        return printable("/".join(parts[-2:]))
    return printable(Path(path).name)


def grouped_by_kind(findings: Iterable[Problem]) -> dict[str, list[Problem]]:
    """Findings by their kind (问题类别), kinds in the order their first finding comes."""
    groups: dict[str, list[Problem]] = {}
    for f in findings:
        groups.setdefault(kind_of_finding(f.code), []).append(f)
    return groups


TOTAL_IN_DOUBT = "review.ocr_doubtful_total"  # formats/confidence.doubtful_total

# what each finding's code is about, in the words of the tables and reports (a code not listed: its family's)
_FINDING_KINDS = {
    "check.budget_balance": "收支平衡",
    "check.large_adjustment": "预算调整幅度",
    "check.over_execution": "超预算执行",
    "check.over_staffing": "实有人数超编",
    "check.parts_exceed_total": "分项大于合计",
    "check.revenue_expenditure": "收支勾稽",
    "check.stated_rate": "比率与金额不符",
    "check.stated_rate_definition": "比率口径",
    "check.sum_mismatch": "合计与分项不符",
    "check.sum_rounding": "合计尾差",
    "review.attachment_linked": "附件引用",
    "review.attachment_missing": "附件缺失",
    "review.blank_cell": "应填未填",
    "review.deduction_vs_table": "扣分说明与得分表不符",
    "review.deductions": "扣分说明",
    "review.execution_rate": "预算执行率",
    "review.figure_conflict": "前后数字不一致",
    "review.funds_parts": "资金分项与合计不符",
    "review.funds_score": "资金得分",
    "review.grade": "等级与得分不符",
    "review.level_rate": "指标得分与完成率不符",
    "review.level_subtotal": "小计与分项不符",
    "review.measures_missing": "缺改进措施",
    "review.missing_reason": "缺偏差原因",
    "review.missing_section": "缺少章节",
    "review.no_score_table": "未见得分表",
    "review.problems_empty": "问题部分空白",
    "review.problems_no_indicator": "问题未对应指标",
    "review.problems_vague": "问题表述空泛",
    "review.score_contradicts_data": "得分与数据矛盾",
    "review.score_over_weight": "得分超过分值",
    "review.score_sum": "得分合计不符",
    "review.stated_total": "文中合计不符",
    "review.target_met_lost": "达标却扣分",
    "review.target_missed_full": "未达标却满分",
    "review.target_overshoot": "实际值远超目标",
    "review.truncated": "文件不完整",
    "review.unit_mismatch": "计量单位不一致",
    "review.unsupported_claim": "表述缺少依据",
    "review.weight_sum": "分值合计不符",
    "review.narrative.parts_total": "分项与合计不符",
    "review.narrative.share": "占比与金额不符",
    "review.narrative.growth_rate": "增减率与金额不符",
    "review.narrative.count_items": "个数与所列不符",
    "review.narrative.same_subject": "同一事项数字不一",
    "review.narrative.unit_mismatch": "金额单位错写",
    "review.narrative.score_grade": "得分与等级不符",
    "review.narrative.text_table": "正文与表格不符",
    TOTAL_IN_DOUBT: "合计识别存疑",
}


def total_doubt(findings: Iterable[Problem]) -> str:
    """What follows the score table's total and grade where every output states them, when they rest on a figure
    a scan's recognition read in doubt (the hint TOTAL_IN_DOUBT says which); "" otherwise."""
    return "（依据的数字识别存疑，请核对原件）" if any(f.code == TOTAL_IN_DOUBT for f in findings) else ""


def kind_of_finding(code: str) -> str:
    """The kind (问题类别) a finding's code is about, in the words of the tables and reports."""
    if code in _FINDING_KINDS:
        return _FINDING_KINDS[code]
    if code.startswith("review.narrative."):
        return "报告文字中的数字"
    if code.startswith("check."):
        return "数据勾稽"
    return "文件与格式" if code.startswith(("file.", "review.")) else "其他"
