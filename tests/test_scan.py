"""Scans and old formats as a bureau receives them (issue 20), on inputs the review was not tuned on: a page
scanned sideways (90°), upside down (180°), fed 2.5° askew, at 100 dpi, with a red seal stamped over the total;
and one corpus document of each kind saved as .doc, .wps, .xls, .et and .ofd. Each gives the review of the
original — or a clear Chinese message — never a crash.

The scanned page is a small self-evaluation report (title, department, 表1 with 10 + 9 + 75 = 94 scored and a
合计 row saying 95) printed to PDF by LibreOffice and rasterised at 150 dpi, as bench/review_formats.py does;
the review of the text PDF is the reference."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from jixiao.formats import office
from jixiao.model.problems import JixiaoError, Severity
from jixiao.review import review_file
from jixiao.review.corpus import write_docx, write_xlsx
from jixiao.review.source import read_source

from .review_support import one_of_each_kind, review_summary

pytestmark = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice is installed by scripts/setup.sh")

DEPARTMENT = "深圳市宝安区妇女联合会"
# 10 + 9 + 75 = 94 scored; the 合计 row says 95 (the error every reading must find)
SCORE_ROWS = [
    ("一级指标", "二级指标", "三级指标", "分值", "得分"),
    ("决策", "预算编制", "合理性", "10", "10"),
    ("", "", "规范性", "10", "9"),
    ("管理", "资金", "执行率", "80", "75"),
    ("合计", "", "", "100", "95"),
]


def _report(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("2023年度部门整体支出绩效自评报告")
    doc.add_paragraph(DEPARTMENT)
    doc.add_paragraph("一、基本情况")
    doc.add_paragraph("本部门2023年度年初预算数为1200万元，决算支出1240万元。")
    doc.add_paragraph("二、自评结果")
    doc.add_paragraph("经自评，本部门2023年度自评得分95分，评价等级为“优”。")
    table = doc.add_table(rows=len(SCORE_ROWS), cols=len(SCORE_ROWS[0]))
    table.style = "Table Grid"
    for r, row in enumerate(SCORE_ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.add_paragraph("三、存在的问题")
    doc.add_paragraph("预算执行进度前慢后快。")
    doc.save(str(path))
    return path


def _summary(result) -> tuple:
    tables = [[(r.name, r.weight, r.score) for r in t.rows] for t in result.tables]
    findings = sorted((f.code, f.expected, f.actual) for f in result.findings if f.severity is not Severity.INFO)
    return result.department, result.year, result.total, result.grade, tables, findings


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The report as a text PDF, its review, and its page as an RGB image at 150 dpi."""
    import pypdfium2

    folder = tmp_path_factory.mktemp("printed")
    pdf = office.convert_file(_report(folder / "报告.docx"), "pdf", folder)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        assert len(document) == 1
        image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    return pdf, review_file(pdf), image


def _scan(image, path: Path, dpi: int = 150) -> Path:
    image.save(path, resolution=dpi)
    return path


def _same_as_text(printed, scanned: Path) -> None:
    _, text_review, _ = printed
    result = review_file(scanned)
    assert _summary(result) == _summary(text_review)
    error = next(f for f in result.findings if (f.expected, f.actual) == ("94", "95"))  # 10 + 9 + 75 against 95
    assert error.severity is Severity.ERROR
    assert result.department == DEPARTMENT and result.year == 2023


def test_the_upright_scan_reads_as_the_text_pdf(printed, tmp_path):
    _same_as_text(printed, _scan(printed[2], tmp_path / "扫描件.pdf"))


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_scanned_sideways_or_upside_down_is_turned_upright(printed, tmp_path, degrees):
    _same_as_text(printed, _scan(printed[2].rotate(degrees, expand=True), tmp_path / "转向.pdf"))


