"""The report's text against itself and its score table: the department's data rebuilt from what the text
states (then the same consistency checks as a bureau's own data), the stated total, level subtotals, level
rates and deductions against the table, the grade against the total, and the table's scores against what
the rulebook gives for the stated data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.files.serialize import set_path
from jixiao.files.yamlsrc import dotted
from jixiao.model.dataset import DepartmentData, parse_department
from jixiao.model.indicators import INDICATORS
from jixiao.model.numbers import fmt_score, given_places
from jixiao.model.problems import Location, Severity
from jixiao.scoring.rulebook import Rulebook
from jixiao.scoring.trace import Evaluation, Status

from .extract import Figure, find_adjustment_reason, find_grade
from .findings import Findings
from .rx import rx
from .scoretable import ScoreRow, ScoreTable
from .source import SourceDocument
from .table import number
from .vocabulary import vocabulary

__all__ = [
    "Review",
    "check_against_rulebook",
    "check_deductions",
    "check_grade",
    "check_levels",
    "check_stated_totals",
    "level_weight_basis",
    "show_figure",
    "stated_data",
    "total_basis",
]


HEADING = rx(
    r"^\s*(第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）][、]?|"
    r"\d+\s*[、.．](?!\d)|[（(]\d+[)）])\s*"
)


class Review:
    """What the checks of a report share: the document, its rulebook, and the findings."""

    def __init__(self, doc: SourceDocument, rulebook: Rulebook | None, findings: Findings):
        self.doc = doc
        self.rulebook = rulebook
        self.findings = findings
        self.total_basis: list[Location] = []  # the cells the document's total score was added up from
        self._narrative_figures: list[Any] | None = None

    def narrative_figures(self) -> list[Any]:
        """The narrative grammar's figures of the document (review/narrative/), read once for every check that
        wants them — they were read twice, by the stated data's subjects and by the narrative checks, the largest
        cost of a review (issue 15: a 20-page report ≤ 100 ms)."""
        if self._narrative_figures is None:
            from .narrative import extract_narrative_figures

            self._narrative_figures = extract_narrative_figures(self.doc)
        return self._narrative_figures

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        location: Location | None,
        expected: Any = "",
        actual: Any = "",
        basis: Iterable[Location | None] = (),
    ) -> None:
        self.findings.add(code, severity, message, location, expected, actual, basis)


def _narrative_subjects(review: Review) -> dict[int, list[tuple[Decimal, str, bool]]]:
    """Per segment, each amount (in 万元) and rate (a fraction) the narrative grammar reads, with the subject it
    qualifies and whether it speaks of another year than the report's."""
    out: dict[int, list[tuple[Decimal, str, bool]]] = {}
    for f in review.narrative_figures():
        if f.cell is not None or f.per_unit or f.kind not in ("amount", "rate"):
            continue
        value = f.scaled / 10_000 if f.kind == "amount" else f.value / 100
        out.setdefault(f.segment, []).append((value, f.subject, f.other_year))
    return out


def _quantity(subject: str) -> str:
    """The quantity a subject names, without the words that do not change it (本年, 部门, 决算, 合计, 数 …)."""
    from .narrative.vocabulary import vocabulary as narrative_vocabulary

    text = re.sub(r"[（(][^（()）]*[)）]|(?:19|20)\d\d年", "", subject)
    for word in sorted(narrative_vocabulary().words["same_quantity_noise"], key=len, reverse=True):
        text = text.replace(word, "")
    return text


def _two_quantities(
    a: Figure, b: Figure, subjects: dict[int, list[tuple[Decimal, str, bool]]], *, by_subject: bool = True
) -> bool:
    """Two figures that extraction gave one data path name two quantities by the grammar's reading of their
    sentences: "因公出国(境)决算支出0万元" and "公务接待费决算支出238万元" are two 决算支出, not one stated twice; nor
    are "2017年度支出合计2906万元" and "2016年度支出合计628万元" in a 2017 report (last year's is another)."""

    def reading(fig: Figure) -> tuple[str, bool] | None:
        found = {(s, other) for v, s, other in subjects.get(fig.segment, []) if v == fig.value}
        return next(iter(found)) if len(found) == 1 else None

    first, second = reading(a), reading(b)
    if first is None or second is None:
        return False
    if first[1] != second[1]:
        return True
    # a rate stated twice names its quantity in as many ways ("一季度序时执行率为93.58%" … "第一、二季度序时进度……分别为
    # 93.58%"): for a rate only the year tells two apart
    return by_subject and bool(first[0] and second[0] and _quantity(first[0]) != _quantity(second[0]))


