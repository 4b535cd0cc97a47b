"""Benchmark: reports for generated departments, beside a directly written baseline measured in the same run.

Per department, medians of the CPU time of: building the content (paragraphs, tables, both charts), the .docx,
the .xlsx (CPU time: on the shared machine the wall time also counts the waits for a core, which moved the
figure by 3x from one run to the next; the wall time is printed too). The
baseline writes the same text the plainest way: every paragraph and table cell into a bare WordprocessingML
zip, and every attachment cell into XlsxWriter without formats or merges — what the bytes cost at the least.
Goal (issue 15): content + docx + xlsx ≤ 30 ms per department, charts included. `--pdf` also converts the
batch in one LibreOffice start (the formats helper's bench/pdf.py measures PDF in depth).
Not a timed test. Run: .venv/bin/python bench/report.py [N] [--pdf]
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import department_tree

from jixiao.model.dataset import parse_department
from jixiao.model.problems import Location
from jixiao.pipeline import Prepared
from jixiao.report.content import build_document
from jixiao.report.document import Document, Heading, Paragraph, Table
from jixiao.report.docx_out import render_docx
from jixiao.report.xlsx_out import render_workbook
from jixiao.report.xmltext import escape
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import load_rulebook

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BARE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        'main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    ),
}


def baseline_docx(document: Document) -> bytes:
    """The document's text as bare paragraphs and table rows: no styles, fonts, page setup or charts."""
    body = []
    for block in document.blocks:
        if isinstance(block, (Heading, Paragraph)):
            text = block.full if isinstance(block, Heading) else block.text
            body.append(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>")
        elif isinstance(block, Table):
            for row in block.rows:
                cells = "".join(
                    f"<w:tc><w:p><w:r><w:t>{escape(c.text if c else '')}</w:t></w:r></w:p></w:tc>" for c in row
                )
                body.append(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>")
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
    xml = head + "".join(body) + "</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, part in _BARE_PARTS.items():
            package.writestr(name, part)
        package.writestr("word/document.xml", xml)
    return buffer.getvalue()


def baseline_xlsx(tables: tuple[Table, ...]) -> bytes:
    """Every attachment cell's value written with XlsxWriter, no formats, merges or page setup."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for i, table in enumerate(tables):
        sheet = workbook.add_worksheet(f"Sheet{i + 1}")
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    sheet.write(r, c, cell.text)
    workbook.close()
    return buffer.getvalue()


def measure(n: int = 100, pdf: bool = False) -> dict[str, float]:
    rng = random.Random(7)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    parts = ("content", "docx", "xlsx", "baseline_docx", "baseline_xlsx")
    timings: dict[str, list[float]] = {k: [] for k in parts}  # CPU seconds of this process
    walls: dict[str, list[float]] = {"ours": [], "baseline": []}  # wall seconds, waits for a core included
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = []
        for i in range(n):
            data, _ = parse_department(department_tree(i, rng), lambda p: Location("bench"))
            prepared = Prepared(rulebook, data, ())
            evaluation = evaluate(rulebook, data)
            w0, t0 = time.perf_counter(), time.process_time()
            document = build_document(prepared, evaluation)
            t1 = time.process_time()
            docx = render_docx(document, data.name)
            t2 = time.process_time()
            render_workbook(document.attachments)
            t3, w3 = time.process_time(), time.perf_counter()
            baseline_docx(document)
            t4 = time.process_time()
            baseline_xlsx(document.attachments)
            t5, w5 = time.process_time(), time.perf_counter()
            for name, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
                timings[name].append(seconds)
            walls["ours"].append(w3 - w0)
            walls["baseline"].append(w5 - w3)
            if pdf:
                path = out / f"report{i:04d}.docx"
                path.write_bytes(docx)
                files.append(path)
        result = {name: statistics.median(values) * 1000 for name, values in timings.items()}
        result.update({f"wall_{name}": statistics.median(values) * 1000 for name, values in walls.items()})
        result["n"] = n
        if pdf:
            from jixiao.report.pdf import PdfError, convert_to_pdf

            t0 = time.perf_counter()
            try:
                convert_to_pdf(files, out / "pdf", timeout=3600)
                result["pdf"] = (time.perf_counter() - t0) / n * 1000
            except PdfError as exc:
                result["pdf_error"] = str(exc)  # type: ignore[assignment]
    return result


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 100
    r = measure(n, "--pdf" in args)
    ours = r["content"] + r["docx"] + r["xlsx"]
    base = r["baseline_docx"] + r["baseline_xlsx"]
    print(f"部门数: {n}（宝安指标体系；中位数，每部门；CPU 时间，不含等待 CPU 的时间）")
    print(f"内容（含两张图表）: {r['content']:.1f} ms；docx: {r['docx']:.1f} ms；xlsx: {r['xlsx']:.1f} ms")
    print(
        f"基线（同样文字直接写 docx / XlsxWriter 无格式）: docx {r['baseline_docx']:.1f} ms，"
        f"xlsx {r['baseline_xlsx']:.1f} ms"
    )
    print(f"内容+docx+xlsx: {ours:.1f} ms/部门（目标 ≤ 30 ms），为基线的 {ours / base:.1f} 倍")
    print(
        f"墙钟时间（含等待 CPU，随本机负载变化）: {r['wall_ours']:.1f} ms/部门，基线 {r['wall_baseline']:.1f} ms，"
        f"为基线的 {r['wall_ours'] / r['wall_baseline']:.1f} 倍"
    )
    if "pdf" in r:
        print(f"PDF（一次启动 LibreOffice 批量转换）: 平均 {r['pdf']:.0f} ms/部门")
    elif "pdf_error" in r:
        print(f"PDF: 未测（{r['pdf_error']}）")


if __name__ == "__main__":
    main()
