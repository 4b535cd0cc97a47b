"""Issue 20: every hostile or broken report a bureau may be sent is refused with one Chinese message naming the
file, what is wrong and what to do — before a reader or the OCR engine spends minutes or gigabytes on it — and
a real PDF whose text layer is garbage is read anyway, by OCR, saying so.

The inputs are made at test time (tests/test_hostile_files.py); bench/bad_review_input.py measures each in a
fresh process.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from jixiao.files import guard
from jixiao.review import pdfscan
from jixiao.review.source import read_source

from .cli_support import run_cli
from .test_hostile_files import (
    MB,
    Member,
    broken_xref_pdf,
    content_bomb_pdf,
    deep_tree_pdf,
    encrypted_office,
    encrypted_pdf,
    flate_bomb,
    form_bomb_pdf,
    image_pdf,
    jbig2_pdf,
    laughs_office,
    lying_office,
    many_fonts_pdf,
    objstm_bomb_pdf,
    objstm_pages_pdf,
    objstm_pdf,
    objstm_text_pdf,
    ref_loop_pdf,
    shared_content_pdf,
    sheet_xlsx,
    text_pdf,
    tounicode_bomb_pdf,
    write_zip,
)
from .web_support import batch_review

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"


def _no_reader(monkeypatch, name: str) -> None:
    """The review's reader of `name`'s kind made to fail the test if reached: the file must be refused before."""
    from jixiao.review import source

    def refuse(path):
        raise AssertionError("the reader was reached")

    monkeypatch.setitem(source._READERS, Path(name).suffix, refuse)


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.fixture
def no_ocr(monkeypatch):
    """A page handed to OCR fails the test: a refusal must come before the first page is recognised."""

    def refuse(path, number):
        raise AssertionError(f"page {number} of {path} was handed to OCR")

    monkeypatch.setattr(pdfscan, "_scanned_page", refuse)


# --- PDFs --------------------------------------------------------------------------------------------------------


def test_more_scanned_pages_than_the_ocr_limit_are_refused_before_any_is_read(tmp_path, capsys, monkeypatch, no_ocr):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(ocr_pages=2))
    path = _write(tmp_path, "扫描件.pdf", image_pdf(3))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.too_many_scans]" in said
    assert "有 3 页需要文字识别" in said and "上限为 2 页" in said and "JIXIAO_LIMIT_OCR_PAGES" in said


def test_a_page_image_of_40000_pixels_square_is_refused_unread(tmp_path, capsys, no_ocr):
    path = _write(tmp_path, "大图.pdf", image_pdf(1, 40000, 40000, flate_bomb(40000 * 40000)))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.image_too_large]" in said and "40000 × 40000 像素" in said and "第1页" in said


def test_a_page_too_large_to_render_is_refused(tmp_path, capsys, no_ocr):
    page = image_pdf(1).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 14400 14400]")
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "大页.pdf", page)))
    assert code == 2 and "[file.page_too_large]" in said and "508 × 508 厘米" in said


def test_a_scanned_page_larger_than_ocr_can_hold_is_refused_before_it_is_read(tmp_path, capsys, no_ocr):
    # 1,190 × 1,684 points (A2) at 150 dpi: 8.7 million pixels, read; twice as wide: refused
    page = image_pdf(1).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 2380 1684]")
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "大页.pdf", page)))
    assert (
        code == 2 and "[file.page_too_large]" in said and "84 × 59 厘米" in said and "JIXIAO_LIMIT_PAGE_PIXELS" in said
    )


def test_a_picture_on_a_huge_page_is_rendered_within_the_limit():
    box = (0.0, 0.0, 4700.0, 4700.0)  # 65 inches square: 300 dpi would be 384 million pixels
    dpi = pdfscan.picture_dpi(box, 300)
    assert dpi == 45 and (4700 / 72 * dpi) ** 2 <= guard.LIMITS.page_pixels
    assert pdfscan.picture_dpi((0.0, 0.0, 400.0, 300.0), 300) == 300  # a picture on an A4 page: as it was


def test_a_content_stream_bomb_is_refused_without_unpacking_it(tmp_path, capsys):
    path = _write(tmp_path, "炸弹.pdf", content_bomb_pdf(64 * MB))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.pdf_bomb]" in said and "解压后超过 30 MB" in said


def test_a_form_drawn_by_a_page_is_held_to_the_same_limit(tmp_path, capsys):
    path = _write(tmp_path, "炸弹.pdf", form_bomb_pdf(64 * MB))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.pdf_bomb]" in said and "图形 Fm1 解压后超过 30 MB" in said


def test_a_font_map_bomb_is_refused(tmp_path, capsys):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "炸弹.pdf", tounicode_bomb_pdf(64 * MB))))
    assert code == 2 and "[file.pdf_bomb]" in said and "字体 F1 的数据解压后超过 30 MB" in said


@pytest.mark.parametrize("shared", [True, False], ids=["one-stream-all-pages", "one-each"])
def test_the_pages_drawing_is_held_to_a_total_each_page_counted(tmp_path, capsys, monkeypatch, shared):
    # each page within part_bytes; the readers parse each page's drawing: 5 pages × 2 MB over 8 MB
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(page_content_bytes=8 * MB))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "炸弹.pdf", shared_content_pdf(5, 2 * MB, shared))))
    assert (
        code == 2
        and "[file.pdf_bomb]" in said
        and "各页的内容（内容流和图形）解压后共超过 8 MB（到第5页的内容流为止）" in said
    )
    assert "JIXIAO_LIMIT_PAGE_CONTENT_BYTES" in said


def test_the_fonts_data_is_held_to_a_total(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(part_bytes=2 * MB))  # fonts: 16 MB in all
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "炸弹.pdf", many_fonts_pdf(20, MB))))
    assert code == 2 and "[file.pdf_bomb]" in said and "字体数据解压后共超过 16 MB" in said


def test_a_scan_ocr_reads_nothing_from_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pdfscan, "_scanned_page", lambda path, number: [])
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "扫描件.pdf", image_pdf(2))))
    assert code == 2 and "[review.no_text]" in said and "文字识别未能读出文字" in said


def test_a_page_tree_that_lies_about_its_count_is_counted(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=5))
    path = _write(tmp_path, "谎报.pdf", text_pdf(7, count=1))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.too_many_pages]" in said and "超过 5 页" in said


def test_a_long_list_of_kids_is_refused_from_its_bytes_before_pdfminer_parses_it(tmp_path, capsys, monkeypatch):
    from jixiao.files import docguard

    def walk(document, limit):
        raise AssertionError("the page tree was parsed object by object")

    monkeypatch.setattr(docguard, "_pages", walk)
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=5))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "谎报.pdf", text_pdf(20, count=1))))
    assert code == 2 and "[file.too_many_pages]" in said and "超过 5 页" in said


def test_a_pdf_with_an_opening_password_is_refused_and_one_without_is_read(tmp_path, capsys):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "加密.pdf", encrypted_pdf("1234"))))
    assert code == 2 and "[file.encrypted]" in said and "设置了打开密码" in said
    doc = read_source(_write(tmp_path, "限制打印.pdf", encrypted_pdf("", "Self-evaluation 2024")))
    assert "Self-evaluation 2024" in " ".join(s.text for s in doc.segments)


@pytest.fixture
def unopened(monkeypatch):
    """pdfminer's opening of the file fails the test: a refusal from the file's bytes must come before it (pdfminer
    unpacks object streams whole, rebuilds a broken table line by line, and follows a loop of references forever)."""
    import pdfminer.pdfdocument
    import pdfplumber  # noqa: F401 - imported before the patch: it binds PDFDocument when imported

    opened: list[object] = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise AssertionError("pdfminer opened the file")

    monkeypatch.setattr(pdfminer.pdfdocument, "PDFDocument", refuse)
    return opened


def _loop_in_an_object_stream() -> bytes:
    held = {1: b"<< /Type /Catalog /Pages 6 0 R >>", 6: b"7 0 R", 7: b"6 0 R"}
    return objstm_pdf(held, {2: b"<< /Type /Pages /Kids [] /Count 0 >>"})


@pytest.mark.parametrize("make", [ref_loop_pdf, _loop_in_an_object_stream], ids=["plain", "object-stream"])
def test_objects_that_refer_to_each_other_in_a_loop_are_refused_unopened(tmp_path, capsys, unopened, make):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "环.pdf", make())))
    assert code == 2 and "[file.pdf_loop]" in said and "对象 6 → 7 → 6" in said and not unopened


def test_an_object_stream_bomb_is_refused_before_pdfminer_unpacks_it(tmp_path, capsys, unopened):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "炸弹.pdf", objstm_bomb_pdf(64 * MB))))
    assert code == 2 and "[file.pdf_bomb]" in said and "对象流解压后超过 8 MB" in said and not unopened
    assert "JIXIAO_LIMIT_OBJECT_STREAM_BYTES" in said


def test_object_streams_are_held_to_a_total_too(tmp_path, capsys, monkeypatch, unopened):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(object_stream_bytes=8 * MB, unzipped_bytes=4 * MB))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "炸弹.pdf", objstm_bomb_pdf(6 * MB))))
    assert code == 2 and "[file.pdf_bomb]" in said and "对象流和交叉引用流解压后共超过 4 MB" in said and not unopened


def test_a_pdf_whose_objects_lie_in_an_object_stream_is_read(tmp_path):
    doc = read_source(_write(tmp_path, "对象流.pdf", objstm_text_pdf()))
    assert "Performance self-evaluation 2024" in " ".join(s.text for s in doc.segments)
    doc = read_source(_write(tmp_path, "加密对象流.pdf", objstm_text_pdf(encrypted=True)))  # an owner password only
    assert "Performance self-evaluation 2024" in " ".join(s.text for s in doc.segments)


def test_an_encrypted_pdfs_object_stream_bomb_is_refused_before_pdfminer_unpacks_it(tmp_path, capsys):
    """Sealed (RC4), the object stream's bytes cannot be unpacked by the prescan; pdfminer unpacks the one holding
    the catalog while it opens the file. Checked as it is opened, decrypted and unpacked a piece at a time."""
    code, said = run_cli(
        capsys, "review", str(_write(tmp_path, "加密炸弹.pdf", objstm_bomb_pdf(64 * MB, encrypted=True)))
    )
    assert code == 2 and "[file.pdf_bomb]" in said and "对象流解压后超过 8 MB" in said
    assert "JIXIAO_LIMIT_OBJECT_STREAM_BYTES" in said


def test_the_page_count_is_read_from_the_trailer_before_pdfminer_opens_the_file(
    tmp_path, capsys, monkeypatch, unopened
):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=5))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "多页.pdf", text_pdf(7))))
    assert code == 2 and "[file.too_many_pages]" in said and "PDF 共 7 页" in said and not unopened
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "谎报.pdf", text_pdf(20, count=1))))
    assert code == 2 and "[file.too_many_pages]" in said and "超过 5 页" in said and not unopened


@pytest.mark.parametrize("png", [True, False], ids=["png-up", "plain-rows"])
def test_the_page_count_is_read_through_a_cross_reference_stream_unopened(tmp_path, capsys, monkeypatch, unopened, png):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=5))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "多页.pdf", objstm_pages_pdf(7, png=png))))
    assert code == 2 and "[file.too_many_pages]" in said and "PDF 共 7 页" in said and not unopened
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "谎报.pdf", objstm_pages_pdf(20, count=1, png=png))))
    assert code == 2 and "[file.too_many_pages]" in said and "页面树列出 20 个页面" in said and not unopened


def test_a_pdf_cross_referenced_by_a_predicted_stream_is_read(tmp_path):
    doc = read_source(_write(tmp_path, "对象流.pdf", objstm_pages_pdf(2)))
    assert "Performance self-evaluation 2024" in " ".join(s.text for s in doc.segments)


def test_pages_of_a_pdf_with_a_broken_cross_reference_table_are_counted_unopened(
    tmp_path, capsys, monkeypatch, unopened
):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=5))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "损坏.pdf", broken_xref_pdf(7))))
    assert code == 2 and "[file.too_many_pages]" in said and "交叉引用表已损坏，文件中有超过 5 个页面" in said
    assert not unopened


def test_a_broken_cross_reference_table_within_the_page_limit_is_still_read(tmp_path):
    doc = read_source(_write(tmp_path, "损坏.pdf", broken_xref_pdf(2)))
    assert "Performance self-evaluation 2024" in " ".join(s.text for s in doc.segments)


def test_a_jbig2_image_declaring_a_huge_page_is_refused_unrendered(tmp_path, capsys, no_ocr):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "扫描件.pdf", jbig2_pdf(40000, 40000))))
    assert code == 2 and "[file.image_too_large]" in said
    assert "标为 200 × 280 像素）的 JBIG2 数据声明 40000 × 40000 像素" in said


# --- Office files, texts, names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["报告.docx", "自评表.xlsx"])
def test_an_office_file_with_an_opening_password_says_so(tmp_path, capsys, name):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, name, encrypted_office())))
    assert code == 2 and "[file.encrypted]" in said and "去掉打开密码" in said and "旧版 Office" not in said


def test_a_workbook_with_an_opening_password_says_so_as_data_and_as_an_upload(tmp_path, capsys):
    code, said = run_cli(capsys, "check", str(_write(tmp_path, "填报.xlsx", encrypted_office())))
    assert code == 2 and "[file.encrypted]" in said and "去掉打开密码" in said
    problem = guard.check_upload("填报.xlsx", encrypted_office())
    assert problem is not None and problem.code == "file.encrypted"


def _sheet_with(cells: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    for coordinate, value in cells:
        book.active[coordinate] = value
    book.save(out)
    return out.getvalue()


def test_a_sheet_whose_filled_cells_span_too_far_is_refused(tmp_path, capsys, monkeypatch):
    # the small model of a sheet holding A1 and XFD1048576 (17 billion cells to walk): 100 × 26 over 1,000
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_cells=1000))
    path = _write(tmp_path, "自评表.xlsx", _sheet_with([("A1", "项目支出绩效自评表"), ("Z100", "1")]))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.sheet_too_large]" in said and "100 行 × 26 列" in said


@pytest.fixture
def unloaded(monkeypatch):
    """openpyxl's loading of a workbook fails the test: a refusal from the sheet's bytes must come before it."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl loaded the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _with_sheet_xml(rows: str) -> bytes:
    """A workbook whose one sheet ("自评表") holds the given <row> elements as written."""
    return sheet_xlsx([rows])


