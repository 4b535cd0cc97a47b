"""Figures in the tables of a narrative report: a cell's number with the unit its column header or the table's
"单位：万元" gives, and the row label and column header as its subject ("年度资金总额 · 全年执行数")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from jixiao.model.problems import Location, Problem, Severity

from ..rx import rx
from ..source import Segment, SourceDocument
from .arith import fmt, interval, overlaps
from .grammar import read_segment
from .model import NarrativeFigure
from .numerals import normalize, parse_arabic
from .vocabulary import vocabulary

__all__ = ["cell_number", "column_headers", "row_labels", "table_checks", "table_figures"]

_BARE = rx(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(%|％)?")
_UNIT_IN_HEADER = rx(r"[（(]\s*(万元|元|亿元|%|人|个|分)\s*[)）]|单位\s*[:：]\s*(万元|元|亿元)")


def _is_number(text: str) -> bool:
    return bool(_BARE.fullmatch(normalize(text)))


def column_headers(seg: Segment, body_start: int) -> list[str]:
    """Each column's header: the text cells above the first row of figures, joined top to bottom."""
    width = max(len(r) for r in seg.rows)
    headers = [""] * width
    for row in seg.rows[:body_start]:
        for col, cell in enumerate(row):
            if cell and not _is_number(cell):
                headers[col] = (headers[col] + "·" + normalize(cell)).strip("·")
    return headers


def row_labels(seg: Segment) -> list[str]:
    """Each row's label: its first text cell, carried down over merged (blank) cells."""
    labels, last = [], ""
    for row in seg.rows:
        label = next((normalize(c) for c in row if c and not _is_number(c)), "")
        last = label or last
        labels.append(last)
    return labels


def _body_start(seg: Segment) -> int:
    for i, row in enumerate(seg.rows):
        if any(c and _is_number(c) for c in row[1:]):
            return i
    return len(seg.rows)


def _unit(header: str, table_unit: str) -> tuple[str, str]:
    """(kind, unit) of a column."""
    m = _UNIT_IN_HEADER.search(header)
    unit = (m.group(1) or m.group(2)) if m else ""
    if unit in ("万元", "元", "亿元"):
        return "amount", unit
    if unit == "%" or header.endswith("率") or "率(" in header or "率（" in header:
        return "rate", "%"
    if unit == "分" or any(w in header for w in vocabulary().words["score_headers"]):
        return "score", "分"
    if unit in ("人", "个"):
        return "count", unit
    if table_unit and any(w in header for w in vocabulary().words["money_headers"]):
        return "amount", table_unit
    return "", ""


def table_figures(
    doc: SourceDocument,
    index: int,
    seg: Segment,
    year: int | None,
) -> list[NarrativeFigure]:
    """Figures of one table: numbers written with their unit in a cell, and bare numbers under a unit header."""
    if not seg.rows:
        return []
    start = _body_start(seg)
    headers = column_headers(seg, start)
    labels = row_labels(seg)
    whole = " ".join(" ".join(r) for r in seg.rows[:start])
    m = _UNIT_IN_HEADER.search(normalize(whole))
    table_unit = (m.group(2) or "") if m else ""
    out: list[NarrativeFigure] = []
    for r, row in enumerate(seg.rows):
        for c, cell in enumerate(row):
            if not cell:
                continue
            text = normalize(cell)
            if r >= start and _is_number(cell):
                kind, unit = _unit(headers[c] if c < len(headers) else "", table_unit)
                raw = text.rstrip("%％")
                value = parse_arabic(raw.lstrip("+"))
                if not kind or value is None:
                    continue
                if text.endswith(("%", "％")):
                    kind, unit = "rate", "%"
                subject = "·".join(x for x in (labels[r], headers[c] if c < len(headers) else "") if x)
                out.append(
                    NarrativeFigure(
                        value=value,
                        unit=unit,
                        kind=kind,
                        subject=subject,
                        relation="",
                        text=cell,
                        location=doc.location(seg, r, c),
                        quote=" | ".join(row),
                        segment=index,
                        sentence=r,
                        start=0,
                        end=len(text),
                        raw=raw,
                        cell=(r, c),
                    )
                )
            elif re.search(r"\d", text):
                for figure in read_segment(text, doc.location(seg, r, c), index, year, (r, c)):
                    if not figure.subject:
                        figure = _with_subject(figure, labels[r])
                    out.append(figure)
    return out


