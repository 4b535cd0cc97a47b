"""The report as Flat ODT (.fodt), the document LibreOffice turns into the PDF.

Only the PDF path uses it: LibreOffice reads its own format in about half the CPU time of its .docx import
(writerfilter), so the PDF costs less, and the page is laid out from the same blocks with the same typography
as docx_out.py (GB/T 9704: A4, margins 37/35/28/26 mm, 仿宋_GB2312 body at 14 pt on 26 pt lines, 黑体 and
楷体_GB2312 headings, 方正小标宋简体 title, "— 1 —" page numbers, tables with repeated header rows that never
split a row, the attachments on landscape pages). Charts are the same drawing as the HTML report's (SVG,
charts.chart_svg), embedded as vector images; LibreOffice prints them as vector. The page geometry follows
what LibreOffice makes of the .docx (footer 20 mm from the page edge inside a 35 mm bottom margin), so the
PDF has the same pages and text as a PDF of the .docx (bench/pdf.py compares them).
"""

from __future__ import annotations

import base64
import re
import struct

from .charts import chart_svg
from .document import Cell, Chart, Document, Heading, Image, PageBreak, Paragraph, Table
from .docx_out import BODY_PT, FONTS, LINE_PT
from .xmltext import escape

__all__ = ["render_fodt"]

_LATIN = "Times New Roman"
_QUOTE = {'"': "&quot;"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ALIGN = {"justify": "justify", "center": "center", "right": "end", "left": "start"}
_HEADING = {1: ("h1", 16, False), 2: ("h2", 16, False), 3: ("body", BODY_PT, True), 4: ("body", BODY_PT, False)}

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)


def _font_faces() -> str:
    names = dict.fromkeys([_LATIN, *FONTS.values()])
    return "".join(
        f'<style:font-face style:name="{escape(n, _QUOTE)}" svg:font-family="{escape(n, _QUOTE)}"/>' for n in names
    )


def _text_props(font: str, size: float, bold: bool = False) -> str:
    """Latin in Times New Roman, Chinese in `font`, marked zh-CN (so the SC faces of Noto CJK are chosen)."""
    weight = "bold" if bold else "normal"
    return (
        f'<style:text-properties style:font-name="{_LATIN}" fo:font-size="{size}pt" fo:font-weight="{weight}" '
        f'style:font-name-asian="{escape(font, _QUOTE)}" style:font-size-asian="{size}pt" '
        f'style:font-weight-asian="{weight}" style:font-name-complex="{_LATIN}" style:font-size-complex="{size}pt"/>'
    )


def _page_layout(name: str, landscape: bool) -> str:
    """A4 with GB/T 9704 margins; the footer's baseline area 20 mm above the page edge, as Word places it."""
    width, height = ("29.7cm", "21cm") if landscape else ("21cm", "29.7cm")
    top, left, right = ("2.8cm", "3.7cm", "3.5cm") if landscape else ("3.7cm", "2.8cm", "2.6cm")
    # the footer's height and its distance from the text, as LibreOffice sets them for the .docx's sections
    footer = ("0.6cm", "0.5cm") if landscape else ("1.5cm", "1.401cm")
    orientation = "landscape" if landscape else "portrait"
    return (
        f'<style:page-layout style:name="{name}"><style:page-layout-properties fo:page-width="{width}" '
        f'fo:page-height="{height}" style:num-format="1" style:print-orientation="{orientation}" '
        f'fo:margin-top="{top}" fo:margin-bottom="2cm" fo:margin-left="{left}" fo:margin-right="{right}" '
        'style:writing-mode="lr-tb"/><style:header-style/><style:footer-style><style:header-footer-properties '
        f'fo:min-height="{footer[0]}" fo:margin-top="{footer[1]}" style:dynamic-spacing="true"/>'
        "</style:footer-style></style:page-layout>"
    )


