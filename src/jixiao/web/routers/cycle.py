"""The year around the self-evaluation: 绩效目标, 运行监控, 复核 and 整改 pages of an evaluation's department and
year (each a YAML editor beside the official table, saved through `cycle_service.write_document`), their
downloads, and the bureau's region view (warnings, overdue rectification, 结果应用)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func
from sqlalchemy.orm import contains_eager
from starlette.datastructures import UploadFile

from jixiao.model.numbers import fmt_percent

from ..cycle_service import (
    KINDS,
    CycleConflict,
    Parsed,
    document,
    kind_refusal,
    parse,
    today,
    write_document,
)
from ..cycle_views import DOCX, MAX_TEXT, XLSX, page_context, stored_document, table_view
from ..cycle_words import to_english
from ..db import CycleDocument, Evaluation, User
from ..deps import BadInput, Db, Form, Id, SignedIn, int_field, page, uploaded
from ..scope import NO_REGION, NotFound
from ..service import Denied, audit, load
from ..timefmt import local_time
from ..views import quote_filename
from .dashboard import Year

router = APIRouter()


def _show(request: Request, actor, db, evaluation_id: int, kind: str):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    doc, text, parsed = stored_document(db, evaluation, kind)
    return page(request, "cycle.html", page_context(actor, evaluation, kind, doc, text, parsed))


def _save(request: Request, actor, db, form: dict[str, str], evaluation_id: int, kind: str):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    reason = kind_refusal(actor.user, evaluation.department, kind)
    if reason:  # refused before the text is read
        raise Denied(reason)
    version = int_field(form, "doc_version", "文档版本号")
    text = form.get("text")
    if text is None or len(text) > MAX_TEXT:
        raise BadInput(f"字段“文档内容”缺失或超过 {MAX_TEXT // 1024} K 字符。")
    stored = to_english(kind, text)  # the editor's Chinese keys back to the stored ones, line by line
    try:
        parsed = write_document(db, actor.user, evaluation.department, evaluation.year, kind, stored, version)
    except CycleConflict as exc:
        doc = exc.current
        context = page_context(actor, evaluation, kind, doc, text, Parsed(None, []))
        who = db.get(User, doc.updated_by) if doc.updated_by else None
        context["message"] = (
            f"保存失败：{(who.display_name or who.username) if who else '他人'}已于{local_time(doc.updated_at)}"
            f"保存了第{doc.version}版，您是在第{version}版上修改的。下方保留了您填写的内容；请对照后再保存。"
        )
        context["conflict_version"] = doc.version
        return page(request, "cycle.html", context, status=409)
    except Denied as exc:  # a part that is another's (the department's text with the bureau's 财政审核): the page
        db.rollback()  # again with the text as typed, not an error page that lost it
        current = document(db, evaluation.department, evaluation.year, kind)
        context = page_context(actor, evaluation, kind, current, text, Parsed(None, []))
        context["view"] = {}
        context["message"] = f"未保存：{exc} 您填写的内容保留在下方，请改后再保存。"
        return page(request, "cycle.html", context, status=403)
    if any(p.severity.value == "错误" for p in parsed.problems) or parsed.value is None:
        current = document(db, evaluation.department, evaluation.year, kind)
        context = page_context(actor, evaluation, kind, current, text, parsed)
        context["view"] = {}
        context["message"] = "内容有误，未保存。请按下列提示（所在行与字段）修改后再保存；您填写的内容已保留。"
        return page(request, "cycle.html", context, status=422)
    return RedirectResponse(f"/evaluations/{evaluation.id}/{kind}?saved=1", status_code=303)


def _template(actor, db, evaluation_id: int, kind: str) -> Response:
    """The fill-in workbook of targets or monitoring (?template=1): the stored document in it, or blank with the
    department and year; it is what the page's upload reads."""
    from jixiao.cycle.workbook_out import monitoring_workbook, targets_workbook

    evaluation = actor.scope.evaluation(db, evaluation_id)
    doc, _text, parsed = stored_document(db, evaluation, kind)
    name, year = evaluation.department.name, evaluation.year
    value = parsed.value if doc is not None else None
    if kind == "targets":
        content = targets_workbook(value, department=name, year=year)
        filename = f"{name}{year}年度绩效目标申报表（填报模板）.xlsx"
    else:
        content = monitoring_workbook(value, department=name, year=year)
        filename = f"{name}{year}年度运行监控（填报模板）.xlsx"
    audit(db, actor.user, "download", f"cycle:{kind}:template", filename, via="download")
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(filename)}"},
    )