def _with_subject(figure: NarrativeFigure, subject: str) -> NarrativeFigure:
    return replace(figure, subject=subject)


def cell_number(text: str) -> Decimal | None:
    text = normalize(text).rstrip("%％")
    return parse_arabic(text) if _BARE.fullmatch(text) else None


# --- text against the document's tables ----------------------------------------------------------------------------


def _funds_row(doc: SourceDocument) -> list[tuple[str, Decimal, str, NarrativeFigure]]:
    """(concept, value, unit, cell figure) of the one 年度资金总额 row of the document's tables."""

    voc = vocabulary()
    rows = []
    for index, seg in enumerate(doc.segments):
        if seg.kind != "table" or not seg.rows:
            continue
        start = _body_start(seg)
        headers = column_headers(seg, start)
        for r, row in enumerate(seg.rows):
            label = next((normalize(c) for c in row if c and not _is_number(c)), "")
            if not any(label.startswith(w) for w in voc.table_total_rows[:2]):
                continue
            header_rows = [normalize(" ".join(x)) for x in seg.rows[max(0, r - 2) : r + 1]]
            m = _UNIT_IN_HEADER.search(" ".join(header_rows) + " " + " ".join(headers))
            unit = (m.group(1) or m.group(2)) if m else ""
            found = []
            for concept, sides in voc.table_concepts.items():
                col = _concept_column(headers, sides["columns"])
                if col is None or col >= len(row):
                    continue
                value = cell_number(row[col])
                if value is None:
                    continue
                cell_unit = "%" if concept == "rate" else unit
                figure = NarrativeFigure(
                    value=value,
                    unit=cell_unit or "万元",
                    kind="rate" if concept == "rate" else "amount",
                    subject=f"{label}·{headers[col]}",
                    relation="",
                    text=row[col],
                    location=doc.location(seg, r, col),
                    quote=" | ".join(row),
                    segment=index,
                    sentence=r,
                    raw=normalize(row[col]).rstrip("%％"),
                    cell=(r, col),
                )
                found.append((concept, value, cell_unit, figure))
            if found:
                rows.append(found)
    return rows[0] if len(rows) == 1 else []


def _concept_column(headers: list[str], words: tuple[str, ...]) -> int | None:
    for word in words:
        for col, header in enumerate(headers):
            last = header.split("·")[-1]
            if word in last and not (word == "预算数" and "年初" in last):
                return col
    return None


def _text_table(doc: SourceDocument, figures: list[NarrativeFigure]) -> list[Problem]:

    voc = vocabulary()
    out = []
    cells = _funds_row(doc)
    for concept, _value, unit, cell in cells:
        words = voc.table_concepts[concept]["text"]
        for f in figures:
            if f.cell is not None or not f.checkable or f.depth or f.relation in voc.relations["parts"]:
                continue
            if concept == "rate":
                if f.kind != "rate" or not any(f.subject.endswith(w) for w in words):
                    continue
                if any(w in f.subject for w in voc.words["not_funds_rates"]):
                    continue
                same = abs(f.value - cell.value) <= f.half_unit + cell.half_unit
            else:
                if f.kind != "amount" or f.per_unit or not any(w in f.subject for w in words):
                    continue
                if concept != "initial" and "年初" in f.subject:
                    continue  # 年初预算 is compared with the 年初预算数 column, not with 全年预算数
                if unit:
                    same = overlaps(interval(f), interval(cell))
                else:  # a table without its unit: either reading will do
                    same = any(
                        abs(f.scaled - cell.value * k) <= f.half_unit + cell.half_unit * k
                        for k in (Decimal(1), Decimal(10_000))
                    )
            if same:
                continue
            shown = f"{cell.raw}{unit or ''}"
            out.append(
                Problem(
                    "review.narrative.text_table",
                    f"正文与表格不一致：{f.location.place}“{f.text}”，而{cell.location.place}"
                    f"（{cell.subject}）为{shown}；相差{fmt(abs(f.value - cell.value))}"
                    f"（容差为两数末位各半个单位）。请核对正文或表格。",
                    f.location,
                    Severity.WARNING,
                    shown,
                    f"{f.raw}{f.unit}",
                )
            )
    return out


