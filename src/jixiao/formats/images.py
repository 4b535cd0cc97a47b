"""Photos and image scans of a report's pages (.jpg, .png, .tif with one page a frame, .bmp), as a bureau gets
them by mail or chat: each page turned as its camera says (EXIF), a photo's sheet cut out of the desk it lies on,
made square (scanprep.sheet_quad, squared), brought to the scale a scanned PDF page is read at (150 dpi), lit
evenly (scanprep.evened: a shadow across it, a darker side), and recognised as one (ocr.read_image: paper to
white, seals faded, skew undone).

The scale: the resolution the file states when it is a scanner's (100–1200 dpi on a page-sized image);
otherwise — a phone's photo states 72 dpi or nothing — the picture (the sheet, when it was cut out of a desk) is
taken for a page whose longer side is an A4 page's (29.7 cm), which a photo of a page nearly is. Sizes are read
from the header before any pixel is decoded: a frame over `pixels` (or more frames than `pages`) is refused
without decoding it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .ocr import OCR_DPI
from .scanprep import evened, sheet_quad, sheet_size, squared

__all__ = ["IMAGE_SUFFIXES", "ImageRefused", "image_pages"]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")
_A4_LONG_INCHES = 297 / 25.4
_SCANNER_DPI = (100, 1200)
_SMALLER = "请降低分辨率（如 300 dpi）后重新扫描或导出。"
_AGAIN = "请重新拍摄或扫描后再审核。"


class ImageRefused(ValueError):
    """A picture that is not read: too large, too many pages, or not a picture Pillow can open (in Chinese)."""


def image_pages(path: Path, pages: int, pixels: int) -> Iterator[Any]:
    """Each page (frame) of the picture as a BGR array at about OCR_DPI, in order."""
    import numpy
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        picture = Image.open(path)  # the header only: sizes and frames before any pixel is decoded
    except Image.DecompressionBombError:  # over twice Pillow's own limit: far over `pixels`
        raise ImageRefused(
            f"图片过大，超过 {pixels:,} 像素的上限。请降低分辨率（如 300 dpi）后重新扫描或导出。"
        ) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageRefused(
            f"图片无法打开（{type(exc).__name__}），文件可能已损坏。请重新拍摄或扫描后再审核。"
        ) from None
    with picture:
        frames = int(getattr(picture, "n_frames", 1) or 1)
        if frames > pages:
            raise ImageRefused(f"图片有 {frames} 页，文字识别一次最多处理 {pages} 页。请拆分后再审核。")
        for frame in range(frames):
            picture.seek(frame)
            width, height = picture.size
            if width * height > pixels:
                raise ImageRefused(
                    f"第{frame + 1}页图片过大（{width} × {height} 像素），超过 {pixels:,} 像素的上限。{_SMALLER}"
                )
            try:
                upright = ImageOps.exif_transpose(picture.convert("RGB"))
            except (OSError, ValueError) as exc:  # truncated or damaged pixel data
                raise ImageRefused(f"第{frame + 1}页图片数据不完整或已损坏（{type(exc).__name__}）。{_AGAIN}") from None
            dpi = _scanner_dpi(picture.info.get("dpi"), *upright.size)
            image = numpy.asarray(upright)[:, :, ::-1]  # RGB → BGR, as pages rendered from a PDF are
            # a photo's sheet cut out of the desk round it and made square (a page so cut is the A4 page whose
            # length it is taken for), the picture first brought to the reading scale (the warp then costs little
            # and the reduction is an average of pixels); then lit evenly
            if (quad := sheet_quad(image)) is not None:
                smaller = _scaled(image, OCR_DPI / (dpi or max(sheet_size(quad)) / _A4_LONG_INCHES))
                image = squared(smaller, quad * (smaller.shape[1] / image.shape[1]))
            else:
                image = _scaled(image, OCR_DPI / (dpi or max(image.shape[:2]) / _A4_LONG_INCHES))
            yield evened(image)


def _scanner_dpi(stated: Any, width: int, height: int) -> float:
    """The picture's dots per inch as a scanner states them; 0 when none is, or not a scanner's (a phone states
    72 dpi or nothing)."""
    try:
        dpi = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    long_inches = max(width, height) / dpi if dpi else 0.0
    if _SCANNER_DPI[0] <= dpi <= _SCANNER_DPI[1] and 5 <= long_inches <= 25:  # a page, A5 to A2
        return dpi
    return 0.0


def _scaled(image: Any, scale: float) -> Any:
    import cv2

    scale = min(max(scale, 0.2), 2.0)  # a thumbnail is not made legible by enlarging it past twice its size
    if abs(scale - 1) < 0.05:
        return image
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