@pytest.mark.parametrize(
    ("cell", "where"),
    [
        ('<c r="SG1" t="inlineStr"><is><t>列501</t></is></c>', "SG1 单元格（第 1 行、第 501 列）"),
        ('<c r="XFD1"><f>1+1</f><v>2</v></c>', "XFD1 单元格（第 1 行、第 16384 列）"),
        ('<c r="A1048576" s="0"><v>1</v></c>', "A1048576 单元格（第 1048576 行、第 1 列）"),
        (
            '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="SG1"><x:v>1</x:v></x:c>',
            "SG1 单元格（第 1 行、第 501 列）",
        ),
        ('<c r="A1"><v>1</v></c>' + "<c><v>1</v></c>" * 500, "SG1 单元格（第 1 行、第 501 列）"),
    ],
    ids=["column-501", "formula-XFD", "row-1048576", "prefixed", "placed-by-position"],
)
def test_a_filled_cell_beyond_the_table_limits_is_refused_before_openpyxl_loads(
    tmp_path, capsys, unloaded, cell, where
):
    row = cell.split('r="')[1].split('"')[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sheet = (
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c></row><row r="{row}">{cell}</row>'
    )
    path = _write(tmp_path, "自评表.xlsx", _with_sheet_xml(sheet.replace('<row r="1"></row>', "")))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.sheet_too_large]" in said and f"工作表“自评表”在 {where}有内容" in said


