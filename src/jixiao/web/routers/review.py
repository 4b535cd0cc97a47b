"""The review flow: the department submits, the bureau returns (with a comment) or approves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..deps import Db, Form, Id, SignedIn, int_field
from ..scope import OutOfScope
from ..service import Conflict, Denied, NotReady, transition
from ..views import evaluation_page

router = APIRouter()


def _act(request: Request, actor, db, form: dict[str, str], evaluation_id: int, action: str):
    evaluation = actor.scope.evaluation(db, evaluation_id)
    if action == "submit" and actor.role != "filler":
        raise OutOfScope("只有本部门填报人可以提交。")
    if action != "submit" and actor.role not in ("reviewer", "admin"):
        raise OutOfScope("只有审核人可以退回或通过。")
    version = int_field(form, "version", "版本号")
    comment = form.get("comment", "")[:5000]
    try:
        transition(db, actor.user, evaluation, action, comment, version, confirmed=form.get("confirm") == "1")
    except NotReady as exc:  # the page lists what to fix (readiness.submission_check)
        refused = "errors" if any(f.severity.value == "错误" for f in exc.findings) else "confirm"
        return RedirectResponse(f"/evaluations/{evaluation.id}?refused={refused}#submit-check", status_code=303)
    except Denied as exc:
        return evaluation_page(request, actor, evaluation, message=str(exc), status=409)
    except Conflict:
        return evaluation_page(
            request, actor, evaluation, status=409, message="该自评刚被他人修改，请核对最新内容后再操作。"
        )
    return RedirectResponse(f"/evaluations/{evaluation.id}?done={action}", status_code=303)


@router.post("/evaluations/{evaluation_id}/submit")
def submit(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    return _act(request, actor, db, form, evaluation_id, "submit")


@router.post("/evaluations/{evaluation_id}/return")
def return_(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    return _act(request, actor, db, form, evaluation_id, "return")


@router.post("/evaluations/{evaluation_id}/approve")
def approve(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    return _act(request, actor, db, form, evaluation_id, "approve")


@router.post("/evaluations/{evaluation_id}/comments")
def comment(request: Request, actor: SignedIn, db: Db, form: Form, evaluation_id: Id):
    """A 批注 (reviewer, while the evaluation is submitted) or an answer to one (`parent`)."""
    from ..comments import add_comment, anchors, refusal
    from ..db import Comment
    from ..forms import narrative_names
    from ..service import load

    evaluation = actor.scope.evaluation(db, evaluation_id)
    parent = int_field(form, "parent", "答复的批注", 1) if form.get("parent") else None
    loaded = load(evaluation)
    options = anchors(loaded, narrative_names(loaded))
    text = form.get("text", "")
    try:
        add_comment(db, actor.user, evaluation, text, form.get("anchor", ""), options, parent)
    except Denied as exc:  # a 批注 the user may write but wrote wrong (empty, too long, no such indicator): the page
        db.rollback()  # again with it as typed (an error page lost it), saying what to change
        if refusal(actor.user, evaluation, db.get(Comment, parent) if parent else None):
            raise  # not theirs to write: refused as before
        message = f"{'答复' if parent else '批注'}未保存：{exc}"
        return evaluation_page(request, actor, evaluation, message=message, status=422, typed_comment=(parent, text))
    done = "answer" if parent else "comment"
    return RedirectResponse(f"/evaluations/{evaluation.id}?done={done}#comments", status_code=303)
