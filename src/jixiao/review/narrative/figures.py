"""Every figure of a narrative report with its meaning: value, unit, kind, the subject it qualifies, the relation
word that ties it to that subject, and the scope of its clause (another year, a target, an approximation).

The pipeline: normalize the text (full-width digits, spaces) → tokens.py finds numbers with their units →
grammar.py gives each its subject, relation and scope, clause by clause; tables.py does the same for table cells
under their column headers.
Why no segmenter: jieba (42 MB installed, 1.4 s to load its dictionary) tags this register badly ("预算/v
安排/v 收入/v", "中央财政/nt 衔接/v 资金/n"), so its noun phrases would be worse than the clause grammar here.
All words live in vocabulary.yaml.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..source import SourceDocument
from .clauses import ENUM_MARK
from .grammar import read_segment
from .model import NarrativeFigure
from .numerals import fold_width, normalize
from .tables import table_figures

__all__ = ["NarrativeFigure", "document_year", "extract_narrative_figures", "normalize"]


def document_year(doc: SourceDocument) -> int | None:
    """The evaluated year: the first "20xx年度" in the first paragraphs (title, 报告 heading)."""
    for seg in doc.paragraphs()[:12]:
        m = re.search(r"((?:19|20)\d\d)\s*年度", fold_width(seg.text))
        if m:
            return int(m.group(1))
    return None


# A form published as text, one "label value" a line under a heading that gives the unit once:
# "计划生育家庭特别扶助制度补助资金(万元)" / "年度预算资金总额: 321.25" / "其中:中央补助 166.00" / "市级资金 136.00"
_UNIT_HEADING = re.compile(r"[（(](?:单位[:：]?\s*)?(亿元|万元|元)[)）]")
_LABEL_VALUE = re.compile(r"^(?=[^\d]*[\u4e00-\u9fa5])[^\d]{2,60}?[\s:：]*\d+\.\d+$")


def _label_value_runs(doc: SourceDocument) -> dict[int, tuple[list[int], str]]:
    """Runs of two or more "label value" lines under a unit heading, by the index of their first line: read together
    as one sentence, the unit given to each value ("其中" then lists the parts of the line before)."""
    runs: dict[int, tuple[list[int], str]] = {}
    unit, run, run_unit = "", list[int](), ""

    def close() -> None:
        if len(run) >= 2:
            runs[run[0]] = (list(run), run_unit)
        run.clear()

    for index, seg in enumerate(doc.segments):
        text = normalize(seg.text).strip() if seg.kind == "paragraph" else ""
        heading = _UNIT_HEADING.search(text)
        here = heading.group(1) if heading else unit
        if here and _LABEL_VALUE.match(text):
            if run and run_unit != here:
                close()
            run.append(index)
            unit = run_unit = here
            continue
        close()
        if heading:
            unit = heading.group(1)
        elif not text or re.search(r"\d", text) or len(text) > 40:
            unit = ""  # a sentence, a table or a figure with its own unit: the form ends
    close()
    return runs


# A form stored one cell a line: a short label, then a line that is only its value ("预算金额" / "1600 万元");
# a score printed bare under a score label ("评价分值" / "85") is in 分
_LABEL = re.compile(r"^[\u4e00-\u9fa5]{2,12}$")
_VALUE_ONLY = re.compile(r"^\d[\d,]*(?:\.\d+)?\s*(?:[\u4e00-\u9fa5%％]{1,3})?$")
_SCORE_LABEL = ("分值", "得分", "总分", "分数")


def _labelled_values(doc: SourceDocument) -> dict[int, str]:
    """The value lines of a form stored one cell a line, by index, each read with its label: "预算金额：1600 万元"."""
    out: dict[int, str] = {}
    segments = doc.segments
    for index in range(1, len(segments)):
        seg, before = segments[index], segments[index - 1]
        if seg.kind != "paragraph" or before.kind != "paragraph":
            continue
        value, label = normalize(seg.text).strip().removesuffix("。"), normalize(before.text).strip()
        label = ENUM_MARK.sub("", label)  # "(一)自评得分" / "100分。": the heading's number is not the label's
        if not _VALUE_ONLY.match(value) or not _LABEL.match(label):
            continue
        if re.fullmatch(r"[\d,.]+", value):
            if not label.endswith(_SCORE_LABEL):
                continue  # a bare number means nothing without its unit
            value += "分"
        out[index] = f"{label}：{value}"
    return out


def extract_narrative_figures(doc: SourceDocument) -> list[NarrativeFigure]:
    """Every figure of the document's paragraphs and table cells, in reading order, with its meaning."""
    year = document_year(doc)
    out: list[NarrativeFigure] = []
    runs = _label_value_runs(doc)
    labelled = _labelled_values(doc)
    skip: set[int] = set()
    for index, seg in enumerate(doc.segments):
        if index in skip:
            continue
        if index in labelled:
            out.extend(read_segment(labelled[index], doc.location(seg), index, year))
        elif index in runs:
            lines, unit = runs[index]
            skip.update(lines)
            text = "，".join(normalize(doc.segments[i].text).strip() + unit for i in lines) + "。"
            out.extend(read_segment(text, doc.location(seg), index, year))
        elif seg.kind == "paragraph":
            out.extend(_dated(read_segment(normalize(seg.text), doc.location(seg), index, year), doc, index))
        else:
            out.extend(table_figures(doc, index, seg, year))
    return _scores_under_headings(out, doc)


