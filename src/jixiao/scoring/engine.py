"""The engine: a rulebook and a department's data in, the score tree with its traces out.

`evaluate(rulebook, data)` is deterministic and uses Decimal throughout. A leaf whose figures are not
filled in is 未填报 (no score, never 0); a leaf whose rate has a zero denominator is 无法计算 unless its
rule says otherwise; a leaf that does not apply is left out and the total rescaled to the full weight.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar, overload

from jixiao.model.dataset import DepartmentData
from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import Rounding, divide, fmt_score

from .rulebook import IndicatorNode, Rulebook
from .rules import KINDS, Leaf, RuleContext
from .rules.base import Scorer
from .rules.veto import apply_vetoes
from .target_rows import expand_targets
from .trace import Evaluation, ScoredNode, Status, Step, Trace, combined_status

__all__ = ["evaluate", "evaluate_many", "evaluate_projects", "evaluate_traced", "score_rate"]

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
        score, trace = None, _status_trace(kind, node, ctx, Status.MISSING, f"未填报：{exc.described(ctx.facts)}")
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
        weight_given=node.weight_given,
        item=node.item,
    )


def _undefined(node: IndicatorNode, policy: str) -> Decimal | None:
    return {"full": node.weight, "zero": Decimal(0)}.get(policy)


def _status_trace(kind, node: IndicatorNode, ctx: RuleContext, status: str, note: str) -> Trace:
    return Trace(kind.name, kind.label, node.standard, tuple(ctx.reader.reads), tuple(ctx.steps), "", (), status, note)


def _node(node: IndicatorNode, rulebook: Rulebook, data: DepartmentData) -> ScoredNode:
    if node.targets is not None:  # the department's own target rows, as indicator nodes
        node = expand_targets(node, data)
    if not node.children:
        return _leaf(node, rulebook, data)
    children = tuple(_node(child, rulebook, data) for child in node.children)
    score = _sum_applicable([(c.score, c.status) for c in children])
    trace = None
    if node.rescale:
        score, trace = _rescaled(node, score, rulebook)
    return ScoredNode(
        node.id, node.name, node.level, node.weight, score, node.path, children, trace, weight_given=node.weight_given
    )


def _rescaled(node: IndicatorNode, raw: Decimal | None, rulebook: Rulebook) -> tuple[Decimal | None, Trace | None]:
    """When the children's weights (a department's own 分值) do not add up to the node's weight, the score
    scaled to it, with the trace that says so; else the sum as it is."""
    given = sum((child.weight for child in node.children), Decimal(0))
    if raw is None or given == node.weight or given == 0:
        return raw, None
    scaled = rulebook.rounding.rounding.apply(raw * node.weight / given)
    note = (
        f"{node.name}下各三级指标分值合计为{fmt_score(given)}分，与规定分值{fmt_score(node.weight)}分不一致，"
        f"得分按比例折算：{fmt_score(raw)} × {fmt_score(node.weight)} ÷ {fmt_score(given)} = {fmt_score(scaled)}"
    )
    kind = KINDS[node.rescale]
    step = Step("分值折算", note, fmt_score(scaled))
    return scaled, Trace(kind.name, kind.label, "", (), (step,), "", (), Status.SCORED, note, flags=(note,))


def _sum_applicable(results: Sequence[tuple[Decimal | None, str]]) -> Decimal | None:
    """A parent's score: the sum of its applicable children's, None when one of them has no score."""
    scores = [score for score, status in results if status != Status.NOT_APPLICABLE]
    known = [score for score in scores if score is not None]
    return sum(known, Decimal(0)) if len(known) == len(scores) else None


def _not_applicable_weight(nodes: tuple[ScoredNode, ...]) -> Decimal:
    return sum(
        (n.weight for root in nodes for n in root.walk() if not n.children and n.status == Status.NOT_APPLICABLE),
        Decimal(0),
    )


# A compiled rulebook: per indicator node, what scores it without building its trace. A leaf holds its
# rule kind's compiled scorer (`RuleKind.compile`), a parent its children, a target group (the department's
# own rows) is expanded for each department (`expand_targets`) and scored like the rest.
_LEAF, _PARENT, _GROUP = 0, 1, 2
_POLICY = {
    "full": Status.SCORED,
    "zero": Status.SCORED,
    "not_applicable": Status.NOT_APPLICABLE,
}
# (tag, node, payload): a leaf's payload is its compiled scorer (None: the rule kind has none), a parent's its
# children's plans, a target group's None.
PlanNode = tuple[int, IndicatorNode, "Scorer | tuple[PlanNode, ...] | None"]


def _compile(node: IndicatorNode) -> PlanNode:
    if node.targets is not None:
        return (_GROUP, node, None)
    if node.children:
        return (_PARENT, node, tuple(_compile(child) for child in node.children))
    rule = node.rule
    assert rule is not None
    scorer = KINDS[rule.kind].compile(rule.spec, Leaf(node.weight, rule.rounding, node.id, node.name))
    return (_LEAF, node, scorer)


@dataclass(frozen=True)
class _Plan:
    """A rulebook compiled for scoring: its node tree, and for the common case (every leaf has a compiled
    scorer, no target groups) the leaves in order and the parents after their children, to run as two loops."""

    roots: tuple[PlanNode, ...]
    supplementary: tuple[PlanNode, ...]
    leaves: tuple[tuple[str, Scorer], ...]  # (id, scorer), when flat
    parents: tuple[tuple[str, tuple[str, ...]], ...]  # (id, children's ids), children first
    root_ids: tuple[str, ...]
    flat: bool
    root_leaves: tuple[tuple[str, str, Decimal], ...] = ()  # the counted leaves (id, name, weight), tree order


def _flatten(
    plan: PlanNode, leaves: list[tuple[str, Scorer | None]], parents: list[tuple[str, tuple[str, ...]]]
) -> bool:
    tag, node, payload = plan
    if tag == _LEAF:
        assert not isinstance(payload, tuple)  # a leaf's payload is its scorer
        leaves.append((node.id, payload))
        return payload is not None
    if tag == _GROUP:
        return False
    assert isinstance(payload, tuple)  # a parent's payload is its children
    each = [_flatten(child, leaves, parents) for child in payload]  # visit all
    parents.append((node.id, tuple(child[1].id for child in payload)))
    return all(each)


_PLANS: dict[int, tuple[Rulebook, _Plan]] = {}


def _plan(rulebook: Rulebook) -> _Plan:
    found = _PLANS.get(id(rulebook))
    if found is None or found[0] is not rulebook:
        if len(_PLANS) > 64:
            _PLANS.clear()
        roots = tuple(_compile(root) for root in rulebook.roots)
        supplementary = tuple(_compile(node) for node in rulebook.supplementary)
        leaves: list[tuple[str, Scorer | None]] = []
        parents: list[tuple[str, tuple[str, ...]]] = []
        each = [_flatten(node, leaves, parents) for node in (*roots, *supplementary)]  # visit all
        flat = all(each)
        scorers = tuple((leaf_id, scorer) for leaf_id, scorer in leaves if scorer is not None) if flat else ()
        counted = tuple((n.id, n.name, n.weight) for root in rulebook.roots for n in root.walk() if not n.children)
        plan = _Plan(roots, supplementary, scorers, tuple(parents), tuple(r[1].id for r in roots), flat, counted)
        found = _PLANS[id(rulebook)] = (rulebook, plan)
    return found[1]


def _score_flat(plan: _Plan, data: DepartmentData) -> dict[str, Decimal] | None:
    """Every node's score when every leaf scores (the common case); None as soon as one does not."""
    values, members = data.values, data.members
    scores: dict[str, Decimal] = {}
    try:
        for leaf_id, scorer in plan.leaves:
            scores[leaf_id] = scorer(values, members)
    except (Missing, Undefined):
        return None
    for parent_id, kids in plan.parents:
        scores[parent_id] = sum([scores[k] for k in kids], Decimal(0))
    return scores


