"""Review of narrative reports, continued from tests/test_review_narrative2.py: the tenth held-out batch (n197–n207)
and the known misreads it was asked to settle. Every phrasing below is taken from a real report of
tests/fixtures/review_corpus/n*/ and every number is worked by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.model.problems import Severity
from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures, narrative_findings
from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _figure(doc: SourceDocument, raw: str, unit: str | None = None, nth: int = 0) -> NarrativeFigure:
    found = [f for f in extract_narrative_figures(doc) if f.raw == raw and (unit is None or f.unit == unit)]
    assert len(found) > nth, f"no figure {raw}{unit or ''} in {[f.text for f in extract_narrative_figures(doc)]}"
    return found[nth]


def _codes(doc: SourceDocument) -> list[tuple[str, Severity]]:
    return [(p.code.removeprefix("review.narrative."), p.severity) for p in narrative_findings(doc)]


# --- n202: a part's own "主要是" list is a level down -----------------------------------------------------------------

_N202 = (
    "(一)收入预算:2025年收入合计{}万元,其中:本年收入6128.16万元,主要是一般公共预算拨款5478.16万元,"
    "政府性基金预算拨款0.00万元,国有资本经营预算收入0.00万元,财政专户管理资金收入650.00万元,事业收入0.00万元,"
    "其他收入0.00万元;上年结转收入2177.17万元。"
)


def test_a_part_with_its_own_zhuyaoshi_list_is_one_part_of_the_total():
    # 本年收入 6128.16 (= 5478.16 + 650.00 + four zeros) + 上年结转 2177.17 = 8305.33: the sub-items are a level down
    assert all(code != "parts_total" for code, _ in _codes(_doc(_N202.format("8305.33"))))
    # against 8300.00 the two parts exceed the total by 5.33; the finding adds the two parts, not the sub-items
    found = [p for p in narrative_findings(_doc(_N202.format("8300.00"))) if p.code.endswith("parts_total")]
    assert len(found) == 1
    assert "6128.16万元＋2177.17万元＝8305.33万元" in found[0].message


# --- n200: one label for the totals of two differently counted sets -------------------------------------------------


def test_totals_of_sets_counted_differently_are_not_one_subject():
    # 24 projects of 19 units total 55021.60; the 2 units of the 部门整体 evaluations total 5789.67: two sets
    doc = _doc(
        "本次项目支出绩效评价共24个项目,共涉及甲局、乙局等19家预算单位,预算资金总额55021.60万元。",
        "本次部门整体支出绩效评价共涉及2个单位,分别是丙局、丁乡人民政府,预算资金总额5789.67万元。",
    )
    assert all(code != "same_subject" for code, _ in _codes(doc))
    # the same count of the same things twice, with two totals: one subject stated twice
    doc = _doc(
        "本次部门整体支出绩效评价共涉及2个单位,预算资金总额5789.67万元。",
        "经复核,本次部门整体支出绩效评价共涉及2个单位,预算资金总额5798.67万元。",
    )
    assert ("same_subject", Severity.WARNING) in _codes(doc)


# --- n205: 具 (bodies) and 笔 (sums of money) are measure words ------------------------------------------------------


def test_ju_and_bi_are_measure_words():
    doc = _doc("超额完成火化任务2000具,2019年共火化遗体2317具。资金分3笔下达,具体如下。")
    assert (_figure(doc, "2317").unit, _figure(doc, "2317").subject) == ("具", "火化遗体")
    assert _figure(doc, "2000").unit == "具"
    assert _figure(doc, "3").unit == "笔"
    # "具体", "具有" after a number are words, not counts of 具
    assert not [f for f in extract_narrative_figures(_doc("共有2具有关部门的批复。")) if f.unit == "具"]


# --- n199, n203: a total whose clause names nothing is of the thing the clause before counted ---------------------


def test_a_total_after_a_count_clause_is_of_the_things_counted():
    # "产业类项目5个,共计4197万元": the 4197万元 is the 产业类项目's money (it had no subject)
    doc = _doc("(一)产业类项目5个,共计4197万元。", "(1)种植类产业项目2个,共计1592万元。")
    assert _figure(doc, "4197").subject == "产业类项目"
    assert _figure(doc, "1592").subject == "种植类产业项目"
    # "一个季度开展工作督导一次,共4次": the 4次 are督导 (it was read as a count of 次)
    doc = _doc("开展工作督导:一个季度开展工作督导一次,共4次。")
    assert "工作督导" in _figure(doc, "4").subject
    # after a list of two amounts the 共计 closes the list: its subject is not the last item's
    doc = _doc("分配甲公司演出补助50万元,乙局50万元,共计100万元。")
    assert _figure(doc, "100").subject == ""


# --- n179, n203: a label before a colon names the figure its clause does not name -----------------------------------


def test_a_label_before_a_colon_names_the_figure_after_it():
    # n179: the 38112头 are 能繁母猪 insured (it was read as 计划和实际投保 alone)
    doc = _doc("3、能繁母猪:全县2020年计划和实际投保38112头,总保险为343万元。")
    assert _figure(doc, "38112").subject.startswith("能繁母猪")
    assert _figure(doc, "343").subject == "总保险"  # a clause that names its own figure keeps its name
    # n203: "一个季度报送一次" says how often, not what
    doc = _doc("及时发现隐患和薄弱环节:一个季度报送一次,共4次。")
    assert _figure(doc, "一").subject.startswith("及时发现隐患和薄弱环节")
    # a label that the clause's own noun repeats adds nothing
    doc = _doc("(一)收入预算:2025年收入合计8305.33万元,其中本年收入6128.16万元。")
    assert _figure(doc, "8305.33").subject == "收入"
    # n09: money the clause names is named ("时效指标" is the indicator's group, not what the 149.63万元 is)
    doc = _doc("时效指标:2023年收到资金合计149.63万元。")
    assert _figure(doc, "149.63").subject == "资金"  # 收到 is its relation


# --- n160, n198: a score printed without 分 after its score word --------------------------------------------------


def test_a_bare_number_after_a_score_word_is_a_score():
    doc = _doc("下达达州市2021年国家非物质文化遗产保护资金用于年度重点项目保护补助。自评得分92.45,综合评价结果为:优。")
    score = _figure(doc, "92.45")
    assert (score.unit, score.kind, score.subject) == ("分", "score", "自评得分")
    doc = _doc("一、资金保障方面,指标评价得分12")
    assert _figure(doc, "12").unit == "分"
    # a rate of scoring and a rank are no scores
    assert not extract_narrative_figures(_doc("指标得分率95,排名第3。"))


# --- n191: 此项 points back; a standard's group named by the short sentence before ----------------------------------


def test_a_demonstrative_points_back_and_what_stands_before_it_is_not_the_subject():
    doc = _doc("二是供餐标准。每生每天3元,每年按200天供餐。省财政厅、省教育厅已下发我县2011年秋季此项补助979万元。")
    assert _figure(doc, "979").subject == "补助"  # not "省财政厅、省教育厅已下发我县2011年秋季此项补助"
    assert _figure(doc, "3").subject == "供餐标准"  # "每生每天" says per whom, the sentence before says what
    # 本项目 is no demonstrative
    assert _figure(_doc("县财政安排本项目资金50万元。"), "50").subject.endswith("本项目资金")


# --- n157, n159: standards of so much a unit ------------------------------------------------------------------------


def test_a_standard_in_brackets_after_an_amount_is_of_that_amount():
    # n157: "直接补助费197万元(每亩197元)": 197元 an 亩 is the 直接补助费's standard; "3万亩元" is 3万元 (a stray 亩)
    doc = _doc(
        "拨付资金200万元,其中,直接补助费197万元(每亩197元),项目设计、监督、检查、验收等间接费用3万亩元(每亩3元)。"
    )
    assert _figure(doc, "197", "元/亩").subject == "直接补助费"  # so much an 亩 (元/亩 since the eleventh batch)
    assert _figure(doc, "3", "万元").subject.endswith("间接费用")
    assert _figure(doc, "3", "元/亩").subject.endswith("间接费用")
    # n159: "按照7000元/人进行补助": the standard is so much a 人, not a "人进"
    assert _figure(_doc("对三名省级非遗代表性传承人按照7000元/人进行补助。"), "7000").unit == "元/人"
    assert _figure(_doc("补助标准为每年1000元/生.年。"), "1000").unit == "元/生.年"
    assert _figure(_doc("改造标准为20万元/公里。"), "20").unit == "万元/公里"


def test_a_label_that_names_a_group_of_indicators_does_not_name_the_figure():
    # n97: "数量指标" is the indicator's group; the 491米 are 道路建设
    assert _figure(_doc("数量指标:完成道路建设491米,已完成;"), "491").subject == "道路建设"


# --- second round after the tenth batch (n208–n211) ------------------------------------------------------------------


def test_a_difference_from_a_zero_amount_is_written_in_the_amounts_unit():
    # "涉及资金0万元" and "涉及资金656.93万元" stated of one subject: they differ by 656.93万元, not 6569300万元
    doc = _doc("本年敏感涉密项目0个,涉及资金0万元。", "本年非敏感涉密项目21个,其中,一等项目涉及资金656.93万元。")
    messages = [p.message for p in narrative_findings(doc) if p.code.endswith("same_subject")]
    assert all("6569300" not in m for m in messages)
    doc = _doc("经复核,下达资金0万元。", "经复核,下达资金656.93万元。")
    messages = [p.message for p in narrative_findings(doc) if p.code.endswith("same_subject")]
    assert messages and "相差656.93万元" in messages[0]


def test_the_count_an_amount_follows_says_which_set_it_totals():
    # n208: 敏感涉密项目0个 with 0万元, then 21个 一等 projects with 656.93万元 and 0个 二等 with 0万元: three sets
    doc = _doc(
        "项目中,敏感涉密项目0个,涉及资金0万元。",
        "所有项目均开展了绩效自评,其中非敏感涉密项目绩效自评结果为:21 个项目评为一等,涉及资金 656.93 万元,"
        "占项目总数比例 100%;0 个项目评为二等,涉及资金 0 万元,占项目总数比例 0%。",
    )
    assert all(code != "same_subject" for code, _ in _codes(doc))


def _review_codes(*paragraphs: str) -> list[str]:
    from jixiao.review.pipeline import review_document

    return [p.code for p in review_document(_doc(*paragraphs)).findings]


def test_the_entries_of_a_table_of_contents_are_not_the_reports_sections():
    # n211: the contents list "(一)存在的问题 19" and "(二)下一步改进工作的意见和建议 19" with their pages; the store
    # stops before the sections themselves, so there is no empty 存在的问题 section to find
    codes = _review_codes(
        "西藏昌都市宗教事务局2022年1-9月部门整体支出绩效评价报告",
        "目 录",
        "一、部门(单位)概况 1",
        "六、主要问题及具体建议 19",
        "(一)存在的问题 19",
        "(二)下一步改进工作的意见和建议 19",
        "一、部门(单位)概况",
        "市宗教局主要职责是:贯彻执行党中央、国务院和自治区关于宗教工作的方针政策。",
        "〔以下原文未存〕",
    )
    assert "review.problems_empty" not in codes


def test_a_project_spending_total_is_not_the_departments_final_spending():
    # n208: "项目支出总额656.93万元" is the 21 projects', not the department's 决算支出 against its 年初预算1022.89万元
    from jixiao.review.pipeline import review_document

    doc = _doc(
        "某中心2024年度部门整体支出绩效自评报告",
        "我部门及所属二层单位2024年度项目21个,项目支出总额656.93万元。",
        "2024年部门年初预算1022.89万元,年中调整预算为1781.86万元,全年执行数1767.21万元。",
    )
    found = [p for p in review_document(doc).findings if p.code == "check.large_adjustment"]
    assert all("656.93" not in p.message for p in found)


def test_a_date_opening_its_sentence_before_a_comma_dates_what_the_sentence_goes_on_to_say():
    # n199: "2022年11月29日,《……的通知》(……34号)下达我区……补助资金3174万元": the date of that 下达
    doc = _doc(
        "2022年11月29日,《黑龙江省财政厅关于提前下达2023年中央财政衔接推进乡村振兴补助资金预算的通知》"
        "(黑财指(农)〔2023〕34号)下达我区财政衔接推进乡村振兴补助资金3174万元。"
    )
    assert "财政衔接推进乡村振兴补助资金" in _figure(doc, "2022年11月29日").subject
    # after a "；" too
    doc = _doc("甲资金已到位;2022年12月20日,《乙通知》下达我区补助资金2958万元。")
    assert "补助资金" in _figure(doc, "2022年12月20日").subject
    # a date closing its clause keeps what its clause says of it
    doc = _doc("截至2023年12月31日,资金已使用2.00万元。")
    assert "资金" not in _figure(doc, "2023年12月31日").subject


def test_a_score_named_only_as_a_score_is_the_score_of_its_heading():
    # n198: "一、资金保障方面,指标评价得分12" and, under "(一)县级履行支出责任情况", "…指标评价得分7分"
    doc = _doc(
        "一、资金保障方面,指标评价得分12",
        "(一)县级履行支出责任情况",
        "2023年度县本级预算安排的衔接资金为64万元,2024年度县本级预算安排的衔接资金为76万元,指标评价得分7分。",
    )
    assert _figure(doc, "12").subject.startswith("资金保障方面")
    assert _figure(doc, "7").subject.startswith("县级履行支出责任情况")
    # a score that names what it scores keeps its name
    assert _figure(_doc("(一)自评结论", "产出指标得分45分。"), "45").subject == "产出指标得分"


def test_counts_of_graded_projects_after_a_semicolon():
    # n208: ";0 个项目评为二等": the count is of 项目 (评为 is a verb), not of the share before the ";"
    doc = _doc(
        "其中非敏感涉密项目绩效自评结果为:21 个项目评为一等,涉及资金 656.93 万元,占项目总数比例 100%;"
        "0 个项目评为二等,涉及资金 0 万元。"
    )
    assert _figure(doc, "21").subject == "项目"
    assert _figure(doc, "0", "个").subject == "项目"


# --- n161 (a known gap): an allocation list in the paragraph after the amount allocated ----------------------------

_N161 = (
    "2023年,省下达我县安徽省体育强省(快乐健身)专项资金63.2万元。年度绩效目标为:继续深化全民健身。",
    "(二)资金安排、分解下达预算和绩效目标情况。",
    "2023年我县体育强省资金安排是:支持体育设施建设5万元,支持青少年竞技体育13万元,支持体育产业发展5万元,"
    "支持口袋公园5万元、百姓健身房5万元、健身步道10万元,支持体育项目培训1.2万元,支持体育赛事活动3万元,"
    "支持快乐健身点位器材维护{}万元。总体绩效目标是:继续深化全民健身。",
)


def test_an_allocation_list_is_held_to_the_amount_allocated_before_it():
    # 5 + 13 + 5 + 5 + 5 + 10 + 1.2 + 3 + 12 = 59.2 of the 63.2 allocated: 4万元 in no item
    doc = _doc(_N161[0], _N161[1], _N161[2].format("12"))
    found = [p for p in narrative_findings(doc) if p.code.endswith("parts_total")]
    assert [p.severity for p in found] == [Severity.WARNING]
    assert "59.2" in found[0].message and "63.2" in found[0].message
    # with 16 for the last item the list is the whole 63.2
    assert not [
        p for p in narrative_findings(_doc(_N161[0], _N161[1], _N161[2].format("16"))) if p.code.endswith("parts_total")
    ]
    # a list that says it is partial, or funds of another name, are not held to it
    partial = _N161[2].format("12").replace("资金安排是", "资金主要安排是")
    assert not [p for p in narrative_findings(_doc(_N161[0], _N161[1], partial)) if p.code.endswith("parts_total")]
    other = _N161[2].format("12").replace("体育强省资金", "全民健身资金")
    assert not [p for p in narrative_findings(_doc(_N161[0], _N161[1], other)) if p.code.endswith("parts_total")]


# --- third round (n212–n213) -------------------------------------------------------------------------------------


def test_a_phase_in_a_projects_name_is_no_count_and_a_duration_is_of_the_noun_after_its_bound():
    # n212: "沙日扎嘎查特色产品加工车间二期建设项目" names a phase; n213: "结转两年以上的资金" — 资金 held two years
    doc = _doc("中央财政衔接推进乡村振兴补助资金-沙日扎嘎查特色产品加工车间二期建设项目资金,执行率100%。")
    assert not [f for f in extract_narrative_figures(doc) if f.unit == "期"]
    assert [f.value for f in extract_narrative_figures(_doc("项目分二期实施,共计3个项目。")) if f.unit == "期"] == [2]
    doc = _doc("根据有关文件要求,结转两年以上的资金由县财政收回统筹使用。")
    assert _figure(doc, "两", "年").subject == "资金"


def test_an_allocation_list_under_a_generic_name_is_not_held_to_an_earlier_amount():
    # "项目资金安排是:", "中央资金安排是:" name no fund of their own: the 63.2 above may be any of several
    for name in ("项目资金", "中央资金"):
        text = _N161[2].format("12").replace("体育强省资金", name)
        doc = _doc(_N161[0].replace("体育强省(快乐健身)专项资金", "体育强省项目中央资金"), _N161[1], text)
        assert not [p for p in narrative_findings(doc) if p.code.endswith("parts_total")], name


def test_a_list_number_run_into_a_count_is_not_a_decimal():
    # n167: "7.21个司法所基本完成信息化建设" is item 7, 21 司法所 — not 7.21个
    doc = _doc("6.办案(业务)经费主要用于基层司法所业务费;", "7.21个司法所基本完成信息化建设。")
    counts = [(f.value, f.unit) for f in extract_narrative_figures(doc) if f.kind == "count"]
    assert counts == [(21, "个")]
    # a count printed with decimals elsewhere is what it is ("10.7万人次")
    assert _figure(_doc("全年服务10.7万人次。"), "10.7").unit == "万人次"


def test_counties_are_counted():
    # n50, n158: "全州12县(市)", "保山市五县"
    assert _figure(_doc("覆盖全州12县(市)。"), "12").unit == "县"


def test_the_period_of_a_frequency_is_a_figure():
    # n203: "一个季度开展工作督导一次,共4次": once a quarter — the quarter is counted, as "分4个季度支出" is
    doc = _doc("开展工作督导:一个季度开展工作督导一次,共4次。")
    quarter = _figure(doc, "一", "个季度")
    assert quarter.value == 1 and "开展工作督导" in quarter.subject
    # "一个季度" that no frequency follows is a phrase, not a figure
    assert not [f for f in extract_narrative_figures(_doc("用了一个季度的时间完成整改。")) if f.unit == "个季度"]


def test_a_rate_of_what_a_verb_did_to_a_budget_keeps_both():
    # n212: "项目全年预算数*元,执行数*元,完成预算的100%": the rate is of 完成预算 (the masked amounts are no figures)
    doc = _doc("项目一:乙项目,项目全年预算数*元,执行数*元,完成预算的100%。")
    assert [f.raw for f in extract_narrative_figures(doc)] == ["100"]
    assert _figure(doc, "100").subject == "完成预算"


def test_a_total_word_ends_the_noun_after_a_count():
    # n199: "以上两笔资金共计6132万元": two sums of 资金, 6132万元 of them — 共计 is the relation, not part of the noun
    doc = _doc("下达我区补助资金2958万元。以上两笔资金共计6132万元,均已到位。")
    assert _figure(doc, "两", "笔").subject.endswith("资金")
    total = _figure(doc, "6132")
    assert total.subject.endswith("资金") and total.relation == "共计"
