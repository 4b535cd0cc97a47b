"""The guarded entrance's checks of a report under review that read inside the file (guard.check_document calls
them): a Word file's characters, counted while streaming its body; a workbook's sheets, from their bytes before
openpyxl loads them (`check_sheets`: a filled cell beyond the table limits, more filled cells than allowed); and
a PDF, what it says about itself, read from its objects before pdftotext, pdfplumber or the OCR renderer parse a
page:

- An opening password (a user password; pdfminer cannot open the file without it): refused, saying so. A PDF
  encrypted with an owner password only (printing or copying restricted) opens without one and is read.
- Pages counted by walking the page tree (cycles bounded; deeper than 64 levels refused), not from its /Count,
  which may lie.
- Each page's content streams, the forms it draws and its fonts' data, unpacked (Flate) only as far as
  `part_bytes`, and never kept: a stream that unpacks further is a bomb (a real page's drawing is a few hundred
  KB). All pages' drawing together held to `page_content_bytes` (each page's use counted: the readers parse it
  page by page), the fonts' data to eight times `part_bytes`.
- Each page, and each image it draws (as its resources declare: /Width × /Height, or for JBIG2 the page its data
  declares), held to `image_pixels` rendered at the OCR's 150 dpi — a picture of 40,000 × 40,000 pixels would
  take 1.6 GB to decode.

Before pdfminer opens the file, its bytes are scanned (`_prescan`, a few regular expressions over the mapped
file, ~0.1 s for 50 MB), for what pdfminer would spend minutes or gigabytes on while opening it:

- The object streams and cross-reference streams it unpacks whole on first use, held to `object_stream_bytes`
  (pdfminer parses ~0.6 MB a second of them; a writer's are tens of KB) and `part_bytes`, all of them together
  to `unzipped_bytes`.
- Objects that are only a reference to another, in a loop (6 → 7 → 6): pdfminer follows references until it meets
  a value, and never stops.
- The page count from the trailer (the cross-reference table or stream read at the entries it needs: the catalog
  and the root of the page tree), and, where the table is broken — pdfminer then reads every line of the file to
  rebuild it, 30 s for 100,000 pages — from the page objects the file holds.

Each refusal names the file (and page, sheet or part), the limit and its setting. A file damaged beyond
pdfminer's reading is left to the reader that follows, which says so in its own words.
"""

from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["check_docx_chars", "check_pdf", "check_sheets", "refusal", "unpack_errors", "unpack_why"]

_DEPTH = 64  # levels of a page tree (a real one has two or three)
_OCR_SCALE = 150 / 72  # the scan renderer's pixels per point (formats/ocr.py OCR_DPI)
_REF = re.compile(rb"\d+\s+\d+\s+R\b")  # an indirect reference: "12 0 R"
MB = 1024 * 1024


def refusal(code: str, message: str, location: Location) -> JixiaoError:
    return JixiaoError([Problem(code, message, location)])


def _setting(name: str) -> str:
    return f"（上限可用环境变量 JIXIAO_LIMIT_{name.upper()} 调整）"


def _damaged(part: str, exc: Exception, where: Location) -> JixiaoError:
    """A part whose data does not unpack to what the zip's directory says (a size that lies, a CRC that fails)."""
    return refusal(
        "file.bad_zip",
        f"部件 {part} 的数据与文件目录记录的大小或校验值不符（{exc}），文件已损坏或被篡改（疑似压缩炸弹）。"
        "请用 Word/WPS/Excel 打开后另存再试。",
        where,
    )


def unpack_errors() -> tuple[type[Exception], ...]:
    """What opening a damaged zip or unpacking one of its members raises: zipfile's own (a bad CRC, a cut file;
    NotImplementedError for a flipped "version needed" byte: "zip file version 14.8"), the
    decompressor's (zlib.error: a flipped bit inside a deflated part said "Error -3 while decompressing data" as an
    内部错误), a local header whose name is not the directory's (UnicodeDecodeError, a ValueError), an encrypted
    or unknown method. Every reader of a zip member catches these and names the member."""
    import lzma  # per use, as zipfile: a .txt review or a YAML file needs neither
    import zipfile

    return (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError)  # fmt: skip


def unpack_why(exc: Exception) -> str:
    """Why a member could not be unpacked, as a message says it (zlib's exception class is called "error")."""

    if isinstance(exc, zlib.error):
        return "压缩数据已损坏"
    if isinstance(exc, UnicodeDecodeError):
        return "条目的文件头与目录不符"
    return type(exc).__name__


def _unpack_failed(part: str, exc: Exception, where: Location) -> JixiaoError:
    """A part whose data cannot be unpacked at all (a bit flipped inside its deflated data)."""
    return refusal(
        "file.bad_zip",
        f"部件 {part} 无法解压（{unpack_why(exc)}），文件已损坏。请用 Word/WPS/Excel 打开后另存再试。",
        where,
    )


class _XmlRefused(Exception):
    """Raised from expat's handlers to stop a parse at a limit (guard._check_xml_part, check_docx_chars)."""


def _stated(path: Path, document: Any) -> tuple[int | None, int]:
    """The page count the root of the page tree states, and how many references it holds (its kids), read from
    its bytes where it is a plain object: pdfminer's parse of a Kids array of 100,000 pages takes seconds. (None,
    0) where it lies in an object stream; pdfminer's reading then (a compressed tree holds its kids compressed)."""
    from pdfminer.pdftypes import PDFObjRef, resolve1  # pdfminer: loaded only when a PDF is checked

    ref = document.catalog.get("Pages")
    for xref in document.xrefs if isinstance(ref, PDFObjRef) else ():
        try:
            stream, offset, _ = xref.get_pos(ref.objid)
        except KeyError:
            continue
        if stream is not None:
            break
        with path.open("rb") as handle:
            handle.seek(offset)
            raw = handle.read(64 * 1024 * 1024).split(b"endobj", 1)[0]  # a file is at most file_bytes
        count = re.search(rb"/Count\s+(\d+)", raw)
        return (int(count.group(1)) if count else None), len(_REF.findall(raw))
    pages = resolve1(ref)
    count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
    return (count if isinstance(count, int) else None), 0