_STYLES = (
    "<office:styles>"
    '<style:default-style style:family="paragraph"><style:paragraph-properties style:text-autospace="ideograph-alpha" '
    'style:punctuation-wrap="hanging" style:line-break="strict" style:writing-mode="page"/>'
    f'<style:text-properties style:font-name="{_LATIN}" fo:font-size="{BODY_PT}pt" fo:language="en" fo:country="US" '
    f'style:letter-kerning="false" style:font-name-asian="{FONTS["body"]}" style:font-size-asian="{BODY_PT}pt" '
    f'style:language-asian="zh" style:country-asian="CN" style:font-name-complex="{_LATIN}" fo:hyphenate="false"/>'
    "</style:default-style>"
    # Word's Normal of the .docx: 10 pt after, 1.15 lines; explicit spacing overrides it paragraph by paragraph
    '<style:style style:name="Standard" style:family="paragraph" style:class="text"><style:paragraph-properties '
    'fo:margin-top="0cm" fo:margin-bottom="10pt" fo:line-height="115%" fo:text-align="start" fo:orphans="2" '
    'fo:widows="2"/></style:style>'
    + "".join(
        f'<style:style style:name="Heading_20_{level}" style:display-name="Heading {level}" style:family="paragraph" '
        f'style:parent-style-name="Standard" style:default-outline-level="{level}" style:class="text">'
        '<style:paragraph-properties fo:keep-together="always" fo:keep-with-next="always"/></style:style>'
        for level in _HEADING
    )
    + '<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" '
    'style:class="extra"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:line-height="100%" '
    f'fo:text-align="center"/>{_text_props(FONTS["table"], 14)}</style:style>'
    "</office:styles>"
)


def _footer() -> str:
    return (
        '<style:footer><text:p text:style-name="Footer">— <text:page-number text:select-page="current">1'
        "</text:page-number> —</text:p></style:footer>"
    )


_MASTER = (
    f'<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">{_footer()}'
    f'</style:master-page><style:master-page style:name="Landscape" style:page-layout-name="pm2">{_footer()}'
    "</style:master-page></office:master-styles>"
)


