"""Benchmark: narrative reports as the PDFs a bureau receives — running heads, page numbers, page breaks in
mid-sentence, a watermark, a seal — reviewed as the text typed.

Each chosen narrative of the review corpus (tests/fixtures/review_corpus/n*/document.txt: about 60, every
fourth one and the newest, n214–n236) is written as .docx with python-docx the way Word/WPS documents of a
department look: a running header (the department's name or the report's title, as bench/review_formats.py's
review of the text reads them, on every page), a footer page number ("- 3 -", "第 3 页 共 12 页" or "3/12",
by PAGE/NUMPAGES fields), the official document's type size (三号, 16 pt) on A4 or A5 so that sentences and
tables cross page breaks (a table's header row repeated on every page), a "内部资料" watermark on some, and a
red seal-like picture over the 落款 at the end, and on every third two Word footnotes (9 pt, words only), their
raised marks after the first 万元 of a long paragraph. The .docx is printed to PDF by the long-lived LibreOffice
(formats/office.py) and reviewed; so is a plain PDF of the same text (no header, footer or watermark, default
page) as a control. Both are compared with the review of the text itself (the same lines as a .txt, the
transcribers' cut mark left out) on: findings (code, severity, expected/actual figures), department, year,
kind — and the narrative figures read (value, unit), as counts of figures only one side reads.

A third PDF of each (水印PDF, `write_stamped_pdf`) is the layout PDF as it often really comes: a watermark of real
text in pale grey across every page ("仅供审核", "内部资料" or the department's name; turned 45° on even variants,
level in 54 pt on odd; drawn into LibreOffice's flat ODF form by tests/pdf_stamps.py, since Word's own watermark is
WordArt, which LibreOffice prints as outlines), the running header on the first page only (Word's 首页不同, even
variants) or on odd pages only (奇偶页不同, odd), and a raised footnote mark after the first figure of each table.

A fourth (字形PDF, `write_lookalike_pdf`) is the layout PDF with its fonts' ToUnicode maps naming the look-alikes
WPS's, Word's and Chrome's exports name for some ideographs' glyphs: Kangxi radicals (⼈ ⼀ ⼆ ⽇ ⾦ ⽤; ⿈ and ⼾,
whose NFKC is the traditional 黃 戶), the radicals supplement's C-simplified forms (⻔ ⻓ ⻚ ⻢ ⻋ ⻅ ⻛: no NFKC) and a
compatibility ideograph (率 U+F961): the page shows 部门, the text layer says 部⻔.

Prints, per document, which fields differ for the layout PDF (and the watermarked, look-alike and plain ones), and in
total the agreement.

Measured on 2 December 2026 (65 documents): the first run, before any change, 53/65 agree (the plain PDF 62/65):
running heads read into the text in mid-sentence, a page of short items measured as full lines; with footnotes
added to the bench, 49/65 on the code before footnotes were told apart; now 63/65 (plain 62/65).
The watermarked PDF, 2 December (75 documents, the corpus having grown; one frozen copy of the tree, pdftext.py and
pdfread.py of HEAD against after the watermark work): first run 55/75 (the layout PDF 72/75) — the watermark read
into a paragraph on every page, a footnote mark in a cell read into its figure ("1200.001"); after, 63/75 (layout
72/75 unchanged), nine documents better and none worse. Left: a watermark tiled in the text's own size on a page
pdftotext reads (it shares the text's lines; not in the bench), and a running header on the first page only, kept
as a line above the title; 12 documents still differ (n219, n221 the year, n176 the kind, figures in n76, n81, n166).

On 3 December 2026 (90 documents), before this session's changes: layout 85/90, watermarked 75/90, plain 84/90.
After (radicals supplement folded, a seal's text and a character over a cell's rule, one column's lines top to
bottom, the watermark's size 1.45 times the text's lines): layout 85/90, watermarked 79/90 (n91, n131, n219, n244
now agree: a turned watermark over 三号 text read into a paragraph, a paragraph's lines out of order), plain 84/90;
then a one-page document's turned watermark (n161): watermarked 80/90 (the eleven that differed run again). The
look-alike PDF's first run: 85/90, as the layout PDF (the same five differ); with fold_glyphs as it was (NFKC of the
look-alike blocks only) 67/90: department 79/90 (部⻔, ⼈民), kind 82/90, figures 84/90.
Left: n223/n260 the department (a site's particulars read as a name),
n233/n238 findings in every PDF (a title and 目录 joined: the page cannot tell a full title line from a wrapped one),
n261 a figure, watermarked n76/n81/n166 figures, n176 kind, n221 year.

Run: .venv/bin/python bench/review_pdf_layouts.py [--only NAME …] [--all] [--keep DIR]
(one to four minutes for 65 documents on a shared machine)
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START  # noqa: F401  (python-docx present: the bench needs it)
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_formats import _blocks, _figure, _folded

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from jixiao.formats import office
from jixiao.report.docx_out import add_field
from jixiao.review import review_file
from jixiao.review.narrative import extract_narrative_figures
from jixiao.review.source import read_source
from tests.pdf_stamps import STAMPS, stamped

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "review_corpus"
FIELDS = ("findings", "department", "year", "kind", "figures")
_FOOTERS = ("dash", "of", "slash")


def chosen(all_: bool) -> list[Path]:
    folders = sorted(
        (p for p in CORPUS.glob("n*") if (p / "document.txt").exists()), key=lambda p: int(p.name[1:].split("-")[0])
    )
    if all_:
        return folders
    newest = [p for p in folders if int(p.name[1:].split("-")[0]) >= 214]
    rest = [p for p in folders if p not in newest]
    return rest[::5] + newest


def _footer(paragraph, style: str) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    parts = {
        "dash": ["- ", "PAGE", " -"],
        "of": ["第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"],
        "slash": ["PAGE", "/", "NUMPAGES"],
    }
    for part in parts[style]:
        run = paragraph.add_run()
        if part in ("PAGE", "NUMPAGES"):
            add_field(run, part)
        else:
            run.text = part


def _watermark(header, text: str) -> None:
    """Word's text watermark: a VML WordArt shape in the header, behind the text, pale and rotated."""
    paragraph = header.add_paragraph()
    pict = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:400pt;height:100pt;rotation:315;z-index:-251654144;'
        "mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="silver" stroked="f">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="{text}"/></v:shape></w:pict></w:r>'
    )
    paragraph._p.append(pict)


