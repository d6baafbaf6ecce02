"""The ports the core needs from the outside world, as Protocols.

storage/ implements the repositories and the unit of work (SQLAlchemy); tests/unit/fakes.py
implements them in memory. Both must pass the same contract suite.

Repositories hand out copies: a service that changes an entity calls `update` with it, and
nothing is visible to others before `UnitOfWork.commit`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from core.model import (
    Agent,
    Attachment,
    ChatIdentity,
    Company,
    CustomerUser,
    InboxEvent,
    Invite,
    MessageRef,
    OutboxMessage,
    Platform,
    Priority,
    Product,
    Registration,
    Role,
    Side,
    SlaMark,
    SupportToken,
    Ticket,
    TicketEntry,
    TicketStatus,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class Scope(StrEnum):
    ACTIVE = "active"  # not archived, status active
    ALL = "all"  # not archived
    ARCHIVED = "archived"  # archived only
    ANY = "any"  # archived or not, any status (search: archiving hides, it does not delete)


@dataclass(frozen=True)
class TicketQuery:
    """A filter for ticket lists. Pages are newest first; `before_number` is the keyset cursor."""

    company_id: uuid.UUID | None = None
    reporter_id: uuid.UUID | None = None
    scope: Scope = Scope.ACTIVE
    statuses: frozenset[TicketStatus] | None = None
    product_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    priority: Priority | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    text: str | None = None  # case-insensitive, in subject and description
    sla_due_before: datetime | None = None
    resolved_before: datetime | None = None  # inclusive
    before_number: int | None = None
    limit: int = 10


@dataclass(frozen=True)
class TicketPage:
    tickets: Sequence[Ticket]
    next_before_number: int | None  # None when this is the last page


class CompanyRepository(Protocol):
    async def add(self, company: Company) -> None: ...
    async def get(self, company_id: uuid.UUID) -> Company | None: ...
    async def get_by_tax_id(self, tax_id: str) -> Company | None: ...
    async def list(self) -> Sequence[Company]: ...
    async def update(self, company: Company) -> None: ...


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None: ...
    async def get(self, product_id: uuid.UUID) -> Product | None: ...
    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[Product]: ...
    async def find_by_license(self, company_id: uuid.UUID, license_number: str) -> Product | None:
        """Exact match on the license number, after trimming whitespace; case-insensitive."""
        ...


class UserRepository(Protocol):
    async def add(self, user: CustomerUser) -> None: ...
    async def get(self, user_id: uuid.UUID) -> CustomerUser | None: ...
    async def update(self, user: CustomerUser) -> None: ...
    async def list_for_company(
        self, company_id: uuid.UUID, role: Role | None = None
    ) -> Sequence[CustomerUser]: ...
    async def get_by_email(self, company_id: uuid.UUID, email: str) -> CustomerUser | None:
        """Case-insensitive match."""
        ...

    async def count_active(self, company_id: uuid.UUID) -> int: ...


class IdentityRepository(Protocol):
    async def add(self, identity: ChatIdentity) -> None: ...
    async def get(self, identity_id: uuid.UUID) -> ChatIdentity | None: ...
    async def get_by_platform_user(
        self, platform: Platform, platform_user_id: str
    ) -> ChatIdentity | None: ...
    async def get_by_chat(self, platform: Platform, chat_id: str) -> ChatIdentity | None: ...
    async def get_by_chat_with_user(
        self, platform: Platform, chat_id: str
    ) -> tuple[ChatIdentity | None, CustomerUser | None]:
        """`get_by_chat` and the user the identity is linked to, in one read."""
        ...

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[ChatIdentity]: ...
    async def update(self, identity: ChatIdentity) -> None: ...


class AgentRepository(Protocol):
    async def add(self, agent: Agent) -> None: ...
    async def add_if_new(self, agent: Agent) -> bool:
        """Add unless an agent with this Slack user id exists (a concurrent first sighting
        included); False when one did."""
        ...

    async def get(self, agent_id: uuid.UUID) -> Agent | None: ...
    async def get_by_slack_id(self, slack_user_id: str) -> Agent | None: ...
    async def list(self, active_only: bool = True) -> Sequence[Agent]: ...
    async def update(self, agent: Agent) -> None: ...


class TicketRepository(Protocol):
    async def next_number(self) -> int:
        """The next human ticket number: sequential, never reused, safe under concurrency.

        Taken inside the caller's transaction, so a rolled-back creation leaves no gap.
        """
        ...

    async def add(self, ticket: Ticket) -> None: ...
    async def get(self, ticket_id: uuid.UUID) -> Ticket | None: ...
    async def get_with_company(self, ticket_id: uuid.UUID) -> tuple[Ticket, Company] | None:
        """The ticket and its company, in one read."""
        ...

    async def get_by_number(self, number: int) -> Ticket | None: ...
    async def update(self, ticket: Ticket) -> None: ...
    async def list(self, query: TicketQuery) -> TicketPage: ...
    async def count_by_status(self) -> dict[TicketStatus, int]:
        """Over all tickets, archived ones too; a status without tickets may be left out."""
        ...


class EntryRepository(Protocol):
    async def add(self, entry: TicketEntry) -> None: ...
    async def get(self, entry_id: uuid.UUID) -> TicketEntry | None: ...
    async def update(self, entry: TicketEntry) -> None: ...
    async def list_for_ticket(
        self, ticket_id: uuid.UUID, public_only: bool = False
    ) -> Sequence[TicketEntry]:
        """Oldest first."""
        ...

    async def mark_read(self, ticket_id: uuid.UUID, reader: Side, at: datetime) -> int:
        """Set read_at on the other side's public entries not yet read; returns how many.

        The other side of Side.CUSTOMER is AuthorKind.AGENT, of Side.SUPPORT
        AuthorKind.CUSTOMER; SYSTEM entries belong to neither side and are never unread.
        """
        ...

    async def count_unread(
        self, ticket_ids: Sequence[uuid.UUID], reader: Side
    ) -> dict[uuid.UUID, int]:
        """Per ticket, how many of the other side's public entries `reader` has not read.

        Every ticket asked about is in the answer, zero included.
        """
        ...


class MessageRefRepository(Protocol):
    async def add(self, ref: MessageRef) -> None: ...
    async def add_if_new(self, ref: MessageRef) -> bool:
        """Add unless a reference to the same chat message exists (an edited message shown
        again); whether it was added. One statement, where find-then-add were two."""
        ...

    async def find(
        self, platform: Platform, chat_id: str, message_id: str
    ) -> MessageRef | None: ...
    async def for_ticket(self, ticket_id: uuid.UUID, platform: Platform) -> Sequence[MessageRef]:
        """The ticket's references on one platform, the anchor (entry_id None) first."""
        ...

    async def anchor(
        self, ticket_id: uuid.UUID, platform: Platform, chat_id: str
    ) -> MessageRef | None:
        """The ticket's anchor in one chat (the first message about it there, entry_id None):
        one row, however long the ticket's conversation has grown."""
        ...

    async def for_entry(self, entry_id: uuid.UUID) -> Sequence[MessageRef]: ...
    async def set_shown(self, ref_id: uuid.UUID, shown: str) -> None:
        """Record what the referenced message shows now (MessageRef.shown)."""
        ...


