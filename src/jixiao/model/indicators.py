"""Derived indicators (计算指标): rates computed from the department's figures, each with its formula.

Definitions follow 财预〔2013〕53号 (REFERENCE §3) unless noted; where documents use different
denominators (预算调整率), both variants exist under their own names so a reviewer can see both.
An indicator is a ratio of two expressions; an expression is a sum of signed terms, and may have
fall-backs (e.g. 调整数 when given, else 调整后预算 − 年初预算). A term is a field path; a path through a
list (`units[].staffing.actual`) sums over its items; `count(x[])` and `count_true(x[].flag)` count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from .dataset import DepartmentData
from .numbers import divide

# The reading of figures lives in `reading`; its names are also imported from here by the rule kinds and reports.
from .reading import FIELD_KINDS, FIELD_LABELS, InputRead, Missing, Reader, Undefined, generic_path, label_of

__all__ = [
    "FIELD_KINDS",
    "FIELD_LABELS",
    "INDICATORS",
    "DerivedValue",
    "IndicatorDef",
    "InputRead",
    "Missing",
    "Reader",
    "Undefined",
    "compiled_indicator",
    "evaluate_indicator",
    "generic_path",
    "label_of",
]


@dataclass(frozen=True)
class Expr:
    """A sum of signed terms, with fall-backs tried in order when a term is missing."""

    alternatives: tuple[tuple[str, ...], ...]
    text: str

    def evaluate(self, reader: Reader) -> Decimal:
        last: Missing | None = None
        for terms in self.alternatives:
            mark = len(reader.reads)
            try:
                total = Decimal(0)
                for term in terms:
                    sign, name = (-1, term[1:]) if term.startswith("-") else (1, term)
                    total += sign * reader.term(name)
                return total
            except Missing as exc:
                del reader.reads[mark:]
                last = exc
        assert last is not None
        raise last


def expr(text: str, *alternatives: tuple[str, ...]) -> Expr:
    return Expr(alternatives, text)


@dataclass(frozen=True)
class IndicatorDef:
    """A derived rate: numerator / denominator, with its Chinese name, formula and source."""

    name: str
    label: str
    numerator: Expr
    denominator: Expr
    source: str = "财预〔2013〕53号"
    note: str = ""
    fallback: IndicatorDef | None = None

    @property
    def formula(self) -> str:
        if self.denominator.text == "1":
            return self.numerator.text
        return f"{self.numerator.text} ÷ {self.denominator.text}"

    def compute(self, reader: Reader) -> Decimal:
        return self.compute_parts(reader)[2]

    def compute_parts(self, reader: Reader) -> tuple[Decimal, Decimal, Decimal, IndicatorDef]:
        """Numerator, denominator, rate, and the definition used (the fall-back when the main one lacks data)."""
        if self.fallback is not None:
            mark = len(reader.reads)
            try:
                return self._compute(reader)
            except Missing:
                del reader.reads[mark:]
                return self.fallback.compute_parts(reader)
        return self._compute(reader)

    def _compute(self, reader: Reader) -> tuple[Decimal, Decimal, Decimal, IndicatorDef]:
        num = self.numerator.evaluate(reader)
        den = self.denominator.evaluate(reader)
        if den == 0:
            raise Undefined(f"{self.denominator.text}为0，{self.label}无法计算")
        return num, den, divide(num, den), self


@dataclass(frozen=True)
class DerivedValue:
    """A derived indicator evaluated on one department, with every figure it read."""

    definition: IndicatorDef
    value: Decimal | None
    inputs: tuple[InputRead, ...]
    status: str = "ok"  # ok | missing | undefined
    reason: str = ""


_ADJUSTMENT = expr("调整数", ("budget.adjustment.amount",), ("budget.adjusted.total", "-budget.initial.total"))
_ADJUSTED = expr("调整后预算", ("budget.adjusted.total",))
_FINAL = expr("决算支出", ("budget.final.total",))
_AUTHORIZED = expr("编制数", ("units[].staffing.authorized",))


def _def(name: str, label: str, num: Expr, den: Expr, **kw: Any) -> IndicatorDef:
    return IndicatorDef(name, label, num, den, **kw)


INDICATORS: dict[str, IndicatorDef] = {
    d.name: d
    for d in (
        _def(
            "budget_execution_rate",
            "预算执行率",
            _FINAL,
            _ADJUSTED,
            note="宝安报告：决算数 2,470.14 ÷ 调整后预算 2,500.65 = 98.78%",
        ),
        _def(
            "budget_completion_rate",
            "预算完成率",
            _FINAL,
            _ADJUSTED,
            note="预算完成数 ÷ 预算数（财预〔2013〕53号）；湖南模板扣分口径见指标体系",
        ),
        _def(
            "budget_adjustment_rate",
            "预算调整率（以调整后预算为分母）",
            _ADJUSTMENT,
            _ADJUSTED,
            source="深圳市宝安区妇联2023年自评报告（4.92% = 123.1 ÷ 2,500.65）",
        ),
        _def(
            "budget_adjustment_rate_initial",
            "预算调整率（以年初预算为分母）",
            _ADJUSTMENT,
            expr("年初预算", ("budget.initial.total",)),
            note="财预〔2013〕53号定义：预算调整数 ÷ 预算数（年初）",
        ),
        _def(
            "budget_control_rate",
            "预算控制率",
            _ADJUSTMENT,
            expr("年初预算", ("budget.initial.total",)),
            source="湖南省部门整体支出绩效评价模板",
            note="本年追加（调整）数 ÷ 年初预算",
        ),
        _def("carryover_rate", "结转结余率", expr("年末结转和结余", ("budget.carryover.closing",)), _ADJUSTED),
        _def(
            "carryover_change_rate",
            "结转结余变动率",
            expr("年末结转和结余 − 年初结转和结余", ("budget.carryover.closing", "-budget.carryover.opening")),
            expr("年初结转和结余", ("budget.carryover.opening",)),
        ),
        _def(
            "three_public_control_rate",
            "“三公”经费控制率",
            expr("“三公”经费实际支出", ("three_public.total.actual",)),
            expr("“三公”经费预算数", ("three_public.total.budget",)),
        ),
        _def(
            "three_public_change_rate",
            "“三公”经费变动率",
            expr(
                "本年“三公”经费预算 − 上年“三公”经费决算", ("three_public.total.budget", "-three_public.total.previous")
            ),
            expr("上年“三公”经费决算", ("three_public.total.previous",)),
            source="湖南省部门整体支出绩效评价模板",
            note="模板文字为“上年预算”；基础数据表只列上年决算数，故以上年决算为基数",
        ),
        _def(
            "public_funds_control_rate",
            "日常公用经费控制率",
            expr("日常公用经费实际支出", ("public_funds.daily.actual",)),
            expr("日常公用经费调整后预算", ("public_funds.daily.adjusted",), ("public_funds.daily.initial",)),
        ),
        _def(
            "procurement_execution_rate",
            "政府采购执行率",
            expr("政府采购实际金额", ("procurement.actual",)),
            expr("政府采购计划金额", ("procurement.plan",)),
        ),
        _def(
            "staff_control_rate", "财政供养人员控制率", expr("实有在编人数", ("units[].staffing.actual",)), _AUTHORIZED
        ),
        _def(
            "in_service_control_rate",
            "在职人员控制率",
            expr("在职人数", ("units[].staffing.in_service",), ("units[].staffing.actual",)),
            _AUTHORIZED,
            source="湖南省部门整体支出绩效评价模板",
        ),
        _def(
            "contract_staff_rate",
            "编外人员控制率",
            expr("编外人员 + 临聘人员", ("units[].staffing.contract", "units[].staffing.temporary")),
            _AUTHORIZED,
            note="编外人员（雇员、临聘）÷ 编制数",
        ),
        _def(
            "fixed_asset_utilization",
            "固定资产利用率",
            expr("在用固定资产", ("assets.fixed_in_use",)),
            expr("固定资产原值", ("assets.fixed_original",)),
        ),
        _def("basic_spending_share", "基本支出占比", expr("基本支出决算", ("budget.final.basic",)), _FINAL),
        _def("project_spending_share", "项目支出占比", expr("项目支出决算", ("budget.final.project",)), _FINAL),
        _def(
            "key_spending_rate",
            "重点支出安排率",
            expr("重点项目支出", ("budget.key_project_spending",)),
            expr("项目支出", ("budget.adjusted.project",), ("budget.final.project",)),
        ),
        _def(
            "satisfaction_rate",
            "服务对象满意度",
            expr("满意人数", ("services.satisfied_count",)),
            expr("有效调查人数", ("services.survey_count",)),
            note="未提供调查人数时直接采用填报的满意率",
            fallback=_def(
                "satisfaction_rate",
                "服务对象满意度",
                expr("填报的满意率", ("services.satisfaction_rate",)),
                expr("1", ("1",)),
            ),
        ),
        _def(
            "petition_handling_rate",
            "信访办理率",
            expr("已办结数", ("services.petitions_handled",)),
            expr("受理数", ("services.petitions",)),
            note="未提供受理数时直接采用填报的介入处置率",
            fallback=_def(
                "petition_handling_rate",
                "信访办理率",
                expr("填报的介入处置率", ("services.handling_rate",)),
                expr("1", ("1",)),
            ),
        ),
        _def(
            "project_execution_rate",
            "项目资金执行率",
            expr("全年执行数", ("funds.actual",)),
            expr("全年预算数", ("funds.adjusted",)),
            source="财预〔2020〕10号 项目支出绩效自评表",
            note="项目自评表“年度资金总额”行：执行数 ÷ 全年预算数",
        ),
        _def(
            "key_task_completion_rate",
            "重点工作完成率",
            expr("已完成重点工作数", ("count_true(key_tasks[].completed)",)),
            expr("重点工作总数", ("count(key_tasks[])",)),
        ),
        _def(
            "project_timeliness_rate",
            "项目完成及时率",
            expr("按计划完成的项目数", ("count_true(projects[].completed_on_time)",)),
            expr("项目总数", ("count(projects[])",)),
        ),
    )
}


def evaluate_indicator(definition: IndicatorDef, data: DepartmentData) -> DerivedValue:
    reader = Reader(data)
    try:
        value = definition.compute(reader)
    except Missing as exc:
        return DerivedValue(definition, None, tuple(reader.reads), "missing", f"未填报：{exc.label}")
    except Undefined as exc:
        return DerivedValue(definition, None, tuple(reader.reads), "undefined", exc.reason)
    return DerivedValue(definition, value, tuple(reader.reads))


# Compiled indicators: the same arithmetic as `IndicatorDef.compute` on the values alone, without recording
# the figures read. The engine scores with these and builds the trace (through `Reader`) only when asked;
# tests/test_speed_paths.py holds the two to the same values and the same Missing/Undefined outcomes.

Values = dict[str, Any]
Members = dict[str, tuple[str, ...]]


def _required(values: Values, path: str) -> Any:
    value = values.get(path)
    if value is None:
        raise Missing(path)
    return value


def _compile_term(term: str) -> Any:
    """A term as a function of (values, members), raising Missing like `Reader.term`."""
    if term.startswith(("count_true(", "count(")):
        inner = term[term.index("(") + 1 : -1]
        list_path, _, rest = inner.partition("[]")
        counting = term.startswith("count(")

        def count(values: Values, members: Members) -> Decimal:
            items = members.get(list_path, ())
            if not items:
                raise Missing(list_path, "列表为空")
            if counting:
                return Decimal(len(items))
            flags = [_required(values, f"{item}{rest}") for item in items]
            return Decimal(sum(1 for f in flags if f))

        return count
    if term[0].isdigit():
        constant = Decimal(term)
        return lambda values, members: constant
    if "[]" in term:
        list_path, _, rest = term.partition("[]")

        def total(values: Values, members: Members) -> Decimal:
            items = members.get(list_path, ())
            if not items:
                raise Missing(list_path, "列表为空")
            return sum((Decimal(_required(values, f"{item}{rest}")) for item in items), Decimal(0))

        return total

    def plain(values: Values, members: Members) -> Decimal:
        value = values.get(term)
        if value is None:
            raise Missing(term)
        return value if type(value) is Decimal else Decimal(value)

    return plain


def _compile_sum(terms: tuple[str, ...]) -> Any:
    """One alternative: a single term as it is, several as their signed sum."""
    signed = [(-1, _compile_term(t[1:])) if t.startswith("-") else (1, _compile_term(t)) for t in terms]
    if len(signed) == 1 and signed[0][0] == 1:
        return signed[0][1]

    def total(values: Values, members: Members) -> Decimal:
        result = Decimal(0)
        for sign, term in signed:
            result += sign * term(values, members)
        return result

    return total


def _compile_expr(expression: Expr) -> Any:
    alternatives = [_compile_sum(terms) for terms in expression.alternatives]
    if len(alternatives) == 1:
        return alternatives[0]

    def evaluate(values: Values, members: Members) -> Decimal:
        last: Missing | None = None
        for alternative in alternatives:
            try:
                return alternative(values, members)
            except Missing as exc:
                last = exc
        assert last is not None
        raise last

    return evaluate


def _compile_indicator(definition: IndicatorDef) -> Any:
    numerator, denominator = _compile_expr(definition.numerator), _compile_expr(definition.denominator)
    fallback = _compile_indicator(definition.fallback) if definition.fallback is not None else None

    def rate(values: Values, members: Members) -> Decimal:
        try:
            num = numerator(values, members)
            den = denominator(values, members)
        except Missing:
            if fallback is None:
                raise
            return fallback(values, members)
        if den == 0:
            raise Undefined(f"{definition.denominator.text}为0，{definition.label}无法计算")
        return _divide(num, den)

    return rate


# `numbers.divide` (28 significant digits) without entering a local context on every call.
_divide = Context(prec=28).divide


_COMPILED: dict[str, Any] = {}


def compiled_indicator(name: str) -> Any:
    """`INDICATORS[name]` as a function (values, members) -> rate, raising Missing / Undefined as it does."""
    found = _COMPILED.get(name)
    if found is None:
        found = _COMPILED[name] = _compile_indicator(INDICATORS[name])
    return found
