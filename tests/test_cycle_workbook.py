"""Excel in and out for the cycle: the 绩效目标申报表 (部门整体 and 项目) and the 运行监控 workbook. A blank template
filled cell by cell as a department would, read back to exactly what the bundled 宝安 YAML holds; the 申报表 out in
the official layout; every error naming the file, the sheet and the cell."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from jixiao.cli import main
from jixiao.cycle.monitoring import assess_monitoring, load_monitoring
from jixiao.cycle.outputs import targets_docx, targets_xlsx
from jixiao.cycle.targets import check_targets, load_targets
from jixiao.cycle.workbook_out import monitoring_workbook, targets_workbook
from jixiao.model.problems import JixiaoError

BAOAN = Path(__file__).parent.parent / "examples" / "baoan-fulian-2023"


def _same_sheet(sheet):
    """A TargetSheet without where it was read from (file, line or cell)."""
    return dataclasses.replace(
        sheet, path=None, indicators=tuple(dataclasses.replace(i, location=None) for i in sheet.indicators)
    )


def _same_monitoring(mon):
    return dataclasses.replace(mon, path=None, points=tuple(dataclasses.replace(p, location=None) for p in mon.points))


def _cell_of(ws, label: str) -> str:
    """The B cell beside a label of column A, as a user finds it."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return f"B{row[0].row}"
    raise AssertionError(label)


def _header_row(ws, first: str) -> int:
    return next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == first)


# ---------------------------------------------------------------- targets
def test_blank_template_filled_by_hand_reads_as_the_yaml(tmp_path):
    wb = load_workbook(io.BytesIO(targets_workbook(None)))
    ws = wb["绩效目标申报表"]
    assert ws["A1"].value == "部门整体支出绩效目标申报表"
    # the department's part, typed as a user types it: numbers as numbers, percents as 95%
    ws[_cell_of(ws, "年度")] = 2023
    ws[_cell_of(ws, "部门（单位）名称")] = "深圳市宝安区妇女联合会"
    ws[_cell_of(ws, "年度资金总额（万元）")] = 2377.56
    ws[_cell_of(ws, "年度总体目标")] = (
        "紧紧围绕宝安“三城”建设，深入推动实施宝安区妇女儿童发展规划，全力推进新时代宝安妇女儿童工作高质量发展。"
    )
    first = _header_row(ws, "一级指标") + 1
    rows = [
        ("产出指标", "数量指标", "区重点工作任务完成数", "≥", 4, "项"),
        (None, None, "纳入绩效目标管理的二级项目数", "=", 16, "个"),  # 一级/二级 merged over the rows below
        (None, "质量指标", "个案介入处置率", "≥", "95%", "%"),
        (
            "效益指标",
            "社会效益指标",
            "儿童友好基地建设",
            "定性",
            "推动儿童友好基地建设，拓展儿童室内外游戏和活动空间",
            None,
        ),
        ("满意度指标", "服务对象满意度指标", "群众满意率", "≥", "90%", "%"),
    ]
    for i, values in enumerate(rows):
        for col, value in enumerate(values, 1):
            ws.cell(first + i, col, value)
    # the bureau's part
    ws[_cell_of(ws, "财政审核等级")] = "优"
    ws[_cell_of(ws, "审核单位")] = "宝安区财政局"
    ws[_cell_of(ws, "是否批复")] = "是"
    ws[_cell_of(ws, "审核意见")] = "指标完整，定量指标均有运算符、指标值和度量单位；资金与年初预算一致"
    wb.save(tmp_path / "申报表.xlsx")
    read = load_targets(tmp_path / "申报表.xlsx")
    assert _same_sheet(read) == _same_sheet(load_targets(BAOAN))
    # each value knows its cell: 个案介入处置率 is the third indicator row
    assert (read.indicators[2].location.sheet, read.indicators[2].location.cell) == ("绩效目标申报表", f"C{first + 2}")
    # and the same checks run: 2377.56 = the data's 年初预算 2377.56, nothing found
    assert check_targets(read, Decimal("2377.56")) == []


def test_the_shenbaobiao_out_reads_back_to_the_same_targets(tmp_path):
    sheet = load_targets(BAOAN)
    (tmp_path / "out.xlsx").write_bytes(targets_xlsx(sheet))
    assert _same_sheet(load_targets(tmp_path / "out.xlsx")) == _same_sheet(sheet)
    ws = load_workbook(tmp_path / "out.xlsx")["绩效目标申报表"]
    header = _header_row(ws, "一级指标")
    assert [c.value for c in ws[header]] == ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
                                             "上年实际值", "说明"]  # fmt: skip
    # 产出指标 merged over its three rows, 数量指标 over its two (A/B of the first data rows)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{header + 1}:A{header + 3}" in merged and f"B{header + 1}:B{header + 2}" in merged
    assert ws[_cell_of(ws, "年度资金总额（万元）")].number_format == "#,##0.00"


def test_the_shenbaobiao_in_word_has_the_official_rows():
    doc = Document(io.BytesIO(targets_docx(load_targets(BAOAN))))
    assert [p.text for p in doc.paragraphs[:2]] == ["部门整体支出绩效目标申报表", "（2023年度）"]
    table = doc.tables[0]
    firsts = [row.cells[0].text for row in table.rows]
    assert firsts[:5] == [
        "部门（单位）名称",
        "年度资金总额（万元）",
        "其中：财政拨款（万元）",
        "其中：其他资金（万元）",
        "年度总体目标",
    ]
    head = next(row for row in table.rows if row.cells[1].text == "一级指标")
    assert [c.text for c in head.cells[1:]] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "备注",
    ]
    qualitative = next(row for row in table.rows if row.cells[3].text == "儿童友好基地建设")
    assert qualitative.cells[4].text == "定性"
    assert firsts[-1] == "财政审核意见" and "审核等级：优（宝安区财政局，已批复）" in table.rows[-1].cells[1].text


def test_a_project_form_has_its_name_and_a_cost_indicator(tmp_path):
    yaml_text = """kind: project
department: 某县民政局
project: 困难群众救助
year: 2024
budget: {total: 100, fiscal: 70, other: 30}
overall_goal: 保障困难群众基本生活
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 救助人数, operator: ≥, value: 500, unit: 人}
  - {level1: 效益指标, level2: 社会效益指标, name: 困难群众基本生活保障, qualitative: true, value: 有效保障}
  - {level1: 成本指标, level2: 经济成本指标, name: 人均救助标准, operator: ≤, value: 2000, unit: 元/人}
"""
    (tmp_path / "targets.yaml").write_text(yaml_text, encoding="utf-8")
    sheet = load_targets(tmp_path)
    data = targets_xlsx(sheet)
    ws = load_workbook(io.BytesIO(data))["绩效目标申报表"]
    assert ws["A1"].value == "项目支出绩效目标申报表" and ws[_cell_of(ws, "项目名称")].value == "困难群众救助"
    (tmp_path / "p.xlsx").write_bytes(data)
    read = load_targets(tmp_path / "p.xlsx")
    assert _same_sheet(read) == _same_sheet(sheet)
    # 70 + 30 = 100: the money adds up; the 成本指标 the national rule asks of projects (财预〔2021〕101号) is there
    assert [p.code for p in check_targets(read, Decimal("100"))] == []
    doc = Document(io.BytesIO(targets_docx(read)))
    assert [row.cells[0].text for row in doc.tables[0].rows][:2] == ["项目名称", "主管部门"]


