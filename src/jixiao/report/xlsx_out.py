"""The attachment tables as an Excel workbook laid out like the official tables.

One sheet per table: a merged title row, the grid with its merged cells, thin borders, 宋体, numbers as
numbers with the tables' formats (#,##0.00 for 万元), repeated header rows when printed, A4 landscape.
Text that a spreadsheet would read as a formula (= + - @ at the start) is written as text.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .document import Table

__all__ = ["render_workbook", "safe_text", "sheet_name"]

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FORMULA_START = ("=", "+", "-", "@")


def safe_text(text: str) -> str:
    """Text starting with = + - @ gets a leading apostrophe, so no spreadsheet runs it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"^附件\s*\d+\s*[：:]\s*", "", title)
    name = re.sub(r"[\\/*?:\[\]：]", "", name)[:31] or "Sheet"
    base, i = name, 2
    while name in used:
        name = f"{base[:28]}({i})"
        i += 1
    used.add(name)
    return name


def _write_table(ws, table: Table) -> None:
    columns = table.columns
    widths = table.widths or (1.0,) * columns
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = max(8, round(width * 11))
    row_offset = 1
    ws.cell(1, 1, table.title).font = Font(name="黑体", size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.row_dimensions[1].height = 28
    if table.note:
        row_offset += 1
        ws.cell(2, 1, table.note).font = Font(name="宋体", size=10.5)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    body_font, bold_font = Font(name="宋体", size=10.5), Font(name="宋体", size=10.5, bold=True)
    for r, row in enumerate(table.rows):
        excel_row = r + row_offset + 1
        for c, spec in enumerate(row):
            cell = ws.cell(excel_row, c + 1)
            cell.border = _BORDER
            if spec is None:
                continue
            if isinstance(spec.value, (Decimal, int)) and not isinstance(spec.value, bool):
                cell.value = float(spec.value) if isinstance(spec.value, Decimal) else spec.value
                cell.number_format = spec.number_format or "General"
            else:
                cell.value = safe_text(spec.text)
                cell.data_type = "s"
                cell.number_format = "@"
            cell.font = bold_font if spec.bold else body_font
            cell.alignment = Alignment(
                horizontal=spec.align if spec.align in ("left", "right") else "center",
                vertical="center",
                wrap_text=True,
            )
            if spec.rowspan > 1 or spec.colspan > 1:
                ws.merge_cells(
                    start_row=excel_row,
                    start_column=c + 1,
                    end_row=excel_row + spec.rowspan - 1,
                    end_column=c + spec.colspan,
                )
                for rr in range(spec.rowspan):
                    for cc in range(spec.colspan):
                        ws.cell(excel_row + rr, c + 1 + cc).border = _BORDER
    first_body = row_offset + 1 + table.header_rows
    if table.header_rows:
        ws.print_title_rows = f"{row_offset + 1}:{first_body - 1}"
        ws.freeze_panes = ws.cell(first_body, 1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def render_workbook(tables: list[Table] | tuple[Table, ...]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        _write_table(wb.create_sheet(sheet_name(table.title, used)), table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
