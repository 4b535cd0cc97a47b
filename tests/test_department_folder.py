"""A department's folder without data.yaml: its filled workbook is found among the year's other workbooks (the 绩效目标
申报表 and the 运行监控表 lie beside it), by its 填报 sheets rather than by being first in name order; two filled
workbooks, or several none of which is one, are refused in Chinese naming them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.files.department import read_department
from jixiao.model.problems import JixiaoError

ROOT = Path(__file__).resolve().parent.parent
BAOAN = ROOT / "examples" / "baoan-fulian-2023"


def _jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("made")
    made = {
        "data": folder / "宝安填报.xlsx",
        "monitoring": folder / "0-运行监控表.xlsx",  # first in name order
        "targets": folder / "1-绩效目标申报表.xlsx",
    }
    assert _jixiao("template", "--from", str(BAOAN), "--out", str(made["data"])).returncode == 0
    for kind in ("monitoring", "targets"):
        done = _jixiao("cycle-template", kind, "--from", str(BAOAN), "--out", str(made[kind]))
        assert done.returncode == 0, done.stderr
    return made


def _folder(tmp_path: Path, workbooks: dict[str, Path], *names: str) -> Path:
    for name in names:
        (tmp_path / workbooks[name].name).write_bytes(workbooks[name].read_bytes())
    return tmp_path


def test_the_filled_workbook_is_found_beside_the_years_other_workbooks(tmp_path: Path, workbooks) -> None:
    folder = _folder(tmp_path, workbooks, "monitoring", "targets", "data")
    assert read_department(folder).source.endswith("宝安填报.xlsx")
    # and it scores as the example does: 97.61 (the seed's total, tests/test_golden.py)
    done = _jixiao("score", str(folder))
    assert done.returncode == 0 and "97.61" in done.stdout, done.stdout + done.stderr


def test_two_filled_workbooks_are_refused_naming_both(tmp_path: Path, workbooks) -> None:
    folder = _folder(tmp_path, workbooks, "data", "monitoring")
    (folder / "宝安填报-副本.xlsx").write_bytes(workbooks["data"].read_bytes())
    with pytest.raises(JixiaoError) as caught:
        read_department(folder)
    (problem,) = caught.value.problems
    assert problem.code == "file.many_workbooks"
    assert (
        "宝安填报.xlsx、宝安填报-副本.xlsx" in problem.message or "宝安填报-副本.xlsx、宝安填报.xlsx" in problem.message
    )
    assert "都含填报表" in problem.message and "请直接指定填报文件" in problem.message


def test_workbooks_none_of_which_is_filled_are_refused(tmp_path: Path, workbooks) -> None:
    folder = _folder(tmp_path, workbooks, "monitoring", "targets")
    with pytest.raises(JixiaoError) as caught:
        read_department(folder)
    assert "都不含“基本信息”“基础数据表”等填报表" in caught.value.problems[0].message
