"""What the cycle pages show: a stored cycle document parsed and laid out as its official table (绩效目标申报表,
监控表, 复核差异表, 整改台账), its problems placed by 第N行 or sheet and cell in Chinese, and the page's context."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from jixiao.model.numbers import fmt_amount, fmt_percent, fmt_score

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
    """(severity, place, message) in the user's words: the editor's line and the field, or an uploaded workbook's
    sheet and cell; a key the message names as stored (department) by its Chinese name as the editor shows it
    (部门名称)."""
    return [
        (p.severity.value, place_text(p.location, kind), in_chinese(kind, p.message)) for p in errors_first(problems)
    ]


def place_text(location, kind: str = "") -> str:
    """Where a problem is, as the page's user finds it: 运行监控内容第15行（字段“监控节点第2项·部门答复·答复”）, or the
    uploaded workbook's sheet and cell."""
    if location is None:
        return ""
    field = field_text(kind, location.field)
    if location.sheet:
        name = location.file.rsplit("/", 1)[-1]
        return f"{name} 工作表“{location.sheet}”{location.cell or ''}"
    if not location.line:
        return f"字段“{field}”" if field else ""
    title = f"{KINDS[kind][0]}内容" if kind in KINDS else ""
    return f"{title}第{location.line}行" + (f"（字段“{field}”）" if field else "")


def field_text(kind: str, path: str | None) -> str:
    """A stored field path (points[1].answer.decision) in the editor's words: 监控节点第2项·部门答复·答复."""
    if not path:
        return ""
    keys = words()["keys"].get(kind, {})
    parts = []
    for part in path.split("."):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)", part)
        if m is None:
            parts.append(part)
            continue
        name = keys.get(m[1], m[1])
        parts.append(name + "".join(f"第{int(i) + 1}项" for i in re.findall(r"\[(\d+)\]", m[2])))
    return "·".join(parts)


def in_chinese(kind: str, message: str) -> str:
    """A reader's message in the editor's words: its keys in Chinese, its dates as the editor writes them
    (如“2023年7月31日”, 节前最后一个工作日2024年9月30日; the readers print 2023-07-31)."""
    keys = words()["keys"].get(kind, {})
    message = re.sub(r"(?<![A-Za-z_])([a-z][a-z0-9_]*)(?![A-Za-z_])", lambda m: keys.get(m[1], m[1]), message)
    return re.sub(
        r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])", lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", message
    )


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
        "fmt_amount": fmt_amount,  # 万元 as the 申报表 prints it: 2,377.56
        "today": today(),
    }


def stored_document(db, evaluation: Evaluation, kind: str) -> tuple[CycleDocument | None, str, Parsed]:
    doc = document(db, evaluation.department, evaluation.year, kind)
    if doc is None:
        text = SKELETONS[kind].format(name=evaluation.department.name, year=evaluation.year)
        return None, text, Parsed(None, [])
    return doc, doc.text, parse(kind, doc.text, evaluation.department, evaluation.year)


# ------------------------------------------------------------------------------------------------ the bureau's view
# The bureau's workbooks of the command line (jixiao.cycle.bureau, bureau_out) over the documents of the departments
# in the user's scope: the same rows, on the page and in the download.
STEP_KINDS = {"monitor": "monitoring", "rectify": "rectification", "targets": "targets"}
ANSWER_STATES = ("逾期未答复", "待答复", "逾期答复", "已答复")  # bureau_out.STATUS_ORDER's order
ITEM_FILTERS = ("未完成", "已逾期", "进行中", "未开始", "已完成", "全部")
SORTS = {"status": "按状态", "deadline": "按期限", "department": "按部门"}


def _document_problems(kind: str, title: str, problems) -> tuple[str, ...]:
    return tuple(f"{place or title}：{message}" for _severity, place, message in problem_rows(problems, kind)) or (
        f"{title}内容有误（未给出原因）。请打开该部门的{title}页面修改。",
    )


