"""The department base-data format (部门基础数据), declared once.

The loader, the documentation (docs/data-format.md), the Excel template and the web forms all read this
declaration, so a field is added in one place. Keys are English; every field carries its Chinese label as
the seeds and the Hunan base-data table (REFERENCE §4) name it. Amounts are in 万元 unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["SCHEMA", "Field", "Group", "ListOf", "MapOf", "Node", "walk_fields"]

# Value kinds. amount: 万元 ≥ 0; signed_amount: 万元, may be negative (调减); rate: a fraction, typed as
# "98.78%" or 0.9878; count: whole number ≥ 0; quantity: number ≥ 0 in the field's unit; text; bool: 是/否;
# answer: 是/否/达成/部分达成/未达成/不适用 (qualitative facts); value: a number or a text (target values);
# choice: one of `choices`.
KINDS = (
    "amount",
    "signed_amount",
    "rate",
    "count",
    "quantity",
    "text",
    "bool",
    "answer",
    "value",
    "choice",
    "operator",
    "year",
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    required: bool = False
    unit: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    children: tuple[Node, ...]
    help: str = ""
    required: bool = False


@dataclass(frozen=True)
class ListOf:
    key: str
    label: str
    item: tuple[Node, ...]
    help: str = ""


@dataclass(frozen=True)
class MapOf:
    """A mapping whose keys the user (or the rulebook) chooses, e.g. facts keyed by fact id."""

    key: str
    label: str
    item: tuple[Node, ...]
    help: str = ""


Node = Field | Group | ListOf | MapOf


def _amount(key: str, label: str, **kw: object) -> Field:
    return Field(key, label, "amount", unit="万元", **kw)  # type: ignore[arg-type]


def _money_row(key: str, label: str, help: str = "") -> Group:
    """One row of the base-data table: 上年决算数 | 本年预算数 | 本年决算数 (REFERENCE §4)."""
    return Group(
        key,
        label,
        (
            _amount("previous", "上年决算数"),
            _amount("budget", "本年预算数"),
            _amount("actual", "本年决算数"),
        ),
        help=help,
    )


def _budget_split(key: str, label: str, help: str = "") -> Group:
    return Group(
        key,
        label,
        (
            _amount("total", "合计"),
            _amount("basic", "基本支出"),
            _amount("project", "项目支出"),
        ),
        help=help,
    )


_STAFFING = Group(
    "staffing",
    "人员情况",
    (
        Field("authorized", "编制数", "count", unit="人"),
        Field("authorized_admin", "其中：行政编制", "count", unit="人"),
        Field("authorized_institution", "其中：事业编制", "count", unit="人"),
        Field("actual", "实有在编人数", "count", unit="人"),
        Field("in_service", "实际在职人数", "count", unit="人", help="在职人员总数（含编外），湖南基础数据表口径"),
        Field("fiscal_supported", "财政补助开支人数", "count", unit="人"),
        Field("retired", "退休人数", "count", unit="人"),
        Field("contract", "编外人员/雇员（含老工勤）", "count", unit="人"),
        Field("temporary", "临聘（劳务派遣）人员", "count", unit="人"),
    ),
)

_TARGET_ITEM = (
    Field("id", "指标编号", "text", help="可选；引用该指标时使用"),
    Field("level1", "一级指标", "text", required=True, help="产出指标 / 效益指标 / 满意度指标"),
    Field("level2", "二级指标", "text", help="数量指标 / 质量指标 / 时效指标 / 成本指标 / 社会效益指标 等"),
    Field("name", "三级指标", "text", required=True),
    Field("operator", "指标方向", "operator", help="≥ 越高越好；≤ 越低越好；= 等于；定性"),
    Field("target", "年度指标值", "value", help="数字（可带单位）或定性描述"),
    Field("unit", "计量单位", "text"),
    Field("actual", "实际完成值", "value", help="数字；定性指标填 达成 / 部分达成 / 未达成"),
    Field("weight", "分值", "quantity", unit="分"),
    Field("score", "自评得分", "quantity", unit="分", help="可选：定性指标在档内的具体得分"),
    Field("score_reason", "得分理由", "text"),
    Field("deviation_reason", "偏差原因分析及改进措施", "text"),
    Field("not_applicable", "不适用", "bool", help="是：该指标不参与评分，其余指标按比例折算"),
    Field("evidence", "佐证材料", "text"),
)

_PROJECT_ITEM = (
    Field("name", "项目名称", "text", required=True),
    Field("unit", "实施单位", "text"),
    Field("department_in_charge", "主管部门", "text"),
    Field("category", "项目类别", "text"),
    Group(
        "funds",
        "项目资金",
        (
            _amount("initial", "年初预算数"),
            _amount("adjusted", "全年预算数"),
            _amount("actual", "全年执行数"),
            Group(
                "fiscal",
                "其中：当年财政拨款",
                (_amount("initial", "年初预算数"), _amount("adjusted", "全年预算数"), _amount("actual", "全年执行数")),
            ),
            Group(
                "carried",
                "上年结转资金",
                (_amount("initial", "年初预算数"), _amount("adjusted", "全年预算数"), _amount("actual", "全年执行数")),
            ),
            Group(
                "other",
                "其他资金",
                (_amount("initial", "年初预算数"), _amount("adjusted", "全年预算数"), _amount("actual", "全年执行数")),
            ),
        ),
    ),
    Field("goal", "年度总体目标（预期目标）", "text"),
    Field("result", "实际完成情况", "text"),
    Field("completed_on_time", "按计划完成", "bool"),
    ListOf("targets", "绩效指标", _TARGET_ITEM),
)

SCHEMA: tuple[Node, ...] = (
    Field("rulebook", "默认指标体系", "text", help="例如 shenzhen-baoan/department/2023；命令行 --rulebook 优先"),
    Group(
        "department",
        "部门信息",
        (
            Field("name", "部门名称", "text", required=True),
            Field("code", "部门编码", "text"),
            Field("region", "所属地区", "text"),
            Field("year", "评价年度", "year", required=True),
            Field("report_date", "报告日期", "text"),
            Field("authority", "评价依据文件", "text", help="如：山财绩〔2023〕170号"),
        ),
        required=True,
    ),
    ListOf(
        "units",
        "单位构成与人员",
        (
            Field("name", "单位名称", "text", required=True),
            Field("level", "层级", "choice", choices=("本级", "下属单位")),
            Field("type", "单位性质", "text", help="行政单位 / 参照公务员管理事业单位 / 事业单位"),
            _STAFFING,
            Field("project_count", "二级项目个数", "count", unit="个"),
            _amount("project_funds", "二级项目资金"),
        ),
        help="本级与下属单位各一项；部门合计由各单位相加",
    ),
    Group(
        "budget",
        "预算与决算",
        (
            _budget_split("initial", "年初预算"),
            Group(
                "adjustment",
                "预算调整",
                (
                    Field("amount", "调整数（调增为正、调减为负）", "signed_amount", unit="万元"),
                    Field("reason", "调整原因", "text"),
                ),
            ),
            _budget_split("adjusted", "调整后预算（全年预算数）"),
            _budget_split("final", "决算支出"),
            Group(
                "income",
                "收入",
                (
                    _amount("initial_total", "年初预算收入"),
                    _amount("initial_general", "其中：一般公共预算财政拨款（年初）"),
                    _amount("final_total", "决算总收入"),
                    _amount("final_fiscal", "其中：财政拨款收入（决算）"),
                    _amount("final_other", "其中：其他收入（决算）"),
                ),
            ),
            Group(
                "carryover",
                "结转结余",
                (
                    _amount("opening", "年初结转和结余"),
                    _amount("closing", "年末结转和结余"),
                    _amount("previous_closing", "上年年末结转和结余"),
                ),
            ),
            _amount("key_project_spending", "重点项目支出"),
        ),
    ),
    ListOf(
        "quarterly",
        "季度预算执行（序时进度）",
        (
            Field("quarter", "季度", "count", required=True, help="1–4"),
            Field("time_rate", "序时执行率", "rate", help="实际支出进度 ÷ 序时进度；可直接填写"),
            Field("spending_progress", "实际支出进度", "rate"),
            Field("schedule_progress", "序时进度", "rate", help="通常为 25% / 50% / 75% / 100%"),
        ),
    ),
    Group(
        "three_public",
        "“三公”经费",
        (
            _money_row("total", "“三公”经费合计"),
            _money_row("vehicle", "公务用车购置及运行维护费"),
            _money_row("vehicle_purchase", "其中：公车购置"),
            _money_row("vehicle_operation", "其中：公车运行维护"),
            _money_row("abroad", "因公出国（境）费"),
            _money_row("reception", "公务接待费"),
        ),
    ),
    Group(
        "public_funds",
        "公用经费",
        (
            Group(
                "daily",
                "日常公用经费",
                (
                    _amount("initial", "年初预算数"),
                    _amount("adjusted", "调整后预算数"),
                    _amount("actual", "实际支出数"),
                    _amount("previous", "上年决算数"),
                ),
            ),
            _money_row("total", "公用经费合计"),
            _money_row("office", "其中：办公经费"),
            _money_row("utilities_travel", "其中：水费、电费、差旅费"),
            _money_row("meetings_training", "其中：会议费、培训费"),
        ),
    ),
    Group(
        "procurement",
        "政府采购",
        (
            _amount("plan", "政府采购计划（预算）金额"),
            _amount("actual", "政府采购实际金额"),
            _amount("goods", "其中：货物"),
            _amount("works", "其中：工程"),
            _amount("services", "其中：服务"),
        ),
    ),
    Group(
        "assets",
        "资产",
        (
            _amount("total", "资产总额"),
            _amount("liabilities", "负债总额"),
            _amount("net", "净资产"),
            _amount("fixed_original", "固定资产原值"),
            _amount("fixed_in_use", "在用固定资产"),
            _amount("fixed_idle", "闲置固定资产"),
        ),
    ),
    Group(
        "buildings",
        "楼堂馆所控制情况",
        (
            Field("approved_area", "批复规模", "quantity", unit="㎡"),
            Field("actual_area", "实际规模", "quantity", unit="㎡"),
            _amount("budget_investment", "预算投资"),
            _amount("actual_investment", "实际投资"),
        ),
    ),
    Field("austerity_measures", "厉行节约保障措施", "text"),
    Group(
        "overall",
        "年度总体目标",
        (
            Field("goal", "年度总体目标（预期目标）", "text"),
            Field("result", "实际完成情况", "text"),
        ),
        help="部门整体支出绩效自评表中的“年度总体目标”一栏",
    ),
    ListOf("projects", "二级项目", _PROJECT_ITEM),
    ListOf(
        "key_tasks",
        "重点工作",
        (
            Field("name", "工作内容", "text", required=True),
            Field("role", "承担角色", "choice", choices=("牵头", "协办", "责任单位")),
            Field("source", "任务来源", "text"),
            Field("completed", "已完成", "bool"),
            Field("evidence", "完成情况说明", "text"),
        ),
    ),
    Group(
        "services",
        "履职服务情况",
        (
            Field("petitions", "信访及个案受理数", "count", unit="宗"),
            Field("petitions_handled", "已办结数", "count", unit="宗"),
            Field("handling_rate", "介入处置率", "rate"),
            Field("satisfaction_rate", "群众（服务对象）满意率", "rate"),
            Field("survey_count", "满意度有效调查人数", "count", unit="人"),
            Field("satisfied_count", "满意人数", "count", unit="人"),
            Field("satisfaction_evidence", "满意度调查说明", "text"),
        ),
    ),
    MapOf(
        "facts",
        "定性事实",
        (
            Field("answer", "回答", "answer", required=True),
            Field("evidence", "依据或说明", "text"),
        ),
        help="键为指标体系中声明的事实编号（jixiao rulebooks --facts 可查看）",
    ),
    MapOf(
        "manual_scores",
        "人工评分",
        (
            Field("score", "得分", "quantity", required=True, unit="分"),
            Field("reason", "评分理由", "text"),
        ),
        help="键为指标编号；仅用于指标体系中规则为 manual（人工评分）的指标，理由必填",
    ),
    ListOf("targets", "部门整体绩效指标", _TARGET_ITEM),
    Group(
        "stated",
        "报告中陈述的比率（用于核对）",
        (
            Field("execution_rate", "预算执行率", "rate"),
            Field("adjustment_rate", "预算调整率", "rate"),
            Field("procurement_rate", "政府采购执行率", "rate"),
            Field("staff_control_rate", "财政供养人员控制率", "rate"),
            Field("three_public_control_rate", "“三公”经费控制率", "rate"),
            Field("public_funds_control_rate", "日常公用经费控制率", "rate"),
            Field("fixed_asset_utilization", "固定资产利用率", "rate"),
            Field("basic_share", "基本支出占比", "rate"),
            Field("project_share", "项目支出占比", "rate"),
        ),
        help="填写报告正文中已写出的比率；jixiao 会与计算值比对",
    ),
    Group(
        "narrative",
        "报告文字（可选）",
        (Field("folder", "文字材料目录", "text", help="默认为数据文件旁的 narrative/ 目录"),),
    ),
)


def project_fields() -> list[tuple[str, Field]]:
    """A project's fields as seen when a project rulebook scores one project (paths without `projects[]`)."""
    return walk_fields(_PROJECT_ITEM)


# Labels that mean nothing without their group ("合计" of what?) are shown with the group's label.
_GENERIC = {
    "合计",
    "基本支出",
    "项目支出",
    "上年决算数",
    "本年预算数",
    "本年决算数",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "实际支出数",
    "调整后预算数",
}


def walk_fields(nodes: tuple[Node, ...] = SCHEMA, prefix: str = "", group: str = "") -> list[tuple[str, Field]]:
    """Every scalar field with its dotted path; list items appear as `key[]`, map items as `key.*`.

    A field with a generic label ("合计") is returned with its group's label in front ("决算支出·合计").
    """
    out: list[tuple[str, Field]] = []
    for node in nodes:
        path = f"{prefix}.{node.key}" if prefix else node.key
        if isinstance(node, Field):
            if node.label in _GENERIC and group:
                node = replace(node, label=f"{group.removeprefix('其中：')}·{node.label}")
            out.append((path, node))
        elif isinstance(node, Group):
            out.extend(walk_fields(node.children, path, node.label))
        elif isinstance(node, ListOf):
            out.extend(walk_fields(node.item, f"{path}[]"))
        else:
            out.extend(walk_fields(node.item, f"{path}.*"))
    return out
