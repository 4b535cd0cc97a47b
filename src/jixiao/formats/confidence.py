"""Figures read by OCR are checked twice: a finding that rests on a figure recognised with low confidence is a
hint (提示) that says so, not an error — a misread digit must not become a finding against a department.

The place a finding names ("第3页 表1 第8行第7列", "第3页 第12段") leads to the segment and, for a table, the cell;
their OCR confidence (Segment.confidence, Segment.cell_confidence; None for a text layer) decides.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..problems import Problem, Severity

__all__ = ["LOW_CONFIDENCE", "doubtful_as_hints", "place_confidence"]

LOW_CONFIDENCE = 0.9  # below this, RapidOCR's reading of a box is doubtful (its sure readings are 0.95–1.0)

_TABLE = re.compile(r"表(\d+)(?:\s*第(\d+)行(?:第(\d+)列)?)?")
_PARAGRAPH = re.compile(r"第(\d+)段")


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


def doubtful_as_hints(doc: Any, findings: list[Problem]) -> list[Problem]:
    """Each error or warning whose place OCR read below LOW_CONFIDENCE, made a hint that says why."""
    out = []
    for finding in findings:
        place = finding.location.place if finding.location else None
        level = place_confidence(doc, place) if place and finding.severity is not Severity.INFO else None
        if level is not None and level < LOW_CONFIDENCE:
            finding = dataclasses.replace(
                finding,
                severity=Severity.INFO,
                message=f"{finding.message}（此处数字由扫描件文字识别得出，识别置信度 {level:.2f} 偏低，"
                f"可能是识别误差而非报告错误：请对照原件核实后再作结论。）",
            )
        out.append(finding)
    return out
