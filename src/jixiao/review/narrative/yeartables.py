"""A table of years in a narrative report (rows "2015年", "2016年", and a row "2016年比2015年增减%"): its change row
checked against its two year rows, and the text's amounts of a year against that year's cells (issue 12 item 2:
the text against the tables of the same document).

A text amount is matched to the column whose header shares most of its characters with the amount's subject
(at least three quarters of the shorter of the two, and better than every other column); a header such as 合计
under a merged parent ("公车购置及运行维护费 · 合计") is read as its parent.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.model.problems import Problem, Severity

from ..rx import rx
from ..source import Segment, SourceDocument
from .arith import fmt
from .figures import normalize
from .findings import PREFIX, where
from .model import NarrativeFigure
from .numerals import parse_arabic
from .vocabulary import vocabulary

__all__ = ["year_table_checks"]

_YEAR = rx(r"((?:19|20)\d\d)\s*年")
_NUMBER = rx(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def _number(cell: str) -> tuple[Decimal, Decimal] | None:
    """(value, half a unit of its last printed place) of a numeric cell."""
    text = normalize(cell).rstrip("%％")
    if not _NUMBER.fullmatch(text):
        return None
    value = parse_arabic(text.lstrip("+-"))
    if value is None:
        return None
    places = len(text.split(".", 1)[1]) if "." in text else 0
    return (-value if text.startswith("-") else value), Decimal(5).scaleb(-places - 1)


def _is_change_row(label: str) -> bool:
    return any(w in label for w in vocabulary().words["change_rows"])


def _year_rows(seg: Segment) -> dict[int, int]:
    """Year → row, for rows labelled by a single year ("2015年", "2016年决算数")."""
    out = {}
    for r, row in enumerate(seg.rows):
        label = normalize(row[0]) if row else ""
        years = _YEAR.findall(label)
        if len(years) == 1 and label.startswith(years[0]) and not _is_change_row(label):
            out[int(years[0])] = r
    return out


def _headers(seg: Segment, body: int) -> list[str]:
    """Column headers over the first year row; a merged top cell covers the blank cells right of it that have a
    header of their own below."""
    width = max(len(r) for r in seg.rows)
    rows = [[normalize(c) for c in r] + [""] * (width - len(r)) for r in seg.rows[:body]]
    for i, row in enumerate(rows[:-1]):
        below = rows[i + 1 :]
        for c in range(1, width):
            if not row[c] and row[c - 1] and any(b[c] for b in below):
                row[c] = row[c - 1]
    return ["·".join(dict.fromkeys(r[c] for r in rows if r[c])) for c in range(width)]


def _name(header: str) -> str:
    """The name a header gives its column: its lowest part, or its parent when that part is a 合计."""
    parts = [p for p in header.split("·") if p]
    if not parts:
        return ""
    generic = vocabulary().words["generic_headers"]
    if parts[-1] in generic and len(parts) > 1:
        return parts[-2]
    return "" if parts[-1] in generic else parts[-1]


def _overlap(a: str, b: str) -> Decimal:
    a, b = re.sub(r"[（(][^）)]*[)）]", "", a), re.sub(r"[（(][^）)]*[)）]", "", b)
    if not a or not b:
        return Decimal(0)
    shorter, longer = sorted((a, b), key=len)
    return Decimal(sum(1 for ch in set(shorter) if ch in longer)) / len(set(shorter))


def _column(subject: str, headers: list[str]) -> int | None:
    scores = sorted(((_overlap(subject, _name(h)), c) for c, h in enumerate(headers) if c and _name(h)), reverse=True)
    if not scores or scores[0][0] < Decimal("0.75"):
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None
    return scores[0][1]


def _change_problems(doc: SourceDocument, seg: Segment, years: dict[int, int], headers: list[str]) -> list[Problem]:
    out = []
    for r, row in enumerate(seg.rows):
        label = normalize(row[0]) if row else ""
        named = [int(y) for y in _YEAR.findall(label)]
        pair = named[:2] if len(named) >= 2 else sorted(years, reverse=True)[:2]
        if not _is_change_row(label) or len(pair) < 2 or any(y not in years for y in pair):
            continue
        new, old = years[pair[0]], years[pair[1]]
        for c in range(1, len(row)):
            stated, now, before = (_number(x[c]) if c < len(x) else None for x in (row, seg.rows[new], seg.rows[old]))
            if stated is None or now is None or before is None or before[0] - before[1] <= 0:
                continue
            low = (now[0] - now[1] - before[0] - before[1]) * 100 / (before[0] + before[1])
            high = (now[0] + now[1] - before[0] + before[1]) * 100 / (before[0] - before[1])
            low, high = sorted((low, high))
            # the stated rate rounded (± half its last place) or truncated toward zero (one place further out)
            reach = stated[1] * 2
            if (
                stated[0] - stated[1] - reach * (stated[0] < 0) <= high
                and stated[0] + stated[1] + reach * (stated[0] > 0) >= low
            ):
                continue
            exact = (now[0] - before[0]) * 100 / before[0]
            name = headers[c] if c < len(headers) else f"第{c + 1}列"
            place = doc.location(seg, r, c)
            a, b = normalize(seg.rows[old][c]), normalize(seg.rows[new][c])
            out.append(
                Problem(
                    PREFIX + "growth_rate",
                    f"{place.place}（{name}）写作{normalize(row[c])}%，而同表{pair[1]}年为{a}、{pair[0]}年为{b}"
                    f"（{doc.location(seg, old, c).place}、{doc.location(seg, new, c).place}）：({b}－{a})÷{a}＝"
                    f"{fmt(exact, 2)}%（按两数末位各半个单位取整，可在{fmt(low, 2)}%～{fmt(high, 2)}%之间）。"
                    "请核对增减率或两年数额。",
                    place,
                    Severity.WARNING,
                    f"{fmt(exact, 2)}%",
                    f"{normalize(row[c])}%",
                )
            )
    return out


def _text_year(doc: SourceDocument, f: NarrativeFigure, year: int | None) -> int | None:
    """The year a text figure speaks of: the last year its paragraph names before it, else the report's."""
    text = normalize(doc.segments[f.segment].text) if f.segment < len(doc.segments) else f.quote
    years = [int(y) for y in _YEAR.findall(text[: f.start])]
    return years[-1] if years else year


