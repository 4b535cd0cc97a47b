"""A report written elsewhere, read into ordered segments: paragraphs and tables, each with its place.

.docx (python-docx, body order kept), text-based .pdf (review/pdfread.py, page by page), .txt (paragraphs split
at blank lines; tab-separated lines are table rows, as text exports of Word tables come out), and .xlsx
(each sheet a table, merged ranges kept in their top-left cell), and .html tables (rowspan/colspan
resolved). A merged cell is written once, in its top-left position, in every format. Lines a page break
split in the middle of a sentence are joined back.
"""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.model.problems import JixiaoError, Location, Problem

from .segments import Segment, SourceDocument, _add_blocks, _Builder, _clean
from .textread import read_html, table_runs

__all__ = ["Segment", "SourceDocument", "read_source"]


def _docx_rows(table, document) -> tuple[list[list[str]], list]:
    """A Word table's rows, a merged cell (across or down) written once in its top-left position; the
    tables nested in its cells, returned apart to be read after it."""
    from docx.table import Table

    rows, nested = [], []
    seen: dict[int, object] = {}  # id → the cell element, kept alive so that its id is not reused
    for row in table.rows:
        cells = [""] * row.grid_cols_before  # a row Word begins at a later column (w:gridBefore)
        for cell in row.cells:
            # merged cells repeat the same cell object, across a row and down a column
            cells.append("" if id(cell._tc) in seen else "\n".join(p.text for p in cell.paragraphs))
            if id(cell._tc) not in seen:
                nested += [Table(t, document) for t in cell._tc.tbl_lst] if hasattr(cell._tc, "tbl_lst") else []
            seen[id(cell._tc)] = cell._tc
        rows.append(cells)
    return rows, nested


def _read_docx(path: Path) -> SourceDocument:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from .docxtext import as_printed
    from .tabledocx import printed

    builder = _Builder(path)
    document = Document(str(path))
    printed(document.element.body)  # content controls unwrapped, tracked changes accepted: the text as printed
    notes = as_printed(document)  # list numbers, text boxes, symbols, breaks, note marks (review/docxtext.py)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            for line in Paragraph(child, document).text.split("\n"):  # a line break starts a line, as in .txt
                builder.paragraph(line)
        elif tag == "tbl":
            for item in _unframed(Table(child, document), document):
                if isinstance(item, str):
                    for line in item.split("\n"):
                        builder.paragraph(line)
                    continue
                pending, first = [item], True
                while pending:
                    rows, nested = _docx_rows(pending.pop(0), document)
                    if not (first and _continue_docx_table(builder, rows)):
                        builder.table(rows)
                    pending[:0], first = nested, False
    for note in notes:  # footnotes and endnotes, apart from the body as a PDF's are (review/pdftext.py)
        builder.note(note)
    return builder.doc


