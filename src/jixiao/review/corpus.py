"""Measuring the review on real published documents (tests/fixtures/review_corpus/<id>/: document.txt,
truth.yaml checked by hand, source.md).

Each document.txt is also written as a .docx (paragraphs, and real Word tables) and, for a table
document, as an .xlsx sheet; every format is reviewed. A finding (warning or error) matches a truth item
when its category is the item's (finding codes map to categories below; review.narrative.<category> maps
directly) and one of the item's places (`where`, split at " / ", commas and " vs ") appears in the
finding's place, message, expected or actual value. Counted per document: truth items caught (recall),
findings about a real inconsistency (precision; hints do not count either way), false errors (errors with
no inconsistency behind them, or about a relation found consistent), crashes, formats that disagree, and,
for narrative documents with `figures:`, the hand-counted figures extracted with the same value, unit and
subject (a figure read without a subject does not count: an empty subject is inside every other one).
"""

from __future__ import annotations

import difflib
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from jixiao.model.problems import Problem, Severity

from .findings import ReviewResult
from .identity_score import score_identity
from .source import SourceDocument, read_source
from .vocabulary import norm

__all__ = ["CATEGORY", "CorpusDoc", "DocScore", "load_corpus", "score_document", "write_formats"]

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "review_corpus"

# finding code → truth category (review.narrative.<category> maps to <category>)
CATEGORY = {
    "review.weight_sum": "weight_sum",
    "review.score_sum": "score_sum",
    "review.score_over_weight": "score_over_weight",
    "review.grade": "grade",
    "review.funds_parts": "funds_parts",
    "review.execution_rate": "execution_rate",
    "review.funds_score": "funds_score",
    "review.target_missed_full": "target_missed_full",
    "review.target_met_lost": "target_met_lost",
    "review.missing_reason": "missing_reason",
    "review.blank_cell": "blank_cell",
    "review.unit_mismatch": "unit_mismatch",
    "review.stated_total": "score_grade",
    "review.level_subtotal": "score_grade",
    "review.figure_conflict": "same_subject",
}
# parts of a `where` too general to place a finding
_GENERIC = {"得分", "分值", "权重", "完成值", "年度指标值", "实际完成值", "全年实际值", "指标值", "合计", "总分"}


@dataclass
class TruthItem:
    id: str
    category: str
    where: str
    consistent: bool
    note: str = ""

    def places(self) -> list[str]:
        text = re.sub(r"^(first|second) fragment:\s*", "", self.where)
        parts = re.split(r"\s+/\s+|\s+vs\.?\s+|[,，;；]\s*|\s+and\s+", text)
        out = []
        for p in parts:
            p = re.sub(r"\s*\((?:[^()]*)\)$", "", p.strip()) if re.search(r"[\u4e00-\u9fff]", p) else p.strip()
            p = p.strip(" \"“”'")
            if p and norm(p) not in {norm(g) for g in _GENERIC} and not re.fullmatch(r"[\x00-\x7f]+", p):
                out.append(p)
        return out

    def matches(self, finding: Problem, document: str = "") -> bool:
        category = _category(finding.code)
        if category != self.category and self.category != "other":
            return False
        place = (finding.location.place if finding.location is not None else None) or ""
        text = norm(" ".join([place, finding.message, finding.expected, finding.actual]))
        places = self.places()
        if document and places and not any(norm(p) in document for p in places):
            # a table cell described by its column and figures ("表 车辆购置 73"): each word of it, all in the finding
            cells = [_cell_words(p) for p in places]
            cells = [w for w in cells if w and all(norm(x) in document for x in w)]
            if cells:
                return any(all(norm(x) in text for x in w) for w in cells)
            # the truth describes the place in its own words ("项目表 / 总分"): its words from the document place it
            places = [p.strip() for p in re.split(r"\s+/\s+", self.where) if p.strip() and norm(p) in document]
        # "A……B" quotes a passage with its middle left out: both ends must appear
        return not places or any(all(norm(x) in text for x in re.split(r"…+|\.{3,}", p) if x.strip()) for p in places)


