"""The report: from an evaluation to 自评报告.docx / .pdf / .html / .md and the attachment workbook 附件表.xlsx.

`content.build_document` walks the rulebook's outline (`outline`, `outlines/*.yaml`) and fills each section from
the narrative (`narrative`), the generated paragraphs (`paragraphs`, `figures`), the tables (`tables`,
`mof_tables`) and charts (`charts`), into a renderer-neutral `document.Document`; `docx_out`, `html_out`,
`md_out` and `xlsx_out` render it, `pdf` converts the .docx through LibreOffice. Public names (from `write`):
`write_report` (every format into a folder, staged so a failed run leaves no half report), `render_all` (the
formats in memory), `FORMATS`, `ReportResult`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .write import FORMATS, ReportResult, render_all, write_report

__all__ = ["FORMATS", "ReportResult", "render_all", "write_report"]


def __getattr__(name: str) -> Any:
    """The public names load `write` (the pipeline, every writer) on first use: `jixiao review` imports
    `jixiao.report.outline`, and a package that imported `write` up front would load it all at its start
    (tests/test_imports.py, bench/startup.py)."""
    if name in __all__:
        from . import write

        return getattr(write, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
