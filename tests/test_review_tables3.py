"""Real files' messiness (review/tablexlsx.py, the docx reader's gridBefore and frame tables, a table not starting
in the first column): what a file prints is what is reviewed.

The hand-made workbooks hold HYPOTHETICAL figures, worked by hand in each test; the corpus tests write real corpus
tables as a system or a clerk leaves them (review/tablefiles.py) and compare the review with the clean file's.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.review import review_file
from jixiao.review.corpus import CORPUS, load_corpus
from jixiao.review.source import read_source
from jixiao.review.tableparts import review_file_tables
from jixiao.review.tablexlsx import cell_text
from jixiao.review.variantcompare import compare_files, compare_pair

DOCS = [d for d in load_corpus() if d.is_table] if CORPUS.exists() else []
needs_corpus = pytest.mark.skipif(not DOCS, reason="the review corpus is not in this checkout")

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def _project_sheet(ws, top: int = 1, left: int = 1, total_formula: bool = True) -> None:
    """A MoF project table (HYPOTHETICAL): funds 50 budgeted, 40 executed, rate =IF(50=0,0,40/50) shown 80.00%, funds
    分值 10 得分 10 (should be 10 × 80% = 8); three indicators 30 + 30 + 30, scored 30 + 30 + 28; 总分 as formulas
    (=SUM over the indicators and the funds row: 100 and 98)."""
    rows = [
        ["项目支出绩效自评表（2023年度）"],
        ["项目名称", "测试项目", "", "主管部门", "某县测试局"],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", 50, 50, 40, 10, None, 10],
        HEADER,
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", 30, 30, ""],
        ["", "质量指标", "合格率", "≥95%", "96%", 30, 30, ""],
        ["效益指标", "社会效益指标", "知晓率", "≥90%", "88%", 30, 28, "宣传不足"],
        ["总分", "", "", "", "", None, None, ""],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                ws.cell(top + r, left + c, value)
    col = {name: chr(ord("A") + left - 1 + i) for i, name in enumerate("ABCDEFGH")}
    rate = f"{col['D']}{top + 3}/{col['C']}{top + 3}"
    ws[f"{col['F']}{top + 3}"] = f"=IF({col['C']}{top + 3}=0,0,{rate})"  # a template's guard against #DIV/0!
    ws[f"{col['F']}{top + 3}"].number_format = "0.00%"
    if total_formula:
        ws[f"{col['F']}{top + 8}"] = f"=SUM({col['F']}{top + 5}:{col['F']}{top + 7})+{col['E']}{top + 3}"
        ws[f"{col['G']}{top + 8}"] = f"=SUM({col['G']}{top + 5}:{col['G']}{top + 7})+{col['G']}{top + 3}"
    else:
        ws[f"{col['F']}{top + 8}"], ws[f"{col['G']}{top + 8}"] = 100, 98


def _codes(result) -> list[str]:
    return sorted(f.code for f in result.findings)


def test_formulas_without_results_are_computed(tmp_path):
    """A workbook written by a system (openpyxl here), never opened in Excel: its formulas hold no result. The rate
    =D4/C4 reads 80.00% (so the funds score 10 is checked against 10 × 80% = 8), and the 总分 row's =SUM
    formulas read 100 and 98 — before, each read blank: '执行率未填写', '总分行的分值和得分均未填写'."""
    from openpyxl import Workbook

    wb = Workbook()
    _project_sheet(wb.active)
    wb.save(tmp_path / "t.xlsx")
    doc = read_source(tmp_path / "t.xlsx")
    assert doc.segments[0].rows[3][5] == "80.00%" and doc.segments[0].rows[8][5:7] == ("100", "98")
    result = review_file(tmp_path / "t.xlsx")
    assert "review.blank_cell" not in _codes(result)
    assert result.total == Decimal("98")
    assert any(f.code == "review.funds_score" and "8" in f.message for f in result.findings)
    notes = [f.message for f in result.findings if f.code == "review.unread"]
    assert any("已按公式计算" in n and "F4" in n for n in notes), notes


def test_a_formula_that_cannot_be_computed_is_named(tmp_path):
    """=VLOOKUP(…) with no result in the file: the cell is named with its formula and what to do; not read as a
    figure, and not in silence."""
    from openpyxl import Workbook

    wb = Workbook()
    _project_sheet(wb.active, total_formula=False)
    wb.active["D4"] = "=VLOOKUP(A4,Sheet2!A1:B9,2,FALSE)"
    wb.save(tmp_path / "t.xlsx")
    result = review_file(tmp_path / "t.xlsx")
    notes = [f.message for f in result.findings if f.code == "review.unread"]
    assert any("D4" in n and "VLOOKUP" in n and "保存" in n for n in notes), notes


def test_a_number_reads_as_its_format_shows_it(tmp_path):
    """Each cell as Excel shows it (before: the stored value, 89.9704, 1234.5, 12.3, -3.2, 2024-03-18 00:00:00)."""
    from openpyxl import Workbook

    wb = Workbook()
    cells = [
        (89.9704, "0.00"),
        (1234.5, "#,##0.00"),
        (0.98621, "0.00%"),
        (12.3, '0.00"万元"'),
        (-3.2, "#,##0.00;-#,##0.00"),
    ]
    for c, (value, fmt) in enumerate(cells, start=1):
        wb.active.cell(1, c, value).number_format = fmt
    wb.active.append([0.1 + 0.2, 10.0, "填报日期", datetime(2024, 3, 18)])
    wb.active["D2"].number_format = 'yyyy"年"m"月"d"日"'  # a 填报日期 as printed (before: "2024-03-18 00:00:00")
    wb.save(tmp_path / "t.xlsx")
    rows = read_source(tmp_path / "t.xlsx").segments[0].rows
    assert rows[0] == ("89.97", "1,234.50", "98.62%", "12.30万元", "-3.20")
    assert rows[1][:4] == ("0.3", "10", "填报日期", "2024年3月18日")
    assert cell_text(None) == "" and cell_text(True) == "TRUE"


def test_amounts_under_a_currency_format_are_read(tmp_path):
    """Amounts under the accounting/currency formats a finance office uses (¥#,##0.00 shows ¥100.00): read as the
    amounts they are, so 年度资金总额 100.00 against its parts 60.00 + 30.00 is found (HYPOTHETICAL figures). Before
    the currency sign was taken out of a figure, '¥100.00' was no number and the parts went unchecked."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数"])
    ws.append(["年度资金总额", 100, 100, 100])
    ws.append(["其中：当年财政拨款", 60, 60, 60])
    ws.append(["上年结转资金", 30, 30, 30])
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = '"¥"#,##0.00'
    wb.save(tmp_path / "t.xlsx")
    assert read_source(tmp_path / "t.xlsx").segments[0].rows[1][1] == "¥100.00"
    assert _codes(review_file(tmp_path / "t.xlsx")).count("review.funds_parts") >= 1


