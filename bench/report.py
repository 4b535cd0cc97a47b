"""Benchmark: reports for 200 generated departments; docx and xlsx per department, PDF for the batch.

Prints the median time per report for each format. Goals (issue 3): docx + xlsx under 150 ms per
department; PDF under 1 s per department, converted in one LibreOffice start for the whole batch.
Run: .venv/bin/python bench/report.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import department_tree

from jixiao.dataset import parse_department
from jixiao.engine import evaluate
from jixiao.pipeline import Prepared
from jixiao.problems import Location
from jixiao.report.content import build_document
from jixiao.report.docx_out import render_docx
from jixiao.report.pdf import PdfError, convert_to_pdf
from jixiao.report.xlsx_out import render_workbook
from jixiao.rulebook import load_rulebook


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(7)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    timings: dict[str, list[float]] = {"content": [], "docx": [], "xlsx": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = []
        for i in range(n):
            data, _ = parse_department(department_tree(i, rng), lambda p: Location("bench"))
            prepared = Prepared(rulebook, data, ())
            evaluation = evaluate(rulebook, data)
            t0 = time.perf_counter()
            document = build_document(prepared, evaluation)
            t1 = time.perf_counter()
            docx = render_docx(document, data.name)
            t2 = time.perf_counter()
            xlsx = render_workbook(document.attachments)
            t3 = time.perf_counter()
            timings["content"].append(t1 - t0)
            timings["docx"].append(t2 - t1)
            timings["xlsx"].append(t3 - t2)
            path = out / f"report{i:04d}.docx"
            path.write_bytes(docx)
            (out / f"attachments{i:04d}.xlsx").write_bytes(xlsx)
            files.append(path)
            if (i + 1) % 50 == 0:
                print(f"  docx/xlsx {i + 1}/{n}", file=sys.stderr)
        print(f"部门数: {n}")
        for name, values in timings.items():
            print(f"{name}: 中位数 {statistics.median(values) * 1000:.1f} ms/份，最大 {max(values) * 1000:.1f} ms")
        per_department = [
            a + b + c for a, b, c in zip(timings["content"], timings["docx"], timings["xlsx"], strict=True)
        ]
        print(f"内容+docx+xlsx: 中位数 {statistics.median(per_department) * 1000:.1f} ms/部门（目标 < 150 ms）")
        t0 = time.perf_counter()
        try:
            convert_to_pdf(files, out / "pdf", timeout=3600)
        except PdfError as exc:
            print(f"PDF: 未测（{exc}）")
            return
        elapsed = time.perf_counter() - t0
        print(
            f"PDF（一次启动 LibreOffice 批量转换 {n} 份）: 共 {elapsed:.1f} s，"
            f"平均 {elapsed / n * 1000:.0f} ms/部门（目标 < 1 s）"
        )


if __name__ == "__main__":
    main()
