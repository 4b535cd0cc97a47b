"""An Excel workbook's tables as they are printed, the way a bureau receives them from systems and offices.

- A cell reads as Excel shows it: a number under its number format ("0.00" over 89.9704 is 89.97, "#,##0.00" is
  1,234.50, "0.00%" over 0.9862 is 98.62%, a literal in the format — 0.00"万元" — printed with it).
- A formula whose result the file does not hold (a workbook written by a system or by openpyxl and never opened
  in Excel: reading its cached values gives nothing) is computed when it is simple arithmetic — + - * / ^, cell
  references and ranges on the same or another sheet, comparisons, SUM, ROUND/ROUNDUP/ROUNDDOWN, MIN, MAX, AVERAGE,
  ABS, IF, IFERROR — and said so; one that cannot be computed is named, by sheet and cell, in a note: never read as a
  blank cell in silence.
- What is not printed is not read: hidden sheets, hidden rows and columns (a template's helper columns); a
  merged range whose first cell is hidden shows its value in its first shown cell.
- A sheet may hold several tables, one under another (two projects on one sheet): two or more empty rows, or
  an empty row before a one-cell title row naming a self-evaluation table, part them; a part of one-cell rows
  only (a title block, a 填表说明 set apart) is read as lines of text.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

from .segments import SourceDocument, _Builder

__all__ = ["cell_text", "read_xlsx"]


def read_xlsx(path: Path) -> SourceDocument:
    from openpyxl import load_workbook

    builder = _Builder(path)
    with path.open("rb") as handle:  # by its handle: openpyxl refuses a name not ending .xlsx (an ".xls" that is one)
        wb = load_workbook(handle, data_only=True)
        formulas = None
        if _has_formulas(handle):
            handle.seek(0)
            formulas = load_workbook(handle, data_only=False)
    hidden_sheets = [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    for number, ws in enumerate(wb.worksheets, start=1):
        if ws.sheet_state != "visible":
            continue
        bottom, right = _xlsx_extent(ws, path)
        sheet = _Sheet(ws, formulas[ws.title] if formulas is not None else None, wb, formulas)
        rows_hidden, cols_hidden = _hidden_rows(ws, bottom), _hidden_columns(ws, right)
        filled = {key for key, cell in ws._cells.items() if cell.value is not None}
        said = {r for r, _ in filled if r in rows_hidden}, {c for _, c in filled if c in cols_hidden}
        area = _print_area(ws)
        outside = False
        if area is not None:  # a template's helpers beside the print area are not printed
            top, left, low, far = area
            outside = any(not (top <= r <= low and left <= c <= far) for r, c in filled)
            rows_hidden |= set(range(1, top)) | set(range(low + 1, bottom + 1))
            cols_hidden |= set(range(1, left)) | set(range(far + 1, right + 1))
        shown = _shown_merges(ws, rows_hidden, cols_hidden)
        grid: list[list[str]] = []
        for r in range(1, bottom + 1):
            if r in rows_hidden:
                continue
            row = []
            for c in range(1, right + 1):
                if c in cols_hidden:
                    continue
                at = shown.get((r, c), (r, c))
                row.append(sheet.text(*at) if at is not None else "")
            grid.append(row)
        parts = _parts(grid)
        builder.doc.sheets.append((len(builder.doc.segments), ws.title))
        for part in parts:
            if len(parts) > 1 and all(sum(1 for c in row if c.strip()) <= 1 for row in part):
                for row in part:  # lines apart from the tables (a title block, a 填表说明): read as lines
                    builder.paragraph(next(c for c in row if c.strip()))
            else:
                builder.table(part)
        for note in sheet.notes(*said, area if outside else None):
            builder.doc.notes.append((number, note))
    if hidden_sheets:
        names = "、".join(f"“{t}”" for t in hidden_sheets)
        builder.doc.notes.append(
            (1, f"工作簿中的隐藏工作表 {names} 打印时不显示，未审核；如需审核请取消隐藏后再提交。")
        )
    return builder.doc


def _xlsx_extent(ws, path: Path) -> tuple[int, int]:
    """The rows and columns of a sheet to read: all of its range, or, where that is over the guard's table
    limits, only as far as its last filled cell (empty formatted cells left out); a sheet whose filled cells
    still reach further (a cell at A1 and another at XFD1048576: 17 billion cells to walk; a row of 16,384
    columns) is refused."""
    from jixiao.files.guard import LIMITS

    def over(rows: int, columns: int) -> bool:
        return rows * columns > LIMITS.table_cells or rows > LIMITS.table_rows or columns > LIMITS.table_columns

    if not over(ws.max_row, ws.max_column):
        return ws.max_row, ws.max_column
    filled = [key for key, cell in ws._cells.items() if cell.value is not None]
    bottom, right = max((r for r, _ in filled), default=1), max((c for _, c in filled), default=1)
    if over(bottom, right):
        raise JixiaoError(
            [
                Problem(
                    "file.sheet_too_large",
                    f"工作表“{ws.title}”的数据范围为 {bottom} 行 × {right} 列，超出上限（{LIMITS.table_rows} 行、"
                    f"{LIMITS.table_columns} 列、{LIMITS.table_cells:,} 个单元格；疑似表格炸弹，或表格外有零散内容）。"
                    "请删去表格以外的内容后另存再试。（上限可用环境变量 JIXIAO_LIMIT_TABLE_ROWS、"
                    "JIXIAO_LIMIT_TABLE_COLUMNS、JIXIAO_LIMIT_TABLE_CELLS 调整）",
                    Location(str(path), place=ws.title),
                )
            ]
        )
    return bottom, right


def _has_formulas(handle) -> bool:
    """Whether any sheet of the workbook holds a formula (a <f> element): only then are the formulas read."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with z.open(name) as member:
                        tail = b""
                        while chunk := member.read(1 << 20):
                            if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                                return True
                            tail = chunk[-8:]
    except zipfile.BadZipFile:
        return False
    return False


