"""Doubt carried through (formats/confidence.py): what the review reports from a scan — a finding, the score
table's total, the grade given with it — says so where it rests on a figure OCR read in doubt, in every output
(the command line's text, the JSON, 审核意见.docx); never an error, never a sure total."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from jixiao.formats.layout import _doubted
from jixiao.model.problems import Severity
from jixiao.review.output import opinion_docx, render_review_text, review_to_dict
from jixiao.review.pipeline import review_document
from jixiao.review.segments import Segment, SourceDocument

# Corpus t74 (南华县 野生菌加工车间, a project table cut off after its 数量指标) as its degraded scan read it: the
# score 9.3 of 配套烘干杀菌设备 read 93 at a sure 0.99, its point lost to JPEG. The table has no 合计 row, so its
# total is its rows added up: 10 + 10.3 + 93 + 9.3 + 10.8 + 10.3 = 143.7 (from the paper: 10 + 10.3 + 9.3 + 9.3
# + 10.8 + 10.3 = 60.0).
HEAD = ("项目资金 (万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
FUNDS = ("", "年度资金总额", "1100", "1100", "1100", "10", "100%", "10")
INDICATORS = ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
ROWS = [
    ("", "产出指标(50分)", "数量指标", "冷库仓储建设", "≥1290.3平方米", "1290.3平方米", "10.3", "10.3"),
    ("", "", "", "配套烘干杀菌设备及包装设备购置及安装", "550", "20", "9.3", "{}"),
    ("", "", "", "配套电力设施1250KVA变压器3台", "3", "", "9.3", "9.3"),
    ("", "", "经济效益指标", "奖补资金兑付率(%)", "≥100%", "≥100%", "10.8", "10.8"),
    ("", "", "时效指标", "任务完成时限(月)", "10", "10", "10.3", "10.3"),
]


def _reviewed(score: str, confidence: float | None):
    """The table with the score of 配套烘干杀菌设备 read as `score`, every cell read at `confidence` (None: a text
    layer), each cell's confidence as the scan's layout gives it (layout._doubted: a point lost among pointed
    figures is DOUBTED)."""
    rows = (HEAD, FUNDS, INDICATORS, *(tuple(c.format(score) for c in row) for row in ROWS))
    levels = [tuple(confidence for _ in row) for row in rows]
    if confidence is not None:
        levels = _doubted(list(rows), levels)
    segments = [
        Segment("paragraph", 1, "项目支出绩效自评表", page=1, confidence=confidence),
        Segment("paragraph", 2, "主管部门:南华县农业农村局", page=1, confidence=confidence),
        Segment("table", 1, rows=rows, page=1, cell_confidence=tuple(levels)),
    ]
    return review_document(SourceDocument(Path("扫描件.pdf"), segments))


def _summary_row(result) -> dict:
    from openpyxl import load_workbook

    from jixiao.review.output import summary_workbook

    sheet = load_workbook(io.BytesIO(summary_workbook([(Path("扫描件.pdf"), result)])))["汇总"]
    head, row = (tuple(c.value for c in r) for r in sheet.iter_rows(max_row=2))
    return dict(zip(head, row, strict=True))


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_total_and_grade_added_up_over_a_doubted_figure_say_so_in_every_output():
    result = _reviewed("93", 0.99)
    assert (result.total, result.grade) == (Decimal("143.7"), "优")
    doubts = [f for f in result.findings if f.code == "review.ocr_doubtful_total"]
    assert len(doubts) == 1 and doubts[0].severity is Severity.INFO
    assert doubts[0].location.place == "第1页 表1 第5行第8列"  # the 93 (its row under the two heads and funds)
    assert "依据的数字识别存疑" in doubts[0].message and "请核对原件" in doubts[0].message
    assert "143.7" in doubts[0].message and "“优”" in doubts[0].message
    assert not [f for f in result.findings if f.severity is Severity.ERROR]  # no error stands on the 93
    text = render_review_text(result)
    assert "等级：优（依据的数字识别存疑，请核对原件）" in text  # beside the total and grade at its head
    assert "得分表合计143.7分及等级“优”依据的数字识别存疑" in text  # and the hint, saying which figure
    as_json = review_to_dict(result)
    assert as_json["total_in_doubt"] is True
    assert any(f["code"] == "review.ocr_doubtful_total" for f in as_json["findings"])
    opinion = _docx_text(opinion_docx(result))
    assert "得分表合计143.7分、等级为“优”（依据的数字识别存疑，请核对原件）" in opinion
    assert "得分表合计143.7分及等级“优”依据的数字识别存疑" in opinion
    sheet = _summary_row(result)  # the web's job page shows 审核汇总.xlsx's 汇总
    assert sheet["得分表合计"] == 143.7 and "识别存疑" in sheet["说明"]


def test_a_total_read_surely_or_from_a_text_layer_is_not_doubted():
    sure = _reviewed("9.3", 0.99)
    assert (sure.total, sure.grade) == (Decimal("60.0"), "中")
    assert not [f for f in sure.findings if f.code == "review.ocr_doubtful_total"]
    assert review_to_dict(sure)["total_in_doubt"] is False and "识别存疑" not in render_review_text(sure)
    typed = _reviewed("93", None)  # the report itself prints 93: its own figure, no reading in doubt
    assert typed.total == Decimal("143.7")
    assert not [f for f in typed.findings if f.code == "review.ocr_doubtful_total"]
