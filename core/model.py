"""The ticket engine's entities: plain dataclasses and enums, no I/O.

Entities are mutable and identified by a UUID the core assigns; repositories store copies, so a
service that changes an entity must hand it back with the repository's `update`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Platform(StrEnum):
    """A chat platform. The core treats these as opaque names."""

    TELEGRAM = "telegram"
    SLACK = "slack"


class Plan(StrEnum):
    BASIC = "basic"
    BUSINESS = "business"
    PREMIUM = "premium"


class Role(StrEnum):
    SUPER_USER = "super_user"
    MEMBER = "member"
    RESTRICTED = "restricted"


class TicketType(StrEnum):
    ERROR = "error"
    QUESTION = "question"
    REQUEST = "request"
    OTHER = "other"
    EXTRA_MESSAGE = "extra_message"


class TicketStatus(StrEnum):
    TO_AUTHORIZE = "to_authorize"
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"

    @property
    def is_active(self) -> bool:
        """Active tickets are the ones a customer can still talk on without reopening."""
        return self in ACTIVE_STATUSES


ACTIVE_STATUSES = frozenset(
    {
        TicketStatus.TO_AUTHORIZE,
        TicketStatus.NEW,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_CUSTOMER,
    }
)


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class EntryKind(StrEnum):
    CUSTOMER_MESSAGE = "customer_message"
    AGENT_REPLY = "agent_reply"
    INTERNAL_NOTE = "internal_note"
    STATUS_CHANGE = "status_change"
    SYSTEM = "system"

    @property
    def is_public(self) -> bool:
        """Whether the customer may ever see an entry of this kind."""
        return self is not EntryKind.INTERNAL_NOTE


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class Side(StrEnum):
    """Which side reads: unread markers are tracked both ways (seed 002's !! and ??)."""

    CUSTOMER = "customer"
    SUPPORT = "support"


class Audience(StrEnum):
    """Who an outbox message is for."""

    CUSTOMER = "customer"  # one customer's chat
    AGENTS = "agents"  # the support desk (the ticket's thread in the agents' channel)
    EMAIL = "email"  # an e-mail address (fallback when a chat cannot be reached)


@dataclass
class BusinessCalendar:
    """When support works, for SLA arithmetic. Weekdays are Monday=0 .. Sunday=6."""

    timezone: str = "Europe/Warsaw"
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    holidays: frozenset[date] = frozenset()


@dataclass
class Company:
    name: str
    tax_id: str
    plan: Plan = Plan.BASIC
    new_users_restricted: bool = False
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    max_users: int | None = None  # a plan may cap how many users may use the bot (seed 003)
    id: uuid.UUID = field(default_factory=new_id)
    created_at: datetime | None = None


@dataclass
class Product:
    company_id: uuid.UUID
    name: str
    license_number: str
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class CustomerUser:
    company_id: uuid.UUID
    role: Role
    name: str
    email: str | None = None
    phone: str | None = None
    language: str = "en"
    active: bool = True
    id: uuid.UUID = field(default_factory=new_id)
    created_at: datetime | None = None


@dataclass
class ChatIdentity:
    """A person as one chat platform knows them; linked to a CustomerUser once verified."""

    platform: Platform
    platform_user_id: str
    chat_id: str
    user_id: uuid.UUID | None = None
    reachable: bool = True
    language_code: str | None = None  # as the chat client reports it
    display_name: str | None = None
    id: uuid.UUID = field(default_factory=new_id)
    created_at: datetime | None = None


@dataclass
class Agent:
    slack_user_id: str
    display_name: str
    active: bool = True
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class Ticket:
    number: int
    company_id: uuid.UUID
    reporter_id: uuid.UUID
    type: TicketType
    subject: str
    description: str
    status: TicketStatus
    priority: Priority
    created_at: datetime
    origin_platform: Platform
    origin_chat_id: str
    product_id: uuid.UUID | None = None
    work_blocked: bool = False
    contact_phone: str | None = None
    assignee_id: uuid.UUID | None = None
    preferred_agent_id: uuid.UUID | None = None
    expected_close: date | None = None
    sla_due_at: datetime | None = None
    # While waiting for the customer the SLA clock stops: the business time that was left is
    # kept here and sla_due_at is recomputed from it when the ticket comes back.
    sla_remaining: timedelta | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    resolution: str | None = None
    archived: bool = False
    csat_rating: int | None = None
    csat_comment: str | None = None
    support_token_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class TicketEntry:
    ticket_id: uuid.UUID
    kind: EntryKind
    author_kind: AuthorKind
    text: str
    created_at: datetime
    author_user_id: uuid.UUID | None = None
    author_agent_id: uuid.UUID | None = None
    edited_at: datetime | None = None
    read_at: datetime | None = None  # when the other side read it
    data: dict[str, Any] = field(default_factory=dict)  # e.g. {"from": "new", "to": "resolved"}
    id: uuid.UUID = field(default_factory=new_id)

    @property
    def is_public(self) -> bool:
        return self.kind.is_public


@dataclass
class MessageRef:
    """Where a ticket or one of its entries lives on a platform (for threading and edits).

    `entry_id` is None for the ticket's own anchor message (Slack parent, the customer's first
    bot message in Telegram).
    """

    platform: Platform
    chat_id: str
    message_id: str
    ticket_id: uuid.UUID
    entry_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=new_id)
    # A digest of what the message shows now (the Slack parent's card): an update that would
    # show the same is skipped, which spares the platform's edit budget.
    shown: str | None = None


