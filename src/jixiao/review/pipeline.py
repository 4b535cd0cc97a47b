"""The review, step by step: read the document (source.py) → its tables (table.py) and score sheets
(scoretable.py) → its kind, identity and rulebook (kinds.py) → the checks of its tables (tablechecks.py),
of its text against itself and its tables (stated.py), of a narrative report's sections (reportchecks.py)
and of its narrative figures (narrative/, when present) → the findings, most severe first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.model.checks import check_consistency
from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Problem, Severity
from jixiao.scoring.rulebook import load_rulebook

from .extract import extract_figures
from .findings import Findings, ReviewResult
from .fundschecks import check_pair_breakdowns
from .kinds import CUT_MARK, choose_rulebook, identify, is_truncated, kind_of
from .reportchecks import check_attachments, check_claims, check_problems, check_sections, headings
from .rowchecks import check_template_text, check_units
from .scoretable import ScoreTable, find_score_tables
from .source import SourceDocument, read_source
from .stated import (
    Review,
    check_against_rulebook,
    check_deductions,
    check_grade,
    check_levels,
    check_stated_totals,
    stated_data,
    table_basis,
    total_basis,
)
from .table import Table, number, tables_of
from .tablechecks import check_reachable_total, check_score_table
from .tolerance import half_unit
from .vocabulary import norm, vocabulary

__all__ = ["review_document", "review_file"]

_ESCALATE = {"check.stated_rate_definition": Severity.WARNING}


def _narrative_checker():
    """The narrative figures' checks (review/narrative/), when that part is installed."""
    try:
        from .narrative import narrative_findings
    except ImportError:
        return None
    return narrative_findings


def _table_grade(tables: list[Table]) -> tuple[str, Location] | None:
    """A grade stated in a table: a cell labelled 等级 (评价等级, 自评等级) and a grade word beside it."""
    words = vocabulary().raw["grade_words"]
    for t in tables:
        for r, row in enumerate(t.grid):
            for c, cell in enumerate(row):
                if "等级" not in norm(cell) or len(norm(cell)) > 8:
                    continue
                for k in range(c + 1, len(row)):
                    value = norm(row[k])
                    if value in words:
                        return value, t.location(r, k)
                    if value:
                        break
    return None


def _check_head_total(findings: Findings, stated_text: str, main: ScoreTable | None, total: Decimal | None) -> None:
    """自评总分 in the table's head against the table's total (its 总分 row, or its rows when none is cut off)."""
    stated = number(stated_text)
    if main is not None and stated is not None and total is None and main.total_score is None:
        check_reachable_total(findings, main, stated, stated_text)  # cut off: the most its visible rows allow
    if main is None or stated is None or total is None or main.table is None:
        return
    if abs(stated - total) > half_unit(stated) + half_unit(total):
        findings.add(
            "review.score_sum",
            Severity.ERROR,
            f"表头所列自评得分{stated_text}与得分表合计{fmt_score(total)}分不一致（容差为两数末位各半个单位）。",
            main.table.location(),
            total,
            stated,
            total_basis(main),
        )


def _main_table(tables: list[ScoreTable]) -> ScoreTable | None:
    return next((t for t in tables if t.family == "three_level" and len(t.rows) >= 2), None) or next(
        (t for t in tables if t.family == "mof"), None
    )


