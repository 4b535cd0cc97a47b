"""绩效目标 (target): a performance indicator's actual value against its annual target.

Scoring after 财预〔2020〕10号 (REFERENCE §2b):
- ≥ (higher is better): full marks when reached, else weight × actual ÷ target;
- ≤ (lower is better): full marks within target; beyond it, by `lower_variant`:
  `linear_to_double` (falls linearly to 0 at twice the target) or `inverse` (weight × target ÷ actual);
- = : full marks when equal, else weight × (1 − |actual − target| ÷ target), not below 0;
- zero target (≤ 0 or = 0): full marks only when actual ≤ 0;
- 定性: tiers 达成 / 部分达成 / 未达成, each a share of the weight (the user may give a score within the tier);
- 不适用: left out, and the rest rescaled (done by the engine).
A result far above target (≥ `far_above`, default 130%) and a missed target are flagged: each needs a
deviation reason (偏差原因), and the flag stays until one is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import divide, fmt_number, fmt_score

from ..trace import Deduction, Status, Step, Trace
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
from .target_cells import parse_target_value

__all__ = [
    "DEFAULT_TIERS",
    "ROW_STANDARD",
    "TargetKind",
    "TargetOptions",
    "TargetOutcome",
    "TargetRowSpec",
    "score_row",
    "score_target",
]

# Default share of the weight for each qualitative answer, and the range a user-given score must lie in.
DEFAULT_TIERS: dict[str, tuple[Decimal, Decimal, Decimal]] = {
    "达成": (Decimal("1"), Decimal("0.8"), Decimal("1")),
    "部分达成": (Decimal("0.6"), Decimal("0.6"), Decimal("0.8")),
    "未达成": (Decimal("0"), Decimal("0"), Decimal("0.6")),
}
_TIER_TEXT = {"达成": "达成年度指标", "部分达成": "部分达成并具有一定效果", "未达成": "未达成且效果较差"}


@dataclass(frozen=True)
class TargetOptions:
    lower_variant: str = "linear_to_double"  # linear_to_double | inverse
    far_above: Decimal = Decimal("1.3")
    tiers: dict[str, tuple[Decimal, Decimal, Decimal]] = field(default_factory=lambda: dict(DEFAULT_TIERS))


@dataclass(frozen=True)
class TargetOutcome:
    raw: Decimal
    steps: tuple[Step, ...]
    reason: str  # the deduction sentence when points are lost
    avoid: str
    flags: tuple[str, ...]


def _num(value: Decimal) -> str:
    return fmt_number(value)


def score_target(
    weight: Decimal,
    operator: str,
    target: object,
    actual: object,
    options: TargetOptions,
    *,
    name: str = "",
    given_score: Decimal | None = None,
    deviation_reason: str = "",
    unit: str = "",
    fmt=None,
) -> TargetOutcome:
    """Score one performance target; pure, so counterfactuals and the review can reuse it."""
    fmt = fmt or (lambda v: f"{_num(v)}{unit}")
    steps: list[Step] = []
    flags: list[str] = []
    if operator == "定性" or isinstance(actual, str):
        answer = str(actual)
        if answer not in options.tiers:
            raise Undefined(f"定性指标“{name}”的完成情况应为 达成 / 部分达成 / 未达成，实际为“{answer}”")
        default, low, high = options.tiers[answer]
        share = default
        if given_score is not None:
            share = divide(given_score, weight) if weight else Decimal(0)
            if not low <= share <= high:
                raise Undefined(
                    f"“{name}”{answer}档得分应在{_num(weight * low)}–{_num(weight * high)}分之间，"
                    f"填报为{_num(given_score)}分"
                )
        raw = weight * share
        steps.append(Step("定性评价", f"{_TIER_TEXT.get(answer, answer)}：分值 × {_num(share * 100)}%", _num(raw)))
        reason = f"“{name}”评价为{_TIER_TEXT.get(answer, answer)}，得{fmt_score(raw)}分" if raw < weight else ""
        if answer != "达成" and not deviation_reason:
            flags.append(f"“{name}”未完全达成，须填写偏差原因分析及改进措施")
        return TargetOutcome(raw, tuple(steps), reason, f"“{name}”达成年度指标", tuple(flags))
    t, a = Decimal(target), Decimal(actual)  # type: ignore[arg-type]
    ratio_text = ""
    if operator in ("≤", "=") and t == 0:
        raw = weight if a <= 0 else Decimal(0)
        steps.append(Step("零目标", f"实际 {fmt(a)}，目标 {fmt(t)}：实际不超过0得满分，否则0分", _num(raw)))
    elif operator == "≥":
        if t <= 0 or a >= t:
            raw = weight
            steps.append(Step("完成情况", f"实际 {fmt(a)} ≥ 目标 {fmt(t)}", "得满分"))
        else:
            raw = weight * divide(a, t)
            steps.append(Step("得分", f"{fmt_score(weight)} × {fmt(a)} ÷ {fmt(t)}", _num(raw)))
        if t > 0:
            rate = divide(a, t)
            ratio_text = f"完成率{_num((rate * 100).quantize(Decimal('0.01')))}%"
            if rate >= options.far_above and not deviation_reason:
                flags.append(
                    f"“{name}”实际完成值为年度指标值的{_num((rate * 100).quantize(Decimal('0.01')))}%，"
                    f"超过{_num(options.far_above * 100)}%，须说明原因（年度指标是否设定偏低）"
                )
    elif operator == "≤":
        if a <= t:
            raw = weight
            steps.append(Step("完成情况", f"实际 {fmt(a)} ≤ 目标 {fmt(t)}", "得满分"))
        elif options.lower_variant == "inverse":
            raw = weight * divide(t, a)
            steps.append(Step("得分", f"{fmt_score(weight)} × {fmt(t)} ÷ {fmt(a)}", _num(raw)))
        else:
            raw = max(Decimal(0), weight * divide(2 * t - a, t))
            steps.append(
                Step(
                    "得分（至两倍目标线性降为0）",
                    f"{fmt_score(weight)} × (2 × {fmt(t)} − {fmt(a)}) ÷ {fmt(t)}",
                    _num(raw),
                )
            )
    elif operator == "=":
        raw = max(Decimal(0), weight * (1 - divide(abs(a - t), t)))
        steps.append(Step("得分", f"{fmt_score(weight)} × (1 − |{fmt(a)} − {fmt(t)}| ÷ {fmt(t)})", _num(raw)))
    else:
        raise Undefined(f"“{name}”的指标方向“{operator}”无法识别")
    reason = ""
    if raw < weight:
        done = f"，{ratio_text}" if ratio_text else ""
        reason = f"“{name}”年度指标值{operator}{fmt(t)}，实际完成{fmt(a)}{done}，未达成年度指标"
        if not deviation_reason:
            flags.append(f"“{name}”未达成年度指标，须填写偏差原因分析及改进措施")
    return TargetOutcome(raw, tuple(steps), reason, f"“{name}”实际完成值达到年度指标值{fmt(t)}", tuple(flags))


def finish_target(kind: RuleKind, ctx: RuleContext, outcome: TargetOutcome) -> tuple[Decimal, Trace]:
    """Round a target's score and build its trace; the one deduction says what was missed."""
    ctx.steps.extend(outcome.steps)
    score, rounding = ctx.finish(outcome.raw)
    lost = ctx.weight - score
    deductions = (
        [Deduction(lost, f"{outcome.reason}，扣{fmt_score(lost)}分", f"{outcome.avoid}，可少扣{fmt_score(lost)}分")]
        if lost
        else []
    )
    return score, ctx.trace(kind, deductions, rounding, flags=outcome.flags)


