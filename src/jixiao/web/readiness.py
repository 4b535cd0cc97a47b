"""Whether an evaluation may be submitted (提交审核): what is missing or wrong, in the user's words, each with the
place on the page to fix it.

An error is anything that would make the score wrong — data with errors, an indicator 未填报 or 无法计算, a total
that is incomplete — and refuses the submission; a warning (a check the data does not pass, a qualitative fact not
answered that no score reads, an amount hardly a department's) may be submitted once the user confirms.
`service.transition` applies the same rule, so a crafted POST is refused as the page is."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.files.excel_layout import FORM_FIELDS
from jixiao.model.problems import Severity
from jixiao.scoring.trace import Status

from .amounts import amount_warnings
from .data_words import problem_in_chinese
from .forms import EDITABLE_LISTS, form_values, problem_place

__all__ = ["Finding", "blocking", "submission_check"]


@dataclass(frozen=True)
class Finding:
    """One thing to fix before submitting: `severity` 错误 or 警告, `what` in Chinese, `href` where to fix it."""

    severity: Severity
    what: str
    href: str


def blocking(findings: list[Finding], confirmed: bool) -> list[Finding]:
    """What stops the submission: every error; the warnings too until the user has confirmed them."""
    return [f for f in findings if f.severity is Severity.ERROR or not confirmed]


def _href_of_field(evaluation_id: int, field: str | None) -> str:
    """The input that holds a data path: a 基本信息 field, a fact, a table of the page, else the text editor."""
    base = f"/evaluations/{evaluation_id}"
    if not field:
        return f"{base}#fill"
    if field in {f.path for f in FORM_FIELDS}:
        return f"{base}#f-{field}"
    parts = field.split(".")
    if parts[0] == "facts" and len(parts) > 1:
        return f"{base}#f-facts.{parts[1]}.answer"
    head = field.partition("[")[0]
    if head in {sheet.list_path for sheet in EDITABLE_LISTS}:
        return f"{base}#lists-form"
    return f"{base}#data-yaml"


def submission_check(evaluation, loaded) -> list[Finding]:
    """Errors first, then warnings. `loaded` is `service.load(evaluation)`."""
    base = f"/evaluations/{evaluation.id}"
    found: list[Finding] = []
    for problem in loaded.problems:
        if problem.severity is Severity.INFO:
            continue
        place = problem_place(problem)
        field = problem.location.field if problem.location else None
        message = problem_in_chinese(problem, evaluation.rulebook_id)  # a former rulebook's fact by its question
        what = f"{place}：{message}" if place else message
        found.append(Finding(problem.severity, what, _href_of_field(evaluation.id, field)))
    scored = loaded.scored
    if scored is None:
        if not any(f.severity is Severity.ERROR for f in found):
            found.append(Finding(Severity.ERROR, "数据无法评分，请先按“数据检查”修改。", f"{base}#problems"))
        return _ordered(found)
    facts = loaded.prepared.rulebook.facts if loaded.prepared else {}
    read_facts: set[str] = set()
    unscored = 0
    for leaf in scored.leaves():
        trace = leaf.trace
        fact_keys = [
            read.path.split(".")[1] for read in (trace.inputs if trace else ()) if read.path.startswith("facts.")
        ]
        if trace is not None and trace.note:  # a fact not answered is named in the note by its question
            fact_keys += [key for key, fact in facts.items() if fact.question in trace.note]
        read_facts.update(fact_keys)
        if trace is None or trace.status not in (Status.MISSING, Status.UNDEFINED):
            if leaf.weight_given:
                continue
            found.append(Finding(Severity.ERROR, f"指标“{leaf.name}”未填分值，总分无法计算。", f"{base}#lists-form"))
            unscored += 1
            continue
        unscored += 1
        note = f"（{trace.note.rstrip('。')}）" if trace.note else ""
        missing_fact = next((k for k in fact_keys if loaded.data.get(f"facts.{k}.answer") is None), None)
        href = f"{base}#f-facts.{missing_fact}.answer" if missing_fact else f"{base}/indicator/{leaf.id}"
        found.append(Finding(Severity.ERROR, f"指标“{leaf.name}”{trace.status}，得分无法计算{note}。", href))
    if scored.total is None and not unscored:
        found.append(Finding(Severity.ERROR, "总分不完整，请核对各指标的得分。", f"{base}#scores"))
    for path, warning in amount_warnings(form_values(loaded.data, as_stored=True)).items():  # 10 万亿元 in a 万元 field
        found.append(Finding(Severity.WARNING, warning, f"{base}#f-{path}"))
    for key, fact in facts.items():
        if loaded.data.get(f"facts.{key}.answer") is None and key not in read_facts:
            found.append(
                Finding(Severity.WARNING, f"定性事实“{fact.question}”未回答。", f"{base}#f-facts.{key}.answer")
            )
    return _ordered(found)


def _ordered(found: list[Finding]) -> list[Finding]:
    return sorted(found, key=lambda f: f.severity is not Severity.ERROR)