def _own_year_flows(income: Figure | None, spending: Figure | None) -> bool:
    """本年收入合计 and 本年支出合计: the year's own flows, apart from carry-overs, which need not balance."""
    from .narrative.vocabulary import vocabulary as narrative_vocabulary

    flows = narrative_vocabulary().words["own_year_flows"]
    return bool(
        income is not None
        and spending is not None
        and any(w in income.quote for w in flows)
        and any(w in spending.quote for w in flows)
    )


def stated_data(review: Review, figures: list[Figure], department: str, year: int | None) -> DepartmentData:
    first: dict[str, Figure] = {}
    subjects: dict[int, list[tuple[Decimal, str, bool]]] | None = None
    # One sentence giving one quantity two values lists its parts, not the whole stated twice: "中央资金完成
    # 636.75万元，预算执行率81.97%，省级资金完成288.26万元，预算执行率99.28%" (corpus n12). Neither is the whole.
    values: dict[tuple[str, int, str], set[Decimal]] = {}
    for fig in figures:
        values.setdefault((fig.key, fig.segment, fig.quote), set()).add(fig.value)
    figures = [f for f in figures if f.key.startswith("score.") or len(values[(f.key, f.segment, f.quote)]) == 1]
    for fig in figures:
        if fig.key.startswith("score."):
            continue
        if fig.key in first:
            earlier = first[fig.key]
            if earlier.value != fig.value and fig.unit == earlier.unit and fig.unit in ("万元", "%"):
                subjects = _narrative_subjects(review) if subjects is None else subjects
                if _two_quantities(earlier, fig, subjects, by_subject=fig.unit == "万元"):
                    continue
            if earlier.value != fig.value:
                review.add(
                    "review.figure_conflict",
                    Severity.ERROR,
                    f"{fig.label}在报告中前后不一致：{earlier.location.place}为{show_figure(earlier)}，"
                    f"{fig.location.place}为{show_figure(fig)}。",
                    fig.location,
                    show_figure(earlier),
                    show_figure(fig),
                )
            continue
        first[fig.key] = fig
    tree: dict[str, Any] = {"department": {"name": department or "（未识别）", "year": str(year or 2000)}}
    reason = find_adjustment_reason(review.doc)
    if reason:
        tree["budget"] = {"adjustment": {"reason": reason}}
    if _own_year_flows(first.get("budget.income.final_total"), first.get("budget.final.total")):
        del first["budget.income.final_total"]  # the year's income and expenditure: no balance to check
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


def show_figure(fig: Figure) -> str:
    if fig.unit == "%":
        text = f"{fig.value * 100:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return f"{fig.value:f}{fig.unit}"


def table_basis(table: ScoreTable, rows: list | None = None) -> list[Location]:
    """The score cells (and the total's) a comparison with the table rests on: a finding's basis."""
    if table.table is None:
        return []
    chosen = table.rows if rows is None else rows
    cells = [table.table.location(r.row, r.score_col) for r in chosen if r.score_col >= 0]
    cells += [table.table.location(r.row, r.weight_col) for r in chosen if r.weight_col is not None]
    return cells + ([table.total_location] if rows is None and table.total_location else [])


def total_basis(table: ScoreTable) -> list[Location]:
    """The cells the table's total was read from: its total row's score, else the rows' scores it adds up — not
    every figure of the table (a doubtful 目标值 elsewhere does not make the comparison doubtful)."""
    if table.table is None:
        return []
    if table.total_score is not None and table.total_location is not None:
        return [table.total_location]
    return [table.table.location(r.row, r.score_col) for r in table.rows if r.score_col >= 0]


def level_weight_basis(table: ScoreTable) -> list[Location]:
    """The cells the 一级指标 weights were read from: on each level's first row, its label ("产出指标(50分)") and
    the cell that states its weight."""
    if table.table is None:
        return []
    out = []
    for r in {row.level1: row for row in reversed(table.rows)}.values():  # each level's first row
        if r.level1_weight is None:
            continue
        cells = table.table.grid[r.row] if r.row < len(table.table.grid) else []
        out += [
            table.table.location(r.row, c)
            for c, text in enumerate(cells)
            if (r.level1_label and text.strip() == r.level1_label) or number(text) == r.level1_weight
        ]
    return out


