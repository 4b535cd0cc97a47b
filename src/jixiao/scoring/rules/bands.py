"""档次计分 (bands): the value falls in one band; each band gives a score or a deduction.

Seed 000's 公用经费控制率 (6): ≤ 90% full marks; 90%–100% minus 1; 57.94 ÷ 57.94 = 100% → 5.
Bounds: `min` (≥), `above` (>), `max` (≤), `below` (<), `equal` (=); the first band that matches wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from jixiao.model.indicators import Undefined
from jixiao.model.numbers import fmt_number, fmt_score
from jixiao.model.schema import walk_fields

from ..trace import Deduction, Trace
from .base import (
    Leaf,
    ParamError,
    Params,
    RuleContext,
    RuleKind,
    Scorer,
    ValueRef,
    compile_ref,
    score_finisher,
)

__all__ = ["Band", "BandsKind"]


@cache
def _rate_fields() -> frozenset[str]:
    """The schema's rate fields (walked when a rulebook first has bands, not when the module loads)."""
    return frozenset(path for path, spec in walk_fields() if spec.kind == "rate")


@dataclass(frozen=True)
class Band:
    lower: Decimal | None = None
    lower_inclusive: bool = True
    upper: Decimal | None = None
    upper_inclusive: bool = True
    score: Decimal | None = None
    deduct: Decimal | None = None
    label: str = ""

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None and (value < self.lower or (value == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    def points(self, weight: Decimal) -> Decimal:
        return self.score if self.score is not None else weight - (self.deduct or Decimal(0))

    def describe(self, fmt) -> str:
        if self.label:
            return self.label
        lo, hi = self.lower, self.upper
        if lo is not None and hi is not None and lo == hi:
            return f"等于{fmt(lo)}"
        if lo is None and hi is not None:
            return f"{'不高于' if self.upper_inclusive else '低于'}{fmt(hi)}"
        if hi is None and lo is not None:
            return f"{'不低于' if self.lower_inclusive else '高于'}{fmt(lo)}"
        if lo is None:
            return "任意值"
        lower = f"{'含' if self.lower_inclusive else '不含'}{fmt(lo)}"
        ends = f"（{lower}，{'含' if self.upper_inclusive else '不含'}{fmt(hi)}）"
        return f"在{fmt(lo)}至{fmt(hi)}之间{ends}"


@dataclass(frozen=True)
class BandsSpec:
    ref: ValueRef
    is_rate: bool
    bands: tuple[Band, ...]


class BandsKind(RuleKind):
    name = "bands"
    label = "档次计分"

    def parse(self, params: Params) -> BandsSpec:
        ref = params.value_ref()
        if ref.source == "fact":
            raise ParamError("fact", "档次计分需要数值，定性事实请用 checklist")
        is_rate = ref.source == "indicator" or ref.name in _rate_fields()
        bands = []
        for i, raw in enumerate(params.items("bands")):
            sub = params.sub(raw)
            read = sub.rate if is_rate else sub.decimal
            try:
                equal = read("equal", None)
                lower, lower_inc = (equal, True) if equal is not None else _bound(read, "min", "above")
                upper, upper_inc = (equal, True) if equal is not None else _bound(read, "max", "below")
                band = Band(
                    lower,
                    lower_inc,
                    upper,
                    upper_inc,
                    sub.decimal("score", None),
                    sub.decimal("deduct", None),
                    sub.text("label", ""),
                )
            except ParamError as exc:
                raise ParamError(f"bands[{i}].{exc.key}", exc.message) from None
            if (band.score is None) == (band.deduct is None):
                raise ParamError(f"bands[{i}]", "每个档次应且只应给出 score（得分）或 deduct（扣分）之一")
            bands.append(band)
        if not bands:
            raise ParamError("bands", "至少需要一个档次")
        return BandsSpec(ref, is_rate, tuple(bands))

    def check(self, spec: BandsSpec, weight: Decimal) -> list[str]:
        return [
            f"第{i + 1}档得分 {fmt_score(b.points(weight))} 超出分值 {fmt_score(weight)} 或为负数"
            for i, b in enumerate(spec.bands)
            if not Decimal(0) <= b.points(weight) <= weight
        ]

    def _fmt(self, spec: BandsSpec, ctx: RuleContext | None = None):
        if spec.is_rate:
            return (lambda v: ctx.pct(v)) if ctx else (lambda v: f"{fmt_number(v * 100)}%")
        return fmt_number

    def standard(self, spec: BandsSpec, weight: Decimal) -> str:
        fmt = self._fmt(spec)
        parts = [f"{b.describe(fmt)}得{fmt_score(b.points(weight))}分" for b in spec.bands]
        return f"{spec.ref.label}" + "；".join(parts)

    def score(self, spec: BandsSpec, ctx: RuleContext) -> tuple[Decimal, Trace]:
        value = Decimal(ctx.read(spec.ref))
        fmt = self._fmt(spec, ctx)
        band = next((b for b in spec.bands if b.contains(value)), None)
        if band is None:
            raise Undefined(f"{spec.ref.label}为{fmt(value)}，不在指标体系规定的任何档次内，请检查指标体系")
        raw = band.points(ctx.weight)
        ctx.step("所在档次", f"{spec.ref.label} {fmt(value)}：{band.describe(fmt)}", f"{fmt_score(raw)}分")
        score, rounding = ctx.finish(raw)
        lost = ctx.weight - score
        deductions = []
        if lost:
            best = max(spec.bands, key=lambda b: b.points(ctx.weight))
            target = best.upper if best.upper is not None else best.lower
            gap = ctx.gap(spec.ref, target) if target is not None and spec.is_rate else ""
            deductions.append(
                Deduction(
                    lost,
                    f"{spec.ref.label}为{fmt(value)}，{band.describe(fmt)}，根据评分标准扣{fmt_score(lost)}分",
                    f"{spec.ref.label}{best.describe(fmt)}{gap}，可少扣{fmt_score(best.points(ctx.weight) - score)}分",
                )
            )
        return score, ctx.trace(self, deductions, rounding)

    def compile(self, spec: BandsSpec, leaf: Leaf) -> Scorer:
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, bands, w = compile_ref(spec.ref), spec.bands, leaf.weight

        def score(values, members) -> Decimal:
            number = Decimal(value(values, members))
            for band in bands:
                if band.contains(number):
                    return finish(band.points(w))
            raise Undefined(f"{spec.ref.label}不在指标体系规定的任何档次内")

        return score


def _bound(read, inclusive_key: str, exclusive_key: str) -> tuple[Decimal | None, bool]:
    inclusive, exclusive = read(inclusive_key, None), read(exclusive_key, None)
    if inclusive is not None and exclusive is not None:
        raise ParamError(inclusive_key, f"{inclusive_key} 与 {exclusive_key} 不能同时给出")
    return (inclusive, True) if inclusive is not None else (exclusive, False)
