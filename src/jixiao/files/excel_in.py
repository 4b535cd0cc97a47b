"""Reading a filled workbook: what people actually type, found by its labels.

Rows and columns are found by their labels, not fixed addresses, tolerant of blank rows, merged cells,
label variants (业务工作专项 / 业务工作经费), full-width digits, "万元" or "%" typed into a cell, thousands
separators, trailing spaces, and formulas (their cached value; if there is none, an error says so). A blank
cell is 未填报; "—" and "/" count as blank. The workbook becomes the same nested tree a YAML file gives and
goes through the same checks, so every error names sheet!cell, what was found and what was expected.

`read_workbook_source` gives that tree (a `model.dataset.SourceTree`); `read_workbook` parses it as well.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.model.dataset import DepartmentData, SourceTree, parse_source
from jixiao.model.numbers import NumberError, normalize_text, parse_decimal
from jixiao.model.problems import JixiaoError, Location, Problem, Severity, dotted

from . import guard
from .excel_layout import (
    BASE_BUILDINGS,
    BASE_COLUMNS,
    BASE_ROWS,
    BASE_SHEET,
    BASE_STAFF,
    BASE_TEXT,
    DEPARTMENT_OWNER,
    FACTS_SHEET,
    FORM_FIELDS,
    FORM_SHEET,
    LIST_SHEETS,
    MANUAL_SHEET,
    OWNER_HEADER,
    ListSheet,
    base_row_key,
    norm,
    project_key,
)

__all__ = ["OLD_WORKBOOKS", "read_workbook", "read_workbook_source"]

OLD_WORKBOOKS = (".xls", ".et")  # Excel 97–2003 and WPS: converted to .xlsx by LibreOffice, then read here

_BLANKS = {"", "—", "-", "－", "/", "／", "——", "--", "无数据"}
_MAX_HEADER_SCAN = 12


@functools.cache
def get_column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (as openpyxl, without importing it before the guard has passed the file)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.cache
def _cell_parser():
    """The parser class, made on first use: openpyxl is imported only after the guard has passed a file."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _CellParser(WorkSheetParser):
        """openpyxl's streaming sheet parser (cached values), which also keeps the formula of a cell that has no
        cached value, and keeps as text a number it cannot cast (so that the cell is reported, not the file)."""

        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except (ValueError, OverflowError, IndexError, KeyError, TypeError):
                row, column = self.row_counter, self.col_counter + 1
                with contextlib.suppress(ValueError, TypeError, IndexError):
                    row, column = coordinate_to_tuple(element.get("r") or "")
                self.col_counter = column
                # a shared-string index that points nowhere is no value at all; a number openpyxl cannot cast
                # ("nan", 5,000 digits) is kept as the text typed, so its field says 应为数字
                text = "#无效的共享字符串" if element.get("t") == "s" else element.findtext(VALUE_TAG) or ""
                cell = {"row": row, "column": column, "value": text, "data_type": "s"}
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["formula"] = "=" + (element.findtext(FORMULA_TAG) or "…")
            return cell

    return _CellParser


