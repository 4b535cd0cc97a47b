"""Benchmark: `jixiao template --from` (the fill-in workbook filled with a department's data) for a department with
many 二级项目 (issue 15: 10,000 projects took over 15 minutes, quadratic in the rows).

Printed beside baselines measured in the same run: the same template for a tenth of the projects (linear: the time
per project stays the same), and the same cell values written by openpyxl with no styles, validations or merges
(what writing that many cells costs at the least). Not a timed test.
Run: .venv/bin/python bench/template.py [N]   (default 10,000 projects)
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from generate import department_with_projects

from jixiao.files.template import write_template
from jixiao.pipeline import prepare


def _prepared(folder: Path, n: int):
    path = folder / f"projects{n}.yaml"
    path.write_text(yaml.safe_dump(department_with_projects(n), allow_unicode=True), encoding="utf-8")
    return prepare(path, None)


def _plain(content: bytes) -> float:
    """The template's cell values written again by openpyxl, nothing else: seconds."""
    source = openpyxl.load_workbook(io.BytesIO(content))
    rows = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in source.worksheets}
    started = time.perf_counter()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, values in rows.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(values, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(r, c, value)
    wb.save(io.BytesIO())
    return time.perf_counter() - started


def measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="jixiao-template-") as tmp:
        small, large = _prepared(Path(tmp), max(n // 10, 1)), _prepared(Path(tmp), n)
        started = time.perf_counter()
        write_template(small.rulebook, small.data)
        tenth = time.perf_counter() - started
        started = time.perf_counter()
        content = write_template(large.rulebook, large.data)
        full = time.perf_counter() - started
    return {"n": n, "full": full, "tenth": tenth, "plain": _plain(content), "load": os.getloadavg()[0]}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    m = measure(n)
    per, per_tenth = m["full"] / n * 1000, m["tenth"] / max(n // 10, 1) * 1000
    print(f"jixiao template --from：一个部门 {n:,} 个二级项目（各一条绩效指标）；本机负载 {m['load']:.1f}")
    print(f"  填报模板 {m['full']:.1f} 秒（每个项目 {per:.2f} 毫秒）")
    print(f"  基线一：{max(n // 10, 1):,} 个项目 {m['tenth']:.1f} 秒（每个项目 {per_tenth:.2f} 毫秒）；", end="")
    print(f"每项目耗时之比 {per / per_tenth:.2f}（线性为 1）")
    print(f"  基线二：同样的单元格值用 openpyxl 直接写出（无样式、校验、合并）{m['plain']:.1f} 秒；", end="")
    print(f"比值 {m['full'] / m['plain']:.2f}×")


if __name__ == "__main__":
    main()
