"""The Flat ODT that LibreOffice prints as the PDF (report/odt_out.py), read back as XML without LibreOffice."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from jixiao.pipeline import run
from jixiao.report.content import build_document
from jixiao.report.document import Cell, Chart, Document, Heading, PageBreak, Paragraph, Run, Table
from jixiao.report.odt_out import render_fodt

ROOT = Path(__file__).resolve().parent.parent
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _styles(root: ET.Element) -> dict[str, ET.Element]:
    return {s.get(_q("style:name")): s for s in root.iter(_q("style:style"))}  # type: ignore[misc]


def test_text_tables_breaks_and_the_landscape_attachments():
    table = Table(
        "表1 测试",
        (
            (Cell("项目", rowspan=2, bold=True), Cell("金额", colspan=2), None),
            (None, Cell("预算"), Cell("1,000.00", align="right")),
        ),
    )
    document = Document(
        "标题 & <副标题>",
        meta=("部门名称（公章）：测试",),
        blocks=(
            Heading(1, "一、", "基本情况"),
            Paragraph((Run("甲  乙\t丙\n丁"), Run("加粗", bold=True))),
            table,
            PageBreak(),
            Paragraph.of("新的一页"),
            Chart("图", ("一", "二"), (Decimal("93.58"), Decimal(100)), "图1"),
        ),
        attachments=(table, table),
    )
    root = ET.fromstring(render_fodt(document))
    styles = _styles(root)
    body = root.find("office:body/office:text", NS)
    assert body is not None
    paragraphs = body.findall("text:p", NS)
    assert paragraphs[0].text == "标题 & <副标题>"  # escaped in the XML, the same text read back
    heading = body.find("text:h", NS)
    assert heading is not None and heading.get(_q("text:outline-level")) == "1" and heading.text == "一、基本情况"
    # two spaces: one written, the second as text:s; the tab and the line break as elements; the bold run a span
    mixed = paragraphs[2]
    elements = [_q("text:s"), _q("text:tab"), _q("text:line-break"), _q("text:span")]
    assert mixed.text == "甲 " and [child.tag for child in mixed] == elements
    bold = styles[mixed[3].get(_q("text:style-name"))]
    assert bold.find("style:text-properties", NS).get(_q("style:font-weight-asian")) == "bold"  # type: ignore[union-attr]
    # merged cells: the spanning cell says so and the positions it covers are covered cells (2 + 1 of 6)
    first = body.find("table:table", NS)
    assert first is not None
    cells = [c for row in first.iter(_q("table:table-row")) for c in row]
    assert [c.tag == _q("table:covered-table-cell") for c in cells] == [False, False, True, True, False, False]
    assert (
        cells[0].get(_q("table:number-rows-spanned")) == "2" and cells[1].get(_q("table:number-columns-spanned")) == "2"
    )
    assert first.find("table:table-header-rows", NS) is not None  # repeated on each page
    # the page break: an empty paragraph, then the next paragraph starts the new page
    after_break = next(p for p in paragraphs if p.text == "新的一页")
    props = styles[after_break.get(_q("text:style-name"))].find("style:paragraph-properties", NS)
    assert props is not None and props.get(_q("fo:break-before")) == "page"
    # the chart as an SVG image; the first attachment's title opens the landscape pages, the second a new page
    image = body.find(".//draw:image", NS)
    assert image is not None and image.get(_q("draw:mime-type")) == "image/svg+xml"
    titles = [p for p in paragraphs if p.text == "表1 测试"]
    assert len(titles) == 3
    first_title, second_title = (styles[p.get(_q("text:style-name"))] for p in titles[1:])
    assert first_title.get(_q("style:master-page-name")) == "Landscape"
    second = second_title.find("style:paragraph-properties", NS)
    assert second is not None and second.get(_q("fo:break-before")) == "page"


def test_the_example_report_has_every_block():
    document = build_document(*run(ROOT / "examples" / "baoan-fulian-2023"))
    root = ET.fromstring(render_fodt(document))
    body = root.find("office:body/office:text", NS)
    assert body is not None
    assert len(body.findall("text:h", NS)) == len(document.headings())
    assert len(body.findall("table:table", NS)) == len(document.tables())
    assert len(body.findall(".//draw:frame", NS)) == sum(isinstance(b, Chart) for b in document.blocks)
