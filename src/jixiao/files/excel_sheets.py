"""The sheets of a filled workbook read into the department's tree: 基本信息 (a form of labels and values), the
list sheets (单位与人员, 季度执行, 项目, 绩效指标, 重点工作), the Hunan-layout 基础数据表, and the key–value sheets
(定性事实, 人工评分). Each value goes in with its sheet!cell (`TreeReader`); `excel_in` opens the workbook and
calls these in order.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from jixiao.model.numbers import NumberError, normalize_text, parse_decimal, read_amount
from jixiao.model.problems import Location, Problem, Severity, dotted

from .excel_cells import MAX_HEADER_SCAN, Sheet, get_column_letter
from .excel_layout import (
    BASE_BUILDINGS,
    BASE_COLUMNS,
    BASE_ROWS,
    BASE_STAFF,
    BASE_TEXT,
    DEPARTMENT_OWNER,
    FORM_FIELDS,
    OWNER_HEADER,
    ListSheet,
    base_row_key,
    norm,
    project_key,
)

__all__ = [
    "TreeReader",
    "find_sheet",
    "identity_from",
    "merge_staff",
    "read_base",
    "read_form",
    "read_list",
    "read_pairs",
    "sheet_with",
]


class TreeReader:
    """The tree a workbook gives, built cell by cell: each value with its sheet!cell, each field's home cell
    (where it would be filled in, for a 未填报 message), the reader's problems."""

    def __init__(self, shown: str):
        self.shown = shown  # the file's name in every place: the user's, not a converted temporary copy
        self.tree: dict[str, Any] = {}
        # where each field is (or would be) filled in: a Location, or (sheet, row, column) for a blank home,
        # made into a Location only when a problem needs it (10,000 project rows have 190,000 homes)
        self.cells: dict[tuple[Any, ...], Location | tuple[str, int, int]] = {}
        self.sources: dict[tuple[Any, ...], tuple[Any, str]] = {}
        self.problems: list[Problem] = []

    def where(self, sheet: Sheet, row: int, col: int, field: str | None = None) -> Location:
        return Location(self.shown, sheet=sheet.name, cell=f"{get_column_letter(col)}{row}", field=field)

    def problem(
        self,
        code: str,
        message: str,
        sheet: Sheet,
        row: int,
        col: int,
        severity=Severity.ERROR,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(code, message, self.where(sheet, row, col, field), severity))

    def home(self, path: tuple[Any, ...], sheet: Sheet, row: int, col: int) -> None:
        """Where a field is filled in, even when blank, so 'missing' errors point at the cell to fill."""
        if path not in self.cells:
            self.cells[path] = (sheet.name, row, col)

    def set(self, path: tuple[Any, ...], sheet: Sheet, row: int, col: int) -> None:
        value, trouble = sheet.raw(row, col)
        self.home(path, sheet, row, col)
        if trouble:
            self.problem("xlsx.formula_without_value", trouble, sheet, row, col, field=dotted(path))
            return
        if value is None:
            return
        here = self.where(sheet, row, col, dotted(path))
        if path in self.sources:
            earlier, place = self.sources[path]
            if _same(earlier, value):
                return
            self.problems.append(
                Problem(
                    "xlsx.conflict",
                    f"同一项数据填写了两处且不一致：{place} 为“{earlier}”，此处为“{value}”。请只保留正确的一处。",
                    here,
                )
            )
            return
        self.sources[path] = (value, f"{sheet.name}!{here.cell}")
        self.cells[path] = here
        _assign(self.tree, path, value)

    def locate(self, path: tuple[Any, ...]) -> Location:
        probe = tuple(path)
        while probe and probe not in self.cells:
            probe = probe[:-1]
        if probe in self.cells:
            found = self.cells[probe]
            if isinstance(found, Location):
                return Location(found.file, sheet=found.sheet, cell=found.cell, field=dotted(path))
            name, row, col = found
            return Location(self.shown, sheet=name, cell=f"{get_column_letter(col)}{row}", field=dotted(path))
        return Location(self.shown, field=dotted(path))


def _same(a: Any, b: Any) -> bool:
    """The same value filled in two places: the same number (93.88 and “938,800元”, an amount as the 万元 fields read
    it: numbers.read_amount), else the same text."""
    try:
        return _number(a) == _number(b)
    except (ArithmeticError, NumberError):
        return normalize_text(str(a)) == normalize_text(str(b))


def _number(value: Any) -> Decimal:
    return read_amount(value).value if isinstance(value, str) else Decimal(str(value))


