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