def check_stated_totals(review: Review, table: ScoreTable, total: Decimal | None, figures: list[Figure]) -> None:
    """The text's 总分 of the indicator system and its stated total score against the table; each comparison rests
    on the cells its table figure was read from."""
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
                level_weight_basis(table),
            )
    for fig in (f for f in figures if f.key == "score.total"):
        if total is not None and fig.value != total:
            review.add(
                "review.stated_total",
                Severity.ERROR,
                f"正文所述自评得分{fmt_score(fig.value)}分与得分表合计{fmt_score(total)}分不一致。",
                fig.location,
                total,
                fig.value,
                total_basis(table),
            )


def check_levels(review: Review, table: ScoreTable, figures: list[Figure]) -> None:
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
                table_basis(table, rows),
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
                table_basis(table, rows),
            )
        elif fig.key == "score.level_rate" and weight:
            places = max(0, given_places(fig.value))
            exact = score / weight
            allowed = {exact.quantize(Decimal(1).scaleb(-places), mode) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
            if fig.value not in allowed:
                review.add(
                    "review.level_rate",
                    Severity.ERROR,
                    f"正文所述{fig.extra}指标得分率{show_figure(fig)}，"
                    f"按得分{fmt_score(score)} ÷ 分值{fmt_score(weight)}"
                    f"计算应为{exact * 100:.2f}%。",
                    fig.location,
                    f"{exact * 100:.2f}%",
                    show_figure(fig),
                    table_basis(table, rows),
                )


def _leaf_for(clause: str, table: ScoreTable, rulebook: Rulebook | None) -> ScoreRow | None:
    """The score-table row a deduction sentence is about: by name, or by the words of its rule."""
    best: ScoreRow | None = None
    best_len = 0
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


def check_deductions(review: Review, table: ScoreTable, figures: list[Figure]) -> None:
    by_segment: dict[int, list[Figure]] = {}
    for fig in figures:
        if fig.key in ("score.deduction", "score.deduction_total", "score.level_weight", "score.level_score"):
            by_segment.setdefault(fig.segment, []).append(fig)
    rows_by_l1: dict[str, list[ScoreRow]] = {}
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
        if seg.kind == "paragraph" and len(seg.text) <= 40 and HEADING.match(seg.text)
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
                leaf = _leaf_for(fig.quote, table, review.rulebook) if fig.key == "score.deduction" else None
                if (
                    leaf is not None
                    and leaf.weight is not None
                    and leaf.score is not None
                    and leaf.weight - leaf.score != fig.value
                ):
                    review.add(
                        "review.deduction_vs_table",
                        Severity.ERROR,
                        f"所述“{leaf.name}”扣{fmt_score(fig.value)}分，得分表中该指标分值{fmt_score(leaf.weight)}、"
                        f"得分{fmt_score(leaf.score)}，即扣{fmt_score(leaf.weight - leaf.score)}分。",
                        fig.location,
                        leaf.weight - leaf.score,
                        fig.value,
                    )
    settle()


def check_grade(review: Review, total: Decimal | None, in_table: tuple[str, Location] | None = None) -> str | None:
    """The stated grade (in the text, or in a 评价等级 cell) against the grade of the total."""
    vocab = vocabulary()
    grades = (
        review.rulebook.grades
        if review.rulebook
        else tuple((Decimal(str(g["min"])), str(g["name"])) for g in vocab.raw["grades"])
    )
    expected = next((name for minimum, name in grades if total is not None and total >= minimum), None)
    found = find_grade(review.doc)
    stated = (found[0], review.doc.location(found[1])) if found else in_table
    if stated is None:
        return expected
    word = vocab.raw["grade_words"].get(stated[0], stated[0])
    if expected and total is not None and word != expected:  # an expected grade comes from a total
        review.add(
            "review.grade",
            Severity.ERROR,
            f"所述评价等级“{stated[0]}”与总分{fmt_score(total)}分对应的等级“{expected}”不一致"
            f"（等级按{'、'.join(f'{n}≥{fmt_score(m)}' for m, n in grades)}分划分）。",
            stated[1],
            expected,
            stated[0],
            review.total_basis,
        )
    return stated[0]


def check_against_rulebook(review: Review, table: ScoreTable, evaluation: Evaluation) -> None:
    for row in table.rows:
        node = evaluation.find(row.name)
        if node is None or node.children or node.status != Status.SCORED or row.score is None or node.score is None:
            continue
        if node.score != row.score:
            why = "；".join(d.reason for d in node.deductions) or "按所列数据不应扣分"
            review.add(
                "review.score_contradicts_data",
                Severity.ERROR,
                f"“{row.name}”表中得分{fmt_score(row.score)}分，按报告所列数据和指标体系“{evaluation.rulebook_id}”"
                f"计算应得{fmt_score(node.score)}分（{why}）。",
                row.location,
                node.score,
                row.score,
            )
