"""Evaluation results as plain data and as text: the one place that turns traces into words.

`evaluation_to_dict` is the JSON shape (`jixiao score --json`, the web API); `level_summaries` gives the
per-一级 analysis sentences that the report also prints; `explain_node` renders one indicator's trace.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.model.indicators import FIELD_KINDS, generic_path
from jixiao.model.numbers import fmt_number, fmt_percent, fmt_score

from .engine import score_rate
from .trace import Evaluation, ScoredNode, Status

__all__ = [
    "ENUMERATION",
    "evaluation_to_dict",
    "explain_node",
    "level_summary",
    "node_to_dict",
    "pct_or_blank",
    "weight_text",
]

ENUMERATION = ("一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是")


def weight_text(node: ScoredNode) -> str:
    """分值 as printed: the number, or 未填报 when the department left a target's 分值 blank."""
    return fmt_score(node.weight) if node.weight_given else "未填报"


def _s(value: Decimal | None) -> str | None:
    return None if value is None else fmt_score(value)


def pct_or_blank(rate: Decimal | None, strip_zeros: bool = True) -> str:
    return "" if rate is None else fmt_percent(rate, 2, strip_zeros=strip_zeros)


def _value(value: Any, path: str = "") -> Any:
    """An input value as a person reads it: rates as percents, booleans as 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if FIELD_KINDS.get(generic_path(path)) == "rate":
            return f"{fmt_number(value * 100)}%"
        return fmt_number(value)
    return value


def node_to_dict(node: ScoredNode) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": node.id,
        "name": node.name,
        "path": list(node.path),
        "level": node.level,
        "weight": _s(node.weight) if node.weight_given else None,
        "score": _s(node.score),
        "status": node.status,
        "deductions": [{"points": _s(d.points), "reason": d.reason, "avoid": d.avoid} for d in node.deductions],
    }
    if node.trace is not None:
        t = node.trace
        out["rule"] = {
            "kind": t.kind,
            "label": t.kind_label,
            "standard": node.standard,
            "confidence": node.confidence,
            "source": node.source,
        }
        out["trace"] = {
            "inputs": [
                {
                    "path": r.path,
                    "label": r.label,
                    "value": _value(r.value, r.path),
                    "location": str(r.location) if r.location else "",
                }
                for r in t.inputs
            ],
            "steps": [{"label": s.label, "expression": s.expression, "value": s.value} for s in t.steps],
            "rounding": t.rounding,
            "note": t.note,
            "flags": list(t.flags),
        }
    return out


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "department": evaluation.department,
        "year": evaluation.year,
        "rulebook": evaluation.rulebook_id,
        "total": _s(evaluation.total),
        "grade": evaluation.grade,
        "complete": evaluation.complete,
        "notes": list(evaluation.notes),
        "indicators": [node_to_dict(n) for n in evaluation.walk()],
        "supplementary": {
            "title": evaluation.supplementary_title,
            "indicators": [node_to_dict(n) for root in evaluation.supplementary for n in root.walk()],
        }
        if evaluation.supplementary
        else None,
    }


def level_summary(node: ScoredNode, strip_zeros: bool = True) -> str:
    """The seed's per-一级 sentence: "部门管理指标总分20分，评价得分18.99分，得分率94.95%。主要扣分原因为：一是…"."""
    if node.score is None:
        return f"{node.name}指标总分{fmt_score(node.weight)}分，因部分数据未填报，暂无法计算得分。"
    rate = pct_or_blank(score_rate(node.score, node.weight), strip_zeros)
    text = f"{node.name}指标总分{fmt_score(node.weight)}分，评价得分{fmt_score(node.score)}分，得分率{rate}。"
    deductions = node.deductions
    if deductions:
        reasons = [
            f"{ENUMERATION[i] if i < len(ENUMERATION) else f'第{i + 1}'}{d.reason}" for i, d in enumerate(deductions)
        ]
        total_lost = sum((d.points for d in deductions), Decimal(0))
        text += "主要扣分原因为：" + "；".join(reasons) + "。"
        if len(deductions) > 1:
            text += f"故{node.name}指标总计扣{fmt_score(total_lost)}分。"
    return text


def explain_node(node: ScoredNode) -> str:
    """One indicator's trace as readable Chinese text (jixiao explain)."""
    lines = [
        f"指标：{' / '.join(node.path)}（编号 {node.id}）",
        f"分值：{fmt_score(node.weight)}    得分：{_s(node.score) or node.status}    状态：{node.status}",
    ]
    if node.children:
        lines.append("下级指标：")
        lines += [f"  {c.name}：{_s(c.score) or c.status} / {fmt_score(c.weight)}" for c in node.children]
        lines += [f"扣分：{d.reason}" for d in node.deductions]
        return "\n".join(lines)
    t = node.trace
    assert t is not None
    lines.append(
        f"规则：{t.kind_label}（{t.kind}）    依据：{node.source or '—'}    "
        f"可信度：{'官方文件' if node.confidence == 'official' else '推定'}"
    )
    if node.standard:
        lines.append(f"评分标准：{node.standard}")
    if t.inputs:
        lines.append("读取数据：")
        for r in t.inputs:
            where = f"    [{r.location}]" if r.location else ""
            lines.append(f"  {r.label}（{r.path}）= {_value(r.value, r.path)}{where}")
    if t.steps:
        lines.append("计算过程：")
        lines += [f"  {i}. {s.label}：{s.expression} = {s.value}" for i, s in enumerate(t.steps, 1)]
    if t.rounding:
        lines.append(f"取整：{t.rounding}")
    if t.note:
        lines.append(f"说明：{t.note}")
    if t.deductions:
        lines.append("扣分：")
        for d in t.deductions:
            lines.append(f"  - 扣{fmt_score(d.points)}分：{d.reason}")
            if d.avoid:
                lines.append(f"    如何避免：{d.avoid}")
    elif t.status == Status.SCORED:
        lines.append("扣分：无")
    if t.flags:
        lines.append("需关注：")
        lines += [f"  ! {f}" for f in t.flags]
    return "\n".join(lines)
