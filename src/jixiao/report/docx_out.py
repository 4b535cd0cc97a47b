"""The report as a Word document that looks like what a finance office submits.

Typography after GB/T 9704 (REFERENCE §5): A4, margins 37/35/28/26 mm, body 仿宋_GB2312, 一级标题 黑体,
二级标题 楷体_GB2312, title 方正小标宋简体, page numbers "— 1 —". Every run names its East Asian font
(w:eastAsia) and the styles mark the text as zh-CN, so Word, WPS and LibreOffice pick a Chinese face.
Tables keep their merged cells, repeat their header rows across pages and never split a row.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from .document import Cell, Chart, Document, Heading, Image, PageBreak, Paragraph, Table
from .ooxml_chart import CHART_CONTENT_TYPE, CHART_RELATIONSHIP, chart_part_xml, inline_chart_xml
from .ooxml_zip import Entry, write_zip
from .xmltext import escape

if TYPE_CHECKING:  # bound at run time by _docx_names(), on the first document
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

__all__ = ["FONTS", "add_field", "render_docx"]

FONTS = {"body": "仿宋_GB2312", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体_GB2312", "table": "宋体"}
BODY_PT = 14
LINE_PT = 26
_JC_OF = {"justify": "both", "center": "center", "right": "right", "left": "left"}
_HEADING_STYLE = {1: ("h1", 16, False), 2: ("h2", 16, False), 3: ("body", BODY_PT, True), 4: ("body", BODY_PT, False)}


def _set_fonts(element, east_asian: str, latin: str = "Times New Roman") -> None:
    """Name the fonts of a run or style: w:rFonts with ascii/hAnsi and the East Asian face."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    _lang(rpr)


def _set_lang(style) -> None:
    _lang(style.element.get_or_add_rPr())


def _lang(rpr) -> None:
    """Mark text as Simplified Chinese, so that LibreOffice picks the SC face of the Noto CJK collections."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _run(paragraph, text: str, font: str, size: float, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _set_fonts(run._element, font)
    return run


def _doc_defaults(doc) -> None:
    """python-docx's template says eastAsia="en-US" in docDefaults; every style inherits it unless fixed."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr, value in (
        ("w:ascii", "Times New Roman"),
        ("w:hAnsi", "Times New Roman"),
        ("w:eastAsia", FONTS["body"]),
        ("w:cs", "Times New Roman"),
    ):
        fonts.set(qn(attr), value)
    _lang(rpr)


def _styles(doc) -> None:
    _doc_defaults(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, FONTS["body"])
    _set_lang(normal)
    for level, (font_key, size, bold) in _HEADING_STYLE.items():
        style = doc.styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = None
        _set_fonts(style.element, FONTS[font_key])
        _set_lang(style)
        style.paragraph_format.keep_with_next = True


def _page(section, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Cm(21.0), Cm(29.7)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    if landscape:
        section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.6)
        section.left_margin, section.right_margin = Cm(3.7), Cm(3.5)
    else:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)


