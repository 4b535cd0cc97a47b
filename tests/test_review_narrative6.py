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