def _print_area(ws) -> tuple[int, int, int, int] | None:
    """The sheet's print area (its ranges' bounding box: first row, first column, last row, last column), if set."""
    from openpyxl.utils.cell import range_boundaries

    try:
        area = ws.print_area
    except (AttributeError, ValueError):
        return None
    if not area:
        return None
    boxes = []
    for part in str(area).split(","):
        try:
            low_c, low_r, high_c, high_r = range_boundaries(part.rsplit("!", 1)[-1].replace("$", ""))
        except (TypeError, ValueError):
            return None
        if None in (low_c, low_r, high_c, high_r):
            return None
        boxes.append((low_r, low_c, high_r, high_c))
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _hidden_rows(ws, bottom: int) -> set[int]:
    return {r for r, dim in ws.row_dimensions.items() if r <= bottom and dim.hidden}


def _hidden_columns(ws, right: int) -> set[int]:
    from openpyxl.utils import column_index_from_string

    out: set[int] = set()
    for key, dim in ws.column_dimensions.items():
        if not dim.hidden and not (dim.customWidth and dim.width == 0):
            continue
        low = dim.min or column_index_from_string(key)
        high = dim.max or low
        out |= set(range(low, min(high, right) + 1))
    return out


def _shown_merges(ws, rows: set[int], cols: set[int]) -> dict[tuple[int, int], tuple[int, int] | None]:
    """For a merged range whose first cell is hidden: its first shown cell → the first cell (the value), and the
    hidden first cell → None."""
    out: dict[tuple[int, int], tuple[int, int] | None] = {}
    if not rows and not cols:
        return out
    for rng in ws.merged_cells.ranges:
        if rng.min_row not in rows and rng.min_col not in cols:
            continue
        shown_rows = [r for r in range(rng.min_row, rng.max_row + 1) if r not in rows]
        shown_cols = [c for c in range(rng.min_col, rng.max_col + 1) if c not in cols]
        if shown_rows and shown_cols:
            out[(shown_rows[0], shown_cols[0])] = (rng.min_row, rng.min_col)
    return out


_TITLE = re.compile(r"(自评|评价|绩效).{0,12}表|基础数据表")


def _parts(grid: list[list[str]]) -> list[list[list[str]]]:
    """A sheet's rows as its tables: two or more empty rows part them, and so does one empty row before a one-cell
    row that titles a self-evaluation table."""
    parts: list[list[list[str]]] = [[]]
    empty = 0
    for row in grid:
        filled = [c for c in row if c.strip()]
        if not filled:
            empty += 1
            continue
        title = len(filled) == 1 and _TITLE.search(filled[0]) is not None
        if parts[-1] and (empty >= 2 or (empty >= 1 and title)):
            parts.append([])
        parts[-1].append(row)
        empty = 0
    return [p for p in parts if p]


