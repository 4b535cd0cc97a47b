"""Narrative reports as the PDFs Word/WPS export: a running header and footer on every page, a page number, a
paragraph running over page breaks in mid-sentence, a page of short items, Word footnotes, a watermark's text (turned,
level in large type, tiled), a footnote's mark in a table's cell — read as the text typed.

Each fixture is written with python-docx and printed to PDF by LibreOffice (formats/office.py), as a department's
report is; bench/review_pdf_layouts.py does the same to the corpus's narratives (with a watermark and a seal too).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from jixiao.formats import office
from jixiao.report.docx_out import add_field
from jixiao.review.narrative import extract_narrative_figures
from jixiao.review.pdftext import is_running, raised_marks, running_lines, stamp_char, superscript
from jixiao.review.source import read_source

from .pdf_stamps import stamped

pytestmark = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice is installed by scripts/setup.sh")

HEAD = "某县财政局2024年度部门整体支出绩效自评报告"
DEPARTMENT = "某县财政局"


def _sentences(n: int) -> str:
    return (
        "".join(
            f"第{i}项工作年度预算资金{100 + i}.50万元，实际支出{90 + i}.25万元，按计划完成了全年的建设任务和绩效目标；"
            for i in range(1, n)
        )
        + "各项工作均已按期完成。"
    )


def _report(path: Path, head: str, long_paragraph: str, a5: bool = True) -> Path:
    """A report of a title, a long paragraph over several pages, a short one and the 落款, with `head` in the
    header of every page and "第 X 页 共 Y 页" in the footer."""
    doc = Document()
    section = doc.sections[0]
    if a5:
        section.page_width, section.page_height = Cm(14.8), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    doc.styles["Normal"].font.size = Pt(12)
    header = section.header.paragraphs[0]
    header.text = head
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        run = footer.add_run()
        if part in ("PAGE", "NUMPAGES"):
            add_field(run, part)
        else:
            run.text = part
    doc.add_paragraph(HEAD).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("一、部门基本情况")
    doc.add_paragraph(long_paragraph).paragraph_format.first_line_indent = Pt(24)
    doc.add_paragraph("二、预算执行情况")
    doc.add_paragraph("2024年度预算执行率为98.50%。").paragraph_format.first_line_indent = Pt(24)
    for text in (DEPARTMENT, "2025年3月15日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    docx = doc.save(str(path.with_suffix(".docx"))) or path.with_suffix(".docx")
    return office.convert_file(docx, "pdf", path.parent / "pdf")


@pytest.fixture(scope="module")
def headed(tmp_path_factory) -> Path:
    return _report(tmp_path_factory.mktemp("headed") / "报告", HEAD, _sentences(30))


def test_a_running_header_is_not_read_into_the_text(headed):
    doc = read_source(headed)
    texts = [s.text for s in doc.paragraphs()]
    assert sum(1 for t in texts if HEAD in t) == 1, texts  # the title once; never the header of each page
    assert texts[0] == HEAD


def test_a_paragraph_over_page_breaks_reads_as_typed(headed):
    import pdfplumber

    with pdfplumber.open(str(headed)) as pdf:
        assert len(pdf.pages) >= 3  # the paragraph does cross page breaks
    doc = read_source(headed)
    texts = [s.text for s in doc.paragraphs()]
    assert _sentences(30) in texts, [t[:60] for t in texts]


def test_figures_cut_by_a_page_break_are_read_as_in_the_text_typed(headed, tmp_path):
    typed = tmp_path / "报告.txt"
    lines = [HEAD, "一、部门基本情况", _sentences(30), "二、预算执行情况", "2024年度预算执行率为98.50%。"]
    typed.write_text("\n".join([*lines, DEPARTMENT, "2025年3月15日"]) + "\n", encoding="utf-8")

    def read(path: Path) -> list[tuple[Decimal, str, str]]:
        return [(f.value, f.unit, f.subject) for f in extract_narrative_figures(read_source(path))]

    assert read(headed) == read(typed)
    texts = [s.text for s in read_source(headed).paragraphs()]
    assert texts[-2:] == [DEPARTMENT, "2025年3月15日"]  # the 落款 after the last footer, kept


def test_a_header_with_the_page_number_in_it_is_dropped_too(tmp_path):
    pdf = _report(tmp_path / "报告", f"{DEPARTMENT}  内部资料", _sentences(24))
    texts = [s.text for s in read_source(pdf).paragraphs()]
    assert not any("内部资料" in t for t in texts), texts
    assert _sentences(24) in texts


def test_running_lines_need_the_same_line_at_the_same_place_on_most_pages():
    head = (40.0, 52.0, "某县财政局")
    body = [(110.0 + 20 * k, 124.0 + 20 * k, f"正文第{k}行") for k in range(20)]
    foot = (560.0, 572.0, "第 1 页 共 3 页")
    pages = [[head, *body, foot] for _ in range(3)]
    running = running_lines(pages, [595.0] * 3)
    assert is_running(running, "某县财政局", 40.5)
    assert not is_running(running, "某县财政局", 110.0)  # the same words in the body: kept
    assert not any(is_running(running, text, top) for top, _, text in body)
    # on one page of three only (a title page's line): not a running line
    once = [[head, *body], body, body]
    assert not running_lines(once, [595.0] * 3)


def test_a_page_of_short_lines_after_a_page_of_text_keeps_each_line(tmp_path):
    """Corpus n151 at 三号: a page holding only a list of "市级资金 343.00" items measured its longest line as a
    full one, and joined the items into one another ("…73.25其中:")."""
    items = [
        "其中：中央补助 668.00",
        "市级资金 343.00",
        "本级资金（包括结转结余） 73.25",
        "农村部分计划生育家庭奖励扶助制度补助资金（万元）",
        "年度预算资金总额 763.00",
        "其中：中央补助 502.00",
        "市级资金 208.00",
        "本级资金（包括结转结余） 53.00",
        "计划生育家庭特别扶助制度补助资金（万元）",
        "年度预算资金总额 321.25",
    ]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(14.8), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_paragraph(_sentences(8))
    doc.add_page_break()
    for item in items:
        doc.add_paragraph(item)
    doc.save(str(tmp_path / "报告.docx"))
    pdf = office.convert_file(tmp_path / "报告.docx", "pdf", tmp_path / "pdf")
    texts = [s.text.replace(" ", "") for s in read_source(pdf).paragraphs()]
    assert texts[-len(items) :] == [item.replace(" ", "") for item in items], texts


def _footnoted(path: Path, paragraphs: list[list[tuple[str, int | None]]], notes: dict[int, str]) -> Path:
    """A report with Word footnotes (a 9 pt footnotes part, raised marks in the text), printed to PDF."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    small = '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    raised = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    small_raised = '<w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r>{small_raised}<w:footnoteRef/></w:r>'
        f'<w:r>{small}<w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for i, text in notes.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f"</w:footnote>{body}</w:footnotes>"
    )
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(14.8), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(12)
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    part = Part(PackURI("/word/footnotes.xml"), kind, xml.encode(), doc.part.package)
    doc.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    for runs in paragraphs:
        p = doc.add_paragraph()
        for text, note in runs:
            p.add_run(text)
            if note is not None:
                p._p.append(parse_xml(f'<w:r {w}>{raised}<w:footnoteReference w:id="{note}"/></w:r>'))
    docx = path.with_suffix(".docx")
    doc.save(str(docx))
    return office.convert_file(docx, "pdf", path.parent / "pdf")


