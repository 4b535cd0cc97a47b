"""The bureau's workbooks of a cycle step across departments (`bureau.run_bureau`'s result): one row per department
and one per warning, 整改 item or finding, and the sheet 无法读取 of the folders that could not be read."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from jixiao.model.numbers import fmt_percent
from jixiao.model.problems import Severity

from .bureau import BureauRun
from .outputs import boxed_table
from .rectify import rectification_status
from .targets import TargetSheet, suggested_grade

__all__ = ["bureau_xlsx", "monitor_rows", "rectify_rows", "targets_rows"]


# ------------------------------------------------------------------------------------------------ rows
STATUS_ORDER = {"逾期未答复": 0, "待答复": 1, "逾期答复": 2, "已答复": 3}


def monitor_rows(run: BureauRun, today: dt.date) -> tuple[list[list[Any]], list[list[Any]]]:
    """(one row per department, one row per warning: the late ones first, then by deadline)."""
    summary, warnings = [], []
    for folder, result in run.done:
        mon = result.monitoring
        rules = mon.ruleset.monitoring
        last = result.rows[-1] if result.rows else None
        counts = {s: sum(w.status == s for w in result.warnings) for s in STATUS_ORDER}
        summary.append(
            [
                mon.department or folder,
                folder,
                mon.year,
                mon.ruleset.id,
                f"1-{last[0].month}月" if last else "",
                fmt_percent(last[0].rate) if last else "",
                fmt_percent(last[1]) if last and last[1] is not None else "",
                len(result.warnings),
                counts["逾期未答复"],
                counts["待答复"],
                counts["逾期答复"],
                counts["已答复"],
                "\n".join(map(run.said, mon.warnings)),
            ]
        )
        issued = {p.month: p.issued for p in mon.points}
        for w in result.warnings:
            answer = w.answer
            warnings.append(
                (
                    STATUS_ORDER.get(w.status, 9),
                    w.deadline,
                    [
                        mon.department or folder,
                        folder,
                        f"1-{w.month}月",
                        w.kind,
                        w.message,
                        f"{issued[w.month]:%Y-%m-%d}",
                        f"{rules.answer_working_days}个工作日",
                        f"{w.deadline:%Y-%m-%d}",
                        answer.decision if answer else "",
                        f"{answer.date:%Y-%m-%d}" if answer and answer.date else "",
                        result.shown_status(w),
                        w.answer_time,
                        f"{w.measures_due:%Y-%m-%d}" if w.measures_due else "",
                        w.deadline_basis,
                        run.placed(w.location, field=False),
                    ],
                )
            )
    warnings.sort(key=lambda t: (t[0], t[1]))
    return summary, [row for _rank, _deadline, row in warnings]


RECTIFY_STATES = ("按期完成", "逾期完成", "进行中", "未开始", "已逾期")


def rectify_rows(run: BureauRun, today: dt.date) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """(one row per department with the count of each state, the open items — overdue first, by deadline —, every
    item)."""
    summary, open_items, items = [], [], []
    for folder, rect in run.done:
        name = rect.department or folder
        states = [rectification_status(item, today) for item in rect.items]
        notes = "\n".join(map(run.said, rect.warnings))
        summary.append(
            [name, folder, rect.year or "", len(rect.items), *(states.count(s) for s in RECTIFY_STATES), notes]
        )
        for n, (item, state) in enumerate(zip(rect.items, states, strict=True), 1):
            deadline = f"{item.deadline:%Y-%m-%d}" if item.deadline else ""
            row = [
                name,
                folder,
                n,
                item.problem,
                item.source,
                item.indicator,
                item.measure,
                item.owner,
                deadline,
                state,
            ]
            items.append([*row, f"{item.done_date:%Y-%m-%d}" if item.done_date else "", item.evidence])
            if state in ("已逾期", "进行中", "未开始"):
                when = ""
                if item.deadline is not None:
                    days = (today - item.deadline).days
                    when = f"已逾期{days}天" if days > 0 else f"剩余{-days}天"
                open_items.append(
                    (
                        state != "已逾期",
                        item.deadline or dt.date.max,
                        [*row, when, run.placed(item.location, field=False)],
                    )
                )
    open_items.sort(key=lambda t: (t[0], t[1]))
    return summary, [row for _late, _deadline, row in open_items], items


def targets_rows(run: BureauRun) -> tuple[list[list[Any]], list[list[Any]]]:
    """(one row per department, one row per finding)."""
    summary, findings = [], []
    for folder, checked in run.done:
        sheet: TargetSheet = checked.sheet
        problems = [*sheet.warnings, *checked.problems]
        errors = sum(p.severity is Severity.ERROR for p in problems)
        warnings = sum(p.severity is Severity.WARNING for p in problems)
        grade, _why = suggested_grade(list(problems))
        summary.append(
            [
                sheet.department or folder,
                folder,
                sheet.year or "",
                "项目" if sheet.kind == "project" else "部门整体",
                sheet.project,
                len(sheet.indicators),
                f"{sheet.budget_total:,.2f}" if sheet.budget_total is not None else "",
                errors,
                warnings,
                grade,
                sheet.grade,
                "是" if sheet.approved else "否",
            ]
        )
        for p in problems:
            message = run.words(p.message) if run.words else p.message
            findings.append(
                [sheet.department or folder, folder, p.severity.value, message, run.placed(p.location), p.code]
            )
    return summary, findings


# ------------------------------------------------------------------------------------------------ the workbook
def _sheet(wb: Any, title: str, subtitle: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title[:31])
    ws.append([subtitle])
    ws["A1"].font = Font(name="黑体", size=12, bold=True)
    boxed_table(ws, header, rows)
    for i, text in enumerate(header, 1):
        width = max([len(str(text)) * 2 + 2, *(min(len(str(row[i - 1])), 40) + 2 for row in rows[:200])])
        ws.column_dimensions[ws.cell(2, i).column_letter].width = min(max(width, 8), 60)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{ws.cell(2, len(header)).column_letter}{max(ws.max_row, 2)}"
    ws.print_title_rows = "2:2"


def bureau_xlsx(run: BureauRun, today: dt.date) -> bytes:
    """The bureau's workbook of the step: the summary sheets, then 无法读取 (every failure, or “无”)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    read = f"共{run.total}个{run.unit}，已读取{len(run.done)}个，无法读取{len(run.failures)}个"
    if run.step == "monitor":
        summary, warnings = monitor_rows(run, today)
        _sheet(
            wb,
            "预警清单",
            f"运行监控预警清单（统计日期 {today:%Y-%m-%d}；{read}；逾期在前）",
            [
                "部门",
                run.source,
                "监控节点",
                "预警类型",
                "预警内容",
                "预警日期",
                "答复时限",
                "答复期限",
                "部门答复",
                "答复日期",
                "答复状态",
                "工作日",
                "整改措施期限",
                "期限依据",
                "位置",
            ],
            warnings,
        )
        _sheet(
            wb,
            "部门汇总",
            f"运行监控部门汇总（统计日期 {today:%Y-%m-%d}）",
            [
                "部门",
                run.source,
                "年度",
                "规则",
                "最近节点",
                "累计执行率",
                "预警线",
                "预警数",
                "逾期未答复",
                "待答复",
                "逾期答复",
                "已答复",
                "读取提示",
            ],
            summary,
        )
    elif run.step == "rectify":
        summary, open_items, items = rectify_rows(run, today)
        head = [
            "部门",
            run.source,
            "序号",
            "问题",
            "来源",
            "相关指标",
            "整改措施",
            "责任人（科室）",
            "整改期限",
            "整改状态",
        ]
        stats = ["部门", run.source, "年度", "事项数", *RECTIFY_STATES, "读取提示"]
        _sheet(wb, "部门统计", f"整改情况部门统计（统计日期 {today:%Y-%m-%d}；{read}）", stats, summary)
        _sheet(
            wb,
            "未完成事项",
            f"未完成的整改事项（统计日期 {today:%Y-%m-%d}；已逾期在前）",
            [*head, "距期限", "位置"],
            open_items,
        )
        _sheet(
            wb, "整改台账", f"整改台账（全部事项，统计日期 {today:%Y-%m-%d}）", [*head, "完成日期", "佐证材料"], items
        )
    else:
        summary, findings = targets_rows(run)
        _sheet(
            wb,
            "部门汇总",
            f"绩效目标审核部门汇总（{read}；建议等级为推定规则，以财政部门审核为准）",
            [
                "部门",
                run.source,
                "年度",
                "目标类型",
                "项目名称",
                "指标数",
                "年度资金总额（万元）",
                "错误",
                "警告",
                "建议等级",
                "财政审核等级",
                "是否批复",
            ],
            summary,
        )
        _sheet(
            wb,
            "审核发现",
            "绩效目标审核发现（每行一项）",
            ["部门", run.source, "严重程度", "问题", "位置", "代码"],
            findings,
        )
    failures = [f.row for f in run.failures] or [["无", "", "", f"全部{run.unit}均已读取"]]
    title = f"无法读取的{run.unit}（{len(run.failures)}个）：修改后重新汇总"
    _sheet(wb, "无法读取", title, run.failure_header, failures)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
