"""parse_department builds each value's dotted name as it walks down (one key at a time) and skips absent schema
nodes from a table made once per group: the names, members, problems and their places must be exactly what the
whole path spelled by `dotted()` gives, on the two examples and on a damaged copy of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from jixiao.model.dataset import parse_department
from jixiao.model.problems import Location, dotted

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _example(name: str) -> dict[str, Any]:
    tree = yaml.safe_load((EXAMPLES / name / "data.yaml").read_text(encoding="utf-8"))
    assert isinstance(tree, dict)
    return tree


def _locate(path: tuple[Any, ...]) -> Location:
    return Location("t.yaml", field=dotted(path))  # each place names the path it was asked for


def _damaged(name: str) -> dict[str, Any]:
    tree = _example(name)
    tree.setdefault("facts", {})
    tree.setdefault("budget", {})
    tree.setdefault("units", [])
    tree.setdefault("quarterly", [{"quarter": 1}])
    tree["facts"][1] = {"answer": "是"}  # an int key (YAML `1:`): dotted spells it facts[1]
    tree["facts"]["rules_complete"] = "否"  # the short form: the answer alone
    tree["budget"]["adjustd"] = {"total": "1"}  # an unknown key, with a close match
    tree["units"].append({"name": "二级单位", "staffing": {"authorized": "-3", "actual": "x"}})  # two bad values
    tree["quarterly"][0]["time_rate"] = "0.9%"  # a near-full rate typed as a tiny percent: a warning
    tree["stated"] = {"basic_share": "0.9%", "execution_rate": "0.5%"}  # warned for execution_rate only
    tree["services"] = ["not", "a", "group"]
    return tree


def test_every_value_is_named_by_the_dotted_path_it_was_read_from() -> None:
    for name in ("baoan-fulian-2023", "hengshan-fulian-2023"):
        for tree in (_example(name), _damaged(name)):
            data, problems = parse_department(tree, _locate)
            assert data.values and data.values.keys() == data.locations.keys()
            for name, place in data.locations.items():
                assert place.field == name
            for problem in problems:
                assert problem.location is not None and problem.location.field


def test_members_and_problems_of_a_damaged_department() -> None:
    data, problems = parse_department(_damaged("baoan-fulian-2023"), _locate)
    assert data.members["units"] == ("units[0]", "units[1]", "units[2]")  # the example's two units and the bad one
    assert data.members["quarterly"] == ("quarterly[0]", "quarterly[1]", "quarterly[2]", "quarterly[3]")
    facts = data.members["facts"]
    assert facts[-1] == "facts[1]" and "facts.rules_complete" in facts and len(facts) == 14  # the example's 13 + 1
    assert data.values["facts[1].answer"] == "是" and data.values["facts.rules_complete.answer"] == "否"
    assert data.values["units[2].name"] == "二级单位"
    assert "units[2].staffing.authorized" not in data.values and "units[2].staffing.actual" not in data.values
    found = {(p.code, p.location.field if p.location else None) for p in problems}
    assert found == {
        ("data.unknown_field", "budget.adjustd"),
        ("data.bad_count", "units[2].staffing.authorized"),
        ("data.bad_count", "units[2].staffing.actual"),
        ("data.implausible_rate", "quarterly[0].time_rate"),
        ("data.implausible_rate", "stated.execution_rate"),
        ("data.not_mapping", "services"),
    }
