"""Benchmark: evaluate 10,000 generated departments with full traces; print departments/s and peak memory.

Goal (issue 2): at least 2,000 departments per second on the 2-core CI machine. Not a timed test.
Run: .venv/bin/python bench/score.py [N]
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import department_tree

from jixiao.dataset import parse_department
from jixiao.engine import evaluate, evaluate_many
from jixiao.problems import Location
from jixiao.rulebook import load_rulebook


def summary(evaluation):
    """What a bureau's batch keeps per department; runs in the worker, next to the full trace."""
    return evaluation.total, evaluation.grade, sum(len(leaf.deductions) for leaf in evaluation.leaves())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(2023)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    trees = [department_tree(i, rng) for i in range(n)]

    start = time.perf_counter()
    datasets = []
    for i, tree in enumerate(trees):
        data, _ = parse_department(tree, lambda p: Location("bench"))
        datasets.append(data)
        if (i + 1) % 2000 == 0:
            print(f"  读取 {i + 1}/{n}", file=sys.stderr)
    parsed = time.perf_counter()
    totals = []
    for i, data in enumerate(datasets):
        evaluation = evaluate(rulebook, data)
        totals.append(evaluation.total)
        if (i + 1) % 2000 == 0:
            print(f"  评分（单进程） {i + 1}/{n}", file=sys.stderr)
    done = time.perf_counter()
    workers = os.cpu_count() or 1
    batch = evaluate_many(
        rulebook,
        datasets,
        workers,
        reduce=summary,
        progress=lambda k, t: k % 2000 == 0 and print(f"  评分（{workers}进程） {k}/{t}", file=sys.stderr),
    )
    done_many = time.perf_counter()
    assert [total for total, _, _ in batch] == totals, "batch and single-process results differ"

    traces = sum(1 for _ in evaluation.leaves())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"部门数: {n}（每个 {traces} 个三级指标，含完整计算过程）")
    print(f"读取校验: {n / (parsed - start):,.0f} 个部门/秒")
    print(f"评分（单进程）: {n / (done - parsed):,.0f} 个部门/秒")
    print(
        f"评分（evaluate_many，{workers} 个进程，完整过程在子进程中生成，传回总分/等级/扣分条数）: "
        f"{n / (done_many - done):,.0f} 个部门/秒（目标 ≥ 2,000）"
    )
    print(f"读取+评分: {n / (done - start):,.0f} 个部门/秒")
    print(f"峰值内存: {peak_mb:,.0f} MB")
    print(f"总分范围: {min(t for t in totals if t is not None)} – {max(t for t in totals if t is not None)}")


if __name__ == "__main__":
    main()
