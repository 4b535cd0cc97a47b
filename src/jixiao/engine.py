"""The engine: a rulebook and a department's data in, the score tree with its traces out.

`evaluate(rulebook, data)` is deterministic and uses Decimal throughout. A leaf whose figures are not
filled in is 未填报 (no score, never 0); a leaf whose rate has a zero denominator is 无法计算 unless its
rule says otherwise; a leaf that does not apply is left out and the total rescaled to the full weight.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from .dataset import DepartmentData
from .indicators import Missing, Undefined
from .numbers import Rounding, divide, fmt_score
from .rulebook import IndicatorNode, Rulebook
from .rules import KINDS, RuleContext
from .target_rows import score_target_group
from .trace import Evaluation, ScoredNode, Status, Step, Trace

__all__ = ["evaluate", "evaluate_many", "evaluate_projects", "score_rate"]

T = TypeVar("T")


def _leaf(node: IndicatorNode, rulebook: Rulebook, data: DepartmentData) -> ScoredNode:
    rule = node.rule
    assert rule is not None
    kind = KINDS[rule.kind]
    ctx = RuleContext(
        data,
        node.weight,
        node.name,
        rule.rounding,
        rulebook.percent_places,
        rulebook.strip_zeros,
        rulebook.facts,
        node.id,
        node.standard,
    )
    score: Decimal | None
    try:
        score, trace = kind.score(rule.spec, ctx)
    except Missing as exc:
        score, trace = None, _status_trace(kind, node, ctx, Status.MISSING, f"未填报：{exc.label}")
    except Undefined as exc:
        score, trace = _undefined(node, rule.if_undefined), None
        status = {"full": Status.SCORED, "zero": Status.SCORED, "not_applicable": Status.NOT_APPLICABLE}.get(
            rule.if_undefined, Status.UNDEFINED
        )
        note = exc.reason + {
            "full": "，按规则得满分",
            "zero": "，按规则得0分",
            "not_applicable": "，按规则视为不适用",
        }.get(rule.if_undefined, "")
        trace = _status_trace(kind, node, ctx, status, note)
    return ScoredNode(
        node.id,
        node.name,
        node.level,
        node.weight,
        score,
        node.path,
        trace=trace,
        confidence=rule.confidence,
        source=rule.source,
        standard=node.standard,
    )


def _undefined(node: IndicatorNode, policy: str) -> Decimal | None:
    return {"full": node.weight, "zero": Decimal(0)}.get(policy)


def _status_trace(kind, node: IndicatorNode, ctx: RuleContext, status: str, note: str) -> Trace:
    return Trace(kind.name, kind.label, node.standard, tuple(ctx.reader.reads), tuple(ctx.steps), "", (), status, note)


def _node(node: IndicatorNode, rulebook: Rulebook, data: DepartmentData) -> ScoredNode:
    if node.targets is not None:
        return score_target_group(node, rulebook, data)
    if not node.children:
        return _leaf(node, rulebook, data)
    children = tuple(_node(child, rulebook, data) for child in node.children)
    scores = [c.score for c in children if c.status != Status.NOT_APPLICABLE]
    score = sum(scores, Decimal(0)) if all(s is not None for s in scores) else None
    return ScoredNode(node.id, node.name, node.level, node.weight, score, node.path, children)


def _not_applicable_weight(nodes: tuple[ScoredNode, ...]) -> Decimal:
    return sum(
        (n.weight for root in nodes for n in root.walk() if not n.children and n.status == Status.NOT_APPLICABLE),
        Decimal(0),
    )


def evaluate(rulebook: Rulebook, data: DepartmentData) -> Evaluation:
    roots = tuple(_node(root, rulebook, data) for root in rulebook.roots)
    raw_total = sum((r.score for r in roots if r.score is not None), Decimal(0))
    complete = all(r.score is not None or r.status == Status.NOT_APPLICABLE for r in roots)
    steps: list[Step] = []
    na_weight = _not_applicable_weight(roots)
    total: Decimal | None = raw_total if complete else None
    if total is not None and na_weight:
        applicable = rulebook.total - na_weight
        rescaled = (
            rulebook.rounding.rounding.apply(divide(raw_total * rulebook.total, applicable))
            if applicable
            else Decimal(0)
        )
        steps.append(
            Step(
                "不适用指标折算",
                f"{fmt_score(raw_total)} × {fmt_score(rulebook.total)} ÷ "
                f"（{fmt_score(rulebook.total)} − 不适用分值 {fmt_score(na_weight)}）",
                fmt_score(rescaled),
            )
        )
        total = rescaled
    notes = ()
    if not complete:
        missing = [n.name for r in roots for n in r.leaves() if n.status in (Status.MISSING, Status.UNDEFINED)]
        notes = (f"{len(missing)}项指标未填报或无法计算（{'、'.join(missing)}），总分暂不完整",)
    grade = rulebook.grade(total) if total is not None else None
    supplementary = tuple(_node(node, rulebook, data) for node in rulebook.supplementary)
    return Evaluation(
        rulebook.id,
        rulebook.title,
        data.name,
        data.year,
        roots,
        total,
        rulebook.total,
        grade,
        tuple(steps),
        notes,
        supplementary,
        rulebook.supplementary_title,
        subject=str(data.get("project.name") or ""),
    )


def evaluate_projects(rulebook: Rulebook, data: DepartmentData) -> list[Evaluation]:
    """A project rulebook scores each 二级项目 on its own: the project's fields seen as the whole data."""
    return [evaluate(rulebook, data.scoped(item)) for item in data.items("projects")]


