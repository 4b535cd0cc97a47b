"""Figures read by OCR are checked twice: a finding that rests on a figure recognised with low confidence is a
hint (提示) that says so, not an error — a misread digit must not become a finding against a department.

A finding rests on more figures than the one its place names: a sum on every cell it adds up, a comparison on
both places it quotes. Each place it rests on — its own ("第3页 表1 第8行第7列", "第3页 第12段"), the places its
message cites, and its basis (the cells the check read, Findings.basis) — leads to the segment and, for a table,
the cell; the lowest OCR confidence among them (Segment.confidence, Segment.cell_confidence; None for a text
layer) decides.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

from jixiao.model.problems import Problem, Severity

__all__ = ["LOW_CONFIDENCE", "doubtful_as_hints", "lowest_confidence", "place_confidence"]

LOW_CONFIDENCE = 0.9  # below this, RapidOCR's reading of a box is doubtful (its sure readings are 0.95–1.0)

_TABLE = re.compile(r"表(\d+)(?:\s*第(\d+)行(?:第(\d+)列)?)?")
_PARAGRAPH = re.compile(r"第(\d+)段")
# a place quoted inside a message: a table cell, or a paragraph
_CITED = re.compile(r"表\d+\s*第\d+行第\d+列|第\d+段")


def place_confidence(doc: Any, place: str) -> float | None:
    """The OCR confidence of what `place` names in `doc` (a SourceDocument): the cell, else the row's lowest,
    else the segment's; None when it was not read by OCR or the place is not found."""
    if m := _TABLE.search(place):
        table = next((s for s in doc.tables() if s.index == int(m.group(1))), None)
        if table is None:
            return None
        row, col = (int(m.group(2)) - 1 if m.group(2) else None), (int(m.group(3)) - 1 if m.group(3) else None)
        if row is not None and row < len(table.cell_confidence):
            levels = table.cell_confidence[row]
            if col is not None and col < len(levels):
                return levels[col]
            known = [c for c in levels if c is not None]
            return min(known) if known else None
        return table.confidence
    if m := _PARAGRAPH.search(place):
        paragraph = next((s for s in doc.paragraphs() if s.index == int(m.group(1))), None)
        return paragraph.confidence if paragraph is not None else None
    return None


def lowest_confidence(doc: Any, places: Iterable[str]) -> tuple[float, str] | None:
    """The lowest OCR confidence among `places` and the place it was found at; None when none was OCR'd."""
    known = [(level, place) for place in places if (level := place_confidence(doc, place)) is not None]
    return min(known) if known else None


def _places(finding: Problem, basis: Iterable[str]) -> list[str]:
    own = finding.location.place if finding.location and finding.location.place else ""
    cited = _CITED.findall(" ".join((finding.message, finding.expected, finding.actual)))
    return [p for p in dict.fromkeys([own, *cited, *basis]) if p]


def doubtful_as_hints(
    doc: Any, findings: list[Problem], basis: Callable[[Problem], Iterable[str]] | None = None
) -> list[Problem]:
    """Each error or warning resting on a figure OCR read below LOW_CONFIDENCE — at its place, at a place its
    message cites, or at a place of its `basis` (the cells a sum was built on) — made a hint that says why."""
    out = []
    for finding in findings:
        lowest = None
        if finding.severity is not Severity.INFO:
            lowest = lowest_confidence(doc, _places(finding, basis(finding) if basis else ()))
        if lowest is not None and lowest[0] < LOW_CONFIDENCE:
            level, place = lowest
            own = finding.location.place if finding.location else None
            where = "此处数字" if place == own else f"所依据的数字（{place}）"
            finding = dataclasses.replace(
                finding,
                severity=Severity.INFO,
                message=f"{finding.message}（{where}由扫描件文字识别得出，识别置信度 {level:.2f} 偏低，"
                f"可能是识别误差而非报告错误：请对照原件核实后再作结论。）",
            )
        out.append(finding)
    return out
