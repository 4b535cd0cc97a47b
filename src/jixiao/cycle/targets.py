"""绩效目标申报表: the targets set with the budget, their quality checks, and the bureau's grading.

The self-evaluation's 年度指标值 are these targets: `as_data_targets` gives them in the department data's
`targets` form, and `compare_with_data` says where a data file typed them again differently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.model.numbers import NumberError, parse_decimal, parse_rate
from jixiao.model.problems import Location, Problem, Severity

from .fields import Reader
from .ruleset import CycleRuleset, load_ruleset
from .sources import read_file

__all__ = [
    "TargetIndicator",
    "TargetSheet",
    "apply_approved_targets",
    "as_data_targets",
    "check_targets",
    "compare_with_data",
    "fill_from_sheet",
    "load_targets",
]

OPERATORS = {
    "≥": "≥",
    ">=": "≥",
    "＞＝": "≥",
    "不低于": "≥",
    "≤": "≤",
    "<=": "≤",
    "＜＝": "≤",
    "不超过": "≤",
    "=": "=",
    "＝": "=",
    "达到": "≥",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
}
GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True)
class TargetIndicator:
    level1: str
    level2: str
    name: str
    operator: str
    value: str  # as written: "4", "95%", "有效提升"
    unit: str
    qualitative: bool
    last_actual: str
    reason: str
    location: Location

    @property
    def shown(self) -> str:
        """The 指标值 cell as the 申报表 prints it: ≥4项, ≥95%, 有效提升."""
        if self.qualitative:
            return self.value
        unit = "" if self.value.endswith(self.unit) else self.unit
        return f"{self.operator}{self.value}{unit}"


@dataclass(frozen=True)
class TargetSheet:
    path: Path
    ruleset: CycleRuleset
    department: str
    year: int | None
    kind: str
    project: str
    budget_total: Decimal | None
    budget_fiscal: Decimal | None
    budget_other: Decimal | None
    overall_goal: str
    indicators: tuple[TargetIndicator, ...]
    grade: str
    reviewer: str
    grade_reasons: tuple[str, ...]
    approved: bool
    warnings: tuple[Problem, ...]


def load_targets(path: Path, content: str | bytes | None = None) -> TargetSheet:
    """Read targets.yaml (or the folder holding it); every bad value is reported at once with its line."""
    path = Path(path)
    if content is None and path.is_dir():  # content: the file's text (the web app's), path only its name
        path = path / "targets.yaml"
    r = read_file(path, "绩效目标申报表（targets.yaml）", content)
    kind = r.choice(("kind",), "目标类型", ("department", "project"), required=True) or "department"
    indicators = []
    for where, item in r.items(("indicators",), "绩效指标"):
        indicators.append(_indicator(r, where, item))
    if not indicators:
        r.problem(
            ("indicators",),
            "cycle.targets_empty",
            "没有绩效指标。请逐条填写一级、二级、三级指标和指标值"
            "（YAML 文件的 indicators 下，或工作簿的“年度绩效指标”表）。",
        )
    grade = r.choice(("approval", "grade"), "财政审核等级", GRADES)
    sheet = TargetSheet(
        path=path,
        ruleset=load_ruleset(r.text(("ruleset",), "全周期规则") or "national"),
        department=r.text(("department",), "部门名称", required=True),
        year=r.integer(("year",), "年度", 2000, 2100, required=True),
        kind=kind,
        project=r.text(("project",), "项目名称", required=kind == "project"),
        budget_total=r.amount(("budget", "total"), "年度资金总额", required=True),
        budget_fiscal=r.amount(("budget", "fiscal"), "其中：财政拨款"),
        budget_other=r.amount(("budget", "other"), "其中：其他资金"),
        overall_goal=r.text(("overall_goal",), "年度总体目标", required=True),
        indicators=tuple(indicators),
        grade=grade,
        reviewer=r.text(("approval", "reviewer"), "审核单位"),
        grade_reasons=tuple(str(x) for x in (r.get(("approval", "reasons")) or []) if str(x).strip()),
        approved=r.text(("approval", "approved"), "是否批复") in ("是", "true", "已批复"),
        warnings=(),
    )
    sheet = replace(sheet, warnings=tuple(p for p in r.problems if p.severity is not Severity.ERROR))
    r.raise_errors()
    return sheet


def _indicator(r: Reader, where: tuple[Any, ...], item: dict[str, Any]) -> TargetIndicator:
    qualitative = str(item.get("qualitative", "")).lower() in ("true", "是")
    raw_op = str(item.get("operator", "")).strip()
    operator = OPERATORS.get(raw_op, "")
    if raw_op and not operator:
        r.problem((*where, "operator"), "cycle.bad_operator", f"运算符“{raw_op}”无法识别。请用 ≥、≤、=、>、< 之一。")
    return TargetIndicator(
        level1=r.text((*where, "level1"), "一级指标", required=True),
        level2=r.text((*where, "level2"), "二级指标", required=True),
        name=r.text((*where, "name"), "三级指标", required=True),
        operator=operator,
        value=r.text((*where, "value"), "指标值"),
        unit=r.text((*where, "unit"), "度量单位"),
        qualitative=qualitative,
        last_actual=r.text((*where, "last_actual"), "上年实际值"),
        reason=r.text((*where, "reason"), "说明"),
        location=r.where(where),
    )


def _number(text: str) -> Decimal | None:
    try:
        return parse_rate(text) if text.endswith("%") else parse_decimal(text, allow_units=())
    except NumberError:
        return None


def check_targets(sheet: TargetSheet, budget_initial: Decimal | None = None) -> list[Problem]:
    """Quality checks as the ruleset sets them; each problem names the indicator's line and how to fix it."""
    rules = sheet.ruleset.targets
    basis = f"（依据：{sheet.ruleset.cite(rules.source)}，{'推定' if rules.confidence == 'inferred' else '规定'}）"
    out: list[Problem] = []

    def warn(code: str, message: str, location: Location, severity: Severity = Severity.WARNING) -> None:
        out.append(Problem(code, message, location, severity))

    for ind in sheet.indicators:
        label = f"“{ind.name}”"
        if ind.level1 and ind.level1 not in rules.levels:
            warn("targets.level1", f"{label}的一级指标“{ind.level1}”不在{'、'.join(rules.levels)}之中。", ind.location)
        if ind.qualitative:
            if not ind.value:
                warn("targets.qualitative_empty", f"{label}为定性指标，但没有写明预期达到的状态。", ind.location)
            continue
        missing = [
            name for name, v in (("运算符", ind.operator), ("指标值", ind.value), ("度量单位", ind.unit)) if not v
        ]
        if missing:
            warn(
                "targets.incomplete",
                f"{label}缺少{'、'.join(missing)}。定量指标须写明运算符、指标值和度量单位；"
                "无法量化的请标注 qualitative: true 并写明预期状态。",
                ind.location,
            )
            continue
        value = _number(ind.value)
        if value is None:
            warn("targets.not_quantified", f"{label}的指标值“{ind.value}”不是数字，未量化。", ind.location)
            continue
        if ind.level1 == "满意度指标" and rules.satisfaction_floor is not None and ind.operator in ("≥", ">"):
            rate = value if ind.value.endswith("%") else value / 100
            if rate < rules.satisfaction_floor:
                warn(
                    "targets.satisfaction_floor",
                    f"{label}目标值{ind.value}低于满意度下限{(rules.satisfaction_floor * 100).normalize():f}%{basis}。",
                    ind.location,
                )
        last = _number(ind.last_actual) if ind.last_actual else None
        if (
            last is not None
            and not ind.reason
            and ((ind.operator in ("≥", ">") and value < last) or (ind.operator in ("≤", "<") and value > last))
        ):
            warn(
                "targets.below_last_year",
                f"{label}目标值{ind.value}比上年实际值{ind.last_actual}宽松，且未说明理由。"
                "请提高目标或在 reason 中说明。",
                ind.location,
            )
    levels = {ind.level1 for ind in sheet.indicators}
    where = Location(str(sheet.path), field="indicators")
    for needed in ("产出指标", "效益指标"):
        if needed not in levels:
            warn("targets.level_missing", f"没有{needed}。绩效目标应至少包括产出和效益两方面的指标。", where)
    if rules.require_cost.get(sheet.kind) and "成本指标" not in levels:
        warn("targets.cost_missing", f"没有成本指标{basis}。请按经济成本、社会成本等设置至少一项成本指标。", where)
    out += _check_money(sheet, budget_initial)
    return out


