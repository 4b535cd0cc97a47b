"""Benchmark: recall by mutation on the real documents of tests/fixtures/review_corpus (documents from elsewhere).

bench/review.py plants one changed figure per copy in the two seed reports, which the review was built on. This
plants realistic errors in the corpus documents instead — the typist's (a digit typed twice or dropped, two digits
transposed, a decimal point moved) and the author's (a subtotal not updated after a part changed, a total not equal
to its parts, a rate computed on the wrong base, a table score above its weight, the grade not matching the total,
a figure that differs between the text and a table) — one per copy, sampled with a fixed seed, and reviews each.
A copy is caught when its review has an error or warning the original's has not (review/mutate.py's rule).

Which plants are checkable is decided from the document alone, not from what the review reads: a typo is
checkable when the figure has a relation in the document (printed again elsewhere, the sum of figures beside it or
one of them, a rate of two amounts of its paragraph, a cell of a score or funds table with its total or weight);
the author's errors are checkable by construction. Each checkable plant missed is filed under its cause:
figure not read (no reader has that figure), meaning misread (read, but as another year's, a target, approximate
or with no subject), tolerance (the same figure changed tenfold is caught), relation not known (the rest), each
with the check that should have caught it.

Prints recall per document kind, per mutation kind, the misses by cause and check (with examples), and the false
findings on the unmutated documents (the .txt's, judged as bench/review_corpus.py judges them).
Run: .venv/bin/python bench/review_mutations.py [--corpus [ID …]] [--per-doc N] [--seed S] [-v]
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from jixiao.review import review_document
from jixiao.review.corpus import CorpusDoc, _judge, load_corpus
from jixiao.review.extract import _norm_text, extract_figures
from jixiao.review.mutate import _signature
from jixiao.review.narrative import extract_narrative_figures
from jixiao.review.scoretable import ScoreTable, find_score_tables
from jixiao.review.segments import SourceDocument
from jixiao.review.source import read_source

KIND_NAMES = {
    "narrative_project": "叙述（项目）",
    "narrative_department": "叙述（部门）",
    "project_table": "项目表",
    "department_table": "部门表",
    "hundred_point_table": "百分制表",
    "base_data": "基础数据表",
}
MUTATION_NAMES = {
    "digit_doubled": "数字多打一位",
    "digit_dropped": "数字漏打一位",
    "digits_swapped": "相邻数字颠倒",
    "point_moved": "小数点错位",
    "subtotal_stale": "分项改后小计未改",
    "total_off": "合计不等于分项之和",
    "rate_base": "比率用错分母",
    "score_over": "得分超过分值",
    "grade": "等级与总分不符",
    "text_table": "正文与表格数据不一",
}
TYPOS = ("digit_doubled", "digit_dropped", "digits_swapped", "point_moved")
# a figure of the text with a unit that takes part in arithmetic
_TEXT_FIGURE = re.compile(
    r"(?<![\d.,，])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?=(万元|亿元|元|%|分)(?![钟之/]|每))"
)
_SCORE_IN_TEXT = re.compile(r"\d+(?:\.\d+)?分")
_GRADE_TEXT = re.compile(r"(?:评价|自评|考核)?(?:等级|结果|结论)[为是:：]?\s*[“\"]?(优秀|优|良好|良|中|差)")
_GRADE_SHIFT = {"优秀": "良好", "优": "良", "良好": "优秀", "良": "优", "中": "良", "差": "中"}


@dataclass(frozen=True)
class Site:
    """Where a planted figure is: a paragraph's span, or a table cell."""

    segment: int
    start: int = 0
    end: int = 0
    cell: tuple[int, int] | None = None


@dataclass
class Plant:
    kind: str
    description: str
    doc: SourceDocument
    checkable: bool
    check: str  # the check that should catch it
    site: Site | None = None
    value: Decimal | None = None  # the planted figure's original value, for cause analysis
    probe: SourceDocument | None = None  # the same figure changed tenfold


@dataclass
class DocOutcome:
    id: str
    kind: str
    caught: list[Plant] = field(default_factory=list)
    missed: list[tuple[Plant, str]] = field(default_factory=list)  # (plant, cause)
    unchecked: int = 0
    false_findings: list[str] = field(default_factory=list)
    false_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- the document's own figures and their relations -----------------------------------------------------------


