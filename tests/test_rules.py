"""Every rule kind, with its edges: exactly at a threshold, zero denominators, missing data (未填报)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.files.yamlsrc import dotted
from jixiao.model.dataset import parse_department
from jixiao.model.numbers import fmt_score
from jixiao.model.problems import JixiaoError, Location
from jixiao.scoring.engine import evaluate
from jixiao.scoring.rulebook import load_rulebook
from jixiao.scoring.rules.target import TargetOptions, score_target
from jixiao.scoring.trace import Status


def _text(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _text(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_text(v) for v in tree]
    return None if tree is None else str(tree)


def rulebook_with(
    tmp_path: Path,
    rule: dict[str, Any],
    weight: Any = 10,
    facts: dict | None = None,
    extra_leaves: list | None = None,
    **head: Any,
):
    leaves = [{"id": "x", "name": "被测指标", "weight": weight, "rule": rule}, *(extra_leaves or [])]
    total = sum(Decimal(str(leaf["weight"])) for leaf in leaves)
    tree = {
        "id": "test/x/2023",
        "title": "测试",
        "year": 2023,
        "total": str(total),
        "facts": facts or {},
        "indicators": [{"name": "一级", "weight": str(total), "children": leaves}],
        **head,
    }
    path = tmp_path / "rb.yaml"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return load_rulebook(str(path))


def score(rulebook, data: dict[str, Any], key: str = "x"):
    parsed, problems = parse_department(
        _text({"department": {"name": "测试部门", "year": 2023}, **data}), lambda p: Location("t", field=dotted(p))
    )
    assert not [p for p in problems if p.severity.value == "错误"], problems
    evaluation = evaluate(rulebook, parsed)
    return evaluation.find(key), evaluation


# ---- ratio ---------------------------------------------------------------------------------------


def test_ratio_exactly_at_full_marks(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "ratio", "indicator": "procurement_execution_rate"}, 2)
    node, _ = score(rb, {"procurement": {"plan": "100", "actual": "100"}})
    assert node.score == 2 and node.deductions == ()


def test_ratio_below_is_proportional_and_rounded_half_up_by_default(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "ratio", "indicator": "procurement_execution_rate"}, 2)
    # 2 × 97.555 ÷ 100 = 1.9511 → 1.95 (half-up, the default rounding)
    node, _ = score(rb, {"procurement": {"plan": "100", "actual": "97.555"}})
    assert fmt_score(node.score) == "1.95"
    assert node.deductions[0].points == Decimal("0.05")


def test_ratio_lower_direction(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "ratio", "indicator": "public_funds_control_rate", "direction": "lower"}, 6)
    # 6 × 100% ÷ 120% = 5
    node, _ = score(rb, {"public_funds": {"daily": {"adjusted": "50", "actual": "60"}}})
    assert node.score == 5


def test_ratio_zero_denominator_is_uncomputable_not_zero(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "ratio", "indicator": "procurement_execution_rate"}, 2)
    node, evaluation = score(rb, {"procurement": {"plan": "0", "actual": "0"}})
    assert node.score is None and node.status == Status.UNDEFINED
    assert "为0" in node.trace.note
    assert evaluation.total is None and evaluation.notes


def test_ratio_zero_denominator_full_marks_when_rule_says_so(tmp_path):
    rb = rulebook_with(
        tmp_path, {"kind": "ratio", "indicator": "procurement_execution_rate", "if_undefined": "full"}, 2
    )
    node, _ = score(rb, {"procurement": {"plan": "0", "actual": "0"}})
    assert node.score == 2 and "得满分" in node.trace.note


def test_ratio_missing_input_is_not_filled_never_zero(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "ratio", "indicator": "procurement_execution_rate"}, 2)
    node, _ = score(rb, {"procurement": {"plan": "100"}})
    assert node.score is None and node.status == Status.MISSING
    assert "政府采购实际金额" in node.trace.note


# ---- bands ---------------------------------------------------------------------------------------

BANDS = {
    "kind": "bands",
    "indicator": "public_funds_control_rate",
    "bands": [{"max": "90%", "score": 6}, {"above": "90%", "max": "100%", "deduct": 1}, {"above": "100%", "score": 0}],
}


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("90", "6"),  # 90 ÷ 100 = 90%: inclusive upper bound of the first band
        ("90.01", "5"),  # just above 90%
        ("100", "5"),  # 100%: inclusive upper bound of the second band
        ("100.01", "0"),  # above 100%
    ],
)
def test_bands_edges(tmp_path, actual, expected):
    rb = rulebook_with(tmp_path, BANDS, 6)
    node, _ = score(rb, {"public_funds": {"daily": {"adjusted": "100", "actual": actual}}})
    assert fmt_score(node.score) == expected


def test_bands_value_outside_every_band_is_uncomputable(tmp_path):
    rule = {**BANDS, "bands": [{"max": "90%", "score": 6}]}
    rb = rulebook_with(tmp_path, rule, 6)
    node, _ = score(rb, {"public_funds": {"daily": {"adjusted": "100", "actual": "95"}}})
    assert node.status == Status.UNDEFINED and "不在指标体系规定的任何档次内" in node.trace.note


def test_bands_on_a_count_input(tmp_path):
    rule = {
        "kind": "bands",
        "input": "services.petitions",
        "bands": [{"equal": 0, "score": 3}, {"min": 1, "deduct": 1}],
    }
    rb = rulebook_with(tmp_path, rule, 3)
    node, _ = score(rb, {"services": {"petitions": "0"}})
    assert node.score == 3


# ---- per_unit (REFERENCE §2c) -------------------------------------------------------------------

STAFF = {
    "kind": "per_unit",
    "indicator": "in_service_control_rate",
    "threshold": "100%",
    "direction": "above",
    "per": "1%",
    "points": "0.5",
}


@pytest.mark.parametrize(
    ("in_service", "expected"),
    [
        ("100", "5"),  # 100 ÷ 100 = 100%: at the threshold, full marks
        ("103", "3.5"),  # 3 points above × 0.5 = 1.5 → 3.5
        ("120", "0"),  # 20 × 0.5 = 10 > 5 → floor 0
    ],
)
def test_per_unit_staff_control(tmp_path, in_service, expected):
    rb = rulebook_with(tmp_path, STAFF, 5)
    node, _ = score(rb, {"units": [{"name": "本级", "staffing": {"authorized": "100", "in_service": in_service}}]})
    assert fmt_score(node.score) == expected


@pytest.mark.parametrize(
    ("stepping", "expected"),
    [
        # 预算完成率 97%: 3% below; per 5% minus 2
        ("proportional", "8.8"),  # 3 ÷ 5 × 2 = 1.2 → 10 − 1.2
        ("floor", "10"),  # no whole 5% step
        ("ceil", "8"),  # any part of a step counts
    ],
)
def test_per_unit_stepping(tmp_path, stepping, expected):
    rule = {
        "kind": "per_unit",
        "indicator": "budget_completion_rate",
        "threshold": "100%",
        "direction": "below",
        "per": "5%",
        "points": 2,
        "stepping": stepping,
    }
    rb = rulebook_with(tmp_path, rule, 10)
    node, _ = score(rb, {"budget": {"adjusted": {"total": "100"}, "final": {"total": "97"}}})
    assert fmt_score(node.score) == expected


def test_per_unit_three_public_change_rate(tmp_path):
    rule = {
        "kind": "per_unit",
        "indicator": "three_public_change_rate",
        "threshold": "0%",
        "direction": "above",
        "per": "1%",
        "points": "0.8",
    }
    rb = rulebook_with(tmp_path, rule, 8)
    # (0.52 − 0.5) ÷ 0.5 = 4% above 0 → 4 × 0.8 = 3.2 → 4.8
    node, _ = score(rb, {"three_public": {"total": {"previous": "0.5", "budget": "0.52"}}})
    assert fmt_score(node.score) == "4.8"


# ---- schedule ------------------------------------------------------------------------------------

QUARTERS = {
    "quarterly": [
        {"quarter": 1, "time_rate": "93.58%"},
        {"quarter": 2, "time_rate": "80.74%"},
        {"quarter": 3, "time_rate": "100.88%"},
        {"quarter": 4, "time_rate": "99.87%"},
    ]
}


def test_schedule_proportional_mode(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "schedule", "points_per_quarter": "1.5", "mode": "proportional"}, 6)
    # 1.5 × (.9358 + .8074 + 1 + .9987) = 5.61285 → 5.61 (half-up)
    node, _ = score(rb, QUARTERS)
    assert fmt_score(node.score) == "5.61"


def test_schedule_weight_must_match_quarters(tmp_path):
    with pytest.raises(JixiaoError) as err:
        rulebook_with(tmp_path, {"kind": "schedule", "points_per_quarter": "1.5"}, 5)
    assert "1.5 × 4 个季度 = 6" in str(err.value)


def test_schedule_missing_quarter_is_not_filled(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "schedule", "points_per_quarter": "1.5"}, 6)
    node, _ = score(rb, {"quarterly": QUARTERS["quarterly"][:3]})
    assert node.status == Status.MISSING and "第四季度" in node.trace.note


def test_schedule_zero_schedule_progress(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "schedule", "points_per_quarter": 6, "quarters": [1]}, 6)
    node, _ = score(rb, {"quarterly": [{"quarter": 1, "spending_progress": "10%", "schedule_progress": "0%"}]})
    assert node.status == Status.UNDEFINED


# ---- checklist -----------------------------------------------------------------------------------

FACTS = {"a": {"question": "是否开展资产清查？"}, "b": {"question": "账实是否相符？"}}
CHECK = {
    "kind": "checklist",
    "items": [
        {"fact": "a", "deduct": 1, "failure": "未开展资产清查"},
        {"fact": "b", "deduct": 1.5, "failure": "账实不符"},
    ],
}


def test_checklist_each_failure_deducts(tmp_path):
    rb = rulebook_with(tmp_path, CHECK, 2, facts=FACTS)
    node, _ = score(rb, {"facts": {"a": "否", "b": {"answer": "否", "evidence": "盘亏2台电脑"}}})
    # 2 − 1 − 1.5 < 0 → floor 0
    assert node.score == 0
    assert [d.points for d in node.deductions] == [Decimal(1), Decimal("1.5")]
    assert "盘亏2台电脑" in node.deductions[1].reason


def test_checklist_not_applicable_skips_item(tmp_path):
    rb = rulebook_with(tmp_path, CHECK, 2, facts=FACTS)
    node, _ = score(rb, {"facts": {"a": "是", "b": "不适用"}})
    assert node.score == 2


def test_checklist_missing_answer_is_not_filled(tmp_path):
    rb = rulebook_with(tmp_path, CHECK, 2, facts=FACTS)
    node, _ = score(rb, {"facts": {"a": "是"}})
    assert node.status == Status.MISSING


# ---- target (REFERENCE §2b) ----------------------------------------------------------------------

OPTIONS = TargetOptions()


@pytest.mark.parametrize(
    ("operator", "target", "actual", "expected"),
    [
        ("≥", "5000", "5792", "10"),  # 衡山 两癌筛查: 5792 ≥ 5000 → full
        ("≥", "5000", "4000", "8"),  # 10 × 4000 ÷ 5000
        ("≥", "5000", "5000", "10"),  # exactly at target
        ("≤", "10", "10", "10"),  # within target
        ("≤", "10", "15", "5"),  # linear to 0 at twice the target: 10 × (20 − 15) ÷ 10
        ("≤", "10", "25", "0"),  # beyond twice the target
        ("≤", "0", "0", "10"),  # zero target met
        ("≤", "0", "1", "0"),  # zero target missed
        ("=", "100", "90", "9"),  # 10 × (1 − 10 ÷ 100)
    ],
)
def test_target_quantitative(operator, target, actual, expected):
    outcome = score_target(
        Decimal(10), operator, Decimal(target), Decimal(actual), OPTIONS, name="t", deviation_reason="已说明"
    )
    assert fmt_score(outcome.raw.quantize(Decimal("0.01"))) == expected


def test_target_lower_inverse_variant():
    options = TargetOptions(lower_variant="inverse")
    outcome = score_target(Decimal(10), "≤", Decimal(10), Decimal(16), options, name="t")
    assert outcome.raw == Decimal("6.25")  # 10 × 10 ÷ 16


def test_target_far_above_is_flagged_until_explained():
    # 6600 ÷ 5000 = 132% ≥ 130%
    flagged = score_target(Decimal(10), "≥", Decimal(5000), Decimal(6600), OPTIONS, name="两癌筛查")
    assert flagged.raw == 10 and any("132%" in f for f in flagged.flags)
    explained = score_target(
        Decimal(10), "≥", Decimal(5000), Decimal(6600), OPTIONS, name="两癌筛查", deviation_reason="县财政追加筛查名额"
    )
    assert explained.flags == ()
    # 衡山: 5792 ÷ 5000 = 115.84% < 130%: no flag
    assert score_target(Decimal(10), "≥", Decimal(5000), Decimal(5792), OPTIONS, name="两癌筛查").flags == ()


def test_target_missed_requires_deviation_reason():
    outcome = score_target(Decimal(10), "≥", Decimal(100), Decimal(80), OPTIONS, name="培训人次")
    assert any("偏差原因" in f for f in outcome.flags)


def test_target_qualitative_tiers_and_given_score():
    assert score_target(Decimal(10), "定性", None, "达成", OPTIONS).raw == 10
    assert score_target(Decimal(10), "定性", None, "部分达成", OPTIONS).raw == 6
    assert score_target(Decimal(10), "定性", None, "部分达成", OPTIONS, given_score=Decimal(7)).raw == 7


def test_target_qualitative_score_outside_tier_is_refused():
    from jixiao.model.indicators import Undefined

    with pytest.raises(Undefined, match="6–8分之间"):
        score_target(Decimal(10), "定性", None, "部分达成", OPTIONS, name="t", given_score=Decimal(9))


def test_target_tier_ranges_from_the_rulebook(tmp_path):
    # 济南市历城区's table: “按照指标分值的100-80%(含80%)、80-50%(含50%)、50-0%来记分” — 部分达成 reaches down to 50%
    tiers = {"部分达成": {"share": "60%", "min": "50%", "max": "80%"}, "未达成": {"max": "50%"}}
    rule = {"kind": "target", "fact": "quality", "operator": "定性", "tiers": tiers}
    facts = {"quality": {"question": "活动质量是否达成？", "answers": ["达成", "部分达成", "未达成"]}}
    rb = rulebook_with(tmp_path, rule, 10, facts=facts)
    options = rb.leaves()[0].rule.spec.options
    assert options.tiers["部分达成"] == (Decimal("0.6"), Decimal("0.5"), Decimal("0.8"))
    assert options.tiers["未达成"] == (Decimal(0), Decimal(0), Decimal("0.5"))  # share and min kept
    assert options.tiers["达成"] == (Decimal(1), Decimal("0.8"), Decimal(1))  # not named: 10号's
    # 5.2 of 10 = 52%: within the district's 50–80%, refused under 10号's 60–80%
    given = Decimal("5.2")
    assert score_target(Decimal(10), "定性", None, "部分达成", options, given_score=given).raw == given
    with pytest.raises(Exception, match="6–8分之间"):
        score_target(Decimal(10), "定性", None, "部分达成", OPTIONS, name="t", given_score=Decimal("5.2"))
    node, _ = score(rb, {"facts": {"quality": {"answer": "部分达成"}}})
    assert node.score == 6  # no score given: the tier's share


@pytest.mark.parametrize(
    ("tier", "fragment"),
    [
        ({"share": "40%", "min": "50%", "max": "80%"}, "应满足 0 ≤ min（50%）≤ share（40%）"),
        ({"share": "60%", "low": "50%"}, "不认识参数“low”"),
        ({"share": "六成"}, "档次“部分达成”的"),
    ],
)
def test_target_tier_range_errors_name_the_tier(tmp_path, tier, fragment):
    rule = {"kind": "target", "fact": "quality", "operator": "定性", "tiers": {"部分达成": tier}}
    facts = {"quality": {"question": "活动质量是否达成？", "answers": ["达成", "部分达成", "未达成"]}}
    with pytest.raises(JixiaoError) as caught:
        rulebook_with(tmp_path, rule, 10, facts=facts)
    assert fragment in str(caught.value)


def test_target_rule_kind_on_an_indicator(tmp_path):
    rule = {"kind": "target", "indicator": "satisfaction_rate", "operator": "≥", "target": "95%"}
    rb = rulebook_with(tmp_path, rule, 10)
    # 10 × 85.5% ÷ 95% = 9
    node, _ = score(rb, {"services": {"satisfaction_rate": "85.5%"}})
    assert node.score == 9


# ---- manual --------------------------------------------------------------------------------------


def test_manual_score_with_reason(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "manual"}, 5)
    node, _ = score(rb, {"manual_scores": {"x": {"score": "4", "reason": "专家评审认为目标设置偏低"}}})
    assert node.score == 4 and "专家评审认为目标设置偏低" in node.deductions[0].reason


def test_manual_score_without_reason_is_not_accepted(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "manual"}, 5)
    node, _ = score(rb, {"manual_scores": {"x": {"score": "4"}}})
    assert node.status == Status.MISSING and "理由" in node.trace.note


def test_manual_score_above_weight(tmp_path):
    rb = rulebook_with(tmp_path, {"kind": "manual"}, 5)
    node, _ = score(rb, {"manual_scores": {"x": {"score": "6", "reason": "r"}}})
    assert node.status == Status.UNDEFINED


# ---- not applicable: left out and the rest rescaled ----------------------------------------------


def test_not_applicable_leaf_rescales_total(tmp_path):
    other = {
        "id": "y",
        "name": "另一指标",
        "weight": 50,
        "rule": {"kind": "ratio", "indicator": "fixed_asset_utilization"},
    }
    rule = {"kind": "ratio", "indicator": "procurement_execution_rate", "if_undefined": "not_applicable"}
    rb = rulebook_with(tmp_path, rule, 50, extra_leaves=[other])
    # no procurement → 不适用; fixed assets 40 ÷ 50 = 80% → 40 of 50; total 40 × 100 ÷ 50 = 80
    node, evaluation = score(
        rb, {"procurement": {"plan": "0", "actual": "0"}, "assets": {"fixed_original": "50", "fixed_in_use": "40"}}
    )
    assert node.status == Status.NOT_APPLICABLE
    assert evaluation.total == 80 and evaluation.grade == "良"
    assert "不适用" in evaluation.steps[0].label


# ---- bonus (加分; 铜陵市郊区 农村公益事业财政奖补, corpus t37) ------------------------------------------------------

ENDORSE = {
    "key_work": {"question": "是否纳入县级重点工作部署？"},
    "once": {"question": "是否有一个正面批示？"},
    "twice": {"question": "是否有两个及以上正面批示？"},
}
WORK_PLAN = {  # “纳入县级重点工作部署,得1分;党政领导对财政奖补工作有正面批示的,一个加1分,最多加2分”
    "kind": "bonus",
    "rule": {"kind": "checklist", "items": [{"fact": "key_work", "deduct": "1", "failure": "未纳入县级重点工作部署"}]},
    "extras": [{"fact": "once", "points": "1.5"}, {"fact": "twice", "points": "1"}],
    "max": "2",
}


def test_bonus_adds_the_earned_extras_up_to_the_cap_on_both_paths(tmp_path):
    from jixiao.scoring.engine import evaluate_traced

    rb = rulebook_with(tmp_path, WORK_PLAN, 1, facts=ENDORSE)
    node, evaluation = score(rb, {"facts": {"key_work": "是", "once": "是", "twice": "是"}})
    # 1 + min(1.5 + 1, 2) = 3: over the row's weight of 1, as the table allows
    assert fmt_score(node.score) == "3" and fmt_score(evaluation.total) == "3"
    steps = [(s.label, s.expression, s.value) for s in node.trace.steps]
    assert ("加分", "2.5分，以2分为限", "2") in steps and ("得分", "1 + 2", "3") in steps
    assert node.trace.kind == "bonus/checklist" and "最多加2分（得分可超过分值）" in node.trace.formula
    data = {"facts": {"key_work": "否", "once": "是"}}
    node, evaluation = score(rb, data)
    assert fmt_score(node.score) == "1.5"  # 1 − 1 = 0, one 批示 + 1.5; twice unanswered: not claimed
    said = [(s.label, s.expression, s.value) for s in node.trace.steps]
    assert ("是否有两个及以上正面批示？", "未填报", "不加分") in said
    assert [fmt_score(d.points) for d in node.deductions] == ["1"]
    parsed, _ = parse_department(
        _text({"department": {"name": "测试部门", "year": 2023}, **data}), lambda p: Location("t", field=dotted(p))
    )
    assert evaluate_traced(rb, parsed).total == evaluation.total == Decimal("1.5")


def test_bonus_base_unanswered_is_not_filled(tmp_path):
    rb = rulebook_with(tmp_path, WORK_PLAN, 1, facts=ENDORSE)
    node, evaluation = score(rb, {"facts": {"once": "是"}})
    assert node.status == Status.MISSING and evaluation.total is None


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"extras": [{"fact": "nobody", "points": "1"}]}, "extras[0].fact"),
        ({"extras": [{"fact": "once", "points": "1", "ponits": "2"}]}, "加分项不使用参数“ponits”"),
        ({"extras": [{"fact": "once", "points": "-1"}]}, "加分项的分数应为正数"),
        ({"max": "0"}, "加分上限 max 应为正数"),
        ({"rule": {"kind": "chekclist"}}, "是否应为“checklist”"),
    ],
)
def test_bonus_parameter_errors_name_the_parameter(tmp_path, change, fragment):
    with pytest.raises(JixiaoError) as caught:
        rulebook_with(tmp_path, {**WORK_PLAN, **change}, 1, facts=ENDORSE)
    assert fragment in str(caught.value)
