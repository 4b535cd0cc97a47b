"""审核意见: the opinion a finance bureau sends back to the department whose self-evaluation it reviewed.

Laid out as a bureau's reply is (主送 line, 审核依据, 总体意见, the findings to correct and to explain, grouped by
kind and numbered, each with its place in the document, the text there and what to do, the 整改 request, the
落款 with 审核单位/审核人/日期, then the figures checked as an attachment), rendered by the report's Word writer
(report/docx_out.py: A4, GB/T 9704 faces and sizes, page numbers). Hints (提示) are a short list apart: one line
per kind of hint, never a paragraph each.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from jixiao.model.problems import Problem, Severity

from . import ReviewResult
from .labels import figure_value, grouped_by_kind, place_of, places_text, shown_name, total_doubt

if TYPE_CHECKING:  # jixiao.report loads every writer: imported where an opinion is written
    from ..report.document import Block, Document

__all__ = ["HINT_LINES", "opinion_document", "quoted"]

HINT_LINES = 6  # kinds of hint listed in the opinion; more are counted in one sentence
_NUMERALS = "一二三四五六七八九十"
_QUOTE_CHARS = 80


def _numeral(n: int) -> str:
    return _NUMERALS[n - 1] if n <= len(_NUMERALS) else str(n)


def _short(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell_row(result: ReviewResult, place: str) -> str:
    """The row of a score table holding the cell at `place` ("表1 第22行第8列"), its filled cells joined."""
    for st in result.tables:
        table = st.table
        if table is None or not place.startswith(table.location().place or "\0"):
            continue
        for r, row in enumerate(table.grid):
            for c in range(len(row)):
                if table.location(r, c).place == place:
                    return "｜".join(dict.fromkeys(x.strip() for x in row if x.strip()))
    return ""


def quoted(result: ReviewResult, finding: Problem) -> str:
    """The document's own words where the finding is: the sentence of a paragraph a figure was read from (the
    one holding the stated value, when several), or the score table's row of a cell. "" when the review kept
    neither, or when the finding's message already quotes it."""
    place = place_of(finding)
    if not place:
        return ""
    quotes = list(dict.fromkeys(g.quote for g in result.figures if g.location.place == place and g.quote))
    actual = (finding.actual or "").replace(",", "")
    text = ""
    if actual:
        text = next((q for q in quotes if actual in q.replace(",", "")), "")
    if not text and len(quotes) == 1:
        text = quotes[0]
    if not text and "表" in place and "行" in place:
        text = _cell_row(result, place)
    text = _short(text)
    return "" if not text or text.rstrip("…") in finding.message else text


def _what_to_do(finding: Problem) -> str:
    """What the department is asked to do about one finding."""
    stated = finding.actual and finding.actual not in ("—", "（空）")
    if finding.severity is Severity.ERROR:
        if finding.expected and stated:
            return f"报告所列为{finding.actual}，按所列数据核算应为{finding.expected}，请核实更正。"
        if finding.expected:
            return f"应填写{finding.expected}，请补充更正。"
        return "请核实更正。"
    if finding.code == "review.blank_cell" and finding.expected:
        return f"请填写{finding.expected}，或说明未填写的原因。"
    if finding.expected and stated:
        return f"报告所列为{finding.actual}，按所列数据应为{finding.expected}，请核实后更正或作出书面说明。"
    return "请核实后更正或作出书面说明。"


def _finding_blocks(result: ReviewResult, found: list[Problem]) -> list[Block]:
    from ..report.document import Heading, Paragraph, Run

    blocks: list[Block] = []
    groups = grouped_by_kind(found)
    number = 0
    for g, (kind, items) in enumerate(groups.items(), 1):
        if len(groups) > 1:
            blocks.append(Heading(2, f"（{_numeral(g)}）", f"{kind}（{len(items)}项）"))
        for f in items:
            number += 1
            place = place_of(f) or "全文"
            runs = [Run(f"{number}. "), Run(f"【{place}】", bold=True), Run(f.message)]
            quote = quoted(result, f)
            if quote:
                runs.append(Run(f"原文：“{quote}”。"))
            runs.append(Run(f"整改要求：{_what_to_do(f)}", bold=True))
            blocks.append(Paragraph(tuple(runs)))
    return blocks