def _check_money(sheet: TargetSheet, budget_initial: Decimal | None) -> list[Problem]:
    tol = sheet.ruleset.targets.money_tolerance
    where = Location(str(sheet.path), field="budget")
    out = []
    total, fiscal, other = sheet.budget_total, sheet.budget_fiscal, sheet.budget_other
    if total is not None and fiscal is not None:
        parts = fiscal + (other or Decimal(0))
        if abs(parts - total) > tol:
            out.append(
                Problem(
                    "targets.money_parts",
                    f"年度资金总额{total}万元与其中各项之和{parts}万元"
                    f"（{fiscal} + {other or 0}）不符（容差{tol}万元）。",
                    where,
                    Severity.ERROR,
                    str(parts),
                    str(total),
                )
            )
    if total is not None and budget_initial is not None and abs(total - budget_initial) > tol:
        out.append(
            Problem(
                "targets.money_budget",
                f"绩效目标中的年度资金总额{total}万元与部门数据中的年初预算"
                f"{budget_initial}万元不符。绩效目标的资金应与批复预算一致。",
                where,
                Severity.WARNING,
                str(budget_initial),
                str(total),
            )
        )
    return out


def suggested_grade(problems: list[Problem]) -> tuple[str, str]:
    """A grade the bureau can start from (推定): 优 without findings, 良 up to 2 warnings, 中 up to 5, else 差."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    if errors:
        grade = "差" if errors > 1 else "中"
    else:
        grade = "优" if warnings == 0 else "良" if warnings <= 2 else "中" if warnings <= 5 else "差"
    return grade, f"{errors}项错误、{warnings}项警告（建议等级为推定规则，以财政部门审核为准）"


def as_data_targets(sheet: TargetSheet) -> list[dict[str, str]]:
    """The targets in the department data's `targets` form, so the self-evaluation never types them twice."""
    return [
        {"level1": ind.level1, "level2": ind.level2, "name": ind.name, **as_data_targets_row(ind)}
        for ind in sheet.indicators
    ]


