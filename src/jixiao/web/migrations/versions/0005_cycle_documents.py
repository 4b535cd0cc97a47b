"""cycle documents: a department's 绩效目标, 运行监控, 复核 and 整改 of a year, as versioned YAML text

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "year", "kind", name="uq_cycle_document"),
    )
    with op.batch_alter_table("cycle_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_documents_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cycle_documents_year"), ["year"], unique=False)
    op.create_table(
        "cycle_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["cycle_documents.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cycle_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_versions_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cycle_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_versions_document_id"))
    op.drop_table("cycle_versions")
    with op.batch_alter_table("cycle_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_documents_year"))
        batch_op.drop_index(batch_op.f("ix_cycle_documents_department_id"))
    op.drop_table("cycle_documents")
