"""复核: the bureau re-scores indicators of a self-evaluation, beside the department's own score, with reasons.

Indicators the bureau does not re-score keep the self-score; the re-checked total is the self total plus the
sum of the differences, graded by the same rulebook. Where `jixiao review` found that a stated figure
contradicts the self-score, `prefill_from_review` proposes the re-score with the finding as its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.model.problems import Location, Problem, Severity
from jixiao.scoring.rulebook import Rulebook
from jixiao.scoring.trace import Evaluation, ScoredNode

from .fields import read_file

__all__ = ["Recheck", "RecheckItem", "RecheckResult", "RecheckRow", "compare_recheck", "load_recheck"]


@dataclass(frozen=True)
class RecheckItem:
    indicator: str
    score: Decimal
    reason: str
    evidence: str
    location: Location


@dataclass(frozen=True)
class Recheck:
    path: Path
    reviewer: str
    date: dt.date | None
    items: tuple[RecheckItem, ...]
    conclusion: str


@dataclass(frozen=True)
class RecheckRow:
    path: str  # 一级 / 二级 / 三级
    name: str
    weight: Decimal
    self_score: Decimal | None
    recheck_score: Decimal | None  # None: not re-checked, the self-score stands
    reason: str
    evidence: str

    @property
    def difference(self) -> Decimal | None:
        if self.recheck_score is None or self.self_score is None:
            return None
        return self.recheck_score - self.self_score


@dataclass(frozen=True)
class RecheckResult:
    recheck: Recheck
    department: str
    year: int | None
    rows: tuple[RecheckRow, ...]
    self_total: Decimal | None
    recheck_total: Decimal | None
    self_grade: str | None
    recheck_grade: str | None
    problems: tuple[Problem, ...]

    @property
    def changed(self) -> tuple[RecheckRow, ...]:
        return tuple(r for r in self.rows if r.difference)


def load_recheck(path: Path) -> Recheck:
    path = Path(path)
    if path.is_dir():
        path = path / "recheck.yaml"
    r = read_file(path, "复核记录（recheck.yaml）")
    items = []
    for where, _item in r.items(("items",), "复核指标"):
        score = r.amount((*where, "score"), "复核得分", required=True)
        name = r.text((*where, "indicator"), "指标名称", required=True)
        reason = r.text((*where, "reason"), "复核理由", required=True)
        if score is not None and name:
            items.append(RecheckItem(name, score, reason, r.text((*where, "evidence"), "依据"), r.where(where)))
    if not items:
        r.problem(("items",), "cycle.recheck_empty", "没有复核指标。请在 items 下逐条填写指标名称、复核得分和理由。")
    recheck = Recheck(
        path,
        r.text(("reviewer",), "复核单位", required=True),
        r.date(("date",), "复核日期"),
        tuple(items),
        r.text(("conclusion",), "复核结论"),
    )
    r.raise_errors()
    return recheck


def _leaves(evaluation: Evaluation) -> list[ScoredNode]:
    return [leaf for root in evaluation.roots for leaf in root.leaves()]


def compare_recheck(recheck: Recheck, evaluation: Evaluation, rulebook: Rulebook) -> RecheckResult:
    """Each leaf with its self-score and, where the bureau re-scored it, the re-score and the difference."""
    leaves = _leaves(evaluation)
    by_name = {leaf.name: leaf for leaf in leaves}
    by_id = {leaf.id: leaf for leaf in leaves}
    chosen: dict[str, RecheckItem] = {}
    problems: list[Problem] = []
    for item in recheck.items:
        leaf = by_name.get(item.indicator) or by_id.get(item.indicator)
        if leaf is None:
            problems.append(
                Problem(
                    "recheck.unknown_indicator",
                    f"指标体系“{rulebook.id}”中没有指标“{item.indicator}”。请按自评得分表中的三级指标名称填写。",
                    item.location,
                )
            )
        elif item.score < 0 or item.score > leaf.weight:
            problems.append(
                Problem(
                    "recheck.score_range", f"“{leaf.name}”的复核得分{item.score}超出0至{leaf.weight}分。", item.location
                )
            )
        elif leaf.id in chosen:
            problems.append(
                Problem(
                    "recheck.duplicate", f"“{leaf.name}”复核了两次，以第一次为准。", item.location, Severity.WARNING
                )
            )
        else:
            chosen[leaf.id] = item
    rows = []
    for leaf in leaves:
        picked = chosen.get(leaf.id)
        rows.append(
            RecheckRow(
                " / ".join(leaf.path[:-1]),
                leaf.name,
                leaf.weight,
                leaf.score,
                picked.score if picked else None,
                picked.reason if picked else "",
                picked.evidence if picked else "",
            )
        )
    total = evaluation.total
    diff = sum((row.difference or Decimal(0) for row in rows), Decimal(0))
    recheck_total = total + diff if total is not None else None
    return RecheckResult(
        recheck,
        evaluation.department,
        evaluation.year,
        tuple(rows),
        total,
        recheck_total,
        evaluation.grade,
        rulebook.grade(recheck_total) if recheck_total is not None else None,
        tuple(problems),
    )


def prefill_from_review(findings: list[Problem], evaluation: Evaluation) -> list[dict[str, str]]:
    """Proposed recheck items: a review finding that names a scored indicator, with the finding as reason."""
    out = []
    for leaf in _leaves(evaluation):
        for finding in findings:
            if finding.severity is Severity.ERROR and leaf.name in finding.message and finding.expected:
                out.append({"indicator": leaf.name, "score": finding.expected, "reason": finding.message})
                break
    return out