# A row of the department's own 绩效指标表 (MoF-format tables, REFERENCE §2b): `scoring.target_rows.expand_targets`
# makes one indicator node per row, with the `target` rule and a `TargetRowSpec`; `score_row` scores it.
ROW_STANDARD = "达到年度指标值得满分，未达到的按完成比例计分；定性指标按达成情况分档计分"


@dataclass(frozen=True)
class TargetRowSpec:
    """The rule of one expanded row: which row of the data ("targets[3]"), and the group's scoring options.

    `item` is empty for the one node that stands for a 一级 with no rows at all (未填报)."""

    item: str
    group: str  # the 一级 indicator's name, for the message when it has no rows
    options: TargetOptions


def score_row(kind: RuleKind, spec: TargetRowSpec, ctx: RuleContext) -> tuple[Decimal | None, Trace]:
    """One row's score and trace; None with a 未填报 or 不适用 trace when it has no score.

    Raises Missing / Undefined like every rule kind, for the engine to turn into 未填报 / 无法计算."""
    if not spec.item:
        note = f"未填报：{spec.group}下没有填写任何绩效指标"
        return None, Trace(kind.name, kind.label, "", (), (), "", (), Status.MISSING, note)
    item, data = spec.item, ctx.data
    if data.get(f"{item}.not_applicable"):
        ctx.reader.value(f"{item}.not_applicable")
        reads = tuple(ctx.reader.reads)
        note = "该指标标注为不适用，不参与评分"
        return None, Trace(kind.name, kind.label, ctx.standard, reads, (), "", (), Status.NOT_APPLICABLE, note)
    ctx.reader.value(f"{item}.weight")
    actual_raw = ctx.reader.value(f"{item}.actual")
    given_op = ctx.reader.optional(f"{item}.operator")
    target_raw = ctx.reader.optional(f"{item}.target")
    _, actual, a_pct, actual_text = parse_target_value(actual_raw)
    target: Decimal | None
    value: Decimal | str
    if given_op == "定性" or actual is None:
        qualitative = True
        operator, target, value = "定性", None, actual_text.strip()
    else:
        qualitative = False
        if target_raw is None:
            raise Missing(f"{item}.target")
        t_op, target, t_pct, _ = parse_target_value(target_raw)
        if target is None:
            raise Undefined(f"“{ctx.name}”的年度指标值“{target_raw}”不是数字，定量指标需填写数值（如 ≥5000）")
        direction = given_op or t_op
        if direction is None:
            direction = "≥"
            ctx.step("指标方向", "未填写，按“越高越好（≥）”计分", "≥")
        operator = direction
        if t_pct and not a_pct and actual > Decimal("1.5"):
            actual = actual / 100
            ctx.step(
                "实际完成值",
                f"年度指标值为百分数，实际完成值 {fmt_number(actual * 100)} 按百分数理解",
                f"{fmt_number(actual * 100)}%",
            )
        value = actual
    fmt = (lambda v: f"{fmt_number(v * 100)}%") if (not qualitative and parse_target_value(target_raw)[2]) else None
    outcome = score_target(
        ctx.weight,
        operator,
        target,
        value,
        spec.options,
        name=ctx.name,
        given_score=data.get(f"{item}.score"),
        deviation_reason=str(data.get(f"{item}.deviation_reason") or ""),
        unit=str(data.get(f"{item}.unit") or ""),
        fmt=fmt,
    )
    score, trace = finish_target(kind, ctx, outcome)
    # A scored row's trace has never carried the standard as its formula (the score table prints the node's
    # standard); kept so that the outputs stay as they were.
    return score, replace(trace, formula="")


