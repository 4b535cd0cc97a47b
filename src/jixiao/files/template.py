"""The fill-in workbook (填报模板.xlsx): what a finance officer fills instead of YAML.

Chinese headers and instructions, number formats, data validation (numbers ≥ 0, rates, lists for
≥/≤/=/定性 and 是/否/达成/…), label cells protected and input cells left open. Given department data, the
same workbook comes back filled (`jixiao template --from PATH`), which is also how the YAML examples are
turned into workbooks: YAML → xlsx → the same scores.
"""

from __future__ import annotations

import io
from copy import copy
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange

from jixiao.model.dataset import ANSWERS, DepartmentData
from jixiao.model.schema import Field
from jixiao.report.xlsx_out import safe_text
from jixiao.scoring.rulebook import Rulebook

from .excel_layout import (
    BASE_COLUMNS,
    BASE_SHEET,
    DEPARTMENT_OWNER,
    FACT_HEADERS,
    FACTS_SHEET,
    FORM_FIELDS,
    FORM_SHEET,
    INSTRUCTIONS_SHEET,
    LIST_SHEETS,
    MANUAL_HEADERS,
    MANUAL_SHEET,
    OWNER_HEADER,
    ListSheet,
)

__all__ = ["write_template"]

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
_HEADER_FONT = Font(name="黑体", size=11)
_FONT = Font(name="宋体", size=11)
_OPEN = Protection(locked=False)
_FORMATS = {
    "amount": "#,##0.00",
    "signed_amount": "#,##0.00",
    "rate": "0.00%",
    "count": "0",
    "year": "0",
    "quantity": "#,##0.##",
}


class _Validations:
    """One DataValidation per kind of cell, each collecting the cells it covers.

    The cells are gathered first and given to each validation at the end (`close`) as column ranges
    (C3:C10002): openpyxl's own `DataValidation.add` checks every new cell against every range already held,
    which made a workbook of 10,000 projects take minutes (the cells covered are the same either way)."""

    def __init__(self, ws: Any) -> None:  # an openpyxl Worksheet
        self.ws = ws
        self.by_kind: dict[str, DataValidation] = {}
        self.cells: dict[str, list[tuple[int, int]]] = {}  # kind key → (column, row) of each cell

    def _make(self, kind: str, spec: Field | None) -> DataValidation | None:
        number = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "填报有误"}
        if kind in ("amount", "quantity"):
            return DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                error="请填写不小于0的数字（万元）。",
                **number,
            )
        if kind == "count":
            return DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", error="请填写整数。", **number
            )
        if kind == "year":
            return DataValidation(
                type="whole",
                operator="between",
                formula1="2000",
                formula2="2100",
                error="请填写四位年份，如 2023。",
                **number,
            )
        if kind == "rate":
            return DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2="10",
                error="请填写百分数，如 98.78%。",
                **number,
            )
        lists = {"bool": ("是", "否"), "answer": ANSWERS, "operator": ("≥", "≤", "=", "定性")}
        choices = lists.get(kind) or (spec.choices if spec is not None and kind == "choice" else None)
        if choices:
            return DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', error="请从下拉列表中选择。", **number
            )
        return None

    def add(self, kind: str, spec: Field | None, row: int, column: int) -> None:
        key = f"{kind}:{','.join(spec.choices) if spec is not None else ''}"
        if key not in self.by_kind:
            dv = self._make(kind, spec)
            if dv is None:
                return
            self.by_kind[key] = dv
            self.cells[key] = []
            self.ws.add_data_validation(dv)
        self.cells[key].append((column, row))

    def close(self) -> None:
        """Each validation's cells, as one range per run of consecutive rows in a column."""
        for key, dv in self.by_kind.items():
            dv.sqref = MultiCellRange(" ".join(_runs(self.cells[key])))


