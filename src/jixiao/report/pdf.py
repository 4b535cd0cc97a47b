"""PDF through LibreOffice (headless), with a time limit per file.

What LibreOffice prints is the report written as Flat ODT (odt_out.py), not the .docx: LibreOffice reads its
own format in about half the CPU time of its .docx import, and the pages and text are the same (bench/pdf.py
and tests/test_speed_paths.py compare them); a .docx given here converts as well. The conversion goes through
jixiao.formats.office: one long-lived LibreOffice per process (started on first use, or at the web app's
start, and kept for the batch or the web app's lifetime), with a fall-back to one `soffice --convert-to` start
for all files when python3-uno is absent. Fonts are mapped by the fontconfig file shipped with jixiao
(render/fonts.conf). When LibreOffice is missing the caller still writes the other formats.
"""

from __future__ import annotations

from pathlib import Path

from ..formats import office

__all__ = ["PdfError", "convert_to_pdf", "find_soffice"]

INSTALL_HINT = "请安装 LibreOffice：apt-get install libreoffice-writer-nogui fonts-noto-cjk（Debian/Ubuntu）"


class PdfError(RuntimeError):
    """PDF could not be made; the message is Chinese and says why and what to do."""


def find_soffice() -> str | None:
    return office.find_soffice()


def convert_to_pdf(files: list[Path], outdir: Path, timeout: float = office.CONVERT_TIMEOUT) -> list[Path]:
    """Each document in `files` (.fodt as write.py makes it, or .docx) as PDF in outdir (same stem); `timeout` is
    per file."""
    if find_soffice() is None:
        raise PdfError(f"未找到 LibreOffice，PDF 未生成（其他格式已生成）。{INSTALL_HINT}")
    try:
        return office.convert_files([Path(f) for f in files], "pdf", Path(outdir), timeout)
    except office.ConversionError as exc:
        raise PdfError(f"PDF 未生成：{exc}") from None
