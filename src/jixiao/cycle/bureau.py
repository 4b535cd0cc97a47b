"""A bureau's cycle across its departments: `jixiao monitor|rectify|targets BUREAU_DIR`, each sub-folder one
department (as `jixiao results` takes them).

Every department is read on its own: a folder whose file is missing or wrong becomes a `Failure` naming the folder,
the file and every problem with its place, and the run goes on. The step's results of the departments that were
read are gathered into one workbook for the bureau (`bureau_xlsx`): monitoring warnings with their deadlines in
working days, the 整改台账 across departments, or the targets' quality findings, and a sheet of the failures.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.model.numbers import fmt_percent
from jixiao.model.problems import JixiaoError, Location, Problem, Severity

from .monitoring import MonitoringResult, Warning_, assess_monitoring, load_monitoring
from .rectify import Rectification, load_rectification, rectification_status
from .targets import TargetSheet, check_targets, load_targets, suggested_grade
from .workbook import WORKBOOK_SUFFIXES
from .workdays import working_days_between

__all__ = [
    "BUREAU_OUTPUT",
    "BureauRun",
    "Failure",
    "bureau_xlsx",
    "department_folders",
    "is_bureau_folder",
    "run_bureau",
    "same_department",
    "step_file",
]

# step -> (the YAML file, words one of which a workbook's name holds, what the file is, the bureau's workbook)
STEPS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "monitor": ("monitoring.yaml", ("监控",), "运行监控（monitoring.yaml 或运行监控表 .xlsx）"),
    "rectify": ("rectification.yaml", (), "整改台账（rectification.yaml）"),
    "targets": ("targets.yaml", ("目标", "申报"), "绩效目标申报表（targets.yaml 或申报表 .xlsx）"),
}
BUREAU_OUTPUT = {"monitor": "运行监控汇总.xlsx", "rectify": "整改台账汇总.xlsx", "targets": "绩效目标审核汇总.xlsx"}
FAILURE_HEADER = ["文件夹", "文件", "情况", "问题及修改方法"]


@dataclass(frozen=True)
class Failure:
    """A department that could not be read: its folder, the file (or the file it lacks), why, and how to fix."""

    folder: str
    file: str
    kind: str  # 未报送 / 文件有误 / 无法打开 / 内部错误
    reasons: tuple[str, ...]

    @property
    def row(self) -> list[str]:
        return [self.folder, self.file, self.kind, "\n".join(self.reasons)]


@dataclass
class BureauRun:
    step: str
    root: Path
    done: list[tuple[str, Any]] = field(default_factory=list)  # (folder name, the step's result)
    failures: list[Failure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.failures)

    def add(self, folder: Path, step: str, one: Callable[[Path], Any]) -> None:
        """One department read, or its Failure: nothing it holds stops the run."""
        try:
            found = step_file(folder, step)
        except JixiaoError as exc:
            missing = exc.problems[0].code == "file.missing"
            kind = "未报送" if missing else "文件有误"
            self.failures.append(Failure(folder.name, STEPS[step][0], kind, _reasons(exc.problems)))
            return
        except OSError as exc:  # a folder that cannot be listed (permissions, a broken link)
            reason = f"{folder}: 无法打开该文件夹（{exc.strerror or exc}）。请检查文件夹的访问权限后重新汇总。"
            self.failures.append(Failure(folder.name, "", "无法打开", (reason,)))
            return
        try:
            self.done.append((folder.name, one(found)))
        except JixiaoError as exc:
            self.failures.append(Failure(folder.name, found.name, "文件有误", _reasons(exc.problems)))
        except OSError as exc:
            reason = f"{found}: 无法读取该文件（{exc.strerror or exc}）。请检查文件是否被占用或无访问权限后重新汇总。"
            self.failures.append(Failure(folder.name, found.name, "无法打开", (reason,)))
        except Exception as exc:  # one department's internal error never stops the bureau's run
            reason = f"{found}: 读取时出现内部错误（{type(exc).__name__}: {exc}）。请将该文件反馈给开发人员。"
            self.failures.append(Failure(folder.name, found.name, "内部错误", (reason,)))


# a department folder's own files and sub-folder (narrative/: the report's texts)
DEPARTMENT_FILES = ("data.yaml", "data.yml", "targets.yaml", "monitoring.yaml", "recheck.yaml", "rectification.yaml")
DEPARTMENT_SUBFOLDERS = ("narrative",)


def is_bureau_folder(path: Path, step: str) -> bool:
    """A folder is a bureau's (one sub-folder per department) when it holds none of a department's files (data,
    the cycle's YAML files, the step's workbook) and has a sub-folder other than a department's own narrative/."""
    if not path.is_dir():
        return False
    if any((path / name).exists() for name in DEPARTMENT_FILES) or _workbooks(path, step):
        return False
    return any(
        entry.is_dir() and not entry.name.startswith(".") and entry.name not in DEPARTMENT_SUBFOLDERS
        for entry in path.iterdir()
    )