def _seal_png() -> bytes:
    """A red seal: a ring, a star and an arc of text's place (strokes), on a transparent ground."""
    from PIL import Image, ImageDraw

    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 30, 200)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    c = size / 2
    import math

    star = [
        (c + r * math.sin(math.pi * k / 5), c - r * math.cos(math.pi * k / 5))
        for k, r in zip(range(10), [60, 24] * 5, strict=True)
    ]
    draw.polygon(star, fill=red)
    for angle in range(200, 341, 12):  # the arc of the unit's name, as blots (no readable text)
        a = math.radians(angle)
        x, y = c + 140 * math.cos(a), c + 140 * math.sin(a)
        draw.rectangle((x - 12, y - 12, x + 12, y + 12), fill=red)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _float(inline_run, left_cm: float, top_cm: float) -> None:
    """An inline picture turned into one floating in front of the text (a seal over the 落款)."""
    inline = inline_run._r.find(".//" + qn("wp:inline"))
    extent = inline.find(qn("wp:extent"))
    graphic = inline.find(qn("a:graphic"))
    doc_pr = inline.find(qn("wp:docPr"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{int(Cm(left_cm))}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{int(Cm(top_cm))}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{extent.get("cx")}" cy="{extent.get("cy")}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        "<wp:wrapNone/></wp:anchor>"
    )
    anchor.append(doc_pr)
    anchor.append(parse_xml(f"<wp:cNvGraphicFramePr {nsdecls('wp')}/>"))
    anchor.append(graphic)
    inline.getparent().replace(inline, anchor)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_RAISED = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
# words only, none that the review reads (a kind's words, 决算, 项目): the typed text has no footnotes
_NOTES = ("本段数据由本单位财务部门提供。", "具体情况详见附件。")


def _footnotes(doc) -> None:
    """A footnotes part (Word's 小五, 9 pt) holding _NOTES as footnotes 1 and 2."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    small = '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r>{_RAISED}<w:footnoteRef/></w:r>'
        f'<w:r>{small}<w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(_NOTES, 1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_W}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f"</w:footnote>{notes}</w:footnotes>"
    )
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    doc.part.relate_to(
        Part(PackURI("/word/footnotes.xml"), kind, xml.encode(), doc.part.package), RELATIONSHIP_TYPE.FOOTNOTES
    )


def _noted_paragraph(doc, text: str, note: int):
    """A paragraph with a footnote's raised mark after its first 万元 that a mark follows (not inside a unit,
    "万元/年"), or after its first sentence."""
    found = re.search("万元(?=[，。,;；、])", text)
    at = found.end() if found else (text.find("。") + 1 or len(text))
    p = doc.add_paragraph(text[:at])
    p._p.append(parse_xml(f'<w:r {_W}>{_RAISED}<w:footnoteReference w:id="{note}"/></w:r>'))
    if text[at:]:
        p.add_run(text[at:])
    return p


def write_layout_docx(blocks, path: Path, variant: int, head: str, header_on: str = "all", marks: bool = False) -> Path:
    """The document as Word lays out a department's report (see the module's docstring). `header_on`: the running
    header on every page, only the first ("first": Word's 首页不同 with the others' left empty) or only odd pages
    ("odd": 奇偶页不同, the even pages' empty); `marks`: a footnote's raised mark after the first figure of each
    table (a table page's superscript)."""
    doc = Document()
    noted = variant % 3 == 1  # Word footnotes: two, their marks after a figure
    if noted:
        _footnotes(doc)
    pending = [1, 2] if noted else []
    section = doc.sections[0]
    if variant % 3 == 2:  # A5, smaller margins
        section.page_width, section.page_height = Cm(14.8), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.2)
    else:  # GB/T 9704: A4, 37 mm top, 35 mm bottom, 28 mm left, 26 mm right
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.header_distance = section.footer_distance = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.size = Pt(16 if variant % 3 != 2 else 12)
    style.font.name = "仿宋"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    header = section.header.paragraphs[0]
    if header_on == "first":
        section.different_first_page_header_footer = True
        header = section.first_page_header.paragraphs[0]
        _footer(section.first_page_footer.paragraphs[0], _FOOTERS[variant % 3])
    elif header_on == "odd":
        doc.settings.odd_and_even_pages_header_footer = True
        _footer(section.even_page_footer.paragraphs[0], _FOOTERS[variant % 3])
    header.text = head
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER if variant % 2 else WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(10.5)
    if variant % 4 == 0:
        _watermark(section.header, "内部资料")
    _footer(section.footer.paragraphs[0], _FOOTERS[variant % 3])
    for kind, content in blocks:
        if kind == "paragraph":
            text = str(content)
            if pending and len(text) >= 60 and "。" in text:
                p = _noted_paragraph(doc, text, pending.pop(0))
            else:
                p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(32)
            continue
        rows = content
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        marked = not marks
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
                if not marked and r and re.fullmatch(r"\d[\d,]*\.\d+", cell.strip()):
                    table.cell(r, c).paragraphs[0]._p.append(parse_xml(f"<w:r {_W}>{_RAISED}<w:t>1</w:t></w:r>"))
                    marked = True
        # the header row repeated on each page the table reaches (Word: 标题行重复)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
    # the seal, floating over the last lines (the 落款)
    seal = doc.add_paragraph()
    run = seal.add_run()
    run.add_picture(io.BytesIO(_seal_png()), width=Cm(4.2))
    _float(run, 8.0, -4.0)
    run.font.color.rgb = RGBColor(0xDC, 0x14, 0x1E)
    doc.save(str(path))
    return path


def write_stamped_pdf(blocks, here: Path, variant: int, head: str, department: str) -> Path:
    """The layout PDF as it often really comes: a pale watermark across every page (turned on even variants, level
    on odd; "仅供审核", "内部资料" or the department's name as the text's review reads it), the running header
    on the first page only (even) or odd pages only (odd), and a raised footnote mark after the first figure of each
    table."""
    docx = write_layout_docx(blocks, here / "水印.docx", variant, head, "first" if variant % 2 == 0 else "odd", True)
    fodt = office.convert_file(docx, "fodt", here / "fodt")
    text = (*STAMPS, department or STAMPS[0])[variant % 3]
    marked = here / "水印.fodt"
    marked.write_text(stamped(fodt.read_text(encoding="utf-8"), text, variant % 2 == 0), encoding="utf-8")
    return office.convert_file(marked, "pdf", here / "stamped")


# ideograph → the look-alike WPS's, Word's and Chrome's ToUnicode maps name for its glyph: Kangxi radicals (⼈ U+2F08,
# ⼀ U+2F00, ⽇ U+2F47; ⿈ U+2FC8 and ⼾ U+2F3E whose NFKC is the traditional 黃, 戶), the radicals supplement's
# C-simplified forms (⻔ U+2ED4, ⻓ U+2ED3: no NFKC) and a compatibility ideograph (率 U+F961)
LOOKALIKES = dict(zip("人一二日金用门长页马车见风黄户青率", "⼈⼀⼆⽇⾦⽤⻔⻓⻚⻢⻋⻅⻛⿈⼾⾭\uf961", strict=True))


def write_lookalike_pdf(pdf: Path, out: Path) -> Path:
    """The PDF with its fonts' ToUnicode maps naming look-alikes (LOOKALIKES) for those ideographs' glyphs, as WPS's
    and Word's exports do: the page shows 部门 and 人民, the text layer says 部⻔ and ⼈民. Written as an incremental
    update (each ToUnicode stream anew, a new xref section after the file's own): the pages are untouched."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    data = pdf.read_bytes()
    codes = {f"<{ord(k):04X}>".encode(): f"<{ord(v):04X}>".encode() for k, v in LOOKALIKES.items()}
    with pdf.open("rb") as handle:
        document = PDFDocument(PDFParser(handle))
        maps = sorted({int(m) for m in re.findall(rb"/ToUnicode\s+(\d+)\s+0\s+R", data)})
        streams = {number: resolve1(document.getobj(number)).get_data() for number in maps}
        trailer = document.xrefs[-1].get_trailer()
        root, size = trailer["Root"].objid, int(trailer["Size"])
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    data += b"" if data.endswith(b"\n") else b"\n"
    update, offsets = bytearray(), {}
    for number, stream in streams.items():
        # each bfchar entry's target (a bfrange's is the start of a run: left as it is)
        mapped = re.sub(
            rb"beginbfchar(.*?)endbfchar",
            lambda m: re.sub(
                rb"(<[0-9A-Fa-f]+>\s*)(<[0-9A-Fa-f]{4}>)",
                lambda e: e.group(1) + codes.get(e.group(2).upper(), e.group(2)),
                m.group(),
            ),
            stream,
            flags=re.DOTALL,
        )
        offsets[number] = len(data) + len(update)
        update += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (number, len(mapped)) + mapped + b"\nendstream\nendobj\n"
    xref = len(data) + len(update)
    update += b"xref\n" + b"".join(b"%d 1\n%010d 00000 n \n" % (n, o) for n, o in sorted(offsets.items()))
    update += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, previous, xref)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data + bytes(update))
    return out


def write_plain_docx(blocks, path: Path) -> Path:
    doc = Document()
    for kind, content in blocks:
        if kind == "paragraph":
            doc.add_paragraph(str(content))
            continue
        rows = content
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    doc.add_paragraph("")
    doc.save(str(path))
    return path


def write_txt(blocks, path: Path) -> Path:
    lines = []
    for kind, content in blocks:
        lines += [str(content)] if kind == "paragraph" else ["\t".join(row) for row in content]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def summary(path: Path) -> dict[str, object]:
    result = review_file(path)
    findings = sorted(
        (f.code, f.severity.value, _figure(f.expected), _figure(f.actual))
        for f in result.findings
        if f.code != "review.ocr_doubtful_name"
    )
    figures = Counter((str(f.value.normalize()), f.unit) for f in extract_narrative_figures(read_source(path)))
    return {
        "findings": findings,
        "department": _folded(result.department or ""),
        "year": result.year,
        "kind": result.kind,
        "figures": figures,
    }


def compare(text: dict, other: dict) -> list[str]:
    out = [name for name in FIELDS if name != "figures" and text[name] != other[name]]
    lost = text["figures"] - other["figures"]
    extra = other["figures"] - text["figures"]
    if lost or extra:
        out.append(f"figures(-{sum(lost.values())}/+{sum(extra.values())})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="corpus folders to run (names or their nNN prefix)")
    parser.add_argument("--all", action="store_true", help="every narrative, not about 60")
    parser.add_argument("--keep", help="keep the written files in this folder")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain PDF (the control)")
    parser.add_argument("--no-stamped", action="store_true", help="skip the watermarked PDF")
    parser.add_argument("--no-lookalike", action="store_true", help="skip the look-alike glyphs' PDF")
    parser.add_argument("-v", action="store_true", help="print the differing findings")
    args = parser.parse_args()
    folders = chosen(args.all)
    # each document's layout by its place in the whole run, so that --only lays it out as the whole run does
    variants = {folder: i for i, folder in enumerate(folders)}
    if args.only:
        folders = [f for f in sorted(CORPUS.glob("n*")) if f.name in args.only or f.name.split("-")[0] in args.only]
    agree = {"layout": 0, "plain": 0, "stamped": 0, "lookalike": 0}
    by_field: dict[str, Counter] = {k: Counter() for k in agree}
    crashes: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-layouts-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        for folder in folders:
            name = folder.name
            variant = variants.get(folder, int(name[1:].split("-")[0]))
            here = work / name
            here.mkdir(parents=True, exist_ok=True)
            blocks = _blocks((folder / "document.txt").read_text(encoding="utf-8"))
            line = [name[:44].ljust(44)]
            try:
                text = summary(write_txt(blocks, here / "报告.txt"))
                title = next((str(c) for k, c in blocks if k == "paragraph"), "")
                # a running head is short: the title where it is one (not a first paragraph of 200 characters),
                # else the department's name (as the text's review reads it), else the kind of report
                short = title if len(title) <= 30 else ""
                head = (text["department"] if variant % 2 else short) or short or text["department"] or "绩效评价报告"
                docx = write_layout_docx(blocks, here / "排版.docx", variant, str(head))
                pdf = office.convert_file(docx, "pdf", here / "pdf")
                laid = summary(pdf)
                differ = compare(text, laid)
                agree["layout"] += not differ
                by_field["layout"].update(d.split("(")[0] for d in differ)
                line.append(f"排版PDF {'同' if not differ else '异:' + ','.join(differ)}")
                if args.v and differ:
                    for f in sorted(set(text["findings"]) ^ set(laid["findings"])):
                        side = "仅文本" if f in text["findings"] else "仅PDF"
                        line.append(f"\n    {side}: {f}")
                    if text["department"] != laid["department"]:
                        line.append(f"\n    单位: {text['department']!r} / {laid['department']!r}")
                    lost, extra = text["figures"] - laid["figures"], laid["figures"] - text["figures"]
                    if lost or extra:
                        line.append(f"\n    数字 仅文本 {dict(lost)} 仅PDF {dict(extra)}")
                if not args.no_stamped:
                    stamped_pdf = write_stamped_pdf(blocks, here, variant, str(head), str(text["department"]))
                    seen = summary(stamped_pdf)
                    differ = compare(text, seen)
                    agree["stamped"] += not differ
                    by_field["stamped"].update(d.split("(")[0] for d in differ)
                    line.append(f"| 水印PDF {'同' if not differ else '异:' + ','.join(differ)}")
                    if args.v and differ:
                        for f in sorted(set(text["findings"]) ^ set(seen["findings"])):
                            line.append(f"\n    {'仅文本' if f in text['findings'] else '仅水印PDF'}: {f}")
                        if text["department"] != seen["department"]:
                            line.append(f"\n    单位: {text['department']!r} / {seen['department']!r}")
                        lost, extra = text["figures"] - seen["figures"], seen["figures"] - text["figures"]
                        if lost or extra:
                            line.append(f"\n    数字 仅文本 {dict(lost)} 仅水印PDF {dict(extra)}")
                if not args.no_lookalike:
                    seen = summary(write_lookalike_pdf(pdf, here / "字形" / "字形.pdf"))
                    differ = compare(text, seen)
                    agree["lookalike"] += not differ
                    by_field["lookalike"].update(d.split("(")[0] for d in differ)
                    line.append(f"| 字形PDF {'同' if not differ else '异:' + ','.join(differ)}")
                    if args.v and text["department"] != seen["department"]:
                        line.append(f"\n    单位: {text['department']!r} / {seen['department']!r}")
                if not args.no_plain:
                    plain = office.convert_file(write_plain_docx(blocks, here / "原样.docx"), "pdf", here / "plain")
                    differ = compare(text, summary(plain))
                    agree["plain"] += not differ
                    by_field["plain"].update(d.split("(")[0] for d in differ)
                    line.append(f"| 普通PDF {'同' if not differ else '异:' + ','.join(differ)}")
            except Exception as exc:  # a crash is a result here: counted and shown, the run goes on
                crashes.append(name)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    total = len(folders)
    print()
    labels = {
        "layout": "排版PDF（页眉页脚、分页、水印、印章）",
        "stamped": "水印PDF（文字水印、仅首页或奇数页页眉、表格上标）",
        "lookalike": "字形PDF（排版PDF的字体映射为康熙部首、部首补充等形近字）",
        "plain": "普通PDF（对照）",
    }
    skipped = {"plain": args.no_plain, "stamped": args.no_stamped, "lookalike": args.no_lookalike}
    for fmt in [f for f in labels if not skipped.get(f)]:
        label = labels[fmt]
        fields = "，".join(f"{k} {total - by_field[fmt][k]}/{total}" for k in FIELDS)
        print(f"{label}: 与文本审核结果一致 {agree[fmt]}/{total}；分项一致：{fields}")
    print(f"崩溃：{len(crashes)}{'（' + '、'.join(crashes) + '）' if crashes else ''}")
    print(f"用时 {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