def data_budget(evaluation: Evaluation) -> Decimal | None:
    """`budget_initial` without scoring: the evaluation's data read by the same YAML reader and field parser as its
    page, but only its 年度预算 part. A bureau's page reads it for every department; `load` scored each one and
    overflowed the server's cache of loaded evaluations (64), which the departments' own pages rely on. The figure
    depends on the text alone: kept by the text's digest (a few bytes each) for the next view."""
    import hashlib

    text = evaluation.data_yaml or "{}"
    key = hashlib.sha256(text.encode("utf-8")).digest()
    kept = _BUDGETS.get(key, _UNREAD)  # one lookup: another thread may drop it meanwhile
    if kept is not _UNREAD:
        return kept  # type: ignore[return-value]
    value = _read_budget(text)
    with _BUDGETS_LOCK:  # the server's threads share it
        _BUDGETS[key] = value
        while len(_BUDGETS) > BUDGETS_KEPT:
            _BUDGETS.popitem(last=False)
    return value


BUDGETS_KEPT = 20_000  # a province's departments; an entry is a digest and a Decimal
_BUDGETS: OrderedDict[bytes, Decimal | None] = OrderedDict()
_BUDGETS_LOCK = threading.Lock()
_UNREAD = object()


def _read_budget(text: str) -> Decimal | None:
    from jixiao.files.yamlsrc import parse_yaml_text
    from jixiao.model.dataset import parse_department
    from jixiao.model.problems import JixiaoError

    try:
        tree, smap, _problems = parse_yaml_text(text, "data.yaml")
    except JixiaoError:
        return None  # the page's load gives empty data then
    budget = tree.get("budget") if isinstance(tree, dict) else None
    data, _more = parse_department({"budget": budget} if budget is not None else {}, smap.locate)
    value = data.get("budget.initial.total")
    return value if isinstance(value, Decimal) else None


def iso_cn(text: Any) -> str:
    """A workbook's date (2023-07-14) as the page writes dates (2023年7月14日); other text as it is."""
    import datetime as dt

    try:
        return cn_date(dt.date.fromisoformat(str(text)))
    except ValueError:
        return str(text or "")


def bureau_run(db, scope, step: str, year: int, day, evaluations: dict[int, Evaluation]):
    """The step's `BureauRun` over the departments of `scope`: each department's stored document of `year` read as
    the page reads it (the department and year checked), then as `jixiao monitor|rectify|targets BUREAU_DIR` reads
    a folder's file. A department without the document is 未填报 (monitoring, targets); without 整改 items it is
    left out (the bureau raises them)."""
    from pathlib import Path

    from jixiao.cycle.bureau import BureauRun, Failure, checked_targets
    from jixiao.cycle.monitoring import assess_monitoring
    from jixiao.model.problems import JixiaoError, has_errors

    from .db import Department

    kind = STEP_KINDS[step]
    title, _name = KINDS[kind]
    run = BureauRun(step, Path(title), source="系统中的部门", unit="部门")
    run.place, run.words = (lambda location: place_text(location, kind)), (lambda text: in_chinese(kind, text))
    docs = {
        d.department_id: d
        for d in db.scalars(
            select(CycleDocument)
            .join(Department)
            .where(scope.department_filter(), CycleDocument.kind == kind, CycleDocument.year == year)
        )
    }
    for department in db.scalars(scope.departments()):
        doc = docs.get(department.id)
        if doc is None:
            if kind != "rectification":
                why = f"{department.name}尚未填报{year}年度{title}。请部门在“{title}”页面填写或上传工作簿后再汇总。"
                run.failures.append(Failure(department.name, title, "未填报", (why,)))
            continue
        evaluation = evaluations.get(department.id)

        def one(doc=doc, department=department, evaluation=evaluation):
            parsed = parse(kind, doc.text, department, year)
            if parsed.value is None or has_errors(parsed.problems):
                raise JixiaoError(parsed.problems)
            if kind == "monitoring":
                return assess_monitoring(parsed.value, day)
            if kind == "targets":
                return checked_targets(parsed.value, data_budget(evaluation) if evaluation else None)
            return parsed.value

        run.read(
            department.name,
            f"{title}（第{doc.version}版）",
            one,
            f"{department.name}的{title}",
            lambda problems: _document_problems(kind, title, problems),
        )
    return run


