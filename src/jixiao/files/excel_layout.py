"""The fill-in workbook's layout, shared by the template writer and the reader.

Sheets: 基本信息 (a form: 分组 | 项目 | 填报值 | 单位 | 说明), 基础数据表 (the Hunan base-data table of
REFERENCE §4, same row and column labels), one list sheet per list of the data format (单位与人员, 季度执行,
项目, 绩效指标, 重点工作), 定性事实 and 人工评分. The reader finds everything by its label, never by a fixed
cell address, so a finance officer's own copy of the 基础数据表 with extra blank rows still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.model.numbers import normalize_text
from jixiao.model.schema import SCHEMA, Field, Group, ListOf, MapOf, project_fields, walk_fields

__all__ = [
    "BASE_ROWS",
    "BASE_SHEET",
    "FACTS_SHEET",
    "FORM_FIELDS",
    "FORM_SHEET",
    "LIST_SHEETS",
    "MANUAL_SHEET",
    "ListSheet",
    "norm",
]

FORM_SHEET = "基本信息"
BASE_SHEET = "基础数据表"
FACTS_SHEET = "定性事实"
MANUAL_SHEET = "人工评分"
INSTRUCTIONS_SHEET = "填报说明"

_UNIT_NOTE = re.compile(r"[（(](万元|人|元|%|㎡|平方米)[)）]")
_NUMBERING = re.compile(r"^(\d+[、.．]|[（(]\d+[)）]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def norm(label: object) -> str:
    """A label as compared: full-width folded, spaces, quotes, numbering, '其中：', unit notes and '*' removed."""
    text = normalize_text(str(label or ""))
    text = _UNIT_NOTE.sub("", text)
    text = re.sub(r"[\s“”\"'‘’*＊]", "", text)
    text = text.replace("其中:", "").replace("其中：", "")
    text = _NUMBERING.sub("", text)
    return text.replace("（", "(").replace("）", ")").rstrip(":：")


# --- 基础数据表 (REFERENCE §4) --------------------------------------------------------------------
# Row label -> where its three columns (上年决算数 | 本年预算数 | 本年决算数) go. None: the column is not read.
BASE_COLUMNS = ("上年决算数", "本年预算数", "本年决算数")
BASE_ROWS: dict[str, tuple[str | None, str | None, str | None]] = {
    "三公经费": ("three_public.total.previous", "three_public.total.budget", "three_public.total.actual"),
    "公务用车购置和维护经费": (
        "three_public.vehicle.previous",
        "three_public.vehicle.budget",
        "three_public.vehicle.actual",
    ),
    "公车购置": (
        "three_public.vehicle_purchase.previous",
        "three_public.vehicle_purchase.budget",
        "three_public.vehicle_purchase.actual",
    ),
    "公车运行维护": (
        "three_public.vehicle_operation.previous",
        "three_public.vehicle_operation.budget",
        "three_public.vehicle_operation.actual",
    ),
    "出国经费": ("three_public.abroad.previous", "three_public.abroad.budget", "three_public.abroad.actual"),
    "公务接待": ("three_public.reception.previous", "three_public.reception.budget", "three_public.reception.actual"),
    "项目支出": (None, "budget.adjusted.project", "budget.final.project"),
    "公用经费": ("public_funds.total.previous", "public_funds.total.budget", "public_funds.total.actual"),
    "办公经费": ("public_funds.office.previous", "public_funds.office.budget", "public_funds.office.actual"),
    "水费、电费、差旅费": (
        "public_funds.utilities_travel.previous",
        "public_funds.utilities_travel.budget",
        "public_funds.utilities_travel.actual",
    ),
    "会议费、培训费": (
        "public_funds.meetings_training.previous",
        "public_funds.meetings_training.budget",
        "public_funds.meetings_training.actual",
    ),
    "政府采购金额": (None, "procurement.plan", "procurement.actual"),
    "部门基本支出预算调整": (None, "budget.initial.basic", "budget.adjusted.basic"),
}
# Label variants people type, normalized -> the label above.
BASE_ALIASES = {
    "三公经费合计": "三公经费",
    "公务用车购置及运行维护费": "公务用车购置和维护经费",
    "公务用车购置和运行维护经费": "公务用车购置和维护经费",
    "公务用车购置及维护经费": "公务用车购置和维护经费",
    "公车购置费": "公车购置",
    "公车运行维护费": "公车运行维护",
    "因公出国(境)费": "出国经费",
    "因公出国(境)经费": "出国经费",
    "因公出国经费": "出国经费",
    "公务接待费": "公务接待",
    "项目支出合计": "项目支出",
    "公用经费合计": "公用经费",
    "办公费": "办公经费",
    "水费电费差旅费": "水费、电费、差旅费",
    "水电费、差旅费": "水费、电费、差旅费",
    "会议费培训费": "会议费、培训费",
    "政府采购": "政府采购金额",
    "政府采购支出": "政府采购金额",
}
BASE_STAFF = {"编制数": "authorized", "本年实际在职人数": "in_service", "实际在职人数": "in_service"}
BASE_BUILDINGS = {
    "批复规模": "buildings.approved_area",
    "实际规模": "buildings.actual_area",
    "预算投资": "buildings.budget_investment",
    "实际投资": "buildings.actual_investment",
}
BASE_TEXT = {"厉行节约保障措施": "austerity_measures"}


def base_row_key(label: object) -> str | None:
    key = norm(label)
    key = BASE_ALIASES.get(key, key)
    return key if key in BASE_ROWS else None


def project_key(name: object) -> str:
    """Project names match across sheets despite 经费/专项/资金 endings (业务工作专项 = 业务工作经费)."""
    return re.sub(r"(工作)?(经费|专项|资金|项目)$", "", norm(name))


# --- 基本信息: every scalar field not covered by another sheet ----------------------------------------
# The budget figures stay in the form too (a complete 预算与决算 block); where the base table repeats them,
# the reader requires the two cells to agree.
_BASE_PATHS = (
    {p for row in BASE_ROWS.values() for p in row if p and not p.startswith("budget.")}
    | set(BASE_BUILDINGS.values())
    | set(BASE_TEXT.values())
)


@dataclass(frozen=True)
class FormField:
    path: str
    group: str  # top-level group label, the form's 分组 column
    label: str  # the 项目 column
    spec: Field


def _form_fields() -> list[FormField]:
    out = []
    for node in SCHEMA:
        if isinstance(node, (ListOf, MapOf)):
            continue
        if isinstance(node, Field):
            out.append(FormField(node.key, "基本信息", node.label, node))
            continue
        assert isinstance(node, Group)
        for path, spec in walk_fields(node.children, node.key, node.label):
            if path in _BASE_PATHS or path == "narrative.folder":
                continue
            out.append(FormField(path, node.label, spec.label, spec))
    return out


FORM_FIELDS: list[FormField] = _form_fields()


# --- list sheets ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    path: str  # within the item ("funds.initial")
    header: str
    spec: Field


@dataclass(frozen=True)
class ListSheet:
    name: str
    list_path: str
    columns: tuple[Column, ...]
    owner_column: bool = False  # 绩效指标: first column says 部门整体 or which project
    rows: int = 30  # unlocked rows in the template


def _columns(list_key: str, exclude: tuple[str, ...] = ()) -> tuple[Column, ...]:
    node = next(n for n in SCHEMA if n.key == list_key)
    assert isinstance(node, ListOf)
    return tuple(
        Column(path, spec.label, spec) for path, spec in walk_fields(node.item) if not path.startswith(exclude)
    )


def _project_columns() -> tuple[Column, ...]:
    return tuple(Column(path, spec.label, spec) for path, spec in project_fields() if not path.startswith("targets"))


OWNER_HEADER = "所属"
DEPARTMENT_OWNER = "部门整体"
LIST_SHEETS: tuple[ListSheet, ...] = (
    ListSheet("单位与人员", "units", _columns("units"), rows=10),
    ListSheet("季度执行", "quarterly", _columns("quarterly"), rows=4),
    ListSheet("项目", "projects", _project_columns(), rows=40),
    ListSheet("绩效指标", "targets", _columns("targets"), owner_column=True, rows=120),
    ListSheet("重点工作", "key_tasks", _columns("key_tasks"), rows=20),
)
FACT_HEADERS = ("编号", "问题", "回答", "依据或说明")
MANUAL_HEADERS = ("指标编号", "指标名称", "分值", "得分", "评分理由")