@dataclass(frozen=True)
class TargetSpec:
    ref: ValueRef
    operator: str
    target: Decimal | None
    options: TargetOptions


def _tier_range(
    params: Params, answer: str, raw: dict[str, Any], default: tuple[Decimal, Decimal, Decimal]
) -> tuple[Decimal, Decimal, Decimal]:
    """A tier written with its range, `{share: 60%, min: 50%, max: 80%}`: a region whose table sets other
    ranges than 财预〔2020〕10号's (济南市历城区: 100–80%, 80–50%, 50–0%). A key left out keeps the default."""
    sub = params.sub(raw)
    try:
        share, low, high = (sub.rate(key, value) for key, value in zip(("share", "min", "max"), default, strict=True))
    except ParamError as exc:
        raise ParamError("tiers", f"档次“{answer}”的{exc.message}") from None
    unknown = sorted(str(k) for k in raw if k not in ("share", "min", "max"))
    if unknown:
        raise ParamError(
            "tiers", f"档次“{answer}”不认识参数“{unknown[0]}”，应为 share（默认得分比例）、min、max（得分比例范围）"
        )
    if not Decimal(0) <= low <= share <= high <= Decimal(1):
        raise ParamError(
            "tiers",
            f"档次“{answer}”应满足 0 ≤ min（{_num(low * 100)}%）≤ share（{_num(share * 100)}%）"
            f"≤ max（{_num(high * 100)}%）≤ 100%",
        )
    return share, low, high