def department_folders(root: Path) -> list[Path]:
    """The department sub-folders, by name; hidden folders and a bureau's own output folders are left out."""
    outputs = set(BUREAU_OUTPUT.values()) | {"结果应用汇总.xlsx"}
    return sorted(
        entry
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and not any(_exists(entry / name) for name in outputs)
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder that cannot be opened is a department that could not be read, not an output
        return False


def _workbooks(folder: Path, step: str) -> list[Path]:
    words = STEPS[step][1]
    if not words:
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in WORKBOOK_SUFFIXES
        and not p.name.startswith("~$")
        and any(w in p.stem for w in words)
    )


def step_file(folder: Path, step: str) -> Path:
    """The department's file of the step: the YAML file, else the one workbook whose name says what it is.
    JixiaoError when there is none (file.missing) or several workbooks (cycle.ambiguous_file)."""
    name, words, what = STEPS[step]
    if (folder / name).exists():
        return folder / name
    books = _workbooks(folder, step)
    if len(books) == 1:
        return books[0]
    if len(books) > 1:
        names = "、".join(p.name for p in books)
        message = f"有多份可能的{what}：{names}。请只保留本年度的一份，或把要用的一份改名为 {name} 后重试。"
        raise JixiaoError([Problem("cycle.ambiguous_file", message, Location(str(folder)))])
    hint = f"，或文件名含“{'”或“'.join(words)}”的 Excel 表" if words else ""
    empty = "该文件夹是空的。" if not any(folder.iterdir()) else ""
    message = (
        f"{empty}找不到{what}。请在部门文件夹中放入 {name}{hint}（格式见 docs/cycle.md）；"
        "汇总多个部门时，请指定财政部门的目录（每个部门一个子文件夹）。"
    )
    raise JixiaoError([Problem("file.missing", message, Location(str(folder)))])


def same_department(run: BureauRun) -> dict[str, list[str]]:
    """Department names read from more than one folder (a department that handed in twice, or a copied file),
    each with its folders."""
    folders: dict[str, list[str]] = {}
    for folder, result in run.done:
        name = _department(result)
        if name:
            folders.setdefault(name, []).append(folder)
    return {name: found for name, found in folders.items() if len(found) > 1}


def _department(result: Any) -> str:
    if isinstance(result, MonitoringResult):
        return result.monitoring.department
    if isinstance(result, TargetsChecked):
        return result.sheet.department
    return str(getattr(result, "department", ""))


def _reasons(problems: Sequence[Problem]) -> tuple[str, ...]:
    errors = [p for p in problems if p.severity is Severity.ERROR] or list(problems)
    return tuple(p.format() for p in errors) or ("文件有误（未给出原因）。",)