@dataclass
class Attachment:
    ticket_id: uuid.UUID
    file_name: str  # sanitised for display; never used as a path
    mime_type: str
    size: int
    sha256: str
    storage_key: str
    created_at: datetime
    entry_id: uuid.UUID | None = None
    uploader_user_id: uuid.UUID | None = None
    uploader_agent_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class Invite:
    token_hash: str  # sha256 of the token; the token itself is shown once and never stored
    company_id: uuid.UUID
    role: Role
    expires_at: datetime
    created_at: datetime
    created_by_user_id: uuid.UUID | None = None  # None: the operator
    used_at: datetime | None = None
    used_by_user_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class Registration:
    """A self-registration in progress: tax id + license checked, e-mail code sent."""

    identity_id: uuid.UUID
    company_id: uuid.UUID
    email: str
    code_hash: str
    expires_at: datetime
    created_at: datetime
    last_sent_at: datetime
    tries: int = 0
    resends: int = 0
    verified_at: datetime | None = None
    name: str | None = None
    id: uuid.UUID = field(default_factory=new_id)


@dataclass
class SupportToken:
    """A one-time code letting agents into the customer's environment (seed 003).

    Stored in clear on purpose: agents are shown it in the ticket's thread.
    """

    code: str
    company_id: uuid.UUID
    creator_id: uuid.UUID
    expires_at: datetime
    created_at: datetime
    ticket_id: uuid.UUID | None = None
    revoked_at: datetime | None = None
    id: uuid.UUID = field(default_factory=new_id)

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass
class OutboxMessage:
    """An event that must reach a chat, written in the same transaction as the change.

    Ordering key: messages with the same (platform, chat_id) or, for agents, the same ticket are
    delivered in `seq` order.
    """

    audience: Audience
    platform: Platform | None  # None for e-mail
    chat_id: str | None  # a customer chat, an e-mail address, or None for the agents' desk
    event_type: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    ticket_id: uuid.UUID | None = None
    seq: int | None = None  # assigned by storage, increasing
    attempts: int = 0
    last_error: str | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None  # gave up
    id: uuid.UUID = field(default_factory=new_id)

    @property
    def ordering_key(self) -> str:
        """Messages sharing this key are delivered one at a time, in `seq` order."""
        if self.audience is Audience.AGENTS:
            return f"agents:{self.ticket_id}"
        return f"{self.audience}:{self.platform or ''}:{self.chat_id}"


class SlaMarkKind(StrEnum):
    REMINDED = "reminded"  # the thread was told the SLA is about to breach
    BREACHED = "breached"  # the SLA breached (the card shows it)


@dataclass
class SlaMark:
    """That one SLA due time of a ticket was reminded of, or breached: recorded once.

    Keyed by (ticket, kind, due time): a due time that moves (priority, a pause, a reopen)
    is a new deadline and may be reminded of again; the same one never twice, whichever
    process sees it first.
    """

    ticket_id: uuid.UUID
    kind: SlaMarkKind
    due_at: datetime
    marked_at: datetime


@dataclass
class InboxEvent:
    """An inbound platform event, recorded before it is acknowledged (unique per platform)."""

    platform: Platform
    event_id: str
    payload: dict[str, Any]
    received_at: datetime
    processed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    id: uuid.UUID = field(default_factory=new_id)
