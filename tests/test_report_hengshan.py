"""The 衡山 report: seed 004's outline, its three attachments in the docx and the workbook, 未填报 where the
seed gives no figure, and the data findings in the problems section."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx

from jixiao.cli import main

HENGSHAN = Path("examples/hengshan-fulian-2023")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hengshan")
    assert main(["report", str(HENGSHAN), "--out", str(folder), "--format", "docx,xlsx"]) == 0
    return folder


def test_outline_of_seed_004(out):
    doc = read_docx(str(out / "自评报告.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["2023年度部门整体支出绩效自评报告", "衡山县妇女联合会", "2024年6月10日"]
    assert texts[3].startswith("根据《预算法》有关")  # the department's own opening paragraph
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    order = [
        "一、单位基本情况",
        "（一）部门主要职责",
        "（二）人员编制情况",
        "二、预算支出及绩效情况",
        "（一）部门预算情况",
        "1、部门预算情况",
        "2、部门决算情况（含年终预算追加情况）",
        "3、“三公”经费执行情况",
        "4、政府采购执行情况",
        "5、资产管理情况",
        "（二）资金使用及绩效情况",
        "三、存在的主要问题及下一步改进措施",
        "四、其他需要说明的情况",
    ]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions)
    assert "附件：1、部门整体支出绩效评价基础数据表  2、部门整体支出绩效自评表  3、项目支出绩效自评表" in texts


def test_figures_in_seed_004_phrasing(out):
    text = "\n".join(p.text for p in read_docx(str(out / "自评报告.docx")).paragraphs)
    assert "编制人数6人，其中行政编制4人，事业编制2人；在职人员6人，其中一般公共预算财政补助开支人数3人" in text
    # 155.32 − 39.78 = 115.54; 61.41 ÷ 155.29 = 39.55%; 93.88 ÷ 155.29 = 60.45%
    assert "决算总收入155.32万元，较预算增加115.54万元，总支出155.29万元" in text
    assert "基本支出61.41万元，占总支出的39.55%；项目支出93.88万元，占总支出的60.45%" in text
    assert "政府采购支出11.59万元，其中：货物2.41万元，工程0.00万元，服务9.18万元" in text
    assert "“三公”经费决算数0.09万元" in text
    # the department's own problems, then what the data shows: 155.32 vs 155.29
    assert "一是预算编制有待更严格执行" in text
    assert "决算收入155.32万元与决算支出155.29万元相差0.03万元" in text


def test_three_attachments_in_the_docx(out):
    doc = read_docx(str(out / "自评报告.docx"))
    first_cells = [t.cell(0, 0).text for t in doc.tables]
    assert "财政供养人员情况（人）" in first_cells  # 附件1
    assert first_cells.count("部门名称") == 1 and first_cells.count("项目名称") == 1  # 附件2 and one project table
    self_table = next(t for t in doc.tables if t.cell(0, 0).text == "部门名称")
    cells = [c.text for row in self_table.rows for c in row.cells]
    assert "“两癌”免费筛查人数" in cells and "≥5000例" in cells and "5792例" in cells
    assert cells.count("未填报") > 5  # weights and targets the seed does not give


def test_three_attachments_in_the_workbook(out):
    wb = openpyxl.load_workbook(out / "附件表.xlsx")
    assert wb.sheetnames == [
        "部门整体支出绩效评价基础数据表",
        "部门整体支出绩效自评表",
        "项目支出绩效自评表（出手吧姐姐）",
    ]
    project = wb["项目支出绩效自评表（出手吧姐姐）"]
    values = [c.value for row in project.iter_rows() for c in row if c.value is not None]
    assert 12.32 in values and "救助困难妇女儿童人数" in values and "117名" in values