def test_hidden_places_are_not_read(tmp_path):
    """Amounts computed in the workbook hold more places than "0.00" shows: 100.0004 = 60.0004 + 40.0004 is off
    by 0.0004 as stored, but the page prints 100.00 = 60.00 + 40.00. Before, the stored places were read and the
    parts' sum was found 0.0004 off (tolerance ±0.00005)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "执行率"])
    ws.append(["年度资金总额", 100.0004, 100.0004, 100.0004, 1])
    ws.append(["其中：当年财政拨款", 60.0004, 60.0004, 60.0004, 1])
    ws.append(["上年结转资金", 40.0004, 40.0004, 40.0004, 1])
    for row in ws.iter_rows(min_row=2, max_col=4, min_col=2):
        for cell in row:
            cell.number_format = "0.00"
    for r in (2, 3, 4):
        ws.cell(r, 5).number_format = "0.00%"
    wb.save(tmp_path / "t.xlsx")
    rows = read_source(tmp_path / "t.xlsx").segments[0].rows
    assert rows[1][1:] == ("100.00", "100.00", "100.00", "100.00%")
    assert "review.funds_parts" not in _codes(review_file(tmp_path / "t.xlsx"))


def test_hidden_rows_columns_and_sheets_are_not_read(tmp_path):
    """A template's hidden helper column of codes beside the names (figures in the header row: before, the header
    was not read as one), a hidden row of an indicator deleted from the table (its 30 points would make the 总分
    100 wrong), and a hidden sheet: what is printed is what is read; a note says what was left."""
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "旧表"
    old.append(["旧表"])
    old.sheet_state = "hidden"
    ws = wb.create_sheet("自评表")
    _project_sheet(ws, total_formula=False)
    ws.insert_rows(8)
    for c, value in enumerate(["", "时效指标", "及时率", "100%", "100%", 30, 30, ""], start=1):
        ws.cell(8, c, value or None)
    ws.row_dimensions[8].hidden = True
    ws.insert_cols(2)
    for r in range(1, ws.max_row + 1):
        ws.cell(r, 2, 9000 + r)
    ws.column_dimensions["B"].hidden = True
    ws["G4"] = 0.8
    ws["G4"].number_format = "0.00%"
    wb.active = 1
    wb.save(tmp_path / "t.xlsx")
    doc = read_source(tmp_path / "t.xlsx")
    assert len(doc.tables()) == 1 and all(not any(c.startswith("90") for c in r) for r in doc.tables()[0].rows)
    result = review_file(tmp_path / "t.xlsx")
    assert result.total == Decimal("98") and "review.weight_sum" not in _codes(result)
    notes = " ".join(f.message for f in result.findings if f.code == "review.unread")
    assert "旧表" in notes and "第8行" in notes and "B列" in notes


def test_what_lies_outside_the_print_area_is_not_read(tmp_path):
    """A template whose helper column K (a check figure per row, beside the printed table) lies outside its print
    area A1:H9: before, its figure in the header rows kept them from being read as headers (no score table)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    _project_sheet(ws, total_formula=False)
    ws["G4"], ws["F4"] = 8, 0.8
    ws["F4"].number_format = "0.00%"
    for r in range(1, 10):
        ws.cell(r, 11, r * 7)
    ws.print_area = "A1:H9"
    wb.save(tmp_path / "t.xlsx")
    result = review_file(tmp_path / "t.xlsx")
    assert result.total == Decimal("98") and len(result.tables) == 1
    assert any("打印区域 A1:H9" in f.message for f in result.findings if f.code == "review.unread")