class AttachmentRepository(Protocol):
    async def add(self, attachment: Attachment) -> None: ...
    async def get(self, attachment_id: uuid.UUID) -> Attachment | None: ...
    async def list_for_ticket(self, ticket_id: uuid.UUID) -> Sequence[Attachment]: ...
    async def list_for_entry(self, entry_id: uuid.UUID) -> Sequence[Attachment]: ...
    async def count_for_ticket(self, ticket_id: uuid.UUID) -> int: ...
    async def keys_in_use(self, storage_keys: Sequence[str]) -> set[str]:
        """Which of these stored files an attachment refers to."""
        ...


class InviteRepository(Protocol):
    async def add(self, invite: Invite) -> None: ...
    async def get_by_token_hash(self, token_hash: str) -> Invite | None: ...
    async def update(self, invite: Invite) -> None: ...


class RegistrationRepository(Protocol):
    async def add(self, registration: Registration) -> None: ...
    async def get(self, registration_id: uuid.UUID) -> Registration | None: ...
    async def latest_for_identity(self, identity_id: uuid.UUID) -> Registration | None: ...
    async def update(self, registration: Registration) -> None: ...


class SupportTokenRepository(Protocol):
    async def add(self, token: SupportToken) -> None: ...
    async def get(self, token_id: uuid.UUID) -> SupportToken | None: ...
    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[SupportToken]: ...
    async def update(self, token: SupportToken) -> None: ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> None:
        """Assigns `seq`."""
        ...

    async def claim_due(self, now: datetime, limit: int, lease: float) -> Sequence[OutboxMessage]:
        """Take up to `limit` undelivered, not given-up messages due at `now`.

        Only the oldest undelivered message of each ordering key is due, so one key's messages
        leave in order. A claimed message is leased for `lease` seconds (its next_attempt_at is
        pushed forward) so no other worker takes it; a dead worker's lease simply runs out.
        """
        ...

    async def update(self, message: OutboxMessage) -> None:
        """Record how its delivery went (attempts, next attempt, delivered, failed, last
        error); what the message says never changes once added."""
        ...

    async def update_many(self, messages: Sequence[OutboxMessage]) -> None:
        """`update` for each, in one go."""
        ...

    async def get(self, message_id: uuid.UUID) -> OutboxMessage | None: ...
    async def pending_count(self) -> int: ...
    async def pending_for_key(self, ordering_key: str) -> Sequence[OutboxMessage]:
        """Undelivered, not given-up messages of one ordering key, oldest first."""
        ...


