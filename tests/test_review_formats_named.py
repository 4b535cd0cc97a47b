"""Files as government systems export them (review/source.py _read_office, formats/webfiles.py): read by what they
hold, not by their name, with a note saying what each was — an ".xls" that is a web page, Excel 2003 XML
(SpreadsheetML), a real .xlsx or tab-separated text; a ".doc" that is a .docx or a single-file web page (.mht); a
".docx" that is an old .doc — never reaching LibreOffice when the content needs no conversion. Also .mht/.mhtml,
.csv (UTF-8 with or without its mark, GB18030) and OpenDocument .odt/.ods (through LibreOffice, as .doc is)."""

from __future__ import annotations

import base64
import io
import quopri
import zipfile

import pytest

from jixiao.formats import office
from jixiao.review.source import read_source

from .cli_support import run_cli
from .test_hostile_review import _write  # a file written

ROWS = [("三级指标", "分值", "得分"), ("预算执行率", "10", "9.5"), ("合计", "100", "95")]
TITLE = "深圳市宝安区妇女联合会2023年度部门整体支出绩效自评报告"


@pytest.fixture
def no_libreoffice(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("LibreOffice was asked to convert a file that needs no conversion")

    monkeypatch.setattr(office, "converted", refuse)


def _tables(doc) -> list[tuple[tuple[str, ...], ...]]:
    return [s.rows for s in doc.segments if s.kind == "table"]


def _texts(doc) -> list[str]:
    return [s.text for s in doc.segments if s.kind != "table"]


def _notes(doc) -> str:
    return " ".join(text for _, text in doc.notes)


def _docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(ROWS), cols=3)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in ROWS:
        wb.active.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _page() -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS)
    return f"<html><head><meta charset=gb2312></head><body><p>{TITLE}</p><table>{cells}</table></body></html>"


SPREADSHEETML = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="自评表">
  <Table>
   <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">2023年度部门整体支出绩效自评表</Data></Cell></Row>
   <Row><Cell ss:MergeDown="1"><Data ss:Type="String">一级指标</Data></Cell>
    <Cell><Data ss:Type="String">三级指标</Data></Cell><Cell><Data ss:Type="String">分值</Data></Cell></Row>
   <Row><Cell ss:Index="2"><Data ss:Type="String">预算执行率</Data></Cell>
    <Cell><Data ss:Type="Number">10.0</Data></Cell></Row>
   <Row ss:Index="5"><Cell><Data ss:Type="String">合计</Data></Cell>
    <Cell ss:Index="3"><Data ss:Type="Number">1.2E2</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>
"""


def test_an_xls_that_is_excel_2003_xml_is_read_cell_by_cell_without_libreoffice(tmp_path, no_libreoffice):
    doc = read_source(_write(tmp_path, "自评表.xls", SPREADSHEETML.encode()))
    assert _tables(doc) == [
        (
            ("2023年度部门整体支出绩效自评表", "", ""),
            ("一级指标", "三级指标", "分值"),
            ("", "预算执行率", "10"),
            ("合计", "", "120"),
        )
    ]
    assert "扩展名为 .xls，内容实为Excel 2003 XML 表格" in _notes(doc)
    hidden = SPREADSHEETML.replace(
        "</Worksheet>",
        '</Worksheet><Worksheet ss:Name="隐藏"><Table><Row><Cell><Data ss:Type="String">草稿</Data></Cell></Row>'
        "</Table>"
        '<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>'
        "</WorksheetOptions></Worksheet>",
    )
    assert _tables(read_source(_write(tmp_path, "隐藏.xls", hidden.encode()))) == _tables(doc)


def test_an_xls_that_is_a_web_page_or_an_xlsx_or_tab_separated_text_is_read_as_what_it_is(tmp_path, no_libreoffice):
    for name, content, said in (
        ("网页.xls", _page().encode("gb18030"), "网页（HTML）"),
        ("新版.xls", _xlsx(), "Excel 工作簿（.xlsx）"),
        ("文本.xls", "\n".join("\t".join(row) for row in ROWS).encode("gb18030"), "纯文本"),
    ):
        doc = read_source(_write(tmp_path, name, content))
        assert _tables(doc) == [tuple(ROWS)], name
        assert f"扩展名为 .xls，内容实为{said}" in _notes(doc), name


def test_a_doc_that_is_a_docx_and_a_docx_that_is_a_web_page_are_read_without_libreoffice(tmp_path, no_libreoffice):
    doc = read_source(_write(tmp_path, "报告.doc", _docx()))
    assert _texts(doc)[0] == TITLE and _tables(doc) == [tuple(ROWS)]
    assert "扩展名为 .doc，内容实为Word 文档（.docx）" in _notes(doc)
    doc = read_source(_write(tmp_path, "报告.docx", _page().encode("gb18030")))
    assert _tables(doc) == [tuple(ROWS)] and "内容实为网页（HTML）" in _notes(doc)


def _mht(encoding: str) -> bytes:
    """What Word's "单个文件网页" saves: MIME multipart/related, the page in gb2312, a picture beside it."""
    page = _page().encode("gb18030")
    body = quopri.encodestring(page) if encoding == "quoted-printable" else base64.encodebytes(page)
    return (
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="----=_NextPart_01DA1234"\r\n\r\n'
        b"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
        b"------=_NextPart_01DA1234\r\n"
        b"Content-Location: file:///C:/report.htm\r\n"
        b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n"
        b'Content-Type: text/html; charset="gb2312"\r\n\r\n' + body + b"\r\n"
        b"------=_NextPart_01DA1234\r\n"
        b"Content-Location: file:///C:/report.files/image001.png\r\n"
        b"Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\n"
        + base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
        + b"\r\n------=_NextPart_01DA1234--\r\n"
    )


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_a_single_file_web_page_is_read_as_its_page(tmp_path, no_libreoffice, encoding):
    doc = read_source(_write(tmp_path, "报告.mht", _mht(encoding)))
    assert _texts(doc)[0] == TITLE and _tables(doc) == [tuple(ROWS)] and not doc.notes
    doc = read_source(_write(tmp_path, "报告.doc", _mht(encoding)))  # Word's "web page" saved as .doc
    assert _tables(doc) == [tuple(ROWS)] and "扩展名为 .doc，内容实为单个文件网页（.mht）" in _notes(doc)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_is_a_table(tmp_path, no_libreoffice, encoding):
    text = "\r\n".join(",".join(f'"{c}"' if c == "合计" else c for c in row) for row in ROWS)
    doc = read_source(_write(tmp_path, "自评表.csv", text.encode(encoding)))
    assert _tables(doc) == [tuple(ROWS)] and not doc.notes


