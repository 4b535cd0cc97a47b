"""The MoF-format self-evaluation tables (REFERENCE §2b; seed 004's 附件2 and 附件3).

部门整体支出绩效自评表 and 项目支出绩效自评表 share one layout of nine columns: the funds block (年初预算数 |
全年预算数 | 全年执行数 | 分值 | 执行率 | 得分), the 年度总体目标 row (预期目标 | 实际完成情况), and the
performance indicators (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施).
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.numbers import fmt_amount, fmt_number, fmt_score
from jixiao.scoring.explain import weight_text
from jixiao.scoring.trace import Evaluation, ScoredNode

from .document import Cell, Table
from .figures import MISSING, Figures

__all__ = ["mof_self_table"]

_WIDTHS = (1.0, 1.1, 1.2, 2.2, 1.2, 1.2, 0.7, 0.8, 2.6)


def _money(f: Figures, path: str) -> Cell:
    value = f.value(path)
    if value is None:
        return Cell(MISSING)
    return Cell(fmt_amount(Decimal(value)), align="right", value=value, number_format="#,##0.00")


def _value_text(value: object, unit: str) -> str:
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return f"{fmt_number(value)}{unit}"
    text = str(value)
    return text if not unit or text.endswith(unit) or not text[-1:].isdigit() else f"{text}{unit}"


def _target_rows(evaluation: Evaluation, f: Figures) -> list[tuple[Cell | None, ...]]:
    rows: list[tuple[Cell | None, ...]] = []
    groups = [root for root in evaluation.roots if root.children or (root.trace and root.trace.kind == "target")]
    for root in groups:
        mids = list(root.children) or [root]
        root_rows = sum(max(1, len(mid.children)) for mid in mids)
        first_root = True
        for mid in mids:
            leaves: list[ScoredNode | None] = list(mid.children) if mid.children else [None]
            first_mid = True
            for leaf in leaves:
                row: list[Cell | None] = [None]
                row.append(Cell(root.name, rowspan=root_rows) if first_root else None)
                row.append((Cell(mid.name if mid is not root else "", rowspan=len(leaves))) if first_mid else None)
                if leaf is None:
                    row += [
                        Cell("（未填写绩效指标）"),
                        Cell(""),
                        Cell(""),
                        Cell(weight_text(root)),
                        Cell(MISSING),
                        Cell(""),
                    ]
                else:
                    unit = str(f.value(f"{leaf.item}.unit") or "")
                    operator = f.value(f"{leaf.item}.operator")
                    target = _value_text(f.value(f"{leaf.item}.target"), unit)
                    if operator in ("≥", "≤", "=") and target != MISSING and target[0] not in "≥≤=<>":
                        target = f"{operator}{target}"
                    score = fmt_score(leaf.score) if leaf.score is not None else leaf.status
                    reason = str(f.value(f"{leaf.item}.deviation_reason") or "")
                    if not reason and leaf.trace and leaf.trace.flags:
                        reason = "（待填写）" + "；".join(leaf.trace.flags)
                    row += [
                        Cell(leaf.name, align="left"),
                        Cell(target),
                        Cell(_value_text(f.value(f"{leaf.item}.actual"), unit)),
                        Cell(weight_text(leaf)),
                        Cell(score, value=leaf.score, number_format="0.00"),
                        Cell(reason, align="left"),
                    ]
                rows.append(tuple(row))
                first_root = first_mid = False
    if rows:
        first = list(rows[0])
        first[0] = Cell("绩效指标", rowspan=len(rows) + 1, bold=True)
        rows[0] = tuple(first)
    return rows


def mof_self_table(
    evaluation: Evaluation,
    f: Figures,
    title: str,
    *,
    funds: dict[str, str],
    head: list[tuple[str, str]],
    execution_indicator: str,
    fund_parts: list[tuple[str, dict[str, str]]],
) -> Table:
    """One MoF self-evaluation table. `funds` maps 年初预算数/全年预算数/全年执行数 to data paths."""
    b = lambda text, **kw: Cell(text, bold=True, **kw)  # noqa: E731
    rows: list[tuple[Cell | None, ...]] = []
    for label, value in head:
        rows.append((b(label), Cell(value, colspan=8, align="left"), *([None] * 7)))
    rows.append(
        (
            b("资金（万元）", colspan=3),
            None,
            None,
            b("年初预算数"),
            b("全年预算数"),
            b("全年执行数"),
            b("分值"),
            b("执行率"),
            b("得分"),
        )
    )
    execution = next((n for n in evaluation.leaves() if n.trace and n.trace.kind == "ratio"), None)
    score = (
        Cell(fmt_score(execution.score), value=execution.score, number_format="0.00")
        if execution and execution.score is not None
        else Cell(MISSING)
    )
    rows.append(
        (
            Cell("年度资金总额", colspan=3),
            None,
            None,
            _money(f, funds["initial"]),
            _money(f, funds["adjusted"]),
            _money(f, funds["actual"]),
            Cell(weight_text(execution) if execution else "10"),
            Cell(f.rate(execution_indicator)),
            score,
        )
    )
    for label, paths in fund_parts:
        rows.append(
            (
                Cell(label, colspan=3, align="left"),
                None,
                None,
                _money(f, paths["initial"]),
                _money(f, paths["adjusted"]),
                _money(f, paths["actual"]),
                Cell("—"),
                Cell("—"),
                Cell("—"),
            )
        )
    goal = f.text(funds.get("goal", "overall.goal"))
    result = f.text(funds.get("result", "overall.result"))
    rows.append(
        (
            b("年度总体目标", rowspan=2),
            b("预期目标", colspan=4),
            None,
            None,
            None,
            b("实际完成情况", colspan=4),
            None,
            None,
            None,
        )
    )
    rows.append(
        (
            None,
            Cell(goal, colspan=4, align="left"),
            None,
            None,
            None,
            Cell(result, colspan=4, align="left"),
            None,
            None,
            None,
        )
    )
    header_at = len(rows)
    rows.append(
        (
            None,
            b("一级指标"),
            b("二级指标"),
            b("三级指标"),
            b("年度指标值"),
            b("实际完成值"),
            b("分值"),
            b("得分"),
            b("偏差原因分析及改进措施"),
        )
    )
    targets = _target_rows(evaluation, f)
    if targets:
        first = list(rows[header_at])
        first[0] = targets[0][0]
        rows[header_at] = tuple(first)
        rows += [(None, *row[1:]) for row in targets]
    else:
        rows[header_at] = (b("绩效指标"), *rows[header_at][1:])
        rows.append((Cell(""), Cell("（未填写绩效指标）", colspan=8), *([None] * 7)))
    total = (
        Cell(fmt_score(evaluation.total), bold=True, value=evaluation.total, number_format="0.00")
        if evaluation.total is not None
        else Cell("不完整", bold=True)
    )
    rows.append(
        (
            b("总分", colspan=6),
            None,
            None,
            None,
            None,
            None,
            b(fmt_score(evaluation.total_weight)),
            total,
            Cell(f"评价等级：{evaluation.grade}" if evaluation.grade else "", align="left"),
        )
    )
    return Table(title, tuple(rows), header_rows=0, widths=_WIDTHS, note=f"（{f.data.year or ''}年度）    单位：万元")
