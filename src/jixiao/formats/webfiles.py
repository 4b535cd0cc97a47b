"""Text formats that government systems export as "Word" and "Excel": a single-file web page (.mht), an Excel 2003
XML workbook (SpreadsheetML), and delimited text (.csv, or tab-separated text named .xls).

- `mht_html(path)`: the page of a .mht/.mhtml (MIME multipart/related, as Word's "单个文件网页" saves it; or a
  bare HTML body with MIME headers): its first text/html part, its transfer encoding (quoted-printable, base64)
  undone and its charset (gb2312 read as GB18030, its superset) decoded. Pictures and styles are left.
- `spreadsheetml_sheets(path)`: each <Worksheet> of an Excel 2003 XML workbook as (name, rows), read streaming by
  expat; a cell placed by its ss:Index, a merged range (ss:MergeAcross/ss:MergeDown) written once in its top-left
  cell, a hidden sheet left. A DOCTYPE or entity declaration, nesting deeper than `xml_depth`, and more rows,
  columns or cells than the table limits are refused by name.
- `delimited_rows(path)`: a .csv (comma, semicolon or tab; UTF-8 with or without its byte-order mark, or
  GB18030 as Chinese Windows' Excel saves it) as rows, held to the table limits.

Each refusal is a `WebFileRefused` whose text is the Chinese message (the reader adds the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["WebFileRefused", "decode_text", "delimited_rows", "mht_html", "spreadsheetml_sheets"]

SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"


class WebFileRefused(Exception):
    """The file is refused; str() is the Chinese message."""


def decode_text(raw: bytes) -> str:
    """UTF-8 (its byte-order mark dropped), UTF-16 with its mark, or else GB18030 (Chinese Windows)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _limits():
    from jixiao.files.guard import LIMITS  # looked up at call time: tests may replace it

    return LIMITS


def _setting(name: str) -> str:
    return f"（上限可用环境变量 JIXIAO_LIMIT_{name.upper()} 调整）"


# --- .mht ------------------------------------------------------------------------------------------------------


def mht_html(path: Path) -> str:
    """The HTML page inside a .mht/.mhtml (see the module's docstring). The parts are found by their boundary in
    the file's bytes and only the page is decoded: a picture of 30 MB beside it is never copied or decoded (the
    email package's parser held ten times the file)."""
    import mmap
    from email.parser import BytesHeaderParser

    with Path(path).open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        top_end = _header_end(data, 0)
        top = BytesHeaderParser().parsebytes(bytes(data[:top_end]))
        boundary = top.get_param("boundary")
        if not isinstance(boundary, str) or not top.get_content_type().startswith("multipart/"):
            if top.get_content_type() == "text/html":  # one part: the page itself under MIME headers
                return _page(top, bytes(data[top_end:]))
            raise WebFileRefused(_NO_PAGE)
        mark = b"--" + boundary.encode("latin-1")
        at = data.find(mark, top_end)
        while at >= 0:
            begin = data.find(b"\n", at) + 1
            if begin <= 0 or data[at + len(mark) : at + len(mark) + 2] == b"--":
                break
            following = data.find(mark, begin)
            stop = following if following >= 0 else len(data)
            head_end = min(_header_end(data, begin), stop)
            headers = BytesHeaderParser().parsebytes(bytes(data[begin:head_end]))
            if headers.get_content_type() == "text/html":
                return _page(headers, bytes(data[head_end:stop]))
            at = following
    raise WebFileRefused(_NO_PAGE)


_NO_PAGE = "该单个文件网页（.mht）中没有网页正文（text/html 部分），无法读取。请用 Word 打开后另存为 .docx 再审核。"


def _header_end(data: Any, start: int) -> int:
    """Where the headers starting at `start` end: after the first blank line (CRLF or LF)."""
    ends = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (i := data.find(sep, start)) >= 0]
    return min(ends) if ends else len(data)


