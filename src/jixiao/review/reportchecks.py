"""Checks of a narrative report (部门整体 / 项目 self-evaluation report): its sections against the outline of its
own kind, the attachments it lists, its problems section, and unsupported claims. A table is never held to a
report's outline; a document the store cut off gets one hint instead of a warning per missing section."""

from __future__ import annotations

import difflib
import re

from jixiao.model.problems import Severity

from .extract import Figure
from .rx import rx
from .scoretable import find_score_tables
from .source import Segment, SourceDocument
from .stated import HEADING, Review, show_figure
from .vocabulary import vocabulary

__all__ = ["check_attachments", "check_claims", "check_problems", "check_sections", "headings"]

_HEADING = HEADING


# "(一)存在的问题 19", "二、预算编制及执行情况……3": an entry of a table of contents, with the page it is on
_CONTENTS_ENTRY = rx(r"(?:\s|…|\.{2,}|·{2,})\d{1,3}$")


# "目录", "目 录", "目 ⠂ 录": the line a table of contents starts under
_CONTENTS_TITLE = rx(r"^\W*目\W*录\W*$")


def _contents(paragraphs: list[Segment]) -> set[int]:
    """The entries of a table of contents printed without page numbers: the lines under "目录" up to the line
    where the report begins again with an entry already listed ("一、摘要" … "一、摘要"). When none comes again, the
    list ends at the first line of prose (longer than an entry, or a sentence's 。)."""
    out: set[int] = set()
    for at, seg in enumerate(paragraphs):
        if not _CONTENTS_TITLE.match(seg.text.strip()):
            continue
        seen: set[str] = set()
        entries: list[Segment] = []
        for entry in paragraphs[at + 1 :]:
            text = _entry_text(entry)
            if text in seen:
                break
            seen.add(text)
            entries.append(entry)
        else:
            entries = _until_prose(paragraphs[at + 1 :])
        out.update(id(e) for e in entries)
    return out


def _entry_text(seg: Segment) -> str:
    return re.sub(r"\s", "", _CONTENTS_ENTRY.sub("", seg.text.rstrip()))


def _until_prose(paragraphs: list[Segment]) -> list[Segment]:
    out = []
    for seg in paragraphs:
        if len(seg.text) > 40 or "。" in seg.text:
            break
        out.append(seg)
    return out


def headings(doc: SourceDocument) -> list[tuple[str, Segment]]:
    """The report's section headings, not the entries of its table of contents (with their pages, or listed under
    "目录" before the report begins again)."""
    out = []
    paragraphs = doc.paragraphs()
    contents = _contents(paragraphs)
    for seg in paragraphs:
        if id(seg) in contents:
            continue
        if len(seg.text) <= 40 and _HEADING.match(seg.text) and not _CONTENTS_ENTRY.search(seg.text.rstrip()):
            out.append((_HEADING.sub("", seg.text).strip(" 。:："), seg))
    return out


def _similar(a: str, b: str) -> bool:
    a, b = re.sub(r"[\s“”\"]", "", a), re.sub(r"[\s“”\"]", "", b)
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def check_sections(review: Review, headings: list[tuple[str, Segment]], kind: str, truncated: bool) -> None:
    """The report's headings against the outline of its own kind: the rulebook's outline for a department
    report of a region that has one (a warning per missing section), else the general outline of the kind
    in vocabulary.yaml (a hint: a report of another region may be organised otherwise)."""
    if truncated:
        return  # the document is cut off: one hint says so, not one per section
    outline_id = review.rulebook.report.get("outline") if review.rulebook is not None else None
    if (
        outline_id
        and review.rulebook is not None
        and kind == "narrative_department"
        and review.rulebook.region != "全国"
    ):
        from ..report.outline import load_outline  # jixiao.report loads the writers: only for a regional outline

        required = [s.heading.replace("{year}", "") for s in load_outline(str(outline_id)).sections]
        severity = Severity.INFO  # a heading worded otherwise is no omission: a hint
    else:
        required = vocabulary().words("outlines", kind)
        severity = Severity.INFO
    texts = [h for h, _ in headings]
    for name in required:
        if not any(_similar(name, text) for text in texts):
            review.add(
                "review.missing_section",
                severity,
                f"报告缺少“{name}”部分（或其标题无法识别）。",
                None,
                name,
                "",
            )


# An attachment the page links for download (or names by its file) is published beside the report, not missing from
# it: the review cannot read it from this file, which is a hint, not an error.
_LINKED = ("点击下载", "下载附件", "附件下载", "[下载]", "（下载）", "(下载)", ".xls", ".doc", ".pdf", ".wps", ".et")


