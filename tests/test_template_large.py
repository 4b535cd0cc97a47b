"""The fill-in workbook of a department with many projects: the fast way of writing it (styles copied per kind of
cell, validations given their cells as column ranges, merges without openpyxl's scan of earlier merges) gives the
same workbook as openpyxl's own calls, cell by cell, and reads back as the same data."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from jixiao.files import template
from jixiao.files.excel_in import read_workbook
from jixiao.files.template import _runs, write_template
from jixiao.pipeline import load_department, prepare

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))

from generate import department_with_projects


def _department(tmp_path: Path, projects: int) -> Path:
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(department_with_projects(projects), allow_unicode=True), encoding="utf-8")
    return path


def _snapshot(content: bytes) -> dict[str, Any]:
    """Everything a user sees of each sheet: values, styles, merges, validations and the cells each covers."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    sheets: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = [
            (
                c.coordinate,
                c.value,
                c.number_format,
                c.font.name,
                c.font.size,
                c.fill.fgColor.rgb,
                c.protection.locked,
                c.alignment.wrap_text,
                c.alignment.horizontal,
                c.alignment.vertical,
                c.border.left.style,
                c.border.right.style,
                c.border.top.style,
                c.border.bottom.style,
            )
            for row in ws.iter_rows()
            for c in row
        ]
        validations = sorted(
            (dv.type, dv.operator or "", dv.formula1 or "", dv.formula2 or "", dv.error or "", sorted(_cells(dv)))
            for dv in ws.data_validations.dataValidation
        )
        merged = sorted(str(r) for r in ws.merged_cells.ranges)
        sheets[ws.title] = (cells, validations, merged, ws.protection.sheet, ws.freeze_panes)
    return sheets


def _cells(dv) -> set[tuple[int, int]]:
    return {cell for r in dv.sqref.ranges for cell in r.cells}


def _openpyxl_own_way(monkeypatch) -> None:
    """Every cell styled through openpyxl's setters, every validation given its cells one by one, every merge by
    ws.merge_cells: the template as it was written before the fast way."""
    monkeypatch.setattr(template._Styles, "get", lambda self, key: None)

    def close(self) -> None:
        for key, dv in self.by_kind.items():
            for column, row in self.cells[key]:
                dv.add(f"{openpyxl.utils.get_column_letter(column)}{row}")

    monkeypatch.setattr(template._Validations, "close", close)
    monkeypatch.setattr(
        template,
        "_merge",
        lambda ws, row, first, last: ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last),
    )


def test_fast_template_equals_openpyxls_own_calls(tmp_path, monkeypatch):
    prepared = prepare(_department(tmp_path, 40), None)
    fast = _snapshot(write_template(prepared.rulebook, prepared.data))
    _openpyxl_own_way(monkeypatch)
    slow = _snapshot(write_template(prepared.rulebook, prepared.data))
    assert fast == slow
    # 40 projects, so 40 rows of projects on the base sheet, each merged over A:C, and 40 rows on 项目.
    base = fast["基础数据表"]
    project_rows = [c[0] for c in base[0] if c[0].startswith("A") and str(c[1]).split("、")[-1].startswith("二级项目")]
    assert len(project_rows) == 40
    assert all(f"{a}:C{a[1:]}" in base[2] for a in project_rows)  # each project's name merged over A:C
    projects = [c for c in fast["项目"][0] if c[1] is not None and str(c[1]).startswith("二级项目")]
    assert len(projects) == 40


def test_many_projects_read_back_as_the_same_data(tmp_path):
    source = _department(tmp_path, 300)
    data, _ = load_department(source)
    prepared = prepare(source, None)
    out = tmp_path / "填报.xlsx"
    out.write_bytes(write_template(prepared.rulebook, prepared.data))
    read, problems = read_workbook(out)
    assert not [p for p in problems if p.severity.value == "错误"]
    assert len(read.items("projects")) == 300
    assert dict(read.values) == dict(data.values)


def test_runs_of_cells_become_column_ranges():
    # C3, C4, C5 are consecutive rows of column 3 → C3:C5; D7 stands alone; C9 is not next to C5 → its own range;
    # a cell given twice counts once.
    cells = [(3, 4), (3, 3), (4, 7), (3, 5), (3, 9), (3, 4)]
    assert _runs(cells) == ["C3:C5", "C9", "D7"]
