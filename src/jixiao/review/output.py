"""A review's results as text, as JSON, as the review opinion a bureau sends back (审核意见.docx), and, for
a folder of reports, as a summary workbook (one row per report, one sheet of all findings)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import JixiaoError, Location, Problem, Severity

from . import ReviewResult
from .labels import figure_value, grouped_by_kind, kind_of_finding, place_of, places_text, shown_name, total_doubt
from .source import _READERS

if TYPE_CHECKING:  # jixiao.report loads every writer (docx, charts, PDF): imported where an opinion is written
    from ..report.document import Document

__all__ = ["SUPPORTED", "opinion_docx", "render_review_text", "review_folder", "review_to_dict", "shown_name",
           "summary_workbook"]  # fmt: skip

SUPPORTED = tuple(_READERS)  # a folder's files that review_file reads
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


CLI_ITEMS = 5  # findings of one kind printed in full; the rest counted


def render_review_text(result: ReviewResult) -> str:
    """The review as the command line prints it: who and what, then the findings by severity and kind, the place
    first; past `CLI_ITEMS` findings of a kind, the rest counted with their places; hints one line per kind."""
    lines = [
        f"审核文件：{result.path}",
        f"文件类型：{result.kind_name or '（未识别）'}",
        f"部门：{result.department or '（未识别）'}    "
        + (f"实施单位：{result.unit}    " if result.unit else "")
        + (f"项目：{result.project}    " if result.project else "")
        + f"年度：{result.year or '（未识别）'}    地区：{result.province or '（未识别）'}",
        f"指标体系：{result.rulebook_id or '全国通用规则'}（{result.rulebook_reason or '未说明'}）",
        f"得分表合计：{fmt_score(result.total) if result.total is not None else '（无）'}    "
        f"等级：{result.grade or '（无）'}{total_doubt(result.findings)}    "
        f"识别数据：{len(result.figures)} 项",
        f"发现：错误 {result.count(Severity.ERROR)} 项，警告 {result.count(Severity.WARNING)} 项，"
        f"提示 {result.count(Severity.INFO)} 项",
        "",
    ]
    for severity in (Severity.ERROR, Severity.WARNING):
        found = [f for f in result.findings if f.severity is severity]
        if not found:
            continue
        lines.append(f"【{severity.value}】{len(found)} 项")
        for kind, items in grouped_by_kind(found).items():
            lines.append(f"  {kind}（{len(items)}）")
            for f in items[:CLI_ITEMS]:
                lines.append(f"    {place_of(f) or '全文'}：{f.message}")
                said_already = len(f.actual) > 8 and f.actual in f.message  # a quoted cell: not twice
                if (f.expected or f.actual) and not said_already:
                    lines.append(f"      应为 {f.expected or '—'}，报告 {f.actual or '—'}（{f.code}）")
            if len(items) > CLI_ITEMS:
                rest = items[CLI_ITEMS:]
                lines.append(f"    ……另有 {len(rest)} 项（{places_text(rest, 6)}），全部见 --json 或 --out 的审核意见")
        lines.append("")
    hints = [f for f in result.findings if f.severity is Severity.INFO]
    if hints:
        lines.append(f"【{Severity.INFO.value}】{len(hints)} 项（供参考）")
        for kind, items in grouped_by_kind(hints).items():
            where = places_text(items, 4)
            first = items[0].message
            first = first if len(first) <= 70 else first[:69] + "…"
            lines.append(f"  {kind}（{len(items)}）{where}：{first}")
        lines.append("")
    if not result.findings:
        lines.append("未发现问题。")
    return "\n".join(lines)


def review_to_dict(result: ReviewResult) -> dict[str, Any]:
    return {
        "file": str(result.path),
        "department": result.department,
        "unit": result.unit,
        "year": result.year,
        "rulebook": result.rulebook_id,
        "rulebook_reason": result.rulebook_reason,
        "kind": result.kind,
        "kind_name": result.kind_name,
        "project": result.project,
        "province": result.province,
        "truncated": result.truncated,
        "total": fmt_score(result.total) if result.total is not None else None,
        "grade": result.grade,
        "total_in_doubt": bool(total_doubt(result.findings)),  # a figure under them read from a scan in doubt
        "counts": {s.value: result.count(s) for s in _SEVERITIES},
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
                "location": place_of(f),
                "expected": f.expected,
                "actual": f.actual,
            }
            for f in result.findings
        ],
        "extracted": [
            {
                "key": g.key,
                "label": g.label + (f"（{g.extra}）" if g.extra else ""),
                "value": figure_value(g),
                "location": g.location.place,
                "quote": g.quote,
            }
            for g in result.figures
        ],
        "score_tables": [
            {
                "family": t.family,
                "rows": [
                    {
                        "level1": r.level1,
                        "level2": r.level2,
                        "name": r.name,
                        "weight": fmt_score(r.weight) if r.weight is not None else None,
                        "score": fmt_score(r.score) if r.score is not None else None,
                        "location": r.location.place,
                    }
                    for r in t.rows
                ],
                "total": fmt_score(t.total_score) if t.total_score is not None else None,
            }
            for t in result.tables
        ],
    }


def opinion_document(
    result: ReviewResult, reviewer_unit: str = "", reviewer: str = "", day: date | None = None
) -> Document:
    """审核意见 on one reviewed document (review/opinion.py); the 落款's unit, reviewer and date left blank unless
    given."""
    from .opinion import opinion_document as opinion

    return opinion(result, reviewer_unit, reviewer, day)


def opinion_docx(result: ReviewResult, reviewer_unit: str = "", reviewer: str = "", day: date | None = None) -> bytes:
    from ..report.docx_out import render_docx

    return render_docx(opinion_document(result, reviewer_unit, reviewer, day))


def review_folder(
    folder: Path,
    rulebook_id: str | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    jobs: int = 1,
) -> list[tuple[Path, ReviewResult | JixiaoError]]:
    """Each report in a folder (not its subfolders), or in a .zip/.7z/.rar or an .eml's attachments (its folders and
    the archives inside it included: formats/archive.py), reviewed; an archive in the folder is opened as well. A
    member of an archive is named by the archive's place, then its path inside ("…/x.zip/内层/文件名.docx":
    `shown_name` gives "x.zip/内层/…"); an archive refused as a whole is one row, naming it. `jobs` processes
    review the documents side by side (`jixiao review DIR` takes one per core; the web's jobs keep 1, in their own
    worker); the rows come in the folder's order whatever order they finish in, the progress as they finish."""
    from contextlib import ExitStack

    from ..formats.archive import ARCHIVES, named, unpacked

    folder = Path(folder)
    archives = ARCHIVES
    if folder.is_dir():
        names = (*SUPPORTED, *archives)
        files = sorted(
            p
            for p in folder.iterdir()
            if p.suffix.lower() in names
            and not p.name.startswith((".", "~$"))
            and not p.name.endswith("审核汇总.xlsx")  # our own summary of an earlier run, not a report
        )
    elif folder.exists():
        files = [folder]
    else:
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(str(folder)))])
    out: list[tuple[Path, ReviewResult | JixiaoError]] = []
    with ExitStack() as stack:  # every archive unpacked first: the progress counts the documents inside
        work: list[tuple[Path, Path | None, JixiaoError | None]] = []  # (shown, file to read, refusal)
        for path in files:
            if path.suffix.lower() not in archives:
                work.append((path, path, None))
                continue
            try:
                members = stack.enter_context(unpacked(path, SUPPORTED))
            except JixiaoError as exc:
                work.append((path, None, exc))
                continue
            work += [(path.parent / m.shown, m.path, m.refused) for m in members]
            if not members:  # said, not left out: the department sent something
                said = f"{named(path.name)}中没有可审核的报告（.docx、.doc、.pdf、.ofd、.txt、.xlsx、.xls 等）。" + (
                    "请检查邮件是否带上了附件。" if path.suffix.lower() == ".eml" else "请检查是否压缩错了文件。"
                )
                work.append((path, None, JixiaoError([Problem("file.archive_empty", said, Location(str(path)))])))
        rows: dict[int, list[ReviewResult] | JixiaoError] = {}
        tasks = []
        for i, (shown, source, refused) in enumerate(work):
            if refused is not None or source is None:
                rows[i] = refused or JixiaoError([])
            else:
                tasks.append((i, shown, source, rulebook_id))
        if progress:
            for n, i in enumerate(rows, 1):
                progress(n, len(work), work[i][0])
        for i, result in _reviewed(tasks, jobs):
            rows[i] = result
            if progress:
                progress(len(rows), len(work), work[i][0])
        for i in range(len(work)):  # a file of several projects' tables: a row a table (review/tableparts.py)
            row = rows[i]
            out += [(r.path, r) for r in row] if isinstance(row, list) else [(work[i][0], row)]
    return out