class _Writer:
    """The body, and the automatic styles it needs (one per distinct paragraph, cell or table look)."""

    def __init__(self) -> None:
        self.styles: dict[tuple, str] = {}
        self.definitions: list[str] = []
        self.body: list[str] = []
        self.break_next = ""  # "page", or a master page name: applied to the next paragraph or table
        self.frames = 0

    def _style(self, key: tuple, family: str, prefix: str, content: str, parent: str = "") -> str:
        name = self.styles.get(key)
        if name is None:
            name = f"{prefix}{len(self.styles) + 1}"
            self.styles[key] = name
            inherit = f' style:parent-style-name="{parent}"' if parent else ""
            master = ""
            if key[-1] and key[-1] != "page":  # a new master page (the landscape attachments) starts here
                master = f' style:master-page-name="{key[-1]}"'
            self.definitions.append(
                f'<style:style style:name="{name}" style:family="{family}"{inherit}{master}>{content}</style:style>'
            )
        return name

    def _take_break(self) -> str:
        brk, self.break_next = self.break_next, ""
        return brk

    def paragraph_style(
        self,
        font: str,
        size: float,
        *,
        parent: str = "Standard",
        jc: str = "",
        line: float | None = None,
        before: float = 0,
        after: float = 0,
        indent: bool = False,
        keep_next: bool = False,
        bold: bool = False,
        cell: bool = False,
    ) -> str:
        brk = self._take_break()
        key = ("P", font, size, parent, jc, line, before, after, indent, keep_next, bold, cell, brk)
        props = ""
        if line is not None:
            props += f'fo:margin-top="{before}pt" fo:margin-bottom="{after}pt" fo:line-height="{line}pt" '
        if indent:
            props += f'fo:text-indent="{2 * BODY_PT}pt" '
        if jc:
            props += f'fo:text-align="{jc}" '
        if keep_next:
            props += 'fo:keep-with-next="always" '
        if cell:
            props += 'fo:orphans="0" fo:widows="0" '
        if brk == "page":
            props += 'fo:break-before="page" '
        content = f"<style:paragraph-properties {props}/>{_text_props(font, size, bold)}"
        return self._style(key, "paragraph", "P", content, parent)

    def bold(self) -> str:
        bold = (
            '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" '
            'style:font-weight-complex="bold"/>'
        )
        return self._style(("T", "bold", ""), "text", "T", bold)

    def runs(self, runs: tuple) -> str:
        out = []
        for run in runs:
            text = _text(run.text)
            out.append(f'<text:span text:style-name="{self.bold()}">{text}</text:span>' if run.bold else text)
        return "".join(out)

    def para(self, text: str, style: str) -> None:
        self.body.append(f'<text:p text:style-name="{style}">{text}</text:p>')

    # --- blocks ---------------------------------------------------------------------------------------------

    def heading(self, block: Heading) -> None:
        level = min(block.level, 4)
        font_key, size, bold = _HEADING[level]
        style = self.paragraph_style(
            FONTS[font_key],
            size,
            parent=f"Heading_20_{level}",
            line=LINE_PT + 2,
            before=6 if block.level <= 2 else 0,
            indent=block.level >= 3,
            bold=bold,
        )
        self.body.append(f'<text:h text:style-name="{style}" text:outline-level="{level}">{_text(block.full)}</text:h>')

    def paragraph(self, block: Paragraph) -> None:
        size = 10.5 if block.role in ("caption", "note") else BODY_PT
        style = self.paragraph_style(
            FONTS["body"],
            size,
            jc=_ALIGN[block.align],
            line=LINE_PT if size == BODY_PT else 18,
            indent=block.indent and block.align == "justify",
        )
        self.para(self.runs(block.runs), style)

    def caption(self, text: str) -> None:
        self.para(_text(text), self.paragraph_style(FONTS["body"], 10.5, jc="center", line=18, after=6))

    def page_break(self) -> None:
        # as LibreOffice reads Word's page-break paragraph: an empty paragraph, the break before the next one
        self.para("", self.paragraph_style(FONTS["body"], BODY_PT))
        self.break_next = "page"

    def frame(self, mime: str, data: bytes, width_cm: float, height_cm: float, description: str) -> None:
        self.frames += 1
        style = self.paragraph_style(FONTS["body"], BODY_PT, jc="center", keep_next=True)
        encoded = base64.b64encode(data).decode("ascii")
        self.para(
            f'<draw:frame draw:name="图{self.frames}" text:anchor-type="as-char" svg:width="{width_cm}cm" '
            f'svg:height="{height_cm:.3f}cm"><draw:image draw:mime-type="{mime}"><office:binary-data>{encoded}'
            f"</office:binary-data></draw:image><svg:desc>{escape(description)}</svg:desc></draw:frame>",
            style,
        )

    def chart(self, block: Chart) -> None:
        svg = chart_svg(block).encode("utf-8")
        self.frame("image/svg+xml", svg, block.width_cm, block.height_cm, block.alt or block.caption)
        self.caption(block.caption)

    def image(self, block: Image) -> None:
        width_px, height_px = struct.unpack(">II", block.png[16:24])
        height = block.width_cm * height_px / width_px if width_px else block.width_cm
        self.frame("image/png", block.png, block.width_cm, height, block.alt or block.caption)
        self.caption(block.caption)

    def table(self, block: Table, text_width_cm: float) -> None:
        if block.title:
            title = self.paragraph_style(FONTS["h1"], 12, jc="center", line=22, before=6, after=3, keep_next=True)
            self.para(_text(block.title), title)
        if block.note:
            self.para(_text(block.note), self.paragraph_style(FONTS["table"], 10.5, line=18, keep_next=True))
        size = 10.5 if block.columns <= 7 else 9
        widths = block.widths or (1.0,) * block.columns
        scale = text_width_cm / sum(widths)
        # the same twips as the .docx grid, so that columns break text at the same places
        points = [round(w * scale / 2.54 * 1440) / 20 for w in widths]
        self.body.append(self._table_xml(block, points, size))
        self.para("", "Standard")

    def _table_xml(self, block: Table, points: list[float], size: float) -> str:
        brk = self._take_break()
        extra = ' fo:break-before="page"' if brk == "page" else ""
        table = self._style(
            ("Tab", sum(points), brk),
            "table",
            "Tab",
            f'<style:table-properties style:width="{sum(points):.2f}pt" table:align="center" fo:margin-top="0cm" '
            f'fo:margin-bottom="0cm"{extra}/>',
        )
        columns = "".join(f'<table:table-column table:style-name="{self._column(p)}"/>' for p in points)
        row_props = '<style:table-row-properties style:min-row-height="17pt" fo:keep-together="always"/>'
        row_style = self._style(("Row", ""), "table-row", "Row", row_props)
        cell_style = self._style(
            ("Cell", ""),
            "table-cell",
            "Cell",
            '<style:table-cell-properties style:vertical-align="middle" fo:padding-left="4.25pt" '
            'fo:padding-right="4.25pt" fo:padding-top="0pt" fo:padding-bottom="0pt" fo:border="0.5pt solid #000000"/>',
        )
        rows = []
        for row in block.rows:
            cells = "".join(self._cell(spec, size, cell_style) for spec in row)
            rows.append(f'<table:table-row table:style-name="{row_style}">{cells}</table:table-row>')
        head, rest = rows[: block.header_rows], rows[block.header_rows :]
        header = f"<table:table-header-rows>{''.join(head)}</table:table-header-rows>" if head else ""
        return f'<table:table table:style-name="{table}">{columns}{header}{"".join(rest)}</table:table>'

    def _column(self, width: float) -> str:
        column = f'<style:table-column-properties style:column-width="{width:.2f}pt"/>'
        return self._style(("Col", width, ""), "table-column", "Col", column)

    def _cell(self, spec: Cell | None, size: float, cell_style: str) -> str:
        if spec is None:  # covered by a merged cell above or to the left
            return "<table:covered-table-cell/>"
        span = ""
        if spec.rowspan > 1:
            span += f' table:number-rows-spanned="{spec.rowspan}"'
        if spec.colspan > 1:
            span += f' table:number-columns-spanned="{spec.colspan}"'
        jc = {"left": "start", "right": "end"}.get(spec.align, "center")
        style = self.paragraph_style(
            FONTS["table"], size, jc=jc, line=round(size * 1.4 * 20) / 20, cell=True, bold=spec.bold
        )
        return (
            f'<table:table-cell table:style-name="{cell_style}"{span} office:value-type="string">'
            f'<text:p text:style-name="{style}">{_text(spec.text)}</text:p></table:table-cell>'
        )