def test_footnotes_neither_cut_the_text_nor_join_it(tmp_path):
    """A footnote's raised mark is not read into the figure it follows ("1200.00万元¹，实际支出" is not
    "万元1，"), and the footnotes at the page's foot do not fall into a paragraph going on overleaf."""
    long = _sentences(12)
    pdf = _footnoted(
        tmp_path / "报告",
        [
            [("一、预算执行情况", None)],
            [("2024年度部门预算资金1200.00万元", 1), ("，实际支出1182.00万元，预算执行率为98.50%", 2), ("。", None)],
            [(long, None)],
            [("二、绩效目标完成情况", None)],
            [("项目完成率100%。", None)],
        ],
        {1: "含上年结转资金200.00万元。", 2: "执行率为实际支出与预算资金之比。"},
    )
    texts = [s.text for s in read_source(pdf).paragraphs()]
    assert "2024年度部门预算资金1200.00万元，实际支出1182.00万元，预算执行率为98.50%。" in texts, texts
    assert long in texts, [t[:40] for t in texts]
    notes = [t for t in texts if "含上年结转资金" in t or "执行率为实际支出" in t]
    assert notes == ["含上年结转资金200.00万元。", "执行率为实际支出与预算资金之比。"]  # their marks not figures


def test_a_raised_small_figure_is_a_note_mark_but_not_after_a_unit():
    line = (100.0, 115.6)
    assert superscript("1", 100.2, 109.3, *line, "资金1200.00万元")
    assert superscript("①", 100.2, 109.3, *line, "执行率98.50%")
    assert not superscript("2", 100.2, 109.3, *line, "面积1200m")  # m² typed with a raised 2
    assert not superscript("1", 100.0, 115.6, *line, "资金")  # a figure of the text's size
    assert not superscript("12.5", 100.2, 109.3, *line, "资金")  # not a mark


