"""Cycle rulesets of regions (cycle/rulesets/): their lines, warning days and sources, worked by hand from the texts
cited in each file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.cycle.monitoring import assess_monitoring, load_monitoring
from jixiao.cycle.ruleset import available_rulesets, load_ruleset

D = dt.date


@pytest.mark.parametrize("ruleset_id", sorted(available_rulesets()))
def test_every_section_names_a_source_it_lists(ruleset_id):
    rules = load_ruleset(ruleset_id)
    for source, confidence in (
        (rules.monitoring.source, rules.monitoring.confidence),
        (rules.targets.source, rules.targets.confidence),
        (rules.results_source, rules.results_confidence),
    ):
        assert source in rules.sources, (ruleset_id, source)
        assert rules.sources[source].get("document"), (ruleset_id, source)
        assert confidence in ("official", "partial", "inferred")


def _points(tmp_path, ruleset: str, year: int, text: str):
    (tmp_path / "monitoring.yaml").write_text(
        f"ruleset: {ruleset}\nyear: {year}\nbudget: 1000\npoints:\n{text}", encoding="utf-8"
    )
    return load_monitoring(tmp_path)


def test_sichuan_warns_on_the_next_months_first_day(tmp_path):
    # 四川省财政厅's reading of the 2025 办法: 预警提示 on the first day of the month after the monitoring month, the
    # answer within 10 working days from it. June 2025: 380 / 1000 = 38% < 40% → warned Tue 2025-07-01;
    # Jul 2–4 (3), 7–11 (8), 14–15 (10) → 2025-07-15.
    mon = _points(tmp_path, "sichuan/2025", 2025, "  - {month: 6, executed: 380}\n")
    [warning] = assess_monitoring(mon, D(2025, 7, 15)).warnings
    assert (mon.points[0].issued, warning.deadline, warning.status) == (D(2025, 7, 1), D(2025, 7, 15), "待答复")
    # the national rule (inferred) counts from the month's end, Mon 2025-06-30: Jul 1–4 (4), 7–11 (9), 14 (10)
    national = _points(tmp_path, "national", 2025, "  - {month: 6, executed: 380}\n")
    assert national.points[0].issued == D(2025, 6, 30)
    assert assess_monitoring(national, D(2025, 7, 15)).warnings[0].deadline == D(2025, 7, 14)


def test_sichuan_april_warning_across_labour_day(tmp_path):
    # 1-4月 200 / 1000 = 20% < 25%; warned Thu 2025-05-01, a holiday; 5月1日至5日 off (国办发明电〔2024〕12号):
    # May 6–9 (4), 12–16 (9), 19 (10) → 2025-05-19, answered 05-20 → 逾期答复
    text = "  - {month: 4, executed: 200, answer: {decision: 调剂, date: 2025-05-20}}\n"
    [warning] = assess_monitoring(_points(tmp_path, "sichuan/2025", 2025, text), D(2025, 6, 1)).warnings
    assert (warning.deadline, warning.status) == (D(2025, 5, 19), "逾期答复")


def test_taiyuan_line_is_august_sixty_percent_for_large_projects(tmp_path):
    # 太原 2020 (财政部网站 2020-11-12): projects over 200万元 below 60% by the end of August are monitored.
    rules = load_ruleset("shanxi-taiyuan/2020")
    assert rules.monitoring.threshold(6) == (None, "6月前无预警节点")
    line, why = rules.monitoring.threshold(8)
    assert line == Decimal("0.60") and why == "1-8月执行率不低于60%（适用于预算资金200万元以上的市本级项目）"
    # 550 / 1000 = 55% < 60% → a warning; 650 / 1000 = 65% at September is above the August line
    points = "  - {month: 8, executed: 550}\n  - {month: 9, executed: 650}\n"
    mon = _points(tmp_path, "shanxi-taiyuan/2020", 2020, points)
    result = assess_monitoring(mon, D(2020, 9, 30))
    assert [(w.month, w.kind) for w in result.warnings] == [(8, "执行进度")]
    # the results section is the national one, inherited whole
    assert rules.actions == load_ruleset("national").actions
    assert rules.sources["monitoring_ty"]["address"].startswith("http://www.mof.gov.cn/")


def test_each_warning_says_which_of_its_figures_is_inferred(tmp_path):
    points = "  - {month: 8, executed: 550, targets: [{name: 培训人次, progress: 80%}]}\n"
    # 太原 2020: the 8月 60% line is cited (财政部网站); the gap 10% and the 10 working days are not in the source.
    # 550 / 1000 = 55% < 60%; progress 80% − 55% = 25% > 10%: both warnings.
    line, gap = assess_monitoring(_points(tmp_path, "shanxi-taiyuan/2020", 2020, points), D(2020, 9, 1)).warnings
    assert "推定" not in line.message and "（差异上限为推定值）" in gap.message
    assert line.deadline_basis.endswith("；10个工作日的答复时限为推定值")
    # 四川 2025: the 8月 60% line, the gap of 10% and the 10 working days are all in 川财绩〔2025〕10号 (partial)
    line, gap = assess_monitoring(_points(tmp_path, "sichuan/2025", 2025, points), D(2025, 9, 1)).warnings
    assert "推定" not in line.message + gap.message + line.deadline_basis
    # national: the whole section is inferred (序时进度 8/12 − 10% = 56.67% > 55%)
    [line, gap] = assess_monitoring(_points(tmp_path, "national", 2023, points), D(2023, 9, 1)).warnings
    assert line.message.endswith("，预警线为推定值）") and "（差异上限为推定值）" in gap.message


def test_sichuan_says_an_unanswered_warning_is_suspended(tmp_path, capsys):
    from jixiao.cli import main

    # June 2025 380 / 1000 = 38% < 40%, warned 2025-07-01, due 2025-07-15 (above); unanswered on 2025-07-16:
    # 川财绩〔2025〕10号 (as 四川省财政厅 reads it): 超时未作处置的自动确定为暂停预算执行.
    mon = _points(tmp_path, "sichuan/2025", 2025, "  - {month: 6, executed: 380}\n")
    [problem] = assess_monitoring(mon, D(2025, 7, 16)).problems()
    # and 超时 calls for 整改措施 within 15 working days, counted from the deadline (inferred): Jul 16–18 (3),
    # 21–25 (8), 28–Aug 1 (13), Aug 4, 5 (15) → 2025-08-05
    # On 2025-07-16 it is one working day past the deadline 07-15.
    expected = (
        "，逾期未答复（超时自动暂停；已逾期1个工作日）；整改措施应于2025-08-05前提出（15个工作日，起算日为推定）。"
    )
    assert problem.message.endswith(expected)
    # the national rule gives no consequence: the state and its days alone (300 / 1000 = 30% < 40%, issued Mon
    # 2025-06-30, due 2025-07-14; 07-15 and 07-16 past)
    national = _points(tmp_path, "national", 2025, "  - {month: 6, executed: 300}\n")
    message = assess_monitoring(national, D(2025, 7, 16)).problems()[0].message
    assert message.endswith("，逾期未答复（已逾期2个工作日）。")
    # a bureau of one department counts it as late
    (tmp_path / "bureau" / "sc").mkdir(parents=True)
    (tmp_path / "bureau" / "sc" / "monitoring.yaml").write_text(
        "ruleset: sichuan/2025\nyear: 2025\nbudget: 1000\npoints:\n  - {month: 6, executed: 380}\n", encoding="utf-8"
    )
    assert main(["monitor", str(tmp_path / "bureau"), "--today", "2025-07-16"]) == 0
    assert "预警1项，其中逾期1项。" in capsys.readouterr().out


def test_sichuan_measures_are_due_after_adjusting_or_cancelling(tmp_path):
    # 川财绩〔2025〕10号 as 四川省财政厅 reads it: 选择调剂、取消或超时的项目，督促部门在15个工作日内提出整改措施.
    # 调剂 answered 2025-07-10 (in time: due 07-15): Jul 11 (1), 14–18 (6), 21–25 (11), 28–31 (15) → 2025-07-31
    text = "  - {month: 6, executed: 380, answer: {decision: 调剂, date: 2025-07-10}}\n"
    [warning] = assess_monitoring(_points(tmp_path, "sichuan/2025", 2025, text), D(2025, 7, 20)).warnings
    assert (warning.status, warning.measures_due) == ("已答复", D(2025, 7, 31))
    # 继续执行 calls for no 整改措施
    text = "  - {month: 6, executed: 380, answer: {decision: 继续执行, date: 2025-07-10}}\n"
    [warning] = assess_monitoring(_points(tmp_path, "sichuan/2025", 2025, text), D(2025, 7, 20)).warnings
    assert warning.measures_due is None