def _text(text: str) -> str:
    """Paragraph content: tabs as text:tab, line breaks as text:line-break, runs of spaces kept (text:s)."""
    parts = []
    for i, line in enumerate(_CONTROL.sub("", text.replace("\r", "")).split("\n")):
        if i:
            parts.append("<text:line-break/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<text:tab/>")
            parts.append(re.sub("  +", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', escape(piece)))
    return "".join(parts)


def render_fodt(document: Document) -> bytes:
    """The report as one Flat ODT XML document (UTF-8), for LibreOffice to print as PDF."""
    w = _Writer()
    w.para(_text(document.title), w.paragraph_style(FONTS["title"], 22, jc="center", line=36, before=12, after=12))
    for line in document.meta:
        w.para(_text(line), w.paragraph_style(FONTS["body"], 16, jc="center", line=LINE_PT, after=6))
    for block in document.blocks:
        if isinstance(block, Heading):
            w.heading(block)
        elif isinstance(block, Paragraph):
            w.paragraph(block)
        elif isinstance(block, Table):
            w.table(block, 21.0 - 2.8 - 2.6)
        elif isinstance(block, Chart):
            w.chart(block)
        elif isinstance(block, Image):
            w.image(block)
        elif isinstance(block, PageBreak):
            w.page_break()
    for i, table in enumerate(document.attachments):
        if i:
            w.page_break()
        else:
            w.break_next = "Landscape"  # the attachments' landscape pages start at the first one's title
        w.table(table, 29.7 - 3.7 - 3.5)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document {_NAMESPACES} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.text">'
        f"<office:meta><dc:title>{escape(document.title)}</dc:title></office:meta>"
        f"<office:font-face-decls>{_font_faces()}</office:font-face-decls>{_STYLES}"
        f"<office:automatic-styles>{_page_layout('pm1', False)}{_page_layout('pm2', True)}{''.join(w.definitions)}"
        f"</office:automatic-styles>{_MASTER}<office:body><office:text>{''.join(w.body)}</office:text></office:body>"
        "</office:document>"
    ).encode()
