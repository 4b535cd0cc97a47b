"""Uploaded files: names made safe, the web app's limits, then the guarded entrance (jixiao.files.guard) before any
library parses them; a filled workbook to the stored YAML."""

from __future__ import annotations

import tempfile
from pathlib import Path

from jixiao.files import guard
from jixiao.files.excel_in import OLD_WORKBOOKS, read_workbook_bytes, read_workbook_source, renamed
from jixiao.files.serialize import data_to_yaml
from jixiao.formats.containers import printable  # one cleaning of names for the web and the review's outputs
from jixiao.model.dataset import parse_source
from jixiao.model.problems import JixiaoError, Location, Problem, has_errors

__all__ = [
    "BATCH_REVIEW_SUFFIXES",
    "MAX_UPLOAD",
    "REVIEW_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "check_upload",
    "opinion_name",
    "printable",
    "safe_name",
    "workbook_to_yaml",
]

MAX_UPLOAD = 10 * 1024 * 1024  # bytes of one uploaded file
# a filled workbook as Excel or WPS saves it: .xls/.et converted to .xlsx by LibreOffice first (issue 20)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OLD_WORKBOOKS)
# a report or table written elsewhere, in every format `jixiao review` reads (review/source.py), scans included
_IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")  # photos and image scans of a report's pages
REVIEW_SUFFIXES = (
    ".docx", ".doc", ".wps", ".rtf", ".odt", ".pdf", ".ofd", ".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt",
    ".html", ".htm", ".mht", ".mhtml", *_IMAGES
)  # fmt: skip
# the bureau's batch: a department's documents may come as one archive or one saved e-mail, each document inside
# reviewed (formats/archive.py ARCHIVES)
BATCH_REVIEW_SUFFIXES = (*REVIEW_SUFFIXES, ".zip", ".7z", ".rar", ".eml")
_OLD_OFFICE = (".doc", ".wps", ".xls", ".et")  # Word/Excel 97–2003 and WPS: OLE compound files
# a report under review named as a Word/Excel file is read by what it holds (review/source.py): an "Excel" that
# is a web page, Excel 2003 XML or text, a ".doc" that is a .docx or a .mht, as government systems export them
_READ_BY_CONTENT = (".doc", ".docx", ".wps", ".odt", ".xls", ".xlsx", ".xlsm", ".et", ".ods")


def safe_name(name: str | None, fallback: str) -> str:
    """An uploaded file's name made safe to write in a folder of ours: the last part only (no folders, no "." or
    ".."), no control characters, no leading dot, at most 120 characters (the extension kept)."""
    base = printable((name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if base in ("", ".", "..") or base.startswith("."):
        return fallback
    if len(base) > 120:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:110] + dot + suffix[:9]) if dot and len(suffix) < 10 else base[:120]
    return base


def opinion_name(shown: str) -> str:
    """The 审核意见 file of a reviewed document as a batch job names it: archive.zip/内层/报告.docx →
    archive.zip_内层_报告_审核意见.docx (the end of it, 120 characters), without control or direction characters; one
    table of a file of several (review/tableparts.py), archive.zip/表.xlsx/工作表名 →
    archive.zip_表.xlsx_工作表名_审核意见.docx (only a document's own extension is dropped: each keeps its name)."""
    name = printable(shown).replace("/", "_")[-120:]
    suffix = Path(name).suffix
    return f"{name[: -len(suffix)] if suffix.lower() in REVIEW_SUFFIXES else name}_审核意见.docx"


