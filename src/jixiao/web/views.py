"""Building the pages that several routers show: the evaluation page (also after a conflict or an error), the
per-user page cache, downloads, and the small inline SVG charts."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session as DbSession

from jixiao.files.excel_layout import FORM_FIELDS
from jixiao.files.yamlsrc import Parsed
from jixiao.model.numbers import fmt_score
from jixiao.model.problems import JixiaoError, Location, Problem, Severity
from jixiao.scoring.explain import weight_text

from .amounts import amount_warnings, read_notes, read_params, typed_amounts
from .conflicts import merge_conflict, text_changes
from .data_words import in_chinese, legend, manual_names, problem_in_chinese, to_chinese
from .db import Evaluation, User
from .deps import Actor, BadInput, page
from .forms import EDITABLE_LISTS, fact_rows, form_values, list_rows, narrative_names, problem_place
from .rulebook_choice import default_rulebook, rulebook_choices
from .service import Conflict, Denied, can_edit, load, refusal, write
from .timefmt import local_time

__all__ = ["bar_chart", "cached_page", "download", "evaluation_page", "guarded_write", "quote_filename"]

_CSRF_SLOT = "\x00csrf\x00"


def cached_page(request: Request, key: tuple[Any, ...], name: str, build) -> HTMLResponse:
    """A page that only changes with its data (`key`) and the user: rendered once with a placeholder for the CSRF
    token and kept as UTF-8 bytes split at it, so a response joins the parts around the session's token (encoding
    ~100 KB of Chinese on each request cost more than the rest of a cached page). `build()` gives the context when
    it must be rendered."""
    session = request.state.session
    rendered: dict[tuple[Any, ...], list[bytes]] = request.app.state.rendered
    key = (name, session.user.id, session.user.display_name, *key)
    parts = rendered.get(key)
    if parts is None:
        context = {"request": request, "user": session.user, "csrf": _CSRF_SLOT, **build()}
        html = request.app.state.templates.get_template(name).render(context)
        parts = [part.encode("utf-8") for part in html.split(_CSRF_SLOT)]
        if len(rendered) > 512:
            rendered.clear()
        rendered[key] = parts
    return HTMLResponse(session.csrf.encode("utf-8").join(parts))


def context_of(response: HTMLResponse) -> dict[str, Any]:
    """The context a TemplateResponse was built with (to render the same page into the cache)."""
    context = getattr(response, "context", None)  # starlette's TemplateResponse keeps it; a plain response has none
    if not isinstance(context, dict):
        raise TypeError(f"{type(response).__name__} is no TemplateResponse: it keeps no context to cache")
    return {k: v for k, v in context.items() if k not in ("request", "user", "csrf")}


def with_spare(lists: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """Posted rows shown again (after a conflict or an error), every list present, with empty rows to add."""
    return {sheet.list_path: [*lists.get(sheet.list_path, []), {}, {}, {}] for sheet in EDITABLE_LISTS}


def report_parts(loaded, narrative: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The report's figures, tables and attachments as it will print them (the same document the download
    renders), as (title, HTML): {"body": [图1, 表1, 图2 …], "attachments": [附件1, 附件2 …]}."""
    if loaded.prepared is None or loaded.scored is None:
        return {"body": [], "attachments": []}
    import base64

    from ..report.charts import chart_svg
    from ..report.content import build_document
    from ..report.document import Chart, Table
    from ..report.html_out import table_html

    def table(block: Table) -> str:
        # the report's note row carries an inline style, which the page's Content-Security-Policy forbids
        return table_html(block).replace(' class="left" style="border:none"', ' class="left table-note"')

    document = build_document(loaded.prepared, loaded.scored, narrative_texts=_sections(narrative))
    body = []
    for block in document.blocks:
        if isinstance(block, Table):
            body.append((block.title, table(block)))
        elif isinstance(block, Chart):
            data = base64.b64encode(chart_svg(block).encode("utf-8")).decode("ascii")
            body.append(
                (
                    block.caption,
                    f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(block.alt or block.caption)}">'
                    f"<figcaption>{escape(block.caption)}</figcaption></figure>",
                )
            )
    return {"body": body, "attachments": [(t.title, table(t)) for t in document.attachments]}