def _quiet_pdfminer() -> None:
    """pdfminer warns of a damaged PDF through logging, which with no handler set prints to standard error, in
    English, beside the Chinese answer ("Invalid MediaBox in /Page, defaulting to US Letter"): the refusal or
    the review says what the user needs; its errors are still shown."""
    import logging  # per use: only a PDF needs it

    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def check_pdf(path: Path, limits: Any) -> None:
    """Raises JixiaoError (file.encrypted, file.too_many_pages, file.pdf_bomb, file.page_too_large) for a PDF
    that must not be parsed further; returns quietly for a sound or a merely damaged one."""
    # pdfminer: loaded only when a PDF is checked
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    where = Location(str(path))
    _quiet_pdfminer()
    _prescan(path, limits)

    class Guarded(PDFDocument):
        """pdfminer's document, each object stream's unpacked size checked before it is unpacked whole: in an
        encrypted PDF the prescan cannot unpack them (their bytes are sealed), and pdfminer unpacks the one holding
        the catalog while it opens the file."""

        def _get_objects(self, stream):  # type: ignore[no-untyped-def]
            _check_object_stream(stream, limits, where)
            return super()._get_objects(stream)

    with path.open("rb") as handle:
        try:
            document = Guarded(PDFParser(handle))
            if document.encryption is not None:  # every object stream, not only those the pages reach
                _check_object_streams(document, limits, where)
        except JixiaoError:
            raise
        except PDFPasswordIncorrect:
            raise refusal(
                "file.encrypted",
                "PDF 设置了打开密码，无法读取。请去掉打开密码后另存（或打印为新的 PDF）再提交审核。",
                where,
            ) from None
        except PDFEncryptionError as exc:
            raise refusal(
                "file.encrypted", f"PDF 使用了不支持的加密方式（{exc}），无法读取。请去掉密码后另存再提交审核。", where
            ) from None
        except Exception:  # damaged: the reader that follows says so
            return
        try:
            count, kids = _stated(path, document)
        except JixiaoError:
            raise
        except Exception:  # an odd page tree: walked below, or left to the readers
            count, kids = None, 0
        if count is not None and count > limits.pages:
            raise refusal(
                "file.too_many_pages", f"PDF 共 {count} 页，上限为 {limits.pages} 页。{_setting('pages')}", where
            )
        if kids > limits.pages + 8:  # each kid holds a page or more (a few references may be other entries)
            raise refusal("file.too_many_pages", f"PDF 超过 {limits.pages} 页，超出上限。{_setting('pages')}", where)
        try:
            pages = _pages(document, limits.pages + 1)
        except _TooDeep:
            raise refusal(
                "file.pdf_too_deep",
                f"PDF 的页面树嵌套超过 {_DEPTH} 层（正常文件只有两三层），读取程序无法处理。文件已损坏，"
                "请用 PDF 阅读器打开后另存（或打印为新的 PDF）再提交审核。",
                where,
            ) from None
        except JixiaoError:
            raise
        except Exception:  # an odd page tree: the readers walk it their own way
            return
        if len(pages) > limits.pages:
            raise refusal("file.too_many_pages", f"PDF 超过 {limits.pages} 页，超出上限。{_setting('pages')}", where)
        seen: set[int] = set()  # forms, images and fonts shared by pages: checked once
        budget = _Budget(limits)
        for number, attrs in enumerate(pages, 1):
            try:
                _check_page(number, attrs, limits, path, seen, budget)
            except JixiaoError:
                raise
            except MemoryError:
                raise
            except Exception as exc:  # an object of the page pdfminer cannot parse (a /Length of -5 said
                # "read length must be non-negative" as an 内部错误): what it holds cannot be bounded, so refused
                raise refusal(
                    "file.pdf_damaged",
                    f"PDF 第{number}页的对象已损坏，无法读取（{type(exc).__name__}）。"
                    "请用 PDF 阅读器打开后另存（或打印为新的 PDF）再提交审核。",
                    Location(str(path), place=f"第{number}页"),
                ) from None


def _check_object_stream(stream: Any, limits: Any, where: Location) -> None:
    """An object stream (as pdfminer holds it: sealed when the file is encrypted) held to `object_stream_bytes`
    unpacked, counted without keeping it."""
    if _unpacked_size(stream, limits.object_stream_bytes) > limits.object_stream_bytes:
        raise refusal(
            "file.pdf_bomb",
            f"PDF 的对象流解压后超过 {limits.object_stream_bytes // MB} MB（疑似压缩炸弹，或对象数量异常），"
            f"已拒绝处理。{_setting('object_stream_bytes')}",
            where,
        )


def _check_object_streams(document: Any, limits: Any, where: Location) -> None:
    """Every object stream the cross-reference sections list, checked as `_check_object_stream` does, and all of
    them together held to `unzipped_bytes`."""
    streams: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            try:
                holder = xref.get_pos(objid)[0]
            except Exception:  # an entry pdfminer cannot place: left to the readers
                continue
            if holder is not None:
                streams.add(holder)
    left = limits.unzipped_bytes
    for number in sorted(streams):
        try:
            stream = document.getobj(number)
        except Exception:  # a damaged entry: the readers say so
            continue
        size = _unpacked_size(stream, limits.object_stream_bytes)
        if size > limits.object_stream_bytes:
            _check_object_stream(stream, limits, where)
        left -= size
        if left < 0:
            raise refusal(
                "file.pdf_bomb",
                f"PDF 的对象流解压后共超过 {limits.unzipped_bytes // MB} MB（疑似压缩炸弹），已拒绝处理。"
                f"{_setting('unzipped_bytes')}",
                where,
            )


# --- the file's bytes, before pdfminer opens it ----------------------------------------------------------------

_PACKED = re.compile(rb"/Type\s*/(ObjStm|XRef)\b")
_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")  # matched at a known offset only
_ALIAS = re.compile(rb"obj\s*(\d+)\s+\d+\s+R\s*endobj")  # an object that is a reference only
_NUMBER = re.compile(rb"(\d+)\s+\d+\s+$")  # an object's number and generation, before "obj"
_PAGE_TYPE = re.compile(rb"/Type\s*/Page\b")  # a page, not /Pages
_STARTXREF = re.compile(rb"startxref\s+(\d+)")