@pytest.mark.parametrize("degrees", [2.5, -3])
def test_a_page_fed_askew_is_straightened(printed, tmp_path, degrees):
    from PIL import Image

    image = printed[2].rotate(degrees, resample=Image.Resampling.BILINEAR, expand=False, fillcolor="white")
    _same_as_text(printed, _scan(image, tmp_path / "歪斜.pdf"))


def test_a_low_resolution_scan_is_read(printed, tmp_path):
    """100 dpi: a 10.5 pt character is about 15 px high."""
    from PIL import Image

    image = printed[2]
    small = image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.Resampling.LANCZOS)
    _same_as_text(printed, _scan(small, tmp_path / "低清.pdf", dpi=100))


def test_a_red_seal_over_the_total_does_not_hide_it(printed, tmp_path):
    """A seal's red ink over the 合计 row's 得分 (multiplied, as ink on paper: the black figure shows through)."""
    import numpy as np
    from PIL import Image, ImageChops, ImageDraw

    pdf, _, image = printed
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[0].get_textpage()
        at = next(i for i in range(page.count_chars()) if page.get_text_range(i, 2) == "95" and i > 0)
        left, bottom, right, top = page.get_charbox(at)
        height = document[0].get_height()
    finally:
        document.close()
    x, y = (left + right) / 2 * 150 / 72, (height - (top + bottom) / 2) * 150 / 72  # the last "95": the 合计 cell
    seal = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(seal)
    draw.ellipse((x - 110, y - 110, x + 110, y + 110), outline=(215, 35, 35), width=9)
    draw.regular_polygon((x, y, 35), 5, fill=(215, 35, 35))
    stamped = ImageChops.multiply(image, seal)
    assert np.asarray(stamped)[int(y) - 3 : int(y) + 3, int(x) - 3 : int(x) + 3].mean() < 200  # red over it
    _same_as_text(printed, _scan(stamped, tmp_path / "盖章.pdf"))


def test_an_empty_or_blank_scan_is_a_chinese_message(tmp_path):
    from PIL import Image

    blank = _scan(Image.new("RGB", (1240, 1754), "white"), tmp_path / "空白.pdf")
    with pytest.raises(JixiaoError) as info:
        review_file(blank)
    problem = info.value.problems[0]
    assert problem.location.file == str(blank) and "扫描件" in problem.message


# --- one corpus document of each kind, in every old format ------------------------------------------------------


@pytest.mark.parametrize("item", one_of_each_kind(), ids=lambda item: item.kind)
def test_each_corpus_kind_reviews_the_same_as_doc_wps_xls_et(item, tmp_path):
    doc = read_source(item.folder / "document.txt")
    docx = tmp_path / "报告.docx"
    write_docx(doc, docx)
    old = office.convert_file(docx, "doc", tmp_path / "doc")
    original = review_summary(docx)
    assert review_summary(old) == original
    assert review_summary(Path(shutil.copy(old, tmp_path / "报告.wps"))) == original
    if item.is_table:
        xlsx = tmp_path / "表.xlsx"
        write_xlsx(doc, xlsx)
        xls = office.convert_file(xlsx, "xls", tmp_path / "xls")
        in_xlsx = review_summary(xlsx)
        assert review_summary(xls) == in_xlsx
        assert review_summary(Path(shutil.copy(xls, tmp_path / "表.et"))) == in_xlsx


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".xls", ".et", ".ofd"])
def test_a_damaged_old_format_file_is_one_chinese_error(tmp_path, suffix):
    bad = tmp_path / f"坏{suffix}"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)  # an OLE header, then noise
    with pytest.raises(JixiaoError) as info:
        review_file(bad)
    problem = info.value.problems[0]
    assert problem.location.file == str(bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message)
    # LibreOffice may die on such a file (it does on this .et): the next file is converted by a fresh one
    assert office.convert_file(_report(tmp_path / "报告.docx"), "pdf", tmp_path / "pdf").exists()