def add_field(run, code: str, shown: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES …) in `run`: its begin mark, its instruction, the separator, the value shown
    until Word or LibreOffice works it out, its end mark."""
    from docx.oxml import OxmlElement  # python-docx, imported where used (the module's import is for the checker)
    from docx.oxml.ns import qn

    instruction = f" {code} "
    # a field character (kind, no text) or a run of text (no kind)
    for kind, text in (("begin", ""), ("", instruction), ("separate", ""), ("", shown), ("end", "")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text is instruction else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _page_number(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", FONTS["table"], 14)
    run = paragraph.add_run()
    add_field(run, "PAGE")
    run.font.size = Pt(14)
    _set_fonts(run._element, FONTS["table"])
    _run(paragraph, " —", FONTS["table"], 14)


def _docx_names() -> None:
    """python-docx loads with the first document, not with this module (the review and `--help` import it)."""
    global Cm, OxmlElement, Pt, WD_ALIGN_PARAGRAPH, WD_ORIENT, new_docx, qn
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_xml(text: str) -> str:
    """Run content as python-docx's add_run writes it: tabs as w:tab, line breaks as w:br."""
    parts = []
    for i, line in enumerate(_CONTROL.sub("", text.replace("\r", "")).split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(parts)


_NOT_BOLD = '<w:b w:val="0"/>'


def _run_xml(text: str, font: str, size: float, bold: bool = False, content: str | None = None) -> str:
    """One run with its fonts named (w:eastAsia), its size, bold or not, and zh-CN as its language."""
    fonts = (
        f'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{escape(font)}" '
        'w:cs="Times New Roman"/>'
    )
    weight = "<w:b/>" if bold else _NOT_BOLD
    rpr = f'<w:rPr>{fonts}{weight}<w:sz w:val="{round(size * 2)}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    return f"<w:r>{rpr}{_text_xml(text) if content is None else content}</w:r>"


def _paragraph_xml(
    runs: str,
    *,
    style: str = "",
    jc: str = "",
    line: float | None = None,
    before: float = 0,
    after: float = 0,
    indent: bool = False,
    keep_next: bool = False,
) -> str:
    """A paragraph; its properties in the schema's order (pStyle, keepNext, spacing, ind, jc)."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr += "<w:keepNext/>" if keep_next else ""
    if line is not None:
        ppr += (
            f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
            f'w:line="{round(line * 20)}" w:lineRule="exact"/>'
        )
    if indent:
        ppr += f'<w:ind w:firstLineChars="200" w:firstLine="{int(2 * BODY_PT * 20)}"/>'
    ppr += f'<w:jc w:val="{jc}"/>' if jc else ""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs}</w:p>"


def _heading(block: Heading, style_ids: dict[int, str]) -> str:
    level = min(block.level, 4)
    font_key, size, bold = _HEADING_STYLE[level]
    return _paragraph_xml(
        _run_xml(block.full, FONTS[font_key], size, bold),
        style=style_ids[level],
        line=LINE_PT + 2,
        before=6 if block.level <= 2 else 0,
        indent=block.level >= 3,
    )


def _paragraph(block: Paragraph) -> str:
    size = 10.5 if block.role in ("caption", "note") else BODY_PT
    runs = "".join(_run_xml(run.text, FONTS["body"], size, run.bold) for run in block.runs)
    return _paragraph_xml(
        runs,
        jc=_JC_OF[block.align],
        line=LINE_PT if size == BODY_PT else 18,
        indent=block.indent and block.align == "justify",
        keep_next=block.keep_next,
    )


def _caption(text: str) -> str:
    return _paragraph_xml(_run_xml(text, FONTS["body"], 10.5), jc="center", line=18, after=6)


def _page_break() -> str:
    return _paragraph_xml(_run_xml("", FONTS["body"], BODY_PT, content='<w:br w:type="page"/>'))


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_JC = {"left": "left", "right": "right"}


@lru_cache(maxsize=64)
def _rpr_xml(font: str, size: float, bold: bool) -> str:
    half_points = round(size * 2)
    return (
        f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{escape(font)}" '
        f'w:cs="Times New Roman"/>{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{half_points}"/>'
        f'<w:szCs w:val="{half_points}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def _tc_xml(width: int, spec: Cell | None, span: int, vmerge: str, size: float) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge:
        props += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    run = ""
    jc = "center"
    if spec is not None and vmerge != "continue":
        jc = _JC.get(spec.align, "center")
        if spec.text:
            text = f'<w:t xml:space="preserve">{escape(spec.text)}</w:t>'
            run = f"<w:r>{_rpr_xml(FONTS['table'], size, spec.bold)}{text}</w:r>"
    line = round(size * 1.4 * 20)
    paragraph = (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
        f'<w:jc w:val="{jc}"/>{_rpr_xml(FONTS["table"], size, False)}</w:pPr>{run}</w:p>'
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>"


def _table_xml(block: Table, widths_twips: list[int], size: float) -> str:
    """The whole table as WordprocessingML: merged cells as gridSpan / vMerge, header rows repeated."""
    covered: dict[tuple[int, int], Cell] = {}  # positions below a vertical merge start -> the start cell
    for r, row in enumerate(block.rows):
        for c, spec in enumerate(row):
            if spec is not None and spec.rowspan > 1:
                for rr in range(r + 1, r + spec.rowspan):
                    covered[(rr, c)] = spec
    rows = []
    for r, row in enumerate(block.rows):
        cells, c = [], 0
        while c < block.columns:
            spec = row[c]
            if spec is None and (r, c) in covered:
                start = covered[(r, c)]
                span = start.colspan
                cells.append(_tc_xml(sum(widths_twips[c : c + span]), start, span, "continue", size))
                c += span
                continue
            if spec is None:  # covered by a horizontal span already written
                c += 1
                continue
            span = spec.colspan
            vmerge = "restart" if spec.rowspan > 1 else ""
            cells.append(_tc_xml(sum(widths_twips[c : c + span]), spec, span, vmerge, size))
            c += span
        header = "<w:tblHeader/>" if r < block.header_rows else ""
        rows.append(
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="340" w:hRule="atLeast"/>{header}</w:trPr>'
            + "".join(cells)
            + "</w:tr>"
        )
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths_twips)
    return (
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths_twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _table(block: Table, text_width_cm: float) -> str:
    parts = []
    if block.title:
        run = _run_xml(block.title, FONTS["h1"], 12)
        parts.append(_paragraph_xml(run, jc="center", line=22, before=6, after=3, keep_next=True))
    if block.note:
        parts.append(_paragraph_xml(_run_xml(block.note, FONTS["table"], 10.5), line=18, keep_next=True))
    size = 10.5 if block.columns <= 7 else 9
    widths = block.widths or (1.0,) * block.columns
    scale = text_width_cm / sum(widths)
    twips = [round(w * scale / 2.54 * 1440) for w in widths]
    parts.append(_table_xml(block, twips, size).replace(f"<w:tbl {_W}>", "<w:tbl>", 1))
    parts.append("<w:p/>")
    return "".join(parts)


@dataclass(frozen=True)
class _Frame:
    """What every report's package shares, made once per process with python-docx: styles (fonts, sizes,
    zh-CN), the A4 page and its footer with page numbers, the landscape section of the attachments."""

    parts: tuple[tuple[str, Entry | None], ...]  # in package order; None marks a part written per report
    head: str  # document.xml up to <w:body>
    portrait: str  # the body's section properties
    landscape: str  # those of the attachment section
    relationships: str  # word/_rels/document.xml.rels
    content_types: str
    style_ids: dict[int, str]


_PER_REPORT = ("[Content_Types].xml", "docProps/core.xml", "word/document.xml", "word/_rels/document.xml.rels")


@lru_cache(maxsize=1)
def _frame() -> _Frame:
    _docx_names()
    doc = new_docx()
    _styles(doc)
    _page(doc.sections[0])
    _page_number(doc.sections[0])
    style_ids = {level: doc.styles[f"Heading {level}"].style_id for level in _HEADING_STYLE}
    _page(doc.add_section(), landscape=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = [(info.filename, package.read(info.filename)) for info in package.infolist()]
    files = dict(parts)
    document = files["word/document.xml"].decode("utf-8")
    portrait = re.search(r"<w:p><w:pPr>(<w:sectPr>.*?</w:sectPr>)</w:pPr></w:p>", document)
    assert portrait is not None
    return _Frame(
        tuple((name, None if name in _PER_REPORT else Entry.compressed(name, data)) for name, data in parts),
        document[: document.index("<w:body>") + len("<w:body>")],
        portrait.group(1),
        document[document.rindex("<w:sectPr") : document.index("</w:body>")],
        files["word/_rels/document.xml.rels"].decode("utf-8"),
        files["[Content_Types].xml"].decode("utf-8"),
        style_ids,
    )


class _Package:
    """One report's parts beyond the frame: charts and pictures with their relationships."""

    def __init__(self) -> None:
        self.parts: list[Entry] = []
        self.relationships: list[str] = []
        self.overrides: list[str] = []
        self.shapes = 0

    def relate(self, kind: str, target: str) -> str:
        rid = f"rIdJx{len(self.relationships) + 1}"
        self.relationships.append(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>')
        return rid

    def chart(self, block: Chart) -> str:
        self.shapes += 1
        name = f"charts/chart{self.shapes}.xml"
        self.parts.append(Entry.compressed(f"word/{name}", chart_part_xml(block), level=1))
        self.overrides.append(f'<Override PartName="/word/{name}" ContentType="{CHART_CONTENT_TYPE}"/>')
        drawing = inline_chart_xml(block, self.relate(CHART_RELATIONSHIP, name), self.shapes)
        drawn = _run_xml("", FONTS["body"], BODY_PT, content=drawing)
        return _paragraph_xml(drawn, jc="center", keep_next=True) + _caption(block.caption)

    def image(self, block: Image) -> str:
        self.shapes += 1
        name = f"media/image{self.shapes}.png"
        self.parts.append(Entry.compressed(f"word/{name}", block.png, level=1))
        self.overrides.append(f'<Override PartName="/word/{name}" ContentType="image/png"/>')
        drawing = inline_picture_xml(block, self.relate(_IMAGE_RELATIONSHIP, name), self.shapes)
        drawn = _run_xml("", FONTS["body"], BODY_PT, content=drawing)
        return _paragraph_xml(drawn, jc="center", keep_next=True) + _caption(block.caption)


_IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def inline_picture_xml(block: Image, relationship_id: str, shape_id: int) -> str:
    """A PNG placed inline at the block's width, its height from the PNG header's aspect ratio."""
    width_px, height_px = struct.unpack(">II", block.png[16:24])
    cx = round(block.width_cm * 360000)
    cy = round(cx * height_px / width_px) if width_px else cx
    name = escape(block.alt or block.caption, {'"': "&quot;"})
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
    return (
        '<w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        f'distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:docPr id="{shape_id}" name="图片 {shape_id}" descr="{name}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        f'<a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}"><pic:nvPicPr><pic:cNvPr id="{shape_id}" '
        f'name="image{shape_id}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:embed="{relationship_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )


def _core_xml(title: str, author: str, created: datetime) -> bytes:
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject/><dc:creator>{escape(author)}</dc:creator><cp:keywords/>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified><cp:category/></cp:coreProperties>'
    ).encode()


def render_docx(document: Document, author: str = "", created: datetime | None = None) -> bytes:
    """The report as .docx: the body written as WordprocessingML text into the shared frame (see `_Frame`)."""
    frame = _frame()
    package = _Package()
    body = [_paragraph_xml(_run_xml(document.title, FONTS["title"], 22), jc="center", line=36, before=12, after=12)]
    body += [
        _paragraph_xml(_run_xml(line, FONTS["body"], 16), jc="center", line=LINE_PT, after=6) for line in document.meta
    ]
    text_width = 21.0 - 2.8 - 2.6
    for block in document.blocks:
        if isinstance(block, Heading):
            body.append(_heading(block, frame.style_ids))
        elif isinstance(block, Paragraph):
            body.append(_paragraph(block))
        elif isinstance(block, Table):
            body.append(_table(block, text_width))
        elif isinstance(block, Chart):
            body.append(package.chart(block))
        elif isinstance(block, Image):
            body.append(package.image(block))
        elif isinstance(block, PageBreak):
            body.append(_page_break())
    if document.attachments:
        body.append(f"<w:p><w:pPr>{frame.portrait}</w:pPr></w:p>")  # the body's section ends here
        for i, table in enumerate(document.attachments):
            if i:
                body.append(_page_break())
            body.append(_table(table, 29.7 - 3.7 - 3.5))
        body.append(frame.landscape)
    else:
        body.append(frame.portrait)
    xml = f"{frame.head}{''.join(body)}</w:body></w:document>"
    relationships = frame.relationships.replace("</Relationships>", "".join(package.relationships) + "</Relationships>")
    content_types = frame.content_types.replace("</Types>", "".join(package.overrides) + "</Types>")
    per_report = {
        "[Content_Types].xml": content_types.encode("utf-8"),
        "docProps/core.xml": _core_xml(document.title, author, created or datetime(2000, 1, 1)),
        "word/document.xml": xml.encode("utf-8"),
        "word/_rels/document.xml.rels": relationships.encode("utf-8"),
    }
    # Level 1: the per-report parts are compressed every time; a few percent larger, several times faster.
    entries = [entry or Entry.compressed(name, per_report[name], level=1) for name, entry in frame.parts]
    return write_zip(entries + package.parts)