def check_attachments(review: Review) -> None:
    paragraphs = review.doc.paragraphs()
    listed: list[tuple[str, Segment, bool]] = []
    for i, seg in enumerate(paragraphs):
        if not seg.text.startswith("附件"):
            continue
        following = [seg] + [p for p in paragraphs[i + 1 : i + 8] if re.match(r"^\d+\s*[、.．]", p.text)]
        for p in following:
            linked = any(sign in p.text.lower() for sign in _LINKED)
            text = p.text.removeprefix("附件")
            for name in re.findall(r"(?:\d+\s*[、.．]\s*)?((?:\d{4}年度?)?[^\d、.．：:；;，,]{2,40}?表)", text):
                listed.append((name.strip(), p, linked))
    tables_text = ["".join(c for row in t.rows for c in row).replace(" ", "") for t in review.doc.tables()]
    for name, seg, linked in listed:
        signs = next((v for k, v in vocabulary().raw["attachment_signs"].items() if k in name), None)
        if not signs or any(all(s in text for s in signs) for text in tables_text):
            continue
        if linked:
            review.add(
                "review.attachment_linked",
                Severity.INFO,
                f"报告列出附件“{name}”，以下载链接单独提供，不在本文件中，其数据和得分未能核对；如需核对，请将附件一并提交。",
                review.doc.location(seg),
                name,
                "",
            )
            continue
        # a warning, not an error: the report is not wrong for it, and a department often sends its attachment
        # tables as files of their own beside the report (the 衡山 seed; corpus n149 and n185 first read it so)
        review.add(
            "review.attachment_missing",
            Severity.WARNING,
            f"报告列出附件“{name}”，但本文件中没有该表，无法核对其数据和得分。请确认附件已随报告报送（可与报告一并审核）。",
            review.doc.location(seg),
            name,
            "",
        )
    if not find_score_tables(review.doc) and not listed:
        review.add("review.no_score_table", Severity.INFO, "报告中没有自评得分表，无法核对得分。", None)


_FIGURE = rx(r"\d+(?:\.\d+)?\s*(?:%|％|万元|元|分|人|个|项|次|件)")


def _section_text(
    headings: list[tuple[str, Segment]], doc: SourceDocument, keys: tuple[str, ...], avoid: tuple[str, ...] = ()
) -> tuple[Segment, list[Segment]] | None:
    candidates = [(h, s) for h, s in headings if any(k in h for k in keys) and not any(a in h for a in avoid)]
    if not candidates:
        candidates = [(h, s) for h, s in headings if any(k in h for k in keys)]
    if not candidates:
        return None
    _, start = candidates[-1]
    paragraphs = doc.paragraphs()
    begin = next(i for i, p in enumerate(paragraphs) if p is start)
    level = _level(start.text)
    body = []
    for p in paragraphs[begin + 1 :]:
        if len(p.text) <= 40 and _HEADING.match(p.text) and _level(p.text) <= level:
            break  # a heading of the same or a higher level ends the section; numbered sub-items belong to it
        body.append(p)
    return start, body


def _level(text: str) -> int:
    """一、 → 1; （一） → 2; 1、 1. → 3; (1) → 4 (the usual order of Chinese official numbering)."""
    text = text.strip()
    if re.match(r"^[一二三四五六七八九十]+\s*[、.．]", text) or re.match(r"^第[一二三四五六七八九十]+[章节部分]", text):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]+[)）]", text):
        return 2
    if re.match(r"^\d+\s*[、.．]", text):
        return 3
    return 4


def check_problems(review: Review, headings: list[tuple[str, Segment]], truncated: bool = False) -> None:
    words = vocabulary().raw["sections"]
    found = _section_text(headings, review.doc, tuple(words["problems"]), avoid=tuple(words["not_problems"]))
    if found is None:
        if not truncated:
            review.add("review.missing_section", Severity.INFO, "报告没有“存在的问题”部分。", None, "存在的问题", "")
        return
    heading, body = found
    text = "".join(p.text for p in body)
    place = review.doc.location(body[0] if body else heading)
    if not text.strip():
        review.add("review.problems_empty", Severity.WARNING, "“存在的问题”部分没有内容。", place)
        return
    names = [leaf.name for leaf in review.rulebook.leaves()] if review.rulebook else []
    if not _FIGURE.search(text):
        review.add(
            "review.problems_vague",
            Severity.INFO,
            "“存在的问题”部分没有任何具体数据（金额、比率或得分），问题描述不具体，难以核实和整改。",
            place,
            "含具体数据的问题描述",
            text[:60],
        )
    if not any(w in text for w in (*names, *vocabulary().words("sections", "indicator_words"))):
        review.add(
            "review.problems_no_indicator",
            Severity.INFO,
            "“存在的问题”部分未指明对应的绩效指标（如预算执行率、政府采购执行率）。",
            place,
        )
    measures = _section_text(headings, review.doc, tuple(words["measures"]), avoid=tuple(words["not_measures"]))
    no_problems = any(w in text for w in words["no_problems"])
    if not truncated and not no_problems and (measures is None or not _has_text(*measures)):
        review.add("review.measures_missing", Severity.WARNING, "报告没有针对问题的改进措施。", place)


def _has_text(heading: Segment, body: list[Segment]) -> bool:
    """A section has text below its heading, or after the colon of a heading that is an item of its own ("2.建议:加大
    ……投入力度" is the last of the measures, not an empty section)."""
    inline = re.split(r"[：:]", heading.text, maxsplit=1)[1:]
    return bool("".join(p.text for p in body).strip() or (inline and len(inline[0].strip(" 。")) >= 4))


def check_claims(review: Review, figures: list[Figure]) -> None:
    for fig in figures:
        if fig.key == "services.satisfaction_rate" and fig.value >= 1:
            segment = review.doc.segments[fig.segment]
            if not any(w in segment.text for w in vocabulary().words("sections", "survey_words")):
                review.add(
                    "review.unsupported_claim",
                    Severity.INFO,
                    f"报告称满意度为{show_figure(fig)}，但未说明调查方式和样本量（有效调查人数、满意人数）。",
                    fig.location,
                    "调查方式与样本量",
                    show_figure(fig),
                )
