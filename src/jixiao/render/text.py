"""The score table as terminal text, laid out like the seeds' 表1 (一级/二级/三级 名称 分值, 得分)."""

from __future__ import annotations

import unicodedata

from jixiao.model.numbers import fmt_score
from jixiao.scoring.engine import score_rate
from jixiao.scoring.explain import pct_or_blank, weight_text
from jixiao.scoring.trace import Evaluation, ScoredNode

__all__ = ["render_score_text", "score_table_rows", "width"]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def score_table_rows(evaluation: Evaluation) -> list[list[str]]:
    """One row per leaf: 一级名称, 分值, 二级名称, 分值, 三级名称, 分值, 得分; parents only on their first row.

    Trees shallower than three levels leave the missing middle columns blank; deeper ones show the
    first two levels and the leaf.
    """
    rows: list[list[str]] = []
    for root in evaluation.roots:
        first_root = True
        for mid in root.children or (root,):
            first_mid = True
            for leaf in mid.leaves() if mid.children else [mid]:
                score = fmt_score(leaf.score) if leaf.score is not None else leaf.status
                rows.append(
                    [
                        root.name if first_root else "",
                        weight_text(root) if first_root else "",
                        (mid.name if first_mid else "") if mid is not root else "",
                        (weight_text(mid) if first_mid else "") if mid is not root else "",
                        leaf.name,
                        weight_text(leaf),
                        score,
                    ]
                )
                first_root = first_mid = False
    return rows


def _table(header: list[list[str]], rows: list[list[str]]) -> list[str]:
    widths = [max(width(r[i]) for r in header + rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in header + rows]


def render_score_text(evaluation: Evaluation, title: str = "表 1：自评得分一览表", strip_zeros: bool = True) -> str:
    rows = score_table_rows(evaluation)
    total = fmt_score(evaluation.total) if evaluation.total is not None else "不完整"
    weight = fmt_score(evaluation.total_weight)
    rows.append(["合计", weight, "", weight, "", weight, total])
    header = [
        ["一级指标", "", "二级指标", "", "三级指标", "", "得分"],
        ["名称", "分值", "名称", "分值", "名称", "分值", ""],
    ]
    lines = [f"{evaluation.department} {evaluation.year or ''}年度  指标体系：{evaluation.rulebook_title}", "", title]
    lines += _table(header, rows)
    lines += ["", "分项得分："]
    for root in evaluation.roots:
        lines.append(_summary_line(root, "  ", strip_zeros))
        for mid in root.children:
            if mid.children:
                lines.append(_summary_line(mid, "    ", strip_zeros))
    lines.append("")
    lines.append(f"总分：{total}    等级：{evaluation.grade or '—'}")
    lines += [f"注：{note}" for note in evaluation.notes]
    lines += [f"注：{s.label}：{s.expression} = {s.value}" for s in evaluation.steps]
    deductions = [(leaf, d) for leaf in evaluation.leaves() for d in leaf.deductions]
    if deductions:
        lines += ["", "扣分原因："]
        for leaf, d in deductions:
            lines.append(f"  {leaf.name}（扣{fmt_score(d.points)}分）：{d.reason}")
    if evaluation.supplementary:
        lines += ["", f"{evaluation.supplementary_title}："]
        for root in evaluation.supplementary:
            for node in root.walk():
                score = fmt_score(node.score) if node.score is not None else node.status
                lines.append(f"  {'  ' * (node.level - 1)}{node.name}：分值{weight_text(node)}，得分{score}")
                lines += [
                    f"  {'  ' * node.level}扣分：{d.reason}" for d in (node.trace.deductions if node.trace else ())
                ]
                if node.trace and node.trace.note:
                    lines.append(f"  {'  ' * node.level}{node.trace.note}")
    missing = [
        f"  {leaf.name}：{leaf.trace.note}"
        for leaf in evaluation.leaves()
        if leaf.score is None and leaf.trace and leaf.trace.note
    ]
    if missing:
        lines += ["", "未评分指标：", *missing]
    return "\n".join(lines)


def _summary_line(node: ScoredNode, indent: str, strip_zeros: bool) -> str:
    score = fmt_score(node.score) if node.score is not None else node.status
    rate = pct_or_blank(score_rate(node.score, node.weight), strip_zeros)
    return f"{indent}{node.name}：分值{weight_text(node)}，得分{score}" + (f"，得分率{rate}" if rate else "")