def _runs(cells: list[tuple[int, int]]) -> list[str]:
    """(column, row) cells as ranges of consecutive rows per column: C3:C5 for C3, C4, C5; a lone cell as D7."""
    ranges: list[str] = []
    ordered = sorted(set(cells))
    i = 0
    while i < len(ordered):
        column, first = ordered[i]
        last = first
        while i + 1 < len(ordered) and ordered[i + 1] == (column, last + 1):
            i += 1
            last += 1
        letter = get_column_letter(column)
        ranges.append(f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}")
        i += 1
    return ranges


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (Decimal, int)):
        return value
    text = str(value)
    # the operator “=” alone is no formula, and safe_text's '= would not read back as an operator
    return text if text == "=" else safe_text(text)


class _Styles:
    """Each kind of cell styled once per workbook through openpyxl (font, fill, border, protection, alignment,
    number format), its style indices kept and copied to the next cell of that kind: openpyxl's own setters hash
    every style object again for every cell, which was most of the time of a template of 10,000 projects. The
    cells get the same styles either way (tests/test_template_large.py compares both ways cell by cell)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[Any, ...], Any] = {}  # key → the StyleArray (or a merge's list of them)

    def get(self, key: tuple[Any, ...]) -> Any:
        return self.kept.get(key)

    def keep(self, key: tuple[Any, ...], style: Any) -> None:
        self.kept[key] = style


_STYLES: WeakKeyDictionary[Workbook, _Styles] = WeakKeyDictionary()


def _styles(ws) -> _Styles:
    found = _STYLES.get(ws.parent)
    if found is None:
        found = _STYLES[ws.parent] = _Styles()
    return found


_LABEL_ALIGN = Alignment(vertical="center", wrap_text=True, horizontal="left")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True, horizontal="center")
_INPUT_ALIGN = Alignment(vertical="center", wrap_text=False)
_TEXT_ALIGN = Alignment(vertical="center", wrap_text=True)


def _label(ws, row: int, col: int, text: str, header: bool = False):
    cell = ws.cell(row, col, text)
    styles, key = _styles(ws), ("label", header)
    kept = styles.get(key)
    if kept is not None:
        cell._style = copy(kept)
        return cell
    cell.font = _HEADER_FONT if header else _FONT
    cell.fill = _LABEL_FILL
    cell.border = _BORDER
    cell.alignment = _HEADER_ALIGN if header else _LABEL_ALIGN
    styles.keep(key, copy(cell._style))
    return cell


def _input(ws, row: int, col: int, spec: Field | None, value: Any, validations: _Validations | None):
    cell = ws.cell(row, col, _value(value))
    if spec is not None and validations is not None:
        validations.add(spec.kind, spec, row, col)
    kind = spec.kind if spec is not None else None
    styles, key = _styles(ws), ("input", kind)
    kept = styles.get(key)
    if kept is not None:
        cell._style = copy(kept)
        return cell
    cell.font = _FONT
    cell.fill = _INPUT_FILL
    cell.border = _BORDER
    cell.protection = _OPEN
    cell.alignment = _TEXT_ALIGN if kind == "text" else _INPUT_ALIGN
    if kind is not None:
        cell.number_format = _FORMATS.get(kind, "@" if kind == "text" else "General")
    styles.keep(key, copy(cell._style))
    return cell


def _merge(ws, row: int, first: int, last: int) -> None:
    """`ws.merge_cells` of columns first..last of one row, without its check of the new range against every range
    merged before (a scan per merge: quadratic in the projects of the base sheet; the template's merges never
    overlap). openpyxl's own merge (the covered cells made MergedCells, the borders carried to them) runs once per
    kind of first cell and width; the next merge of that kind gets the same styles copied."""
    merged = MergedCellRange(ws, f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")
    ws.merged_cells.ranges.add(merged)
    styles, key = _styles(ws), ("merge", tuple(ws.cell(row, first)._style), last - first)
    kept = styles.get(key)
    if kept is None:
        ws._clean_merge_range(merged)  # what merge_cells does after its check
        styles.keep(key, [copy(ws.cell(row, col)._style) for col in range(first, last + 1)])
        return
    for col, style in zip(range(first, last + 1), kept, strict=True):
        cell = ws.cell(row, col) if col == first else MergedCell(ws, row=row, column=col)
        ws._cells[(row, col)] = cell
        cell._style = copy(style)


def _protect(ws) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column is allowed
    ws.protection.formatRows = False


def _instructions(wb: Workbook, rulebook: Rulebook | None) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    lines = [
        "部门整体支出绩效自评 填报模板（jixiao）",
        f"指标体系：{rulebook.title}（{rulebook.id}）"
        if rulebook
        else "指标体系：填写于“基本信息”表的“默认指标体系”一行",
        "1. 黄色单元格为填报区，灰色单元格为标签，请勿修改标签文字；jixiao 按标签识别数据。",
        "2. 金额单位为万元，保留两位小数（原始数据有更多位小数的，照原样填写）；比率填写百分数，如 98.78%。",
        "3. 没有的数据请留空（表示“未填报”），不要填 0；确为零的才填 0。",
        "4. “基础数据表”按湖南省部门整体支出绩效评价基础数据表格式；项目支出下每个二级项目占一行。",
        "5. “绩效指标”表中“所属”一列填“部门整体”或项目名称；定性指标的实际完成值填 达成 / 部分达成 / 未达成。",
        "6. 填好后运行：jixiao check 填报.xlsx（检查）  jixiao score 填报.xlsx（评分）  "
        "jixiao report 填报.xlsx --out 输出目录（报告）。",
    ]
    for i, line in enumerate(lines, 1):
        ws.cell(i, 1, line).font = Font(name="黑体" if i == 1 else "宋体", size=14 if i == 1 else 11)
    ws.column_dimensions["A"].width = 110
    _protect(ws)


def _form(wb: Workbook, data: DepartmentData | None, rulebook: Rulebook | None) -> None:
    ws = wb.create_sheet(FORM_SHEET)
    validations = _Validations(ws)
    for col, (text, width) in enumerate((("分组", 18), ("项目", 34), ("填报值", 30), ("单位", 8), ("说明", 50)), 1):
        _label(ws, 1, col, text, header=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, field in enumerate(FORM_FIELDS, 2):
        _label(ws, row, 1, field.group)
        _label(ws, row, 2, field.label + (" *" if field.spec.required else ""))
        value = data.get(field.path) if data is not None else None
        if field.path == "rulebook" and value is None and rulebook is not None:
            value = rulebook.id
        _input(ws, row, 3, field.spec, value, validations)
        _label(ws, row, 4, field.spec.unit)
        _label(ws, row, 5, field.spec.help)
    ws.freeze_panes = "C2"
    validations.close()
    _protect(ws)


def _list_sheet(wb: Workbook, sheet: ListSheet, data: DepartmentData | None) -> None:
    ws = wb.create_sheet(sheet.name)
    validations = _Validations(ws)
    columns = list(sheet.columns)
    offset = 1 if sheet.owner_column else 0
    ws.cell(1, 1, f"{sheet.name}：每行一项，从第3行起填写").font = Font(name="黑体", size=12)
    if sheet.owner_column:
        _label(ws, 2, 1, OWNER_HEADER, header=True)
        ws.column_dimensions["A"].width = 16
    for i, column in enumerate(columns, 1 + offset):
        _label(ws, 2, i, column.header + (" *" if column.spec.required else ""), header=True)
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(30, len(column.header) * 2 + 2))
    items = _items(sheet, data)
    for r in range(max(sheet.rows, len(items))):
        owner, item = items[r] if r < len(items) else (None, None)
        if sheet.owner_column:
            _input(ws, r + 3, 1, None, owner, None)
        for i, column in enumerate(columns, 1 + offset):
            value = data.get(f"{item}.{column.path}") if (data is not None and item) else None
            _input(ws, r + 3, i, column.spec, value, validations)
    ws.freeze_panes = ws.cell(3, 1 + offset)
    validations.close()
    _protect(ws)


def _items(sheet: ListSheet, data: DepartmentData | None) -> list[tuple[str | None, str]]:
    if data is None:
        return []
    items = [(DEPARTMENT_OWNER if sheet.owner_column else None, item) for item in data.items(sheet.list_path)]
    if sheet.owner_column:
        for project in data.items("projects"):
            name = data.get(f"{project}.name")
            items += [(name, item) for item in data.items(f"{project}.targets")]
    return items


def _unit_sum(data: DepartmentData | None, key: str) -> int | None:
    """A staffing figure summed over the units, or None unless every unit gives it."""
    if data is None or not data.items("units"):
        return None
    values = [data.get(f"{unit}.staffing.{key}") for unit in data.items("units")]
    return None if any(v is None for v in values) else sum(values)


def _base_sheet(wb: Workbook, data: DepartmentData | None) -> None:
    ws = wb.create_sheet(BASE_SHEET)
    validations = _Validations(ws)
    amount = Field("v", "金额", "amount")
    count = Field("v", "人数", "count")
    get = (lambda p: data.get(p)) if data is not None else (lambda p: None)
    for letter, width in zip("ABCDEF", (18, 12, 12, 16, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.cell(1, 1, "部门整体支出绩效评价基础数据表").font = Font(name="黑体", size=14)
    _merge(ws, 1, 1, 6)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    row = 2

    def label_row(text: str, headers: tuple[str, ...]) -> None:
        nonlocal row
        _label(ws, row, 1, text, header=True)
        _merge(ws, row, 1, 3)
        for i, h in enumerate(headers, 4):
            _label(ws, row, i, h, header=True)
        row += 1

    def money_row(text: str, paths: tuple[str | None, ...]) -> None:
        nonlocal row
        _label(ws, row, 1, text)
        _merge(ws, row, 1, 3)
        for i, path in enumerate(paths, 4):
            if path is None:
                _label(ws, row, i, "")
            else:
                _input(ws, row, i, amount, get(path), validations)
        row += 1

    label_row("财政供养人员情况（人）", ("编制数", "本年实际在职人数", "控制率"))
    staff = [_unit_sum(data, key) for key in ("authorized", "in_service")]
    _label(ws, row, 1, "")
    _merge(ws, row, 1, 3)
    _input(ws, row, 4, count, staff[0], validations)
    _input(ws, row, 5, count, staff[1], validations)
    _label(ws, row, 6, "（自动计算）")
    row += 1
    label_row("经费控制情况（万元）", BASE_COLUMNS)
    for text, prefix in (
        ("“三公”经费", "three_public.total"),
        ("1、公务用车购置和维护经费", "three_public.vehicle"),
        ("其中：公车购置", "three_public.vehicle_purchase"),
        ("公车运行维护", "three_public.vehicle_operation"),
        ("2、出国经费", "three_public.abroad"),
        ("3、公务接待", "three_public.reception"),
    ):
        money_row(text, (f"{prefix}.previous", f"{prefix}.budget", f"{prefix}.actual"))
    money_row("项目支出", (None, "budget.adjusted.project", "budget.final.project"))
    projects = data.items("projects") if data is not None else ()
    for i in range(max(3, len(projects))):
        item = projects[i] if i < len(projects) else None
        name = get(f"{item}.name") if item else None
        cell = _input(ws, row, 1, None, f"{i + 1}、{name}" if name else None, None)
        cell.fill = _INPUT_FILL
        _merge(ws, row, 1, 3)
        _label(ws, row, 4, "")
        _input(ws, row, 5, amount, get(f"{item}.funds.adjusted") if item else None, validations)
        _input(ws, row, 6, amount, get(f"{item}.funds.actual") if item else None, validations)
        row += 1
    for text, prefix in (
        ("公用经费", "public_funds.total"),
        ("其中：办公经费", "public_funds.office"),
        ("水费、电费、差旅费", "public_funds.utilities_travel"),
        ("会议费、培训费", "public_funds.meetings_training"),
    ):
        money_row(text, (f"{prefix}.previous", f"{prefix}.budget", f"{prefix}.actual"))
    money_row("政府采购金额", (None, "procurement.plan", "procurement.actual"))
    money_row("部门基本支出预算调整", (None, "budget.initial.basic", "budget.adjusted.basic"))
    for i, h in enumerate(
        ("楼堂馆所控制情况", "批复规模（㎡）", "实际规模（㎡）", "规模控制", "预算投资（万元）", "实际投资（万元）"), 1
    ):
        _label(ws, row, i, h, header=True)
    row += 1
    _label(ws, row, 1, "")
    for col, path, spec in (
        (2, "buildings.approved_area", Field("v", "", "quantity")),
        (3, "buildings.actual_area", Field("v", "", "quantity")),
        (5, "buildings.budget_investment", amount),
        (6, "buildings.actual_investment", amount),
    ):
        _input(ws, row, col, spec, get(path), validations)
    _label(ws, row, 4, "（自动计算）")
    row += 1
    _label(ws, row, 1, "厉行节约保障措施", header=True)
    _input(ws, row, 2, Field("v", "", "text"), get("austerity_measures"), None)
    _merge(ws, row, 2, 6)
    ws.row_dimensions[row].height = 60
    validations.close()
    _protect(ws)


def _facts_sheet(wb: Workbook, rulebook: Rulebook | None, data: DepartmentData | None) -> None:
    ws = wb.create_sheet(FACTS_SHEET)
    validations = _Validations(ws)
    for col, (text, width) in enumerate(zip(FACT_HEADERS, (30, 60, 12, 60), strict=True), 1):
        _label(ws, 1, col, text, header=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    facts = rulebook.facts if rulebook else {}
    for row, (key, fact) in enumerate(facts.items(), 2):
        _label(ws, row, 1, key)
        _label(ws, row, 2, fact.question)
        answer = Field("answer", "回答", "choice", choices=fact.answers)
        _input(ws, row, 3, answer, data.get(f"facts.{key}.answer") if data else None, validations)
        _input(ws, row, 4, Field("e", "", "text"), data.get(f"facts.{key}.evidence") if data else None, None)
    validations.close()
    _protect(ws)


def _manual_sheet(wb: Workbook, rulebook: Rulebook | None, data: DepartmentData | None) -> None:
    leaves = [leaf for leaf in rulebook.leaves() if leaf.rule and leaf.rule.kind == "manual"] if rulebook else []
    if not leaves:
        return
    ws = wb.create_sheet(MANUAL_SHEET)
    validations = _Validations(ws)
    for col, text in enumerate(MANUAL_HEADERS, 1):
        _label(ws, 1, col, text, header=True)
    for row, leaf in enumerate(leaves, 2):
        _label(ws, row, 1, leaf.id)
        _label(ws, row, 2, leaf.name)
        _label(ws, row, 3, str(leaf.weight))
        _input(
            ws,
            row,
            4,
            Field("s", "", "quantity"),
            data.get(f"manual_scores.{leaf.id}.score") if data else None,
            validations,
        )
        _input(ws, row, 5, Field("r", "", "text"), data.get(f"manual_scores.{leaf.id}.reason") if data else None, None)
    validations.close()
    _protect(ws)


def write_template(rulebook: Rulebook | None = None, data: DepartmentData | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb, rulebook)
    _form(wb, data, rulebook)
    _base_sheet(wb, data)
    for sheet in LIST_SHEETS:
        _list_sheet(wb, sheet, data)
    _facts_sheet(wb, rulebook, data)
    _manual_sheet(wb, rulebook, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
