"""Benchmark: Word documents as departments write them — the same report in the forms Word keeps its text in.

Each document of the review corpus (tests/fixtures/review_corpus/*/document.txt) is reviewed as the .txt, and
written as a .docx in each form below; each form's review is compared with the .txt's and with the plain .docx's
on department, year, total, grade, score tables and findings (bench/review_formats.py's summary), the identity
(kind, province, rulebook, unit, project) and the headings found.

Forms (what a reader sees on the page is in every one the .txt's text):
- plain: one paragraph per line, tables as tables (bench/review_formats.py write_docx);
- numbered: the heading labels 一、 （一） 1. （1） ① typed in the text made Word list numbers (w:numPr →
  numbering.xml: chineseCounting "%1、", "（%2）", decimal "%3.", "（%4）", decimalEnclosedCircle "%5"), where
  Word's counting gives the same label (one list per document; a label out of sequence stays typed);
- styled: as numbered, the first level numbered by its paragraph style's numPr (a 标题 1 style's own list);
- textbox: the first line (the cover's title) in a text box (mc:AlternateContent: a DrawingML box and its VML
  fallback, the same text twice in the file);
- breaks: each two lines one paragraph, the second after a line break (w:br), every third pair a page break;
- marks: the first line as a DOCPROPERTY field's result, the second in a hyperlink; after them a footnote (its mark
  after the first figure in 万元) and a typed superscript "1" after the next line's; a hidden run ("另支出9999万元",
  w:vanish) ending the last line;
- doc: the numbered form saved as .doc by LibreOffice (as a department's Word 97 file reaches review).

Run: .venv/bin/python bench/review_docx_forms.py [--doc N|all] [--forms FORM …] [--only NAME …] [-v]
(--doc: documents also converted to .doc, spread over the corpus; default 20)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_formats import _MARKERS, _blocks, _folded, summary, write_docx

from jixiao.review import review_file

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "review_corpus"
FORMS = ("plain", "numbered", "styled", "textbox", "breaks", "marks", "doc")

# --- numbered forms -----------------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
# (level, pattern of a typed label, numFmt); the label's own characters around the number become lvlText
_LABELS = (
    (0, re.compile(rf"^([{_CN}]+)(、)"), "chineseCounting"),
    (1, re.compile(rf"^([（(])([{_CN}]+)([)）])"), "chineseCounting"),
    (2, re.compile(r"^(\d{1,2})([.．、])(?![\d．.])"), "decimal"),
    (3, re.compile(r"^([（(])(\d{1,2})([)）])"), "decimal"),
    (4, re.compile(r"^([\u2460-\u2473])"), "decimalEnclosedCircle"),
)


def _value(text: str, fmt: str) -> int:
    if fmt == "decimalEnclosedCircle":
        return ord(text) - 0x245F
    if fmt == "decimal":
        return int(text)
    if len(text) == 1:
        return _CN.index(text) + 1
    tens, _, ones = text.partition("十")
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def typed_label(text: str) -> tuple[int, int, str, str] | None:
    """A paragraph's typed heading label: (level, value, lvlText, the label as typed), or None."""
    for level, pattern, fmt in _LABELS:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groups()
        number_at = 0 if level in (0, 2, 4) else 1
        value = _value(groups[number_at], fmt)
        template = "".join(f"%{level + 1}" if i == number_at else g for i, g in enumerate(groups))
        if text[m.end() :].strip():
            return level, value, template, m.group(0)
    return None


def numbering_xml(templates: dict[int, str]) -> str:
    levels = []
    for level, _, fmt in _LABELS:
        text = templates.get(level, f"%{level + 1}.")
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="nothing"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        )
    return (
        f'<w:numbering {nsdecls("w")}><w:abstractNum w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        f'{"".join(levels)}</w:abstractNum><w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num></w:numbering>'
    )


def set_numbering(document, xml: str) -> None:
    """The document's numbering part replaced by `xml` (python-docx has no API for numbering definitions)."""
    part = document.part.numbering_part
    part._element = parse_xml(xml)


def number_paragraph(paragraph, level: int, style_level: bool = False) -> None:
    """The paragraph a member of list 90 at `level` (by its style "一级标题" for style_level)."""
    if style_level:
        paragraph.style = "一级标题"
        return
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))


def add_list_style(document) -> None:
    """A paragraph style "一级标题" whose own numPr makes it list 90's first level (Word's 标题 1 linked to a list)."""
    document.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="yijibiaoti"><w:name w:val="一级标题"/>'
            '<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr></w:pPr>'
            "</w:style>"
        )
    )