def _unframed(table, document) -> list:
    """A one-cell table drawn round a form (its title lines and its table inside the frame's cell): what the cell
    holds, in order — a line as its text, a table as a Table; any other table as itself."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    tcs = table._tbl.xpath("./w:tr/w:tc")
    if len(tcs) != 1 or not tcs[0].xpath("./w:tbl"):
        return [table]
    out: list = []
    for child in tcs[0].iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document).text)
        elif tag == "tbl":
            out += _unframed(Table(child, document), document)
    return out


def _continue_docx_table(builder: _Builder, rows: list[list[str]]) -> bool:
    """A Word table right after another (nothing written between them) that opens with a header row of that table
    goes on with it: a table cut over two pages and pasted as two, its header repeated (corpus t28's two pages).
    The repeated header rows are dropped; the rows join the table before."""
    last = builder.doc.segments[-1] if builder.doc.segments else None
    cleaned = [tuple(_clean(re.sub(r"\s*\n\s*", "", c or "")) for c in row) for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if last is None or last.kind != "table" or not cleaned or len(cleaned[0]) != len(last.rows[0]):
        return False
    head = cleaned[0]
    figures = any(re.fullmatch(r"[-+]?[\d.,]+%?", c) for c in head)
    if sum(1 for c in head if c) < 3 or figures or head not in last.rows:
        return False
    at, skip = last.rows.index(head), 0
    while skip < len(cleaned) and at + skip < len(last.rows) and cleaned[skip] == last.rows[at + skip]:
        skip += 1
    from dataclasses import replace

    builder.doc.segments[-1] = replace(last, rows=(*last.rows, *cleaned[skip:]))
    return True


def _read_pdf(path: Path) -> SourceDocument:
    from .pdfread import read_pdf  # text from pdftotext, tables from pdfplumber, scanned pages to OCR

    return read_pdf(path, _Builder(path))


def _read_txt(path: Path) -> SourceDocument:
    builder = _Builder(path)
    raw = path.read_bytes()
    try:
        # Notepad's "Unicode" is UTF-16 with its byte-order mark (guard.sniff admits it as text)
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # text saved by Chinese Windows tools is often GBK
        text = raw.decode("gb18030", errors="replace")
    for kind, items in table_runs(text.splitlines()):
        if kind == "table":
            builder.table([row.split("\t") for row in items])
        else:
            builder.paragraph(items[0])
    return builder.doc


def _read_xlsx(path: Path) -> SourceDocument:
    """Each sheet's tables as printed: review/tablexlsx.py (number formats, formulas without results, hidden rows,
    columns and sheets, several tables on a sheet)."""
    from .tablexlsx import read_xlsx

    return read_xlsx(path)


_WORD = (".doc", ".docx", ".wps", ".rtf", ".odt")
_SHEET = (".xls", ".xlsx", ".xlsm", ".et", ".ods")
_OLE_WORD = "WordDocument".encode("utf-16-le")  # a Word 97–2003 (and WPS) compound file's main stream
_OLE_SHEETS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))  # Excel 97–2003 (BIFF8), Excel 5
_AS_SAVED = {  # what each extension should hold
    ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".odt": "odt", ".ods": "ods",
    ".doc": "word97", ".wps": "word97", ".rtf": "rtf", ".xls": "excel97", ".et": "excel97",
}  # fmt: skip
_CONTENT_WORDS = {
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 工作簿（.xlsx）",
    "odt": "OpenDocument 文本（.odt）",
    "ods": "OpenDocument 表格（.ods）",
    "word97": "旧版 Word 文档（.doc）",
    "excel97": "旧版 Excel 工作簿（.xls）",
    "rtf": "RTF 富文本文档",
    "html": "网页（HTML）",
    "mht": "单个文件网页（.mht）",
    "spreadsheetml": "Excel 2003 XML 表格",
    "wordml": "Word 2003 XML 文档",
    "text": "纯文本",
    "pdf": "PDF 文件",
    "ole": "旧版 Office 文件（.doc/.xls）",
}


def _content(path: Path) -> str:
    """What an Office-named file holds, by its bytes (a key of _CONTENT_WORDS, "ole" for a compound file of
    neither Word nor Excel, "zip" for another zip, "other" for what no reader here takes)."""
    from jixiao.files.guard import sniff

    with path.open("rb") as handle:
        head = handle.read(65536)
    kind = sniff(head)
    if kind == "zip":
        import zipfile  # per use: a zip's part names

        with zipfile.ZipFile(path) as archive:  # the guard (check_document) has opened and checked it
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if b"opendocument.text" in mimetype:
            return "odt"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        return "zip"
    if kind == "ole":
        raw = path.read_bytes()  # the directory's stream names may stand anywhere in the file (≤ file_bytes)
        if _OLE_WORD in raw:
            return "word97"
        return "excel97" if any(name in raw for name in _OLE_SHEETS) else "ole"
    if kind == "pdf":
        return "pdf"
    if kind != "text":
        return "other"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = start[:2048].lower()
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if lower.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "spreadsheetml"
    if lower.startswith(b"<?xml") and b"schemas.microsoft.com/office/word/2003/wordml" in head:
        return "wordml"  # Word 2003 XML: LibreOffice reads it
    if lower.startswith((b"mime-version:", b"content-type: multipart", b"content-location:")) or (
        b"\nmime-version:" in lower[:1024] and b"multipart/related" in lower
    ):
        return "mht"
    if lower.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<?xml")) or b"<html" in lower:
        return "html"
    return "text"


def _read_office(path: Path) -> SourceDocument:
    """A Word or Excel file (any of _WORD and _SHEET), read by what it holds, not by its name: government systems
    export web pages, Excel 2003 XML and plain text as ".xls" and ".doc", and a ".docx" may be an old .doc. Old
    formats (.doc/.wps/.rtf, .xls/.et) and OpenDocument go through LibreOffice (formats/office.py) to .docx or .xlsx;
    what needs no conversion never reaches LibreOffice. A file named for what it does not hold gets a note saying
    what it was."""
    suffix = path.suffix.lower()
    content = _content(path)
    sheet = suffix in _SHEET
    if content in ("zip", "other", "pdf"):  # the guard refuses a PDF or a picture so named before this
        raise JixiaoError(
            [
                Problem(
                    "file.type",
                    f"无法读取该文件：扩展名为 {suffix}，内容却不是 Word/Excel 文件（可能是压缩包或其他程序的文件）。"
                    "请检查是否选错了文件；如果是压缩包，请把扩展名改为 .zip。",
                    Location(str(path)),
                )
            ]
        )
    if content == "text" and suffix not in (".xls", ".et"):  # tab-separated text is exported as ".xls"; a Word
        raise JixiaoError(  # name over plain text is a wrong file more often than a report
            [
                Problem(
                    "file.type",
                    f"无法读取该文件：扩展名为 {suffix}，内容却是纯文本，不是 Word/Excel 文件，可能选错了文件或已损坏。"
                    "如果它就是报告的文字，请把扩展名改为 .txt 后再审核。",
                    Location(str(path)),
                )
            ]
        )
    if content == "docx":
        doc = _read_docx(path)
    elif content == "xlsx":
        doc = _read_xlsx(path)
    elif content == "html":
        doc = read_html(path, _Builder(path))
    elif content == "mht":
        doc = _read_mht(path)
    elif content == "spreadsheetml":
        doc = _read_spreadsheetml(path)
    elif content == "text":
        doc = _read_csv(path)
    else:  # word97, excel97, ole (by its name), rtf, odt, ods, wordml: LibreOffice
        target = {
            "word97": "docx",
            "excel97": "xlsx",
            "rtf": "docx",
            "odt": "docx",
            "ods": "xlsx",
            "wordml": "docx",
        }.get(content)
        doc = _read_converted(path, target or ("xlsx" if sheet else "docx"), content != _AS_SAVED.get(suffix))
    expected = _AS_SAVED.get(suffix)
    plain = content == expected or (content in ("rtf", "ole") and suffix in (".doc", ".wps", ".xls", ".et"))
    if not plain:
        doc.notes.append(
            (1, f"该文件扩展名为 {suffix}，内容实为{_CONTENT_WORDS.get(content, content)}，已按其实际内容读取。")
        )
    return doc


def _read_converted(path: Path, fmt: str, misnamed: bool = False) -> SourceDocument:
    """An old or OpenDocument file → .docx/.xlsx (`fmt`) by LibreOffice (formats/office.py), then read as those are;
    a misnamed one is handed to LibreOffice under a name of what it is (a copy in a private folder)."""
    import shutil
    import tempfile
    from dataclasses import replace

    from jixiao.files.guard import check_document

    from ..formats.office import ConversionError, converted

    with tempfile.TemporaryDirectory(prefix="jixiao-named-") as folder:
        source = path
        if misnamed:  # LibreOffice picks its filter by the name first
            source = Path(folder) / f"{path.stem}{'.xls' if fmt == 'xlsx' else '.doc'}"
            shutil.copyfile(path, source)
        try:
            with converted(source, fmt, _timeout(path)) as modern:
                try:  # what LibreOffice wrote passes the same gate: a sheet of 65,536 filled rows, a huge body
                    check_document(modern)
                except JixiaoError as exc:  # said of the file the user gave
                    raise JixiaoError(
                        [replace(p, location=replace(p.location or Location(""), file=str(path))) for p in exc.problems]
                    ) from None
                doc = (_read_xlsx if fmt == "xlsx" else _read_docx)(modern)
        except ConversionError as exc:
            raise _refused("review.convert", exc, path) from None
    doc.path = path  # places name the file the user gave
    return doc


def _timeout(path: Path) -> float:
    """LibreOffice's time for one file, in proportion to its size (formats/office.py conversion_timeout)."""
    from ..formats.office import conversion_timeout

    return conversion_timeout(path.stat().st_size)


