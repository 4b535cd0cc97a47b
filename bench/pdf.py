"""Benchmark: PDF output through one long-lived LibreOffice against one-off conversions (issue 15, PDF item).

The bundled example's report (.docx, as `jixiao report` writes it) is copied N times and converted to PDF:
  - one-off per file: one `soffice --convert-to` start per document (what the web app paid per download);
  - one-off batch: one start for all N (what a batch paid before);
  - long-lived: jixiao.formats.office's converter (LibreOffice started once, then one UNO call per file).
Prints seconds per department for each, measured in the same run, and the ratios. Goal: ≤ 0.5 s per
department in batch, and a web download without a LibreOffice start.
Run: .venv/bin/python bench/pdf.py [N]   (default 8; under a minute)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from jixiao.cli import main as jixiao
from jixiao.formats import office


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    converter = office.shared_converter()
    if converter is None:
        print("未测：缺少 LibreOffice 或 python3-uno（bash scripts/setup.sh 安装）。")
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        assert jixiao(["report", "examples/baoan-fulian-2023", "--out", str(work / "r"), "--format", "docx"]) == 0
        files = [Path(shutil.copy(work / "r" / "自评报告.docx", work / f"部门{i:03d}.docx")) for i in range(n)]
        singles = 3
        one_off_each = _timed(
            lambda: [
                office._convert_one_off([f], "pdf", work / "each", office.CONVERT_TIMEOUT) for f in files[:singles]
            ]
        )
        one_off_batch = _timed(lambda: office._convert_one_off(files, "pdf", work / "batch", office.CONVERT_TIMEOUT))
        start = _timed(lambda: converter.convert(files[0], work / "warm.pdf"))
        parts: list[dict[str, float]] = []

        def each_long_lived() -> None:
            for f in files:
                converter.convert(f, work / "long" / f"{f.stem}.pdf")
                parts.append(converter.last_times)

        long_lived = _timed(each_long_lived)
    each, batch, warm = one_off_each / singles, one_off_batch / n, long_lived / n
    print(f"{n} 份部门报告（宝安 2023 的 自评报告.docx）转 PDF，同一次运行中测得：")
    print(f"  一次性转换，每份启动一次 LibreOffice（原网页下载）: {each:.2f} s/份")
    print(f"  一次性转换，一次启动批量转换（原批量）:             {batch:.2f} s/份")
    print(f"  常驻 LibreOffice（首次启动 {start:.2f} s，不计入）:   {warm:.2f} s/份（目标 ≤ 0.5 s）")
    print(f"  比值：每份启动 / 常驻 = {each / warm:.1f}×；一次启动批量 / 常驻 = {batch / warm:.1f}×")
    opening = sum(p.get("open", 0) for p in parts) / n
    storing = sum(p.get("store", 0) for p in parts) / n
    print(f"  其中 LibreOffice 打开 .docx {opening:.2f} s/份，导出 PDF {storing:.2f} s/份")
    print(f"  LibreOffice 启动次数（常驻）：{converter.starts}")


if __name__ == "__main__":
    main()