def test_an_ofd_without_text_is_a_chinese_message(tmp_path):
    """An OFD holding only a page image (a scan saved as OFD) has no text to review: say so, naming the file."""
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    path = tmp_path / "扫描.ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "OFD.xml",
            f'{head}<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID>'
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr(
            "Doc_0/Document.xml",
            f"{head}<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>"
            '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        )
        z.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'{head}<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2"></ofd:Layer></ofd:Content></ofd:Page>',
        )
    with pytest.raises(JixiaoError) as info:
        review_file(path)
    problem = info.value.problems[0]
    assert problem.location.file == str(path)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message)


def test_a_lone_zero_is_not_doubted_for_its_form(tmp_path):
    """A cell holding only "0" is read with low top confidence (the recogniser hesitates between 0, O and o);
    read a second time over every form of the digit, it is sure — so a finding on it stays a finding."""
    import pypdfium2

    from jixiao.formats.confidence import LOW_CONFIDENCE

    doc = Document()
    doc.add_paragraph("“三公”经费支出情况（万元）")
    rows = [("项目", "2022年决算数", "2023年预算数", "2023年决算数")] + [
        (name, "0", "0", "0") for name in ("因公出国（境）费", "公务用车购置费", "公务接待费")
    ]
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.add_paragraph("")
    pdf = office.convert_file(_report_with(doc, tmp_path / "三公.docx"), "pdf", tmp_path)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    scanned = read_source(_scan(image, tmp_path / "三公扫描.pdf"))
    read = scanned.tables()[0]
    zeros = [
        level
        for row, levels in zip(read.rows, read.cell_confidence, strict=True)
        for text, level in zip(row, levels, strict=True)
        if text == "0"
    ]
    assert len(zeros) == 9
    assert min(zeros) >= LOW_CONFIDENCE


def _report_with(doc, path: Path) -> Path:
    doc.save(str(path))
    return path


# --- the same corpus documents as OFD (text runs placed by position, no drawn rules) ---------------------------

_OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
_OFD_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def _run_width(text: str) -> float:
    """Millimetres a run takes at 3.2 mm characters (half that for ASCII)."""
    return sum(1.6 if ord(c) < 128 else 3.2 for c in text)


def _corpus_ofd(doc, path: Path) -> Path:
    """The document as an OFD: each paragraph one run, each table row its cells' runs in columns as wide as their
    longest text; 40 lines a page."""
    from xml.sax.saxutils import escape

    pages: list[list[tuple[float, float, str]]] = [[]]
    y = 20.0
    for seg in doc.segments:
        if seg.kind == "paragraph":
            pages[-1].append((20.0, y, seg.text))
            y += 6
        else:
            cols = max(len(r) for r in seg.rows)
            widths = [max(_run_width(r[c]) if c < len(r) else 0 for r in seg.rows) + 6 for c in range(cols)]
            for row in seg.rows:
                pages[-1] += [(20 + sum(widths[:c]), y, text) for c, text in enumerate(row) if text.strip()]
                y += 6
        if y > 270:
            pages.append([])
            y = 20.0
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "OFD.xml",
            f'{_OFD_HEAD}<ofd:OFD {_OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t'
            "</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        listed = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr(
            "Doc_0/Document.xml",
            f"{_OFD_HEAD}<ofd:Document {_OFD_NS}><ofd:CommonData><ofd:MaxUnitID>99999</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 2000 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml"
            f"</ofd:PublicRes></ofd:CommonData><ofd:Pages>{listed}</ofd:Pages></ofd:Document>",
        )
        z.writestr(
            "Doc_0/PublicRes.xml",
            f'{_OFD_HEAD}<ofd:Res {_OFD_NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" '
            'FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        )
        number = 100
        for i, runs in enumerate(pages):
            objects = []
            for x, top, text in runs:
                number += 1
                advance = " ".join("1.6" if ord(c) < 128 else "3.2" for c in text[:-1])
                objects.append(
                    f'<ofd:TextObject ID="{number}" Boundary="{x} {top} {_run_width(text) + 2} 4.8" Font="2" '
                    f'Size="3.2"><ofd:TextCode X="0" Y="3.2" DeltaX="{advance}">{escape(text)}</ofd:TextCode>'
                    "</ofd:TextObject>"
                )
            z.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'{_OFD_HEAD}<ofd:Page {_OFD_NS}><ofd:Content><ofd:Layer ID="3">{"".join(objects)}</ofd:Layer>'
                "</ofd:Content></ofd:Page>",
            )
    return path


