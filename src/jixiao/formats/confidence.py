"""Figures read by OCR are checked twice: a finding that rests on a figure recognised with low confidence is a
hint (提示) that says so, not an error — a misread digit must not become a finding against a department.

A finding rests on more figures than the one its place names: a sum on every cell it adds up, a comparison on
both places it quotes. Each place it rests on — its own ("第3页 表1 第8行第7列", "第3页 第12段"), the places its
message cites, and its basis (the cells the check read, Findings.basis) — leads to the segment and, for a table,
the cell; the lowest OCR confidence among them (Segment.confidence, Segment.cell_confidence; None for a text
layer) decides.

A name the review takes from a scan (the department's) may rest on a character the recogniser reads unsurely —
a rare one (戛 渑 濉 竣) is read as a common look-alike, however the line is cropped: the name comes with a
hint saying so when every line or cell it was read from was read with low confidence (doubtful_name); a county's
name settled against the administrative divisions (formats/places.py) is said so in its place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Problem, Severity

from .layout import DOUBTED

__all__ = [
    "LOW_CONFIDENCE",
    "doubtful_as_hints",
    "doubtful_name",
    "doubtful_total",
    "lowest_confidence",
    "place_confidence",
]

LOW_CONFIDENCE = 0.9  # below this, RapidOCR's reading of a box is doubtful (its sure readings are 0.95–1.0)

_TABLE = re.compile(r"表(\d+)(?:\s*第(\d+)行(?:第(\d+)列)?)?")
_PARAGRAPH = re.compile(r"第(\d+)段")
_FIGURE_CHARS = re.compile(r"[\d.,%]")
# a place quoted inside a message: a table cell, or a paragraph
_CITED = re.compile(r"表\d+\s*第\d+行第\d+列|第\d+段")


def _figure_like(cell: str) -> bool:
    """A cell holding a figure (95, 10.5, ≥90%, 1,200万元, 自评总分:95), not a text with a number in it
    (指标1：工程质量合格): a short cell with a digit, or one at least half of digits, points, commas and %.
    A finding is doubted for the figures it rests on (issue 20: "every figure that the arithmetic depends
    on"), not for a label or a long text read less surely (a template's prompt left in a cell is found as
    surely whatever OCR's confidence in it)."""
    text = re.sub(r"\s", "", cell)
    if not _FIGURE_CHARS.search(text):
        return False
    return len(text) <= 8 or len(_FIGURE_CHARS.findall(text)) * 2 >= len(text)


def place_confidence(doc: Any, place: str) -> float | None:
    """The OCR confidence of what `place` names in `doc` (a SourceDocument): a figure cell's, else the lowest of
    the row's or the table's figure cells, else the paragraph's; None when it was not read by OCR, holds no
    figure, or the place is not found."""
    if m := _TABLE.search(place):
        table = next((s for s in doc.tables() if s.index == int(m.group(1))), None)
        if table is None:
            return None
        row, col = (int(m.group(2)) - 1 if m.group(2) else None), (int(m.group(3)) - 1 if m.group(3) else None)
        if row is not None and row < len(table.cell_confidence):
            levels = table.cell_confidence[row]
            texts = table.rows[row] if row < len(table.rows) else ()
            if col is not None and col < len(levels):
                return levels[col] if col < len(texts) and _figure_like(texts[col]) else None
            # a row: the figures it holds (a finding about a row rests on its figures — or on a cell being
            # blank — not on how surely the indicator's name was read)
            known = [c for c, text in zip(levels, texts, strict=False) if c is not None and _figure_like(text)]
            return min(known) if known else None
        known = [  # the whole table: the figures it holds
            c
            for levels, texts in zip(table.cell_confidence, table.rows, strict=False)
            for c, text in zip(levels, texts, strict=False)
            if c is not None and _figure_like(text)
        ]
        return min(known) if known else None
    if m := _PARAGRAPH.search(place):
        paragraph = next((s for s in doc.paragraphs() if s.index == int(m.group(1))), None)
        return paragraph.confidence if paragraph is not None else None
    return None


def lowest_confidence(doc: Any, places: Iterable[str]) -> tuple[float, str] | None:
    """The lowest OCR confidence among `places` and the place it was found at; None when none was OCR'd."""
    known = [(level, place) for place in places if (level := place_confidence(doc, place)) is not None]
    return min(known) if known else None


def _places(finding: Problem, basis: Iterable[str]) -> list[str]:
    """The places a finding rests on. A finding placed at a whole table ("表2") that names the cells it was built
    on (its basis) rests on those cells, not on every figure of the table."""
    own = finding.location.place if finding.location and finding.location.place else ""
    basis = list(basis)
    if basis and (m := _TABLE.search(own)) and m.group(2) is None:
        own = ""
    cited = _CITED.findall(" ".join((finding.message, finding.expected, finding.actual)))
    return [p for p in dict.fromkeys([own, *cited, *basis]) if p]


def doubtful_as_hints(
    doc: Any, findings: list[Problem], basis: Callable[[Problem], Iterable[str]] | None = None
) -> list[Problem]:
    """Each error or warning resting on a figure OCR read below LOW_CONFIDENCE — at its place, at a place its
    message cites, or at a place of its `basis` (the cells a sum was built on) — made a hint that says why; and
    each quoting a figure read without its decimal point where its own arithmetic proves where the point was
    (_point_lost), however surely the digits were read."""
    out = []
    for finding in findings:
        lowest = None
        if finding.severity is not Severity.INFO:
            lowest = lowest_confidence(doc, _places(finding, basis(finding) if basis else ()))
        if finding.severity is not Severity.INFO and (point := _point_lost(doc, finding)):
            should = f"应在{finding.expected}之间" if _RANGE.fullmatch(finding.expected) else f"应为{finding.expected}"
            finding = dataclasses.replace(
                finding,
                severity=Severity.INFO,
                message=f"{finding.message}（此处数字由扫描件文字识别得出，读作{finding.actual}；按报告中其他数字"
                f"{should}，"
                f"与读数补上小数点后的{point}相符：可能是扫描件上的小数点未被识别出，而非报告错误：请对照原件核实后"
                f"再作结论。）",
            )
        elif lowest is not None and lowest[0] < LOW_CONFIDENCE:
            level, place = lowest
            own = finding.location.place if finding.location else None
            where = "此处数字" if place == own else f"所依据的数字（{place}）"
            finding = dataclasses.replace(
                finding,
                severity=Severity.INFO,
                message=f"{finding.message}（{where}由扫描件文字识别得出，{_why_doubted(level)}，"
                f"可能是识别误差而非报告错误：请对照原件核实后再作结论。）",
            )
        out.append(finding)
    return out


def _why_doubted(level: float) -> str:
    """Why a figure read at confidence `level` (below LOW_CONFIDENCE, or layout's DOUBTED) is in doubt."""
    if level == DOUBTED:
        return "读数与同列其他数字的小数位不符（可能漏识别了小数点）或数字之间夹有符号"
    return f"识别置信度 {level:.2f} 偏低"


def doubtful_total(doc: Any, total: Decimal | None, grade: str | None, basis: Iterable[Location]) -> Problem | None:
    """A hint (提示) that the score table's total — and the grade the review gives with it — rests on a figure OCR
    read in doubt: one of `basis` (the cells the total was read or added up from: its 合计 row's score, else
    every row's) below LOW_CONFIDENCE. The total and grade are printed at the head of every output (the command
    line, the JSON, 审核意见 and the summary the web shows) as what the table says; read from a scan, a lost
    decimal point (corpus t74 degraded: a score of 9.3 read 93, a total of 143.7, 优 for 中) would stand there as
    sure as a clean reading. None when the total was read surely, from a text layer, or there is none."""
    if total is None:
        return None
    lowest = lowest_confidence(doc, [b.place for b in basis if b.place])
    if lowest is None or lowest[0] >= LOW_CONFIDENCE:
        return None
    level, place = lowest
    graded = f"及等级“{grade}”" if grade else ""
    return Problem(
        "review.ocr_doubtful_total",
        f"得分表合计{fmt_score(total)}分{graded}依据的数字识别存疑（{place}由扫描件文字识别得出，{_why_doubted(level)}），"
        f"合计与等级可能并非报告所写：请核对原件。",
        Location(str(doc.path), place=place),
        Severity.INFO,
    )


_WHOLE = re.compile(r"([-+]?)(\d{2,})(%?)")
_FIGURE = re.compile(r"[-+]?\d+(?:\.\d+)?%?")
_RANGE = re.compile(r"[-+]?\d+(?:\.\d+)?\s*[–~～-]\s*([-+]?\d+(?:\.\d+)?)")


def _point_lost(doc: Any, finding: Problem) -> str | None:
    """The figure a finding quotes (`actual`, read from a scan without a point: "394%", "93") with the point put
    back where the finding's own arithmetic proves it — the figure it expected ("39.44%") rounded to the
    digits after the point equals it ("39.4%"), or, for a range ("0–9.3"), the range's end does to the digit
    ("9.3": a full score) — or None. JPEG blurs a decimal point away (n119, t74 degraded); a bureau shown "394%
    against 39.44%" would chase an error the report does not hold. Only a figure read by OCR at the finding's
    place, and only one reading: the point's place is not guessed."""
    actual = re.sub(r"[\s,]", "", finding.actual or "")
    expected = re.sub(r"[\s,]", "", finding.expected or "")
    whole = _WHOLE.fullmatch(actual)
    own = finding.location.place if finding.location and finding.location.place else ""
    if whole is None or not own or place_confidence(doc, own) is None:
        return None
    sign, digits, percent = whole.groups()
    if span := _RANGE.fullmatch(expected):
        target, exact = span.group(1), True
    elif _FIGURE.fullmatch(expected) and expected.endswith("%") == bool(percent) and "." in expected:
        target, exact = expected.rstrip("%"), False
    else:
        return None
    fits = []
    for at in range(1, len(digits)):
        if digits[0] == "0" and at > 1:
            continue
        candidate = Decimal(f"{sign}{digits[:at]}.{digits[at:]}")
        wanted = Decimal(target)
        places = Decimal(1).scaleb(candidate.as_tuple().exponent)  # type: ignore[arg-type]
        if candidate == (wanted if exact else wanted.quantize(places, ROUND_HALF_UP)):
            fits.append(f"{sign}{digits[:at]}.{digits[at:]}{percent}")
    return fits[0] if len(fits) == 1 else None


def doubtful_name(doc: Any, name: str, what: str) -> Problem | None:
    """A hint (提示) that `name` — `what` the review took it for, 单位名称 — was read from a scan with low
    confidence: its surest reading (the paragraph line or table cell holding it) is below LOW_CONFIDENCE.
    None when it was read surely somewhere, from a text layer, or not found."""
    if not _recognised(doc):  # nothing read by OCR: no place was settled, no name is doubtful
        return None
    if hint := _place_settled(doc, name, what):
        return hint
    if not name:
        return None
    found: list[tuple[float, Any, int | None, int | None]] = []
    for segment in doc.segments:
        if segment.kind == "paragraph" and name in segment.text:
            found.append((segment.confidence, segment, None, None))
        for r, row in enumerate(segment.rows):
            levels = segment.cell_confidence[r] if r < len(segment.cell_confidence) else ()
            found += [(levels[c], segment, r, c) for c, cell in enumerate(row) if name in cell and c < len(levels)]
    if not found or any(level is None for level, *_ in found):
        return None
    level, segment, row, col = max(found, key=lambda item: item[0])
    if level >= LOW_CONFIDENCE:
        return None
    return Problem(
        "review.ocr_doubtful_name",
        f"{what}“{name}”由扫描件文字识别得出，识别置信度 {level:.2f} 偏低，个别字（如生僻字）可能被识别为形近字："
        f"请对照原件核实{what}。",
        doc.location(segment, row, col),
        Severity.INFO,
    )


def _recognised(doc: Any) -> bool:
    """Whether OCR read any of the document (a text layer's and an OFD's segments carry no confidence)."""
    return any(
        s.confidence is not None or any(level is not None for row in s.cell_confidence for level in row)
        for s in doc.segments
    )


def _place_settled(doc: Any, name: str, what: str) -> Problem | None:
    """A hint that place names of the scan were settled against the administrative divisions (formats/places.py):
    which, as read and as taken, and whether `name` holds one."""
    from .reading import places_settled

    settled = places_settled(doc.path) if getattr(doc, "path", None) else []
    if not settled:
        return None
    told = "；".join(dict.fromkeys(f"第{page}页“{read}”改为“{place}”" for page, read, place in settled))
    holds = [place for _, _, place in settled if place in name]
    where = f"{what}“{name}”中的地名" if holds else "文中地名"
    return Problem(
        "review.ocr_doubtful_name",
        f"扫描件文字识别把{where}读成了不存在的县区名，已按全国行政区划名称（民政部行政区划代码）校正：{told}。"
        f"请对照原件核实。",
        Location(str(doc.path)),
        Severity.INFO,
    )
