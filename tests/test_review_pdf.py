"""Text-layer PDFs as bureaus receive them (issue 20): each quirk of a real Chinese PDF's text layer made in a
fixture, reviewed, and compared with the review of the same page written plainly.

The fixtures are written by a small PDF writer below (no PDF library is installed): one CID font, not embedded,
whose ToUnicode map says which character each glyph is — as a WPS or Word PDF's subset font does — so the text
layer can say ⽇ (U+2F47, a Kangxi radical) where the page shows 日. Tables are ruled with strokes or with thin
filled rectangles. The review of the corpus printed by LibreOffice is bench/review_pdf.py; a few of its
documents run here (test_corpus_documents_printed_to_pdf).
"""

from __future__ import annotations

import shutil
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jixiao.review import review_file
from jixiao.review.pdftext import fold_glyphs, is_page_number, unspaced
from jixiao.review.source import read_source

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

WIDTH, HEIGHT = 595, 842


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    scan: bool = False  # an image under the text, covering the page (the scan an OCR layer lies over)

    def text(self, x: float, y: float, text: str, size: float = 10, mode: int = 0, spacing: float = 0) -> None:
        """`text` at (x, y) from the top left; mode 3 is invisible (an OCR layer); `spacing` spreads the glyphs."""
        self.ops.append(f"BT /F1 {size} Tf {mode} Tr {spacing} Tc 1 0 0 1 {x} {HEIGHT - y} Tm <{{{text}}}> Tj ET")

    def rule(self, x0: float, y0: float, x1: float, y1: float, filled: bool = False) -> None:
        """A line from (x0, y0) to (x1, y1); `filled`: a 0.5 pt filled rectangle, as some exporters draw rules."""
        if filled:
            w, h = max(x1 - x0, 0.5), max(y1 - y0, 0.5)
            self.ops.append(f"{x0} {HEIGHT - y0 - h} {w} {h} re f")
        else:
            self.ops.append(f"0.5 w {x0} {HEIGHT - y0} m {x1} {HEIGHT - y1} l S")

    def table(self, x: float, y: float, widths: list[float], rows: list[list[str]], filled: bool = False) -> float:
        """A ruled table; a cell's "\\n" a wrapped second line (the row twice as tall). Returns its bottom."""
        top = y
        edges = [x]
        for w in widths:
            edges.append(edges[-1] + w)
        tops = [y]
        for row in rows:
            lines = max(c.count("\n") + 1 for c in row)
            for c, cell in enumerate(row):
                for k, part in enumerate(cell.split("\n")):
                    self.text(edges[c] + 3, y + 13 + 13 * k, part, 9)
            y += 6 + 13 * lines
            tops.append(y)
        for t in tops:
            self.rule(edges[0], t, edges[-1], t, filled)
        for e in edges:
            self.rule(e, top, e, y, filled)
        return y


def write_pdf(path: Path, pages: list[Page]) -> Path:
    """The pages as a PDF whose text is drawn in one CID font mapped to Unicode by its ToUnicode CMap."""
    chars: dict[str, int] = {}
    streams = []
    for page in pages:
        ops = []
        for op in page.ops:
            if "<{" in op:
                head, rest = op.split("<{", 1)
                text, tail = rest.split("}>", 1)
                codes = "".join(f"{chars.setdefault(ch, len(chars) + 1):04X}" for ch in text)
                op = f"{head}<{codes}>{tail}"
            ops.append(op)
        streams.append("\n".join(ops).encode())
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        packed = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"

    def utf16(ch: str) -> str:
        return ch.encode("utf-16-be").hex().upper()

    entries = sorted(chars.items(), key=lambda kv: kv[1])
    cmap = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        cmap.append(f"{len(chunk)} beginbfchar")
        cmap += [f"<{code:04X}> <{utf16(ch)}>" for ch, code in chunk]
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    widths = " ".join(f"{code} [{500 if ord(ch) < 0x2E80 else 1000}]" for ch, code in entries)
    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(b"")  # the page tree, written once the pages are numbered
    to_unicode = add(stream("\n".join(cmap).encode()))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W [%s] >>"
        % (descriptor, widths.encode())
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] "
        b"/ToUnicode %d 0 R >>" % (cid, to_unicode)
    )
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 1 >>\nstream\n\xff\nendstream"
    )
    kids = []
    for page, data in zip(pages, streams, strict=True):
        if page.scan:
            data = b"q %d 0 0 %d 0 0 cm /Im1 Do Q\n" % (WIDTH, HEIGHT) + data
        content = add(stream(data))
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> "
                b"/XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (WIDTH, HEIGHT, font, image, content)
            )
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{k} 0 R" for k in kids).encode(), len(kids))
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# --- a corpus document laid out on pages, with the quirks a real PDF's text layer has -----------------------