# Each table is rebuilt from its runs' positions (formats/ofd/tables.py): label-only rows — t06's "指标2:" under
# 三级指标, t01's "经济效益指标" just before the row the store cut ("公众满…") — are rows of their tables, as in the
# .docx. The same documents with their rules drawn as paths, and the other structures of real OFDs, are in
# tests/test_ofd.py.
@pytest.mark.parametrize("item", one_of_each_kind(), ids=lambda item: item.kind)
def test_each_corpus_kind_reviews_the_same_as_ofd(item, tmp_path):
    doc = read_source(item.folder / "document.txt")
    docx = tmp_path / "报告.docx"
    write_docx(doc, docx)
    assert review_summary(_corpus_ofd(doc, tmp_path / "报告.ofd")) == review_summary(docx)


def test_scanned_lines_join_as_the_page_shows_them():
    # A scan's lines come with whether each goes on in the next (formats/layout.py, Block.wraps). A long centred
    # title stops short of the margin: it is not glued to the 填报单位 line under it (corpus t37, t44, t45, t53).
    # A line that stops short because the next figure did not fit ("…增长" | "17.55%。") still goes on (n76).
    from jixiao.formats.layout import Block
    from jixiao.review.source import _add_blocks, _Builder

    def paragraphs(lines: list[tuple[str, bool | None]]) -> list[str]:
        builder = _Builder(Path("扫描件.pdf"))
        blocks = [
            Block("paragraph", 1, 40.0 * i, text=t, confidence=0.99, box=(100, 40 * i, 1000, 40 * i + 30), wraps=w)
            for i, (t, w) in enumerate(lines)
        ]
        _add_blocks(builder, blocks)
        return [s.text for s in builder.doc.paragraphs()]

    title = "铜陵市郊区二〇二一年度农村公益事业财政奖补项目支出绩效自评表"
    assert paragraphs([(title, False), ("填报单位:郊区财政局", False)]) == [title, "填报单位:郊区财政局"]
    cut = "2.项目支出469500元,占一般公共预算支出的19.62%,同比增加70100元,增长"
    assert paragraphs([(cut, False), ("17.55%。其中:", False)]) == [cut + "17.55%。其中:"]
    # the same lines without the layout's word fall back on their lengths, as for a text PDF
    assert len(paragraphs([(title, None), ("填报单位:郊区财政局", None)])) == 1
    # a sentence closed with a half-width mark (OCR folds ；！？) ends its paragraph
    ended = "本项目资金已全部拨付到位,资金使用符合相关管理办法的规定,未发现挤占挪用情况;"
    assert paragraphs([(ended, None), ("下一段", None)]) == [ended, "下一段"]
    # a paragraph ending "其中:" leads into its parts, as a Word file's line of its length does (n82)
    lead = ["2.项目支出0元,同比减少47600元,下降100%。下降原因是编外人员经费支出列入基本", "支出。其中:"]
    part = "商品和服务支出预算0元,同比减少47600元。"
    assert paragraphs([(lead[0], True), (lead[1], False), (part, False)]) == ["".join(lead) + part]
    assert paragraphs([("其中:", False), (part, False)]) == ["其中:", part]


# --- the table rebuilt from OCR's boxes: what the page shows that the recogniser's best reading misses ---------


