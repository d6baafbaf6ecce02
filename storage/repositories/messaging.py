"""The transactional outbox (what we owe the platforms) and inbox (what they sent us)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import aliased

from core.model import InboxEvent, OutboxMessage
from storage import convert
from storage.repositories.base import ROW_ID, SqlRepository, table_of, update_of
from storage.tables import InboxRow, OutboxRow


class SqlOutboxRepository(SqlRepository[OutboxMessage]):
    mapper = convert.OUTBOX
    added = 0  # messages added in this unit of work, for the commit's wake-up

    async def add(self, message: OutboxMessage) -> None:
        self.added += 1
        statement = _OUTBOX_INSERT
        message.seq = (
            await self._session.execute(statement, self.mapper.values(message))
        ).scalar_one()

    async def claim_due(self, now: datetime, limit: int, lease: float) -> Sequence[OutboxMessage]:
        """One statement: the due heads are leased and returned together, so a claim is one
        round trip on PostgreSQL and needs no transaction around it (the unit of work may run
        in autocommit; core.delivery.deliver_due)."""
        params = {"_now": now, "_limit": limit, "_until": now + timedelta(seconds=lease)}
        rows = (await self._session.execute(self._once("claim", self._claim), params)).all()
        # RETURNING keeps no order: the oldest first, as they were queued.
        return sorted((self.mapper.entity_from(row) for row in rows), key=_by_seq)

    def _claim(self) -> Any:
        due = self._due().cte("due")
        return (
            update(_OUTBOX)
            .where(_OUTBOX.c.seq == due.c.seq)
            .values(next_attempt_at=bindparam("_until"))
            .returning(*self.mapper.columns)
        )

    def _due(self) -> Select[Any]:
        older = aliased(OutboxRow, name="older")
        older_pending = (
            select(older.seq)
            .where(
                older.ordering_key == OutboxRow.ordering_key,
                older.seq < OutboxRow.seq,
                older.delivered_at.is_(None),
                older.failed_at.is_(None),
            )
            .correlate(OutboxRow)
        )
        statement = (
            select(OutboxRow.seq)
            .where(
                OutboxRow.delivered_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.next_attempt_at <= bindparam("_now"),
                # Only the head of each key is due, so one chat's messages leave in order.
                ~exists(older_pending),
            )
            .order_by(OutboxRow.seq)
            .limit(bindparam("_limit"))
        )
        if self._dialect == "postgresql":
            # Concurrent workers skip rows another worker is claiming instead of waiting for
            # it and then claiming them again. (SQLite's BEGIN IMMEDIATE already serialises.)
            statement = statement.with_for_update(skip_locked=True, of=OutboxRow)
        return statement

    async def update(self, message: OutboxMessage) -> None:
        await self.update_many([message])

    async def update_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Several messages' delivery state in one executemany (one round trip on PostgreSQL).
        What a message says never changes once written, so its payload is not sent again."""
        if not messages:
            return
        rows = [_state(self.mapper.values(message), message.id) for message in messages]
        await self._session.execute(update_of(self.mapper.table), rows)

    async def get(self, message_id: uuid.UUID) -> OutboxMessage | None:
        return await self._get(message_id)

    async def pending_count(self) -> int:
        statement = (
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.delivered_at.is_(None), OutboxRow.failed_at.is_(None))
        )
        return (await self._session.execute(statement)).scalar_one()

    async def pending_for_key(self, ordering_key: str) -> Sequence[OutboxMessage]:
        statement = self._once(
            "pending_for_key",
            lambda: (
                select(*self.mapper.columns)
                .where(
                    OutboxRow.ordering_key == bindparam("_key"),
                    OutboxRow.delivered_at.is_(None),
                    OutboxRow.failed_at.is_(None),
                )
                .order_by(OutboxRow.seq)
            ),
        )
        rows = (await self._session.execute(statement, {"_key": ordering_key})).all()
        return [self.mapper.entity_from(row) for row in rows]


class SqlInboxRepository(SqlRepository[InboxEvent]):
    mapper = convert.INBOX

    async def add_if_new(self, event: InboxEvent) -> bool:
        return await self.add_new([event]) == 1

    async def add_new(self, events: Sequence[InboxEvent]) -> int:
        # ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed INSERT would
        # abort the whole PostgreSQL transaction, and a concurrent duplicate simply waits for
        # the first one's commit and then inserts nothing. Several events go as one
        # multi-row INSERT (SQLAlchemy's "insertmanyvalues"); RETURNING names the new ones.
        if not events:
            return 0
        statement = self._once(
            "add_new",
            lambda: (
                self._insert_on_conflict(InboxRow)
                .on_conflict_do_nothing(index_elements=[InboxRow.platform, InboxRow.event_id])
                .returning(InboxRow.seq)
            ),
        )
        rows = [self.mapper.values(event) for event in events]
        return len((await self._session.execute(statement, rows)).all())

    async def get(self, event_id: uuid.UUID) -> InboxEvent | None:
        return await self._get(event_id)

    async def unprocessed(self, limit: int, skip: int = 0) -> Sequence[InboxEvent]:
        return await self._all(
            InboxRow.processed_at.is_(None),
            order_by=[InboxRow.received_at, InboxRow.seq],
            limit=limit,
            skip=skip,
        )

    async def update(self, event: InboxEvent) -> None:
        await self._session.execute(
            update_of(self.mapper.table), _state(self.mapper.values(event), event.id)
        )

    async def finish(self, event: InboxEvent) -> bool:
        # One conditional UPDATE: PostgreSQL makes a concurrent one wait for the row lock and
        # re-check the condition after the first commits; SQLite serialises writers.
        values = _state(self.mapper.values(event), event.id)
        result = await self._session.execute(_INBOX_FINISH, values)
        return bool(getattr(result, "rowcount", 0))


# What changes on an outbox message or inbox event after it is written: how its delivery or
# handling went. Updates write these columns only, not the payload (JSON encoded again, and on
# PostgreSQL scrubbed of NUL characters, for nothing).
_STATE = frozenset(
    {"attempts", "next_attempt_at", "delivered_at", "failed_at", "last_error", "processed_at"}
)


def _state(values: dict[str, Any], row_id: uuid.UUID) -> dict[str, Any]:
    state = {name: value for name, value in values.items() if name in _STATE}
    state[ROW_ID] = row_id
    return state


_OUTBOX = table_of(OutboxRow)
_INBOX = table_of(InboxRow)
_OUTBOX_INSERT = insert(_OUTBOX).returning(_OUTBOX.c.seq)


def _by_seq(message: OutboxMessage) -> int:
    return message.seq or 0


_INBOX_FINISH = update(_INBOX).where(
    _INBOX.c.id == bindparam(ROW_ID), _INBOX.c.processed_at.is_(None)
)