def test_cells_placed_by_position_within_the_limits_are_read(tmp_path):
    rows = (
        '<row><c t="inlineStr"><is><t>项目支出绩效自评表</t></is></c><c><v>95</v></c></row><row><c><v>1</v></c></row>'
    )
    doc = read_source(_write(tmp_path, "自评表.xlsx", _with_sheet_xml(rows)))
    assert doc.segments[0].rows[0] == ("项目支出绩效自评表", "95")


def test_more_filled_cells_than_the_limit_are_refused_before_openpyxl_loads(tmp_path, capsys, monkeypatch, unloaded):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_cells=10))
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r}</v></c></row>' for r in range(1, 7))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "自评表.xlsx", _with_sheet_xml(rows))))
    assert code == 2 and "[file.sheet_too_large]" in said and "有内容的单元格超过 10 个" in said


def test_a_formatted_empty_cell_at_the_last_column_does_not_refuse_the_sheet(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c><c r="XFD1" s="0"/></row>'
        '<row r="1048576"><c r="A1048576" s="0"></c></row>'
    )
    doc = read_source(_write(tmp_path, "自评表.xlsx", _with_sheet_xml(sheet)))
    assert doc.segments[0].rows[0][0] == "项目支出绩效自评表"


def test_empty_formatted_cells_do_not_count_against_the_sheet(tmp_path, monkeypatch):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.active["A1"], book.active["B2"] = "项目支出绩效自评表", "95"
    book.active["Z100"].font = Font(bold=True)  # a formatted empty cell far away
    book.save(tmp_path / "自评表.xlsx")
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_cells=1000))
    doc = read_source(tmp_path / "自评表.xlsx")
    assert doc.segments[0].rows[0][0] == "项目支出绩效自评表" and len(doc.segments[0].rows[0]) == 2


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030"])
def test_a_text_saved_as_unicode_or_gbk_is_read(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    doc = read_source(_write(tmp_path, "报告.txt", text.encode(encoding)))
    first = next(s.text for s in doc.segments if s.text.strip())
    assert first == text.strip().splitlines()[0].strip()


def test_a_web_page_saved_as_xls_is_read_without_libreoffice(tmp_path, monkeypatch):
    from jixiao.formats import office

    def refuse(*args, **kwargs):
        raise AssertionError("LibreOffice was asked to convert a web page")

    monkeypatch.setattr(office, "converted", refuse)
    page = "<html><body><table><tr><td>三级指标</td><td>分值</td></tr><tr><td>完成率</td><td>10</td></tr></table>"
    doc = read_source(_write(tmp_path, "自评表.xls", ("\ufeff" + page).encode()))
    assert doc.segments[0].rows == (("三级指标", "分值"), ("完成率", "10"))


RTF = rb"{\rtf1\ansi\ansicpg936{\fonttbl\f0 SimSun;}\f0 2024\'c4\'ea\'b6\'c8\'d7\'d4\'c6\'c0\'b1\'a8\'b8\'e6\par}"


@pytest.mark.parametrize("name", ["报告.txt", "报告.docx", "报告.pdf", "自评表.xlsx"])
def test_an_rtf_document_under_another_name_says_it_is_rtf(tmp_path, capsys, monkeypatch, name):
    _no_reader(monkeypatch, name)
    code, said = run_cli(capsys, "review", str(_write(tmp_path, name, b"\xef\xbb\xbf" + RTF)))
    assert code == 2 and "[file.type]" in said and "内容却是 RTF 富文本文档" in said and "另存为 .docx" in said


def test_a_word_file_named_pdf_says_what_it_is(tmp_path, capsys):
    from docx import Document

    Document().save(tmp_path / "报告.pdf")
    code, said = run_cli(capsys, "review", str(tmp_path / "报告.pdf"))
    assert code == 2 and "[file.type]" in said and "请把扩展名改为 .docx" in said


# --- a text layer that is not the text: read by OCR ---------------------------------------------------------------


def test_what_a_garbled_text_layer_looks_like():
    from jixiao.review.pdftext import garbled

    assert garbled("(cid:12)(cid:7)(cid:31)(cid:4)(cid:12)(cid:9)(cid:18)(cid:3)")
    assert garbled("自评报告年度".encode("gbk").decode("latin-1") * 2)
    assert garbled("\ufffd" * 10 + "2024")
    assert garbled("!!", shown=400)  # 400 bytes of text shown, two characters out: codes pdftotext dropped
    assert garbled("一、部门概况。本单位年度预算执行率为95.5%，全年预算数1200万元。") is None
    assert garbled("\uf06c 加强预算管理，提高资金使用效益，完善绩效评价制度。") is None  # Word's bullet (private use)
    assert garbled("Performance self-evaluation report 2024") is None
    assert garbled("二〇二四年度", shown=24) is None  # a short title


TITLE = "2024年度部门整体支出绩效自评报告"
# more than 32 glyphs in one font: pdftotext drops the codes below 32 and gives the rest as ASCII ("!", "$")
BODY = "一、部门概况。本单位年度预算执行率为95.5%，全年预算数1200万元，执行数1146万元。"


def _pdf_without_tounicode(tmp_path: Path, lines: list[str], pages: int = 1) -> Path:
    """The lines printed to PDF by LibreOffice, then every font's ToUnicode map unlinked (the key renamed in
    place, offsets kept): the page shows the text, its text layer gives codes."""
    from docx import Document

    from jixiao.formats import office

    if office.find_soffice() is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")
    document = Document()
    for page in range(pages):
        if page:
            document.add_page_break()
        for line in lines:
            document.add_paragraph(line)
    document.save(tmp_path / "报告.docx")
    printed = office.convert_file(tmp_path / "报告.docx", "pdf", tmp_path / "pdf")
    data = printed.read_bytes()
    assert b"/ToUnicode" in data
    return _write(tmp_path, "无映射.pdf", data.replace(b"/ToUnicode", b"/ToUnicodX"))


def test_a_page_whose_fonts_lost_their_tounicode_is_read_by_ocr(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR engine is installed by scripts/setup.sh")
    doc = read_source(_pdf_without_tounicode(tmp_path, [TITLE, BODY]))
    text = "".join(s.text for s in doc.segments)
    assert TITLE in text and "95.5%" in text
    assert all(s.confidence is not None for s in doc.segments)  # recognised, not the text layer
    assert doc.notes and doc.notes[0][0] == 1 and "ToUnicode" in doc.notes[0][1] and "文字识别" in doc.notes[0][1]


def test_garbled_pages_over_the_ocr_limit_are_refused_before_any_is_read(tmp_path, capsys, monkeypatch, no_ocr):
    path = _pdf_without_tounicode(tmp_path, [TITLE, BODY], pages=2)
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(ocr_pages=1))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "[file.too_many_scans]" in said and "有 2 页需要文字识别" in said


# --- one bad file among good ones: the folder review and the web app's batch go on ---------------------------------


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "报告"
    folder.mkdir()
    shutil.copy(SEED, folder / "好报告.txt")
    _write(folder, "加密.pdf", encrypted_pdf("1234"))
    _write(folder, "加密.docx", encrypted_office())
    return folder


def test_a_folder_review_lists_each_bad_file_with_its_reason_and_goes_on(tmp_path, capsys):
    from openpyxl import load_workbook

    folder = _folder(tmp_path)
    code, said = run_cli(capsys, "review", str(folder))
    assert code == 0
    assert "加密.pdf：无法审核（PDF 设置了打开密码" in said and "加密.docx：无法审核（文件设置了打开密码" in said
    rows = {r[0]: r for r in load_workbook(folder / "审核汇总.xlsx")["汇总"].iter_rows(values_only=True)}
    assert "设置了打开密码" in str(rows["加密.pdf"]) and rows["好报告.txt"][1]  # the good one: its department


def test_the_web_batch_of_reports_lists_each_bad_file(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    folder = _folder(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    said = batch_review(monkeypatch, sorted(folder.iterdir()), out)
    assert said == "已审核 1 份报告；2 个文件无法读取，原因见下表的“说明”。"  # the two locked ones not counted
    rows = {r[0]: r for r in load_workbook(out / "审核汇总.xlsx")["汇总"].iter_rows(values_only=True)}
    assert "设置了打开密码" in str(rows["加密.pdf"]) and "设置了打开密码" in str(rows["加密.docx"])
    assert (out / "好报告_审核意见.docx").exists()


# --- LibreOffice: a hung conversion is killed, and the next file converts ---------------------------------------


def test_after_a_hung_conversion_the_next_file_converts(tmp_path):
    from docx import Document

    from jixiao.formats import office

    converter = office.shared_converter()
    if converter is None:
        pytest.skip("python3-uno is installed by scripts/setup.sh")
    Document().save(tmp_path / "报告.docx")
    with pytest.raises(office.ConversionError, match="超时"):
        converter.convert(tmp_path / "报告.docx", tmp_path / "慢.doc", timeout=0.001)
    starts = converter.starts
    done = converter.convert(tmp_path / "报告.docx", tmp_path / "好.doc")
    assert done.exists() and done.stat().st_size > 0 and converter.starts == starts + 1


@pytest.mark.parametrize(
    ("name", "part"), [("报告.docx", "word/document.xml"), ("自评表.xlsx", "xl/worksheets/sheet1.xml")]
)
def test_a_body_part_whose_size_lies_is_refused_by_name(tmp_path, capsys, monkeypatch, name, part):
    _no_reader(monkeypatch, name)
    code, said = run_cli(capsys, "review", str(_write(tmp_path, name, lying_office(Path(name).suffix[1:]))))
    assert code == 2 and "[file.bad_zip]" in said and f"部件 {part} 的数据与文件目录记录的大小或校验值不符" in said


def test_a_hung_libreoffice_under_review_is_killed_and_the_file_named(tmp_path, capsys, monkeypatch):
    """LibreOffice stopped (SIGSTOP: it takes the file and never answers) while `jixiao review` converts a .doc: the
    review says so within the timeout, exit 2, and the next .doc converts on a fresh LibreOffice."""
    import os
    import signal

    from docx import Document

    from jixiao.formats import office

    converter = office.shared_converter()
    if converter is None:
        pytest.skip("python3-uno is installed by scripts/setup.sh")
    document = Document()
    document.add_paragraph("2024年度部门整体支出绩效自评报告")
    document.save(tmp_path / "报告.docx")
    doc = converter.convert(tmp_path / "报告.docx", tmp_path / "报告.doc")
    assert converter._proc is not None
    os.killpg(converter._proc.pid, signal.SIGSTOP)
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 2.0)
    code, said = run_cli(capsys, "review", str(doc))
    assert (
        code == 2
        and "[review.convert]" in said
        and "报告.doc" in said
        and "LibreOffice 转换超时（2 秒），已终止" in said
    )
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 120.0)
    code, said = run_cli(capsys, "review", str(doc))
    assert code == 0 and "审核文件" in said


def test_the_bomb_makers_make_what_they_say():
    assert len(flate_bomb(64 * MB)) < 100_000
    data = write_zip([Member.bomb("a.xml", b"<a>", b" " * MB, 3, b"</a>")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("a.xml").file_size == 3 * MB + 7 and archive.testzip() is None


def test_an_rtf_document_named_doc_passes_the_guard_to_libreoffice(tmp_path):
    guard.check_document(_write(tmp_path, "报告.doc", RTF))  # Word saves RTF as .doc: converted as one


LAUGHS = [("报告.docx", "word/document.xml"), ("自评表.xlsx", "xl/worksheets/sheet1.xml"),
          ("报告.ofd", "Doc_0/Pages/Page_0/Content.xml")]  # fmt: skip


@pytest.mark.parametrize(("name", "part"), LAUGHS)
def test_entity_expansion_behind_a_long_comment_is_refused_from_the_prolog(tmp_path, capsys, monkeypatch, name, part):
    _no_reader(monkeypatch, name)
    code, said = run_cli(capsys, "review", str(_write(tmp_path, name, laughs_office(Path(name).suffix[1:]))))
    assert code == 2 and "[file.bad_xml]" in said and f"部件 {part} 含有 DOCTYPE/实体声明" in said


def test_a_jbig2_image_of_its_own_size_passes_the_guard(tmp_path):
    guard.check_document(_write(tmp_path, "扫描件.pdf", jbig2_pdf(200, 280)))  # to OCR, as any scan


def test_a_page_tree_deeper_than_any_writer_makes_is_refused_by_name(tmp_path, capsys):
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "深.pdf", deep_tree_pdf(20_000))))
    assert code == 2 and "[file.pdf_too_deep]" in said and "页面树嵌套超过 64 层" in said
    assert read_source(_write(tmp_path, "浅.pdf", deep_tree_pdf(10))).segments  # ten levels: read


def test_a_workbook_libreoffice_converts_passes_the_same_gate(tmp_path, capsys, monkeypatch):
    """An .xls converted to .xlsx is checked as an .xlsx is, before openpyxl loads it; the message names the .xls."""
    from openpyxl import Workbook

    from jixiao.formats import office

    if office.shared_converter() is None and office.find_soffice() is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")
    book = Workbook()
    for row in range(1, 7):
        book.active.append([f"项目{row}", row])
    book.save(tmp_path / "自评表.xlsx")
    xls = office.convert_file(tmp_path / "自评表.xlsx", "xls", tmp_path / "xls")
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_cells=10))
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl loaded the converted workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    code, said = run_cli(capsys, "review", str(xls))
    assert code == 2 and "[file.sheet_too_large]" in said and "有内容的单元格超过 10 个" in said
    assert said.startswith(f"{xls}:") and "jixiao-conv-" not in said