class _Run:
    """One department's scores by the compiled rulebook: each node's score and status, 不适用 weight, gaps."""

    def __init__(self, rulebook: Rulebook, data: DepartmentData):
        self.rulebook, self.data = rulebook, data
        self.values, self.members = data.values, data.members
        self.scores: dict[str, Decimal | None] = {}
        self.na_weight = Decimal(0)
        self.missing: list[str] = []

    def node(self, plan: PlanNode) -> tuple[Decimal | None, str]:
        tag, node, payload = plan
        if tag == _LEAF:
            assert not isinstance(payload, tuple)  # a leaf's payload is its scorer
            score, status = self.leaf(node, payload)
        elif tag == _PARENT:
            assert isinstance(payload, tuple)  # a parent's payload is its children
            score, status = self.parent(payload)
        else:
            score, status = self.expanded(expand_targets(node, self.data))
        self.scores[node.id] = score
        return score, status

    def expanded(self, node: IndicatorNode) -> tuple[Decimal | None, str]:
        """A target group expanded for this department: scored like the rest, its rows' scores not kept
        (they are the department's, not the rulebook's indicators)."""
        if not node.children:
            return self.leaf(node, None)
        results = [self.expanded(child) for child in node.children]
        score, status = _sum_applicable(results), combined_status({status for _, status in results})
        if node.rescale:
            score = _rescaled(node, score, self.rulebook)[0]
        return score, status

    def leaf(self, node: IndicatorNode, scorer: Scorer | None) -> tuple[Decimal | None, str]:
        if scorer is None:
            scored = _leaf(node, self.rulebook, self.data)
            score, status = scored.score, scored.status
        else:
            try:
                score, status = scorer(self.values, self.members), Status.SCORED
            except Missing:
                score, status = None, Status.MISSING
            except Undefined:
                assert node.rule is not None  # a compiled scorer comes from the leaf's rule
                policy = node.rule.if_undefined
                score, status = _undefined(node, policy), _POLICY.get(policy, Status.UNDEFINED)
        if status != Status.SCORED:
            self.tally(node.name, node.weight, status)
        return score, status

    def tally(self, name: str, weight: Decimal, status: str) -> None:
        if status == Status.NOT_APPLICABLE:
            self.na_weight += weight
        elif status in (Status.MISSING, Status.UNDEFINED):
            self.missing.append(name)

    def parent(self, children: tuple[PlanNode, ...]) -> tuple[Decimal | None, str]:
        results = [self.node(child) for child in children]
        return _sum_applicable(results), combined_status({status for _, status in results})


