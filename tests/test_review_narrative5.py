"""Review of narrative reports, continued from tests/test_review_narrative4.py: the twelfth held-out batch (n237–n244)
and what its first run showed. Every phrasing below is taken from a real report of tests/fixtures/review_corpus/n*/
and every number is worked by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures
from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _figures(*paragraphs: str) -> list[NarrativeFigure]:
    return extract_narrative_figures(_doc(*paragraphs))


def _review_codes(*paragraphs: str) -> list[str]:
    from jixiao.review.pipeline import review_document

    return [p.code for p in review_document(_doc(*paragraphs)).findings]


# --- n238: a table of contents without page numbers ------------------------------------------------------------------


def test_a_contents_list_without_pages_is_no_section():
    # n238: "目录" lists "七、存在的问题" / "八、改进措施及建议" with no page numbers; the report itself begins again
    # at "一、摘要" and the store cuts it before its 存在的问题: no empty section is there to find
    codes = _review_codes(
        "中共寻甸县委统战部2024年部门整体支出绩效自评报告",
        "目录",
        "一、摘要",
        "二、部门概况",
        "七、存在的问题",
        "八、改进措施及建议",
        "附件1 成本费用分析报告",
        "中共寻甸县委统战部",
        "2024年度部门整体支出绩效评价报告",
        "一、摘要",
        "根据《寻甸回族彝族自治县财政支出绩效评价管理办法》文件精神,中共寻甸县委统战部组织成立了绩效评价工作小组。",
        "二、部门概况",
        "县委统战部财政全供给单位1个,下设办公室、港澳台侨办公室、非公有制经济科、党外人士工作科4个内设机构。",
        "〔以下原文未存〕",
    )
    assert "review.problems_empty" not in codes


def test_an_empty_problems_section_after_a_contents_list_is_still_found():
    # the same contents, then the report's own "七、存在的问题" with nothing under it before the next chapter
    codes = _review_codes(
        "某县某局2024年部门整体支出绩效自评报告",
        "目录",
        "一、摘要",
        "七、存在的问题",
        "八、改进措施及建议",
        "一、摘要",
        "某县某局组织成立了绩效评价工作小组,对2024年度部门整体财政支出的管理、使用及效益情况进行了绩效评价。",
        "七、存在的问题",
        "八、改进措施及建议",
        "加强预算编制,提高预算执行率,预算执行率达到100%以上。",
    )
    assert "review.problems_empty" in codes


# --- n237, n238, n244: words read as counts ------------------------------------------------------------------------


def _counts(*paragraphs: str) -> list[tuple[str, str]]:
    return [(f.raw, f.unit) for f in _figures(*paragraphs) if f.kind == "count"]


def test_numbered_offices_of_one_name_are_no_counts():
    # n237: "侦查监督一处、侦查监督二处、公诉一处、公诉二处、公诉三处" are five offices' names, numbered within their
    # name; the one count of the sentence is the 30 内设机构
    counts = _counts(
        "2017年院机关本级内设办公室、侦查监督一处、侦查监督二处、公诉一处、公诉二处、公诉三处、民事行政检察处、"
        "机关党委、离退办等内设机构30个。"
    )
    assert counts == [("30", "个")]


def test_a_place_counted_in_words_is_still_a_count():
    # "新建陀螺场一处、篮球场二处" (no second 陀螺场 numbered in the text): counts of places, as before
    counts = _counts("该项目新建陀螺场一处、篮球场二处,已全部完工。")
    assert ("一", "处") in counts and ("二", "处") in counts


def test_an_attachments_number_is_no_count():
    # n238: "附件2 部门职能分解及2024年工作完成情况表" — attachment 2, not 2 部门
    assert _counts("附件1 成本费用分析报告", "附件2 部门职能分解及2024年工作完成情况表", "附件3评价指标体系") == []


def test_a_nine_year_school_is_no_duration():
    # n244: "九年一贯制学校" is the kind of school (grades 1–9 in one), not nine years
    assert _counts("张家川县龙山镇四方中学是一所九年一贯制学校,担负着四方村及周边村庄的初中义务教育。") == []
    # n112's "是一所十二年一体化改革试验学校": the same kind of name
    assert _counts("我校是一所十二年一体化改革试验学校,现有教职工120人。") == [("120", "人")]


def test_a_date_before_tongji_is_the_date_of_the_count():
    # n238: "截止2024年12月统计,部门基本情况如下" — the date of 统计, not of "截止" (计 in 统计 is no 共计): the
    # cutoff of the 统计 (tests/test_review_narrative6.py reads every 截至/截止 date as a cutoff)
    (date,) = [f for f in _figures("截止2024年12月统计,部门基本情况如下:在职人员编制12人。") if f.kind == "date"]
    assert date.subject in ("统计", "统计截止")


def test_counts_after_one_verb_are_still_counts():
    # n114: "设立三个事业编制单位……设立一个行政执法机构" — 设立 numbers nothing: three units and one body
    counts = _counts(
        "下设6个内设机构。设立三个事业编制单位:甲中心、乙中心、丙中心。设立一个行政执法机构:综合行政执法队。"
    )
    assert ("三", "个") in counts and ("一", "个") in counts


# --- the largest classes of meaning misreads: dates heading their sentence ----------------------------------------


def test_a_date_heading_its_sentence_dates_the_act_after_the_comma():
    # n78: "2019年5月,进行了前期规划" and "2019年8月,财政局下发文件批准建设" — each date is of what follows it
    dates = [f for f in _figures("2019年5月,进行了前期规划。2019年8月,财政局下发文件批准建设。") if f.kind == "date"]
    assert ["前期规划" in d.subject for d in dates] == [True, False]
    assert dates[1].subject == "财政局下发文件批准建设"


def test_quotation_marks_are_no_part_of_a_subjects_meaning():
    # n120: the hand subject "“三公”经费较年初预算减少" and the figure read as 三公经费: one thing, typography aside
    from jixiao.review.narrative.truth import subject_matches

    assert subject_matches("“三公”经费较年初预算减少", "三公经费")
    assert not subject_matches("“三公”经费", "公务用车购置费")


# --- listed levels joined by 和 ---------------------------------------------------------------------------------------


def _narrative_codes(*paragraphs: str) -> list[str]:
    from jixiao.review.narrative import narrative_findings

    return [p.code.removeprefix("review.narrative.") for p in narrative_findings(_doc(*paragraphs))]


_RESPECTIVE = (
    "2022年度收入、支出总计分别为4125.49万元和4143.91万元,与2021年相比,收、支总计分别减少1267.86万元、"
    "2570.97万元,分别下降{}%、38.28%。"
)


def test_listed_levels_joined_by_he_pair_with_their_changes():
    # n127's sentence as a 决算 more often prints it: the two levels joined by 和. 1267.86 ÷ (4125.49 + 1267.86) =
    # 23.51%; 2570.97 ÷ (4143.91 + 2570.97) = 38.29% (38.28 truncated)
    assert "growth_rate" not in _narrative_codes(_RESPECTIVE.format("23.51"))
    assert "growth_rate" in _narrative_codes(_RESPECTIVE.format("25.00"))


# --- "A、B分别为X、Y": each name with its own figure ------------------------------------------------------------------


def test_names_listed_before_fenbie_go_one_to_each_listed_figure():
    # n127's sentence as most 决算 print it: 收入总计 4125.49, 支出总计 4143.91; the changes and the rates after
    # "分别减少/分别下降" go to the same names in the same order
    subjects = [f.subject for f in _figures(_RESPECTIVE.format("23.51"))]
    assert subjects == ["收入", "支出", "收入", "支出", "收入", "支出"]
    # "收、支总计各是A,B万元": the short names of a 决算 stand for 收入 and 支出
    subjects = [f.subject for f in _figures("2022年度收、支总计各是4125.49,4143.91万元。")]
    assert subjects == ["收入", "支出"]


def test_a_list_of_names_without_fenbie_keeps_its_subject():
    # "收入、支出均为100万元": one amount for both, no pairing; and two names before three figures pair nothing
    assert [f.subject for f in _figures("本年收入、支出均为100万元。")] == ["收入、支出"]
    subjects = [f.subject for f in _figures("本年收入、支出分别为100万元、90万元、80万元。")]
    assert "收入" not in subjects


def test_contents_entries_with_bracketed_or_field_page_numbers_end_where_the_report_begins():
    # the contents of a 决算 page (cncn.gov.cn, lzszyyy.com): "(一)部门职责......( 1)", "一、 主要职责 PAGEREF _Toc32310
    # h 3"; the report begins again at "(一)部门职责", whose own heading is the report's, not an entry
    from jixiao.review.reportchecks import headings

    doc = _doc(
        "目录",
        "一、概况...........................................( 1 )",
        "(一)部门职责.......................................( 1)",
        "二、主要职责 PAGEREF _Toc32310 h 3",
        "一、概况",
        "(一)部门职责",
        "负责全县的有关工作,具体职责如下。",
        "二、主要职责",
    )
    assert [h for h, _ in headings(doc)] == ["概况", "部门职责", "主要职责"]


def test_a_change_after_bifenbie_is_no_last_years_level():
    # "比上年分别增加10万元、9万元": changes of this year's levels, not last year's levels ("比上年100万元" would be)
    text = "本年收入、支出分别为100万元、90万元,比上年分别增加10万元、9万元。"
    changes = [f for f in _figures(text) if f.raw in ("10", "9")]
    assert [f.other_year for f in changes] == [False, False]
