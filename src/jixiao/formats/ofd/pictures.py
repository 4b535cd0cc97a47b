"""Pictures of a page read by OCR (formats/ocr.py), as a scanned PDF page is.

Two kinds are read: the picture of a page scanned and saved as OFD (an image covering a share of a page whose
only text is a page number or a header), and, on a page of text, a picture large enough to hold text that none
of the page's text is written over — a table pasted as a screenshot, a scanned attachment under a typed title.
A picture under the page's text (a background, or a scan beneath its own recognised text layer) shows what the
text already says, and is not read again. Stamps are not read: annotations are never walked (document.py),
and a picture on a page of text whose ink is mostly red (an electronic seal's image placed on the page) is
left out before recognition.

Each picture is decoded, turned and mirrored as its CTM shows it on the page (content.py: Picture.axes),
flattened on white where it is transparent, scaled to OCR_DPI of its size on the page and recognised; its
blocks are placed in page millimetres.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..layout import Block
from .content import PageContent, Picture
from .package import Container, OfdError

__all__ = ["Memo", "memo_key", "ocr_limit", "recognised", "scanned", "with_text"]

SCAN_SHARE = 0.2  # a picture covering this share of its page may be the page scanned
# a picture on a page of text may hold text when its shorter side and its area reach these (mm, mm²): a seal is
# about 40 × 40 = 1,600 mm² and a logo less; a table of three 8 mm rows across a page is 170 × 24 = 4,080 mm²
TEXT_PICTURE_SIDE = 15.0
TEXT_PICTURE_AREA = 3000.0
WRITTEN_OVER = 5  # glyphs of the page's text inside a picture from which it is taken to be under that text
MAX_PIXELS = 80_000_000  # above 600 dpi on A3: a decompression bomb, not a scan


def scanned(content: PageContent) -> list[Picture]:
    """The pictures of a page without text that are large enough to be the page (or part of it) scanned."""
    _, _, width, height = content.box
    area = max(width * height, 1.0)
    return sorted(
        (p for p in content.pictures if (p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) >= SCAN_SHARE * area),
        key=lambda p: (p.box[1], p.box[0]),
    )


def with_text(content: PageContent) -> list[Picture]:
    """The pictures on a page of text that may hold text of their own, top to bottom."""
    found = []
    for picture in content.pictures:
        x0, y0, x1, y1 = picture.box
        if min(x1 - x0, y1 - y0) < TEXT_PICTURE_SIDE or (x1 - x0) * (y1 - y0) < TEXT_PICTURE_AREA:
            continue
        over = 0  # glyphs whose middle is inside the picture, 2 mm in from its edges (a caption touching it)
        for g in content.glyphs:
            if x0 + 2 <= (g.x0 + g.x1) / 2 <= x1 - 2 and y0 + 2 <= (g.y0 + g.y1) / 2 <= y1 - 2:
                over += 1
                if over >= WRITTEN_OVER:
                    break
        if over < WRITTEN_OVER:
            found.append(picture)
    return sorted(found, key=lambda p: (p.box[1], p.box[0]))


def ocr_limit() -> int:
    from ..ocr import MAX_OCR_PAGES

    return MAX_OCR_PAGES


Memo = dict[tuple[str, tuple[int, int], tuple[bool, bool, bool] | None], list[Block] | None]


def memo_key(picture: Picture) -> tuple[str, tuple[int, int], tuple[bool, bool, bool] | None]:
    """The image, its size in OCR_DPI pixels as placed, and how it is turned: what its reading depends on."""
    from ..ocr import OCR_DPI

    x0, y0, x1, y1 = picture.box
    size = (max(1, round((x1 - x0) / 25.4 * OCR_DPI)), max(1, round((y1 - y0) / 25.4 * OCR_DPI)))
    return picture.part, size, picture.axes


def recognised(
    container: Container, picture: Picture, number: int, *, seals: bool = False, memo: Memo | None = None
) -> list[Block] | None:
    """The picture read by OCR at OCR_DPI of its size on the page, its blocks placed in page millimetres; None
    when the image cannot be decoded. `seals`: a picture whose ink is mostly red is a seal, not read ([]).
    `memo`: the same image at the same size read before (a letterhead's picture in a template, on every page)
    is not recognised again."""
    x0, y0 = picture.box[:2]
    key = memo_key(picture)
    if memo is not None and key in memo:
        known = memo[key]
        return None if known is None else [_moved(dataclasses.replace(b, page=number), x0, y0) for b in known]
    found = _read(container, picture, number, key[1], seals)
    if memo is not None:
        memo[key] = found
    return None if found is None else [_moved(b, x0, y0) for b in found]


def _read(
    container: Container, picture: Picture, number: int, size: tuple[int, int], seals: bool
) -> list[Block] | None:
    """The picture's blocks in OCR_DPI pixels of its size on the page."""
    import io

    import numpy as np  # heavy (with PIL and the OCR engine): only for a picture read
    from PIL import Image, UnidentifiedImageError

    from ..ocr import OCR_DPI, OcrUnavailable, read_image

    data = container.read(picture.part)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise OfdError(f"图片 {picture.part} 为 {image.width}×{image.height} 像素，超出上限，已拒绝读取。")
            seen = _as_seen(_on_white(image), picture.axes)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if seals and _red(seen):
        return []
    pixels = np.asarray(seen.resize(size, Image.Resampling.LANCZOS))[:, :, ::-1]
    try:
        return read_image(np.ascontiguousarray(pixels), number, OCR_DPI)
    except OcrUnavailable as exc:
        raise OfdError(str(exc).replace("PDF", "OFD")) from None


def _on_white(image: Any) -> Any:
    """RGB, a transparent picture laid on white paper (as a viewer shows it), not on black."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return image.convert("RGB")


def _as_seen(image: Any, axes: tuple[bool, bool, bool] | None) -> Any:
    from PIL import Image

    if axes is None:  # turned by another angle: read as stored (the OCR straightens a page fed askew)
        return image
    swapped, left_right, top_bottom = axes
    if swapped:
        image = image.transpose(Image.Transpose.TRANSPOSE)
    if left_right:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if top_bottom:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return image


def _red(image: Any) -> bool:
    """Whether most of the picture's ink is red (a seal): red where R is high and well above G and B."""
    import numpy as np

    small = image.copy()
    small.thumbnail((200, 200))
    px = np.asarray(small, dtype=np.int16)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    inked = int((px.min(axis=2) < 200).sum())
    red = int(((r > 120) & (r - g > 60) & (r - b > 60)).sum())
    return inked > 0 and red >= 0.5 * inked


def _moved(block: Block, dx: float, dy: float) -> Block:
    """A block read at OCR_DPI placed in page millimetres, its picture's top left at (dx, dy)."""
    from ..ocr import OCR_DPI

    scale = 25.4 / OCR_DPI
    box = block.box
    if box is not None:
        box = (box[0] * scale + dx, box[1] * scale + dy, box[2] * scale + dx, box[3] * scale + dy)
    return dataclasses.replace(block, top=block.top * scale + dy, box=box)
