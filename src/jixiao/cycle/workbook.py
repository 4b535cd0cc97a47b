"""The cycle's Excel ways in and out: the 绩效目标申报表 (部门整体 and 项目) and the 运行监控 workbook.

One layout per document serves three uses: the blank template a department fills (`targets_workbook(None)`),
the 申报表 out in the official layout (`targets_workbook(sheet)`, the same cells filled), and the reader
(`read_targets_workbook`), which finds the labels wherever the rows have moved and gives the loader the same tree
a targets.yaml gives, with each value's place as sheet!cell. Every problem names the file, the sheet and the cell
as Excel shows them, what was expected and how to fix it. A .xls or .et (WPS) file is converted by LibreOffice
first and its places name the user's file again.

Layout: the 申报表 follows the MoF forms (财预〔2015〕88号 附件 部门整体支出/项目支出绩效目标申报表: 名称, 资金
总额 with 财政拨款 and 其他资金, 总体目标, and 一级/二级/三级指标 with 指标值), with the columns 指标性质 (运算符
or 定性) and 度量单位 of the 一体化 system's 绩效指标表 and 成本指标 as a 一级指标 (财预〔2021〕101号). The forms'
texts were not in the stored sources: the layout is marked inferred in docs/cycle.md.

This module holds the layout and the reader; `workbook_out` writes the template and the 申报表 from the same layout.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem, Severity

from .fields import Reader

__all__ = [
    "WORKBOOK_SUFFIXES",
    "read_cycle_workbook",
    "read_monitoring_workbook",
    "read_targets_workbook",
]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
KIND_WORDS = {"department": "部门整体", "project": "项目"}
QUALITATIVE = "定性"
NATURES = ("≥", "≤", "=", ">", "<", QUALITATIVE)

TARGETS_SHEET = "绩效目标申报表"
MONITORING_SHEET = "运行监控"
PROGRESS_SHEET = "目标进度"

# label in column A → path in the targets tree (the YAML's keys)
TARGET_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("年度", ("year",), "如 2024"),
    ("目标类型", ("kind",), "部门整体 或 项目"),
    ("部门（单位）名称", ("department",), "与部门预算一致的全称"),
    ("项目名称", ("project",), "项目目标填写，与部门预算项目名称一致；部门整体目标留空"),
    ("年度资金总额（万元）", ("budget", "total"), "数字，万元"),
    ("其中：财政拨款（万元）", ("budget", "fiscal"), "数字，万元"),
    ("其他资金（万元）", ("budget", "other"), "数字，万元"),
    ("年度总体目标", ("overall_goal",), "一段文字"),
    ("适用规则", ("ruleset",), "全周期规则编号，如 national、sichuan/2025"),
)
APPROVAL_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("财政审核等级", ("approval", "grade"), "优、良、中、差"),
    ("审核单位", ("approval", "reviewer"), "财政部门名称"),
    ("是否批复", ("approval", "approved"), "是 或 否"),
    ("审核意见", ("approval", "reasons"), "理由，多条以“；”分隔"),
)
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("指标性质", "operator"),
    ("指标值", "value"),
    ("度量单位", "unit"),
    ("上年实际值", "last_actual"),
    ("说明", "reason"),
)
MONITORING_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("单位名称", ("department",), "部门（单位）全称"),
    ("年度", ("year",), "如 2024"),
    ("全年预算数（万元）", ("budget",), "数字，万元"),
    ("适用规则", ("ruleset",), "全周期规则编号，如 national、sichuan/2025"),
)
POINT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("监控节点", "month"),
    ("全年预算数（万元）", "budget"),
    ("累计执行数（万元）", "executed"),
    ("累计执行率", "execution_rate"),
    ("预警日期", "issued"),
    ("部门答复", "decision"),
    ("答复日期", "date"),
    ("答复说明", "note"),
)
PROGRESS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("监控节点", "month"),
    ("绩效指标", "name"),
    ("目标完成进度", "progress"),
)
# rows a filled form may leave out (a department's form has no 项目名称; the rule defaults to national)
OPTIONAL = {("project",), ("budget", "fiscal"), ("budget", "other"), ("ruleset",)}
QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _norm(text: Any) -> str:
    """A label as compared: without spaces, colons and brackets' width differences."""
    out = re.sub(r"[\s:：*★]", "", str(text or ""))
    return out.replace("(", "（").replace(")", "）")