def _text_problems(
    doc: SourceDocument,
    seg: Segment,
    years: dict[int, int],
    headers: list[str],
    figures: list[NarrativeFigure],
    year: int | None,
) -> list[Problem]:
    out = []
    for f in figures:
        if f.cell is not None or f.kind != "amount" or f.per_unit or not f.exact or f.other_year:
            continue
        row = years.get(_text_year(doc, f, year) or 0)
        column = _column(f.subject, headers) if row is not None else None
        if row is None or column is None or column >= len(seg.rows[row]):
            continue
        cell = _number(seg.rows[row][column])
        if cell is None:
            continue
        # one amount printed twice with the same decimals is printed the same; otherwise within the coarser rounding
        tolerance = max(cell[1], f.half_unit / (f.scaled / f.value) if f.value else cell[1])
        if "." not in f.raw and cell[1] == Decimal("0.5"):
            tolerance = Decimal(0)
        if abs(cell[0] - f.value) <= tolerance:
            continue
        place = doc.location(seg, row, column)
        how = "两处小数位数相同，应写得完全一致" if not tolerance else f"容差±{fmt(tolerance)}"
        out.append(
            Problem(
                PREFIX + "text_table",
                f"正文与表格不一致：{where(f)}，而{place.place}（{headers[column]}，{normalize(seg.rows[row][0])}）为"
                f"{normalize(seg.rows[row][column])}；相差{fmt(abs(cell[0] - f.value))}"
                f"（{how}）。请核对正文或表格。",
                f.location,
                Severity.WARNING,
                normalize(seg.rows[row][column]),
                f"{f.raw}{f.unit}",
            )
        )
    return out


def year_table_checks(doc: SourceDocument, figures: list[NarrativeFigure], year: int | None) -> list[Problem]:
    """The change row of each table of years, and the text's amounts of a year against that year's row."""
    out: list[Problem] = []
    for seg in doc.tables():
        years = _year_rows(seg)
        if not years or not seg.rows:
            continue
        headers = _headers(seg, min(years.values()))
        out.extend(_change_problems(doc, seg, years, headers))
        out.extend(_text_problems(doc, seg, years, headers, figures, year))
    return out
