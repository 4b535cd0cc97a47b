"""The cycle's official tables out: 绩效目标申报表 (.xlsx, .docx), 运行监控表, 复核差异表 (.xlsx, .docx), 整改台账
and the bureau's 结果应用汇总 (.xlsx). Document libraries are imported here only, when a table is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import Any

from jixiao.model.numbers import fmt_percent, fmt_score

from .monitoring import MonitoringResult
from .recheck import RecheckResult
from .rectify import Rectification, rectification_status
from .targets import TargetSheet

__all__ = [
    "boxed_table",
    "monitoring_xlsx",
    "recheck_docx",
    "recheck_rows",
    "recheck_xlsx",
    "rectification_xlsx",
    "results_xlsx",
    "targets_docx",
    "targets_xlsx",
]


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _score(value: Decimal | None) -> str:
    return "" if value is None else fmt_score(value)


def _workbook(
    title: str, subtitle: str, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    boxed_table(ws, header, rows)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(3, i).column_letter].width = width
    ws.print_title_rows = "3:3"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def boxed_table(ws: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """The header row and the rows appended to `ws`, every cell of them boxed in thin lines, wrapped, 宋体 10.5, the
    header bold — the cycle's workbooks, one department's and a bureau's alike."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    first = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
    ws.append(list(header))
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    styles: dict[bool, Any] = {}  # header or not → the style of the first such cell, given to the others as it is
    for r in ws.iter_rows(min_row=first, max_row=ws.max_row):
        for cell in r:
            head = cell.row == first
            if head in styles:  # a bureau's thousands of cells: setting each style anew cost seconds
                cell._style = copy(styles[head])
                continue
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.font = Font(name="宋体", size=10.5, bold=head)
            styles[head] = cell._style


def _targets_title(sheet: TargetSheet) -> str:
    kind = "项目支出" if sheet.kind == "project" else "部门整体支出"
    return f"{kind}绩效目标申报表（{sheet.year}年度）"


def _targets_head(sheet: TargetSheet) -> list[tuple[str, str]]:
    head = [("部门（单位）名称" if sheet.kind != "project" else "主管部门", sheet.department)]
    if sheet.kind == "project":
        head.insert(0, ("项目名称", sheet.project))
    head += [
        ("年度资金总额（万元）", _amount(sheet.budget_total)),
        ("其中：财政拨款（万元）", _amount(sheet.budget_fiscal)),
        ("其他资金（万元）", _amount(sheet.budget_other)),
        ("年度总体目标", sheet.overall_goal),
    ]
    return head


def targets_xlsx(sheet: TargetSheet) -> bytes:
    """The 申报表 in the official layout (the same workbook as the fill-in template, filled; it reads back)."""
    from .workbook_out import targets_workbook

    return targets_workbook(sheet)


def _docx_table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def _document(title: str) -> Any:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋_GB2312"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    doc.add_heading(title, level=1)
    return doc


def _save(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _merge_runs(table: Any, col: int, first: int, texts: Sequence[str]) -> None:
    """Merge the cells of `col` over consecutive rows with the same text (一级/二级指标 as the forms print them)."""
    start = 0
    for i in range(1, len(texts) + 1):
        if i == len(texts) or texts[i] != texts[start]:
            if i - 1 > start:
                merged = table.cell(first + start, col).merge(table.cell(first + i - 1, col))
                merged.text = texts[start]
            start = i


def targets_docx(sheet: TargetSheet) -> bytes:
    """The 申报表 as the official Word form: one table, labels on the left, 一级/二级指标 merged down their rows."""
    doc = _document(_targets_title(sheet).split("（")[0])
    doc.add_paragraph(f"（{sheet.year}年度）")
    cols = 8
    table = doc.add_table(rows=0, cols=cols)
    table.style = "Table Grid"

    def row(label: str, value: str) -> None:
        cells = table.add_row().cells
        cells[0].text = label
        merged = cells[1].merge(cells[cols - 1])
        merged.text = value

    for label, value in _targets_head(sheet):
        row(label.replace("其他资金", "其中：其他资金"), value)
    head = table.add_row().cells
    head[0].text = "年度绩效指标"
    for cell, text in zip(
        head[1:], ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "备注"], strict=True
    ):
        cell.text = text
    first = len(table.rows)
    for ind in sheet.indicators:
        cells = table.add_row().cells
        note = "；".join(x for x in (f"上年实际值{ind.last_actual}" if ind.last_actual else "", ind.reason) if x)
        values = [ind.level1, ind.level2, ind.name, "定性" if ind.qualitative else ind.operator, ind.value, ind.unit,
                  note]  # fmt: skip
        for cell, text in zip(cells[1:], values, strict=True):
            cell.text = text
    last = len(table.rows) - 1
    if last >= first:
        table.cell(first - 1, 0).merge(table.cell(last, 0)).text = "年度绩效指标"
        _merge_runs(table, 1, first, [ind.level1 for ind in sheet.indicators])
        _merge_runs(table, 2, first, [f"{ind.level1}/{ind.level2}" for ind in sheet.indicators])
        for i, ind in enumerate(sheet.indicators):  # the merged 二级 cells keep their own name
            table.cell(first + i, 2).text = ind.level2
    if sheet.grade:
        approved = "已批复" if sheet.approved else "未批复"
        reasons = "；".join(sheet.grade_reasons)
        row("财政审核意见", f"审核等级：{sheet.grade}（{sheet.reviewer}，{approved}）。{reasons}")
    return _save(doc)


