"""Benchmark: PDF output through long-lived LibreOffice against one-off conversions (issue 15, PDF item).

The bundled example's report (.docx as `jixiao report` writes it: 27 pages, two native charts) is copied N
times and converted to PDF, all in the same run:
  - one-off per file: one `soffice --convert-to` start per document (what a web download paid before);
  - one-off batch: one start for all N (what a batch paid before);
  - long-lived, one instance: jixiao.formats.office's converter, one UNO call per file (a web download, or one
    `jixiao batch` worker);
  - long-lived, two instances: `convert_files` on all N, one LibreOffice per core (two batch workers, or two
    downloads at once).
Besides wall time it prints the CPU seconds LibreOffice itself spent per document (read from /proc for the
converter's process group): on a machine shared with other work the wall time waits for a core, the CPU time
does not, so it is the figure that says what a conversion costs. Goal: ≤ 0.5 s per department in batch and
for a web download. Not a timed test.
Run: .venv/bin/python bench/pdf.py [N]   (default 8; about a minute)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jixiao.cli import main as jixiao
from jixiao.formats import office

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def group_cpu(groups: set[int]) -> float:
    """CPU seconds (user + system) of every live process in the given process groups."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def _groups() -> set[int]:
    return {c._proc.pid for c in office._pool if c._proc is not None}


def measure(n: int = 8) -> dict[str, float] | None:
    """Seconds per document for each way, LibreOffice's CPU seconds per document, and the starts."""
    if office.shared_converter() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        out = work / "r"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert jixiao(["report", "examples/baoan-fulian-2023", "--out", str(out), "--format", "docx"]) == 0
        files = [Path(shutil.copy(out / "自评报告.docx", work / f"部门{i:03d}.docx")) for i in range(n)]
        singles = 2
        limit = office.CONVERT_TIMEOUT
        each = _timed(lambda: [office._convert_one_off([f], "pdf", work / "each", limit) for f in files[:singles]])
        batch = _timed(lambda: office._convert_one_off(files, "pdf", work / "batch", office.CONVERT_TIMEOUT))
        converter = office.shared_converter()
        assert converter is not None
        start = _timed(lambda: converter.convert(files[0], work / "warm.pdf"))
        opening = storing = 0.0
        cpu_before = group_cpu(_groups())
        started = time.perf_counter()
        for f in files:
            converter.convert(f, work / "one" / f"{f.stem}.pdf")
            opening += converter.last_times.get("open", 0)
            storing += converter.last_times.get("store", 0)
        one = time.perf_counter() - started
        cpu_one = group_cpu(_groups()) - cpu_before
        office.convert_files(files[:2], "pdf", work / "warm2")  # starts the second instance (not counted)
        cpu_before = group_cpu(_groups())
        two = _timed(lambda: office.convert_files(files, "pdf", work / "two"))
        cpu_two = group_cpu(_groups()) - cpu_before
        return {
            "n": n,
            "one_off_each": each / singles,
            "one_off_batch": batch / n,
            "start": start,
            "one": one / n,
            "open": opening / n,
            "store": storing / n,
            "cpu_one": cpu_one / n,
            "two": two / n,
            "cpu_two": cpu_two / n,
            "instances": len(office._pool),
            "starts": sum(c.starts for c in office._pool),
            "load": os.getloadavg()[0],
        }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    m = measure(n)
    if m is None:
        print("未测：缺少 LibreOffice 或 python3-uno（bash scripts/setup.sh 安装）。")
        return
    print(f"{n} 份部门报告（宝安 2023 的 自评报告.docx，27 页，两张原生图表）转 PDF，同一次运行中测得；")
    print(f"本机 {os.cpu_count()} 核，结束时负载 {m['load']:.1f}（墙钟时间含等待 CPU 的时间，CPU 时间不含）：")
    print(f"  一次性转换，每份启动一次 LibreOffice（原网页下载）: {m['one_off_each']:.2f} s/份")
    print(f"  一次性转换，一次启动批量转换（原批量）:             {m['one_off_batch']:.2f} s/份")
    print(
        f"  常驻，一个实例（网页下载；批量的一个工作进程）:     {m['one']:.2f} s/份，"
        f"LibreOffice CPU {m['cpu_one']:.2f} s/份（目标 ≤ 0.5 s）"
    )
    print(f"    其中打开 .docx {m['open']:.2f} s/份，导出 PDF {m['store']:.2f} s/份；", end="")
    print(f"首次启动 {m['start']:.2f} s，不计入")
    print(
        f"  常驻，{m['instances']} 个实例并行（批量）:                {m['two']:.2f} s/份，"
        f"LibreOffice CPU {m['cpu_two']:.2f} s/份（目标 ≤ 0.5 s）"
    )
    print(
        f"  比值：每份启动 / 常驻一个实例 = {m['one_off_each'] / m['one']:.1f}×；"
        f"一次启动批量 / 常驻并行 = {m['one_off_batch'] / m['two']:.1f}×；"
        f"一个实例 / 并行 = {m['one'] / m['two']:.2f}×"
    )
    print(f"  LibreOffice 启动次数（常驻）：{m['starts']}")


if __name__ == "__main__":
    main()
