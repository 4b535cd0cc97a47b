"""The attachment tables as an Excel workbook laid out like the official tables.

One sheet per table: a merged title row, the grid with its merged cells, thin borders, 宋体, numbers as
numbers with the tables' formats (#,##0.00 for 万元), repeated header rows when printed, A4 landscape.
Text that a spreadsheet would read as a formula (= + - @ at the start) is written as text.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

from .document import Table

__all__ = ["render_workbook", "safe_text", "sheet_name"]

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


class _Formats:
    """XlsxWriter cell formats, made once per workbook and shared by every cell that looks the same."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple[object, ...], object] = {}

    def get(self, *, bold: bool = False, align: str = "center", number_format: str = "", text: bool = False):
        key = (bold, align, number_format, text)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = self.workbook.add_format(
                {
                    "font_name": "宋体",
                    "font_size": 10.5,
                    "bold": bold,
                    "align": align if align in ("left", "right") else "center",
                    "valign": "vcenter",
                    "text_wrap": True,
                    "border": 1,
                    "num_format": "@" if text else (number_format or "General"),
                }
            )
        return found


def _write_table(workbook, ws, formats: _Formats, table: Table) -> None:
    columns = table.columns
    widths = table.widths or (1.0,) * columns
    for c, width in enumerate(widths):
        ws.set_column(c, c, max(8, round(width * 11)))
    title = workbook.add_format({"font_name": "黑体", "font_size": 14, "align": "center", "valign": "vcenter"})
    if columns > 1:
        ws.merge_range(0, 0, 0, columns - 1, "", title)
    ws.write_string(0, 0, table.title, title)
    ws.set_row(0, 28)
    row_offset = 1
    if table.note:
        row_offset += 1
        note = workbook.add_format({"font_name": "宋体", "font_size": 10.5})
        if columns > 1:
            ws.merge_range(1, 0, 1, columns - 1, "", note)
        ws.write_string(1, 0, table.note, note)
    covered: set[tuple[int, int]] = set()
    empty = formats.get()
    for r, row in enumerate(table.rows):
        excel_row = r + row_offset
        for c, spec in enumerate(row):
            if spec is None:
                if (excel_row, c) not in covered:
                    ws.write_blank(excel_row, c, None, empty)
                continue
            number = isinstance(spec.value, (Decimal, int)) and not isinstance(spec.value, bool)
            style = formats.get(bold=spec.bold, align=spec.align, number_format=spec.number_format, text=not number)
            if spec.rowspan > 1 or spec.colspan > 1:
                last_row, last_col = excel_row + spec.rowspan - 1, c + spec.colspan - 1
                ws.merge_range(excel_row, c, last_row, last_col, "", style)
                covered.update((rr, cc) for rr in range(excel_row, last_row + 1) for cc in range(c, last_col + 1))
            if number:
                ws.write_number(excel_row, c, float(spec.value), style)  # type: ignore[arg-type]
            else:
                ws.write_string(excel_row, c, safe_text(spec.text), style)
    first_body = row_offset + table.header_rows
    if table.header_rows:
        ws.repeat_rows(row_offset, first_body - 1)
        ws.freeze_panes(first_body, 0)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()


def render_workbook(tables: list[Table] | tuple[Table, ...]) -> bytes:
    """The attachment workbook, written with XlsxWriter (several times faster than building it in openpyxl)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties({"created": _FIXED_DATE})
    formats = _Formats(workbook)
    used: set[str] = set()
    for table in tables:
        ws = workbook.add_worksheet(sheet_name(table.title, used))
        _write_table(workbook, ws, formats, table)
    workbook.close()
    return buffer.getvalue()


_FIXED_DATE = datetime(2000, 1, 1)
