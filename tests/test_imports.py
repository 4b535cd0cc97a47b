"""Start-up stays light: the command line loads document, spreadsheet, PDF, plotting and web libraries only
in the commands that use them (issue 15). Each command runs in a fresh interpreter; the test reads back which
modules it loaded. No timing here: bench/startup.py measures the seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "matplotlib",
    "docx",
    "openpyxl",
    "xlsxwriter",
    "sqlalchemy",
    "fastapi",
    "uvicorn",
    "huey",
    "alembic",
    "pdfplumber",
)
_PROBE = """
import contextlib, io, json, sys
from jixiao.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if "." not in m)}))
"""


def loaded(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], set(result["modules"])


SEED_TEXT = ROOT / "tests" / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("score", "examples/baoan-fulian-2023"),
        ("score", "examples/baoan-fulian-2023", "--json"),
        ("explain", "examples/baoan-fulian-2023", "budget_execution"),
        ("check", "examples/baoan-fulian-2023"),
        ("rulebooks",),
    ],
)
def test_commands_start_without_heavy_libraries(argv: tuple[str, ...]) -> None:
    code, modules = loaded(*argv)
    assert code in (0, 1), f"jixiao {' '.join(argv)} exited {code}"
    assert not modules & set(HEAVY), f"jixiao {' '.join(argv)} loaded {sorted(modules & set(HEAVY))}"


# Standard modules a .txt review never uses, imported where they are used (issue 15: a few ms of start-up):
# the zip reader and the XML parser of the Office files' guard (files/guard.py), the process runner of the PDF
# reader (review/pdfread.py); PyYAML is held out of a warm review by tests/test_yaml_cache.py.
TEXT_REVIEW_UNUSED = ("zipfile", "pyexpat", "subprocess")


def test_reviewing_a_text_report_loads_no_document_library() -> None:
    code, modules = loaded("review", str(SEED_TEXT))
    assert code in (0, 1)
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert not modules & set(TEXT_REVIEW_UNUSED), sorted(modules & set(TEXT_REVIEW_UNUSED))


def test_the_probe_sees_a_library_that_is_loaded(tmp_path: Path) -> None:
    # The check can fail: writing a report does load the spreadsheet writer.
    code, modules = loaded("report", "examples/baoan-fulian-2023", "--out", str(tmp_path), "--format", "xlsx")
    assert code == 0 and "xlsxwriter" in modules
    assert "matplotlib" not in modules  # charts are drawn without a plotting library


# A reviewed document loads the reader of its own format and no other (issue 15: docx, openpyxl, the PDF
# readers and the OCR engine only for the format at hand).
READERS = {"docx", "openpyxl", "pdfplumber", "pdfminer", "pypdfium2", "pypdf", "rapidocr", "rapidocr_onnxruntime",
           "onnxruntime", "cv2"}  # fmt: skip
OWN = {".docx": {"docx"}, ".xlsx": {"openpyxl"}, ".pdf": {"pdfplumber", "pdfminer"}}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report")
    formats = "docx,xlsx,pdf" if shutil.which("soffice") or shutil.which("libreoffice") else "docx,xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "report", "examples/baoan-fulian-2023", "--out", str(out),
         "--format", formats],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 2), done.stderr[-2000:]
    return {p.suffix: p for p in out.iterdir() if p.suffix in OWN}


@pytest.mark.parametrize("suffix", sorted(OWN))
def test_reviewing_a_document_loads_only_its_own_reader(written, suffix: str) -> None:
    if suffix not in written:
        pytest.skip("PDF output needs LibreOffice (scripts/setup.sh)")
    code, modules = loaded("review", str(written[suffix]))
    assert code in (0, 1)
    assert modules & OWN[suffix], f"{suffix}: its reader was not loaded — is the probe blind?"
    others = (modules & READERS) - OWN[suffix]
    assert not others, f"review of a {suffix} loaded {sorted(others)}"
    assert not modules & {"matplotlib", "sqlalchemy", "fastapi", "xlsxwriter", "huey", "alembic"}


def test_reviewing_a_text_report_loads_no_report_writer_or_pipeline() -> None:
    """The review reads a regional outline from jixiao.report.outline: the package must not load its writers."""
    probe = _PROBE.replace('if "." not in m', 'if m.startswith("jixiao.")')
    done = subprocess.run(
        [sys.executable, "-c", probe, "review", str(SEED_TEXT)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    modules = set(json.loads(done.stdout.strip().splitlines()[-1])["modules"])
    assert "jixiao.review.pipeline" in modules  # the probe sees the package's modules
    unwanted = {"jixiao.report.write", "jixiao.report.docx_out", "jixiao.report.content", "jixiao.pipeline",
                "jixiao.files.excel_in", "jixiao.formats.office", "jixiao.cycle.targets"}  # fmt: skip
    assert not modules & unwanted, sorted(modules & unwanted)


def test_help_loads_none_of_the_core() -> None:
    """`jixiao --help` builds every command's parser and nothing else: the error model, numbers, file guards
    and YAML load inside the commands (issue 15: --help ≤ 5× a bare interpreter)."""
    probe = _PROBE.replace('if "." not in m', 'if m.startswith("jixiao.") or m in ("yaml", "decimal", "zipfile")')
    done = subprocess.run(
        [sys.executable, "-c", probe, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(result["modules"])
    assert result["code"] == 0 and "jixiao.cli" in modules  # the probe sees jixiao's own modules
    core = {
        m
        for m in modules
        if m.startswith("jixiao.") and m.split(".")[1] in ("model", "files", "scoring", "review", "report")
    }
    assert not core, sorted(core)
    assert not modules & {"yaml", "decimal", "zipfile"}, sorted(modules & {"yaml", "decimal", "zipfile"})
