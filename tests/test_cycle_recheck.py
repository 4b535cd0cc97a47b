"""复核 pre-filled from the review: the department's submitted report states scores its own figures contradict; the
review finds them, and the 复核 starts with those indicators, the review's score and its reason. Figures by hand."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import yaml
from docx import Document

from jixiao.cli import main
from jixiao.cycle.recheck import compare_recheck, load_recheck, proposals_from_review, proposed_recheck_text
from jixiao.pipeline import run
from jixiao.report.write import write_report
from jixiao.review import review_file

BAOAN = Path(__file__).parent.parent / "examples" / "baoan-fulian-2023"


def inflated_report(folder: Path) -> Path:
    """The 宝安 report as jixiao writes it, with two scores raised as a department might state them: 预算执行率
    5.62 → 6 and 政府采购执行情况 1.99 → 2 (the text still says 扣0.38分 and 扣0.01分, the figures 93.58% … and
    99.99%)."""
    prepared, evaluation = run(BAOAN)
    written = write_report(prepared, evaluation, folder / "jixiao", ("docx",))
    doc = Document(next(f for f in written.files if f.suffix == ".docx"))
    raised = 0
    for table in doc.tables:
        for row in table.rows:
            texts = [c.text for c in row.cells]
            for name, old, new in (("预算执行率", "5.62", "6"), ("政府采购执行情况", "1.99", "2")):
                if name in texts:
                    for cell in row.cells:
                        if cell.text == old:
                            cell.text, raised = new, raised + 1
    assert raised >= 2
    path = folder / "报送的自评报告.docx"
    doc.save(path)
    return path


def test_review_findings_become_the_proposed_recheck(tmp_path):
    report = inflated_report(tmp_path)
    prepared, evaluation = run(BAOAN)
    reviewed = review_file(report, prepared.rulebook.id)
    proposals = proposals_from_review(reviewed.findings, evaluation)
    # the review computes from the report's own figures: 政府采购执行率 99.99% → 2 × 99.99% = 1.9998 → 1.99;
    # 预算执行率 6 − 1.5 × (6.42% + 19.26% + 0.13%) = 6 − 0.38715, deduction truncated → 5.62 (as the rulebook)
    assert [(p.indicator, p.self_score, p.score, p.decided) for p in proposals] == [
        ("政府采购执行情况", Decimal("2"), Decimal("1.99"), True),
        ("预算执行率", Decimal("6"), Decimal("5.62"), True),
    ]
    assert proposals[1].reason.startswith("审核发现：“预算执行率”表中得分6分")
    assert proposals[1].evidence.startswith("报送的自评报告.docx 表")
    # the text the reviewer starts from reads as a recheck.yaml; accepted as it is:
    (tmp_path / "recheck.yaml").write_text(
        proposed_recheck_text(proposals, "宝安区财政局").replace("conclusion: ''", "conclusion: 按数据调整两项"),
        encoding="utf-8",
    )
    result = compare_recheck(load_recheck(tmp_path), evaluation, prepared.rulebook)
    # the department's stated total: 97.61 + (2 − 1.99) + (6 − 5.62) = 98.00; re-checked: 98 − 0.01 − 0.38 = 97.61
    assert (result.self_total, result.recheck_total, result.recheck_grade) == (Decimal("98.00"), Decimal("97.61"), "优")
    assert [(r.name, r.self_score, r.recheck_score, r.difference) for r in result.changed] == [
        ("政府采购执行情况", Decimal("2"), Decimal("1.99"), Decimal("-0.01")),
        ("预算执行率", Decimal("6"), Decimal("5.62"), Decimal("-0.38")),
    ]


def test_the_reviewer_changes_a_proposal(tmp_path):
    prepared, evaluation = run(BAOAN)
    proposals = proposals_from_review(review_file(inflated_report(tmp_path), prepared.rulebook.id).findings, evaluation)
    text = yaml.safe_load(proposed_recheck_text(proposals, "宝安区财政局"))
    # the bureau truncates the score, not the deduction: 6 − 0.38715 = 5.61285 → 5.61 (recheck.yaml of the example)
    text["items"][1]["score"] = "5.61"
    text["items"][1]["reason"] = "按得分截位（6 − 1.5 × 25.81% = 5.61285，截取两位小数得5.61）"
    del text["items"][0]  # 政府采购: the bureau does not re-score it
    (tmp_path / "recheck.yaml").write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    result = compare_recheck(load_recheck(tmp_path), evaluation, prepared.rulebook)
    # stated 97.61 + (6 − 5.62) = 97.99; re-checked 97.99 + (5.61 − 6) = 97.60
    assert (result.self_total, result.recheck_total) == (Decimal("97.99"), Decimal("97.60"))


def test_no_contradiction_no_proposal(tmp_path):
    prepared, evaluation = run(BAOAN)
    written = write_report(prepared, evaluation, tmp_path / "r", ("docx",))
    reviewed = review_file(next(f for f in written.files if f.suffix == ".docx"), prepared.rulebook.id)
    assert proposals_from_review(reviewed.findings, evaluation) == []


def test_recheck_command_proposes_from_the_review(tmp_path, capsys):
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    (folder / "recheck.yaml").unlink()
    report = inflated_report(tmp_path)
    out = tmp_path / "out"
    assert main(["recheck", str(folder), "--review", str(report), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "预算执行率：报送得分 6，建议复核得分 5.62。审核发现：" in printed
    draft = out / "复核建议.yaml"
    # the draft names no reviewer: saved unchanged it is refused, with its line
    shutil.copy(draft, folder / "recheck.yaml")
    assert main(["recheck", str(folder)]) == 1
    assert "recheck.yaml:3: 字段 reviewer 错误[cycle.missing] 缺少“复核单位”" in capsys.readouterr().err
    # the reviewer signs it and accepts both proposals
    text = draft.read_text(encoding="utf-8").replace("reviewer: ''", "reviewer: 宝安区财政局")
    (folder / "recheck.yaml").write_text(text, encoding="utf-8")
    assert main(["recheck", str(folder)]) == 0
    assert "自评得分 98（优），复核得分 97.61（优）" in capsys.readouterr().out
