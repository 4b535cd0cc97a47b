"""Departments' evaluations: the list, creating one, the evaluation page, every way of changing it (form, tables,
text editor, workbook upload, narrative, rulebook — all through `service.write`), the indicator trace, downloads
and versions."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import bindparam, func, select
from starlette.datastructures import UploadFile

from jixiao.files.excel_layout import FORM_FIELDS
from jixiao.model.problems import Location, Problem
from jixiao.scoring.explain import node_to_dict

from ..amounts import typed_in_workbook
from ..data_words import to_chinese, to_english_read
from ..db import Comment, CycleDocument, Evaluation, User, Version
from ..deps import BadInput, Db, Form, Id, SignedIn, int_field, page, uploaded
from ..forms import form_to_yaml, form_values, lists_from_form, lists_to_yaml, narrative_names
from ..rulebook_choice import default_rulebook, rulebook_choices
from ..scope import NO_REGION, NotFound, OutOfScope
from ..service import Denied, audit, create_evaluation, load, refusal, source_name
from ..timefmt import local_time
from ..uploads import MAX_UPLOAD, safe_name, workbook_to_yaml
from ..views import cached_page, context_of, download, evaluation_page, guarded_write, quote_filename

router = APIRouter()
MAX_TEXT = 1024 * 1024  # characters of the YAML editor and of one narrative section


@router.get("/")
def home(actor: SignedIn):
    return RedirectResponse("/evaluations" if actor.role == "filler" else "/bureau", status_code=303)


@router.get("/evaluations")
def evaluations(request: Request, actor: SignedIn, db: Db):
    rows = list(db.scalars(actor.scope.evaluations().order_by(Evaluation.year.desc())))
    departments = list(db.scalars(actor.scope.departments())) if actor.role == "admin" else []
    own = actor.user.department
    suggested = default_rulebook(own.region, local_year() - 1) if own else (None, "")
    return page(
        request,
        "evaluations.html",
        {
            "evaluations": rows,
            "rulebooks": rulebook_choices(),
            "departments": departments,
            "suggested": suggested,
            "blind": NO_REGION if actor.scope.blind else "",
            "local_time": local_time,
            "default_year": local_year() - 1,  # the year just ended is the one evaluated
        },
    )


def local_year() -> int:
    from datetime import datetime

    from ..timefmt import SHANGHAI

    return datetime.now(SHANGHAI).year


@router.post("/evaluations/new")
def new_evaluation(actor: SignedIn, db: Db, form: Form):
    if actor.role not in ("filler", "admin"):
        raise OutOfScope("只有填报人或管理员可以新建自评。")
    year = int_field(form, "year", "评价年度", 2000, 2100)
    if actor.role == "filler":
        if actor.user.department is None:
            raise OutOfScope("您的账户没有所属部门，请联系管理员。")
        department = actor.user.department
    else:
        department = actor.scope.department(db, int_field(form, "department_id", "部门", 1))
    rulebook = form.get("rulebook", "").strip() or default_rulebook(department.region, year)[0]
    if not rulebook:
        raise BadInput("没有适用于该部门地区的指标体系，请在“指标体系”中选择一个。")
    evaluation, created = create_evaluation(db, actor.user, department, year, rulebook)
    return RedirectResponse(f"/evaluations/{evaluation.id}?done={'create' if created else 'exists'}", status_code=303)


@router.get("/evaluations/{evaluation_id}")
def show_evaluation(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    if request.query_params:  # "?saved=…" shows a one-off message: render it fresh
        return evaluation_page(request, actor, evaluation)
    # what else the page shows, in one statement: its comments, and the version of the approved targets (年度指标值)
    key = (evaluation.id, evaluation.version, evaluation.status, evaluation.rulebook_id, *_page_parts(db, evaluation))
    return cached_page(request, key, "evaluation.html", lambda: context_of(evaluation_page(request, actor, evaluation)))


def _page_parts_statement():
    on = Comment.evaluation_id == bindparam("evaluation")
    targets = select(CycleDocument.version).where(
        CycleDocument.department_id == bindparam("department"),
        CycleDocument.year == bindparam("year"),
        CycleDocument.kind == "targets",
    )
    return select(
        select(func.count(Comment.id)).where(on).scalar_subquery(),
        select(func.max(Comment.id)).where(on).scalar_subquery(),
        func.coalesce(targets.scalar_subquery(), 0),
    )


_PAGE_PARTS = _page_parts_statement()


def _page_parts(db, evaluation: Evaluation) -> tuple[int, int | None, int]:
    """The evaluation's comments (count, newest id) and its targets document's version (0 when none): read with the
    evaluation by the scope's statement, or (an evaluation loaded another way) here."""
    if evaluation.comment_count is not None and evaluation.targets_version is not None:
        return evaluation.comment_count, evaluation.last_comment_id, evaluation.targets_version
    values = {"evaluation": evaluation.id, "department": evaluation.department_id, "year": evaluation.year}
    row = db.execute(_PAGE_PARTS, values).one()
    return int(row[0]), row[1], int(row[2])


