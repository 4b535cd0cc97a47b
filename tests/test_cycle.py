"""The whole year on the bundled 宝安 example: targets, three monitoring points (one warning), the self-evaluation,
a 复核 of two indicators and two 整改 items. Every figure worked by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.cli import main
from jixiao.cycle.monitoring import assess_monitoring, load_monitoring
from jixiao.cycle.recheck import compare_recheck, load_recheck
from jixiao.cycle.rectify import budget_action, carryover_paragraphs, load_rectification, rectification_status
from jixiao.cycle.ruleset import load_ruleset
from jixiao.cycle.targets import as_data_targets, check_targets, compare_with_data, load_targets, suggested_grade
from jixiao.model.problems import JixiaoError, Severity
from jixiao.pipeline import run

BAOAN = Path(__file__).parent.parent / "examples" / "baoan-fulian-2023"


def _sheet_values(data: bytes) -> list[list[str]]:
    ws = load_workbook(io.BytesIO(data)).active
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


# ---------------------------------------------------------------- targets
def test_baoan_targets_are_complete_and_match_the_budget():
    sheet = load_targets(BAOAN)
    assert len(sheet.indicators) == 5
    # budget.total 2377.56 = data.yaml's budget.initial.total 2377.56: no money finding; every quantitative
    # indicator has operator, value and unit; 产出 and 效益 present; department targets need no 成本指标.
    problems = check_targets(sheet, Decimal("2377.56"))
    assert problems == []
    assert suggested_grade(problems)[0] == "优"
    assert [ind.shown for ind in sheet.indicators][:3] == ["≥4项", "=16个", "≥95%"]


def test_targets_feed_the_self_evaluation_and_typing_them_twice_is_caught():
    sheet = load_targets(BAOAN)
    rows = as_data_targets(sheet)
    assert rows[0] == {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "区重点工作任务完成数",
        "operator": "≥",
        "target": "4",
        "unit": "项",
    }
    typed = [
        {"name": "区重点工作任务完成数", "operator": "≥", "target": "5"},
        {"name": "群众满意率", "target": "90%", "operator": "≥"},
    ]
    found = compare_with_data(sheet, typed, "data.yaml")
    assert [(p.code, p.expected, p.actual) for p in found] == [("targets.typed_twice", "≥4", "≥5")]


def test_target_quality_checks(tmp_path):
    (tmp_path / "targets.yaml").write_text(
        """kind: project
department: 某县民政局
project: 困难群众救助
year: 2024
budget: {total: 100, fiscal: 60, other: 30}
overall_goal: 保障困难群众基本生活
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 救助人数, operator: ≥, value: 500}
  - {level1: 产出指标, level2: 质量指标, name: 救助准确率, operator: ≥, value: 95%, unit: "%", last_actual: 98%}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 受助群众满意度, operator: ≥, value: 80%, unit: "%"}