def _cell_words(place: str) -> list[str]:
    """ "表 车辆购置 73" → ["车辆购置", "73"]: a place written as words apart (the table named as 表, a column, a
    figure); [] for a place of one word or with no name in it."""
    words = [w for w in place.split() if w not in ("表", "表格")]
    if len(words) < 2 or not any(re.search(r"[\u4e00-\u9fff]", w) for w in words):
        return []
    return words


@dataclass
class CorpusDoc:
    id: str
    folder: Path
    truth: dict[str, Any]
    items: list[TruthItem]
    consistent: list[TruthItem]

    @property
    def kind(self) -> str:
        return str(self.truth.get("kind") or "")

    @property
    def is_table(self) -> bool:
        return not self.kind.startswith("narrative")


def _category(code: str) -> str:
    if code.startswith("review.narrative."):
        return code.removeprefix("review.narrative.")
    return CATEGORY.get(code, "other")


def load_corpus(root: Path | None = None) -> list[CorpusDoc]:
    root = root or CORPUS
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "truth.yaml").exists()):
        truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8")) or {}
        items = [
            TruthItem(str(i.get("id", "")), str(i.get("category", "")), str(i.get("where", "")), False)
            for i in truth.get("inconsistencies") or []
        ]
        consistent = [
            TruthItem("", str(i.get("category", "")), str(i.get("where", "")), True, str(i.get("note", "")))
            for i in truth.get("consistent") or []
        ]
        out.append(CorpusDoc(folder.name, folder, truth, items, consistent))
    return out


# --- the other formats of a document.txt ---------------------------------------------------------------