def test_two_tables_in_one_sheet_are_two(tmp_path):
    """Two projects on one sheet, one under the other with two empty rows between: two tables, each checked on its
    own (before, one grid: the second project's rows under the first's header)."""
    from openpyxl import Workbook

    wb = Workbook()
    _project_sheet(wb.active, total_formula=False)
    _project_sheet(wb.active, top=13, total_formula=False)
    wb.save(tmp_path / "t.xlsx")
    assert len(read_source(tmp_path / "t.xlsx").tables()) == 2
    result = review_file(tmp_path / "t.xlsx")
    assert len(result.tables) == 2
    assert _codes(result).count("review.funds_score") == 2


def test_lines_set_apart_on_a_sheet_are_lines(tmp_path):
    """A 填表说明 two rows under the table: lines of text, not rows of the table (before, one grid with them)."""
    from openpyxl import Workbook

    wb = Workbook()
    _project_sheet(wb.active, total_formula=False)
    wb.active["A12"] = "填表说明：1.执行率=全年执行数/全年预算数。"
    wb.active["A13"] = "2.得分保留两位小数。"
    wb.save(tmp_path / "t.xlsx")
    doc = read_source(tmp_path / "t.xlsx")
    assert len(doc.tables()) == 1 and len(doc.tables()[0].rows) == 9
    assert [p.text for p in doc.paragraphs()] == ["填表说明：1.执行率=全年执行数/全年预算数。", "2.得分保留两位小数。"]