def evaluation_page(
    request: Request,
    actor: Actor,
    evaluation: Evaluation,
    *,
    loaded=None,
    message: str = "",
    conflict: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    yaml_text: str | None = None,
    lists: dict[str, list[dict[str, str]]] | None = None,
    status: int = 200,
    typed_in_form: bool = False,
    typed_comment: tuple[int | None, str] = (None, ""),
    narrative: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    refused=None,
) -> HTMLResponse:
    """`typed_in_form`: the problems are of what the form or the tables posted, each placed at its field (not at a
    line of the text that the form's values were written into, which the user never saw). `typed_comment`: a
    批注 (or the answer to the 批注 of that id) not saved, shown again in its box. `narrative`: the report's
    sections as typed, not saved, shown again in their boxes. `typed`: the 万元 inputs typed another way ("1.2万",
    "12,000元"), {input name: as typed}, each said beside its input as read (after a save, from the address's `r:`
    parameters). `refused`: the data a save was refused for (service.load of it): its problems listed and placed;
    the scores, the submission check and what the form and tables show unless given are the stored data's."""
    loaded = loaded or load(evaluation)
    checked = refused or loaded
    scored = loaded.scored
    rows = []
    if scored is not None:
        for node in scored.walk():
            rows.append(
                {
                    "node": node,
                    "weight": weight_text(node),
                    "score": fmt_score(node.score) if node.score is not None else node.status,
                }
            )
    from .comments import anchors, threads
    from .comments import refusal as comment_refusal
    from .cycle_service import approved_targets

    chart = ""
    if scored is not None:  # 得分率 of each 一级 indicator, as the report's chart shows it
        rates = [
            (node.name, str((node.score / node.weight * 100).quantize(Decimal("0.01"))))
            for node in scored.roots
            if node.score is not None and node.weight
        ]
        chart = bar_chart(rates, maximum=100, unit="%")
    narrative = narrative if narrative is not None else json.loads(evaluation.narrative_json or "{}")
    manual = manual_names(evaluation.rulebook_id)  # 人工评分's keys, the indicators, by name
    suggested, why = default_rulebook(evaluation.department.region, evaluation.year)
    editable = can_edit(actor.user, evaluation)
    sections = narrative_names(loaded)
    db = request.state.db
    comment_threads = threads(db, actor.user, evaluation)
    by_anchor: dict[str, list] = {}
    for thread in comment_threads:
        by_anchor.setdefault(thread.comment.anchor, []).append(thread)
    shown_form = form if form is not None else form_values(loaded.data)
    shown_lists = with_spare(lists) if lists is not None else list_rows(loaded.data)
    if typed is None:
        typed = {k[2:]: v for k, v in request.query_params.items() if k.startswith("r:")}
    notes = read_notes(typed, _inputs(shown_form, shown_lists)) if typed else {}
    warnings = amount_warnings(form if form is not None else form_values(loaded.data, as_stored=True))
    findings = []
    if actor.user.role == "filler" and evaluation.status in ("draft", "returned") and conflict is None:
        from .readiness import submission_check

        findings = submission_check(evaluation, loaded)
    return page(
        request,
        "evaluation.html",
        {
            "check_errors": [f for f in findings if f.severity is Severity.ERROR],
            "check_warnings": [f for f in findings if f.severity is not Severity.ERROR],
            "e": evaluation,
            "scored": scored,
            "rows": rows,
            "problems": [
                (p, _place(p, manual, typed_in_form), problem_in_chinese(p, evaluation.rulebook_id))
                for p in checked.problems
            ]
            + [  # also for the bureau's reviewer, who sees no form: 10 万亿元 in a 万元 field stands out
                (Problem("web.implausible_amount", warning, Location(field=path), Severity.WARNING), "", warning)
                for path, warning in warnings.items()
            ],
            "message": message,
            "typed_comment": typed_comment,
            "can_edit": editable,
            "can_change_rulebook": refusal(actor.user, evaluation, "rulebook") is None,
            "conflict": conflict,
            "form": shown_form,
            "read_notes": notes,
            "cell_notes": [f"{_cell_label(name)}：{note}" for name, note in notes.items() if name.startswith("l:")],
            # amounts hardly a department's (10 万亿元 in a 万元 field): beside the field on every showing
            "amount_warnings": warnings,
            "fields": [f for f in FORM_FIELDS if f.path != "rulebook"],  # chosen above, with the reason
            "facts": fact_rows(loaded, evaluation),
            "field_errors": {
                p.location.field: in_chinese(p.message, p.location.field)
                for p in checked.problems
                if p.location and p.location.field
            },
            # the text editor shows the keys in Chinese (data_words.py), line for line as stored
            "yaml_text": to_chinese(
                yaml_text if yaml_text is not None else evaluation.data_yaml, evaluation.rulebook_id
            ),
            "data_legend": legend(),
            "narrative": narrative,
            "narrative_names": sections,
            "threads": comment_threads,
            "chart": chart,
            "by_anchor": by_anchor,
            "anchors": anchors(loaded, sections),
            "can_comment": comment_refusal(actor.user, evaluation, None) is None,
            "can_answer": actor.user.role != "filler" or evaluation.status == "returned",
            "lists": shown_lists,
            "list_sheets": EDITABLE_LISTS,
            "approved_targets": approved_targets(
                db, evaluation.department, evaluation.year, evaluation.targets_version
            ),
            "rulebooks": rulebook_choices(),
            "suggested_rulebook": suggested,
            "rulebook_why": why,
            "updated": local_time(evaluation.updated_at),
            "report": report_parts(loaded, narrative) if not editable and conflict is None else None,
        },
        status=status,
    )


