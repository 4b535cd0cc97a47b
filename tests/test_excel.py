"""Excel in: the template, the round trip YAML → xlsx → the same scores, what people actually type, and a
broken workbook for every reader error (each message naming sheet!cell)."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.cli import main
from jixiao.files.excel_in import read_workbook
from jixiao.files.template import write_template
from jixiao.model.problems import JixiaoError
from jixiao.pipeline import load_department, run
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import load_rulebook

EXAMPLES = Path("examples")


def _template(tmp_path: Path, example: str | None = "baoan-fulian-2023") -> Path:
    out = tmp_path / "填报.xlsx"
    args = ["template", "--out", str(out)]
    args += ["--from", str(EXAMPLES / example)] if example else ["--rulebook", "shenzhen-baoan/department/2023"]
    assert main(args) == 0
    return out


def _cell(wb, sheet: str, label: str, column_offset: int = 1):
    """The cell beside a label (the reader finds it the same way)."""
    ws = wb[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.replace(" *", "").strip() == label:
                return ws.cell(cell.row, cell.column + column_offset)
    raise KeyError(label)


def _errors(path: Path) -> list:
    with pytest.raises(JixiaoError) as info:
        _data, problems = load_department(path)
        raise JixiaoError([p for p in problems if p.severity.value == "错误"])
    return list(info.value.problems)


@pytest.mark.parametrize("example", ["baoan-fulian-2023", "hengshan-fulian-2023"])
def test_round_trip_yaml_to_xlsx_keeps_every_value_and_score(tmp_path, example):
    from jixiao.cycle.template_data import template_source

    # the workbook holds the data and the approved targets' rows the data does not list (宝安: 5, docs/cycle.md)
    yaml_data, _ = load_department(template_source(EXAMPLES / example))
    xlsx_data, problems = load_department(_template(tmp_path, example))
    assert not [p for p in problems if p.severity.value == "错误"]
    assert dict(xlsx_data.values) == dict(yaml_data.values)
    rulebook = load_rulebook(yaml_data.get("rulebook"))
    assert evaluate(rulebook, xlsx_data).total == evaluate(rulebook, yaml_data).total


def test_baoan_workbook_scores_97_61(tmp_path, capsys):
    path = _template(tmp_path)
    assert main(["score", str(path)]) == 0
    assert "总分：97.61    等级：优" in capsys.readouterr().out


def test_committed_hengshan_workbook_matches_its_yaml():
    yaml_data, _ = load_department(EXAMPLES / "hengshan-fulian-2023")
    xlsx_data, _ = read_workbook(EXAMPLES / "hengshan-fulian-2023" / "填报.xlsx")
    assert dict(xlsx_data.values) == dict(yaml_data.values), "regenerate: jixiao template --from … --out …/填报.xlsx"


def test_template_structure_validation_and_protection(tmp_path):
    wb = openpyxl.load_workbook(_template(tmp_path, None))
    assert wb.sheetnames[:3] == ["填报说明", "基本信息", "基础数据表"]
    assert {"单位与人员", "季度执行", "项目", "绩效指标", "重点工作", "定性事实"} <= set(wb.sheetnames)
    base = wb["基础数据表"]
    labels = {c.value for row in base.iter_rows() for c in row if isinstance(c.value, str)}
    for label in (
        "财政供养人员情况（人）",
        "编制数",
        "本年实际在职人数",
        "经费控制情况（万元）",
        "上年决算数",
        "本年预算数",
        "本年决算数",
        "“三公”经费",
        "1、公务用车购置和维护经费",
        "其中：公车购置",
        "公车运行维护",
        "2、出国经费",
        "3、公务接待",
        "项目支出",
        "公用经费",
        "其中：办公经费",
        "水费、电费、差旅费",
        "会议费、培训费",
        "政府采购金额",
        "部门基本支出预算调整",
        "楼堂馆所控制情况",
        "厉行节约保障措施",
    ):
        assert label in labels, label
    form = wb["基本信息"]
    assert form.protection.sheet
    label_cell, value_cell = _cell(wb, "基本信息", "年初预算·合计", 0), _cell(wb, "基本信息", "年初预算·合计")
    assert label_cell.protection.locked and not value_cell.protection.locked
    assert value_cell.number_format == "#,##0.00"
    validations = form.data_validations.dataValidation
    assert any(v.type == "decimal" and value_cell.coordinate in v.sqref for v in validations)
    facts = wb["定性事实"]
    assert any(v.type == "list" and '"是,否"' in v.formula1 for v in facts.data_validations.dataValidation)
    targets = wb["绩效指标"]
    assert any(v.type == "list" and "≥" in v.formula1 for v in targets.data_validations.dataValidation)


def test_what_people_actually_type(tmp_path):
    """A workbook made by hand in the published layout, not by jixiao: blank rows, merged cells, label
    variants, full-width digits, 万元 and % in cells, thousands separators, trailing spaces, blanks vs 0."""
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "基本信息 "
    info.append(["说明：本表由财务人员填写"])
    info.append([])
    info.append(["分组", "项目", "填报值"])
    info.append(["部门信息", "部门名称", "衡山县妇女联合会  "])
    info.append(["", "评价年度", "２０２３"])
    info.append(["预算与决算", "年初预算·合计", "39.78万元"])
    info.append(["", "决算支出·合计", "１５５．２９"])
    info.append(["", "年初结转和结余", 0])
    info.append(["", "年末结转和结余", None])
    base = wb.create_sheet("基础数据表")
    base.append(["部门整体支出绩效评价基础数据表"])
    base.merge_cells("A1:F1")
    base.append([])
    base.append(["经费控制情况（万元）", None, None, "上年决算数", "本年预算数", "本年决算数"])
    base.merge_cells("A3:C3")
    base.append([])  # a blank row typed in the middle
    base.append(["“三公”经费合计", None, None, "0.52", "0.5 ", "0.09"])
    base.append(["1、公务用车购置及运行维护费", None, None, "—", 0, 0])
    base.append(["项目支出", None, None, None, None, "93.88"])
    base.append(["1、业务工作专项", None, None, None, "1,200.50", "1，180.25"])
    base.append(["公用经费", None, None, None, None, None])
    base.append(["政府采购", None, None, None, None, "11.59万元"])
    quarters = wb.create_sheet("季度执行")
    quarters.append(["季度", "序时执行率"])
    quarters.append([1, "93.58％"])
    quarters.append([2, 0.8074])
    quarters["B3"].number_format = "0.00%"
    projects = wb.create_sheet("项目")
    projects.append(["项目名称", "实施单位"])
    projects.append(["业务工作经费", "本级"])
    path = tmp_path / "手填.xlsx"
    wb.save(path)
    data, problems = read_workbook(path)
    assert not [p for p in problems if p.severity.value == "错误"], [p.format() for p in problems]
    v = data.values
    assert v["department.name"] == "衡山县妇女联合会" and v["department.year"] == 2023
    assert v["budget.initial.total"] == Decimal("39.78") and v["budget.final.total"] == Decimal("155.29")
    assert v["budget.carryover.opening"] == 0 and "budget.carryover.closing" not in v  # 0 is 0, blank is 未填报
    assert v["three_public.total.previous"] == Decimal("0.52") and v["three_public.total.budget"] == Decimal("0.5")
    assert "three_public.vehicle.previous" not in v and v["three_public.vehicle.budget"] == 0  # "—" is blank
    assert v["budget.final.project"] == Decimal("93.88")
    # 业务工作专项 in the base table is the project 业务工作经费 of the 项目 sheet
    assert data.items("projects") == ("projects[0]",)
    assert v["projects[0].funds.adjusted"] == Decimal("1200.50") and v["projects[0].funds.actual"] == Decimal("1180.25")
    assert v["procurement.actual"] == Decimal("11.59")
    assert v["quarterly[0].time_rate"] == Decimal("0.9358") and v["quarterly[1].time_rate"] == Decimal("0.8074")
    assert str(data.location("quarterly[0].time_rate")).endswith("[季度执行!B2]")


def _broken(tmp_path: Path, change) -> Path:
    path = _template(tmp_path)
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def test_text_where_a_number_belongs(tmp_path):
    def change(wb):
        _cell(wb, "基本信息", "年初预算·合计").value = "二千三百万"

    errors = _errors(_broken(tmp_path, change))
    assert any("[基本信息!C" in str(e.location) and "应为数字，实际为“二千三百万”" in e.message for e in errors)


def test_bare_percent_in_a_rate_cell(tmp_path):
    def change(wb):
        wb["季度执行"]["B3"] = 93.58

    errors = _errors(_broken(tmp_path, change))
    error = next(e for e in errors if e.code == "data.bad_rate")
    assert str(error.location).endswith("[季度执行!B3]") and "93.58%" in error.message


def test_negative_amount_in_the_base_table(tmp_path):
    def change(wb):
        _cell(wb, "基础数据表", "政府采购金额", 5).value = -155.586

    errors = _errors(_broken(tmp_path, change))
    error = next(e for e in errors if "不能为负数" in e.message)
    assert "[基础数据表!F" in str(error.location)


def test_formula_without_a_cached_value(tmp_path):
    def change(wb):
        _cell(wb, "基本信息", "年初预算·合计").value = "=996.82+1380.73"

    errors = _errors(_broken(tmp_path, change))
    error = next(e for e in errors if e.code == "xlsx.formula_without_value")
    assert "没有它的计算结果" in error.message and "[基本信息!C" in str(error.location)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/setup.sh")
def test_formula_with_a_cached_value_is_read(tmp_path):
    def change(wb):
        _cell(wb, "基本信息", "年初预算·合计").value = "=996.82+1380.74"

    path = _broken(tmp_path, change)
    recalculated = tmp_path / "recalc"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(recalculated),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data, _ = read_workbook(recalculated / path.name)
    assert data.get("budget.initial.total") == Decimal("2377.56")  # 996.82 + 1,380.74, as LibreOffice saved it


def test_the_same_figure_in_two_places_must_agree(tmp_path):
    def change(wb):
        _cell(wb, "基础数据表", "部门基本支出预算调整", 4).value = 900  # 本年预算数 = 年初基本支出 996.82 in 基本信息

    errors = _errors(_broken(tmp_path, change))
    error = next(e for e in errors if e.code == "xlsx.conflict")
    assert "基本信息!C" in error.message and "996.82" in error.message and "900" in error.message


def test_bad_answer_in_facts(tmp_path):
    def change(wb):
        _cell(wb, "定性事实", "asset_inventory_done", 2).value = "也许"

    errors = _errors(_broken(tmp_path, change))
    error = next(e for e in errors if e.code == "data.bad_answer")
    assert "[定性事实!C" in str(error.location) and "“也许”" in error.message


def test_missing_header_row(tmp_path):
    def change(wb):
        for cell in wb["季度执行"][2]:
            cell.value = None

    errors = _errors(_broken(tmp_path, change))
    assert any(e.code == "xlsx.no_header" and "季度执行" in e.message for e in errors)


def test_all_errors_of_a_workbook_in_one_run(tmp_path, capsys):
    def change(wb):
        _cell(wb, "基本信息", "年初预算·合计").value = "abc"
        wb["季度执行"]["B3"] = 93.58
        _cell(wb, "定性事实", "asset_inventory_done", 2).value = "也许"

    path = _broken(tmp_path, change)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "共 3 个错误" in err and "[基本信息!C" in err and "[季度执行!B3]" in err and "[定性事实!C" in err
    assert "Traceback" not in err


def test_unreadable_and_foreign_workbooks(tmp_path, capsys):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"this is not a zip file")
    assert main(["check", str(bad)]) == 2  # a file problem, not an error in the figures (README: exit codes)
    assert "无法打开该 Excel 文件" in capsys.readouterr().err
    foreign = tmp_path / "别的表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(foreign)
    assert main(["check", str(foreign)]) == 1
    assert "请使用 jixiao template 生成的填报模板" in capsys.readouterr().err


def test_unknown_label_is_a_warning(tmp_path):
    def change(wb):
        cell = _cell(wb, "基本信息", "年初预算·合计", 0)
        cell.value = "年初预算总额（自编）"
        wb["基本信息"].cell(cell.row, 3).value = 5

    _data, problems = read_workbook(_broken(tmp_path, change))
    warning = next(p for p in problems if p.code == "xlsx.unknown_label")
    assert warning.severity.value == "警告" and "年初预算总额（自编）" in warning.message


def test_report_from_a_workbook(tmp_path):
    path = _template(tmp_path)
    _prepared, evaluation = run(path)
    assert evaluation.total == Decimal("97.61")
    assert main(["report", str(path), "--out", str(tmp_path / "out"), "--format", "docx"]) == 0


def test_template_output_must_be_xlsx(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / "x.txt")]) == 2
    assert "应以 .xlsx 结尾" in capsys.readouterr().err


def test_workbook_bytes_are_a_valid_zip():
    content = write_template(load_rulebook("hunan/department/2023"))
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert "定性事实" in wb.sheetnames and "人工评分" not in wb.sheetnames


def test_a_base_data_table_on_a_sheet_named_anything(tmp_path):
    """The published layout typed into 'Sheet1': found by its labels; name and year from its title rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["部门整体支出绩效评价基础数据表"])
    ws.append(["单位名称：衡山县妇女联合会", None, None, "（2023年度）"])
    ws.append(["财政供养人员情况（人）", None, None, "编制数", "本年实际在职人数", "控制率"])
    ws.append([None, None, None, 6, 6, "100%"])
    ws.append(["经费控制情况（万元）", None, None, "上年决算数", "本年预算数", "本年决算数"])
    ws.append(["“三公”经费", None, None, None, 0.5, 0.09])
    ws.append(["3、公务接待", None, None, None, 0.5, 0.09])
    ws.append(["政府采购金额", None, None, None, None, 11.59])
    path = tmp_path / "基础数据.xlsx"
    wb.save(path)
    data, problems = read_workbook(path)
    assert not [p for p in problems if p.severity.value == "错误"], [p.format() for p in problems]
    assert (data.name, data.year) == ("衡山县妇女联合会", 2023)
    assert data.get("three_public.reception.actual") == Decimal("0.09")
    assert data.get("units[0].staffing.authorized") == 6 and data.get("procurement.actual") == Decimal("11.59")