# --- watermarks as document systems stamp them, and footnote marks in a table --------------------------------


def _stamped_report(
    path: Path, text: str, turned: bool, tiles: int = 1, table: bool = False, size: int = 12, a5: bool = True
) -> Path:
    """The headed report (_report's) with a watermark drawn across every page (stamped), and `table`: a table of
    funds whose figure carries a footnote's raised mark ("1200.00¹"), printed to PDF by LibreOffice."""
    from docx.oxml import parse_xml

    doc = Document()
    section = doc.sections[0]
    if a5:
        section.page_width, section.page_height = Cm(14.8), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(size)
    section.header.paragraphs[0].text = HEAD
    doc.add_paragraph(HEAD).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_sentences(24)).paragraph_format.first_line_indent = Pt(24)
    if table:
        rows = [
            ("项目", "预算数（万元）", "执行数（万元）"),
            ("办公经费", "1200.00", "1182.00"),
            ("合计", "1200.00", "1182.00"),
        ]
        grid = doc.add_table(rows=3, cols=3)
        grid.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        mark = f'<w:r {w}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>'
        grid.cell(1, 1).paragraphs[0]._p.append(parse_xml(mark))
    doc.add_paragraph("2024年度预算执行率为98.50%。")
    docx = path.with_suffix(".docx")
    doc.save(str(docx))
    fodt = office.convert_file(docx, "fodt", path.parent / "fodt")
    marked = path.with_suffix(".fodt")
    marked.write_text(stamped(fodt.read_text(encoding="utf-8"), text, turned, tiles), encoding="utf-8")
    return office.convert_file(marked, "pdf", path.parent / "pdf")


@pytest.mark.parametrize(
    ("text", "turned", "tiles", "size"),
    [("仅供审核", True, 1, 12), (DEPARTMENT, False, 1, 12), ("仅供审核", True, 1, 16)],
    ids=["turned", "level-large", "turned-over-16pt"],
)
def test_a_watermark_is_not_read_into_the_text(tmp_path, text, turned, tiles, size):
    """Before pdftext's watermark rules: the watermark fell into the paragraph on every page ("…按计划完成了全年" |
    "仅供审核" | "的建设任务…"), and a department's name so stamped became a line of the text. Over text in 三号
    (16 pt, A4) a 44 pt turned watermark's characters are 1.49 times the text's lines, not 1.8 (bench n91 stamped:
    "…用于疫情防控" | "仅" | "供" | "审" | "核" | "方面，…")."""
    import pdfplumber

    pdf = _stamped_report(tmp_path / "报告", text, turned, tiles, size=size, a5=size == 12)
    with pdfplumber.open(str(pdf)) as opened:  # the watermark is on each page, as text
        assert len(opened.pages) >= 2
        assert all(text[:2] in "".join(c["text"] for c in page.chars) for page in opened.pages)
    # LibreOffice may print this document's full-width marks in a Latin font: compared as NFKC folds them
    texts = [unicodedata.normalize("NFKC", s.text) for s in read_source(pdf).paragraphs()]
    assert unicodedata.normalize("NFKC", _sentences(24)) in texts, [t[:40] for t in texts]
    assert texts.count(HEAD) == 1, texts  # the title; the running header is not read
    assert not any(t == text or (text[:2] in t and HEAD not in t) for t in texts), texts


def test_a_watermark_on_a_table_page_and_a_mark_in_a_cell_stay_out_of_the_cells(tmp_path):
    """A page with a table is read by pdfplumber: the turned watermark's characters fell into the cells and the
    text around them, and a cell's raised footnote mark made "1200.001"."""
    pdf = _stamped_report(tmp_path / "报告", "仅供审核", True, table=True)
    doc = read_source(pdf)
    (table,) = [s for s in doc.segments if s.kind == "table"]
    assert [list(row) for row in table.rows] == [
        ["项目", "预算数（万元）", "执行数（万元）"],
        ["办公经费", "1200.00", "1182.00"],
        ["合计", "1200.00", "1182.00"],
    ]
    assert not any("仅" in s.text or "审核" in s.text for s in doc.segments)


