"""Benchmark: `jixiao batch` (score, report docx + xlsx, review each report) on one process and on two (issue 15:
≥ 1.7× on 2 cores), beside a control measured in the same run: a pure-Python loop on one and on two processes,
the speed-up the machine offers at that moment.

The machine is shared with other work: `--repeat` rounds, each with both configurations and, beside each, the
control of the same shape (as many pure-Python tasks as departments, each about one department's CPU time,
handed out the same way); the order of one and two processes alternates from round to round. The result is the
median of the rounds' own speed-ups, beside the control's median (how much of the second core was free) and
every round printed; the CPU seconds say what two free cores would give and how much of the work is serial (the
parent's). Not a timed test.
Run: .venv/bin/python bench/batch.py [N] [--repeat 5] [--shell]   (default 16 departments; minutes when busy)
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from generate import department_tree

from jixiao.batch import run as run_module
from jixiao.batch.run import _work, progress_bar, run_batch


def write_departments(folder: Path, n: int) -> None:
    rng = random.Random(11)
    for i in range(n):
        tree = department_tree(i, rng)
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
        (folder / f"部门{i:04d}.yaml").write_text(text, encoding="utf-8")


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def _spins_per_second() -> float:
    """Iterations of `_spin` per CPU second here, to size the control's tasks like the batch's departments."""
    started = time.process_time()
    _spin(1_000_000)
    return 1_000_000 / max(time.process_time() - started, 1e-6)


def control(tasks: int, size: int, jobs: int) -> float:
    """The control's wall seconds: `tasks` pure-Python loops of `size` iterations (each about one department's CPU
    time), in this process (jobs=1) or through a forked pool of `jobs` as run_batch hands out departments (one
    task at a time, in the order they finish): the batch's shape with none of its work — what the machine gives."""
    started = time.perf_counter()
    if jobs == 1:
        for _ in range(tasks):
            _spin(size)
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for _ in pool.imap_unordered(_spin, [size] * tasks, chunksize=1):
                pass
    return time.perf_counter() - started


_CPU_DIR: list[Path] = []  # where each worker leaves its CPU seconds after each department


def _timed_work(path: Path):
    """`run._work`, then this worker's CPU seconds so far (a forked child's count starts at 0) left in a file."""
    result = _work(path)
    (_CPU_DIR[0] / f"{os.getpid()}").write_text(f"{time.process_time()!r} {time.monotonic()!r}", encoding="ascii")
    return result