def run_bureau(
    root: Path,
    step: str,
    one: Callable[[Path], Any],
    progress: Callable[[int, int, str], None] | None = None,
) -> BureauRun:
    """`one(file)` for every department folder of `root`; a JixiaoError (or any error) becomes that department's
    Failure and the next department is read."""
    run = BureauRun(step, root)
    folders = department_folders(root)
    for n, folder in enumerate(folders, 1):
        run.add(folder, step, one)
        if progress is not None:
            progress(n, len(folders), folder.name)
    return run


# ------------------------------------------------------------------------------------------------ the steps
def monitor_one(today: dt.date) -> Callable[[Path], MonitoringResult]:
    return lambda path: assess_monitoring(load_monitoring(path), today)


def rectify_one(path: Path) -> Rectification:
    return load_rectification(path)


@dataclass(frozen=True)
class TargetsChecked:
    sheet: TargetSheet
    problems: tuple[Problem, ...]


def targets_one(budget_of: Callable[[Path], Any]) -> Callable[[Path], TargetsChecked]:
    def one(path: Path) -> TargetsChecked:
        sheet = load_targets(path)
        return TargetsChecked(sheet, tuple(check_targets(sheet, budget_of(path))))

    return one


# ------------------------------------------------------------------------------------------------ rows
STATUS_ORDER = {"逾期未答复": 0, "待答复": 1, "逾期答复": 2, "已答复": 3}


def answer_days(warning: Warning_, today: dt.date) -> str:
    """The answer's time in working days: left before the deadline, or past it (by today, or by the answer)."""
    if warning.status == "待答复":
        return f"剩余{working_days_between(today, warning.deadline)}个工作日"
    if warning.status == "逾期未答复":
        return f"已逾期{working_days_between(warning.deadline, today)}个工作日"
    if warning.status == "逾期答复" and warning.answer is not None and warning.answer.date is not None:
        return f"超期{working_days_between(warning.deadline, warning.answer.date)}个工作日答复"
    return ""


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
                "\n".join(p.format() for p in mon.warnings),
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
                        answer_days(w, today),
                        w.deadline_basis,
                        str(w.location),
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
        notes = "\n".join(p.format() for p in rect.warnings)
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
                open_items.append((state != "已逾期", item.deadline or dt.date.max, [*row, when, str(item.location)]))
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
            place = str(p.location) + (f" 字段 {p.location.field}" if p.location and p.location.field else "")
            findings.append([sheet.department or folder, folder, p.severity.value, p.message, place, p.code])
    return summary, findings


# ------------------------------------------------------------------------------------------------ the workbook
def _sheet(wb: Any, title: str, subtitle: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    ws = wb.create_sheet(title[:31])
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([subtitle])
    ws["A1"].font = Font(name="黑体", size=12, bold=True)
    ws.append(list(header))
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    for r in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in r:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.font = Font(name="宋体", size=10.5, bold=cell.row == 2)
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
    read = f"共{run.total}个部门文件夹，已读取{len(run.done)}个，无法读取{len(run.failures)}个"
    if run.step == "monitor":
        summary, warnings = monitor_rows(run, today)
        _sheet(
            wb,
            "预警清单",
            f"运行监控预警清单（统计日期 {today:%Y-%m-%d}；{read}；逾期在前）",
            [
                "部门",
                "文件夹",
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
                "文件夹",
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
            "文件夹",
            "序号",
            "问题",
            "来源",
            "相关指标",
            "整改措施",
            "责任人（科室）",
            "整改期限",
            "整改状态",
        ]
        stats = ["部门", "文件夹", "年度", "事项数", *RECTIFY_STATES, "读取提示"]
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
                "文件夹",
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
            ["部门", "文件夹", "严重程度", "问题", "位置", "代码"],
            findings,
        )
    failures = [f.row for f in run.failures] or [["无", "", "", "全部部门文件夹均已读取"]]
    _sheet(wb, "无法读取", f"无法读取的部门文件夹（{len(run.failures)}个）：修改后重新汇总", FAILURE_HEADER, failures)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