def _prescan(path: Path, limits: Any) -> None:
    """The checks on the file's bytes made before pdfminer opens it (see the module's docstring)."""
    where = Location(str(path))
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        aliases = {}  # a regular expression that began with the number would try at every digit: 10× slower
        for match in _ALIAS.finditer(data):
            number = _NUMBER.search(bytes(data[max(0, match.start() - 32) : match.start()]))
            if number:
                aliases[int(number.group(1))] = int(match.group(1))
        left = limits.unzipped_bytes  # all object and cross-reference streams unpacked: pdfminer's fallback does
        for match in _PACKED.finditer(data):
            left -= _check_packed(data, match, limits, where, aliases, left)
        _check_loops(aliases, where)
        tail = list(_STARTXREF.finditer(data, max(0, len(data) - 4096)))
        start = int(tail[-1].group(1)) if tail else -1
        if 0 <= start < len(data) and (data[start : start + 4] == b"xref" or _OBJ.match(data, start)):
            count, kids = _trailer_pages(data, start, limits)
            if count is not None and count > limits.pages:
                said = f"PDF 共 {count} 页，上限为 {limits.pages} 页。"
                raise refusal("file.too_many_pages", said + _setting("pages"), where)
            if kids > limits.pages + 8:  # as check_pdf: a few references may be other entries
                said = f"PDF 超过 {limits.pages} 页（页面树列出 {kids} 个页面），超出上限。"
                raise refusal("file.too_many_pages", said + _setting("pages"), where)
        else:  # no cross-reference table or stream where it says: readers rebuild it from every line
            pages = _page_objects(data, limits.pages)
            if pages > limits.pages:
                raise refusal(
                    "file.too_many_pages",
                    f"PDF 的交叉引用表已损坏，文件中有超过 {limits.pages} 个页面，超出上限。"
                    f"请用 PDF 阅读器打开后另存（修复）再试，或拆分文件。{_setting('pages')}",
                    where,
                )


def _check_packed(data: Any, match: re.Match, limits: Any, where: Location, aliases: dict[int, int], left: int) -> int:
    """An object stream or a cross-reference stream: what it unpacks to held to its limit, and to `left` bytes
    of all such streams; an object stream's objects that are a reference only added to `aliases`. Returns the
    bytes it unpacks to."""
    head = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
    begin = data.find(b"stream", match.end(), match.end() + 4096)
    if head < 0 or begin < 0:
        return 0
    entries = bytes(data[head:begin])
    if not re.search(rb"/Filter\s*\[?\s*/(FlateDecode|Fl)\b", entries):
        return 0  # another filter (rare here), or none: pdfminer holds the stream as stored
    begin += 6
    begin += 2 if data[begin : begin + 2] == b"\r\n" else 1
    length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", entries)
    end = begin + int(length.group(1)) if length else data.find(b"endstream", begin)
    objstm = match.group(1) == b"ObjStm"
    limit = limits.object_stream_bytes if objstm else limits.part_bytes
    unpacked = _unpack(bytes(data[begin : max(begin, end)]), min(limit, left))
    if unpacked is None and left < limit:
        raise refusal(
            "file.pdf_bomb",
            f"PDF 的对象流和交叉引用流解压后共超过 {limits.unzipped_bytes // MB} MB（疑似压缩炸弹），已拒绝处理。"
            f"{_setting('unzipped_bytes')}",
            where,
        )
    if unpacked is None:
        what = "对象流" if objstm else "交叉引用流"
        setting = "object_stream_bytes" if objstm else "part_bytes"
        raise refusal(
            "file.pdf_bomb",
            f"PDF 的{what}解压后超过 {limit // MB} MB（疑似压缩炸弹，或对象数量异常），已拒绝处理。{_setting(setting)}",
            where,
        )
    first = re.search(rb"/First\s+(\d+)", entries)
    if objstm and first:
        _stream_aliases(unpacked, int(first.group(1)), aliases)
    return len(unpacked)


def _stream_aliases(unpacked: bytes, first: int, aliases: dict[int, int]) -> None:
    """The objects of an unpacked object stream that are only a reference to another, added to `aliases`."""
    numbers = [int(n) for n in unpacked[:first].split() if n.isdigit()]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    for i, (number, offset) in enumerate(pairs):
        end = first + pairs[i + 1][1] if i + 1 < len(pairs) else len(unpacked)
        target = re.fullmatch(rb"\s*(\d+)\s+\d+\s+R\s*", unpacked[first + offset : end])
        if target:
            aliases[number] = int(target.group(1))


def _check_loops(aliases: dict[int, int], where: Location) -> None:
    """Refused when following references from one object comes back to it (6 → 7 → 6)."""
    done: set[int] = set()
    for number in aliases:
        chain: list[int] = []
        while number in aliases and number not in done and number not in chain:
            chain.append(number)
            number = aliases[number]
        if number in chain:
            loop = " → ".join(str(n) for n in [*chain[chain.index(number) :], number])
            raise refusal(
                "file.pdf_loop",
                f"PDF 中的对象互相引用成环（对象 {loop}），读取程序会陷入死循环。文件已损坏，"
                "请用 PDF 阅读器打开后另存（或打印为新的 PDF）再提交审核。",
                where,
            )
        done.update(chain)


def _unpack(raw: bytes, limit: int) -> bytes | None:
    """A Flate stream unpacked, a megabyte at a time, or None as soon as it passes `limit` bytes; a damaged one
    is what it unpacks to before the damage (pdfminer's reading, and its complaint, follow)."""
    unpacker, out, total = zlib.decompressobj(), [], 0
    try:
        while raw:
            out.append(unpacker.decompress(raw, MB))
            total += len(out[-1])
            if total > limit:
                return None
            raw = unpacker.unconsumed_tail
    except zlib.error:
        pass
    return b"".join(out)


