"""What an evaluation produces: scores with their explanation (trace), as immutable records.

Every leaf score carries the figures it read, the rule and its parameters with their source, each
intermediate value, the rounding, and each deduction as points plus a Chinese sentence. The CLI, the
report and the web app all render these same records (after openfisca-core's tracers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property

from jixiao.model.indicators import InputRead

__all__ = ["Deduction", "Evaluation", "ScoredNode", "Status", "Step", "Trace", "combined_status"]


class Status:
    SCORED = "已评分"
    MISSING = "未填报"
    UNDEFINED = "无法计算"
    NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class Step:
    """One intermediate value: what it is, the arithmetic with the numbers filled in, the result."""

    label: str
    expression: str
    value: str


@dataclass(frozen=True)
class Deduction:
    """Points lost, the sentence saying why, and what would have avoided it."""

    points: Decimal
    reason: str
    avoid: str = ""


@dataclass(frozen=True)
class Trace:
    kind: str  # rule kind id
    kind_label: str  # its Chinese name
    formula: str  # the scoring rule in words
    inputs: tuple[InputRead, ...] = ()
    steps: tuple[Step, ...] = ()
    rounding: str = ""
    deductions: tuple[Deduction, ...] = ()
    status: str = Status.SCORED
    note: str = ""
    flags: tuple[str, ...] = ()  # things a reviewer must look at (e.g. far above target)


@dataclass(frozen=True)
class ScoredNode:
    """One indicator of the tree with its score; leaves have a trace, parents the sum of children."""

    id: str
    name: str
    level: int
    weight: Decimal
    score: Decimal | None
    path: tuple[str, ...]
    children: tuple[ScoredNode, ...] = ()
    trace: Trace | None = None
    confidence: str = ""
    source: str = ""
    standard: str = ""  # 评分标准 as printed in the score table
    weight_given: bool = True  # False when the department left a target's 分值 blank (未填报)
    item: str = ""  # for a target row: its path in the data ("targets[3]"), to print its values

    @property
    def deductions(self) -> tuple[Deduction, ...]:
        own = self.trace.deductions if self.trace is not None else ()
        return own + tuple(d for child in self.children for d in child.deductions)

    @property
    def status(self) -> str:
        if self.trace is not None and not self.children:
            return self.trace.status
        return combined_status({child.status for child in self.children})

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self):
        return [n for n in self.walk() if not n.children]


@dataclass(frozen=True)
class Evaluation:
    """The score tree of one department under one rulebook.

    The total, grade and every indicator's score (`scores`, by id) are computed when the evaluation is made;
    the tree of `ScoredNode`s with their traces (`roots`, `supplementary`) is built from the same rulebook
    and data the first time someone reads it, so a batch that keeps only totals never pays for sentences
    no one reads. Both come from the same rules: tests/test_speed_paths.py holds them to the same scores.
    """

    rulebook_id: str
    rulebook_title: str
    department: str
    year: int | None
    total: Decimal | None
    total_weight: Decimal
    grade: str | None
    steps: tuple[Step, ...] = ()  # total-level arithmetic (rescaling for 不适用 indicators)
    notes: tuple[str, ...] = field(default_factory=tuple)
    supplementary_title: str = ""
    subject: str = ""  # the project, when a project rulebook scored one project
    missing: tuple[str, ...] = ()  # the indicators 未填报 or 无法计算, by name
    scores: Mapping[str, Decimal | None] = field(default_factory=dict, compare=False, repr=False)
    tree: Callable[[], tuple[tuple[ScoredNode, ...], tuple[ScoredNode, ...]]] | None = field(
        default=None, compare=False, repr=False
    )
    # the counted leaves (id, name, weight) in the tree's order, when every one of them was scored on the fast path
    flat_leaves: tuple[tuple[str, str, Decimal], ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def _built(self) -> tuple[tuple[ScoredNode, ...], tuple[ScoredNode, ...]]:
        return self.tree() if self.tree is not None else ((), ())

    @property
    def roots(self) -> tuple[ScoredNode, ...]:
        return self._built[0]

    @property
    def supplementary(self) -> tuple[ScoredNode, ...]:
        """Scored and shown, not counted in the total."""
        return self._built[1]

    def __getstate__(self) -> dict[str, object]:
        # Sent to another process with its tree built, not with the rulebook and data to build it from.
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state["tree"] = None
        state["_built"] = self._built
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def walk(self):
        for root in self.roots:
            yield from root.walk()

    def leaves(self) -> list[ScoredNode]:
        return [n for n in self.walk() if not n.children]

    def points_lost(self) -> dict[str, Decimal]:
        """Points lost by indicator name: each counted leaf that lost some, its weight less its score (a leaf
        not scored: the points of its deductions). When every leaf was scored on the fast path this is read from
        the scores without building the tree and its sentences (a save keeps it for the dashboard; the same
        figures either way, tests/test_speed_paths.py)."""
        if self.flat_leaves and "_built" not in self.__dict__:
            lost = {}
            for leaf_id, name, weight in self.flat_leaves:
                score = self.scores[leaf_id]
                if score is not None and score < weight:
                    lost[name] = weight - score
            return lost
        # a leaf at or above its weight lost nothing, whatever its steps deducted (a bonus row: rules/bonus.py)
        return {
            leaf.name: (leaf.weight - leaf.score) if leaf.score is not None else sum_points(leaf.deductions)
            for leaf in self.leaves()
            if leaf.deductions and (leaf.score is None or leaf.score < leaf.weight)
        }

    def find(self, key: str) -> ScoredNode | None:
        """An indicator by id, by Chinese name, or by path joined with '/'."""
        for node in self.walk():
            if key in (node.id, node.name, "/".join(node.path)):
                return node
        return None

    @property
    def complete(self) -> bool:
        """Every indicator scored or 不适用 (none 未填报 or 无法计算)."""
        return not self.missing


def sum_points(deductions: tuple[Deduction, ...]) -> Decimal:
    return sum((d.points for d in deductions), Decimal(0))


def combined_status(statuses: set[str]) -> str:
    """A parent's status from its children's: missing or undefined if any child is, not applicable if all are."""
    if Status.MISSING in statuses:
        return Status.MISSING
    if Status.UNDEFINED in statuses:
        return Status.UNDEFINED
    if statuses == {Status.NOT_APPLICABLE}:
        return Status.NOT_APPLICABLE
    return Status.SCORED
