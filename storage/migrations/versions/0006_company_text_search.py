"""Text search within one company by one index: (company_id, words) GIN indexes on PostgreSQL.

A customer's or an agent's search inside a company ("E-4321" in a company of 100,000
tickets) used the trigram index of 0005 and then read every matching ticket of every company
from the table only to drop the other companies' (200 heap pages for a code no ticket of
this company holds: 13 ms, and the p99 of benchmarks/data_scale.py over 20 ms). btree_gin lets
one GIN index hold the company next to the trigrams, so the index alone answers "this
company's tickets with these words", and only the matches are read. The 0005 indexes stay,
for searches over every company (`/ticket find`). Both extensions are trusted since
PostgreSQL 13. SQLite keeps its scan.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = ("subject", "description")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for column in SEARCHED:
        op.create_index(
            f"ix_tickets_company_{column}_trgm",
            "tickets",
            ["company_id", column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in SEARCHED:
        op.drop_index(f"ix_tickets_company_{column}_trgm", table_name="tickets")