def score_rate(score: Decimal | None, weight: Decimal, places: int = 2) -> Decimal | None:
    """得分率 = 得分 ÷ 分值 (a fraction, rounded half-up to places+2 digits: 18.99 ÷ 20 = 0.9495)."""
    if score is None or not weight:
        return None
    return Rounding("half_up", places + 2).apply(divide(score, weight))


_WORKER_STATE: dict[str, object] = {}


def _evaluate_range(bounds: tuple[int, int]) -> list[object]:
    rulebook, datasets, reduce = (_WORKER_STATE[k] for k in ("rulebook", "datasets", "reduce"))
    return [reduce(evaluate(rulebook, datasets[i])) for i in range(*bounds)]  # type: ignore[operator,index,arg-type]


def _identity(evaluation: Evaluation) -> Evaluation:
    return evaluation


def evaluate_many(
    rulebook: Rulebook,
    datasets: Sequence[DepartmentData],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    reduce: Callable[[Evaluation], T] = _identity,
    chunk_size: int = 250,
) -> list[T]:
    """Evaluate many departments, `reduce` each evaluation, keep the input order.

    With more than one worker the evaluations run in forked processes that share the inputs with this one
    (nothing is pickled on the way in); `reduce` runs in the worker, so a batch job that writes reports or
    keeps summaries does its work where the trace was made and sends back only what it returns.
    `progress(done, total)` is called after each chunk.
    """
    workers = workers or os.cpu_count() or 1
    total = len(datasets)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or total < 2 * chunk_size or not can_fork:
        results: list[T] = []
        for i, data in enumerate(datasets, 1):
            results.append(reduce(evaluate(rulebook, data)))
            if progress and (i % chunk_size == 0 or i == total):
                progress(i, total)
        return results
    _WORKER_STATE.update(rulebook=rulebook, datasets=datasets, reduce=reduce)
    try:
        ranges = [(i, min(i + chunk_size, total)) for i in range(0, total, chunk_size)]
        results = []
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(_evaluate_range, ranges):
                results.extend(part)  # type: ignore[arg-type]
                if progress:
                    progress(len(results), total)
        return results
    finally:
        _WORKER_STATE.clear()