def _download(actor, db, evaluation_id: int, kind: str, what: str) -> Response:
    from ...cycle import outputs

    evaluation = actor.scope.evaluation(db, evaluation_id)
    doc, _text, parsed = stored_document(db, evaluation, kind)
    title = KINDS[kind][0]
    if doc is None:
        raise NotFound(f"该部门{evaluation.year}年度尚未填写{title}，没有可下载的表格。")
    if parsed.value is None:
        raise NotFound(f"{title}的内容有误，无法生成表格。请先在{title}页面按提示修改。")
    view = table_view(kind, evaluation, parsed)
    if kind == "targets":
        content = outputs.targets_xlsx(parsed.value) if what == "xlsx" else outputs.targets_docx(parsed.value)
        filename = f"{evaluation.department.name}{evaluation.year}年度绩效目标申报表.{what}"
    elif kind == "monitoring":
        content, filename = (
            outputs.monitoring_xlsx(view["result"]),
            f"{evaluation.department.name}{evaluation.year}年度运行监控表.xlsx",
        )
    elif kind == "recheck":
        if "result" not in view:
            raise NotFound(view.get("unscored", "无法生成复核表。"))
        content = outputs.recheck_xlsx(view["result"]) if what == "xlsx" else outputs.recheck_docx(view["result"])
        filename = f"{evaluation.department.name}{evaluation.year}年度" + (
            "复核差异表.xlsx" if what == "xlsx" else "复核意见.docx"
        )
    else:
        content = outputs.rectification_xlsx(parsed.value, today())
        filename = f"{evaluation.department.name}{evaluation.year}年度整改台账.xlsx"
    audit(db, actor.user, "download", f"cycle:{kind}:{doc.id}", filename, via="download")
    return Response(
        content,
        media_type=XLSX if filename.endswith(".xlsx") else DOCX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(filename)}"},
    )