def _cell_label(name: str) -> str:
    """A table cell's input (`l:units:0:project_funds`) as the page names it: 单位与人员第1行“二级项目资金”."""
    _, list_path, row, column = name.split(":", 3)
    for sheet in EDITABLE_LISTS:
        if sheet.list_path == list_path:
            header = next((c.header for c in sheet.columns if c.path == column), column)
            return f"{sheet.name}第{int(row) + 1}行“{header}”"
    return name


def _inputs(form: dict[str, str], lists: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """The page's inputs by name, as shown: the form's fields (`f:<path>`) and the tables' cells."""
    cells = {
        f"l:{name}:{i}:{column}": value
        for name, rows in lists.items()
        for i, row in enumerate(rows)
        for column, value in row.items()
    }
    return {f"f:{path}": value for path, value in form.items()} | cells


def _field(problem) -> str | None:
    return problem.location.field if problem.location else None


def _place(problem, manual: dict[str, str], typed_in_form: bool = False) -> str:
    """Where a problem is: a workbook's sheet and cell, or the text editor's line with the field's label (a manual
    score by its indicator's name: 人工评分“支付进度”)."""
    place = problem_place(problem)
    location = problem.location
    parts = (location.field or "").split(".") if location is not None else []
    if parts[0] == "manual_scores" and len(parts) > 1:
        place = f"人工评分“{manual.get(parts[1], parts[1])}”"
    if typed_in_form and place and place != "数据":
        return place
    if location is not None and location.line and not location.sheet:
        return f"全部数据第{location.line}行" + (f" {place}" if place and place != "数据" else "")
    return place


def guarded_write(
    request: Request,
    db: DbSession,
    actor: Actor,
    evaluation: Evaluation,
    version: int,
    via: str,
    *,
    source: str = "",
    data_yaml: str | None = None,
    narrative: dict[str, str] | None = None,
    rulebook_id: str | None = None,
    form: dict[str, str] | None = None,
    lists: dict[str, list[dict[str, str]]] | None = None,
    saved_part: str = "",
    editor_text: str | None = None,
    parsed: Parsed | None = None,
    typed: dict[str, str] | None = None,
):
    """Write through the service; on a conflict show the page with what the user typed and, field by field, what
    the other person changed; on errors show them beside the input. `editor_text` is the text editor's text as
    typed (its keys in Chinese), shown again instead of `data_yaml`, its stored form; `parsed`, `data_yaml` as
    read already (service.load); `typed`, the amounts typed another way than a number of 万元 elsewhere than in the
    form (an uploaded workbook's cells), so that what was read is said beside the inputs."""
    try:
        loaded = write(
            db,
            actor.user,
            evaluation,
            via=via,
            source=source,
            expected_version=version,
            data_yaml=data_yaml,
            narrative=narrative,
            rulebook_id=rulebook_id,
            parsed=parsed,
        )
    except Denied:
        raise
    except Conflict as exc:
        db.rollback()  # nothing was written; SQLite's write lock (a refused UPDATE takes it) not held for the page
        current = exc.current
        who = db.get(User, current.updated_by) if current.updated_by else None
        conflict = {
            "version": current.version,
            "yours": version,
            "by": (who.display_name or who.username) if who else "他人",
            "at": local_time(current.updated_at, seconds=True),
            "narrative": narrative,
            "changes": merge_conflict(db, current, version, form, lists, narrative),
            # the text editor and a workbook replace all the data: the other person's changes line by line
            "text_changes": text_changes(db, current, version) if via in ("yaml", "upload") else [],
            "via": via,
        }
        for part, form_id, label in (
            (form, "data-form", "基本信息"),
            (lists, "lists-form", "表格"),
            (narrative, "narrative-form", "报告文字"),
        ):
            if part is not None:  # the button under the conflict table saves the part the user was saving
                conflict["form_id"], conflict["part_label"] = form_id, label
        if saved_part == "facts":  # the 定性事实 are posted to the form's route from their own form
            conflict["form_id"], conflict["part_label"] = "facts-form", "定性事实"
        return evaluation_page(
            request,
            actor,
            current,
            conflict=conflict,
            form=form,
            lists=lists,
            yaml_text=editor_text if editor_text is not None else data_yaml,
            status=409,
            message="保存未成功：该部门的自评已被他人修改。您填写的内容保留在下方，请逐项核对后再保存。",
            typed=typed_amounts(form, lists),
        )
    if any(p.severity is Severity.ERROR for p in loaded.problems):
        # the problems of what was refused, beside the stored data: the score, and the form and tables where they
        # were not what was sent — after a refused text or workbook (which replace all the data) they showed its
        # data, empty where its text did not parse, and a save of the form from that page removed the stored figures
        return evaluation_page(
            request,
            actor,
            evaluation,
            refused=loaded,
            form=form,
            lists=lists,
            yaml_text=editor_text if editor_text is not None else data_yaml,
            status=422,
            message=f"上传的工作簿“{source}”有误，未导入。请按提示修改后重新上传。"
            if via == "upload"
            else "数据有误，未保存。请按提示修改后重新保存。",
            typed_in_form=via in ("form", "lists"),
            typed=typed_amounts(form, lists),
        )
    # committed here, in the request's thread, as soon as the rows are written: SQLite's write lock is held from
    # the guarded UPDATE to the commit only (the rest of the response waits for nothing)
    db.commit()
    # what was read from "1.2万" or "12,000元" is said beside the field on the page the save leads to
    typed = typed if typed is not None else typed_amounts(form, lists)
    query = urlencode([("saved", saved_part or via), *read_params(typed)])
    return RedirectResponse(f"/evaluations/{evaluation.id}?{query}", status_code=303)


def _sections(narrative: dict[str, str]) -> dict[str, str]:
    """The narrative's sections by name, as the report reads them (a name of letters, digits and _)."""
    return {name: text for name, text in narrative.items() if name.replace("_", "").isalnum() and len(name) < 100}


def quote_filename(name: str) -> str:
    return quote(name)


def download(evaluation: Evaluation, kind: str) -> tuple[bytes, str, str]:
    from jixiao.files.template import write_template

    from ..pipeline import prepare_text
    from ..report.pdf import PdfError, convert_to_pdf
    from ..report.write import render_all

    base = f"{evaluation.department.name}{evaluation.year}年度"
    narrative = _sections(json.loads(evaluation.narrative_json or "{}"))
    try:
        prepared = prepare_text(
            evaluation.data_yaml, f"{evaluation.department.name}-{evaluation.year}.yaml", evaluation.rulebook_id
        )
    except JixiaoError as exc:
        raise BadInput("数据有误，无法生成：" + "；".join(p.message for p in exc.problems[:3])) from None
    with tempfile.TemporaryDirectory() as tmp:  # for the PDF only: LibreOffice converts a file
        folder = Path(tmp)
        if kind == "template":
            return (
                write_template(prepared.rulebook, prepared.data),
                f"{base}填报.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        from jixiao.scoring.engine import evaluate

        scored = evaluate(prepared.rulebook, prepared.data)
        if kind in ("docx", "pdf"):
            outputs, _ = render_all(prepared, scored, (kind,), narrative)
            if kind == "docx":
                return (
                    outputs["自评报告.docx"],
                    f"{base}自评报告.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                )
            (folder / "自评报告.fodt").write_bytes(outputs["自评报告.fodt"])  # what LibreOffice prints
            try:
                convert_to_pdf([folder / "自评报告.fodt"], folder / "pdf")
            except PdfError as exc:
                raise BadInput(str(exc)) from None
            return (folder / "pdf" / "自评报告.pdf").read_bytes(), f"{base}自评报告.pdf", "application/pdf"
        if kind == "xlsx":
            outputs, _ = render_all(prepared, scored, ("xlsx",), narrative)
            return (
                outputs["附件表.xlsx"],
                f"{base}附件表.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        outputs, _ = render_all(prepared, scored, ("html",), narrative)
        return outputs["自评报告.html"], f"{base}自评报告.html", "text/html; charset=utf-8"


def bar_chart(items: Sequence[tuple[str, str | None]], maximum: Decimal | int = 100, unit: str = "分") -> str:
    """A horizontal bar chart as inline SVG (no JavaScript): scores as the tables print them (97.61分), a rate with
    two decimals (97.70%, 100.00%); read out whole by a screen reader (its label names each bar and figure)."""
    rows = [(name, Decimal(value)) for name, value in items if value not in (None, "")]
    if not rows:
        return ""
    height = 26 * len(rows) + 10
    bars = []
    shown = [(name, (f"{value:.2f}" if unit == "%" else fmt_score(value)) + unit) for name, value in rows]
    for i, ((name, value), (_, figure)) in enumerate(zip(rows, shown, strict=True)):
        width = float(value) / float(maximum or 1) * 360
        y = 8 + i * 26
        bars.append(
            f'<text x="0" y="{y + 13}" font-size="12">{escape(name[:14])}</text>'
            f'<rect x="190" y="{y}" width="{width:.1f}" height="16" fill="#1f4e79"></rect>'
            f'<text x="{195 + width:.1f}" y="{y + 13}" font-size="12">{figure}</text>'
        )
    label = escape("；".join(f"{name} {figure}" for name, figure in shown), quote=True)
    return (
        f'<svg role="img" aria-label="{label}" width="640" height="{height}" viewBox="0 0 640 {height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )
