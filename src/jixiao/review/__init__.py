"""Review of a self-evaluation report written elsewhere: what a finance bureau checks, done in seconds.

read the document → extract its figures and score table → rebuild the department's data from what it
states → run the same consistency checks and the rulebook on it → check the score table's arithmetic, the
stated subtotals, deductions and grade, the sections and attachments, and the problems section. Every
finding has a code, a severity (错误/警告/提示), a Chinese message, its place, and expected/actual values.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..checks import check_consistency
from ..dataset import DepartmentData, parse_department
from ..engine import evaluate
from ..indicators import INDICATORS
from ..numbers import fmt_score
from ..problems import JixiaoError, Location, Problem, Severity
from ..report.outline import load_outline
from ..rulebook import Rulebook, available_rulebooks, load_rulebook
from ..serialize import set_path
from ..trace import Evaluation, Status
from ..yamlsrc import dotted
from .extract import Figure, extract_figures, find_adjustment_reason, find_department, find_grade, find_year
from .scoretable import ScoreTable, find_score_tables
from .source import Segment, SourceDocument, read_source

__all__ = ["ReviewResult", "review_document", "review_file"]

CENT = Decimal("0.01")


@dataclass
class ReviewResult:
    path: Path
    department: str
    year: int | None
    headings: list[str]
    figures: list[Figure]
    tables: list[ScoreTable]
    findings: list[Problem] = field(default_factory=list)
    rulebook_id: str | None = None
    total: Decimal | None = None
    grade: str | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


class _Review:
    def __init__(self, doc: SourceDocument, rulebook: Rulebook | None):
        self.doc = doc
        self.rulebook = rulebook
        self.findings: list[Problem] = []

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        location: Location | None,
        expected: Any = "",
        actual: Any = "",
    ) -> None:
        self.findings.append(
            Problem(code, message, location or Location(str(self.doc.path)), severity, _text(expected), _text(actual))
        )


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return fmt_score(value)
    return "" if value is None else str(value)


# --- the department's data, rebuilt from what the report states ---------------------------------------


def _stated_data(review: _Review, figures: list[Figure], department: str, year: int | None) -> DepartmentData:
    first: dict[str, Figure] = {}
    for fig in figures:
        if fig.key.startswith("score."):
            continue
        if fig.key in first:
            earlier = first[fig.key]
            if earlier.value != fig.value:
                review.add(
                    "review.figure_conflict",
                    Severity.ERROR,
                    f"{fig.label}在报告中前后不一致：{earlier.location.place}为{_show(earlier)}，"
                    f"{fig.location.place}为{_show(fig)}。",
                    fig.location,
                    _show(earlier),
                    _show(fig),
                )
            continue
        first[fig.key] = fig
    tree: dict[str, Any] = {"department": {"name": department or "（未识别）", "year": str(year or 2000)}}
    reason = find_adjustment_reason(review.doc)
    if reason:
        tree["budget"] = {"adjustment": {"reason": reason}}
    for key, fig in first.items():
        set_path(tree, key, f"{fig.value.scaleb(2)}%" if fig.unit == "%" else str(fig.value))
    for i, item in enumerate(tree.get("quarterly", [])):
        item["quarter"] = str(i + 1)
    for i, unit in enumerate(tree.get("units", [])):
        unit.setdefault("name", f"第{i + 1}个单位")
    places = {key: fig.location for key, fig in first.items()}

    def locate(path: tuple[Any, ...]) -> Location:
        name = dotted(path)
        while name and name not in places:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return places.get(name, Location(str(review.doc.path)))

    data, _ = parse_department(tree, locate, str(review.doc.path))
    return data


def _show(fig: Figure) -> str:
    if fig.unit == "%":
        text = f"{fig.value * 100:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return f"{fig.value:f}{fig.unit}"


# --- the score table --------------------------------------------------------------------------------


def _close(a: Decimal | None, b: Decimal | None, tolerance: Decimal = Decimal(0)) -> bool:
    return a is not None and b is not None and abs(a - b) <= tolerance


def _check_three_level(review: _Review, table: ScoreTable) -> None:
    by_l2: dict[tuple[str, str], list] = {}
    by_l1: dict[str, list] = {}
    for row in table.rows:
        by_l2.setdefault((row.level1, row.level2), []).append(row)
        by_l1.setdefault(row.level1, []).append(row)
        if row.score is not None and row.weight is not None and not Decimal(0) <= row.score <= row.weight:
            review.add(
                "review.score_over_weight",
                Severity.ERROR,
                f"“{row.name}”得分{fmt_score(row.score)}超出其分值{fmt_score(row.weight)}的范围。",
                row.location,
                f"0–{fmt_score(row.weight)}",
                row.score,
            )
    for (_, l2), rows in by_l2.items():
        stated = rows[0].level2_weight
        total = sum((r.weight or Decimal(0) for r in rows), Decimal(0))
        if stated is not None and stated != total:
            review.add(
                "review.table_sum",
                Severity.ERROR,
                f"二级指标“{l2}”分值为{fmt_score(stated)}，其下三级指标分值合计为{fmt_score(total)}"
                f"（{' + '.join(fmt_score(r.weight or 0) for r in rows)}）。",
                rows[0].location,
                total,
                stated,
            )
    for l1, rows in by_l1.items():
        stated = rows[0].level1_weight
        seen, total = set(), Decimal(0)
        for r in rows:
            if r.level2 not in seen and r.level2_weight is not None:
                seen.add(r.level2)
                total += r.level2_weight
        if stated is not None and seen and stated != total:
            review.add(
                "review.table_sum",
                Severity.ERROR,
                f"一级指标“{l1}”分值为{fmt_score(stated)}，其下二级指标分值合计为{fmt_score(total)}。",
                rows[0].location,
                total,
                stated,
            )
    if all(rows[0].level1_weight is not None for rows in by_l1.values()):
        weights = sum((rows[0].level1_weight for rows in by_l1.values()), Decimal(0))
    else:  # the table gives 分值 only for the leaves
        weights = sum((r.weight or Decimal(0) for r in table.rows), Decimal(0))
    for stated in table.total_weights:
        if stated is not None and stated != weights:
            review.add(
                "review.table_total",
                Severity.ERROR,
                f"合计分值为{fmt_score(stated)}，各一级指标分值合计为{fmt_score(weights)}。",
                table.total_location,
                weights,
                stated,
            )
            break


def _check_funds_row(review: _Review, table: ScoreTable) -> Decimal | None:
    """年度资金总额 of a MoF table: the stated 执行率 against 全年执行数 ÷ 全年预算数, and its score against
    分值 × min(执行率, 100%). Returns the row's score, which belongs in the table's total."""
    if table.funds_rate is None:
        return None
    rate_text, weight, score = table.funds_rate
    adjusted, actual = table.funds
    stated = _number_rate(rate_text)
    rate = actual / adjusted if adjusted and actual is not None else stated
    if stated is not None and adjusted and actual is not None:
        places = max(0, -stated.as_tuple().exponent)
        allowed = {rate.quantize(Decimal(1).scaleb(-places), mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
        if stated not in allowed:
            review.add(
                "review.funds_rate",
                Severity.WARNING,
                f"年度资金总额执行率填为{rate_text}，按全年执行数{fmt_score(actual)} ÷ 全年预算数{fmt_score(adjusted)}"
                f"应为{rate * 100:.2f}%。",
                table.funds_location,
                f"{rate * 100:.2f}%",
                rate_text,
            )
    if rate is not None and weight is not None and score is not None:
        expected = (weight * min(rate, Decimal(1))).quantize(CENT, ROUND_HALF_UP)
        if abs(expected - score) > CENT:
            review.add(
                "review.funds_score",
                Severity.WARNING,
                f"年度资金总额得分{fmt_score(score)}分，"
                f"按 分值{fmt_score(weight)} × 执行率 应为{fmt_score(expected)}分。",
                table.funds_location,
                expected,
                score,
            )
    return score


def _number_rate(text: str) -> Decimal | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*[%％]", text or "")
    return Decimal(m.group(1)).scaleb(-2) if m else None


def _check_totals(review: _Review, table: ScoreTable, figures: list[Figure]) -> Decimal | None:
    scores = [r.score for r in table.rows]
    if table.family == "mof":
        scores.append(_check_funds_row(review, table))
    computed = (
        sum((s for s in scores if s is not None), Decimal(0)) if scores and all(s is not None for s in scores) else None
    )
    if table.total_score is not None and computed is not None and table.total_score != computed:
        review.add(
            "review.table_total",
            Severity.ERROR,
            f"合计得分为{fmt_score(table.total_score)}，各三级指标得分合计为{fmt_score(computed)}。",
            table.total_location,
            computed,
            table.total_score,
        )
    weight_sum = sum((w for w in {r.level1: r.level1_weight for r in table.rows}.values() if w is not None), Decimal(0))
    for fig in (f for f in figures if f.key == "score.weight_total"):
        if table.family == "three_level" and weight_sum and fig.value != weight_sum:
            review.add(
                "review.stated_total",
                Severity.ERROR,
                f"正文所述指标体系总分{fmt_score(fig.value)}分，得分表各一级指标分值合计为{fmt_score(weight_sum)}分。",
                fig.location,
                weight_sum,
                fig.value,
            )
    total = table.total_score if table.total_score is not None else computed
    for fig in (f for f in figures if f.key == "score.total"):
        if total is not None and fig.value != total:
            review.add(
                "review.stated_total",
                Severity.ERROR,
                f"正文所述自评得分{fmt_score(fig.value)}分与得分表合计{fmt_score(total)}分不一致。",
                fig.location,
                total,
                fig.value,
            )
    return total


def _check_levels(review: _Review, table: ScoreTable, figures: list[Figure]) -> None:
    by_l1: dict[str, list] = {}
    for row in table.rows:
        by_l1.setdefault(row.level1, []).append(row)
    for fig in figures:
        if not fig.key.startswith("score.level_"):
            continue
        rows = next(
            (rows for name, rows in by_l1.items() if fig.extra and (fig.extra in name or name in fig.extra)), None
        )
        if rows is None:
            continue
        weight = rows[0].level1_weight
        score = sum((r.score for r in rows if r.score is not None), Decimal(0))
        if fig.key == "score.level_weight" and weight is not None and fig.value != weight:
            review.add(
                "review.level_subtotal",
                Severity.ERROR,
                f"正文所述{fig.extra}指标总分{fmt_score(fig.value)}分，得分表中为{fmt_score(weight)}分。",
                fig.location,
                weight,
                fig.value,
            )
        elif fig.key == "score.level_score" and fig.value != score:
            review.add(
                "review.level_subtotal",
                Severity.ERROR,
                f"正文所述{fig.extra}指标评价得分{fmt_score(fig.value)}分，"
                f"得分表中各三级指标得分合计为{fmt_score(score)}分。",
                fig.location,
                score,
                fig.value,
            )
        elif fig.key == "score.level_rate" and weight:
            places = max(0, -fig.value.as_tuple().exponent)
            exact = score / weight
            allowed = {exact.quantize(Decimal(1).scaleb(-places), mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
            if fig.value not in allowed:
                review.add(
                    "review.level_rate",
                    Severity.ERROR,
                    f"正文所述{fig.extra}指标得分率{_show(fig)}，按得分{fmt_score(score)} ÷ 分值{fmt_score(weight)}"
                    f"计算应为{exact * 100:.2f}%。",
                    fig.location,
                    f"{exact * 100:.2f}%",
                    _show(fig),
                )


def _leaf_for(clause: str, table: ScoreTable, rulebook: Rulebook | None) -> Any:
    """The score-table row a deduction sentence is about: by name, or by the words of its rule."""
    best, best_len = None, 0
    for row in table.rows:
        keys = {row.name, re.sub(r"(情况|率|性|度|等)$", "", row.name)}
        if rulebook is not None:
            node = next((n for n in rulebook.leaves() if n.name == row.name), None)
            if node is not None and node.rule is not None:
                keys |= _rule_words(node)
        for key in keys:
            if key and key in clause and len(key) > best_len:
                best, best_len = row, len(key)
    return best


def _rule_words(node) -> set[str]:
    spec = node.rule.spec
    words: set[str] = set()
    if hasattr(spec, "items"):
        for item in spec.items:
            words |= {w for w in re.split(r"[，、；。（）()]", item.failure) if len(w) >= 4}
    if node.rule.kind == "schedule":
        words |= {"序时进度", "序时执行率"}
    ref = getattr(spec, "ref", None)
    if ref is not None and ref.source == "indicator":
        words.add(INDICATORS[ref.name].label)
    return words


def _check_deductions(review: _Review, table: ScoreTable, figures: list[Figure]) -> None:
    by_segment: dict[int, list[Figure]] = {}
    for fig in figures:
        if fig.key in ("score.deduction", "score.deduction_total", "score.level_weight", "score.level_score"):
            by_segment.setdefault(fig.segment, []).append(fig)
    rows_by_l1: dict[str, list] = {}
    for row in table.rows:
        rows_by_l1.setdefault(row.level1, []).append(row)
    current_level: str | None = None
    pending: list[Figure] = []

    def settle() -> None:
        if current_level is None or not pending:
            return
        rows = rows_by_l1.get(current_level, [])
        weight = rows[0].level1_weight if rows else None
        score = sum((r.score or Decimal(0) for r in rows), Decimal(0))
        listed = [f for f in pending if f.key == "score.deduction"]
        stated = sum((f.value for f in listed), Decimal(0))
        if weight is not None and listed and stated != weight - score:
            review.add(
                "review.deductions",
                Severity.ERROR,
                f"{current_level}指标所述扣分合计{fmt_score(stated)}分"
                f"（{' + '.join(fmt_score(f.value) for f in listed)}），"
                f"与分值{fmt_score(weight)} − 得分{fmt_score(score)} = {fmt_score(weight - score)}分不一致。",
                listed[0].location,
                weight - score,
                stated,
            )
        for total in (f for f in pending if f.key == "score.deduction_total"):
            if total.value != stated:
                review.add(
                    "review.deductions",
                    Severity.ERROR,
                    f"所述“总计扣{fmt_score(total.value)}分”与逐项扣分合计{fmt_score(stated)}分不一致。",
                    total.location,
                    stated,
                    total.value,
                )

    headings_at = {
        i
        for i, seg in enumerate(review.doc.segments)
        if seg.kind == "paragraph" and len(seg.text) <= 40 and _HEADING.match(seg.text)
    }
    last_segment = -1
    for segment in sorted(by_segment):
        if current_level is not None and any(last_segment < h < segment for h in headings_at):
            settle()  # a heading closes the level's analysis: later deductions (e.g. 存在的问题) are not its own
            current_level, pending = None, []
        last_segment = segment
        for fig in by_segment[segment]:
            if fig.key == "score.level_weight":
                settle()
                current_level, pending = fig.extra, []
            elif fig.key.startswith("score.deduction"):
                pending.append(fig)
                row = _leaf_for(fig.quote, table, review.rulebook) if fig.key == "score.deduction" else None
                if (
                    row is not None
                    and row.weight is not None
                    and row.score is not None
                    and row.weight - row.score != fig.value
                ):
                    review.add(
                        "review.deduction_vs_table",
                        Severity.ERROR,
                        f"所述“{row.name}”扣{fmt_score(fig.value)}分，得分表中该指标分值{fmt_score(row.weight)}、"
                        f"得分{fmt_score(row.score)}，即扣{fmt_score(row.weight - row.score)}分。",
                        fig.location,
                        row.weight - row.score,
                        fig.value,
                    )
    settle()


def _check_grade(review: _Review, total: Decimal | None) -> str | None:
    grades = (
        review.rulebook.grades
        if review.rulebook
        else ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
    )
    expected = next((name for minimum, name in grades if total is not None and total >= minimum), None)
    stated = find_grade(review.doc)
    if stated and expected and stated[0] != expected:
        review.add(
            "review.grade",
            Severity.ERROR,
            f"所述评价等级“{stated[0]}”与总分{fmt_score(total)}分对应的等级“{expected}”不一致。",
            review.doc.location(stated[1]),
            expected,
            stated[0],
        )
    return stated[0] if stated else expected


def _check_against_rulebook(review: _Review, table: ScoreTable, evaluation: Evaluation) -> None:
    for row in table.rows:
        node = evaluation.find(row.name)
        if node is None or node.children or node.status != Status.SCORED or row.score is None or node.score is None:
            continue
        if node.score != row.score:
            why = "；".join(d.reason for d in node.deductions) or "按所列数据不应扣分"
            review.add(
                "review.score_contradicts_data",
                Severity.ERROR,
                f"“{row.name}”表中得分{fmt_score(row.score)}分，按报告所列数据和指标体系“{review.rulebook.id}”"
                f"计算应得{fmt_score(node.score)}分（{why}）。",
                row.location,
                node.score,
                row.score,
            )


def _check_mof_targets(review: _Review, table: ScoreTable) -> None:
    from ..rules.target import TargetOptions, score_target
    from ..target_rows import parse_target_value

    for row in table.rows:
        op, target, _, _ = parse_target_value(row.target) if row.target else (None, None, False, "")
        _, actual, _, actual_text = parse_target_value(row.actual) if row.actual else (None, None, False, "")
        reason = row.reason.strip()
        if reason.startswith(("（待填写）", "待填写")) or reason in ("无", "/", "—", "-"):
            reason = ""  # a placeholder is not a reason
        if target is None or actual is None:
            if row.actual.strip() in ("部分达成", "未达成") and not reason:
                review.add(
                    "review.missing_deviation_reason",
                    Severity.WARNING,
                    f"“{row.name}”{row.actual.strip()}，但未填写偏差原因分析及改进措施。",
                    row.location,
                )
            continue
        operator = op or "≥"
        outcome = score_target(
            row.weight or Decimal(0), operator, target, actual, TargetOptions(), name=row.name, deviation_reason=reason
        )
        for flag in outcome.flags:
            review.add("review.target_flag", Severity.WARNING, flag, row.location)
        if row.weight is not None and row.score is not None:
            expected = outcome.raw.quantize(CENT, ROUND_HALF_UP)
            if abs(expected - row.score) > CENT:
                review.add(
                    "review.target_score",
                    Severity.WARNING,
                    f"“{row.name}”年度指标值{row.target}、实际完成{actual_text}，按财预〔2020〕10号方法应得"
                    f"{fmt_score(expected)}分，表中为{fmt_score(row.score)}分。",
                    row.location,
                    expected,
                    row.score,
                )


# --- sections, attachments, problems --------------------------------------------------------------------

_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）][、]?|"
    r"\d+\s*[、.．](?!\d)|[（(]\d+[)）])\s*"
)


def _headings(doc: SourceDocument) -> list[tuple[str, Segment]]:
    out = []
    for seg in doc.paragraphs():
        if len(seg.text) <= 40 and _HEADING.match(seg.text):
            out.append((_HEADING.sub("", seg.text).strip(" 。:："), seg))
    return out


def _similar(a: str, b: str) -> bool:
    a, b = re.sub(r"[\s“”\"]", "", a), re.sub(r"[\s“”\"]", "", b)
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _check_sections(review: _Review, headings: list[tuple[str, Segment]]) -> None:
    if review.rulebook is None:
        required = ["基本情况", "绩效", "问题", "措施"]
    else:
        outline = load_outline(str(review.rulebook.report.get("outline", "shenzhen-department")))
        required = [s.heading.replace("{year}", "") for s in outline.sections]
    texts = [h for h, _ in headings]
    for name in required:
        if not any(_similar(name, text) for text in texts):
            review.add(
                "review.missing_section",
                Severity.WARNING,
                f"报告缺少“{name}”部分（或其标题无法识别）。",
                None,
                name,
                "",
            )


_ATTACHMENT_SIGNS = {
    "基础数据表": ("财政供养人员情况", "经费控制情况"),
    "部门整体支出绩效自评表": ("三级指标", "得分"),
    "项目支出绩效自评表": ("项目名称", "三级指标"),
    "自评表": ("三级指标",),
}


def _check_attachments(review: _Review) -> None:
    paragraphs = review.doc.paragraphs()
    listed: list[tuple[str, Segment]] = []
    for i, seg in enumerate(paragraphs):
        if not seg.text.startswith("附件"):
            continue
        following = [seg] + [p for p in paragraphs[i + 1 : i + 8] if re.match(r"^\d+\s*[、.．]", p.text)]
        for p in following:
            for name in re.findall(r"(?:\d+\s*[、.．]\s*)?([^\d、.．：:；;，,]{2,40}?表)", p.text.removeprefix("附件")):
                listed.append((name.strip(), p))
    tables_text = ["".join(c for row in t.rows for c in row).replace(" ", "") for t in review.doc.tables()]
    for name, seg in listed:
        signs = next((v for k, v in _ATTACHMENT_SIGNS.items() if k in name), None)
        if signs and not any(all(s in text for s in signs) for text in tables_text):
            review.add(
                "review.attachment_missing",
                Severity.ERROR,
                f"报告列出附件“{name}”，但报告中没有该表（附件未随报告提供），无法核对其数据和得分。",
                review.doc.location(seg),
                name,
                "",
            )
    if not find_score_tables(review.doc) and not listed:
        review.add("review.no_score_table", Severity.WARNING, "报告中没有自评得分表，无法核对得分。", None)


_INDICATOR_WORDS = (
    "执行率",
    "调整率",
    "控制率",
    "利用率",
    "完成率",
    "满意度",
    "政府采购",
    "三公",
    "公用经费",
    "结转结余",
    "资产",
    "编制",
    "序时",
    "绩效目标",
    "绩效指标",
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万元|元|分|人|个|项|次|件)")


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


def _check_problems(review: _Review, headings: list[tuple[str, Segment]]) -> None:
    found = _section_text(headings, review.doc, ("存在的问题", "存在问题", "主要问题"), avoid=("措施",))
    if found is None:
        review.add("review.missing_section", Severity.WARNING, "报告没有“存在的问题”部分。", None, "存在的问题", "")
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
            Severity.WARNING,
            "“存在的问题”部分没有任何具体数据（金额、比率或得分），问题描述不具体，难以核实和整改。",
            place,
            "含具体数据的问题描述",
            text[:60],
        )
    if not any(w in text for w in (*names, *_INDICATOR_WORDS)):
        review.add(
            "review.problems_no_indicator",
            Severity.INFO,
            "“存在的问题”部分未指明对应的绩效指标（如预算执行率、政府采购执行率）。",
            place,
        )
    measures = _section_text(headings, review.doc, ("改进措施", "整改措施", "下一步"), avoid=("存在",))
    if measures is None or not "".join(p.text for p in measures[1]).strip():
        review.add("review.measures_missing", Severity.WARNING, "报告没有针对问题的改进措施。", place)


def _check_claims(review: _Review, figures: list[Figure]) -> None:
    for fig in figures:
        if fig.key == "services.satisfaction_rate" and fig.value >= 1:
            segment = review.doc.segments[fig.segment]
            if not re.search(r"调查|问卷|样本|抽样|回收|测评", segment.text):
                review.add(
                    "review.unsupported_claim",
                    Severity.INFO,
                    f"报告称满意度为{_show(fig)}，但未说明调查方式和样本量（有效调查人数、满意人数）。",
                    fig.location,
                    "调查方式与样本量",
                    _show(fig),
                )


# --- putting it together -------------------------------------------------------------------------------


def _choose_rulebook(tables: list[ScoreTable], doc: SourceDocument) -> str | None:
    names = {row.name for table in tables for row in table.rows}
    best, best_share = None, 0.0
    for rid, path in available_rulebooks().items():
        try:
            rulebook = load_rulebook(str(path))
        except JixiaoError:
            continue
        leaves = {leaf.name for leaf in rulebook.leaves()}
        share = len(names & leaves) / len(leaves) if leaves else 0
        if rulebook.kind == "department" and share > best_share:
            best, best_share = rid, share
    if best_share >= 0.5:
        return best
    if any(t.family == "mof" for t in tables) or any("单位基本情况" in s.text for s in doc.paragraphs()[:40]):
        return "hunan/department/2023"
    return None


_ESCALATE = {"check.stated_rate_definition": Severity.WARNING}


def review_document(doc: SourceDocument, rulebook_id: str | None = None) -> ReviewResult:
    if not any((s.text or s.rows) for s in doc.segments):
        empty = Problem(
            "review.empty",
            "文件中没有可读取的文字或表格，无法审核。请确认上传的是报告正文（扫描件需先转为文字版）。",
            Location(str(doc.path)),
            Severity.ERROR,
        )
        return ReviewResult(doc.path, "", None, [], [], [], [empty])
    figures = extract_figures(doc)
    tables = find_score_tables(doc)
    chosen = rulebook_id or _choose_rulebook(tables, doc)
    rulebook = load_rulebook(chosen) if chosen else None
    review = _Review(doc, rulebook)
    department, year = find_department(doc), find_year(doc)
    data = _stated_data(review, figures, department, year)
    for finding in check_consistency(data):
        severity = _ESCALATE.get(finding.code, finding.severity)
        review.findings.append(
            Problem(finding.code, finding.message, finding.location, severity, finding.expected, finding.actual)
        )
    total = None
    main_table = next((t for t in tables if t.family == "three_level" and len(t.rows) >= 2), None) or next(
        (t for t in tables if t.family == "mof"), None
    )
    for table in tables:
        if table.family == "three_level" and len(table.rows) >= 2:
            _check_three_level(review, table)
        elif table.family == "mof":
            _check_mof_targets(review, table)
            if table is not main_table:
                _check_totals(review, table, [])
    if main_table is not None:
        total = _check_totals(review, main_table, figures)
        _check_levels(review, main_table, figures)
        _check_deductions(review, main_table, figures)
        if rulebook is not None and main_table.family == "three_level":
            _check_against_rulebook(review, main_table, evaluate(rulebook, data))
    grade = _check_grade(review, total)
    headings = _headings(doc)
    if doc.paragraphs():  # a workbook of tables is not a report: no sections or problems to look for
        _check_sections(review, headings)
        _check_attachments(review)
        _check_problems(review, headings)
    _check_claims(review, figures)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    review.findings.sort(key=lambda f: order[f.severity])
    return ReviewResult(
        doc.path, department, year, [h for h, _ in headings], figures, tables, review.findings, chosen, total, grade
    )


def review_file(path: Path, rulebook_id: str | None = None) -> ReviewResult:
    return review_document(read_source(Path(path)), rulebook_id)
