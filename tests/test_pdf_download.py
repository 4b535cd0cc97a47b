"""The web app's PDF download: the report printed from its Flat ODT by the long-lived LibreOffice (issue 15)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from jixiao.formats import office

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    office.shared_converter() is None or shutil.which("pdftotext") is None,
    reason="python3-uno, LibreOffice and poppler-utils are installed by scripts/setup.sh",
)
def test_pdf_download_is_the_report(tmp_path: Path) -> None:
    from jixiao.web.views import download

    department = SimpleNamespace(name="深圳市宝安区妇女联合会")
    evaluation = SimpleNamespace(
        department=department,
        year=2023,
        data_yaml=(ROOT / "examples" / "baoan-fulian-2023" / "data.yaml").read_text(encoding="utf-8"),
        narrative_json="{}",
        rulebook_id="shenzhen-baoan/department/2023",
    )
    warming = office.warm_up()  # as the served app does at start-up: the download finds LibreOffice running
    assert warming is not None
    warming.join(120)
    converter = office.shared_converter()
    assert converter is not None and converter._proc is not None
    starts = converter.starts
    content, name, mime = download(evaluation, "pdf")  # type: ignore[arg-type]
    assert converter.starts == starts
    assert (name, mime) == ("深圳市宝安区妇女联合会2023年度自评报告.pdf", "application/pdf")
    (tmp_path / name).write_bytes(content)
    text = subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True, check=True).stdout
    assert "部门整体支出绩效自评得分情况" in text and "97.61" in text
    assert "—1—" in "".join(text.split())  # the footer's page number
