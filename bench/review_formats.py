"""Benchmark: the same review in every format a bureau receives (issue 20).

Each document of the review corpus (tests/fixtures/review_corpus/*/document.txt: paragraphs, and tab-separated
lines as table rows) is written as .docx (python-docx) and .xlsx (openpyxl, one sheet per table), converted
to .doc and .xls by the long-lived LibreOffice, and — for the first --ocr documents — printed to PDF, rendered
at 150 dpi and rasterised into an image-only PDF. Each is reviewed with jixiao.review.review_file and compared
with the review of the original (.docx; .xlsx for .xls) on: department, year, total, grade, score tables found
(family and each row's name — width and quote style folded — 分值, 得分) and findings (code, severity, and the
expected/actual figures; a finding's quoted sentence only as present).
Prints agreement per document and overall, conversion time, OCR CPU time per page and figures read per page.
Goals: agreement ≥ 95% of documents, OCR ≤ 2 s a page on one core, no crash.

OCR runs on one core (the engine's ONNX Runtime sessions have one thread; CPU seconds are measured). For the
first --baseline scanned pages the page is also read by the untuned engine — RapidOCR as installed (angle
classifier on, detection on the page as given, lines recognised six at a time at 320 px) — on the same page
image in the same run, and both times and the figures each read are printed side by side.

Run: .venv/bin/python bench/review_formats.py [--ocr N|all] [--baseline K] [--only NAME …]
(about a minute with --ocr 3; --ocr all scans every document — 188 documents, 285 pages on 2 December 2026 —
in about 30 minutes on a shared machine)
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import tempfile
import time
import traceback
import unicodedata
from pathlib import Path

from docx import Document
from openpyxl import Workbook

from jixiao.formats import office
from jixiao.formats.ocr import OCR_DPI, OcrStats, measured, read_image
from jixiao.review import review_file

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "review_corpus"
FIELDS = ("department", "year", "total", "grade", "tables", "findings")
# The transcribers' note that the rest of the source was not kept: not part of any real document (OCR reads its
# 〔〕 as 【】, and the review would then judge a cut document as whole), so left out of every format alike.
_MARKERS = ("〔以下原文未存〕",)


def _blocks(text: str) -> list[tuple[str, object]]:
    """("paragraph", text) and ("table", rows) in document order."""
    out: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.strip() in _MARKERS:
            continue
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            out.append(("table", rows))
            rows = []
        if line.strip():
            out.append(("paragraph", line.strip()))
    if rows:
        out.append(("table", rows))
    return out


def write_docx(blocks: list[tuple[str, object]], path: Path) -> Path:
    doc = Document()
    for kind, content in blocks:
        if kind == "paragraph":
            doc.add_paragraph(str(content))
            continue
        rows = content  # type: ignore[assignment]
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    doc.add_paragraph("")  # Word ends a body with a paragraph; LibreOffice drops a table that ends it
    doc.save(str(path))
    return path


def write_xlsx(blocks: list[tuple[str, object]], path: Path) -> Path | None:
    tables = [content for kind, content in blocks if kind == "table"]
    if not tables:
        return None
    wb = Workbook()
    wb.remove(wb.active)
    for i, rows in enumerate(tables, 1):
        ws = wb.create_sheet(f"表{i}")
        for r, row in enumerate(rows, 1):  # type: ignore[arg-type]
            for c, text in enumerate(row, 1):
                cell = ws.cell(r, c, text)
                cell.data_type = "s"  # text as typed: "=98%" is what the report says, not a formula
    wb.save(path)
    return path


def _folded(name: str) -> str:
    """A row name or department as compared: width, quote style and spaces folded (OCR reads “ ” as ", （ as (,
    and a space inside a line is not seen: "指标 分值" and "指标分值" are one name), nothing else."""
    return re.sub(r"\s", "", re.sub("[“”„‟″]", '"', unicodedata.normalize("NFKC", name)))


def _figure(value: str) -> str:
    """A finding's expected/actual as compared: a figure as it is; quoted text (a template's prompt left in a
    cell, a stated phrase) only as present or not, since OCR may drop a character of a sentence."""
    value = unicodedata.normalize("NFKC", value or "")
    return value if re.fullmatch(r"[-+]?[\d.,]+%?", value) or not value else "（文字）"


# Hints about a scan's own reading (a name read with low confidence), which no original can have: not the review
# of the report, so not compared
_READING_HINTS = ("review.ocr_doubtful_name", "review.ocr_doubtful_total")


def summary(result) -> dict[str, object]:
    tables = [(t.family, [(_folded(r.name), r.weight, r.score) for r in t.rows]) for t in result.tables]
    findings = sorted(
        (f.code, f.severity.value, _figure(f.expected), _figure(f.actual))
        for f in result.findings
        if f.code not in _READING_HINTS
    )
    department = _folded(result.department or "")
    values = (department, result.year, result.total, result.grade, tables, findings)
    return dict(zip(FIELDS, values, strict=True))


def compare(original: dict, other: dict) -> list[str]:
    return [name for name in FIELDS if original[name] != other[name]]


def rasterise(pdf: Path, out: Path, dpi: int = 150) -> Path:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    images = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    document.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--ocr", default="3", help="documents also reviewed as scans, spread over the corpus (OCR is slow), or all"
    )
    parser.add_argument("--baseline", type=int, default=4, help="scanned pages also read by the untuned engine")
    parser.add_argument("--only", nargs="*", help="corpus folders to run")
    args = parser.parse_args()
    folders = sorted(p for p in CORPUS.iterdir() if (p / "document.txt").exists())
    if args.only:
        folders = [f for f in folders if f.name in args.only]
    args.ocr = len(folders) if args.ocr == "all" else int(args.ocr)
    baseline: list[tuple[str, float, int, float, int]] = []
    agree = {"doc": [0, 0], "xls": [0, 0], "scan": [0, 0]}
    by_field = {fmt: dict.fromkeys(FIELDS, 0) for fmt in agree}
    convert_times: list[float] = []
    stats = OcrStats()
    crashes = []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        work = Path(tmp)
        for n, folder in enumerate(folders):
            name = folder.name
            blocks = _blocks((folder / "document.txt").read_text(encoding="utf-8"))
            here = work / name
            here.mkdir()
            line = [name[:40].ljust(40)]
            try:
                docx = write_docx(blocks, here / "报告.docx")
                original = summary(review_file(docx))
                started = time.perf_counter()
                doc = office.convert_file(docx, "doc", here / "doc")
                convert_times.append(time.perf_counter() - started)
                differ = compare(original, summary(review_file(doc)))
                tally(agree, by_field, "doc", differ)
                line.append(f"doc {'同' if not differ else '异:' + ','.join(differ)}")
                xlsx = write_xlsx(blocks, here / "表格.xlsx")
                if xlsx is not None:
                    started = time.perf_counter()
                    xls = office.convert_file(xlsx, "xls", here / "xls")
                    convert_times.append(time.perf_counter() - started)
                    differ = compare(summary(review_file(xlsx)), summary(review_file(xls)))
                    tally(agree, by_field, "xls", differ)
                    line.append(f"xls {'同' if not differ else '异:' + ','.join(differ)}")
                if args.ocr and n % max(1, len(folders) // args.ocr) == 0 and agree["scan"][1] < args.ocr:
                    pdf = office.convert_file(docx, "pdf", here / "pdf")
                    scan = rasterise(pdf, here / "扫描件.pdf")
                    with measured() as pages:  # CPU time and figures of each page the review recognises
                        differ = compare(original, summary(review_file(scan)))
                    stats.pages += pages.pages
                    stats.cpu_seconds += pages.cpu_seconds
                    stats.figures += pages.figures
                    tally(agree, by_field, "scan", differ)
                    if len(baseline) < args.baseline:
                        baseline += against_untuned(scan, args.baseline - len(baseline), name)
                    line.append(
                        f"扫描 {'同' if not differ else '异:' + ','.join(differ)}（{pages.pages} 页，每页 CPU "
                        f"{'/'.join(f'{t:.2f}' for t in pages.cpu_seconds)} s，读出数字 "
                        f"{'/'.join(str(n) for n in pages.figures)} 个）"
                    )
            except Exception as exc:  # a crash is a result here: counted and shown, the run goes on
                crashes.append(name)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    print()
    for fmt, (same, total) in agree.items():
        if total:
            fields = "，".join(f"{k} {total - v}/{total}" for k, v in by_field[fmt].items())
            print(f"{fmt}: 与原文审核结果一致 {same}/{total} = {same / total:.1%}（目标 ≥ 95%）；分项一致：{fields}")
    if convert_times:
        print(
            f"LibreOffice 转换（常驻进程）: 中位数 {statistics.median(convert_times) * 1000:.0f} ms/份，"
            f"最大 {max(convert_times) * 1000:.0f} ms；启动次数 {office.shared_converter().starts}"  # type: ignore[union-attr]
        )
    if stats.pages:
        print(
            f"OCR: {stats.pages} 页，CPU 中位数 {statistics.median(stats.cpu_seconds):.2f} s/页，"
            f"最大 {max(stats.cpu_seconds):.2f} s/页（目标 ≤ 2 s，单核）；每页读出数字 中位数 "
            f"{statistics.median(stats.figures):.0f} 个"
        )
    if baseline:
        print("同一页图像，调优引擎 与 未调优引擎（RapidOCR 默认设置，单线程）：")
        for label, tuned, tuned_count, untuned, untuned_count in baseline:
            print(
                f"  {label}：调优 {tuned:.2f} s（数字 {tuned_count} 个）  未调优 {untuned:.2f} s"
                f"（数字 {untuned_count} 个）"
            )
        tuned_all, untuned_all = [b[1] for b in baseline], [b[3] for b in baseline]
        print(
            f"  合计 {len(baseline)} 页：调优 中位数 {statistics.median(tuned_all):.2f} s/页，"
            f"未调优 中位数 {statistics.median(untuned_all):.2f} s/页；读出数字 调优 {sum(b[2] for b in baseline)} 个，"
            f"未调优 {sum(b[4] for b in baseline)} 个"
        )
    print(f"崩溃：{len(crashes)}{'（' + '、'.join(crashes) + '）' if crashes else ''}")


def against_untuned(scan: Path, pages: int, name: str) -> list[tuple[str, float, int, float, int]]:
    """The first `pages` pages of `scan` read by the tuned reading (ocr.read_image) and by RapidOCR as installed,
    one thread each: (label, CPU seconds and figures read by each)."""
    import pypdfium2
    from rapidocr_onnxruntime import RapidOCR

    global _untuned
    if _untuned is None:
        _untuned = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    out = []
    document = pypdfium2.PdfDocument(str(scan))
    try:
        for number in range(min(pages, len(document))):
            image = document[number].render(scale=OCR_DPI / 72).to_numpy()[:, :, :3]
            boxes: list = []
            started = time.process_time()
            with _boxes_kept(boxes):
                read_image(image, number + 1)
            tuned = time.process_time() - started
            started = time.process_time()
            found, _ = _untuned(image)
            untuned = time.process_time() - started
            label = f"{name[:28]} 第{number + 1}页"
            out.append(
                (label, tuned, _figures_in(b.text for b in boxes), untuned, _figures_in(t for _, t, _ in found or []))
            )
    finally:
        document.close()
    return out


_untuned = None


def _figures_in(texts) -> int:
    """Figures in the recognised lines themselves (before any table is rebuilt), counted alike for both."""
    return sum(len(re.findall(r"\d+(?:\.\d+)?", text)) for text in texts)


@contextlib.contextmanager
def _boxes_kept(into: list):
    """The recognised boxes of read_image, as they go into the layout."""
    from jixiao.formats import ocr

    layout = ocr.blocks_from_boxes

    def keeping(boxes, page, grids=()):
        into.extend(boxes)
        return layout(boxes, page, grids)

    ocr.blocks_from_boxes = keeping
    try:
        yield
    finally:
        ocr.blocks_from_boxes = layout


def tally(agree: dict, by_field: dict, fmt: str, differ: list[str]) -> None:
    """One document's comparison counted: agree[fmt] = [agreeing, compared], by_field[fmt][field] = differing."""
    agree[fmt][1] += 1
    agree[fmt][0] += not differ
    for name in differ:
        by_field[fmt][name] += 1


if __name__ == "__main__":
    main()