def test_bad_cells_are_named_with_sheet_and_cell(tmp_path):
    wb = load_workbook(io.BytesIO(targets_workbook(None)))
    ws = wb["绩效目标申报表"]
    ws[_cell_of(ws, "年度")] = "二〇二四"
    ws[_cell_of(ws, "目标类型")] = "部门"
    ws[_cell_of(ws, "部门（单位）名称")] = "某局"
    ws[_cell_of(ws, "年度资金总额（万元）")] = "很多"
    ws[_cell_of(ws, "年度总体目标")] = "目标"
    first = _header_row(ws, "一级指标") + 1
    for col, value in enumerate(("产出指标", "数量指标", "培训人数", "约", 100, "人"), 1):
        ws.cell(first, col, value)
    ws.cell(first + 1, 3, None)
    for col, value in enumerate(("产出指标", "数量指标", None, "≥", 5, "期"), 1):
        ws.cell(first + 1, col, value)
    path = tmp_path / "填好的申报表.xlsx"
    wb.save(path)
    with pytest.raises(JixiaoError) as err:
        load_targets(path)
    shown = {f"{p.location.sheet}!{p.location.cell}": p.message for p in err.value.problems}
    year, kind, money = (_cell_of(ws, x) for x in ("年度", "目标类型", "年度资金总额（万元）"))
    assert "应为2000到2100之间的整数" in shown[f"绩效目标申报表!{year}"]
    assert shown[f"绩效目标申报表!{kind}"] == "“目标类型”应为“部门整体”或“项目”，实际为“部门”。请从下拉列表中选择。"
    assert "“年度资金总额”应为数字" in shown[f"绩效目标申报表!{money}"]
    assert "运算符“约”无法识别" in shown[f"绩效目标申报表!D{first}"]
    assert "缺少“三级指标”" in shown[f"绩效目标申报表!C{first + 1}"]
    # the printed form names the user's file and the cell as Excel shows it
    assert all(p.format().startswith(f"{path}[绩效目标申报表!") for p in err.value.problems)


def test_a_moved_or_missing_label_and_a_wrong_sheet(tmp_path):
    wb = load_workbook(io.BytesIO(targets_workbook(None)))
    ws = wb["绩效目标申报表"]
    ws[_cell_of(ws, "年度总体目标").replace("B", "A")] = "总目标"  # the label renamed
    ws.title = "Sheet1"
    wb.create_sheet("其他")
    wb.save(tmp_path / "a.xlsx")
    with pytest.raises(JixiaoError) as err:
        load_targets(tmp_path / "a.xlsx")
    [problem] = err.value.problems
    assert problem.code == "cycle.sheet_missing"
    assert "找不到工作表“绩效目标申报表”（现有：Sheet1、填表说明、其他）" in problem.message
    del wb["其他"]
    wb.save(tmp_path / "b.xlsx")  # one sheet beside the instructions is taken whatever its name
    with pytest.raises(JixiaoError) as err:
        load_targets(tmp_path / "b.xlsx")
    labels = [p for p in err.value.problems if p.code == "cycle.label_missing"]
    assert [p.message.split("（")[0] for p in labels] == ["找不到“年度总体目标”一行"]
    assert labels[0].location.sheet == "Sheet1"


