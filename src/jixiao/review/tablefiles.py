"""Measuring the review on the files offices really send: the same corpus table written with the messiness of the
program that wrote it, which the corpus's clean transcriptions do not show. Each kind writes a table document to
one file as a system, an office's template or a clerk leaves it, printing what the clean file prints:

- xlsx_formulas: totals, funds totals, execution rates and funds scores as formulas (SUM, +, /, ROUND, MIN) with
  no cached value, as a system's export or openpyxl writes them — never opened in Excel, so a reader taking the
  cached values sees blanks;
- xlsx_number_formats: figures stored as numbers under a number format — amounts holding more places than they
  show ("0.00" over 89.9704), thousands separators ("#,##0.00"), rates as fractions under "0.00%";
- xlsx_text_numbers: figures stored as text the way typed or pasted ones come: a space around them, full-width
  digits, thousands separators, the unit in the cell ("1,234.50万元");
- xlsx_hidden: a template's hidden helper column (codes and last year's weights) beside the names, a hidden row
  (a deleted indicator kept with its figures) inside the indicators, and a hidden sheet before the table's;
- xlsx_offset: the table starting at column C row 5, under a title block (its title merged across the table);
- xlsx_two_in_sheet / xlsx_sheets: two projects' tables in one sheet, one under the other, and one table per sheet
  (made from two documents; the review must find what the two files reviewed apart find);
- docx_grid_before: Word rows that begin later than the first column (w:gridBefore) where the clean table has
  empty leading cells;
- docx_nested: the table inside a one-cell frame table, its title above it in the frame;
- docx_tracked: 修订 left on — every other figure typed over an older one (w:del of the old, w:ins of the new);
- docx_content_controls: a system's Word form filled through content controls (w:sdt inline in the cells,
  round the first row's cells, round the lines above the table).

`FILE_KINDS` maps each kind to (format, writer); a writer returns False where the kind does not apply.
variantcompare.compare_files reviews each file against the clean file of the same format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path

from .corpus import _cell_value, write_docx, write_xlsx
from .segments import Segment, SourceDocument
from .table import Block, Table, build_table, number
from .variants import _is_total
from .vocabulary import norm

__all__ = ["FILE_KINDS", "PAIR_KINDS"]

Writer = Callable[[SourceDocument, Path], bool]


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _sheet(ws, doc: SourceDocument, top: int = 1, left: int = 1, width: int | None = None) -> dict[int, int]:
    """The document written into `ws` from (top, left) as corpus.write_xlsx writes it (a paragraph one cell of a row,
    a table its rows); returns each segment's first sheet row. A paragraph above the first table is merged across
    the table's width when `width` is given (a title block)."""
    first: dict[int, int] = {}
    row = top
    for at, seg in enumerate(doc.segments):
        first[at] = row
        if seg.kind == "paragraph":
            ws.cell(row, left, seg.text)
            if width and width > 1 and not any(s.kind == "table" for s in doc.segments[:at]):
                ws.merge_cells(start_row=row, start_column=left, end_row=row, end_column=left + width - 1)
            row += 1
            continue
        for cells in seg.rows:
            for c, text in enumerate(cells):
                value = _cell_value(text)
                if value != "":
                    cell = ws.cell(row, left + c, value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # "=100%" is a target as printed
            row += 1
    return first


def _tables(doc: SourceDocument) -> list[tuple[int, Segment, Table]]:
    return [(at, s, build_table(doc, s)) for at, s in enumerate(doc.segments) if s.kind == "table"]


def _stored(text: str) -> bool:
    """Whether the clean writer stores the cell as a number (a formula over it computes with it; a figure kept as
    text, "250000.00", is left out of Excel's SUM and breaks its arithmetic)."""
    return not isinstance(_cell_value(text), str)


def _places(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _formulas(table: Table, block: Block) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, column) → (formula, number format) for the cells a template computes, where the formula prints what
    the table prints: a total row's 分值/得分 as the SUM of the figures above it in the block, a funds total as
    the SUM of its parts, an execution rate as executed / budget."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    grid = table.grid
    for role in ("weight", "score"):
        col = block.columns.get(role)
        if col is None or block.shifts:
            continue
        start = None
        for r in block.rows:
            if start is None:
                start = r
            if not _is_total(grid[r]):
                continue
            total = number(grid[r][col])
            above = [r2 for r2 in block.rows if start <= r2 < r and number(grid[r2][col]) is not None]
            exact = total is not None and above and sum(number(grid[r2][col]) or 0 for r2 in above) == total
            if exact and all(_stored(grid[r2][col]) and _places(grid[r2][col]) == 0 for r2 in (r, *above)):
                out[(r, col)] = (f"=SUM({{c{col}}}{{r{above[0]}}}:{{c{col}}}{{r{above[-1]}}})", "General")
            start = None
    budget, executed, rate = (block.columns.get(k) for k in ("budget", "executed", "rate"))
    if budget is not None and executed is not None and rate is not None and not block.shifts:
        for r in block.rows:
            m = re.fullmatch(r"(\d+(?:\.(\d+))?)%", grid[r][rate].strip())
            a, b = number(grid[r][budget]), number(grid[r][executed])
            if m is None or not a or b is None or not (_stored(grid[r][budget]) and _stored(grid[r][executed])):
                continue
            places = len(m.group(2) or "")
            shown = (b / a * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
            if shown == Decimal(m.group(1)):
                fmt = "0" + ("." + "0" * places if places else "") + "%"
                out[(r, rate)] = (f"={{c{executed}}}{{r{r}}}/{{c{budget}}}{{r{r}}}", fmt)
        for col in (budget, executed):
            out.update(_funds_total(grid, block, col, min(budget, executed)))
    return out


def _funds_total(grid: list[list[str]], block: Block, col: int, labels: int) -> dict:
    """A funds total (年度资金总额) over the 其中 rows right under it, where they add up to it to the cent."""
    rows = block.rows
    for i, r in enumerate(rows[:-1]):
        label = "".join(norm(c) for c in grid[rows[i + 1]][:labels])
        total = number(grid[r][col])
        if total is None or not label.startswith("其中"):
            continue
        parts = [p for p in rows[i + 1 :] if p - r <= len(rows)]
        parts = parts[: next((k for k, p in enumerate(parts) if not grid[p][col].strip() and k > 0), len(parts))]
        parts = [p for p in parts if number(grid[p][col]) is not None]
        places = _places(grid[r][col])
        exact = len(parts) >= 2 and sum(number(grid[p][col]) or 0 for p in parts) == total
        if exact and all(_stored(grid[p][col]) and _places(grid[p][col]) <= places for p in parts):
            fmt = "0." + "0" * places if places else "0"
            return {(r, col): (f"=ROUND(SUM({{c{col}}}{{r{parts[0]}}}:{{c{col}}}{{r{parts[-1]}}}),2)", fmt)}
        return {}
    return {}


def _row_ref(top: int, m: re.Match) -> str:
    return str(top + int(m.group(1)))


def _xlsx_formulas(doc: SourceDocument, path: Path) -> bool:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    first = _sheet(ws, doc)
    done = False
    for at, _seg, table in _tables(doc):
        top = first[at]
        for block in table.blocks:
            for (r, c), (formula, fmt) in _formulas(table, block).items():
                text = re.sub(r"\{c(\d+)\}", lambda m: _letter(int(m.group(1)) + 1), formula)
                text = re.sub(r"\{r(\d+)\}", partial(_row_ref, top), text)
                cell = ws.cell(top + r, c + 1)
                cell.value = text
                if fmt:
                    cell.number_format = fmt
                done = True
    if done:
        wb.save(str(path))
    return done


_AMOUNT = re.compile(r"(-?\d+)\.(\d{2})")
_RATE = re.compile(r"(-?\d+(?:\.(\d+))?)%")


def _xlsx_number_formats(doc: SourceDocument, path: Path) -> bool:
    """Figures as numbers under a number format: an amount to two places holds hidden places under "0.00"
    ("#,##0.00" from 1,000), a rate is its fraction under "0.00%"."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    first = _sheet(ws, doc)
    done = False
    for at, seg in enumerate(doc.segments):
        if seg.kind != "table":
            continue
        for r, cells in enumerate(seg.rows):
            for c, text in enumerate(cells):
                cell = ws.cell(first[at] + r, c + 1)
                if m := _AMOUNT.fullmatch(text.strip()):
                    value = Decimal(text.strip())
                    # a computed amount: what the cell holds rounds to what is printed
                    cell.value = float(value + (Decimal("0.0004") if value >= 0 else Decimal("-0.0004")))
                    cell.number_format = "#,##0.00" if abs(value) >= 1000 else "0.00"
                    done = True
                elif m := _RATE.fullmatch(text.strip()):
                    places = len(m.group(2) or "")
                    cell.value = float(Decimal(m.group(1)).scaleb(-2))
                    cell.number_format = "0" + ("." + "0" * places if places else "") + "%"
                    done = True
    if done:
        wb.save(str(path))
    return done


_WIDE = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _xlsx_text_numbers(doc: SourceDocument, path: Path) -> bool:
    """Figures stored as text: every third with a space around it, every third in full-width digits, an amount of
    1,000 or more with its thousands separator, and a funds amount with 万元 after it where the table's unit is
    万元."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    first = _sheet(ws, doc)
    done, n = False, 0
    for at, seg, table in _tables(doc):
        money = set()
        if table.unit == "万元":
            for b in table.blocks:
                money |= {
                    (r, b.columns[k]) for k in ("budget", "executed", "initial") if k in b.columns for r in b.rows
                }
        for r, cells in enumerate(seg.rows):
            for c, text in enumerate(cells):
                t = text.strip()
                if not re.fullmatch(r"-?\d+(?:\.\d+)?%?", t):
                    continue
                n += 1
                if (r, c) in money and not t.endswith("%"):
                    whole, _, frac = t.partition(".")
                    new = f"{int(whole):,}" + (f".{frac}" if frac else "") + "万元"
                elif re.fullmatch(r"\d{4,}\.\d+", t):
                    whole, _, frac = t.partition(".")
                    new = f"{int(whole):,}.{frac}"
                elif n % 3 == 0:
                    new = f" {t} "
                elif n % 3 == 1:
                    new = t.translate(_WIDE)
                else:
                    continue
                cell = ws.cell(first[at] + r, c + 1)
                cell.value = new
                cell.data_type = "s"
                done = True
    if done:
        wb.save(str(path))
    return done


def _xlsx_hidden(doc: SourceDocument, path: Path) -> bool:
    """The clean sheet with, hidden: a helper column right after the first column (a code per row, last year's
    weights on the indicator rows: figures that would move a column's role or add to its sums), a copy of the
    first indicator row with its figures doubled inside the indicators, and a sheet before the table's holding an
    older copy of the table with its figures doubled."""
    from openpyxl import load_workbook

    tables = _tables(doc)
    if not tables or not any(b.columns.get("name") is not None for _, _, t in tables for b in t.blocks):
        return False
    write_xlsx(doc, path)
    wb = load_workbook(str(path))
    ws = wb["自评表"]
    # the hidden row: the first indicator row of the first indicator block, copied below itself, figures doubled
    first = _sheet_rows(doc)
    for at, seg, table in tables:
        block = next((b for b in table.blocks if "name" in b.columns and "weight" in b.columns), None)
        if block is None or not block.rows:
            continue
        r = next((r for r in block.rows if number(table.grid[r][block.columns["weight"]]) is not None), None)
        if r is None:
            continue
        at_row = first[at] + r
        ws.insert_rows(at_row + 1)
        for c, text in enumerate(seg.rows[r]):
            v = number(text)
            ws.cell(at_row + 1, c + 1, float(v * 2) if v is not None else (text or None))
        ws.row_dimensions[at_row + 1].hidden = True
        break
    else:
        return False
    # the helper column, after column A
    ws.insert_cols(2)
    for r in range(1, ws.max_row + 1):
        if any(ws.cell(r, c).value not in (None, "") for c in range(3, ws.max_column + 1)):
            ws.cell(r, 2, 1000 + r)
    ws.column_dimensions["B"].hidden = True
    old = wb.create_sheet("旧版", 0)
    for row in ws.iter_rows(values_only=True):
        old.append([v * 2 if isinstance(v, (int, float)) else v for v in row])
    old.sheet_state = "hidden"
    wb.active = 1
    wb.save(str(path))
    return True


def _sheet_rows(doc: SourceDocument) -> dict[int, int]:
    first, row = {}, 1
    for at, seg in enumerate(doc.segments):
        first[at] = row
        row += 1 if seg.kind == "paragraph" else len(seg.rows)
    return first


def _xlsx_offset(doc: SourceDocument, path: Path) -> bool:
    """The table from C5 under a title block: the lines above it merged across its width from row 1."""
    from openpyxl import Workbook

    if not doc.tables():
        return False
    width = max(len(r) for s in doc.tables() for r in s.rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    above = 0
    for seg in doc.segments:
        if seg.kind == "table":
            break
        above += 1
    top = max(1, 5 - above)
    _sheet(ws, doc, top=top, left=3, width=width)
    wb.save(str(path))
    return True


def _docx_grid_before(doc: SourceDocument, path: Path) -> bool:
    """The clean .docx with each table row's empty leading cells left out and the row begun later by
    w:gridBefore, as Word writes a row drawn from a later column."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    write_docx(doc, path)
    out = Document(str(path))
    done = False
    for table in out.tables:
        for tr in table._tbl.tr_lst:
            tcs = tr.tc_lst
            lead = 0
            while lead < len(tcs) - 1 and not "".join(tcs[lead].itertext()).strip():
                lead += 1
            if lead == 0 or lead == len(tcs):
                continue
            for tc in tcs[:lead]:
                tr.remove(tc)
            trPr = tr.get_or_add_trPr()
            before = OxmlElement("w:gridBefore")
            before.set(qn("w:val"), str(lead))
            trPr.insert(0, before)
            done = True
    if done:
        out.save(str(path))
    return done


def _docx_nested(doc: SourceDocument, path: Path) -> bool:
    """The clean .docx with its first table moved into a one-cell frame table, the paragraphs right above it
    moved into the frame too (a form drawn inside a border)."""
    from docx import Document
    from docx.oxml.parser import OxmlElement

    write_docx(doc, path)
    out = Document(str(path))
    if not out.tables:
        return False
    inner = out.tables[0]._tbl
    frame = out.add_table(rows=1, cols=1)
    frame.style = "Table Grid"
    cell = frame.cell(0, 0)
    tc = cell._tc
    inner.addprevious(frame._tbl)
    # the paragraphs right above the inner table (its title lines) go into the frame's cell
    moved: list = []
    prev = frame._tbl.getprevious()
    while prev is not None and prev.tag.endswith("}p") and len(moved) < 2:
        moved.insert(0, prev)
        prev = prev.getprevious()
    for p in list(tc.iterchildren()):
        if p.tag.endswith("}p"):
            tc.remove(p)
    for p in moved:
        tc.append(p)
    tc.append(inner)
    tc.append(OxmlElement("w:p"))  # a cell ends with a paragraph
    out.save(str(path))
    return True


def _xlsx_two_in_sheet(a: SourceDocument, b: SourceDocument, path: Path) -> bool:
    """One sheet, the second table two empty rows under the first."""
    return _two_tables(path, "自评表", lambda wb, ws: _sheet(ws, b, top=ws.max_row + 3), a)


def _xlsx_sheets(a: SourceDocument, b: SourceDocument, path: Path) -> bool:
    """A sheet a table: 项目1, 项目2."""
    return _two_tables(path, "项目1", lambda wb, ws: _sheet(wb.create_sheet("项目2"), b), a)


def _two_tables(path: Path, title: str, second, a: SourceDocument) -> bool:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    _sheet(ws, a)
    second(wb, ws)
    wb.save(str(path))
    return True


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str, **attrs: str):
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _docx_tracked(doc: SourceDocument, path: Path) -> bool:
    """The clean .docx as a clerk leaves it with 修订 (track changes) on: every other figure in the tables typed over
    an older one — the old figure a deletion (w:del), the figure printed an insertion (w:ins)."""
    from docx import Document

    write_docx(doc, path)
    out = Document(str(path))
    n = 0
    for table in out.tables:
        for tc in table._tbl.iter(f"{{{_W}}}tc"):
            for p in tc.iterchildren(f"{{{_W}}}p"):
                runs = list(p.iterchildren(f"{{{_W}}}r"))
                text = "".join(t.text or "" for r in runs for t in r.iter(f"{{{_W}}}t"))
                if len(runs) != 1 or number(text) is None:
                    continue
                n += 1
                if n % 2:
                    continue
                old = _w("del", id=str(2 * n), author="经办人", date="2024-03-01T00:00:00Z")
                gone = _w("r")
                gone.append(_w("delText"))
                gone[-1].text = text + "0"
                old.append(gone)
                new = _w("ins", id=str(2 * n + 1), author="经办人", date="2024-03-01T00:00:00Z")
                runs[0].addprevious(old)
                runs[0].addprevious(new)
                new.append(runs[0])
    if n < 2:
        return False
    out.save(str(path))
    return True


def _docx_content_controls(doc: SourceDocument, path: Path) -> bool:
    """The clean .docx as a system's Word form exports it, filled in through content controls (内容控件): each
    filled cell's text inside an inline w:sdt, the first row's cells each inside a cell-level w:sdt, and the lines
    above the first table inside one block-level w:sdt."""
    from docx import Document

    write_docx(doc, path)
    out = Document(str(path))
    if not out.tables:
        return False

    def control(*children):
        sdt = _w("sdt")
        sdt.append(_w("sdtPr"))
        content = _w("sdtContent")
        for child in children:
            content.append(child)
        sdt.append(content)
        return sdt

    for table in out.tables:
        for tc in table._tbl.iter(f"{{{_W}}}tc"):
            for p in tc.iterchildren(f"{{{_W}}}p"):
                runs = list(p.iterchildren(f"{{{_W}}}r"))
                if runs:
                    box = control()
                    runs[0].addprevious(box)
                    for run in runs:
                        box[-1].append(run)
        first = table._tbl.find(f"{{{_W}}}tr")
        if first is not None:
            for tc in list(first.iterchildren(f"{{{_W}}}tc")):
                box = control()
                tc.addprevious(box)
                box[-1].append(tc)
    body = out.element.body
    above = []
    for child in body.iterchildren():
        if child.tag == f"{{{_W}}}tbl":
            break
        if child.tag == f"{{{_W}}}p":
            above.append(child)
    if above:
        box = control()
        above[0].addprevious(box)
        for child in above:
            box[-1].append(child)
    out.save(str(path))
    return True


FILE_KINDS: dict[str, tuple[str, Writer]] = {
    "xlsx_formulas": ("xlsx", _xlsx_formulas),
    "xlsx_number_formats": ("xlsx", _xlsx_number_formats),
    "xlsx_text_numbers": ("xlsx", _xlsx_text_numbers),
    "xlsx_hidden": ("xlsx", _xlsx_hidden),
    "xlsx_offset": ("xlsx", _xlsx_offset),
    "docx_grid_before": ("docx", _docx_grid_before),
    "docx_nested": ("docx", _docx_nested),
    "docx_tracked": ("docx", _docx_tracked),
    "docx_content_controls": ("docx", _docx_content_controls),
}
PAIR_KINDS: dict[str, Callable[[SourceDocument, SourceDocument, Path], bool]] = {
    "xlsx_two_in_sheet": _xlsx_two_in_sheet,
    "xlsx_sheets": _xlsx_sheets,
}
