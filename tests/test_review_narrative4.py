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
