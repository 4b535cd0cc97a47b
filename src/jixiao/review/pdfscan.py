"""The pages of a PDF handed to OCR (formats/ocr.py), as pdfread.py finds them: pages without a text layer, and
pages whose text layer is garbled (pdftext.garbled). Bounded before any is recognised:

- how many: LIMITS.ocr_pages, counted from pdftotext's text before the first page is read (each takes ~1.5 s
  of CPU: 2,000 scanned pages would take an hour) — refused above it, never read in part without saying so;
- how large: LIMITS.page_pixels at the OCR's 150 dpi. The recogniser's memory grows with the pixels: an A4 page
  (2.2 million) takes ~0.5 GB with the engine, a page of 96 million took 7.2 GB and 133 s — so a larger page is
  refused, and a picture on a text page is rendered at a resolution that keeps it within the limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

from .pdftext import garbled
from .segments import _add_blocks, _Builder, _scanned_page

__all__ = ["ocr_count", "picture_dpi", "read_garbled", "scanned"]

_SCALE = 150 / 72  # pixels a point at the OCR's 150 dpi (formats/ocr.py OCR_DPI)


def ocr_count(path: Path, texts: list[str] | None, shown: list[int], count: int = 0) -> int:
    """`count` pages to be read by OCR, or (with pdftotext's text of each page, and the bytes of text each shows)
    those of them without text or with a garbled text layer; refused above LIMITS.ocr_pages."""
    from jixiao.files.guard import LIMITS, _setting

    if texts is not None:
        shown = shown + [0] * len(texts)
        count = sum(1 for i, text in enumerate(texts) if not text.strip() or garbled(text, shown[i]) is not None)
    if count > LIMITS.ocr_pages:
        why = f"PDF 中有 {count} 页需要文字识别（扫描页，或文字层无法识别的页），上限为 {LIMITS.ocr_pages} 页"
        tip = "（每页约需 1.5 秒）。请提供文字版 PDF 或 Word 版，或拆分文件后再审核。"
        raise JixiaoError([Problem("file.too_many_scans", why + tip + _setting("ocr_pages"), Location(str(path)))])
    return 0 if texts is not None else count


def scanned(path: Path, number: int, page: Any) -> list:
    """The page recognised (segments._scanned_page), when it is within LIMITS.page_pixels at 150 dpi."""
    from jixiao.files.guard import LIMITS, _setting

    width, height = float(page.width), float(page.height)
    if width * height * _SCALE**2 > LIMITS.page_pixels:
        size = f"{width / 72 * 2.54:.0f} × {height / 72 * 2.54:.0f} 厘米"
        raise JixiaoError(
            [
                Problem(
                    "file.page_too_large",
                    f"第{number}页页面过大（{size}），文字识别最多处理约 A2 大小（按 150 dpi 计 "
                    f"{LIMITS.page_pixels:,} 像素）的页面。请按 A4/A3 重新扫描后再审核。{_setting('page_pixels')}",
                    Location(str(path), place=f"第{number}页"),
                )
            ]
        )
    return _scanned_page(path, number)


def read_garbled(builder: _Builder, path: Path, number: int, page: Any, why: str) -> None:
    """A page whose text layer is garbled, read by OCR with a note saying so; without OCR installed, the note
    says the page was not read (the other pages are still the report's)."""
    try:
        blocks = scanned(path, number, page)
    except JixiaoError as exc:
        if exc.problems[0].code != "review.ocr_unavailable":
            raise
        builder.doc.notes.append((number, f"该页{why}；本机未安装文字识别组件，该页未能读取，请人工核对。"))
        return
    builder.doc.notes.append((number, f"该页{why}，已改用文字识别（OCR）读取，请核对识别出的文字和数字。"))
    _add_blocks(builder, blocks)


def picture_dpi(box: tuple[float, float, float, float], dpi: int) -> int:
    """`dpi`, or less where a picture of this box (points) would render to more than LIMITS.page_pixels."""
    from jixiao.files.guard import LIMITS

    inches = max((box[2] - box[0]) / 72 * (box[3] - box[1]) / 72, 1e-6)
    return int(min(dpi, (LIMITS.page_pixels / inches) ** 0.5))
