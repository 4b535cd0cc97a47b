"""The report read back: Word (headings, computed figures, 表1 cells and merges, fonts), Excel, PDF, HTML."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from lxml import etree

from jixiao.cli import main
from jixiao.pipeline import run
from jixiao.report import pdf as pdf_module
from jixiao.report.write import write_report

BAOAN = Path("examples/baoan-fulian-2023")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("baoan")
    assert main(["report", str(BAOAN), "--out", str(out), "--format", "docx,pdf,html,xlsx,md"]) == 0
    return out


@pytest.fixture(scope="module")
def docx(report_dir):
    return read_docx(str(report_dir / "自评报告.docx"))


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_outline_of_seed_000_with_its_numbering(docx):
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    expected_in_order = [
        "一、部门基本情况",
        "（一）部门主要职能",
        "1.主要职能",
        "2.机构情况",
        "（四）2023年部门预算执行情况",
        "1.资金管理",
        "二、部门主要履职绩效分析",
        "三、总体评价和整改措施",
        "（一）部门整体支出绩效自评得分情况",
        "1.部门决策指标分析",
        "2.部门管理指标分析",
        "（三）部门整体支出绩效存在问题及改进措施",
        "1.存在的问题",
        "2.改进措施",
        "（四）后续工作计划、相关建议",
    ]
    positions = [headings.index(h) for h in expected_in_order]
    assert positions == sorted(positions)
    assert _texts(docx)[0] == "2023年度部门整体绩效自评报告"
    assert "部门名称（公章）：深圳市宝安区妇女联合会" in _texts(docx)


def test_generated_paragraphs_carry_computed_figures(docx):
    text = "\n".join(_texts(docx))
    # 123.1 ÷ 2,500.65 = 4.92% (the seed's denominator, set in the 宝安 rulebook)
    assert "调增预算123.10万元，调整率为4.92%，调整后预算为2,500.65万元" in text
    # 2,470.14 ÷ 2,500.65 = 98.7799% → 98.78%
    assert "部门决算数2,470.14万元，年部门预算执行率为98.78%" in text
    # 155.586 ÷ 155.591 = 99.9968%, truncated as the scoring rule does → 99.99%, never 100%
    assert "政府采购执行率为99.99%" in text
    assert "“三公”经费控制率为52%" in text  # 4.16 ÷ 8
    assert "固定资产利用率为100%" in text
    assert "一季度序时执行率为93.58%，二季度序时执行率为80.74%" in text
    assert "部门管理指标总分20分，评价得分18.99分，得分率94.95%。主要扣分原因为：一是" in text
    assert "部门绩效指标总分60分，评价得分58.62分，得分率97.7%" in text


def test_department_text_wins_for_problems(docx):
    text = "\n".join(_texts(docx))
    assert "一是预算执行问题：预算执行及时性与均衡性有待提高" in text  # narrative/problems.md


def _score_table(doc):
    return next(t for t in doc.tables if t.cell(0, 0).text == "评价指标")


def test_table_1_cells_merges_and_total(docx):
    table = _score_table(docx)
    assert [table.cell(2, c).text for c in range(6)] == ["名称", "分值", "名称", "分值", "名称", "分值"]
    assert table.cell(0, 6).text == "得分"
    assert table.cell(0, 6)._tc is table.cell(2, 6)._tc  # 得分 spans the three header rows
    # 部门决策 covers its 4 leaves (rows 3–6), 部门管理 its 10
    assert table.cell(3, 0).text == "部门决策" and table.cell(3, 0)._tc is table.cell(6, 0)._tc
    assert table.cell(7, 0).text == "部门管理" and table.cell(7, 0)._tc is table.cell(16, 0)._tc
    row = [table.cell(7, c).text for c in range(7)]
    assert row == ["部门管理", "20", "资金管理", "8", "政府采购执行情况", "2", "1.99"]
    last = len(table.rows) - 1
    assert table.cell(last, 0).text == "合计" and table.cell(last, 6).text == "97.61"
    headers = [r for r in table.rows if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(headers) == 3


def test_typography(docx, report_dir):
    section = docx.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.8 and round(section.top_margin.cm, 1) == 3.7
    with zipfile.ZipFile(report_dir / "自评报告.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
        footer = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
    runs = etree.fromstring(body.encode("utf-8")).iter(qn("w:r"))
    fonts = [r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for r in runs]
    assert fonts and all(f is not None and f.get(qn("w:eastAsia")) for f in fonts)  # every run names its CJK font
    assert 'w:eastAsia="仿宋_GB2312"' in body and 'w:eastAsia="黑体"' in body
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="en-US"' not in styles
    assert "PAGE" in footer


def test_amounts_have_separators_and_two_decimals(docx):
    text = "\n".join(_texts(docx))
    assert "年初部门预算数2,377.56万元，其中基本支出996.82万元，项目支出1,380.73万元" in text
    assert "政府采购计划金额为155.591万元" in text  # three decimals kept as given


def test_charts_are_embedded(report_dir):
    # Native Word charts (vector), one part each, with the figures in their caches (issue 15).
    with zipfile.ZipFile(report_dir / "自评报告.docx") as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/charts/")]
    assert len(charts) == 2
    quarterly = next(c for c in charts if "序时进度" in c)
    # 宝安's quarters: 93.58%, 80.74%, 100.88%, 99.87% (seed 000), the schedule line at 100.
    assert all(f"<c:v>{v}</c:v>" in quarterly for v in ("93.58", "80.74", "100.88", "99.87"))
    assert "序时进度 100%" in quarterly


def test_attachment_workbook(report_dir):
    wb = openpyxl.load_workbook(report_dir / "附件表.xlsx")
    assert wb.sheetnames == ["部门整体支出绩效评价基础数据表", "部门整体支出绩效自评表"]
    ws = wb["部门整体支出绩效自评表"]
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
    total_row = next(r for (r, c), v in values.items() if v == "合计")
    assert values[(total_row, 8)] == pytest.approx(97.61)
    assert ws.cell(total_row, 8).number_format == "0.00"
    assert any(str(m) == "A3:A6" for m in ws.merged_cells.ranges)  # 部门决策 over its 4 leaves
    reasons = [v for v in values.values() if isinstance(v, str) and "扣0.38分" in v]
    assert reasons
    base = wb["部门整体支出绩效评价基础数据表"]
    cells = {c.value: c for row in base.iter_rows() for c in row if c.value is not None}
    procurement_row = cells["政府采购金额"].row
    assert base.cell(procurement_row, 5).value == pytest.approx(155.591)
    assert base.cell(procurement_row, 5).number_format == "#,##0.00"


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or pdf_module.find_soffice() is None,
    reason="LibreOffice and poppler-utils are installed by scripts/setup.sh",
)
def test_pdf_text(report_dir):
    text = subprocess.run(
        ["pdftotext", "-layout", str(report_dir / "自评报告.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "部门整体支出绩效自评得分情况" in text and "97.61" in text
    fonts = subprocess.run(
        ["pdffonts", str(report_dir / "自评报告.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSerifCJK" in fonts and "UKai" in fonts  # 仿宋/宋体 and 楷体 mapped by render/fonts.conf


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained(report_dir):
    parser = _Html()
    parser.feed((report_dir / "自评报告.html").read_text(encoding="utf-8"))
    text = "".join(parser.text)
    assert "2023年度部门整体绩效自评报告" in text and "97.61" in text
    images = [a["src"] for t, a in parser.tags if t == "img"]
    assert len(images) == 2 and all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert any(t == "td" and a.get("rowspan") == "10" for t, a in parser.tags)  # 部门管理 over 10 rows


def test_markdown(report_dir):
    text = (report_dir / "自评报告.md").read_text(encoding="utf-8")
    assert text.startswith("# 2023年度部门整体绩效自评报告")
    assert "| 部门管理 | 20 | 资金管理 | 8 | 政府采购执行情况 | 2 | 1.99 |" in text
    assert (report_dir / "自评报告_图1.svg").read_text(encoding="utf-8").startswith("<svg")


def test_same_content_when_run_again(tmp_path):
    prepared, evaluation = run(BAOAN)
    write_report(prepared, evaluation, tmp_path / "a", ("docx", "xlsx"))
    write_report(prepared, evaluation, tmp_path / "b", ("docx", "xlsx"))
    for name in ("word/document.xml", "word/styles.xml", "docProps/core.xml"):
        with (
            zipfile.ZipFile(tmp_path / "a" / "自评报告.docx") as a,
            zipfile.ZipFile(tmp_path / "b" / "自评报告.docx") as b,
        ):
            assert a.read(name) == b.read(name)


def test_failed_run_leaves_earlier_outputs_intact(tmp_path, monkeypatch):
    prepared, evaluation = run(BAOAN)
    write_report(prepared, evaluation, tmp_path, ("docx", "xlsx"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*_args, **_kw):
        raise OSError("disk full")

    monkeypatch.setattr("jixiao.report.write.render_workbook", broken)
    with pytest.raises(OSError):
        write_report(prepared, evaluation, tmp_path, ("docx", "xlsx"))
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # nothing replaced, no staging folder left behind


def test_without_libreoffice_other_formats_are_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    # a PDF asked for and not made is not a clean run (issue 19): exit 2, the other formats still written
    assert main(["report", str(BAOAN), "--out", str(tmp_path), "--format", "docx,pdf"]) == 2
    err = capsys.readouterr().err
    assert "未找到 LibreOffice" in err and "apt-get install libreoffice-writer-nogui" in err
    assert (tmp_path / "自评报告.docx").exists() and not (tmp_path / "自评报告.pdf").exists()


def test_missing_narrative_is_said_and_problems_are_generated(tmp_path):
    shutil.copy(BAOAN / "data.yaml", tmp_path / "data.yaml")
    prepared, evaluation = run(tmp_path)
    result = write_report(prepared, evaluation, tmp_path / "out", ("docx",))
    assert any("文字材料未提供" in w and "functions" in w for w in result.warnings)
    text = "\n".join(_texts(read_docx(str(tmp_path / "out" / "自评报告.docx"))))
    # generated from the trace: 一是 the first deduction of the tree
    assert "一是政府采购执行情况方面：政府采购执行率为99.99%" in text
    assert "二是按规定每年开展一次资产清查盘点。" in text


def test_unknown_format_is_refused(capsys, tmp_path):
    assert main(["report", str(BAOAN), "--out", str(tmp_path), "--format", "docx,odt"]) == 2
    assert "不支持的格式：odt" in capsys.readouterr().err


def test_project_tables_when_project_data_is_present(tmp_path):
    import yaml

    tree = yaml.safe_load((BAOAN / "data.yaml").read_text(encoding="utf-8"))
    tree["projects"] = [
        {
            "name": "儿童友好博览会",
            "funds": {"adjusted": 123.1, "actual": 120},
            "targets": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "参展单位数",
                    "operator": "≥",
                    "target": 50,
                    "actual": 56,
                    "weight": 50,
                }
            ],
        }
    ]
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    prepared, evaluation = run(tmp_path)
    write_report(prepared, evaluation, tmp_path / "out", ("xlsx",))
    wb = openpyxl.load_workbook(tmp_path / "out" / "附件表.xlsx")
    assert "项目支出绩效自评表（儿童友好博览会）" in wb.sheetnames
    values = [c.value for row in wb["项目支出绩效自评表（儿童友好博览会）"].iter_rows() for c in row]
    # 120 ÷ 123.1 = 97.48% → 10 × 0.9748 = 9.75
    assert "97.48%" in values and 9.75 in values


def _png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size (zlib-compressed scanlines), built without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_a_picture_block_is_still_placed_at_its_width(tmp_path):
    # Charts are native now; a PNG (Image block) still goes in as a picture: 10 cm wide, 200×100 px → 5 cm high.
    from jixiao.report.document import Document, Image, Paragraph
    from jixiao.report.docx_out import render_docx

    document = Document("标题", blocks=(Paragraph.of("正文"), Image(_png(200, 100), "图 1：示意", 10.0)))
    path = tmp_path / "x.docx"
    path.write_bytes(render_docx(document))
    doc = read_docx(str(path))
    assert len(doc.inline_shapes) == 1
    shape = doc.inline_shapes[0]
    assert (shape.width, shape.height) == (10 * 360000, 5 * 360000)
    assert [p.text for p in doc.paragraphs][-1] == "图 1：示意"
