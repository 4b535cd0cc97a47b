"""OCR's fast path (issue 20): crops squeezed before recognition and a very wide line read as two halves
(formats/crops.py) read as the slower settings they replaced. Speed itself is measured by bench/ocr_pages.py,
never here.

The page is drawn, not printed: 22-px Noto Sans CJK (10.5 pt at 150 dpi, as a scanned report's body text) on a
white A4-wide strip — a long line of a sentence with figures (about 1,700 px at the recogniser's 48-px height:
squeezed to 70% and still over crops.WIDE, so cut in two), a line of eight characters (about 350 px: squeezed by the
fast setting only), a table cell's figure and a short label (left alone)."""

from __future__ import annotations

import pytest

from .review_support import cjk_font

LINES = [
    "本部门2023年度年初预算数为1200.50万元，全年执行数为1186.32万元，预算执行率为98.82%，完成培训326人次。",
    "资金执行率95%",
    "1,037.00",
    "满意度",
]


@pytest.fixture(scope="module")
def page():
    import numpy as np
    from PIL import Image, ImageDraw

    pytest.importorskip("rapidocr_onnxruntime")
    image = Image.new("RGB", (1240, 60 + 70 * len(LINES)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(LINES):
        draw.text((60, 40 + 70 * k), line, fill="black", font=cjk_font(22))
    return np.asarray(image)[:, :, ::-1].copy()  # RGB → BGR, as a rendered page


def _read(page, squeeze, wide, monkeypatch) -> tuple[str, list[float]]:
    """The page's text, and the widths (at the recogniser's height) of the crops recognised."""
    from jixiao.formats import crops, ocr

    widths: list[float] = []
    recognise = crops.read_crops

    def measuring(recogniser, images):
        widths.extend(c.shape[1] * 48 / c.shape[0] for c in images)
        return recognise(recogniser, images)

    with monkeypatch.context() as patch:
        patch.setattr(crops, "SQUEEZE", squeeze)
        patch.setattr(crops, "WIDE", wide)
        patch.setattr(crops, "read_crops", measuring)
        blocks = ocr.read_image(page, 1)
    return "".join(b.text for b in blocks), widths


def test_the_fast_path_reads_as_the_slower_settings(page, monkeypatch):
    """The fast setting reads the page as the setting before it (only lines wider than 480 px squeezed, to 70%,
    none cut) and as no squeezing at all, on fewer pixels, the long line in two pieces; every figure drawn is read
    (the text itself is the engine's: with this font it reads 本部门 as 本部内 at every setting)."""
    import re

    from jixiao.formats import crops

    fast, fast_widths = _read(page, crops.SQUEEZE, crops.WIDE, monkeypatch)
    before, before_widths = _read(page, ((480, 0.7),), 0, monkeypatch)
    whole, whole_widths = _read(page, (), 0, monkeypatch)
    assert fast == before == whole
    figures = re.compile(r"[\d.,]*\d%?")
    assert figures.findall(fast) == figures.findall("".join(LINES)) != []
    assert len(before_widths) == len(whole_widths) == len(LINES)
    assert len(fast_widths) == len(LINES) + 1  # the long line read as two halves
    # widths measured: before 1,628 (the long line at 70%) + 315 + 179 + 129 = 2,251; fast: the long line's halves
    # 824 + 803, the middle line 219 (its 315 at 70%), 179, 129 = 2,154; whole: the long line alone 1,628 / 0.7
    assert sum(fast_widths) < sum(before_widths) - 50 < sum(whole_widths) - 100