class _Unreadable(Exception):
    pass


class _Sheet:
    """A sheet's cells as printed, computing the formulas the file holds no result of."""

    def __init__(self, values, formulas, wb, fwb) -> None:
        self.values, self.formulas, self.wb, self.fwb = values, formulas, wb, fwb
        self.computed: list[str] = []
        self.unread: list[tuple[str, str, str]] = []  # cell, formula, why

    def text(self, r: int, c: int) -> str:
        cell = self.values.cell(r, c)
        value = cell.value
        fmt = cell.number_format or "General"
        if value is None and self.formulas is not None:
            formula = self.formulas.cell(r, c).value
            if isinstance(formula, str) and formula.startswith("="):
                try:
                    result = _Evaluator(self.wb, self.fwb).cell(self.values.title, r, c)
                except _Unreadable as exc:
                    self.unread.append((cell.coordinate, formula, str(exc)))
                    return ""
                self.computed.append(cell.coordinate)
                return cell_text(result, fmt)
            if formula is not None and not isinstance(formula, str):  # an array or data-table formula
                self.unread.append((cell.coordinate, "（数组公式）", "数组公式"))
                return ""
        return cell_text(value, fmt)

    def notes(self, rows: set[int], cols: set[int], area: tuple[int, int, int, int] | None) -> list[str]:
        """What was computed, what could not be, and what is not printed (hidden rows and columns holding
        something, cells outside the print area)."""
        from openpyxl.utils import get_column_letter

        title = self.values.title
        out = []
        if self.computed:
            cells = "、".join(self.computed[:8]) + ("等" if len(self.computed) > 8 else "")
            out.append(
                f"工作表“{title}”有 {len(self.computed)} 个公式单元格未保存计算结果（文件未经 Excel/WPS 打开保存），"
                f"已按公式计算后审核：{cells}。"
            )
        for coordinate, formula, why in self.unread:
            out.append(
                f"工作表“{title}”单元格 {coordinate} 是公式“{formula}”，文件中没有保存计算结果，本工具无法计算"
                f"（{why}），该格按空白审核。请在 Excel 或 WPS 中打开该文件并保存后重新提交，或人工核对该单元格。"
            )
        if rows or cols:
            what = [f"第{_ranges(sorted(rows))}行" if rows else ""]
            what += [f"{_ranges([get_column_letter(c) for c in sorted(cols)])}列" if cols else ""]
            out.append(f"工作表“{title}”中隐藏的{'、'.join(w for w in what if w)}打印时不显示，未审核。")
        if area is not None:
            box = f"{get_column_letter(area[1])}{area[0]}:{get_column_letter(area[3])}{area[2]}"
            out.append(f"工作表“{title}”设有打印区域 {box}，区域以外的内容打印时不显示，未审核。")
        return out


def _ranges(items: list) -> str:
    return "、".join(str(i) for i in items[:10]) + ("等" if len(items) > 10 else "")


# --- what a cell shows --------------------------------------------------------------------------------------------


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as Excel shows it under its number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date)):
        shown = _date_text(value, number_format or "")
        if shown is not None:
            return shown
        if isinstance(value, datetime) and value.time() == time(0):
            value = value.date()
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float, Decimal)):
        number = (
            value
            if isinstance(value, Decimal)
            else Decimal(repr(value))
            if isinstance(value, float)
            else Decimal(value)
        )
        shown = _formatted(number, number_format or "General")
        if shown is not None:
            return shown
        return _general(number)
    return str(value)


_DATE_PART = re.compile(r'"([^"]*)"|\\(.)|(\[[^\]]*\])|(yyyy|yy|mm|m|dd|d|aaaa|aaa)|(.)', re.IGNORECASE)


def _date_text(value: date, fmt: str) -> str | None:
    """A date under a date format with its year, month and day (yyyy"年"m"月"d"日", yyyy/mm/dd, yyyy-m-d …), as
    Excel shows it; None for a format with a time of day or none of these parts."""
    section = fmt.split(";")[0]
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section).lower()
    if not re.search(r"y|d", plain) or re.search(r"h|s|am/pm", plain):
        return None
    out = []
    for m in _DATE_PART.finditer(section):
        literal, escaped, _bracket, part, other = m.groups()
        if part:
            key = part.lower()
            out.append(
                {
                    "yyyy": f"{value.year:04d}",
                    "yy": f"{value.year % 100:02d}",
                    "mm": f"{value.month:02d}",
                    "m": str(value.month),
                    "dd": f"{value.day:02d}",
                    "d": str(value.day),
                }.get(key, "")
            )
        elif literal is not None or escaped is not None:
            out.append(literal if literal is not None else escaped)
        elif other is not None:
            out.append(other)
    return "".join(out).strip() or None


