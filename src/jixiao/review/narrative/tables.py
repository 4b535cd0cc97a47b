"""Figures in the tables of a narrative report: a cell's number with the unit its column header or the table's
"单位：万元" gives, and the row label and column header as its subject ("年度资金总额 · 全年执行数")."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from ..source import Segment, SourceDocument
from .figures import NarrativeFigure, normalize
from .numerals import parse_arabic

__all__ = ["column_headers", "row_labels", "table_figures"]

_BARE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(%|％)?")
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(万元|元|亿元|%|人|个|分)\s*[)）]|单位\s*[:：]\s*(万元|元|亿元)")


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
    if unit == "分" or any(w in header for w in ("分值", "得分", "权重", "评分")):
        return "score", "分"
    if unit in ("人", "个"):
        return "count", unit
    if table_unit and any(w in header for w in ("预算", "执行", "支出", "资金", "金额", "决算", "收入")):
        return "amount", table_unit
    return "", ""


def table_figures(
    doc: SourceDocument,
    index: int,
    seg: Segment,
    year: int | None,
    scan: Callable[..., list[NarrativeFigure]],
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
                for figure in scan(doc, index, seg, text, year, (r, c)):
                    if not figure.subject:
                        figure = _with_subject(figure, labels[r])
                    out.append(figure)
    return out


def _with_subject(figure: NarrativeFigure, subject: str) -> NarrativeFigure:
    from dataclasses import replace

    return replace(figure, subject=subject)


def cell_number(text: str) -> Decimal | None:
    text = normalize(text).rstrip("%％")
    return parse_arabic(text) if _BARE.fullmatch(text) else None