def _tree(rulebook: Rulebook, data: DepartmentData) -> tuple[tuple[ScoredNode, ...], tuple[ScoredNode, ...]]:
    """The score tree with every trace (the rules run again, this time recording each figure and step)."""
    return (
        tuple(_node(root, rulebook, data) for root in rulebook.roots),
        tuple(_node(node, rulebook, data) for node in rulebook.supplementary),
    )


def evaluate(rulebook: Rulebook, data: DepartmentData) -> Evaluation:
    """Score one department: every indicator's score now, the tree with its traces when first read."""
    plan = _plan(rulebook)
    tree = partial(_tree, rulebook, data)
    scores = _score_flat(plan, data) if plan.flat else None
    results: list[tuple[Decimal | None, str]]
    if scores is not None:
        results = [(scores[root_id], Status.SCORED) for root_id in plan.root_ids]
        return _evaluation(rulebook, data, results, Decimal(0), [], scores, tree, plan.root_leaves)
    run = _Run(rulebook, data)
    results = [run.node(root) for root in plan.roots]
    na_weight, missing = run.na_weight, list(run.missing)
    for node in plan.supplementary:  # scored and shown, not counted: their gaps do not make the total incomplete
        run.node(node)
    return _evaluation(rulebook, data, results, na_weight, missing, run.scores, tree)


def evaluate_traced(rulebook: Rulebook, data: DepartmentData) -> Evaluation:
    """Score one department by building the full tree first and summing it: the reference for `evaluate`."""
    roots, supplementary = _tree(rulebook, data)
    results = [(root.score, root.status) for root in roots]
    missing = [n.name for r in roots for n in r.leaves() if n.status in (Status.MISSING, Status.UNDEFINED)]
    ids = {n.id for top in (*rulebook.roots, *rulebook.supplementary) for n in top.walk()}  # not target rows
    scores = {n.id: n.score for top in (*roots, *supplementary) for n in top.walk() if n.id in ids}
    return _evaluation(
        rulebook, data, results, _not_applicable_weight(roots), missing, scores, lambda: (roots, supplementary)
    )


def _evaluation(
    rulebook: Rulebook,
    data: DepartmentData,
    results: Sequence[tuple[Decimal | None, str]],
    na_weight: Decimal,
    missing: list[str],
    scores: Mapping[str, Decimal | None],
    tree: Callable[[], tuple[tuple[ScoredNode, ...], tuple[ScoredNode, ...]]],
    flat_leaves: tuple[tuple[str, str, Decimal], ...] = (),
) -> Evaluation:
    raw_total = sum((score for score, _ in results if score is not None), Decimal(0))
    complete = all(score is not None or status == Status.NOT_APPLICABLE for score, status in results)
    steps: list[Step] = []
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
    notes: tuple[str, ...] = ()
    if not complete:
        notes = (f"{len(missing)}项指标未填报或无法计算（{'、'.join(missing)}），总分暂不完整",)
    grade = rulebook.grade(total) if total is not None else None
    if rulebook.vetoes:  # 一票否决 (rules/veto.py): the same on the fast and the traced path
        total, grade, veto_steps, veto_notes = apply_vetoes(
            rulebook.vetoes, data.values, total, grade, scores, rulebook.grades
        )
        steps.extend(veto_steps)
        notes = (*notes, *veto_notes)
    return Evaluation(
        rulebook.id,
        rulebook.title,
        data.name,
        data.year,
        total,
        rulebook.total,
        grade,
        tuple(steps),
        notes,
        rulebook.supplementary_title,
        subject=str(data.get("project.name") or ""),
        missing=tuple(missing),
        scores=scores,
        tree=tree,
        flat_leaves=flat_leaves,
    )