def _trailer_pages(data: Any, start: int, limits: Any) -> tuple[int | None, int]:
    """The /Count of the page tree's root and the references of its /Kids, read through the cross-reference
    table or stream at `start` (and the sections before it: /Prev) at the entries of the catalog and the root
    only; (None, 0) where a section or object is not as the standard writes them (pdfminer's reading then)."""
    xref = _Xref(data, limits)
    trailer = xref.load(start)
    root = re.search(rb"/Root\s+(\d+)\s+\d+\s+R", trailer or b"")
    catalog = xref.body(int(root.group(1))) if root else None
    pages = re.search(rb"/Pages\s+(\d+)\s+\d+\s+R", catalog or b"")
    tree = xref.body(int(pages.group(1))) if pages else None
    if tree is None:
        return None, 0
    count = re.search(rb"/Count\s+(\d+)", tree)
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree)
    return (int(count.group(1)) if count else None), len(_REF.findall(kids.group(1))) if kids else 0


class _Xref:
    """The cross-reference sections of a file, newest first — tables (subsections of fixed-width lines) and
    streams (rows of fields, PDF 1.5) — read only where an object is looked up."""

    def __init__(self, data: Any, limits: Any):
        self.data, self.limits = data, limits
        self.tables: list[list[tuple[int, int, int, int]] | tuple[list[tuple[int, int]], list[int], bytes, int]] = []
        self.packed: dict[int, tuple[bytes, list[tuple[int, int]], int]] = {}  # object streams unpacked

    def load(self, start: int) -> bytes | None:
        """The newest trailer's entries (a table's trailer, or a stream's dictionary), the sections loaded."""
        trailer: bytes | None = None
        seen: set[int] = set()
        while 0 <= start < len(self.data) and start not in seen and len(seen) < 64:
            seen.add(start)
            if self.data[start : start + 4] == b"xref":
                section = _xref_section(self.data, start)
                if section is None:
                    return None
                self.tables.append(section[0])
                entries = section[1]
            else:
                loaded = self._stream_section(start)
                if loaded is None:
                    return None
                entries = loaded
            trailer = trailer if trailer is not None else entries
            prev = re.search(rb"/Prev\s+(\d+)", entries)
            start = int(prev.group(1)) if prev else -1
        return trailer

    def _stream_section(self, start: int) -> bytes | None:
        """A cross-reference stream's section appended; its dictionary returned."""
        stream = _stream_at(self.data, start, self.limits.part_bytes)
        if stream is None or not re.search(rb"/Type\s*/XRef\b", stream[0]):
            return None
        entries, rows = stream
        widths = [int(w) for w in re.findall(rb"\d+", (re.search(rb"/W\s*\[([^\]]*)\]", entries) or [b"", b""])[1])]
        size = re.search(rb"/Size\s+(\d+)", entries)
        index = re.search(rb"/Index\s*\[([^\]]*)\]", entries)
        bounds = (
            [int(n) for n in re.findall(rb"\d+", index.group(1))] if index else [0, int(size.group(1)) if size else 0]
        )
        predictor = re.search(rb"/Predictor\s+(\d+)", entries)
        if len(widths) != 3 or (predictor and int(predictor.group(1)) not in (1, 12)):
            return None  # a predictor other than PNG Up (what writers use here): pdfminer's reading
        ranges = list(zip(bounds[::2], bounds[1::2], strict=False))
        self.tables.append((ranges, widths, rows, 1 if predictor and int(predictor.group(1)) == 12 else 0))
        return entries

    def _entry(self, number: int) -> tuple[int, int, int] | None:
        """(type, field 2, field 3) of object `number` in the newest section that lists it: type 1 at an offset,
        type 2 in an object stream at an index."""
        for section in self.tables:
            if isinstance(section, list):
                for first, count, begin, line in section:
                    if first <= number < first + count:
                        at = begin + (number - first) * line
                        entry = re.match(rb"(\d{10}) (\d{5}) ([nf])", self.data[at : at + 20])
                        if entry is None or entry.group(3) == b"f":
                            return None
                        return 1, int(entry.group(1)), int(entry.group(2))
                continue
            ranges, widths, rows, png = section
            row = 0
            for first, count in ranges:
                if first <= number < first + count:
                    return _xref_row(rows, row + number - first, widths, png)
                row += count
        return None

    def body(self, number: int) -> bytes | None:
        """Object `number`'s body as written (a plain object up to endobj, or its part of an object stream)."""
        entry = self._entry(number)
        if entry is None:
            return None
        kind, where, index = entry
        if kind == 1:
            header = _OBJ.match(self.data, where)
            if header is None or int(header.group(1)) != number:
                return None
            end = self.data.find(b"endobj", header.end())
            return bytes(self.data[header.end() : end if end >= 0 else len(self.data)])
        if kind != 2:
            return None
        if where not in self.packed:
            container = self._entry(where)
            stream = _stream_at(self.data, container[1], self.limits.object_stream_bytes) if container else None
            first = re.search(rb"/First\s+(\d+)", stream[0]) if stream else None
            if stream is None or first is None or container is None or container[0] != 1:
                return None
            at = int(first.group(1))
            numbers = [int(n) for n in stream[1][:at].split() if n.isdigit()]
            self.packed[where] = (stream[1], list(zip(numbers[::2], numbers[1::2], strict=False)), at)
        unpacked, pairs, at = self.packed[where]
        if index >= len(pairs) or pairs[index][0] != number:
            return None
        end = at + pairs[index + 1][1] if index + 1 < len(pairs) else len(unpacked)
        return unpacked[at + pairs[index][1] : end]


def _stream_at(data: Any, start: int, limit: int) -> tuple[bytes, bytes] | None:
    """The stream object at `start`: its dictionary's text and its data unpacked (Flate, or none), or None where
    it is not one, or unpacks over `limit`."""
    header = _OBJ.match(data, start)
    begin = data.find(b"stream", header.end(), header.end() + 4096) if header else -1
    if header is None or begin < 0:
        return None
    entries = bytes(data[header.end() : begin])
    begin += 6
    begin += 2 if data[begin : begin + 2] == b"\r\n" else 1
    length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", entries)
    end = begin + int(length.group(1)) if length else data.find(b"endstream", begin)
    raw = bytes(data[begin : max(begin, end)])
    if re.search(rb"/Filter\s*\[?\s*/(FlateDecode|Fl)\b", entries):
        unpacked = _unpack(raw, limit)
        return None if unpacked is None else (entries, unpacked)
    return None if b"/Filter" in entries else (entries, raw)


