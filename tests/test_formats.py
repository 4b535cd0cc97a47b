"""Every format a bureau receives (issue 20): the same document gives the same review as .docx and as .doc, the
same workbook the same score as .xlsx and as .xls (with the same cell-level errors), an OFD is read, and a
scanned page — with a red seal over it, alone or beside a text page — gives back its score table.

One LibreOffice is started for the whole module (the long-lived converter of jixiao.formats.office)."""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from jixiao.cli import main
from jixiao.formats import office
from jixiao.model.problems import JixiaoError, Severity
from jixiao.pipeline import load_department, prepare
from jixiao.review import review_document, review_file
from jixiao.review.source import read_source
from jixiao.scoring.engine import evaluate

pytestmark = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice is installed by scripts/setup.sh")

TITLE = "2023年度部门整体支出绩效自评报告"
DEPARTMENT = "深圳市宝安区妇女联合会"
# 10 + 9 + 75 = 94 scored; the 合计 row says 95 (a wrong total the review must catch in every format)
SCORE_ROWS = [
    ("一级指标", "二级指标", "三级指标", "分值", "得分"),
    ("决策", "预算编制", "合理性", "10", "10"),
    ("", "", "规范性", "10", "9"),
    ("管理", "资金", "执行率", "80", "75"),
    ("合计", "", "", "100", "95"),
]


