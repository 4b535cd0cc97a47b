"""One worksheet of a filled workbook, streamed once into its filled cells (openpyxl's parser, loaded on first use).

Cached values are kept; where a formula has no cached value, the formula, so that its cell can be named. A blank
cell is 未填报, and "—", "/" and the like count as blank. Rows, columns and cells are held to `guard.LIMITS`.
"""

from __future__ import annotations

import contextlib
import functools
from datetime import date, datetime
from typing import Any

from jixiao.model.numbers import normalize_text
from jixiao.model.problems import JixiaoError, Location

from . import guard
from .excel_layout import norm

__all__ = ["MAX_HEADER_SCAN", "Sheet", "get_column_letter"]

_BLANKS = {"", "—", "-", "－", "/", "／", "——", "--", "无数据"}
MAX_HEADER_SCAN = 12  # rows above the table that may hold titles and headers


@functools.cache
def get_column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (as openpyxl, without importing it before the guard has passed the file)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _MissingSharedString(Exception):
    """A cell of type "s" whose index points past the workbook's shared strings (or it has none)."""

    def __init__(self, row: int, column: int, index: str) -> None:
        super().__init__(row, column, index)
        self.row, self.column, self.index = row, column, index


@functools.cache
def _cell_parser():
    """The parser class, made on first use: openpyxl is imported only after the guard has passed a file."""
    from openpyxl.utils.cell import coordinate_to_tuple  # heavy: after the guard has passed a file
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
                if element.get("t") == "s":  # its text is lost: read as blank it made 部门名称 missing or a
                    # header not found, and as a placeholder a department named by it, so the file is refused
                    raise _MissingSharedString(row, column, element.findtext(VALUE_TAG) or "") from None
                # a number openpyxl cannot cast ("nan", 5,000 digits) is kept as the text typed: 应为数字
                text = element.findtext(VALUE_TAG) or ""
                cell = {"row": row, "column": column, "value": text, "data_type": "s"}
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["formula"] = "=" + (element.findtext(FORMULA_TAG) or "…")
            return cell

    return _CellParser


class Sheet:
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
                        if cell["row"] > limits.table_rows + MAX_HEADER_SCAN:
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
        except _MissingSharedString as missing:
            cell = f"{get_column_letter(missing.column)}{missing.row}"
            raise guard.refusal(
                "xlsx.bad_sheet",  # a file problem (exit 2): the damage is the file's, not a figure's
                f"“{self.name}”表的单元格 {cell} 引用的共享文字（编号 {missing.index}）在文件中不存在，文件已损坏，"
                "该单元格的内容已丢失。请用 Excel 或 WPS 打开并核对该单元格后“另存为”Excel 工作簿（.xlsx）再试。",
                Location(shown, sheet=self.name, cell=cell),
            ) from None
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
