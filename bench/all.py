"""One command, the whole table: each figure beside its goal and a baseline measured in the same run (issue 15).

Rows: scoring (engine against a straight-line Decimal baseline, processes, streaming memory, parsing),
start-up (commands against a bare interpreter), report (content + docx + xlsx against a directly written
one). The other benches run after the table when asked, each in its own process, their output printed as is:
`--web` (bench/web.py), `--pdf` (bench/pdf.py), `--review` (bench/review_corpus.py); `--all` runs all three.
Absolute times move with the machine's load; the ratios are the result. Not a timed test.
Run: .venv/bin/python bench/all.py [--quick] [--web] [--pdf] [--review] [--all]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import report as report_bench  # noqa: E402
import score as score_bench  # noqa: E402
import startup as startup_bench  # noqa: E402

OTHERS = {"--web": "web.py", "--pdf": "pdf.py", "--review": "review_corpus.py"}


def _row(rows: list[tuple[str, str, str, str, str]], name: str, figure: str, goal: str, base: str, ratio: str) -> None:
    rows.append((name, figure, goal, base, ratio))


def table(quick: bool) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    n, streamed, reports, rounds = (2_000, 5_000, 20, 3) if quick else (10_000, 20_000, 100, 7)
    print(f"  评分 {n} 个部门 …", file=sys.stderr)
    s = score_bench.measure(n)
    print(f"  流式 {streamed} 个部门 …", file=sys.stderr)
    m = score_bench.stream_in_fresh_process(streamed)
    _row(rows, "读取校验 parse_department", f"{s['parse']:,.0f} 部门/秒", "—", "—", "—")
    _row(
        rows,
        "评分（单进程，过程按需）",
        f"{s['engine']:,.0f} 部门/秒",
        "≥ 10,000/秒；≤ 3× 基线",
        f"手写 Decimal 算式 {s['baseline']:,.0f}/秒",
        f"{s['baseline'] / s['engine']:.2f}×",
    )
    _row(rows, "评分并读出全部过程", f"{s['traced']:,.0f} 部门/秒", "—", "—", "—")
    _row(
        rows,
        f"多进程（{s['workers']} 个，读出全部过程）",
        f"{s['all_processes']:,.0f} 部门/秒",
        "≥ 1.7× 单进程",
        f"单进程 {s['one_process']:,.0f}/秒",
        f"{s['all_processes'] / s['one_process']:.2f}×",
    )
    _row(rows, "  对照：纯 Python 循环多进程加速", f"{s['control']:.2f}×", "本机此刻的上限", "—", "—")
    _row(rows, f"流式 {m['n']:,} 个部门 峰值内存", f"{m['peak_mb']:.0f} MB", "10 万个 ≤ 100 MB", "—", "—")
    print("  启动时间 …", file=sys.stderr)
    bare, commands = startup_bench.measure(rounds)
    for name, median, ratio, goal in commands:
        _row(
            rows,
            name,
            f"{median * 1000:.0f} ms",
            f"≤ {goal:.0f}× 空解释器",
            f"python -c pass {bare * 1000:.0f} ms",
            f"{ratio:.1f}×",
        )
    print(f"  报告 {reports} 个部门 …", file=sys.stderr)
    r = report_bench.measure(reports)
    ours = r["content"] + r["docx"] + r["xlsx"]
    base = r["baseline_docx"] + r["baseline_xlsx"]
    _row(
        rows,
        "报告 内容+docx+xlsx（含图表）",
        f"{ours:.1f} ms/部门",
        "≤ 30 ms",
        f"直接写出 {base:.1f} ms",
        f"{ours / base:.1f}×",
    )
    return rows


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def show(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("项目", "实测", "目标", "同次基线", "比值")
    everything = [header, *rows]
    widths = [max(_width(row[i]) for row in everything) for i in range(5)]
    for k, row in enumerate(everything):
        print("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    args = sys.argv[1:]
    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = table("--quick" in args)
    print(f"\n本机 {os.cpu_count()} 核，开始时负载 {load:.1f}；用时 {time.perf_counter() - started:.0f} 秒\n")
    show(rows)
    wanted = list(OTHERS) if "--all" in args else [a for a in args if a in OTHERS]
    for flag in wanted:
        script = HERE / OTHERS[flag]
        print(f"\n== {script.name} ==")
        if not script.exists():
            print("（不存在，跳过）")
            continue
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
        print(done.stdout.rstrip() or done.stderr.strip()[-2000:])


if __name__ == "__main__":
    main()
