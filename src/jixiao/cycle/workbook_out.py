"""The cycle's workbooks written: the blank template a department fills and the 申报表 / 监控表 out, in the layout
`workbook` declares and reads back (the same labels, sheets and columns)."""

from __future__ import annotations

import io
from typing import Any

from .workbook import (
    APPROVAL_FIELDS,
    INDICATOR_COLUMNS,
    KIND_WORDS,
    MONITORING_FIELDS,
    MONITORING_SHEET,
    NATURES,
    POINT_COLUMNS,
    PROGRESS_COLUMNS,
    PROGRESS_SHEET,
    QUALITATIVE,
    TARGET_FIELDS,
    TARGETS_SHEET,
    _address,
    _plain,
)

__all__ = ["monitoring_workbook", "targets_workbook"]


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    return {
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(name="黑体", size=16, bold=True),
        "label": Font(name="宋体", size=11, bold=True),
        "body": Font(name="宋体", size=11),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap": Alignment(vertical="center", wrap_text=True),
        "input": PatternFill("solid", fgColor="FFF2CC"),
    }


def _put(ws: Any, row: int, col: int, value: Any, style: dict[str, Any], kind: str = "body", fill: bool = False):
    cell = ws.cell(row, col, value if value not in (None, "") else None)
    cell.font = style["label" if kind == "label" else "body"]
    cell.alignment = style["center" if kind == "label" else "wrap"]
    cell.border = style["box"]
    cell.number_format = "@"
    if fill:
        cell.fill = style["input"]
    return cell


def _choice(ws: Any, ref: str, options: tuple[str, ...], prompt: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(options) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error=f"请从下拉列表中选择：{'、'.join(options)}",
        promptTitle="填写说明",
        prompt=prompt,
        showInputMessage=True,
    )
    ws.add_data_validation(validation)
    validation.add(ref)


