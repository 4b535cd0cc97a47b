"""Benchmark: PDF output through long-lived LibreOffice, each way beside the others in one run (issue 15, PDF item).

The bundled example's report (宝安 2023: 27 pages, two charts) is converted N times, all in the same run:
  - one-off per file: one `soffice --convert-to` start per document (what a web download paid at first);
  - one-off batch: one start for all N (the fall-back when python3-uno is absent);
  - long-lived, one instance (a web download, or one `jixiao batch` worker), for each input LibreOffice can get:
      .docx  the Word document as `jixiao report` writes it (what was printed before),
      .fodt  the same report written as Flat ODT for the PDF only (report/odt_out.py: what is printed now),
      .fodt with PDF export options that skip work (untagged, no bookmarks, no notes or form fields);
    taking turns file by file (the load of the moment falls on each alike), each with the seconds and the CPU
    seconds LibreOffice spent opening, exporting and closing the document (the worker reads them from /proc);
  - long-lived, two instances in parallel (`convert_files` on N files: a batch, two downloads at once), .docx and
    .fodt;
  - the web download as the app makes it (score, write, convert, read back) with the .docx of before and the
    .fodt of now, alternating, in one warm instance;
  - two downloads arriving at once while one LibreOffice is warm (the web app after its start): before, the
    second started a new LibreOffice on the spot and waited for it; now it takes whichever is ready first, the
    warm one once free or the new one (started in the background); each request's seconds, rounds alternating.
On a machine shared with other work the wall time waits for a core and the CPU time does not: the CPU time is
what a conversion costs, the ratios between the ways are the result. Goal: ≤ 0.5 s per department in batch and
for a web download. Not a timed test. Also printed: the pages of both PDFs (pypdfium2, when installed), the
start-up of LibreOffice (the web app pays it at start: office.warm_up) and its memory after the run.
Run: .venv/bin/python bench/pdf.py [N]   (default 8; a few minutes on a loaded machine)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jixiao.formats import office
from jixiao.pipeline import run
from jixiao.report.write import render_all

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "baoan-fulian-2023"
# PDF export options that might skip work; measured: no difference beyond noise (see README)
LEAN = {"UseTaggedPDF": False, "ExportBookmarks": False, "ExportNotes": False, "ExportFormFields": False}


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


def group_rss_mb(groups: set[int]) -> float:
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[2]) in groups:
                status = Path(f"/proc/{entry}/status").read_text().splitlines()
                total += int(next(line for line in status if line.startswith("VmRSS")).split()[1])
    return total / 1024


def _groups() -> set[int]:
    return {c._proc.pid for c in office._pool if c._proc is not None}


def _pages(path: Path) -> int | None:
    try:
        import pypdfium2
    except ImportError:
        return None
    return len(pypdfium2.PdfDocument(str(path)))


def _one_instance(converter: office.OfficeConverter, ways: dict[str, tuple[list[Path], dict | None]], out: Path):
    """Each way's seconds per file and LibreOffice's CPU per file (open + export + close), the ways taking turns
    file by file, so that the load of the moment falls on each alike; the worker's answers give the split."""
    keys = ("open", "store", "cpu_open", "cpu_store")
    phases: dict[str, dict[str, list[float]]] = {way: {k: [] for k in (*keys, "wall", "cpu_close")} for way in ways}
    previous = None
    for i in range(max(len(files) for files, _ in ways.values())):
        for way, (files, options) in ways.items():
            started = time.perf_counter()
            converter.convert(files[i], out / f"{way}-{i}.pdf", options=options)
            wall = time.perf_counter() - started
            times = converter.last_times
            if previous is not None:
                phases[previous]["cpu_close"].append(times.get("cpu_close_before", 0.0))
            phases[way]["wall"].append(wall)
            for key in keys:
                phases[way][key].append(times.get(key, 0.0))
            previous = way
    result = {}
    for way, values in phases.items():
        cpu = [sum(v) / len(v) for v in (values["cpu_open"], values["cpu_store"], values["cpu_close"] or [0.0])]
        result[way] = {
            "wall": statistics.mean(values["wall"]),
            "cpu": sum(cpu),
            "cpu_close": cpu[2],
            **{key: statistics.mean(values[key]) for key in keys},
        }
    return result


def _two_instances(files: list[Path], out: Path) -> dict[str, float]:
    cpu_before = group_cpu(_groups())
    wall = _timed(lambda: office.convert_files(files, "pdf", out))
    return {"wall": wall / len(files), "cpu": (group_cpu(_groups()) - cpu_before) / len(files)}


