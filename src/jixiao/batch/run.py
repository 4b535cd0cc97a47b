"""A bureau's batch (批量评价): every department of a folder scored, reported and reviewed, on all cores.

`find_departments(folder)` lists the inputs: each sub-folder holding `data.yaml` (or a filled workbook),
and each `.yaml` / `.xlsx` file at the top. `run_batch` hands them to worker processes one by one; a worker
loads and scores the department, writes its report (docx and xlsx by default) and reviews that report as a
reviewer would, and sends back one summary row. Anything that goes wrong with one department — bad data,
an unreadable file, an internal error — becomes a row of the failure list naming the file and why; the
others go on. The ranking workbook (排名.xlsx) and the failure list (失败清单.txt) are written at the end.
"""

from __future__ import annotations

import gc
import importlib
import io
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from jixiao.files.fileio import write_atomic
from jixiao.model.checks import check_consistency
from jixiao.model.problems import JixiaoError, Problem, Severity
from jixiao.pipeline import prepare
from jixiao.scoring.engine import evaluate

__all__ = [
    "BatchResult",
    "Done",
    "Failed",
    "find_departments",
    "progress_bar",
    "rank",
    "run_batch",
    "score_one",
    "write_failures",
    "write_ranking",
]

RANKING_NAME = "排名.xlsx"
FAILURES_NAME = "失败清单.txt"
REPORTS_DIR = "报告"
_DATA_NAMES = ("data.yaml", "data.yml", "部门数据.yaml")
_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Finding:
    severity: str  # Severity value: 错误 / 警告 / 提示
    source: str  # 数据核对 (the department's figures) or 报告审核 (the review of the written report)
    place: str
    message: str


@dataclass(frozen=True)
class Done:
    """One department scored: what the ranking shows."""

    source: str  # the input, relative to the batch folder
    department: str
    year: int | None
    rulebook: str
    total: Decimal | None
    total_weight: Decimal
    grade: str | None
    subtotals: tuple[tuple[str, Decimal | None], ...]  # 一级指标 and its score
    deductions: int  # points-losing items
    lost: Decimal  # points lost in all
    missing: tuple[str, ...]  # indicators 未填报 or 无法计算
    findings: tuple[Finding, ...] = ()
    files: tuple[str, ...] = ()  # written, relative to the output folder


@dataclass(frozen=True)
class Failed:
    """One input that could not be scored, and why (every problem, as file:line: message)."""

    source: str
    reasons: tuple[str, ...]


@dataclass
class BatchResult:
    done: list[Done] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def find_departments(folder: Path) -> list[Path]:
    """The departments of a folder: sub-folders with data (data.yaml or a workbook) and data files at the top."""
    found: list[Path] = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if (entry / RANKING_NAME).exists():
                continue  # an earlier batch's output folder (the default is inside the input folder)
            if any((entry / name).exists() for name in _DATA_NAMES) or any(entry.glob("*.xlsx")):
                found.append(entry)
        elif entry.suffix.lower() in _SUFFIXES and not entry.name.startswith("~$"):
            found.append(entry)
    return found


def _findings(problems: Iterable[Problem], source: str) -> list[Finding]:
    return [
        Finding(p.severity.value, source, _place(p), p.message) for p in problems if p.severity is not Severity.INFO
    ]


def _place(problem: Problem) -> str:
    where = problem.location
    if where is None:
        return ""
    return f"{where}" + (f" 字段 {where.field}" if where.field else "")


def score_one(
    path: Path, folder: Path, out: Path, rulebook_id: str | None, formats: tuple[str, ...], review: bool
) -> Done | Failed:
    """Score, report and review one department; every failure is returned as a value, never raised."""
    source = str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)
    try:
        return _score_one(path, source, out, rulebook_id, formats, review)
    except JixiaoError as exc:
        return Failed(source, tuple(p.format() for p in exc.problems if p.severity is Severity.ERROR) or ("数据有误",))
    except Exception as exc:  # one department's internal error never stops the batch
        return Failed(source, (f"内部错误：{type(exc).__name__}: {exc}。请将该文件反馈给开发人员。",))


def _score_one(
    path: Path, source: str, out: Path, rulebook_id: str | None, formats: tuple[str, ...], review: bool
) -> Done:
    prepared = prepare(path, rulebook_id)
    evaluation = evaluate(prepared.rulebook, prepared.data)
    findings = _findings([*prepared.warnings, *check_consistency(prepared.data)], "数据核对")
    files: list[str] = []
    if formats:
        from jixiao.report.write import write_report  # the document writers load only when reports are asked for

        target = out / REPORTS_DIR / _folder_name(source)
        written = write_report(prepared, evaluation, target, formats)
        files = [str(p.relative_to(out)) for p in written.files]
        report = next((p for p in written.files if p.suffix == ".docx"), None)
        if review and report is not None:
            from jixiao.review import review_file  # the review's readers load only when it is asked for

            checked = review_file(report, prepared.rulebook.id)
            findings += _findings(checked.findings, "报告审核")
    leaves = evaluation.leaves()
    lost = [d.points for leaf in leaves for d in leaf.deductions]
    return Done(
        source,
        evaluation.department,
        evaluation.year,
        evaluation.rulebook_id,
        evaluation.total,
        evaluation.total_weight,
        evaluation.grade,
        tuple((root.name, root.score) for root in evaluation.roots),
        len(lost),
        sum(lost, Decimal(0)),
        evaluation.missing,
        tuple(findings),
        tuple(files),
    )