def test_word_reads_as_printed_with_its_changes_accepted(tmp_path):
    """修订 left on in a Word table (HYPOTHETICAL figures): 得分 9 typed over 10 (w:del 10, w:ins 9), a row deleted
    with its figures (w:trPr/w:del), and a 分值 typed into a content control (w:sdt). Read: 9, no deleted row, 10.
    Before: the cell with the insertion read blank, the deleted row read, the content control's figure lost."""
    from docx import Document
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    stamp = 'w:author="经办人" w:date="2024-03-01T00:00:00Z"'
    word = Document()
    table = word.add_table(rows=3, cols=3)
    for c, text in enumerate(["三级指标", "分值", "得分"]):
        table.cell(0, c).text = text
    table.cell(1, 0).text, table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = (
        "培训人次",
        "旧指标",
        "5",
        "5",
    )
    table.cell(1, 1).paragraphs[0]._p.append(
        parse_xml(f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:r><w:t>10</w:t></w:r></w:sdtContent></w:sdt>")
    )
    score = table.cell(1, 2).paragraphs[0]._p
    score.append(parse_xml(f'<w:del {w} w:id="1" {stamp}><w:r><w:delText>10</w:delText></w:r></w:del>'))
    score.append(parse_xml(f'<w:ins {w} w:id="2" {stamp}><w:r><w:t>9</w:t></w:r></w:ins>'))
    table.rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:del {w} w:id="3" {stamp}/>'))
    word.save(str(tmp_path / "修订.docx"))
    rows = read_source(tmp_path / "修订.docx").tables()[0].rows
    assert rows == (("三级指标", "分值", "得分"), ("培训人次", "10", "9"))


def _disagree(prefix: str, kinds: list[str], tmp_path: Path) -> list[tuple[str, str]]:
    item = next(d for d in DOCS if d.id.startswith(prefix))
    doc = read_source(item.folder / "document.txt")
    return [(k, what) for k, _, ok, what in compare_files(doc, review_file, tmp_path, kinds) if not ok]


@needs_corpus
@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("t41", "xlsx_formulas"),  # its funds rate as a formula: read blank before ('执行率未填写')
        ("t28", "xlsx_number_formats"),  # its total 98.62 stored 98.6204: a different total before
        ("t01", "xlsx_hidden"),  # a hidden helper column of figures: no header read before
        ("t03", "xlsx_offset"),  # from C5: "绩效指标(90分)" not read as the block's points before
        ("t22", "xlsx_offset"),  # from C5: the header-less score table not found before
        ("t41", "docx_grid_before"),  # rows begun by gridBefore: cells shifted left before
        ("t19", "docx_nested"),  # in a frame table: the department lost with the title lines before
        ("t41", "docx_tracked"),  # figures typed over with 修订 on (w:ins): read blank before, total lost
        ("t05", "docx_content_controls"),  # a form filled through content controls (w:sdt): nothing read before
    ],
)
def test_a_real_files_messiness_reviews_as_the_clean_file(prefix, kind, tmp_path):
    assert not _disagree(prefix, [kind], tmp_path)


@needs_corpus
@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ("t01", "t28", "xlsx_two_in_sheet"),  # 万元 and 元 on one sheet: one grid before, a unit mismatch
        ("t31", "t32", "xlsx_sheets"),  # t31 cut before its total, t32 on the next sheet: joined as one before
        ("t43", "t44", "xlsx_sheets"),
    ],
)
def test_two_projects_in_one_workbook_review_as_two_files(first, second, kind, tmp_path):
    a, b = (read_source(next(d for d in DOCS if d.id.startswith(p)).folder / "document.txt") for p in (first, second))
    out = list(compare_pair(a, b, review_file_tables, tmp_path, [kind]))
    assert out and all(ok for _, _, ok, _ in out), out
