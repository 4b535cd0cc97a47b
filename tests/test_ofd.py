"""OFD (GB/T 33190) as real producers write it (issue 20): the corpus documents written as OFDs in three producers'
manners give the review of the .docx; each structure is read (templates, layers, TextCode DeltaX/DeltaY, CTM,
fonts by id, PathObject rules as lines, as rectangles and as thin filled bars, merged cells, PageBlock and
CompositeObject, a scanned page as an ImageObject, stamps in Annotations and Signatures); and hostile or broken
files are one Chinese error naming the file, in bounded time.

The writer below is small and follows the standard's structure: OFD.xml → Doc_0/Document.xml (CommonData with
PageArea, PublicRes, DocumentRes, TemplatePage; Pages; Annotations) → Doc_0/Pages/Page_N/Content.xml. Text is
3.2 mm (about 9 pt); a CJK glyph advances 3.2 mm, an ASCII one 1.6 mm."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from jixiao.formats.ofd import read_ofd
from jixiao.model.problems import JixiaoError
from jixiao.review import review_file
from jixiao.review.corpus import load_corpus, write_docx
from jixiao.review.source import read_source

from .review_support import cjk_font, one_of_each_kind, review_summary

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
SIZE = 3.2


def advance(char: str) -> float:
    return SIZE / 2 if ord(char) < 128 else SIZE


def width(text: str) -> float:
    return sum(advance(c) for c in text)


@dataclass
class OfdWriter:
    """Pages of objects (XML text) written as an OFD; ids are handed out in order."""

    pages: list[list[str]] = field(default_factory=lambda: [[]])
    background: list[list[str]] = field(default_factory=lambda: [[]])  # a second layer of each page
    template: list[str] = field(default_factory=list)  # objects of one TemplatePage under every page
    units: dict[str, list[str]] = field(default_factory=dict)  # CompositeGraphicUnit id → its objects
    media: dict[str, bytes] = field(default_factory=dict)  # MultiMedia id → image bytes
    annotations: bool = False  # a stamp (电子印章) on page 1, and a signature
    page_width: float = 2000.0
    listed_pages: int | None = None  # Document.xml lists this many pages (default: those written)
    next_id: int = 100

    def id(self) -> int:
        self.next_id += 1
        return self.next_id

    def write(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(
                "OFD.xml",
                f'{HEAD}<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID>'
                "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                + ("<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" if self.annotations else "")
                + "</ofd:DocBody></ofd:OFD>",
            )
            count = self.listed_pages if self.listed_pages is not None else len(self.pages)
            listed = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(count))
            z.writestr(
                "Doc_0/Document.xml",
                f"{HEAD}<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>{self.next_id + 10}</ofd:MaxUnitID>"
                f"<ofd:PageArea><ofd:PhysicalBox>0 0 {self.page_width} 297</ofd:PhysicalBox></ofd:PageArea>"
                "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
                + ('<ofd:TemplatePage ID="1" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if self.template else "")
                + f"</ofd:CommonData><ofd:Pages>{listed}</ofd:Pages>"
                + ("<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>" if self.annotations else "")
                + "</ofd:Document>",
            )
            z.writestr(
                "Doc_0/PublicRes.xml",
                f'{HEAD}<ofd:Res {NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
                '<ofd:Font ID="3" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>',
            )
            media = "".join(
                f'<ofd:MultiMedia ID="{key}" Type="Image" Format="PNG"><ofd:MediaFile>{key}.png</ofd:MediaFile>'
                "</ofd:MultiMedia>"
                for key in self.media
            )
            units = "".join(
                f'<ofd:CompositeGraphicUnit ID="{key}" Width="{self.page_width}" Height="297"><ofd:Content>'
                f"{''.join(objects)}</ofd:Content></ofd:CompositeGraphicUnit>"
                for key, objects in self.units.items()
            )
            z.writestr(
                "Doc_0/DocumentRes.xml",
                f'{HEAD}<ofd:Res {NS} BaseLoc="Res"><ofd:MultiMedias>{media}</ofd:MultiMedias>'
                f"<ofd:CompositeGraphicUnits>{units}</ofd:CompositeGraphicUnits></ofd:Res>",
            )
            for key, data in self.media.items():
                z.writestr(f"Doc_0/Res/{key}.png", data)
            if self.template:
                z.writestr("Doc_0/Tpls/Tpl_0/Content.xml", _page_xml([self.template]))
            for i, objects in enumerate(self.pages):
                layers = [self.background[i] if i < len(self.background) else [], objects]
                template = '<ofd:Template TemplateID="1" ZOrder="Background"/>' if self.template else ""
                z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _page_xml(layers, template))
            if self.annotations:
                self._stamps(z)
        return path

    def _stamps(self, z: zipfile.ZipFile) -> None:
        """A stamp annotation whose appearance holds the seal's text, and a signature: neither is page text."""
        z.writestr(
            "Doc_0/Annots/Annotations.xml",
            f'{HEAD}<ofd:Annotations {NS}><ofd:Page PageID="1"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc>'
            "</ofd:Page></ofd:Annotations>",
        )
        z.writestr(
            "Doc_0/Annots/Page_0/Annotation.xml",
            f'{HEAD}<ofd:PageAnnot {NS}><ofd:Annot ID="{self.id()}" Type="Stamp" Creator="数科"><ofd:Appearance '
            f'Boundary="120 200 40 40"><ofd:TextObject ID="{self.id()}" Boundary="0 0 40 40" Font="2" Size="5">'
            '<ofd:TextCode X="4" Y="20" DeltaX="g 3 5">电子印章</ofd:TextCode></ofd:TextObject></ofd:Appearance>'
            "</ofd:Annot></ofd:PageAnnot>",
        )
        z.writestr(
            "Doc_0/Signs/Signatures.xml",
            f'{HEAD}<ofd:Signatures {NS}><ofd:Signature ID="1" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>',
        )
        z.writestr(
            "Doc_0/Signs/Sign_0/Signature.xml",
            f"{HEAD}<ofd:Signature {NS}><ofd:SignedInfo><ofd:Seal><ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal>"
            '<ofd:StampAnnot ID="1" PageRef="1" Boundary="120 200 40 40"/></ofd:SignedInfo>'
            "<ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>",
        )
        z.writestr("Doc_0/Signs/Sign_0/Seal.esl", b"\x30\x82\x01\x00" + bytes(64))
        z.writestr("Doc_0/Signs/Sign_0/SignedValue.dat", bytes(64))