def _general(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(float(number), ".12g") if abs(number) < 10**15 else str(number)


_LITERAL = re.compile(r'"([^"]*)"|\\(.)|_.|\*.|\[[^\]]*\]')


def _formatted(number: Decimal, fmt: str) -> str | None:
    """`number` under a number format's section for its sign: places, thousands separators, a percent sign and the
    literal text it prints; None for General, text and date formats (read as General)."""
    sections = fmt.split(";")
    section = sections[1] if number < 0 and len(sections) > 1 else sections[0]
    negative = number < 0 and len(sections) == 1
    literal_free = _LITERAL.sub("", section)
    digit = re.search(r"[0#?]", literal_free)
    if section.strip().lower() in ("general", "", "@") or digit is None:
        return None
    if re.search(r"[yYmMdDhHsS]", literal_free):  # a date or time format over a number
        return None
    m = re.search(r"[0#?,]*(?:\.([0#?]*))?", literal_free[digit.start() :])
    body = m.group(0) if m else "0"
    places = len(m.group(1) or "") if m else 0
    percent = literal_free.count("%")
    value = abs(number) * (Decimal(100) ** percent)
    trailing_commas = len(body) - len(body.rstrip(","))  # "0.00," scales by a thousand
    value = value / (Decimal(1000) ** trailing_commas)
    digits = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    grouped = "," in body.rstrip(",")
    text = f"{digits:,.{places}f}" if grouped else f"{digits:.{places}f}"
    if not re.search(r"0", body.split(".")[0]) and text.startswith("0") and places:
        text = text[1:]  # "#.00" shows .50
    # the literal text before and after the digits, in the section's order
    out, placed = [], False
    for piece in re.finditer(r'"([^"]*)"|\\(.)|(_.|\*.|\[[^\]]*\])|([0#?,.]+)|(%)|(.)', section):
        lit, escaped, skip, digits_part, pct, other = piece.groups()
        if lit is not None:
            out.append(lit)
        elif escaped is not None:
            out.append(escaped)
        elif skip is not None:
            continue
        elif digits_part is not None:
            if not placed:
                out.append(text)
                placed = True
        elif pct is not None:
            out.append("%")
        elif other is not None and other not in " ":
            out.append(other)
    shown = "".join(out).strip()
    if negative and digits != 0:
        shown = "-" + shown
    return shown


# --- computing a formula ------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)"
    r"|(?P<ref>(?:(?:'(?:[^']|'')+'|[^\s!(),:;+\-*/^&=<>\"']+)!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"|(?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\("
    r"|(?P<str>\"(?:[^\"]|\"\")*\")"
    r"|(?P<op>[-+*/^%(),:&]|<>|<=|>=|[=<>]))"
)
_FUNCTIONS = {"SUM", "ROUND", "ROUNDUP", "ROUNDDOWN", "MIN", "MAX", "AVERAGE", "ABS", "IFERROR", "IF"}
_COMPARE = ("=", "<>", "<", ">", "<=", ">=")


def _compare(left, right, op: str) -> bool:
    """Excel's comparison: numbers as numbers (an empty cell is 0 beside a number, "" beside text), else text."""
    pair: tuple[Any, Any]
    if isinstance(left, str) or isinstance(right, str):
        pair = ("" if left is None else str(left), "" if right is None else str(right))
    else:
        pair = (Decimal(0) if left is None else left, Decimal(0) if right is None else right)
    a, b = pair
    try:
        return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    except TypeError as exc:
        raise _Unreadable("公式中的比较无法计算") from exc


class _ExcelError(Exception):
    """An Excel error value (#DIV/0!, #VALUE! …) a formula gives: what the cell shows."""

    def __init__(self, value: str):
        super().__init__(value)
        self.value = value


class _Evaluator:
    """Simple arithmetic over a workbook's cells, in Decimal: + - * / ^, unary minus, a trailing %, references and
    ranges (on the same or another sheet), comparisons, and SUM, ROUND/ROUNDUP/ROUNDDOWN, MIN, MAX, AVERAGE, ABS, IF,
    IFERROR.
    A referenced cell's value is its cached result, else its own formula computed (at most 64 deep)."""

    def __init__(self, wb, fwb) -> None:
        self.wb, self.fwb = wb, fwb
        self.busy: set[tuple[str, int, int]] = set()
        self.sheet, self.at = "", 0
        self.tokens: list[tuple[str, str]] = []

    def cell(self, sheet: str, r: int, c: int) -> Decimal | str | None:
        if (sheet, r, c) in self.busy or len(self.busy) > 64:
            raise _Unreadable("公式循环引用或引用层次过深")
        try:
            values, formulas = self.wb[sheet], self.fwb[sheet]
        except KeyError as exc:
            raise _Unreadable(f"引用的工作表“{sheet}”不存在") from exc
        value = values.cell(r, c).value
        if value is not None:
            return _as_value(value)
        formula = formulas.cell(r, c).value
        if not (isinstance(formula, str) and formula.startswith("=")):
            if formula is not None and not isinstance(formula, str):
                raise _Unreadable("引用了数组公式")
            return _as_value(formula)
        saved = (self.sheet, self.tokens, self.at)
        self.busy.add((sheet, r, c))
        try:
            self.sheet, self.tokens, self.at = sheet, self._tokens(formula[1:]), 0
            try:
                result = self._expr()
            except _ExcelError as error:
                return error.value
            if self.at != len(self.tokens):
                raise _Unreadable("公式中有无法识别的部分")
            return result
        finally:
            self.busy.discard((sheet, r, c))
            self.sheet, self.tokens, self.at = saved

    def _tokens(self, text: str) -> list[tuple[str, str]]:
        out, at = [], 0
        while at < len(text):
            if text[at:].strip() == "":
                break
            m = _TOKEN.match(text, at)
            if m is None:
                raise _Unreadable(f"公式中“{text[at : at + 10]}”无法识别")
            kind = m.lastgroup or "op"
            out.append((kind, m.group(kind)))
            at = m.end()
        return out

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, op: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (op is not None and token != ("op", op)):
            raise _Unreadable("公式不完整")
        self.at += 1
        return token

    def _expr(self):
        """A comparison (its lowest precedence: TRUE as 1, FALSE as 0) or a sum."""
        left = self._sum()
        t = self._peek()
        if t is not None and t[0] == "op" and t[1] in _COMPARE:
            self._take()
            return Decimal(1) if _compare(left, self._sum(), t[1]) else Decimal(0)
        if t == ("op", "&"):
            raise _Unreadable("公式含文字连接")
        return left

    def _sum(self):
        left = self._term()
        while (t := self._peek()) in (("op", "+"), ("op", "-")):
            self._take()
            right = self._term()
            left = _num(left) + _num(right) if t[1] == "+" else _num(left) - _num(right)
        return left

    def _term(self):
        left = self._power()
        while (t := self._peek()) in (("op", "*"), ("op", "/")):
            self._take()
            right = _num(self._power())
            if t[1] == "*":
                left = _num(left) * right
            elif right == 0:
                raise _ExcelError("#DIV/0!")
            else:
                left = _num(left) / right
        return left

    def _power(self):
        """Excel's order: a sign binds first (-2^2 is 4), then %, then ^."""
        base = self._unary()
        if self._peek() == ("op", "^"):
            self._take()
            exponent = _num(self._unary())
            if exponent != exponent.to_integral_value() or abs(exponent) > 64:
                raise _Unreadable("乘方无法计算")
            return _num(base) ** int(exponent)
        return base

    def _unary(self):
        if self._peek() == ("op", "-"):
            self._take()
            return -_num(self._unary())
        if self._peek() == ("op", "+"):
            self._take()
            return self._unary()
        value = self._atom()
        while self._peek() == ("op", "%"):
            self._take()
            value = _num(value) / 100
        return value

    def _atom(self):
        kind, text = self._take()
        if kind == "num":
            return Decimal(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            cells = self._cells(text)
            if len(cells) != 1:
                raise _Unreadable("区域引用只能用在函数中")
            value = self.cell(*cells[0])
            if isinstance(value, str) and value.startswith("#"):
                raise _ExcelError(value)
            return Decimal(0) if value is None else value
        if kind == "func":
            return self._call(text.upper())
        if (kind, text) == ("op", "("):
            value = self._expr()
            self._take(")")
            return value
        raise _Unreadable(f"公式中“{text}”无法识别")

    def _cells(self, ref: str) -> list[tuple[str, int, int]]:
        from openpyxl.utils.cell import range_boundaries

        sheet = self.sheet
        if "!" in ref:
            name, ref = ref.rsplit("!", 1)
            sheet = name[1:-1].replace("''", "'") if name.startswith("'") else name
        try:
            low_c, low_r, high_c, high_r = range_boundaries(ref.replace("$", ""))
        except ValueError as exc:
            raise _Unreadable(f"引用“{ref}”无法识别") from exc
        if (high_r - low_r + 1) * (high_c - low_c + 1) > 10000:
            raise _Unreadable("引用区域过大")
        return [(sheet, r, c) for r in range(low_r, high_r + 1) for c in range(low_c, high_c + 1)]

    def _arg(self) -> list:
        """One argument's values: a range gives each of its cells, an expression its value."""
        token = self._peek()
        nxt = self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
        if token is not None and token[0] == "ref" and ":" in token[1] and nxt in (("op", ","), ("op", ")")):
            self._take()
            return [self.cell(*place) for place in self._cells(token[1])]
        return [self._expr()]

    def _skip_arg(self) -> None:
        """Past the rest of an argument whose value is an error (to its comma or closing parenthesis)."""
        depth = 0
        while (token := self._peek()) is not None:
            if token == ("op", "(") or token[0] == "func":
                depth += 1
            elif token == ("op", ")"):
                if depth == 0:
                    return
                depth -= 1
            elif token == ("op", ",") and depth == 0:
                return
            self.at += 1

    def _call(self, name: str):
        if name not in _FUNCTIONS:
            raise _Unreadable(f"不支持函数 {name}")
        args: list[list] = []
        error: _ExcelError | None = None
        while self._peek() != ("op", ")"):
            try:
                args.append(self._arg())
            except _ExcelError as exc:
                self._skip_arg()
                args.append([exc.value])
                error = error or exc
            if self._peek() == ("op", ","):
                self._take()
            elif self._peek() != ("op", ")"):
                raise _Unreadable("公式不完整")
        self._take(")")
        if name == "IF":
            test = args[0][0] if args and args[0] else None
            if isinstance(test, str):
                raise _ExcelError(test) if test.startswith("#") else _Unreadable("IF 的条件不是数值")
            chosen = (
                (args[1] if len(args) > 1 else [Decimal(1)]) if test else (args[2] if len(args) > 2 else [Decimal(0)])
            )
            value = chosen[0] if chosen else Decimal(0)
            if isinstance(value, str) and value.startswith("#"):
                raise _ExcelError(value)
            return value
        if name == "IFERROR":
            first = args[0][0] if args and args[0] else None
            if isinstance(first, str) and first.startswith("#"):
                return args[1][0] if len(args) > 1 and args[1] else Decimal(0)
            return first
        for arg in args:
            for v in arg:
                if isinstance(v, str) and v.startswith("#"):
                    raise _ExcelError(v)
        numbers = [v for arg in args for v in arg if isinstance(v, Decimal)]
        if name == "SUM":
            return sum(numbers, Decimal(0))
        if name in ("MIN", "MAX"):
            return (min if name == "MIN" else max)(numbers) if numbers else Decimal(0)
        if name == "AVERAGE":
            if not numbers:
                raise _ExcelError("#DIV/0!")
            return sum(numbers, Decimal(0)) / len(numbers)
        if name == "ABS":
            return abs(_num(args[0][0])) if args and args[0] else Decimal(0)
        value = _num(args[0][0]) if args and args[0] else Decimal(0)
        places = int(_num(args[1][0])) if len(args) > 1 and args[1] else 0
        rounding = {"ROUND": ROUND_HALF_UP, "ROUNDUP": ROUND_UP, "ROUNDDOWN": ROUND_DOWN}[name]
        return value.quantize(Decimal(1).scaleb(-places), rounding)


def _as_value(value: object) -> Decimal | str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, Decimal):
        return value
    return str(value)


def _num(value) -> Decimal:
    """A value in arithmetic: a number; an empty cell is 0; text that is a number is that number (as Excel
    coerces it); other text cannot be computed."""
    if isinstance(value, Decimal):
        return value
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, str) and value.startswith("#"):
        raise _ExcelError(value)
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise _Unreadable(f"文字“{str(value)[:10]}”不能参与计算") from exc
