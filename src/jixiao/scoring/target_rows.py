"""Performance targets written by the department (绩效指标表), scored as the MoF-format tables do.

In those tables (REFERENCE §2b) the 二级/三级 indicators, their 分值 and 年度指标值 are the department's
own; the rulebook only says which 一级 they belong to and how to score. Target cells are read as people
type them: "≥5000例", "≤10天", "=0", "95%", "达成". A target that misses its figures is 未填报; one marked
不适用 is left out.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.model.dataset import DepartmentData
from jixiao.model.indicators import Missing, Undefined
from jixiao.model.numbers import NumberError, fmt_number, fmt_score, normalize_text, parse_decimal

from .rulebook import IndicatorNode, Rulebook
from .rules import KINDS, RuleContext
from .rules.target import finish_target, score_target
from .trace import ScoredNode, Status, Step, Trace

__all__ = ["parse_target_value", "score_target_group", "target_items"]

_OPERATOR_PREFIXES = (
    ("大于等于", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("≥", "≥"),
    (">=", "≥"),
    (">", "≥"),
    ("小于等于", "≤"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("≤", "≤"),
    ("<=", "≤"),
    ("<", "≤"),
    ("等于", "="),
    ("=", "="),
)
_NUMBER = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*(%?)\s*(\S*)$")


def parse_target_value(value: object) -> tuple[str | None, Decimal | None, bool, str]:
    """(operator given in the cell, number, whether it was a percent, the text) from a target or actual cell."""
    if isinstance(value, Decimal):
        return None, value, False, fmt_number(value)
    text = normalize_text(str(value)).replace("＞", ">").replace("＜", "<").replace("＝", "=")
    operator = None
    for prefix, op in _OPERATOR_PREFIXES:
        if text.startswith(prefix):
            operator, text = op, text[len(prefix) :].strip()
            break
    match = _NUMBER.match(text)
    if not match:
        return operator, None, False, str(value)
    try:
        number = parse_decimal(match.group(1))
    except NumberError:
        return operator, None, False, str(value)
    percent = bool(match.group(2))
    return operator, number / 100 if percent else number, percent, str(value)


def _level1_key(text: str) -> str:
    return normalize_text(text).removesuffix("指标")


def target_items(data: DepartmentData, level1: tuple[str, ...], list_path: str = "targets") -> list[str]:
    wanted = {_level1_key(name) for name in level1}
    return [item for item in data.items(list_path) if _level1_key(str(data.get(f"{item}.level1") or "")) in wanted]


def ctx_status(kind, standard: str, ctx: RuleContext, status: str, note: str) -> Trace:
    """The trace of a target that could not be scored: what was read so far, and why."""
    return Trace(kind.name, kind.label, standard, tuple(ctx.reader.reads), tuple(ctx.steps), "", (), status, note)


def _leaf(item: str, data: DepartmentData, group: IndicatorNode, rulebook: Rulebook, level2: str) -> ScoredNode:
    kind = KINDS["target"]
    spec = group.targets
    assert spec is not None
    name = str(data.get(f"{item}.name") or item)
    weight = data.get(f"{item}.weight")
    ctx = RuleContext(
        data,
        weight if weight is not None else Decimal(0),
        name,
        spec.rounding,
        rulebook.percent_places,
        rulebook.strip_zeros,
        rulebook.facts,
        str(data.get(f"{item}.id") or name),
    )
    path = (group.name, level2, name)
    ident = str(data.get(f"{item}.id") or "/".join(path))
    standard = "达到年度指标值得满分，未达到的按完成比例计分；定性指标按达成情况分档计分"

    def node(score, trace) -> ScoredNode:
        return ScoredNode(
            ident,
            name,
            3,
            weight if weight is not None else Decimal(0),
            score,
            path,
            trace=trace,
            confidence=spec.confidence,
            source=spec.source,
            standard=standard,
            weight_given=weight is not None,
            item=item,
        )

    try:
        if data.get(f"{item}.not_applicable"):
            ctx.reader.value(f"{item}.not_applicable")
            return node(
                None,
                Trace(
                    kind.name,
                    kind.label,
                    standard,
                    tuple(ctx.reader.reads),
                    (),
                    "",
                    (),
                    Status.NOT_APPLICABLE,
                    "该指标标注为不适用，不参与评分",
                ),
            )
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
                raise Undefined(f"“{name}”的年度指标值“{target_raw}”不是数字，定量指标需填写数值（如 ≥5000）")
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
        unit = str(data.get(f"{item}.unit") or "")
        fmt = (lambda v: f"{fmt_number(v * 100)}%") if (not qualitative and parse_target_value(target_raw)[2]) else None
        outcome = score_target(
            ctx.weight,
            operator,
            target,
            value,
            spec.options,
            name=name,
            given_score=data.get(f"{item}.score"),
            deviation_reason=str(data.get(f"{item}.deviation_reason") or ""),
            unit=unit,
            fmt=fmt,
        )
    except Missing as exc:
        return node(None, ctx_status(kind, standard, ctx, Status.MISSING, f"未填报：{exc.described(ctx.facts)}"))
    except Undefined as exc:
        return node(None, ctx_status(kind, standard, ctx, Status.UNDEFINED, exc.reason))
    return node(*finish_target(kind, ctx, outcome))


def score_target_group(group: IndicatorNode, rulebook: Rulebook, data: DepartmentData) -> ScoredNode:
    """The 一级 node of a MoF table: its target rows grouped by 二级, weights from the data."""
    items = target_items(data, group.targets.level1 if group.targets else (group.name,))
    if not items:
        kind = KINDS["target"]
        trace = Trace(
            kind.name, kind.label, "", (), (), "", (), Status.MISSING, f"未填报：{group.name}下没有填写任何绩效指标"
        )
        return ScoredNode(group.id, group.name, group.level, group.weight, None, group.path, trace=trace)
    by_level2: dict[str, list[str]] = {}
    for item in items:
        by_level2.setdefault(str(data.get(f"{item}.level2") or "（未分二级指标）"), []).append(item)
    mids = []
    for level2, rows in by_level2.items():
        leaves = tuple(_leaf(item, data, group, rulebook, level2) for item in rows)
        counted = [leaf for leaf in leaves if leaf.status != Status.NOT_APPLICABLE]
        known = [leaf.score for leaf in counted if leaf.score is not None]
        score = sum(known, Decimal(0)) if len(known) == len(counted) else None
        weight = sum((leaf.weight for leaf in leaves), Decimal(0))
        mids.append(
            ScoredNode(
                f"{group.id}/{level2}",
                level2,
                2,
                weight,
                score,
                (group.name, level2),
                leaves,
                weight_given=all(leaf.weight_given for leaf in leaves),
            )
        )
    children = tuple(mids)
    return _rescaled(group, children, rulebook)


def _rescaled(group: IndicatorNode, children: tuple[ScoredNode, ...], rulebook: Rulebook) -> ScoredNode:
    """When the department's weights for this 一级 do not add up to its weight, scale the score, and say so."""
    given = sum((c.weight for c in children), Decimal(0))
    scores = [c.score for c in children]
    raw = sum((s for s in scores if s is not None), Decimal(0)) if all(s is not None for s in scores) else None
    if raw is None or given == group.weight or given == 0:
        return ScoredNode(group.id, group.name, group.level, group.weight, raw, group.path, children)
    scaled = rulebook.rounding.rounding.apply(raw * group.weight / given)
    note = (
        f"{group.name}下各三级指标分值合计为{fmt_score(given)}分，与规定分值{fmt_score(group.weight)}分不一致，"
        f"得分按比例折算：{fmt_score(raw)} × {fmt_score(group.weight)} ÷ {fmt_score(given)} = {fmt_score(scaled)}"
    )
    kind = KINDS["target"]
    trace = Trace(
        kind.name,
        kind.label,
        "",
        (),
        (Step("分值折算", note, fmt_score(scaled)),),
        "",
        (),
        Status.SCORED,
        note,
        flags=(note,),
    )
    return ScoredNode(group.id, group.name, group.level, group.weight, scaled, group.path, children, trace=trace)