def _xref_row(rows: bytes, row: int, widths: list[int], png: int) -> tuple[int, int, int] | None:
    """Row `row` of a cross-reference stream's data as its three fields; with the PNG Up predictor (each row a
    filter byte, then the row's bytes added to the row above) the row is the sum of those above it, byte by byte,
    since the last row stored as is (filter 0)."""
    size = sum(widths) + png
    if (row + 1) * size > len(rows):
        return None
    if png:
        filters = rows[0 : (row + 1) * size : size]
        if set(filters) - {0, 2}:
            return None  # another PNG filter: pdfminer's reading
        since = filters.rfind(0) if 0 in filters else 0
        values = bytes(sum(rows[since * size + c : (row + 1) * size : size]) % 256 for c in range(1, size))
    else:
        values = rows[row * size : (row + 1) * size]
    fields, at = [], 0
    for i, width in enumerate(widths):
        fields.append(int.from_bytes(values[at : at + width], "big") if width else 1 if i == 0 else 0)
        at += width
    return fields[0], fields[1], fields[2]


_SUBSECTION = re.compile(rb"\s*(\d+)[ \t]+(\d+)[ \t]*\r?\n")


def _xref_section(data: Any, start: int) -> tuple[list[tuple[int, int, int, int]], bytes] | None:
    """A cross-reference section's subsections (first number, count, where its entries begin, bytes an entry)
    and its trailer's entries."""
    at, subsections = start + 4, []
    while True:
        match = _SUBSECTION.match(data, at)
        if match is None:
            break
        first, count, begin = int(match.group(1)), int(match.group(2)), match.end()
        line = data.find(b"\n", begin, begin + 24) - begin + 1  # 20 as the standard says; 19 from some writers
        if count and line not in (19, 20, 21):
            return None
        subsections.append((first, count, begin, line))
        at = begin + count * line
    trailer = re.compile(rb"\s*trailer\s*<<").match(data, at)
    if trailer is None:
        return None
    return subsections, bytes(data[trailer.end() : trailer.end() + 4096]).split(b"startxref", 1)[0]


def _page_objects(data: Any, limit: int) -> int:
    """How many objects of the file are pages (each number once: a page saved again keeps its number), counted
    up to one more than `limit`."""
    pages: set[int] = set()
    for match in _PAGE_TYPE.finditer(data):
        if len(pages) > limit:
            break
        header = data.rfind(b"obj", max(0, match.start() - 65536), match.start())
        if header < 3 or data[header - 3 : header] == b"end":
            continue  # not inside an object
        number = _NUMBER.search(bytes(data[max(0, header - 32) : header]))
        if number:
            pages.add(int(number.group(1)))
    return len(pages)


class _TooDeep(Exception):
    """A page tree deeper than _DEPTH levels (_pages)."""


def _pages(document: Any, limit: int) -> list[dict]:
    """The page dictionaries in order, each with the attributes it inherits (Resources, MediaBox), at most
    `limit`; a node of the tree met twice (a cycle) is not followed again; a tree deeper than _DEPTH levels
    raises _TooDeep."""
    from pdfminer.pdftypes import resolve1  # pdfminer: loaded only when a PDF is checked

    inherited = ("Resources", "MediaBox")
    root = resolve1(document.catalog.get("Pages"))
    out: list[dict] = []
    seen: set[int] = set()
    stack: list[tuple[Any, dict, int]] = [(root, {}, 0)]
    while stack and len(out) < limit:
        node, above, depth = stack.pop()
        node = resolve1(node)  # resolved when its turn comes: 100,000 kids are not all parsed for 501 pages
        if depth > _DEPTH:
            raise _TooDeep  # pdfminer's walk of the tree (the readers') fails there, saying nothing useful
        if not isinstance(node, dict):
            continue
        attrs = {**above, **{k: node[k] for k in inherited if k in node}}
        kids = resolve1(node.get("Kids"))
        if not isinstance(kids, list):
            out.append({**node, **attrs})  # a page listed twice is read twice: counted twice
        elif id(node) not in seen:  # a node met again: a cycle (pdfminer returns one object per number)
            seen.add(id(node))
            stack += [(kid, attrs, depth + 1) for kid in reversed(kids)]
    return out


class _Budget:
    """What a document's streams unpack to, in total: the pages' drawing (content streams, each page's use counted,
    as the readers parse it page by page; forms once) to `page_content_bytes`, the fonts' data to eight times
    `part_bytes` (a whole CJK font is 10-30 MB: a report embedding five is within it). Each stream is unpacked
    once (sizes kept by object) and never further than what is left."""

    def __init__(self, limits: Any):
        self.content, self.fonts = limits.page_content_bytes, 8 * limits.part_bytes
        self.sizes: dict[int, tuple[object, int]] = {}  # id → (the stream, kept so the id stays its own; size)


def _check_page(number: int, page: dict, limits: Any, path: Path, seen: set[int], budget: _Budget) -> None:
    from pdfminer.pdftypes import resolve1  # pdfminer: loaded only when a PDF is checked

    where = Location(str(path), place=f"第{number}页")
    box = resolve1(page.get("MediaBox"))
    if isinstance(box, list) and len(box) == 4 and all(isinstance(resolve1(v), (int, float)) for v in box):
        x0, y0, x1, y1 = (float(resolve1(v)) for v in box)
        pixels = abs(x1 - x0) * abs(y1 - y0) * _OCR_SCALE**2
        if pixels > limits.image_pixels:
            raise refusal(
                "file.page_too_large",
                f"第{number}页页面尺寸异常（{abs(x1 - x0) / 72 * 2.54:.0f} × {abs(y1 - y0) / 72 * 2.54:.0f} 厘米），"
                f"超出上限。请检查文件。{_setting('image_pixels')}",
                where,
            )
    contents = resolve1(page.get("Contents"))
    for content in contents if isinstance(contents, list) else [contents]:
        _check_stream(resolve1(content), f"第{number}页的内容流", limits, where, budget)
    _check_objects(number, page.get("Resources"), limits, where, seen, 0, budget)


