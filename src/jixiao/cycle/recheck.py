"""复核: the bureau re-scores indicators of a self-evaluation, beside the department's own score, with reasons.

Indicators the bureau does not re-score keep the self-score; the re-checked total is the self total plus the
sum of the differences, graded by the same rulebook. An item may carry the self-score the department stated in the
document it submitted (`self_score`), where that differs from the score of its data.

Where the review of the department's submitted report or table (`jixiao.review`) finds that its figures contradict
its self-score, `proposals_from_review` proposes those indicators with the review's score and reason, and
`proposed_recheck_text` writes them as the recheck.yaml the reviewer starts from, accepts or changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Problem, Severity
from jixiao.scoring.rulebook import Rulebook
from jixiao.scoring.trace import Evaluation, ScoredNode

from .sources import read_file

__all__ = [
    "Proposal",
    "Recheck",
    "RecheckItem",
    "RecheckResult",
    "RecheckRow",
    "compare_recheck",
    "load_recheck",
    "proposals_from_review",
    "proposed_recheck_text",
]


@dataclass(frozen=True)
class RecheckItem:
    indicator: str
    score: Decimal
    reason: str
    evidence: str
    location: Location
    self_score: Decimal | None = None  # 自评分 as stated in the department's submitted document


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


def load_recheck(path: Path, content: str | bytes | None = None) -> Recheck:
    path = Path(path)
    if content is None and path.is_dir():  # content: the file's text (the web app's), path only its name
        path = path / "recheck.yaml"
    r = read_file(path, "复核记录（recheck.yaml）", content)
    items = []
    for where, _item in r.items(("items",), "复核指标"):
        score = r.amount((*where, "score"), "复核得分", required=True)
        name = r.text((*where, "indicator"), "指标名称", required=True)
        reason = r.text((*where, "reason"), "复核理由", required=True)
        stated = r.amount((*where, "self_score"), "自评得分（部门报送）")
        if score is not None and name:
            items.append(RecheckItem(name, score, reason, r.text((*where, "evidence"), "依据"), r.where(where), stated))
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
        elif item.score < 0 or item.score > leaf.weight or not 0 <= (item.self_score or 0) <= leaf.weight:
            problems.append(
                Problem(
                    "recheck.score_range",
                    f"“{leaf.name}”的复核得分{item.score}"
                    + (f"或自评得分{item.self_score}" if item.self_score is not None else "")
                    + f"超出0至{leaf.weight}分。",
                    item.location,
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
                picked.self_score if picked and picked.self_score is not None else leaf.score,
                picked.score if picked else None,
                picked.reason if picked else "",
                picked.evidence if picked else "",
            )
        )
    # the department's total as it stated it: the data's total with its stated self-scores in place
    stated = Decimal(0)
    for leaf_id, item in chosen.items():
        own = by_id[leaf_id].score
        if item.self_score is not None and own is not None:
            stated += item.self_score - own
    total = evaluation.total + stated if evaluation.total is not None else None
    diff = sum((row.difference or Decimal(0) for row in rows), Decimal(0))
    recheck_total = total + diff if total is not None else None
    return RecheckResult(
        recheck,
        evaluation.department,
        evaluation.year,
        tuple(rows),
        total,
        recheck_total,
        (rulebook.grade(total) if stated and total is not None else evaluation.grade),
        rulebook.grade(recheck_total) if recheck_total is not None else None,
        tuple(problems),
    )


# Review findings that say a score itself is wrong, with what the review takes as the right score (`expected`):
# the data contradict the stated score, a met target lost points, the funds formula gives another score, a missed
# target got full marks, a score above its weight (tablechecks.py, stated.py).
SCORE_FINDINGS = (
    "review.score_contradicts_data",
    "review.target_met_lost",
    "review.funds_score",
    "review.target_missed_full",
    "review.score_over_weight",
)


@dataclass(frozen=True)
class Proposal:
    """One indicator the 复核 form starts with: the review's score (or the stated one, to be decided) and reason."""

    indicator: str
    self_score: Decimal | None  # as the reviewed document states it
    score: Decimal
    reason: str
    evidence: str
    decided: bool  # the review gives the score; otherwise the reviewer sets it


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if str(value).strip() else None
    except ArithmeticError:
        return None


def proposals_from_review(findings: list[Problem], evaluation: Evaluation) -> list[Proposal]:
    """The indicators a review of the department's submitted document contradicts, one proposal each (the first
    finding that names it), in the evaluation's order."""
    out = []
    for leaf in _leaves(evaluation):
        for finding in findings:
            if finding.code not in SCORE_FINDINGS or f"“{leaf.name}”" not in finding.message:
                continue
            expected, stated = _number(finding.expected), _number(finding.actual)
            decided = expected is not None and 0 <= expected <= leaf.weight
            fallback = stated if stated is not None and 0 <= stated <= leaf.weight else leaf.score
            score = expected if decided else fallback
            if score is None:
                continue
            where = finding.location
            place = (where.place or (f"{where.sheet}!{where.cell}" if where.sheet else "")) if where else ""
            name = Path(where.file).name if where and where.file else ""
            out.append(
                Proposal(
                    leaf.name,
                    stated if stated is not None and stated != leaf.score else None,
                    score,
                    f"审核发现：{finding.message}" + ("" if decided else "（复核得分请按实际确定）"),
                    f"{name} {place}".strip(),
                    decided,
                )
            )
            break
    return out


def proposed_recheck_text(proposals: list[Proposal], reviewer: str = "", date: dt.date | None = None) -> str:
    """recheck.yaml starting with the proposals, for the reviewer to accept or change before saving."""
    import yaml

    items = []
    for p in proposals:
        item: dict[str, str] = {"indicator": p.indicator}
        if p.self_score is not None:
            item["self_score"] = fmt_score(p.self_score)
        item |= {"score": fmt_score(p.score), "reason": p.reason, "evidence": p.evidence}
        items.append(item)
    head = (
        "# 复核建议：以下指标由报送材料的审核结果预填（审核发现的得分与所列数据不符）。\n"
        "# 请逐项核对：接受则保留，不同意则修改复核得分和理由，或删除该项；确认后保存。\n"
    )
    body = {"reviewer": reviewer, "date": f"{date:%Y-%m-%d}" if date else "", "items": items, "conclusion": ""}
    return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000)
