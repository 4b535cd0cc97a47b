"""The fast scoring path gives what the traced path gives: same scores, statuses, totals, notes and traces.

`evaluate` scores through the rules' compiled scorers and builds the tree of traces only when read;
`evaluate_traced` builds the tree first and sums it (the way every score was made before). Both run over
the bundled examples, every domain case in tests/cases, and generated departments with gaps (未填报),
zero denominators (无法计算), 不适用 answers and out-of-band values. No timing here: speed is bench/'s job.
"""

from __future__ import annotations

import pickle
import random
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from jixiao.files.yamlsrc import dotted, load_yaml
from jixiao.model.dataset import parse_department
from jixiao.model.indicators import INDICATORS, Missing, Reader, Undefined, compiled_indicator
from jixiao.model.problems import Location, has_errors
from jixiao.pipeline import load_department
from jixiao.scoring.engine import evaluate, evaluate_many, evaluate_projects, evaluate_traced
from jixiao.scoring.rulebook import load_rulebook
from jixiao.scoring.trace import Status

from .conftest import _stringify, merge

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import department_tree  # noqa: E402


def assert_same(rulebook, data) -> None:
    fast, traced = evaluate(rulebook, data), evaluate_traced(rulebook, data)
    where = f"{data.name or data.source}"
    # the points lost by indicator (what a save keeps for the dashboard), read before the fast tree is built:
    # from the scores alone when every leaf was scored, from the deductions otherwise
    assert fast.points_lost() == traced.points_lost(), where
    assert fast.total == traced.total, where
    assert fast.grade == traced.grade, where
    assert fast.steps == traced.steps, where
    assert fast.notes == traced.notes, where
    assert fast.missing == traced.missing, where
    assert fast.complete == all(n.status in (Status.SCORED, Status.NOT_APPLICABLE) for n in traced.leaves())
    assert dict(fast.scores) == dict(traced.scores), where
    for top in (*traced.roots, *traced.supplementary):
        for node in top.walk():
            if node.id in fast.scores:
                assert fast.scores[node.id] == node.score, f"{where}: {node.id}"
    # The tree read from the fast evaluation is the traced tree: every score, status, step and deduction.
    assert fast.roots == traced.roots, where
    assert fast.supplementary == traced.supplementary, where


def _example(name: str):
    data, problems = load_department(ROOT / "examples" / name)
    assert not has_errors(problems)
    return load_rulebook(str(data.get("rulebook"))), data


@pytest.mark.parametrize("name", ["baoan-fulian-2023", "hengshan-fulian-2023"])
def test_examples_score_the_same_on_both_paths(name: str) -> None:
    rulebook, data = _example(name)
    assert_same(rulebook, data)


def test_the_baoan_example_keeps_its_total_on_the_fast_path() -> None:
    # README: 宝安区妇联 2023 scores 97.61 (优) under shenzhen-baoan/department/2023.
    rulebook, data = _example("baoan-fulian-2023")
    evaluation = evaluate(rulebook, data)
    assert evaluation.total == Decimal("97.61") and evaluation.grade == "优"
    # 预算执行率 (6): deduction 1.5 × (6.42% + 19.26% + 0.13%) = 0.38715 → 0.38 (truncated), score 5.62.
    assert evaluation.scores["budget_execution"] == Decimal("5.62")


def test_project_rulebook_scores_each_project_the_same() -> None:
    data, _ = load_department(ROOT / "examples" / "hengshan-fulian-2023")
    rulebook = load_rulebook("mof/project/2020")
    assert data.items("projects"), "the example has projects to score"
    for item in data.items("projects"):
        assert_same(rulebook, data.scoped(item))
    assert [e.total for e in evaluate_projects(rulebook, data)] == [
        evaluate_traced(rulebook, data.scoped(item)).total for item in data.items("projects")
    ]


def _cases():
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            yield pytest.param(case, path.parent, id=case["name"])


@pytest.mark.parametrize(("case", "case_dir"), list(_cases()))
def test_domain_cases_score_the_same_on_both_paths(case, case_dir: Path) -> None:
    tree = {}
    if case.get("data"):
        tree, _, _ = load_yaml((case_dir / case["data"]).resolve())
    tree = merge(tree, _stringify(case.get("override") or {}))
    data, problems = parse_department(tree, lambda p: Location("case", field=dotted(p)), "case")
    if has_errors(problems):
        pytest.skip("the case's data has errors; the case itself checks them")
    ref = str(case.get("rulebook") or tree.get("rulebook"))
    rulebook = load_rulebook(str((case_dir / ref).resolve()) if ref.endswith(".yaml") else ref)
    if case.get("project"):
        data = data.scoped(next(i for i in data.items("projects") if data.get(f"{i}.name") == case["project"]))
    assert_same(rulebook, data)


