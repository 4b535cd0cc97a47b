"""Review of narrative reports, continued from tests/test_review_narrative.py (which holds the corpus-wide tests and
the batches up to n178): the ninth held-out batch (n179–n192) and what it showed. Every phrasing below is taken from
a real report of tests/fixtures/review_corpus/n*/ and every number is worked by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.model.problems import Severity
from jixiao.review.narrative import NarrativeFigure, extract_narrative_figures, narrative_findings
from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _figure(doc: SourceDocument, raw: str, unit: str | None = None) -> NarrativeFigure:
    found = [f for f in extract_narrative_figures(doc) if f.raw == raw and (unit is None or f.unit == unit)]
    assert found, f"no figure {raw}{unit or ''} in {[f.text for f in extract_narrative_figures(doc)]}"
    return found[0]


def _codes(doc: SourceDocument) -> list[tuple[str, Severity]]:
    return [(p.code.removeprefix("review.narrative."), p.severity) for p in narrative_findings(doc)]


# --- n179: a share written "<part><rate>为<amount>" after its base ----------------------------------------------------

_N179 = (
    "全县2020年水稻种植57.54万亩,承保率为74.02%,总保费1293.45万元,中央财政补贴47.5%为614.39万元,省级财政补贴32.5%为{}。"
)


def test_the_amount_a_share_comes_to_is_of_the_shares_subject():
    # n179: "中央财政补贴47.5%为614.39万元" — 614.39万元 is the 中央财政补贴 (it had no subject)
    doc = _doc(_N179.format("420.37万元"))
    assert _figure(doc, "614.39").subject == "中央财政补贴"
    assert _figure(doc, "420.37").subject == "省级财政补贴"


def test_a_share_that_comes_to_an_amount_is_measured_on_the_amount_before_the_shares():
    # 1293.45 × 47.5% = 614.39 ✓, × 32.5% = 420.37 ✓: no finding; the base is 总保费, not the 614.39 a share came to
    assert _codes(_doc(_N179.format("420.37万元"))) == []
    # n179 as printed: "32.5%为420.37元" — 420.37元 ÷ 1293.45万元 = 0.0033%; the message says 万元 would fit
    problems = narrative_findings(_doc(_N179.format("420.37元")))
    assert [(p.code, p.severity) for p in problems] == [("review.narrative.share", Severity.WARNING)]
    assert "420.37" in problems[0].message and "1293.45" in problems[0].message
    assert "若金额单位为“万元”则相符" in problems[0].message
    # and a wrong amount in the same unit: 1293.45 × 32.5% = 420.37, not 400
    assert _codes(_doc(_N179.format("400万元"))) == [("share", Severity.WARNING)]


def test_a_total_after_a_share_with_ji_is_checked_on_the_amount_before_it():
    # n164: "还需拨付325万元,市级预算安排80%计260万元" — 325 × 80% = 260 ✓; with 250: 250 / 325 = 76.92%
    assert _codes(_doc("还需拨付325万元,市级预算安排80%计260万元,隆阳区承担65万元。")) == []
    assert _codes(_doc("还需拨付325万元,市级预算安排80%计250万元,隆阳区承担65万元。")) == [("share", Severity.WARNING)]


# --- n188: areas and volumes written without the superscript ----------------------------------------------------------


def test_km2_hm2_and_m3_after_a_number_are_square_and_cubic_units():
    # n188: "水土流失面积631.63km2", "坡改梯21.5 hm2" were read as 631.63 km and 21.5 hm
    doc = _doc(
        "水土流失面积631.63km2,规划治理水土流失面积19.69 km², 建设内容包括坡改梯21.5 hm2,修建沟渠9489.83m,蓄水池30m3。"
    )
    assert (_figure(doc, "631.63").unit, _figure(doc, "19.69").unit) == ("km²", "km²")
    assert (_figure(doc, "21.5").unit, _figure(doc, "9489.83").unit, _figure(doc, "30").unit) == ("hm²", "m", "m³")


# --- the batch's other readings ---------------------------------------------------------------------------------------


def test_a_numbered_label_line_and_its_value_line_with_a_full_stop():
    # n189: "(一)自评得分" / "100分。" — the list number is not the label's, the full stop not the value's
    doc = SourceDocument(
        Path("报告.txt"),
        [
            Segment("paragraph", 1, "一、自评结论"),
            Segment("paragraph", 2, "(一)自评得分"),
            Segment("paragraph", 3, "100分。"),
        ],
    )
    assert _figure(doc, "100", "分").subject == "自评得分"


def test_a_determiner_before_a_counted_noun_is_not_its_subject():
    # n181: "我市体育彩票主要有以下3种类型" counts 类型, not 以下类型
    assert _figure(_doc("我市体育彩票主要有以下3种类型:一是乐透数字型彩票。"), "3").subject == "类型"


def test_fixed_phrases_with_a_numeral_are_not_counts():
    # n181: "实行收支两条线管理" is no count of 条; n191: "九年制学校24所" is no length of 9 years
    doc = _doc("实行收支两条线管理。九年制学校24 所,学生13638人。")
    assert [f.raw for f in extract_narrative_figures(doc)] == ["24", "13638"]
    assert _figure(doc, "24").subject == "九年制学校"


def test_an_allowance_in_a_bare_wan_is_money():
    # n192: "山区学校教师津贴、人才津贴1140万,其中财政拨款467万,上级补助673万" — 467 + 673 = 1140
    doc = _doc("山区学校教师津贴、人才津贴1140万,其中财政拨款467万,上级补助673万。")
    assert (_figure(doc, "1140").unit, _figure(doc, "1140").subject) == ("万元", "山区学校教师津贴、人才津贴")


def test_money_named_after_the_amount_an_allocating_verb_governs():
    # n182: "共下达5404万元中央资金用于……" — the 5404万元 is 中央资金 (it was read with the subject 下)
    doc = _doc("根据通知(桂整合〔2021〕23号),共下达5404万元中央资金用于农村环境综合整治项目建设。")
    assert (_figure(doc, "5404").subject, _figure(doc, "5404").relation) == ("中央资金", "下达")
    # the noun after the amount must be money: "下达300万元已全部拨付" names nothing after it
    assert _figure(_doc("下达300万元已全部拨付。"), "300").subject != "已全部拨付"


# --- report checks ---------------------------------------------------------------------------------------------------


def _report_codes(tmp_path: Path, *lines: str) -> list[str]:
    from jixiao.review import review_file

    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [p.code for p in review_file(path).findings]


_N189_HEAD = (
    "保山市图书馆2022年度项目支出绩效自评报告",
    "一、自评结论",
    "(一)自评得分",
    "100分。",
    "(三)存在的问题和原因分析",
    "经费不足,以目前的金额,无法为人民群众提供更多更好的服务。",
    "(四) 下一步拟改进措施及有关建议",
)
_N189_TAIL = ("二、佐证材料", "(一)项目基本情况", "保山市图书馆坚持对外免费开放工作,公共空间设施场地全部免费开放。")


def test_measures_given_as_numbered_items_are_measures(tmp_path):
    # n189 (read as a complete report): its last measure "2.建议:加大……投入力度" was taken for the measures heading
    # (the last heading naming 建议) and, the next chapter right after it, for an empty section
    items = (
        "1.措施:加强对各部门申报项目的指导,使项目编制更加符合绩效评价相关要求。",
        "2.建议:加大对于公共图书馆免费开放资金的投入力度、抓好人才队伍建设。",
    )
    assert "review.measures_missing" not in _report_codes(tmp_path, *_N189_HEAD, *items, *_N189_TAIL)
    # a measures heading with nothing under it is still said
    assert "review.measures_missing" in _report_codes(tmp_path, *_N189_HEAD, *_N189_TAIL)


def test_a_stray_yuan_in_wan_mu_is_an_area():
    # n179: "计划和实际承保面积为42.59万元亩" is 42.59万亩; "1.2万元亩均产值" stays an amount (per 亩)
    doc = _doc("计划和实际承保面积为42.59万元亩,承保率为74.02%。投资1.2万元亩均产值提高。")
    assert (_figure(doc, "42.59").unit, _figure(doc, "42.59").kind) == ("万亩", "count")
    assert _figure(doc, "1.2").unit == "万元"


def test_an_age_is_of_the_noun_after_its_bound():
    # n196: "年满80-89周岁的老年人", "70周岁以上老人共有53908人" — the ages are the 老年人's (read as 年满, 老人共有)
    doc = _doc("年满80-89周岁的老年人,每人每月发放100元;2023年全县70周岁以上老人共有53908人。")
    assert "老年人" in _figure(doc, "89", "周岁").subject
    assert "老人" in _figure(doc, "70", "周岁").subject


def test_the_first_number_of_a_range_is_of_what_the_second_is_of():
    # n196: "其中70-79周岁老年人40098人" — the 70 was read with the subject 周岁 (the 79 with 周岁老年人)
    doc = _doc("2023年全县70周岁以上老人共有53908人,其中70-79周岁老年人40098人。")
    low, high = [f for f in extract_narrative_figures(doc) if f.raw in ("70", "79") and "40098" not in f.raw][-2:]
    assert (low.raw, high.raw) == ("70", "79") and low.subject == high.subject and "老年人" in low.subject


def test_a_standard_of_so_much_a_head_is_for_the_group_of_the_clause_before():
    # n196: "年满70-79周岁老年人,每人每月发放50元" — the 50元 is the 70-79周岁老年人's (it was read as 每人每月发放)
    doc = _doc("年满70-79周岁老年人,每人每月发放50元;年满80-89周岁的老年人,每人每月发放100元。")
    assert (_figure(doc, "50").subject, _figure(doc, "100", "元").subject) == ("70-79周岁老年人", "80-89周岁的老年人")
    # a standard whose own clause names its subject keeps it
    assert _figure(_doc("对象为特困人员,基本生活标准每人每月600元。"), "600").subject != "特困人员"