def test_not_a_workbook_is_refused_in_chinese(tmp_path):
    (tmp_path / "t.xlsx").write_text("这不是工作簿", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        load_targets(tmp_path / "t.xlsx")
    assert "无法打开该 Excel 文件" in err.value.problems[0].message


# ---------------------------------------------------------------- monitoring
def test_monitoring_template_filled_quarterly_reads_as_the_yaml(tmp_path):
    wb = load_workbook(io.BytesIO(monitoring_workbook(None)))
    ws = wb["运行监控"]
    ws[_cell_of(ws, "单位名称")] = "深圳市宝安区妇女联合会"
    ws[_cell_of(ws, "年度")] = 2023
    ws[_cell_of(ws, "全年预算数（万元）")] = 2500.65
    first = _header_row(ws, "监控节点") + 1
    # the template lists the four quarters (1-3月 … 1-12月); the department fills three and leaves 1-12月 blank
    assert [ws.cell(first + i, 1).value for i in range(4)] == ["1-3月", "1-6月", "1-9月", "1-12月"]
    ws.cell(first, 1, "第一季度")  # a quarter may be written so too
    ws.cell(first, 4, "23.395%")
    ws.cell(first + 1, 4, 0.4037).number_format = "0.00%"  # typed as a percentage: 40.37%
    ws.cell(first + 1, 6, "继续执行")
    ws.cell(first + 1, 7, dt.datetime(2023, 7, 10))
    ws.cell(first + 1, 8, "基地评审集中在下半年，已制定推进计划表")
    ws.cell(first + 2, 4, "75.66%")
    progress = wb["目标进度"]
    progress["A2"], progress["B2"], progress["C2"] = "6月", "儿童友好基地建设", "25%"
    wb.save(tmp_path / "监控.xlsx")
    read = load_monitoring(tmp_path / "监控.xlsx")
    assert _same_monitoring(read) == _same_monitoring(load_monitoring(BAOAN))
    # the same warning as from the YAML: June's target gap 25% − 40.37% = −15.37% > 10 points, answered in time
    result = assess_monitoring(read, dt.date(2024, 1, 15))
    assert [(w.month, w.kind, w.status) for w in result.warnings] == [(6, "目标偏差", "已答复")]
    assert (read.points[1].location.sheet, read.points[1].location.cell) == ("运行监控", f"A{first + 1}")


def test_monitoring_out_reads_back(tmp_path):
    mon = load_monitoring(BAOAN)
    (tmp_path / "m.xlsx").write_bytes(monitoring_workbook(mon))
    assert _same_monitoring(load_monitoring(tmp_path / "m.xlsx")) == _same_monitoring(mon)


def test_monitoring_bad_cells(tmp_path):
    wb = load_workbook(io.BytesIO(monitoring_workbook(None)))
    ws = wb["运行监控"]
    ws[_cell_of(ws, "年度")] = 2025
    ws[_cell_of(ws, "全年预算数（万元）")] = 200
    first = _header_row(ws, "监控节点") + 1
    ws.cell(first, 1, "第五季度")
    ws.cell(first, 3, 40)
    ws.cell(first + 1, 3, "四十")
    ws.cell(first + 2, 3, 150)
    ws.cell(first + 2, 6, "暂停")
    ws.cell(first + 2, 7, dt.datetime(2025, 10, 9))
    wb["目标进度"]["A2"], wb["目标进度"]["B2"], wb["目标进度"]["C2"] = "1-11月", "培训人数", "50%"
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(JixiaoError) as err:
        load_monitoring(tmp_path / "m.xlsx")
    shown = {f"{p.location.sheet}!{p.location.cell}": p.message for p in err.value.problems}
    assert "“月份”应为1到12之间的整数，实际为“第五季度”" in shown[f"运行监控!A{first}"]
    assert "“累计执行数”应为数字" in shown[f"运行监控!C{first + 1}"]
    assert "“部门答复”应为继续执行、调剂、取消之一，实际为“暂停”" in shown[f"运行监控!F{first + 2}"]
    assert "在“运行监控”表中没有对应的一行" in shown["目标进度!A2"]


def test_an_xls_file_is_read_through_libreoffice(tmp_path):
    from jixiao.formats.office import ConversionError, converted

    (tmp_path / "t.xlsx").write_bytes(targets_xlsx(load_targets(BAOAN)))
    try:
        with converted(tmp_path / "t.xlsx", "xls") as xls:
            shutil.copy(xls, tmp_path / "申报表.xls")
    except ConversionError as exc:
        pytest.skip(f"LibreOffice unavailable: {exc}")
    read = load_targets(tmp_path / "申报表.xls")
    assert _same_sheet(read) == _same_sheet(load_targets(BAOAN))
    assert read.indicators[0].location.file == str(tmp_path / "申报表.xls")


# ---------------------------------------------------------------- the commands
def test_cycle_template_command_and_reading_a_workbook(tmp_path, capsys):
    assert main(["cycle-template", "targets", "--out", str(tmp_path / "空白.xlsx")]) == 0
    assert main(["cycle-template", "targets", "--kind", "project", "--out", str(tmp_path / "项目.xlsx")]) == 0
    assert load_workbook(tmp_path / "项目.xlsx")["绩效目标申报表"]["A1"].value == "项目支出绩效目标申报表"
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    assert main(["cycle-template", "targets", "--from", str(folder), "--out", str(folder / "申报表.xlsx")]) == 0
    assert main(["cycle-template", "monitoring", "--from", str(folder), "--out", str(folder / "监控.xlsx")]) == 0
    capsys.readouterr()
    # the workbooks beside data.yaml are read as the YAML files are: same findings, same warning
    assert main(["targets", str(folder / "申报表.xlsx")]) == 0
    assert "5项指标，年度资金总额2377.56万元" in capsys.readouterr().out
    assert main(["monitor", str(folder / "监控.xlsx"), "--today", "2024-01-15"]) == 0
    assert "6月目标偏差预警" in capsys.readouterr().out
    assert main(["cycle-template", "targets", "--out", str(tmp_path / "x.docx")]) == 2
    assert "--out 应为 .xlsx 文件名" in capsys.readouterr().err