def _stated_scores(figures: list[NarrativeFigure]) -> list[NarrativeFigure]:

    words = vocabulary().score_total
    return [
        f
        for f in figures
        if f.kind == "score"
        and f.cell is None
        and f.checkable
        and f.value <= 100
        and any(f.subject.endswith(w) for w in words)
        and not any(w in f.subject for w in vocabulary().words["not_total_scores"])
        and not re.match(r"^\s*(?:\d+[.、．]|[（(]\d+[)）])", f.quote)  # an enumerated indicator's own score
    ]


_GRADE = rx(r"(?:等级|结果|评价|评定|定级|级别)(?:为|是|评定为|确定为)?[“\"]?(优秀|良好|优|良|中等|合格|不合格|差)")


def _stated_grade(doc: SourceDocument) -> tuple[str, str, Location, int] | None:

    grades = vocabulary().grade_words
    for seg in doc.paragraphs():
        text = normalize(seg.text)
        m = _GRADE.search(text)
        if m and ("自评" in text or "绩效" in text or "得分" in text):
            index = doc.segments.index(seg)
            return grades[m.group(1)], text[max(0, m.start() - 10) : m.end() + 1], doc.location(seg), index
    return None


def _score_grade(
    doc: SourceDocument, figures: list[NarrativeFigure], score_tables: Iterable[object] | None
) -> list[Problem]:

    voc = vocabulary()
    out: list[Problem] = []
    scores = _stated_scores(figures)
    if not scores:
        return out
    stated = max(scores, key=lambda f: f.value)  # indicator and level scores are parts of the total
    grade = _stated_grade(doc)
    if grade is not None and abs(grade[3] - stated.segment) <= 2:
        expected = next(g for g, low in voc.grade_bands if stated.value >= low)
        if expected != grade[0]:
            bands = "，".join(f"{g}≥{low}" for g, low in voc.grade_bands if low)
            out.append(
                Problem(
                    "review.narrative.score_grade",
                    f"自评等级与得分不符：{stated.location.place}“{stated.text}”按等级标准（{bands}分）应为“{expected}”，"
                    f"而{grade[2].place}写作“{grade[1]}”。若本地区等级标准不同请忽略；否则请核对等级或得分。",
                    grade[2],
                    Severity.WARNING,  # a province may set other bands (e.g. 优 ≥ 85): a warning, not an error
                    expected,
                    grade[0],
                )
            )
    for table in score_tables or ():
        total = _table_total(table)
        if total is None:
            continue
        value, where = total
        if abs(value - stated.value) > stated.half_unit + Decimal("0.005"):
            out.append(
                Problem(
                    "review.narrative.score_grade",
                    f"正文自评得分与评分表不符：{stated.location.place}“{stated.text}”，而评分表{where}合计得分为"
                    f"{fmt(value)}分，相差{fmt(abs(value - stated.value))}分"
                    f"（容差±{fmt(stated.half_unit + Decimal('0.005'))}分）。"
                    "请核对正文或评分表。",
                    stated.location,
                    Severity.WARNING,
                    f"{fmt(value)}分",
                    f"{stated.raw}分",
                )
            )
    return out


def _table_total(table: object) -> tuple[Decimal, str] | None:
    """A score table's total: its stated 总分 row, or the sum of its rows' scores when every row has one."""
    total = getattr(table, "total_score", None)
    location = getattr(table, "total_location", None)
    if total is not None:
        return Decimal(total), getattr(location, "place", "") or ""
    rows = getattr(table, "rows", None) or []
    scores = [Decimal(s) for r in rows if (s := getattr(r, "score", None)) is not None]
    if rows and len(scores) == len(rows):
        segment = getattr(table, "segment", None)
        return sum(scores, Decimal(0)), segment.place() if segment is not None else ""
    return None


def table_checks(
    doc: SourceDocument, figures: list[NarrativeFigure], score_tables: Iterable[object] | None
) -> list[Problem]:
    """Text against the tables of the same document: 年度资金总额 (预算数, 执行数, 执行率) and the score table."""
    return _text_table(doc, figures) + _score_grade(doc, figures, score_tables)
