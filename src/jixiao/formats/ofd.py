"""OFD (GB/T 33190, the national fixed-layout format): text and tables of each page.

An OFD is a zip of XML pages whose text objects (TextObject/TextCode with X, Y and DeltaX) are placed by
position. The parsing is ofdkit's (PyPI, no dependencies: it resolves DocBody → Document → Page → Content,
templates, CTM transforms and DeltaX advances into text runs in millimetres, and refuses DTDs and entities in
every XML part); easyofd was not taken because it pulls PyMuPDF (AGPL) and reportlab for rendering we do not
need. The zip goes through jixiao's guard before ofdkit opens it (members, unpacked size, ratio, DOCTYPE and
depth of the XML parts), and the runs are rebuilt into lines and table rows by layout.py, as OCR boxes are.
"""

from __future__ import annotations

from pathlib import Path

from .layout import Block, Box, blocks_from_boxes

__all__ = ["OfdError", "read_ofd"]


class OfdError(ValueError):
    """The OFD cannot be read; the message is Chinese and says why and what to do."""


def read_ofd(path: Path) -> list[Block]:
    """Paragraph lines and tables of every page, in page order."""
    import ofdkit

    from jixiao.files.guard import check_zip

    path = Path(path)
    check_zip(path, str(path))  # the limits of every zip input: members, unpacked size, ratio, XML parts sound
    blocks: list[Block] = []
    try:
        with ofdkit.open(str(path)) as document:
            for number, page in enumerate(document.pages, 1):
                boxes = [
                    Box(run.text, run.x, run.y - run.size, run.x + run.width, run.y)
                    for run in page.runs
                    if run.text.strip()
                ]
                blocks.extend(blocks_from_boxes(boxes, number))
    except ofdkit.OFDError as exc:
        raise OfdError(f"无法读取该 OFD 文件（{exc}）。请用 OFD 阅读器打开后另存或导出为 PDF/Word 再试。") from None
    if not blocks:  # pages of images only: a scan saved as OFD
        raise OfdError(
            "该 OFD 文件中没有可提取的文字（可能是扫描件另存的 OFD）。"
            "请用 OFD 阅读器导出为 PDF 后再审核（扫描件 PDF 会经文字识别读取），或提供 Word 版。"
        )
    return blocks
