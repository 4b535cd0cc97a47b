"""One pipeline, named stages, one direction: read → load data → load rulebook → validate → evaluate.

Each stage can be called alone; `prepare` runs the first ones and raises JixiaoError with every problem
of the run when anything is wrong, so a caller never scores half-read data.

The data can come as a path (a data.yaml, a folder, a workbook: `files.department.read_department` picks the
reader), as YAML text (`prepare_text`: an editor, a database), or as a reader's raw tree with its places
(`model.dataset.SourceTree`). Each gives the same errors with the same places: the file name and line or
sheet!cell as the user knows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.cycle.targets import apply_approved_targets
from jixiao.files.department import read_department
from jixiao.files.yamlsrc import yaml_text_source
from jixiao.model.dataset import DepartmentData, SourceTree, parse_department
from jixiao.model.problems import JixiaoError, Location, Problem, Severity, has_errors
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import Rulebook, load_rulebook
from jixiao.scoring.trace import Evaluation

__all__ = ["Prepared", "Source", "choose_rulebook", "load_department", "prepare", "prepare_text", "run"]

Source = Path | str | SourceTree  # a path to the data, or a reader's raw tree


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


def load_department(source: Source) -> tuple[DepartmentData, list[Problem]]:
    """The department's typed data and every problem found reading and parsing it.

    A YAML file's approved 绩效目标 (targets.yaml beside it) fill its target rows first, so the 年度指标值
    are typed once (cycle.targets)."""
    raw = source if isinstance(source, SourceTree) else read_department(Path(source))
    problems: list[Problem] = []
    if raw.format == "yaml" and raw.base_dir is not None:
        problems += apply_approved_targets(raw.tree, raw.base_dir, raw.locate)
    data, more = parse_department(raw.tree, raw.locate, raw.source, raw.base_dir)
    return data, [*raw.problems, *problems, *more]  # in the order they were found


def prepare(source: Source, rulebook_id: str | None = None) -> Prepared:
    """Data loaded, rulebook chosen and loaded, facts checked; JixiaoError with every problem if any is an error."""
    data, problems = load_department(source)
    if has_errors(problems):
        raise JixiaoError(problems)
    rulebook = load_rulebook(choose_rulebook(data, rulebook_id))
    problems += check_facts(rulebook, data)
    return Prepared(rulebook, data, tuple(problems))


def prepare_text(text: str, name: str, rulebook_id: str | None = None, base_dir: Path | None = None) -> Prepared:
    """`prepare` for data held as YAML text: places name `name` (as if the text were that file) and its lines."""
    return prepare(yaml_text_source(text, name, base_dir), rulebook_id)


def run(source: Source, rulebook_id: str | None = None) -> tuple[Prepared, Evaluation]:
    prepared = prepare(source, rulebook_id)
    return prepared, evaluate(prepared.rulebook, prepared.data)
