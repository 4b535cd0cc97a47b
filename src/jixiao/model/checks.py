"""Consistency checks on a department's figures, each finding with the figures involved.

Parts against totals allow a cent per added term, because each part was rounded on its own (seed 000:
996.82 + 1,380.73 = 2,377.55 against 2,377.56), and say so when they used it. Rates the department
stated are checked against the rates computed from its amounts, under each known definition, and the
finding names the definition the department used (seed 000's 预算调整率 4.92% = 123.1 ÷ 2,500.65, while
the 财预〔2013〕53号 definition gives 123.1 ÷ 2,377.56 = 5.18%).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .dataset import DepartmentData
from .indicators import INDICATORS, Missing, Reader, Undefined, label_of
from .numbers import fmt_amount, given_places
from .problems import Problem, Severity

__all__ = ["check_consistency"]

CENT = Decimal("0.01")

# (total, parts, exhaustive): exhaustive parts must add up to the total; "其中" parts may not exceed it.
_SUMS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("budget.initial.total", ("budget.initial.basic", "budget.initial.project"), True),
    ("budget.adjusted.total", ("budget.adjusted.basic", "budget.adjusted.project"), True),
    ("budget.final.total", ("budget.final.basic", "budget.final.project"), True),
    ("budget.income.final_total", ("budget.income.final_fiscal", "budget.income.final_other"), True),
    ("procurement.actual", ("procurement.goods", "procurement.works", "procurement.services"), True),
    ("assets.fixed_original", ("assets.fixed_in_use", "assets.fixed_idle"), True),
    *(
        (
            f"three_public.total.{col}",
            (f"three_public.vehicle.{col}", f"three_public.abroad.{col}", f"three_public.reception.{col}"),
            True,
        )
        for col in ("previous", "budget", "actual")
    ),
    *(
        (
            f"three_public.vehicle.{col}",
            (f"three_public.vehicle_purchase.{col}", f"three_public.vehicle_operation.{col}"),
            True,
        )
        for col in ("previous", "budget", "actual")
    ),
    *(
        (
            f"public_funds.total.{col}",
            (
                f"public_funds.office.{col}",
                f"public_funds.utilities_travel.{col}",
                f"public_funds.meetings_training.{col}",
            ),
            False,
        )
        for col in ("previous", "budget", "actual")
    ),
)

# stated field -> derived indicators that define it, the first being the definition jixiao uses.
_STATED = {
    "execution_rate": ("budget_execution_rate",),
    "adjustment_rate": ("budget_adjustment_rate_initial", "budget_adjustment_rate"),
    "procurement_rate": ("procurement_execution_rate",),
    "staff_control_rate": ("staff_control_rate",),
    "three_public_control_rate": ("three_public_control_rate",),
    "public_funds_control_rate": ("public_funds_control_rate",),
    "fixed_asset_utilization": ("fixed_asset_utilization",),
    "basic_share": ("basic_spending_share",),
    "project_share": ("project_spending_share",),
}


def _amount(value: Decimal) -> str:
    return f"{fmt_amount(value)}万元"


def _pct(value: Decimal, places: int = 2) -> str:
    return f"{(value * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):.{places}f}%"


class _Checker:
    def __init__(self, data: DepartmentData):
        self.data = data
        self.found: list[Problem] = []

    def add(self, code: str, severity: Severity, message: str, path: str, expected: str = "", actual: str = "") -> None:
        self.found.append(Problem(code, message, self.data.location(path), severity, expected, actual))

    def sums(self) -> None:
        for total_path, part_paths, exhaustive in _SUMS:
            total = self.data.get(total_path)
            parts = [self.data.get(p) for p in part_paths]
            given = [(p, v) for p, v in zip(part_paths, parts, strict=True) if v is not None]
            if total is None or not given or (exhaustive and len(given) != len(parts)):
                continue
            added = sum((v for _, v in given), Decimal(0))
            terms = " + ".join(fmt_amount(v) for _, v in given)
            label = label_of(total_path)
            if not exhaustive:
                if added > total + CENT * len(given):
                    self.add(
                        "check.parts_exceed_total",
                        Severity.WARNING,
                        f"{label}{_amount(total)}，其中各项合计{terms} = {_amount(added)}，超过总数。",
                        total_path,
                        _amount(total),
                        _amount(added),
                    )
                continue
            printed = (total, *(v for _, v in given))
            self._compare_sum(total_path, label, total, added, terms, len(given), printed)

    def _compare_sum(
        self,
        path: str,
        label: str,
        total: Decimal,
        added: Decimal,
        terms: str,
        n: int,
        printed: tuple[Decimal, ...] = (),
    ) -> None:
        diff = abs(total - added)
        # figures printed to whole 万元 (a report reviewed) round by half a unit each, not by a cent; a 0 is exact
        halves = (Decimal(5).scaleb(-given_places(v) - 1) for v in printed if v)
        tolerance = max(CENT * n, sum(halves, Decimal(0)))
        if diff == 0:
            return
        if diff <= tolerance:
            each = "每项0.01万元" if tolerance == CENT * n else "各数末位的半个单位"
            self.add(
                "check.sum_rounding",
                Severity.INFO,
                f"{label}{_amount(total)}，分项{terms} = {_amount(added)}，相差{_amount(diff)}，"
                f"在舍入容差（{each}，共{_amount(tolerance)}）以内，视为一致。",
                path,
                _amount(added),
                _amount(total),
            )
        else:
            self.add(
                "check.sum_mismatch",
                Severity.ERROR,
                f"{label}{_amount(total)}与分项合计{terms} = {_amount(added)}不一致，相差{_amount(diff)}"
                f"（超出舍入容差{_amount(tolerance)}）。请核对总数或分项。",
                path,
                _amount(added),
                _amount(total),
            )

    def adjustment(self) -> None:
        d = self.data
        initial, amount, adjusted = (
            d.get(p) for p in ("budget.initial.total", "budget.adjustment.amount", "budget.adjusted.total")
        )
        if initial is not None and amount is not None and adjusted is not None:
            self._compare_sum(
                "budget.adjusted.total",
                "调整后预算",
                adjusted,
                initial + amount,
                f"年初预算{fmt_amount(initial)} + 调整数{fmt_amount(amount)}",
                2,
            )
        final = d.get("budget.final.total")
        after = adjusted if adjusted is not None else final
        if initial and after is not None:
            change = (after - initial) / initial
            if abs(change) > Decimal("0.2"):
                what = "调整后预算" if adjusted is not None else "决算支出"
                reason = d.get("budget.adjustment.reason")
                severity = Severity.INFO if reason else Severity.WARNING
                said = f"部门说明的原因：{reason}" if reason else "请在报告中说明调整原因"
                self.add(
                    "check.large_adjustment",
                    severity,
                    f"年初预算{_amount(initial)}，{what}{_amount(after)}，变动{_amount(after - initial)}"
                    f"（{'+' if change > 0 else ''}{_pct(change)}），年中预算调整幅度较大。{said}。",
                    "budget.adjusted.total" if adjusted is not None else "budget.final.total",
                    _amount(initial),
                    _amount(after),
                )

    def balances(self) -> None:
        """净资产 = 资产总额 − 负债总额; the revenue budget balances the expenditure budget (收支平衡)."""
        d = self.data
        total, liabilities, net = d.get("assets.total"), d.get("assets.liabilities"), d.get("assets.net")
        if total is not None and liabilities is not None and net is not None:
            self._compare_sum(
                "assets.net",
                "净资产",
                net,
                total - liabilities,
                f"资产总额{fmt_amount(total)} − 负债总额{fmt_amount(liabilities)}",
                2,
            )
        income, spending = d.get("budget.income.initial_total"), d.get("budget.initial.total")
        if income is not None and spending is not None and income != spending:
            self.add(
                "check.budget_balance",
                Severity.WARNING,
                f"年初预算收入{_amount(income)}与年初预算支出{_amount(spending)}不平衡，"
                f"相差{_amount(abs(income - spending))}。",
                "budget.income.initial_total",
                _amount(spending),
                _amount(income),
            )
        general = d.get("budget.income.initial_general")
        if income is not None and general is not None and general > income:
            self.add(
                "check.parts_exceed_total",
                Severity.ERROR,
                f"一般公共预算财政拨款{_amount(general)}超过年初预算收入{_amount(income)}。",
                "budget.income.initial_general",
                f"≤ {_amount(income)}",
                _amount(general),
            )

    def revenue(self) -> None:
        income, spending = self.data.get("budget.income.final_total"), self.data.get("budget.final.total")
        if income is None or spending is None or income == spending:
            return
        diff = income - spending
        self.add(
            "check.revenue_expenditure",
            Severity.WARNING,
            f"决算收入{_amount(income)}与决算支出{_amount(spending)}相差{_amount(abs(diff))}，"
            f"请说明差额{'去向（如结转结余）' if diff > 0 else '来源（如动用上年结转）'}。",
            "budget.income.final_total",
            _amount(spending),
            _amount(income),
        )

    def execution(self) -> None:
        final, adjusted = self.data.get("budget.final.total"), self.data.get("budget.adjusted.total")
        if final is not None and adjusted and final > adjusted:
            self.add(
                "check.over_execution",
                Severity.WARNING,
                f"决算支出{_amount(final)}超过调整后预算{_amount(adjusted)}，预算执行率为{_pct(final / adjusted)}，"
                "超过100%，请核实是否存在超预算支出。",
                "budget.final.total",
                "≤ 100%",
                _pct(final / adjusted),
            )

    def staffing(self) -> None:
        for unit in self.data.items("units"):
            authorized = self.data.get(f"{unit}.staffing.authorized")
            name = self.data.get(f"{unit}.name") or unit
            for key, label in (("actual", "实有在编人数"), ("in_service", "在职人数")):
                people = self.data.get(f"{unit}.staffing.{key}")
                if authorized is not None and people is not None and people > authorized:
                    self.add(
                        "check.over_staffing",
                        Severity.WARNING,
                        f"{name}{label}{people}人，超过编制数{authorized}人。",
                        f"{unit}.staffing.{key}",
                        f"≤ {authorized}",
                        str(people),
                    )
            admin, inst = (self.data.get(f"{unit}.staffing.authorized_{k}") for k in ("admin", "institution"))
            if authorized is not None and admin is not None and inst is not None and admin + inst != authorized:
                self.add(
                    "check.sum_mismatch",
                    Severity.ERROR,
                    f"{name}编制数{authorized}人，与行政编制{admin}人 + 事业编制{inst}人 = {admin + inst}人不一致。",
                    f"{unit}.staffing.authorized",
                    str(admin + inst),
                    str(authorized),
                )

    def stated_rates(self) -> None:
        for field, indicators in _STATED.items():
            path = f"stated.{field}"
            stated = self.data.get(path)
            if stated is None:
                continue
            places = max(0, -stated.as_tuple().exponent)
            matches, computed = [], []
            for name in indicators:
                try:
                    value = INDICATORS[name].compute(Reader(self.data))
                except (Missing, Undefined):
                    continue
                step = Decimal(1).scaleb(-places)
                rounded = {value.quantize(step, ROUND_HALF_UP), value.quantize(step, ROUND_DOWN)}
                computed.append((name, value))
                if stated in rounded:
                    matches.append(name)
            label = label_of(path)
            if not computed:
                continue
            primary, value = computed[0]
            definition = INDICATORS[primary]
            if not matches:
                self.add(
                    "check.stated_rate",
                    Severity.WARNING,
                    f"报告所列{label}为{_pct(stated, max(0, places - 2))}，按填报数据计算应为{_pct(value)}"
                    f"（{definition.formula}）。请核对。",
                    path,
                    _pct(value),
                    _pct(stated, max(0, places - 2)),
                )
            elif matches[0] != indicators[0]:
                used = INDICATORS[matches[0]]
                self.add(
                    "check.stated_rate_definition",
                    Severity.INFO,
                    f"报告所列{label}{_pct(stated, max(0, places - 2))}采用“{used.formula}”口径；"
                    f"按{definition.source}定义（{definition.formula}）应为{_pct(value)}。",
                    path,
                    _pct(value),
                    _pct(stated, max(0, places - 2)),
                )


def check_consistency(data: DepartmentData) -> list[Problem]:
    checker = _Checker(data)
    for check in (
        checker.sums,
        checker.balances,
        checker.adjustment,
        checker.revenue,
        checker.execution,
        checker.staffing,
        checker.stated_rates,
    ):
        check()
    return checker.found