def parse_options(params: Params) -> TargetOptions:
    tiers = dict(DEFAULT_TIERS)
    raw = params._get("tiers", None)
    if raw is not None:
        if not isinstance(raw, dict):
            raise ParamError("tiers", "参数“tiers”应为 达成/部分达成/未达成 到得分比例的对应")
        for answer, share in raw.items():
            if answer not in tiers:
                raise ParamError("tiers", f"未知档次“{answer}”，应为 达成 / 部分达成 / 未达成")
            if isinstance(share, dict):
                tiers[answer] = _tier_range(params, str(answer), share, tiers[answer])
                continue
            value = params.sub({"v": share}).rate("v")
            tiers[answer] = (value, *tiers[answer][1:])
    return TargetOptions(
        params.choice("lower_variant", ("linear_to_double", "inverse"), "linear_to_double"),
        params.rate("far_above", Decimal("1.3")),
        tiers,
    )


class TargetKind(RuleKind):
    name = "target"
    label = "绩效目标"

    def parse(self, params: Params) -> TargetSpec:
        ref = params.value_ref()
        operator = params.choice("operator", ("≥", "≤", "=", "定性"), "定性" if ref.source == "fact" else "≥")
        target = None
        if operator != "定性":
            target = params.rate("target") if ref.source == "indicator" else params.decimal("target")
        return TargetSpec(ref, operator, target, parse_options(params))

    def standard(self, spec: TargetSpec, weight: Decimal) -> str:
        if spec.operator == "定性":
            return "达成年度指标得满分；部分达成并具有一定效果得60%–80%；未达成且效果较差得0–60%"
        assert spec.target is not None  # parse() gives every operator but 定性 its target
        shown = f"{_num(spec.target * 100)}%" if spec.ref.source == "indicator" else _num(spec.target)
        return f"{spec.ref.label}{spec.operator}{shown}得满分，未达到的按完成比例计分"

    def score(self, spec: TargetSpec | TargetRowSpec, ctx: RuleContext) -> tuple[Decimal | None, Trace]:
        if isinstance(spec, TargetRowSpec):  # a row of the department's own 绩效指标表
            return score_row(self, spec, ctx)
        actual = ctx.read(spec.ref)
        fmt = ctx.pct if spec.ref.source == "indicator" else None
        evidence = ctx.reader.optional(f"facts.{spec.ref.name}.evidence") if spec.ref.source == "fact" else None
        outcome = score_target(
            ctx.weight,
            spec.operator,
            spec.target,
            actual,
            spec.options,
            name=ctx.name,
            deviation_reason=evidence or "",
            fmt=fmt,
        )
        score, trace = finish_target(self, ctx, outcome)
        return score, trace if score < ctx.weight else replace(trace, flags=())

    def compile(self, spec: TargetSpec | TargetRowSpec, leaf: Leaf) -> Scorer | None:
        if isinstance(spec, TargetRowSpec):
            return None  # rows are few and read many fields: the engine scores them through `score`
        finish = score_finisher(leaf.weight, leaf.rounding)
        value, w, tiers = compile_ref(spec.ref), leaf.weight, spec.options.tiers

        def score(values, members) -> Decimal:
            actual = value(values, members)
            if spec.operator == "定性" or isinstance(actual, str):
                tier = tiers.get(str(actual))
                if tier is None:
                    raise Undefined(f"定性指标“{leaf.name}”的完成情况无法识别")
                return finish(w * tier[0])
            outcome = score_target(w, spec.operator, spec.target, actual, spec.options, name=leaf.name)
            return finish(outcome.raw)

        return score