def _assign(tree: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = tree
    for key, following in itertools.pairwise(path):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
            continue
        default: Any = [] if isinstance(following, int) else {}
        node = node.setdefault(key, default)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value  # floats are read back exactly by parse_decimal (shortest repr)


def find_sheet(wb, wanted: str):
    key = norm(wanted)
    for ws in wb.worksheets:
        if norm(ws.title) == key:
            return ws
    return next((ws for ws in wb.worksheets if key in norm(ws.title)), None)


def _header_row(sheet: Sheet, names: dict[str, Any], minimum: int = 2) -> tuple[int, dict[int, Any]] | None:
    """The row (in the first rows) whose cells name the most known columns; its column -> meaning."""
    best: tuple[int, dict[int, Any]] | None = None
    for row in range(1, min(sheet.max_row, MAX_HEADER_SCAN) + 1):
        found = {}
        for col in range(1, sheet.max_col + 1):
            key = norm(sheet.text(row, col))
            if key in names:
                found[col] = names[key]
        if len(found) >= minimum and (best is None or len(found) > len(best[1])):
            best = (row, found)
    return best


def read_form(reader: TreeReader, sheet: Sheet) -> None:
    header = _header_row(sheet, {"分组": "group", "项目": "label", "填报值": "value", "数值": "value", "金额": "value"})
    if header is None or "value" not in header[1].values() or "label" not in header[1].values():
        reader.problem("xlsx.no_header", f"“{sheet.name}”表中找不到表头（应有“项目”和“填报值”两列）。", sheet, 1, 1)
        return
    row0, columns = header
    col = {meaning: c for c, meaning in columns.items()}
    by_pair = {(norm(f.group), norm(f.label)): f for f in FORM_FIELDS}
    by_label: dict[str, list] = {}
    for f in FORM_FIELDS:
        by_label.setdefault(norm(f.label), []).append(f)
    group = ""
    for row in range(row0 + 1, sheet.max_row + 1):
        if "group" in col and sheet.text(row, col["group"]).strip():
            group = sheet.text(row, col["group"])
        label = sheet.text(row, col["label"])
        if not label.strip():
            continue
        field = by_pair.get((norm(group), norm(label)))
        if field is None and len(by_label.get(norm(label), [])) == 1:
            field = by_label[norm(label)][0]
        if field is None:
            value, _ = sheet.raw(row, col["value"])
            if value is not None:
                reader.problem(
                    "xlsx.unknown_label",
                    f"未识别的项目“{label.strip()}”（分组“{group.strip()}”），该行数据已忽略。"
                    "请勿修改模板中的项目名称。",
                    sheet,
                    row,
                    col["label"],
                    Severity.WARNING,
                )
            continue
        reader.set(tuple(field.path.split(".")), sheet, row, col["value"])


def read_list(reader: TreeReader, sheet: Sheet, layout: ListSheet) -> None:
    names: dict[str, Any] = {}
    for column in layout.columns:
        names.setdefault(norm(column.header), column)
        names.setdefault(norm(column.spec.label), column)
    if layout.owner_column:
        names[norm(OWNER_HEADER)] = OWNER_HEADER
    header = _header_row(sheet, names)
    if header is None:
        reader.problem(
            "xlsx.no_header",
            f"“{sheet.name}”表中找不到表头行（应包含{'、'.join(c.header for c in layout.columns[:3])}等列）。",
            sheet,
            1,
            1,
        )
        return
    row0, columns = header
    index = 0
    for row in range(row0 + 1, sheet.max_row + 1):
        filled = [c for c, meaning in columns.items() if meaning != OWNER_HEADER and sheet.raw(row, c)[0] is not None]
        if not filled:
            continue
        base: tuple[Any, ...] = (layout.list_path, index)
        if layout.owner_column:
            owner_col = next((c for c, m in columns.items() if m == OWNER_HEADER), None)
            owner = sheet.text(row, owner_col).strip() if owner_col else ""
            if owner and norm(owner) != norm(DEPARTMENT_OWNER):
                project = _project_index(reader, owner, sheet, row, owner_col or 1)
                targets = reader.tree["projects"][project].setdefault("targets", [])
                base = ("projects", project, "targets", len(targets))
                targets.append({})
            else:
                index += 1
        else:
            index += 1
        for c, column in columns.items():
            if column != OWNER_HEADER:
                reader.set((*base, *column.path.split(".")), sheet, row, c)


def _project_index(reader: TreeReader, name: str, sheet: Sheet, row: int, col: int) -> int:
    projects = reader.tree.setdefault("projects", [])
    for i, project in enumerate(projects):
        if project_key(project.get("name")) == project_key(name):
            return i
    projects.append({"name": name})
    reader.cells.setdefault(("projects", len(projects) - 1, "name"), reader.where(sheet, row, col, "projects.name"))
    reader.sources[("projects", len(projects) - 1, "name")] = (name, f"{sheet.name}!{get_column_letter(col)}{row}")
    return len(projects) - 1


def read_pairs(reader: TreeReader, sheet: Sheet, map_key: str, key_header: str, fields: dict[str, str]) -> None:
    header = _header_row(sheet, {norm(key_header): "key", **{norm(h): f for h, f in fields.items()}})
    if header is None:
        return
    row0, columns = header
    key_col = next((c for c, m in columns.items() if m == "key"), None)
    if key_col is None:
        return
    for row in range(row0 + 1, sheet.max_row + 1):
        key = sheet.text(row, key_col).strip()
        if not key:
            continue
        for c, meaning in columns.items():
            if meaning != "key":
                reader.set((map_key, key, meaning), sheet, row, c)


def read_base(reader: TreeReader, sheet: Sheet) -> None:
    header = _header_row(sheet, {norm(h): i for i, h in enumerate(BASE_COLUMNS)}, minimum=2)
    if header is None:
        reader.problem(
            "xlsx.no_header",
            "“基础数据表”中找不到“上年决算数 / 本年预算数 / 本年决算数”表头。",
            sheet,
            1,
            1,
            Severity.WARNING,
        )
    else:
        row0, columns = header
        first_value_col = min(columns)
        in_projects = False
        for row in range(row0 + 1, sheet.max_row + 1):
            label = next((sheet.text(row, c) for c in range(1, first_value_col) if sheet.text(row, c).strip()), "")
            if not label:
                continue
            key = base_row_key(label)
            if key == "项目支出":
                in_projects = True
            elif key is not None:
                in_projects = False
            if key is not None:
                for col, position in columns.items():
                    path = BASE_ROWS[key][position]
                    if path:
                        reader.set(tuple(path.split(".")), sheet, row, col)
            elif in_projects and norm(label):
                project = _project_index(reader, norm(label), sheet, row, 1)
                by_position = {p: c for c, p in columns.items()}
                for position, field in ((1, "adjusted"), (2, "actual")):
                    if position in by_position:
                        reader.set(("projects", project, "funds", field), sheet, row, by_position[position])
            elif norm(label) in {norm(k) for k in (*BASE_STAFF, *BASE_BUILDINGS, *BASE_TEXT)}:
                break
    _read_labelled_rows(reader, sheet)


def _read_labelled_rows(reader: TreeReader, sheet: Sheet) -> None:
    """Staffing and buildings: a header row of labels with their values in the row below; 厉行节约 text."""
    staff_headers = {norm(k): v for k, v in BASE_STAFF.items()}
    building_headers = {norm(k): v for k, v in BASE_BUILDINGS.items()}
    for row in range(1, sheet.max_row + 1):
        for col in range(1, sheet.max_col + 1):
            key = norm(sheet.text(row, col))
            if key in staff_headers:
                reader.set(("_staff", staff_headers[key]), sheet, row + 1, col)
            elif key in building_headers:
                reader.set(tuple(building_headers[key].split(".")), sheet, row + 1, col)
            elif key in {norm(k) for k in BASE_TEXT}:
                target = next((c for c in range(col + 1, sheet.max_col + 1) if sheet.text(row, c).strip()), col + 1)
                reader.set(tuple(BASE_TEXT["厉行节约保障措施"].split(".")), sheet, row, target)


def sheet_with(sheets, words: tuple[str, ...]):
    """A sheet whose first rows contain all these labels (a base-data table on a sheet named anything)."""
    for sheet in sheets:
        text = sheet.first_rows_text(30)
        if all(norm(w) in text for w in words):
            return sheet
    return None


def identity_from(reader: TreeReader, sheet: Sheet) -> None:
    """单位名称 and 年度 from the table's title rows, when the form did not give them."""
    department = reader.tree.setdefault("department", {})
    for row in range(1, min(sheet.max_row, 8) + 1):
        for col in range(1, sheet.max_col + 1):
            text = normalize_text(sheet.text(row, col))
            # 单位名称：/ 部门（单位）名称：/ 填报单位：XX — the only name a published table may give
            name = re.search(r"(?:(?:单位|部门)(?:[（(]单位[)）])?名称|填报单位)\s*[:：]\s*([^\s（(]+)", text)
            if name and not department.get("name"):
                department["name"] = name.group(1)
                reader.cells[("department", "name")] = reader.where(sheet, row, col, "department.name")
            year = re.search(r"(20\d\d)\s*年度", text)
            if year and not department.get("year"):
                department["year"] = year.group(1)
                reader.cells[("department", "year")] = reader.where(sheet, row, col, "department.year")


def merge_staff(reader: TreeReader) -> None:
    """Department totals from the 基础数据表 become the one unit when no 单位与人员 rows were given,
    and must agree with the units' sum when they were."""
    staff = reader.tree.pop("_staff", None)
    if not staff:
        return
    units = reader.tree.get("units")
    if not units:
        name = (reader.tree.get("department") or {}).get("name") or "本部门"
        reader.tree["units"] = [{"name": name, "staffing": dict(staff)}]
        for key in staff:
            reader.cells[("units", 0, "staffing", key)] = reader.cells[("_staff", key)]
        return
    for key, value in staff.items():
        place = reader.locate(("_staff", key))
        try:
            stated = parse_decimal(value)
        except NumberError as exc:  # text in a count cell is not-a-number, not a conflict
            reader.problems.append(Problem("xlsx.bad_count", f"人数{exc}", place))
            continue
        given = [u.get("staffing", {}).get(key) for u in units if isinstance(u, dict)]
        if not given or any(g is None for g in given):
            continue
        try:
            total = sum(parse_decimal(g) for g in given)
        except NumberError:
            continue  # the unit's own cell is reported as 应为数字 by the data checks
        if total != stated:
            reader.problems.append(
                Problem(
                    "xlsx.conflict",
                    f"基础数据表中的{'编制数' if key == 'authorized' else '在职人数'}为{value}，"
                    f"与“单位与人员”表各单位合计{total}不一致。",
                    place,
                )
            )
