"""The pipeline takes a path, YAML text or a reader's raw tree, with the same data, errors and places (issue 16).

The web app scores what it holds in memory through `pipeline.prepare_text`; a caller with a tree made elsewhere
passes a `model.dataset.SourceTree`. Each must give what the path gives: the same typed values, the same place
(file:line, as the user knows the file) for every value, the same problems with their places, the same scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.files.department import read_department
from jixiao.files.yamlsrc import yaml_text_source
from jixiao.model.problems import JixiaoError
from jixiao.pipeline import prepare, prepare_text, run
from jixiao.scoring.engine import evaluate

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken"


def _problems(problems) -> list[tuple[str, str, str, str]]:
    return [(p.code, p.message, str(p.location), p.severity.name) for p in problems]


@pytest.mark.parametrize("example", ["baoan-fulian-2023", "hengshan-fulian-2023"])
def test_text_and_tree_give_what_the_path_gives(example, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = Path("examples") / example / "data.yaml"
    by_path, evaluation = run(path)
    by_text = prepare_text(path.read_text(encoding="utf-8"), str(path), base_dir=path.parent)
    by_tree = prepare(read_department(path))
    for other in (by_text, by_tree):
        assert other.data.values == by_path.data.values
        assert other.data.locations == by_path.data.locations  # every place: file:line as the user knows it
        assert other.data.members == by_path.data.members
        assert _problems(other.warnings) == _problems(by_path.warnings)
        scored = evaluate(other.rulebook, other.data)
        assert (scored.total, scored.grade, dict(scored.scores)) == (
            evaluation.total,
            evaluation.grade,
            dict(evaluation.scores),
        )
    assert by_path.data.location("budget.final.total").line is not None


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("data_*.yaml")))
def test_errors_and_places_are_the_same_from_text(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = BROKEN.relative_to(ROOT) / name
    text = path.read_text(encoding="utf-8")

    def outcome(source):
        try:
            prepared = prepare(source())
        except JixiaoError as exc:
            return "refused", _problems(exc.problems)
        return prepared.data.values, _problems(prepared.warnings)

    from_path = outcome(lambda: path)
    from_text = outcome(lambda: yaml_text_source(text, str(path), path.parent))
    assert from_text == from_path
    assert from_path[1], f"{name} is a broken fixture: it must give at least one problem"


def test_a_text_names_the_file_it_is_given_as():
    """The web app's text is named as the department's file; a YAML error there says that name and the line."""
    with pytest.raises(JixiaoError) as refused:
        prepare_text("department:\n  name: 测试\n  year: [2023\n", "测试-2023.yaml")
    where = refused.value.problems[0].location
    assert where.file == "测试-2023.yaml" and where.line is not None


def test_a_workbook_held_in_memory_reads_as_the_file_with_its_own_name():
    """An upload is read from its bytes (no temporary file): the same values, places naming the uploaded file."""
    from jixiao.files.excel_in import read_workbook, read_workbook_bytes
    from jixiao.model.dataset import parse_source

    path = ROOT / "examples" / "hengshan-fulian-2023" / "填报.xlsx"
    from_file, file_problems = read_workbook(path)
    from_bytes, problems = parse_source(read_workbook_bytes(path.read_bytes(), "上传的填报.xlsx"))
    assert from_bytes.values == from_file.values
    place = from_bytes.location("department.name")
    assert place.file == "上传的填报.xlsx" and place.sheet and place.cell
    assert [(p.code, p.message) for p in problems] == [(p.code, p.message) for p in file_problems]
    with pytest.raises(JixiaoError) as refused:
        read_workbook_bytes(b"not a workbook", "坏.xlsx")
    assert refused.value.problems[0].location.file == "坏.xlsx"