def _hint_blocks(hints: list[Problem]) -> list[Block]:
    """Hints in a few lines: one per kind, its places and its first message."""
    from ..report.document import Paragraph

    blocks: list[Block] = [Paragraph.of(f"以下{len(hints)}项提示供你单位参考，不作整改要求，可在今后编报时改进：")]
    groups = list(grouped_by_kind(hints).items())
    for i, (kind, items) in enumerate(groups[:HINT_LINES], 1):
        where = places_text(items, 3)
        count = f"{len(items)}项" + (f"（{where}）" if where else "")
        blocks.append(Paragraph.of(f"{i}. {kind}{count}：{_short(items[0].message, 60)}"))
    if len(groups) > HINT_LINES:
        rest = sum(len(items) for _, items in groups[HINT_LINES:])
        blocks.append(Paragraph.of(f"另有{len(groups) - HINT_LINES}类{rest}项提示，详见审核结果。"))
    return blocks


def _basis(result: ReviewResult) -> str:
    """审核依据: the rulebook by its title, with the issuing document when it has a 文号; else the national rules."""
    if not result.rulebook_id:
        return "全国通用的绩效自评表计算与勾稽规则（本地区暂无适用的指标体系）"
    from jixiao.model.problems import JixiaoError
    from jixiao.scoring.rulebook import load_rulebook

    from .kinds import rulebook_title

    title = rulebook_title(result.rulebook_id) or result.rulebook_id
    try:
        source = load_rulebook(result.rulebook_id).source
    except (JixiaoError, OSError):
        source = {}
    number = str(source.get("number") or "") if isinstance(source, dict) else ""
    document = str(source.get("document") or "") if isinstance(source, dict) else ""
    if document and "〔" in number and number.endswith("号"):  # an issued document, not a sample table's origin
        return f"{document}（{number}）及《{title}》"
    return f"《{title}》"


def _reviewed_file(result: ReviewResult, what: str) -> str:
    parts = [what]
    if result.year:
        parts.append(f"{result.year}年度")
    if result.project:
        parts.append(f"项目：{result.project}")
    if result.unit and result.unit != result.department:
        parts.append(f"实施单位：{result.unit}")
    return f"《{shown_name(result.path)}》（{'，'.join(parts)}）"


def _whose(result: ReviewResult) -> str:
    """The department and year a title names: "大英县民政局2023年度"; what is not known is left out."""
    return (result.department or "") + (f"{result.year}年度" if result.year else "")


def _overall(result: ReviewResult, what: str) -> str:
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    unit = f"（实施单位：{result.unit}）" if result.unit and result.unit != result.department else ""
    said = f"经审核，{_whose(result)}{unit}{what}" if result.department else f"经审核，该{what}"
    read = [f"共识别数据{len(result.figures)}项"] if result.figures else []
    if result.total is not None:
        from jixiao.model.numbers import fmt_score

        grade = f"、等级为“{result.grade}”" if result.grade else ""
        read.append(f"得分表合计{fmt_score(result.total)}分{grade}{total_doubt(result.findings)}")
    said += "".join(f"，{part}" for part in read)
    then = "。" if read else ""
    kinds = list(grouped_by_kind(f for f in result.findings if f.severity is not Severity.INFO))
    about = f"，主要涉及{'、'.join(kinds[:4])}{'等' if len(kinds) > 4 else ''}" if kinds else ""
    if errors:
        said += f"{then}发现需要更正的问题{errors}项" + (f"、需要补充说明的事项{warnings}项" if warnings else "")
        said += f"{about}，请逐项核实更正。"
    elif warnings:
        said += f"{then}未发现需要更正的计算错误，有需要补充说明的事项{warnings}项{about}，请逐项核实说明。"
    else:
        said += f"{then}未发现需要更正或补充说明的问题。"
    if result.truncated:
        said += "报送的文件不完整，中断处之后的内容未能审核，请报送完整的文件。"
    return said


