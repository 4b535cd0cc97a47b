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