def _read_mht(path: Path) -> SourceDocument:
    """A single-file web page (.mht/.mhtml): its HTML part read as an .html page is (formats/webfiles.py)."""
    import tempfile

    from ..formats.webfiles import WebFileRefused, mht_html

    try:
        html = mht_html(path)
    except WebFileRefused as exc:
        raise _refused("file.mht", exc, path) from None
    with tempfile.TemporaryDirectory(prefix="jixiao-mht-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(html, encoding="utf-8")
        doc = read_html(page, _Builder(path))
    doc.path = path
    return doc


def _read_spreadsheetml(path: Path) -> SourceDocument:
    """An Excel 2003 XML workbook: each sheet a table (formats/webfiles.py)."""
    from ..formats.webfiles import WebFileRefused, spreadsheetml_sheets

    try:
        return _tables(path, [rows for _name, rows in spreadsheetml_sheets(path)])
    except WebFileRefused as exc:
        raise _refused("file.spreadsheetml", exc, path) from None


def _read_csv(path: Path) -> SourceDocument:
    """A .csv (or tab-separated text named .xls): one table (formats/webfiles.py)."""
    from ..formats.webfiles import WebFileRefused, delimited_rows

    try:
        return _tables(path, [delimited_rows(path)])
    except WebFileRefused as exc:
        raise _refused("file.csv", exc, path) from None


def _tables(path: Path, tables: list[list[list[str]]]) -> SourceDocument:
    builder = _Builder(path)
    for rows in tables:
        builder.table(rows)
    return builder.doc


def _refused(code: str, why: Exception, path: Path) -> JixiaoError:
    """A file a reader of formats/ refused, its reason in Chinese, named by the file."""
    return JixiaoError([Problem(code, str(why), Location(str(path)))])


def _read_ofd(path: Path) -> SourceDocument:
    from ..formats.ofd import OfdError, read_ofd

    notes: list[tuple[int, str]] = []
    try:
        blocks = read_ofd(path, checked=True, notes=notes)  # read_source's check_document ran check_zip
    except OfdError as exc:
        raise _refused("review.ofd", exc, path) from None
    builder = _Builder(path)
    builder.doc.notes = notes
    for page in sorted({b.page for b in blocks}):  # page by page, as scanned pages: a table may go on overleaf
        _add_blocks(builder, [b for b in blocks if b.page == page])
    return builder.doc


def _read_image(path: Path) -> SourceDocument:
    """A photo or image scan of the report's pages, each page recognised as a scanned PDF page is."""
    from jixiao.files.guard import LIMITS

    from ..formats.images import ImageRefused, image_pages
    from ..formats.ocr import OcrUnavailable, read_image

    builder = _Builder(path)
    try:
        # a photo has more pixels than its page at 150 dpi: four times the page limit, before it is scaled down
        for number, image in enumerate(image_pages(path, LIMITS.ocr_pages, 4 * LIMITS.page_pixels), start=1):
            _add_blocks(builder, read_image(image, number, path=path))
    except ImageRefused as exc:
        raise _refused("review.image", exc, path) from None
    except OcrUnavailable as exc:
        raise _refused("review.ocr_unavailable", exc, path) from None
    if not builder.doc.segments:
        raise JixiaoError(
            [
                Problem(
                    "review.no_text",
                    "图片经文字识别未能读出文字（可能模糊、过暗或为空白）。请重新拍摄（正对页面、光线均匀）或扫描后再审核。",
                    Location(str(path)),
                )
            ]
        )
    builder.doc.notes.append((1, "该文件为图片，已用文字识别（OCR）读取，请核对识别出的文字和数字。"))
    return builder.doc


_READERS = {
    **dict.fromkeys(_WORD + _SHEET, _read_office),  # by content: a misnamed file is read as what it is
    ".ofd": _read_ofd,
    ".pdf": _read_pdf,
    ".txt": _read_txt,
    ".csv": _read_csv,
    ".mht": _read_mht,
    ".mhtml": _read_mht,
    ".html": lambda path: read_html(path, _Builder(path)),
    ".htm": lambda path: read_html(path, _Builder(path)),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"), _read_image),
}


def read_source(path: Path) -> SourceDocument:
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise JixiaoError(
            [
                Problem(
                    "review.file_type",
                    f"不支持审核“{path.suffix}”文件。支持 .docx/.doc/.wps/.rtf、.pdf（含扫描件）、.ofd、.txt、"
                    ".xlsx/.xls/.et、.html，以及页面的照片或扫描图片（.jpg/.png/.tif/.bmp）。",
                    Location(str(path)),
                )
            ]
        )
    if not path.exists():
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(str(path)))])
    from jixiao.files.guard import check_document  # the guarded entrance: content type, size, pages, characters

    check_document(path)
    try:
        return reader(path)
    except JixiaoError:
        raise
    except Exception as exc:  # any library's complaint about a damaged file becomes one clear message
        if isinstance(exc, (KeyboardInterrupt, MemoryError)):
            raise
        import logging  # here only: a damaged file (the library's words kept for whoever looks into it)

        logging.getLogger(__name__).warning("review of %s: %s: %s", path.name, type(exc).__name__, exc)
        raise JixiaoError(  # the user gets what to do with this kind of file
            [Problem("review.unreadable", f"无法读取该文件，文件可能已损坏。{_resave(path)}", Location(str(path)))]
        ) from None


def _resave(path: Path) -> str:
    """What to do with a damaged file of this kind, said to the one who sent it."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "请用 PDF 阅读器打开后另存（或打印为新的 PDF），或请报送单位重新导出后再审核。"
    if suffix == ".ofd":
        return "请用 OFD 阅读器打开后另存，或请报送单位重新导出后再审核。"
    if suffix in (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv"):
        return "请用 Excel/WPS 表格打开后另存为 .xlsx 再审核。"
    if suffix in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"):
        return "请重新扫描或拍照后再审核。"
    return "请用 Word/WPS 打开后另存为 .docx 再审核。"
