"""The schema, as SQLAlchemy 2 typed declarative mappings.

These classes describe tables only; repositories convert their rows to and from the core
dataclasses explicitly (storage/convert.py), so the core never sees an ORM object.

Tables whose rows are listed in insertion order (entries, message refs, attachments, outbox,
inbox) have an integer `seq` primary key besides the core's UUID `id`: timestamps from one clock
tick tie, UUIDs are random, and SQLite can only autoincrement an INTEGER PRIMARY KEY.

Text search is a plain ILIKE on tickets.subject and tickets.description (fine for thousands of
tickets). At scale, a PostgreSQL migration adds `CREATE EXTENSION pg_trgm` and GIN indexes
`USING gin (subject gin_trgm_ops)` / `(description gin_trgm_ops)`, which serve the same ILIKE
unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Interval,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.model import (
    Audience,
    AuthorKind,
    EntryKind,
    Plan,
    Platform,
    Priority,
    Role,
    SlaMarkKind,
    TicketStatus,
    TicketType,
)
from storage.types import UtcDateTime, enum_type, json_type

# Named constraints let later migrations drop or alter them, and SQLite batch mode needs names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite autoincrements only a column declared exactly INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

NAME = 200
CHAT_ID = 64
ADDRESS = 320  # an outbox chat_id may be an e-mail address


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CounterRow(Base):
    """Named gap-free counters (`ticket` numbers), bumped inside the caller's transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class CompanyRow(Base):
    __tablename__ = "companies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    tax_id: Mapped[str] = mapped_column(String(32), unique=True)
    plan: Mapped[Plan] = mapped_column(enum_type(Plan))
    new_users_restricted: Mapped[bool] = mapped_column(Boolean)
    calendar: Mapped[dict[str, Any]] = mapped_column(json_type())
    max_users: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME))
    license_number: Mapped[str] = mapped_column(String(100))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    name: Mapped[str] = mapped_column(String(NAME))
    email: Mapped[str | None] = mapped_column(String(ADDRESS))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IdentityRow(Base):
    __tablename__ = "chat_identities"
    __table_args__ = (
        UniqueConstraint("platform", "platform_user_id"),
        Index(None, "platform", "chat_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    platform: Mapped[Platform] = mapped_column(enum_type(Platform))
    platform_user_id: Mapped[str] = mapped_column(String(CHAT_ID))
    chat_id: Mapped[str] = mapped_column(String(CHAT_ID))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    reachable: Mapped[bool] = mapped_column(Boolean)
    language_code: Mapped[str | None] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(NAME))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AgentRow(Base):
    __tablename__ = "agents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(CHAT_ID), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME))
    active: Mapped[bool] = mapped_column(Boolean)


class SupportTokenRow(Base):
    __tablename__ = "support_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"), index=True)
    creator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # No foreign key: tickets.support_token_id already points the other way, and a cycle of
    # foreign keys would need ALTER TABLE, which SQLite cannot do.
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketRow(Base):
    __tablename__ = "tickets"
    # A B-tree on (x, number) is read backwards for "WHERE x = ? ORDER BY number DESC", so
    # ascending composite indexes serve the newest-first keyset pages.
    __table_args__ = (
        Index(None, "company_id", "number"),
        Index(None, "reporter_id", "number"),
        Index(None, "status", "number"),
        Index(None, "assignee_id", "number"),
        # Text search (ILIKE '%words%'): trigram indexes, PostgreSQL only (migration 0005).
        *(
            Index(
                f"ix_tickets_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in ("subject", "description")
        ),
        # The same within one company, in one index (btree_gin; migration 0006).
        *(
            Index(
                f"ix_tickets_company_{column}_trgm",
                "company_id",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in ("subject", "description")
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    type: Mapped[TicketType] = mapped_column(enum_type(TicketType))
    # Text, not VARCHAR: the searched columns, where a trigram index can go later.
    subject: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    origin_platform: Mapped[Platform] = mapped_column(enum_type(Platform))
    origin_chat_id: Mapped[str] = mapped_column(String(CHAT_ID))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"), index=True)
    work_blocked: Mapped[bool] = mapped_column(Boolean)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    preferred_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    expected_close: Mapped[date | None] = mapped_column(Date)
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    sla_remaining: Mapped[timedelta | None] = mapped_column(Interval)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean)
    csat_rating: Mapped[int | None] = mapped_column(Integer)
    csat_comment: Mapped[str | None] = mapped_column(Text)
    support_token_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("support_tokens.id"))


class EntryRow(Base):
    __tablename__ = "ticket_entries"
    __table_args__ = (Index(None, "ticket_id", "created_at"),)

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind))
    author_kind: Mapped[AuthorKind] = mapped_column(enum_type(AuthorKind))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    author_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(json_type())


class MessageRefRow(Base):
    __tablename__ = "message_refs"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id"),
        Index(None, "ticket_id", "platform"),
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    platform: Mapped[Platform] = mapped_column(enum_type(Platform))
    chat_id: Mapped[str] = mapped_column(String(CHAT_ID))
    message_id: Mapped[str] = mapped_column(String(CHAT_ID))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticket_entries.id"), index=True)
    shown: Mapped[str | None] = mapped_column(String(64))


class AttachmentRow(Base):
    __tablename__ = "attachments"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticket_entries.id"), index=True)
    uploader_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    uploader_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))


class InviteRow(Base):
    __tablename__ = "invites"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class RegistrationRow(Base):
    __tablename__ = "registrations"
    __table_args__ = (Index(None, "identity_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    identity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_identities.id"))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    email: Mapped[str] = mapped_column(String(ADDRESS))
    code_hash: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    tries: Mapped[int] = mapped_column(Integer)
    resends: Mapped[int] = mapped_column(Integer)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    name: Mapped[str | None] = mapped_column(String(NAME))


_PENDING = "delivered_at IS NULL AND failed_at IS NULL"


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The delivery worker's scan: pending (both NULL) and due.
        Index(None, "delivered_at", "failed_at", "next_attempt_at"),
        # "Is there an older pending message with my key?", asked for each candidate. Partial,
        # so the answer costs the key's pending messages, not its whole delivered history.
        Index(
            None,
            "ordering_key",
            "seq",
            postgresql_where=text(_PENDING),
            sqlite_where=text(_PENDING),
        ),
        # AUTOINCREMENT: SQLite would otherwise reuse the seq of a deleted newest row.
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    ordering_key: Mapped[str] = mapped_column(String(400))
    audience: Mapped[Audience] = mapped_column(enum_type(Audience))
    platform: Mapped[Platform | None] = mapped_column(enum_type(Platform))
    chat_id: Mapped[str | None] = mapped_column(String(ADDRESS))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(json_type())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # No foreign key: the outbox is a delivery queue and must never block or order a write.
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class InboxRow(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index(None, "processed_at", "received_at"),
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    platform: Mapped[Platform] = mapped_column(enum_type(Platform))
    event_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(json_type())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class ConversationRow(Base):
    """Where each chat is in a conversation with the bot (bot.flows.state), so it survives a
    restart. Keyed by platform and chat; old rows are expired by `updated_at`."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(json_type())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SlaMarkRow(Base):
    """core.model.SlaMark: the primary key is what makes a reminder or a breach mark happen
    once across restarts and processes."""

    __tablename__ = "sla_marks"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kind: Mapped[SlaMarkKind] = mapped_column(enum_type(SlaMarkKind), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime)


def compared_on(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database of `dialect`: leave out what the models create
    on another dialect only (`Index(...).ddl_if(dialect=...)`), which autogenerate does not
    honour by itself and would otherwise report as missing."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect

    return include