def write_numbered(blocks: list, path: Path, styled: bool = False) -> Path:
    """The plain .docx with each typed label Word's counting would print the same made a list number."""
    write_docx(blocks, path)
    document = Document(str(path))
    counts: dict[int, int] = {}
    templates: dict[int, str] = {}
    plan = []
    for paragraph in document.paragraphs:
        found = typed_label(paragraph.text)
        if found is None:
            continue
        level, value, template, typed = found
        expected = counts.get(level, 0) + 1
        if value != expected or templates.setdefault(level, template) != template:
            continue  # Word's list would print another label here: left typed, as a clerk leaves it
        counts[level] = value
        for deeper in [d for d in counts if d > level]:
            del counts[deeper]
        plan.append((paragraph, level, typed))
    set_numbering(document, numbering_xml(templates))
    if styled:
        add_list_style(document)
    for paragraph, level, typed in plan:
        _drop_prefix(paragraph, typed)
        number_paragraph(paragraph, level, styled and level == 0)
    document.save(str(path))
    return path


def _drop_prefix(paragraph, typed: str) -> None:
    run = paragraph.runs[0]
    run.text = run.text[len(typed) :]


# --- text box, breaks, marks ------------------------------------------------------------------------------------

_WPS = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
)


def text_box_run(text: str) -> str:
    """A run holding a floating text box with `text`, as Word 2010+ writes it: the DrawingML shape in mc:Choice and
    the same box in VML in mc:Fallback."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{_escape(text)}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f'<w:r {nsdecls("w")} {_WPS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0"'
        ' layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column">'
        '<wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0'
        '</wp:posOffset></wp:positionV><wp:extent cx="5400000" cy="720000"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="720000"/></a:xfrm><a:prstGeom prst="rect">'
        f"<a:avLst/></a:prstGeom></wps:spPr><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData>"
        "</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f'<v:shape style="width:425pt;height:57pt"><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_textbox(blocks: list, path: Path) -> Path:
    """The first line in a text box of an otherwise empty paragraph."""
    first = next((i for i, (kind, _) in enumerate(blocks) if kind == "paragraph"), None)
    write_docx([b for i, b in enumerate(blocks) if i != first], path)
    if first is None:
        return path
    document = Document(str(path))
    body = document.element.body
    anchor = parse_xml(f"<w:p {nsdecls('w')}/>")
    anchor.append(parse_xml(text_box_run(str(blocks[first][1]))))
    body.insert(first, anchor)  # write_docx writes each block as one child of the body, in order
    document.save(str(path))
    return path


def write_breaks(blocks: list, path: Path) -> Path:
    """Each two lines following each other one paragraph: the second after a line break (every third pair a page
    break)."""
    doc = Document()
    pending: list[str] = []
    pairs = 0

    def flush() -> None:
        nonlocal pairs
        if not pending:
            return
        paragraph = doc.add_paragraph()
        paragraph.add_run(pending[0])
        if len(pending) == 2:
            pairs += 1
            kind = "page" if pairs % 3 == 0 else "textWrapping"
            paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:br w:type="{kind}"/></w:r>'))
            paragraph.add_run(pending[1])
        pending.clear()

    for kind, content in blocks:
        if kind == "paragraph":
            pending.append(str(content))
            if len(pending) == 2:
                flush()
            continue
        flush()
        _add_table(doc, content)
    flush()
    doc.add_paragraph("")
    doc.save(str(path))
    return path


def _add_table(doc, rows) -> None:
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell


_FIGURE_WAN = re.compile(r"\d[\d,]*(?:\.\d+)?万元")


def write_marks(blocks: list, path: Path) -> Path:
    """The first line as a field's result and the second inside a hyperlink; of the lines after them, a footnote
    mark after the first 万元 figure and a typed superscript "1" after the next line's; a hidden run at the end of
    the last line (last, so that no rebuilt line drops it)."""
    write_docx(blocks, path)
    document = Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    if paragraphs:
        _as_field(paragraphs[0])
    if len(paragraphs) > 1:
        _as_hyperlink(paragraphs[1])
    # the first such figure of two lines (a line's runs are rebuilt once)
    wan = [(p, m) for p in paragraphs[2:] if (m := _FIGURE_WAN.search(p.text))][:2]
    for n, (paragraph, match) in enumerate(wan):
        text = paragraph.text
        paragraph.runs[0].text = text[: match.end()]
        mark = '<w:footnoteReference w:id="1"/>' if n == 0 else "<w:t>1</w:t>"
        paragraph._p.append(
            parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>{mark}</w:r>')
        )
        paragraph.add_run(text[match.end() :])
    if wan:
        add_footnote(document, "1", "数据来源：单位财务账。")
    if paragraphs:
        paragraphs[-1]._p.append(
            parse_xml(f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t>另支出9999万元</w:t></w:r>")
        )
    document.save(str(path))
    return path


def _as_field(paragraph) -> None:
    text = paragraph.text
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    ns = nsdecls("w")
    for xml in (
        f'<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {ns}><w:instrText xml:space="preserve"> DOCPROPERTY Title \\* MERGEFORMAT </w:instrText></w:r>',
        f'<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {ns}><w:t>{_escape(text)}</w:t></w:r>",
        f'<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def _as_hyperlink(paragraph) -> None:
    text = paragraph.text
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    rid = paragraph.part.relate_to("http://www.example.gov.cn/", RT.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{_escape(text)}</w:t></w:r></w:hyperlink>')
    )


def add_footnote(document, note_id: str, text: str) -> None:
    """A footnotes part holding one footnote (python-docx writes none): Word's separators and the note."""
    xml = (
        f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f'</w:r></w:p></w:footnote><w:footnote w:id="{note_id}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
        f'</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {_escape(text)}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)


# --- the run ----------------------------------------------------------------------------------------------------


def compared(result) -> dict[str, object]:
    """bench/review_formats.py's summary, with the identity and the headings."""
    out = summary(result)
    out["identity"] = (result.kind, result.province, result.rulebook_id, _folded(result.unit), _folded(result.project))
    out["headings"] = [_folded(h) for h in result.headings]
    return out


def differences(a: dict, b: dict) -> list[str]:
    return [k for k in a if a[k] != b[k]]


WRITERS: dict[str, Callable[[list, Path], Path]] = {
    "plain": write_docx,
    "numbered": write_numbered,
    "styled": lambda blocks, path: write_numbered(blocks, path, styled=True),
    "textbox": write_textbox,
    "breaks": write_breaks,
    "marks": write_marks,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doc", default="20", help="documents also converted to .doc (N or all)")
    parser.add_argument("--only", nargs="*", help="corpus folders to run")
    parser.add_argument("--forms", nargs="*", default=list(FORMS), help="forms to write (plain is always written)")
    parser.add_argument("-v", action="store_true", help="print the fields that differ")
    args = parser.parse_args()
    folders = sorted(p for p in CORPUS.iterdir() if (p / "document.txt").exists())
    if args.only:
        folders = [f for f in folders if any(o in f.name for o in args.only)]
    doc_every = 1 if args.doc == "all" else max(1, len(folders) // int(args.doc)) if int(args.doc) else 10**9
    vs_txt = {f: [0, 0] for f in FORMS}
    vs_plain = {f: [0, 0] for f in FORMS}
    labelled = [0, 0]
    crashes = []
    with tempfile.TemporaryDirectory(prefix="jixiao-docx-forms-") as tmp:
        for n, folder in enumerate(folders):
            here = Path(tmp) / folder.name
            here.mkdir()
            text = (folder / "document.txt").read_text(encoding="utf-8")
            blocks = _blocks(text)
            # the .txt as the forms hold it: the transcribers' cut mark, no part of the document, left out
            as_text = here / "document.txt"
            kept = [line for line in text.splitlines() if line.strip() not in _MARKERS]
            as_text.write_text("\n".join(kept), encoding="utf-8")
            line = [folder.name[:36].ljust(36)]
            try:
                txt = compared(review_file(as_text))
                plain: dict = {}
                for form in FORMS:
                    if (form == "doc" and n % doc_every) or (form != "plain" and form not in args.forms):
                        continue
                    if form == "doc":
                        from jixiao.formats import office

                        path = office.convert_file(write_numbered(blocks, here / "doc.docx"), "doc", here / "doc")
                    else:
                        path = WRITERS[form](blocks, here / f"{form}.docx")
                    got = compared(review_file(path))
                    plain = got if form == "plain" else plain
                    d_txt, d_plain = differences(txt, got), differences(plain, got)
                    for tally, d in ((vs_txt, d_txt), (vs_plain, d_plain)):
                        tally[form][0] += not d
                        tally[form][1] += 1
                    mark = "同" if not d_plain else "异"
                    line.append(f"{form} {mark}" + (f"({','.join(d_plain)})" if d_plain and args.v else ""))
                numbered = sum(1 for kind, c in blocks if kind == "paragraph" and typed_label(str(c)))
                labelled[0] += numbered
                labelled[1] += sum(1 for kind, _ in blocks if kind == "paragraph")
            except Exception:  # a crash is counted and shown, the run goes on
                crashes.append((folder.name, traceback.format_exc()))
                line.append("崩溃")
            print("  ".join(line), flush=True)
    print(f"\n{len(folders)} 篇；带序号的段落 {labelled[0]}/{labelled[1]}")
    for form in FORMS:
        (a, b), (c, d) = vs_plain[form], vs_txt[form]
        if b:
            print(f"  {form:<9} 与普通 .docx 一致 {a}/{b} = {a / b:.0%}    与 .txt 一致 {c}/{d} = {c / d:.0%}")
    for name, trace in crashes:
        print(f"崩溃 {name}:\n{trace}")


if __name__ == "__main__":
    main()
