"""The department's fill-in workbook (`jixiao template --from DIR`) with its 年度指标值 from the approved targets.

The score takes the approved targets into the data's target rows of the same name only (`fill_from_sheet`): a
row the data does not list is not scored. The workbook a department fills is where those rows are still to be
written, so here every approved indicator the data does not list becomes a row of its 绩效指标 sheet with 一级,
二级, 三级指标, 指标方向, 年度指标值 and 计量单位 filled and 实际完成值 left to fill. A folder with the approved
targets.yaml and no data yet gives the workbook with the department's name, year and those rows.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jixiao.files.department import read_department
from jixiao.files.yamlsrc import dotted
from jixiao.model.dataset import SourceTree
from jixiao.model.problems import Location

from .targets import TargetSheet, as_data_targets_row, load_targets, other_year

__all__ = ["template_source"]

DATA_NAMES = ("data.yaml", "data.yml")


def template_source(path: Path) -> Path | SourceTree:
    """`path` itself when there is no approved targets.yaml beside the data (the workbook as before), else the
    data's tree with the approved indicators it lacks added as target rows."""
    folder = path if path.is_dir() else path.parent
    targets = folder / "targets.yaml"
    if not targets.exists():
        return path
    sheet = load_targets(targets)  # a bad targets.yaml is an error here as it is for the score
    if not sheet.approved:
        return path  # the data's loader says that the targets are not approved yet (targets.not_approved)
    has_data = not path.is_dir() or any((folder / name).exists() for name in DATA_NAMES)
    if has_data:
        raw = read_department(path)
        if raw.format != "yaml":
            return path  # a filled workbook already holds its rows
        tree = copy.deepcopy(raw.tree) if isinstance(raw.tree, dict) else {}
        if other_year(tree, sheet) is not None:
            return path  # another year's targets: the data's loader says so (targets.other_year)
        add_target_rows(tree, sheet)
        return SourceTree(tree, raw.locate, raw.source, raw.base_dir, raw.problems, raw.format)
    tree = {"department": {"name": sheet.department, "year": sheet.year}}
    add_target_rows(tree, sheet)
    return SourceTree(tree, lambda where: Location(str(targets), field=dotted(where)), str(targets), folder)


def add_target_rows(tree: dict[str, Any], sheet: TargetSheet) -> None:
    """Append to the data tree the approved indicators it does not list, by name, in the targets' order (a
    project's targets into that project, added when the data has none of that name)."""
    if sheet.kind == "project":
        projects = tree.setdefault("projects", [])
        if not isinstance(projects, list):
            return
        project = next((p for p in projects if isinstance(p, dict) and p.get("name") == sheet.project), None)
        if project is None:
            project = {"name": sheet.project}
            projects.append(project)
        owner = project
    else:
        owner = tree
    rows = owner.setdefault("targets", [])
    if not isinstance(rows, list):
        return
    listed = {str(row.get("name", "")) for row in rows if isinstance(row, dict)}
    for ind in sheet.indicators:
        if ind.name not in listed:
            rows.append({"level1": ind.level1, "level2": ind.level2, "name": ind.name, **as_data_targets_row(ind)})
