"""What a referenced message shows (the Slack parent's card digest), so an unchanged card is
not edited again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message_refs") as batch:
        batch.add_column(sa.Column("shown", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message_refs") as batch:
        batch.drop_column("shown")
