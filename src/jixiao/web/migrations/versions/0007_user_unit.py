"""user unit: the unit a reviewer signs for (审核单位, e.g. 深圳市财政局), written in the 落款 of the 审核意见 their
batch job writes

A plain ADD COLUMN (not Alembic's batch mode): on SQLite the table is not rebuilt, so the data version's triggers on
users (0006) stay.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("unit", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN unit")  # SQLite 3.35+ drops it in place, its triggers kept
