"""A watermark drawn into a document as document systems stamp it, for tests/test_review_pdf_layouts.py and
bench/review_pdf_layouts.py: real text in pale grey across every page, written into LibreOffice's flat ODF form of
the document (Word's own watermark is WordArt, which LibreOffice prints as outlines, no text; a turned DrawingML text
box is printed level)."""

from __future__ import annotations

import re

__all__ = ["STAMPS", "stamped"]

STAMPS = ("仅供审核", "内部资料")


def _stamp_shape(text: str, turned: bool) -> str:
    """A watermark as WPS, Acrobat and document systems stamp it: real text, pale grey (#BFBFBF), across the page's
    middle — turned 45° (`turned`) or level in large type. Written into the document's ODF form (Word's own
    watermark is WordArt, which LibreOffice prints as outlines: no text)."""
    transform = "rotate(0.785398) translate(3cm 17cm)" if turned else "translate(1cm 11cm)"
    return (
        f'<draw:custom-shape draw:style-name="jxwm" text:anchor-type="paragraph" svg:width="15cm" svg:height="3cm" '
        f'draw:transform="{transform}"><text:p text:style-name="jxwmp"><text:span text:style-name="jxwmt">{text}'
        '</text:span></text:p><draw:enhanced-geometry svg:viewBox="0 0 21600 21600" draw:type="rectangle"/>'
        "</draw:custom-shape>"
    )


def _tile_shape(text: str, k: int) -> str:
    return (
        f'<draw:custom-shape draw:style-name="jxwm" text:anchor-type="paragraph" svg:width="5cm" svg:height="1cm" '
        f'draw:transform="translate(4cm {4 + 4 * k}cm)"><text:p text:style-name="jxwmp"><text:span '
        f'text:style-name="jxwms">{text}</text:span></text:p><draw:enhanced-geometry svg:viewBox="0 0 21600 21600" '
        'draw:type="rectangle"/></draw:custom-shape>'
    )


def stamped(fodt: str, text: str, turned: bool, tiles: int = 1) -> str:
    """An ODF flat document (LibreOffice's .fodt of a .docx) with the watermark in every header of every master page
    (a page with no header gets one holding only the watermark); `tiles` > 1: that many level copies down the page in
    the text's size (12 pt), as document systems tile "内部资料"."""
    styles = (
        '<style:style style:name="jxwm" style:family="graphic"><style:graphic-properties draw:stroke="none" '
        'draw:fill="none" style:run-through="background" style:wrap="run-through"/></style:style>'
        '<style:style style:name="jxwmp" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/>'
        "</style:style>"
        f'<style:style style:name="jxwmt" style:family="text"><style:text-properties fo:color="#bfbfbf" '
        f'fo:font-size="{44 if turned else 54}pt" style:font-size-asian="{44 if turned else 54}pt"/></style:style>'
        '<style:style style:name="jxwms" style:family="text"><style:text-properties fo:color="#bfbfbf" '
        'fo:font-size="12pt" style:font-size-asian="12pt"/></style:style>'
    )
    fodt = fodt.replace("</office:automatic-styles>", styles + "</office:automatic-styles>", 1)
    shape = f"<text:p>{_stamp_shape(text, turned)}</text:p>"
    if tiles > 1:
        shape = "".join(f"<text:p>{_tile_shape(text, k)}</text:p>" for k in range(tiles))

    def master(found: re.Match) -> str:
        opening, body = found.group(1), found.group(2)
        body = re.sub(r"<style:(header|header-left|header-first)/>", r"<style:\1></style:\1>", body)
        if "<style:header>" not in body and "<style:header " not in body:
            body = "<style:header></style:header>" + body
        body = re.sub(r"(<style:(?:header|header-left|header-first)(?: [^>]*)?>)", lambda m: m.group(1) + shape, body)
        return opening + body + "</style:master-page>"

    return re.sub(r"(<style:master-page[^>]*>)(.*?)</style:master-page>", master, fodt, flags=re.S)