def _page(headers: Any, body: bytes) -> str:
    """A text/html part's body, its transfer encoding undone and its charset decoded."""
    import base64
    import binascii
    import quopri

    encoding = str(headers.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "quoted-printable":
        body = quopri.decodestring(body)
    elif encoding == "base64":
        try:
            body = base64.b64decode(b"".join(body.split()))
        except (binascii.Error, ValueError):
            raise WebFileRefused(
                "单个文件网页（.mht）的网页部分编码已损坏，无法读取。请用 Word 打开后另存为 .docx 再审核。"
            ) from None
    limit = _limits().text_bytes
    if len(body) > limit:
        raise WebFileRefused(
            f"网页部分共 {len(body)} 字节，上限为 {limit} 字节。请用 Word 打开后另存为 .docx 再审核。"
            f"{_setting('text_bytes')}"
        )
    charset = (headers.get_content_charset() or "").lower()
    if charset in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
        return body.decode("gb18030", errors="replace")
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know: by the bytes
            pass
    return decode_text(body)


# --- SpreadsheetML (Excel 2003 XML) -----------------------------------------------------------------------------


def spreadsheetml_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Each worksheet of an Excel 2003 XML workbook as (name, rows) (see the module's docstring)."""
    from xml.parsers import expat

    limits = _limits()
    sheets: list[tuple[str, list[list[str]]]] = []
    state: dict = {"depth": 0, "sheet": None, "rows": None, "row": None, "col": 0, "cell": None, "cells": 0}
    covered: dict[int, set[int]] = {}  # row index -> columns a MergeDown above covers
    parser = expat.ParserCreate(namespace_separator=" ")

    def local(name: str) -> str:
        return name.rsplit(" ", 1)[-1]

    def attr(attrs: dict, key: str) -> str | None:
        return attrs.get(f"{SPREADSHEET_NS} {key}")

    def start(name: str, attrs: dict) -> None:
        state["depth"] += 1
        if state["depth"] > limits.xml_depth:
            raise WebFileRefused(f"XML 嵌套超过 {limits.xml_depth} 层{_setting('xml_depth')}")
        tag = local(name)
        if tag == "Worksheet":
            state["sheet"], state["rows"] = attr(attrs, "Name") or f"Sheet{len(sheets) + 1}", []
            covered.clear()
        elif tag == "Row" and state["rows"] is not None:
            index = attr(attrs, "Index")
            rows = state["rows"]
            at = int(index) if index and index.isdigit() else len(rows) + 1
            if at > limits.table_rows:
                raise WebFileRefused(
                    f"工作表“{state['sheet']}”超过 {limits.table_rows} 行，超出上限。{_setting('table_rows')}"
                )
            while len(rows) < at - 1:
                rows.append([])
            state["row"], state["col"] = [], 0
            rows.append(state["row"])
        elif tag == "Cell" and state["row"] is not None:
            row_no = len(state["rows"])
            index = attr(attrs, "Index")
            col = int(index) if index and index.isdigit() else state["col"] + 1
            while col in covered.get(row_no, ()):  # a cell a merge from above covers is not written
                col += 1
            across, down = _whole(attr(attrs, "MergeAcross")), _whole(attr(attrs, "MergeDown"))
            if col + across > limits.table_columns:
                raise WebFileRefused(
                    f"工作表“{state['sheet']}”超过 {limits.table_columns} 列，超出上限。{_setting('table_columns')}"
                )
            state["cells"] += 1 + down * (across + 1)  # a merged range's cells count: they are held below
            if state["cells"] > limits.table_cells:
                raise WebFileRefused(
                    f"工作表“{state['sheet']}”共超过 {limits.table_cells:,} 个单元格（含合并区域），超出上限。"
                    f"{_setting('table_cells')}"
                )
            for r in range(row_no + 1, row_no + 1 + min(down, limits.table_rows)):
                covered.setdefault(r, set()).update(range(col, col + across + 1))
            state["col"] = col + across
            state["cell"] = (col, [], None)
        elif tag == "Visible":  # WorksheetOptions: SheetHidden or SheetVeryHidden
            state["visible"] = []
        elif tag == "Data" and state["cell"] is not None:
            col, parts, _ = state["cell"]
            state["cell"] = (col, parts, attr(attrs, "Type"))

    def end(name: str) -> None:
        state["depth"] -= 1
        tag = local(name)
        if tag == "Cell" and state["cell"] is not None:
            col, parts, kind = state["cell"]
            row = state["row"]
            while len(row) < col:
                row.append("")
            row[col - 1] = _cell_text("".join(parts), kind)
            state["cell"] = None
        elif tag == "Row":
            state["row"] = None
        elif tag == "Visible" and state.get("visible") is not None:
            state["hidden"] = "".join(state["visible"]).strip().lower().startswith("sheet")  # SheetHidden, …Very…
            state["visible"] = None
        elif tag == "Worksheet" and state["rows"] is not None:
            width = max((len(r) for r in state["rows"]), default=0)
            if not state.get("hidden"):  # a hidden sheet is left, as the .xlsx reader leaves it
                sheets.append((state["sheet"], [r + [""] * (width - len(r)) for r in state["rows"]]))
            state["rows"] = state["sheet"] = None
            state["hidden"] = False

    def text(data: str) -> None:
        if state["cell"] is not None:
            state["cell"][1].append(data)
        elif state.get("visible") is not None:
            state["visible"].append(data)

    def doctype(*_args) -> None:
        raise WebFileRefused("含有 DOCTYPE/实体声明（Excel 表格不需要，疑似 XML 炸弹）")

    _count_rows(path, limits)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WebFileRefused(
            f"Excel 2003 XML 表格不是完整的 XML（第{exc.lineno}行：{expat.errors.messages.get(exc.code, exc)}），"
            "文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再审核。"
        ) from None
    return sheets


def _whole(value: str | None) -> int:
    """A merge's extent: a whole number of 0 or more, 0 when it is not one."""
    return int(value) if value and value.strip().isdigit() else 0


def _count_rows(path: Path, limits: Any) -> None:
    """More <Row> elements in the file than `table_rows` (a row's ss:Index only moves it further down): refused
    from a count of its bytes (0.1 s for 50 MB), before expat parses the first of them (1 s for 20,000 rows)."""
    import mmap
    import re

    with Path(path).open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        rows = sum(1 for _ in re.finditer(rb"<(?:[\w.-]+:)?Row[\s>/]", data))
    if rows > limits.table_rows:
        raise WebFileRefused(f"表格共有 {rows} 行，超过上限 {limits.table_rows} 行。{_setting('table_rows')}")


def _cell_text(value: str, kind: str | None) -> str:
    """A cell's text as Excel shows it: a number written 12.0 or 1.2E3 shown as 12 and 1200."""
    if kind != "Number":
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.12g}"


# --- .csv ------------------------------------------------------------------------------------------------------


def delimited_rows(path: Path, text: str | None = None) -> list[list[str]]:
    """A delimited text table's rows (see the module's docstring)."""
    import csv
    import io

    limits = _limits()
    text = decode_text(Path(path).read_bytes()) if text is None else text
    sample = text[:65536]
    lines = sample.splitlines()[:50]
    delimiter = max(
        (",", "\t", ";"), key=lambda d: (sum(1 for line in lines if d in line), sum(line.count(d) for line in lines))
    )
    if text.count("\n") > 2 * limits.table_rows:  # twice: a cell may hold line breaks; refused before parsing
        raise WebFileRefused(f"表格超过 {limits.table_rows} 行，超出上限。{_setting('table_rows')}")
    rows: list[list[str]] = []
    cells = 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([cell.strip() for cell in row])
        cells += len(row)
        if len(rows) > limits.table_rows:
            raise WebFileRefused(f"表格超过 {limits.table_rows} 行，超出上限。{_setting('table_rows')}")
        if len(row) > limits.table_columns:
            raise WebFileRefused(
                f"第 {len(rows)} 行有 {len(row)} 列，上限为 {limits.table_columns} 列。{_setting('table_columns')}"
            )
        if cells > limits.table_cells:
            raise WebFileRefused(f"表格超过 {limits.table_cells:,} 个单元格，超出上限。{_setting('table_cells')}")
    return rows
