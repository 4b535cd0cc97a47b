"""Benchmark: the review of text-layer PDFs — the form most reports reach a bureau in (printed from Word, WPS or
LibreOffice) — against the review of the document they were printed from.

Each document of the review corpus is written as .docx by review/corpus.py's writer (and, for a table document,
as .xlsx), printed to PDF by the long-lived LibreOffice (jixiao.formats.office), reviewed, and compared with the
review of the .docx (.xlsx) by bench/review_formats.py's comparison: department, year, total, grade, score tables
(each row's name, 分值, 得分) and findings (code, severity, expected/actual). Beside it, the findings' places
(code and place, the page left out: "第2页 表1 第3行第4列" is "表1 第3行第4列").

Variants: every document portrait, its tables' header rows not repeated (a table longer than a page runs over
without its header); each table document also landscape with every table's first row a repeated header row
(Word's 标题行重复: the page break repeats it), and its .xlsx printed landscape, one page wide, its tables' cells
ruled (a sheet's grid is not printed: a table without rules is not read as one).

Measured on 3 December 2026, --tables (79 table documents, 331 s): docx-pdf 78/79, docx-pdf-landscape 76/79,
xlsx-pdf 68/79. After pdfread._extract (a character over a cell's right rule stays in its cell: t61 read
"有利于城市态" | "生有利于城"), the thirteen that differed run again: docx-pdf 79/79, landscape 77/79, xlsx-pdf 68/79.
Left: t79 landscape, a row cut by the page break whose figure is cut too ("12767.3" | "6": formats/layout.py's
continued_rows takes a first row with a figure for a new row, though the cell above had no room left); t19
landscape the department; xlsx-pdf: seven documents (t34, t35, t38, t45, t53, t70, t73) whose PDF finds the
department truth.yaml gives and the .xlsx's review does not (the workbook reader's, not the PDF's), t08/t19 tables,
t14 year, t60 findings.

Run: .venv/bin/python bench/review_pdf.py [--only ID …] [--limit N] [--tables]
(about 20 minutes for the whole corpus on a shared machine)
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_formats import FIELDS, compare, summary, tally  # the comparison of bench/review_formats.py

from jixiao.formats import office
from jixiao.review import review_file
from jixiao.review.corpus import CorpusDoc, load_corpus, write_formats
from jixiao.review.source import read_source

VARIANTS = ("docx-pdf", "docx-pdf-landscape", "xlsx-pdf")


def landscape_docx(source: Path, out: Path) -> Path:
    """The .docx turned landscape, each table's first row a header row repeated on every page it runs over."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document(str(source))
    for section in doc.sections:
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    for table in doc.tables:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(header)
    doc.save(str(out))
    return out


