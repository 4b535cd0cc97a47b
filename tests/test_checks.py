"""Consistency checks, each with the figures worked by hand from the seeds."""

from __future__ import annotations

from pathlib import Path

from jixiao.cli import main
from jixiao.files.yamlsrc import dotted
from jixiao.model.checks import check_consistency
from jixiao.model.dataset import parse_department
from jixiao.model.problems import Location, Severity
from jixiao.pipeline import load_department


def findings(tree):
    data, problems = parse_department(
        {"department": {"name": "测试", "year": "2023"}, **tree}, lambda p: Location("t", field=dotted(p))
    )
    assert not problems
    return {f.code: f for f in check_consistency(data)}


def test_baoan_rounding_gaps_are_within_tolerance_and_said():
    data, _ = load_department(Path("examples/baoan-fulian-2023"))
    found = check_consistency(data)
    # 996.82 + 1,380.73 = 2,377.55 vs 2,377.56: 0.01 ≤ 2 terms × 0.01
    gap = next(f for f in found if f.location.field == "budget.initial.total")
    assert gap.severity is Severity.INFO and "相差0.01万元" in gap.message and "共0.02万元" in gap.message
    assert not [f for f in found if f.severity is Severity.ERROR]


def test_baoan_adjustment_rate_definition_is_named():
    data, _ = load_department(Path("examples/baoan-fulian-2023"))
    finding = next(f for f in check_consistency(data) if f.code == "check.stated_rate_definition")
    # 123.1 ÷ 2,500.65 = 4.92% as stated; 123.1 ÷ 2,377.56 = 5.18% by 财预〔2013〕53号
    assert "4.92%" in finding.message and "调整数 ÷ 调整后预算" in finding.message
    assert finding.expected == "5.18%" and finding.actual == "4.92%"


def test_hengshan_revenue_against_expenditure_and_large_adjustment():
    data, _ = load_department(Path("examples/hengshan-fulian-2023"))
    found = {f.code: f for f in check_consistency(data)}
    # 155.32 − 155.29 = 0.03
    assert "相差0.03万元" in found["check.revenue_expenditure"].message
    # (155.29 − 39.78) ÷ 39.78 = 290.37%
    assert "+290.37%" in found["check.large_adjustment"].message
    assert found["check.large_adjustment"].severity is Severity.INFO  # the department gave its reason


def test_parts_beyond_tolerance_are_an_error():
    found = findings({"budget": {"final": {"total": "155.29", "basic": "61.41", "project": "90.00"}}})
    f = found["check.sum_mismatch"]
    # 61.41 + 90.00 = 151.41; 155.29 − 151.41 = 3.88
    assert f.severity is Severity.ERROR and "相差3.88万元" in f.message


def test_over_execution_and_over_staffing():
    found = findings(
        {
            "budget": {"adjusted": {"total": "100"}, "final": {"total": "101"}},
            "units": [{"name": "本级", "staffing": {"authorized": "6", "actual": "7"}}],
        }
    )
    assert "101.00%" in found["check.over_execution"].message
    assert "实有在编人数7人，超过编制数6人" in found["check.over_staffing"].message


def test_stated_rate_that_differs_from_the_computed_one():
    found = findings({"procurement": {"plan": "100", "actual": "90"}, "stated": {"procurement_rate": "95%"}})
    f = found["check.stated_rate"]
    assert f.expected == "90.00%" and f.actual == "95%"


def test_staff_categories_must_add_up():
    found = findings(
        {
            "units": [
                {
                    "name": "本级",
                    "staffing": {"authorized": "6", "authorized_admin": "4", "authorized_institution": "1"},
                }
            ]
        }
    )
    assert "行政编制4人 + 事业编制1人 = 5人" in found["check.sum_mismatch"].message


def test_check_command_exits_non_zero_on_inconsistent_figures(tmp_path, capsys):
    (tmp_path / "data.yaml").write_text(
        "department: {name: 测试, year: 2023}\nbudget:\n  final: {total: 155.29, basic: 61.41, project: 90}\n",
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path), "--rulebook", "hunan/department/2023"]) == 1
    err = capsys.readouterr().err
    assert "data.yaml:3: 字段 budget.final.total 错误[check.sum_mismatch]" in err
