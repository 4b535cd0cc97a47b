"""One pipeline, named stages, one direction: load rulebook → load data → validate → evaluate.

Each stage can be called alone; `prepare` runs the first three and raises JixiaoError with every problem
of the run when anything is wrong, so a caller never scores half-read data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.model.dataset import DepartmentData, load_department
from jixiao.model.problems import JixiaoError, Location, Problem, Severity, has_errors
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import Rulebook, load_rulebook
from jixiao.scoring.trace import Evaluation

__all__ = ["Prepared", "choose_rulebook", "prepare", "run"]


@dataclass(frozen=True)
class Prepared:
    rulebook: Rulebook
    data: DepartmentData
    warnings: tuple[Problem, ...]


def choose_rulebook(data: DepartmentData, explicit: str | None) -> str:
    chosen = explicit or data.get("rulebook")
    if not chosen:
        raise JixiaoError(
            [
                Problem(
                    "rulebook.none",
                    "未指定指标体系。请在数据文件中填写 rulebook，或使用 --rulebook 指定（jixiao rulebooks 可查看）。",
                    Location(data.source, field="rulebook"),
                )
            ]
        )
    return str(chosen)


def check_facts(rulebook: Rulebook, data: DepartmentData) -> list[Problem]:
    """Facts the data answers that the rulebook does not ask for are probably typos."""
    problems = []
    for item in data.items("facts"):
        key = item.split(".", 1)[1]
        if key not in rulebook.facts:
            problems.append(
                Problem(
                    "data.unknown_fact",
                    f"事实“{key}”不在指标体系“{rulebook.id}”的事实清单中，"
                    "不参与评分。请核对编号（jixiao rulebooks --facts 可查看）。",
                    data.location(f"{item}.answer"),
                    Severity.WARNING,
                )
            )
    return problems


def prepare(path: Path, rulebook_id: str | None = None) -> Prepared:
    data, problems = load_department(Path(path))
    if has_errors(problems):
        raise JixiaoError(problems)
    rulebook = load_rulebook(choose_rulebook(data, rulebook_id))
    problems += check_facts(rulebook, data)
    return Prepared(rulebook, data, tuple(problems))


def run(path: Path, rulebook_id: str | None = None) -> tuple[Prepared, Evaluation]:
    prepared = prepare(path, rulebook_id)
    return prepared, evaluate(prepared.rulebook, prepared.data)