def _damaged(i: int, rng: random.Random) -> dict:
    """A generated department with something taken out, zeroed, set to 不适用 or pushed out of range."""
    tree = department_tree(i, rng)
    damage = i % 9
    if damage == 1:
        del tree["procurement"]  # 政府采购执行率 未填报
    elif damage == 2:
        tree["procurement"]["plan"] = "0"  # zero denominator: 无法计算
    elif damage == 3:
        tree["facts"]["asset_inventory_done"]["answer"] = "不适用"
    elif damage == 4:
        tree["quarterly"] = tree["quarterly"][:3]  # 第四季度 missing
    elif damage == 5:
        tree["facts"]["social_benefit"]["answer"] = "未达成"
        tree["services"]["satisfaction_rate"] = "60%"
    elif damage == 6:
        del tree["key_tasks"]  # an empty list is 未填报, never 0
    elif damage == 7:
        tree["units"][0]["staffing"]["authorized"] = "0"
        tree["public_funds"]["daily"]["actual"] = str(Decimal(tree["public_funds"]["daily"]["adjusted"]) * 2)
    elif damage == 8:
        del tree["facts"]["rules_complete"]
    return tree


def test_generated_departments_score_the_same_on_both_paths() -> None:
    rng = random.Random(15)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    statuses = set()
    for i in range(180):
        data, problems = parse_department(_damaged(i, rng), lambda p: Location("generated", field=dotted(p)))
        assert not has_errors(problems)
        assert_same(rulebook, data)
        statuses.update(n.status for n in evaluate(rulebook, data).leaves())
    # The damage reached every status the engine knows, so both paths were compared on each of them.
    assert statuses == {Status.SCORED, Status.MISSING, Status.UNDEFINED}


def test_hunan_rulebook_on_generated_departments() -> None:
    rng = random.Random(4)
    rulebook = load_rulebook("hunan/department/2023")
    for i in range(30):
        data, _ = parse_department(_damaged(i, rng), lambda p: Location("generated", field=dotted(p)))
        assert_same(rulebook, data)


def test_every_rulebook_on_generated_departments() -> None:
    """Each bundled rulebook, its own rule kinds and weights (a checklist's items, bands, schedules …), on the
    same damaged departments: both paths alike, the points lost by indicator included."""
    from jixiao.scoring.rulebook import available_rulebooks

    rng = random.Random(21)
    trees = [_damaged(i, rng) for i in range(40)]
    for rulebook_id in available_rulebooks():
        rulebook = load_rulebook(rulebook_id)
        for tree in trees:
            data, _ = parse_department(tree, lambda p: Location("generated", field=dotted(p)))
            assert_same(rulebook, data)


def test_compiled_indicators_compute_what_the_reader_computes() -> None:
    rng = random.Random(7)
    for i in range(60):
        data, _ = parse_department(_damaged(i, rng), lambda p: Location("generated"))
        for name, definition in INDICATORS.items():
            try:
                expected = ("ok", definition.compute(Reader(data)))
            except Missing:
                expected = ("missing", None)
            except Undefined:
                expected = ("undefined", None)
            try:
                got = ("ok", compiled_indicator(name)(data.values, data.members))
            except Missing:
                got = ("missing", None)
            except Undefined:
                got = ("undefined", None)
            assert got == expected, f"{name} on department {i}"


def test_an_evaluation_sent_to_another_process_carries_its_tree() -> None:
    rulebook, data = _example("baoan-fulian-2023")
    evaluation = evaluate(rulebook, data)
    copy_ = pickle.loads(pickle.dumps(evaluation))
    assert copy_.tree is None
    assert copy_.total == evaluation.total and copy_.roots == evaluate_traced(rulebook, data).roots


def test_evaluate_many_on_two_processes_matches_one() -> None:
    rng = random.Random(2)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    datasets = [parse_department(_damaged(i, rng), lambda p: Location("g"))[0] for i in range(520)]
    one = [(e.total, dict(e.scores)) for e in (evaluate(rulebook, d) for d in datasets)]
    many = evaluate_many(rulebook, datasets, workers=2, reduce=lambda e: (e.total, dict(e.scores)), chunk_size=100)
    assert many == one


