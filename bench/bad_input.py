"""Benchmark (issue 19): peak memory and time of the largest accepted inputs and of each refused bomb.

Each case runs `jixiao` in a fresh process (its own peak resident memory, from getrusage) beside a
baseline measured in the same run: the bundled examples. Accepted: 10,000 projects (in YAML, and as rows of
the 衡山 workbook's 项目 sheet) and a 200-page report (.txt, 1,500 characters a page). Refused: a
billion-laughs YAML, a list nested 5,000 deep, 100,000 project rows, a workbook whose sheet unpacks to
1.1 GB (and 400 MB), broken XML inside a valid zip, a 50 MB .txt, random bytes as .txt.
Goal: each refusal within 1 s. Run: .venv/bin/python bench/bad_input.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from review import report_text  # noqa: E402 - the review bench's report of N pages

from tests.test_hostile_files import (  # noqa: E402 - the makers live beside the tests that pin each case
    BAOAN_YAML,
    HENGSHAN_XLSX,
    MB,
    billion_laughs_yaml,
    many_projects_xlsx,
    many_projects_yaml,
    sheet_bomb,
    xlsx_with,
)

# Runs in the measured process: the CLI in-process, its output discarded; prints code, seconds, peak KB.
_CHILD = """
import contextlib, io, resource, sys, time
from jixiao.cli import main
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
seconds = time.perf_counter() - started
print(code, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(*argv: str) -> tuple[int, float, float, float]:
    """(exit code, seconds of the command, seconds with Python's start, peak resident MB) in a fresh process.

    The inputs are made by another process beforehand, so this one stays small: Linux passes a parent's
    peak memory on to its children, which would hide theirs."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv], capture_output=True, text=True, cwd=ROOT, check=False
    )
    total = time.perf_counter() - started
    code, seconds, peak_kb = result.stdout.split()[-3:]
    return int(code), float(seconds), total, int(peak_kb) / 1024


CASES = {
    "baseline": [
        ("基准：宝安 data.yaml score", "score", "宝安.yaml"),
        ("基准：衡山 填报.xlsx check", "check", "衡山.xlsx"),
        ("基准：20 页报告 review", "review", "二十页.txt"),
    ],
    "accepted": [
        ("接受：10,000 个项目 score", "score", "万项目.yaml"),
        ("接受：10,000 个项目 工作簿 score", "score", "万项目.xlsx"),
        ("接受：200 页报告 review", "review", "二百页.txt"),
    ],
    "refused": [
        ("拒绝：billion laughs YAML", "check", "laughs.yaml"),
        ("拒绝：列表嵌套 5000 层", "check", "deep.yaml"),
        ("拒绝：100,000 个项目", "check", "十万项目.yaml"),
        ("拒绝：工作表解压 1.1 GB", "check", "bomb.xlsx"),
        ("拒绝：工作表解压 400 MB", "check", "bomb400.xlsx"),
        ("拒绝：workbook.xml 不是 XML", "check", "badxml.xlsx"),
        ("拒绝：50 MB 文本", "review", "大文本.txt"),
        ("拒绝：随机字节 .txt", "review", "随机.txt"),
    ],
}


def make_inputs(folder: Path) -> None:
    def put(name: str, content: str | bytes) -> None:
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)

    put("宝安.yaml", BAOAN_YAML.read_bytes())
    put("衡山.xlsx", HENGSHAN_XLSX.read_bytes())
    put("二十页.txt", report_text(20))
    put("万项目.yaml", many_projects_yaml(10_000))
    put("万项目.xlsx", many_projects_xlsx(10_000))
    put("二百页.txt", report_text(200))
    put("laughs.yaml", billion_laughs_yaml())
    put("deep.yaml", BAOAN_YAML.read_text(encoding="utf-8") + "x: " + "[" * 5000 + "]" * 5000)
    put("十万项目.yaml", many_projects_yaml(100_000))
    put("bomb.xlsx", sheet_bomb(1100 * MB))
    put("bomb400.xlsx", sheet_bomb(400 * MB))
    put("badxml.xlsx", xlsx_with({"xl/workbook.xml": b"not xml"}))
    put("大文本.txt", report_text(20) * 1800)
    put("随机.txt", os.urandom(2 * MB))


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        make_inputs(Path(sys.argv[2]))
        return
    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-bad-"))
    subprocess.run([sys.executable, __file__, "--make", str(folder)], check=True)
    print(f"{'情形':<26} {'退出码':>4} {'命令秒':>7} {'含启动秒':>8} {'峰值内存MB':>10}")
    rows = {}
    for group in ("baseline", "accepted", "refused"):
        for label, command, name in CASES[group]:
            code, seconds, total, peak = measure(command, str(folder / name))
            rows[label] = (code, seconds, peak)
            print(f"{label:<26} {code:>4} {seconds:>7.2f} {total:>8.2f} {peak:>10.0f}")
    base = rows[CASES["baseline"][0][0]]
    slow = [label for label, _, _ in CASES["refused"] if rows[label][1] > 1]
    wrong = [label for label, _, _ in CASES["refused"] if rows[label][0] not in (1, 2)]
    print(f"\n基准（宝安 score）：命令 {base[1]:.2f} 秒，峰值 {base[2]:.0f} MB（含 Python 与依赖库）。")
    print(f"拒绝的命令用时超过 1 秒：{'、'.join(slow) or '无'}；退出码不是 1/2：{'、'.join(wrong) or '无'}。")


if __name__ == "__main__":
    main()
