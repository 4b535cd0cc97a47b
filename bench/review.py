"""Benchmark: how much of what can be checked the review catches, and how fast.

Makes mutated copies of each seed report — one stated figure, rate, score, weight or subtotal changed per
copy — reviews each, and counts the mutations caught (a new error or warning). Prints the recall, what was
missed, what could not be checked, the errors on the unmutated reports (false findings), and the time per
review. Goals (issue 5): recall ≥ 95% of checkable mutations, no false errors, < 1 s for a 20-page report.
Run: .venv/bin/python bench/review.py [FILE …]   (default: the two seeds, tests/fixtures/seeds)
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from jixiao.review import review_document
from jixiao.review.mutate import measure
from jixiao.review.source import read_source

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"  # copies of ../shared/seeds


def report_text(pages: int) -> str:
    """A report of `pages` pages (about 1,500 characters each) from the seed reports, repeated."""
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) if SEEDS.exists() else ""
    seeds = seeds or (SEEDS.parents[2] / "examples" / "baoan-fulian-2023" / "data.yaml").read_text(encoding="utf-8")
    wanted = pages * 1500
    return (seeds * (wanted // len(seeds) + 1))[:wanted]


_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _baseline(text: str) -> int:
    """The least a review does, written straight: the text split into paragraphs and every figure in it read as a
    Decimal. The issue-15 row's baseline, timed in the same run."""
    count = 0
    for paragraph in text.split("\n"):
        for figure in _FIGURE.findall(paragraph):
            Decimal(figure.replace(",", ""))
            count += 1
    return count


def measure_in_process(pages: int = 20, rounds: int = 15) -> dict[str, float]:
    """CPU and wall time (medians, ms) of one review of a `pages`-page report in this process — read from its .txt
    and reviewed, as `jixiao review` does after start-up — and of the baseline on the same text (issue 15: a
    20-page report ≤ 100 ms). The first review, which fills the caches, is not counted."""
    text = report_text(pages)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "报告.txt"
        path.write_text(text, encoding="utf-8")
        review_document(read_source(path))
        cpu, wall, base = [], [], []
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            review_document(read_source(path))
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            started_cpu = time.process_time()
            _baseline(text)
            base.append(time.process_time() - started_cpu)
    return {
        "chars": len(text),
        "cpu": statistics.median(cpu) * 1000,
        "wall": statistics.median(wall) * 1000,
        "baseline": statistics.median(base) * 1000,
    }


def measure_folder(copies: int = 8, jobs: int = 2) -> dict[str, float]:
    """Wall seconds of review_folder over the two seeds, `copies` of each, in one process and in `jobs`
    (issue 15: a folder reviewed in parallel), the one-process run first; the second of each is kept."""
    import shutil

    from jixiao.review.output import review_folder

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for path in sorted(SEEDS.glob("*.txt")):
            for i in range(copies):
                shutil.copy(path, folder / f"{path.stem}-{i}.txt")
        seconds = {}
        for n in (1, jobs, 1, jobs):
            started = time.perf_counter()
            review_folder(folder, jobs=n)
            seconds[n] = time.perf_counter() - started
        return {"documents": len(list(folder.iterdir())), "one": seconds[1], "jobs": jobs, "many": seconds[jobs]}


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted(SEEDS.glob("*.txt"))
    caught = missed = 0
    for path in files:
        doc = read_source(path)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            review_document(doc)
            times.append(time.perf_counter() - start)
        started = time.perf_counter()
        result = measure(doc)
        elapsed = time.perf_counter() - started
        caught += len(result.caught)
        missed += len(result.missed)
        print(f"{path.name}：{len(doc.paragraphs())} 段，{len(doc.tables())} 张表")
        print(
            f"  变异 {len(result.caught) + len(result.missed)} 份（可核对），发现 {len(result.caught)}，"
            f"漏检 {len(result.missed)}，召回率 {result.recall:.1%}；另有 {len(result.not_checkable)} 项数据无从核对"
        )
        for item in result.missed:
            print(f"    漏检：{item}")
        for item in result.not_checkable:
            print(f"    无从核对（不与任何其他数据相关）：{item}")
        print(f"  未变异报告的错误级发现：{len(result.baseline_errors)}")
        for message in result.baseline_errors:
            print(f"    {message}")
        print(
            f"  单份审核用时：中位数 {statistics.median(times) * 1000:.0f} ms（目标 < 1 s）；"
            f"全部变异审核共 {elapsed:.1f} s"
        )
    total = caught + missed
    print(f"合计召回率：{caught}/{total} = {caught / total:.1%}（目标 ≥ 95%）" if total else "没有可核对的变异")


if __name__ == "__main__":
    main()