def test_a_closing_bracket_seen_at_a_cells_end_is_written_only_where_one_is_open():
    """The recogniser often drops the ")" closing a cell ("(万元" for "(万元)", corpus t13 and t56), though its
    output gives the bracket a fair probability at that step (reading.Read.closings). The layout writes it back
    at the cell's end when the cell leaves a "(" open, and nowhere else."""
    from jixiao.formats.layout import Box, Grid, blocks_from_boxes

    grid = Grid((0.0, 200.0, 400.0), (0.0, 40.0, 80.0, 120.0))
    boxes = [
        # row 1: "资金(万" over "元", the bracket seen after 元 (position 1 = after its one character)
        Box("资金(万", 10, 5, 90, 20, 0.99),
        Box("元", 10, 22, 30, 37, 0.99, closings=(1,)),
        # row 2: seen, but the cell's bracket is closed already: nothing added
        Box("人数(人)", 10, 45, 90, 75, 0.99, closings=(5,)),
        # row 3: a "(" open but no bracket seen: left as read
        Box("收入(总收入", 10, 85, 150, 115, 0.99),
    ]
    (table,) = blocks_from_boxes(boxes, 1, (grid,))
    assert [row[0] for row in table.rows] == ["资金(万元)", "人数(人)", "收入(总收入"]


def test_a_bracket_seen_at_a_blank_step_is_kept_as_a_closing():
    """reading._closings on a recogniser's output of five steps over the characters [blank, 元, ), ）]: 元 read
    at step 1; at step 3 the blank wins (0.55) but the bracket's two forms together have 0.25 + 0.20 = 0.45 ≥
    CLOSING_SEEN (0.25): a closing after the first character. At 0.10 + 0.10 = 0.20 it is not."""
    import numpy as np

    from jixiao.formats.reading import _closings

    def steps(first: float, second: float):
        return np.array(
            [[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0], [1 - first - second, 0, first, second], [1, 0, 0, 0]]
        )

    for probabilities, expected in (((0.25, 0.20), (1,)), ((0.10, 0.10), ())):
        output = steps(*probabilities)
        best = output.argmax(axis=1)
        assert _closings(output, best, [1], [2, 3]) == expected


def test_a_page_break_between_two_whole_rows_does_not_join_them():
    """A table's first row on a page is the remainder of the row the page break cut only when it cannot be a
    row of its own: beside a whole value in the same column ("5亩" above "20亩", corpus t15) or below a cell
    that ends with its closing mark ("…资金(万元)" above "年度预算资金总额:", t56) it is a new row; a name cut
    mid-text is still joined."""
    from jixiao.formats.layout import continued_rows

    before = (("指标", "目标值", "实际值"), ("其中苹果树种植面积", "5亩", "5亩"))
    new = ("其中露天蔬菜", "20亩", "20亩")
    assert continued_rows(before, (new,)) == ((*before, new), False)
    before = (("项目", "金额"), ("2023年绩效调整资金(万元)", ""))
    new = ("年度预算资金总额:", "")
    assert continued_rows(before, (new,)) == ((*before, new), False)
    before = (("指标", "分值"), ("特困人员救助供养", "5"))
    joined = (("指标", "分值"), ("特困人员救助供养人数(按月平均)", "5"))
    assert continued_rows(before, (("人数(按月平均)", ""),)) == (joined, True)