def opinion_document(
    result: ReviewResult, reviewer_unit: str = "", reviewer: str = "", day: date | None = None
) -> Document:
    """The opinion on one reviewed document. `reviewer_unit`, `reviewer` and `day` fill the 落款; left blank,
    the bureau writes them in (and seals it) before sending."""
    from ..report.document import Cell, Document, Heading, PageBreak, Paragraph, Table

    # a kind not recognised is not guessed
    what = (result.kind_name.split("（")[0] if result.kind_name else "") or "自评材料"
    blocks: list[Block] = [
        Paragraph.of(f"{result.department or '报送单位'}：", align="left", indent=False),
        Paragraph.of(
            f"根据{_basis(result)}，我们对你单位报送的{_reviewed_file(result, what)}进行了审核。现将审核意见反馈如下："
        ),
    ]
    sections = 0

    def section(title: str) -> None:
        nonlocal sections
        sections += 1
        blocks.append(Heading(1, f"{_numeral(sections)}、", title))

    section("总体意见")
    blocks.append(Paragraph.of(_overall(result, what)))
    titles = {Severity.ERROR: "需要更正的问题", Severity.WARNING: "需要补充说明的事项"}
    for severity, title in titles.items():
        found = [f for f in result.findings if f.severity is severity]
        if found:
            section(f"{title}（{len(found)}项）")
            blocks += _finding_blocks(result, found)
    if result.count(Severity.ERROR) or result.count(Severity.WARNING) or result.truncated:
        section("整改要求")
        blocks.append(
            Paragraph.of(
                "请你单位对照上述意见逐项核实：需要更正的问题，修改自评报告及附表中的相应内容；需要补充说明的事项，"
                "逐项作出书面说明并附相关依据。整改完成后，请于规定时间内将修改后的自评报告、附表及整改说明"
                "重新报送。"
            )
        )
    hints = [f for f in result.findings if f.severity is Severity.INFO and f.code != "review.truncated"]
    if hints:
        section("提示事项")
        blocks += _hint_blocks(hints)
    if result.figures:
        blocks.append(Paragraph.of(f"附件：审核核对的主要数据（{len(result.figures)}项）", align="left", indent=True))
    signed = day.strftime("%Y年%m月%d日").replace("年0", "年").replace("月0", "月") if day else "年    月    日"
    if isinstance(blocks[-1], Paragraph):  # the 落款 never alone on a page: with the body's last paragraph
        blocks[-1] = replace(blocks[-1], keep_next=True)
    signature = (f"审核单位（盖章）：{reviewer_unit or '_' * 16}", f"审核人：{reviewer or '_' * 16}", signed)
    for i, line in enumerate(signature):
        blocks.append(Paragraph.of(line, align="right", indent=False, keep_next=i < len(signature) - 1))
    if result.figures:
        rows: list[tuple[Cell | None, ...]] = [
            tuple(Cell(t, bold=True) for t in ("序号", "数据项", "报告所列", "位置"))
        ]
        rows += [
            (
                Cell(str(i)),
                Cell(g.label + (f"（{g.extra}）" if g.extra else ""), align="left"),
                Cell(figure_value(g)),
                Cell(g.location.place or ""),
            )
            for i, g in enumerate(result.figures, 1)
        ]
        blocks += [PageBreak(), Paragraph.of("附件", align="left", indent=False)]
        blocks.append(Table("审核核对的主要数据", tuple(rows), header_rows=1, widths=(0.6, 3, 1.5, 1.6)))
    return Document(f"关于{_whose(result)}{what}的审核意见", (), tuple(blocks))
