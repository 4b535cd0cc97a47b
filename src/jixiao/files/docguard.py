"""The guarded entrance's checks of a report under review that read inside the file (guard.check_document calls
them): a Word file's characters, counted while streaming its body; and a PDF, what it says about itself, read
from its objects before pdftotext, pdfplumber or the OCR renderer parse a page:

- An opening password (a user password; pdfminer cannot open the file without it): refused, saying so. A PDF
  encrypted with an owner password only (printing or copying restricted) opens without one and is read.
- Pages counted by walking the page tree (cycles and depth bounded), not from its /Count, which may lie.
- Each page's content streams, and the forms it draws, unpacked (Flate) only as far as `part_bytes`, and never
  kept: a stream that unpacks further is a bomb (a real page's drawing is a few hundred KB).
- Each page, and each image it draws (as its resources declare: /Width × /Height), held to `image_pixels`
  rendered at the OCR's 150 dpi — a picture of 40,000 × 40,000 pixels would take 1.6 GB to decode.

Each refusal names the file (and page), the limit and its setting. A file damaged beyond pdfminer's reading is
left to the reader that follows, which says so in its own words.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["check_docx_chars", "check_pdf", "refusal"]

_DEPTH = 64  # levels of a page tree (a real one has two or three)
_OCR_SCALE = 150 / 72  # the scan renderer's pixels per point (formats/ocr.py OCR_DPI)
_REF = re.compile(rb"\d+\s+\d+\s+R\b")  # an indirect reference: "12 0 R"


def refusal(code: str, message: str, location: Location) -> JixiaoError:
    return JixiaoError([Problem(code, message, location)])


def _setting(name: str) -> str:
    return f"（上限可用环境变量 JIXIAO_LIMIT_{name.upper()} 调整）"


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


def check_pdf(path: Path, limits: Any) -> None:
    """Raises JixiaoError (file.encrypted, file.too_many_pages, file.pdf_bomb, file.page_too_large) for a PDF
    that must not be parsed further; returns quietly for a sound or a merely damaged one."""
    # pdfminer: loaded only when a PDF is checked
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    where = Location(str(path))
    with path.open("rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle))
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
        except Exception:  # an odd page tree: the readers walk it their own way
            return
        if len(pages) > limits.pages:
            raise refusal("file.too_many_pages", f"PDF 超过 {limits.pages} 页，超出上限。{_setting('pages')}", where)
        seen: set[int] = set()  # forms, images and fonts shared by pages: checked once
        for number, attrs in enumerate(pages, 1):
            _check_page(number, attrs, limits, path, seen)


def _pages(document: Any, limit: int) -> list[dict]:
    """The page dictionaries in order, each with the attributes it inherits (Resources, MediaBox), at most
    `limit`; a node of the tree met twice (a cycle) or below _DEPTH levels is not followed again."""
    from pdfminer.pdftypes import resolve1  # pdfminer: loaded only when a PDF is checked

    inherited = ("Resources", "MediaBox")
    root = resolve1(document.catalog.get("Pages"))
    out: list[dict] = []
    seen: set[int] = set()
    stack: list[tuple[Any, dict, int]] = [(root, {}, 0)]
    while stack and len(out) < limit:
        node, above, depth = stack.pop()
        node = resolve1(node)  # resolved when its turn comes: 100,000 kids are not all parsed for 501 pages
        if not isinstance(node, dict) or depth > _DEPTH:
            continue
        attrs = {**above, **{k: node[k] for k in inherited if k in node}}
        kids = resolve1(node.get("Kids"))
        if not isinstance(kids, list):
            out.append({**node, **attrs})  # a page listed twice is read twice: counted twice
        elif id(node) not in seen:  # a node met again: a cycle (pdfminer returns one object per number)
            seen.add(id(node))
            stack += [(kid, attrs, depth + 1) for kid in reversed(kids)]
    return out


def _check_page(number: int, page: dict, limits: Any, path: Path, seen: set[int]) -> None:
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
        _check_stream(resolve1(content), f"第{number}页的内容流", limits, where)
    _check_objects(number, page.get("Resources"), limits, where, seen, 0)


def _check_stream(content: Any, what: str, limits: Any, where: Location, times: int = 1) -> None:
    from pdfminer.pdftypes import PDFStream  # pdfminer: loaded only when a PDF is checked

    if isinstance(content, PDFStream) and _unpacks_over(content, times * limits.part_bytes):
        raise refusal(
            "file.pdf_bomb",
            f"{what}解压后超过 {times * limits.part_bytes // (1024 * 1024)} MB（疑似压缩炸弹），已拒绝处理。"
            f"{_setting('part_bytes')}",
            where,
        )


def _check_objects(number: int, resources: Any, limits: Any, where: Location, seen: set[int], depth: int) -> None:
    """The images a page's resources declare, and the forms it draws (each a stream of drawing, with resources
    of its own: followed _DEPTH levels down, each once)."""
    from pdfminer.pdftypes import PDFStream, resolve1  # pdfminer: loaded only when a PDF is checked
    from pdfminer.psparser import LIT

    resources = resolve1(resources)
    _check_fonts(number, resources, limits, where, seen)
    objects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    for name, item in (objects or {}).items() if isinstance(objects, dict) else ():
        item = resolve1(item)
        if not isinstance(item, PDFStream) or id(item) in seen or depth > _DEPTH:
            continue
        seen.add(id(item))
        kind = resolve1(item.get("Subtype"))
        if kind is LIT("Form"):
            _check_stream(item, f"第{number}页的图形 {name} ", limits, where)
            _check_objects(number, item.get("Resources"), limits, where, seen, depth + 1)
            continue
        width, height = resolve1(item.get("Width")), resolve1(item.get("Height"))
        if not (kind is LIT("Image") and isinstance(width, int) and isinstance(height, int)):
            continue
        if width * height > limits.image_pixels:
            raise refusal(
                "file.image_too_large",
                f"第{number}页的图片 {name} 为 {width} × {height} 像素，超出上限 {limits.image_pixels:,} 像素"
                f"（解码需约 {width * height // (1024 * 1024):,} MB 内存，疑似图片炸弹）。"
                f"请降低扫描分辨率后重新生成 PDF。{_setting('image_pixels')}",
                where,
            )


def _check_fonts(number: int, resources: Any, limits: Any, where: Location, seen: set[int]) -> None:
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
        _check_stream(resolve1(font.get("ToUnicode")), what, limits, where)
        descendants = resolve1(font.get("DescendantFonts"))
        for part in [font, *(descendants if isinstance(descendants, list) else [])]:
            part = resolve1(part)
            descriptor = resolve1(part.get("FontDescriptor")) if isinstance(part, dict) else None
            if isinstance(descriptor, dict):
                for key in ("FontFile", "FontFile2"):
                    _check_stream(resolve1(descriptor.get(key)), what, limits, where, 2)


def _unpacks_over(content: Any, limit: int) -> bool:
    """Whether a Flate content stream unpacks to more than `limit` bytes: unpacked a megabyte at a time and
    counted, never held. Other filters, and a stream pdfminer already decoded, are left to the readers."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE  # pdfminer: loaded only when a PDF is checked

    filters = content.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or content.rawdata is None:
        return False
    data = content.rawdata
    if content.decipher is not None and content.objid is not None:
        data = content.decipher(content.objid, content.genno, data, content.attrs)
    unpacker, total = zlib.decompressobj(), 0
    try:
        while data and total <= limit:
            total += len(unpacker.decompress(data, 1 << 20))
            data = unpacker.unconsumed_tail
    except zlib.error:
        return False
    return total > limit


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
    except (expat.ExpatError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return  # a damaged part: the reader that follows says so with its own message