class _Sheet:
    """One worksheet read once, streaming, into its filled cells: cached values and, where a formula has no
    cached value, that formula. Rows and columns are held to `guard.LIMITS`, so a sheet of a million blank
    rows or a garbage sheet is refused with its name, not read to the end."""

    def __init__(self, ws, shown: str):
        self.name = ws.title
        self.cells: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.max_row = 0
        self.max_col = 0
        self._load(ws, shown)

    def _load(self, ws, shown: str) -> None:
        workbook = ws.parent
        where = Location(shown, sheet=self.name)
        limits = guard.LIMITS
        try:
            with ws._get_source() as source:
                parser = _cell_parser()(
                    source,
                    ws._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                for _index, row in parser.parse():
                    for cell in row:
                        value, formula = cell["value"], cell.get("formula")
                        if value is None and formula is None:
                            continue
                        if isinstance(value, str) and not value.strip() and formula is None:
                            continue
                        key = (cell["row"], cell["column"])
                        if cell["row"] > limits.table_rows + _MAX_HEADER_SCAN:
                            raise guard.refusal(
                                "xlsx.too_many_rows",
                                f"“{self.name}”表填到第 {cell['row']} 行，超出上限 {limits.table_rows} 行。"
                                "请删除多余的行或拆分文件（上限可用环境变量 JIXIAO_LIMIT_TABLE_ROWS 调整）。",
                                where,
                            )
                        if cell["column"] > limits.table_columns:
                            raise guard.refusal(
                                "xlsx.too_many_columns",
                                f"“{self.name}”表填到第 {cell['column']} 列，超出上限 {limits.table_columns} 列"
                                "（上限可用环境变量 JIXIAO_LIMIT_TABLE_COLUMNS 调整）。",
                                where,
                            )
                        if len(self.cells) + len(self.formulas) >= limits.table_cells:
                            raise guard.refusal(
                                "xlsx.too_many_cells",
                                f"“{self.name}”表填写的单元格超过 {limits.table_cells} 个。请删除多余的内容或拆分文件"
                                "（上限可用环境变量 JIXIAO_LIMIT_TABLE_CELLS 调整）。",
                                where,
                            )
                        if formula is not None:
                            self.formulas[key] = formula
                        else:
                            self.cells[key] = value
                        self.max_row = max(self.max_row, key[0])
                        self.max_col = max(self.max_col, key[1])
        except JixiaoError:
            raise
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a cut-off or garbled sheet: named, never a traceback
            raise guard.refusal(
                "xlsx.bad_sheet",
                f"“{self.name}”表的内容已损坏，无法读取（{type(exc).__name__}）。"
                "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再试。",
                where,
            ) from None

    def raw(self, row: int, col: int) -> tuple[Any, str | None]:
        """(value, problem text): the cached value of a formula, or why it cannot be used."""
        formula = self.formulas.get((row, col))
        if formula is not None:
            return None, (
                f"单元格是公式“{formula}”，但文件中没有它的计算结果（文件未经 Excel 或 WPS 计算保存）。"
                "请在 Excel/WPS 中打开并保存后重试，或直接填写数值。"
            )
        value = self.cells.get((row, col))
        if isinstance(value, datetime | date):
            return f"{value.year}年{value.month}月{value.day}日", None
        if isinstance(value, str):
            text = value.strip()
            return (None if normalize_text(text) in _BLANKS else text), None
        return value, None

    def text(self, row: int, col: int) -> str:
        value = self.cells.get((row, col))
        return "" if value is None else str(value)

    def first_rows_text(self, rows: int) -> str:
        return "".join(norm(str(v)) for (r, _), v in self.cells.items() if r <= rows and v)


class _Reader:
    def __init__(self, shown: str):
        self.shown = shown  # the file's name in every place: the user's, not a converted temporary copy
        self.tree: dict[str, Any] = {}
        # where each field is (or would be) filled in: a Location, or (sheet, row, column) for a blank home,
        # made into a Location only when a problem needs it (10,000 project rows have 190,000 homes)
        self.cells: dict[tuple[Any, ...], Location | tuple[str, int, int]] = {}
        self.sources: dict[tuple[Any, ...], tuple[Any, str]] = {}
        self.problems: list[Problem] = []

    def where(self, sheet: _Sheet, row: int, col: int, field: str | None = None) -> Location:
        return Location(self.shown, sheet=sheet.name, cell=f"{get_column_letter(col)}{row}", field=field)

    def problem(
        self,
        code: str,
        message: str,
        sheet: _Sheet,
        row: int,
        col: int,
        severity=Severity.ERROR,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(code, message, self.where(sheet, row, col, field), severity))

    def home(self, path: tuple[Any, ...], sheet: _Sheet, row: int, col: int) -> None:
        """Where a field is filled in, even when blank, so 'missing' errors point at the cell to fill."""
        if path not in self.cells:
            self.cells[path] = (sheet.name, row, col)

    def set(self, path: tuple[Any, ...], sheet: _Sheet, row: int, col: int) -> None:
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
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return normalize_text(str(a)) == normalize_text(str(b))


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


def _find_sheet(wb, wanted: str):
    key = norm(wanted)
    for ws in wb.worksheets:
        if norm(ws.title) == key:
            return ws
    return next((ws for ws in wb.worksheets if key in norm(ws.title)), None)


def _header_row(sheet: _Sheet, names: dict[str, Any], minimum: int = 2) -> tuple[int, dict[int, Any]] | None:
    """The row (in the first rows) whose cells name the most known columns; its column -> meaning."""
    best: tuple[int, dict[int, Any]] | None = None
    for row in range(1, min(sheet.max_row, _MAX_HEADER_SCAN) + 1):
        found = {}
        for col in range(1, sheet.max_col + 1):
            key = norm(sheet.text(row, col))
            if key in names:
                found[col] = names[key]
        if len(found) >= minimum and (best is None or len(found) > len(best[1])):
            best = (row, found)
    return best


def _read_form(reader: _Reader, sheet: _Sheet) -> None:
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


def _read_list(reader: _Reader, sheet: _Sheet, layout: ListSheet) -> None:
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


def _project_index(reader: _Reader, name: str, sheet: _Sheet, row: int, col: int) -> int:
    projects = reader.tree.setdefault("projects", [])
    for i, project in enumerate(projects):
        if project_key(project.get("name")) == project_key(name):
            return i
    projects.append({"name": name})
    reader.cells.setdefault(("projects", len(projects) - 1, "name"), reader.where(sheet, row, col, "projects.name"))
    reader.sources[("projects", len(projects) - 1, "name")] = (name, f"{sheet.name}!{get_column_letter(col)}{row}")
    return len(projects) - 1


def _read_pairs(reader: _Reader, sheet: _Sheet, map_key: str, key_header: str, fields: dict[str, str]) -> None:
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


def _read_base(reader: _Reader, sheet: _Sheet) -> None:
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


def _read_labelled_rows(reader: _Reader, sheet: _Sheet) -> None:
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


def _sheet_with(sheets, words: tuple[str, ...]):
    """A sheet whose first rows contain all these labels (a base-data table on a sheet named anything)."""
    for sheet in sheets:
        text = sheet.first_rows_text(30)
        if all(norm(w) in text for w in words):
            return sheet
    return None


def _identity_from(reader: _Reader, sheet: _Sheet) -> None:
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


def _merge_staff(reader: _Reader) -> None:
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


def read_workbook(path: Path) -> tuple[DepartmentData, list[Problem]]:
    """A filled workbook (.xlsx/.xlsm, .xls/.et) to department data and its problems."""
    return parse_source(read_workbook_source(path))


def read_workbook_source(path: Path) -> SourceTree:
    """A filled workbook to the raw tree with each value's sheet!cell: the one entry point of the reader.

    Through the guarded entrance first (content is a zip Office file, size, unpacked size and ratio, XML parts
    sound), then opened once, read-only; each sheet the reader needs is streamed once into its filled cells."""
    path = Path(path)
    if path.suffix.lower() in OLD_WORKBOOKS:
        return _old_workbook_source(path)
    return _xlsx_source(path, str(path))


def _old_workbook_source(path: Path) -> SourceTree:
    """An .xls/.et converted to .xlsx by LibreOffice and read as one; every place names the user's file."""
    from jixiao.formats.office import ConversionError, converted  # LibreOffice's adapter: only for these files

    shown = str(path)
    try:
        with converted(path, "xlsx") as xlsx:
            try:
                return _xlsx_source(xlsx, shown)
            except JixiaoError as exc:
                raise JixiaoError([_renamed(p, str(xlsx), shown) for p in exc.problems]) from None
    except ConversionError as exc:
        raise JixiaoError([Problem("xlsx.convert", f"无法读取该 Excel 文件：{exc}", Location(shown))]) from None
    except FileNotFoundError:
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(shown))]) from None