def _review_task(task: tuple[int, Path, Path, str | None]) -> tuple[int, list[ReviewResult] | JixiaoError]:
    """One document of a folder or an archive: its place in the list and its review — a review a table, for a file
    of several projects' tables — or why it could not be read."""
    from .tableparts import review_file_tables

    i, shown, source, rulebook_id = task
    if source != shown:
        return i, _review_member(source, shown, rulebook_id)
    try:
        return i, review_file_tables(shown, rulebook_id)
    except JixiaoError as exc:
        return i, exc


def _reviewed(
    tasks: list[tuple[int, Path, Path, str | None]], jobs: int
) -> Iterator[tuple[int, list[ReviewResult] | JixiaoError]]:
    """The tasks' reviews as they finish: in this process, or in `jobs` forked ones (the review's modules loaded
    here first, so that each worker inherits them rather than importing them itself). Largest file first: the
    last to finish is then a small one, not a long scan started late."""
    import multiprocessing

    jobs = max(1, min(jobs, len(tasks)))
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_review_task, tasks)
        return
    import importlib

    for module in ("jixiao.review.pipeline", "jixiao.review.narrative", "jixiao.formats.confidence"):
        importlib.import_module(module)

    def size(task: tuple[int, Path, Path, str | None]) -> int:
        try:
            return task[2].stat().st_size
        except OSError:
            return 0  # unreadable: it fails quickly, in its own task

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap_unordered(_review_task, sorted(tasks, key=size, reverse=True))


