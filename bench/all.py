"""One command, the whole table: each figure beside its goal and a baseline measured in the same run (issue 15).

Rows: scoring (engine against a straight-line Decimal baseline, processes, streaming memory, parsing),
start-up (commands against a bare interpreter, wall and CPU time), the review of a 20-page report in process
(against reading every figure of its text with one regular expression: bench/review.py), report (content +
docx + xlsx against a directly written one, CPU time beside wall time); with `--pdf` PDF (long-lived
LibreOffice, one instance and two, against one-off conversions: bench/pdf.py), with `--batch` `jixiao batch`
on one and two processes (bench/batch.py), with `--web` the web pages on SQLite and PostgreSQL against a static
file of the same server (bench/web.py); `--review` runs bench/review_corpus.py after the table; `--all` all four.
The machine is shared: absolute times move with its load (printed), the ratios much less; CPU times do not
count the waits for a core. Not a timed test.
Run: .venv/bin/python bench/all.py [--quick] [--pdf] [--batch] [--web] [--review] [--all]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import report as report_bench  # noqa: E402
import review as review_bench  # noqa: E402
import score as score_bench  # noqa: E402
import startup as startup_bench  # noqa: E402

OTHERS = {"--review": "review_corpus.py"}
EXTRA = ("--pdf", "--batch", "--web")


def _row(rows: list[tuple[str, str, str, str, str]], name: str, figure: str, goal: str, base: str, ratio: str) -> None:
    rows.append((name, figure, goal, base, ratio))


def table(quick: bool) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    n, streamed, reports, rounds = (2_000, 5_000, 20, 3) if quick else (10_000, 100_000, 100, 7)
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
    for line in score_bench.process_lines(s):
        print(line, file=sys.stderr)
    _row(
        rows,
        f"多进程（{s['workers']} 个，读出全部过程；{len(s['rounds'])} 轮中位数）",
        f"{s['all_processes']:,.0f} 部门/秒（最快一次）",
        "≥ 1.7× 单进程",
        f"单进程 {s['one_process']:,.0f}/秒",
        f"{s['speedup']:.2f}×（各取最快 {s['speedup_best']:.2f}×）",
    )
    _row(
        rows,
        "  对照：同样形状的纯 Python 任务多进程",
        f"{s['control']:.2f}×",
        "本机此刻的上限",
        "—",
        f"多进程/对照 {s['speedup'] / s['control']:.2f}",
    )
    _row(
        rows,
        "  由 CPU 时间推算：空闲核",
        f"{s['free_cores']:.2f}×",
        "—",
        f"串行部分 {s['parent_cpu'] / s['one_cpu']:.1%}",
        "—",
    )
    _row(
        rows,
        f"流式 {m['n']:,} 个部门 峰值内存",
        f"{m['peak_mb']:.0f} MB",
        "10 万个 ≤ 100 MB",
        f"开始时 {m['start_mb']:.0f} MB",
        f"+{m['peak_mb'] - m['start_mb']:.0f} MB",
    )
    print("  启动时间 …", file=sys.stderr)
    (bare, commands), (bare_cpu, commands_cpu) = startup_bench.measure_both(rounds)
    for (name, median, ratio, goal), (_, cpu, cpu_ratio, _) in zip(commands, commands_cpu, strict=True):
        _row(
            rows,
            name,
            f"{median * 1000:.0f} ms（CPU {cpu * 1000:.0f} ms）",
            f"≤ {goal:.0f}× 空解释器",
            f"python -c pass {bare * 1000:.0f} ms（CPU {bare_cpu * 1000:.0f} ms）",
            f"{ratio:.1f}×（CPU {cpu_ratio:.1f}×）",
        )
    print("  审核一份 20 页报告 …", file=sys.stderr)
    v = review_bench.measure_in_process(20, 7 if quick else 15)
    _row(
        rows,
        f"审核一份 20 页报告（进程内，{v['chars']:,} 字），CPU 时间",
        f"{v['cpu']:.0f} ms（墙钟 {v['wall']:.0f} ms）",
        "≤ 100 ms",
        f"只读出全部数字 {v['baseline']:.1f} ms",
        f"{v['cpu'] / v['baseline']:.0f}×",
    )
    f = review_bench.measure_folder(4 if quick else 8, os.cpu_count() or 2)
    _row(
        rows,
        f"审核一个目录（{f['documents']} 份报告，{f['jobs']} 个进程）",
        f"{f['documents'] / f['many']:.1f} 份/秒",
        "并行",
        f"单进程 {f['documents'] / f['one']:.1f} 份/秒",
        f"{f['one'] / f['many']:.2f}×",
    )
    print(f"  报告 {reports} 个部门 …", file=sys.stderr)
    r = report_bench.measure(reports)
    ours = r["content"] + r["docx"] + r["xlsx"]
    base = r["baseline_docx"] + r["baseline_xlsx"]
    _row(
        rows,
        "报告 内容+docx+xlsx（含图表），CPU 时间",
        f"{ours:.1f} ms/部门（墙钟 {r['wall_ours']:.1f} ms）",
        "≤ 30 ms",
        f"直接写出 {base:.1f} ms（墙钟 {r['wall_baseline']:.1f} ms）",
        f"{ours / base:.1f}×",
    )
    return rows


def pdf_rows(rows: list[tuple[str, str, str, str, str]], quick: bool) -> None:
    import pdf as pdf_bench

    print("  PDF …", file=sys.stderr)
    m = pdf_bench.measure(4 if quick else 8)
    if m is None:
        _row(rows, "PDF", "未测：缺少 LibreOffice 或 python3-uno", "≤ 0.5 s/部门", "—", "—")
        return
    _row(
        rows,
        "PDF 常驻一个实例（网页下载）",
        f"{m['one']:.2f} s/份（LibreOffice CPU {m['cpu_one']:.2f} s）",
        "≤ 0.5 s/部门",
        f"每份启动一次 {m['one_off_each']:.2f} s",
        f"{m['one_off_each'] / m['one']:.1f}× 快",
    )
    _row(
        rows,
        f"PDF 常驻 {m['instances']} 个实例并行（批量）",
        f"{m['two']:.2f} s/份（LibreOffice CPU {m['cpu_two']:.2f} s）",
        "≤ 0.5 s/部门",
        f"一次启动批量 {m['one_off_batch']:.2f} s",
        f"{m['one_off_batch'] / m['two']:.1f}× 快",
    )
    now, before = (statistics.median(second for _, second in m["at_once"][w]) for w in ("now", "before"))
    _row(
        rows,
        "PDF 两个下载同时到达（一个预热实例），后完成的一个",
        f"{now:.2f} s（中位数）",
        "—",
        f"原来当场启动第二个实例 {before:.2f} s",
        f"{before / now:.1f}× 快",
    )


def batch_rows(rows: list[tuple[str, str, str, str, str]], quick: bool) -> None:
    import batch as batch_bench

    print("  jixiao batch …", file=sys.stderr)
    m = batch_bench.measure(8 if quick else 16, 2 if quick else 5)
    for line in batch_bench.report_lines(m):
        print(line, file=sys.stderr)
    _row(
        rows,
        f"jixiao batch 两个进程（评分+报告+审核；{len(m['rounds'])} 轮中位数）",
        f"{m['two']:.1f} 部门/秒（最快一次）",
        "≥ 1.7× 单进程",
        f"单进程 {m['one']:.1f}/秒",
        f"{m['speedup']:.2f}×（各取最快 {m['speedup_best']:.2f}×）",
    )
    _row(
        rows,
        "  对照：同样形状的纯 Python 任务两个进程",
        f"{m['control']:.2f}×（各取最快 {m['control_best']:.2f}×）",
        "本机此刻的上限",
        "—",
        f"批量/对照 {m['speedup'] / m['control']:.2f}",
    )
    _row(
        rows,
        "  由 CPU 时间推算：两个空闲核",
        f"{m['free_cores']:.2f}×",
        "—",
        f"串行部分 {m['parent_cpu'] / m['one_cpu']:.1%}；收尾 {m['tail']:.2f} s",
        "—",
    )


def web_rows(rows: list[tuple[str, str, str, str, str]], quick: bool) -> None:
    import tempfile

    import web as web_bench

    departments, clients, requests = (2000, 20, 200 if quick else 400)
    for label in ("SQLite", "PostgreSQL"):
        print(f"  网页（{label}）…", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            if label == "SQLite":
                results = web_bench.run(f"sqlite:///{tmp}/bench.db", label, departments, clients, requests)
            else:
                try:
                    with web_bench.postgres_server(Path(tmp)) as url:
                        results = web_bench.run(url, label, departments, clients, requests)
                except RuntimeError as exc:
                    _row(rows, f"网页 {label}", f"未测：{exc}", "p95 ≤ 100 ms", "—", "—")
                    continue
        base = next(iter(results.values()))
        for name, r in list(results.items())[1:]:
            _row(
                rows,
                f"网页 {label} {name.split(' ')[0]}（{clients} 并发）",
                f"p50 {r['p50']:.0f} / p95 {r['p95']:.0f} / p99 {r['p99']:.0f} ms，{r['rps']:.0f} 次/秒，"
                f"服务端 CPU {r['server_cpu']:.1f} ms/次",
                "p95 ≤ 100 ms",
                f"静态文件 p95 {base['p95']:.0f} ms，{base['rps']:.0f} 次/秒",
                f"{r['p95'] / base['p95']:.1f}×",
            )


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
    quick = "--quick" in args
    rows = table(quick)
    extra = EXTRA if "--all" in args else [a for a in args if a in EXTRA]
    if "--pdf" in extra:
        pdf_rows(rows, quick)
    if "--batch" in extra:
        batch_rows(rows, quick)
    if "--web" in extra:
        web_rows(rows, quick)
    end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n本机 {os.cpu_count()} 核，与其他任务共用：开始时负载 {load:.1f}，结束时 {end:.1f}；"
        f"用时 {time.perf_counter() - started:.0f} 秒\n"
    )
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