def check_upload(
    content: bytes, filename: str, suffixes: tuple[str, ...] = (".xlsx", ".xlsm", ".docx")
) -> list[Problem]:
    """Refuse what should not be parsed: a wrong extension, more than the web app's upload limit, then whatever
    the guarded entrance (jixiao.files.guard: content type, zip bombs, damaged XML) refuses. Macros are never run
    (openpyxl does not execute them, and .xlsm content is read as data only)."""
    where = Location(filename)
    if not filename.lower().endswith(suffixes):
        if ".pdf" in suffixes:  # a batch of reports: what a department hands in, not one format to convert to
            hint = "请上传自评报告或自评表本身（Word、WPS、PDF、OFD、Excel、扫描图片，或把它们打包的 .zip）。"
        else:
            tool = "Excel/WPS" if suffixes[0].startswith(".xls") else "Word/WPS"
            hint = f"请用 {tool} 另存为 {suffixes[0]} 后上传。"
        said = f"文件类型不对：应为 {' / '.join(suffixes)} 文件，实际为“{filename}”。{hint}"
        return [Problem("upload.wrong_type", said, where)]
    if len(content) > MAX_UPLOAD:
        return [
            Problem(
                "upload.too_large",
                f"文件过大（{len(content) / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD // 1024 // 1024} MB。"
                "请删除多余的工作表或图片后重新上传。",
                where,
            )
        ]
    suffix = Path(filename).suffix.lower()
    if suffix in (".zip", ".7z", ".rar", ".eml"):  # a department's documents: the directory judged now, each when read
        from jixiao.formats.archive import check_archive  # an archive's reader: per use

        magic = {
            ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
            ".7z": (b"7z\xbc\xaf\x27\x1c",),
            ".rar": (b"Rar!\x1a\x07",),
        }.get(suffix)
        if magic is not None and not content.startswith(magic):
            said = f"文件内容不是 {suffix} 压缩包，与扩展名不符。请检查是否选错了文件。"
            return [Problem("file.type", said, where)]
        try:
            check_archive(content, filename)
        except JixiaoError as exc:
            return list(exc.problems)
        return []
    if suffix in _READ_BY_CONTENT and ".html" in suffixes:  # a review upload: read by content, checked as such
        kind = guard.sniff(content[:65536])
        if kind == "ole" and guard.encrypted_office(content):
            return [Problem("file.encrypted", guard.PASSWORD_MESSAGE, where)]
        if kind not in ("zip", "ole", "text"):
            return [
                Problem(
                    "file.type",
                    f"文件内容不是 Word/Excel/WPS 文件，也不是网页或文本，与扩展名 {suffix} 不符。"
                    "请检查是否选错了文件。",
                    where,
                )
            ]
        if kind == "zip":
            try:
                guard.check_zip(content, filename)
            except JixiaoError as exc:
                return list(exc.problems)
        return []
    if suffix in (".csv", ".mht", ".mhtml"):
        if guard.sniff(content[:65536]) != "text":
            return [Problem("file.type", f"文件内容不是文本，与扩展名 {suffix} 不符。请检查是否选错了文件。", where)]
        return []
    if suffix in _OLD_OFFICE:  # LibreOffice reads it, under its converter's time limit; here only what it is
        kind = guard.sniff(content[:65536])
        if kind != "ole":
            return [
                Problem(
                    "file.type",
                    f"文件内容不是旧版 Office 文件，与扩展名 {suffix} 不符。请检查是否选错了文件。",
                    where,
                )
            ]
        return []
    if suffix in _IMAGES or suffix == ".rtf":  # read by OCR, or converted by LibreOffice, each under its guard
        kind = guard.sniff(content[:65536])
        rtf = content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf")
        if kind != ("text" if suffix == ".rtf" else "image") or (suffix == ".rtf" and not rtf):
            what = "RTF 文档" if suffix == ".rtf" else "图片"
            return [Problem("file.type", f"文件内容不是{what}，与扩展名 {suffix} 不符。请检查是否选错了文件。", where)]
        return []
    if suffix in (".ofd", ".html", ".htm"):  # an OFD is a zip (its own guard when read), HTML text
        expected = "zip" if suffix == ".ofd" else "text"
        if guard.sniff(content[:65536]) != expected:
            return [Problem("file.type", f"文件内容与扩展名 {suffix} 不符。请检查是否选错了文件。", where)]
        if expected == "zip":
            try:
                guard.check_zip(content, filename)
            except JixiaoError as exc:
                return list(exc.problems)
        return []
    problem = guard.check_upload(filename, content)
    return [problem] if problem else []


def workbook_to_yaml(content: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    """A filled workbook (bytes as uploaded) to the stored YAML, or the problems that stop it."""
    problems = check_upload(content, filename, WORKBOOK_SUFFIXES)
    if problems:
        return None, problems
    try:  # read where it is held, in memory; places name the uploaded file
        if Path(filename).suffix.lower() in OLD_WORKBOOKS:
            data, problems = _old_workbook(content, safe_name(filename, "upload.xls"))
        else:
            data, problems = parse_source(read_workbook_bytes(content, safe_name(filename, "upload.xlsx")))
    except JixiaoError as exc:
        return None, list(exc.problems)
    except Exception:
        return None, [
            Problem(
                "upload.corrupt",
                "工作簿内容已损坏，无法读取（内部 XML 有误）。请用 Excel/WPS 打开后另存为 .xlsx 再上传。",
                Location(filename),
            )
        ]
    if has_errors(problems):
        return None, problems
    return data_to_yaml(data), problems


def _old_workbook(content: bytes, name: str):
    """An uploaded .xls/.et: written to a private temporary folder under its own name, converted by LibreOffice and
    read as the command line reads it (`score 填报.xls`); every place names the uploaded file, never the temporary
    one."""
    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            data, problems = parse_source(read_workbook_source(path))
        except JixiaoError as exc:
            raise JixiaoError([renamed(p, str(path), name) for p in exc.problems]) from None
        return data, [renamed(p, str(path), name) for p in problems]