def _review_member(source: Path, shown: Path, rulebook_id: str | None) -> list[ReviewResult] | JixiaoError:
    """A document unpacked from an archive, read where it was unpacked and named as the user knows it."""
    from ..formats.archive import rename_problems
    from .source import read_source
    from .tableparts import review_tables

    try:
        doc = read_source(source)
        doc.path = shown
        return review_tables(doc, rulebook_id)
    except JixiaoError as exc:
        return rename_problems(exc, str(source), str(shown))


def rulebook_shown(rulebook_id: str | None) -> str:
    """A rulebook as a bureau's officer knows it: its title, its id after it (what --rulebook takes)."""
    if not rulebook_id:
        return "全国通用规则"
    from .kinds import rulebook_title

    title = rulebook_title(rulebook_id)
    return f"{title}（{rulebook_id}）" if title else rulebook_id


# 汇总's columns: those up to 说明 keep their places and 实施单位 stays last (read by position elsewhere)
SUMMARY_HEAD = ("文件", "部门", "年度", "指标体系", "得分表合计", "等级", "错误", "警告", "提示", "说明", "文件类型",
                "审核结论", "主要问题类别", "实施单位")  # fmt: skip
_CONCLUSIONS = ("需更正", "无法审核", "需补充说明", "未发现问题")  # in the order an officer works through them


def _conclusion(result: ReviewResult | JixiaoError) -> str:
    """审核结论 of one file: what the officer has to do about it."""
    if isinstance(result, JixiaoError):
        return "无法审核"
    if result.count(Severity.ERROR):
        return "需更正"
    return "需补充说明" if result.count(Severity.WARNING) else "未发现问题"


def _worked_order(
    results: Iterable[tuple[Path, ReviewResult | JixiaoError]],
) -> list[tuple[Path, ReviewResult | JixiaoError]]:
    """Files as an officer works through them: those with errors first (most errors first), then those that
    could not be read, then those with warnings, then the rest; the folder's order within each."""

    def key(row: tuple[Path, ReviewResult | JixiaoError]) -> tuple[int, ...]:
        result = row[1]
        rank = _CONCLUSIONS.index(_conclusion(result))
        if isinstance(result, JixiaoError):
            return (rank,)
        return (rank, *(-result.count(s) for s in _SEVERITIES))

    return sorted(results, key=key)


def _main_kinds(result: ReviewResult) -> str:
    """The kinds of its errors and warnings with their counts: "得分合计不符2、应填未填3"."""
    found = grouped_by_kind(f for f in result.findings if f.severity is not Severity.INFO)
    return "、".join(f"{kind}{len(items)}" for kind, items in found.items())