def evaluate_projects(rulebook: Rulebook, data: DepartmentData) -> list[Evaluation]:
    """A project rulebook scores each 二级项目 on its own: the project's fields seen as the whole data."""
    return [evaluate(rulebook, data.scoped(item)) for item in data.items("projects")]


def score_rate(score: Decimal | None, weight: Decimal, places: int = 2) -> Decimal | None:
    """得分率 = 得分 ÷ 分值 (a fraction, rounded half-up to places+2 digits: 18.99 ÷ 20 = 0.9495)."""
    if score is None or not weight:
        return None
    return Rounding("half_up", places + 2).apply(divide(score, weight))


@dataclass(frozen=True)
class _Shared:
    """What the forked workers of `evaluate_many` read, set before the pool starts (inherited, never pickled)."""

    rulebook: Rulebook
    datasets: Sequence[DepartmentData]
    reduce: Callable[[Evaluation], Any]


_WORKER_STATE: list[_Shared] = []  # one item while a pool runs


def _evaluate_range(bounds: tuple[int, int]) -> list[Any]:
    shared = _WORKER_STATE[0]
    return [shared.reduce(evaluate(shared.rulebook, shared.datasets[i])) for i in range(*bounds)]


def _ranges(total: int, workers: int, most: int) -> list[tuple[int, int]]:
    """The chunks of `total` departments, `most` each at first and shrinking towards the end (a quarter of what is
    left per worker, at least 16): the last chunk to finish keeps the other workers idle, so it is short, while
    few chunks keep the parent's share small (4,000 departments on two workers at load 9-13: chunks of 250 left
    one worker idle 0.07-0.84 s at the end, chunks of 50 0.03-0.32 s, but 125 chunks of 32 cost the parent
    0.26 s of CPU against 0.05 s for 16 of 250; shrinking ones: 26 chunks)."""
    out: list[tuple[int, int]] = []
    start = 0
    while start < total:
        step = max(min(most, -(-(total - start) // (2 * workers))), min(16, most))
        out.append((start, min(start + step, total)))
        start += step
    return out


def _identity(evaluation: Evaluation) -> Evaluation:
    return evaluation


@overload
def evaluate_many(
    rulebook: Rulebook,
    datasets: Sequence[DepartmentData],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    chunk_size: int = 250,
) -> list[Evaluation]: ...


@overload
def evaluate_many(
    rulebook: Rulebook,
    datasets: Sequence[DepartmentData],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    reduce: Callable[[Evaluation], T] = ...,
    chunk_size: int = 250,
) -> list[T]: ...


def evaluate_many(
    rulebook: Rulebook,
    datasets: Sequence[DepartmentData],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    reduce: Callable[[Evaluation], Any] = _identity,
    chunk_size: int = 250,
) -> list[Any]:  # the overloads above give the element type
    """Evaluate many departments, `reduce` each evaluation, keep the input order.

    With more than one worker the evaluations run in forked processes that share the inputs with this one
    (nothing is pickled on the way in); `reduce` runs in the worker, so a batch job that writes reports or
    keeps summaries does its work where the trace was made and sends back only what it returns.
    `progress(done, total)` is called after each chunk (`chunk_size` departments at most, fewer towards the end:
    `_ranges`).
    """
    import multiprocessing  # here, not at the top: ~14 ms that `jixiao score` and `jixiao review` never use

    workers = workers or os.cpu_count() or 1
    total = len(datasets)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or total < 2 * chunk_size or not can_fork:
        results: list[Any] = []
        for i, data in enumerate(datasets, 1):
            results.append(reduce(evaluate(rulebook, data)))
            if progress and (i % chunk_size == 0 or i == total):
                progress(i, total)
        return results
    _WORKER_STATE[:] = [_Shared(rulebook, datasets, reduce)]
    try:
        ranges = _ranges(total, workers, chunk_size)
        results = []
        # gc.freeze() while forking: the workers' full collections then skip the inherited objects (the datasets,
        # the rulebook, every module), which they would otherwise walk and so copy page by page (~6% of the
        # workers' CPU for 6,000 departments, bench/score.py).
        gc.freeze()
        try:
            pool = multiprocessing.get_context("fork").Pool(workers)
        finally:
            gc.unfreeze()  # the workers are forked: this process collects its own objects again
        with pool:
            for part in pool.imap(_evaluate_range, ranges):
                results.extend(part)
                if progress:
                    progress(len(results), total)
        return results
    finally:
        _WORKER_STATE.clear()