def landscape_xlsx(source: Path, out: Path, item: CorpusDoc) -> Path:
    """The workbook printed landscape, fitted to one page wide, its tables' cells ruled (as a budget table is
    printed; a sheet's grid is not printed), their text wrapped in the cell (Calc prints an unwrapped
    text cut at the next filled cell), and each paragraph (a title, a note) set across the sheet's width and
    wrapped — unwrapped, a long note runs far to the right and one page wide shrinks the whole sheet to an
    unreadable 2 pt (the first runs did)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    wb = load_workbook(source)
    ws = wb.active
    wide = ws.max_column
    row = 1
    for segment in read_source(item.folder / "document.txt").segments:  # as corpus.write_xlsx lays them out
        if segment.kind == "paragraph":  # a title or a note: across the sheet's width, wrapped, as sheets set it
            if wide > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=wide)
            ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
            ws.row_dimensions[row].height = min(15 * _lines(segment.text, 16 * wide) + 3, 409)  # Excel at most
            row += 1
            continue
        width = max(len(r) for r in segment.rows)
        for r, cells in enumerate(segment.rows, row):  # each row as tall as its longest text wrapped needs
            ws.row_dimensions[r].height = 15 * max(_lines(text, 15) for text in (*cells, "x")) + 3
        for r in range(row, row + len(segment.rows)):
            for c in range(1, width + 1):
                ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
                ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="center")
        row += len(segment.rows)
    for column in range(1, wide + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(str(out))
    return out


def _lines(text: str, width: int) -> int:
    """The lines `text` wraps to in a cell `width` half-width characters wide (an ideograph is two)."""
    return max(1, -(-sum(2 if ord(ch) > 255 else 1 for ch in text) // width))


def places(result) -> list[tuple[str, str]]:
    """Each warning's and error's code and place, the page left out."""
    out = []
    for f in result.findings:
        if f.severity.value in ("error", "warning"):
            place = (f.location.place if f.location is not None else None) or ""
            out.append((f.code, re.sub(r"第\d+页\s*", "", place)))
    return sorted(out)


def run_one(item: CorpusDoc, here: Path, variants: tuple[str, ...]) -> dict[str, tuple[list[str], bool, int]]:
    """variant → (fields that differ, whether the places differ, pages)."""
    paths = write_formats(item, here)
    originals = {"docx": review_file(paths["docx"])}
    made: dict[str, tuple[Path, str]] = {"docx-pdf": (paths["docx"], "docx")}
    if item.is_table and "docx-pdf-landscape" in variants:
        made["docx-pdf-landscape"] = (landscape_docx(paths["docx"], here / f"{item.id}-横向.docx"), "docx")
    if "xlsx" in paths and "xlsx-pdf" in variants:
        originals["xlsx"] = review_file(paths["xlsx"])
        made["xlsx-pdf"] = (landscape_xlsx(paths["xlsx"], here / f"{item.id}-表格.xlsx", item), "xlsx")
    out = {}
    for variant, (source, origin) in made.items():
        if variant not in variants:
            continue
        pdf = office.convert_file(source, "pdf", here / "pdf")
        result = review_file(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        base = originals[origin]
        out[variant] = (compare(summary(base), summary(result)), places(base) != places(result), pages)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="corpus folders to run (names or their tNN/nNN prefix)")
    parser.add_argument("--limit", type=int, default=0, help="the first N documents only")
    parser.add_argument("--tables", action="store_true", help="table documents only")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    args = parser.parse_args()
    items = load_corpus()
    if args.only:
        items = [i for i in items if i.id in args.only or i.id.split("-")[0] in args.only]  # a name or its tNN
    if args.tables:
        items = [i for i in items if i.is_table]
    if args.limit:
        items = items[: args.limit]
    agree = {v: [0, 0] for v in VARIANTS}
    place_agree = dict.fromkeys(VARIANTS, 0)
    by_field = {v: dict.fromkeys(FIELDS, 0) for v in VARIANTS}
    crashes: list[str] = []
    pages: list[int] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as tmp:
        for item in items:
            here = Path(tmp) / item.id
            here.mkdir()
            line = [item.id[:40].ljust(40)]
            try:
                for variant, (differ, moved, count) in run_one(item, here, tuple(args.variants)).items():
                    tally(agree, by_field, variant, differ)
                    place_agree[variant] += not moved
                    pages.append(count)
                    mark = "同" if not differ else "异:" + ",".join(differ)
                    line.append(f"{variant} {mark}{'（位置异）' if moved else ''} {count}页")
            except Exception as exc:  # a crash is a result here: counted and shown, the run goes on
                crashes.append(item.id)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    print()
    for variant, (same, total) in agree.items():
        if total:
            fields = "，".join(f"{k} {total - v}/{total}" for k, v in by_field[variant].items())
            print(
                f"{variant}: 与原文审核结果一致 {same}/{total} = {same / total:.1%}；分项一致：{fields}；"
                f"发现的位置一致 {place_agree[variant]}/{total}"
            )
    if pages:
        print(f"PDF 页数：中位数 {statistics.median(pages):.0f}，最多 {max(pages)}；共 {len(pages)} 份 PDF")
    names = "（" + "、".join(crashes) + "）" if crashes else ""
    print(f"用时 {time.perf_counter() - started:.0f} s；崩溃：{len(crashes)}{names}")


if __name__ == "__main__":
    main()
