"""达标个数比 (count_ratio): the share of a set of sub-indicators that are met, times the weight.

四川 大英县总工会 2020 (REGIONS §3.2), 目标实现 (10): “单个数量指标实际完成未达到预期指标或超过预期指标30%以上的，
均不计分。该项指标得分 = 达到预期值的数量指标个数 / 全部数量指标个数”. The set is the department's performance
targets (`targets`, or `projects[].targets`) whose 二级指标 is `level2` (default 数量指标); a row counts as met
when it reaches its target and lies within `band` of it. Five rows, four met: 10 × 4 ÷ 5 = 8. Rows marked
不适用 and qualitative rows are left out; no row at all is 无法计算.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import fmt_number, fmt_score, normalize_text

from ..trace import Deduction, Trace
from .base import Leaf, Params, RuleContext, RuleKind, Scorer, score_finisher
from .target_cells import parse_target_value
from .tolerance import within_band

__all__ = ["CountRatioKind"]


@dataclass(frozen=True)
class CountRatioSpec:
    rows: str  # targets | projects[].targets
    level2: str
    band: Decimal | None


class _Get(Protocol):
    """A row's field by path; a required field that is not filled in raises Missing."""

    def __call__(self, path: str, required: bool = True) -> Any: ...


def _row_paths(rows: str, members: Any) -> Iterator[str]:
    if "[]." in rows:
        outer, inner = rows.split("[].", 1)
        for item in members.get(outer, ()):
            yield from members.get(f"{item}.{inner}", ())
    else:
        yield from members.get(rows, ())


def _met(spec: CountRatioSpec, item: str, get: _Get) -> bool | None:
    """Whether one row is met; None when it is not counted (another 二级指标, 不适用, or qualitative)."""
    if normalize_text(str(get(f"{item}.level2", False) or "")) != spec.level2 or get(f"{item}.not_applicable", False):
        return None
    op_target, target, _, _ = parse_target_value(get(f"{item}.target"))
    _, actual, _, _ = parse_target_value(get(f"{item}.actual"))
    operator = get(f"{item}.operator", False) or op_target or "≥"
    if target is None or actual is None or operator == "定性":
        return None
    band = spec.band if spec.band is not None else Decimal("Infinity")
    if operator == "≤":
        return actual <= target and (target == 0 or within_band(actual, target, band, "both")[0])
    if operator == "=":
        return actual == target if target == 0 else within_band(actual, target, band, "both")[0]
    return actual >= target if target == 0 else within_band(actual, target, band, "above")[0]


def _count(spec: CountRatioSpec, paths: list[str], get: _Get) -> tuple[int, int, list[tuple[str, bool]]]:
    """(rows met, rows counted, each counted row with whether it was met)."""
    verdicts = [(item, result) for item in paths if (result := _met(spec, item, get)) is not None]
    if not verdicts:
        raise Undefined(f"没有可计数的{spec.level2}")
    return sum(ok for _, ok in verdicts), len(verdicts), verdicts


class CountRatioKind(RuleKind):
    name = "count_ratio"
    label = "达标个数比"

    def parse(self, params: Params) -> CountRatioSpec:
        return CountRatioSpec(
            params.choice("rows", ("targets", "projects[].targets"), "targets"),
            normalize_text(params.text("level2", "数量指标")),
            params.rate("band", None),
        )

    def standard(self, spec: CountRatioSpec, weight: Decimal) -> str:
        band = f"或超过预期指标{fmt_number(spec.band * 100)}%以上" if spec.band is not None else ""
        return (
            f"单个{spec.level2}实际完成未达到预期指标{band}的，均不计分；"
            f"得分 = 达到预期值的{spec.level2}个数 ÷ 全部{spec.level2}个数 × 分值"
        )

    def score(self, spec: CountRatioSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        def get(path: str, required: bool = True) -> Any:
            return ctx.reader.value(path) if required else ctx.reader.optional(path)

        paths = list(_row_paths(spec.rows, ctx.data.members))
        met, counted, verdicts = _count(spec, paths, get)
        for item, ok in verdicts:
            shown = f"目标 {ctx.data.get(f'{item}.target')}，实际 {ctx.data.get(f'{item}.actual')}"
            ctx.step(str(ctx.data.get(f"{item}.name") or item), shown, "达标" if ok else "不达标")
        missed = [item for item, ok in verdicts if not ok]
        raw = ctx.weight * met / counted
        ctx.step(f"达到预期值的{spec.level2}", f"{met} 个，共 {counted} 个", f"{met}/{counted}")
        ctx.step("得分", f"{fmt_score(ctx.weight)} × {met} ÷ {counted}", fmt_number(raw))
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        deductions = []
        if lost:
            names = "、".join(f"“{ctx.data.get(f'{m}.name') or m}”" for m in missed)
            deductions.append(
                Deduction(
                    lost,
                    f"{names}未达到预期值或偏离超过容差，{met}/{counted}达标，扣{fmt_score(lost)}分",
                    f"{names}按预期值完成，可少扣{fmt_score(lost)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: CountRatioSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        w = leaf.weight

        def score(values, members) -> Decimal:
            def get(path: str, required: bool = True) -> Any:
                value = values.get(path)
                if value is None and required:
                    raise Missing(path)
                return value

            met, counted, _ = _count(spec, list(_row_paths(spec.rows, members)), get)
            return finish(w * met / counted)

        return score