def _report_docx(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph(DEPARTMENT)
    doc.add_paragraph("一、基本情况")
    doc.add_paragraph(
        "本部门2023年度年初预算数为1200万元，全年预算数为1250万元，决算支出1240万元，预算执行率为99.20%。"
    )
    doc.add_paragraph("二、自评结果")
    doc.add_paragraph("经自评，本部门2023年度自评得分95分，评价等级为“优”。")
    table = doc.add_table(rows=len(SCORE_ROWS), cols=len(SCORE_ROWS[0]))
    table.style = "Table Grid"
    for r, row in enumerate(SCORE_ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.add_paragraph("三、存在的问题")
    doc.add_paragraph("预算执行率为99.20%，执行进度前慢后快。")
    doc.add_paragraph("四、改进措施")
    doc.add_paragraph("加强预算执行进度管理。")
    doc.save(str(path))
    return path


def _summary(result) -> tuple:
    tables = [[(r.level1, r.name, r.weight, r.score) for r in t.rows] for t in result.tables]
    findings = sorted((f.code, f.severity.value, f.message) for f in result.findings)
    return result.department, result.year, result.rulebook_id, result.total, result.grade, tables, findings


def test_docx_and_doc_give_the_same_review(tmp_path):
    original = _report_docx(tmp_path / "报告.docx")
    old = office.convert_file(original, "doc", tmp_path / "doc")
    assert old.suffix == ".doc" and old.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE compound file
    first, second = review_file(original), review_file(old)
    assert _summary(second) == _summary(first)
    assert (first.department, first.year) == (DEPARTMENT, 2023)
    error = next(f for f in second.findings if (f.expected, f.actual) == ("94", "95"))  # 10 + 9 + 75 against 95
    assert error.severity is Severity.ERROR
    assert error.location.file == str(old)  # the place names the .doc the user gave, not a temporary .docx


def test_wps_name_is_read_like_doc(tmp_path):
    """WPS's .wps is a Word-97 style file: LibreOffice finds its type by content."""
    old = office.convert_file(_report_docx(tmp_path / "报告.docx"), "doc", tmp_path / "doc")
    wps = shutil.copy(old, tmp_path / "报告.wps")
    assert _summary(review_file(Path(wps)))[:5] == _summary(review_file(old))[:5]


def test_xlsx_and_xls_score_the_same(tmp_path):
    workbook = tmp_path / "填报.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    old = office.convert_file(workbook, "xls", tmp_path / "xls")
    new_run, old_run = prepare(workbook), prepare(old)
    new_eval, old_eval = evaluate(new_run.rulebook, new_run.data), evaluate(old_run.rulebook, old_run.data)
    assert old_eval.total == new_eval.total == Decimal("97.61")  # README: 宝安 2023, 97.61 (优)
    assert [(n.id, n.score) for n in old_eval.leaves()] == [(n.id, n.score) for n in new_eval.leaves()]
    assert old_run.data.source == str(old)
    assert main(["score", str(old)]) == 0


def test_xls_cell_errors_name_the_cell_as_in_xlsx(tmp_path):
    import openpyxl

    workbook = tmp_path / "填报.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    wb = openpyxl.load_workbook(workbook)
    ws = wb["基本信息"]
    cell = next(
        ws.cell(c.row, c.column + 1) for row in ws.iter_rows() for c in row if str(c.value).startswith("年初预算·合计")
    )
    cell.value = "二千三百万"
    wb.save(workbook)
    old = office.convert_file(workbook, "xls", tmp_path / "xls")

    def errors(path: Path) -> list:
        _data, problems = load_department(path)
        return [p for p in problems if p.severity is Severity.ERROR]

    new_errors, old_errors = errors(workbook), errors(old)
    assert new_errors and [(e.code, e.message, e.location.sheet, e.location.cell) for e in old_errors] == [
        (e.code, e.message, e.location.sheet, e.location.cell) for e in new_errors
    ]
    assert all(e.location.file == str(old) for e in old_errors)
    assert any(e.location.cell == cell.coordinate and "二千三百万" in e.message for e in old_errors)


def test_a_damaged_xls_is_one_clear_error(tmp_path):
    bad = tmp_path / "坏.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE header and nothing behind it
    with pytest.raises(JixiaoError) as info:
        load_department(bad)
    problem = info.value.problems[0]
    # LibreOffice either refuses it or opens it as an empty sheet: either way one error naming the user's file
    assert problem.location.file == str(bad) and problem.code in ("xlsx.convert", "xlsx.not_template")


# --- OFD -----------------------------------------------------------------------------------------------------

_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _write_ofd(path: Path, lines: list[tuple[float, float, str]], size: float = 4.0) -> Path:
    """A minimal valid OFD (GB/T 33190): OFD.xml → Document.xml → one page of TextObjects, each placed at x, y mm."""
    objects = []
    for i, (x, y, text) in enumerate(lines):
        advance = " ".join([str(size)] * (len(text) - 1))
        objects.append(
            f'<ofd:TextObject ID="{10 + i}" Boundary="{x} {y} {size * len(text) + 1} {size * 1.5}" Font="2" '
            f'Size="{size}"><ofd:TextCode X="0" Y="{size}" DeltaX="{advance}">{text}</ofd:TextCode></ofd:TextObject>'
        )
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "OFD.xml",
            f'{head}<ofd:OFD {_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID>'
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr(
            "Doc_0/Document.xml",
            f"{head}<ofd:Document {_NS}><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
            '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
            "</ofd:Document>",
        )
        z.writestr(
            "Doc_0/PublicRes.xml",
            f'{head}<ofd:Res {_NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
            "</ofd:Fonts></ofd:Res>",
        )
        z.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'{head}<ofd:Page {_NS}><ofd:Content><ofd:Layer ID="3">{"".join(objects)}</ofd:Layer></ofd:Content>'
            "</ofd:Page>",
        )
    return path


def test_ofd_text_and_table_are_read(tmp_path):
    lines = [(20, 20, TITLE), (20, 28, DEPARTMENT), (20, 36, "经自评，本部门2023年度自评得分95分，评价等级为“优”。")]
    columns = (20, 50, 80, 130, 150)
    for r, row in enumerate(SCORE_ROWS):
        lines += [(x, 45 + r * 8, text) for x, text in zip(columns, row, strict=True) if text]
    path = _write_ofd(tmp_path / "报告.ofd", lines)
    doc = read_source(path)
    assert [p.text for p in doc.paragraphs()] == [text for _, _, text in lines[:3]]
    assert [list(row) for row in doc.tables()[0].rows] == [list(row) for row in SCORE_ROWS]
    result = review_file(path)
    assert (result.department, result.year) == (DEPARTMENT, 2023)
    error = next(f for f in result.findings if (f.expected, f.actual) == ("94", "95"))  # 10 + 9 + 75 against 95
    assert error.severity is Severity.ERROR


def test_ofd_that_is_not_a_zip_is_refused_by_name(tmp_path):
    path = tmp_path / "坏.ofd"
    path.write_text("不是压缩包", encoding="utf-8")
    with pytest.raises(JixiaoError) as info:
        read_source(path)
    assert info.value.problems[0].location.file == str(path)


# --- scanned PDFs --------------------------------------------------------------------------------------------


def _page_images(pdf: Path, dpi: int = 150) -> list:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def _with_seal(image):
    """A red seal (公章) stamped over the upper right of the page, as scanned reports carry them."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    w, _ = image.size
    draw.ellipse((w - 520, 240, w - 220, 540), outline=(220, 30, 30), width=8)
    draw.regular_polygon((w - 370, 390, 40), 5, fill=(220, 30, 30))
    return image


@pytest.fixture(scope="module")
def score_table_pages(tmp_path_factory):
    """Seed 000's 表1 as jixiao writes it (the bundled example), as a text PDF: the page holding it, and the text
    PDF itself."""
    folder = tmp_path_factory.mktemp("scan")
    assert main(["report", "examples/baoan-fulian-2023", "--out", str(folder), "--format", "docx"]) == 0
    pdf = office.convert_file(folder / "自评报告.docx", "pdf", folder)
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    texts = [page.get_textpage().get_text_range() for page in document]
    document.close()
    number = next(i for i, text in enumerate(texts) if "三级指标" in text and "得分" in text)
    return pdf, number


def test_scanned_score_table_is_read_with_its_confidence(score_table_pages, tmp_path):
    pdf, number = score_table_pages
    text_review = review_file(pdf)
    scanned = tmp_path / "扫描件.pdf"
    _with_seal(_page_images(pdf)[number]).save(scanned, resolution=150)
    doc = read_source(scanned)
    assert doc.tables() and all(s.page == 1 for s in doc.segments)
    table = max(doc.tables(), key=lambda t: len(t.rows))
    assert table.confidence is not None and 0 < table.confidence <= 1
    assert len(table.cell_confidence) == len(table.rows)
    x0, y0, x1, y1 = table.box  # where on the page (pixels at 150 dpi: an A4/Letter page is about 1240–1275 wide)
    assert 0 <= x0 < x1 <= 1275 and 0 <= y0 < y1 <= 1754
    result = review_document(doc)  # the document read once: OCR is the slow part
    main_table = next(t for t in text_review.tables if t.family == "three_level")
    read = next(t for t in result.tables if t.family == "three_level")
    # every row of 表1 read back: name, 分值 and 得分 (the total 97.61 is their sum; README)
    assert [(r.name, r.weight, r.score) for r in read.rows] == [(r.name, r.weight, r.score) for r in main_table.rows]
    assert result.total == Decimal("97.61")


def test_mixed_pdf_is_read_page_by_page(score_table_pages, tmp_path):
    import pypdfium2

    pdf, number = score_table_pages
    scanned = tmp_path / "表1.pdf"
    _page_images(pdf)[number].save(scanned, resolution=150)
    mixed = pypdfium2.PdfDocument(str(pdf))
    mixed.del_page(number)
    mixed.import_pages(pypdfium2.PdfDocument(str(scanned)), index=number)  # the 表1 page replaced by its scan
    mixed.save(str(tmp_path / "混合.pdf"))
    mixed.close()
    doc = read_source(tmp_path / "混合.pdf")
    pages = {s.page for s in doc.segments}
    assert number + 1 in pages and len(pages) > 1
    assert all(s.confidence is None and s.box is None for s in doc.segments if s.page != number + 1)  # text layer
    assert any(s.confidence is not None for s in doc.segments if s.page == number + 1)
    assert review_document(doc).total == Decimal("97.61")


# --- the converter's limits (last: it kills the module's LibreOffice) -------------------------------------------


def test_a_hung_conversion_is_killed(tmp_path):
    converter = office.shared_converter()
    if converter is None:
        pytest.skip("python3-uno is installed by scripts/setup.sh")
    source = _report_docx(tmp_path / "报告.docx")
    with pytest.raises(office.ConversionError, match="超时"):
        converter.convert(source, tmp_path / "报告.pdf", timeout=0.001)
    assert converter._proc is None  # LibreOffice killed; the next conversion starts a fresh one


# --- figures read by OCR are checked twice ---------------------------------------------------------------------


@pytest.mark.parametrize(("total_confidence", "severity"), [(0.99, Severity.ERROR), (0.62, Severity.INFO)])
def test_a_finding_on_a_doubtful_figure_is_a_hint(total_confidence, severity):
    """The 合计 row states 95 where 10 + 9 + 75 = 94: an error when OCR was sure of the 95 (0.99), a hint that says
    why when it was not (0.62 < 0.9)."""
    from jixiao.review.source import Segment, SourceDocument

    levels = [tuple(0.99 for _ in row) for row in SCORE_ROWS]
    levels[-1] = (0.99, None, None, 0.99, total_confidence)  # the 合计 row's 得分 cell
    table = Segment("table", 1, rows=tuple(SCORE_ROWS), page=1, confidence=min(0.99, total_confidence),
                    cell_confidence=tuple(levels))  # fmt: skip
    doc = SourceDocument(Path("扫描件.pdf"), [Segment("paragraph", 1, TITLE, page=1, confidence=0.99), table])
    finding = next(f for f in review_document(doc).findings if (f.expected, f.actual) == ("94", "95"))
    assert finding.severity is severity
    assert ("识别置信度 0.62 偏低" in finding.message) is (severity is Severity.INFO)


def test_the_head_total_against_the_table_rests_on_the_total_cell_alone():
    """The head states 自评总分 96, the 合计 row 95 (an error). A doubtful figure elsewhere in the table — row 2's
    分值 "10" read at 0.50 — is not what the comparison rests on, so it stays an error (scanned t08 made it a
    hint); a doubtful 合计 得分 (0.50) makes it a hint."""
    from jixiao.review.source import Segment, SourceDocument

    for doubtful, severity in (((1, 3), Severity.ERROR), ((4, 4), Severity.INFO)):
        levels = [[0.99 for _ in row] for row in SCORE_ROWS]
        levels[doubtful[0]][doubtful[1]] = 0.5
        table = Segment("table", 1, rows=tuple(SCORE_ROWS), page=1, confidence=0.5,
                        cell_confidence=tuple(tuple(row) for row in levels))  # fmt: skip
        head = [
            Segment("paragraph", i, text, page=1, confidence=0.99) for i, text in enumerate((TITLE, "自评总分:96"), 1)
        ]
        doc = SourceDocument(Path("扫描件.pdf"), [*head, table])
        found = [f for f in review_document(doc).findings if f.code == "review.score_sum" and f.actual == "96"]
        assert [f.severity for f in found] == [severity]


@pytest.mark.parametrize(
    ("levels", "hinted"),
    [((0.57,), "0.57"), ((0.57, 0.98), None), ((0.99,), None), ((None,), None)],
)
def test_a_department_name_read_unsurely_comes_with_a_hint(levels, hinted):
    """The department's name read from a scan where a rare character may have been taken for a look-alike
    (corpus n24: 更戛乡 read 更夏乡 at 0.57): the review names it with a hint when every line holding it was
    read below 0.9 — not when another line holds it read surely (0.98), nor from a text layer (None)."""
    from jixiao.review.source import Segment, SourceDocument

    name = "更夏乡人民政府"
    lines = [Segment("paragraph", 1, "2023年度项目支出绩效自评报告", page=1, confidence=0.99)]
    lines += [
        Segment("paragraph", i, f"项目实施单位:{name}", page=1, confidence=level) for i, level in enumerate(levels, 2)
    ]
    result = review_document(SourceDocument(Path("扫描件.pdf"), lines))
    assert result.department == name
    hints = [f for f in result.findings if f.code == "review.ocr_doubtful_name"]
    assert [f.severity for f in hints] == ([Severity.INFO] if hinted else [])
    if hinted:
        assert f"单位名称“{name}”" in hints[0].message and f"识别置信度 {hinted} 偏低" in hints[0].message
        assert hints[0].location.place == "第1页 第2段"