""",
        encoding="utf-8",
    )
    sheet = load_targets(tmp_path)
    found = {p.code: p for p in check_targets(sheet, Decimal("90"))}
    # 救助人数 has no unit; 95% < last year's 98% for a ≥ target with no reason; 80% < the national floor 85%;
    # no 效益指标; a project without 成本指标 (财预〔2021〕101号); 60 + 30 = 90 ≠ 100 (error); 100 ≠ budget 90.
    assert set(found) == {
        "targets.incomplete",
        "targets.below_last_year",
        "targets.satisfaction_floor",
        "targets.level_missing",
        "targets.cost_missing",
        "targets.money_parts",
        "targets.money_budget",
    }
    assert found["targets.money_parts"].severity is Severity.ERROR
    assert (found["targets.money_parts"].expected, found["targets.money_parts"].actual) == ("90", "100")
    assert found["targets.incomplete"].location.line == 8
    assert suggested_grade(list(found.values()))[0] == "中"  # one error, no more


def test_bad_targets_file_names_every_problem_with_its_line(tmp_path):
    (tmp_path / "targets.yaml").write_text("kind: 部门\nyear: 二〇二四\nbudget: {total: 很多}\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        load_targets(tmp_path)
    messages = [p.format() for p in err.value.problems]
    assert any(":1:" in m and "目标类型" in m for m in messages)
    assert any(":2:" in m and "年度" in m for m in messages)
    assert any(":3:" in m and "年度资金总额" in m and "应为数字" in m for m in messages)
    assert any("没有绩效指标" in m for m in messages)


# ---------------------------------------------------------------- monitoring
def test_baoan_monitoring_three_points_one_warning():
    result = assess_monitoring(load_monitoring(BAOAN), dt.date(2024, 1, 15))
    # national rule: 序时进度 m/12 minus 10 points → 3月 25%−10% = 15%, 6月 50%−10% = 40%, 9月 75%−10% = 65%.
    lines = [line for _point, line, _why in result.rows]
    assert lines == [Decimal("0.15"), Decimal("0.40"), Decimal("0.65")]
    # execution 23.395% / 40.37% / 75.66% (序时执行率 × 序时进度) are all above their lines; the only warning is
    # the June target gap: 25% − 40.37% = −15.37%, |15.37%| > 10%.
    assert [w.kind for w in result.warnings] == ["目标偏差"]
    warning = result.warnings[0]
    assert warning.month == 6 and "15.37%" in warning.message
    # answered 2023-07-10, before the deadline 2023-07-14 (10 working days after 2023-06-30)
    assert (warning.deadline, warning.status) == (dt.date(2023, 7, 14), "已答复")
    assert [p.severity for p in result.problems()] == [Severity.WARNING]


def test_sichuan_thresholds_apply_from_their_checkpoint(tmp_path):
    text = (BAOAN / "monitoring.yaml").read_text(encoding="utf-8").replace("ruleset: national", "ruleset: sichuan/2025")
    (tmp_path / "monitoring.yaml").write_text(text, encoding="utf-8")
    result = assess_monitoring(load_monitoring(tmp_path), dt.date(2024, 1, 15))
    # 川财绩〔2025〕10号: no line before April; June 40%; September takes August's 60%.
    assert [line for _p, line, _w in result.rows] == [None, Decimal("0.40"), Decimal("0.60")]
    assert result.monitoring.ruleset.monitoring.confidence == "partial"


def test_execution_below_the_line_unanswered_is_overdue(tmp_path):
    (tmp_path / "monitoring.yaml").write_text(
        "ruleset: sichuan/2025\nyear: 2025\nbudget: 200\npoints:\n  - {month: 4, executed: 40}\n", encoding="utf-8"
    )
    mon = load_monitoring(tmp_path)
    assert mon.points[0].issued == dt.date(2025, 5, 1)
    # 40 / 200 = 20% < 25% by April; Sichuan warns on the next month's first day, 2025-05-01 (a holiday).
    # 劳动节 5月1日至5日 off (国办发明电〔2024〕12号), so the 10 working days are May 6–9 (4), 12–16 (9), 19 (10)
    # → 2025-05-19 (weekends alone from 04-30 would give 05-14).
    early = assess_monitoring(mon, dt.date(2025, 5, 19))
    assert [(w.kind, w.status, w.deadline) for w in early.warnings] == [("执行进度", "待答复", dt.date(2025, 5, 19))]
    assert "国办发明电〔2024〕12号" in early.warnings[0].deadline_basis
    late = assess_monitoring(mon, dt.date(2025, 5, 20))
    assert late.warnings[0].status == "逾期未答复"
    assert late.problems()[0].severity is Severity.ERROR


def test_monitoring_table_out():
    result = assess_monitoring(load_monitoring(BAOAN), dt.date(2024, 1, 15))
    from jixiao.cycle.outputs import monitoring_xlsx

    rows = _sheet_values(monitoring_xlsx(result))
    assert rows[0][0] == "2023年度预算绩效运行监控表"
    assert rows[3][:5] == ["1-3月", "2,500.65", "", "23.40%", "15.00%"]
    assert rows[4][8:11] == ["继续执行", "2023-07-10", "已答复"]


# ---------------------------------------------------------------- 复核
def test_baoan_recheck_of_two_indicators():
    prepared, evaluation = run(BAOAN)
    result = compare_recheck(load_recheck(BAOAN), evaluation, prepared.rulebook)
    rechecked = [r for r in result.rows if r.recheck_score is not None]
    assert [(r.name, r.self_score, r.recheck_score) for r in rechecked] == [
        ("资产管理安全性", Decimal("1"), Decimal("1")),
        ("预算执行率", Decimal("5.62"), Decimal("5.61")),
    ]
    # 97.61 + (1 − 1) + (5.61 − 5.62) = 97.60, still ≥ 90 → 优
    assert (result.self_total, result.recheck_total, result.recheck_grade) == (Decimal("97.61"), Decimal("97.60"), "优")
    assert [r.name for r in result.changed] == ["预算执行率"]
    assert result.problems == ()


def test_recheck_refuses_unknown_indicator_and_score_above_weight(tmp_path):
    (tmp_path / "recheck.yaml").write_text(
        "reviewer: 某区财政局\nitems:\n  - {indicator: 不存在的指标, score: 1, reason: 试}\n"
        "  - {indicator: 政府采购执行情况, score: 3, reason: 试}\n",
        encoding="utf-8",
    )
    prepared, evaluation = run(BAOAN)
    result = compare_recheck(load_recheck(tmp_path), evaluation, prepared.rulebook)
    assert [p.code for p in result.problems] == ["recheck.unknown_indicator", "recheck.score_range"]
    assert result.recheck_total == Decimal("97.61")  # nothing valid re-scored


def test_recheck_tables_out():
    from jixiao.cycle.outputs import recheck_docx, recheck_xlsx

    prepared, evaluation = run(BAOAN)
    result = compare_recheck(load_recheck(BAOAN), evaluation, prepared.rulebook)
    rows = _sheet_values(recheck_xlsx(result))
    assert rows[2] == ["指标层级", "三级指标", "分值", "自评分", "复核分", "差异", "原因", "依据"]
    row = next(r for r in rows if r[1] == "预算执行率")
    assert row[2:6] == ["6", "5.62", "5.61", "-0.01"]
    assert rows[-1][3:6] == ["97.61（优）", "97.6（优）", "-0.01"]
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(recheck_docx(result))).paragraphs)
    assert "自评得分97.61分（优），复核得分97.6分（优）" in text


# ---------------------------------------------------------------- 整改 and 结果应用
def test_baoan_rectification_states_and_next_years_section():
    rect = load_rectification(BAOAN)
    today = dt.date(2024, 10, 8)
    # item 1 done 2024-03-15 before its deadline 2024-06-30; item 2 due 2024-09-30, still 进行中 on 2024-10-08.
    assert [rectification_status(i, today) for i in rect.items] == ["按期完成", "已逾期"]
    text = carryover_paragraphs(rect, today)
    assert text[0] == "2023年度绩效自评、审核及复核发现问题2项，已完成整改1项，尚未完成1项。具体情况如下："
    assert "整改情况：已逾期" in text[2]


def test_done_without_evidence_is_refused(tmp_path):
    (tmp_path / "rectification.yaml").write_text(
        "year: 2023\nitems:\n"
        "  - {problem: 未清查资产, measure: 开展清查, owner: 办公室, deadline: 2024-06-30, status: 已完成}\n",
        encoding="utf-8",
    )
    with pytest.raises(JixiaoError) as err:
        load_rectification(tmp_path)
    assert [p.code for p in err.value.problems] == ["cycle.evidence_missing"]


def test_grade_to_budget_action_is_data():
    national = load_ruleset("national")
    assert budget_action("优", national).action == "优先保障"
    assert budget_action("中", national).cut == Decimal("0.10")
    assert budget_action("差", load_ruleset("sichuan/2025")).action == "取消"
    assert load_ruleset("sichuan/2025").targets == national.targets  # inherited whole


# ---------------------------------------------------------------- the commands
def test_cycle_commands_write_their_tables(tmp_path, capsys):
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    out = tmp_path / "out"
    assert main(["targets", str(folder), "--out", str(out)]) == 0
    assert main(["monitor", str(folder), "--today", "2024-01-15", "--out", str(out)]) == 0
    assert main(["recheck", str(folder), "--out", str(out)]) == 0
    assert main(["rectify", str(folder), "--today", "2024-10-08", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "绩效目标申报表.xlsx",
            "绩效目标申报表.docx",
            "运行监控表.xlsx",
            "复核差异表.xlsx",
            "复核意见.docx",
            "整改台账.xlsx",
        ]
    )
    printed = capsys.readouterr().out
    assert "复核得分 97.6（优）" in printed and "6月目标偏差预警" in printed
    assert main(["results", str(tmp_path), "--out", str(out)]) == 0
    summary = _sheet_values((out / "结果应用汇总.xlsx").read_bytes())
    assert summary[3][:4] == ["深圳市宝安区妇女联合会", "97.61", "优", "优先保障"]


def test_cycle_command_errors_are_chinese(tmp_path, capsys):
    # a missing file and a wrong option are usage problems (exit 2), not errors in the figures (exit 1)
    assert main(["monitor", str(tmp_path)]) == 2
    assert "找不到运行监控（monitoring.yaml 或运行监控表 .xlsx）" in capsys.readouterr().err
    assert main(["rectify", str(BAOAN), "--today", "明天"]) == 2
    assert "--today 应为日期" in capsys.readouterr().err


def test_next_years_report_shows_last_years_rectification(tmp_path):
    from jixiao.report.content import build_document

    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    # This year's 台账 (year 2023) belongs to next year's report: the 2023 report has no such section.
    prepared, evaluation = run(folder)
    headings = [b.text for b in build_document(prepared, evaluation).blocks if type(b).__name__ == "Heading"]
    assert "上年度问题整改情况" not in headings
    # Last year's 台账 (year 2022) is reported as of 2023-12-31 (no report date): item 1 done 2024-03-15 is
    # 按期完成 (deadline 2024-06-30), item 2 (due 2024-09-30, 进行中) is still 进行中 then.
    text = (folder / "rectification.yaml").read_text(encoding="utf-8").replace("\nyear: 2023", "\nyear: 2022")
    (folder / "rectification.yaml").write_text(text, encoding="utf-8")
    prepared, evaluation = run(folder)
    blocks = build_document(prepared, evaluation).blocks
    at = next(i for i, b in enumerate(blocks) if getattr(b, "text", "") == "上年度问题整改情况")
    body = [b.text for b in blocks[at + 1 : at + 4]]
    assert body[0] == "2022年度绩效自评、审核及复核发现问题2项，已完成整改1项，尚未完成1项。具体情况如下："
    assert body[1].endswith("整改情况：按期完成，完成于2024年03月15日。")
    assert body[2].endswith("整改情况：进行中。")


def test_self_evaluation_reads_the_approved_targets(tmp_path):
    from jixiao.pipeline import load_department

    folder = tmp_path / "hengshan"
    shutil.copytree(BAOAN.parent / "hengshan-fulian-2023", folder)
    approved = """kind: department
