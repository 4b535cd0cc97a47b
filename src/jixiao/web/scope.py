"""Who sees what, in one place: every query for departments, evaluations, jobs, users or audit entries that a
route makes goes through the signed-in user's `Scope` (a dependency of every route, see deps.py).

- 管理员 (admin): everything.
- 审核人 (reviewer): the departments whose region starts with theirs (广东省深圳市 covers 广东省深圳市宝安区),
  their evaluations, and the jobs created in that region. A reviewer whose region is empty sees nothing and is
  told to ask the administrator.
- 填报人 (filler): their own department and its evaluations; no jobs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, false, func, select, true
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload, with_expression

from .db import AuditEntry, Comment, CycleDocument, Department, Evaluation, Job, User

__all__ = ["NO_REGION", "NotFound", "OutOfScope", "Scope"]


def _evaluation_statement() -> Select:
    """An evaluation with its department (the scope's check), its targets document's version and its comments'
    count and newest id (db.Evaluation's expressions) in one statement, built once."""
    mine = Comment.evaluation_id == Evaluation.id
    targets = select(CycleDocument.version).where(
        CycleDocument.department_id == Evaluation.department_id,
        CycleDocument.year == Evaluation.year,
        CycleDocument.kind == "targets",
    )
    return (
        select(Evaluation)
        .options(
            joinedload(Evaluation.department),
            with_expression(Evaluation.targets_version, func.coalesce(targets.scalar_subquery(), 0)),
            with_expression(Evaluation.comment_count, select(func.count(Comment.id)).where(mine).scalar_subquery()),
            with_expression(Evaluation.last_comment_id, select(func.max(Comment.id)).where(mine).scalar_subquery()),
        )
        .where(Evaluation.id == bindparam("id"))
    )


_EVALUATION = _evaluation_statement()
NO_REGION = "您的账户尚未设置辖区，因此看不到任何部门。请联系系统管理员为您设置辖区（如“广东省深圳市”）。"


class NotFound(Exception):
    """No such record (404); the message is Chinese."""

    def __init__(self, message: str = "找不到该记录。"):
        self.message = message
        super().__init__(message)


class OutOfScope(Exception):
    """The record exists but is not the user's to see or do (403); the message is Chinese."""

    def __init__(self, message: str = "您没有权限访问该页面。"):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Scope:
    user: User

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def blind(self) -> bool:
        """A reviewer without a region: sees nothing until the administrator sets one."""
        return self.role == "reviewer" and not (self.user.region or "").strip()

    # --- departments ------------------------------------------------------------------------------
    def department_filter(self):
        if self.role == "admin":
            return true()
        if self.role == "filler":
            return Department.id == self.user.department_id if self.user.department_id else false()
        if self.role == "reviewer" and not self.blind:
            return Department.region.startswith(self.user.region.strip(), autoescape=True)
        return false()

    def covers(self, department: Department | None) -> bool:
        if department is None:
            return False
        if self.role == "admin":
            return True
        if self.role == "filler":
            return department.id == self.user.department_id
        return (
            self.role == "reviewer"
            and not self.blind
            and (department.region or "").startswith(self.user.region.strip())
        )

    def departments(self) -> Select:
        return select(Department).where(self.department_filter()).order_by(Department.name)

    def department(self, db: DbSession, department_id: int | None) -> Department:
        department = db.get(Department, department_id) if department_id else None
        if department is None:
            raise NotFound("找不到该部门。请从列表中选择部门，或请管理员先添加。")
        if not self.covers(department):
            raise OutOfScope("该部门不在您的权限范围内。")
        return department

    def department_named(self, db: DbSession, name: str) -> Department | None:
        return db.scalar(self.departments().where(Department.name == name))

    # --- evaluations ------------------------------------------------------------------------------
    def evaluations(self) -> Select:
        return select(Evaluation).join(Department).where(self.department_filter())

    def evaluation(self, db: DbSession, evaluation_id: int) -> Evaluation:
        evaluation = db.scalars(_EVALUATION, {"id": evaluation_id}).first()
        if evaluation is None:
            raise NotFound("找不到该自评记录。")
        if not self.covers(evaluation.department):
            raise OutOfScope("您只能查看本部门（或本辖区）的自评。")
        return evaluation

    # --- jobs and their files ---------------------------------------------------------------------
    def job_filter(self):
        if self.role == "admin":
            return true()
        if self.role == "reviewer" and not self.blind:
            return Job.region.startswith(self.user.region.strip(), autoescape=True)
        return false()

    def jobs(self) -> Select:
        return select(Job).where(self.job_filter()).order_by(Job.id.desc())

    def job(self, db: DbSession, job_id: int) -> Job:
        job = db.get(Job, job_id)
        if job is None:
            raise NotFound("找不到该任务。")
        if db.scalar(select(Job.id).where(Job.id == job_id, self.job_filter())) is None:
            raise OutOfScope("该任务属于其他辖区，您无权查看。")
        return job

    # --- accounts and the audit log (administrators only) ---------------------------------------------
    def users(self) -> Select:
        return select(User).where(true() if self.role == "admin" else false()).order_by(User.username)

    def audit(self) -> Select:
        return select(AuditEntry).where(true() if self.role == "admin" else false()).order_by(AuditEntry.id.desc())
