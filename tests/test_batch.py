"""`jixiao batch`: a folder of departments scored, reported and reviewed; a ranking workbook and a failure list.

The folder holds three generated departments, the bundled 宝安 example as a sub-folder, a file that is not
valid YAML and a department whose figures break the schema: the two bad ones land in the failure list with
their file and reason, and the others are ranked as `evaluate` scores them.
"""

from __future__ import annotations

import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from jixiao.batch.run import Done, find_departments, rank, run_batch
from jixiao.cli import main
from jixiao.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import department_tree  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bureau") / "departments"
    base.mkdir()
    rng = random.Random(1)
    for i in range(3):
        text = yaml.safe_dump(department_tree(i, rng), allow_unicode=True)
        (base / f"dept{i}.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "examples" / "baoan-fulian-2023", base / "baoan")
    (base / "broken.yaml").write_text("department: [unclosed\n", encoding="utf-8")
    bad = department_tree(9, rng)
    bad["budget"]["adjusted"]["total"] = "很多"
    (base / "bad_figures.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    (base / "notes.txt").write_text("不是部门数据", encoding="utf-8")
    return base


def test_the_folder_lists_each_department_once(folder: Path) -> None:
    names = [p.name for p in find_departments(folder)]
    assert names == ["bad_figures.yaml", "baoan", "broken.yaml", "dept0.yaml", "dept1.yaml", "dept2.yaml"]


@pytest.fixture(scope="module")
def batch(folder: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["batch", str(folder), "--out", str(out), "--jobs", "2"])
    assert code == 0
    return out


def test_ranking_holds_every_good_department_with_its_score(folder: Path, batch: Path) -> None:
    sheet = load_workbook(batch / "排名.xlsx")["排名"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("排名", "部门", "年度", "总分", "等级")
    by_source = {row[header.index("来源文件")]: row for row in rows[1:]}
    assert sorted(by_source) == ["baoan", "dept0.yaml", "dept1.yaml", "dept2.yaml"]
    for source, row in by_source.items():
        _, evaluation = run(folder / source)
        assert Decimal(str(row[3])) == evaluation.total, source
        assert row[4] == evaluation.grade
    # README: 宝安区妇联 97.61 (优); the generated departments score below 90, so it ranks first.
    assert by_source["baoan"][0] == 1 and by_source["baoan"][3] == 97.61
    totals = [row[3] for row in rows[1:]]
    assert totals == sorted(totals, reverse=True)
    assert [row[0] for row in rows[1:]] == [1, 2, 3, 4]


def test_each_department_has_its_report_and_review(batch: Path) -> None:
    for name in ("baoan", "dept0", "dept1", "dept2"):
        assert (batch / "报告" / name / "自评报告.docx").stat().st_size > 0
        assert (batch / "报告" / name / "附件表.xlsx").stat().st_size > 0
    issues = list(load_workbook(batch / "排名.xlsx")["问题清单"].iter_rows(values_only=True))
    assert issues[0] == ("部门", "来源文件", "类别", "级别", "位置", "问题")
    # The review of each written report ran: 宝安's report states its 预算调整率 with the 调整后预算
    # denominator (4.92% = 123.1 ÷ 2,500.65), which the reviewer flags beside the 53号 definition.
    assert any(row[1] == "baoan" and row[2] == "报告审核" and "预算调整率" in row[5] for row in issues[1:])


def test_bad_files_are_listed_with_why_and_do_not_stop_the_batch(batch: Path) -> None:
    text = (batch / "失败清单.txt").read_text(encoding="utf-8")
    assert "broken.yaml" in text and "yaml.syntax" in text
    assert "bad_figures.yaml" in text and "budget.adjusted.total" in text
    failures = list(load_workbook(batch / "排名.xlsx")["失败清单"].iter_rows(values_only=True))
    assert [row[0] for row in failures[1:]] == ["bad_figures.yaml", "broken.yaml"]


def test_one_process_gives_the_same_ranking_as_two(folder: Path, batch: Path, tmp_path: Path) -> None:
    alone = run_batch(folder, tmp_path, jobs=1, formats=(), review=False)
    two = load_workbook(batch / "排名.xlsx")["排名"]
    expected = [(row[13], Decimal(str(row[3]))) for row in list(two.iter_rows(values_only=True))[1:]]
    assert [(d.source, d.total) for _, d in rank(alone.done)] == expected
    assert [f.source for f in alone.failed] == ["bad_figures.yaml", "broken.yaml"]
    assert not (tmp_path / "报告").exists()  # formats=(): scored only


def _done(source: str, total: str | None) -> Done:
    return Done(source, source, 2023, "x", Decimal(total) if total else None, Decimal(100), None, (), 0, Decimal(0), ())


def test_equal_totals_share_a_rank_and_incomplete_ones_come_last() -> None:
    ranked = rank([_done("a", "80"), _done("b", "90"), _done("c", None), _done("d", "80"), _done("e", "70")])
    assert [(position, d.source) for position, d in ranked] == [(1, "b"), (2, "a"), (2, "d"), (4, "e"), (None, "c")]


def test_a_path_that_is_not_a_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["batch", str(tmp_path / "nowhere")]) == 2
    assert "不是目录" in capsys.readouterr().err


def test_a_second_run_does_not_take_its_own_output_for_a_department(folder: Path, tmp_path: Path) -> None:
    # The default output folder sits inside the input folder and holds 排名.xlsx: it is not a department.
    inside = tmp_path / "depts"
    shutil.copytree(folder, inside)
    run_batch(inside, inside / "批量结果", jobs=1, formats=(), review=False)
    assert "批量结果" not in [p.name for p in find_departments(inside)]


def test_largest_departments_are_handed_out_first(tmp_path: Path) -> None:
    """The workers take the largest inputs first (a folder counts its files' bytes), so the last to finish is a
    small one; equal sizes keep the folder's order. Sizes: a 10 bytes, b/ 20 + 10 = 30, c 30, d 5."""
    from jixiao.batch.run import _largest_first

    (tmp_path / "a.yaml").write_bytes(b"x" * 10)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "data.yaml").write_bytes(b"x" * 20)
    (tmp_path / "b" / "notes.txt").write_bytes(b"x" * 10)
    (tmp_path / "c.yaml").write_bytes(b"x" * 30)
    (tmp_path / "d.yaml").write_bytes(b"x" * 5)
    inputs = [tmp_path / name for name in ("a.yaml", "b", "c.yaml", "d.yaml")]
    assert [p.name for p in _largest_first(inputs)] == ["b", "c.yaml", "a.yaml", "d.yaml"]


def test_a_reason_longer_than_a_cell_is_cut_and_says_where_the_rest_is(tmp_path: Path) -> None:
    """A spreadsheet cell holds 32,767 characters: a failure with 5,000 reasons of 9 characters (第 + five digits +
    行有误; 5,000 × 9 plus 4,999 line breaks = 49,999 characters) is cut to exactly 32,767 in 排名.xlsx, ending
    with where the rest is; 失败清单.txt keeps every reason."""
    from jixiao.batch.run import Failed, write_failures, write_ranking

    failed = [Failed("坏.yaml", tuple(f"第{i:05d}行有误" for i in range(5000)))]
    assert len("\n".join(failed[0].reasons)) == 49_999
    write_ranking([], failed, tmp_path / "排名.xlsx")
    write_failures(failed, tmp_path / "失败清单.txt")
    cell = load_workbook(tmp_path / "排名.xlsx")["失败清单"]["B2"].value
    assert len(cell) == 32_767 and cell.startswith("第00000行有误")
    assert cell.endswith("（共 49999 个字符，其余见 失败清单.txt 或重新检查该文件）")
    assert "第04999行有误" in (tmp_path / "失败清单.txt").read_text(encoding="utf-8")
