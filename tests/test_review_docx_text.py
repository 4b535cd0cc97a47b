"""A Word report read as printed (review/docxtext.py through review/source.py's .docx reader): automatic list
numbers, text boxes, symbols, line and page breaks, hidden text, footnotes and the marks that point to them.

Each document is built with python-docx, with raw WordprocessingML where python-docx has no API (numbering.xml,
text boxes, footnotes), and one saved as .doc by LibreOffice and read back as a department's Word 97 file is."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from jixiao.review import review_file
from jixiao.review.docxtext import number_label
from jixiao.review.source import read_source

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from review_docx_forms import add_footnote, set_numbering, text_box_run

W = nsdecls("w")

# list 1: 一、 / （一） / 1. / ①; level 1 restarts after level 0 (the default), level 2 never restarts (lvlRestart 0)
NUMBERING = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="7">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/>
 </w:lvl>
 <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%4"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8">
 <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1."/>
  <w:suff w:val="space"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="7"/>
 <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""

# a heading style with its own list (Word's 标题 1 linked to list 1's first level)
HEADING_STYLE = (
    f'<w:style {W} w:type="paragraph" w:styleId="biaoti1"><w:name w:val="标题一"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)
SUB_STYLE = (  # based on the heading style: inherits its list; its level from the list's w:pStyle? no: its own ilvl
    f'<w:style {W} w:type="paragraph" w:styleId="biaoti2"><w:name w:val="标题二"/><w:basedOn w:val="biaoti1"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)


def _numbered(document, text: str, num: int | None = None, level: int = 0, style: str = ""):
    paragraph = document.add_paragraph(text)
    if style:
        paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:pStyle {W} w:val="{style}"/>'))
    if num is not None:
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>')
        )
    return paragraph


def _save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def _texts(path: Path) -> list[str]:
    return [s.text for s in read_source(path).segments if s.kind == "paragraph"]


def _report_with_lists(path: Path) -> Path:
    document = Document()
    set_numbering(document, NUMBERING)
    document.add_paragraph("某某县财政局2023年度部门整体支出绩效自评报告")
    for n in range(1, 12):  # 一、 … 十一、, each with （一）（二） and a continuing 1. 2. …
        _numbered(document, f"第{n}部分", 1, 0)
        _numbered(document, "情况", 1, 1)
        _numbered(document, "分析", 1, 1)
        _numbered(document, "细目", 1, 2)
    _numbered(document, "圈号", 1, 3)
    _numbered(document, "另一列表", 3, 0)  # a num restarting list 1's first level at 五
    _numbered(document, "甲乙", 4, 0)  # starts at 3: 丙.
    _numbered(document, "不编号", 0, 0)  # numId 0: numbering switched off
    return _save(document, path)


def test_list_numbers_are_read_as_printed(tmp_path):
    texts = _texts(_report_with_lists(tmp_path / "lists.docx"))
    assert texts[1:8] == [
        "一、第1部分",
        "（一）情况",
        "（二）分析",
        "1.细目",
        "二、第2部分",
        "（一）情况",
        "（二）分析",
    ]
    assert "2.细目" in texts  # level 2 never restarts (lvlRestart 0): the second 细目 is 2.
    assert "十一、第11部分" in texts and "十、第10部分" in texts
    assert texts[-4:] == ["①圈号", "五、另一列表", "丙.甲乙", "不编号"]  # the gap after a closing mark is no character


def test_list_numbers_by_a_paragraph_style(tmp_path):
    document = Document()
    set_numbering(document, NUMBERING)
    document.styles.element.append(parse_xml(HEADING_STYLE))
    document.styles.element.append(parse_xml(SUB_STYLE))
    for text in ("部门概况", "绩效目标"):
        _numbered(document, text, style="biaoti1")
        _numbered(document, "基本职能", style="biaoti2")
    assert _texts(_save(document, tmp_path / "styled.docx")) == [
        "一、部门概况",
        "（一）基本职能",
        "二、绩效目标",
        "（一）基本职能",
    ]


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (20, "taiwaneseCountingThousand", "二十"),  # as LibreOffice writes Word's chineseCounting back
        (21, "chineseCounting", "二十一"),
        (99, "chineseCounting", "九十九"),
        (105, "chineseCounting", "一百零五"),
        (110, "chineseCounting", "一百一十"),
        (10, "chineseLegalSimplified", "壹拾"),
        (3, "decimalEnclosedCircle", "③"),
        (3, "ideographTraditional", "丙"),
        (12, "decimalZero", "12"),
        (4, "upperRoman", "IV"),
        (2, "custom", "二"),
    ],
)
def test_number_label(n, fmt, label):
    assert number_label(n, fmt, "一, 二, 三, ..." if fmt == "custom" else "") == label


def test_a_doc_from_libreoffice_keeps_its_list_numbers(tmp_path):
    """The .doc path: LibreOffice writes the lists back as numPr (chineseCounting as taiwaneseCountingThousand)."""
    from jixiao.formats import office

    doc = office.convert_file(_report_with_lists(tmp_path / "lists.docx"), "doc", tmp_path / "doc")
    texts = _texts(doc)
    assert texts[1:5] == ["一、第1部分", "（一）情况", "（二）分析", "1.细目"]
    assert "十一、第11部分" in texts


def test_numbered_headings_make_the_sections(tmp_path):
    """A report whose headings are list numbers has its sections: no missing_section hint the typed one has not."""
    sections = ["部门概况", "部门整体支出绩效目标", "绩效目标完成情况", "存在的问题及原因", "下一步改进措施"]
    typed, listed = Document(), Document()
    set_numbering(listed, NUMBERING)
    for document in (typed, listed):
        document.add_paragraph("某某县财政局2023年度部门整体支出绩效自评报告")
    for n, title in enumerate(sections):
        typed.add_paragraph("一二三四五"[n] + "、" + title)
        _numbered(listed, title, 1, 0)
        for document in (typed, listed):
            document.add_paragraph("本部分说明有关情况。")
    want = review_file(_save(typed, tmp_path / "typed.docx"))
    got = review_file(_save(listed, tmp_path / "listed.docx"))
    assert got.headings == want.headings and got.headings
    assert sorted(f.code for f in got.findings) == sorted(f.code for f in want.findings)


def test_text_box_read_once_before_its_paragraph(tmp_path):
    document = Document()
    anchor = document.add_paragraph("封面")
    anchor._p.append(parse_xml(text_box_run("某某县财政局")))
    document.add_paragraph("正文")
    texts = _texts(_save(document, tmp_path / "box.docx"))
    assert texts == ["某某县财政局", "封面", "正文"]  # the fallback's copy not read


def test_grouped_and_nested_text_boxes(tmp_path):
    """A group's boxes all read, in order, once (its fallback's copies not); a box inside a box read before the
    line it is anchored in."""
    wps = text_box_run("甲单位")
    second = "<w:txbxContent><w:p><w:r><w:t>乙单位</w:t></w:r></w:p></w:txbxContent>"
    group = wps.replace("</w:txbxContent></wps:txbx>", "</w:txbxContent></wps:txbx><wps:txbx>" + second + "</wps:txbx>")
    group = group.replace(
        "</w:txbxContent></v:textbox>", "</w:txbxContent></v:textbox><v:textbox>" + second + "</v:textbox>"
    )
    inner = text_box_run("内框").replace(f"<w:r {W} ", "<w:r ").split(">", 1)[1].rsplit("</w:r>", 1)[0]
    outer = text_box_run("外框").replace("<w:t>外框</w:t></w:r>", "<w:t>外框</w:t></w:r><w:r>" + inner + "</w:r>", 1)
    document = Document()
    document.add_paragraph("封面")._p.append(parse_xml(group))
    document.add_paragraph("正文")._p.append(parse_xml(outer))
    texts = _texts(_save(document, tmp_path / "group.docx"))
    assert texts == ["甲单位", "乙单位", "封面", "内框", "外框", "正文"]


def test_symbols_breaks_and_hidden_text(tmp_path):
    document = Document()
    p = document.add_paragraph("是否达成：")
    p._p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0FE"/><w:t>是</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings 2" w:char="00A3"/><w:t>否</w:t></w:r>'))
    p = document.add_paragraph("一、部门概况")
    p._p.append(parse_xml(f"<w:r {W}><w:br/><w:t>本部门共有人员12人。</w:t></w:r>"))
    p = document.add_paragraph("支出合计100万元。")
    p._p.append(parse_xml(f'<w:r {W}><w:br w:type="page"/><w:t>二、绩效目标</w:t></w:r>'))
    p = document.add_paragraph("执行率95%")
    p._p.append(parse_xml(f"<w:r {W}><w:rPr><w:vanish/></w:rPr><w:t>（未公开）88%</w:t></w:r>"))
    p._p.append(parse_xml(f"<w:r {W}><w:t>。</w:t></w:r>"))
    p = document.add_paragraph()  # a field: its instruction is not printed, its result is
    for xml in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> DOCPROPERTY Company </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>某某县财政局</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        p._p.append(parse_xml(f"<w:r {W}>{xml}</w:r>"))
    texts = _texts(_save(document, tmp_path / "marks.docx"))
    assert texts == [
        "是否达成：☑是□否",
        "一、部门概况",
        "本部门共有人员12人。",
        "支出合计100万元。",
        "二、绩效目标",
        "执行率95%。",
        "某某县财政局",
    ]


def test_footnotes_apart_and_their_marks_not_glued_to_figures(tmp_path):
    document = Document()
    p = document.add_paragraph("年度预算12.5万元")
    p._p.append(
        parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>')
    )
    p.add_run("，实际支出10万元")
    p._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>2</w:t></w:r>'))
    p.add_run("，新建场地300m")
    p._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>2</w:t></w:r>'))
    p.add_run("。")
    add_footnote(document, "1", "数据来源：单位财务账。")
    texts = _texts(_save(document, tmp_path / "notes.docx"))
    assert texts == ["年度预算12.5万元，实际支出10万元，新建场地300m²。", "数据来源：单位财务账。"]


def test_a_docx_without_numbering_part(tmp_path):
    """A document whose package has no numbering.xml (some systems write none) reads, and none is added."""
    document = Document()
    document.add_paragraph("正文")
    rels = document.part.rels
    for key in [k for k, r in rels.items() if r.reltype.endswith("/numbering")]:
        del rels[key]
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "bare.docx"
    path.write_bytes(buffer.getvalue())
    assert _texts(path) == ["正文"]