def test_stamp_characters_are_turned_or_pale_grey():
    char = {"object_type": "char", "matrix": (1, 0, 0, 1, 0, 0), "non_stroking_color": (0.0,)}
    assert not stamp_char(char)
    assert stamp_char({**char, "matrix": (0.71, 0.71, -0.71, 0.71, 0, 0)})  # 45°
    assert not stamp_char({**char, "matrix": (0, 1, -1, 0, 0, 0)})  # a quarter turn: a vertical table heading
    assert stamp_char({**char, "non_stroking_color": (0.75, 0.75, 0.75)})
    assert stamp_char({**char, "non_stroking_color": (0.0, 0.0, 0.0, 0.25)})  # CMYK 25% black
    assert not stamp_char({**char, "non_stroking_color": (1.0,)})  # white: not a watermark's grey
    assert not stamp_char({**char, "non_stroking_color": (0.8, 0.1, 0.1)})  # red text
    assert not stamp_char({**char, "non_stroking_color": (0.0, 0.0, 0.0, 1.0)})


def test_a_raised_mark_follows_a_figure_not_a_latin_letter():
    def char(text: str, x0: float, top: float, size: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + size * 0.55, "top": top, "bottom": top + size, "size": size}

    line = [char(c, 100 + 6.6 * i, 200, 12) for i, c in enumerate("1200.00")]
    assert raised_marks([*line, char("1", line[-1]["x1"], 199, 7)]) == {7}
    assert not raised_marks([*line, char("1", line[-1]["x1"], 200, 12)])  # in the text's size and line
    unit = [char("m", 100, 200, 12), char("2", 106.6, 199, 7)]
    assert not raised_marks(unit)  # m²


def test_a_turned_watermark_across_short_paragraphs_keeps_their_lines_in_order(tmp_path):
    """Corpus n131 as bench/review_pdf_layouts.py stamps it (the town's name turned 45° across the page): pdftotext
    read the page as two blocks cut by the watermark's characters, the lower paragraph's lines before the upper one's
    last ("…保有量12辆；国" | "公务接待情况。" | "经比较，…较上年减少" | "内公务接待105批次…" | "2.97万元，下降6.89%"):
    a false growth_rate warning. Lines that make one column are read top to bottom."""
    import re
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from review_formats import _blocks
    from review_pdf_layouts import chosen, write_stamped_pdf

    folder = next(f for f in chosen(False) if f.name.startswith("n131-"))
    variant = chosen(False).index(folder)
    blocks = _blocks((folder / "document.txt").read_text(encoding="utf-8"))
    pdf = write_stamped_pdf(blocks, tmp_path, variant, "涪陵区新妙镇人民政府", "涪陵区新妙镇人民政府")
    text = "|".join(re.sub(r"\s", "", unicodedata.normalize("NFKC", s.text)) for s in read_source(pdf).paragraphs())
    assert "公务用车保有量12辆;国内公务接待105批次" in text, text
    assert "较上年减少2.97万元,下降6.89%" in text, text


def test_a_turned_watermark_on_a_one_page_report_is_found():
    """A turned watermark's characters, each a line of its own in large type stepping down the page, on a document
    of one page: never at one place on two pages, they were read as four paragraphs "仅" | "供" | "审" | "核" between
    a heading and its text (bench review_pdf_layouts n161 stamped: a parts_total warning lost). Large characters
    that do not step down together (a title's, a large 一 alone) are no watermark."""
    text = [(100.0 + 20 * i, 115.6 + 20 * i, f"第{i}行正文，预算执行情况良好。") for i in range(20)]
    stamp = [(341.0 + 31 * k, 372.0 + 31 * k, ch) for k, ch in enumerate("核审供仅")]
    title = [(60.0, 88.0, "报告")]
    running = running_lines([text + stamp + title], [842.0])
    assert all(is_running(running, ch, top) for top, _, ch in stamp)
    assert not is_running(running, "报告", 60.0)
    assert not any(is_running(running, line, top) for top, _, line in text)
    apart = [(341.0, 372.0, "核"), (500.0, 531.0, "审"), (700.0, 731.0, "供")]  # not one run
    assert not any(is_running(running_lines([text + apart], [842.0]), ch, top) for top, _, ch in apart)