def _check_stream(
    content: Any, what: str, limits: Any, where: Location, budget: _Budget, font: bool = False, times: int = 1
) -> None:
    """A stream held to `times` part_bytes, and counted against the document's budget (its drawing, or with
    `font` its fonts)."""
    from pdfminer.pdftypes import PDFStream  # pdfminer: loaded only when a PDF is checked

    if not isinstance(content, PDFStream):
        return
    cap = times * limits.part_bytes
    known = budget.sizes.get(id(content))
    size = known[1] if known else _unpacked_size(content, min(cap, budget.fonts if font else budget.content))
    budget.sizes[id(content)] = (content, size)
    if size > cap:
        raise refusal(
            "file.pdf_bomb",
            f"{what}解压后超过 {cap // MB} MB（疑似压缩炸弹），已拒绝处理。{_setting('part_bytes')}",
            where,
        )
    if font:
        budget.fonts -= size
    else:
        budget.content -= size
    if budget.content < 0:
        raise refusal(
            "file.pdf_bomb",
            f"PDF 各页的内容（内容流和图形）解压后共超过 {limits.page_content_bytes // MB} MB（到{what}为止），"
            f"疑似压缩炸弹，已拒绝处理。{_setting('page_content_bytes')}",
            where,
        )
    if budget.fonts < 0:
        raise refusal(
            "file.pdf_bomb",
            f"PDF 的字体数据解压后共超过 {8 * limits.part_bytes // MB} MB（到{what}为止），疑似压缩炸弹，已拒绝处理。"
            f"{_setting('part_bytes')}",
            where,
        )


def _check_objects(
    number: int, resources: Any, limits: Any, where: Location, seen: set[int], depth: int, budget: _Budget
) -> None:
    """The images a page's resources declare, and the forms it draws (each a stream of drawing, with resources
    of its own: followed _DEPTH levels down, each once)."""
    from pdfminer.pdftypes import PDFStream, resolve1  # pdfminer: loaded only when a PDF is checked
    from pdfminer.psparser import LIT

    resources = resolve1(resources)
    _check_fonts(number, resources, limits, where, seen, budget)
    objects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    for name, item in (objects or {}).items() if isinstance(objects, dict) else ():
        item = resolve1(item)
        if not isinstance(item, PDFStream) or id(item) in seen or depth > _DEPTH:
            continue
        seen.add(id(item))
        kind = resolve1(item.get("Subtype"))
        if kind is LIT("Form"):
            _check_stream(item, f"第{number}页的图形 {name} ", limits, where, budget)
            _check_objects(number, item.get("Resources"), limits, where, seen, depth + 1, budget)
            continue
        width, height = resolve1(item.get("Width")), resolve1(item.get("Height"))
        if not (kind is LIT("Image") and isinstance(width, int) and isinstance(height, int)):
            continue
        said = f"第{number}页的图片 {name} 为"
        if LIT("JBIG2Decode") in [f for f, _ in item.get_filters()] and item.rawdata is not None:
            # the renderer decodes the page the JBIG2 data declares, whatever the image's /Width and /Height say
            declared = _jbig2_size(item.rawdata)
            if declared[0] * declared[1] > width * height:
                said = f"第{number}页的图片 {name}（标为 {width} × {height} 像素）的 JBIG2 数据声明"
                width, height = declared
        if width * height > limits.image_pixels:
            raise refusal(
                "file.image_too_large",
                f"{said} {width} × {height} 像素，超出上限 {limits.image_pixels:,} 像素"
                f"（解码需约 {width * height // (1024 * 1024):,} MB 内存，疑似图片炸弹）。"
                f"请降低扫描分辨率后重新生成 PDF。{_setting('image_pixels')}",
                where,
            )


def _check_fonts(number: int, resources: Any, limits: Any, where: Location, seen: set[int], budget: _Budget) -> None:
    """The streams pdfminer unpacks whole for a page's fonts: a ToUnicode map (held to part_bytes) and a font's
    program (FontFile, and a CID font's FontFile2: held to twice that, as a whole CJK font may be 20-30 MB)."""
    from pdfminer.pdftypes import resolve1  # pdfminer: loaded only when a PDF is checked

    fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
    for name, font in (fonts or {}).items() if isinstance(fonts, dict) else ():
        font = resolve1(font)
        if not isinstance(font, dict) or id(font) in seen:
            continue
        seen.add(id(font))
        what = f"第{number}页字体 {name} 的数据"
        _check_stream(resolve1(font.get("ToUnicode")), what, limits, where, budget, True)
        descendants = resolve1(font.get("DescendantFonts"))
        for part in [font, *(descendants if isinstance(descendants, list) else [])]:
            part = resolve1(part)
            descriptor = resolve1(part.get("FontDescriptor")) if isinstance(part, dict) else None
            if isinstance(descriptor, dict):
                for key in ("FontFile", "FontFile2"):
                    _check_stream(resolve1(descriptor.get(key)), what, limits, where, budget, True, 2)