class InboxRepository(Protocol):
    async def add_if_new(self, event: InboxEvent) -> bool:
        """Record an inbound event; False when (platform, event_id) was already recorded."""
        ...

    async def add_new(self, events: Sequence[InboxEvent]) -> int:
        """`add_if_new` for each, in one go; how many were new."""
        ...

    async def get(self, event_id: uuid.UUID) -> InboxEvent | None: ...
    async def unprocessed(self, limit: int, skip: int = 0) -> Sequence[InboxEvent]:
        """The oldest `limit` unprocessed events after the first `skip` of them."""
        ...

    async def update(self, event: InboxEvent) -> None:
        """Record how its handling went (processed, attempts, last error); the payload stays."""
        ...

    async def finish(self, event: InboxEvent) -> bool:
        """Store the event as processed, unless it already is (another handler, in this
        process or another, finished it first): False then, and nothing is written. A
        concurrent finisher waits for the first one's transaction and then finds it done."""
        ...


class SlaMarkRepository(Protocol):
    async def add_if_new(self, mark: SlaMark) -> bool:
        """Record the mark; False when (ticket, kind, due time) was recorded already (by this
        or another process: the second writer waits for the first's commit, then adds nothing).
        """
        ...

    async def list_for_tickets(self, ticket_ids: Sequence[uuid.UUID]) -> Sequence[SlaMark]:
        """Every mark of these tickets, oldest due time first."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit` rolls everything back."""

    companies: CompanyRepository
    products: ProductRepository
    users: UserRepository
    identities: IdentityRepository
    agents: AgentRepository
    tickets: TicketRepository
    entries: EntryRepository
    refs: MessageRefRepository
    attachments: AttachmentRepository
    invites: InviteRepository
    registrations: RegistrationRepository
    support_tokens: SupportTokenRepository
    outbox: OutboxRepository
    inbox: InboxRepository
    sla_marks: SlaMarkRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        """A new unit of work. A read-only one must not write (storage refuses it); on SQLite
        it reads a snapshot instead of queueing behind a writer's lock. `autocommit`: for a
        unit of work whose statements each stand alone (one write, idempotent writes that need
        no all-or-nothing, reads after a write), each of which then commits by itself (on
        PostgreSQL without the BEGIN and COMMIT round trips); commit() is still called, and
        does nothing more."""
        ...


@dataclass(frozen=True)
class StoredFile:
    key: str  # content address; safe to use as a path component
    size: int
    sha256: str


class FileTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file larger than {limit} bytes")
        self.limit = limit


class FileStore(Protocol):
    async def put(self, chunks: AsyncIterator[bytes], max_size: int | None = None) -> StoredFile:
        """Stream chunks to storage; raises FileTooLarge (keeping nothing) past `max_size`."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """Stream a stored file back in chunks."""
        ...

    async def exists(self, key: str) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def unused_keys(
        self, older_than: float, limit: int = 1000, after: str | None = None
    ) -> Sequence[str]:
        """Keys of files not stored (nor stored again) for `older_than` seconds, in key
        order after `after`, at most `limit`."""
        ...

    async def delete_if_unused(self, key: str, older_than: float) -> bool:
        """Delete the file unless it was stored again within `older_than` seconds."""
        ...

    async def purge_temp(self, older_than: float = 3600.0) -> int:
        """Delete what uploads cut off by a crash left behind; how many went."""
        ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str) -> None: ...


class Sender(Protocol):
    """Delivers one outbox message to its platform.

    Raises `DeliveryError` subclasses (core.delivery) to say whether and when to retry.
    """

    async def send(self, message: OutboxMessage) -> None: ...


class SecretSource(Protocol):
    """Randomness for tokens and codes; deterministic fakes make tests repeatable."""

    def token(self, nbytes: int = 24) -> str:
        """A URL-safe random token."""
        ...

    def digits(self, count: int) -> str:
        """A random string of `count` decimal digits."""
        ...


__all__ = [
    "AgentRepository",
    "AttachmentRepository",
    "Clock",
    "CompanyRepository",
    "EntryRepository",
    "FileStore",
    "FileTooLarge",
    "IdentityRepository",
    "InboxRepository",
    "InviteRepository",
    "Mailer",
    "MessageRefRepository",
    "OutboxRepository",
    "ProductRepository",
    "RegistrationRepository",
    "Scope",
    "SecretSource",
    "Sender",
    "SlaMarkRepository",
    "StoredFile",
    "SupportTokenRepository",
    "TicketPage",
    "TicketQuery",
    "TicketRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]
