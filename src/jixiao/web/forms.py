"""The page's forms and the stored data: the 基本信息 fields and the editable tables (units, quarterly execution,
key tasks, performance targets) to and from the YAML an evaluation keeps."""

from __future__ import annotations

from typing import Any

import yaml

from jixiao.files.excel_layout import FORM_FIELDS, LIST_SHEETS
from jixiao.files.serialize import data_to_tree, set_path
from jixiao.files.yamlsrc import parse_yaml_text
from jixiao.model.dataset import DepartmentData

from .db import Evaluation

__all__ = [
    "EDITABLE_LISTS",
    "form_to_yaml",
    "form_values",
    "list_rows",
    "lists_from_form",
    "lists_to_yaml",
    "problem_place",
]


def form_to_yaml(evaluation: Evaluation, form: dict[str, str]) -> str:
    """The scalar fields of the form (the same ones as the workbook's 基本信息) merged into the stored data."""
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for field in FORM_FIELDS:
        key = f"f:{field.path}"
        if key in form:
            value = form[key].strip()
            set_path(tree, field.path, value or None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


# The lists editable as tables on the page (projects, with their many fund columns, go through the workbook).
EDITABLE_LISTS = tuple(
    sheet for sheet in LIST_SHEETS if sheet.list_path in ("units", "quarterly", "key_tasks", "targets")
)
SPARE_ROWS = 3


def list_rows(data: DepartmentData) -> dict[str, list[dict[str, str]]]:
    """Each editable list as rows of text (as the YAML stores them), plus empty rows to add to."""
    tree = data_to_tree(data)
    out: dict[str, list[dict[str, str]]] = {}
    for sheet in EDITABLE_LISTS:
        rows = []
        for item in tree.get(sheet.list_path) or []:
            row = {}
            for column in sheet.columns:
                node: Any = item
                for part in column.path.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
                if node is not None:
                    row[column.path] = str(node)
            rows.append(row)
        out[sheet.list_path] = rows + [{} for _ in range(SPARE_ROWS)]
    return out


def lists_from_form(form: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The posted table cells (`l:targets:3:actual`) back into rows; empty rows are dropped, and cells of an unknown
    table, column or row number (a tampered form) are ignored."""
    columns = {sheet.list_path: {c.path for c in sheet.columns} for sheet in EDITABLE_LISTS}
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in form.items():
        parts = key.split(":", 3)
        if len(parts) != 4 or parts[0] != "l" or parts[1] not in columns or parts[3] not in columns[parts[1]]:
            continue
        _, list_path, index, column = parts
        if not index.isdigit() or int(index) > 10_000:
            continue
        rows.setdefault(list_path, {}).setdefault(int(index), {})[column] = value.strip()
    return {name: [row for _, row in sorted(items.items()) if any(row.values())] for name, items in rows.items()}


def lists_to_yaml(evaluation: Evaluation, lists: dict[str, list[dict[str, str]]]) -> str:
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for sheet in EDITABLE_LISTS:
        if sheet.list_path not in lists:
            continue
        items = []
        for row in lists[sheet.list_path]:
            item: dict[str, Any] = {}
            for column in sheet.columns:
                if row.get(column.path):
                    set_path(item, column.path, row[column.path])
            items.append(item)
        if items:
            tree[sheet.list_path] = items
        else:
            tree.pop(sheet.list_path, None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


def form_values(data: DepartmentData) -> dict[str, str]:
    tree = data_to_tree(data)
    values: dict[str, str] = {}
    for field in FORM_FIELDS:
        node: Any = tree
        for part in field.path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            values[field.path] = str(node)
    return values


def problem_place(problem) -> str:
    """Where a problem is, in the user's words: the sheet and cell, or the field's label (never a field path)."""
    location = problem.location
    if location is None:
        return ""
    if location.sheet:
        return f"工作表“{location.sheet}”{location.cell or ''}"
    labels = {f.path: f.label for f in FORM_FIELDS}
    if location.field:
        return labels.get(location.field) or _list_label(location.field)
    return ""


def _list_label(path: str) -> str:
    """`targets[2].actual` → 绩效指标 第3行 实际完成值."""
    head, _, rest = path.partition("[")
    for sheet in EDITABLE_LISTS:
        if sheet.list_path == head:
            index, _, column = rest.partition("]")
            headers = {c.path: c.header for c in sheet.columns}
            row = f"第{int(index) + 1}行" if index.isdigit() else ""
            return f"{sheet.name} {row} {headers.get(column.lstrip('.'), '')}".strip()
    return "数据"
