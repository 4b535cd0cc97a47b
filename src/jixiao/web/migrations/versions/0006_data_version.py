"""data version: one counter that every change to what the pages show moves, kept by the database itself

The web app's page caches are keyed by this counter (web/freshness.py): reading it is one primary-key read
instead of aggregates over thousands of evaluations on every request. Triggers move it on every insert, update
and delete of the tables the pages show (departments, evaluations, evaluation_comments, deadlines,
cycle_documents, users), whatever code writes them, in the writer's own transaction: a reader sees the new
number exactly when it sees the new rows.

The counter is the sum of SHARDS rows. On PostgreSQL a transaction moves the row its transaction id picks, so
concurrent writers rarely queue on the same row (a row lock is held until commit, and a commit waits for the
disk); the trigger runs once per statement, *before* it, so a transaction takes its counter row's lock before any
row lock of those tables — two writers never deadlock through it. On SQLite (one writer at a time anyway) the
trigger runs once per row and moves row 0.

A later migration that rebuilds one of these tables on SQLite (Alembic's batch mode copies the table) drops its
triggers: create them again there with `create_triggers` (tests/test_web_queries.py fails if one is missing).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRACKED = ("departments", "evaluations", "evaluation_comments", "deadlines", "cycle_documents", "users")
SHARDS = 16
_BUMP = "UPDATE data_version SET n = n + 1 WHERE id = 0"
_BUMP_PG = f"UPDATE data_version SET n = n + 1 WHERE id = txid_current() % {SHARDS}"


def create_triggers(tables=TRACKED) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER jx_version_{table} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION jx_bump_data_version()"
            )
        else:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER jx_version_{table}_{event.lower()} AFTER {event} ON {table} BEGIN {_BUMP}; END"
                )


def drop_triggers(tables=TRACKED) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS jx_version_{table} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS jx_version_{table}_{event}")


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO data_version (id, n) VALUES " + ", ".join(f"({i}, 0)" for i in range(SHARDS)))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION jx_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {_BUMP_PG}; RETURN NULL; END $$"
        )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS jx_bump_data_version()")
    op.drop_table("data_version")