def review_document(doc: SourceDocument, rulebook_id: str | None = None) -> ReviewResult:
    if not any((s.text or s.rows) for s in doc.segments):
        empty = Problem(
            "review.empty",
            "文件中没有可读取的文字或表格，无法审核。请确认上传的是报告正文（扫描件需先转为文字版）。",
            Location(str(doc.path)),
            Severity.ERROR,
        )
        return ReviewResult(doc.path, "", None, [], [], [], [empty])
    findings = Findings(doc.path)
    tables = tables_of(doc)
    score_tables = find_score_tables(doc)
    kind, kind_reason = kind_of(doc, tables, score_tables)
    ident = identify(doc, tables, kind)
    truncated = is_truncated(doc)
    doc_text = norm("".join(s.text for s in doc.paragraphs()) + "".join(t.text() for t in tables))
    chosen: str | None
    if rulebook_id:
        chosen, reason = rulebook_id, f"按指定的指标体系“{rulebook_id}”审核（--rulebook）"
    else:
        leaf_names = {r.name for t in score_tables for r in t.rows}
        chosen, reason = choose_rulebook(kind, ident, doc_text, leaf_names)
    rulebook = load_rulebook(chosen) if chosen else None
    review = Review(doc, rulebook, findings)
    if truncated:
        last = doc.segments[-1]
        findings.add(
            "review.truncated",
            Severity.INFO,
            f"文件在此处中断（“{CUT_MARK}”或原文不完整），其后的内容无法审核；缺少的章节、合计和等级不再逐项提示。",
            doc.location(last),
        )
    for page, note in doc.notes:  # what the reader saw but could not read (an OFD's slanted text, a picture)
        findings.add("review.unread", Severity.INFO, note, Location(str(doc.path), place=f"第{page}页"))
    from ..formats.confidence import doubtful_name  # a name read from a scan with low confidence: said so

    if (hint := doubtful_name(doc, ident.department, "单位名称")) is not None:
        findings.extend([hint])
    figures = extract_figures(doc)
    data = stated_data(review, figures, ident.department, ident.year)
    for finding in check_consistency(data):
        severity = _ESCALATE.get(finding.code, finding.severity)
        findings.add(finding.code, severity, finding.message, finding.location, finding.expected, finding.actual)
    for table in tables:
        check_template_text(findings, table)
        check_units(findings, table)
        check_pair_breakdowns(findings, table)
    main = _main_table(score_tables)
    total: Decimal | None = None
    for st in score_tables:
        st.cut = truncated and st.total_row is None  # rows above a total row are complete
        computed = check_score_table(findings, st)
        if st is main:
            total = st.total_score if st.total_score is not None else (None if st.cut else computed)
    _check_head_total(findings, ident.stated_total, main, total)
    others = [t for t in score_tables if t is not main]
    # the text's total belongs to the table only when no other score table could be the one it means
    if main is not None and not any(t.cut or t.total_score != main.total_score for t in others):
        check_stated_totals(review, main, total, figures)
    if main is not None:
        check_levels(review, main, figures)
        check_deductions(review, main, figures)
        if rulebook is not None and main.family == "three_level" and rulebook.kind == "department":
            from jixiao.scoring.engine import evaluate  # the scoring engine: only for a department table of a rulebook

            check_against_rulebook(review, main, evaluate(rulebook, data))
    review.total_basis = table_basis(main) if main is not None else []
    grade = check_grade(review, total, _table_grade(tables))
    from ..formats.confidence import doubtful_total  # a total added up over a figure OCR read in doubt: said so

    if main is not None and (hint := doubtful_total(doc, total, grade, total_basis(main))) is not None:
        findings.items.insert(0, hint)  # the hints' first: the total and grade head every output
    heads = headings(doc)
    if kind.startswith("narrative"):
        check_sections(review, heads, kind, truncated)
        if not truncated:
            check_attachments(review)
        check_problems(review, heads, truncated)
    check_claims(review, figures)
    narrative = _narrative_checker()
    if narrative is not None and doc.paragraphs():
        # a stated score or grade against the score table rests on the table's cells
        for p in narrative(doc, review.narrative_figures()):
            basis = review.total_basis if p.code.endswith(".score_grade") else []
            findings.add(p.code, p.severity, p.message, p.location, p.expected, p.actual, basis)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    from ..formats.confidence import doubtful_as_hints  # a figure OCR read with low confidence: a hint, said so

    ordered = sorted(doubtful_as_hints(doc, findings.items, findings.basis), key=lambda f: order[f.severity])
    return ReviewResult(
        doc.path,
        ident.department,
        ident.year,
        [h for h, _ in heads],
        figures,
        score_tables,
        ordered,
        chosen,
        total,
        grade,
        kind=kind,
        kind_name=f"{vocabulary().raw['kinds'][kind]['name']}（{kind_reason}）",
        project=ident.project,
        unit=ident.unit,
        province=ident.province,
        rulebook_reason=reason,
        truncated=truncated,
    )


def review_file(path: Path, rulebook_id: str | None = None) -> ReviewResult:
    return review_document(read_source(Path(path)), rulebook_id)