@dataclass(frozen=True)
class TextFigure:
    segment: int
    start: int
    end: int
    raw: str
    unit: str

    @property
    def value(self) -> Decimal:
        return Decimal(self.raw.replace(",", ""))

    @property
    def family(self) -> str:
        return "amount" if self.unit.endswith("元") else self.unit

    @property
    def scaled(self) -> Decimal:
        return self.value * {"万元": 10_000, "亿元": 100_000_000}.get(self.unit, 1)

    @property
    def half(self) -> Decimal:
        places = len(self.raw.split(".", 1)[1]) if "." in self.raw else 0
        return Decimal(5).scaleb(-places - 1) * {"万元": 10_000, "亿元": 100_000_000}.get(self.unit, 1)


def normalized(doc: SourceDocument) -> SourceDocument:
    """The document with every paragraph as the figure readers see it (positions stay valid across mutations)."""
    return SourceDocument(
        doc.path,
        [replace(s, text=_norm_text(s.text)) if s.kind == "paragraph" else s for s in doc.segments],
        doc.notes,
        doc.sheets,
    )


def text_figures(doc: SourceDocument) -> list[TextFigure]:
    out = []
    for i, seg in enumerate(doc.segments):
        if seg.kind != "paragraph":
            continue
        for m in _TEXT_FIGURE.finditer(seg.text):
            if m.group(2) == "%" and Decimal(m.group(1).replace(",", "")) > 1000:
                continue
            out.append(TextFigure(i, m.start(1), m.end(1), m.group(1), m.group(2)))
    return out


def _distinctive(raw: str) -> bool:
    """A figure printed twice that is one figure twice, not two figures alike (100%, 10分, 5万元)."""
    digits = raw.replace(".", "").strip("0")
    return len(digits) >= 3


