"""Domain cases in the domain's words: YAML files in tests/cases/, collected as pytest items.

Each case names department data (a file, optionally with overrides merged on top), a rulebook, and the
expected total, grade, scores, deductions and reasons. A failure reads "case name: expected X, got Y".
After openfisca-core's YAML test runner.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.files.yamlsrc import dotted, load_yaml
from jixiao.model.dataset import parse_department
from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, has_errors
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent


def merge(base: Any, override: Any) -> Any:
    """Dicts merge key by key; anything else (lists, scalars, null) replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(override)


def _stringify(tree: Any) -> Any:
    """Case overrides are parsed by PyYAML; turn scalars back into text as the loader keeps them."""
    if isinstance(tree, dict):
        return {str(k): _stringify(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_stringify(v) for v in tree]
    return None if tree is None else (("true" if tree else "false") if isinstance(tree, bool) else str(tree))


def evaluate_case(case: dict[str, Any], case_dir: Path):
    tree: Any = {}
    if case.get("data"):
        tree, _, _ = load_yaml((case_dir / case["data"]).resolve())
    tree = merge(tree, _stringify(case.get("override") or {}))
    data, problems = parse_department(tree, lambda p: Location("case", field=dotted(p)), "case")
    if has_errors(problems):
        raise CaseFailure([f"数据有误：{p.format()}" for p in problems])
    rulebook_ref = case.get("rulebook") or tree.get("rulebook")
    if str(rulebook_ref).endswith(".yaml"):
        rulebook_ref = str((case_dir / rulebook_ref).resolve())
    if case.get("project"):
        item = next(i for i in data.items("projects") if data.get(f"{i}.name") == case["project"])
        data = data.scoped(item)
    return evaluate(load_rulebook(rulebook_ref), data)


class CaseFailure(Exception):
    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def check(case: dict[str, Any], evaluation) -> list[str]:
    expect = case.get("expect") or {}
    errors: list[str] = []

    def compare(what: str, expected: Any, actual: Any) -> None:
        if str(expected) != str(actual):
            errors.append(f"{case['name']}: {what} expected {expected}, got {actual}")

    if "total" in expect:
        compare("total", expect["total"], fmt_score(evaluation.total) if evaluation.total is not None else None)
    if "grade" in expect:
        compare("grade", expect["grade"], evaluation.grade)
    for key, expected in (expect.get("scores") or {}).items():
        node = evaluation.find(str(key))
        if node is None:
            errors.append(f"{case['name']}: indicator {key} not found")
            continue
        actual = fmt_score(node.score) if node.score is not None else node.status
        compare(f"score of {key}", expected, actual)
    for key, expected in (expect.get("deductions") or {}).items():
        node = evaluation.find(str(key))
        actual = [fmt_score(d.points) for d in node.deductions] if node else None
        compare(f"deductions of {key}", [str(e) for e in expected], actual)
    for key, fragments in (expect.get("reasons_contain") or {}).items():
        node = evaluation.find(str(key))
        text = "；".join(d.reason for d in node.deductions) if node else ""
        for fragment in [fragments] if isinstance(fragments, str) else fragments:
            if fragment not in text:
                errors.append(f"{case['name']}: reason of {key} expected to contain “{fragment}”, got “{text}”")
    for key, fragments in (expect.get("avoid_contains") or {}).items():
        node = evaluation.find(str(key))
        text = "；".join(d.avoid for d in node.deductions) if node else ""
        for fragment in [fragments] if isinstance(fragments, str) else fragments:
            if fragment not in text:
                errors.append(f"{case['name']}: advice of {key} expected to contain “{fragment}”, got “{text}”")
    for key, fragments in (expect.get("flags_contain") or {}).items():
        node = evaluation.find(str(key))
        text = "；".join(node.trace.flags) if node and node.trace else ""
        for fragment in [fragments] if isinstance(fragments, str) else fragments:
            if fragment not in text:
                errors.append(f"{case['name']}: flags of {key} expected to contain “{fragment}”, got “{text}”")
    for key, expected in (expect.get("supplementary") or {}).items():
        node = next((n for root in evaluation.supplementary for n in root.walk() if key in (n.id, n.name)), None)
        actual = (fmt_score(node.score) if node.score is not None else node.status) if node else None
        compare(f"supplementary score of {key}", expected, actual)
    for key, expected in (expect.get("status") or {}).items():
        node = evaluation.find(str(key))
        compare(f"status of {key}", expected, node.status if node else None)
    return errors


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        evaluation = evaluate_case(self.case, self.path.parent)
        errors = check(self.case, evaluation)
        if errors:
            raise CaseFailure(errors)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"case: {self.name}"


class CaseFile(pytest.File):
    def collect(self):
        for case in yaml.safe_load(self.path.read_text(encoding="utf-8")) or []:
            yield CaseItem.from_parent(self, name=case["name"], case=case)


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None