def _unpacked_size(content: Any, limit: int) -> int:
    """What a Flate stream unpacks to, counted a megabyte at a time and never held, up to a megabyte past `limit`
    (more than `limit`: over). Other filters, and a stream pdfminer already decoded, count 0: left to the
    readers."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE  # pdfminer: loaded only when a PDF is checked

    filters = content.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or content.rawdata is None:
        return 0
    data = content.rawdata
    unseal = None
    if content.decipher is not None and content.objid is not None:
        unseal = _rc4_stream(content.decipher, content.objid, content.genno or 0)
        if unseal is None:  # AES (in C, fast) or another method: as pdfminer does it
            data = content.decipher(content.objid, content.genno, data, content.attrs)
    unpacker, total, at = zlib.decompressobj(), 0, 0
    try:
        if unseal is None:
            while data and total <= limit:
                total += len(unpacker.decompress(data, 1 << 20))
                data = unpacker.unconsumed_tail
            return total
        while at < len(data) and total <= limit:  # decrypted 64 KB at a time: a bomb is seen in its first blocks
            pending = unseal(data[at : at + (1 << 16)])
            at += 1 << 16
            while pending and total <= limit:
                total += len(unpacker.decompress(pending, 1 << 20))
                pending = unpacker.unconsumed_tail
    except zlib.error:
        return total if total > limit else 0  # damaged: the readers say so
    return total


def _rc4_stream(decipher: Any, objid: int, genno: int) -> Any:
    """For a PDF sealed with RC4 (the standard security handler's revisions 2–3, or 4 with its V2 filter), a function
    decrypting an object's stream piece by piece, in C (pdfminer's RC4 is pure Python: 30 s a megabyte); None for
    any other method, or where the C cipher is missing."""
    import hashlib
    import struct

    from pdfminer.pdfdocument import PDFStandardSecurityHandler  # pdfminer: loaded only when a PDF is checked

    handler = getattr(decipher, "__self__", None)
    if not isinstance(handler, PDFStandardSecurityHandler) or handler.key is None:
        return None
    cfm = getattr(handler, "cfm", None)
    if cfm is None:
        rc4 = type(handler).decrypt is PDFStandardSecurityHandler.decrypt
    else:
        rc4 = cfm.get(getattr(handler, "stmf", None)) == handler.decrypt_rc4
    if not rc4:
        return None
    try:  # cryptography (pdfminer's own dependency): loaded only when a sealed PDF is checked
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
        from cryptography.hazmat.primitives.ciphers import Cipher
    except ImportError:
        return None
    key = handler.key + struct.pack("<L", objid)[:3] + struct.pack("<L", genno)[:2]
    key = hashlib.md5(key).digest()[: min(len(key), 16)]
    return Cipher(ARC4(key), mode=None).decryptor().update


def check_docx_chars(path: Path, where: Location, limits: Any) -> None:
    """The text of word/document.xml counted while streaming it (expat, in chunks), stopped at the limit."""
    import zipfile  # per use, as in check_zip
    from xml.parsers import expat

    parser = expat.ParserCreate()
    chars = 0

    def text(data: str) -> None:
        nonlocal chars
        chars += len(data)
        if chars > limits.document_chars:
            raise _XmlRefused

    parser.CharacterDataHandler = text
    try:
        with zipfile.ZipFile(path) as archive, archive.open("word/document.xml") as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
    except _XmlRefused:
        raise refusal(
            "file.too_long",
            f"正文超过 {limits.document_chars} 字，超出上限。{_setting('document_chars')}",
            where,
        ) from None
    except zipfile.BadZipFile as exc:  # its data is not what its directory entry says (a lying size, a bad CRC)
        raise _damaged("word/document.xml", exc, where) from None
    except expat.ExpatError:
        return  # a damaged part: the reader that follows says so with its own message
    except unpack_errors() as exc:  # zlib.error past the prolog the zip check read was an 内部错误
        raise _unpack_failed("word/document.xml", exc, where) from None


_JBIG2_REGIONS = {4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43}  # region segment types (ITU T.88 7.3)
_JBIG2_TYPES = {0, 16, 48, 49, 50, 51, 52, 53, 62} | _JBIG2_REGIONS  # any other: not read as the standard says


def _jbig2_size(data: bytes) -> tuple[int, int]:
    """The largest page or region (width, height) the segments of embedded JBIG2 data declare (ITU T.88 7.2: a
    header, then the segment's data), (0, 0) where it cannot tell. A page of unknown height (0xFFFFFFFF, striped)
    counts as one stripe."""
    at, largest = 0, (0, 0)
    for _ in range(10_000):
        if at + 6 > len(data):
            break
        number, flags, refers = int.from_bytes(data[at : at + 4], "big"), data[at + 4], data[at + 5]
        at += 5
        count = refers >> 5
        if count == 7:  # the long form: a 29-bit count, then its retention bits
            count = int.from_bytes(data[at : at + 4], "big") & 0x1FFFFFFF
            at += 4 + (count + 8) // 8
        else:
            at += 1
        at += count * (1 if number <= 256 else 2 if number <= 65536 else 4)
        at += 4 if flags & 0x40 else 1
        length = int.from_bytes(data[at : at + 4], "big")
        at += 4
        kind, body = flags & 0x3F, data[at : at + 19]
        if kind not in _JBIG2_TYPES or (length != 0xFFFFFFFF and at + length > len(data)):
            break  # not a segment as the standard writes one: what was read so far stands
        if (kind == 48 and len(body) >= 19) or (kind in _JBIG2_REGIONS and len(body) >= 17):
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            if kind == 48 and height == 0xFFFFFFFF:
                height = int.from_bytes(body[17:19], "big") & 0x7FFF
            largest = max(largest, (width, height), key=lambda size: size[0] * size[1])
        if length == 0xFFFFFFFF:  # an immediate generic region of unknown length: the rest is its data
            break
        at += length
    return largest


# --- a workbook's sheets, before openpyxl loads them -------------------------------------------------------------


def _greater(limit: int, column: bool) -> bytes:
    """A regular expression matching a column's letters (or a row's digits) above `limit`: longer, or as long and
    greater at the first place it differs."""
    if column:
        text, digit, pick = "", "[A-Z]", lambda c: f"[{chr(ord(c) + 1)}-Z]" if c != "Z" else None
        n = limit
        while n:
            n, rest = divmod(n - 1, 26)
            text = chr(65 + rest) + text
    else:
        text, digit, pick = str(limit), "[0-9]", lambda c: f"[{int(c) + 1}-9]" if c != "9" else None
    lead = "[A-Z]" if column else "[1-9]"
    options = [f"{lead}{digit}{{{len(text)},}}"]
    for i, c in enumerate(text):
        if pick(c):
            options.append(f"{text[:i]}{pick(c)}{digit}{{{len(text) - i - 1}}}")
    return "|".join(options).encode()


def check_sheets(path: Path, names: set[str], where: Location, limits: Any) -> None:
    """Each worksheet's filled cells (a value or an inline string: what openpyxl reads as not None) held to the
    table limits from its bytes, read in chunks, before openpyxl builds an object for every cell (~40 µs each:
    a row of 16,384 cells took 0.7 s to load, and the import 0.4 s): a filled cell beyond the last column or row
    allowed, and more filled cells than `table_cells`. A formatted empty cell does not count, as in the reader."""
    import zipfile  # per use, as in check_zip

    far = re.compile(  # the names may carry a prefix (x:c): openpyxl reads them by their namespace
        rb'<(?:\w+:)?c\b[^>]*?\br="((?:'
        + _greater(limits.table_columns, True)
        + rb")[0-9]+|[A-Z]+0*(?:"
        + _greater(limits.table_rows, False)
        + rb'))"(?:[^>]*[^/>])?>\s*(?:<(?:\w+:)?f\b[^>]*/>\s*|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>\s*)?'
        rb"<(?:\w+:)?(?:v|is)\b"
    )
    with zipfile.ZipFile(path) as archive:
        titles = _sheet_titles(archive, names)
        for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            place = Location(str(path), place=titles.get(name, name))
            sheet = f"工作表“{titles[name]}”" if name in titles else f"工作表 {name}"
            tip = "请删去表格以外的内容（或把大表拆成几个文件）后另存再试。"
            filled, carry, positional = 0, b"", False
            try:
                with archive.open(name) as handle:
                    while chunk := handle.read(1 << 20):
                        text = carry + chunk
                        filled += len(_VALUE.findall(text)) - len(_VALUE.findall(carry))
                        positional = positional or _UNREFERENCED.search(text) is not None
                        match = far.search(text)
                        if match:
                            raise _far_refusal(match.group(1).decode(), sheet, tip, limits, place)
                        if filled > limits.table_cells:
                            raise refusal(
                                "file.sheet_too_large",
                                f"{sheet}有内容的单元格超过 {limits.table_cells:,} 个，超出上限。{tip}"
                                f"{_setting('table_cells')}",
                                place,
                            )
                        carry = text[-4096:]
                cell = _positional_far(archive, name, limits) if positional else None
                if cell:
                    raise _far_refusal(cell, sheet, tip, limits, place)
            except zipfile.BadZipFile as exc:  # its data is not what its directory entry says
                raise _damaged(name, exc, place) from None
            except unpack_errors() as exc:  # zlib.error past the prolog the zip check read was an 内部错误
                raise _unpack_failed(name, exc, place) from None


def _far_refusal(cell: str, sheet: str, tip: str, limits: Any, place: Location) -> JixiaoError:
    letters = cell.rstrip("0123456789")
    column = sum(26**i * (ord(c) - 64) for i, c in enumerate(reversed(letters)))
    return refusal(
        "file.sheet_too_large",
        f"{sheet}在 {cell} 单元格（第 {int(cell[len(letters) :])} 行、第 {column} 列）有内容，超出上限"
        f"（{limits.table_rows} 行、{limits.table_columns} 列；疑似表格炸弹，或表格外有零散内容）。{tip}"
        "（上限可用环境变量 JIXIAO_LIMIT_TABLE_ROWS、JIXIAO_LIMIT_TABLE_COLUMNS 调整）",
        place,
    )


_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>")  # a cell's value or inline string
# a cell without its reference (r="B2"): placed by its position in its row, as openpyxl places it
_UNREFERENCED = re.compile(rb"<(?:\w+:)?c(?:/?>|\s(?![^>]*\br=)[^>]*>)")


def _positional_far(archive: Any, name: str, limits: Any) -> str | None:
    """The first filled cell of a worksheet beyond the table limits, each cell placed as openpyxl places it (by
    its reference, or one after the cell before it in its row; a row by its number, or one after the row before),
    read by expat: for a sheet whose cells do not all say where they are (~1 µs an element)."""
    from xml.parsers import expat  # per use, as in check_docx_chars

    parser = expat.ParserCreate()
    row = column = 0
    in_cell = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, in_cell
        tag = tag.rsplit(":", 1)[-1]
        if tag == "row":
            row = int(attrs["r"]) if attrs.get("r", "").isdigit() else row + 1
            column = 0
        elif tag == "c":
            ref = attrs.get("r", "")
            letters = ref.rstrip("0123456789")
            column = (
                sum(26**i * (ord(c) - 64) for i, c in enumerate(reversed(letters.upper()))) if letters else column + 1
            )
            in_cell = True
        elif tag in ("v", "is") and in_cell and (row > limits.table_rows or column > limits.table_columns):
            letters, n = "", column
            while n:
                n, rest = divmod(n - 1, 26)
                letters = chr(65 + rest) + letters
            raise _XmlRefused(f"{letters}{row}")

    def end(tag: str) -> None:
        nonlocal in_cell
        if tag.rsplit(":", 1)[-1] == "c":
            in_cell = False

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
    except _XmlRefused as exc:
        return str(exc)
    except (expat.ExpatError, ValueError):
        return None  # the reader that follows says what is wrong with it
    return None


def _sheet_titles(archive: Any, names: set[str]) -> dict[str, str]:
    """Worksheet part → the sheet's title, from xl/workbook.xml and its relationships ({} where they are odd)."""
    import html  # per use: only a workbook under review needs its titles unescaped

    try:
        book = archive.read("xl/workbook.xml")[: 1 << 20]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20] if "xl/_rels/workbook.xml.rels" in names else b""
    except Exception:  # the reader that follows says what is wrong with the workbook
        return {}
    targets = {}
    for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
        rid, target = re.search(rb'\bId="([^"]+)"', rel.group()), re.search(rb'\bTarget="([^"]+)"', rel.group())
        if rid and target:
            part = target.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = part if part.startswith("xl/") else f"xl/{part}"
    titles = {}
    for sheet in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", book):
        title, rid = re.search(rb'\bname="([^"]*)"', sheet.group()), re.search(rb'\br:id="([^"]+)"', sheet.group())
        if title and rid and rid.group(1) in targets:
            titles[targets[rid.group(1)]] = html.unescape(title.group(1).decode("utf-8", "replace"))
    return titles
