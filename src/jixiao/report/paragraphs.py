"""Paragraphs generated from the data, in the seeds' phrasing; every figure computed or read, none typed.

Each builder takes the report context and returns paragraphs; an outline names them (`generated: name`).
A sentence whose figures are missing still appears, saying 未填报, so a gap is visible, not silent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from jixiao.model.numbers import fmt_amount, fmt_score
from jixiao.scoring.explain import ENUMERATION

from .document import Paragraph
from .figures import MISSING, Figures

__all__ = ["BUILDERS", "ReportContext"]


class ReportContext:
    """What the builders read: figures, the evaluation, the rulebook, the year."""

    def __init__(self, figures: Figures, evaluation, rulebook):
        self.f = figures
        self.evaluation = evaluation
        self.rulebook = rulebook
        self.year = figures.data.year or ""


def _p(*sentences: str) -> Paragraph:
    return Paragraph.of("".join(s for s in sentences if s))


def project_summary(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    units = f.data.items("units")
    count, funds = f.sum_items("units", "project_count"), f.sum_items("units", "project_funds")
    if count is None and not f.data.items("projects"):
        return []
    if count is None:
        count = Decimal(len(f.data.items("projects")))
    text = f"本部门{ctx.year}年度共开展了二级项目{count}个"
    text += f"，共涉及资金{fmt_amount(funds)}万元。" if funds is not None else "。"
    parts = [
        f"{f.text(f'{u}.name')}开展了二级项目{f.value(f'{u}.project_count')}个，涉及资金{f.amount(f'{u}.project_funds')}"
        for u in units
        if f.value(f"{u}.project_count") is not None
    ]
    if len(parts) > 1:
        text += "其中" + "，".join(parts) + "。"
    return [_p(text)]


def budget_initial(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    return [
        _p(
            f"{ctx.year}年，年初部门预算数{f.amount('budget.initial.total')}，其中基本支出{f.amount('budget.initial.basic')}，"
            f"项目支出{f.amount('budget.initial.project')}。"
        )
    ]


def _adjustment_sentence(ctx: ReportContext) -> str:
    f = ctx.f
    amount = f.value("budget.adjustment.amount")
    if amount is None and f.has("budget.adjusted.total", "budget.initial.total"):
        amount = f.value("budget.adjusted.total") - f.value("budget.initial.total")
    indicator = ctx.rulebook.report.get("adjustment_rate_indicator", "budget_adjustment_rate_initial")
    rate = f.rate(indicator)
    if amount is None:
        verb_amount = f"预算调整数{MISSING}"
    elif amount == 0:
        verb_amount = "未调整预算"
    else:
        verb_amount = f"{'调增' if amount > 0 else '调减'}预算{fmt_amount(abs(Decimal(amount)))}万元，调整率为{rate}"
    return (
        f"{ctx.year}年，{verb_amount}，调整后预算为{f.amount('budget.adjusted.total')}，"
        f"其中基本支出{f.amount('budget.adjusted.basic')}，项目支出{f.amount('budget.adjusted.project')}。"
    )


def budget_execution(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    sentences = [_adjustment_sentence(ctx)]
    reason = f.value("budget.adjustment.reason")
    if reason:
        sentences.append(f"年中预算调整主要原因为：{reason.rstrip('。')}。")
    sentences.append(
        f"部门决算数{f.amount('budget.final.total')}，年部门预算执行率为{f.rate('budget_execution_rate')}。"
    )
    if f.has("budget.final.basic") or f.has("budget.final.project"):
        sentences.append(
            f"其中基本支出{f.amount('budget.final.basic')}，占{f.rate('basic_spending_share')}；"
            f"项目支出{f.amount('budget.final.project')}，占{f.rate('project_spending_share')}。"
        )
    sentences.append(
        f"{ctx.year}年，年初结转和结余为{f.amount('budget.carryover.opening')}，"
        f"年末结转和结余为{f.amount('budget.carryover.closing')}。"
    )
    return [_p(*sentences), *procurement(ctx)]


def procurement(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    parts = any(f.has(f"procurement.{k}") for k in ("goods", "works", "services"))
    detail = (
        (
            f"其中：货物{f.amount('procurement.goods')}，工程{f.amount('procurement.works')}，"
            f"服务{f.amount('procurement.services')}。"
        )
        if parts
        else ""
    )
    if not f.has("procurement.plan") and f.has("procurement.actual"):
        # Seed 004 states only what was spent: 2023年度政府采购支出11.59万元，其中：货物2.41万元…
        return [
            _p(
                f"{ctx.year}年度政府采购支出{f.amount('procurement.actual')}，{detail}"
                f"政府采购计划金额{MISSING}，政府采购执行率无法计算。"
            )
        ]
    text = (
        f"政府采购计划金额为{f.amount('procurement.plan')}，实际支出金额为{f.amount('procurement.actual')}，"
        f"政府采购执行率为{f.rate('procurement_execution_rate')}。"
    )
    return [_p(text + detail)]


def assets(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    text = ""
    if f.has("assets.total") or f.has("assets.liabilities"):
        text += f"{ctx.year}年年末资产总额{f.amount('assets.total')}，负债总额{f.amount('assets.liabilities')}。"
    text += (
        f"截止{ctx.year}年12月31日，本部门固定资产原值为{f.amount('assets.fixed_original')}，"
        f"在用为{f.amount('assets.fixed_in_use')}，闲置为{f.amount('assets.fixed_idle')}。"
        f"固定资产利用率为{f.rate('fixed_asset_utilization')}。"
    )
    return [_p(text)]


def staffing(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    out = []
    for unit in f.data.items("units"):
        s = f"{unit}.staffing"
        if f.value(f"{s}.authorized") is None and f.value(f"{s}.actual") is None:
            continue
        rate = ""
        if f.value(f"{s}.authorized") and f.value(f"{s}.actual") is not None:
            rate = f"，控制率为{f.percent(Decimal(f.value(f'{s}.actual')) / Decimal(f.value(f'{s}.authorized')))}"
        text = (
            f"截止{ctx.year}年12月31日，{f.text(f'{unit}.name')}核定编制数{f.count(f'{s}.authorized')}，"
            f"实有在编人数{f.count(f'{s}.actual')}{rate}"
        )
        extras = [
            (label, f"{s}.{key}")
            for key, label in (("retired", "退休"), ("contract", "雇员（含老工勤）"), ("temporary", "临聘（劳务派遣）"))
        ]
        text += "".join(f"，{label}{f.count(path)}" for label, path in extras if f.value(path) is not None) + "。"
        out.append(_p(text))
    if len(out) > 1:
        out.append(
            _p(
                f"部门合计编制数{fmt_amount_int(f.sum_items('units', 'staffing.authorized'))}，"
                f"实有在编人数{fmt_amount_int(f.sum_items('units', 'staffing.actual'))}，"
                f"财政供养人员控制率为{f.rate('staff_control_rate')}。"
            )
        )
    return out or [_p(f"人员编制情况{MISSING}。")]


def fmt_amount_int(value: Decimal | None) -> str:
    return MISSING if value is None else f"{value}人"


def economy(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    return [
        _p(
            f"{ctx.year}年，“三公”经费年初预算安排为{f.amount('three_public.total.budget')}，"
            f"实际支出数为{f.amount('three_public.total.actual')}，“三公”经费控制率为"
            f"{f.rate('three_public_control_rate')}。日常公用经费年初预算数为{f.amount('public_funds.daily.initial')}，"
            f"调整后预算数为{f.amount('public_funds.daily.adjusted')}，实际支出数为"
            f"{f.amount('public_funds.daily.actual')}，日常公用经费控制率为{f.rate('public_funds_control_rate')}。"
        )
    ]


_QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}


def quarterly_rates(f: Figures) -> dict[int, Decimal]:
    rates = {}
    for item in f.data.items("quarterly"):
        q = f.value(f"{item}.quarter")
        rate = f.value(f"{item}.time_rate")
        if rate is None and f.value(f"{item}.spending_progress") is not None and f.value(f"{item}.schedule_progress"):
            rate = f.value(f"{item}.spending_progress") / f.value(f"{item}.schedule_progress")
        if q in _QUARTERS and rate is not None:
            rates[q] = rate
    return dict(sorted(rates.items()))


def efficiency(ctx: ReportContext) -> list[Paragraph]:
    rates = quarterly_rates(ctx.f)
    if not rates:
        return [_p(f"季度序时支出进度{MISSING}。")]
    parts = "，".join(f"{_QUARTERS[q]}季度序时执行率为{ctx.f.percent(r)}" for q, r in rates.items())
    low = [q for q, r in rates.items() if r < 1]
    tail = f"第{'、'.join(_QUARTERS[q] for q in low)}季度预算执行率有待加强。" if low else "各季度均达到序时进度。"
    return [_p(f"季度序时支出进度方面，{parts}，{tail}")]


def score_intro(ctx: ReportContext) -> list[Paragraph]:
    e = ctx.evaluation
    total = fmt_score(e.total) if e.total is not None else "（因部分数据未填报，暂无法计算）"
    grade = f"，评价等级为“{e.grade}”" if e.grade else ""
    return [
        _p(
            f"本部门组织相关人员对{ctx.year}年度部门整体支出开展绩效自评和自评评分。本次绩效自评指标体系总分为"
            f"{fmt_score(e.total_weight)}分，自评得分为{total}分{grade}。具体得分情况如下："
        )
    ]


def generated_problems(ctx: ReportContext) -> list[Paragraph]:
    leaves = [leaf for leaf in ctx.evaluation.leaves() if leaf.deductions]
    unscored = [leaf.name for leaf in ctx.evaluation.leaves() if leaf.score is None and leaf.status != "不适用"]
    out = []
    if unscored:
        out.append(
            _p(
                f"绩效自评基础资料不完整：{'、'.join(unscored)}等{len(unscored)}项指标的数据（分值、年度指标值或"
                "实际完成值）未填报，无法评分，自评结果不完整。"
            )
        )
    if not leaves:
        return out or [_p("本年度自评各项指标均未扣分，未发现明显问题。")]
    return out + [
        _p(
            f"{ENUMERATION[i] if i < len(ENUMERATION) else ''}{leaf.name}方面："
            + "；".join(d.reason for d in leaf.deductions)
            + "。"
        )
        for i, leaf in enumerate(leaves)
    ]


def generated_measures(ctx: ReportContext) -> list[Paragraph]:
    advice = [d.avoid for leaf in ctx.evaluation.leaves() for d in leaf.deductions if d.avoid]
    if not advice:
        return [_p("继续保持现有管理水平，巩固绩效管理成果。")]
    return [
        _p(f"{ENUMERATION[i] if i < len(ENUMERATION) else ''}{_AVOID_POINTS.sub('', text)}。")
        for i, text in enumerate(advice)
    ]


_AVOID_POINTS = re.compile(r"，可少扣[\d.]+分")


def staffing_summary(ctx: ReportContext) -> list[Paragraph]:
    """Seed 004: 截止2023年12月31日，衡山县妇女联合会编制人数6人，其中行政编制4人，事业编制2人；在职人员6人…"""
    f = ctx.f

    def total(key: str) -> str:
        value = f.sum_items("units", f"staffing.{key}")
        return MISSING if value is None else f"{value}人"

    text = f"截止{ctx.year}年12月31日，{f.data.name}编制人数{total('authorized')}"
    split = [
        (label, total(key)) for key, label in (("authorized_admin", "行政编制"), ("authorized_institution", "事业编制"))
    ]
    if any(value != MISSING for _, value in split):
        text += "，其中" + "，".join(f"{label}{value}" for label, value in split)
    in_service = total("in_service")
    text += f"；在职人员{in_service if in_service != MISSING else total('actual')}"
    if f.sum_items("units", "staffing.fiscal_supported") is not None:
        text += f"，其中一般公共预算财政补助开支人数{total('fiscal_supported')}"
    return [_p(text + "。")]


def budget_initial_income(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    general = (
        f"，其中一般公共财政拨款{f.amount('budget.income.initial_general')}"
        if f.has("budget.income.initial_general")
        else ""
    )
    return [
        _p(
            f"{ctx.year}年年初预算安排收入{f.amount('budget.income.initial_total')}{general}；{ctx.year}年年初预算安排支出"
            f"{f.amount('budget.initial.total')}，其中：基本支出{f.amount('budget.initial.basic')}，"
            f"项目支出{f.amount('budget.initial.project')}。"
        )
    ]


def budget_final_income(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    text = f"{ctx.year}年决算总收入{f.amount('budget.income.final_total')}"
    income, initial = f.value("budget.income.final_total"), f.value("budget.income.initial_total")
    if income is not None and initial is not None and income != initial:
        text += f"，较预算{'增加' if income > initial else '减少'}{fmt_amount(abs(income - initial))}万元"
    text += (
        f"，总支出{f.amount('budget.final.total')}，其中：基本支出{f.amount('budget.final.basic')}，"
        f"占总支出的{f.rate('basic_spending_share')}；项目支出{f.amount('budget.final.project')}，"
        f"占总支出的{f.rate('project_spending_share')}"
    )
    reason = f.value("budget.adjustment.reason")
    text += f"，差异产生的主要原因是{reason.rstrip('。')}。" if reason else "。"
    return [_p(text)]


def three_public_detail(ctx: ReportContext) -> list[Paragraph]:
    f = ctx.f
    parts = (("abroad", "因公出国（境）费"), ("vehicle", "公务用车购置及运行维护费"), ("reception", "公务接待费"))

    def sentence(column: str, word: str) -> str:
        detail = "，".join(f"{label}{f.amount(f'three_public.{key}.{column}')}" for key, label in parts)
        return f"“三公”经费{word}{f.amount(f'three_public.total.{column}')}，其中：{detail}。"

    text = f"{ctx.year}年" + sentence("budget", "预算数") + sentence("actual", "决算数")
    if f.has("three_public.total.budget", "three_public.total.actual") and f.value("three_public.total.budget"):
        text += f"“三公”经费控制率为{f.rate('three_public_control_rate')}。"
    return [_p(text)]


BUILDERS: dict[str, Callable[[ReportContext], list[Paragraph]]] = {
    "project_summary": project_summary,
    "budget_initial": budget_initial,
    "budget_execution": budget_execution,
    "procurement": procurement,
    "assets": assets,
    "staffing": staffing,
    "economy": economy,
    "efficiency": efficiency,
    "score_intro": score_intro,
    "staffing_summary": staffing_summary,
    "budget_initial_income": budget_initial_income,
    "budget_final_income": budget_final_income,
    "three_public_detail": three_public_detail,
    "problems": generated_problems,
    "measures": generated_measures,
}
