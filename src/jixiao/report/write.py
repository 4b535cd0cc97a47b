"""Writing the report: every format rendered in memory, then staged and moved into the output folder.

`write_report` renders every format in memory, writes them into a temporary folder inside the output
folder, converts the PDF there, and only then moves each file into place: a failed run leaves earlier
outputs untouched, and no reader ever sees a half-written file. The output folder is checked before the
work; a staging folder left by a killed run is removed by the next run into the same folder.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jixiao.files.fileio import remove_stale, staging_prefix
from jixiao.files.guard import check_output_dir
from jixiao.model.problems import JixiaoError, Location, Problem
from jixiao.pipeline import Prepared
from jixiao.scoring.trace import Evaluation

from .content import build_document
from .docx_out import render_docx
from .html_out import render_html
from .md_out import render_markdown
from .odt_out import render_fodt
from .pdf import PdfError, convert_to_pdf
from .xlsx_out import render_workbook

__all__ = [
    "ATTACHMENTS_NAME",
    "DEFAULT_FORMATS",
    "FORMATS",
    "REPORT_NAME",
    "ReportResult",
    "render_all",
    "write_report",
]

FORMATS = ("docx", "pdf", "html", "xlsx", "md")
DEFAULT_FORMATS = ("docx", "pdf", "html", "xlsx")
REPORT_NAME = "自评报告"
ATTACHMENTS_NAME = "附件表"


@dataclass
class ReportResult:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _created(prepared: Prepared) -> datetime:
    """A fixed document date (1 January after the evaluated year) so that re-running gives the same file."""
    year = prepared.data.year or 2000
    return datetime(year + 1, 1, 1)


def render_all(
    prepared: Prepared,
    evaluation: Evaluation,
    formats: tuple[str, ...],
    narrative: Mapping[str, str] | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """Every format asked for, in memory (name -> bytes), and the warnings; the narrative from `narrative`
    (section name -> Markdown) when given, else from narrative/ beside the data."""
    document = build_document(prepared, evaluation, narrative_texts=narrative)
    outputs: dict[str, bytes] = {}
    if "docx" in formats:
        outputs[f"{REPORT_NAME}.docx"] = render_docx(document, prepared.data.name, _created(prepared))
    if "pdf" in formats:  # what LibreOffice prints: its own format, read in half the time of .docx (odt_out.py)
        outputs[f"{REPORT_NAME}.fodt"] = render_fodt(document)
    if "html" in formats:
        outputs[f"{REPORT_NAME}.html"] = render_html(document)
    if "md" in formats:
        text, images = render_markdown(document, f"{REPORT_NAME}_")
        outputs[f"{REPORT_NAME}.md"] = text
        outputs.update(images)
    if "xlsx" in formats:
        outputs[f"{ATTACHMENTS_NAME}.xlsx"] = render_workbook(document.attachments)
    return outputs, list(document.warnings)


def write_report(
    prepared: Prepared, evaluation: Evaluation, out_dir: Path, formats: tuple[str, ...] = DEFAULT_FORMATS
) -> ReportResult:
    out_dir = Path(out_dir)
    check_output_dir(out_dir)  # a file, an unwritable folder or a folder under a file: refused before the work
    remove_stale(out_dir, "staging")  # a killed earlier run's staging folder
    outputs, warnings = render_all(prepared, evaluation, formats)
    result = ReportResult(warnings=warnings)
    with _terminate_cleanly():
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix("staging"), dir=out_dir))
        return _stage_and_move(outputs, formats, staging, out_dir, result)


def _stage_and_move(
    outputs: dict[str, bytes], formats: tuple[str, ...], staging: Path, out_dir: Path, result: ReportResult
) -> ReportResult:
    try:
        for name, content in outputs.items():
            (staging / name).write_bytes(content)
        keep = [name for name in outputs if not name.endswith(".fodt")]
        if "pdf" in formats:
            try:
                convert_to_pdf([staging / f"{REPORT_NAME}.fodt"], staging)
                keep.append(f"{REPORT_NAME}.pdf")
            except PdfError as exc:
                result.warnings.append(str(exc))
        for name in keep:
            target = out_dir / name
            (staging / name).replace(target)
            result.files.append(target)
    except OSError as exc:  # disk full, a target that is a folder: said with the place, never a traceback
        raise JixiaoError(
            [
                Problem(
                    "output.write_failed",
                    f"写入输出目录失败（{exc.strerror or type(exc).__name__}：{exc.filename or ''}）。"
                    "已写好的文件保持不变；请检查磁盘空间和权限后重试。",
                    Location(str(out_dir)),
                )
            ]
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


@contextlib.contextmanager
def _terminate_cleanly():
    """While files are staged, SIGTERM (a stopped job, `kill`) ends the run through `finally`, so the staging
    folder goes with it; a SIGKILL leaves it to the next run (remove_stale). Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