_SPREAD_GAP = 4.0  # points between spread glyphs: wider than an extractor's 3 pt word gap


def _lookalikes() -> dict[str, str]:
    """Ideograph → the Kangxi radical or compatibility ideograph WPS's fonts map it to (NFKC gives it back)."""
    import unicodedata

    out: dict[str, str] = {}
    for code in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]:
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            out.setdefault(folded, chr(code))
    # a simplified font draws these with one glyph for the ideograph and a radical NFKC does not give back as it:
    # a radicals supplement character (⻔ U+2ED4 C-SIMPLIFIED GATE, no NFKC) or a Kangxi radical whose NFKC is the
    # traditional form (⿈ U+2FC8 → 黃, ⼾ U+2F3E → 戶, ⾭ U+2FAD → 靑), as Chrome's and WPS's ToUnicode maps name them
    shared = "门⻔长⻓页⻚马⻢车⻋贝⻉见⻅风⻛齐⻬龙⻰鱼⻥鸟⻦麦⻨民⺠西⻄黄⿈户⼾青⾭"
    out.update(zip(shared[::2], shared[1::2], strict=True))
    return out


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` points (an ideograph is `size` wide, other characters half)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = size if ord(ch) >= 0x2E80 else size / 2
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines or [""]


def render(segments, quirks: frozenset[str] = frozenset(), rows_per_page: int = 0) -> list[Page]:
    """The document's paragraphs and tables on A4 pages. Quirks: "glyphs" (Kangxi radicals and compatibility
    ideographs in the text layer), "spread" (justified: a gap between glyphs), "unit" (a paragraph's figure
    and its unit on two lines), "footer" (第 N 页 共 M 页 and - N - on every page), "filled" (rules as thin
    filled rectangles), "ocr" (invisible text, mode 3, no rules: an OCR layer over a scan)."""
    swap = _lookalikes() if "glyphs" in quirks else {}
    mode = 3 if "ocr" in quirks else 0
    pages = [Page()]
    y = 60.0

    def show(page: Page, x: float, y: float, text: str, size: float) -> None:
        text = "".join(swap.get(ch, ch) for ch in text)
        if "spread" in quirks and len(text) > 1:
            for ch in text:  # each glyph placed alone, a gap after it
                page.text(x, y, ch, size, mode)
                x += (size if ord(ch) >= 0x2E80 else size / 2) + _SPREAD_GAP
            return
        page.text(x, y, text, size, mode)

    def room(height: float) -> None:
        nonlocal y
        if y + height > 780:
            pages.append(Page())
            y = 60.0

    for seg in segments:
        if seg.kind == "paragraph":
            width = 480 if "spread" not in quirks else 330
            lines = _wrap(seg.text, width, 10)
            if "unit" in quirks:
                lines = _unit_split(seg.text, lines)
            for line in lines:
                room(16)
                show(pages[-1], 55, y, line, 10)
                y += 16
            continue
        columns = max(len(r) for r in seg.rows)
        widths = [485 / columns] * columns
        size = 9
        chars = (widths[0] - 6) if "spread" not in quirks else (widths[0] - 6) * 9 / (9 + _SPREAD_GAP)
        count = 0
        for row in seg.rows:
            cells = [_wrap(c, chars, size) for c in row]
            height = 6 + 13 * max(len(c) for c in cells)
            if y + height > 780 or (rows_per_page and count == rows_per_page):
                pages.append(Page())
                y, count = 60.0, 0
            x = 55.0
            for c, lines in enumerate(cells):
                for k, line in enumerate(lines):
                    if line:
                        show(pages[-1], x + 3, y + 13 + 13 * k, line, size)
                x += widths[c]
            if "ocr" not in quirks:
                edges = [55 + sum(widths[:c]) for c in range(columns + 1)]
                for e in edges:
                    pages[-1].rule(e, y, e, y + height, "filled" in quirks)
                pages[-1].rule(edges[0], y, edges[-1], y, "filled" in quirks)
                pages[-1].rule(edges[0], y + height, edges[-1], y + height, "filled" in quirks)
            y += height
            count += 1
        y += 10
    for page in pages:
        page.scan = "ocr" in quirks
    if "footer" in quirks:
        for n, page in enumerate(pages, 1):
            page.text(260, 810, f"第 {n} 页 共 {len(pages)} 页", 9)
            page.text(285, 825, f"- {n} -", 9)
    return pages


def _unit_split(text: str, lines: list[str]) -> list[str]:
    """The paragraph's lines with the first figure's unit (%, 万元, 元) moved to the next line, as a justified
    layout does when the figure fills the line."""
    import re

    match = re.search(r"\d(?=%|万元|元)", text)
    if match is None or match.end() < 30:
        return lines
    cut = match.end()
    return [text[:cut], *_wrap(text[cut:], 480, 10)]


# --- the tests ---------------------------------------------------------------------------------------------

CORPUS = ROOT / "tests" / "fixtures" / "review_corpus"
TABLE_DOC = "t35-sichuan-anju-food-supervision"
NARRATIVE_DOC = "n24-yunnan-changning-gengga-animal"


def _segments(name: str):
    folder = next(CORPUS.glob(f"{name}*"))
    return read_source(folder / "document.txt").segments


def _summary(path: Path) -> dict:
    from review_formats import summary

    return summary(review_file(path))


@pytest.mark.parametrize("name", [TABLE_DOC, NARRATIVE_DOC])
def test_a_plain_pdf_reviews_as_its_text(tmp_path, name):
    folder = next(CORPUS.glob(f"{name}*"))
    plain = write_pdf(tmp_path / "plain.pdf", render(_segments(name)))
    assert _summary(plain) == _summary(folder / "document.txt")


@pytest.mark.parametrize("quirk", ["glyphs", "spread", "unit", "footer", "filled", "ocr"])
@pytest.mark.parametrize("name", [TABLE_DOC, NARRATIVE_DOC])
def test_each_quirk_of_a_text_layer_gives_the_plain_review(tmp_path, name, quirk):
    segments = _segments(name)
    plain = _summary(write_pdf(tmp_path / "plain.pdf", render(segments)))
    # a table running over pages: at most 8 rows a page, a footer between its parts
    rows = 8 if quirk == "footer" else 0
    odd = write_pdf(tmp_path / f"{quirk}.pdf", render(segments, frozenset({quirk}), rows_per_page=rows))
    assert _summary(odd) == plain


def test_a_figure_and_its_unit_on_two_lines_in_the_fixture(tmp_path):
    """The "unit" fixture really puts a unit at the start of a line (else the quirk test above proves nothing)."""
    import subprocess

    pdf = write_pdf(tmp_path / "unit.pdf", render(_segments(NARRATIVE_DOC), frozenset({"unit"})))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext shows the lines")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert any(line.startswith(("%", "万元", "元")) for line in text.splitlines())


def test_look_alike_glyphs_are_folded_and_nothing_else():
    # ⽇ U+2F47, ⾦ U+2F26, ⼈ U+2F08 are Kangxi radicals; 率 U+F961 a compatibility ideograph
    assert fold_glyphs("⽇常⾦额⼈员，执行\uf961") == "日常金额人员，执行率"
    # NFKC would make ① "1", ㎡ "m2", （ "(" and Ａ "A": the review reads those as written
    assert fold_glyphs("①面积120㎡（Ａ类）") == "①面积120㎡（Ａ类）"
    # ⻔ ⻓ ⻚ (the radicals supplement) have no NFKC; ⿈ ⼾ ⾭ have the traditional one, the page shows 黄 户 青
    assert fold_glyphs("部⻔⻓期⻚码⿈冈⼾籍⾭年") == "部门长期页码黄冈户籍青年"
    assert fold_glyphs("⻏⺼") == "⻏⺼"  # side forms (阝, 月 as 肉) stand for no word: left as they are
    assert fold_glyphs("Ofﬁce ﬂow") == "Office flow"  # Latin ligatures


def test_spread_characters_are_closed_up_and_words_kept_apart():
    assert unspaced("预 算 执 行 率 为 95.5%") == "预算执行率为 95.5%"
    assert unspaced("红河州数据发展中心 2024 年度 985 万元") == "红河州数据发展中心2024年度985万元"  # autospace
    assert unspaced("2024 年,预算 10 万元") == "2024年,预算10万元"
    assert unspaced("市级资金 208.00") == "市级资金 208.00"  # a space typed before a closing figure is kept
    assert unspaced("合计 100 95") == "合计 100 95"  # a table's columns as text
    assert unspaced("合 计") == "合计"
    assert unspaced("项目名称 委托业务项目") == "项目名称 委托业务项目"  # two words of a table line stay two
    assert unspaced("A B 2023") == "A B 2023"


@pytest.mark.parametrize("line", ["- 3 -", "— 12 —", "第 3 页 共 20 页", "第3页", "共20页 第3页", "3/20", "7"])
def test_page_number_lines(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2023年", "95.5%", "第3页内容", "合计 100", "三、绩效目标"])
def test_lines_that_are_not_page_numbers(line):
    assert not is_page_number(line)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice prints the PDF")
@pytest.mark.parametrize(
    "name",
    [
        "t01-anhui-guichi-tangxi",  # two rows cut by page breaks, the table over three pages
        "t50-anhui-xuancheng-animal",  # the text after the table on its page (the cut mark) comes after it
        "t02-sichuan-qingshen-fgj",  # a page whose table no word announces: found by its rules
    ],
)
def test_corpus_documents_printed_to_pdf(tmp_path, name):
    """bench/review_pdf.py's comparison on a few corpus documents: printed by LibreOffice portrait, landscape
    with repeated header rows, and from the .xlsx, each reviews as the document it was printed from."""
    from review_pdf import run_one

    from jixiao.review.corpus import load_corpus

    item = next(i for i in load_corpus() if i.id.startswith(name))
    results = run_one(item, tmp_path, ("docx-pdf", "docx-pdf-landscape", "xlsx-pdf"))
    assert {variant: differ for variant, (differ, _, _) in results.items()} == {variant: [] for variant in results}


def _table_pages(tmp_path: Path, name: str, parts: list[list[list[str]]], widths: list[float]) -> Path:
    """A ruled table over pages, each part on a page of its own, every part's rules closed (as LibreOffice
    prints a row the page break cut: ruled at the page's end and overleaf)."""
    pages = []
    for part in parts:
        page = Page()
        page.text(55, 40, "项目支出绩效自评表", 12)
        page.table(55, 60, widths, part)
        pages.append(page)
    return write_pdf(tmp_path / name, pages)


def test_a_row_cut_at_a_colon_is_joined_when_its_cells_were_full(tmp_path):
    """A row the page break cut after "指标1:" (its 分值/得分 already on the first page) goes on overleaf: every
    cell it continues was full to its width ("成本指" | "标", "指标1:" | "资金执", corpus t04 landscape);
    the colon does not make the remainder a row of its own. A cell opening a numbered item ("指标2:") after a
    whole row is a row of its own."""
    widths = [33.0, 33.0, 40.0, 40.0]  # "指标1:" at 9 pt: 2 x 9 + 2 x 4.5 = 27 = 33 less 3 + 3 of padding
    head = ["二级", "三级", "分值", "得分"]  # the scored table's labels, each within its cell
    pdf = _table_pages(
        tmp_path,
        "cut.pdf",
        [
            [head, ["数量", "完成数", "10", "10"], ["成本指", "指标1:", "10", "10"]],
            [["标", "资金执", "", ""], ["满意度", "指标1:", "10", "9"]],
            [["", "指标2:", "", ""]],
        ],
        widths,
    )
    (table,) = read_source(pdf).tables()
    assert table.rows == (
        tuple(head),
        ("数量", "完成数", "10", "10"),
        ("成本指标", "指标1:资金执", "10", "10"),
        ("满意度", "指标1:", "10", "9"),
        ("", "指标2:", "", ""),
    )


def test_a_row_whose_text_ended_on_the_page_before_is_not_joined(tmp_path):
    """The table's next page opens with a row of names only (a truncated last row, corpus t09 landscape): the
    row above ended its text on its page ("大厅运行" | "率": a last line of one character in a cell four wide),
    so the row overleaf is a new row, not the rest of that one."""
    widths = [42.0, 42.0, 40.0, 40.0]  # four ideographs at 9 pt fill 36 = 42 less the padding
    head = ["二级指标", "三级指标", "分值", "得分"]
    pdf = _table_pages(
        tmp_path,
        "truncated.pdf",
        [[head, ["经济效益", "大厅运行\n率", "10", "10"]], [["社会效益", "岗", "", ""]]],
        widths,
    )
    (table,) = read_source(pdf).tables()
    assert table.rows == (tuple(head), ("经济效益", "大厅运行率", "10", "10"), ("社会效益", "岗", "", ""))


def _full_line(start: str, end: str) -> str:
    """`start`, filler ideographs and `end`: 480 pt at 10 pt (an ideograph 10, other characters 5) — a line
    filling render()'s text width."""
    width = sum(10 if ord(ch) >= 0x2E80 else 5 for ch in start + end)
    return start + "资" * ((480 - width) // 10) + end


def test_a_sentence_ending_at_a_lines_end_does_not_end_its_paragraph(tmp_path):
    """A paragraph's line full to the margin that ends with "。" goes on when the next line starts at the margin
    at the paragraph's line pitch (corpus n53: "…下降16.77%。" | "分项情况是…"); on the same page a full line
    ending "。" followed by the paragraphs' wider gap ends its paragraph."""
    first = _full_line("三公经费决算数2364万元，比上年", "决算数下降16.77%。")
    assert sum(10 if ord(ch) >= 0x2E80 else 5 for ch in first) in range(471, 481)  # full: within one character
    lines = [
        (first, 60), ("分项情况是：因公出国经费12万元。", 76),  # one paragraph, pitch 16
        (_full_line("公务接待费1356万元，", "下降3.14%。"), 102),  # a paragraph of its own: the gap is 26
        ("公车购置及运行费995万元。", 128),
        (_full_line("其中公务用车购置费38万元，", "比上年减少"), 154), ("12万元。", 170),
    ]  # fmt: skip
    page = Page()
    for text, y in lines:
        page.text(55, y, text, 10)
    paragraphs = [s.text for s in read_source(write_pdf(tmp_path / "ends.pdf", [page])).paragraphs()]
    assert paragraphs == [
        lines[0][0] + lines[1][0],
        lines[2][0],
        lines[3][0],
        lines[4][0] + lines[5][0],
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice prints the PDF")
def test_a_score_table_pasted_as_a_picture_into_a_text_page_is_read(tmp_path):
    """A report whose score table is a picture (a screenshot of the table) on a page that also holds text: the
    picture is recognised (formats/ocr.py) and its table reviewed as the text table of the same report is —
    the same rows, 分值 and 得分, and the same error (10 + 9 + 75 = 94 against the 合计's 95) — each figure with
    OCR's confidence. A picture without a table (the same page's title as a picture) adds nothing."""
    import pdfplumber
    import pypdfium2
    from docx import Document
    from docx.shared import Pt

    from jixiao.formats import office

    from .test_scan import DEPARTMENT, _report, _summary

    text_pdf = office.convert_file(_report(tmp_path / "文字.docx"), "pdf", tmp_path / "text")
    with pdfplumber.open(str(text_pdf)) as pdf:
        (table,) = pdf.pages[0].find_tables()
        x0, top, x1, bottom = table.bbox
        above = [line for line in pdf.pages[0].extract_text_lines() if line["bottom"] < top]  # the text before it
    document = pypdfium2.PdfDocument(str(text_pdf))
    try:
        page = document[0]
        width, height = page.get_size()
        scale = 200 / 72  # a screenshot at 200 dpi
        shot = page.render(scale=scale, crop=(x0 - 2, height - bottom - 2, width - x1 - 2, top - 2)).to_pil()
        crop = (0, height - above[-1]["bottom"] - 2, 0, above[0]["top"] - 2)
        heading = page.render(scale=scale, crop=crop).to_pil()  # six lines of text: a picture without a table
    finally:
        document.close()
    shot.save(tmp_path / "表.png")
    heading.save(tmp_path / "标题.png")
    source = Document(str(tmp_path / "文字.docx"))
    body = source.element.body
    (grid,) = source.tables
    picture = source.add_paragraph().add_run().add_picture(str(tmp_path / "表.png"), width=Pt(x1 - x0 + 4))
    body.replace(grid._tbl, picture._inline.getparent().getparent().getparent())  # the picture where the table was
    source.add_paragraph().add_run().add_picture(str(tmp_path / "标题.png"), width=Pt(width - 144))
    source.save(str(tmp_path / "图片.docx"))
    pictured = office.convert_file(tmp_path / "图片.docx", "pdf", tmp_path / "pictured")

    result = review_file(pictured)
    assert _summary(result) == _summary(review_file(text_pdf))
    assert result.department == DEPARTMENT
    assert len(read_source(pictured).paragraphs()) == len(read_source(text_pdf).paragraphs())
    (table_segment,) = read_source(pictured).tables()
    assert table_segment.confidence is not None and table_segment.cell_confidence
    figures = [c for row, levels in zip(table_segment.rows, table_segment.cell_confidence, strict=True)
               for c, level in zip(row, levels, strict=True) if c.isdigit() and level is not None]  # fmt: skip
    assert "95" in figures


def test_the_room_left_on_a_cells_last_line_against_what_starts_the_next():
    """continued_rows weighs the room a cell's last line left (in ideographs) against what the text overleaf
    must start a line with: "——一户…" needs the dash pair and a character (3), "(15分)" the bracket and the
    figure (0.5 + 1), ":2030.12" its whole run (8 half-width characters: 4), an ideograph 1; half a character
    more is allowed for. Room for it: the text ended (a new row); no room: the remainder (joined)."""
    from jixiao.formats.layout import continued_rows

    head = ("名称", "分值")
    for last, rest, room, joined in [
        ("扶贫临时救助标准(<**元/户·年)", "——一户年最高5300元", 1.6, True),  # t27: 1.6 < 3 + 0.5
        ("预算配置", "(15分)", 1.5, True),  # t44: 1.5 < 1.5 + 0.5
        ("按收入性质分", ":2030.12", 3.0, True),  # t24: 3 < 4 + 0.5
        ("大厅运行正常率", "岗", 2.0, False),  # t09: 2 >= 1 + 0.5
        ("大厅运行正常率", "岗", None, True),  # nothing shown (a scan): a row of names alone is a remainder
        ("指标3.医疗器械抽验完成率", "指标4.不合格产品处置率", 0.0, False),  # t66: a numbered item opens a row
    ]:
        rows, cut = continued_rows((head, (last, "10")), ((rest, ""),), (room, 0.0))
        assert cut is joined
        assert rows == ((head, (last + rest, "10")) if joined else (head, (last, "10"), (rest, "")))


def test_a_table_followed_by_body_text_on_its_page_does_not_go_on_overleaf(tmp_path):
    """A table that ends above the page's text (a second table's title after it, corpus t28 landscape) has
    ended: the table opening the next page, its columns the same and its titles short, is a table of its own."""
    pages = []
    for name, y in (("宣传片制作", 200), ("援滇经费", 60)):
        page = Page()
        page.table(55, 60, [100.0, 60.0, 60.0], [["项目名称", name, ""], ["指标", "分值", "得分"]])
        if y == 200:
            page.text(55, 200, "财政项目支出绩效自评表", 12)
        pages.append(page)
    tables = read_source(write_pdf(tmp_path / "two.pdf", pages)).tables()
    assert [t.rows[0][1] for t in tables] == ["宣传片制作", "援滇经费"]


def test_a_seals_text_over_a_table_stays_out_of_its_cells(tmp_path):
    """A seal set as red text round an arc over a score table (an electronic seal printed with the report): its
    turned characters were left out already; the one standing level at the arc's top fell into the header cell
    below it ("三政级指标"). A red figure standing alone in a cell (marked so by its author) is the cell's."""
    import math

    head = ["一级指标", "二级指标", "三级指标", "分值", "得分"]
    rows = [["产出指标", "数量指标", f"完成道路{i}条", "10", "9"] for i in range(1, 7)]
    page = Page()
    page.text(60, 60, "项目支出绩效自评表", 14)
    page.table(60, 100, [90, 90, 150, 50, 50], [head, [*rows[0][:4], ""], *rows[1:]])
    page.ops.append(f"BT 1 0 0 rg /F1 9 Tf 1 0 0 1 443 {HEIGHT - 132} Tm <{{8}}> Tj ET")  # the first row's 得分
    for k, ch in enumerate("某某县财政局专用章"):
        angle = math.pi * (0.8 - 0.6 * k / 8)  # round the top of a circle, 政 at its top, level
        x, y = 250 + 45 * math.cos(angle), 160 - 45 * math.sin(angle)
        a, b = math.cos(angle - math.pi / 2), math.sin(angle - math.pi / 2)
        page.ops.append(
            f"BT 1 0 0 rg /F1 12 Tf {a:.3f} {b:.3f} {-b:.3f} {a:.3f} {x:.1f} {HEIGHT - y:.1f} Tm <{{{ch}}}> Tj ET"
        )
    doc = read_source(write_pdf(tmp_path / "seal.pdf", [page]))
    (table,) = [s for s in doc.segments if s.kind == "table"]
    assert list(table.rows[0]) == head
    assert [list(row) for row in table.rows[1:]] == [[*rows[0][:4], "8"], *rows[1:]]
    assert not any(ch in s.text for s in doc.segments for ch in "某财政局章")


def test_a_character_over_a_cells_right_rule_stays_in_its_cell(tmp_path):
    """A narrow cell's line ending in a character set over the cell's right rule (LibreOffice, corpus t61 printed
    to PDF: 生 begun 1 pt before the rule, its middle past it): by its middle it went to the next cell, which read
    "生有利于城" and left "有利于城市态"."""
    head = ["一级指标", "二级指标", "三级指标", "指标值", "分值", "得分"]
    rows = [["效益指标", "生态效益", "有利于城市生态", "有利于", "10", "10"], ["合计", "", "", "", "100", "99"]]
    page = Page()
    page.text(60, 60, "项目支出绩效自评表", 14)
    drawn = [["效益指标", "生态效益", "有利于城市生\n态", "有利于", "10", "10"], rows[1]]
    # 三级指标's cell from 180 to 231: its first line's 生 is set from 228 to 237, its middle past the rule
    page.table(60, 100, [60, 60, 51, 60, 40, 40], [head, *drawn])
    doc = read_source(write_pdf(tmp_path / "over.pdf", [page]))
    (table,) = [s for s in doc.segments if s.kind == "table"]
    assert [list(row) for row in table.rows] == [head, *rows]
