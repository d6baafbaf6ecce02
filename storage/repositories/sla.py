"""SLA marks (core.ports.SlaMarkRepository): reminders and breach marks, each recorded once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from core.model import SlaMark
from storage.repositories.base import SqlRepository
from storage.sql import Sql
from storage.tables import SlaMarkRow


class SqlSlaMarkRepository:
    def __init__(self, session: Sql) -> None:
        self._session = session
        # For the dialect's INSERT … ON CONFLICT only: marks have no `id` for a RowMapper.
        self._helper: SqlRepository[SlaMark] = SqlRepository(session)

    async def add_if_new(self, mark: SlaMark) -> bool:
        # ON CONFLICT DO NOTHING, as the inbox does: a second process racing for the same
        # mark waits for the first one's commit and then inserts nothing.
        statement = (
            self._helper._insert_on_conflict(SlaMarkRow)
            .values(
                ticket_id=mark.ticket_id,
                kind=mark.kind,
                due_at=mark.due_at,
                marked_at=mark.marked_at,
            )
            .on_conflict_do_nothing(
                index_elements=[SlaMarkRow.ticket_id, SlaMarkRow.kind, SlaMarkRow.due_at]
            )
            .returning(SlaMarkRow.ticket_id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def list_for_tickets(self, ticket_ids: Sequence[uuid.UUID]) -> Sequence[SlaMark]:
        if not ticket_ids:
            return []
        statement = (
            select(SlaMarkRow.ticket_id, SlaMarkRow.kind, SlaMarkRow.due_at, SlaMarkRow.marked_at)
            .where(SlaMarkRow.ticket_id.in_(list(ticket_ids)))
            .order_by(SlaMarkRow.due_at, SlaMarkRow.kind)
        )
        rows = (await self._session.execute(statement)).all()
        return [SlaMark(r.ticket_id, r.kind, r.due_at, r.marked_at) for r in rows]
