"""Benchmark: start-up of the command line beside a bare interpreter measured in the same run (issue 15).

Each command runs several times, interleaved with `python -c pass`, and keeps its median wall time; the ratio
to the bare interpreter is the result (goals: `jixiao --help` ≤ 5×, `jixiao review FILE` and `jixiao score`
≤ 15×), in wall time and in CPU time (the child's own user + system seconds: on a shared machine the wall
time also counts waits for a core); the least of the runs beside the medians (on a loaded machine the least is
the run that waited least). Not a timed test. Run: .venv/bin/python bench/startup.py [ROUNDS]

The review keeps its parsed vocabularies, the rulebooks' headers, its compiled regular expressions and the
dataclasses' compiled methods between runs (jixiao/files/diskcache.py, review/cache.py, review/rx.py):
`review` runs with a cache the warm-up filled, as every run after a user's first; `review（首次，空缓存）`
with an empty cache folder each time, as the very first run after an install or an edit of those files.

`--before SRC` (the src/ folder of another checkout, e.g. `git worktree add /tmp/before HEAD~3`) runs each
command a second time from that source in the same rounds, marked （改前）: a change's before and after
measured side by side on the same load.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"


def _jixiao() -> list[str]:
    script = Path(sys.executable).with_name("jixiao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jixiao.cli"]


def commands(before: str | None = None) -> list[tuple[str, list[str], float]]:
    """(name, argv, goal as a multiple of the bare interpreter); with `before`, each also run from that
    source folder."""
    jixiao = _jixiao()
    found = [
        ("jixiao --help", [*jixiao, "--help"], 5.0),
        ("jixiao score 宝安", [*jixiao, "score", str(ROOT / "examples" / "baoan-fulian-2023")], 15.0),
    ]
    if SEED.exists():
        found.append(("jixiao review 一份报告(.txt)", [*jixiao, "review", str(SEED)], 15.0))
        found.append(("jixiao review 一份报告(.txt)（首次，空缓存）", [*jixiao, "review", str(SEED), _COLD], 15.0))
    if before:
        found += [(f"{name}（改前）", [*argv, _SOURCE + before], goal) for name, argv, goal in found]
    return found


# As installed: byte-code cached (pip compiles on install). A shell with PYTHONDONTWRITEBYTECODE=1 would
# recompile every module on every start and measure the compiler, not the start-up.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_WARM = tempfile.mkdtemp(prefix="jixiao-startup-cache-")  # this run's own cache: never a stale one from before
atexit.register(shutil.rmtree, _WARM, True)
atexit.register(shutil.rmtree, _WARM + "-before", True)
_ENV["JIXIAO_CACHE_DIR"] = _WARM
_COLD = "\0cold"  # marks a run with a fresh, empty cache folder (dropped from the command line)
_SOURCE = "\0source="  # marks a run of another source folder (PYTHONPATH; dropped from the command line)


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the child's own: what it costs, without the waits for a
    core that a shared machine adds to the wall time)."""
    env = _ENV
    source = next((a.removeprefix(_SOURCE) for a in argv if a.startswith(_SOURCE)), None)
    if source is not None:  # its own warm cache: entries are named by their sources, so the two never mix
        argv = [a for a in argv if not a.startswith(_SOURCE)]
        env = {**_ENV, "PYTHONPATH": source, "JIXIAO_CACHE_DIR": _WARM + "-before"}
    cold = _COLD in argv
    if cold:
        argv = [a for a in argv if a != _COLD]
        env = {**env, "JIXIAO_CACHE_DIR": tempfile.mkdtemp(prefix="jixiao-startup-cold-")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cold:
        shutil.rmtree(env["JIXIAO_CACHE_DIR"], ignore_errors=True)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _wall(argv: list[str]) -> float:
    return _run(argv)[0]


def measure(rounds: int = 7, cpu: bool = False) -> tuple[float, list[tuple[str, float, float, float]]]:
    """The bare interpreter's median, and per command (name, median seconds, ratio, goal); wall seconds, or
    CPU seconds with `cpu`."""
    return measure_both(rounds)[1 if cpu else 0]


def measure_both(rounds: int = 7):
    """(wall, cpu): each the bare interpreter's median and per command (name, median, ratio, goal)."""
    bare, timings, listed = samples(rounds)
    out = []
    for k in (0, 1):
        base = statistics.median(b[k] for b in bare)
        rows = []
        for name, _argv, goal in listed:
            median = statistics.median(t[k] for t in timings[name])
            rows.append((name, median, median / base, goal))
        out.append((base, rows))
    return out[0], out[1]


def samples(rounds: int = 7, before: str | None = None):
    """Every run's (wall, cpu) seconds: the bare interpreter's, and per command; and the commands."""
    bare: list[tuple[float, float]] = []
    timings: dict[str, list[tuple[float, float]]] = {}
    listed = commands(before)
    for _name, argv, _goal in listed:  # warm-up: byte-code written, files in the page cache, caches filled
        _run(argv)
    for _ in range(rounds):
        for name, argv, _goal in listed:
            bare.append(_run([sys.executable, "-c", "pass"]))
            timings.setdefault(name, []).append(_run(argv))
    return bare, timings, listed


def main() -> None:
    args = sys.argv[1:]
    before = None
    if "--before" in args:
        at = args.index("--before")
        before = str(Path(args[at + 1]).resolve())
        del args[at : at + 2]
    rounds = int(args[0]) if args else 7
    bare, timings, listed = samples(rounds, before)
    print(f"{rounds} 轮，各命令与 python -c pass 交替测量；负载 {os.getloadavg()[0]:.1f}")
    for k, label in ((0, "墙钟时间"), (1, "CPU 时间")):
        base = statistics.median(b[k] for b in bare)
        least = min(b[k] for b in bare)
        print(f"{label}：python -c pass 中位数 {base * 1000:.0f} ms（最少 {least * 1000:.0f} ms）")
        for name, _argv, goal in listed:
            median = statistics.median(t[k] for t in timings[name])
            low = min(t[k] for t in timings[name])
            verdict = "达标" if median / base <= goal else "未达标"
            print(
                f"  {name}: {median * 1000:.0f} ms，为空解释器的 {median / base:.1f} 倍"
                f"（目标 ≤ {goal:.0f} 倍，{verdict}）；最少 {low * 1000:.0f} ms，{low / least:.1f} 倍"
            )


if __name__ == "__main__":
    main()
