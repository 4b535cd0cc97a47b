"""What the cycle pages show: a stored cycle document parsed and laid out as its official table (绩效目标申报表,
监控表, 复核差异表, 整改台账), its problems placed by 第N行 or sheet and cell in Chinese, and the page's context."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from jixiao.model.numbers import fmt_percent, fmt_score

from .cycle_service import KINDS, Parsed, document, errors_first, kind_refusal, parse, today
from .cycle_words import to_chinese, words
from .db import CycleDocument, CycleVersion, Evaluation, User
from .service import load
from .timefmt import cn_date, local_time

MAX_TEXT = 256 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# kind → the file a department folder would hold, as a starting point in the editor
SKELETONS = {
    "targets": (
        "ruleset: national\nkind: department\ndepartment: {name}\nyear: {year}\nbudget:\n  total: \n  fiscal: \n"
        "overall_goal: \nindicators:\n  - level1: 产出指标\n    level2: 数量指标\n    name: \n    operator: ≥\n"
        "    value: \n    unit: \n"
    ),
    "monitoring": (
        "ruleset: national\ndepartment: {name}\nyear: {year}\nbudget: \npoints:\n  - month: 3\n    executed: \n"
    ),
    "recheck": "reviewer: \ndate: \nitems:\n  - indicator: \n    score: \n    reason: \n    evidence: \nconclusion: \n",
    "rectification": (
        "department: {name}\nyear: {year}\nitems:\n  - problem: \n    source: 复核\n    indicator: \n    measure: \n"
        "    owner: \n    deadline: \n    status: 未开始\n"
    ),
}


# A document the user only adds to once the other side has written it.
WAITING = {
    ("reviewer", "targets"): "该部门尚未填报绩效目标。部门填报后，您可在此填写审核等级、理由和批复（“财政审核”部分）。",
    ("filler", "rectification"): "尚无整改事项。审核人提出整改事项后，您可在此填写整改状态、完成日期和佐证材料。",
}


def problem_rows(problems, kind: str = "") -> list[tuple[str, str, str]]:
    """(severity, place, message) in the user's words: the editor's line, or an uploaded workbook's sheet and cell;
    a key the message names as stored (department) by its Chinese name as the editor shows it (部门名称)."""
    return [(p.severity.value, place_text(p.location), in_chinese(kind, p.message)) for p in errors_first(problems)]


def place_text(location) -> str:
    if location is None:
        return ""
    if location.sheet:
        name = location.file.rsplit("/", 1)[-1]
        return f"{name} 工作表“{location.sheet}”{location.cell or ''}"
    return f"第{location.line}行" if location.line else ""


def in_chinese(kind: str, message: str) -> str:
    keys = words()["keys"].get(kind, {})
    return re.sub(r"(?<![A-Za-z_])([a-z][a-z0-9_]*)(?![A-Za-z_])", lambda m: keys.get(m[1], m[1]), message)


def budget_initial(evaluation: Evaluation) -> Decimal | None:
    value = load(evaluation).data.get("budget.initial.total")
    return value if isinstance(value, Decimal) else None


def table_view(kind: str, evaluation: Evaluation, parsed: Parsed) -> dict[str, Any]:
    """What the page shows of a parsed document: the official table's rows, findings, totals."""
    value = parsed.value
    if value is None:
        return {}
    if kind == "targets":
        from jixiao.cycle.targets import check_targets, suggested_grade

        findings = check_targets(value, budget_initial(evaluation))
        grade, why = suggested_grade(findings)
        return {"sheet": value, "findings": problem_rows(findings, kind), "suggested": (grade, why)}
    if kind == "monitoring":
        from jixiao.cycle.monitoring import assess_monitoring

        result = assess_monitoring(value, today())
        rows = [
            (
                f"1-{point.month}月",
                fmt_percent(point.rate),
                fmt_percent(line) if line is not None else "—",
                why,
                "" if line is None else ("低于预警线" if point.rate < line else "正常"),
                "；".join(f"{t.name} {fmt_percent(t.progress)}" for t in point.targets),
            )
            for point, line, why in result.rows
        ]
        warnings = [
            (
                f"{w.month}月",
                w.kind,
                w.message,
                cn_date(w.deadline),
                w.status,
                f"{w.answer.decision}（{cn_date(w.answer.date)}）{w.answer.note}" if w.answer and w.answer.date else "",
            )
            for w in result.warnings
        ]
        rules = value.ruleset
        return {
            "rows": rows,
            "warnings": warnings,
            "rules": f"{rules.title}（{rules.cite(rules.monitoring.source)}）",
            "basis": result.deadline_basis(),
            "result": result,
        }
    if kind == "recheck":
        from jixiao.cycle.recheck import compare_recheck

        loaded = load(evaluation)
        if loaded.scored is None or loaded.prepared is None:
            return {"unscored": "该自评的数据尚有错误或不完整，无法与复核得分对照。请先完成自评填报。"}
        compared = compare_recheck(value, loaded.scored, loaded.prepared.rulebook)
        return {"result": compared, "findings": problem_rows(list(compared.problems), kind)}
    from jixiao.cycle.rectify import rectification_status

    day = today()
    return {"items": [(item, rectification_status(item, day)) for item in value.items], "day": day}


def page_context(
    actor, evaluation: Evaluation, kind: str, doc: CycleDocument | None, text: str, parsed: Parsed
) -> dict[str, Any]:
    title, name = KINDS[kind]
    refusal = kind_refusal(actor.user, evaluation.department, kind)
    if refusal is None and doc is None and (actor.role, kind) in WAITING:
        refusal = WAITING[actor.role, kind]
    history = []
    session = object_session(doc) if doc is not None else None
    if doc is not None and session is not None:  # a document read by this request is in its session
        rows = session.scalars(
            select(CycleVersion).where(CycleVersion.document_id == doc.id).order_by(CycleVersion.version.desc())
        ).all()
        ids = {v.created_by for v in rows if v.created_by}
        names = {u.id: u.display_name or u.username for u in session.scalars(select(User).where(User.id.in_(ids)))}
        history = [(v.version, local_time(v.created_at), names.get(v.created_by or 0, "")) for v in rows[:20]]
    return {
        "history": history,
        "e": evaluation,
        "kind": kind,
        "kinds": KINDS,
        "title": title,
        "file_name": name,
        "doc": doc,
        "text": to_chinese(kind, text),  # the editor's keys in Chinese (cycle_words.yaml)
        "legend": words()["keys"][kind],
        "problems": problem_rows(parsed.problems, kind),
        "view": table_view(kind, evaluation, parsed) if doc is not None or parsed.value is not None else {},
        "can_write": refusal is None,
        "refusal": refusal,
        "updated": local_time(doc.updated_at) if doc else "",
        "fmt_score": fmt_score,
        "today": today(),
    }


def stored_document(db, evaluation: Evaluation, kind: str) -> tuple[CycleDocument | None, str, Parsed]:
    doc = document(db, evaluation.department, evaluation.year, kind)
    if doc is None:
        text = SKELETONS[kind].format(name=evaluation.department.name, year=evaluation.year)
        return None, text, Parsed(None, [])
    return doc, doc.text, parse(kind, doc.text, evaluation.department, evaluation.year)