def test_a_table_page_without_its_rules_keeps_its_text():
    """_without_rules (the page a line is read again on when a rule's end was read as a character, "「国家政策"
    in corpus t16) whitens a ruled table's lines and keeps its text: on a drawn grid with a figure in each
    cell, every rule pixel turns white, the figures' ink stays."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from jixiao.formats.ocr import _without_rules

    image = Image.new("L", (600, 200), 255)
    draw = ImageDraw.Draw(image)
    for x in (20, 300, 580):
        draw.line([(x, 20), (x, 180)], fill=0, width=2)
    for y in (20, 100, 180):
        draw.line([(20, y), (580, y)], fill=0, width=2)
    font = ImageFont.load_default(size=40)
    for x, y in ((60, 40), (340, 120)):
        draw.text((x, y), "123", fill=0, font=font)
    page = np.array(image)
    cleaned = _without_rules(page, 150)
    assert (cleaned[20, 20:580] == 255).all() and (cleaned[20:180, 300] == 255).all()
    text = page[40:90, 60:140] < 128
    assert text.sum() > 100 and ((cleaned[40:90, 60:140] < 128) == text).all()


def test_a_wrapped_line_ending_with_a_half_width_mark_is_joined_with_the_next():
    """OCR folds ；！？ to ; ! ? (ocr.folded), so a line that wraps right after one must be joined with the next
    as after 。 — else the review's reader takes the mark at the line's end for the paragraph's end. Lines 30 px
    high, 40 px apart; the first indented by 60 px (the page shows its paragraphs by a first-line indent), the
    first and fourth reaching the right margin (1000)."""
    from jixiao.formats.layout import Block, _sentence_ends_joined

    lines = [
        ("资金已全部拨付到位;", (160, 0, 1000, 30)),
        ("使用符合相关规定。", (100, 40, 600, 70)),
        ("二是加强管理!", (160, 80, 1000, 110)),
        ("按期完成", (100, 120, 1000, 150)),
        ("各项任务。", (100, 160, 500, 190)),
    ]
    blocks = [Block("paragraph", 1, box[1], text=text, box=box) for text, box in lines]
    joined = [b.text for b in _sentence_ends_joined(blocks)]
    assert joined == ["资金已全部拨付到位;使用符合相关规定。", "二是加强管理!按期完成", "各项任务。"]


def test_a_table_of_narrow_columns_is_not_taken_for_a_page_scanned_sideways(tmp_path):
    """A table of twenty columns printed on a portrait page stacks each cell's characters one a line (corpus
    t30): most lines are found taller than wide, as on a page scanned sideways. Its characters stand upright,
    so the page is not turned, and a column of characters that runs down across a row's rule is cut there:
    each cell reads as typed."""
    import pypdfium2

    labels = ["项目名称", "主管部门", "实施单位", "资金来源", "年初预算", "全年预算", "全年执行", "分值权重"]
    values = ["调查经费", "统计局", "统计局", "财政拨款", "5.28", "1.96", "1.96", "10"]
    doc = Document()
    doc.add_paragraph("项目支出绩效自评表")
    table = doc.add_table(rows=2, cols=20)
    table.style = "Table Grid"
    for c, (label, value) in enumerate(zip(labels, values, strict=True)):
        table.cell(0, c).text = label
        table.cell(1, c).text = value
    doc.add_paragraph("")
    pdf = office.convert_file(_report_with(doc, tmp_path / "窄表.docx"), "pdf", tmp_path)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    (read,) = read_source(_scan(image, tmp_path / "窄表扫描.pdf")).tables()
    assert read.rows[0][:4] == tuple(labels[:4])
    assert read.rows[1][:4] == tuple(values[:4])


def test_the_engines_sessions_with_their_memory_arena_read_as_the_wheels_do():
    """ocr._with_arena makes a model's session again with ONNX Runtime's memory arena (for speed): the same
    model, so the same output, to the last bit, on the same input as the wheel's own session."""
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    from jixiao.formats.ocr import _ocr_engine, _with_arena

    plain = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    page = np.random.default_rng(20).random((1, 3, 48, 320)).astype(np.float32)
    before = plain.text_rec.session(page)[0]
    _with_arena(plain.text_rec.session)
    assert (plain.text_rec.session(page)[0] == before).all()
    assert _ocr_engine().text_rec.session.session.get_session_options().enable_cpu_mem_arena


# --- a doubtful character settled by the document (reading.Doubt, reading.agreed) ------------------------------

# the recogniser's characters in these tests: index 0 is CTC's blank
_CHARACTERS = ["", "两", "品", "一", "械", "=", "≥", "(", "台", ")", "1", "7"]