def monitoring_xlsx(result: MonitoringResult) -> bytes:
    mon = result.monitoring
    warned = {w.month: w for w in result.warnings}
    rows = []
    for point, line, why in result.rows:
        w = warned.get(point.month)
        targets = "；".join(f"{t.name} {fmt_percent(t.progress)}" for t in point.targets)
        answer = point.answer
        rows.append(
            [
                f"1-{point.month}月",
                _amount(point.budget),
                _amount(point.executed),
                fmt_percent(point.rate),
                fmt_percent(line) if line is not None else "",
                why,
                targets,
                "；".join(x.message for x in result.warnings if x.month == point.month) or "无",
                answer.decision if answer else "",
                f"{answer.date:%Y-%m-%d}" if answer and answer.date else "",
                result.shown_status(w) if w else "",
            ]
        )
    rules = mon.ruleset
    subtitle = (
        f"单位：{mon.department}　金额单位：万元　预警规则：{rules.cite(rules.monitoring.source)}；"
        f"答复期限为{rules.monitoring.answer_working_days}个工作日，{result.deadline_basis()}"
    )
    return _workbook(
        f"{mon.year}年度预算绩效运行监控表",
        subtitle,
        [
            "监控节点",
            "全年预算数",
            "累计执行数",
            "累计执行率",
            "预警线",
            "预警线依据",
            "目标完成进度",
            "预警",
            "部门答复",
            "答复日期",
            "答复状态",
        ],
        rows,
        [10, 12, 12, 10, 9, 24, 28, 40, 10, 12, 10],
    )


def recheck_rows(result: RecheckResult) -> list[list[str]]:
    return [
        [
            row.path,
            row.name,
            _score(row.weight),
            _score(row.self_score),
            _score(row.recheck_score if row.recheck_score is not None else row.self_score),
            _score(row.difference) if row.difference is not None else "0",
            row.reason or "未复核，维持自评分",
            row.evidence,
        ]
        for row in result.rows
    ]


def _recheck_total_row(result: RecheckResult) -> list[str]:
    diff = (
        (result.recheck_total - result.self_total) if result.recheck_total is not None and result.self_total else None
    )
    return [
        "合计",
        "",
        "",
        f"{_score(result.self_total)}（{result.self_grade or ''}）",
        f"{_score(result.recheck_total)}（{result.recheck_grade or ''}）",
        _score(diff),
        result.recheck.conclusion,
        "",
    ]


HEADER_RECHECK = ["指标层级", "三级指标", "分值", "自评分", "复核分", "差异", "原因", "依据"]


def recheck_xlsx(result: RecheckResult) -> bytes:
    rows = [*recheck_rows(result), _recheck_total_row(result)]
    when = f"{result.recheck.date:%Y-%m-%d}" if result.recheck.date else ""
    return _workbook(
        f"{result.year}年度绩效自评复核差异表",
        f"被复核单位：{result.department}　复核单位：{result.recheck.reviewer}　复核日期：{when}",
        HEADER_RECHECK,
        rows,
        [22, 22, 6, 8, 8, 7, 40, 24],
    )


def recheck_docx(result: RecheckResult) -> bytes:
    doc = _document(f"{result.year}年度绩效自评复核意见")
    doc.add_paragraph(f"被复核单位：{result.department}。复核单位：{result.recheck.reviewer}。")
    doc.add_paragraph(
        f"自评得分{_score(result.self_total)}分（{result.self_grade or ''}），复核得分{_score(result.recheck_total)}分"
        f"（{result.recheck_grade or ''}）。复核{len([r for r in result.rows if r.recheck_score is not None])}项指标，"
        f"其中{len(result.changed)}项得分调整。"
    )
    _docx_table(doc, HEADER_RECHECK, [*recheck_rows(result), _recheck_total_row(result)])
    if result.recheck.conclusion:
        doc.add_paragraph(f"复核结论：{result.recheck.conclusion}")
    return _save(doc)


def rectification_xlsx(rect: Rectification, today: dt.date) -> bytes:
    rows = [
        [
            str(n),
            item.problem,
            item.source,
            item.indicator,
            item.measure,
            item.owner,
            f"{item.deadline:%Y-%m-%d}" if item.deadline else "",
            rectification_status(item, today),
            f"{item.done_date:%Y-%m-%d}" if item.done_date else "",
            item.evidence,
        ]
        for n, item in enumerate(rect.items, 1)
    ]
    return _workbook(
        f"{rect.year}年度绩效问题整改台账",
        f"单位：{rect.department}　统计日期：{today:%Y-%m-%d}",
        [
            "序号",
            "问题",
            "来源",
            "相关指标",
            "整改措施",
            "责任人（科室）",
            "整改期限",
            "整改状态",
            "完成日期",
            "佐证材料",
        ],
        rows,
        [5, 30, 6, 14, 34, 12, 11, 9, 11, 24],
    )


def results_xlsx(
    year: int | None, rows: Sequence[Sequence[str]], failures: Sequence[Sequence[str]] | None = None
) -> bytes:
    """The bureau's 结果应用汇总; with `failures` (文件夹, 文件, 情况, 问题及修改方法), a second sheet 无法评分 listing
    every problem of each folder that could not be scored, with its place."""
    content = _workbook(
        f"{year or ''}年度绩效评价结果应用汇总",
        "结果应用规则见“依据”列",
        ["部门", "自评得分", "等级", "预算安排建议", "压减比例", "说明", "依据"],
        rows,
        [30, 9, 6, 14, 9, 30, 36],
    )
    if failures is None:
        return content
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment

    wb = load_workbook(io.BytesIO(content))
    ws = wb.create_sheet("无法评分")
    ws.append(["文件夹", "文件", "情况", "问题及修改方法"])
    for row in failures or [["无", "", "", "全部部门均已评分"]]:
        ws.append(list(row))
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in zip("ABCD", (20, 12, 10, 80), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