def _folder_name(source: str) -> str:
    """A report folder per input: the input's path without its suffix, '/' spelled '__' (unique per input)."""
    stem = source[: -len(Path(source).suffix)] if Path(source).suffix.lower() in _SUFFIXES else source
    return stem.replace("/", "__").replace("\\", "__") or "部门"


class _Job(TypedDict):
    """`score_one`'s arguments but the path: the same for every department of a batch."""

    folder: Path
    out: Path
    rulebook_id: str | None
    formats: tuple[str, ...]
    review: bool


_JOB: list[_Job] = []  # the batch's job, set in each worker (and in this process for one worker)


def _work(path: Path) -> Done | Failed:
    return score_one(path, **_JOB[0])


def _init(job: _Job) -> None:
    _JOB[:] = [job]


def _warm(job: _Job) -> None:
    """Load before forking what every worker loads for its first department (they inherit it): the report
    writers and the review's readers, which `_score_one` imports only when they are asked for (and the modules
    those import on their first use). What is left is each worker's first use of them: ~0.2 s on this machine."""
    formats = job["formats"]
    wanted = ["jixiao.report.write", "jixiao.cycle.rectify"] if formats else []
    wanted += ["docx"] if "docx" in formats else []
    wanted += ["xlsxwriter"] if "xlsx" in formats else []
    if "docx" in formats and job["review"]:  # and what a review of a .docx imports where it is used
        wanted += ["jixiao.review", "jixiao.review.narrative", "jixiao.formats.confidence", "xml.parsers.expat"]
        wanted += ["encodings.cp437", "encodings.utf_8_sig", "encodings.utf_16_le"]
    for module in wanted:
        importlib.import_module(module)


def _largest_first(inputs: Sequence[Path]) -> list[Path]:
    """The inputs by the size of their data, largest first (a folder: its files'), the input order among equals."""

    def size(path: Path) -> int:
        try:
            if path.is_dir():
                return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
            return path.stat().st_size
        except OSError:
            return 0  # unreadable: it fails quickly, in its own task

    return sorted(inputs, key=size, reverse=True)