def compare_with_data(sheet: TargetSheet, data_targets: list[dict[str, Any]], data_file: str) -> list[Problem]:
    """Where data.yaml states a target again, it must be the approved one."""
    approved = {ind.name: ind for ind in sheet.indicators}
    out = []
    for i, row in enumerate(data_targets):
        ind = approved.get(str(row.get("name", "")))
        stated = str(row.get("target", "")).strip()
        if ind is None or not stated:
            continue
        typed = f"{OPERATORS.get(str(row.get('operator', '')), '')}{stated}"
        expected = f"{ind.operator}{ind.value}" if not ind.qualitative else ind.value
        if _number(stated) != _number(ind.value) or (typed != expected and not ind.qualitative):
            out.append(
                Problem(
                    "targets.typed_twice",
                    f"“{ind.name}”的年度指标值“{typed}”与批复的绩效目标“{expected}”"
                    "不一致。自评应使用批复的目标值（删除数据文件中的 target，由绩效目标表带入）。",
                    Location(data_file, field=f"targets[{i}].target"),
                    Severity.ERROR,
                    expected,
                    typed,
                )
            )
    return out


def apply_approved_targets(tree: Any, folder: Path, locate: Any) -> list[Problem]:
    """Fill the data's target rows from the approved targets.yaml beside it, so 年度指标值 are typed once."""
    path = folder / "targets.yaml"
    if not path.exists() or not isinstance(tree, dict):
        return []
    from jixiao.model.problems import JixiaoError

    try:
        sheet = load_targets(path)
    except JixiaoError as exc:
        return list(exc.problems)
    if not sheet.approved:
        return [
            Problem(
                "targets.not_approved",
                "绩效目标（targets.yaml）尚未批复（approval.approved 不是“是”），年度指标值未从中带入。",
                Location(str(path), field="approval.approved"),
                Severity.INFO,
            )
        ]
    other = other_year(tree, sheet)
    if other is not None:
        return [
            Problem(
                "targets.other_year",
                f"绩效目标（targets.yaml）为{sheet.year}年度，部门数据为{other}年度，年度指标值未从中带入。"
                "请放入本年度批复的绩效目标。",
                Location(str(path), field="year"),
                Severity.INFO,
            )
        ]
    return fill_from_sheet(tree, sheet, locate)


def other_year(tree: Any, sheet: TargetSheet) -> str | None:
    """The data's year when it is not the targets' (another year's targets never fill its rows), else None."""
    department = tree.get("department") if isinstance(tree, dict) else None
    year = str(department.get("year", "")).strip() if isinstance(department, dict) else ""
    return year if year.isdigit() and sheet.year is not None and int(year) != sheet.year else None


def fill_from_sheet(tree: Any, sheet: TargetSheet, locate: Any) -> list[Problem]:
    """Fill the data tree's target rows from approved targets (a folder's targets.yaml, or the web app's document).

    A row of the data (department `targets`, or the named project's `targets`) with the same indicator name gets
    the approved operator, value and unit where it states none; where it states a different one, that is an
    error naming both places. Rows the data does not list are not added: the self-evaluation reports actuals.
    """
    if not isinstance(tree, dict):
        return []
    rows: Any = tree.get("targets")
    prefix: tuple[Any, ...] = ("targets",)
    if sheet.kind == "project":
        projects: list[Any] = tree["projects"] if isinstance(tree.get("projects"), list) else []
        names = [p.get("name") if isinstance(p, dict) else None for p in projects]
        index = names.index(sheet.project) if sheet.project in names else None
        rows = projects[index].get("targets") if index is not None else None
        prefix = ("projects", index, "targets")
    if not isinstance(rows, list):
        return []
    approved = {ind.name: ind for ind in sheet.indicators}
    out = []
    for i, row in enumerate(rows):
        ind = approved.get(str(row.get("name", ""))) if isinstance(row, dict) else None
        if ind is None:
            continue
        if not str(row.get("target", "")).strip():
            row.update({k: v for k, v in as_data_targets_row(ind).items() if v and not row.get(k)})
            continue
        out += [
            Problem(p.code, p.message, locate((*prefix, i, "target")), p.severity, p.expected, p.actual)
            for p in compare_with_data(sheet, [row], "")
        ]
    return out


def as_data_targets_row(ind: TargetIndicator) -> dict[str, str]:
    if ind.qualitative:
        return {"target": ind.value}
    return {"operator": ind.operator, "target": ind.value, "unit": ind.unit}
