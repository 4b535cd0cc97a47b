"""Every error a user can cause: a broken fixture, the Chinese message, and its place (file:line, field)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.model.numbers import NumberError, parse_rate
from jixiao.scoring.rulebook import load_rulebook_with_problems

BROKEN = Path(__file__).parent / "fixtures" / "broken"


@pytest.mark.parametrize(
    ("fixture", "code", "line", "fragment"),
    [
        ("data_missing_name.yaml", "data.missing", 2, "缺少必填字段“部门名称”"),
        ("data_text_number.yaml", "data.bad_amount", 7, "应为数字，实际为“二千三百万”"),
        ("data_negative.yaml", "data.bad_amount", 6, "不能为负数"),
        ("data_bare_percent.yaml", "data.bad_rate", 6, "若指百分数请写成“93.58%”，若指小数请写成“0.9358”"),
        ("data_yaml_syntax.yaml", "yaml.syntax", 4, "YAML 格式错误"),
        ("data_unknown_rulebook.yaml", "rulebook.unknown", None, "是否应为“shenzhen-baoan/department/2023”"),
    ],
)
def test_data_error_messages(capsys, fixture, code, line, fragment):
    assert main(["check", str(BROKEN / fixture)]) == 1
    err = capsys.readouterr().err
    assert f"[{code}]" in err and fragment in err
    if line is not None:
        assert f"{fixture}:{line}:" in err
    assert "Traceback" not in err


def test_all_errors_of_a_file_in_one_run(capsys):
    assert main(["check", str(BROKEN / "data_many_errors.yaml")]) == 1
    err = capsys.readouterr().err
    f = "data_many_errors.yaml"
    for expected in (
        f"{f}:4: 字段 department.year 错误[data.bad_year]",
        f"{f}:6: 字段 budget.initial.basic 错误[data.bad_amount]",
        f"{f}:8: 字段 procurement.plan 错误[data.bad_amount]",
        f"{f}:10: 字段 quarterly[0].quarter 错误[data.bad_quarter]",
        f"{f}:13: 字段 units[0].staffing.authorized 错误[data.bad_count]",
        f"{f}:15: 字段 facts.asset_inventory_done.answer 错误[data.bad_answer]",
    ):
        assert expected in err, expected
    assert "共 6 个错误" in err


def test_fraction_typed_as_a_percent_is_a_warning(capsys):
    assert main(["check", str(BROKEN / "data_fraction_as_percent.yaml")]) == 0
    err = capsys.readouterr().err
    assert "data_fraction_as_percent.yaml:6:" in err and "警告[data.implausible_rate]" in err
    assert "若指93.58%，请写成“93.58%”或“0.9358”" in err


def test_unknown_field_is_a_warning_with_a_suggestion(capsys):
    assert main(["check", str(BROKEN / "data_unknown_field.yaml")]) == 0
    err = capsys.readouterr().err
    assert "data_unknown_field.yaml:5:" in err and "未知字段“procurment”" in err and "是否应为“procurement”" in err


@pytest.mark.parametrize(
    ("fixture", "code", "line", "fragment"),
    [
        (
            "rulebook_unknown_indicator.yaml",
            "rulebook.bad_param",
            10,
            "未知的计算指标“procurement_rate”。是否应为“procurement_execution_rate”",
        ),
        ("rulebook_unknown_kind.yaml", "rulebook.unknown_kind", 10, "未知的规则类型“ration”。是否应为“ratio”"),
        (
            "rulebook_weights.yaml",
            "rulebook.weights",
            6,
            "“部门决策”分值为 20，但下级指标分值合计为 15（预算编制合理性 5 + 预算编制规范性 10）",
        ),
    ],
)
def test_rulebook_error_messages(fixture, code, line, fragment):
    _, problems = load_rulebook_with_problems(str(BROKEN / fixture))
    found = [p for p in problems if p.code == code]
    assert found, [p.format() for p in problems]
    assert fragment in found[0].message
    assert found[0].location.line == line


def test_rulebook_reports_every_problem_at_once():
    _, problems = load_rulebook_with_problems(str(BROKEN / "rulebook_weights.yaml"))
    codes = sorted(p.code for p in problems)
    # the 部门决策 sum, and the band score 90 above the weight 80
    assert codes == ["rulebook.bad_param", "rulebook.weights"]


def test_unknown_rulebook_id_on_the_command_line(capsys):
    assert main(["score", "examples/baoan-fulian-2023", "--rulebook", "nowhere/x/2023"]) == 1
    assert "找不到指标体系“nowhere/x/2023”" in capsys.readouterr().err


def test_percent_accepted_explicitly_and_fractions_kept():
    assert parse_rate("98.78%") == parse_rate("0.9878") == parse_rate("９８．７８％")
    with pytest.raises(NumberError, match="含义不明"):
        parse_rate("98.78")


def test_real_entry_point_exit_code_and_no_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "score", str(BROKEN / "data_many_errors.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "错误" in result.stderr


def test_a_file_no_reader_can_read_exits_2_as_other_unreadable_files(tmp_path, capsys):
    """An .ofd that is not one, like a damaged .docx, is the file's fault (exit 2), not an error in its figures
    (exit 1); so are an .xls or .doc LibreOffice cannot read and a PDF with nothing to read."""
    from jixiao.cli import main
    from jixiao.model.problems import Location, Problem, exit_code

    bad = tmp_path / "坏.ofd"
    bad.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip: no OFD.xml
    assert main(["review", str(bad)]) == 2
    assert "坏.ofd" in capsys.readouterr().err
    for code in ("review.convert", "review.ofd", "review.no_text", "xlsx.convert"):
        assert exit_code([Problem(code, "无法读取", Location("x"))]) == 2, code