def _cpu(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def measure(n: int = 16, repeat: int = 3) -> dict[str, Any]:
    """`repeat` rounds; each round runs the batch on one process and on two, and the control (the same number of
    tasks of pure-Python work, each about one department's CPU time) on one and on two, the order of one and two
    alternating from round to round (neither always gets the quieter moment). Each round's speed-up is the ratio
    of its own two runs (the load drifts less within a round than across the run); the result is the median of
    the rounds' speed-ups, printed beside the control's median and every round. Also the CPU seconds of each run
    (medians): this process's (on two processes: listing, waiting, the ranking — the serial part) and the
    workers' (the children reaped when the pool ends)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        write_departments(folder, n)
        before = time.process_time()
        run_batch(folder, Path(tmp) / "warm", jobs=1)  # every module loaded once, as forked workers inherit it
        size = int(_spins_per_second() * (time.process_time() - before) / n)  # one department's CPU, in loops
        rounds: list[dict[str, float]] = []
        cpu: dict[int, list[tuple[float, float]]] = {1: [], 2: []}  # (this process, workers) per run
        busiest: list[float] = []  # two processes: the busier worker's CPU seconds
        run_module._work = _timed_work  # type: ignore[assignment]  # inherited by the forked workers
        try:
            for r in range(repeat):
                walls: dict[str, float] = {}
                for jobs in (1, 2) if r % 2 == 0 else (2, 1):
                    out = Path(tmp) / f"out{r}-{jobs}"
                    _CPU_DIR[:] = [Path(tmp) / f"cpu{r}-{jobs}"]
                    _CPU_DIR[0].mkdir()
                    own, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
                    started = time.perf_counter()
                    result = run_batch(folder, out, jobs=jobs, progress=progress_bar(io.StringIO()))  # as the CLI
                    walls[f"batch{jobs}"] = time.perf_counter() - started
                    cpu[jobs].append((_cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - children))
                    if jobs == 2:
                        marks = [p.read_text().split() for p in _CPU_DIR[0].iterdir()]
                        busiest.append(max(float(cpu) for cpu, _ in marks))
                        ends = [float(end) for _, end in marks]  # each worker's last department done
                        walls["tail"] = max(ends) - min(ends) if len(ends) > 1 else walls["batch2"]
                    assert len(result.done) == n and not result.failed, result.failed[:3]
                    shutil.rmtree(out)
                    walls[f"control{jobs}"] = control(n, size, jobs)
                walls["load"] = os.getloadavg()[0]
                rounds.append(walls)
        finally:
            run_module._work = _work  # type: ignore[assignment]
    one_cpu = statistics.median(own + workers for own, workers in cpu[1])
    parent_cpu = statistics.median(own for own, _ in cpu[2])
    workers_cpu = statistics.median(workers for _, workers in cpu[2])
    busier = statistics.median(busiest)
    speedups = [w["batch1"] / w["batch2"] for w in rounds]
    controls = [w["control1"] / w["control2"] for w in rounds]
    best1, best2 = min(w["batch1"] for w in rounds), min(w["batch2"] for w in rounds)
    return {
        "n": n,
        "rounds": rounds,
        "one": n / best1,
        "two": n / best2,
        "speedup": statistics.median(speedups),  # the result: the median of the rounds' own ratios
        "speedup_best": best1 / best2,  # the best run of each, whichever rounds they came from
        "control": statistics.median(controls),
        "control_best": min(w["control1"] for w in rounds) / min(w["control2"] for w in rounds),
        "load": os.getloadavg()[0],
        "one_cpu": one_cpu,  # seconds of CPU, one process, whole batch
        "parent_cpu": parent_cpu,  # two processes: this process's seconds (the serial part)
        "workers_cpu": workers_cpu,  # two processes: both workers' seconds together
        "busier_cpu": busier,  # two processes: the busier worker's seconds
        "tail": statistics.median(w["tail"] for w in rounds),  # one worker done, the other still at work
        # What two free cores would give, from CPU seconds (no wait for a core counted): the busier worker's
        # seconds (its share and the tail) plus the serial part, against one process's.
        "free_cores": one_cpu / (busier + parent_cpu),
    }


def from_shell(n: int = 16, repeat: int = 2) -> dict[str, float]:
    """`jixiao batch --jobs 1` and `--jobs 2` as a user runs them (fresh processes: imports and first uses
    included), alternating, best wall time of each, and the CPU seconds of all their processes (medians)."""
    jixiao = Path(sys.executable).with_name("jixiao")
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-shell-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        write_departments(folder, n)
        best = {1: float("inf"), 2: float("inf")}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        for r in range(repeat):
            for jobs in (1, 2):
                out = Path(tmp) / f"out{r}-{jobs}"
                children = _cpu(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(
                    [str(jixiao), "batch", str(folder), "--out", str(out), "--jobs", str(jobs)],
                    check=True,
                    capture_output=True,
                )
                best[jobs] = min(best[jobs], time.perf_counter() - started)
                cpu[jobs].append(_cpu(resource.RUSAGE_CHILDREN) - children)
    return {
        "one": n / best[1],
        "two": n / best[2],
        "speedup": best[1] / best[2],
        "one_cpu": statistics.median(cpu[1]),
        "two_cpu": statistics.median(cpu[2]),
    }


def report_lines(m: dict[str, Any]) -> list[str]:
    """What bench/batch.py prints: every round, then the medians, the best runs and the CPU seconds."""
    n, rounds = m["n"], m["rounds"]
    lines = [
        f"jixiao batch：{n} 个部门（评分、docx+xlsx 报告、审核报告），{len(rounds)} 轮，每轮一个进程与两个进程各一次"
        f"（先后每轮交替），各紧跟同样形状的对照（{n} 个纯 Python 循环任务，每个约一个部门的 CPU 时间）；",
        f"本机 {os.cpu_count()} 核，与其他任务共用；每轮的加速 = 本轮一个进程的墙钟 ÷ 本轮两个进程的墙钟",
    ]
    for k, w in enumerate(rounds, 1):
        speedup, ctl = w["batch1"] / w["batch2"], w["control1"] / w["control2"]
        lines.append(
            f"  第 {k} 轮（负载 {w['load']:.1f}）：批量 {w['batch1']:.2f} s → {w['batch2']:.2f} s，"
            f"加速 {speedup:.2f}×；对照 {w['control1']:.2f} s → {w['control2']:.2f} s，{ctl:.2f}×；"
            f"之比 {speedup / ctl:.2f}"
        )
    lines.append(
        f"  结果（各轮中位数）：加速 {m['speedup']:.2f}×（目标 ≥ 1.7×），"
        f"对照 {m['control']:.2f}×（本机此刻可用的上限），之比 {m['speedup'] / m['control']:.2f}；"
        f"各取最快一次：一个进程 {m['one']:.1f} 部门/秒，两个进程 {m['two']:.1f} 部门/秒，"
        f"{m['speedup_best']:.2f}×（对照 {m['control_best']:.2f}×）"
    )
    overhead = (m["parent_cpu"] + m["workers_cpu"]) / m["one_cpu"] - 1
    lines.append(
        f"  CPU 时间（中位数）：一个进程 {m['one_cpu']:.2f} 秒；两个进程时主进程 {m['parent_cpu']:.2f} 秒"
        f"（串行部分 {m['parent_cpu'] / m['one_cpu']:.1%}），两个 worker 合计 {m['workers_cpu']:.2f} 秒"
        f"（多用 {overhead:+.1%}，较忙的一个 {m['busier_cpu']:.2f} 秒）；两个空闲核可得的加速 {m['free_cores']:.2f}×"
    )
    lines.append(
        f"  收尾（一个 worker 已做完、另一个仍在做最后的部门，墙钟，中位数）：{m['tail']:.2f} 秒，"
        f"占两个进程墙钟的 {m['tail'] / statistics.median(w['batch2'] for w in rounds):.1%}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shell", action="store_true", help="also `jixiao batch` from the shell (fresh processes)")
    args = parser.parse_args()
    m = measure(args.n, args.repeat)
    for line in report_lines(m):
        print(line)
    if args.shell:
        sh = from_shell(args.n, max(args.repeat - 1, 1))
        print(
            f"  从命令行（新进程，含导入与首次使用）：一个进程 {sh['one']:.1f} 部门/秒，"
            f"两个进程 {sh['two']:.1f} 部门/秒，加速 {sh['speedup']:.2f}×；"
            f"全部进程 CPU 时间 {sh['one_cpu']:.2f} 秒 / {sh['two_cpu']:.2f} 秒"
        )


if __name__ == "__main__":
    main()