@router.post("/evaluations/{evaluation_id}/form")
def save_form(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    """The 基本信息 fields, or (from the page's 定性事实 form, `part=facts`) the answers to the qualitative facts."""
    evaluation = actor.scope.evaluation(db, evaluation_id)
    values = {k[2:]: v for k, v in form.items() if k.startswith("f:")}
    version = int_field(form, "version", "版本号")
    if version == evaluation.version:  # shown again after an error: what was not posted, as stored
        values = {**form_values(load(evaluation).data), **values}
    data_yaml = form_to_yaml(evaluation, form) if version == evaluation.version else None
    part = "facts" if form.get("part") == "facts" else ""
    return guarded_write(
        request, db, actor, evaluation, version, "form", data_yaml=data_yaml, form=values, saved_part=part
    )


@router.post("/evaluations/{evaluation_id}/lists")
def save_lists(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    lists = lists_from_form(form)
    version = int_field(form, "version", "版本号")
    data_yaml = lists_to_yaml(evaluation, lists) if version == evaluation.version else None
    return guarded_write(request, db, actor, evaluation, version, "lists", data_yaml=data_yaml, lists=lists)


@router.post("/evaluations/{evaluation_id}/yaml")
def save_yaml(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    text = form.get("data_yaml")
    if text is None or len(text) > MAX_TEXT:
        raise BadInput(f"字段“全部数据”缺失或超过 {MAX_TEXT // 1024} K 字符。请刷新页面后重试，或分段保存。")
    version = int_field(form, "version", "版本号")
    # the editor's Chinese keys (and the facts' questions) back to the stored English ones, line for line; the
    # data read in the same pass
    stored, parsed = to_english_read(text, evaluation.rulebook_id, source_name(evaluation))
    return guarded_write(
        request, db, actor, evaluation, version, "yaml", data_yaml=stored, editor_text=text, parsed=parsed
    )


# A plain `def`, in the thread pool like every route that writes: on the event loop, a save waiting for SQLite's
# write lock stopped every request of the process, the lock's holder included when its commit was still to be
# sent from that loop (sqlite_writers._on_event_loop); and the workbook's parse and scoring took the loop too.
@router.post("/evaluations/{evaluation_id}/upload")
def upload(
    request: Request,
    actor: SignedIn,
    db: Db,
    form: Form,
    evaluation_id: Id,
    file: Annotated[UploadFile | None, uploaded("file")],
):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    reason = refusal(actor.user, evaluation, "upload")
    if reason:  # refused before the file is parsed
        raise Denied(reason)
    version = int_field(form, "version", "版本号")
    if file is None:
        raise BadInput("请先选择要上传的填报工作簿（.xlsx），再按“上传并导入”。")
    name = safe_name(file.filename or "", "工作簿.xlsx")
    content = file.file.read(MAX_UPLOAD + 1)  # the parsed form's spooled file
    data_yaml, problems = workbook_to_yaml(content, name)
    if data_yaml is None:
        stored = load(evaluation)  # shared (cached): build a new result rather than change it
        loaded = type(stored)(stored.data, [*problems, *stored.problems], stored.scored, stored.prepared)
        return evaluation_page(
            request, actor, evaluation, loaded=loaded, status=422, message=f"上传的工作簿“{name}”有误，未导入。"
        )
    typed = typed_in_workbook(problems)  # what was read of "1.2万" or "12,000元", said beside the field
    return guarded_write(
        request, db, actor, evaluation, version, "upload", source=name, data_yaml=data_yaml, typed=typed
    )


def _refused(request: Request, actor, evaluation: Evaluation, problems: list[Problem], **shown):
    """The page with `problems` beside their fields and at the top; nothing saved."""
    stored = load(evaluation)  # shared (cached): build a new result rather than change it
    loaded = type(stored)(stored.data, [*problems, *stored.problems], stored.scored, stored.prepared)
    message = f"未保存：{problems[0].message}"
    return evaluation_page(request, actor, evaluation, loaded=loaded, status=422, message=message, **shown)


@router.post("/evaluations/{evaluation_id}/narrative")
def save_narrative(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    labels = dict(narrative_names(load(evaluation)))
    narrative = {k[2:]: v for k, v in form.items() if k.startswith("n:") and k[2:] in labels and v.strip()}
    version = int_field(form, "version", "版本号")
    too_long = [
        Problem(
            "web.text_too_long",
            f"“{labels[name]}”有 {len(text):,} 个字符，超过每节 {MAX_TEXT:,} 个字符的上限。请删减或分节后再保存"
            "（所填文字仍在下方，未保存）。",
            Location(field=f"narrative.{name}"),
        )
        for name, text in narrative.items()
        if len(text) > MAX_TEXT
    ]
    if too_long:  # refused whole, what was typed shown again: never cut short without a word
        return _refused(request, actor, evaluation, too_long, narrative=narrative)
    return guarded_write(request, db, actor, evaluation, version, "narrative", narrative=narrative)


@router.post("/evaluations/{evaluation_id}/rulebook")
def change_rulebook(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    """The filler while the evaluation is a draft (or returned): through the one write path, re-scored."""
    evaluation = actor.scope.evaluation(db, evaluation_id)
    version = int_field(form, "version", "版本号")
    rulebook = form.get("rulebook", "")
    return guarded_write(request, db, actor, evaluation, version, "rulebook", source=rulebook, rulebook_id=rulebook)


@router.get("/evaluations/{evaluation_id}/indicator/{key:path}")
def indicator(request: Request, actor: SignedIn, db: Db, evaluation_id: Id, key: str):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    loaded = load(evaluation)
    node = loaded.scored.find(key[:200]) if loaded.scored else None
    if node is None:
        raise NotFound("找不到该指标。")
    d = node_to_dict(node)
    if d.get("trace") and loaded.prepared is not None:  # a qualitative fact by its question, not its key
        facts = loaded.prepared.rulebook.facts
        for read in d["trace"]["inputs"]:
            parts = str(read.get("path", "")).split(".")
            if parts[0] == "facts" and len(parts) > 2 and parts[1] in facts:
                read["label"] = f"定性事实“{facts[parts[1]].question}”·{read['label'].rpartition('·')[2]}"
    return page(request, "indicator.html", {"e": evaluation, "n": node, "d": d})


@router.get("/evaluations/{evaluation_id}/download/{kind}")
def download_file(actor: SignedIn, db: Db, evaluation_id: Id, kind: Literal["docx", "pdf", "xlsx", "html", "template"]):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    content, filename, media = download(evaluation, kind)
    audit(db, actor.user, "download", f"evaluation:{evaluation.id}", filename, via="download")
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(filename)}"},
    )


@router.get("/evaluations/{evaluation_id}/versions")
def versions(request: Request, actor: SignedIn, db: Db, evaluation_id: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    rows = list(
        db.scalars(select(Version).where(Version.evaluation_id == evaluation.id).order_by(Version.version.desc()))
    )
    ids = {v.created_by for v in rows if v.created_by}
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return page(request, "versions.html", {"e": evaluation, "versions": rows, "users": users, "local_time": local_time})


def _shown(value: str, kind: str, unit: str) -> str:
    """A figure as the official tables print it: an amount in 万元 as 2,377.56 (given extra decimals kept), a count
    or quantity grouped (128,613 宗, not 128613), a rate as a percent with two decimals (0.9878 → 98.78%,
    1 → 100.00%); else as stored."""
    from ...model.numbers import NumberError, fmt_amount, fmt_percent, given_places, parse_decimal, parse_rate

    try:
        if unit == "万元":
            return fmt_amount(parse_decimal(value))
        if kind in ("count", "quantity"):
            number = parse_decimal(value)
            return f"{number:,.{given_places(number)}f}" if given_places(number) > 0 else f"{number:,f}"
        if kind == "rate":  # two decimals as the tables print a rate: 100.00%, 52.00% (stored 1, 52%)
            rate = parse_rate(value)
            return fmt_percent(rate, max(2, given_places(rate) - 2))
    except NumberError:
        return value
    return value


@router.get("/evaluations/{evaluation_id}/versions/{number}")
def version(request: Request, actor: SignedIn, db: Db, evaluation_id: Id, number: Id):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    row = db.scalar(select(Version).where(Version.evaluation_id == evaluation.id, Version.version == number))
    if row is None:
        raise NotFound("找不到该版本。")
    loaded = load(evaluation, row.data_yaml)
    narrative = json.loads(row.narrative_json or "{}")
    sections = dict(narrative_names(loaded))
    values = form_values(loaded.data)
    return page(
        request,
        "version.html",
        {
            "e": evaluation,
            "v": row,
            "data_text": to_chinese(row.data_yaml, evaluation.rulebook_id),  # as the text editor shows it
            "scored": loaded.scored,
            "narrative": [(sections.get(name, "其他"), text) for name, text in narrative.items()],
            "fields": [
                (f.group, f.label, _shown(values[f.path], f.spec.kind, f.spec.unit), f.spec.unit)
                for f in FORM_FIELDS
                if f.path in values and f.path != "rulebook"
            ],
        },
    )