def _web(rounds: int) -> dict[str, float]:
    """A PDF download as web/views.py makes it (score, write, convert, read back), now (.fodt) and before (.docx)."""
    from jixiao.web.views import download

    evaluation = SimpleNamespace(
        department=SimpleNamespace(name="深圳市宝安区妇女联合会"),
        year=2023,
        data_yaml=(EXAMPLE / "data.yaml").read_text(encoding="utf-8"),
        narrative_json="{}",
        rulebook_id="shenzhen-baoan/department/2023",
    )

    def before() -> None:  # the same steps with the .docx, as the download did before
        from jixiao.pipeline import prepare_text
        from jixiao.scoring.engine import evaluate

        prepared = prepare_text(evaluation.data_yaml, "宝安-2023.yaml", evaluation.rulebook_id)
        outputs, _ = render_all(prepared, evaluate(prepared.rulebook, prepared.data), ("docx",), {})
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "自评报告.docx").write_bytes(outputs["自评报告.docx"])
            office.convert_files([Path(tmp) / "自评报告.docx"], "pdf", Path(tmp) / "pdf")
            (Path(tmp) / "pdf" / "自评报告.pdf").read_bytes()

    times: dict[str, list[float]] = {"web_fodt": [], "web_docx": []}
    for _ in range(rounds):
        times["web_fodt"].append(_timed(lambda: download(evaluation, "pdf")))  # type: ignore[arg-type]
        times["web_docx"].append(_timed(before))
    return {key: statistics.median(values) for key, values in times.items()}


@contextlib.contextmanager
def _claimed_before():
    """office._claimed as it was before the pool waited for the first free instance: a call that finds every
    started instance busy starts a new LibreOffice on the spot and waits for it (the baseline of `_two_at_once`)."""
    first = office.shared_converter()
    assert first is not None
    with office._shared_lock:
        index = min(range(len(office._pool)), key=lambda i: office._claims[i])
        if office._claims[index] and len(office._pool) < office.instances():
            office._pool.append(office.OfficeConverter(first.soffice, first.timeout))
            index = len(office._pool) - 1
            office._claims[index] = 0
        office._claims[index] += 1
        converter = office._pool[index]
    try:
        yield converter
    finally:
        with office._freed:
            office._claims[index] -= 1
            office._freed.notify_all()


def _back_to_one_warm() -> None:
    """The pool as the web app has it after its start: one warm LibreOffice, no other (a second one closed)."""
    while office._starting:  # a background start under way finishes before its instance is closed
        time.sleep(0.05)
    for converter in office._pool[1:]:
        converter.close()
    del office._pool[1:]
    office._claims.clear()
    office._claims[0] = 0
    office._pool[0].ensure_started()


def _download(gate, source: Path, out: Path, took: list[float], k: int) -> None:
    gate.wait()
    started = time.perf_counter()
    office.convert_files([source], "pdf", out)
    took[k] = time.perf_counter() - started


