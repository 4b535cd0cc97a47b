"""bench/review_mutations.py: errors planted in corpus documents, which of them the document itself can check, and
the review's answer to each."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import review_mutations as rm  # noqa: E402

from jixiao.review.corpus import load_corpus  # noqa: E402
from jixiao.review.segments import Segment, SourceDocument  # noqa: E402


def _doc(*paragraphs: str, rows: tuple[tuple[str, ...], ...] = ()) -> SourceDocument:
    segments = [Segment("paragraph", i + 1, p) for i, p in enumerate(paragraphs)]
    if rows:
        segments.append(Segment("table", 1, rows=rows))
    return rm.normalized(SourceDocument(Path("x.txt"), segments))


def test_a_figure_with_thousands_separators_is_one_figure():
    # the first run read "13,007.74万元" as 007.74, and its typos as figures no reader could have read
    figs = rm.text_figures(_doc("2023年收入总计13,007.74万元，支出总计13,007.74万元。"))
    assert [(f.raw, f.value) for f in figs] == [("13,007.74", Decimal("13007.74"))] * 2
    relations = rm._relations(figs, set())
    assert set(relations.values()) == {"copy"}


def test_a_standard_per_head_is_no_figure_of_a_sum():
    # 1000元/生.年 = 500元/生.年 + 500元/生.年 was taken for a total and its parts (n09)
    figs = rm.text_figures(_doc("寄宿生标准1000元/生.年，非寄宿生500元/生.年，走读生500元/生.年。"))
    assert figs == []


def test_typos_change_the_figure_and_keep_it_a_number():
    rng = random.Random(3)
    for kind in rm.TYPOS:
        for raw in ("2179", "1,007.74", "97", "0.46", "5"):
            typed = rm.typo(raw, kind, rng)
            if typed is not None:
                assert Decimal(typed) != Decimal(raw.replace(",", "")), (kind, raw, typed)
    assert rm.typo("12", "digits_swapped", rng) == "21"
    assert rm.typo("5", "digit_dropped", rng) is None


def test_a_sum_in_a_paragraph_and_its_parts_are_checkable():
    figs = rm.text_figures(_doc("共计239万元，其中上级资金179.25万元，本级59.75万元。"))
    assert [rm._relations(figs, set()).get(f) for f in figs] == ["sum", "part", "part"]


def test_a_score_above_a_weight_that_allows_extra_points_is_not_planted():
    # t37's 工作安排 (分值1, 得分2, "最多加2分"): "2 → 1.5 (分值 1)" was planted as a score above its weight
    item = next(d for d in load_corpus() if d.id.startswith("t37-"))
    doc = rm.normalized(rm.read_source(item.folder / "document.txt"))
    planted = [p for p in rm.plants(doc, random.Random(1)) if p.kind == "score_over"]
    assert planted
    for p in planted:
        before, after = p.description.split("得分 ")[1].split("（")[0].split(" → ")
        assert Decimal(after) > Decimal(before)


def test_a_project_table_run_catches_a_score_above_its_weight():
    item = next(d for d in load_corpus() if d.id.startswith("t01-"))
    outcome = rm.run_document(item, 8, 1)
    assert outcome.false_errors == []
    assert any(p.kind == "score_over" for p in outcome.caught)


def _paragraphs(*texts: str) -> SourceDocument:
    return SourceDocument(Path("决算.txt"), [Segment("paragraph", i + 1, t) for i, t in enumerate(texts)])


def test_a_total_restated_before_a_comparison_with_last_year_is_compared():
    # n34: "2021年度收入合计23,866.88万元,较上年…" was not read at all (the clause speaks of last year), so a typo in
    # the restated income (23,686.88) went unseen; the lead before "较上年" restates this year's income
    from jixiao.review import review_document
    from jixiao.review.extract import extract_figures

    first = "1.总体情况。2021年度收入总计23,866.88万元,支出总计23,866.88万元。"
    doc = _paragraphs(first, "2.收入情况。2021年度收入合计23,686.88万元,较上年决算数减少3,888.01万元,下降14%。")
    figures = [(f.key, f.value, f.segment) for f in extract_figures(doc)]
    assert ("budget.income.final_total", Decimal("23686.88"), 1) in figures
    conflicts = [f for f in review_document(doc).findings if f.code == "review.figure_conflict"]
    assert conflicts and "23686.88" in conflicts[0].message


def test_a_lead_is_read_only_as_a_restatement():
    # read from a clause that goes on about last year, a figure the text states nowhere else is not taken up (a
    # misreading there would stand alone: n68's 因公出国(境)经费决算120万元,比上年增长79.1%)
    from jixiao.review.extract import extract_figures

    alone = _paragraphs("2021年度收入合计23,866.88万元,较上年决算数减少3,888.01万元。")
    assert extract_figures(alone) == []
    last_year = _paragraphs(
        "某局2021年度部门决算说明",
        "收入总计500万元。",
        "上年收入合计400万元,较上年减少10万元。",
        "2020年收入合计450万元,比上年减少5万元。",
    )
    assert [(f.key, f.value) for f in extract_figures(last_year)] == [("budget.income.final_total", Decimal("500"))]
