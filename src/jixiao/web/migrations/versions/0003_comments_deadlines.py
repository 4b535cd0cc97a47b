"""comments (批注) with answers, and the submission deadline of each year

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.String(length=200), nullable=False),
        sa.Column("anchor_label", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"]),
        sa.ForeignKeyConstraint(["parent_id"], ["evaluation_comments.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_comments_evaluation_id"), ["evaluation_id"], unique=False)
    op.create_table(
        "deadlines",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("deadlines")
    with op.batch_alter_table("evaluation_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_comments_evaluation_id"))
    op.drop_table("evaluation_comments")
