"""An index on attachments' storage keys: the sweep of unused files (bot.jobs) asks which
stored files an attachment still refers to.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_attachments_storage_key"), "attachments", ["storage_key"])


def downgrade() -> None:
    op.drop_index(op.f("ix_attachments_storage_key"), table_name="attachments")
