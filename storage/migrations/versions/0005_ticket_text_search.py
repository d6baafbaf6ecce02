"""Ticket text search (`/ticket <words>`, the agents' search) by trigram index on PostgreSQL.

`ILIKE '%words%'` on subject and description scanned every ticket: ~1 s at a million tickets.
pg_trgm's GIN indexes answer it in milliseconds (benchmarks/data_scale.py). SQLite keeps its
scan: an embedded installation is small, and SQLite has no trigram index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = ("subject", "description")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        op.create_index(
            f"ix_tickets_{column}_trgm",
            "tickets",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in SEARCHED:
        op.drop_index(f"ix_tickets_{column}_trgm", table_name="tickets")
