"""The guarded entrance: every input file is checked here before any library parses it.

A file is judged by its content (magic bytes), not only its name; its size, the unpacked size of a zip
(.xlsx/.docx) and the ratio of each member, the XML parts' well-formedness, DOCTYPE/entities and depth,
the pages of a PDF and the characters of a text are held to named limits. Each refusal is a `Problem` with
a Chinese message naming the file (and part, sheet or line) and the limit, raised as `JixiaoError`, so a
hostile or careless file is a clear error in bounded time and memory, never a hang or a traceback.

Limits are the fields of `Limits`; the defaults are generous for real departments (10,000 projects, a
500-page report) and each can be raised with an environment variable JIXIAO_LIMIT_<NAME> (e.g.
JIXIAO_LIMIT_TABLE_ROWS=50000). Callers look `LIMITS` up at call time, so tests may replace it.

Entry points: `check_input_file` (a data file before reading), `check_zip` (an Office file),
`check_document` (a report under review), `check_upload` (bytes sent to the web app),
`check_output_dir` (an output folder, before the work), `check_magnitude` (a number just read).
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.model.problems import JixiaoError, Location, Problem

from .docguard import (
    _setting,
    _XmlRefused,
    check_docx_chars,
    check_pdf,
    check_sheets,
    refusal,
    unpack_errors,
    unpack_why,
)

if TYPE_CHECKING:
    import zipfile  # for the annotations only: zipfile is imported where a zip is read

__all__ = ["LIMITS", "PASSWORD_MESSAGE", "Limits", "check_document", "check_input_file", "check_magnitude",
           "check_output_dir", "check_upload", "check_zip", "encrypted_office", "refusal", "sniff",
           "unpack_errors", "unpack_why"]  # fmt: skip

MB = 1024 * 1024
_ZIP_WORDS = {  # a zip input's name in a refusal, and how its user makes a sound copy
    False: (".xlsx/.docx", "请用 Excel/WPS/Word 打开后另存再试。"),
    True: ("OFD 文件", "请用数科或福昕 OFD 阅读器打开后另存，或从导出它的系统重新导出后再试。"),
}


@dataclass(frozen=True)
class Limits:
    """Named limits of the guarded entrance (bytes unless said otherwise)."""

    file_bytes: int = 50 * MB  # any input file as stored
    yaml_bytes: int = 20 * MB  # a YAML data file (10,000 projects are about 6 MB)
    text_bytes: int = 20 * MB  # a .txt report under review
    unzipped_bytes: int = 100 * MB  # all members of one .xlsx/.docx unpacked
    part_bytes: int = 30 * MB  # one member unpacked (a sheet, word/document.xml): parsers hold it ~10× in memory
    zip_ratio: int = 100  # unpacked ÷ packed of one member larger than 1 MB
    zip_members: int = 2000  # parts in one Office file, or entries of one .zip of documents (all levels)
    archive_bytes: int = 300 * MB  # a .zip of documents unpacked, its zips inside included
    archive_depth: int = 3  # levels of a .zip of documents: a zip inside a zip inside the one sent
    xml_depth: int = 100  # element nesting in an Office file's XML parts
    yaml_depth: int = 50  # nesting of groups and lists in a YAML file
    value_chars: int = 32_767  # characters of one value (Excel's own limit for a cell)
    table_rows: int = 20_000  # rows of one sheet or items of one list
    table_columns: int = 500  # filled columns of one sheet
    table_cells: int = 500_000  # filled cells of one sheet (10,000 projects fill about 100,000)
    pages: int = 500  # pages of one PDF under review (a 200-page report takes a few seconds)
    object_stream_bytes: int = 8 * MB  # one PDF object stream unpacked: pdfminer parses ~0.6 MB/s of it
    page_content_bytes: int = 100 * MB  # a PDF's pages' drawing unpacked, all pages (readers parse it page by page)
    ocr_pages: int = 100  # pages of one report read by OCR (scans, garbled text layers): ~1.5 s CPU each
    image_pixels: int = 100_000_000  # one image in a PDF, or a page at 150 dpi (A3 at 600 dpi: 70 million)
    page_pixels: int = 9_000_000  # a page (or picture) read by OCR, at 150 dpi: A2 is 8.7 million
    document_chars: int = 1_000_000  # characters of one report under review (about 650 pages)
    max_amount: Decimal = Decimal("1e10")  # 万元: 100万亿元, above any budget
    max_count: int = 10_000_000  # head counts, numbers of items
    max_quantity: Decimal = Decimal("1e12")  # areas, target values, scores (non-zero values ≥ 1e-8)
    max_rate: Decimal = Decimal(100)  # a fraction: 10000%

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] = os.environ) -> Limits:
        """Defaults, each replaced by JIXIAO_LIMIT_<NAME> when that is set to a number."""
        limits = cls()
        changes: dict[str, Any] = {}  # each parsed to its own field's type (Decimal or int) below
        for f in fields(cls):
            text = environ.get(f"JIXIAO_LIMIT_{f.name.upper()}")
            if not text:
                continue
            try:
                default = getattr(limits, f.name)
                changes[f.name] = Decimal(text) if isinstance(default, Decimal) else int(text)
            except (ValueError, ArithmeticError):
                continue  # a bad setting keeps the default rather than stopping every run
        return replace(limits, **changes)


LIMITS = Limits.from_env()


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size // MB} MB"


# --- what a file is, by its first bytes ------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")  # below 32, but for \t \n \v \f \r (9-13): one C scan


def sniff(head: bytes) -> str:
    """'zip' (.xlsx/.docx), 'ole' (.xls/.doc/.et), 'pdf', 'image' (a photo or scan: JPEG, PNG, TIFF, BMP),
    'text', 'binary' or 'empty' from the first bytes."""
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGES) or (head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00"):  # BMP: reserved 0s
        return "image"
    return "text" if _looks_like_text(head) else "binary"


def _looks_like_text(head: bytes) -> bool:
    """No NUL bytes and few control characters once decoded as UTF-8 or GB18030 (Chinese Windows), or as
    UTF-16 when it starts with that byte-order mark (Notepad's "Unicode")."""
    sample = head[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample[: len(sample) // 2 * 2].decode("utf-16", errors="replace")
        controls = len(_CONTROLS.findall(text))
        return controls <= max(4, len(text) // 200) and text.count("\ufffd") <= max(8, len(text) // 100)
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # a character cut by the sample's end
                text = sample[: exc.start].decode(encoding, errors="replace")
                break
    else:
        text = sample.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(8, len(text) // 100):
            return False
    controls = len(_CONTROLS.findall(text))
    return controls <= max(4, len(text) // 200)


_IMAGES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")  # JPEG, PNG, TIFF
_KIND_WORDS = {
    "zip": "Office 文件（.xlsx/.docx）",
    "ole": "旧版 Office 文件（.xls/.doc/.et）",
    "pdf": "PDF 文件",
    "image": "图片（照片或扫描图像）",
    "text": "文本文件",
    "binary": "二进制文件",
    "empty": "空文件",
}


# what Word and Excel save for a file with an opening password: a compound file holding this stream (MS-OFFCRYPTO)
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_PASSWORD = "文件设置了打开密码（加密的 Word/Excel 文件），无法读取。请在 Word/WPS/Excel 中去掉打开密码后另存再试。"


def encrypted_office(data: bytes) -> bool:
    """A compound file that is a Word/Excel file with an opening password (its EncryptedPackage stream)."""
    return _ENCRYPTED in data


PASSWORD_MESSAGE = _PASSWORD

# --- a file on disk ------------------------------------------------------------------------------------


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(65536)


def check_input_file(
    path: Path, expected: tuple[str, ...], limit_name: str = "file_bytes", label: str = "该文件"
) -> str:
    """Exists, is a readable file, within the size limit, and its content is one of `expected` kinds.

    Returns the sniffed kind. Raises JixiaoError (file.missing, file.is_dir, file.unreadable, file.too_large,
    file.type) otherwise; the message names the file and, for size, the limit.
    """
    path = Path(path)
    where = Location(str(path))
    limit = getattr(LIMITS, limit_name)
    try:
        info = path.stat()
        if path.is_dir():
            raise refusal("file.is_dir", "这是一个目录，不是文件。请指定文件，或指定包含 data.yaml 的目录。", where)
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise refusal("file.not_regular", "这不是普通文件（可能是管道或设备）。请指定保存在磁盘上的文件。", where)
        head = _head(path)
    except FileNotFoundError:
        raise refusal("file.missing", "找不到该文件（路径不存在），请检查路径是否正确。", where) from None
    except PermissionError:
        raise refusal(
            "file.unreadable", "没有读取该文件的权限。请检查文件权限（或以有权限的用户运行）。", where
        ) from None
    except OSError as exc:
        raise refusal("file.unreadable", f"无法读取该文件（{exc.strerror or type(exc).__name__}）。", where) from None
    if info.st_size > limit:
        raise refusal(
            "file.too_large", f"文件过大（{_mb(info.st_size)}），上限为 {_mb(limit)}。{_setting(limit_name)}", where
        )
    kind = sniff(head)
    if kind == "ole" and "zip" in expected and _ENCRYPTED in path.read_bytes():
        raise refusal("file.encrypted", _PASSWORD, where)
    if kind not in expected:
        wanted = "或".join(_KIND_WORDS[k] for k in expected)
        hint = "请用 Excel/WPS/Word 另存为 .xlsx/.docx 后重试。" if kind == "ole" else "请检查是否选错了文件。"
        raise refusal("file.type", f"无法打开{label}：文件内容是{_KIND_WORDS[kind]}，不是{wanted}。{hint}", where)
    return kind


# --- zip containers (.xlsx, .docx) ----------------------------------------------------------------------


def _check_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, deep: bool) -> str | None:
    """None when the part is well-formed XML without DOCTYPE or entities within the depth limit, else why.

    Worksheets and word/document.xml (`deep=False`) are large and read streaming by their readers, so only
    their prolog is parsed (up to the root element's start: a DOCTYPE stands before it, after comments of any
    length: 4 KB of comment hid it from the check of the first 4 KB); the other parts are parsed here in full by
    expat, in chunks."""
    from xml.parsers import expat  # per use, as zipfile in check_zip

    parser = expat.ParserCreate()
    depth = 0

    def start(_name, _attrs):
        nonlocal depth
        depth += 1
        if depth > LIMITS.xml_depth:
            raise _XmlRefused(f"XML 嵌套超过 {LIMITS.xml_depth} 层{_setting('xml_depth')}")

    def end(_name):
        nonlocal depth
        depth -= 1

    def doctype(*_args):
        raise _XmlRefused("含有 DOCTYPE/实体声明（Office 和 OFD 文件不需要，疑似 XML 炸弹）")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    if not deep:  # the prolog only: a DOCTYPE stands before the root element, after any comments (of any length)

        def root(_name, _attrs):
            raise _XmlRefused("")

        parser.StartElementHandler = root
    with archive.open(info) as handle:
        try:
            while chunk := handle.read(1 << 16 if not deep else 1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _XmlRefused as exc:
            return str(exc) or None
        except expat.ExpatError as exc:
            return f"不是完整的 XML（第{exc.lineno}行：{expat.errors.messages.get(exc.code, exc)}），文件可能已损坏"
    return None


def _is_sheet(name: str) -> bool:
    return name.startswith(("xl/worksheets/", "word/document")) and name.endswith(".xml")


def check_zip(source: Path | bytes, name: str) -> set[str]:
    """An Office file's zip: readable, not a bomb (members, unpacked size, ratio), XML parts sound.

    Returns the member names. Uses the sizes in the zip's directory: Python's zipfile never unpacks more than
    a member declares (a lying header ends in a CRC error), so they bound what a reader can be made to unpack.
    """
    import zipfile  # per use: a .txt review or a YAML file needs no zip reader (issue 15: start-up)

    where = Location(name)
    kind, resave = _ZIP_WORDS[name.lower().endswith(".ofd")]  # an OFD is saved again from its reader
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except unpack_errors() as exc:
        raise refusal(
            "file.bad_zip", f"文件已损坏，无法作为 {kind} 打开（{type(exc).__name__}）。{resave}", where
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > LIMITS.zip_members:
            raise refusal(
                "file.zip_bomb",
                f"文件包含 {len(infos)} 个部件，上限为 {LIMITS.zip_members}（疑似压缩炸弹）。{_setting('zip_members')}",
                where,
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MB and info.file_size > LIMITS.zip_ratio * max(info.compress_size, 1):
                raise refusal(
                    "file.zip_bomb",
                    f"部件 {info.filename} 压缩比异常（{_mb(info.compress_size)} 解压为 {_mb(info.file_size)}，"
                    f"上限 {LIMITS.zip_ratio} 倍），疑似压缩炸弹，已拒绝处理。{_setting('zip_ratio')}",
                    where,
                )
        largest = max(infos, key=lambda i: i.file_size, default=None)
        if largest is not None and largest.file_size > LIMITS.part_bytes:
            raise refusal(
                "file.too_large",
                f"部件 {largest.filename} 解压后 {_mb(largest.file_size)}，上限为 {_mb(LIMITS.part_bytes)}"
                f"（表格或正文过大）。请拆分文件。{_setting('part_bytes')}",
                where,
            )
        if total > LIMITS.unzipped_bytes:
            raise refusal(
                "file.zip_bomb",
                f"文件解压后共 {_mb(total)}，上限为 {_mb(LIMITS.unzipped_bytes)}（疑似压缩炸弹，或表格过大）。"
                f"{_setting('unzipped_bytes')}",
                where,
            )
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                why = _check_xml_part(archive, info, deep=not _is_sheet(info.filename))
            except unpack_errors() as exc:
                why = f"无法解压（{unpack_why(exc)}），文件可能已损坏或被加密"
            if why:
                place = Location(name, place=info.filename)
                raise refusal("file.bad_xml", f"部件 {info.filename} {why}。{resave}", place)
        return {info.filename for info in infos}


# --- a report under review -----------------------------------------------------------------------------


_OFFICE_KINDS = ("zip", "ole", "text")  # a Word/Excel name: read by what it holds (review/source.py)
_DOCUMENT_KINDS = {
    ".txt": ("text", "empty"),
    ".html": ("text", "empty"),
    ".htm": ("text", "empty"),
    ".csv": ("text", "empty"),
    ".mht": ("text",),  # its pictures inside, in base64: held to file_bytes, its page to text_bytes when read
    ".mhtml": ("text",),
    ".pdf": ("pdf",),
    **dict.fromkeys((".docx", ".xlsx", ".xlsm", ".doc", ".wps", ".rtf", ".xls", ".et", ".odt", ".ods"), _OFFICE_KINDS),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"), ("image",)),
}


_BLANKS = b"\xef\xbb\xbf \t\r\n"  # a byte-order mark and blanks before a file's first mark
_RENAME = {"zip": "如果它是 Word/Excel 文件，请把扩展名改为 .docx 或 .xlsx。", "pdf": "请把扩展名改为 .pdf。",
           "ole": "如果它是旧版 Word/Excel 文件，请把扩展名改为 .doc 或 .xls。"}  # fmt: skip


def check_document(path: Path) -> None:
    """A report under review (.docx, .pdf, .txt, .xlsx, …): by content, size, unpacked size, pages, characters.

    Random bytes named .txt are refused as 不是文本文件; a PDF is held to `pages`; a .txt to `text_bytes` and
    `document_chars`; an Office file to the zip limits. A Word/Excel name may hold any of an Office file, an old
    one, a web page or text (government systems export them so): each is checked as what it is and read
    so (review/source.py); a picture or other binary under such a name is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    expected = _DOCUMENT_KINDS.get(suffix)  # None: a format another reader checks (.ofd, …)
    where = Location(str(path))
    kind = check_input_file(path, tuple(_KIND_WORDS), "text_bytes" if expected == ("text", "empty") else "file_bytes")
    if suffix not in (".doc", ".wps", ".rtf") and _head(path)[:64].lstrip(_BLANKS).startswith(b"{\\rtf"):
        # RTF, which Word saves and opens as a document: read as a .doc (LibreOffice converts it); as a .txt its
        # markup would be read as the report's text, and under any other name its reader fails on it
        raise refusal(
            "file.type",
            f"无法读取该文件：扩展名为 {suffix}，内容却是 RTF 富文本文档（Word/WPS 可打开）。"
            "请用 Word/WPS 打开后另存为 .docx 再审核（或把扩展名改为 .doc）。",
            where,
        )
    if expected == _OFFICE_KINDS and kind not in expected:
        raise refusal(
            "file.type",
            f"无法读取该文件：扩展名为 {suffix}，内容却是{_KIND_WORDS[kind]}，不是 Word/Excel/WPS 文件，"
            f"也不是网页或文本。{_RENAME.get(kind, '')}请检查是否选错了文件。",
            where,
        )
    if expected is not None and kind not in expected:
        if expected[0] == "text":
            raise refusal(
                "file.not_text", f"无法读取该文件：不是文本文件（内容是{_KIND_WORDS[kind]}）。请检查文件。", where
            )
        wanted = "、".join(_KIND_WORDS[k] for k in expected)
        raise refusal(
            "file.type",
            f"无法读取该文件：扩展名为 {suffix}，内容却是{_KIND_WORDS[kind]}，不是{wanted}。{_RENAME.get(kind, '')}"
            "请检查文件。",
            where,
        )
    if kind == "zip":
        names = check_zip(path, str(path))
        if "word/document.xml" in names:
            check_docx_chars(path, where, LIMITS)
        if "xl/workbook.xml" in names:
            check_sheets(path, names, where, LIMITS)  # filled cells beyond the table limits, before openpyxl
    elif kind == "pdf":
        check_pdf(path, LIMITS)  # an opening password, pages (stated and walked), content streams, images, size
    elif kind == "text" and suffix not in (".mht", ".mhtml", ".csv") and not _office_xml(path):
        # a .mht's page is held to text_bytes when read; a .csv and Excel 2003 XML to the table limits, as read
        chars = len(path.read_bytes().decode("utf-8", errors="replace"))
        if chars > LIMITS.document_chars:
            raise refusal(
                "file.too_long",
                f"文本共约 {chars} 字，上限为 {LIMITS.document_chars} 字。{_setting('document_chars')}",
                where,
            )


def _office_xml(path: Path) -> bool:
    """An Excel or Word 2003 XML file (what many systems export as ".xls" or ".doc"): its markup is most of its
    characters; held to the table limits as read, or, through LibreOffice, to the converted file's checks."""
    head = _head(path)[:4096]
    names = (b"urn:schemas-microsoft-com:office:spreadsheet", b"schemas.microsoft.com/office/word/2003/wordml")
    return head.lstrip(_BLANKS).startswith(b"<?xml") and any(name in head for name in names)


# --- bytes sent to the web app -------------------------------------------------------------------------


def check_upload(name: str, data: bytes) -> Problem | None:
    """An uploaded file (name as sent, content): None when it may be parsed, else the Problem saying why.

    .xlsx/.xlsm/.docx must be zip Office files within the zip limits (an .xlsx must hold xl/workbook.xml);
    .yaml/.yml and .txt must be text within their size limits; .pdf must be a PDF within `file_bytes`."""
    where = Location(name)
    suffix = Path(name).suffix.lower()
    limit = {".yaml": LIMITS.yaml_bytes, ".yml": LIMITS.yaml_bytes, ".txt": LIMITS.text_bytes}.get(
        suffix, LIMITS.file_bytes
    )
    if len(data) > limit:
        return Problem("file.too_large", f"文件过大（{_mb(len(data))}），上限为 {_mb(limit)}。", where)
    kind = sniff(data[:65536])
    expected = {".yaml": "text", ".yml": "text", ".txt": "text", ".pdf": "pdf"}.get(suffix, "zip")
    if kind == "ole" and expected == "zip" and _ENCRYPTED in data:
        return Problem("file.encrypted", _PASSWORD, where)
    if kind != expected:
        hint = "请用 Excel/WPS 另存为 .xlsx 后上传。" if kind == "ole" else "请检查是否选错了文件。"
        return Problem("file.type", f"文件内容是{_KIND_WORDS[kind]}，与扩展名 {suffix or '（无）'} 不符。{hint}", where)
    if kind == "zip":
        try:
            names = check_zip(data, name)
        except JixiaoError as exc:
            return exc.problems[0]
        if suffix in (".xlsx", ".xlsm") and "xl/workbook.xml" not in names:
            return Problem("file.type", "文件不是 Excel 工作簿（缺少 xl/workbook.xml）。", where)
    return None


# --- numbers as they are read --------------------------------------------------------------------------


def check_magnitude(value: Decimal, kind: str) -> str | None:
    """None when a number of this field kind is plausible, else the Chinese reason (超出范围 …)."""
    limit = {
        "amount": LIMITS.max_amount,
        "signed_amount": LIMITS.max_amount,
        "count": Decimal(LIMITS.max_count),
        "year": Decimal(9999),
        "rate": LIMITS.max_rate,
    }.get(kind, LIMITS.max_quantity)
    if not value.is_finite():
        return "应为数字（不能是无穷大或非数）"
    if value and value.adjusted() < -8:
        # a non-zero figure below 0.00000001 is a slip; bounding it keeps every ratio of admitted values
        # (at most 1e12 ÷ 1e-8 = 1e20, 1e22 as a percent) within the 28 digits Decimal formatting works with
        return "超出范围：数值过小（小数点后第8位以后才有数字），请核对数量级"
    if abs(value) > limit:
        unit = "万元" if kind in ("amount", "signed_amount") else ""
        shown = f"{limit * 100:f}%" if kind == "rate" else f"{limit:,f}{unit}"
        return f"超出范围：绝对值不应超过 {shown}，请核对数量级（是否多写了零，或把元当成了万元）"
    return None


# --- output folders ------------------------------------------------------------------------------------


def check_output_dir(out: Path) -> None:
    """An output folder must be a folder (or creatable), not under a file, and writable — checked first."""
    out = Path(out)
    where = Location(str(out))
    if out.exists() and not out.is_dir():
        raise refusal("output.not_dir", "输出位置是一个已存在的文件，不是目录。请指定一个目录（--out）。", where)
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise refusal(
            "output.under_file", f"输出目录的上级“{probe}”是一个文件，无法在其下创建目录。请换一个输出目录。", where
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / f".jixiao-probe-{os.getpid()}", "wb"):
            pass
        (out / f".jixiao-probe-{os.getpid()}").unlink()
    except OSError as exc:
        raise refusal(
            "output.not_writable",
            f"无法写入输出目录（{exc.strerror or type(exc).__name__}）。请检查权限，或换一个输出目录。",
            where,
        ) from None
