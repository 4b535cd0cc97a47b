"""The web app reads the cycle documents it holds — a targets text from the editor or the database, a workbook's
uploaded bytes — without writing them to temporary files (issue 15's loose end): the cycle readers take the text
or the bytes with the name the problems give. What they read, and every problem with its place, is what reading
the same file gives."""

from __future__ import annotations

import dataclasses
import io
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.cycle.monitoring import load_monitoring
from jixiao.cycle.recheck import load_recheck
from jixiao.cycle.rectify import load_rectification
from jixiao.cycle.targets import load_targets
from jixiao.cycle.workbook import read_targets_workbook
from jixiao.cycle.workbook_out import targets_workbook
from jixiao.model.problems import JixiaoError

BAOAN = Path(__file__).parent.parent / "examples" / "baoan-fulian-2023"


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Any temporary file or folder made while the test runs fails it."""

    def refused(*args, **kwargs):
        raise AssertionError("a temporary file was written")

    for name in ("TemporaryDirectory", "NamedTemporaryFile", "mkdtemp", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refused)


def _placeless(value):
    """A TargetSheet without where it was read from (file, line or cell)."""
    return dataclasses.replace(
        value, path=None, indicators=tuple(dataclasses.replace(i, location=None) for i in value.indicators)
    )


@pytest.mark.parametrize(
    ("load", "name"),
    [
        (load_targets, "targets.yaml"),
        (load_monitoring, "monitoring.yaml"),
        (load_recheck, "recheck.yaml"),
        (load_rectification, "rectification.yaml"),
    ],
)
def test_a_text_reads_as_its_file(no_temporary_files, load, name):
    text = (BAOAN / name).read_text("utf-8")
    from_file, from_text = load(BAOAN / name), load(Path(name), text)
    # the same values at the same lines, the file named as given
    assert repr(from_text) == repr(from_file).replace(str(BAOAN / name), name)
    assert from_text.path == Path(name)
    assert repr(load(Path(name), text.encode("utf-8"))) == repr(from_text)  # bytes as well


def test_a_texts_problems_name_the_given_name_and_line(no_temporary_files):
    text = (BAOAN / "targets.yaml").read_text("utf-8")
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith("year:"))
    with pytest.raises(JixiaoError) as err:
        load_targets(Path("targets.yaml"), text.replace("\nyear: 2023", "\nyear: 二〇二三", 1))
    placed = [p for p in err.value.problems if p.location and p.location.line == line]
    assert placed and all(p.location.file == "targets.yaml" for p in err.value.problems if p.location)
    assert "应为2000到2100之间的整数" in placed[0].message


def test_a_workbooks_bytes_read_as_its_file(tmp_path, no_temporary_files):
    sheet = load_targets(BAOAN / "targets.yaml")
    workbook = load_workbook(io.BytesIO(targets_workbook(sheet)))
    good = targets_workbook(sheet)
    assert read_targets_workbook(Path("申报表.xlsx"), good).tree == read_targets_workbook(_saved(tmp_path, good)).tree
    # a bad cell: named by the upload's name, its sheet and cell, as from a file
    ws = workbook["绩效目标申报表"]
    year = next(f"B{row[0].row}" for row in ws.iter_rows(min_col=1, max_col=1) if row[0].value == "年度")
    ws[year] = "二〇二四"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(JixiaoError) as err:
        load_targets(Path("填好的申报表.xlsx"), buffer.getvalue())
    shown = {f"{p.location.file}|{p.location.sheet}!{p.location.cell}" for p in err.value.problems if p.location}
    assert f"填好的申报表.xlsx|绩效目标申报表!{year}" in shown
    # not a workbook at all: refused in Chinese, naming the upload
    with pytest.raises(JixiaoError) as err:
        read_targets_workbook(Path("申报表.xlsx"), b"not a zip file at all")
    assert err.value.problems[0].location.file == "申报表.xlsx" and "文件内容是" in err.value.problems[0].message


def _saved(folder: Path, content: bytes) -> Path:
    path = folder / "申报表.xlsx"
    path.write_bytes(content)
    return path


def test_the_web_parses_a_document_and_the_approved_targets_from_their_text(no_temporary_files):
    from jixiao.web.approved import _sheet_of
    from jixiao.web.cycle_service import parse
    from jixiao.web.db import Department

    text = (BAOAN / "targets.yaml").read_text("utf-8")
    sheet = load_targets(BAOAN / "targets.yaml")
    parsed = parse("targets", text, Department(name=sheet.department, region=""), sheet.year)
    assert parsed.problems == [] and _placeless(parsed.value) == _placeless(sheet)
    assert _placeless(_sheet_of(text)) == _placeless(sheet)
    # the page's department and year: a text stating others is refused at its line, named targets.yaml
    other = parse("targets", text, Department(name="另一个部门", region=""), sheet.year)
    assert [p.code for p in other.problems] == ["cycle.department"]
    assert other.problems[0].location.file == "targets.yaml" and other.problems[0].location.line
