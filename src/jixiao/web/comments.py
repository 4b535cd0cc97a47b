"""批注: a reviewer's comments on one indicator, one narrative section or the whole evaluation, written while
reviewing (the evaluation submitted); the department sees them once it is returned and answers them there."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from .db import Comment, Evaluation, User
from .service import Denied, audit, can_view

__all__ = ["Thread", "add_comment", "anchors", "threads"]

MAX_COMMENT = 5000


@dataclass
class Thread:
    comment: Comment
    answers: list[Comment] = field(default_factory=list)


def anchors(loaded, sections: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What a comment may be attached to: (anchor, label in Chinese)."""
    out = [("", "总体意见")]
    if loaded.scored is not None:
        out += [(f"indicator:{leaf.id}", f"指标：{leaf.name}") for leaf in loaded.scored.leaves()]
    out += [(f"section:{name}", f"报告章节：{heading}") for name, heading in sections]
    return out


def refusal(user: User, evaluation: Evaluation, parent: Comment | None) -> str | None:
    if not can_view(user, evaluation):
        return "您无权查看该自评。"
    if user.role in ("reviewer", "admin"):
        if parent is None and evaluation.status != "submitted":
            return "批注在审核时添加：该自评须处于“已提交”状态。"
        return None
    if user.role == "filler":
        if parent is None:
            return "填报人可以答复审核人的批注，不能新建批注。"
        if evaluation.status != "returned":
            return "自评退回后才能答复批注。"
        return None
    return "未知角色。"


def add_comment(
    db: DbSession,
    user: User,
    evaluation: Evaluation,
    text: str,
    anchor: str,
    options: list[tuple[str, str]],
    parent_id: int | None = None,
) -> Comment:
    parent = None
    if parent_id is not None:
        parent = db.get(Comment, parent_id)
        if parent is None or parent.evaluation_id != evaluation.id or parent.parent_id is not None:
            raise Denied("找不到要答复的批注。")
        anchor = parent.anchor
    reason = refusal(user, evaluation, parent)
    if reason:
        raise Denied(reason)
    text = text.strip()
    if not text or len(text) > MAX_COMMENT:
        raise Denied(f"批注内容不能为空，且至多{MAX_COMMENT}字。")
    labels = dict(options)
    if anchor not in labels:
        raise Denied("批注所指的指标或章节不存在，请从列表中选择。")
    comment = Comment(
        evaluation_id=evaluation.id,
        anchor=anchor,
        anchor_label=labels[anchor],
        text=text,
        parent_id=parent.id if parent else None,
        version=evaluation.version,
        user_id=user.id,
    )
    db.add(comment)
    db.flush()
    what = "答复批注" if parent else "批注"
    audit(db, user, "comment", f"evaluation:{evaluation.id}", f"{what}（{labels[anchor]}）：{text[:200]}", via="review")
    return comment


def threads(db: DbSession, user: User, evaluation: Evaluation) -> list[Thread]:
    """The comments the user may read, each with its answers: the department's once the evaluation is no longer
    under review (returned, or approved)."""
    hidden = user.role == "filler" and evaluation.status in ("draft", "submitted")
    rows = [] if hidden else _all(db, evaluation)
    by_id = {c.id: Thread(c) for c in rows if c.parent_id is None}
    for c in rows:
        if c.parent_id in by_id:
            by_id[c.parent_id].answers.append(c)
    return list(by_id.values())


def _all(db: DbSession, evaluation: Evaluation) -> list[Comment]:
    return list(db.scalars(select(Comment).where(Comment.evaluation_id == evaluation.id).order_by(Comment.id)))