# Literal routes per document (the tamper table lists each one).
@router.get("/evaluations/{evaluation_id}/targets")
def targets_page(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    return _show(request, actor, db, evaluation_id, "targets")


Workbook = Annotated[UploadFile | None, uploaded("workbook")]  # a filled 申报表 or 监控表
Reviewed = Annotated[UploadFile | None, uploaded("review_file")]  # the department's submitted report or table


# Every route that writes is a plain `def` (deps.uploaded says why).
@router.post("/evaluations/{evaluation_id}/targets")
def targets_save(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id, workbook: Workbook):
    if form.get("action") == "upload":  # the filled 绩效目标申报表 workbook
        return _upload(request, actor, db, form, evaluation_id, "targets", workbook)
    return _save(request, actor, db, form, evaluation_id, "targets")


@router.get("/evaluations/{evaluation_id}/targets/申报表.xlsx")
def targets_xlsx(actor: SignedIn, db: Db, evaluation_id: Id, template: bool = False):
    if template:
        return _template(actor, db, evaluation_id, "targets")
    return _download(actor, db, evaluation_id, "targets", "xlsx")


@router.get("/evaluations/{evaluation_id}/targets/申报表.docx")
def targets_docx(actor: SignedIn, db: Db, evaluation_id: Id):
    return _download(actor, db, evaluation_id, "targets", "docx")


@router.get("/evaluations/{evaluation_id}/monitoring")
def monitoring_page(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    return _show(request, actor, db, evaluation_id, "monitoring")


@router.post("/evaluations/{evaluation_id}/monitoring")
def monitoring_save(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id, workbook: Workbook):
    if form.get("action") == "upload":  # the filled 运行监控 workbook
        return _upload(request, actor, db, form, evaluation_id, "monitoring", workbook)
    return _save(request, actor, db, form, evaluation_id, "monitoring")


def _upload(request: Request, actor, db, form: dict[str, str], evaluation_id: int, kind: str, file):
    """A filled workbook (jixiao cycle-template, or the 申报表 downloaded here) read with its cells, then saved as
    the document's text through the same write path as the editor; errors name the sheet and cell."""
    from pathlib import Path

    import yaml

    from jixiao.cycle.workbook import read_monitoring_workbook, read_targets_workbook
    from jixiao.model.problems import JixiaoError

    from ..uploads import MAX_UPLOAD, check_upload, safe_name

    evaluation = actor.scope.evaluation(db, evaluation_id)
    reason = kind_refusal(actor.user, evaluation.department, kind)
    if reason:  # refused before the file is read
        raise Denied(reason)
    if file is None:
        raise BadInput("请选择要上传的工作簿（.xlsx）。")
    name = safe_name(file.filename or "", f"{KINDS[kind][0]}.xlsx")
    content = file.file.read(MAX_UPLOAD + 1)
    problems = check_upload(content, name, (".xlsx", ".xlsm"))
    text = ""
    warned: list = []  # what the workbook's reader only warns of (a renamed column whose figures were not read)
    if not problems:
        read = read_targets_workbook if kind == "targets" else read_monitoring_workbook
        try:  # the uploaded bytes themselves: no file written
            reader = read(Path(name), content)
            # every cell's problem at once, as the command line reports them
            warned = list(_loader_of(kind)(Path(name), content).warnings)
            text = f"# 由工作簿“{name}”导入\n" + yaml.safe_dump(
                reader.tree, allow_unicode=True, sort_keys=False, width=1000
            )
        except JixiaoError as exc:
            problems = list(exc.problems)  # their places name the uploaded workbook, its sheet and cell
    if problems:
        doc, stored, _parsed = stored_document(db, evaluation, kind)
        context = page_context(actor, evaluation, kind, doc, stored, Parsed(None, problems))
        context["message"] = f"工作簿“{name}”有误，未导入。请按下列提示（工作表!单元格）修改后重新上传。"
        return page(request, "cycle.html", context, status=422)
    saved = _save(request, actor, db, {**form, "text": text}, evaluation_id, kind)
    if not warned or saved.status_code != 303:
        return saved
    # saved: the page itself rather than the redirect, with what the workbook's reader warned of at its cells (the
    # saved text, converted from the workbook, no longer holds the column it could not read)
    doc, stored, parsed = stored_document(db, evaluation, kind)
    context = page_context(actor, evaluation, kind, doc, stored, Parsed(parsed.value, [*warned, *parsed.problems]))
    context["prefilled"] = True  # the message as a success
    version = doc.version if doc else 0
    context["message"] = f"已由工作簿“{name}”导入并保存（第{version}版）。工作簿中有以下提示，请核对（工作表!单元格）。"
    return page(request, "cycle.html", context)


def _loader_of(kind: str):
    from jixiao.cycle.monitoring import load_monitoring
    from jixiao.cycle.targets import load_targets

    return load_targets if kind == "targets" else load_monitoring


@router.get("/evaluations/{evaluation_id}/monitoring/监控表.xlsx")
def monitoring_xlsx(actor: SignedIn, db: Db, evaluation_id: Id, template: bool = False):
    if template:
        return _template(actor, db, evaluation_id, "monitoring")
    return _download(actor, db, evaluation_id, "monitoring", "xlsx")


@router.get("/evaluations/{evaluation_id}/recheck")
def recheck_page(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    return _show(request, actor, db, evaluation_id, "recheck")


@router.post("/evaluations/{evaluation_id}/recheck")
def recheck_save(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id, reviewed: Reviewed):
    """Save the 复核, or (action=prefill, with the department's submitted report or table) start it from the review:
    the indicators whose stated score the document's figures contradict, with the review's score and reason."""
    if form.get("action") == "prefill":
        return _prefill(request, actor, db, evaluation_id, reviewed)
    return _save(request, actor, db, form, evaluation_id, "recheck")


def _prefill(request: Request, actor, db, evaluation_id: int, file):
    import tempfile
    from pathlib import Path

    from jixiao.cycle.recheck import proposals_from_review
    from jixiao.model.problems import JixiaoError
    from jixiao.review import review_file

    from ..uploads import MAX_UPLOAD, REVIEW_SUFFIXES, check_upload, safe_name

    evaluation = actor.scope.evaluation(db, evaluation_id)
    reason = kind_refusal(actor.user, evaluation.department, "recheck")
    if reason:  # refused before the file is read
        raise Denied(reason)
    if file is None:
        raise BadInput("请选择部门报送的自评报告或自评表（Word、PDF、OFD、Excel 或文本文件）。")
    name = safe_name(file.filename or "", "自评报告.docx")
    content = file.file.read(MAX_UPLOAD + 1)
    doc, text, _parsed = stored_document(db, evaluation, "recheck")
    problems = check_upload(content, name, REVIEW_SUFFIXES)
    loaded = load(evaluation)
    if not problems and loaded.scored is None:
        raise BadInput("该自评的数据尚有错误或不完整，无法与复核得分对照。请先完成自评填报。")
    if not problems:
        with tempfile.TemporaryDirectory(prefix="jixiao-recheck-") as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            try:
                reviewed = review_file(path, evaluation.rulebook_id)
            except JixiaoError as exc:
                problems = list(exc.problems)
    if problems or loaded.scored is None:  # unscored without problems was refused above
        context = page_context(actor, evaluation, "recheck", doc, text, Parsed(None, problems))
        context["message"] = f"无法审核“{name}”，未预填。请按下列提示处理。"
        return page(request, "cycle.html", context, status=422)
    proposals = proposals_from_review(reviewed.findings, loaded.scored)
    text, added = _with_proposals(text if doc is not None else "", proposals, actor.user, today())
    context = page_context(actor, evaluation, "recheck", doc, text, Parsed(None, []))
    context["prefilled"] = True
    context["message"] = (
        f"已按“{name}”的审核结果预填{added}项复核建议（尚未保存）：请逐项核对，接受或修改后保存。"
        if added
        else f"“{name}”的审核未发现尚未复核、且得分与所列数据相矛盾的指标，没有可预填的复核建议。"
    )
    return page(request, "cycle.html", context)


def _with_proposals(stored: str, proposals, user: User, day) -> tuple[str, int]:
    """The stored 复核 (if any) with the proposals it does not hold yet added; else a new one from them."""
    import yaml

    from jixiao.cycle.recheck import proposed_recheck_text

    fresh = proposed_recheck_text(proposals, user.display_name or "", day)
    try:
        tree = yaml.safe_load(stored) if stored.strip() else None
    except yaml.YAMLError:
        tree = None
    if not isinstance(tree, dict) or not isinstance(tree.get("items"), list):
        return fresh, len(proposals)
    held = {str(item.get("indicator", "")) for item in tree["items"] if isinstance(item, dict)}
    added = [item for item in yaml.safe_load(fresh)["items"] if item["indicator"] not in held]
    tree["items"] = [*tree["items"], *added]
    head = "".join(line + "\n" for line in fresh.splitlines() if line.startswith("#"))
    return head + yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=1000), len(added)


@router.get("/evaluations/{evaluation_id}/recheck/复核差异表.xlsx")
def recheck_xlsx(actor: SignedIn, db: Db, evaluation_id: Id):
    return _download(actor, db, evaluation_id, "recheck", "xlsx")


@router.get("/evaluations/{evaluation_id}/recheck/复核意见.docx")
def recheck_docx(actor: SignedIn, db: Db, evaluation_id: Id):
    return _download(actor, db, evaluation_id, "recheck", "docx")


@router.get("/evaluations/{evaluation_id}/rectification")
def rectification_page(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    return _show(request, actor, db, evaluation_id, "rectification")


@router.post("/evaluations/{evaluation_id}/rectification")
def rectification_save(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    return _save(request, actor, db, form, evaluation_id, "rectification")


@router.get("/evaluations/{evaluation_id}/rectification/整改台账.xlsx")
def rectification_xlsx(actor: SignedIn, db: Db, evaluation_id: Id):
    return _download(actor, db, evaluation_id, "rectification", "xlsx")


def _results(db, evaluations) -> list[tuple[Evaluation, Any, str]]:
    """结果应用: each approved evaluation's grade → budget action, by the ruleset the department's targets name
    (national when it has none), with that rule's source."""
    from ...cycle.rectify import budget_action
    from ...cycle.ruleset import CONFIDENCES, load_ruleset

    default = load_ruleset("national")
    results = []
    for evaluation in sorted(evaluations, key=lambda e: e.department.name):
        if evaluation.status != "approved":
            continue
        targets = document(db, evaluation.department, evaluation.year, "targets")
        parsed = parse("targets", targets.text, evaluation.department, evaluation.year) if targets else None
        ruleset = parsed.value.ruleset if parsed and parsed.value is not None else default
        action = budget_action(evaluation.grade, ruleset) if evaluation.grade else None
        confidence = CONFIDENCES.get(ruleset.results_confidence, "")
        source = f"{ruleset.title}，{ruleset.cite(ruleset.results_source)}（{confidence}）"
        results.append((evaluation, action, source))
    return results


def _year(actor, db, year: int | None) -> int:
    if year is not None:
        return year
    latest = db.scalar(actor.scope.evaluations().with_only_columns(func.max(Evaluation.year)))
    return latest or today().year - 1


@router.get("/bureau/cycle/结果应用.xlsx")
def results_download(actor: SignedIn, db: Db, year: Year = None):
    """The 结果应用 summary of the region's approved evaluations of the year, for the next budget."""
    from ...cycle.outputs import results_xlsx

    year = _year(actor, db, year)
    rows = []
    for evaluation, action, source in _results(
        db, db.scalars(actor.scope.evaluations().where(Evaluation.year == year))
    ):
        rows.append(
            [
                evaluation.department.name,
                evaluation.total or "不完整",
                evaluation.grade or "",
                action.action if action else ("得分不完整，暂不确定" if not evaluation.grade else "规则未定"),
                fmt_percent(action.cut, 0) if action and action.cut is not None else "",
                action.note if action else "",
                source,
            ]
        )
    filename = f"{year}年度绩效评价结果应用汇总.xlsx"
    audit(db, actor.user, "download", f"results:{year}", filename, via="download")
    return Response(
        results_xlsx(year, rows),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(filename)}"},
    )


BUREAU_STEPS = {"monitor": "运行监控汇总", "rectify": "整改台账汇总", "targets": "绩效目标审核汇总"}
# a filter, a sort or a step: compared with the values the page offers (anything else is no filter, or for the step
# a Chinese refusal), so never refused by FastAPI's own message, which named the parameter in English
Choice = Annotated[str, Query()]


def _bureau_year(actor, db, year: int | None) -> tuple[int, list[int]]:
    docs = actor.scope.departments().join(CycleDocument).with_only_columns(CycleDocument.year).distinct()
    seen = db.scalars(actor.scope.evaluations().with_only_columns(Evaluation.year).distinct())
    years = sorted(set(db.scalars(docs)) | set(seen), reverse=True)
    return (year if year is not None else (years[0] if years else today().year - 1)), years


def _evaluations(actor, db, year: int) -> dict[int, Evaluation]:
    """The year's evaluation of each department in scope, by department id: the rows' links to its cycle pages."""
    query = actor.scope.evaluations().where(Evaluation.year == year).options(contains_eager(Evaluation.department))
    return {e.department_id: e for e in db.scalars(query)}  # each with its department (joined by the scope)


@router.get("/bureau/cycle/汇总.xlsx")
def bureau_workbook(actor: SignedIn, db: Db, step: Choice = "monitor", year: Year = None):
    """The workbook `jixiao monitor|rectify|targets BUREAU_DIR --out` writes (cycle.bureau_out.bureau_xlsx), over the
    documents of the departments in the user's scope (a 填报人: their own department)."""
    from ...cycle.bureau_out import bureau_xlsx
    from ..cycle_views import bureau_run

    if step not in BUREAU_STEPS:
        raise BadInput(f"参数“step”应为 {'、'.join(BUREAU_STEPS)} 之一（运行监控、整改、绩效目标），实际为“{step}”。")
    year, _years = _bureau_year(actor, db, year)
    day = today()
    run = bureau_run(db, actor.scope, step, year, day, _evaluations(actor, db, year))
    filename = f"{year}年度{BUREAU_STEPS[step]}.xlsx"
    audit(db, actor.user, "download", f"cycle:bureau:{step}:{year}", filename, via="download")
    return Response(
        bureau_xlsx(run, day),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(filename)}"},
    )


@router.get("/bureau/cycle")
def bureau_cycle(
    request: Request,
    actor: SignedIn,
    db: Db,
    year: Year = None,
    answer: Choice = "",
    sort_w: Choice = "",
    item: Choice = "",
    sort_r: Choice = "",
    severity: Choice = "",
):
    """Across the departments in scope (a 填报人: their own), the figures of the bureau's workbooks: monitoring
    warnings with their deadlines in working days and answers, the 整改 items by state, the targets' findings, the
    departments not read; and 结果应用 of approved evaluations. Filters and sorts by query parameters."""
    from ..cycle_views import bureau_view, iso_cn

    year, years = _bureau_year(actor, db, year)
    day = today()
    evaluations = _evaluations(actor, db, year)
    params = {"answer": answer, "sort_w": sort_w, "item": item, "sort_r": sort_r, "severity": severity}
    view = bureau_view(db, actor.scope, year, day, evaluations, params)
    m, r, t = view["monitor"], view["rectify"], view["targets"]  # the choices as the page took them, kept in its forms
    params = {
        "answer": m["filter"],
        "sort_w": m["sort"],
        "item": r["filter"],
        "sort_r": r["sort"],
        "severity": t["filter"],
    }
    return page(
        request,
        "cycle_bureau.html",
        {
            "year": year,
            "years": years or [year],
            "view": view,
            "params": params,
            "results": _results(db, evaluations.values()),
            "day": day,
            "own": actor.role == "filler",
            "blind": NO_REGION if actor.scope.blind else "",
            "fmt_percent": fmt_percent,
            "iso_cn": iso_cn,
        },
    )


__all__ = ["router"]