def _output(*steps: dict[str, float]):
    """A recogniser's output: one row a step, each character's probability, the blank taking the rest."""
    import numpy as np

    rows = []
    for step in steps:
        row = np.zeros(len(_CHARACTERS))
        for character, probability in step.items():
            row[_CHARACTERS.index(character)] = probability
        row[0] = 1 - row.sum()
        rows.append(row)
    return np.array(rows)


def test_the_output_keeps_a_runner_up_and_a_character_the_blank_narrowly_won_as_doubts():
    """reading._decoded: "两品" read, then at step 4 the blank wins with 0.76 against 一's 0.15 (≥ DOUBT 0.1,
    blank < BLANK_DOUBT 0.85): 一 may be inserted after the two characters. "(=台)": = at 0.55 against ≥ at
    0.30: ≥ may replace it. Not doubted: a step the blank wins with 0.95 (一 0.05 < 0.1), a digit's runner-up
    (1 read, 7 at 0.40: a figure's digits are doubted by its confidence, not settled by other lines)."""
    from jixiao.formats.reading import Doubt, _decoded

    index = {c: i for i, c in enumerate(_CHARACTERS)}
    dropped = _output({"两": 1.0}, {}, {"品": 1.0}, {}, {"一": 0.15, "械": 0.09}, {})
    read = _decoded(dropped, _CHARACTERS, index)
    assert read.text == "两品"
    assert read.doubts == (Doubt(2, "一", False),)
    assert Doubt(2, "一", False).applied(read.text) == "两品一"

    swapped = _output({"(": 1.0}, {"=": 0.55, "≥": 0.30}, {}, {"台": 1.0}, {")": 1.0})
    read = _decoded(swapped, _CHARACTERS, index)
    assert (read.text, read.doubts) == ("(=台)", (Doubt(1, "≥", True),))
    assert read.doubts[0].applied(read.text) == "(≥台)"

    sure = _output({"两": 1.0}, {}, {"品": 1.0}, {"一": 0.05}, {})
    digit = _output({"1": 0.6, "7": 0.4}, {})
    assert _decoded(sure, _CHARACTERS, index).doubts == ()
    assert _decoded(digit, _CHARACTERS, index).doubts == ()


def test_a_doubtful_character_takes_the_reading_the_document_prints_elsewhere(tmp_path):
    """reading.agreed: a name read once otherwise than the document prints it everywhere else reads as printed
    (corpus t66: "指标1:两品" + "械总体安全" where every other line says 两品一械; t57: "(=台)" in a column of
    "(≥套)" "(≥3)"). The other reading is taken only where, with a neighbour, it is printed elsewhere at
    least twice ("品一" 2 + "两品一" 2 = 4; "(≥" 2) and the chosen reading, with that neighbour, never; a
    document that prints "(=" too keeps "=". A later page is settled by the pages read before it (settled)."""
    from jixiao.formats.layout import Box
    from jixiao.formats.reading import Doubt, agreed, settled

    def line(text: str, *doubts: Doubt) -> Box:
        return Box(text, 0, 0, 100, 20, 0.95, doubts=doubts)

    first = [line("加强两品一械企业监管"), line("组织两品一械科普宣传"), line("(≥套)"), line("(≥3)")]
    second = [line("指标1:两品", Doubt(6, "一", False)), line("(=台)", Doubt(1, "≥", True))]
    (_, settled_second) = agreed([first, second])
    assert [b.text for b in settled_second] == ["指标1:两品一", "(≥台)"]
    assert settled_second[0].confidence == 0.95  # the box is otherwise as read

    also_equals = [*first, line("(=5)")]
    (_, kept) = agreed([also_equals, second])
    assert [b.text for b in kept] == ["指标1:两品一", "(=台)"]

    once = [line("加强两品一械企业监管")]  # "品一" 1 + "两品一" 1 = 2: enough; alone on its page: nothing to go by
    assert [b.text for b in agreed([once, second[:1]])[1]] == ["指标1:两品一"]
    assert [b.text for b in agreed([second[:1]])[0]] == ["指标1:两品"]

    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 pages read one at a time")
    assert settled(scan, {1: first}) == {1: first}
    assert [b.text for b in settled(scan, {2: second})[2]] == ["指标1:两品一", "(≥台)"]


