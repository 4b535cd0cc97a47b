"""PDF through LibreOffice (headless), converting the docx, with its own profile and a time limit.

`convert_to_pdf(files, outdir)` converts a batch in one LibreOffice start (the expensive part), so a
bureau's batch does not pay one start per department. Fonts are mapped by the fontconfig file shipped
with jixiao (render/fonts.conf). When LibreOffice is missing the caller still writes the other formats.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfError", "convert_to_pdf", "find_soffice"]

FONTS_CONF = Path(__file__).resolve().parent.parent / "render" / "fonts.conf"
INSTALL_HINT = "请安装 LibreOffice：apt-get install libreoffice-writer-nogui fonts-noto-cjk（Debian/Ubuntu）"


class PdfError(RuntimeError):
    """PDF could not be made; the message is Chinese and says why and what to do."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(files: list[Path], outdir: Path, timeout: float = 180) -> list[Path]:
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(f"未找到 LibreOffice，PDF 未生成（其他格式已生成）。{INSTALL_HINT}")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": profile}
        command = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒），PDF 未生成。可稍后重试或减少一次转换的文件数。"
            ) from None
    produced = [outdir / (f.stem + ".pdf") for f in files]
    missing = [p for p in produced if not p.exists()]
    if missing:
        detail = (result.stderr or result.stdout or "").strip().splitlines()[-1:] or ["无输出"]
        raise PdfError(f"LibreOffice 未能生成 {'、'.join(p.name for p in missing)}（{detail[0]}）。")
    return produced
