"""The report as a Word document that looks like what a finance office submits.

Typography after GB/T 9704 (REFERENCE §5): A4, margins 37/35/28/26 mm, body 仿宋_GB2312, 一级标题 黑体,
二级标题 楷体_GB2312, title 方正小标宋简体, page numbers "— 1 —". Every run names its East Asian font
(w:eastAsia) and the styles mark the text as zh-CN, so Word, WPS and LibreOffice pick a Chinese face.
Tables keep their merged cells, repeat their header rows across pages and never split a row.
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .document import Cell, Document, Heading, Image, PageBreak, Paragraph, Table

__all__ = ["FONTS", "render_docx"]

FONTS = {"body": "仿宋_GB2312", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体_GB2312", "table": "宋体"}
BODY_PT = 14
LINE_PT = 26
_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}
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


def _first_line_indent(paragraph, chars: int = 2) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * BODY_PT * 20)))
    ppr.append(ind)


def _spacing(paragraph, line_pt: float = LINE_PT, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


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


def _page_number(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", FONTS["table"], 14)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(14)
    _set_fonts(run._element, FONTS["table"])
    _run(paragraph, " —", FONTS["table"], 14)


def _heading(doc, block: Heading) -> None:
    paragraph = doc.add_paragraph(style=f"Heading {min(block.level, 4)}")
    font_key, size, bold = _HEADING_STYLE[min(block.level, 4)]
    _run(paragraph, block.full, FONTS[font_key], size, bold)
    _spacing(paragraph, LINE_PT + 2, before=6 if block.level <= 2 else 0)
    if block.level >= 3:
        _first_line_indent(paragraph)


def _paragraph(doc, block: Paragraph) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = _ALIGN[block.align]
    size = 10.5 if block.role in ("caption", "note") else BODY_PT
    for run in block.runs:
        _run(paragraph, run.text, FONTS["body"], size, run.bold)
    _spacing(paragraph, LINE_PT if size == BODY_PT else 18)
    if block.indent and block.align == "justify":
        _first_line_indent(paragraph)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_JC = {"left": "left", "right": "right"}


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


def _table(doc, block: Table, text_width_cm: float) -> None:
    if block.title:
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(title, block.title, FONTS["h1"], 12)
        _spacing(title, 22, before=6, after=3)
        title.paragraph_format.keep_with_next = True
    if block.note:
        note = doc.add_paragraph()
        _run(note, block.note, FONTS["table"], 10.5)
        _spacing(note, 18)
        note.paragraph_format.keep_with_next = True
    size = 10.5 if block.columns <= 7 else 9
    widths = block.widths or (1.0,) * block.columns
    scale = text_width_cm / sum(widths)
    twips = [round(w * scale / 2.54 * 1440) for w in widths]
    doc.element.body._insert_tbl(parse_xml(_table_xml(block, twips, size)))
    doc.add_paragraph()


def _image(doc, block: Image) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "", FONTS["body"], BODY_PT).add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    paragraph.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, block.caption, FONTS["body"], 10.5)
    _spacing(caption, 18, after=6)


def _page_break(doc) -> None:
    _run(doc.add_paragraph(), "", FONTS["body"], BODY_PT).add_break(WD_BREAK.PAGE)


def render_docx(document: Document, author: str = "", created: datetime | None = None) -> bytes:
    doc = new_docx()
    _styles(doc)
    section = doc.sections[0]
    _page(section)
    _page_number(section)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, document.title, FONTS["title"], 22)
    _spacing(title, 36, before=12, after=12)
    for line in document.meta:
        meta = doc.add_paragraph()
        meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(meta, line, FONTS["body"], 16)
        _spacing(meta, LINE_PT, after=6)
    text_width = 21.0 - 2.8 - 2.6
    for block in document.blocks:
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            _table(doc, block, text_width)
        elif isinstance(block, Image):
            _image(doc, block)
        elif isinstance(block, PageBreak):
            _page_break(doc)
    if document.attachments:
        attachments = doc.add_section()
        _page(attachments, landscape=True)
        for i, table in enumerate(document.attachments):
            if i:
                _page_break(doc)
            _table(doc, table, 29.7 - 3.7 - 3.5)
    props = doc.core_properties
    props.title = document.title
    props.author = author
    props.last_modified_by = author
    props.created = props.modified = created or datetime(2000, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