# a score named only as a score: "指标评价得分7分", "得分12"
_BARE_SCORE_NAME = re.compile(r"(?:指标)?(?:评价|自评|考核)?得分")
_HEADING_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．])")


def _scores_under_headings(figures: list[NarrativeFigure], doc: SourceDocument) -> list[NarrativeFigure]:
    """ "一、资金保障方面,指标评价得分12"; "(一)县级履行支出责任情况" / "……,指标评价得分7分": a score its sentence
    names only as a score is the score of the label its sentence opens with, else of the heading right above."""
    out = []
    for f in figures:
        if f.kind != "score" or f.cell is not None or not _BARE_SCORE_NAME.fullmatch(f.subject):
            out.append(f)
            continue
        clauses = re.split(r"[，,：:；;]", f.quote)
        # the label right before the score's own clause ("一、资金保障方面,指标评价得分12"); after other clauses the
        # sentence has said more than a label ("1.免疫密度,年初目标值≥90%,……,自评得分20分" keeps 自评得分)
        first = clauses[0] if len(clauses) > 1 and f.text in clauses[1] else ""
        label = ENUM_MARK.sub("", first.strip())
        if not 2 <= len(label) <= 16 or re.search(r"\d", label):
            before = doc.segments[f.segment - 1] if f.segment > 0 else None
            text = normalize(before.text).strip() if before is not None and before.kind == "paragraph" else ""
            heading = _HEADING_LINE.match(text) is not None and len(text) <= 24 and not re.search(r"\d", text[2:])
            label = ENUM_MARK.sub("", text).strip(" 。：:") if heading else ""
        named = 2 <= len(label) <= 20 and f.subject not in label  # "(一)自评得分" / "100分。" is named already
        out.append(replace(f, subject=label + f.subject) if named else f)
    return out


def _dated(figures: list[NarrativeFigure], doc: SourceDocument, index: int) -> list[NarrativeFigure]:
    """A line that is only a date dates the document: under the signature at its end (落款日期), on its cover or
    under its title (报告日期)."""
    if len(figures) != 1 or figures[0].kind != "date" or figures[0].subject:
        return figures
    date = figures[0]
    if re.sub(r"\s", "", normalize(doc.segments[index].text)) != re.sub(r"\s", "", date.text):
        return figures
    paragraphs = [i for i, s in enumerate(doc.segments) if s.kind == "paragraph"]
    at = paragraphs.index(index)
    if at >= len(paragraphs) - 3:
        return [replace(date, subject="落款日期")]
    return [replace(date, subject="报告日期")] if at < 12 else figures