def _opendocument(kind: str) -> bytes:
    """A minimal OpenDocument text or spreadsheet (ODF 1.2: mimetype first and stored, manifest, content)."""
    office_ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    text_ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    table_ns = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'

    def cell(value: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    rows = "".join("<table:table-row>" + "".join(cell(c) for c in row) + "</table:table-row>" for row in ROWS)
    columns = '<table:table-column table:number-columns-repeated="3"/>'
    table = f'<table:table table:name="自评表">{columns}{rows}</table:table>'
    body = f"<office:text><text:p>{TITLE}</text:p>{table}</office:text>" if kind == "text" else (
        f"<office:spreadsheet>{table}</office:spreadsheet>"
    )  # fmt: skip
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {office_ns} {text_ns} {table_ns} '
    content += f'office:version="1.2"><office:body>{body}</office:body></office:document-content>'
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        out.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        out.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _needs_libreoffice() -> None:
    if office.find_soffice() is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")


def test_opendocument_text_and_spreadsheet_go_through_libreoffice(tmp_path):
    _needs_libreoffice()
    doc = read_source(_write(tmp_path, "报告.odt", _opendocument("text")))
    assert _texts(doc)[0] == TITLE and _tables(doc) == [tuple(ROWS)] and not doc.notes
    doc = read_source(_write(tmp_path, "自评表.ods", _opendocument("spreadsheet")))
    assert _tables(doc) == [tuple(ROWS)]


def test_a_docx_that_is_an_old_doc_is_converted_as_one_and_said_so(tmp_path, capsys):
    _needs_libreoffice()
    docx = _write(tmp_path, "原稿.docx", _docx())
    old = office.convert_file(docx, "doc", tmp_path / "old")
    misnamed = _write(tmp_path, "报告.docx", old.read_bytes())
    doc = read_source(misnamed)
    assert _texts(doc)[0] == TITLE and doc.segments == read_source(old).segments  # as the same file named .doc
    assert "扩展名为 .docx，内容实为旧版 Word 文档（.doc）" in _notes(doc)
    code, said = run_cli(capsys, "review", str(misnamed))
    assert code == 0 and "内容实为旧版 Word 文档（.doc）" in said


WORDML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body>
<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p><w:tbl>{
    "".join(
        "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in row) + "</w:tr>"
        for row in ROWS
    )
}</w:tbl></w:body></w:wordDocument>"""


def test_a_doc_that_is_word_2003_xml_goes_through_libreoffice_not_the_web_page_reader(tmp_path):
    _needs_libreoffice()
    doc = read_source(_write(tmp_path, "报告.doc", WORDML.encode()))
    assert _texts(doc)[0] == TITLE and "扩展名为 .doc，内容实为Word 2003 XML 文档" in _notes(doc)
    assert "三级指标分值得分" not in " ".join(_texts(doc))  # not the markup's text run together


def test_refusals_under_a_word_or_excel_name(tmp_path, capsys, no_libreoffice):
    for name, content, words in (
        ("报告.docx", "2024年度自评报告正文".encode(), "[file.type]"),  # plain text named as Word: a wrong file
        ("报告.doc", b"\x00\x01\x02\x03" * 300, "[file.type]"),  # other binary: never handed to LibreOffice
        ("报告.xls", b"\x89PNG\r\n\x1a\n" + bytes(100), "内容却是图片"),
        ("报告.doc", b"PK\x05\x06" + bytes(18), "内容却不是 Word/Excel 文件"),  # an empty zip
    ):
        code, said = run_cli(capsys, "review", str(_write(tmp_path, name, content)))
        assert code == 2 and words in said, (name, said)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("报告.txt", "正文")
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "材料.doc", archive.getvalue())))
    assert code == 2 and "如果是压缩包，请把扩展名改为 .zip" in said


def test_hostile_excel_2003_xml_is_refused_by_name(tmp_path, no_libreoffice, capsys):
    laughs = SPREADSHEETML.replace(
        '<?mso-application progid="Excel.Sheet"?>',
        '<!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ).replace("合计", "&b;")
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "笑.xls", laughs.encode())))
    assert code == 2 and "[file.spreadsheetml]" in said and "DOCTYPE" in said
    rows = "".join(f"<Row><Cell><Data ss:Type='Number'>{i}</Data></Cell></Row>" for i in range(20_001))
    many = SPREADSHEETML.replace("<Table>", "<Table>" + rows)
    merged = SPREADSHEETML.replace('ss:MergeDown="1"', 'ss:MergeDown="1000000" ss:MergeAcross="499"')
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "合并.xls", merged.encode())))
    assert code == 2 and "共超过 500,000 个单元格（含合并区域）" in said
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "多行.xls", many.encode())))
    assert code == 2 and "表格共有 20005 行，超过上限 20000 行" in said and "JIXIAO_LIMIT_TABLE_ROWS" in said


def test_libreoffice_is_given_time_in_proportion_to_the_file(tmp_path, monkeypatch):
    """20 s and 2 s a megabyte, never more than CONVERT_TIMEOUT (a hung conversion of a one-page .doc was waited
    for 120 s, LibreOffice's start 90 s)."""
    import contextlib

    asked: list[float] = []

    @contextlib.contextmanager
    def converted(source, fmt, timeout=None):
        asked.append(timeout)
        raise office.ConversionError("测试：不转换")
        yield  # pragma: no cover

    monkeypatch.setattr(office, "converted", converted)
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 100.0)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + bytes(600)
    for size in (0, 10 * 1024 * 1024, 45 * 1024 * 1024):
        with pytest.raises(Exception, match="测试：不转换"):
            read_source(_write(tmp_path, f"报告{size}.doc", ole + bytes(size)))
    assert asked == [pytest.approx(20.0, abs=0.01), pytest.approx(40.0, abs=0.01), 100.0]
    assert office.START_TIMEOUT <= 60


def test_a_csv_over_the_table_limits_is_refused_by_name(tmp_path, capsys, monkeypatch):
    import dataclasses

    from jixiao.files import guard

    code, said = run_cli(
        capsys, "review", str(_write(tmp_path, "长表.csv", b"".join(b"%d,1\n" % i for i in range(50_000))))
    )
    assert code == 2 and "[file.csv] 表格超过 20000 行" in said
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, table_columns=10))
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "宽表.csv", ",".join(["1"] * 11).encode())))
    assert code == 2 and "第 1 行有 11 列，上限为 10 列" in said


def test_web_page_tables_whose_spans_would_draw_millions_of_cells_are_refused_or_bounded(tmp_path, capsys):
    """A few bytes of rowspan/colspan drew a grid of 10^10 cells (the review never ended); spans are taken as
    browsers take them: a row span to the table's last row, a column span to HTML's limit."""
    bomb = "<table><tr><td colspan=100000 rowspan=100000>x</td><td>y</td></tr><tr><td>z</td></tr></table>"
    code, said = run_cli(capsys, "review", str(_write(tmp_path, "合并.html", bomb.encode())))
    assert code == 2 and "[file.table_too_large]" in said and "超过 500 列" in said
    wide = "<table><tr><td colspan=100000>标题</td></tr>" + "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS
    )
    tall = wide.replace("<td>预算执行率</td>", "<td rowspan=100000>预算执行率</td>", 1) + "</table>"
    doc = read_source(_write(tmp_path, "标题.xls", tall.encode()))
    (rows,) = _tables(doc)  # the row span ends at the table's last row, pushing 合计's cells right as browsers do
    assert len(rows) == 4 and len(rows[0]) == 500 and rows[0][0] == "标题"
    assert rows[2][:3] == ROWS[1] and rows[3][:4] == ("", "合计", "100", "95")