def test_a_rulebook_edit_is_not_hidden_by_the_compiled_plan() -> None:
    # The compiled plan belongs to one rulebook object: a changed rulebook (a new object) is compiled anew.
    # 宝安 key_tasks (8): all 4 of 4 tasks done, 8 × 100% = 8; with the weight doubled to 16 it scores 16.
    rulebook, data = _example("baoan-fulian-2023")
    assert evaluate(rulebook, data).scores["key_tasks"] == Decimal(8)

    def reweigh(node):
        if node.id == "key_tasks":
            return replace(node, weight=node.weight * 2)
        return replace(node, children=tuple(reweigh(c) for c in node.children))

    heavier = replace(rulebook, roots=tuple(reweigh(r) for r in rulebook.roots))
    assert (
        evaluate(heavier, data).scores["key_tasks"] == Decimal(16) == evaluate_traced(heavier, data).scores["key_tasks"]
    )
    assert evaluate(rulebook, data).scores["key_tasks"] == Decimal(8)


# --- PDF: the long-lived converters (two instances in parallel) print what a one-off conversion prints -----------


def _pdf_text(path: Path) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_parallel_long_lived_pdf_equals_one_off(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from jixiao.cli import main as jixiao
    from jixiao.formats import office

    if office.shared_converter() is None or shutil.which("pdftotext") is None:
        pytest.skip("python3-uno, LibreOffice and poppler-utils are installed by scripts/setup.sh")
    monkeypatch.setenv("JIXIAO_OFFICE_INSTANCES", "2")
    assert jixiao(["report", str(ROOT / "examples" / "baoan-fulian-2023"), "--out", str(tmp_path / "r"),
                   "--format", "docx"]) == 0  # fmt: skip
    files = [Path(shutil.copy(tmp_path / "r" / "自评报告.docx", tmp_path / f"部门{i}.docx")) for i in range(3)]
    made = office.convert_files(files, "pdf", tmp_path / "long")
    assert [p.name for p in made] == ["部门0.pdf", "部门1.pdf", "部门2.pdf"]
    assert 1 <= len(office._pool) <= 2  # never more instances than allowed
    one_off = office._convert_one_off(files[:1], "pdf", tmp_path / "once", office.CONVERT_TIMEOUT)[0]
    expected = _pdf_text(one_off)
    assert "深圳市宝安区妇女联合会" in expected and "97.61" in expected
    assert all(_pdf_text(p) == expected for p in made)


def test_pdf_of_the_flat_odt_has_the_pages_and_text_of_the_docx(tmp_path: Path) -> None:
    # The PDF path prints the report as Flat ODT (report/odt_out.py), which LibreOffice reads in half the time of
    # the .docx: both must print the same pages. Every page has the same characters; the words sit in the same
    # order except on the pages holding the two charts, where Word's native chart and the SVG drawing place the
    # labels (axis ticks, legend) in another order.
    import shutil

    from jixiao.formats import office
    from jixiao.pipeline import run
    from jixiao.report.write import render_all

    if office.shared_converter() is None or shutil.which("pdftotext") is None:
        pytest.skip("python3-uno, LibreOffice and poppler-utils are installed by scripts/setup.sh")
    outputs, _ = render_all(*run(ROOT / "examples" / "baoan-fulian-2023"), ("docx", "pdf"))
    docx, fodt = tmp_path / "word.docx", tmp_path / "flat.fodt"
    docx.write_bytes(outputs["自评报告.docx"])
    fodt.write_bytes(outputs["自评报告.fodt"])
    from_docx, from_fodt = office.convert_files([docx, fodt], "pdf", tmp_path / "long")
    one_off = office._convert_one_off([fodt], "pdf", tmp_path / "once", office.CONVERT_TIMEOUT)[0]  # the fall-back

    def pages(path: Path) -> list[str]:
        import subprocess

        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return ["".join(page.split()) for page in text.split("\f")[:-1]]

    word, flat = pages(from_docx), pages(from_fodt)
    assert len(word) == len(flat) == 27
    assert [sorted(page) for page in word] == [sorted(page) for page in flat]
    assert sum(a != b for a, b in zip(word, flat, strict=True)) <= 2  # the two chart pages at most
    assert "部门整体支出绩效自评表" in flat[-2] and "97.61" in flat[-1]  # the landscape attachments, in their places
    assert pages(one_off) == flat
