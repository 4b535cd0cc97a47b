"""Review of narrative reports, the eleventh held-out batch (tests/fixtures/review_corpus/n214–n225) and the known
misreads before it: lists on numbered lines, unit slips, per-unit standards in brackets, counts of a noun after
another count, phases, ranges and areas whose ² was lost. Every number below is worked by hand beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.model.problems import Severity
from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures, narrative_findings
from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _figures(doc: SourceDocument, raw: str, unit: str | None = None) -> list[NarrativeFigure]:
    return [f for f in extract_narrative_figures(doc) if f.raw == raw and (unit is None or f.unit == unit)]


def _figure(doc: SourceDocument, raw: str, unit: str | None = None) -> NarrativeFigure:
    found = _figures(doc, raw, unit)
    assert found, f"no figure {raw}{unit or ''} in {[f.text for f in extract_narrative_figures(doc)]}"
    return found[0]


def _codes(doc: SourceDocument) -> list[tuple[str, Severity]]:
    return [(p.code.removeprefix("review.narrative."), p.severity) for p in narrative_findings(doc)]


_LINES = (
    "年初专项经费指标总额为84万元,其中:",
    "1、档案保护保管专项经费指标为36万元,用于对现有档案进行保护保管;",
    "2、档案保护管理(电费)专项指标为16万元,用于设施设备正常运行;",
    "3、档案装具专项指标为12万元,用于纸质档案整理;",
    "4、业务系统升级维护专项经费指标为5万元,用于系统维护;",
    "5、外租库房租赁经费专项指标为{},用于租赁临时专业库房。",
)


def test_a_list_on_numbered_lines_that_adds_up_only_with_another_unit_is_a_unit_slip():
    # n214: 36 + 16 + 12 + 5 万元 + 15元 = 69.0015万元, not 84; with 15万元 the five give 84 exactly
    problems = narrative_findings(_doc(*_LINES[:-1], _LINES[-1].format("15元")))
    assert [(p.code, p.severity) for p in problems] == [("review.narrative.parts_total", Severity.WARNING)]
    assert "若“15元”的金额单位为“万元”" in problems[0].message and "第1段" in problems[0].message


def test_a_list_on_numbered_lines_is_held_to_its_total_as_its_list_word_says():
    assert _codes(_doc(*_LINES[:-1], _LINES[-1].format("15万元"))) == []  # 36 + 16 + 12 + 5 + 15 = 84
    assert _codes(_doc(*_LINES[:-1], _LINES[-1].format("10万元"))) == []  # 79 < 84: 其中 may leave a part out
    # 36 + 16 + 12 + 5 + 20 = 89 > 84: more than the whole
    assert _codes(_doc(*_LINES[:-1], _LINES[-1].format("20万元"))) == [("parts_total", Severity.WARNING)]
    # 分别为 lists every part: 79 ≠ 84 is an error
    lines = (_LINES[0].replace("其中", "分别为"), *_LINES[1:-1], _LINES[-1].format("10万元"))
    assert _codes(_doc(*lines)) == [("parts_total", Severity.ERROR)]
    # a slip that does not make the list add up is no slip: 69.001 ≠ 84 either way, and 其中 may leave parts out
    assert _codes(_doc(*_LINES[:-1], _LINES[-1].format("10元"))) == []


def test_a_unit_slip_in_a_list_in_one_sentence():
    # 60 + 40 = 100 only with 40万元: "40元" beside 万元 amounts is a slip, even under 其中
    doc = _doc("下达资金100万元，其中中央资金60万元，省级资金40元。")
    problems = narrative_findings(doc)
    assert [(p.code, p.severity) for p in problems] == [("review.narrative.parts_total", Severity.WARNING)]
    assert "若“40元”的金额单位为“万元”" in problems[0].message


def test_a_phase_in_brackets_after_a_name_is_no_count():
    # n224: "瓯海区排水管网工程(二期)梧田一、二标段" names the second phase; nothing is counted
    doc = _doc("瓯海区排水管网工程(二期)梧田一、二标段等项目已开工建设,其中22个项目已完工。")
    assert [(f.raw, f.unit) for f in extract_narrative_figures(doc)] == [("22", "个")]
    assert _figure(_doc("工程分二期实施。"), "二", "期").value == 2  # a count of phases stays one


def test_values_listed_before_one_measure_word_and_budeng_share_it():
    # n217: "红线宽度为14、20m不等": two widths, 14 m and 20 m, both of 红线宽度
    doc = _doc("均为规划支路,红线宽度为14、20m不等。")
    assert [(f.raw, f.unit, f.subject) for f in extract_narrative_figures(doc)] == [
        ("14", "m", "红线宽度"),
        ("20", "m", "红线宽度"),
    ]


def test_a_count_and_the_storeys_of_the_same_buildings_and_an_area_whose_square_was_lost():
    # n218: "拟新建3栋4层的复式标准厂房,总建筑面积为68540.39m": 3 buildings of 4 storeys; the area is in ㎡
    doc = _doc("(1)拟新建3栋4层的复式标准厂房,总建筑面积为68540.39m;(2)新建道路广场,占地面积约为4978.48m。")
    assert _figure(doc, "3", "栋").subject.endswith("复式标准厂房")
    assert _figure(doc, "4", "层").subject.endswith("复式标准厂房")
    assert (_figure(doc, "68540.39").unit, _figure(doc, "4978.48").unit) == ("㎡", "㎡")
    assert _figure(_doc("道路总长度为4335.943m。"), "4335.943").unit == "m"  # a length stays a length
    # n208: "所属二层单位" is a tier of units, not two storeys
    assert not _figures(_doc("我部门及所属二层单位2024年度项目21个。"), "二")


def test_one_after_a_verb_that_sets_up_bodies_is_a_count():
    # n220: "内设一个办学机构,八个内部机构"
    doc = _doc("内设一个办学机构,八个内部机构。在编教师数为31 人。")
    one = _figure(doc, "一", "个")
    assert one.value == 1 and one.subject.endswith("办学机构")


def test_a_standard_in_brackets_after_an_amount_is_so_much_a_unit():
    # n157: "直接补助费197万元(每亩197元)": 197元 an 亩, a standard (never a part of a sum)
    doc = _doc("拨付资金200万元,其中,直接补助费197万元(每亩197元),间接费用3万元(每亩3元)。")
    standard = _figure(doc, "197", "元/亩")
    assert standard.per_unit and standard.subject == "直接补助费"
    assert _figure(doc, "197", "万元").unit == "万元" and not _figure(doc, "197", "万元").per_unit


def test_people_counted_after_the_places_they_live_in_are_the_clause_topic():
    # n212: "受益人群三个嘎查261人": 3 嘎查, and 261 people who benefit — not 261 嘎查
    doc = _doc("受益人群三个嘎查261人,确保边民补助发放合法合规。")
    assert _figure(doc, "三", "个").subject.endswith("嘎查")
    assert _figure(doc, "261").subject == "受益人群"
    # a topic that names no people is not the households' subject: "项目覆盖3个村526户" keeps the 村
    assert _figure(_doc("项目覆盖3个村526户。"), "526").subject == "村"
    # "年初批复预算8个项目985万元": an amount after a count keeps the count's noun (unchanged)
    assert _figure(_doc("年初批复预算8个项目985万元。"), "985").subject == "年初批复预算项目"


def test_the_dates_of_a_period_in_which_something_was_done_to_an_object():
    # n211: "于2022年11月10日至2022年11月27日对……部门整体支出开展绩效评价": both ends date 开展绩效评价
    doc = _doc(
        "我们接受市财政局委托,于2022年11月10日至2022年11月27日对西藏昌都市宗教事务局(以下简称“市宗教局”)"
        "2022年1-9月部门整体支出开展绩效评价,具体情况如下:"
    )
    dates = [(f.display(), f.subject) for f in extract_narrative_figures(doc) if f.kind == "date"]
    assert dates == [("2022-11-10", "开展绩效评价"), ("2022-11-27", "开展绩效评价")]
    # one date: "于2022年5月10日对项目进行现场核查"
    doc = _doc("评价组于2022年5月10日对项目进行现场核查。")
    assert [f.subject for f in extract_narrative_figures(doc)] == ["进行现场核查"]


# --- second round after the eleventh batch (n226–n228) -----------------------------------------------------------


def test_another_measure_of_the_things_counted_in_the_clause_before():
    # n227: "新建农产品储存冷藏库10个,约50000立方米": 50000 m³ of those 冷藏库 (not a count of 立方米)
    doc = _doc("新建农产品储存冷藏库10个,约50000立方米;物流仓储中心约20000平方米;小型农产品加工车间4个,约8000平方米。")
    assert _figure(doc, "50000").subject == "农产品储存冷藏库"
    assert _figure(doc, "8000").subject == "小型农产品加工车间"
    assert _figure(doc, "20000").subject == "物流仓储中心"
    # a clause with words of its own names its own thing: "18个行政村,东西2个社区服务站"
    assert _figure(_doc("辖区共包括18个行政村,东西2个社区服务站。"), "2").subject.endswith("社区服务站")


def test_a_two_digit_year_at_the_head_of_a_name_is_no_duration():
    # n226, a 2024 report: "24年乡村医生定额补助项目" is the 2024 project, not 24 years
    doc = _doc("2024年度项目支出自评,其中包括24年乡村医生定额补助项目、24年农牧民体检经费等,共计16个项目。")
    assert [(f.raw, f.unit) for f in extract_narrative_figures(doc)] == [("16", "个")]
    # a duration stays one: "使用年限不低于24年" and "24年来" in the same report
    assert _figure(_doc("2024年度,设备使用年限不低于24年。"), "24", "年").value == 24
    assert _figure(_doc("2024年度,扎根基层24年以来。"), "24", "年").value == 24


def test_numbered_lines_a_level_down_are_not_parts_of_the_total():
    # "1、人员经费300万元,其中:" / "(1)工资200万元" / "(2)社保100万元" / "2、公用经费200万元": 300 + 200 = 500
    doc = _doc(
        "年初预算数500万元,具体如下:",
        "1、人员经费300万元,其中:",
        "(1)工资200万元;",
        "(2)社保100万元;",
        "2、公用经费200万元。",
    )
    assert _codes(doc) == []
    # the same with 公用经费 250万元: 550 ≠ 500, and 具体如下 lists every part
    lines = [*(s.text for s in doc.segments[:-1]), "2、公用经费250万元。"]
    assert ("parts_total", Severity.ERROR) in _codes(_doc(*lines))


def test_the_body_and_year_a_subject_opens_with_are_not_the_subject():
    # n214: "长沙市城市建设档案馆2022年年初专项经费指标总额为84万元": what the 84万元 is, is 年初专项经费指标
    doc = _doc("长沙市城市建设档案馆2022年年初专项经费指标总额为84万元。")
    assert _figure(doc, "84").subject == "年初专项经费指标"
    assert _figure(_doc("许镇镇2020年项目资金100万元。"), "100").subject == "项目资金"  # a place, as before


def test_the_bodies_that_set_up_the_things_counted_are_not_the_list():
    # n229: "五里店街道党工委、五里店街道办事处设下列内设机构6个,分别是:1、……;6、……": the two bodies set up the
    # six offices listed after; they are not a list of two 机构
    doc = _doc(
        "五里店街道党工委、五里店街道办事处设下列内设机构6个,分别是:1、综合办公室;2、党群工作办公室;3、平安建设办公室;"
        "4、城市管理办公室;5、社区建设办公室;6、民生保障办公室;另外设置:纪工委(派出监察组)。"
    )
    assert _codes(doc) == []
    # a list before its count is still held to it: "涉及甲镇、乙镇、丙乡4个乡镇"
    assert _codes(_doc("项目涉及甲镇、乙镇、丙乡4个乡镇。")) == [("count_items", Severity.WARNING)]


def test_data_volumes_are_figures():
    # n148: "先后接收省中心配发的数字资源达7TB"
    doc = _doc("配备总价值达68万元的设备,先后接收省中心配发的数字资源达7TB。")
    assert (_figure(doc, "7").unit, _figure(doc, "7").subject) == ("TB", "先后接收省中心配发的数字资源")


def test_a_period_whose_clause_ends_before_the_object_it_was_spent_on():
    # n227: "于2023年12月5日至15日,对……完成情况进行了调查": both dates are of the inquiry
    doc = _doc("由工作人员组成评价工作组,于2023年12月5日至15日,对项目各项绩效指标完成情况进行了调查。")
    dates = [(f.display(), f.subject) for f in extract_narrative_figures(doc) if f.kind == "date"]
    assert dates == [("2023-12-05", "进行了调查"), ("2023-12-15", "进行了调查")]


def test_a_month_and_day_with_no_full_date_in_its_paragraph_is_in_the_report_year_when_an_event_follows():
    # n154, a 2020 report: "……于10月20日便启动项目招投标手续,并于11月6日正式发布招标公告,12月16日召开评标会议"
    doc = _doc(
        "2020年度专项经费绩效自评报告",
        "第二批经费295万元下达到位后,项目实施主体于10月20日便启动项目招投标手续,并于11月6日正式发布招标公告,"
        "12月16日召开评标会议。",
    )
    dates = [f.display() for f in extract_narrative_figures(doc) if f.kind == "date"]
    assert dates == ["2020-10-20", "2020-11-06", "2020-12-16"]
    # with nothing happening on it, a month and day stays unread: "每年6月30日前" is a recurring deadline
    doc = _doc("2020年度专项经费绩效自评报告", "各单位须于每年6月30日前报送资料。")
    assert [f for f in extract_narrative_figures(doc) if f.kind == "date"] == []


# --- fifth round (n233–n235) -------------------------------------------------------------------------------------


def test_a_last_name_after_a_comma_is_one_more_item_of_the_list():
    # n233: "行政类10个办公室分别是甲办公室、……、应急管理办公室,综合行政执法办公室": ten names, the last after a comma
    names = "、".join(f"第{n}办公室" for n in "一二三四五六七八九")
    assert _codes(_doc(f"我镇行政类10个办公室分别是{names},综合行政执法办公室。")) == []
    eleven = _doc(f"我镇行政类11个办公室分别是{names},综合行政执法办公室。")
    assert _codes(eleven) == [("count_items", Severity.WARNING)]


def test_names_and_slogans_with_numerals_count_nothing():
    # n234 and the 三公 statements: "中央八项规定精神" is a name;
    # n235: "“一轴引领、四翼联动、六张名片、百村示范”" is a slogan
    doc = _doc("认真贯彻落实中央八项规定精神,围绕“一轴引领、四翼联动、六张名片、百村示范”的目标,新建公厕两座。")
    assert [(f.raw, f.unit) for f in extract_narrative_figures(doc)] == [("两", "座")]


def test_a_stretch_goal_after_a_target_is_of_the_same_thing():
    # n235: "预期目标是:地区生产总值增长8%、力争9%": 9% is the stretch goal of the same growth
    doc = _doc("今年主要经济指标的预期目标是:地区生产总值增长8%、力争9%;城乡居民人均可支配收入与经济增长基本同步。")
    goal = _figure(doc, "9")
    assert (goal.subject, goal.relation) == (_figure(doc, "8").subject, "力争")
    assert "地区生产总值" in goal.subject


def test_what_a_clause_did_with_the_money_names_the_amount():
    # n217: "……项目资金3483万元列入2022年部门预算,2022年已完成支付3483万元": the second is the payment, not the budget
    doc = _doc("2022年项目资金3483万元列入2022年部门预算,2022年已完成支付3483万元。")
    paid = [f for f in extract_narrative_figures(doc) if f.raw == "3483"][1]
    assert "支付" in paid.subject and "部门预算" not in paid.subject


def test_a_date_with_the_report_signers_after_it_is_the_report_date():
    # n223: "评价机构:上海沪港金茂会计师事务所有限公司 二 O 一七 年 七 月 十五日 撰稿人 :瞿辰吉 复审人 :章勇安"
    doc = _doc("评价机构:甲会计师事务所有限公司 二O一七年七月十五日 撰稿人:某某 复审人:某某 目录 一、项目概况")
    assert [(f.display(), f.subject) for f in extract_narrative_figures(doc) if f.kind == "date"] == [
        ("2017-07-15", "报告日期")
    ]