def test_a_lone_digit_as_tall_as_a_line_is_read_upright():
    """RapidOCR turns a crop 1.5 times taller than wide on its side (a column of characters); a lone digit's box
    in a table cell is that tall, and on its side it reads unsurely (corpus t22 scanned: a 得分 "5" at 0.73,
    which made the finding on it a hint). reading.unturned turns a crop one line tall back upright: here a "5"
    26 px wide and 42 px tall beside a line 240 × 42 (42 < 1.6 × 42), read at least as surely as turned; a
    column of three characters (26 × 126, 3 line heights) stays turned."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from jixiao.formats.ocr import _ocr_engine
    from jixiao.formats.reading import read_crops, unturned

    image = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    draw.text((20, 20), "12345678", fill="black", font=font)
    draw.text((306, 20), "5", fill="black", font=font)

    def corners(x0: float, y0: float, x1: float, y1: float):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)

    boxes = [corners(14, 16, 254, 58), corners(300, 16, 326, 58), corners(350, 16, 376, 142)]
    engine = _ocr_engine()
    turned = engine.get_crop_img_list(np.array(image)[:, :, ::-1].copy(), boxes)
    assert turned[1].shape[:2] == (26, 42) and turned[2].shape[:2] == (26, 126)  # both on their side
    upright = unturned(turned, boxes)
    assert upright[1].shape[:2] == (42, 26) and upright[2].shape[:2] == (26, 126)
    assert upright[0] is turned[0]
    (before,) = read_crops(engine.text_rec, [turned[1]])
    (after,) = read_crops(engine.text_rec, [upright[1]])
    assert after.text == "5" and after.score >= 0.95 and after.score >= before.score


def test_a_tall_box_over_lines_of_two_characters_is_cut_into_its_lines():
    """In a narrow column whose text wraps two characters a line, the detector may find the cell as one tall box
    and the recogniser read it as a column of characters, nonsense (corpus t25 scanned). reading.stacked_lines
    cuts it between its lines of ink: six lines of two characters drawn 30 px apart (the font 24 px), with a
    rule down the box's left edge and two lines touching (no blank row between them: a 32-row run, twice the
    median 16, cut where ink is least), give six boxes, each one line tall and as wide as its ink; the page's
    wide line is left as it is."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from jixiao.formats.reading import stacked_lines

    image = Image.new("L", (300, 260), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    tops = [20, 50, 80, 110, 126, 170]  # ink rows top+8 … top+23: the fifth line's ink touches the fourth's
    for top in tops:
        draw.text((112, top), "EE", fill=0, font=font)
    draw.line([(104, 10), (104, 205)], fill=0, width=2)  # a rule down the box's edge
    draw.text((160, 20), "EEEEE", fill=0, font=font)

    def corners(x0: float, y0: float, x1: float, y1: float):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)

    wide = corners(155, 15, 260, 45)  # one line: 30 px, the page's line height
    tall = corners(100, 15, 150, 205)  # 190 px: over 2 line heights and 1.5 times its 50 px width
    out = stacked_lines(np.array(image), [wide, tall])
    assert out[0] is wide
    pieces = out[1:]
    assert len(pieces) == len(tops)
    for piece, top in zip(pieces, tops, strict=True):
        assert top - 2 <= piece[:, 1].min() + 3 <= top + 12  # each starts at its line's ink
        assert np.ptp(piece[:, 1]) < 30  # one line tall
        assert piece[:, 0].min() > 104  # the rule is not part of its ink
