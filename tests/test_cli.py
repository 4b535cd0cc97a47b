"""The command line as a user runs it: score (text and JSON), explain, check, rulebooks."""

from __future__ import annotations

import json

import pytest

from jixiao.cli import main

BAOAN = "examples/baoan-fulian-2023"


def test_score_prints_table_1_as_the_seed(capsys):
    assert main(["score", BAOAN]) == 0
    out = capsys.readouterr().out
    assert "表 1：自评得分一览表" in out
    # one row of the seed's table: 部门管理 20 资金管理 8 政府采购执行情况 2 1.99
    row = next(line for line in out.splitlines() if "政府采购执行情况" in line).split()
    assert row == ["部门管理", "20", "资金管理", "8", "政府采购执行情况", "2", "1.99"]
    assert "部门管理：分值20，得分18.99，得分率94.95%" in out
    assert "部门绩效：分值60，得分58.62，得分率97.7%" in out
    assert "总分：97.61    等级：优" in out
    assert "未定期开展资产清查工作" in out


def test_score_json_contract(capsys):
    assert main(["score", BAOAN, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["department"], result["year"], result["rulebook"]) == (
        "深圳市宝安区妇女联合会",
        2023,
        "shenzhen-baoan/department/2023",
    )
    assert result["total"] == "97.61" and result["grade"] == "优"
    nodes = {"/".join(n["path"]): n for n in result["indicators"]}
    assert len(result["indicators"]) == 3 + 11 + 21
    leaf = nodes["部门绩效/效率性/预算执行率"]
    assert (leaf["level"], leaf["weight"], leaf["score"]) == (3, "6", "5.62")
    assert leaf["deductions"][0]["points"] == "0.38"
    assert "扣0.38分" in leaf["deductions"][0]["reason"]
    assert nodes["部门管理"]["score"] == "18.99"


def test_explain_shows_inputs_steps_rounding_and_advice(capsys):
    assert main(["explain", BAOAN, "政府采购执行情况"]) == 0
    out = capsys.readouterr().out
    assert "155.586 ÷ 155.591 = 99.9968%" in out
    assert "data.yaml:" in out and "截位" in out
    assert "如何避免：政府采购执行率达到100%（政府采购实际金额需增加0.005万元），可少扣0.01分" in out


def test_explain_unknown_indicator_lists_the_known_ones(capsys):
    assert main(["explain", BAOAN, "不存在的指标"]) == 2  # an unknown id is a usage problem (issue 19)
    assert "budget_execution（预算执行率）" in capsys.readouterr().err


def test_check_ok(capsys):
    assert main(["check", BAOAN]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_rulebooks_lists_source_and_confidence(capsys):
    assert main(["rulebooks", "--facts"]) == 0
    out = capsys.readouterr().out
    assert "shenzhen-baoan/department/2023" in out
    assert "规则：21 项，其中 0 项来自官方文件，21 项推定（依公布结果或通行口径反推）" in out
    assert "产出指标、效益指标、满意度指标的三级指标取自填报的绩效指标" in out
    assert "asset_inventory_done" in out


def test_rulebooks_says_the_method_a_table_prints_for_its_target_groups(capsys):
    """历城's table prints its own method for 产出/效益 (B/A or A/B, three bands): the listing says that one, and
    财预〔2020〕10号's only for the group without one (满意度)."""
    assert main(["rulebooks", "shandong-licheng/project/2019"]) == 0
    out = capsys.readouterr().out
    assert "满意度指标的三级指标取自填报的绩效指标（绩效指标表），按财预〔2020〕10号方法计分" in out
    assert "产出指标的三级指标取自填报的绩效指标（绩效指标表），计分方法：定量指标计算" in out
    assert "产出指标、" not in out


def test_usage_error_is_chinese(capsys):
    try:
        main(["score"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "用法错误" in capsys.readouterr().err


def test_help_and_usage_errors_are_in_chinese(capsys):
    """argparse's own words were English on a Chinese screen: 'usage:', 'positional arguments', 'show this help
    message and exit', 'the following arguments are required: path', 'invalid choice: ...'."""
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("用法：jixiao") and "显示本帮助并退出" in out
    assert "usage" not in out and "positional arguments" not in out and "options" not in out
    for argv, said in (
        (["review"], "缺少必填的参数：path"),
        (["revue", "x"], "参数 命令：没有 'revue' 这一项"),
        (["score", "--rulebook"], "参数 --rulebook：后面应跟一个值"),
        (["score", "a.yaml", "--colour"], "无法识别的参数：--colour"),
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        err = capsys.readouterr().err
        assert stop.value.code == 2 and f"用法错误：{said}" in err and err.startswith("用法：jixiao"), (argv, err)
