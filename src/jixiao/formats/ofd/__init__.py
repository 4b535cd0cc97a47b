"""OFD (GB/T 33190, the national fixed-layout format): the text and tables of each page, read from its XML.

An OFD is a zip of XML parts: OFD.xml → DocBody → Document.xml → pages, each a Content.xml of layers (and the
layers of its templates: the letterhead) holding TextObjects (TextCode X/Y, DeltaX/DeltaY per glyph, CTM,
Boundary), PathObjects (the rules of tables, AbbreviatedData) and ImageObjects (a scanned page saved as OFD).
The glyphs are joined into runs (tables.py), tables are rebuilt from the rules drawn when a page has them and
from the runs' positions otherwise, and the runs are placed into lines and cells by formats/layout.py, as OCR
boxes are. A page with no text but a picture covering it is recognised as a scanned PDF page is (ocr.py).
Stamps (电子印章) live in Annotations and Signatures, which are not read.

Why our own reader: of the OFD readers on PyPI, ofdkit (0.2, pure Python, used here until December 2026) gives
text runs only — no paths, so no table rules; no images; DeltaY ignored; a TextCode one run however far its
glyphs jump — and easyofd pulls PyMuPDF (AGPL) and reportlab and unpacks the zip into the working directory;
ofdparser (last release 2023) registers a SimSun font file at import and renders through reportlab; pyofd is
an unrelated Russian fiscal-data client. The structure we need is a few hundred lines of standard library on top
of the guard that every zip input passes (files/guard.py: members, unpacked size, ratio, XML sound).

Bounds: the guard's zip limits, then `LIMITS.pages` pages (checked on Document.xml before any page is read),
`LIMITS.part_bytes` a part, `LIMITS.document_chars` characters, nesting and objects per page (content.py), and
`ocr.MAX_OCR_PAGES` scanned pages; a location outside the zip is refused. Every refusal is an `OfdError` in
Chinese naming the part; review/source.py names the file.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from ..layout import Block
from .content import PageContent, Picture, read_page
from .document import pages_of
from .orient import page_blocks
from .package import Container, OfdError

__all__ = ["OfdError", "read_ofd"]

_SCAN_SHARE = 0.2  # a picture covering this share of its page may be the page scanned
_SCANNED_TEXT = 20  # characters of text on a page below which its large pictures are recognised


def read_ofd(path: Path, *, checked: bool = False) -> list[Block]:
    """Paragraph lines and tables of every page, in page order. `checked`: the file has passed the guard's
    check_zip already (review/source.py's check_document does, for every report under review), so its members
    are not walked and its XML parts not parsed a second time."""
    from jixiao.files.guard import LIMITS, check_zip

    path = Path(path)
    if not checked:
        check_zip(path, str(path))  # the limits of every zip input: members, unpacked size, ratio, XML parts sound
    blocks: list[Block] = []
    scans = 0
    undecoded: list[str] = []
    with Container(path, LIMITS.part_bytes) as container:
        used = 0
        for page in pages_of(container, LIMITS.pages):
            try:
                content = read_page(container, page, used, LIMITS.document_chars)
            except OfdError as exc:
                raise OfdError(f"第{page.number}页：{exc}") from None
            used += len(content.glyphs)
            read = page_blocks(content, page.number)
            if sum(len(b.text) + sum(map(len, itertools.chain(*b.rows))) for b in read) >= _SCANNED_TEXT:
                blocks.extend(read)
                continue
            pictures = _scanned(content)  # a page scanned, with at most a page number or a header as text
            if pictures and scans >= _ocr_limit():
                raise OfdError(f"扫描页过多，一次最多识别 {_ocr_limit()} 页。请拆分文件，或提供文字版 OFD / Word 版。")
            for picture in pictures:
                recognised = _recognised(container, picture, page.number)
                if recognised is None:
                    undecoded.append(picture.part)
                read.extend(recognised or [])
            blocks.extend(sorted(read, key=lambda b: b.top))
            scans += bool(pictures)
    if not blocks:
        if undecoded:
            raise OfdError(
                f"该 OFD 的页面是扫描图片，但图片（{undecoded[0]}）的格式无法解码（可能是 JBIG2）。"
                "请用 OFD 阅读器导出为 PDF 后再审核（扫描件 PDF 会经文字识别读取），或提供 Word 版。"
            )
        raise OfdError(
            "该 OFD 文件中没有可提取的文字（可能是空白页，或扫描件另存的 OFD）。"
            "请用 OFD 阅读器导出为 PDF 后再审核（扫描件 PDF 会经文字识别读取），或提供 Word 版。"
        )
    return blocks


def _scanned(content: PageContent) -> list[Picture]:
    """The pictures of a page without text that are large enough to be the page (or part of it) scanned."""
    _, _, width, height = content.box
    area = max(width * height, 1.0)
    return sorted(
        (p for p in content.pictures if (p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) >= _SCAN_SHARE * area),
        key=lambda p: (p.box[1], p.box[0]),
    )


def _ocr_limit() -> int:
    from ..ocr import MAX_OCR_PAGES

    return MAX_OCR_PAGES


def _recognised(container: Container, picture: Picture, number: int) -> list[Block] | None:
    """The picture read by OCR at 150 dpi of its size on the page, its blocks placed in page millimetres; None
    when the image cannot be decoded."""
    import io

    import numpy as np  # heavy (with PIL and the OCR engine): only for a scanned page
    from PIL import Image, UnidentifiedImageError

    from ..ocr import OCR_DPI, OcrUnavailable, read_image

    data = container.read(picture.part)
    x0, y0, x1, y1 = picture.box
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > 80_000_000:  # above 600 dpi on A3: a decompression bomb, not a scan
                raise OfdError(f"图片 {picture.part} 为 {image.width}×{image.height} 像素，超出上限，已拒绝读取。")
            size = (max(1, round((x1 - x0) / 25.4 * OCR_DPI)), max(1, round((y1 - y0) / 25.4 * OCR_DPI)))
            pixels = np.asarray(image.convert("RGB").resize(size, Image.Resampling.LANCZOS))[:, :, ::-1]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    try:
        blocks = read_image(np.ascontiguousarray(pixels), number, OCR_DPI)
    except OcrUnavailable as exc:
        raise OfdError(str(exc).replace("PDF", "OFD")) from None
    scale = 25.4 / OCR_DPI
    return [_moved(b, scale, x0, y0) for b in blocks]


def _moved(block: Block, scale: float, dx: float, dy: float) -> Block:
    box = block.box
    if box is not None:
        box = (box[0] * scale + dx, box[1] * scale + dy, box[2] * scale + dx, box[3] * scale + dy)
    return dataclasses.replace(block, top=block.top * scale + dy, box=box)
