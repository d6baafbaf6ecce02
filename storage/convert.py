"""Rows ↔ core dataclasses.

Each core dataclass field is stored in the column of the same name; a `RowMapper` copies the
fields across, applying a converter where the stored form differs (the business calendar is
JSON). Building the mapper checks that every field has its column, so a field added to the core
without a migration fails at import, not as silently lost data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Column, inspect
from sqlalchemy.engine import Row

from core.model import (
    Agent,
    Attachment,
    BusinessCalendar,
    ChatIdentity,
    Company,
    CustomerUser,
    InboxEvent,
    Invite,
    MessageRef,
    OutboxMessage,
    Product,
    Registration,
    SupportToken,
    Ticket,
    TicketEntry,
)
from storage.tables import (
    AgentRow,
    AttachmentRow,
    Base,
    CompanyRow,
    EntryRow,
    IdentityRow,
    InboxRow,
    InviteRow,
    MessageRefRow,
    OutboxRow,
    ProductRow,
    RegistrationRow,
    SupportTokenRow,
    TicketRow,
    UserRow,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

E = TypeVar("E", bound="DataclassInstance")
Converter = Callable[[Any], Any]


class RowMapper(Generic[E]):
    def __init__(
        self,
        entity: type[E],
        table: type[Base],
        *,
        to_db: Mapping[str, Converter] | None = None,
        from_db: Mapping[str, Converter] | None = None,
        computed: Callable[[E], dict[str, Any]] | None = None,
        generated: frozenset[str] = frozenset(),
    ) -> None:
        self.entity = entity
        self.table = table
        self.columns: list[Column[Any]] = list(inspect(table).columns)
        self.id_column: Column[Any] = inspect(table).columns["id"]
        self._fields = [field.name for field in dataclasses.fields(entity)]
        # Fields storage assigns (outbox seq): read back, never written.
        self._written = [name for name in self._fields if name not in generated]
        self._to_db = dict(to_db or {})
        self._from_db = dict(from_db or {})
        self._computed = computed
        missing = set(self._fields) - {column.key for column in self.columns}
        if missing:
            raise TypeError(f"{table.__name__} has no column for {entity.__name__}.{missing}")

    def values(self, entity: E) -> dict[str, Any]:
        """Column values for an INSERT or UPDATE."""
        values = {name: getattr(entity, name) for name in self._written}
        for name, convert in self._to_db.items():
            values[name] = convert(values[name])
        if self._computed is not None:
            values.update(self._computed(entity))
        return values

    def entity_from(self, row: Row[Any], prefix: str = "") -> E:
        """The entity from a row's columns, named `prefix` + field name when a statement
        reads several tables."""
        if prefix:
            values = {name: getattr(row, prefix + name) for name in self._fields}
        else:
            values = {name: getattr(row, name) for name in self._fields}
        for name, convert in self._from_db.items():
            values[name] = convert(values[name])
        return self.entity(**values)


def calendar_to_json(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "timezone": calendar.timezone,
        "weekdays": sorted(calendar.weekdays),
        "opens": calendar.opens.isoformat(),
        "closes": calendar.closes.isoformat(),
        "holidays": sorted(day.isoformat() for day in calendar.holidays),
    }


def calendar_from_json(data: dict[str, Any]) -> BusinessCalendar:
    return BusinessCalendar(
        timezone=data["timezone"],
        weekdays=frozenset(data["weekdays"]),
        opens=time.fromisoformat(data["opens"]),
        closes=time.fromisoformat(data["closes"]),
        holidays=frozenset(date.fromisoformat(day) for day in data["holidays"]),
    )


COMPANY = RowMapper(
    Company,
    CompanyRow,
    to_db={"calendar": calendar_to_json},
    from_db={"calendar": calendar_from_json},
)
PRODUCT = RowMapper(Product, ProductRow)
USER = RowMapper(CustomerUser, UserRow)
IDENTITY = RowMapper(ChatIdentity, IdentityRow)
AGENT = RowMapper(Agent, AgentRow)
TICKET = RowMapper(Ticket, TicketRow)
ENTRY = RowMapper(TicketEntry, EntryRow)
MESSAGE_REF = RowMapper(MessageRef, MessageRefRow)
ATTACHMENT = RowMapper(Attachment, AttachmentRow)
INVITE = RowMapper(Invite, InviteRow)
REGISTRATION = RowMapper(Registration, RegistrationRow)
SUPPORT_TOKEN = RowMapper(SupportToken, SupportTokenRow)
OUTBOX = RowMapper(
    OutboxMessage,
    OutboxRow,
    computed=lambda message: {"ordering_key": message.ordering_key},
    generated=frozenset({"seq"}),
)
INBOX = RowMapper(InboxEvent, InboxRow)