def _two_at_once(files: list[Path], out: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Two web downloads' conversions arriving at the same moment with one warm LibreOffice (the web app after
    its start), each request's seconds: before (the second starts a new LibreOffice and waits for it) and now
    (the second takes whichever is ready first: the warm one once free, or the new one started in the
    background), the two ways alternating round by round."""
    import threading

    current = office._claimed
    times: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    for r in range(rounds):
        for way in ("before", "now") if r % 2 == 0 else ("now", "before"):
            _back_to_one_warm()
            office._claimed = _claimed_before if way == "before" else current  # type: ignore[assignment]
            gate = threading.Barrier(2)
            took: list[float] = [0.0, 0.0]
            threads = [
                threading.Thread(target=_download, args=(gate, files[k], out / f"{way}-{r}-{k}", took, k))
                for k in (0, 1)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            office._claimed = current  # type: ignore[assignment]
            first, second = sorted(took)
            times[way].append((first, second))
    _back_to_one_warm()
    return times


def measure(n: int = 8) -> dict[str, Any] | None:
    """Seconds per document for each way, LibreOffice's CPU seconds per document; the keys bench/all.py reads
    ("one", "cpu_one", "two", "cpu_two", "one_off_each", "one_off_batch") are the path printed now (.fodt)."""
    if office.shared_converter() is None:
        return None
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        outputs, _ = render_all(*run(EXAMPLE), ("docx", "pdf"))
        (work / "r.docx").write_bytes(outputs["自评报告.docx"])
        (work / "r.fodt").write_bytes(outputs["自评报告.fodt"])
        docx = [Path(shutil.copy(work / "r.docx", work / f"部门{i:03d}.docx")) for i in range(n)]
        fodt = [Path(shutil.copy(work / "r.fodt", work / f"部门{i:03d}.fodt")) for i in range(n)]
        limit = office.CONVERT_TIMEOUT
        singles = 2
        each = _timed(lambda: [office._convert_one_off([f], "pdf", work / "each", limit) for f in docx[:singles]])
        batch_docx = _timed(lambda: office._convert_one_off(docx, "pdf", work / "batch-docx", limit))
        batch_fodt = _timed(lambda: office._convert_one_off(fodt, "pdf", work / "batch-fodt", limit))
        converter = office.shared_converter()
        assert converter is not None
        warming = office.warm_up()
        start = _timed(lambda: warming.join() if warming else None)
        converter.convert(docx[0], work / "warm.pdf")
        converter.convert(fodt[0], work / "warm.pdf")
        (work / "one").mkdir()
        ways = {"docx": (docx, None), "fodt": (fodt, None), "lean": (fodt, LEAN)}
        one = _one_instance(converter, ways, work / "one")  # type: ignore[arg-type]
        one_docx, one_fodt, one_lean = one["docx"], one["fodt"], one["lean"]
        office.convert_files(docx[:2], "pdf", work / "warm2")  # the second instance starts (in the background)
        for started in office._pool:  # ... and is running before the two are timed (not counted)
            started.ensure_started()
        two_docx = _two_instances(docx, work / "two-docx")
        two_fodt = _two_instances(fodt, work / "two-fodt")
        pool = {
            "instances": len(office._pool),
            "starts": sum(c.starts for c in office._pool),
            "rss_mb": group_rss_mb(_groups()),
        }
        web = _web(3)
        at_once = _two_at_once(fodt, work / "at-once", 3)
        pages = (_pages(work / "one" / "docx-0.pdf"), _pages(work / "one" / "fodt-0.pdf"))
        return {
            "n": n,
            "one_off_each": each / singles,
            "one_off_batch_docx": batch_docx / n,
            "one_off_batch": batch_fodt / n,
            "start": start,
            **{f"{k}_docx": v for k, v in one_docx.items()},
            **{f"{k}_fodt": v for k, v in one_fodt.items()},
            **{f"{k}_lean": v for k, v in one_lean.items()},
            "one": one_fodt["wall"],
            "cpu_one": one_fodt["cpu"],
            "two_docx": two_docx["wall"],
            "cpu_two_docx": two_docx["cpu"],
            "two": two_fodt["wall"],
            "cpu_two": two_fodt["cpu"],
            **web,
            "at_once": at_once,
            "pages_docx": pages[0] or 0,
            "pages_fodt": pages[1] or 0,
            **pool,
            "load_start": load_start,
            "load": os.getloadavg()[0],
        }


def _line(label: str, m: dict[str, Any], kind: str) -> str:
    return (
        f"  {label}{m[f'wall_{kind}']:.2f} s/份，LibreOffice CPU {m[f'cpu_{kind}']:.2f} s/份"
        f"（打开 {m[f'cpu_open_{kind}']:.2f}，导出 {m[f'cpu_store_{kind}']:.2f}，关闭 {m[f'cpu_close_{kind}']:.2f}；"
        f"墙钟 打开 {m[f'open_{kind}']:.2f} 导出 {m[f'store_{kind}']:.2f}）"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    m = measure(n)
    if m is None:
        print("未测：缺少 LibreOffice 或 python3-uno（bash scripts/setup.sh 安装）。")
        return
    print(f"{n} 份部门报告（宝安 2023，27 页，两张图表）转 PDF，同一次运行中测得；本机 {os.cpu_count()} 核，")
    print(f"负载 开始 {m['load_start']:.1f}、结束 {m['load']:.1f}（墙钟时间含等待 CPU 的时间，CPU 时间不含）：")
    print(f"  一次性转换 .docx，每份启动一次 LibreOffice（最初的网页下载）: {m['one_off_each']:.2f} s/份")
    print(f"  一次性转换，一次启动批量（无 python3-uno 时的后备）: .docx {m['one_off_batch_docx']:.2f} s/份，", end="")
    print(f".fodt {m['one_off_batch']:.2f} s/份")
    print("  常驻，一个实例（网页下载；批量的一个工作进程），目标 ≤ 0.5 s：")
    print(_line(".docx（原来）:                ", m, "docx"))
    print(_line(".fodt（现在）:                ", m, "fodt"))
    print(_line(".fodt + 精简导出选项:         ", m, "lean"))
    print(
        f"  常驻，{m['instances']} 个实例并行（批量；两人同时下载）: .docx {m['two_docx']:.2f} s/份"
        f"（CPU {m['cpu_two_docx']:.2f}），.fodt {m['two']:.2f} s/份（CPU {m['cpu_two']:.2f}）"
    )
    print(
        f"  网页下载全程（评分+写文件+转换+读回，常驻实例）: .docx {m['web_docx']:.2f} s，.fodt {m['web_fodt']:.2f} s"
    )
    print(
        f"  比值 .docx / .fodt：一个实例 {m['wall_docx'] / m['one']:.2f}×（CPU {m['cpu_docx'] / m['cpu_one']:.2f}×），"
        f"并行 {m['two_docx'] / m['two']:.2f}×，网页下载 {m['web_docx'] / m['web_fodt']:.2f}×；"
        f"每份启动 / 常驻一个实例 = {m['one_off_each'] / m['one']:.1f}×"
    )
    ways = (("before", "原来：第二个请求当场启动新实例"), ("now", "现在：取先空出的实例，新实例在后台启动"))
    for way, label in ways:
        pairs = "；".join(f"{a:.2f} / {b:.2f} s" for a, b in m["at_once"][way])
        print(f"  两个下载同时到达、只有一个预热实例（{label}）: 先完成 / 后完成 {pairs}")
    pages = f"页数 .docx {m['pages_docx']}、.fodt {m['pages_fodt']}；" if m["pages_fodt"] else ""
    print(
        f"  {pages}LibreOffice 启动 {m['start']:.2f} s（网页启动时在后台完成，不计入），启动次数 {m['starts']}，"
        f"运行后内存 {m['rss_mb']:.0f} MB（{m['instances']} 个实例）"
    )


if __name__ == "__main__":
    main()