def _relations(figs: list[TextFigure], cells: set[str]) -> dict[TextFigure, str]:
    """Each figure with a relation in its document → that relation: copy (printed again), sum (the total of
    figures after or before it in its paragraph), part (one of those), rate (a/b of two amounts of its paragraph),
    operand (a or b)."""
    out: dict[TextFigure, str] = {}
    counts = Counter((f.raw, f.family) for f in figs if _distinctive(f.raw))
    for f in figs:
        if _distinctive(f.raw) and (counts[(f.raw, f.family)] > 1 or f.raw.replace(",", "") in cells):
            out[f] = "copy"
    by_segment: dict[int, list[TextFigure]] = defaultdict(list)
    for f in figs:
        by_segment[f.segment].append(f)
    for group in by_segment.values():
        for family in {f.family for f in group}:
            same = [f for f in group if f.family == family and f.value > 0]
            for k, total in enumerate(same):
                for run in (same[k + 1 : k + 1 + n] for n in range(2, 7)):
                    if len(run) >= 2 and abs(sum(p.scaled for p in run) - total.scaled) <= total.half + sum(
                        p.half for p in run
                    ):
                        out.setdefault(total, "sum")
                        for p in run:
                            out.setdefault(p, "part")
                        break
        amounts = [f for f in group if f.family == "amount" and f.value > 0]
        for rate in (f for f in group if f.unit == "%"):
            places = len(rate.raw.split(".", 1)[1]) if "." in rate.raw else 0
            for a, b in ((a, b) for a in amounts for b in amounts if a is not b and a.scaled <= b.scaled * 2):
                got = (a.scaled / b.scaled * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
                if got == rate.value and rate.value not in (0, 100):
                    out.setdefault(rate, "rate")
                    out.setdefault(a, "operand")
                    out.setdefault(b, "operand")
    return out


_CHECK_OF = {
    "copy": "同一数据前后一致（figure_conflict / same_subject）",
    "sum": "合计等于分项之和（parts_total）",
    "part": "合计等于分项之和（parts_total）",
    "rate": "比率＝分子／分母（rate）",
    "operand": "比率＝分子／分母（rate）",
}


# --- typos ------------------------------------------------------------------------------------------------------


def typo(raw: str, kind: str, rng: random.Random) -> str | None:
    """The figure as typed wrong, or None when the typo cannot be made (or changes nothing)."""
    raw = raw.replace(",", "")  # typed again without its thousands separators
    digits = [i for i, ch in enumerate(raw) if ch.isdigit()]
    if kind == "digit_doubled":
        i = rng.choice(digits)
        out = raw[: i + 1] + raw[i] + raw[i + 1 :]
    elif kind == "digit_dropped":
        if len(digits) < 2:
            return None
        i = rng.choice(digits)
        out = raw[:i] + raw[i + 1 :]
        if out.startswith(".") or out.endswith(".") or (len(out) > 1 and out[0] == "0" and out[1] != "."):
            return None
    elif kind == "digits_swapped":
        pairs = [i for i in digits if i + 1 < len(raw) and raw[i + 1].isdigit() and raw[i] != raw[i + 1]]
        if not pairs:
            return None
        i = rng.choice(pairs)
        out = raw[:i] + raw[i + 1] + raw[i] + raw[i + 2 :]
        if len(out) > 1 and out[0] == "0" and out[1] != ".":
            return None
    else:  # point_moved
        whole = raw.replace(".", "")
        at = raw.index(".") if "." in raw else len(raw)
        moves = [p for p in (at - 1, at + 1) if 0 < p < len(whole)] if len(whole) > 1 else []
        if not moves:
            return None
        p = rng.choice(moves)
        out = (whole[:p] + "." + whole[p:]).lstrip("0") or "0"
        out = "0" + out if out.startswith(".") else out
    try:
        return out if Decimal(out) != Decimal(raw) else None
    except InvalidOperation:
        return None


def _with_text(doc: SourceDocument, index: int, start: int, end: int, new: str) -> SourceDocument:
    seg = doc.segments[index]
    segments = list(doc.segments)
    segments[index] = replace(seg, text=seg.text[:start] + new + seg.text[end:])
    return SourceDocument(doc.path, segments, doc.notes, doc.sheets)


def _with_cell(doc: SourceDocument, index: int, r: int, c: int, new: str) -> SourceDocument:
    seg = doc.segments[index]
    rows = [list(x) for x in seg.rows]
    rows[r][c] = new
    segments = list(doc.segments)
    segments[index] = replace(seg, rows=tuple(tuple(x) for x in rows))
    return SourceDocument(doc.path, segments, doc.notes, doc.sheets)


def _tenfold(raw: str) -> str:
    return f"{(Decimal(raw.replace(',', '')) * 10 + 1).normalize():f}"


def _fmt(value: Decimal, like: str) -> str:
    places = len(like.split(".", 1)[1]) if "." in like else 0
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"


def _bumped(raw: str) -> str:
    """A part changed plainly: about 10% more, at least one unit in the last place more."""
    raw = raw.replace(",", "")
    value = Decimal(raw)
    step = Decimal(1).scaleb(-(len(raw.split(".", 1)[1]) if "." in raw else 0))
    new = Decimal(_fmt(value * Decimal("1.1"), raw))
    return f"{(new if new - value >= step else value + step):f}"


# --- the plants ---------------------------------------------------------------------------------------------------


def _table_cells(doc: SourceDocument) -> list[tuple[ScoreTable, int, Site, str, str]]:
    """Score and funds cells of the document's score tables: (table, segment, site, role, cell text)."""
    out = []
    for t in find_score_tables(doc):
        index = doc.segments.index(t.segment) if t.segment in doc.segments else -1
        if index < 0:
            continue
        rows = t.segment.rows
        has_sum = t.total_score is not None or any(r.level1_score is not None for r in t.rows)

        def cell(r: int, c: int | None, rows: tuple[tuple[str, ...], ...] = rows, t: ScoreTable = t) -> str:
            """The segment's cell where the table read it (a grid shifted from the segment's rows: none)."""
            if c is None or r >= len(rows) or c >= len(rows[r]) or t.table is None:
                return ""
            return rows[r][c].strip() if rows[r][c].strip() == t.table.cell(r, c).strip() else ""

        for row in t.rows:
            if row.score is not None and re.fullmatch(r"\d+(\.\d+)?", cell(row.row, row.score_col)):
                role = "score_summed" if has_sum else "score"
                out.append((t, index, Site(index, cell=(row.row, row.score_col)), role, cell(row.row, row.score_col)))
            if row.weight is not None and re.fullmatch(r"\d+(\.\d+)?", cell(row.row, row.weight_col)):
                out.append(
                    (
                        t,
                        index,
                        Site(index, cell=(row.row, row.weight_col or 0)),
                        "weight",
                        cell(row.row, row.weight_col),
                    )
                )
        if t.total_row is not None and t.total_row < len(rows) and t.table is not None and t.table.segment is t.segment:
            for c, text in enumerate(rows[t.total_row]):
                if re.fullmatch(r"\d+(\.\d+)?", text.strip()):
                    out.append((t, index, Site(index, cell=(t.total_row, c)), "total", text.strip()))
        if t.block is not None and t.funds_block is not None and t.table is not None and t.table.segment is t.segment:
            for fr in t.funds_rows:
                for role in ("initial", "budget", "executed"):
                    col = t.funds_block.columns.get(role)
                    if (
                        col is not None
                        and re.fullmatch(r"\d+(\.\d+)?", cell(fr.row, col))
                        and Decimal(cell(fr.row, col))
                    ):
                        name = "funds_total" if fr.is_total else "funds_part"
                        out.append((t, index, Site(index, cell=(fr.row, col)), name, cell(fr.row, col)))
    return out


def _table_plants(doc: SourceDocument, rng: random.Random) -> Iterator[Plant]:
    cells = _table_cells(doc)
    funds_parts = {id(t) for t, _, _, role, _ in cells if role == "funds_part"}
    funds_totals = {id(t) for t, _, _, role, _ in cells if role == "funds_total"}
    for t, index, site, role, text in cells:
        r, c = site.cell or (0, 0)
        place = t.segment.place(r, c)
        relation = {
            "score_summed": "得分表合计、小计（score_sum）",
            "weight": "分值合计（weight_sum）",
            "total": "得分表合计（score_sum）",
            "funds_total": "资金总额与分项、执行率（funds_parts / execution_rate）",
            "funds_part": "资金总额与分项（funds_parts）",
            "score": "得分不超过分值（score_over_weight）",
        }[role]
        checkable = role != "funds_part" or id(t) in funds_totals
        # a weight adds up only into a level's or the table's stated weight
        weighed = t.total_weights or t.block_weight is not None or any(x.level1_weight is not None for x in t.rows)
        checkable = checkable and (role != "weight" or bool(weighed))
        checkable = checkable and (role != "funds_total" or id(t) in funds_parts or t.funds_rate is not None)
        for kind in TYPOS:
            new = typo(text, kind, rng)
            if new is None:
                continue
            # a leaf score typed lower with no total to add it into breaks nothing in the table
            ok = checkable and (role != "score" or Decimal(new) > (_row_weight(t, r) or Decimal(10**9)))
            yield Plant(
                kind,
                f"{place} {text} → {new}",
                _with_cell(doc, index, r, c, new),
                ok,
                relation,
                site,
                Decimal(text),
                _with_cell(doc, index, r, c, _tenfold(text)),
            )
        if role in ("score", "score_summed"):
            weight = _row_weight(t, r)
            if weight is not None:
                over = weight + (1 if weight >= 2 else Decimal("0.5"))
                yield Plant(
                    "score_over",
                    f"{place} 得分 {text} → {over:f}（分值 {weight:f}）",
                    _with_cell(doc, index, r, c, f"{over:f}"),
                    True,
                    "得分不超过分值（score_over_weight）",
                    site,
                    Decimal(text),
                )
            if role == "score_summed" and Decimal(text) >= 1:
                new = f"{Decimal(text) - 1:f}"
                yield Plant(
                    "subtotal_stale",
                    f"{place} 得分 {text} → {new}，合计未改",
                    _with_cell(doc, index, r, c, new),
                    True,
                    "得分表合计、小计（score_sum）",
                    site,
                    Decimal(text),
                )
        if role == "funds_part" and id(t) in funds_totals:
            new = _bumped(text)
            yield Plant(
                "subtotal_stale",
                f"{place} 资金分项 {text} → {new}，总额未改",
                _with_cell(doc, index, r, c, new),
                True,
                "资金总额与分项（funds_parts）",
                site,
                Decimal(text),
            )
        if role in ("total", "funds_total") and (role == "total" or id(t) in funds_parts):
            new = f"{Decimal(text) + 1:f}" if role == "total" else _bumped(text)
            yield Plant(
                "total_off",
                f"{place} 合计 {text} → {new}",
                _with_cell(doc, index, r, c, new),
                True,
                relation,
                site,
                Decimal(text),
            )
    yield from _rate_base_plants(doc)


def _row_weight(t: ScoreTable, r: int) -> Decimal | None:
    """The row's weight, the most its score may be; None for a row that allows extra points or is already over."""
    row = next((x for x in t.rows if x.row == r), None)
    if row is None or row.bonus or row.weight is None or (row.score is not None and row.score > row.weight):
        return None
    return row.weight


def _rate_base_plants(doc: SourceDocument) -> Iterator[Plant]:
    """执行率 computed on 年初预算数 where the table's 全年预算数 differs."""
    for t in find_score_tables(doc):
        if (
            t.funds_block is None
            or t.segment not in doc.segments
            or t.table is None
            or t.table.segment is not t.segment
        ):
            continue
        rate_col = t.funds_block.columns.get("rate")
        total = next((fr for fr in t.funds_rows if fr.is_total), None)
        if rate_col is None or total is None:
            continue
        initial, budget, executed = (total.values.get(k) for k in ("initial", "budget", "executed"))
        rows = t.segment.rows
        text = rows[total.row][rate_col].strip() if total.row < len(rows) and rate_col < len(rows[total.row]) else ""
        if not (initial and budget and executed) or initial == budget or not re.search(r"\d", text):
            continue
        wrong = (executed / initial * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        right = executed / budget * 100
        if abs(wrong - right) < 1:
            continue
        new = f"{wrong:f}%"
        index = doc.segments.index(t.segment)
        yield Plant(
            "rate_base",
            f"{t.segment.place(total.row, rate_col)} 执行率 {text} → {new}（以年初预算数为分母）",
            _with_cell(doc, index, total.row, rate_col, new),
            True,
            "执行率＝执行数／全年预算数（execution_rate）",
            Site(index, cell=(total.row, rate_col)),
        )


def _text_plants(doc: SourceDocument, rng: random.Random) -> Iterator[Plant]:
    figs = text_figures(doc)
    cells = {
        cell.strip().replace(",", "")
        for seg in doc.segments
        if seg.kind == "table"
        for row in seg.rows
        for cell in row
        if cell.strip()
    }
    relations = _relations(figs, cells)
    for f in figs:
        relation = relations.get(f)
        place = doc.segments[f.segment].place()
        site = Site(f.segment, f.start, f.end)
        probe = _with_text(doc, f.segment, f.start, f.end, _tenfold(f.raw))
        for kind in TYPOS:
            new = typo(f.raw, kind, rng)
            if new is not None:
                yield Plant(
                    kind,
                    f"{place} {f.raw}{f.unit} → {new}{f.unit}",
                    _with_text(doc, f.segment, f.start, f.end, new),
                    relation is not None,
                    _CHECK_OF.get(relation or "", ""),
                    site,
                    f.value,
                    probe,
                )
        # the author's errors on a figure with a relation: (kind, how it is told, the check that should catch it)
        authored = {
            "part": ("subtotal_stale", "分项 {old} → {new}，合计未改", _CHECK_OF["part"]),
            "sum": ("total_off", "合计 {old} → {new}", _CHECK_OF["sum"]),
            "copy": (
                "text_table",
                "{old}（表中同为 {raw}）→ {new}",
                "正文与表格一致（figure_conflict / same_subject）",
            ),
        }
        if relation in authored and (relation != "copy" or f.raw.replace(",", "") in cells):
            kind, told, check = authored[relation]
            new = _bumped(f.raw)
            shown = told.format(old=f"{f.raw}{f.unit}", new=f"{new}{f.unit}", raw=f.raw)
            yield Plant(
                kind,
                f"{place} {shown}",
                _with_text(doc, f.segment, f.start, f.end, new),
                True,
                check,
                site,
                f.value,
                probe,
            )
    yield from _text_rate_base(doc, figs, relations)


def _text_rate_base(doc: SourceDocument, figs: list[TextFigure], relations: dict[TextFigure, str]) -> Iterator[Plant]:
    """A rate a/b of its paragraph restated as a/c, c another amount of the paragraph."""
    for rate in (f for f in figs if relations.get(f) == "rate"):
        amounts = [f for f in figs if f.segment == rate.segment and f.family == "amount" and f.value > 0]
        places = len(rate.raw.split(".", 1)[1]) if "." in rate.raw else 0
        step = Decimal(1).scaleb(-places)
        for a, b in ((a, b) for a in amounts for b in amounts if a is not b):
            if (a.scaled / b.scaled * 100).quantize(step, ROUND_HALF_UP) != rate.value:
                continue
            wrong = next(
                (
                    (a.scaled / c.scaled * 100).quantize(step if places else Decimal("0.01"), ROUND_HALF_UP)
                    for c in amounts
                    if c not in (a, b) and abs(a.scaled / c.scaled * 100 - rate.value) >= 1
                ),
                None,
            )
            if wrong is None:
                continue
            yield Plant(
                "rate_base",
                f"{doc.segments[rate.segment].place()} {rate.raw}% → {wrong:f}%（分母用错）",
                _with_text(doc, rate.segment, rate.start, rate.end, f"{wrong:f}"),
                True,
                _CHECK_OF["rate"],
                Site(rate.segment, rate.start, rate.end),
                rate.value,
            )
            break


def _grade_plants(doc: SourceDocument) -> Iterator[Plant]:
    for i, seg in enumerate(doc.segments):
        if seg.kind == "paragraph":
            for m in _GRADE_TEXT.finditer(seg.text):
                new = _GRADE_SHIFT[m.group(1)]
                yield Plant(
                    "grade",
                    f"{seg.place()} 等级 {m.group(1)} → {new}",
                    _with_text(doc, i, m.start(1), m.end(1), new),
                    bool(_SCORE_IN_TEXT.search(seg.text)),  # a grade with no score beside it contradicts nothing
                    "等级与总分（grade）",
                    Site(i, m.start(1), m.end(1)),
                )
        else:
            for r, row in enumerate(seg.rows):
                for c, text in enumerate(row):
                    if text.strip() in _GRADE_SHIFT and any(
                        "等级" in x or "等次" in x for x in row[:c] + seg.rows[r - 1][c : c + 1] if r
                    ):
                        new = _GRADE_SHIFT[text.strip()]
                        yield Plant(
                            "grade",
                            f"{seg.place(r, c)} 等级 {text.strip()} → {new}",
                            _with_cell(doc, i, r, c, new),
                            any(re.fullmatch(r"\d+(?:\.\d+)?", x.strip()) for x in row),
                            "等级与总分（grade）",
                            Site(i, cell=(r, c)),
                        )


def plants(doc: SourceDocument, rng: random.Random) -> list[Plant]:
    return [*_table_plants(doc, rng), *_text_plants(doc, rng), *_grade_plants(doc)]


def sample(all_plants: list[Plant], per_doc: int, rng: random.Random) -> list[Plant]:
    """Up to `per_doc` checkable plants, spread over the mutation kinds (round-robin over kinds, shuffled)."""
    by_kind: dict[str, list[Plant]] = defaultdict(list)
    for p in all_plants:
        if p.checkable:
            by_kind[p.kind].append(p)
    for group in by_kind.values():
        rng.shuffle(group)
    out: list[Plant] = []
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    while len(out) < per_doc and any(by_kind.values()):
        for k in kinds:
            if by_kind[k] and len(out) < per_doc:
                out.append(by_kind[k].pop())
    return out


# --- why a plant was missed -----------------------------------------------------------------------------------------


def _read(doc: SourceDocument, site: Site, value: Decimal | None, narrative: list, figures: list) -> tuple[bool, str]:
    """(the planted figure was read by some reader, how its meaning was read when that says why it was missed)."""
    if site.cell is not None:
        for t in find_score_tables(doc):
            if t.segment is not doc.segments[site.segment]:
                continue
            r, c = site.cell
            if any(row.row == r and c in (row.score_col, row.weight_col) for row in t.rows):
                return True, ""
            if t.total_row == r or any(fr.row == r for fr in t.funds_rows):
                return True, ""
        hits = [f for f in narrative if f.segment == site.segment and f.cell == site.cell]
    else:
        hits = [
            f
            for f in narrative
            if f.segment == site.segment and f.cell is None and value is not None and f.value == value
        ]
        if any(f.segment == site.segment and f.start <= site.start < f.end + 1 for f in figures):
            return True, ""
    if not hits:
        return False, ""
    f = hits[0]
    why = [
        w
        for w, on in (("他年", f.other_year), ("目标", f.target), ("约数", f.approximate), ("无主体", not f.subject))
        if on
    ]
    return True, "、".join(why)


def judge(
    base_doc: SourceDocument, plant: Plant, seen: set, rulebook: str | None, narrative: list, figures: list
) -> str:
    """'' when caught, else the cause of the miss."""
    after = review_document(plant.doc, rulebook)
    if _signature(after.findings) - seen:
        return ""
    read, meaning = _read(base_doc, plant.site, plant.value, narrative, figures) if plant.site else (True, "")
    if not read:
        return "数据未读出"
    if meaning:
        return f"含义读错（读作{meaning}）"
    if plant.probe is not None and _signature(review_document(plant.probe, rulebook).findings) - seen:
        return "容差（改为十倍则发现）"
    return "关系未知"


def run_document(item: CorpusDoc, per_doc: int, seed: int) -> DocOutcome:
    started = time.perf_counter()
    doc = normalized(read_source(item.folder / "document.txt"))
    out = DocOutcome(item.id, item.kind)
    baseline = review_document(doc)
    _, _, out.false_findings, out.false_errors = _judge(
        item, review_document(read_source(item.folder / "document.txt")).findings
    )
    seen = _signature(baseline.findings)
    rng = random.Random(f"{seed}:{item.id}")
    every = plants(doc, rng)
    out.unchecked = sum(1 for p in every if not p.checkable)
    narrative = extract_narrative_figures(doc)
    figures = extract_figures(doc)
    for plant in sample(every, per_doc, rng):
        cause = judge(doc, plant, seen, baseline.rulebook_id, narrative, figures)
        (out.missed.append((plant, cause)) if cause else out.caught.append(plant))
    out.seconds = time.perf_counter() - started
    return out


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.1%}" if b else "—"


def report(outcomes: list[DocOutcome], verbose: bool = False) -> None:
    print(f"{len(outcomes)} 份文档；每份可核对的变异至多若干份（按类型轮流抽取，固定种子）")
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        name = "叙述" if o.kind.startswith("narrative") else KIND_NAMES.get(o.kind, o.kind)
        groups[name][0] += len(o.caught)
        groups[name][1] += len(o.caught) + len(o.missed)
        for p in o.caught:
            kinds[p.kind][0] += 1
            kinds[p.kind][1] += 1
        for p, _ in o.missed:
            kinds[p.kind][1] += 1
    caught = sum(len(o.caught) for o in outcomes)
    total = caught + sum(len(o.missed) for o in outcomes)
    print(f"\n合计召回率：{_pct(caught, total)}；另有 {sum(o.unchecked for o in outcomes)} 处变异无从核对（未计）")
    print("按文档类型：")
    for name, (c, n) in sorted(groups.items()):
        print(f"  {name:<10}{_pct(c, n)}")
    print("按变异类型：")
    for kind in MUTATION_NAMES:
        if kind in kinds:
            c, n = kinds[kind]
            print(f"  {MUTATION_NAMES[kind]:<12}{_pct(c, n)}")
    causes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for o in outcomes:
        for p, cause in o.missed:
            causes[(cause, p.check)].append(f"{o.id} {MUTATION_NAMES[p.kind]}：{p.description}")
    print("可核对而漏检，按原因与应发现它的检查：")
    for (cause, check), items in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(items):>4}  {cause} — {check}")
        for line in items[: (len(items) if verbose else 3)]:
            print(f"          {line}")
    false_findings = sum(len(o.false_findings) for o in outcomes)
    false_errors = sum(len(o.false_errors) for o in outcomes)
    print(f"\n未变异文档（.txt，按 bench/review_corpus.py 的判定）：误报 {false_findings}，其中错误级 {false_errors}")
    for o in outcomes:
        for line in o.false_errors:
            print(f"    {o.id} 误报错误：{line}")
    print(f"用时 {sum(o.seconds for o in outcomes):.0f} s")


def main(argv: list[str]) -> int:
    per_doc, seed, verbose = 8, 1, "-v" in argv
    args = [a for a in argv if a not in ("-v", "--corpus")]
    for option in ("--per-doc", "--seed"):
        if option in args:
            at = args.index(option)
            value = int(args[at + 1])
            per_doc, seed = (value, seed) if option == "--per-doc" else (per_doc, value)
            del args[at : at + 2]
    docs = [d for d in load_corpus() if not args or any(a in d.id for a in args)]
    outcomes = []
    for item in docs:
        outcomes.append(run_document(item, per_doc, seed))
        if verbose:
            o = outcomes[-1]
            print(f"{o.id}：{_pct(len(o.caught), len(o.caught) + len(o.missed))}", flush=True)
    report(outcomes, verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