def _sorted(rows: list[list[Any]], sort: str, deadline: int, status_rank) -> list[list[Any]]:
    if sort == "deadline":
        return sorted(rows, key=lambda r: (str(r[deadline]) or "9999", status_rank(r)))
    if sort == "department":
        return sorted(rows, key=lambda r: (str(r[0]), status_rank(r), str(r[deadline])))
    return rows  # by status: the workbook's order


def bureau_view(db, scope, year: int, day, evaluations: dict[int, Evaluation], params: dict[str, str]) -> dict:
    """What /bureau/cycle shows: per step the workbook's rows (bureau_out), filtered and sorted as asked, each row's
    department with its evaluation of the year (for the link to its cycle page), and the departments not read."""
    from jixiao.cycle.bureau_out import monitor_rows, rectify_rows, targets_rows

    links = {e.department.name: e.id for e in evaluations.values()}
    view: dict[str, Any] = {"links": links, "sorts": SORTS, "answer_states": ANSWER_STATES}
    view["rulesets"] = words()["values"]["ruleset"]  # a ruleset by its title (the workbook keeps its id)
    view["item_filters"] = ITEM_FILTERS

    run = bureau_run(db, scope, "monitor", year, day, evaluations)
    summary, warnings = monitor_rows(run, day)
    answer = params.get("answer", "")
    answer = answer if answer in ANSWER_STATES else ""
    sort_w = params.get("sort_w", "") if params.get("sort_w") in SORTS else "status"

    def rank(row: list[Any]) -> int:  # 逾期未答复（超时自动暂停）, 待答复（剩余6个工作日）… by their state's order
        return next((n for n, state in enumerate(ANSWER_STATES) if str(row[10]).startswith(state)), 9)

    shown = [r for r in warnings if not answer or str(r[10]).startswith(answer)]
    view["monitor"] = {
        "summary": summary,
        "warnings": _sorted(shown, sort_w, 7, rank),
        "count": len(warnings),
        "late": sum(str(r[10]).startswith("逾期") for r in warnings),
        "failures": run.failures,
        "filter": answer,
        "sort": sort_w,
    }

    run = bureau_run(db, scope, "rectify", year, day, evaluations)
    stats, open_items, items = rectify_rows(run, day)
    which = params.get("item", "") if params.get("item") in ITEM_FILTERS else "未完成"
    sort_r = params.get("sort_r", "") if params.get("sort_r") in SORTS else "status"
    states = ("已逾期", "进行中", "未开始", "逾期完成", "按期完成")
    if which in ("未完成", "已逾期", "进行中", "未开始"):
        # the open items: 部门, 文件夹, 序号, 问题, 来源, 相关指标, 整改措施, 责任人, 整改期限, 整改状态, 距期限, 位置
        rows = [[*r[:10], r[10]] for r in open_items if which == "未完成" or r[9] == which]
    else:  # every item, the done ones with their date: … 整改状态, 完成日期, 佐证材料
        rows = [[*r[:10], f"完成于{r[10]}" if r[10] else ""] for r in items]
        rows = [r for r in rows if which == "全部" or r[9] in ("按期完成", "逾期完成")]
        rows.sort(key=lambda r: (states.index(r[9]) if r[9] in states else 9, r[8]))
    view["rectify"] = {
        "stats": stats,
        "items": _sorted(rows, sort_r, 8, lambda r: states.index(r[9]) if r[9] in states else 9),
        "total": len(items),
        "open": len(open_items),
        "overdue": sum(r[9] == "已逾期" for r in open_items),
        "failures": run.failures,
        "filter": which,
        "sort": sort_r,
    }

    run = bureau_run(db, scope, "targets", year, day, evaluations)
    summary, findings = targets_rows(run)
    severity = params.get("severity", "")
    severity = severity if severity in ("错误", "警告", "提示") else ""
    view["targets"] = {
        "summary": summary,
        "findings": [r for r in findings if not severity or r[2] == severity],
        "count": len(findings),
        "failures": run.failures,
        "filter": severity,
    }
    return view
