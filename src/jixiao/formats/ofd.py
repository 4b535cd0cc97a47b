"""OFD (GB/T 33190, the national fixed-layout format): text and tables of each page.

An OFD is a zip of XML pages whose text objects (TextObject/TextCode with X, Y and DeltaX) are placed by
position. The parsing is ofdkit's (PyPI, no dependencies: it resolves DocBody → Document → Page → Content,
templates, CTM transforms and DeltaX advances into text runs in millimetres, and refuses DTDs and entities in
every XML part); easyofd was not taken because it pulls PyMuPDF (AGPL) and reportlab for rendering we do not
need. The zip is guarded here before ofdkit opens it (total size, compression ratio, entry count), and the runs
are rebuilt into lines and table rows by layout.py, as OCR boxes are.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .layout import Block, Box, blocks_from_boxes

__all__ = ["MAX_RATIO", "MAX_UNZIPPED", "OfdError", "read_ofd"]

MAX_UNZIPPED = 200 * 1024 * 1024  # bytes, all parts together
MAX_RATIO = 100  # uncompressed / compressed, over the whole package
MAX_ENTRIES = 20_000


class OfdError(ValueError):
    """The OFD cannot be read; the message is Chinese and says why and what to do."""


def _guard(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise OfdError("不是有效的 OFD 文件（OFD 应为 zip 压缩包）。文件可能已损坏，请重新导出后再试。") from None
    unzipped = sum(i.file_size for i in infos)
    compressed = max(path.stat().st_size, 1)
    if len(infos) > MAX_ENTRIES or unzipped > MAX_UNZIPPED or unzipped > MAX_RATIO * compressed:
        raise OfdError(
            f"OFD 解压后过大（{len(infos)} 个部件，共 {unzipped // 1024 // 1024} MB，压缩比 {unzipped / compressed:.0f}），"
            f"超过上限（{MAX_UNZIPPED // 1024 // 1024} MB、压缩比 {MAX_RATIO}），疑为异常文件，未读取。"
        )


def read_ofd(path: Path) -> list[Block]:
    """Paragraph lines and tables of every page, in page order."""
    import ofdkit

    path = Path(path)
    _guard(path)
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
    return blocks