def write_docx(
    doc: SourceDocument, path: Path, merges: dict[int, list[tuple[int, int, int, int]]] | None = None
) -> None:
    """Paragraphs as paragraphs, tables as real Word tables (a merged cell's covered cells left empty); `merges`
    (segment index → first row, first column, last row, last column) made real merged cells (gridSpan/vMerge)."""
    from docx import Document

    out = Document()
    for at, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            out.add_paragraph(seg.text)
            continue
        width = max(len(r) for r in seg.rows)
        table = out.add_table(rows=len(seg.rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(seg.rows):
            for c, text in enumerate(row):
                if text:
                    table.cell(r, c).text = text
        for r0, c0, r1, c1 in (merges or {}).get(at, []):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    out.save(str(path))


def write_xlsx(
    doc: SourceDocument, path: Path, merges: dict[int, list[tuple[int, int, int, int]]] | None = None
) -> None:
    """One sheet: the lines above and below a table as one-cell rows (title, 注), the table's rows as rows;
    `merges` as for write_docx, made merged ranges."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for at, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            ws.append([seg.text])
        else:
            for row in seg.rows:
                ws.append([_cell_value(x) for x in row])
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"  # "=100%" is a target as printed, not a formula
            top = ws.max_row - len(seg.rows) + 1
            for r0, c0, r1, c1 in (merges or {}).get(at, []):
                ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    wb.save(str(path))


def _cell_value(text: str) -> Any:
    """Figures as numbers, the way a workbook holds them, when the number reads back as printed ("89.974",
    "10"); "0.00" or "0123" stay text."""
    if re.fullmatch(r"-?(0|[1-9]\d{0,9})", text):
        return int(text)
    if re.fullmatch(r"-?\d{1,9}\.\d*[1-9]", text) and repr(float(text)) == text:
        return float(text)
    return text


def write_formats(item: CorpusDoc, folder: Path) -> dict[str, Path]:
    source = item.folder / "document.txt"
    doc = read_source(source)
    paths = {"txt": source}
    paths["docx"] = folder / f"{item.id}.docx"
    write_docx(doc, paths["docx"])
    if item.is_table:
        paths["xlsx"] = folder / f"{item.id}.xlsx"
        write_xlsx(doc, paths["xlsx"])
    return paths


# --- scoring ---------------------------------------------------------------------------------------------


@dataclass
class DocScore:
    id: str
    kind: str
    truth_items: int = 0
    caught: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    true_findings: int = 0
    false_findings: list[str] = field(default_factory=list)
    false_errors: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    disagree: list[str] = field(default_factory=list)
    figures_hand: int = 0
    figures_found: int | None = None
    seconds: float = 0.0
    formats: list[str] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)  # field → outcome (identity_score.py), from the .txt

    @property
    def counted(self) -> int:
        return self.true_findings + len(self.false_findings)


def _judge(item: CorpusDoc, findings: list[Problem]) -> tuple[set[str], int, list[str], list[str]]:
    """(truth ids caught, findings about a real inconsistency, false findings, false errors)."""
    document = norm((item.folder / "document.txt").read_text(encoding="utf-8"))
    caught: set[str] = set()
    true = 0
    false, false_errors = [], []
    for f in findings:
        if f.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        hits = [t for t in item.items if t.matches(f, document)]
        against = [t for t in item.consistent if t.matches(f, document) and t.category == _category(f.code)]
        if hits:
            true += 1
            caught.update(t.id for t in hits)
            continue
        place = f.location.place if f.location is not None else None
        what = f"[{f.severity.value}] {f.code} {place}: {f.message[:90]}"
        what += "（与已核一致项冲突）" if against else ""
        false.append(what)
        if f.severity is Severity.ERROR:
            false_errors.append(what)
    return caught, true, false, false_errors


def _signature(findings: list[Problem]) -> list[tuple[str, str]]:
    return sorted(
        (f.code, re.sub(r"第\d+段|表\d+ 第\d+行第\d+列|表\d+", "", f.message))
        for f in findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    )


def _figures(item: CorpusDoc, extract: Callable | None) -> tuple[int, int | None]:
    hand = item.truth.get("figures") or []
    if not hand or extract is None:
        return len(hand), None
    found = list(extract(read_source(item.folder / "document.txt")))
    used: set[int] = set()
    count = 0
    for fig in hand:
        for i, ex in enumerate(found):
            if i not in used and _same_figure(fig, ex):
                used.add(i)
                count += 1
                break
    return len(hand), count


def _same_figure(fig: dict, ex: Any) -> bool:
    value = str(fig.get("value", ""))
    if str(fig.get("unit", "")) == "日期" or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        if re.sub(r"\D", "", value) not in re.sub(r"\D", "", f"{ex.value:f}"):
            return False
    else:
        try:
            if Decimal(value) != ex.value:
                return False
        except (InvalidOperation, ValueError):
            return False
        if norm(str(fig.get("unit", ""))) != norm(ex.unit):
            return False
    a, b = norm(str(fig.get("subject", ""))), norm(ex.subject)
    if not a:
        return True
    if not b:  # no subject read: the meaning is not there ("" would be inside any subject)
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.5


def score_document(item: CorpusDoc, review: Callable, extract: Callable | None = None) -> DocScore:
    score = DocScore(item.id, item.kind, truth_items=len(item.items))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            paths = write_formats(item, Path(tmp))
        except Exception as exc:
            score.crashes.append(f"formats: {type(exc).__name__}: {exc}")
            return score
        results: dict[str, list[Problem]] = {}
        started = time.perf_counter()
        txt = None
        for fmt, path in paths.items():
            try:
                result = review(path)
                results[fmt] = result.findings
                txt = result if fmt == "txt" else txt
            except Exception as exc:
                score.crashes.append(f"{fmt}: {type(exc).__name__}: {exc}")
        score.seconds = (time.perf_counter() - started) / max(1, len(paths))
        if isinstance(txt, ReviewResult):
            score.identity = score_identity(item.id, item.truth, paths["txt"], txt).outcomes
        score.formats = list(results)
    if "txt" in results:
        caught, score.true_findings, score.false_findings, score.false_errors = _judge(item, results["txt"])
        score.caught = [t.id for t in item.items if t.id in caught]
        score.missed = [f"{t.id} {t.category} @ {t.where}" for t in item.items if t.id not in caught]
        base = _signature(results["txt"])
        for fmt, found in results.items():
            if fmt != "txt" and _signature(found) != base:
                extra = sorted(set(_signature(found)) ^ set(base))[:2]
                score.disagree.append(f"{fmt}: {extra}")
    score.figures_hand, score.figures_found = _figures(item, extract)
    return score