# ------------------------------------------------------------------------------------------------ places
class CellMap:
    """Field path → the cell it was read from (or would be read from, when blank); the SourceMap of a workbook."""

    def __init__(self, file: str):
        self.file = file
        self._cells: dict[tuple[Any, ...], tuple[str, str]] = {}

    def record(self, path: tuple[Any, ...], sheet: str, cell: str) -> None:
        self._cells[path] = (sheet, cell)

    def locate(self, path: tuple[Any, ...], field: str | None = None) -> Location:
        probe = tuple(path)
        while probe and probe not in self._cells:
            probe = probe[:-1]
        sheet, cell = self._cells.get(probe, (None, None))
        from jixiao.files.yamlsrc import dotted

        return Location(self.file, sheet=sheet, cell=cell, field=field if field is not None else dotted(path))


def _text(cell: Any) -> str:
    """A cell's value as the user sees it: 95% for 0.95 formatted as percent, 16 for 16.0, dates as 2024-06-30."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if "%" in str(cell.number_format or ""):
            return f"{_plain(number * 100)}%"
        return _plain(number)
    return str(value).strip()


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _address(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


# ------------------------------------------------------------------------------------------------ reading
@contextmanager
def _opened(path: Path, content: bytes | None = None) -> Iterator[tuple[Any, str]]:
    """The workbook at `path` (converted when .xls/.et) and the name its problems give; with `content`, the
    workbook is those bytes (an upload) and `path` only names it."""
    from jixiao.files import guard

    shown = str(path)
    if path.suffix.lower() in (".xls", ".et"):  # converted by LibreOffice, from a file only
        from ..formats.office import ConversionError, converted

        if content is not None:
            message = "该文件是旧版 Excel/WPS 格式。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再上传。"
            raise JixiaoError([Problem("xlsx.convert", message, Location(shown))])
        try:
            with converted(path, "xlsx") as xlsx, _opened(xlsx) as (workbook, _name):
                yield workbook, shown
        except ConversionError as exc:
            raise JixiaoError([Problem("xlsx.convert", f"无法读取该 Excel 文件：{exc}", Location(shown))]) from None
        return
    if content is None:
        guard.check_input_file(path, ("zip",), label="该 Excel 文件")
    elif (refused := guard.check_upload(path.name if path.suffix else f"{path.name}.xlsx", content)) is not None:
        raise JixiaoError([replace(refused, location=Location(shown))])
    names = guard.check_zip(path if content is None else content, shown)
    if "xl/workbook.xml" not in names:
        raise guard.refusal(
            "xlsx.unreadable",
            "文件是 Office 压缩包，但不是 Excel 工作簿（可能是 Word 文件）。请提供 .xlsx 文件。",
            Location(shown),
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path if content is None else io.BytesIO(content), data_only=True)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise guard.refusal(
            "xlsx.unreadable",
            f"无法打开该 Excel 文件（{type(exc).__name__}，文件已损坏或不是有效的 .xlsx）。"
            "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再试。",
            Location(shown),
        ) from None
    try:
        yield workbook, shown
    finally:
        workbook.close()


class _Collect:
    """The tree being built from the cells, their places, and the problems found on the way."""

    def __init__(self, file: str):
        self.file = file
        self.tree: dict[str, Any] = {}
        self.cells = CellMap(file)
        self.problems: list[Problem] = []

    def put(self, path: tuple[Any, ...], value: Any, sheet: str, cell: str) -> None:
        self.cells.record(path, sheet, cell)
        if value in ("", None):
            return
        node: Any = self.tree
        for key, nxt in itertools.pairwise(path):
            if isinstance(key, int):
                while len(node) <= key:
                    node.append({} if not isinstance(nxt, int) else [])
                node = node[key]
            else:
                node = node.setdefault(key, [] if isinstance(nxt, int) else {})
        last = path[-1]
        if isinstance(last, int):
            while len(node) <= last:
                node.append(None)
        node[last] = value

    def problem(self, code: str, message: str, sheet: str, cell: str | None = None) -> None:
        self.problems.append(Problem(code, message, Location(self.file, sheet=sheet, cell=cell)))


def _sheet(workbook: Any, wanted: str, collect: _Collect, required: bool = True) -> Any:
    for ws in workbook.worksheets:
        if _norm(ws.title) == _norm(wanted) or _norm(wanted) in _norm(ws.title):
            return ws
    filled = [ws for ws in workbook.worksheets if "填表说明" not in ws.title]
    if required and len(filled) == 1:
        return filled[0]
    if required:
        names = "、".join(ws.title for ws in workbook.worksheets)
        collect.problems.append(
            Problem(
                "cycle.sheet_missing",
                f"找不到工作表“{wanted}”（现有：{names}）。"
                "请使用 jixiao cycle-template 生成的模板，不要改动工作表名称。",
                Location(collect.file, sheet=wanted),
            )
        )
    return None


def _labels(ws: Any) -> dict[str, int]:
    """Row of each label in column A (the first occurrence)."""
    rows: dict[str, int] = {}
    for row in range(1, ws.max_row + 1):
        label = _norm(ws.cell(row, 1).value)
        if label and label not in rows:
            rows[label] = row
    return rows


def _read_fields(ws: Any, fields: tuple[tuple[str, tuple[str, ...], str], ...], collect: _Collect) -> dict[str, int]:
    rows = _labels(ws)
    for label, path, hint in fields:
        row = rows.get(_norm(label))
        if row is None:
            if path[0] != "approval" and path not in OPTIONAL:
                collect.problem(
                    "cycle.label_missing",
                    f"找不到“{label}”一行（A列）。请在A列写“{label}”，在B列填写{hint}；或使用 jixiao cycle-template "
                    "生成的模板。",
                    ws.title,
                )
            continue
        cell = ws.cell(row, 2)
        collect.put(path, _text(cell), ws.title, cell.coordinate)
    return rows


def _header(ws: Any, columns: tuple[tuple[str, str], ...], start: int = 1) -> tuple[int, dict[str, int]] | None:
    """The row holding the columns' headers (at least three of them), and each header's column."""
    wanted = {_norm(label): key for label, key in columns}
    for row in range(start, ws.max_row + 1):
        found = {}
        for col in range(1, ws.max_column + 1):
            key = wanted.get(_norm(ws.cell(row, col).value))
            if key and key not in found:
                found[key] = col
        if len(found) >= 3:
            return row, found
    return None


def _month(text: str) -> str:
    """监控节点 as typed (6, 6月, 1-6月, 第二季度, Q2) → the month number as text; unchanged when not understood."""
    text = text.strip()
    quarter = re.fullmatch(r"(?:第)?([一二三四1-4])季度|[Qq]([1-4])", text)
    if quarter:
        return str(QUARTERS[quarter.group(1) or quarter.group(2)])
    month = re.fullmatch(r"(?:1\s*[-—~至]\s*)?(\d{1,2})\s*月?(?:末|底)?", text)
    return month.group(1) if month else text


def read_targets_workbook(path: Path, content: bytes | None = None) -> Reader:
    """A filled 绩效目标申报表 workbook → the Reader `load_targets` walks, with sheet!cell places. With `content`
    the workbook is those bytes (an upload, no file written) and `path` only names it in the problems."""
    path = Path(path)
    with _opened(path, content) as (workbook, shown):
        collect = _Collect(shown)
        ws = _sheet(workbook, TARGETS_SHEET, collect)
        if ws is None:
            raise JixiaoError(collect.problems)
        rows = _read_fields(ws, TARGET_FIELDS, collect)
        kind_cell = ws.cell(rows.get(_norm("目标类型"), 1), 2)
        kind_text = _text(kind_cell)
        kinds = {v: k for k, v in KIND_WORDS.items()} | {k: k for k in KIND_WORDS} | {"项目支出": "project"}
        if kind_text:
            if kind_text not in kinds:
                collect.problem(
                    "cycle.bad_choice",
                    f"“目标类型”应为“部门整体”或“项目”，实际为“{kind_text}”。请从下拉列表中选择。",
                    ws.title,
                    kind_cell.coordinate,
                )
                collect.tree["kind"] = "department"  # reported above; read on as 部门整体 to find the rest
            else:
                collect.tree["kind"] = kinds[kind_text]
        _read_indicators(ws, collect)
        _read_fields(ws, APPROVAL_FIELDS, collect)
        approval = collect.tree.get("approval")
        if isinstance(approval, dict) and approval.get("reasons"):
            approval["reasons"] = [r.strip() for r in re.split(r"[；;\n]", approval["reasons"]) if r.strip()]
    return Reader(collect.tree, collect.cells, collect.problems)  # type: ignore[arg-type]


def _read_indicators(ws: Any, collect: _Collect) -> None:
    found = _header(ws, INDICATOR_COLUMNS)
    if found is None:
        collect.problem(
            "cycle.header_missing",
            "找不到绩效指标表的表头（一级指标、二级指标、三级指标、指标性质、指标值、度量单位）。"
            "请使用 jixiao cycle-template 生成的模板，不要删除表头行。",
            ws.title,
        )
        return
    header, columns = found
    collect.cells.record(("indicators",), ws.title, _address(header + 1, columns.get("name", 3)))
    stop = {_norm(label) for label, _p, _h in APPROVAL_FIELDS}
    last = next((r - 1 for r in range(header + 1, ws.max_row + 1) if _norm(ws.cell(r, 1).value) in stop), None)
    required = ((("level1",), "“一级指标”"), (("name",), "“三级指标”"), (("value",), "“指标值”"))
    _check_columns(ws, header, columns, INDICATOR_COLUMNS, required, "绩效指标表", "指标值", collect, last)
    n = 0
    level1 = level2 = ""
    for row in range(header + 1, ws.max_row + 1):
        if _norm(ws.cell(row, 1).value) in stop:
            break
        values = {key: _text(ws.cell(row, col)) for key, col in columns.items()}
        if not values.get("name") and not values.get("value"):
            continue  # a blank row, or a 一级 label alone above its rows
        # a merged 一级/二级 cell holds its text in the first row only: the rows below take it over
        same_level1 = not values.get("level1") or values.get("level1") == level1
        level1 = values.get("level1") or level1
        level2 = values.get("level2") or (level2 if same_level1 else "")
        values["level1"], values["level2"] = level1, level2
        nature = values.pop("operator", "")
        for key, col in columns.items():
            collect.cells.record(("indicators", n, key), ws.title, _address(row, col))
        collect.cells.record(("indicators", n), ws.title, _address(row, columns.get("name", 1)))
        if nature == QUALITATIVE:
            collect.put(("indicators", n, "qualitative"), "是", ws.title, _address(row, columns["operator"]))
        elif nature:
            collect.put(("indicators", n, "operator"), nature, ws.title, _address(row, columns["operator"]))
        for key, value in values.items():
            if key in columns:
                collect.put(("indicators", n, key), value, ws.title, _address(row, columns[key]))
        n += 1


def read_monitoring_workbook(path: Path, content: bytes | None = None) -> Reader:
    """A filled 运行监控 workbook → the Reader `load_monitoring` walks, with sheet!cell places (`content`: as for
    `read_targets_workbook`)."""
    path = Path(path)
    with _opened(path, content) as (workbook, shown):
        collect = _Collect(shown)
        ws = _sheet(workbook, MONITORING_SHEET, collect)
        if ws is None:
            raise JixiaoError(collect.problems)
        _read_fields(ws, MONITORING_FIELDS, collect)
        months = _read_points(ws, collect)
        progress = _sheet(workbook, PROGRESS_SHEET, collect, required=False)
        if progress is not None:
            _read_progress(progress, collect, months)
    return Reader(collect.tree, collect.cells, collect.problems)  # type: ignore[arg-type]


def _check_columns(
    ws: Any,
    header: int,
    columns: dict[str, int],
    template: tuple[tuple[str, str], ...],
    required: tuple[tuple[tuple[str, ...], str], ...],
    table: str,
    example: str,
    collect: _Collect,
    last: int | None = None,
) -> None:
    """A renamed or deleted header: a required column not found is an error; a header not of the template with
    figures below it (down to row `last`) is named, as its figures are read by no one (a warning when nothing
    required is missing)."""
    known = {_norm(label) for label, _key in template} | {""}
    bottom = last if last is not None else ws.max_row
    others = [
        f"{_address(header, col)}“{ws.cell(header, col).value}”"
        for col in range(1, ws.max_column + 1)
        if _norm(ws.cell(header, col).value) not in known
        and any(_text(ws.cell(row, col)) for row in range(header + 1, bottom + 1))
    ]
    unknown = f"未识别的表头：{'、'.join(others)}（其下数据未读取）。" if others else ""
    missing = [wanted for keys, wanted in required if not any(k in columns for k in keys)]
    for wanted in missing:
        collect.problem(
            "cycle.column_missing",
            f"{table}的表头（第{header}行）没有{wanted}列。{unknown}请把该列表头改回{wanted}"
            "（与 jixiao cycle-template 生成的模板一致），列的位置可以调整。",
            ws.title,
            _address(header, 1),
        )
    if unknown and not missing:
        collect.problems.append(
            Problem(
                "cycle.column_unknown",
                f"{table}的表头（第{header}行）中，{unknown}若是模板中的列（如“{example}”），请把表头改回原名，"
                "列的位置可以调整。",
                Location(collect.file, sheet=ws.title, cell=_address(header, 1)),
                Severity.WARNING,
            )
        )


def _read_points(ws: Any, collect: _Collect) -> dict[str, int]:
    found = _header(ws, POINT_COLUMNS, start=1)
    if found is None:
        collect.problem(
            "cycle.header_missing",
            "找不到监控节点表的表头（监控节点、累计执行数（万元）、累计执行率……）。请使用 jixiao cycle-template "
            "生成的模板，不要删除表头行。",
            ws.title,
        )
        return {}
    header, columns = found
    required = (
        (("month",), "“监控节点”"),
        (("executed", "execution_rate"), "“累计执行数（万元）”或“累计执行率”"),
    )
    _check_columns(ws, header, columns, POINT_COLUMNS, required, "监控节点表", "累计执行率", collect)
    months: dict[str, int] = {}
    n = 0
    for row in range(header + 1, ws.max_row + 1):
        values = {key: _text(ws.cell(row, col)) for key, col in columns.items()}
        if not any(v for k, v in values.items() if k != "month"):
            continue  # a node the template lists but nobody filled yet
        month = _month(values.get("month", ""))
        where = ("points", n)
        collect.cells.record(where, ws.title, _address(row, columns.get("month", 1)))
        collect.put((*where, "month"), month, ws.title, _address(row, columns.get("month", 1)))
        for key in ("budget", "executed", "execution_rate", "issued"):
            if key in columns:
                collect.put((*where, key), values[key], ws.title, _address(row, columns[key]))
        if any(values.get(k) for k in ("decision", "date", "note")):
            collect.cells.record((*where, "answer"), ws.title, _address(row, columns.get("decision", 1)))
            for key in ("decision", "date", "note"):
                if key in columns:
                    collect.put((*where, "answer", key), values[key], ws.title, _address(row, columns[key]))
        if month in months:
            collect.problem(
                "cycle.duplicate_point",
                f"监控节点“{values.get('month')}”出现了两次。每个节点填写一行，请删除重复的一行。",
                ws.title,
                _address(row, columns.get("month", 1)),
            )
        months[month] = n
        n += 1
    return months


def _read_progress(ws: Any, collect: _Collect, months: dict[str, int]) -> None:
    found = _header(ws, PROGRESS_COLUMNS)
    if found is None:
        return
    header, columns = found
    count: dict[int, int] = {}
    for row in range(header + 1, ws.max_row + 1):
        values = {key: _text(ws.cell(row, col)) for key, col in columns.items()}
        if not any(values.values()):
            continue
        month_cell = _address(row, columns.get("month", 1))
        point = months.get(_month(values.get("month", "")))
        if point is None:
            known = "、".join(f"{m}月" for m in months) or "（无）"
            collect.problem(
                "cycle.progress_point",
                f"目标进度的监控节点“{values.get('month')}”在“运行监控”表中没有对应的一行（已有：{known}）。"
                "请先在“运行监控”表填写该节点的执行数。",
                ws.title,
                month_cell,
            )
            continue
        i = count.get(point, 0)
        count[point] = i + 1
        where = ("points", point, "targets", i)
        collect.cells.record(where, ws.title, month_cell)
        for key in ("name", "progress"):
            if key in columns:
                collect.put((*where, key), values[key], ws.title, _address(row, columns[key]))


def read_cycle_workbook(path: Path, what: str, content: bytes | None = None) -> Reader:
    """The Reader of a cycle workbook by the document it holds (`what` as the loaders name it); `content`: the
    workbook's bytes, `path` then only its name."""
    if "监控" in what:
        return read_monitoring_workbook(path, content)
    if "目标" in what:
        return read_targets_workbook(path, content)
    raise JixiaoError(
        [
            Problem(
                "cycle.no_workbook",
                f"{what}只能用 YAML 文件填写（格式见 docs/cycle.md）；Excel 模板仅用于绩效目标和运行监控。",
                Location(str(path)),
            )
        ]
    )


# ------------------------------------------------------------------------------------------------ writing