def run_batch(
    folder: Path,
    out: Path,
    *,
    jobs: int | None = None,
    rulebook_id: str | None = None,
    formats: tuple[str, ...] = ("docx", "xlsx"),
    review: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Every department of `folder` into `out`: reports per department, 排名.xlsx and 失败清单.txt."""
    folder, out = Path(folder).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    inputs = find_departments(folder)
    job = _Job(folder=folder, out=out, rulebook_id=rulebook_id, formats=formats, review=review)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(inputs) or 1))
    results: list[Done | Failed] = []
    if jobs == 1:
        _init(job)
        for i, path in enumerate(inputs, 1):
            results.append(_work(path))
            if progress:
                progress(i, len(inputs))
    else:
        # Fork where there is fork: the workers share what this process loaded (`_warm`: the writers and the
        # review, imported once here rather than once per worker) and its memory; gc.freeze() keeps the
        # inherited objects out of the workers' collections, which would otherwise walk (and copy) every page
        # of them. The largest departments go first, so the last one to finish is a small one (the tail where
        # one core waits for the other); one department per task, results in the order they finish, so a slow
        # department never holds the bar still.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        _warm(job)
        gc.freeze()
        try:
            pool = multiprocessing.get_context(method).Pool(jobs, initializer=_init, initargs=(job,))
        finally:
            gc.unfreeze()  # the workers are forked: this process collects its own objects again
        with pool:
            chunk = 1 if len(inputs) < 200 else 4
            for result in pool.imap_unordered(_work, _largest_first(inputs), chunksize=chunk):
                results.append(result)
                if progress:
                    progress(len(results), len(inputs))
    order = {str(p.relative_to(folder)): i for i, p in enumerate(inputs)}
    results.sort(key=lambda r: order.get(r.source, len(order)))
    batch = BatchResult([r for r in results if isinstance(r, Done)], [r for r in results if isinstance(r, Failed)])
    batch.files.append(write_ranking(batch.done, batch.failed, out / RANKING_NAME))
    batch.files.append(write_failures(batch.failed, out / FAILURES_NAME))
    return batch


def rank(done: Sequence[Done]) -> list[tuple[int | None, Done]]:
    """Departments by total, highest first; equal totals share a rank (1, 2, 2, 4); incomplete ones unranked last."""
    totals = sorted(((d.total, d) for d in done if d.total is not None), key=lambda pair: (-pair[0], pair[1].source))
    ranked: list[tuple[int | None, Done]] = []
    for i, (_, d) in enumerate(totals):
        same = ranked and ranked[-1][1].total == d.total
        ranked.append((ranked[-1][0] if same else i + 1, d))
    ranked += [(None, d) for d in done if d.total is None]
    return ranked


def write_ranking(done: Sequence[Done], failed: Sequence[Failed], path: Path) -> Path:
    """排名.xlsx: 排名 (one row per department), 问题清单 (each finding), 失败清单 (each bad input).

    Written by XlsxWriter (openpyxl took ~4.5 ms per department with its findings, all of it in the parent after
    the workers are done: the serial tail of a batch of thousands). Every value is written as what it is (text
    as text: a message holding a URL or starting with = stays text)."""
    import xlsxwriter  # heavy: only when the ranking is written

    from jixiao.report.xlsx_out import safe_text  # jixiao.report loads the document writers

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = wb.add_format({"font_name": "黑体", "bold": True})
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    levels = list(dict.fromkeys(name for d in done for name, _ in d.subtotals))
    header = ["排名", "部门", "年度", "总分", "等级", *levels, "扣分项数", "扣分合计", "未填报或无法计算"]
    header += ["错误", "警告", "来源文件", "报告文件"]
    rows: list[list[object]] = []
    for position, d in rank(done):
        by_level = dict(d.subtotals)
        rows.append(
            [
                position if position is not None else "—",
                safe_text(d.department),
                d.year,
                float(d.total) if d.total is not None else "不完整",
                d.grade or "—",
                *[float(value) if (value := by_level.get(n)) is not None else "—" for n in levels],
                d.deductions,
                float(d.lost),
                safe_text("、".join(d.missing)),
                sum(1 for f in d.findings if f.severity == Severity.ERROR.value),
                sum(1 for f in d.findings if f.severity == Severity.WARNING.value),
                safe_text(d.source),
                safe_text("；".join(d.files)),
            ]
        )
    _sheet(wb, "排名", header, rows, bold, None, None)
    issues = [
        [safe_text(d.department), safe_text(d.source), f.source, f.severity, safe_text(f.place), safe_text(f.message)]
        for d in done
        for f in d.findings
    ]
    _sheet(
        wb,
        "问题清单",
        ["部门", "来源文件", "类别", "级别", "位置", "问题"],
        issues,
        bold,
        wrapped,
        (24, 28, 10, 6, 36, 80),
    )
    failures = [[safe_text(f.source), safe_text("\n".join(f.reasons))] for f in failed]
    _sheet(wb, "失败清单", ["来源文件", "原因"], failures, bold, wrapped, (36, 100))
    wb.close()
    write_atomic(path, buffer.getvalue())
    return path


def _sheet(wb, name: str, header: list[str], rows: Sequence[Sequence[object]], bold, wrapped, widths) -> None:
    """One sheet of the ranking: the header in 黑体 bold, frozen; with `widths`, the last column wrapped."""
    ws = wb.add_worksheet(name)
    ws.freeze_panes(1, 0)
    for col, text in enumerate(header):
        ws.write_string(0, col, text, bold)
    if widths:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
    else:
        ws.set_column(1, 1, 28)
    last = len(header) - 1
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            style = wrapped if widths and col == last else None
            if value is None or value == "":
                if style is not None:
                    ws.write_blank(r, col, None, style)
            elif isinstance(value, str):
                ws.write_string(r, col, _cell_text(value), style)
            else:
                ws.write_number(r, col, value, style)


_CELL_LIMIT = 32_767  # characters a spreadsheet cell holds


def _cell_text(text: str) -> str:
    """Text that fits a cell; a longer one (a file with thousands of problems) is cut, saying where the rest is."""
    if len(text) <= _CELL_LIMIT:
        return text
    tail = f"……（共 {len(text)} 个字符，其余见 {FAILURES_NAME} 或重新检查该文件）"
    return text[: _CELL_LIMIT - len(tail)] + tail


def write_failures(failed: Sequence[Failed], path: Path) -> Path:
    """失败清单.txt: each bad input and every reason, one block per file (empty when none failed)."""
    lines = [f"{f.source}\n" + "".join(f"  {reason}\n" for reason in f.reasons) for f in failed]
    text = "".join(lines) if lines else "没有失败的文件。\n"
    write_atomic(path, text.encode("utf-8"))
    return path


def progress_bar(stream=None) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr: 进度 [#####.....] 120/1000 12% 剩余约 30 秒."""
    stream = stream or sys.stderr
    start = time.monotonic()

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        elapsed = time.monotonic() - start
        left = elapsed / done * (total - done) if done else 0
        end = "\n" if done >= total else ""
        stream.write(
            f"\r进度 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {100 * done // max(total, 1)}% "
            f"剩余约 {left:.0f} 秒 {end}"
        )
        stream.flush()

    return show