department: 衡山县妇女联合会
year: 2023
budget: {total: 39.78}
overall_goal: 示例
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 妇女职业技能培训期数, operator: ≥, value: 6, unit: 期}
  - {level1: 产出指标, level2: 数量指标, name: “两癌”免费筛查人数, operator: ≥, value: 5500, unit: 例}
approval: {grade: 良, approved: 是}
"""
    (folder / "targets.yaml").write_text(approved, encoding="utf-8")
    data, problems = load_department(folder)
    # data.yaml gives 妇女职业技能培训期数 an actual (7) but no target: the approved ≥6 期 is filled in.
    rows = {data.get(f"{item}.name"): item for item in data.items("targets")}
    training = rows["妇女职业技能培训期数"]
    assert (data.get(f"{training}.operator"), data.get(f"{training}.target")) == ("≥", Decimal("6"))
    # data.yaml types 两癌 ≥5000 itself, against the approved ≥5500: an error at data.yaml's line.
    [clash] = [p for p in problems if p.code == "targets.typed_twice"]
    assert (clash.expected, clash.actual) == ("≥5500", "≥5000")
    assert clash.location.file.endswith("data.yaml") and clash.location.line == 74
    # not approved: nothing is filled, and the data file's own values stand
    (folder / "targets.yaml").write_text(approved.replace("approved: 是", "approved: 否"), encoding="utf-8")
    data, problems = load_department(folder)
    assert [p.code for p in problems if p.code.startswith("targets.")] == ["targets.not_approved"]
