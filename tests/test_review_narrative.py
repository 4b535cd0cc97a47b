"""Review of narrative reports (issue 12): figures with their meaning from any phrasing, and the arithmetic between
them. Phrasings are drawn from the seeds and from the real reports of tests/fixtures/review_corpus/n*/; every
number below is worked by hand in the comment beside it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from jixiao.model.problems import Severity
from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures, narrative_findings
from jixiao.review.narrative.numerals import parse_arabic, parse_chinese
from jixiao.review.narrative.truth import catches, match_figures
from jixiao.review.source import Segment, SourceDocument, read_source

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "fixtures" / "review_corpus"
NARRATIVES = sorted(p for p in CORPUS.glob("n*") if (p / "document.txt").exists() and (p / "truth.yaml").exists())
SEEDS = ROOT / "fixtures" / "seeds"  # copies of shared/seeds (README there)


def _doc(*paragraphs: str, tables: tuple[list[list[str]], ...] = ()) -> SourceDocument:
    segments = [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)]
    segments += [Segment("table", i, rows=tuple(tuple(r) for r in rows)) for i, rows in enumerate(tables, 1)]
    return SourceDocument(Path("报告.txt"), segments)


def _figure(doc: SourceDocument, raw: str, unit: str | None = None) -> NarrativeFigure:
    found = [f for f in extract_narrative_figures(doc) if f.raw == raw and (unit is None or f.unit == unit)]
    assert found, f"no figure {raw}{unit or ''} in {[f.text for f in extract_narrative_figures(doc)]}"
    return found[0]


def _codes(doc: SourceDocument, **kwargs) -> list[tuple[str, Severity]]:
    return [(p.code.removeprefix("review.narrative."), p.severity) for p in narrative_findings(doc, **kwargs)]


# --- numbers -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百二十", 120), ("两千", 2000), ("十五", 15), ("三千二百", 3200), ("一百零五", 105), ("二〇二三", 2023)],
)
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == Decimal(value)


def test_thousands_separators_only_group_three_digits():
    assert parse_arabic("1,528.34") == Decimal("1528.34")
    assert parse_arabic("12,34") is None  # not a thousands group: two numbers in a list


# --- figures with their meaning ------------------------------------------------------------------------------------


def test_the_verb_before_the_noun_is_the_relation_and_full_width_digits_are_numbers():
    f = _figure(_doc("2023年，下达中央财政衔接资金１，２００万元。"), "1,200")
    assert (f.value, f.unit, f.kind, f.subject, f.relation) == (
        Decimal(1200),
        "万元",
        "amount",
        "中央财政衔接资金",
        "下达",
    )


def test_chinese_numerals_with_measure_words_and_the_noun_after_a_count():
    doc = _doc("全年共举办培训班一百二十期，培训妇女两千人次，覆盖十五个乡镇。")
    assert _figure(doc, "一百二十").value == 120 and _figure(doc, "一百二十").unit == "期"
    assert _figure(doc, "两千").value == 2000 and _figure(doc, "两千").unit == "人次"
    towns = _figure(doc, "十五")
    assert (towns.value, towns.unit, towns.subject) == (Decimal(15), "个", "乡镇")


def test_chinese_numerals_with_wan_and_percent_in_words():
    doc = _doc("下达资金一百二十万元，覆盖两万人，满意度达到百分之九十五。")
    money = _figure(doc, "一百二十")
    assert (money.value, money.unit, money.scaled) == (Decimal(120), "万元", Decimal(1_200_000))
    assert _figure(doc, "两").unit == "万人" and _figure(doc, "两").scaled == 20_000
    assert _figure(doc, "九十五").kind == "rate" and _figure(doc, "九十五").value == 95


def test_seed_004_parts_after_qizhong_and_shares_of_a_named_base():
    # seed 004 第25段: 总支出155.29万元，其中：基本支出61.41万元，占总支出的39.55%；项目支出93.88万元……
    doc = _doc(
        "2023年决算总收入155.32万元，较预算增加115.54万元，总支出155.29万元，其中：基本支出61.41万元，"
        "占总支出的39.55%；项目支出93.88万元，占总支出的60.45%。"
    )
    basic, project = _figure(doc, "61.41"), _figure(doc, "93.88")
    assert (basic.subject, basic.relation) == ("基本支出", "其中")
    assert (project.subject, project.relation) == ("项目支出", "其中")
    share = _figure(doc, "39.55")
    assert (share.kind, share.relation, share.base) == ("rate", "占", "总支出")
    change = _figure(doc, "115.54")
    assert change.relation == "增加" and change.base == "预算"


def test_count_whose_noun_follows_and_bracketed_parts():
    # n01: 实施项目共15个(含2023年转列暂付性款项项目5个),年初批复预算8个项目985万元
    doc = _doc(
        "2024年,州数据发展中心实施项目共15个(含2023年转列暂付性款项项目5个),年初批复预算8个项目985万元"
        "(含1个年初结转结余项目50万元)。"
    )
    assert _figure(doc, "15").subject.endswith("实施项目") and _figure(doc, "15").relation == "共"
    assert _figure(doc, "5").depth == 1 and _figure(doc, "5").relation == "含"
    assert _figure(doc, "985").subject == "年初批复预算项目"
    assert _figure(doc, "50").subject == "年初结转结余项目"


def test_indicator_named_before_its_target_and_actual_values():
    # n24: 1.重大动物强制免疫病种群体免疫密度,年初目标值≥90%,实际完成值≥90%,自评得分20分;
    doc = _doc("1.重大动物强制免疫病种群体免疫密度,年初目标值≥90%,实际完成值≥95%,自评得分20分;")
    target, actual = _figure(doc, "90"), _figure(doc, "95")
    assert target.subject == actual.subject == "重大动物强制免疫病种群体免疫密度"
    assert target.target and not actual.target


def test_numbered_list_item_and_dates():
    doc = _doc("1.产出指标完成情况:100%。", "于2022年12月6日至8日,对该项目的各项绩效指标完成情况进行了调查。")
    assert _figure(doc, "100").subject == "产出指标完成情况"
    dates = [f.display() for f in extract_narrative_figures(doc) if f.kind == "date"]
    assert dates == ["2022-12-06", "2022-12-08"]


def test_scope_of_a_clause_another_year_approximation_and_per_unit_standards():
    doc = _doc(
        "2023年度部门整体支出绩效自评报告", "上年支出100万元，本年支出120万元。", "总建筑面积约1000㎡，小学生300元/年。"
    )
    assert _figure(doc, "100").other_year and not _figure(doc, "120").other_year
    assert _figure(doc, "1000").approximate
    standard = _figure(doc, "300")
    assert standard.per_unit and standard.unit == "元/年"


def test_bare_wan_after_money_is_wan_yuan_and_document_numbers_are_not_figures():
    # n08: 安排资金19204.096万。; n04: (川财行〔2021〕94号)
    doc = _doc("按照(川财行〔2021〕94号)要求,用于乡村振兴建设任务安排资金19204.096万。")
    figures = extract_narrative_figures(doc)
    assert [(f.raw, f.unit) for f in figures] == [("19204.096", "万元")]


def test_table_cells_take_the_unit_of_their_column_header():
    doc = _doc(
        tables=([["项目", "全年预算数（万元）", "全年执行数（万元）", "执行率"], ["年度资金总额", "100", "95", "95%"]],)
    )
    executed = _figure(doc, "95", "万元")
    assert executed.subject == "年度资金总额·全年执行数（万元）" and executed.location.place == "表1 第2行第3列"
    assert _figure(doc, "95", "%").kind == "rate"


# --- checks ---------------------------------------------------------------------------------------------------------


def test_parts_stated_complete_by_fenbiewei_must_add_up():
    # 40 + 35 + 20 = 95 ≠ 100: the list is complete (分别为), so an error
    problems = narrative_findings(_doc("下达资金100万元，分别为甲项目40万元、乙项目35万元、丙项目20万元。"))
    assert [(p.code, p.severity, p.expected) for p in problems] == [
        ("review.narrative.parts_total", Severity.ERROR, "95万元")
    ]
    assert "第1段" in problems[0].message and "容差" in problems[0].message


def test_a_partial_qizhong_list_is_not_a_finding_but_parts_above_the_total_are():
    assert _codes(_doc("下达资金100万元，其中中央资金60万元。")) == []  # 60 < 100: the rest may be unnamed
    # 中央 60 + 省级 30 = 90 < 100: a level of government may be missing, a hint only
    assert _codes(_doc("下达资金100万元，其中中央资金60万元，省级资金30万元。")) == [("parts_total", Severity.INFO)]
    # 60 + 50 = 110 > 100
    assert _codes(_doc("下达资金100万元，其中中央资金60万元，省级资金50万元。")) == [("parts_total", Severity.WARNING)]


def test_a_known_complete_partition_after_qizhong_and_the_rounding_tolerance():
    # 120 + 70 = 190 ≠ 200, and 基本支出 + 项目支出 is the whole of 支出 (REFERENCE §4)
    assert _codes(_doc("支出合计200万元，其中基本支出120万元，项目支出70万元。")) == [("parts_total", Severity.ERROR)]
    # seed 000: 996.82 + 1,380.73 = 2,377.55 vs 2,377.56, within ±0.015 (half a cent per printed figure)
    assert _codes(_doc("年初部门预算数2,377.56万元，其中基本支出996.82万元，项目支出1,380.73万元。")) == []


def test_parts_before_a_heji_total():
    # n06: 3374.3 + 2069.51 + 778.59 = 6222.40
    text = "一批投资3374.3万元(其中建筑工程3292万元),二批投资2069.51万元,三批投资778.59万元,合计投资{}万元。"
    assert _codes(_doc(text.format("6222.4"))) == []
    problems = narrative_findings(_doc(text.format("6232.4")))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.parts_total", "6222.40万元")]


def test_counts_under_qizhong_may_overlap():
    # 600 + 500 = 1100 > 1000, but a woman may be both old and disabled: a hint only
    doc = _doc("服务妇女1000人次，其中老年妇女600人次，残疾妇女500人次。")
    assert _codes(doc) == [("parts_total", Severity.INFO)]


def test_one_subject_at_two_budget_stages_is_two_subjects():
    doc = _doc("年初预算数100万元，基本支出60万元，项目支出40万元。", "决算数120万元，基本支出70万元，项目支出50万元。")
    assert _codes(doc) == []


def test_parts_in_brackets_after_their_total_and_levels_under_a_stated_total():
    # n13: 预拨资金3608万元(中央资金2855万元、省级资金753万元): 2855 + 753 = 3608; with 852, 3707 > 3608
    text = "预拨资金3608万元(中央资金2855万元、省级资金{}万元)。"
    assert _codes(_doc(text.format("753"))) == []
    assert _codes(_doc(text.format("852"))) == [("parts_total", Severity.WARNING)]
    # 60 + 30 = 90 < 100 under a 共计: every level is meant to be named
    assert _codes(_doc("共计下达资金100万元，其中中央资金60万元，省级资金30万元。")) == [
        ("parts_total", Severity.WARNING)
    ]
    # n16: 上年结转结余 is an exact amount (结余 is not 余 "more than"): 1435.22 + 299.21 = 1734.43 > 1699.12
    doc = _doc("全年实际收入1699.12万元,其中财政拨款收入1435.22万元,上年结转结余299.21万元。")
    assert _codes(doc) == [("parts_total", Severity.WARNING)]


def test_a_total_and_what_it_is_composed_of():
    # n46: 支出总计",867.48"万元 (a lost digit) against 1,867.48 + 0 = 1,867.48
    text = "支出总计{}万元,由一般公共预算支出1,867.48万元,加上解支出、结转下年等0万元等构成。"
    assert _codes(_doc(text.format("1,867.48"))) == []
    problems = narrative_findings(_doc(text.format(",867.48")))
    assert [(p.code, p.severity, p.expected) for p in problems] == [
        ("review.narrative.parts_total", Severity.ERROR, "1867.48万元")
    ]


def test_a_number_without_its_unit_before_its_bracketed_parts():
    # n48: 执行数1032849.44(含…) takes 万元 from its parts: 689139.31 + 332524.99 + 11185.14 = 1032849.44,
    # and 1032849.44 / 1080245.79 = 95.61%; the parts are not the 全年预算数's
    doc = _doc(
        "2022年,我区城乡居民基本养老保险全年预算数1080245.79万元,全区执行数1032849.44(含中央资金689139.31万元,"
        "地方资金332524.99万元,其他资金11185.14万元),总预算执行率95.61%。"
    )
    executed = _figure(doc, "1032849.44")
    assert (executed.unit, executed.subject) == ("万元", "执行数")  # 全区 is scope, not the subject
    assert _codes(doc) == []


def test_a_list_opened_by_baokuo_and_closed_by_gong():
    # 10 + 20 + 30 = 60 ≠ 70
    doc = _doc("项目资金包括设备购置10万元、场地租赁20万元、人员培训30万元，共70万元。")
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.parts_total", "60万元")]
    assert _codes(_doc("项目资金包括设备购置10万元、场地租赁20万元、人员培训30万元，共60万元。")) == []


def test_one_subject_with_two_amounts():
    first = "2023年，县财政年初安排妇女儿童发展专项资金120万元。"
    assert _codes(_doc(first, "县财政年初安排妇女儿童发展专项资金102万元，已全部到位。")) == [
        ("same_subject", Severity.WARNING)
    ]
    assert _codes(_doc(first, "县财政年初安排妇女儿童发展专项资金120万元，已全部到位。")) == []
    # another year is another allocation
    assert _codes(_doc(first, "上年县财政年初安排妇女儿童发展专项资金102万元。")) == []


def test_one_subject_named_with_and_without_its_budget_words():
    # n83: 基本支出预算881300.39元 (五 1.) and 本年一般公共预算基本支出911000.39元 (六) are one 基本支出
    doc = _doc(
        "1. 基本支出预算 881300.39 元,占一般公共预算支出的96.74%。", "2023 年本年一般公共预算基本支出 911000.39 元。"
    )
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.same_subject", "881300.39元")]
    # a paragraph the store cut at its start ("19816.81元，项目支出0元。") belongs to something unnamed
    doc = _doc("19816.81 元,项目支出 0元。", "2. 项目支出 469500 元,占一般公共预算支出的 15.94%。")
    assert _codes(doc) == []


def test_paragraphs_about_two_counties_are_two_scopes():
    # n49: each county's paragraph states its own 缴费补贴
    doc = _doc(
        "贵池区申请基础养老金补贴945.72万元,缴费补贴46.36万元。",
        "青阳县申请基础养老金补贴238.34万元,缴费补贴17.17万元。",
    )
    assert _codes(doc) == []


def test_one_document_number_with_two_amounts():
    # n19: 呼财农指【2023】41号 allocates 5万元 in one paragraph and 6万元 in another
    doc = _doc(
        "财政局呼财农指【2023】41号文件,下达某县2023年资金5万元。",
        "财政局呼财农指【2023】19号文件,下达某县2023年资金791万元。",
        "财政局呼财农指【2023】41号文件,下达某县2023年山洪灾害防治设施维养6万元。",
    )
    problems = narrative_findings(doc)
    assert [(p.code, p.location.place) for p in problems] == [("review.narrative.same_subject", "第3段")]


def test_counts_against_the_items_listed():
    assert _codes(_doc("三批项目涉及临城镇、黑城镇、石城乡4个乡镇。")) == [("count_items", Severity.WARNING)]
    assert _codes(_doc("三批项目涉及临城镇、黑城镇、石城乡3个乡镇。")) == []
    assert _codes(_doc("项目涉及临城镇、黑城镇等4个乡镇。")) == []  # 等: the list may be shorter
    # n34: 内设4个科室,分别为办公室、计财科、建设养护科、安全应急科 (4 = 4)
    assert _codes(_doc("区公路养护中心内设4个科室,分别为办公室、计财科、建设养护科、安全应急科。")) == []
    # six towns named after "共有5个乡镇"
    problems = narrative_findings(_doc("全县共有5个乡镇，分别为城关镇、东风镇、红旗乡、胜利乡、向阳镇、和平乡。"))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.count_items", "6个")]


def test_a_count_of_units_against_the_bodies_named():
    # n95's phrasing: "直属事业单位N个,即" and the bodies by name (中心, 所): 3 named, so 4 is raised and 3 is not
    text = "直属事业单位{}个,即县国库集中支付中心、县会计服务中心、县经济开发区财政所。"
    problems = narrative_findings(_doc(text.format(4)))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.count_items", "3个")]
    assert _codes(_doc(text.format(3))) == []


def test_counts_in_words_and_a_last_item_joined_by_he():
    # n72: 货物类采购、工程类采购和服务类采购三种 = 3 items; n67: 四个方面 is a count, “两个维护” a slogan
    assert _codes(_doc("政府采购分为货物类采购、工程类采购和服务类采购三种类型。")) == []
    doc = _doc("从四个方面开展评价，坚决做到“两个维护”。")
    assert [(f.value, f.unit) for f in extract_narrative_figures(doc)] == [(Decimal(4), "个")]


def test_share_against_its_part_and_base():
    text = "总支出155.29万元，其中：基本支出61.41万元，占总支出的{}%。"
    assert _codes(_doc(text.format("39.55"))) == []  # 61.41 / 155.29 = 39.545% → 39.55%
    problems = narrative_findings(_doc(text.format("45.55")))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.share", "39.55%")]


def test_share_of_a_part_without_a_named_base_is_of_its_list_total():
    # 800.00 / 1,234.56 = 64.80%; 434.56 / 1,234.56 = 35.20%
    text = "2022年度支出总计1,234.56万元，其中：基本支出800.00万元，占{}%；项目支出434.56万元，占35.20%。"
    assert _codes(_doc(text.format("64.80"))) == []
    problems = narrative_findings(_doc(text.format("60.80")))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.share", "64.80%")]


def test_share_in_a_qizhong_sentence_is_of_the_sentence_befores_total():
    # n33: 收入合计435.82万元……。其中：财政拨款收入435.82万元，占100%  (435.82 / 435.82 = 100%)
    text = "2020年度收入合计435.82万元，较上年决算数减65.62万元，下降13.1%。其中：财政拨款收入435.82万元，占{}%。"
    assert _codes(_doc(text.format("100"))) == []
    assert [(p.code, p.expected) for p in narrative_findings(_doc(text.format("90")))] == [
        ("review.narrative.share", "100.00%")
    ]


def test_shares_of_an_unstated_base_against_the_sum_of_their_parts():
    # n75: 850088.3 + 116433.12 + 43897.73 + 74784.48 = 1085203.63; the shares add up to 100.00%, so that is the
    # 支出总预算: 74784.48 / 1085203.63 = 6.89%, not 6.90%
    doc = _doc(
        "(一)文化旅游体育与传媒支出类科目 850088.3 元,占支出总预算 78.33%。",
        "(二)社会保障和就业支出类科目 116433.12 元,占支出总预算 10.73 %。",
        "(三)卫生健康支出类科目 43897.73 元,占支出总预算4.04 %。",
        "(四)住房保障支出类科目 74784.48 元,占支出总预算6.90 %。",
    )
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.share", "6.89%")]
    # n76: 基本支出 and 项目支出 make up the 一般公共预算支出: 469500 / (2476260.58 + 469500) = 15.94%, not 19.62%
    doc = _doc(
        "1. 基本支出预算 2476260.58 元,占一般公共预算支出的84.06%。",
        "2. 项目支出 469500 元,占一般公共预算支出的 19.62%。",
    )
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.share", "15.94%")]


def test_rates_of_a_named_part_and_of_a_base_before_de():
    # n12: 中央资金776.84万元 … 中央资金完成636.75万元，预算执行率81.97% (636.75 / 776.84 = 81.97%); 91.97% is wrong
    text = (
        "中、省下达资金合计1067.2万元。其中,中央资金776.84万元,省级资金290.36万元。"
        "实际完成情况为:中央资金完成636.75万元,预算执行率{}%。"
    )
    assert _codes(_doc(text.format("81.97"))) == []
    assert [(p.code, p.expected) for p in narrative_findings(_doc(text.format("91.97")))] == [
        ("review.narrative.share", "81.97%")
    ]
    # n61: 24627 / 60999 = 40.37% → 40.4%; 46.7% is wrong
    text = "4月,一般公共预算收入累计完成24627万元,完成年初预算数60999万元的{}%。"
    assert _codes(_doc(text.format("40.4"))) == []
    assert [(p.code, p.expected) for p in narrative_findings(_doc(text.format("46.7")))] == [
        ("review.narrative.share", "40.37%")
    ]


def test_payment_rate_against_paid_and_unpaid():
    # n08: 18501.096 / (18501.096 + 703) = 18501.096 / 19204.096 = 96.34%, not 95%
    problems = narrative_findings(_doc("资金支付18501.096万元,未支703万元,支付率95%。"))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.share", "96.34%")]
    # seed 000: 155.586 / 155.591 = 99.9968%, printed truncated as 99.99%: no finding
    doc = _doc("政府采购计划金额为155.591万元，实际支出金额为155.586万元，政府采购执行率为99.99%。")
    assert _codes(doc) == []


def test_execution_rate_with_its_amounts_in_the_sentence_before():
    # 85 / 100 = 85%, not 95%
    doc = _doc("项目预算资金100万元。截至年底，实际支出85万元。预算执行率为95%。")
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.share", "85.00%")]


def test_growth_rate_against_its_two_amounts():
    # (120 − 100) / 100 = 20%
    assert _codes(_doc("2023年支出120万元，较上年100万元增长20%。")) == []
    problems = narrative_findings(_doc("2023年支出120万元，较上年100万元增长25%。"))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.growth_rate", "20.00%")]
    # with the change instead of last year's amount: 20 / (120 − 20) = 20%
    assert _codes(_doc("2023年支出120万元，较上年增加20万元，增长20%。")) == []
    # a decrease: 1.00 / (9.00 + 1.00) = 10.00%, not 12%
    problems = narrative_findings(_doc("2023年三公经费支出9.00万元，较上年减少1.00万元，下降12%。"))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.growth_rate", "10.00%")]


def test_a_growth_rate_belongs_to_the_level_nearest_it():
    # n46: 税收收入109.91万元 grew 14.5% against an amount not given: nothing to check (not 111.11 vs 109.91)
    doc = _doc(
        "全镇本级一般公共预算收入实现111.11万元,比上年增长9.0%,其中税收收入109.91万元,增长14.5%;非税收入1.2万元。"
    )
    assert _codes(doc) == []


def test_growth_with_the_change_after_the_rate_and_scope_in_brackets():
    # n52: 4,376 / (30,161 − 4,376) = 4,376 / 25,785 = 16.97%, not 14.6%; 28,583 (自然口径) and 30,161 (同口径) are
    # two scopes of one revenue, not one subject with two amounts
    doc = _doc(
        "地方一般公共预算收入完成28,583万元(自然口径),同比增长10.85%,增收2,798万元。"
        "地方一般公共预算收入(同口径)完成30,161万元,同比增长14.6%,增收4,376万"
    )
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.growth_rate", "16.97%")]


def test_growth_against_last_years_amount_in_the_sentence_before():
    # (120 − 100) / 100 = 20%, not 25%
    doc = _doc("2023年度部门整体支出绩效自评报告", "上年三公经费支出100万元。本年三公经费支出120万元，较上年增长25%。")
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.growth_rate", "20.00%")]


def test_decline_whose_level_is_in_the_sentence_before():
    # n33: 83.71 / (435.82 + 83.71) = 83.71 / 519.53 = 16.11%
    text = "2020年度收入总计435.82万元，支出总计435.82万元。收支较上年决算数减少83.71万元、下降{}%。"
    assert _codes(_doc(text.format("16.1"))) == []
    assert [(p.code, p.expected) for p in narrative_findings(_doc(text.format("19.2")))] == [
        ("review.narrative.growth_rate", "16.11%")
    ]


def test_a_list_closed_by_a_catch_all_is_complete_and_a_cut_sentence_is_not():
    # n42: 1372.7 + 98.6 + 859.6 = 2330.9; with 2634.9 stated, 其他资金 closes the list: an error
    text = "2023年收到财政资金共{}万元,其中:中央资金1372.7万元,地方资金98.6万元,其他资金859.6万元。"
    assert _codes(_doc(text.format("2330.9"))) == []
    assert _codes(_doc(text.format("2634.9"))) == [("parts_total", Severity.ERROR)]
    # n41: the store cut the sentence after six of the items: 68.5 < 87.5 is no finding
    cut = "部门预算项目支出87.5万元,分别是交流经费5万元,评审费18万元,专家工作经费2.5万元,验收经费16万元,科"
    assert _codes(_doc(cut)) == []


def test_excess_over_the_plan():
    # n23: (264 − 115) / 115 = 129.57%, not 43%
    doc = _doc("我市2022年农村危房改造任务数为115户,实际完成农村危房改造264户。", "我市实际改造数超任务43%。")
    assert [(p.code, p.expected) for p in narrative_findings(doc)] == [("review.narrative.growth_rate", "129.57%")]


def test_last_years_amount_after_bi_shangnian_is_of_its_own_item():
    # n115: 431 = 251 + 56 + 124; each "比上年累计支出X万元" is last year's amount of its own item, not one subject
    doc = _doc(
        "2020年“三公”经费支出431万元,比上年累计支出433万元减少2万元,下降0.46%。其中,公务用车及运行维护费支出"
        "251万元,比上年累计支出285万元下降34万元,下降12%;公务接待支出124万元,比上年累计支出148万元下降24万元,下降16%。"
    )
    last = _figure(doc, "285")
    assert last.other_year and last.subject == "公务用车及运行维护费支出"
    assert _codes(doc) == []  # 34 / 285 = 11.93% → 12%; 24 / 148 = 16.22% → 16%


def test_a_change_named_by_a_clause_of_its_own_is_not_measured_against_the_total():
    # n119: the 三公 total 5.48 grew 1.55 (1.55 / 3.93 = 39.44%); 公务用车运行维护费 and 公务接待费 grew against their
    # own amounts (3.98 and 1.5 of the paragraph before), not against 5.48
    doc = _doc(
        "公务用车购置及运行费支出决算3.98万元;公务接待费支出决算1.5万元。",
        "“三公”经费支出决算总额为5.48万元,比去年增加1.55万元,增长39.4%,增加原因主要是公务用车运行支出增加。"
        "其中,公务用车运行维护费支出决算比预算无增减变化,比去年增加1.05万元,增长35.8%;"
        "公务接待费支出决算比预算无增减变化,比去年增加0.5万元,增长50%。",
    )
    assert _figure(doc, "1.05").subject == "公务用车运行维护费支出决算"
    assert _figure(doc, "0.5").subject == "公务接待费支出决算"
    assert _codes(doc) == []
    # the total's own rate is still checked: 1.55 / (5.48 − 1.55) = 39.44%, not 49.4%
    bad = _doc("“三公”经费支出决算总额为5.48万元,比去年增加1.55万元,增长49.4%。")
    assert [(p.code, p.expected) for p in narrative_findings(bad)] == [("review.narrative.growth_rate", "39.44%")]


def test_listed_rates_go_with_listed_changes_in_order():
    # n127: 1267.86 / (4125.49 + 1267.86) = 23.51%; 2570.97 / (4143.91 + 2570.97) = 38.2877%, printed truncated 38.28%
    text = (
        "2022年度收、支总计各是4125.49,4143.91万元。与2021年相比,收、支总计各减少1267.86,2570.97万元,各下降{}%、{}%。"
    )
    assert _codes(_doc(text.format("23.51", "38.28"))) == []
    assert _figure(_doc(text.format("23.51", "38.28")), "4125.49").unit == "万元"
    problems = narrative_findings(_doc(text.format("23.51", "33.28")))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.growth_rate", "38.29%")]


def test_an_amount_alone_in_brackets_is_the_amount_of_the_name_before_it():
    # n108: 723 + 577 = 1300, each in brackets after its project's name
    doc = _doc(
        "自治区财政厅以《关于提前下达2023年中央土壤污染防治专项资金预算的通知》(内财资环〔2022〕1706号)向我市下达"
        "2023年中央土壤污染防治资金1300万元。我市将该笔资金下拨至乌拉特前旗,用于实施“甲地块土壤污染状况初步调查项目”"
        "(723万元)和“乙地块土壤污染状况初步调查项目”(577万元)。"
    )
    assert _figure(doc, "1300").subject == "中央土壤污染防治资金"
    assert _figure(doc, "723").subject == "甲地块土壤污染状况初步调查项目"
    assert _figure(doc, "577").subject == "乙地块土壤污染状况初步调查项目"


def test_the_whole_review_tells_two_jue_suan_zhi_chu_apart_and_lets_the_years_flows_differ():
    from jixiao.review import review_document

    # n118: three 三公 items each with its 决算支出 are three quantities, not one figure stated three times
    doc = _doc(
        "2020年井研县“三公”经费决算总额为1023万元。",
        "2020年因公出国(境)决算支出0万元。",
        "2020年公务用车购置及运行费决算支出785万元。",
        "2020年公务接待费决算支出238万元。",
    )
    assert not [f for f in review_document(doc).findings if f.code == "review.figure_conflict"]
    # one quantity stated twice with two amounts is still an error
    doc = _doc("2020年部门决算支出785万元。", "2020年部门决算支出758万元。")
    assert [f.code for f in review_document(doc).findings if f.code == "review.figure_conflict"] == [
        "review.figure_conflict"
    ]
    # n126: 本年收入合计 and 本年支出合计 are the year's own flows; carry-overs make up the difference
    doc = _doc("2020年本年收入合计3765.66万元。", "2020年本年支出合计4021.94万元。")
    assert not [f for f in review_document(doc).findings if f.code == "check.revenue_expenditure"]


def test_an_actual_value_right_after_its_target_and_an_amount_of_the_money_named_before():
    # n42: "……发放指标为100%实际完成值为100%" (no punctuation between): the actual is of the same indicator
    doc = _doc("3.时效指标。优抚对象生活补助金每月中旬发放指标为100%实际完成值为100%")
    rates = [f for f in extract_narrative_figures(doc) if f.kind == "rate"]
    assert len(rates) == 2 and rates[0].subject == rates[1].subject
    # n45: "……林业补助资金共16项,金额合计333,001万元": the 金额 is that 资金's; "拨付金额" is another amount (n90)
    doc = _doc("中央财政下拨黑龙江省2016年林业补助资金共16项,金额合计333,001万元。")
    assert _figure(doc, "333,001").subject.endswith("林业补助资金")
    doc = _doc("指标金额是110万元,实际拨付金额是108万元。")
    assert _figure(doc, "108").subject == "金额" and _figure(doc, "108").relation == "拨付"


def test_signing_dates_in_numerals_and_scope_before_a_subject():
    # n125: "二〇一三年五月二十三日" is a date; n102: 册次 is a measure word
    doc = _doc("特此公告。", "二〇一三年五月二十三日", "全年共计送书和流通图书下乡116559册次。")
    assert [f.display() for f in extract_narrative_figures(doc) if f.kind == "date"] == ["2013-05-23"]
    assert _figure(doc, "116559").unit == "册次"
    # n116: the town before the year is scope; n131: 全镇 too
    doc = _doc("许镇镇2020年“三公”经费决算数共计35.5万元。", "经汇总,2021年度全镇“三公”经费支出合计40.14万元。")
    assert _figure(doc, "35.5").subject == "三公经费决算数"
    assert _figure(doc, "40.14").subject == "三公经费支出"
    # n118: a long account of who arranged the money is not its name
    doc = _doc("2020年井研县行政单位、事业单位和其他单位使用当年财政拨款安排的“三公”经费决算总额为1023万元。")
    assert _figure(doc, "1023").subject == "三公经费决算"


def test_one_amount_in_yuan_and_wan_yuan():
    assert _codes(_doc("发放补助资金1200000元（120万元）。")) == []
    assert _codes(_doc("发放补助资金1200000元（12万元）。")) == [("unit_mismatch", Severity.ERROR)]
    # the same phrase, the same digits, 万元 in one paragraph and 元 in the other
    first, second = "县财政安排妇女儿童发展专项资金50万元。", "县财政安排妇女儿童发展专项资金50元，已全部到位。"
    assert _codes(_doc(first, second)) == [("unit_mismatch", Severity.WARNING)]


def test_text_against_the_funds_row_of_the_table():
    table = [["项目", "全年预算数（万元）", "全年执行数（万元）", "执行率"], ["年度资金总额", "100", "95", "95%"]]
    assert _codes(_doc("全年预算数100万元，全年执行数95万元，预算执行率95%。", tables=(table,))) == []
    # the text's own figures agree (90 / 100 = 90%), the table's do not: 95万元 and 95%
    problems = narrative_findings(_doc("全年预算数100万元，全年执行数90万元，预算执行率90%。", tables=(table,)))
    assert [(p.code, p.expected) for p in problems] == [
        ("review.narrative.text_table", "95万元"),
        ("review.narrative.text_table", "95%"),
    ]
    assert "表1 第2行第3列" in problems[0].message


def test_initial_budget_against_its_own_column():
    # 年初预算 is the 年初预算数 column (100), not the 全年预算数 (120)
    table = [
        ["项目", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "执行率"],
        ["年度资金总额", "100", "120", "114", "95%"],
    ]
    text = "年初预算资金{}万元，全年预算数120万元，全年执行数114万元，执行率95%。"
    assert _codes(_doc(text.format("100"), tables=(table,))) == []
    problems = narrative_findings(_doc(text.format("110"), tables=(table,)))
    assert [(p.code, p.expected) for p in problems] == [("review.narrative.text_table", "100万元")]


@dataclass
class _ScoreTable:  # what the table helper's score tables expose
    total_score: Decimal | None
    rows: tuple = ()
    total_location: object = None


def test_stated_score_against_grade_and_score_table():
    # 86.4 is 良 (80 ≤ 86.4 < 90)
    assert _codes(_doc("自评得分86.4分，自评结果为“良好”。")) == []
    assert _codes(_doc("自评得分86.4分，自评等级为优。")) == [("score_grade", Severity.WARNING)]
    tables = [_ScoreTable(Decimal("85.4"))]  # 86.4 − 85.4 = 1 > 0.055
    assert _codes(_doc("自评得分86.4分，自评结果为“良好”。"), score_tables=tables) == [
        ("score_grade", Severity.WARNING)
    ]


def test_a_change_of_each_of_two_totals_is_not_measured_against_their_sum():
    """n134: "收入、支出决算总计665.96万元" is 收入总计 + 支出总计 (332.98 each);
    "收、支总计各增加96.21万元，增长40.63%" is each total's growth:
    96.21 ÷ (332.98 − 96.21) = 96.21 ÷ 236.77 = 40.63%. Against the sum it would read
    96.21 ÷ (665.96 − 96.21) = 16.89%: no finding may come of that. A change of one total is still checked:
    100 ÷ (500 − 100) = 25%, not 30%."""
    doc = _doc("2022年度收入、支出决算总计665.96万元。与年初预算相比，收、支总计各增加96.21万元，增长40.63%。")
    level = _figure(doc, "665.96")
    assert "收入、支出决算" in level.subject  # the 、 joins two names before one head, not two listed figures
    change = _figure(doc, "96.21")
    assert "each" in change.flags and change.subject == "收、支"
    assert _codes(doc) == []
    one = _doc("2022年支出决算总计500万元，较上年增加100万元，增长30%。")
    assert _codes(one) == [("growth_rate", Severity.WARNING)]


def test_an_attachment_linked_for_download_is_a_hint_and_an_attachment_left_out_a_warning(tmp_path):
    """n149: "附件:2024年……项目自评表[点击下载]" names a file published beside the report: the review cannot read it,
    which is said once as a hint; an attachment listed with no link and no table is not in the file (a warning:
    it may have been sent as a file of its own, as the 衡山 seed's were)."""
    from jixiao.review import review_file

    body = "一、绩效目标分解下达情况\n安排项目资金56万元。\n"
    linked = tmp_path / "linked.txt"
    linked.write_text(body + "附件:2024年某镇产业设施配套项目自评表[点击下载]\n", encoding="utf-8")
    found = {(p.code, p.severity) for p in review_file(linked).findings}
    assert ("review.attachment_linked", Severity.INFO) in found
    assert not any(code == "review.attachment_missing" for code, _ in found)
    missing = tmp_path / "missing.txt"
    missing.write_text(body + "附件:2024年某镇产业设施配套项目自评表\n", encoding="utf-8")
    found = {(p.code, p.severity) for p in review_file(missing).findings}
    assert ("review.attachment_missing", Severity.WARNING) in found


def test_a_form_published_as_label_value_lines_takes_the_unit_of_its_heading():
    """n151: a 自评表 published as text, one "label value" a line, the unit given once in the block's heading.
    合计 668.00 + 343.00 + 73.25 = 1084.25 holds; 特别扶助 166.00 + 136.00 + 20.25 = 322.25, not 321.25: one finding.
    Without a unit heading the bare numbers are not read (no unit, no meaning)."""
    lines = (
        "计划生育转移支付资金合计(万元) 年度预算资金总额): 1084.25",
        "其中:中央补助 668.00",
        "市级资金 343.00",
        "本级资金(包括结转结余) 73.25",
        "其中:",
        "计划生育家庭特别扶助制度补助资金(万元)",
        "年度预算资金总额: 321.25",
        "其中:中央补助 166.00",
        "市级资金 136.00",
        "本级资金(包括结转结余) 20.25",
        "资金下达 资金发放及时性 省级财政部门在接到中央财政转移支付资金预算后,在30日内正式下达。",
    )
    doc = _doc(*lines)
    central = _figure(doc, "166.00")
    assert (central.unit, central.subject, central.relation) == ("万元", "中央补助", "其中")
    problems = narrative_findings(doc)
    assert [(p.code, p.severity) for p in problems] == [("review.narrative.parts_total", Severity.WARNING)]
    assert "322.25" in problems[0].message and "321.25" in problems[0].message
    bare = _doc("年度预算资金总额: 321.25", "其中:中央补助 166.00", "市级资金 136.00")
    assert [f for f in extract_narrative_figures(bare) if f.raw in ("321.25", "166.00")] == []


def test_a_form_stored_one_cell_a_line_gives_each_value_its_label_and_dates_in_figures_are_dates():
    """n138: "预算金额" / "1600 万元" and "评价分值" / "85" (a score printed bare under a score label is in 分);
    n138/n140: "2015.12.02" and "发布日期:2021-12-31 16:27" are dates (the time after the day is not a number). A bare
    number under any other label is not read: it has no unit."""
    form = ("青浦区民政局", "2015.12.02", "预算金额", "1600 万元", "评价分值", "85", "主管部门", "区民政局")
    form += ("编号", "85")
    doc = _doc(*form)
    budget = _figure(doc, "1600")
    assert (budget.unit, budget.subject) == ("万元", "预算金额")
    score = _figure(doc, "85", "分")
    assert (score.kind, score.subject) == ("score", "评价分值")
    assert len([f for f in extract_narrative_figures(doc) if f.raw == "85"]) == 1  # "编号" / "85": not a figure
    assert _figure(doc, "2015.12.02").display() == "2015-12-02"
    published = _figure(_doc("发布日期:2021-12-31 16:27 浏览次数:"), "2021-12-31")
    assert (published.kind, published.display(), published.subject) == ("date", "2021-12-31", "发布日期")


def test_counts_in_packs_and_handles_and_a_count_alone_in_brackets_is_the_name_s_before_it():
    """n142: "购买肥料900包" and "剪子5把" are counts (包, 把 are measure words; "包括" is not one);
    n135: "(404套)" after a project's name is that project's count."""
    doc = _doc("购买肥料900包，购买剪子5把。资金100万元包括人员经费。", "用于购买安置点多建住房合作购买项目(404套)。")
    assert (_figure(doc, "900").unit, _figure(doc, "900").kind) == ("包", "count")
    assert _figure(doc, "5").unit == "把"
    assert _figure(doc, "100").unit == "万元"
    assert _figure(doc, "404").subject.endswith("合作购买项目")


def test_a_line_that_is_only_a_date_dates_the_document():
    """n149: "2025年12月30日" alone under the signature is the 落款日期; n138: "2015.12.02" under the title is the
    report's date; a date inside a sentence keeps its own reading."""
    doc = _doc(
        "某项目绩效自评报告",
        "2015.12.02",
        "一、基本情况",
        "2020年11月10日，扶贫酒厂改建。",
        "某镇人民政府",
        "2025年12月30日",
    )
    assert _figure(doc, "2025年12月30日").subject == "落款日期"
    assert _figure(doc, "2015.12.02").subject == "报告日期"
    assert _figure(doc, "2020年11月10日").subject not in ("落款日期", "报告日期")


def test_last_year_s_figures_are_not_this_year_s_stated_again_and_whole_figures_round_by_half_a_unit(tmp_path):
    """n152, a 2017 report: "2016年度支出合计628万元，其中：基本支出230万元，占总支出的37%" is last year's (the year the
    sentence opens with), not 2017's 2906万元 / 279万元 / 10% stated again; 230 ÷ 628 = 36.62% → 37% is not measured
    against 2906. 279 + 2626 = 2905 against 2906, each printed to the 万元, is within rounding (±0.5 each: ±1.5).
    The same year's 支出合计 printed twice with two values is still a conflict."""
    from jixiao.review import review_file

    text = (
        "德钦县移民局2017年度部门决算\n"
        "2017年度支出合计2906万元，其中：基本支出279万元，占总支出的10%；项目支出2626万元，占总支出的90%。"
        "2016年度支出合计628万元，其中：基本支出230万元，占总支出的37%；项目支出398万元，占总支出的63%。\n"
    )
    report = tmp_path / "决算.txt"
    report.write_text(text, encoding="utf-8")
    found = [(p.code, p.severity) for p in review_file(report).findings if p.severity is not Severity.INFO]
    assert found == []
    twice = tmp_path / "两处.txt"
    twice.write_text(text + "2017年度支出合计2806万元，其中：基本支出180万元。\n", encoding="utf-8")
    codes = {p.code for p in review_file(twice).findings if p.severity is Severity.ERROR}
    assert "review.figure_conflict" in codes


# --- the seeds and the corpus ----------------------------------------------------------------------------------------


def test_a_table_of_years_its_change_row_and_the_text_beside_it():
    # n53: (37 − 73) / 73 = −49.32%, not −47.95%; (959 − 1277) / 1277 = −24.90% (−24.83%…−24.97% with whole 万元),
    # not −24.98%; the text's 995 / 38 / 958 against the table's 996 / 37 / 959
    text = (
        "衢江区2016年一般公共预算安排“三公”经费决算数2364万元。分项情况是:因公出国(境)经费12万元;公务接待费1356万元;"
        "公车购置及运行费995万元(其中公务用车购置费38万元,公务用车运行费958万元)。"
    )
    table = [
        ["年度", "合计", "因公出国(境)经费", "公务接待费", "公车购置及运行维护费", "", ""],
        ["", "", "", "", "合计", "车辆购置", "车辆运行"],
        ["2015年", "2840", "90", "1400", "1350", "73", "1277"],
        ["2016年", "2364", "12", "1356", "996", "37", "959"],
        ["2016年比2015年增减%", "-16.77", "-86.62", "-3.14", "-26.24", "-47.95", "-24.98"],
    ]
    found = sorted(
        (p.code.removeprefix("review.narrative."), p.location.place)
        for p in narrative_findings(_doc(text, tables=(table,)))
    )
    assert found == [
        ("growth_rate", "表1 第5行第6列"),
        ("growth_rate", "表1 第5行第7列"),
        ("text_table", "第1段"),
        ("text_table", "第1段"),
        ("text_table", "第1段"),
    ]


@pytest.mark.parametrize("seed", ["000_273d22226811a2f3.txt", "004_6448f6cab597d7a3.txt"])
def test_the_seeds_raise_nothing(seed):
    problems = narrative_findings(read_source(SEEDS / seed))
    assert [p.format() for p in problems if p.severity is not Severity.INFO] == []


def _corpus(folder: Path):
    doc = read_source(folder / "document.txt")
    truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8")) or {}
    figures = extract_narrative_figures(doc)
    return truth, figures, narrative_findings(doc, figures)


# folder → (truth ids not caught yet, codes still raised on a relationship found consistent), each with its reason;
# anything else missed or raised fails the test.
KNOWN_GAPS: dict[str, tuple[set[str], set[str]]] = {
    # n161 ("专项资金63.2万元。" and, after a heading, "体育强省资金安排是:甲5万元,……" adding to 59.2) was here until
    # the tenth session: a list that names the fund it allocates, with nothing partial about it, is now held to the
    # amount of that fund allocated just before (parts._allocation_lists, a warning)
}


@pytest.mark.parametrize("folder", NARRATIVES, ids=[p.name for p in NARRATIVES])
def test_corpus_document(folder):
    truth, figures, problems = _corpus(folder)
    gaps, allowed = KNOWN_GAPS.get(folder.name, (set(), set()))
    listed = [i for i in truth.get("inconsistencies") or [] if i.get("id") not in gaps]
    missed = [i for i in listed if not any(catches(p, i) for p in problems)]
    assert missed == [], f"{folder.name}: truth inconsistencies not caught: {missed}"
    real = truth.get("inconsistencies") or []
    false = [p for p in problems if not any(catches(p, i) for i in real)]
    on_consistent = [
        p.format() for p in false for c in truth.get("consistent") or [] if catches(p, c) and p.code not in allowed
    ]
    assert on_consistent == [], f"{folder.name}: raised on relationships checked and found consistent"
    false_errors = [
        p.format() for p in problems if p.severity is Severity.ERROR and not any(catches(p, i) for i in real)
    ]
    assert false_errors == []
    hand = truth.get("figures") or []
    if len(hand) >= 4:  # with two or three figures a share is 0, ⅓, ½ …: no measure (n103 holds two dates only)
        right = match_figures(hand, [f for f in figures if f.cell is None], meaning=True)
        assert right >= 0.5 * len(hand), f"{folder.name}: {right} of {len(hand)} hand-counted figures"


@pytest.mark.skipif(not NARRATIVES, reason="no narrative corpus")
def test_corpus_figures_with_their_meaning_at_least_80_percent():
    hand = right = 0
    for folder in NARRATIVES:
        truth, figures, _ = _corpus(folder)
        listed = truth.get("figures") or []
        hand += len(listed)
        right += match_figures(listed, [f for f in figures if f.cell is None], meaning=True)
    assert hand and right >= Decimal("0.8") * hand, f"{right} of {hand}"


# --- sixth held-out batch (n153–n158) --------------------------------------------------------------------------------


def test_a_juti_shi_sentence_lists_every_part_of_the_total_before_it():
    # 300 + 200 + 100 = 600 against 800: a list opened by 具体是 is the whole, so the 200 short is an error
    doc = _doc(
        "一是甲管理处,下达预算资金800万元。具体是:甲修缮工程项目300万元;乙检测工程项目200万元;丙消防提升工程项目100万元。"
    )
    assert ("parts_total", Severity.ERROR) in _codes(doc)
    # the same list adding up (300 + 200 + 100 = 600): nothing
    assert _codes(_doc(doc.segments[0].text.replace("800万元", "600万元"))) == []


def test_a_change_word_inside_a_project_name_is_not_a_change():
    doc = _doc("丙消防提升工程项目100万元。")
    assert _figure(doc, "100").relation == ""
    assert _figure(_doc("支出较上年提升100万元。"), "100").relation == "提升"


def test_two_enumerated_bodies_allocated_two_amounts_are_not_one_subject():
    # "一是甲……下达预算资金800万元" and "二是乙……下达预算资金500万元": two bodies, two amounts
    doc = _doc("项目有:一是甲管理处,下达预算资金800万元。二是乙博物馆,下达预算资金500万元,项目是乙新馆展陈项目。")
    assert all(code != "same_subject" for code, _ in _codes(doc))


def test_a_count_whose_own_noun_follows_is_not_a_count_of_the_list_before():
    # 7 experts drawn from four bureaus: 7 ≠ 4 is no finding
    doc = _doc("组织县发改局、财政局、乡村振兴局和县林草局7名专家组成专家组对实施方案进行审查。")
    assert all(code != "count_items" for code, _ in _codes(doc))
    # three towns counted as 乡镇 and four named: a finding (4 ≠ 3)
    doc = _doc("涉及甲镇、乙镇、丙镇、丁乡3个乡镇。")
    assert ("count_items", Severity.WARNING) in _codes(doc)


def test_a_count_written_with_yi_after_its_noun():
    doc = _doc("已建酒窖一间,12个发酵池;购买变压器一套18.8万元;各村凝聚在一起,统一管理。")
    counts = [(f.raw, f.unit) for f in extract_narrative_figures(doc) if f.raw == "一"]
    assert counts == [("一", "间"), ("一", "套")]  # not 一起 (in 在一起), not 统一
    assert _figure(doc, "一", "套").value == Decimal(1)


def test_a_closing_total_without_a_name_takes_the_topic_of_the_first_clause():
    # 93 + 52 = 145: the 共计 is of what the sentence opened with, 农村文化活动
    doc = _doc("3.根据省财政厅的通知(皖财预〔2021〕269号)开展农村文化活动,分配至甲市93万元,乙县52万元,共计145万元。")
    assert _figure(doc, "145").subject == "农村文化活动"
    # a first clause holding a figure names nothing: the total keeps no subject rather than a wrong one
    doc = _doc("分配甲公司演出补助50万元,乙局50万元,共计100万元。")
    assert _figure(doc, "100").subject == ""


# --- seventh held-out batch (n159–n170) ------------------------------------------------------------------------------


def test_a_part_with_its_own_fenbiewei_list_is_one_part_of_the_total():
    # 一是甲 100 (分别为 60 + 40) and 二是乙 50 (分别为 20 + 30): 100 + 50 = 150, the sub-items are a level down
    doc = _doc(
        "项目支出安排预算为150.00万元,其中:一是甲基金100.00万元,分别为甲一资金60.00万元、甲二资金40.00万元;"
        "二是乙经费50.00万元,分别为乙一经费20.00万元、乙二经费30.00万元。"
    )
    assert all(code != "parts_total" for code, _ in _codes(doc))
    # 100 + 50 = 150 against 140: the two parts exceed it by 10; the finding adds the two parts, not their sub-items
    found = [
        p for p in narrative_findings(_doc(doc.segments[0].text.replace("150.00", "140.00"))) if "140" in p.message
    ]
    assert [p.code.removeprefix("review.narrative.") for p in found] == ["parts_total"]
    assert "100.00万元＋50.00万元＝150.00万元" in found[0].message


def test_a_usage_rate_of_an_item_after_a_semicolon_is_not_measured_on_the_total():
    # 锣鼓 40 + 乙 2 = 42 下达; 锣鼓 used 334896元 = 83.72% of its own 40万元 (334896 / 400000), not 79.74% of 42
    doc = _doc(
        "资金下达42万元,资金到位率100%,乙补助已及时划拨,资金使用率100%;锣鼓项目资金使用334896元,资金使用率83.72%。"
    )
    assert all(code != "share" for code, _ in _codes(doc))
    # in one clause, the same rate against the 42 stated there is still checked: 334896 / 420000 = 79.74% ≠ 83.72%
    doc = _doc("资金下达42万元,资金使用334896元,资金使用率83.72%。")
    assert ("share", Severity.WARNING) in _codes(doc)


def test_an_execution_rate_after_a_list_of_parts_is_of_all_of_them():
    # 489 + 14661 = 15150 = 100% of 15150 received; not 489 / 15150 = 3.23%
    doc = _doc(
        "收到中央补助资金15150.00万元,全部补助到各级政府,其中省级支出安排489.00万元,各州市安排14661.00万元,执行率为100%。"
    )
    assert all(code != "share" for code, _ in _codes(doc))
    # (489 + 14000) / 15150 = 95.64%: no reading gives 100%, a finding
    doc = _doc(doc.segments[0].text.replace("14661.00", "14000.00"))
    assert ("share", Severity.WARNING) in _codes(doc)


def test_one_phrase_under_a_level_of_government_and_without_it_is_not_one_subject():
    # the 地方 part (104880.14) and the whole (15150 + 104880.14 = 120030.14) under one phrase: two scopes
    doc = _doc(
        "2022年我省粮食风险基金地方应配套20971.00万元,实际配套到位资金104880.14万元。",
        "2022年,我省粮食风险基金应到位36121.00万元,实际配套到位资金120030.14万元。",
    )
    assert all(code != "same_subject" for code, _ in _codes(doc))
    # both sentences about the 地方 part: the same phrase with two amounts is a finding
    doc = _doc(
        "2022年地方应配套20971.00万元,实际配套到位资金104880.14万元。",
        "2022年地方应配套20971.00万元,实际配套到位资金120030.14万元。",
    )
    assert ("same_subject", Severity.WARNING) in _codes(doc)


# --- the text's totals against the score table rest on the cells they are read from ---------------------------------

_SCORES = (
    ("一级指标", "二级指标", "三级指标", "分值", "得分"),
    ("决策", "预算编制", "合理性", "10", "10"),
    ("", "", "规范性", "10", "9"),
    ("管理", "资金", "执行率", "80", "75"),
    ("合计", "", "", "100", "95"),
)


@pytest.mark.parametrize(
    ("doubtful", "severity"),
    [
        ((1, 3), Severity.ERROR),  # row 2's 分值 "10" read at 0.50: not a figure the comparison rests on
        ((2, 4), Severity.ERROR),  # a row's 得分 "9": the 合计 row states the total, the rows are not added
        ((4, 4), Severity.INFO),  # the 合计 得分 "95" itself doubtful: a hint
    ],
)
def test_the_texts_total_score_against_the_table_rests_on_the_total_cell(doubtful, severity):
    # the text says 自评得分96分, the 合计 row 95 (10 + 9 + 75 = 94 is another finding, on the table itself)
    levels = [[0.99 for _ in row] for row in _SCORES]
    levels[doubtful[0]][doubtful[1]] = 0.5
    table = Segment("table", 1, rows=_SCORES, page=1, confidence=0.5, cell_confidence=tuple(map(tuple, levels)))
    text = [
        Segment("paragraph", i, line, page=1, confidence=0.99)
        for i, line in enumerate(("2023年度部门整体支出绩效自评报告", "经自评,本单位自评得分为96分。"), 1)
    ]
    from jixiao.review.pipeline import review_document

    found = [
        f
        for f in review_document(SourceDocument(Path("扫描件.pdf"), [*text, table])).findings
        if f.code == "review.stated_total" and f.actual == "96"
    ]
    assert [f.severity for f in found] == [severity]


def test_a_date_inside_a_sentence_is_the_date_of_what_follows_it():
    doc = _doc(
        "西畴县财政局于2021年9月2日以(西财整合〔2021〕19号)文件拨付资金200万元。工程于2021年2月12日开工,2022年5月已完工并通过检查验收。"
    )
    assert [f.subject for f in extract_narrative_figures(doc) if f.kind == "date"] == [
        "拨付资金",  # the document cited in brackets and "以……文件" are how, not what
        "开工",
        "完工并通过检查验收",  # 已 dropped
    ]
    # a date heading its sentence alone before a comma dates what the sentence goes on to say (n105's "2020年7月,
    # 国务院办公厅发布《……指导意见》", n78's "2019年8月,财政局下发文件批准建设", as their hand counts read them)
    assert _figure(_doc("2021年4月,省住建厅印发通知。"), "2021年4月").subject == "省住建厅印发通知"
    # inside a sentence, a date that closes its clause still names nothing from the next one
    assert _figure(_doc("项目于2021年4月,省住建厅印发通知。"), "2021年4月").subject != "省住建厅印发通知"
    # the end of a period is not the date of what the sentence goes on to say
    doc = _doc("对实验小学2023年1月1日至2023年12月31日本级财政预算资金整体支出进行绩效评价。")
    assert "绩效评价" not in _figure(doc, "2023年12月31日").subject


def test_a_month_and_day_after_a_full_date_are_in_its_year():
    # "9月7日" follows "2021年9月1日" in the paragraph: 2021-09-07
    doc = _doc("市交通运输局2021年9月1日拨滇西铁路公司160万元,9月7日拨100万元。")
    assert [f.display() for f in extract_narrative_figures(doc) if f.kind == "date"] == ["2021-09-01", "2021-09-07"]
    # with no full date before it in the paragraph, a month and day are not read (the year is unknown)
    assert [f for f in extract_narrative_figures(_doc("于10月20日启动招投标。")) if f.kind == "date"] == []


def test_a_ji_total_after_a_share_or_a_standard_is_the_amount_of_the_same_thing():
    # 325 × 80% = 260: "计260万元" is the 市级预算安排's amount
    assert _figure(_doc("还需拨付325万元,市级预算安排80%计260万元,隆阳区承担65万元。"), "260").subject == "市级预算安排"
    # 30亩 × 4000元 = 12万元: the 费用成本, without the list before 等 and the 扣除 before it
    doc = _doc("可实现总收入15万元,扣除土地租金、生产、劳务等费用成本每亩4000元,计12万元。")
    assert _figure(doc, "12").subject == "费用成本"


def test_a_subject_of_particles_alone_is_no_subject():
    # "完成了对" leaves 了对 after the verb: the count's noun is after the bracketed aside
    doc = _doc("较好地完成了年度工作目标,全年共完成了对46,412人次(2013年末救助人数为37,069人次)符合救助政策的患者。")
    assert _figure(doc, "46,412").subject == "符合救助政策"


def test_yi_before_its_noun_is_a_count_only_after_a_verb_that_sets_up_or_acquires():
    doc = _doc("设立一个行政执法机构,新建一座泵站。")
    assert [(f.value, f.unit) for f in extract_narrative_figures(doc)] == [(Decimal(1), "个"), (Decimal(1), "座")]
    # "是一个群众愿望", "进行一次检查", "一个月内": words, not counts
    doc = _doc("不仅是一个群众愿望,对养护情况进行一次检查,一个月内完成。")
    assert extract_narrative_figures(doc) == []


def test_a_numbered_item_after_a_semicolon_ends_the_list_and_its_label_names_the_amount():
    doc = _doc(
        "(一)项目资金安排落实情况:1、档案管理项目资金:2016年县财政安排30万元在当年都按时到位,其中国重档案10万元;"
        "2、县档案馆建设项目资金:2016年县财政拨款427.36万元,于2016年当年全部到位。"
    )
    other = _figure(doc, "427.36")
    assert other.relation != "其中" and "part" not in other.flags  # 427.36 is not a part of the 30 (10 is)
    assert "part" in _figure(doc, "10").flags
    # "县财政拨款" says who paid; the item's label before the colon says what
    assert other.subject == "县档案馆建设项目资金"
    assert _figure(doc, "30").subject == "档案管理项目资金"
    # a money name that holds 财政 stays the subject: "中央财政补助10,000万元"
    assert (
        _figure(_doc("资金的来源为:中央财政补助10,000万元,省级财政补助5,000万元。"), "10,000").subject == "中央财政补助"
    )


def test_an_execution_rate_of_matching_funds_is_measured_on_what_was_due_even_above_100_percent():
    # 104880.14 arrived against 20971.00 due: 500.12%; the 400.12% printed is the excess (83909.14 / 20971.00)
    doc = _doc("地方应配套20971.00万元,实际配套到位资金104880.14万元,超规模配套83909.14万元,执行率为400.12%。")
    found = [p for p in narrative_findings(doc) if p.code == "review.narrative.share"]
    assert [p.severity for p in found] == [Severity.WARNING] and "500.12%" in found[0].message
    # printed right (500.12%), nothing
    assert _codes(_doc(doc.segments[0].text.replace("400.12%", "500.12%"))) == []


def test_juance_is_one_measure_word():
    # "21万余卷册": 21万 卷册 (about), not 21万卷 followed by the word 册
    f = _figure(_doc("县档案馆内现有保存档案21万余卷册档案的日常管理。"), "21")
    assert (f.unit, f.approximate) == ("万卷册", True)


_LEVELS = (
    ("一级指标", "二级指标", "三级指标", "分值", "得分"),
    ("产出指标(50分)", "数量指标", "完成数量", "50", "45"),
    ("效益指标(50分)", "社会效益", "群众受益", "50", "48"),
    ("合计", "", "", "100", "93"),
)


@pytest.mark.parametrize(
    ("doubtful", "severity"),
    [
        ((1, 4), Severity.ERROR),  # a row's 得分 "45": not a weight the 指标体系总分 is compared with
        ((3, 4), Severity.ERROR),  # the 合计 得分 "93": not a weight either
    ],
)
def test_the_texts_weight_total_rests_on_the_level_weight_cells(doubtful, severity):
    # the text says 指标体系总分为110分; the levels' weights are 50 + 50 = 100, read from the labels
    # "产出指标(50分)" (a label is not a figure cell the OCR confidence is taken from, so it gives no hint either)
    levels = [[0.99 for _ in row] for row in _LEVELS]
    levels[doubtful[0]][doubtful[1]] = 0.5
    table = Segment("table", 1, rows=_LEVELS, page=1, confidence=0.5, cell_confidence=tuple(map(tuple, levels)))
    text = [
        Segment("paragraph", i, line, page=1, confidence=0.99)
        for i, line in enumerate(("2023年度项目支出绩效自评报告", "本项目绩效指标体系总分为110分。"), 1)
    ]
    from jixiao.review.pipeline import review_document

    found = [
        f
        for f in review_document(SourceDocument(Path("扫描件.pdf"), [*text, table])).findings
        if f.code == "review.stated_total" and f.actual == "110"
    ]
    assert [f.severity for f in found] == [severity]


def test_the_corpus_meaning_count_takes_a_figure_read_without_a_subject_as_not_right():
    # bench/review_corpus.py's count: value 30 万元 equal, but an empty subject read is inside every subject
    # ("" in "档案管理支出"), so it used to count as right; now only a subject that overlaps does
    from types import SimpleNamespace

    from jixiao.review.corpus import _same_figure

    hand = {"value": "30", "unit": "万元", "subject": "档案管理支出"}
    assert not _same_figure(hand, SimpleNamespace(value=Decimal("30"), unit="万元", subject=""))
    assert _same_figure(hand, SimpleNamespace(value=Decimal("30"), unit="万元", subject="档案管理支出"))
    # a hand figure with no subject asks only for value and unit
    assert _same_figure({"value": "30", "unit": "万元"}, SimpleNamespace(value=Decimal("30"), unit="万元", subject=""))


def test_whole_numbers_in_a_list_printed_to_one_decimal_are_read_at_that_place():
    # n173: 43.8 + 43 + 1500 = 1586.8 vs 1586; each figure's own half unit (±0.05, ±0.5, ±0.5, total ±0.5) reaches
    # it, but beside 43.8 the 43 and 1500 are 43.0 and 1500.0: 1586.8 ± 0.15 misses 1586 ± 0.5 — a warning only
    text = "专项资金共计{}万元,其中:甲项目43.8万元;乙项目43万元;丙项目1500万元。"
    assert _codes(_doc(text.format(1586))) == [("parts_total", Severity.WARNING)]
    assert _codes(_doc(text.format(1587))) == []  # 1586.8 rounds to 1587
    # a list printed to one place keeps each figure's half unit: 44 + 43 + 1500 = 1587 vs 1586 within ±2
    assert _codes(_doc("专项资金共计1586万元,其中:甲项目44万元;乙项目43万元;丙项目1500万元。")) == []
    # a complete partition found off only at the list's place is a warning, not an error (it rests on the reading)
    # 120.3 + 70 = 190.3 vs 191 ± 0.5: own half units give 190.3 ± 0.55, which reaches 190.5; at the list's place
    # 190.3 ± 0.1 does not
    assert _codes(_doc("支出合计191万元，其中基本支出120.3万元，项目支出70万元。")) == [
        ("parts_total", Severity.WARNING)
    ]


def test_a_number_of_years_is_a_duration_but_a_year_or_a_period_is_not():
    # n174: "使用年限不低于5年", "两年内", "不到1年"; n64: "≥15年" — lengths of time in 年
    doc = _doc("购买设备使用年限不低于5年,资金在两年内完成支付,距离设备采购仅过去不到1年时间。")
    assert [(f.raw, f.unit) for f in extract_narrative_figures(doc) if f.unit == "年"] == [
        ("5", "年"),
        ("两", "年"),
        ("1", "年"),
    ]
    # "2019年" is a year, "2019年度"/"5年度" a period, "近三年" and "三年来" a span of past years, "10万年" no figure
    doc = _doc("2019年完成投资,2019年度预算,近三年累计,三年来持续推进,第5年度考核。")
    assert [f.text for f in extract_narrative_figures(doc) if f.unit.endswith("年")] == []
    # 4个季度 is a count of quarters, not of 个
    assert _figure(_doc("资金是分4个季度支出。"), "4").unit == "个季度"


def test_a_count_after_a_list_of_names_is_of_its_noun_not_of_the_last_name():
    # n176: "火化车间部门、遗体接运部门、办公室、财务室4个部门" counts the four names: its subject is 部门,
    # not 财务室部门
    doc = _doc("馆内现设火化车间部门、遗体接运部门、办公室、财务室4个部门,事业单位编制数11人。")
    assert _figure(doc, "4").subject == "部门"
    # a figure's own list keeps each item's name: "道路3条、桥梁2座"
    doc = _doc("完成道路3条、桥梁2座。")
    assert [f.subject for f in extract_narrative_figures(doc)] == ["道路", "桥梁"]
