"""Property: whatever a careless or hostile user does to the bundled examples, jixiao answers with a clear error.

Hypothesis mutates examples/*/data.yaml (values, lines, indentation, raw bytes, cut-offs) and the 衡山 workbook
(cell values, XML parts cut or garbled or dropped, the file cut off), about 2,200 cases a run, and runs the
CLI in-process on each: never exit 3, never a traceback or 内部错误, under 10 s each, the input file unchanged.
A few cases also run as subprocesses under a 1 GB address-space cap (resource.setrlimit), so that a case
that would need more memory fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.cli import main

from .test_hostile_files import HENGSHAN_SHEETS, HENGSHAN_XLSX, ROOT, Member, sheet_part, workbook_members, write_zip

EXAMPLES = sorted((ROOT / "examples").glob("*/data.yaml"))
GB = 1 << 30
SETTINGS = {
    "deadline": None,
    "database": None,  # no .hypothesis folder in the working tree
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
WORKDIR = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))

# What people (and attackers) type where a value belongs.
HOSTILE = [
    "1" + "0" * 50,
    "1e400",
    "-1e400",
    "nan",
    "NaN",
    "inf",
    "-0",
    "-5",
    "0.0000000000000000000001",
    "99999999999999999999999.99",
    "12,34,5",
    "１２３．４５",
    "98.78",
    "98.78%%",
    "%",
    "万元",
    "二千三百万",
    "是",
    "否",
    "null",
    "~",
    "''",
    '"',
    "[",
    "{",
    "]]]",
    "&a x",
    "*a",
    "!!python/object:os.system",
    "<<: *a",
    "- - -",
    "? x",
    "|",
    ">-",
    "\t",
    "2023-02-30",
    "0x1F",
    "1_000",
    "True",
    "=SUM(A1:A2)",
    "#REF!",
    "x" * 5000,
]
TOKENS = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_clean_run(path: Path, command: str) -> None:
    """In-process CLI on a mutated input: exit 0, 1 or 2, no traceback, under 10 s, the file unchanged."""
    before = _digest(path)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([command, str(path)])
    elapsed = time.perf_counter() - started
    text = out.getvalue() + err.getvalue()
    assert code in (0, 1, 2), f"exit {code}: {text[-2000:]}"
    assert "Traceback" not in text and "内部错误" not in text, text[-2000:]
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert _digest(path) == before, "the input file was changed"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < GB


# --- YAML -----------------------------------------------------------------------------------------------

_VALUE = re.compile(r"^(\s*(?:- )?[^\s:#][^:#]*:\s)(.+?)(\s*#.*)?$")

YAML_MUTATIONS = st.one_of(
    st.tuples(st.just("value"), st.integers(0, 10**6), TOKENS),
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), TOKENS),
    st.tuples(st.just("indent"), st.integers(0, 10**6), st.integers(-4, 4)),
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("bytes"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
)


def _mutate_yaml(text: str, mutations: list[tuple]) -> bytes:
    lines = text.split("\n")
    data: bytes | None = None
    for mutation in mutations:
        kind = mutation[0]
        if data is not None:  # raw bytes already injected: keep cutting bytes only
            if kind == "cut":
                data = data[: int(len(data) * mutation[1])]
            continue
        i = mutation[1] % max(len(lines), 1) if isinstance(mutation[1], int) else 0
        if kind == "value" and lines:
            match = _VALUE.match(lines[i])
            if match:
                lines[i] = f"{match.group(1)}{mutation[2]}"
        elif kind == "delete" and lines:
            del lines[i]
        elif kind == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif kind == "insert":
            lines.insert(i, str(mutation[2]))
        elif kind == "indent" and lines:
            shift = mutation[2]
            lines[i] = " " * shift + lines[i] if shift > 0 else lines[i][-shift:]
        elif kind == "cut":
            joined = "\n".join(lines)
            lines = joined[: int(len(joined) * mutation[1])].split("\n")
        elif kind == "bytes":
            raw = "\n".join(lines).encode()
            at = int(len(raw) * mutation[1])
            data = raw[:at] + mutation[2] + raw[at:]
    return data if data is not None else "\n".join(lines).encode()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
@settings(max_examples=1000, **SETTINGS)
@given(mutations=st.lists(YAML_MUTATIONS, min_size=1, max_size=4), command=st.sampled_from(["score", "check"]))
def test_mutated_yaml_is_a_clear_error_or_a_result(example, mutations, command):
    folder = Path(tempfile.mkdtemp(dir=WORKDIR))
    path = folder / "data.yaml"
    path.write_bytes(_mutate_yaml(example.read_text(encoding="utf-8"), mutations))
    for name in ("narrative",):  # the example's narrative beside it, as users keep it
        source = example.parent / name
        if source.exists():
            (folder / name).symlink_to(source)
    _assert_clean_run(path, command)


# --- workbooks ------------------------------------------------------------------------------------------

MEMBERS = workbook_members(HENGSHAN_XLSX)
NUMBER_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*)><v>([^<]*)</v></c>')
READ_SHEETS = [title for title in HENGSHAN_SHEETS if title != "填报说明"]

XLSX_MUTATIONS = st.one_of(
    st.tuples(st.just("number"), st.sampled_from(READ_SHEETS), st.integers(0, 10**6), TOKENS),
    st.tuples(st.just("text"), st.sampled_from(READ_SHEETS), st.integers(0, 10**6), TOKENS),
    st.tuples(st.just("cut_part"), st.sampled_from(sorted(MEMBERS)), st.floats(0, 1)),
    st.tuples(st.just("garble_part"), st.sampled_from(sorted(MEMBERS)), st.floats(0, 1), st.binary(max_size=8)),
    st.tuples(st.just("drop_part"), st.sampled_from(sorted(MEMBERS))),
    st.tuples(st.just("cut_file"), st.floats(0, 1)),
)


def _escape(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _replace_cell(xml: bytes, index: int, cell: str) -> bytes:
    cells = list(NUMBER_CELL.finditer(xml))
    if not cells:
        return xml
    match = cells[index % len(cells)]
    return xml[: match.start()] + cell.replace("@", match.group(1).decode()).encode() + xml[match.end() :]


def _mutate_xlsx(mutations: list[tuple]) -> bytes:
    parts = dict(MEMBERS)
    cut_at: float | None = None
    for mutation in mutations:
        kind = mutation[0]
        if kind in ("number", "text") and sheet_part(mutation[1]) not in parts:
            continue  # the sheet was dropped by an earlier mutation
        if kind == "number":
            # a numeric cell holding what was typed, as a program (not Excel) might write it
            token = _escape(str(mutation[3]))[:200]
            parts[sheet_part(mutation[1])] = _replace_cell(
                parts[sheet_part(mutation[1])], mutation[2], f'<c r="@" t="n"><v>{token}</v></c>'
            )
        elif kind == "text":
            token = _escape(str(mutation[3]))
            parts[sheet_part(mutation[1])] = _replace_cell(
                parts[sheet_part(mutation[1])], mutation[2], f'<c r="@" t="inlineStr"><is><t>{token}</t></is></c>'
            )
        elif kind == "cut_part" and mutation[1] in parts:
            parts[mutation[1]] = parts[mutation[1]][: int(len(parts[mutation[1]]) * mutation[2])]
        elif kind == "garble_part" and mutation[1] in parts:
            content = parts[mutation[1]]
            at = int(len(content) * mutation[2])
            parts[mutation[1]] = content[:at] + mutation[3] + content[at + len(mutation[3]) :]
        elif kind == "drop_part":
            parts.pop(mutation[1], None)
        elif kind == "cut_file":
            cut_at = mutation[1]
    data = write_zip([Member.of(name, content) for name, content in parts.items()])
    return data[: int(len(data) * cut_at)] if cut_at is not None else data


@settings(max_examples=200, **SETTINGS)
@given(mutations=st.lists(XLSX_MUTATIONS, min_size=1, max_size=3), command=st.sampled_from(["score", "check"]))
def test_mutated_workbook_is_a_clear_error_or_a_result(mutations, command):
    path = Path(tempfile.mkdtemp(dir=WORKDIR)) / "填报.xlsx"
    path.write_bytes(_mutate_xlsx(mutations))
    _assert_clean_run(path, command)


# --- a few under a memory cap, as separate processes ----------------------------------------------------


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


@settings(max_examples=4, **SETTINGS)
@given(
    yaml_mutations=st.lists(YAML_MUTATIONS, min_size=1, max_size=4),
    xlsx_mutations=st.lists(XLSX_MUTATIONS, min_size=1, max_size=3),
)
def test_mutated_inputs_under_a_1_gb_cap_in_a_subprocess(yaml_mutations, xlsx_mutations):
    folder = Path(tempfile.mkdtemp(dir=WORKDIR))
    inputs = [folder / "data.yaml", folder / "填报.xlsx"]
    inputs[0].write_bytes(_mutate_yaml(EXAMPLES[0].read_text(encoding="utf-8"), yaml_mutations))
    inputs[1].write_bytes(_mutate_xlsx(xlsx_mutations))
    for path in inputs:
        before = _digest(path)
        result = subprocess.run(
            [sys.executable, "-m", "jixiao.cli", "score", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=_cap_memory,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode in (0, 1, 2), result.stderr[-2000:]
        assert "Traceback" not in result.stderr and "内部错误" not in result.stderr, result.stderr[-2000:]
        assert _digest(path) == before
