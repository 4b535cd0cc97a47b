"""Every bundled example scores and renders byte for byte as the committed goldens in tests/fixtures/golden/.

This is the guard for refactoring the core (issue 16): a change that moves code must leave every output the same.
For each example input (examples/*: the folder with its data.yaml, and each filled workbook in it) the test
compares
- `evaluation.json`: the whole evaluation as canonical JSON — total, grade, steps, notes, every indicator's score
  from the fast path, and the full tree of `ScoredNode`s with every trace (figures read with their place, steps,
  rounding, deductions, flags) — plus the run's warnings and the consistency findings, with their places;
- `score.txt`: what `jixiao score` prints (表1);
- the report as `render_all` makes it: 自评报告.md and .html (and the chart images beside the .md) as text, and
  自评报告.docx and 附件表.xlsx part by part, each XML part as text. The only normalisation: the timestamps
  `dcterms:created` / `dcterms:modified` in `docProps/core.xml` are replaced by a fixed mark, so a renderer that
  stamps the time of the run would not fail the test. Binary parts (the docx thumbnail) and the large static parts
  of the docx frame (styles, theme) are compared by SHA-256, kept in `parts.sha256.json`.

The domain cases of tests/cases/*.yaml are kept the same way (`cases/<file>.json`: every case's evaluation with
its traces), so that the performance-target rows, the project rulebooks and every rule kind are held in detail too.

The goldens were generated from the code before any refactoring. To regenerate after an intended change of
output (never to make a refactoring pass): `JIXIAO_GOLDEN_WRITE=1 .venv/bin/python -m pytest tests/test_golden.py`,
and review the diff of tests/fixtures/golden/ before committing it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.model.checks import check_consistency
from jixiao.model.problems import Location, Problem
from jixiao.pipeline import run
from jixiao.render.text import render_score_text
from jixiao.report.write import render_all
from jixiao.scoring.trace import Evaluation

from .conftest import evaluate_case

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
WRITE = os.environ.get("JIXIAO_GOLDEN_WRITE") == "1"
FORMATS = ("docx", "html", "xlsx", "md")
# Parts of the docx frame that are large, static and the same in every report: compared by digest, not as text.
BY_DIGEST = {"word/styles.xml", "word/stylesWithEffects.xml", "word/theme/theme1.xml", "docProps/thumbnail.jpeg"}
_TIMESTAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _inputs() -> list[str]:
    """Every example folder (its data.yaml), and every workbook in it, as paths relative to the repository."""
    found = []
    for folder in sorted((ROOT / "examples").iterdir()):
        if folder.is_dir():
            found.append(f"examples/{folder.name}")
            found += [f"examples/{folder.name}/{wb.name}" for wb in sorted(folder.glob("*.xlsx"))]
    return found


def _case_name(path: str) -> str:
    return path.removeprefix("examples/").replace("/", "__")


def canonical(value: Any) -> Any:
    """Plain JSON of the records: Decimals as their exact text, places as the text a user reads and their parts."""
    if isinstance(value, Decimal):
        return f"Decimal:{value}"
    if isinstance(value, Location):
        return {"text": str(value), **value.as_dict()}
    if isinstance(value, Problem):
        return {
            "code": value.code,
            "message": value.message,
            "location": canonical(value.location),
            "severity": value.severity.name,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # the tree's maker and the fast path's leaf list are how the evaluation is made, not what it says
        made_by = ("tree", "flat_leaves")
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in made_by}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def evaluation_json(evaluation: Evaluation, warnings: tuple[Problem, ...], findings: list[Problem]) -> str:
    record = {
        "evaluation": canonical(evaluation),
        "scores": {k: canonical(v) for k, v in sorted(evaluation.scores.items())},
        "roots": canonical(evaluation.roots),
        "supplementary": canonical(evaluation.supplementary),
        "warnings": canonical(warnings),
        "findings": canonical(findings),
    }
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _split_xml(data: bytes) -> bytes:
    """One paragraph, row or element end per line, so that a diff of a golden is readable (the change is
    injective: the compared text is the part itself with newlines added after these closing tags)."""
    for tag in (b"</w:p>", b"</w:tr>", b"</row>", b"</si>", b"</c:ser>"):
        data = data.replace(tag, tag + b"\n")
    return data


def package_parts(content: bytes) -> tuple[dict[str, bytes], dict[str, str]]:
    """A .docx/.xlsx as its parts: XML parts as text (timestamps normalised), others by SHA-256."""
    texts: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "docProps/core.xml":
                data = _TIMESTAMP.sub(rb"\1(timestamp)\3", data)
            if name in BY_DIGEST or not name.endswith((".xml", ".rels")):
                digests[name] = hashlib.sha256(data).hexdigest()
            else:
                texts[name] = _split_xml(data)
    return texts, digests


def outputs_of(path: str) -> dict[str, bytes]:
    """Every file the golden keeps for one input: relative name -> bytes."""
    prepared, evaluation = run(Path(path))
    files = {
        "evaluation.json": evaluation_json(evaluation, prepared.warnings, check_consistency(prepared.data)).encode(
            "utf-8"
        ),
        "score.txt": render_score_text(
            evaluation,
            prepared.rulebook.report.get("score_table_title", "表 1：自评得分一览表"),
            prepared.rulebook.strip_zeros,
        ).encode("utf-8"),
    }
    rendered, warnings = render_all(prepared, evaluation, FORMATS)
    files["report.warnings.json"] = (json.dumps(warnings, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    for name, content in sorted(rendered.items()):
        if name.endswith((".docx", ".xlsx")):
            texts, digests = package_parts(content)
            for part, data in texts.items():
                files[f"{name}/{part}"] = data
            files[f"{name}/parts.sha256.json"] = (json.dumps(digests, indent=1, sort_keys=True) + "\n").encode()
        else:
            files[name] = content
    return files


@pytest.mark.parametrize("path", _inputs(), ids=_case_name)
def test_example_scores_and_renders_as_the_golden(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # places in traces and warnings read as the user typed the path
    folder = GOLDEN / _case_name(path)
    got = outputs_of(path)
    if WRITE:
        for name, content in got.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    kept = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert kept, f"no golden for {path}: generate it with JIXIAO_GOLDEN_WRITE=1"
    assert sorted(got) == sorted(kept), f"{path}: the outputs are not the files of the golden"
    changed = [name for name in sorted(got) if got[name] != kept[name]]
    assert not changed, f"{path}: output differs from the golden in {changed}"


def _case_files() -> list[Path]:
    return sorted((ROOT / "tests" / "cases").glob("*.yaml"))


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda p: p.stem)
def test_domain_cases_evaluate_as_the_golden(case_file: Path) -> None:
    cases = yaml.safe_load(case_file.read_text(encoding="utf-8")) or []
    record = {
        case["name"]: json.loads(evaluation_json(evaluate_case(case, case_file.parent), (), [])) for case in cases
    }
    got = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    target = GOLDEN / "cases" / f"{case_file.stem}.json"
    if WRITE:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(got, encoding="utf-8")
    assert target.exists(), f"no golden for {case_file.name}: generate it with JIXIAO_GOLDEN_WRITE=1"
    assert got == target.read_text(encoding="utf-8"), f"{case_file.name}: an evaluation differs from the golden"


def test_golden_covers_every_example() -> None:
    """A new example without a golden (or a golden for a removed example) fails here, not silently."""
    expected = {_case_name(p) for p in _inputs()} | {"cases"}
    assert {p.name for p in GOLDEN.iterdir() if p.is_dir()} == expected
    assert {p.stem for p in (GOLDEN / "cases").glob("*.json")} == {p.stem for p in _case_files()}
