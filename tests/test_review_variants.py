"""The same table laid out as other offices lay it out reviews the same (review/variants.py): a fixed subset of
the variant kinds, written as .docx with real merged cells (vMerge, gridSpan), over every table of the corpus,
agrees with the original's review — department, year, kind, total, grade, score tables found and the findings
by code and the indicators they name. The comparison can fail: with a reader that loses merged cells or does
not join a table split over two, the same variants disagree (the last tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.review import review_file, source
from jixiao.review.corpus import CORPUS, load_corpus
from jixiao.review.source import Segment, SourceDocument, read_source
from jixiao.review.variants import KINDS, compare, variants

DOCS = [d for d in load_corpus() if d.is_table] if CORPUS.exists() else []
# merged level cells and two-row headers (the docx reader's vMerge and gridSpan), a table split over two Word
# tables with its header repeated, and the header words of other offices
FAST = ["levels_merged", "two_row_header", "header_merged", "split", "synonyms"]


def _disagreements(doc: SourceDocument, folder: Path, kinds: list[str]) -> list[tuple[str, str]]:
    return [(kind, what) for kind, _, ok, what in compare(doc, review_file, folder, ("docx",), kinds) if not ok]


@pytest.mark.skipif(not DOCS, reason="the review corpus is not in this checkout")
@pytest.mark.parametrize("item", DOCS, ids=[d.id[:3] for d in DOCS])
def test_a_table_laid_out_otherwise_reviews_the_same(item, tmp_path):
    assert not _disagreements(read_source(item.folder / "document.txt"), tmp_path, FAST)


def _corpus_doc(prefix: str) -> SourceDocument:
    item = next(d for d in DOCS if d.id.startswith(prefix))
    return read_source(item.folder / "document.txt")


@pytest.mark.skipif(not DOCS, reason="the review corpus is not in this checkout")
def test_a_reader_that_does_not_join_a_split_table_disagrees(monkeypatch, tmp_path):
    """t04 (complete to 总分) split over two Word tables: read as two, the 总分 row's 100 stands against the 30
    points of the second table's rows — the total, grade and findings change."""
    doc = _corpus_doc("t04")
    assert not _disagreements(doc, tmp_path, ["split"])
    monkeypatch.setattr(source, "_continue_docx_table", lambda builder, rows: False)
    assert [k for k, _ in _disagreements(doc, tmp_path, ["split"])] == ["split"]


@pytest.mark.skipif(not DOCS, reason="the review corpus is not in this checkout")
def test_a_reader_that_loses_merged_cells_disagrees(monkeypatch, tmp_path):
    """t05's header as two rows, its labels merged down: a reader that drops a cell merged down over two rows
    (vMerge) loses 一级指标 … 得分 and finds no indicators under them."""
    doc = _corpus_doc("t05")
    assert not _disagreements(doc, tmp_path, ["two_row_header"])
    from docx.oxml.ns import qn

    real = source._docx_rows

    def broken(table, document):
        rows, nested = real(table, document)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                if c < len(rows[r]) and cell._tc.tcPr is not None and cell._tc.tcPr.find(qn("w:vMerge")) is not None:
                    rows[r][c] = ""
        return rows, nested

    monkeypatch.setattr(source, "_docx_rows", broken)
    assert [k for k, _ in _disagreements(doc, tmp_path, ["two_row_header"])] == ["two_row_header"]


def test_the_variants_of_a_small_table():
    """A hand-made MoF indicator block (HYPOTHETICAL figures): 分值/得分 after the targets move right after the
    name; the header words become the next synonym; the level 产出指标 is repeated on the blank row below it."""
    rows = (
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
        ("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "20", "20", ""),
        ("", "质量指标", "合格率", "≥95%", "96%", "20", "20", ""),
        ("合计", "", "", "", "", "40", "40", ""),
    )
    doc = SourceDocument(Path("x.txt"), [Segment("table", 1, rows=rows)])
    made = {v.kind: v for v in variants(doc)}
    moved = made["scores_moved"].document.tables()[0].rows
    assert moved[0] == (
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "得分",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
    )
    assert moved[1][3:7] == ("20", "20", "≥100人次", "120人次")
    assert made["synonyms"].document.tables()[0].rows[0][3:7] == ("预期指标值", "全年实际值", "权重", "自评得分")
    repeated = made["levels_repeated"].document.tables()[0].rows
    assert repeated[2][0] == "产出指标" and repeated[3][0] == "合计"  # the total row is not an indicator's
    assert made["levels_merged"].merges == {0: [(1, 0, 2, 0)]}  # 产出指标 merged down over its two rows
    assert made["reason_dropped"].document.tables()[0].rows[0][-1] == "得分"
    # the percent sign made full-width in the data rows only
    assert made["percent_wide"].document.tables()[0].rows[2][3] == "≥95％"
    assert made["total_without_weight"].document.tables()[0].rows[3][5] == ""
    assert set(made) <= set(KINDS)
