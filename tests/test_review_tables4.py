"""A department's file of several projects' self-evaluation tables, reviewed table by table (review/tableparts.py):
each table's findings, identity and score its own, named by its sheet or its place; a file of one table as before.

The workbooks are built from corpus tables as printed (tests/fixtures/review_corpus): t01 and t10 are two project
tables of 池州市贵池区棠溪镇人民政府 for 2022 (委托业务项目, 村级补助及运转经费), each with 年度资金总额 0/0/0 over
其中 rows (t01: 90 / 89.974 / 89.974; t10: 202.64 / 132.912 / 132.912): three funds_parts findings each. t06
(银川市第六中学 初中公用经费 2021) states 自评得分 98 in its head while its visible rows give 84 with 10 points
unlisted (98 > 84 + 10 = 94): a score_sum finding of its own — reviewed as one document with another project above
it, that 98 was checked against the other project's table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus, write_xlsx
from jixiao.review.source import read_source
from jixiao.review.tablefiles import _sheet
from jixiao.review.tableparts import review_file_tables

from .web_support import batch_review

CORPUS = {d.id[:3]: d for d in load_corpus() if d.is_table}
PROJECTS = ("t01", "t10", "t06")


def _docs():
    return [read_source(CORPUS[t].folder / "document.txt") for t in PROJECTS]


def _found(result) -> Counter:
    return Counter((f.code, f.severity.value) for f in result.findings if f.severity.value != "提示")


def _sheets(path: Path) -> None:
    wb = Workbook()
    names = ("委托业务项目", "村级补助及运转经费", "初中公用经费")
    for n, (name, doc) in enumerate(zip(names, _docs(), strict=True)):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name
        _sheet(ws, doc)
    wb.save(str(path))


def _stacked(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目自评表"
    top = 1
    for doc in _docs():
        _sheet(ws, doc, top=top)
        top = ws.max_row + 3  # two empty rows between the tables
    wb.save(str(path))


@pytest.mark.parametrize(
    ("write", "names"),
    [
        (_sheets, ["委托业务项目", "村级补助及运转经费", "初中公用经费"]),
        (_stacked, ["第1张表", "第2张表", "第3张表"]),
    ],
)
def test_workbook_of_three_projects_reviewed_table_by_table(tmp_path, write, names):
    path = tmp_path / "棠溪镇项目支出绩效自评表.xlsx"
    write(path)
    results = review_file_tables(path)
    assert [r.path for r in results] == [path / n for n in names]
    assert [r.project for r in results] == ["委托业务项目", "村级补助及运转经费", "初中公用经费"]
    assert [r.department for r in results][:2] == ["池州市贵池区棠溪镇人民政府"] * 2
    assert [r.year for r in results] == [2022, 2022, 2021]
    # each table as the same table alone in a workbook
    for result, doc, t in zip(results, _docs(), PROJECTS, strict=True):
        alone = tmp_path / f"{t}.xlsx"
        write_xlsx(doc, alone)
        single = review_file(alone)
        assert _found(result) == _found(single), t
        assert (result.department, result.total, len(result.tables)) == (
            single.department,
            single.total,
            len(single.tables),
        )
        assert all(str(f.location.file).startswith(str(result.path)) for f in result.findings if f.location)
    assert Counter(f.code for f in results[0].findings)["review.funds_parts"] == 3  # 0 vs 90 / 89.974 / 89.974
    assert Counter(f.code for f in results[1].findings)["review.funds_parts"] == 3  # 0 vs 202.64 / 132.912 ×2
    stated = [f for f in results[2].findings if f.code == "review.score_sum"]
    assert len(stated) == 1 and "98" in stated[0].message and "84" in stated[0].message  # 98 > 84 + 10


def test_one_table_is_one_review_unchanged(tmp_path):
    """A file of one table is the document itself: the same review as review_file gives."""
    path = tmp_path / "t06.xlsx"
    write_xlsx(_docs()[2], path)
    (result,) = review_file_tables(path)
    single = review_file(path)
    assert result.path == path
    assert (_found(result), result.department, result.total) == (_found(single), single.department, single.total)


def test_department_table_and_its_base_data_stay_one(tmp_path):
    """Two tables of one department (t24: 部门整体支出绩效自评表 and 基础数据表 of 衡山县贯塘乡) on two sheets are one
    document: the same department names both, so they are not cut."""
    doc = read_source(next(d for k, d in CORPUS.items() if k == "t24").folder / "document.txt")
    path = tmp_path / "t24.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "附件一"
    tables = [i for i, s in enumerate(doc.segments) if s.kind == "table"]
    half = tables[len(tables) // 2] if len(tables) > 1 else len(doc.segments)
    first, second = (type(doc)(doc.path, doc.segments[a:b]) for a, b in ((0, half), (half, len(doc.segments))))
    _sheet(ws, first)
    _sheet(wb.create_sheet("附件二"), second)
    wb.save(str(path))
    assert len(review_file_tables(path)) == 1


def test_cli_json_and_summary_name_each_table(tmp_path, capsys):
    """`jixiao review FILE` of a workbook of three projects: a review a table in the text and the JSON, each named by
    its file and sheet; `--out` writes an opinion a table and 审核汇总.xlsx with a row a table."""
    import json

    from openpyxl import load_workbook

    from jixiao.cli import main

    path = tmp_path / "棠溪镇项目支出绩效自评表.xlsx"
    _sheets(path)
    assert main(["review", str(path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in shown] == [str(path / n) for n in ("委托业务项目", "村级补助及运转经费", "初中公用经费")]
    assert [r["project"] for r in shown] == ["委托业务项目", "村级补助及运转经费", "初中公用经费"]
    out = tmp_path / "out"
    out.mkdir()
    assert main(["review", str(path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "文件中有 3 张自评表" in text and text.count("审核文件：") == 3
    assert f"审核文件：{path / '初中公用经费'}" in text
    assert (out / "审核意见_村级补助及运转经费.docx").exists()
    rows = list(load_workbook(out / "审核汇总.xlsx")["汇总"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(
        f"{path.name}/{n}" for n in ("委托业务项目", "村级补助及运转经费", "初中公用经费")
    )


def test_docx_of_two_projects_named_by_place(tmp_path):
    """A .docx with t01's and t10's tables one after the other (each under its own 附件/title lines): 第1张表, 第2张表,
    three funds_parts findings each (0 vs 90 / 89.974 / 89.974; 0 vs 202.64 / 132.912 / 132.912)."""
    from jixiao.review.corpus import write_docx
    from jixiao.review.segments import SourceDocument

    first, second, _ = _docs()
    path = tmp_path / "棠溪镇.docx"
    write_docx(SourceDocument(path, [*first.segments[:-1], *second.segments]), path)  # t01's cut mark left out
    results = review_file_tables(path)
    assert [r.path for r in results] == [path / "第1张表", path / "第2张表"]
    assert [r.project for r in results] == ["委托业务项目", "村级补助及运转经费"]
    assert [Counter(f.code for f in r.findings)["review.funds_parts"] for r in results] == [3, 3]


def test_one_project_on_two_sheets_with_its_department_named_two_ways_stays_one(tmp_path):
    """t01's table on two sheets, the second's 主管部门 written "贵池区棠溪镇" (the first's "219-池州市贵池区棠溪镇人民
    政府"): one project, one document (a cut is kept only between different projects, whatever each calls the
    department)."""
    from dataclasses import replace

    first = _docs()[0]
    renamed = [
        replace(
            s, rows=tuple(tuple(c.replace("219-池州市贵池区棠溪镇人民政府", "贵池区棠溪镇") for c in r) for r in s.rows)
        )
        for s in first.segments
    ]
    path = tmp_path / "t01两页.xlsx"
    wb = Workbook()
    _sheet(wb.active, first)
    _sheet(wb.create_sheet("续"), type(first)(first.path, renamed))
    wb.save(str(path))
    assert len(review_file_tables(path)) == 1


def test_the_web_batch_names_each_tables_opinion_apart():
    """The web's batch writes an 审核意见 a reviewed document, named from its shown name: the tables of one workbook in
    an archive keep their sheets' names (the workbook's extension was taken for theirs: all three one file)."""
    from jixiao.web.uploads import opinion_name

    names = [opinion_name(f"部门.zip/项目表.xlsx/{n}") for n in ("委托业务项目", "村级补助及运转经费", "初中公用经费")]
    assert names == [
        "部门.zip_项目表.xlsx_委托业务项目_审核意见.docx",
        "部门.zip_项目表.xlsx_村级补助及运转经费_审核意见.docx",
        "部门.zip_项目表.xlsx_初中公用经费_审核意见.docx",
    ]
    assert opinion_name("部门.zip/内层/报告.docx") == "部门.zip_内层_报告_审核意见.docx"  # as before


def test_the_web_batch_reviews_an_uploaded_workbook_of_three_projects_table_by_table(tmp_path, monkeypatch):
    """A workbook of three projects uploaded on its own to the bureau's batch (not in an archive): three rows in
    审核汇总.xlsx named by their sheets, and three 审核意见 the job page links to (was one review of the file)."""
    from openpyxl import load_workbook

    from jixiao.web.uploads import opinion_name

    path = tmp_path / "项目表.xlsx"
    _sheets(path)
    out = tmp_path / "out"
    out.mkdir()
    assert batch_review(monkeypatch, [path], out) == "已审核 3 份报告。"
    rows = list(load_workbook(out / "审核汇总.xlsx")["汇总"].iter_rows(min_row=2, values_only=True))
    names = sorted(r[0] for r in rows)
    assert names == sorted(f"项目表.xlsx/{n}" for n in ("委托业务项目", "村级补助及运转经费", "初中公用经费"))
    assert all((out / opinion_name(name)).exists() for name in names)