def _save(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _money(ws: Any, row: int, col: int) -> None:
    """An amount cell: a number shown with thousands separators (its value reads back exactly)."""
    cell = ws.cell(row, col)
    cell.number_format = "#,##0.00"


def targets_workbook(
    sheet: Any = None, kind: str = "department", rows: int = 20, department: str = "", year: int | None = None
) -> bytes:
    """The 绩效目标申报表 in the official layout: blank (a template, with `rows` indicator rows and drop-down
    lists) or filled from a TargetSheet (the 申报表 out, which reads back to the same sheet)."""
    from openpyxl import Workbook

    from .ruleset import available_rulesets

    kind = sheet.kind if sheet is not None else kind
    style = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = TARGETS_SHEET
    title = "项目支出绩效目标申报表" if kind == "project" else "部门整体支出绩效目标申报表"
    ws.cell(1, 1, title).font = style["title"]
    ws.cell(1, 1).alignment = style["center"]
    ws.merge_cells("A1:H1")
    ws.row_dimensions[1].height = 30
    values: dict[tuple[str, ...], Any] = {}
    if sheet is not None:
        values = {
            ("year",): sheet.year,
            ("kind",): KIND_WORDS[sheet.kind],
            ("department",): sheet.department,
            ("project",): sheet.project,
            ("budget", "total"): sheet.budget_total,
            ("budget", "fiscal"): sheet.budget_fiscal,
            ("budget", "other"): sheet.budget_other,
            ("overall_goal",): sheet.overall_goal,
            ("ruleset",): sheet.ruleset.id,
        }
    else:
        values = {
            ("kind",): KIND_WORDS[kind],
            ("ruleset",): "national",
            ("department",): department,
            ("year",): year,
        }
    row = 2
    for label, path, hint in TARGET_FIELDS:
        if path == ("project",) and kind != "project":
            continue
        _put(ws, row, 1, label, style, "label")
        _put(ws, row, 2, values.get(path), style, fill=sheet is None)
        if path[0] == "budget":
            _money(ws, row, 2)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        if path == ("overall_goal",):
            ws.row_dimensions[row].height = 60
        if path == ("kind",):
            _choice(ws, f"B{row}", tuple(KIND_WORDS.values()), hint)
        if path == ("ruleset",):
            _choice(ws, f"B{row}", tuple(available_rulesets()), hint)
        row += 1
    row += 1
    _put(ws, row, 1, "年度绩效指标", style, "label")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    row += 1
    for col, (label, _key) in enumerate(INDICATOR_COLUMNS, 1):
        _put(ws, row, col, label, style, "label")
    first = row + 1
    indicators = list(sheet.indicators) if sheet is not None else []
    for ind in indicators:
        row += 1
        nature = QUALITATIVE if ind.qualitative else ind.operator
        for col, value in enumerate(
            (ind.level1, ind.level2, ind.name, nature, ind.value, ind.unit, ind.last_actual, ind.reason), 1
        ):
            _put(ws, row, col, value, style)
    _merge_down(ws, first, [(ind.level1,) for ind in indicators], 1)
    _merge_down(ws, first, [(ind.level1, ind.level2) for ind in indicators], 2)
    for _ in range(rows if sheet is None else 0):
        row += 1
        for col in range(1, len(INDICATOR_COLUMNS) + 1):
            _put(ws, row, col, None, style, fill=True)
    if row >= first:
        levels = ("产出指标", "效益指标", "满意度指标", "成本指标")
        _choice(ws, f"A{first}:A{row}", levels, "一级指标：产出、效益、满意度、成本指标")
        _choice(ws, f"D{first}:D{row}", NATURES, "定量指标选运算符（≥ ≤ = > <），无法量化的选“定性”")
    row += 2
    approval: dict[tuple[str, ...], Any] = {}
    if sheet is not None:
        approval = {
            ("approval", "grade"): sheet.grade,
            ("approval", "reviewer"): sheet.reviewer,
            ("approval", "approved"): "是" if sheet.approved else ("否" if sheet.grade else ""),
            ("approval", "reasons"): "；".join(sheet.grade_reasons),
        }
    for label, path, _hint in APPROVAL_FIELDS:
        _put(ws, row, 1, label, style, "label")
        _put(ws, row, 2, approval.get(path), style)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        if path == ("approval", "grade"):
            _choice(ws, f"B{row}", ("优", "良", "中", "差"), "由财政部门填写")
        row += 1
    for col, width in enumerate((20, 14, 28, 10, 16, 10, 12, 30), 1):
        ws.column_dimensions[_address(1, col)[:-1]].width = width
    ws.print_title_rows = "1:1"
    _instructions(wb, "绩效目标", TARGET_FIELDS + APPROVAL_FIELDS)
    return _save(wb)


def _merge_down(ws: Any, first: int, keys: list[tuple[str, ...]], col: int) -> None:
    """Merge a column's cells over consecutive rows with the same 一级 (or 一级+二级) name, as the forms print them;
    the reader carries a merged name down to the rows below it."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - 1 > start:
                ws.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
            start = i


def _instructions(wb: Any, what: str, fields: tuple[tuple[str, tuple[str, ...], str], ...]) -> None:
    ws = wb.create_sheet("填表说明")
    lines = [
        f"{what}填报说明（jixiao）",
        "黄色单元格为填写处；A列的栏目名称和表头请勿修改，行可以增删。",
        "读入：jixiao targets 文件.xlsx（绩效目标）或 jixiao monitor 文件.xlsx（运行监控）；"
        "有误时提示所在工作表和单元格。",
        *(f"{label}：{hint}" for label, _path, hint in fields),
    ]
    for i, line in enumerate(lines, 1):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 100


def monitoring_workbook(
    mon: Any = None, points: tuple[int, ...] = (3, 6, 9, 12), department: str = "", year: int | None = None
) -> bytes:
    """The 运行监控 workbook: blank (one row per quarter by default; monthly rows may be added) or filled."""
    from openpyxl import Workbook

    from .ruleset import available_rulesets

    style = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = MONITORING_SHEET
    ws.cell(1, 1, "预算绩效运行监控表（执行进度与目标完成进度）").font = style["title"]
    ws.merge_cells("A1:H1")
    values: dict[tuple[str, ...], Any] = {("ruleset",): "national", ("department",): department, ("year",): year}
    if mon is not None:
        budgets = {p.budget for p in mon.points}
        values = {
            ("department",): mon.department,
            ("year",): mon.year,
            ("budget",): budgets.pop() if len(budgets) == 1 else None,
            ("ruleset",): mon.ruleset.id,
        }
    row = 2
    for label, path, hint in MONITORING_FIELDS:
        _put(ws, row, 1, label, style, "label")
        _put(ws, row, 2, values.get(path), style, fill=mon is None)
        if path == ("budget",):
            _money(ws, row, 2)
        if path == ("ruleset",):
            _choice(ws, f"B{row}", tuple(available_rulesets()), hint)
        row += 1
    row += 1
    for col, (label, _key) in enumerate(POINT_COLUMNS, 1):
        _put(ws, row, col, label, style, "label")
    first = row + 1
    shared_budget = bool(values.get(("budget",)))
    for point in mon.points if mon is not None else ():
        row += 1
        answer = point.answer
        rate = "" if point.executed is not None else f"{_plain(point.rate * 100)}%"
        cells = (
            f"1-{point.month}月",
            None if shared_budget else point.budget,
            point.executed,
            rate,
            point.issued.isoformat() if point.issued != mon.ruleset.monitoring.warned_on(mon.year, point.month) else "",
            answer.decision if answer else "",
            answer.date.isoformat() if answer and answer.date else "",
            answer.note if answer else "",
        )
        for col, value in enumerate(cells, 1):
            _put(ws, row, col, value, style)
            if col in (2, 3):
                _money(ws, row, col)
    for month in points if mon is None else ():
        row += 1
        for col in range(1, len(POINT_COLUMNS) + 1):
            _put(ws, row, col, f"1-{month}月" if col == 1 else None, style, fill=col > 1)
    if row >= first:
        _choice(ws, f"F{first}:F{row + 12}", ("继续执行", "调剂", "取消"), "出现预警时，部门在规定工作日内答复")
    for col, width in enumerate((12, 16, 16, 12, 12, 12, 12, 36), 1):
        ws.column_dimensions[_address(1, col)[:-1]].width = width
    progress = wb.create_sheet(PROGRESS_SHEET)
    for col, (label, _key) in enumerate(PROGRESS_COLUMNS, 1):
        _put(progress, 1, col, label, style, "label")
    row = 1
    for point in mon.points if mon is not None else ():
        for target in point.targets:
            row += 1
            for col, value in enumerate((f"1-{point.month}月", target.name, f"{_plain(target.progress * 100)}%"), 1):
                _put(progress, row, col, value, style)
    for _ in range(10 if mon is None else 0):
        row += 1
        for col in range(1, 4):
            _put(progress, row, col, None, style, fill=True)
    for col, width in enumerate((12, 36, 14), 1):
        progress.column_dimensions[_address(1, col)[:-1]].width = width
    _instructions(wb, "运行监控", MONITORING_FIELDS)
    return _save(wb)
