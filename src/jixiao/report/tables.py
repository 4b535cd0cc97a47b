"""The official tables as grids with merged cells: 表1 自评得分一览表, the 自评表 attachment, 基础数据表.

Layouts follow the seeds: 表1 as seed 000 prints it (评价指标 over 一级/二级/三级, each 名称 and 分值, then
得分), and the base-data table in the Hunan layout of seed 004's 附件1 (REFERENCE §4).
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.numbers import fmt_amount, fmt_percent, fmt_score
from jixiao.scoring.engine import score_rate
from jixiao.scoring.trace import Evaluation, ScoredNode

from .document import Cell, Table
from .figures import MISSING, Figures

__all__ = ["base_data_table", "evaluation_table", "score_table"]


def _score_cell(node: ScoredNode) -> Cell:
    if node.score is None:
        return Cell(node.status)
    return Cell(fmt_score(node.score), value=node.score, number_format="0.00")


def _weight_cell(node: ScoredNode, rowspan: int = 1) -> Cell:
    if not node.weight_given:
        return Cell(MISSING, rowspan=rowspan)
    return Cell(fmt_score(node.weight), rowspan=rowspan, value=node.weight, number_format="0.##")


def _groups(evaluation: Evaluation) -> list[tuple[ScoredNode, list[tuple[ScoredNode | None, list[ScoredNode]]]]]:
    """Roots with their middle nodes and leaves; a two-level tree has no middle node (None)."""
    out = []
    for root in evaluation.roots:
        mids: list[tuple[ScoredNode | None, list[ScoredNode]]] = []
        for mid in root.children or [root]:
            mids.append((mid, mid.leaves()) if mid.children else (None, [mid]))
        out.append((root, mids))
    return out


def _parent_cells(evaluation: Evaluation):
    """Each leaf with its 一级 and 二级 cells (name, 分值): on the parent's first row with a rowspan over its
    leaves, None on the rows the merge covers; blank cells where a tree has no 二级 level."""
    for root, mids in _groups(evaluation):
        root_span = sum(len(leaves) for _, leaves in mids)
        first_root = True
        for mid, leaves in mids:
            first_mid = True
            for leaf in leaves:
                cells: list[Cell | None] = (
                    [Cell(root.name, rowspan=root_span), _weight_cell(root, root_span)] if first_root else [None, None]
                )
                if mid is None:
                    cells += [Cell(""), Cell("")]
                elif first_mid:
                    cells += [Cell(mid.name, rowspan=len(leaves)), _weight_cell(mid, len(leaves))]
                else:
                    cells += [None, None]
                yield cells, leaf
                first_root = first_mid = False


def score_table(evaluation: Evaluation, title: str) -> Table:
    """表1 自评得分一览表: 7 columns, three header rows, merged parents, a 合计 row."""
    rows: list[tuple[Cell | None, ...]] = [
        (Cell("评价指标", colspan=6, bold=True), None, None, None, None, None, Cell("得分", rowspan=3, bold=True)),
        (
            Cell("一级指标", colspan=2, bold=True),
            None,
            Cell("二级指标", colspan=2, bold=True),
            None,
            Cell("三级指标", colspan=2, bold=True),
            None,
            None,
        ),
        (*(Cell(t, bold=True) for t in ("名称", "分值", "名称", "分值", "名称", "分值")), None),
    ]
    for parents, leaf in _parent_cells(evaluation):
        rows.append((*parents, Cell(leaf.name, align="left"), _weight_cell(leaf), _score_cell(leaf)))
    weight = fmt_score(evaluation.total_weight)
    total = (
        Cell(fmt_score(evaluation.total), bold=True, value=evaluation.total, number_format="0.00")
        if evaluation.total is not None
        else Cell("不完整", bold=True)
    )
    rows.append(
        (
            Cell("合计", bold=True),
            Cell(weight, bold=True),
            Cell(""),
            Cell(weight, bold=True),
            Cell(""),
            Cell(weight, bold=True),
            total,
        )
    )
    return Table(title, tuple(rows), header_rows=3, widths=(1.2, 0.7, 1.4, 0.7, 2.6, 0.7, 0.9))


def evaluation_table(evaluation: Evaluation, title: str, strip_zeros: bool = True) -> Table:
    """The 部门整体支出绩效自评表 attachment: each leaf with its standard, score and deduction reasons."""
    header = tuple(
        Cell(t, bold=True)
        for t in ("一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评分标准", "得分", "扣分原因")
    )
    rows: list[tuple[Cell | None, ...]] = [header]
    for parents, leaf in _parent_cells(evaluation):
        reasons = "；".join(d.reason for d in leaf.deductions)
        if leaf.score is None and leaf.trace and leaf.trace.note:
            reasons = leaf.trace.note
        rows.append(
            (
                *parents,
                Cell(leaf.name, align="left"),
                _weight_cell(leaf),
                Cell(leaf.standard, align="left"),
                _score_cell(leaf),
                Cell(reasons, align="left"),
            )
        )
    total = evaluation.total
    rate = score_rate(total, evaluation.total_weight)  # None when incomplete or when the tree weighs 0
    rows.append(
        (
            Cell("合计", bold=True),
            Cell(fmt_score(evaluation.total_weight), bold=True),
            Cell(""),
            Cell(""),
            Cell(""),
            Cell(""),
            Cell(f"评价等级：{evaluation.grade or '—'}", bold=True),
            Cell(fmt_score(total), bold=True, value=total, number_format="0.00")
            if total is not None
            else Cell("不完整", bold=True),
            Cell(f"得分率 {fmt_percent(rate, 2, strip_zeros=strip_zeros)}" if rate is not None else ""),
        )
    )
    return Table(title, tuple(rows), header_rows=1, widths=(1.1, 0.6, 1.2, 0.6, 1.8, 0.6, 3.2, 0.7, 3.2))


def _money(f: Figures, path: str) -> Cell:
    value = f.value(path)
    if value is None:
        return Cell(MISSING)
    return Cell(fmt_amount(Decimal(value)), align="right", value=value, number_format="#,##0.00")


def _row(label: str, f: Figures, group: str, indent: int = 0) -> tuple[Cell | None, ...]:
    return (
        Cell(("  " * indent) + label, colspan=3, align="left"),
        None,
        None,
        _money(f, f"{group}.previous"),
        _money(f, f"{group}.budget"),
        _money(f, f"{group}.actual"),
    )


def base_data_table(f: Figures, title: str = "部门整体支出绩效评价基础数据表") -> Table:
    """基础数据表 in the Hunan layout: staffing, 经费控制情况 rows with 上年决算/本年预算/本年决算, buildings."""
    authorized = f.sum_items("units", "staffing.authorized")
    in_service = f.sum_items("units", "staffing.in_service")
    if in_service is None:
        in_service = f.sum_items("units", "staffing.actual")
    control = (
        fmt_percent(in_service / authorized, 2, strip_zeros=True) if authorized and in_service is not None else MISSING
    )
    b = lambda text, **kw: Cell(text, bold=True, **kw)  # noqa: E731
    rows: list[tuple[Cell | None, ...]] = [
        (b("财政供养人员情况（人）", colspan=3), None, None, b("编制数"), b("本年实际在职人数"), b("控制率")),
        (
            Cell("", colspan=3),
            None,
            None,
            Cell(MISSING if authorized is None else str(authorized), value=authorized),
            Cell(MISSING if in_service is None else str(in_service), value=in_service),
            Cell(control),
        ),
        (b("经费控制情况（万元）", colspan=3), None, None, b("上年决算数"), b("本年预算数"), b("本年决算数")),
        _row("“三公”经费", f, "three_public.total"),
        _row("1、公务用车购置和维护经费", f, "three_public.vehicle", 1),
        _row("其中：公车购置", f, "three_public.vehicle_purchase", 2),
        _row("公车运行维护", f, "three_public.vehicle_operation", 3),
        _row("2、出国经费", f, "three_public.abroad", 1),
        _row("3、公务接待", f, "three_public.reception", 1),
        (
            Cell("项目支出", colspan=3, align="left"),
            None,
            None,
            Cell(""),
            _money(f, "budget.adjusted.project"),
            _money(f, "budget.final.project"),
        ),
    ]
    for i, item in enumerate(f.data.items("projects"), 1):
        rows.append(
            (
                Cell(f"  {i}、{f.text(f'{item}.name')}", colspan=3, align="left"),
                None,
                None,
                Cell(""),
                _money(f, f"{item}.funds.adjusted"),
                _money(f, f"{item}.funds.actual"),
            )
        )
    rows += [
        _row("公用经费", f, "public_funds.total"),
        _row("其中：办公经费", f, "public_funds.office", 1),
        _row("水费、电费、差旅费", f, "public_funds.utilities_travel", 2),
        _row("会议费、培训费", f, "public_funds.meetings_training", 2),
        (
            Cell("政府采购金额", colspan=3, align="left"),
            None,
            None,
            Cell(""),
            _money(f, "procurement.plan"),
            _money(f, "procurement.actual"),
        ),
        (
            Cell("部门基本支出预算调整", colspan=3, align="left"),
            None,
            None,
            Cell(""),
            _money(f, "budget.initial.basic"),
            _money(f, "budget.adjusted.basic"),
        ),
        (
            b("楼堂馆所控制情况"),
            b("批复规模（㎡）"),
            b("实际规模（㎡）"),
            b("规模控制"),
            b("预算投资（万元）"),
            b("实际投资（万元）"),
        ),
        (
            Cell(""),
            _quantity(f, "buildings.approved_area"),
            _quantity(f, "buildings.actual_area"),
            Cell(_control(f, "buildings.actual_area", "buildings.approved_area")),
            _money(f, "buildings.budget_investment"),
            _money(f, "buildings.actual_investment"),
        ),
        (b("厉行节约保障措施"), Cell(f.text("austerity_measures"), colspan=5, align="left"), None, None, None, None),
    ]
    return Table(
        title,
        tuple(rows),
        header_rows=0,
        widths=(1.6, 1.1, 1.1, 1.2, 1.2, 1.2),
        note=f"单位名称：{f.data.name}    {f.data.year or ''}年度",
    )


def _quantity(f: Figures, path: str) -> Cell:
    value = f.value(path)
    return Cell(MISSING if value is None else fmt_score(Decimal(value)), value=value)


def _control(f: Figures, actual: str, approved: str) -> str:
    a, b = f.value(actual), f.value(approved)
    if a is None or not b:
        return MISSING
    return fmt_percent(Decimal(a) / Decimal(b), 2, strip_zeros=True)
