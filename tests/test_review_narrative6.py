"""Review of narrative reports, continued from tests/test_review_narrative5.py: the thirteenth held-out batch
(n247–n256) and what its first run showed. Every phrasing below is taken from a real report of
tests/fixtures/review_corpus/n*/ and every number is worked by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures
from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _figures(*paragraphs: str) -> list[NarrativeFigure]:
    return extract_narrative_figures(_doc(*paragraphs))


def _findings(*paragraphs: str) -> list:
    from jixiao.review.pipeline import review_document

    return review_document(_doc(*paragraphs)).findings


def _codes(*paragraphs: str) -> list[str]:
    return [p.code for p in _findings(*paragraphs)]


# --- n251: a 决算's 支出 of three kinds, its 占比 of the year's whole, its change explained by one item ------------

_N251 = (
    "山东省残疾人联合会2023年度部门整体支出绩效评价报告",
    "(二)部门预决算情况",
    "2023年度年初收支预算为50289.2万元,全年预算为63501.78万元,收支总决算63501.78万元,较上年度下降了20.73%,"
    "主要是特教学院新校区建设支出较上年减少了12687.32万元。",
    "本年支出合计61658.08万元,预算执行率为97.10%。年末结转结余1843.7万元。其中,基本支出13645.88万元、占比21.49%,"
    "项目支出47881.27万元、占比75.40%,经营支出130.93万元、占比0.21%。",
)


def test_basic_and_project_spending_are_not_the_whole_when_the_text_names_business_spending():
    # 13645.88 + 47881.27 + 130.93 = 61658.08: the 经营支出 is the third part of the 支出合计, so 基本 + 项目 =
    # 61527.15 is no mismatch
    assert "check.sum_mismatch" not in _codes(*_N251)


def test_basic_and_project_spending_that_do_not_add_up_are_still_an_error():
    # 13645.88 + 47881.27 = 61527.15 against a 支出合计 of 61658.08, and no third kind named
    codes = _codes("本年支出合计61658.08万元。其中,基本支出13645.88万元,项目支出47881.27万元。")
    assert "check.sum_mismatch" in codes


def test_shares_are_not_measured_against_a_head_smaller_than_each_part():
    # "年末结转结余1843.7万元。其中,基本支出13645.88万元、占比21.49%……": the 其中 lists the year's 支出, each of them
    # larger than the 1843.7 it follows; a share of a whole is never measured against an amount smaller than its part
    # (13645.88 / 63501.78 = 21.49%, 47881.27 / 63501.78 = 75.40%, 130.93 / 63501.78 = 0.21%)
    assert "review.narrative.share" not in _codes(*_N251)


def test_a_change_of_another_named_item_is_not_the_totals_change():
    # "收支总决算63501.78万元,较上年度下降了20.73%,主要是特教学院新校区建设支出较上年减少了12687.32万元": the 12687.32
    # is the decrease of one item the sentence names, the reason for the total's fall, not the total's decrease
    assert "review.narrative.growth_rate" not in _codes(*_N251)


def test_a_change_of_the_total_itself_is_still_measured():
    # the same sentence with the total's own decrease: 12687.32 / (63501.78 + 12687.32) = 16.65%, not 20.73%
    codes = _codes(
        "2023年度收支总决算63501.78万元,较上年度减少了12687.32万元,下降了20.73%,主要是特教学院新校区建设完工。"
    )
    assert "review.narrative.growth_rate" in codes


# --- what the first run of n247–n256 misread ------------------------------------------------------------------------


def test_an_approximation_after_a_count_is_no_noun():
    # n247: "建成市级特色小镇20个左右的具体目标": 20 个 市级特色小镇, not 20 of "左右"; "30个以上" the same
    (count,) = [f for f in _figures("提出全市经过3-5年创建,建成市级特色小镇20个左右的具体目标。") if f.unit == "个"]
    assert count.subject == "市级特色小镇"
    (count,) = _figures("建成服务站30个以上,覆盖全县。")
    assert count.subject == "服务站"


def test_lessons_are_counted_in_tang():
    # n249: "精心打磨10堂精品课程"
    (count,) = _figures("围绕党的二十大精神等精心打磨10堂精品课程,积极参加党校系统教学比武。")
    assert (count.value, count.unit) == (10, "堂") and count.subject.endswith("精品课程")


def test_phases_listed_in_a_name_are_no_counts():
    # n250: "城中村改造安置房三期、四期项目" names the project's third and fourth phases
    assert _figures("城厢街道湖头陈社区城中村改造安置房三期、四期项目,争取债券资金2.62亿元。")[0].unit == "亿元"
    assert not [f for f in _figures("安置房三期、四期项目") if f.unit == "期"]


def test_a_date_after_its_label_is_the_labels_not_the_next_labels():
    # n247: "来源:    发布日期: 2020-05-20  访问量:": the date is the 发布日期, not the 访问量 the next label names
    (date,) = _figures("来源:    发布日期: 2020-05-20  访问量:")
    assert date.subject == "发布日期"


# --- meaning misreads of the whole narrative corpus, by cause ---------------------------------------------------------


def test_a_word_is_not_cut_to_its_first_character():
    # n111, n240: "实有30人", "现有43人"; n21: "调减40万元", "全年实际下达71万元": 有, 减, 达 end the word here
    subjects = [f.subject for f in _figures("工勤事业编制4名,实有4人。离退休原有42人,新增1人,现有43人。")]
    assert subjects == ["工勤事业编制", "实有", "离退休原有", "新增", "现有"]
    assert [f.subject for f in _figures("调减40万元,全年实际下达71万元。")] == ["调减", "下达"]


def test_a_cutoff_date_is_a_cutoff():
    # n177: "截至2024年12月31日,在职人员编制6人": the date the count is taken at, not a "截"
    assert _figures("截至2024年12月31日,在职人员编制6人。")[0].subject == "截止"


def test_a_quoted_name_after_a_count_is_its_noun():
    # n109: "100个“家庭清洁行动”村"
    assert _figures("重点是40个农村垃圾治理乡镇、100个“家庭清洁行动”村。")[1].subject == "家庭清洁行动村"


def test_a_span_and_its_bound():
    # n13: "在30个工作日内" is a span, no "内"; n156: "接警后30秒内出动" counts seconds
    assert _figures("我县在30个工作日内完成资金分配。")[0].subject != "内"
    (seconds,) = _figures("接警后30秒内出动。")
    assert (seconds.value, seconds.unit) == (30, "秒")


# --- n257, a second round after the fixes ---------------------------------------------------------------------------


def test_a_phase_of_a_campus_is_no_count():
    # n257: "友谊医院通州院区二期开诊运行", "积水潭医院回龙观院区二期推进装修": the second phase of a campus
    # (院区, 园区, 小区 …), part of its name; "举办主体班三期" (n249) still counts three classes
    assert not _figures("朝阳医院东院、友谊医院通州院区二期开诊运行;积水潭医院回龙观院区二期推进装修。")
    assert [f.value for f in _figures("全年举办主体班三期,分别为上半年科干班、中青班,下半年新提科干班。")] == [3]


def test_a_month_and_day_that_an_act_follows_is_in_the_reports_year():
    # n257: "交钥匙新建医院项目已完成竣工验收,9月28日移交雄安新区" in a report on 2023
    (date,) = [
        f
        for f in _figures(
            "根据《关于认真做好2023年度市政府绩效管理年终考评工作的通知》要求,我们逐项梳理年度任务完成情况。",
            "交钥匙新建医院项目已完成竣工验收,9月28日移交雄安新区,目前已开诊试运。",
        )
        if f.kind == "date"
    ]
    assert date.display() == "2023-09-28"


# --- n258, a third round after the fixes ----------------------------------------------------------------------------


def test_a_total_after_a_semicolon_that_names_its_own_subject_closes_no_list_before():
    # n258: "2018年度收入合计1723.71万元,比2017年1817.82万元减少94.11万元,下降5.18%,主要原因是:……;2018年度支出合计
    # 1730.91万元……": the 支出 total sums neither the 收入 before the "；" nor 2017's amount the text compares with
    codes = _codes(
        "2018年度收入合计1723.71万元,比2017年1817.82万元减少94.11万元,下降5.18%,主要原因是:退休人员工资由人社局支出;"
        "2018年度支出合计1730.91万元,比2017年1826.05万元减少95.14万元,下降5.21%,主要原因是:减少了退休人员工资支出。"
    )
    assert "review.narrative.parts_total" not in codes


def test_a_closing_total_of_a_list_is_still_checked():
    # "甲项目30万元;乙项目20万元;合计60万元": 30 + 20 = 50, not 60 — the list runs across its "；", the total names
    # nothing of its own
    assert "review.narrative.parts_total" in _codes("安排甲项目30万元;乙项目20万元;合计60万元。")


# --- n259, a fourth round after the fixes ----------------------------------------------------------------------------


def test_a_count_before_jinxing_is_of_the_noun_before_it():
    # n259: "对……西平优质小麦共计28000亩进行补贴": 28000 亩 of 西平优质小麦, not of "进行补贴"
    (mu,) = [f for f in _figures("对全县西平优质小麦共计28000亩进行补贴。") if f.unit == "亩"]
    assert mu.subject == "西平优质小麦"


def test_an_amount_before_its_standard_is_the_standard():
    # n259: "按照每人每亩财政给予100元的小麦种植补贴标准发放", "按照每人每亩100元标准对……进行补贴"
    (first,) = _figures("按照每人每亩财政给予100元的小麦种植补贴标准发放。")
    assert first.subject == "小麦种植补贴标准"
    (second,) = _figures("种植优质小麦共计26930亩,按照每人每亩100元标准对脱贫户进行补贴。")[1:]
    assert second.subject == "标准"


def test_a_cause_is_not_what_decreased():
    # n259: "因死亡等原因减少4户10人": 因……原因 gives the cause; the figures are a decrease
    households, people = _figures("在实际执行过程中,因死亡等原因减少4户10人。")
    assert "原因" not in households.subject and "原因" not in people.subject


# --- n260–n261, a fifth round after the fixes -------------------------------------------------------------------------


def test_two_lines_of_road_are_counted():
    # n261: "涉及两条线路" counts two roads; "收支两条线" (n181) stays a name
    (lines,) = _figures("项目通过邀请招标,涉及两条线路,分别为核桃树河至小利黑、小利黑至竹箐河。")
    assert (lines.value, lines.unit, lines.subject) == (2, "条", "线路")
    assert not _figures("严格执行财政预算,实行收支两条线管理。")


def test_a_count_whose_measure_is_its_noun_is_of_the_names_before():
    # n261: "由县交通运输局、应急管理局和县交警大队三部门联合组成的验收组": the three 部门 are the names before, not
    # "联合组成"
    (bodies,) = _figures("通过由县交通运输局、应急管理局和县交警大队三部门联合组成的验收组验收。")
    assert bodies.unit == "部门" and "联合组成" not in bodies.subject


def test_a_date_alone_between_commas_dates_the_act_after_it():
    # n261: "该项目于2020年6月20日完工,2020年9月29日,通过由……三部门联合组成的验收组验收": the 9月29日 is the 验收's,
    # the long clause's closing act
    dates = [
        f.subject
        for f in _figures(
            "该项目于2020年6月20日完工,2020年9月29日,通过由县交通运输局、应急管理局和县交警大队三部门联合组成的验收组验收。"
        )
        if f.kind == "date"
    ]
    assert dates == ["完工", "验收"]