def _renamed(problem: Problem, temporary: str, shown: str) -> Problem:
    location = problem.location
    if location is None or location.file != temporary:
        return problem
    return dataclasses.replace(problem, location=dataclasses.replace(location, file=shown))


def _xlsx_source(path: Path, shown: str) -> SourceTree:
    guard.check_input_file(path, ("zip",), label="该 Excel 文件")
    names = guard.check_zip(path, str(path))
    if "xl/workbook.xml" not in names:
        raise guard.refusal(
            "xlsx.unreadable",
            "文件是 Office 压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml，可能是 Word 文件）。"
            "请提供 .xlsx 填报文件。",
            Location(str(path)),
        )
    from openpyxl import load_workbook  # heavy: imported once the guard has passed the file

    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # any parser's complaint about a damaged part becomes one clear message
        raise guard.refusal(
            "xlsx.unreadable",
            f"无法打开该 Excel 文件（{type(exc).__name__}，文件已损坏或不是有效的 .xlsx）。"
            "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再试。",
            Location(str(path)),
        ) from None
    try:
        return _read(workbook, shown)
    finally:
        workbook.close()


def _read(workbook, shown: str) -> SourceTree:
    reader = _Reader(shown)
    loaded: dict[str, _Sheet] = {}

    def load(ws) -> _Sheet:
        if ws.title not in loaded:
            loaded[ws.title] = _Sheet(ws, shown)
        return loaded[ws.title]

    def sheet(name: str) -> _Sheet | None:
        ws = _find_sheet(workbook, name)
        return load(ws) if ws is not None else None

    base = sheet(BASE_SHEET) or _sheet_with((load(ws) for ws in workbook.worksheets), ("经费控制情况", "本年预算数"))
    form = sheet(FORM_SHEET)
    if form is None and base is None and not any(_find_sheet(workbook, layout.name) for layout in LIST_SHEETS):
        raise JixiaoError(
            [
                Problem(
                    "xlsx.not_template",
                    f"工作簿中没有“{FORM_SHEET}”“{BASE_SHEET}”等填报表（现有：{'、'.join(workbook.sheetnames)}）。"
                    "请使用 jixiao template 生成的填报模板。",
                    Location(shown),
                )
            ]
        )
    if form is not None:
        _read_form(reader, form)
    for layout in LIST_SHEETS:
        if layout.owner_column:
            continue
        if ws := sheet(layout.name):
            _read_list(reader, ws, layout)
    if base is not None:
        _read_base(reader, base)
        _identity_from(reader, base)
    for layout in LIST_SHEETS:
        if layout.owner_column and (ws := sheet(layout.name)):
            _read_list(reader, ws, layout)
    if facts := sheet(FACTS_SHEET):
        _read_pairs(reader, facts, "facts", "编号", {"回答": "answer", "依据或说明": "evidence", "依据": "evidence"})
    if manual := sheet(MANUAL_SHEET):
        _read_pairs(
            reader, manual, "manual_scores", "指标编号", {"得分": "score", "评分理由": "reason", "理由": "reason"}
        )
    _merge_staff(reader)
    return SourceTree(reader.tree, reader.locate, shown, Path(shown).parent, tuple(reader.problems), "workbook")