def _page_xml(layers: list[list[str]], template: str = "") -> str:
    body = "".join(f'<ofd:Layer ID="{90 + i}">{"".join(objects)}</ofd:Layer>' for i, objects in enumerate(layers))
    return f"{HEAD}<ofd:Page {NS}>{template}<ofd:Content>{body}</ofd:Content></ofd:Page>"


def text_object(w: OfdWriter, x: float, top: float, text: str) -> str:
    """数科's manner: one TextObject a run, each glyph's advance in DeltaX (runs of equal steps as "g n d")."""
    steps = [advance(c) for c in text[:-1]]
    deltas = f"g {len(steps)} {SIZE}" if steps and set(steps) == {SIZE} else " ".join(map(str, steps))
    return (
        f'<ofd:TextObject ID="{w.id()}" Boundary="{x} {top} {width(text) + 2} 4.8" Font="2" Size="{SIZE}">'
        f'<ofd:TextCode X="0" Y="{SIZE}" DeltaX="{deltas}">{escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def glyph_objects(w: OfdWriter, x: float, top: float, text: str) -> list[str]:
    """福昕's manner for PDF-born OFDs: a TextObject per glyph, Size 1 scaled to 3.2 mm by its CTM."""
    out = []
    for char in text:
        if char != " ":
            out.append(
                f'<ofd:TextObject ID="{w.id()}" Boundary="{x:.3f} {top} {SIZE} 4.8" Font="3" Size="1" '
                f'CTM="{SIZE} 0 0 {SIZE} 0 0"><ofd:TextCode X="0" Y="1">{escape(char)}</ofd:TextCode></ofd:TextObject>'
            )
        x += advance(char)
    return out


def wrapped_object(w: OfdWriter, x: float, top: float, text: str, per_line: int) -> str:
    """A cell's text wrapped inside its cell by one TextCode: after `per_line` glyphs DeltaX steps back to the
    line's start and DeltaY down 4.5 mm (how 数科 writes a wrapped table cell)."""
    dx: list[float] = []
    dy: list[float] = []
    start = 0  # the glyph opening the current line
    for i in range(len(text) - 1):
        if (i + 1) % per_line == 0:  # glyph i + 1 opens the next line: back by the width of glyphs start … i-1
            dx.append(-width(text[start:i]))
            dy.append(4.5)
            start = i + 1
        else:
            dx.append(advance(text[i]))
            dy.append(0.0)
    return (
        f'<ofd:TextObject ID="{w.id()}" Boundary="{x} {top} {width(text) + 2} 12" Font="2" Size="{SIZE}">'
        f'<ofd:TextCode X="0" Y="{SIZE}" DeltaX="{" ".join(map(str, dx))}" DeltaY="{" ".join(map(str, dy))}">'
        f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
    )


def line_path(w: OfdWriter, x0: float, y0: float, x1: float, y1: float) -> str:
    """A rule as a stroked line, its Boundary at the line's start (coordinates inside relative to it)."""
    return (
        f'<ofd:PathObject ID="{w.id()}" Boundary="{x0} {y0} {max(x1 - x0, 0.1)} {max(y1 - y0, 0.1)}" LineWidth="0.25">'
        f"<ofd:AbbreviatedData>M 0 0 L {x1 - x0} {y1 - y0}</ofd:AbbreviatedData></ofd:PathObject>"
    )


def bar_path(w: OfdWriter, x0: float, y0: float, x1: float, y1: float) -> str:
    """A rule as a thin filled rectangle (PDF-born OFDs), drawn at twice its size and halved by its CTM."""
    wide, high = max(x1 - x0, 0.3), max(y1 - y0, 0.3)
    return (
        f'<ofd:PathObject ID="{w.id()}" Boundary="{x0 - 0.15} {y0 - 0.15} {wide} {high}" Stroke="false" Fill="true" '
        f'CTM="0.5 0 0 0.5 0 0"><ofd:AbbreviatedData>S 0 0 L {2 * wide} 0 L {2 * wide} {2 * high} L 0 {2 * high} C'
        "</ofd:AbbreviatedData></ofd:PathObject>"
    )


_QUARTER = {1: "0 1 -1 0 0 0", 3: "0 -1 1 0 0 0"}  # CTM turning text a quarter clockwise (1) or back (3)


def turned_object(w: OfdWriter, x: float, y: float, text: str, quarter: int) -> str:
    """A run turned a quarter, its Boundary's origin at (x, y) on the page. Turned clockwise (1) the text runs
    down the page from y, its glyphs' tops facing right: they take x - 3.2 … x. Turned back (3) it runs up the
    page from y, taking x … x + 3.2."""
    steps = " ".join(str(advance(c)) for c in text[:-1])
    return (
        f'<ofd:TextObject ID="{w.id()}" Boundary="{x} {y} 5 {width(text) + 2}" Font="2" Size="{SIZE}" '
        f'CTM="{_QUARTER[quarter]}"><ofd:TextCode X="0" Y="{SIZE}" DeltaX="{steps}">{escape(text)}</ofd:TextCode>'
        "</ofd:TextObject>"
    )


def corpus_ofd(doc, path: Path, manner: str = "suwell") -> Path:
    """A corpus document as an OFD with its tables ruled: paragraphs one a line; a table's columns as wide as
    their longest text (national: at most 14 characters, a longer text wrapped inside its cell), a rule at every
    row and column; 40 lines a page, a table going on overleaf where the page ends.

    suwell: runs with DeltaX, rules as stroked lines, a template under each page holding a frame rule.
    foxit: a TextObject per glyph scaled by CTM, rules as thin filled bars in a second (background) layer.
    national: rows in PageBlocks, a wrapped cell's text one TextCode with DeltaX/DeltaY, the rules as one
    CompositeObject per table placed by its Boundary; a stamp in Annotations and a signature.
    unruled: as suwell, without rules or template: tables are rebuilt from the runs' positions alone.
    turned: as suwell, each table turned a quarter on pages of its own (_turned_table: a landscape table set on
    portrait pages), the paragraphs after it on a new page."""
    w = OfdWriter(annotations=manner == "national")
    if manner == "suwell":
        w.template = [line_path(w, 10, 12, 1990, 12)]  # a letterhead's rule: one line, no table
    y = 20.0

    def page_break(needed: float) -> None:
        nonlocal y
        if y + needed > 280:
            w.pages.append([])
            w.background.append([])
            y = 20.0

    for seg in doc.segments:
        if seg.kind == "paragraph":
            page_break(6)
            put = glyph_objects(w, 20, y, seg.text) if manner == "foxit" else [text_object(w, 20, y, seg.text)]
            w.pages[-1].extend(
                put if manner != "national" else [f'<ofd:PageBlock ID="{w.id()}">{put[0]}</ofd:PageBlock>']
            )
            y += 6
            continue
        cols = max(len(r) for r in seg.rows)
        limit = 14 if manner == "national" else 10_000
        widths = [max((width(r[c][:limit]) if c < len(r) else 0) for r in seg.rows) + 6 for c in range(cols)]
        if manner == "turned":
            _turned_table(w, seg.rows, widths)
            page_break(280)  # always: what follows opens the next page
            continue
        xs = [20 + sum(widths[:c]) for c in range(cols + 1)]
        table_top = y
        rules: list[tuple[float, float, float, float]] = []
        for row in seg.rows:
            lines = max((len(t) + limit - 1) // limit for t in row) if any(row) else 1
            high = 6 + 4.5 * (lines - 1)
            if y + high > 280:  # the table goes on overleaf: close this page's part
                rules += _table_rules(xs, table_top, y)
                _put_rules(w, manner, rules)
                rules = []
                page_break(280)  # always: the rest of the table opens the next page
                table_top = y
            rules.append((xs[0], y, xs[-1], y))
            objects = []
            for c, text in enumerate(row):
                if not text.strip():
                    continue
                if manner == "foxit":
                    objects += glyph_objects(w, xs[c] + 2, y + 0.6, text)
                elif len(text) > limit:
                    objects.append(wrapped_object(w, xs[c] + 2, y + 0.6, text, limit))
                else:
                    objects.append(text_object(w, xs[c] + 2, y + 0.6, text))
            if manner == "national":
                objects = [f'<ofd:PageBlock ID="{w.id()}">{"".join(objects)}</ofd:PageBlock>']
            w.pages[-1].extend(objects)
            y += high
        rules += _table_rules(xs, table_top, y)
        _put_rules(w, manner, rules)
        y += 4
    return w.write(path)


def _turned_table(w: OfdWriter, rows, widths: list[float]) -> None:
    """A table turned a quarter clockwise, opening a page: its first row at the page's right (the row's edge at
    x 200.6, its glyphs' tops at 200), each next row 6 mm to the left, 30 rows a page and the rest overleaf; its
    columns down the page from y 20; a rule at every row's edge (down the page) and column's (across)."""
    ys = [20 + sum(widths[:c]) for c in range(len(widths) + 1)]
    for start in range(0, len(rows), 30):
        if w.pages[-1]:
            w.pages.append([])
            w.background.append([])
        part = rows[start : start + 30]
        edges = [200.6 - 6 * r for r in range(len(part) + 1)]
        for edge, row in zip(edges, part, strict=False):
            w.pages[-1] += [turned_object(w, edge - 0.6, ys[c] + 2, t, 1) for c, t in enumerate(row) if t.strip()]
        w.pages[-1] += [line_path(w, x, ys[0], x, ys[-1]) for x in edges]
        w.pages[-1] += [line_path(w, edges[-1], y, edges[0], y) for y in ys]


def _table_rules(xs: list[float], top: float, bottom: float) -> list[tuple[float, float, float, float]]:
    return [(xs[0], bottom, xs[-1], bottom)] + [(x, top, x, bottom) for x in xs]


def _put_rules(w: OfdWriter, manner: str, rules: list[tuple[float, float, float, float]]) -> None:
    if manner == "unruled":
        return
    if manner == "foxit":
        w.background[-1].extend(bar_path(w, *r) for r in rules)
    elif manner == "national":
        key = str(w.id())
        w.units[key] = [line_path(w, *r) for r in rules]
        w.pages[-1].append(f'<ofd:CompositeObject ID="{w.id()}" Boundary="0 0 {w.page_width} 297" ResourceID="{key}"/>')
    else:
        w.pages[-1].extend(line_path(w, *r) for r in rules)


@pytest.mark.parametrize("manner", ["suwell", "foxit", "national", "turned"])
@pytest.mark.parametrize("item", one_of_each_kind(), ids=lambda item: item.kind)
def test_each_corpus_kind_reviews_the_same_as_a_ruled_ofd(item, manner, tmp_path):
    doc = read_source(item.folder / "document.txt")
    docx = tmp_path / "报告.docx"
    write_docx(doc, docx)
    assert review_summary(corpus_ofd(doc, tmp_path / "报告.ofd", manner)) == review_summary(docx)


# --- each structure, read as written ------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return [list(row) for row in read_source(path).tables()[0].rows]


def test_a_merged_cell_keeps_its_text_at_its_top_left(tmp_path):
    # columns at x 20 | 50 | 90 | 110, rows at y 40 | 46 | 52 | 58; the first column's cell spans rows 2 and 3:
    # the rule at y 52 runs only from x 50, so the cell (rows 2–3, column 1) reads "决策" once, on row 2
    w = OfdWriter(page_width=210)
    rules = [(20, 40, 110, 40), (20, 46, 110, 46), (50, 52, 110, 52), (20, 58, 110, 58)]
    rules += [(x, 40, x, 58) for x in (20, 50, 90, 110)]
    w.pages[0] += [line_path(w, *r) for r in rules]
    cells = [(22, 40.6, "一级指标"), (52, 40.6, "三级指标"), (92, 40.6, "分值"), (22, 49.6, "决策")]
    cells += [(52, 46.6, "合理性"), (92, 46.6, "10"), (52, 52.6, "规范性"), (92, 52.6, "9")]
    w.pages[0] += [text_object(w, x, y, t) for x, y, t in cells]
    w.pages[0].append(text_object(w, 20, 20, "2023年度项目支出绩效自评表"))
    assert _rows(w.write(tmp_path / "合并.ofd")) == [
        ["一级指标", "三级指标", "分值"],
        ["决策", "合理性", "10"],
        ["", "规范性", "9"],
    ]


def test_a_row_written_as_one_text_code_is_cut_into_its_cells(tmp_path):
    # "合计10095" as one TextCode: 合 at x 22, 计 at 25.2, then DeltaX jumps 34.8 to 1 at 60 (0 at 61.6, 0 at
    # 63.2), then 18.4 to 9 at 81.6 (5 at 83.2): the cells under the rules at 20 | 58 | 78 | 100
    w = OfdWriter(page_width=210)
    rules = [(20, 40, 100, 40), (20, 46, 100, 46), (20, 52, 100, 52)] + [(x, 40, x, 52) for x in (20, 58, 78, 100)]
    w.pages[0] += [line_path(w, *r) for r in rules]
    w.pages[0] += [text_object(w, 22, 40.6, t) for t in ("项目",)] + [text_object(w, 60, 40.6, "分值")]
    w.pages[0].append(text_object(w, 80, 40.6, "得分"))
    w.pages[0].append(
        f'<ofd:TextObject ID="{w.id()}" Boundary="22 46.6 80 4.8" Font="2" Size="3.2"><ofd:TextCode X="0" Y="3.2" '
        'DeltaX="3.2 34.8 1.6 1.6 18.4 1.6">合计10095</ofd:TextCode></ofd:TextObject>'
    )
    assert _rows(w.write(tmp_path / "一行.ofd")) == [["项目", "分值", "得分"], ["合计", "100", "95"]]


def test_template_text_is_read_and_stamps_are_not(tmp_path):
    # the template's letterhead is on the page; the stamp's appearance (Annotations) and the signature are not
    w = OfdWriter(page_width=210, annotations=True)
    w.template = [text_object(w, 20, 10, "深圳市宝安区财政局")]
    w.pages[0] += [text_object(w, 20, 30, "关于2023年度绩效自评的报告"), "<ofd:PageBlock>"]
    w.pages[0][-1] += text_object(w, 20, 40, "本部门自评得分95分。") + "</ofd:PageBlock>"
    texts = [b.text for b in read_ofd(w.write(tmp_path / "模板.ofd"))]
    assert texts == ["深圳市宝安区财政局", "关于2023年度绩效自评的报告", "本部门自评得分95分。"]
    assert not any("印章" in t for t in texts)


def test_a_ctm_turns_text_placed_in_its_own_units(tmp_path):
    # Size 1 in an object scaled ×3.2 by its CTM, X/Y in object units: 决 at 20 + 0 × 3.2, 算 at 20 + 1 × 3.2
    w = OfdWriter(page_width=210)
    w.pages[0].append(
        f'<ofd:TextObject ID="{w.id()}" Boundary="20 30 20 5" Font="2" Size="1" CTM="3.2 0 0 3.2 0 0">'
        '<ofd:TextCode X="0" Y="1" DeltaX="1 1 1">决算支出</ofd:TextCode></ofd:TextObject>'
    )
    w.pages[0].append(text_object(w, 20 + 4 * 3.2, 30, "1240万元"))  # right after 出 (4 glyphs × 3.2 mm)
    assert [p.text for p in read_source(w.write(tmp_path / "变换.ofd")).paragraphs()] == ["决算支出1240万元"]


# --- hostile and broken files: one Chinese error naming the file, never a traceback ---------------------------


def _simple(w: OfdWriter) -> OfdWriter:
    w.page_width = 210
    w.pages[0].append(text_object(w, 20, 20, "2023年度部门整体支出绩效自评报告"))
    return w


def _zip_bomb(path: Path) -> None:
    _simple(OfdWriter()).write(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:  # 60 MB of spaces packed into about 60 KB
        z.writestr("Doc_0/Res/padding.xml", "<a>" + " " * (60 * 1024 * 1024) + "</a>")


def _missing_page(path: Path) -> None:
    w = _simple(OfdWriter())
    w.listed_pages = 2  # Document.xml lists Page_1, which the zip does not hold
    w.write(path)


def _broken_xml(path: Path) -> None:
    _simple(OfdWriter()).write(path)
    _replace(path, "Doc_0/Pages/Page_0/Content.xml", f"{HEAD}<ofd:Page {NS}><ofd:Content><ofd:Layer>".encode())


def _outside(path: Path) -> None:
    _simple(OfdWriter()).write(path)
    document = _read(path, "Doc_0/Document.xml").replace(b"Pages/Page_0/Content.xml", b"../../../etc/passwd")
    _replace(path, "Doc_0/Document.xml", document)


def _ten_thousand_pages(path: Path) -> None:
    w = _simple(OfdWriter())
    w.listed_pages = 10_000
    w.write(path)


def _entity_bomb(path: Path) -> None:
    _simple(OfdWriter()).write(path)
    lol = '<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    _replace(path, "Doc_0/Pages/Page_0/Content.xml", f"{HEAD}{lol}<ofd:Page {NS}>&b;</ofd:Page>".encode())


def _composite_loop(path: Path) -> None:
    # a unit drawing itself 20 times: 20^32 objects if followed to the nesting limit
    w = _simple(OfdWriter())
    w.units["7"] = [f'<ofd:CompositeObject ID="{i}" Boundary="0 0 10 10" ResourceID="7"/>' for i in range(20)]
    w.pages[0].append('<ofd:CompositeObject ID="8" Boundary="0 0 10 10" ResourceID="7"/>')
    w.write(path)


def _read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def _replace(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for key, value in parts.items():
            z.writestr(key, value)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_zip_bomb, "压缩"),
        (_missing_page, "第2页"),
        (_broken_xml, "XML"),
        (_outside, "压缩包以外"),
        (_ten_thousand_pages, "10000 页"),
        (_entity_bomb, "DOCTYPE"),
        (_composite_loop, "复合对象"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_a_hostile_or_broken_ofd_is_one_chinese_error_naming_the_file(tmp_path, make, says):
    path = tmp_path / "报告.ofd"
    make(path)
    with pytest.raises(JixiaoError) as info:
        review_file(path)
    (problem,) = info.value.problems
    assert problem.location.file == str(path)
    assert says in problem.message, problem.message


def test_a_sound_file_of_the_same_writer_is_read(tmp_path):
    # the hostile files above are this one, broken: it is read
    assert [b.text for b in read_ofd(_simple(OfdWriter()).write(tmp_path / "好.ofd"))] == [
        "2023年度部门整体支出绩效自评报告"
    ]


# --- a scanned page saved as OFD ------------------------------------------------------------------------------


def _scan_ofd(path: Path, image: bytes) -> Path:
    """One A4 page holding a picture of the page (an ImageObject filling the page through its CTM) and, as text,
    only its number in the template under it."""
    w = OfdWriter(page_width=210, media={"5": image})
    w.template = [text_object(w, 100, 287, "- 1 -")]
    w.pages[0].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="5"/>')
    return w.write(path)


def test_a_scanned_ofd_page_reads_as_the_same_scan_in_a_pdf(tmp_path):
    """The page of a text PDF rasterised at 150 dpi, saved once as an image-only PDF and once inside an OFD: the
    OFD's picture is recognised as the PDF's scanned page is, and the review is the same (the department, the
    score table 10 + 9 + 75 = 94 against its 合计 95)."""
    import pypdfium2
    from docx import Document

    from jixiao.formats import office

    if office.find_soffice() is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")
    doc = Document()
    for text in ("2023年度部门整体支出绩效自评报告", "深圳市宝安区妇女联合会", "一、自评结果"):
        doc.add_paragraph(text)
    doc.add_paragraph("经自评，本部门2023年度自评得分95分，评价等级为“优”。")
    rows = [("一级指标", "二级指标", "三级指标", "分值", "得分"), ("决策", "预算编制", "合理性", "10", "10")]
    rows += [("", "", "规范性", "10", "9"), ("管理", "资金", "执行率", "80", "75"), ("合计", "", "", "100", "95")]
    table = doc.add_table(rows=len(rows), cols=5)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(str(tmp_path / "报告.docx"))
    pdf = office.convert_file(tmp_path / "报告.docx", "pdf", tmp_path)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    image.save(tmp_path / "扫描.pdf", resolution=150)
    png = io.BytesIO()
    image.save(png, format="PNG")
    ofd = review_file(_scan_ofd(tmp_path / "扫描.ofd", png.getvalue()))
    scanned = review_file(tmp_path / "扫描.pdf")

    def summary(result) -> tuple:
        tables = [[(r.name, r.weight, r.score) for r in t.rows] for t in result.tables]
        findings = sorted((f.code, f.severity.value, f.expected, f.actual) for f in result.findings)
        return result.department, result.year, result.total, tables, findings

    assert summary(ofd) == summary(scanned)
    assert ofd.department == "深圳市宝安区妇女联合会"
    assert any((f.expected, f.actual) == ("94", "95") for f in ofd.findings)  # 10 + 9 + 75 against 95

    # a mixed file, page by page: a text page, then the scanned page (its picture recognised, the text page not)
    w = OfdWriter(page_width=210, media={"5": png.getvalue()})
    w.pages = [[text_object(w, 20, 20, "附件：2023年度部门整体支出绩效自评表（扫描件）")], []]
    w.pages[1].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="5"/>')
    blocks = read_ofd(w.write(tmp_path / "混合.ofd"))
    assert [(b.page, b.text) for b in blocks if b.page == 1] == [(1, "附件：2023年度部门整体支出绩效自评表（扫描件）")]
    (table,) = [b for b in blocks if b.kind == "table"]
    assert table.page == 2 and table.rows[-1][0] == "合计" and table.rows[-1][-1] == "95"


def test_a_scanned_page_in_an_undecodable_image_format_is_a_chinese_message(tmp_path):
    path = _scan_ofd(tmp_path / "扫描.ofd", b"\x97JB2\r\n\x1a\n" + bytes(200))  # a JBIG2 file's signature
    with pytest.raises(JixiaoError) as info:
        review_file(path)
    (problem,) = info.value.problems
    assert problem.location.file == str(path) and "无法解码" in problem.message


# t22's first table closes with "总分", its cells blank: a label-only row in the first column followed by prose. It
# sits at the table's gap between rows and the prose after it is set off by the wider gap after a table, so it is
# the table's last row (its blank 得分 is what the review finds), as in the .docx.
@pytest.mark.parametrize(
    "item",
    [item for item in load_corpus() if item.is_table],  # the table documents; the narratives' tables by kind above
    ids=lambda item: item.folder.name[:3],
)
def test_every_corpus_table_document_reviews_the_same_as_an_unruled_ofd(item, tmp_path):
    doc = read_source(item.folder / "document.txt")
    docx = tmp_path / "报告.docx"
    write_docx(doc, docx)
    assert review_summary(corpus_ofd(doc, tmp_path / "报告.ofd", "unruled")) == review_summary(docx)


def test_a_frame_closed_by_c_and_a_drawn_seal_make_one_table(tmp_path):
    # The frame is one path S–L–L–L–C (C closes it back to its start: the left edge). A seal drawn beside it with
    # arcs (A) and curves (B, Q) holds no straight rule, so it neither joins the table nor makes another.
    # Columns 20 | 50 | 80 | 110 (the frame at Boundary 20 40, inner rules at 50 and 80), rows 40 | 46 | 52.
    w = OfdWriter(page_width=210)
    w.pages[0].append(
        f'<ofd:PathObject ID="{w.id()}" Boundary="20 40 90 12"><ofd:AbbreviatedData>S 0 0 L 90 0 L 90 12 L 0 12 C'
        "</ofd:AbbreviatedData></ofd:PathObject>"
    )
    w.pages[0] += [line_path(w, 20, 46, 110, 46), line_path(w, 50, 40, 50, 52), line_path(w, 80, 40, 80, 52)]
    w.pages[0].append(
        f'<ofd:PathObject ID="{w.id()}" Boundary="140 30 40 40"><ofd:AbbreviatedData>M 0 20 A 20 20 0 1 1 40 20 '
        "A 20 20 0 1 1 0 20 M 10 20 B 12 10 28 10 30 20 Q 20 30 10 20</ofd:AbbreviatedData></ofd:PathObject>"
    )
    cells = [(22, 40.6, "项目"), (52, 40.6, "分值"), (82, 40.6, "得分"), (22, 46.6, "合计"), (52, 46.6, "100")]
    w.pages[0] += [text_object(w, x, y, t) for x, y, t in [*cells, (82, 46.6, "95")]]
    assert _rows(w.write(tmp_path / "框.ofd")) == [["项目", "分值", "得分"], ["合计", "100", "95"]]


def test_a_broken_ofd_is_told_to_be_saved_again_from_an_ofd_reader_not_from_office(tmp_path):
    # the guard's advice for a damaged zip names the format the user has: an OFD is not opened in Excel or Word
    path = tmp_path / "报告.ofd"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip's magic, then nothing a zip reader can use
    with pytest.raises(JixiaoError) as info:
        review_file(path)
    (problem,) = info.value.problems
    assert "OFD" in problem.message and "阅读器" in problem.message, problem.message
    assert "Excel" not in problem.message and ".xlsx" not in problem.message, problem.message


def _scored(path: Path, label_top: float, prose_top: float) -> list:
    """A three-column table of rows 6 mm apart (tops 40, 46, 52: text 3.2 mm high, so 2.8 mm between rows), a
    label alone in its first column at `label_top`, and a line of prose at `prose_top`."""
    w = OfdWriter(page_width=210)
    rows = [("指标", "分值", "得分"), ("产出", "50", "45"), ("效益", "50", "48")]
    for r, row in enumerate(rows):
        w.pages[0] += [text_object(w, x, 40 + 6 * r, text) for x, text in zip((20, 50, 80), row, strict=True)]
    w.pages[0].append(text_object(w, 20, label_top, "总分"))
    w.pages[0].append(text_object(w, 20, prose_top, "经自评，本部门自评得分93分，评价等级为优。"))
    return read_ofd(w.write(path))


def test_a_label_closing_an_unruled_table_is_its_row_and_a_heading_after_it_is_not(tmp_path):
    # 总分 at 58: 2.8 mm below the last row (58 - 55.2), the table's gap; the prose at 68 is 6.8 mm below it
    # (68 - 61.2), more than 2.8 + half a character (1.6): the label closes the table as its last row
    table, prose = _scored(tmp_path / "总分.ofd", 58, 68)
    assert table.kind == "table" and table.rows[-1] == ("总分", "", "")
    assert prose.text.startswith("经自评")
    # 总分 at 62: 6.8 mm below the last row (62 - 55.2), set off as text after a table is: a heading, not a row
    table, heading, prose = _scored(tmp_path / "标题.ofd", 62, 68)
    assert table.rows[-1] == ("效益", "50", "48") and (heading.kind, heading.text) == ("paragraph", "总分")


def test_a_reviewed_ofd_passes_the_zip_guard_once(tmp_path, monkeypatch):
    # read_source's check_document runs check_zip on every report; the OFD reader does not run it again
    from jixiao.files import guard

    calls = []
    checked = guard.check_zip
    monkeypatch.setattr(guard, "check_zip", lambda *args: calls.append(args) or checked(*args))
    path = _simple(OfdWriter()).write(tmp_path / "好.ofd")
    review_file(path)
    assert len(calls) == 1
    read_ofd(path)  # read on its own, the reader holds the file to the guard's limits itself
    assert len(calls) == 2


# --- turned, condensed, clipped and slanted text ---------------------------------------------------------------


def test_a_landscape_table_turned_on_a_portrait_page_reads_row_by_row(tmp_path):
    # The table is turned clockwise: its first row is at the page's right (glyph tops at x 190), each next row
    # 6 mm to the left; its columns start 0, 40, 100 and 130 mm down from y 40. Above it, upright, the title;
    # below, the page number. Read in the turned frame, the rows come in order and each cell whole.
    rows = [("一级指标", "三级指标", "分值", "得分"), ("决策", "预算编制合理性", "10", "10")]
    rows += [("产出", "完成数量", "50", "45"), ("合计", "", "60", "55")]
    w = OfdWriter(page_width=210)
    w.pages[0].append(text_object(w, 20, 20, "附件2：2023年度项目支出绩效自评表"))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                w.pages[0].append(turned_object(w, 190 - 6 * r, 40 + (0, 40, 100, 130)[c], text, 1))
    w.pages[0].append(text_object(w, 100, 287, "- 3 -"))
    title, table = read_ofd(w.write(tmp_path / "横表.ofd"))
    assert title.text == "附件2：2023年度项目支出绩效自评表"
    assert table.kind == "table" and table.rows == tuple(rows)
    # its box on the page: the glyphs take x 168.8 (172 - 3.2, the last row) … 190 and y 40 … 176.4 (得分 from
    # 170); the rebuilt grid reaches a quarter of a character (0.8) beyond its first and last rows and half a
    # character (1.6) before its first column and after its last: x 168.0 … 190.8, y 38.4 … 178.0
    assert table.box == pytest.approx((168.0, 38.4, 190.8, 178.0))


def test_a_header_cell_written_upwards_is_read_in_its_cell(tmp_path):
    # A ruled table, columns 20 | 28 | 70 | 90, rows 40 | 52 | 58 | 64; the narrow first header cell holds 序号
    # written upwards from y 50 (序 at 46.8 … 50, 号 at 43.6 … 46.8). Upright text is read top down, which
    # would give 号序; the turned run is read in its own direction, in its cell.
    w = OfdWriter(page_width=210)
    rules = [(20, y, 90, y) for y in (40, 52, 58, 64)] + [(x, 40, x, 64) for x in (20, 28, 70, 90)]
    w.pages[0] += [line_path(w, *r) for r in rules]
    w.pages[0].append(turned_object(w, 22, 50, "序号", 3))
    cells = [(30, 44, "项目名称"), (72, 44, "得分"), (22, 52.6, "1"), (30, 52.6, "道路维护"), (72, 52.6, "45")]
    cells += [(22, 58.6, "2"), (30, 58.6, "绿化养护"), (72, 58.6, "48")]
    w.pages[0] += [text_object(w, x, y, t) for x, y, t in cells]
    assert _rows(w.write(tmp_path / "竖排.ofd")) == [
        ["序号", "项目名称", "得分"],
        ["1", "道路维护", "45"],
        ["2", "绿化养护", "48"],
    ]


def test_condensed_clipped_and_slanted_text(tmp_path):
    # HScale 0.5 without DeltaX: each glyph of 项目支出绩效自评表 advances 1.6 mm, so the run ends at 20 + 9 × 1.6
    # = 34.4, before （2023年度） written from 35.2 (read at full width it would reach 48.8 and interleave)
    w = OfdWriter(page_width=210)
    w.pages[0].append(
        f'<ofd:TextObject ID="{w.id()}" Boundary="20 20 30 5" Font="2" Size="{SIZE}" HScale="0.5">'
        f'<ofd:TextCode X="0" Y="{SIZE}">项目支出绩效自评表</ofd:TextCode></ofd:TextObject>'
    )
    w.pages[0].append(text_object(w, 35.2, 20, "（2023年度）"))
    # a run clipped to a 0.1 mm square at its Boundary's origin shows nothing; one clipped to its own extent
    # (30 × 5 mm) shows whole
    clip = '<ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary="0 0 {0} {1}"><ofd:AbbreviatedData>S 0 0 L {0} 0 '
    clip += "L {0} {1} L 0 {1} C</ofd:AbbreviatedData></ofd:Path></ofd:Area></ofd:Clip></ofd:Clips>"
    for top, size, text in ((30, 0.1, "被裁去的旧稿"), (40, 30, "自评得分95分。")):
        w.pages[0].append(
            f'<ofd:TextObject ID="{w.id()}" Boundary="20 {top} 30 5" Font="2" Size="{SIZE}">'
            f"{clip.format(size, min(size, 5))}"
            f'<ofd:TextCode X="0" Y="{SIZE}">{text}</ofd:TextCode></ofd:TextObject>'
        )
    # a watermark written at 45° across the page is not text of the report
    w.pages[0].append(
        f'<ofd:TextObject ID="{w.id()}" Boundary="40 100 120 120" Font="2" Size="12" '
        'CTM="0.7071 0.7071 -0.7071 0.7071 0 0"><ofd:TextCode X="0" Y="12">内部资料</ofd:TextCode></ofd:TextObject>'
    )
    notes: list[tuple[int, str]] = []
    assert [b.text for b in read_ofd(w.write(tmp_path / "缩放.ofd"), notes=notes)] == [
        "项目支出绩效自评表（2023年度）",
        "自评得分95分。",
    ]
    # the watermark's four glyphs are told, page by page, and the review gives that as a hint
    assert notes == [(1, "第1页有斜排的字（如水印，共 4 个），未读取。")]
    (hint,) = [f for f in review_file(tmp_path / "缩放.ofd").findings if f.code == "review.unread"]
    assert hint.severity.value == "提示" and hint.location.place == "第1页"


# --- a picture on a page of text ------------------------------------------------------------------------------


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_table_pasted_as_a_picture_on_a_page_of_text_is_recognised_and_a_seal_is_not(tmp_path, monkeypatch):
    """A page of text (title above, conclusion below) holding a score table pasted as a picture 170 × 40 mm at
    (20, 30); a red seal's picture 60 × 60 mm; and a grey picture 180 × 20 mm under the conclusion's text. All
    three are large enough to hold text (shorter side ≥ 15 mm, area ≥ 3,000 mm²), but the seal's ink is red and
    the grey one is written over: only the table's picture is recognised, its rows between the title and the
    conclusion, placed on the page."""
    from PIL import Image, ImageDraw

    from jixiao.formats import ocr

    # the table at 150 dpi: 170 mm = 1004 px, 40 mm = 236 px; columns at 0 | 531 | 768 px (0, 90, 130 mm), four
    # rows of 59 px (10 mm)
    table = Image.new("RGB", (1004, 236), "white")
    draw = ImageDraw.Draw(table)
    font = cjk_font(28)
    rows = [
        ("指标名称", "分值", "得分"),
        ("产出数量", "50", "45"),
        ("服务对象满意度", "50", "48"),
        ("合计", "100", "93"),
    ]
    for r, row in enumerate(rows):
        for x, text in zip((0, 531, 768), row, strict=True):
            draw.text((x + 14, r * 59 + 14), text, fill="black", font=font)
    for y in (1, 59, 118, 177, 234):
        draw.line([(0, y), (1003, y)], fill="black", width=2)
    for x in (1, 531, 768, 1002):
        draw.line([(x, 0), (x, 235)], fill="black", width=2)
    seal = Image.new("RGBA", (354, 354), (0, 0, 0, 0))  # 60 mm at 150 dpi, transparent around the ring
    ImageDraw.Draw(seal).ellipse([8, 8, 346, 346], outline=(220, 20, 30, 255), width=14)
    ImageDraw.Draw(seal).text((90, 150), "财政局专用章", fill=(220, 20, 30, 255), font=cjk_font(30))
    grey = Image.new("RGB", (400, 60), (235, 235, 235))
    w = OfdWriter(page_width=210, media={"5": _png(table), "6": _png(seal), "7": _png(grey)})
    w.pages[0].append(text_object(w, 20, 20, "附件：2023年度项目支出绩效自评表（截图）"))
    w.pages[0].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="20 30 170 40" CTM="170 0 0 40 0 0" ResourceID="5"/>')
    w.pages[0].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="120 60 60 60" CTM="60 0 0 60 0 0" ResourceID="6"/>')
    w.pages[0].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="15 95 180 20" CTM="180 0 0 20 0 0" ResourceID="7"/>')
    w.pages[0].append(text_object(w, 20, 98, "经自评，本项目自评得分93分，评价等级为优。"))
    recognised = []
    read_image = ocr.read_image
    monkeypatch.setattr(ocr, "read_image", lambda image, *a: recognised.append(image.shape) or read_image(image, *a))
    # page 2 holds the same picture at the same size under another title: it is not recognised again
    w.pages.append([text_object(w, 20, 20, "附件：2023年度项目支出绩效自评表（复印件）")])
    w.pages[1].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="20 30 170 40" CTM="170 0 0 40 0 0" ResourceID="5"/>')
    # page 3 holds the picture stored turned a quarter back (1004 px high, 236 wide) and placed by a CTM that
    # turns it clockwise into the same 170 × 40 mm: its x runs down the page (b 40), its y leftwards (c -170,
    # moved 170 right): read upright, as the reader sees it
    w.media["8"] = _png(table.rotate(90, expand=True))
    w.pages.append([text_object(w, 20, 20, "附件：2023年度项目支出绩效自评表（扫描件旋转）")])
    turned_picture = 'Boundary="20 30 170 40" CTM="0 40 -170 0 170 0" ResourceID="8"'
    w.pages[2].append(f'<ofd:ImageObject ID="{w.id()}" {turned_picture}/>')
    title, pasted, conclusion, title2, again, title3, turned = read_ofd(w.write(tmp_path / "截图.ofd"))
    assert recognised == [(236, 1004, 3)] * 2  # the table's picture, and the turned one: not the seal, not the grey
    assert (title3.page, turned.page, turned.rows) == (3, 3, tuple(rows))
    assert title.text.startswith("附件") and conclusion.text.startswith("经自评")
    assert pasted.kind == "table" and pasted.rows == tuple(rows)
    assert pasted.box is not None and pasted.box[0] >= 19 and pasted.box[1] >= 29 and pasted.box[3] <= 71
    assert (title2.page, again.page, again.rows) == (2, 2, pasted.rows)


def test_a_space_left_out_between_chinese_characters_is_read_and_letter_spacing_is_not(tmp_path):
    # 福昕's manner writes no glyph for a space: 来源:零陵区林业局 is 8 CJK glyphs and a colon, 8 × 3.2 + 1.6 = 27.2
    # mm, so 局 ends at x 47.2 and 发 starts a space (1.6 mm) later, at 48.8, where the run's other glyphs touch
    # (its usual gap 0): 1.6 ≥ 0 + 0.8 (a quarter of 3.2), a space. A title set with every glyph 1.6 mm apart
    # (自 评 报 告: 4.8 mm a step) has no gap standing out of its usual 1.6: letter spacing, no space.
    w = OfdWriter(page_width=210)
    w.pages[0] += glyph_objects(w, 20, 20, "来源:零陵区林业局 发布机构:零陵区林业局")
    w.pages[0] += [
        f'<ofd:TextObject ID="{w.id()}" Boundary="{20 + 4.8 * i} 30 {SIZE} 4.8" Font="3" Size="1" '
        f'CTM="{SIZE} 0 0 {SIZE} 0 0"><ofd:TextCode X="0" Y="1">{char}</ofd:TextCode></ofd:TextObject>'
        for i, char in enumerate("自评报告")
    ]
    assert [b.text for b in read_ofd(w.write(tmp_path / "空格.ofd"))] == [
        "来源:零陵区林业局 发布机构:零陵区林业局",
        "自评报告",
    ]


def test_a_title_above_a_table_set_overleaf_stays_its_own_paragraph(tmp_path):
    # Pages of two lines each (the table follows overleaf): the layout cannot tell a margin from two lines, and
    # a line as long as the page's longest would be taken as wrapped. The A4 page tells: its text starts at
    # x 28, so its right margin is at 210 - 28 = 182.
    # Page 1: a title of 45 characters (45 × 3.2 = 144 mm) centred, x 33 … 177: 5 mm in from each margin, at
    # least a character (3.2) and within a character of each other: centred, it ends its paragraph.
    # Page 2: a title of 21 characters (67.2 mm) from x 28, ending at 95.2, more than two characters (6.4)
    # short of 182: it ends its paragraph. (Neither title ends with a mark that ends a paragraph
    # anyway, nor opens as a heading.)
    centred = "关于报送二〇二一年度农村公益事业财政奖补项目绩效评价自评表及有关情况说明的报告第二批次申报"
    short = "二〇二一年度乡镇项目支出绩效自评表汇总情况"
    assert (width(centred), width(short)) == (pytest.approx(144), pytest.approx(67.2))
    w = OfdWriter(page_width=210)
    w.pages = [[text_object(w, 33, 20, centred), text_object(w, 28, 30, "填报单位：郊区财政局")]]
    w.pages.append([text_object(w, 28, 20, short), text_object(w, 28, 30, "单位：万元")])
    assert [p.text for p in read_source(w.write(tmp_path / "标题.ofd")).paragraphs()] == [
        centred,
        "填报单位：郊区财政局",
        short,
        "单位：万元",
    ]


def test_a_watermark_on_every_page_is_one_note_naming_its_pages(tmp_path):
    # pages 1, 2, 3 and 5 carry the watermark's 4 glyphs each (16 in all), page 4 does not
    w = OfdWriter(page_width=210)
    mark = (
        '<ofd:TextObject ID="{}" Boundary="40 100 120 120" Font="2" Size="12" CTM="0.7071 0.7071 -0.7071 0.7071 0 0">'
        '<ofd:TextCode X="0" Y="12">内部资料</ofd:TextCode></ofd:TextObject>'
    )
    w.pages = [
        [text_object(w, 20, 20, f"第{n}部分 绩效自评情况")] + ([mark.format(w.id())] if n != 4 else [])
        for n in range(1, 6)
    ]
    notes: list[tuple[int, str]] = []
    read_ofd(w.write(tmp_path / "水印.ofd"), notes=notes)
    assert notes == [(1, "第1–3、5页有斜排的字（如水印，共 16 个），未读取。")]


def test_a_photograph_with_a_stray_word_adds_nothing_to_a_page_of_text(tmp_path):
    # A picture 100 × 60 mm (large enough to hold text) showing only 欢迎 (a sign in a photograph): recognised,
    # its 2 characters are fewer than the 8 a picture must show to be read into a page of text
    from PIL import Image, ImageDraw

    photo = Image.new("RGB", (591, 354), (250, 250, 250))  # 100 × 60 mm at 150 dpi
    ImageDraw.Draw(photo).text((200, 140), "欢迎", fill="black", font=cjk_font(64))
    w = OfdWriter(page_width=210, media={"5": _png(photo)})
    w.pages[0].append(text_object(w, 20, 20, "图1：项目实施现场照片，摄于2023年9月验收时。"))
    w.pages[0].append(f'<ofd:ImageObject ID="{w.id()}" Boundary="20 30 100 60" CTM="100 0 0 60 0 0" ResourceID="5"/>')
    assert [b.text for b in read_ofd(w.write(tmp_path / "照片.ofd"))] == [
        "图1：项目实施现场照片，摄于2023年9月验收时。"
    ]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_header_cell_of_stacked_glyphs_is_read_in_its_cell(tmp_path, ruled):
    # 序号 written as one TextCode stepping DeltaY 3.2 down and DeltaX 0 across (vertical text in a narrow cell):
    # 序 at y 42.8 … 46, 号 at 46 … 49.2, x 22 … 25.2, beside the header 项目名称 and 得分 (y 44 … 47.2). Read
    # as a run written downwards, it is the first header cell, whether the table is ruled (columns 20 | 28 | 70
    # | 90) or rebuilt from positions; glyph by glyph, 序 and 号 would be two lines and break the header row.
    w = OfdWriter(page_width=210)
    w.pages[0].append(text_object(w, 20, 25, "表1：2023年度道路养护项目得分"))
    if ruled:
        rules = [(20, y, 90, y) for y in (40, 52, 58, 64)] + [(x, 40, x, 64) for x in (20, 28, 70, 90)]
        w.pages[0] += [line_path(w, *r) for r in rules]
    w.pages[0].append(
        f'<ofd:TextObject ID="{w.id()}" Boundary="22 42.8 5 8" Font="2" Size="{SIZE}"><ofd:TextCode X="0" '
        f'Y="{SIZE}" DeltaX="0" DeltaY="{SIZE}">序号</ofd:TextCode></ofd:TextObject>'
    )
    cells = [(30, 44, "项目名称"), (72, 44, "得分"), (22, 52.6, "1"), (30, 52.6, "道路维护"), (72, 52.6, "45")]
    cells += [(22, 58.6, "2"), (30, 58.6, "绿化养护"), (72, 58.6, "48")]
    w.pages[0] += [text_object(w, x, y, t) for x, y, t in cells]
    w.pages[0].append(text_object(w, 20, 72, "经自评，本项目得分93分。"))
    title, table, closing = read_ofd(w.write(tmp_path / "竖排.ofd"))
    assert table.rows == (("序号", "项目名称", "得分"), ("1", "道路维护", "45"), ("2", "绿化养护", "48"))
    assert (title.kind, closing.kind) == ("paragraph", "paragraph")
