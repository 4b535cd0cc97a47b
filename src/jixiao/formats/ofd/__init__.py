"""OFD (GB/T 33190, the national fixed-layout format): the text and tables of each page, read from its XML.

An OFD is a zip of XML parts: OFD.xml → DocBody → Document.xml → pages, each a Content.xml of layers (and the
layers of its templates: the letterhead) holding TextObjects (TextCode X/Y, DeltaX/DeltaY per glyph, CTM,
Boundary), PathObjects (the rules of tables, AbbreviatedData) and ImageObjects (a scanned page saved as OFD).
The glyphs are joined into runs (tables.py), each writing direction in its own frame (orient.py), tables are
rebuilt from the rules drawn when a page has them and from the runs' positions otherwise, and the runs are
placed into lines and cells by formats/layout.py, as OCR boxes are. A page with no text but a picture covering
it is recognised as a scanned PDF page is, and so is a picture on a page of text that may hold text of its own
(a pasted table, a scanned attachment): pictures.py. Stamps (电子印章) live in Annotations and Signatures, which
are not read, and a red seal's picture placed on a page is not recognised. What a page shows but is not read
(slanted text, an undecodable picture, pictures beyond the OCR limit) is told as a note by page.

Why our own reader: of the OFD readers on PyPI, ofdkit (0.2, pure Python, used here until December 2026) gives
text runs only — no paths, so no table rules; no images; DeltaY ignored; a TextCode one run however far its
glyphs jump — and easyofd pulls PyMuPDF (AGPL) and reportlab and unpacks the zip into the working directory;
ofdparser (last release 2023) registers a SimSun font file at import and renders through reportlab; pyofd is
an unrelated Russian fiscal-data client. The structure we need is a few hundred lines of standard library on top
of the guard that every zip input passes (files/guard.py: members, unpacked size, ratio, XML sound).

Bounds: the guard's zip limits, then `LIMITS.pages` pages (checked on Document.xml before any page is read),
`LIMITS.part_bytes` a part, `LIMITS.document_chars` characters, nesting and objects per page (content.py), and
`ocr.MAX_OCR_PAGES` scanned pages and pictures; a location outside the zip is refused. Every refusal is an `OfdError` in
Chinese naming the part; review/source.py names the file.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from ..layout import Block
from .content import PageContent, read_page
from .document import pages_of
from .orient import page_blocks
from .package import Container, OfdError
from .pictures import Memo, memo_key, ocr_limit, recognised, scanned, with_text

__all__ = ["OfdError", "read_ofd"]

_SCANNED_TEXT = 20  # characters of text on a page below which its large pictures are recognised
_PICTURE_TEXT = 8  # characters a picture on a page of text must show to be read into it


def read_ofd(path: Path, *, checked: bool = False, notes: list[tuple[int, str]] | None = None) -> list[Block]:
    """Paragraph lines and tables of every page, in page order. `checked`: the file has passed the guard's
    check_zip already (review/source.py's check_document does, for every report under review), so its members
    are not walked and its XML parts not parsed a second time. `notes` receives (page, message) for what a page
    shows that was not read: slanted text, a picture that could not be decoded or was over the OCR limit."""
    from jixiao.files.guard import LIMITS, check_zip

    path = Path(path)
    if not checked:
        check_zip(path, str(path))  # the limits of every zip input: members, unpacked size, ratio, XML parts sound
    notes = notes if notes is not None else []
    blocks: list[Block] = []
    scans = 0  # pictures and scanned pages recognised, against the OCR limit
    undecoded: list[str] = []
    memo: Memo = {}  # pictures of text pages read, by image and size
    slanted: dict[int, int] = {}  # page → glyphs written at a slant, not read
    with Container(path, LIMITS.part_bytes) as container:
        used = 0
        for page in pages_of(container, LIMITS.pages):
            try:
                content = read_page(container, page, used, LIMITS.document_chars)
            except OfdError as exc:
                raise OfdError(f"第{page.number}页：{exc}") from None
            used += len(content.glyphs)
            if slanted_here := sum(g.turn < 0 for g in content.glyphs):
                slanted[page.number] = slanted_here
            read = page_blocks(content, page.number)
            if _characters(read) >= _SCANNED_TEXT:
                scans += _pictures_of_text_page(container, content, page.number, read, scans, notes, memo)
                blocks.extend(sorted(read, key=lambda b: b.top))  # turned text keeps its order (one top)
                continue
            pictures = scanned(content)  # a page scanned, with at most a page number or a header as text
            if pictures and scans >= ocr_limit():
                raise OfdError(f"扫描页过多，一次最多识别 {ocr_limit()} 页。请拆分文件，或提供文字版 OFD / Word 版。")
            for picture in pictures:
                found = recognised(container, picture, page.number)
                if found is None:
                    undecoded.append(picture.part)
                read.extend(found or [])
            blocks.extend(sorted(read, key=lambda b: b.top))
            scans += bool(pictures)
    if slanted:  # one note for the file: a watermark is on every page
        count = sum(slanted.values())
        notes.insert(0, (min(slanted), f"第{_pages(sorted(slanted))}页有斜排的字（如水印，共 {count} 个），未读取。"))
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


def _pictures_of_text_page(
    container: Container,
    content: PageContent,
    number: int,
    read: list[Block],
    scans: int,
    notes: list[tuple[int, str]],
    memo: Memo,
) -> int:
    """The pictures of a page of text that may hold text, recognised into `read`; how many were recognised (one
    read before, on another page, is not counted again)."""
    done = 0
    for picture in with_text(content):
        known = len(memo)
        if scans + done >= ocr_limit() and memo_key(picture) not in memo:
            notes.append((number, f"第{number}页的图片未经文字识别：一份文件最多识别 {ocr_limit()} 页（张）扫描图片。"))
            break
        found = recognised(container, picture, number, seals=True, memo=memo)
        done += len(memo) - known
        if found is None:
            notes.append((number, f"第{number}页的图片（{picture.part}）格式无法解码，其中的文字未读取。"))
        elif _characters(found) >= _PICTURE_TEXT:  # a photograph's stray sign ("欢迎") is no text of the report
            read.extend(found)
    return done


def _pages(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → "1–3、5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


def _characters(blocks: list[Block]) -> int:
    return sum(len(b.text) + sum(map(len, itertools.chain(*b.rows))) for b in blocks)