def _lay_out(ws: Any, widths: Iterable[float], numbers: dict[int, str] | None = None) -> None:
    """A ledger's sheet: the header bold on grey, frozen and filtered, widths, wrapped text, number formats by
    column, printed landscape on A4, one page wide, the header repeated on every page."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for cell in ws[1]:
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if numbers and cell.column in numbers:
                cell.number_format = numbers[cell.column]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def summary_workbook(results: Iterable[tuple[Path, ReviewResult | JixiaoError]]) -> bytes:
    """审核汇总.xlsx, a bureau's ledger of a folder's review. 汇总 (first: the web's job page reads it): one row per
    file, errors first; 全部问题: every finding, the document's words at its place and a column for the officer's
    整改情况; 问题类别统计: findings by kind and severity; 分类计数: per file, its errors and warnings by kind;
    无法审核: the files that could not be read, with why. The columns of 汇总 up to 说明 keep their places, and
    实施单位 stays last, for whoever reads the sheet by position."""
    from openpyxl import Workbook  # loaded for a folder's summary only, not for every review

    from ..report.xlsx_out import safe_text
    from .opinion import quoted

    rows = _worked_order(results)
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    findings = wb.create_sheet("全部问题")
    by_kind = wb.create_sheet("问题类别统计")
    per_file = wb.create_sheet("分类计数")
    unread = wb.create_sheet("无法审核")
    summary.append(list(SUMMARY_HEAD))
    findings.append(["文件", "部门", "级别", "问题类别", "位置", "问题", "应为", "报告", "原文", "整改情况", "代码"])
    unread.append(["文件", "无法审核的原因", "代码"])
    counts: dict[str, dict[Severity, int]] = {}
    files_of: dict[str, set[str]] = {}
    reviewed: list[tuple[str, ReviewResult]] = []
    for path, result in rows:
        name = shown_name(path)
        if isinstance(result, JixiaoError):
            said = result.problems[0].message if result.problems else "无法审核。"
            summary.append([name, None, None, None, None, None, None, None, None, safe_text(said), None, "无法审核"])
            for p in result.problems or (None,):
                unread.append([name, safe_text(p.message if p else said), p.code if p else ""])
            continue
        reviewed.append((name, result))
        summary.append(
            [
                name,
                safe_text(result.department),
                result.year,
                rulebook_shown(result.rulebook_id),
                float(result.total) if result.total is not None else None,
                result.grade,
                result.count(Severity.ERROR),
                result.count(Severity.WARNING),
                result.count(Severity.INFO),
                ("文件不完整，中断处之后的内容未审核。" if result.truncated else "")
                + (f"得分表合计与等级{total_doubt(result.findings)}。" if total_doubt(result.findings) else ""),
                result.kind_name.split("（")[0],
                _conclusion(result),
                _main_kinds(result),
                safe_text(result.unit),
            ]
        )
        for f in result.findings:
            kind = kind_of_finding(f.code)
            counts.setdefault(kind, dict.fromkeys(_SEVERITIES, 0))[f.severity] += 1
            files_of.setdefault(kind, set()).add(name)
            findings.append(
                [
                    name,
                    safe_text(result.department),
                    f.severity.value,
                    kind,
                    place_of(f),
                    safe_text(f.message),
                    safe_text(f.expected),
                    safe_text(f.actual),
                    safe_text(quoted(result, f)),
                    "",
                    f.code,
                ]
            )
    by_kind.append(["问题类别", "错误", "警告", "提示", "合计", "涉及文件数"])
    ranked = sorted(counts.items(), key=lambda kv: tuple(-kv[1][s] for s in _SEVERITIES))
    for kind, n in ranked:
        by_kind.append([kind, *(n[s] for s in _SEVERITIES), sum(n.values()), len(files_of[kind])])
    if ranked:
        column = [sum(n[s] for _, n in ranked) for s in _SEVERITIES]
        by_kind.append(["合计", *column, sum(column), len({f for names in files_of.values() for f in names})])
    kinds = [kind for kind, n in ranked if n[Severity.ERROR] or n[Severity.WARNING]]
    per_file.append(["文件", "部门", "错误", "警告", *kinds])
    for name, result in reviewed:
        found = grouped_by_kind(f for f in result.findings if f.severity is not Severity.INFO)
        per_file.append(
            [name, safe_text(result.department), result.count(Severity.ERROR), result.count(Severity.WARNING)]
            + [len(found.get(kind, ())) or None for kind in kinds]
        )
    # widths in characters, about 200 a row: landscape A4 one page wide prints it at about 70%
    _lay_out(summary, (22, 18, 6, 24, 8, 6, 6, 6, 6, 22, 16, 10, 26, 18), {3: "0", 5: "0.00"})
    _lay_out(findings, (20, 16, 6, 14, 16, 60, 10, 10, 30, 14, 16))
    _lay_out(by_kind, (24, 9, 9, 9, 9, 11))
    _lay_out(per_file, (30, 22, 7, 7, *(10 for _ in kinds)))
    _lay_out(unread, (36, 90, 20))
    for sheet in wb.worksheets:  # no cell is a formula: a file named "=1+2.txt" is its name (the web reads it back)
        for line in sheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
