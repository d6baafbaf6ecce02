"""Tickets and what hangs off them: entries, platform message references, attachments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, func, or_, select, true, update

from core.model import (
    ACTIVE_STATUSES,
    Attachment,
    AuthorKind,
    Company,
    EntryKind,
    MessageRef,
    Platform,
    Side,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.ports import Scope, TicketPage, TicketQuery
from storage import convert
from storage.repositories.base import SqlRepository, table_of
from storage.tables import (
    AttachmentRow,
    CompanyRow,
    CounterRow,
    EntryRow,
    MessageRefRow,
    TicketRow,
)

TICKET_COUNTER = "ticket"


class SqlTicketRepository(SqlRepository[Ticket]):
    mapper = convert.TICKET

    async def next_number(self) -> int:
        # One counter row, bumped in the caller's transaction: PostgreSQL holds its row lock
        # until commit and SQLite's BEGIN IMMEDIATE serialises writers, so concurrent
        # creations queue, and a rollback undoes the bump (no gap, no reuse). The upsert
        # also creates the row on an empty database.
        insert = self._insert_on_conflict(CounterRow).values(name=TICKET_COUNTER, value=1)
        statement = insert.on_conflict_do_update(
            index_elements=[CounterRow.name], set_={"value": CounterRow.value + 1}
        ).returning(CounterRow.value)
        return int((await self._session.execute(statement)).scalar_one())

    async def add(self, ticket: Ticket) -> None:
        await self._insert(ticket)

    async def get(self, ticket_id: uuid.UUID) -> Ticket | None:
        return await self._get(ticket_id)

    async def get_with_company(self, ticket_id: uuid.UUID) -> tuple[Ticket, Company] | None:
        statement = self._once("with_company", _with_company)
        row = (await self._session.execute(statement, {"_id": ticket_id})).first()
        if row is None:
            return None
        return self.mapper.entity_from(row, "t_"), convert.COMPANY.entity_from(row, "c_")

    async def get_by_number(self, number: int) -> Ticket | None:
        return await self._find(number=number)

    async def update(self, ticket: Ticket) -> None:
        await self._update(ticket.id, ticket)

    async def list(self, query: TicketQuery) -> TicketPage:
        if query.limit < 1:
            raise ValueError(f"a page holds at least one ticket, not {query.limit}")
        # Keyset paging: one row more than asked tells whether another page exists.
        if query.text and self._dialect == "postgresql":
            tickets = await self._search(query)
        else:
            tickets = await self._all(
                *ticket_filters(query), order_by=[TicketRow.number.desc()], limit=query.limit + 1
            )
        if len(tickets) <= query.limit:
            return TicketPage(tickets=tickets, next_before_number=None)
        page = tickets[: query.limit]
        return TicketPage(tickets=page, next_before_number=page[-1].number)

    async def _search(self, query: TicketQuery) -> Sequence[Ticket]:
        """Text search on PostgreSQL, fast for frequent and for rare words alike.

        A frequent word is found fastest by walking the newest tickets in number order until
        a page is full; a rare one by the trigram indexes (migrations 0005, 0006). The planner
        chooses between the two on a guess (its estimate for ILIKE '%...%'), and for words of
        middling frequency it walks: 19-28 ms for "E-123" in a company of 100,000 tickets,
        where the indexes take 5 (benchmarks/data_scale.py). So both, in turn: first only the
        newest `SEARCH_RECENT` tickets that pass the other filters (a page found there is
        the answer: no match can be newer); otherwise the word is rare here, and its matches
        come from the indexes (a materialized CTE, which the planner cannot turn back into a
        walk), sorted, the page taken. The walk's plan does not depend on the words (the
        newest tickets first, then the filter), so it is a prepared statement like any other;
        the index search is planned for its words (storage.pg prepares it for that run only)."""
        want = query.limit + 1
        others = ticket_filters(replace(query, text=None))
        words = query.text or ""
        recent = (
            select(*self.mapper.columns)
            .where(*others)
            .order_by(TicketRow.number.desc())
            .limit(SEARCH_RECENT)
            .subquery("recent")
        )
        found = (
            await self._session.execute(
                select(recent)
                .where(_text_filter(words, recent.c))
                .order_by(recent.c.number.desc())
                .limit(want)
            )
        ).all()
        if len(found) < want:
            matches = (
                select(*self.mapper.columns)
                .where(*others, _text_filter(words, inline=True))
                .cte("matches")
                .prefix_with("MATERIALIZED")
            )
            found = (
                await self._session.execute(
                    select(matches).order_by(matches.c.number.desc()).limit(want)
                )
            ).all()
        return [self.mapper.entity_from(row) for row in found]

    async def count_by_status(self) -> dict[TicketStatus, int]:
        """Every status (zero included), over all tickets, archived ones too."""
        statement = select(TicketRow.status, func.count()).group_by(TicketRow.status)
        counts = dict.fromkeys(TicketStatus, 0)
        for status, count in (await self._session.execute(statement)).all():
            counts[status] = count
        return counts


def ticket_filters(query: TicketQuery) -> Sequence[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [_scope_filter(query.scope)]
    equal: list[tuple[Any, object]] = [
        (TicketRow.company_id, query.company_id),
        (TicketRow.reporter_id, query.reporter_id),
        (TicketRow.product_id, query.product_id),
        (TicketRow.assignee_id, query.assignee_id),
        (TicketRow.priority, query.priority),
    ]
    where += [column == value for column, value in equal if value is not None]
    if query.statuses is not None:
        where.append(TicketRow.status.in_(sorted(query.statuses)))
    if query.unassigned:
        where.append(TicketRow.assignee_id.is_(None))
    if query.created_from is not None:
        where.append(TicketRow.created_at >= query.created_from)
    if query.created_to is not None:
        where.append(TicketRow.created_at < query.created_to)
    if query.resolved_before is not None:
        where.append(TicketRow.resolved_at <= query.resolved_before)
    if query.sla_due_before is not None:
        where.append(TicketRow.sla_due_at < query.sla_due_before)
    if query.before_number is not None:
        where.append(TicketRow.number < query.before_number)
    if query.text:
        where.append(_text_filter(query.text))
    return where


# Text search on PostgreSQL reads this many of the newest tickets before the trigram indexes.
SEARCH_RECENT = 1000


def _text_filter(text: str, columns: Any = None, *, inline: bool = False) -> ColumnElement[bool]:
    """ILIKE on PostgreSQL (served by the pg_trgm GIN indexes of migrations 0005 and 0006);
    SQLAlchemy renders lower() LIKE lower() on SQLite, where our lower() folds Unicode
    (storage.db). `columns`: a subquery's instead of the table's.

    `inline`: the pattern is written into the statement as a quoted literal (SQLAlchemy's
    `literal_execute`) instead of sent as a parameter. asyncpg prepares statements, and after
    five runs PostgreSQL may reuse one generic plan chosen without seeing the pattern, which is
    exactly the choice that matters for a trigram search; a literal is planned for itself."""
    pattern: Any = f"%{_escape_like(text)}%"
    if inline:
        pattern = bindparam("pattern", pattern, literal_execute=True)
    subject = TicketRow.subject if columns is None else columns.subject
    description = TicketRow.description if columns is None else columns.description
    return or_(
        subject.ilike(pattern, escape="\\"),
        description.ilike(pattern, escape="\\"),
    )


def _scope_filter(scope: Scope) -> ColumnElement[bool]:
    if scope is Scope.ANY:
        return true()
    if scope is Scope.ARCHIVED:
        return TicketRow.archived == true()
    not_archived = TicketRow.archived == false()
    if scope is Scope.ACTIVE:
        return not_archived & TicketRow.status.in_(sorted(ACTIVE_STATUSES))
    return not_archived


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Whose entries each side reads: a customer reads the agents', the support desk the
# customer's. System entries belong to neither side and are never unread.
_OTHER_SIDE = {Side.CUSTOMER: AuthorKind.AGENT, Side.SUPPORT: AuthorKind.CUSTOMER}


class SqlEntryRepository(SqlRepository[TicketEntry]):
    mapper = convert.ENTRY

    async def add(self, entry: TicketEntry) -> None:
        await self._insert(entry)

    async def get(self, entry_id: uuid.UUID) -> TicketEntry | None:
        return await self._get(entry_id)

    async def update(self, entry: TicketEntry) -> None:
        await self._update(entry.id, entry)

    async def list_for_ticket(
        self, ticket_id: uuid.UUID, public_only: bool = False
    ) -> Sequence[TicketEntry]:
        where = [EntryRow.ticket_id == ticket_id]
        if public_only:
            where.append(EntryRow.kind != EntryKind.INTERNAL_NOTE)
        # seq breaks ties between entries written in the same clock tick.
        return await self._all(*where, order_by=[EntryRow.created_at, EntryRow.seq])

    async def mark_read(self, ticket_id: uuid.UUID, reader: Side, at: datetime) -> int:
        statement = self._once(
            f"mark_read:{reader.value}",
            lambda: (
                update(EntryRow)
                .where(EntryRow.ticket_id == bindparam("_ticket"), *_unread_by(reader))
                .values(read_at=bindparam("_at"))
                .returning(EntryRow.seq)
            ),
        )
        params = {"_ticket": ticket_id, "_at": at}
        return len((await self._session.execute(statement, params)).all())

    async def count_unread(
        self, ticket_ids: Sequence[uuid.UUID], reader: Side
    ) -> dict[uuid.UUID, int]:
        """Every ticket asked about is in the answer, zero included."""
        counts = dict.fromkeys(ticket_ids, 0)
        if not counts:
            return counts
        statement = (
            select(EntryRow.ticket_id, func.count())
            .where(EntryRow.ticket_id.in_(counts), *_unread_by(reader))
            .group_by(EntryRow.ticket_id)
        )
        for ticket_id, count in (await self._session.execute(statement)).all():
            counts[ticket_id] = count
        return counts


def _unread_by(reader: Side) -> Sequence[ColumnElement[bool]]:
    return [
        EntryRow.author_kind == _OTHER_SIDE[reader],
        EntryRow.kind != EntryKind.INTERNAL_NOTE,
        EntryRow.read_at.is_(None),
    ]


class SqlMessageRefRepository(SqlRepository[MessageRef]):
    mapper = convert.MESSAGE_REF

    async def add(self, ref: MessageRef) -> None:
        await self._insert(ref)

    async def add_if_new(self, ref: MessageRef) -> bool:
        statement = self._once(
            "add_if_new",
            lambda: (
                self._insert_on_conflict(MessageRefRow)
                .on_conflict_do_nothing(
                    index_elements=[
                        MessageRefRow.platform,
                        MessageRefRow.chat_id,
                        MessageRefRow.message_id,
                    ]
                )
                .returning(MessageRefRow.seq)
            ),
        )
        return (await self._session.execute(statement, self.mapper.values(ref))).first() is not None

    async def find(self, platform: Platform, chat_id: str, message_id: str) -> MessageRef | None:
        return await self._find(platform=platform, chat_id=chat_id, message_id=message_id)

    async def for_ticket(self, ticket_id: uuid.UUID, platform: Platform) -> Sequence[MessageRef]:
        return await self._all(
            MessageRefRow.ticket_id == ticket_id,
            MessageRefRow.platform == platform,
            # The anchor (entry_id NULL) first, then in the order they were recorded.
            order_by=[MessageRefRow.entry_id.is_not(None), MessageRefRow.seq],
        )

    async def anchor(
        self, ticket_id: uuid.UUID, platform: Platform, chat_id: str
    ) -> MessageRef | None:
        return await self._find(
            ticket_id=ticket_id, platform=platform, chat_id=chat_id, entry_id=None
        )

    async def for_entry(self, entry_id: uuid.UUID) -> Sequence[MessageRef]:
        statement = self._once(
            "for_entry",
            lambda: (
                select(*self.mapper.columns)
                .where(MessageRefRow.entry_id == bindparam("_entry"))
                .order_by(MessageRefRow.seq)
            ),
        )
        rows = (await self._session.execute(statement, {"_entry": entry_id})).all()
        return [self.mapper.entity_from(row) for row in rows]

    async def set_shown(self, ref_id: uuid.UUID, shown: str) -> None:
        statement = self._once(
            "set_shown",
            lambda: (
                update(MessageRefRow)
                .where(MessageRefRow.id == bindparam("_ref"))
                .values(shown=bindparam("_shown"))
            ),
        )
        await self._session.execute(statement, {"_ref": ref_id, "_shown": shown})


class SqlAttachmentRepository(SqlRepository[Attachment]):
    mapper = convert.ATTACHMENT

    async def add(self, attachment: Attachment) -> None:
        await self._insert(attachment)

    async def get(self, attachment_id: uuid.UUID) -> Attachment | None:
        return await self._get(attachment_id)

    async def list_for_ticket(self, ticket_id: uuid.UUID) -> Sequence[Attachment]:
        return await self._all(
            AttachmentRow.ticket_id == ticket_id,
            order_by=[AttachmentRow.created_at, AttachmentRow.seq],
        )

    async def list_for_entry(self, entry_id: uuid.UUID) -> Sequence[Attachment]:
        return await self._all(
            AttachmentRow.entry_id == entry_id,
            order_by=[AttachmentRow.created_at, AttachmentRow.seq],
        )

    async def count_for_ticket(self, ticket_id: uuid.UUID) -> int:
        statement = self._once(
            "count_for_ticket",
            lambda: (
                select(func.count())
                .select_from(AttachmentRow)
                .where(AttachmentRow.ticket_id == bindparam("_ticket"))
            ),
        )
        return (await self._session.execute(statement, {"_ticket": ticket_id})).scalar_one()

    async def keys_in_use(self, storage_keys: Sequence[str]) -> set[str]:
        if not storage_keys:
            return set()
        statement = self._once(
            "keys_in_use",
            lambda: (
                select(AttachmentRow.storage_key)
                .where(AttachmentRow.storage_key.in_(bindparam("_keys", expanding=True)))
                .distinct()
            ),
        )
        rows = await self._session.execute(statement, {"_keys": list(storage_keys)})
        return {row[0] for row in rows}


def _with_company() -> Any:
    tickets, companies = table_of(TicketRow), table_of(CompanyRow)
    return (
        select(
            *(c.label(f"t_{c.key}") for c in tickets.c),
            *(c.label(f"c_{c.key}") for c in companies.c),
        )
        .select_from(tickets.join(companies, companies.c.id == tickets.c.company_id))
        .where(tickets.c.id == bindparam("_id"))
    )
