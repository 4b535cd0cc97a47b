"""Reading a filled workbook: what people actually type, found by its labels.

Rows and columns are found by their labels, not fixed addresses, tolerant of blank rows, merged cells,
label variants (业务工作专项 / 业务工作经费), full-width digits, "万元" or "%" typed into a cell, thousands
separators, trailing spaces, and formulas (their cached value; if there is none, an error says so). A blank
cell is 未填报; "—" and "/" count as blank. The workbook becomes the same nested tree a YAML file gives and
goes through the same checks, so every error names sheet!cell, what was found and what was expected.

`read_workbook_source` gives that tree (a `model.dataset.SourceTree`); `read_workbook` parses it as well.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from jixiao.model.dataset import DepartmentData, SourceTree, parse_source
from jixiao.model.problems import JixiaoError, Location, Problem

from . import guard
from .excel_cells import Sheet
from .excel_layout import (
    BASE_SHEET,
    FACTS_SHEET,
    FORM_SHEET,
    LIST_SHEETS,
    MANUAL_SHEET,
)
from .excel_sheets import (
    TreeReader,
    find_sheet,
    identity_from,
    merge_staff,
    read_base,
    read_form,
    read_list,
    read_pairs,
    sheet_with,
)

__all__ = ["OLD_WORKBOOKS", "read_workbook", "read_workbook_bytes", "read_workbook_source", "renamed"]

OLD_WORKBOOKS = (".xls", ".et")  # Excel 97–2003 and WPS: converted to .xlsx by LibreOffice, then read here


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
                raise JixiaoError([renamed(p, str(xlsx), shown) for p in exc.problems]) from None
    except ConversionError as exc:
        raise JixiaoError([Problem("xlsx.convert", f"无法读取该 Excel 文件：{exc}", Location(shown))]) from None
    except FileNotFoundError:
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(shown))]) from None


def renamed(problem: Problem, temporary: str, shown: str) -> Problem:
    """The problem with a temporary file's name in its place replaced by the name the user knows."""
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
    return _open(path, shown, Path(shown).parent)


def read_workbook_bytes(content: bytes, name: str) -> SourceTree:
    """A workbook held in memory (an upload) as the raw tree, `name` in every place: the same entrance
    (`guard.check_upload`: size, content type, zip limits, xl/workbook.xml) and reader as a file, no file written."""
    problem = guard.check_upload(name, content)
    if problem is not None:
        raise JixiaoError([problem])
    return _open(io.BytesIO(content), name, None)


def _open(source: Path | io.BytesIO, shown: str, base_dir: Path | None) -> SourceTree:
    from openpyxl import load_workbook  # heavy: imported once the guard has passed the file

    try:
        workbook = load_workbook(source, data_only=True, read_only=True)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # any parser's complaint about a damaged part becomes one clear message
        raise guard.refusal(
            "xlsx.unreadable",
            f"无法打开该 Excel 文件（{type(exc).__name__}，文件已损坏或不是有效的 .xlsx）。"
            "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再试。",
            Location(shown if isinstance(source, io.BytesIO) else str(source)),
        ) from None
    try:
        return _read(workbook, shown, base_dir)
    finally:
        workbook.close()


def _read(workbook, shown: str, base_dir: Path | None) -> SourceTree:
    reader = TreeReader(shown)
    loaded: dict[str, Sheet] = {}

    def load(ws) -> Sheet:
        if ws.title not in loaded:
            loaded[ws.title] = Sheet(ws, shown)
        return loaded[ws.title]

    def sheet(name: str) -> Sheet | None:
        ws = find_sheet(workbook, name)
        return load(ws) if ws is not None else None

    base = sheet(BASE_SHEET) or sheet_with((load(ws) for ws in workbook.worksheets), ("经费控制情况", "本年预算数"))
    form = sheet(FORM_SHEET)
    if form is None and base is None and not any(find_sheet(workbook, layout.name) for layout in LIST_SHEETS):
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
        read_form(reader, form)
    for layout in LIST_SHEETS:
        if layout.owner_column:
            continue
        if ws := sheet(layout.name):
            read_list(reader, ws, layout)
    if base is not None:
        read_base(reader, base)
        identity_from(reader, base)
    for layout in LIST_SHEETS:
        if layout.owner_column and (ws := sheet(layout.name)):
            read_list(reader, ws, layout)
    if facts := sheet(FACTS_SHEET):
        read_pairs(reader, facts, "facts", "编号", {"回答": "answer", "依据或说明": "evidence", "依据": "evidence"})
    if manual := sheet(MANUAL_SHEET):
        read_pairs(
            reader, manual, "manual_scores", "指标编号", {"得分": "score", "评分理由": "reason", "理由": "reason"}
        )
    merge_staff(reader)
    return SourceTree(reader.tree, reader.locate, shown, base_dir, tuple(reader.problems), "workbook")
