"""What happened: frozen dataclasses the services record and core.notify routes to the outbox.

Each event has a stable `event_type` (stored with every outbox row, so never rename one) and
turns into a JSON-safe payload and back. Payloads carry what a renderer cannot get from the
ticket's current state (who did it, the text at that moment, from/to); renderers load the
fresh ticket for the rest.
"""

from __future__ import annotations

import types
import typing
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, Self

from core.model import AuthorKind, Priority, TicketStatus


@dataclass(frozen=True, kw_only=True)
class Event:
    event_type: ClassVar[str] = ""

    def to_payload(self) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_payload(cls, payload: typing.Mapping[str, Any]) -> Self:
        hints = _field_types(cls)
        # Fields this version does not know (written by a newer one) are left out, not fatal.
        return cls(**{k: _load(hints[k], v) for k, v in payload.items() if k in hints})


_FIELD_TYPES: dict[type[Event], dict[str, Any]] = {}


def _field_types(cls: type[Event]) -> dict[str, Any]:
    """The resolved type of each field (typing.get_type_hints evaluates every annotation
    string again on each call: 3 % of a relay burst's CPU when called per outbox message)."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in fields(cls)}
    return found


@dataclass(frozen=True, kw_only=True)
class TicketEvent(Event):
    ticket_id: uuid.UUID
    number: int


@dataclass(frozen=True, kw_only=True)
class TicketOpened(TicketEvent):
    event_type: ClassVar[str] = "ticket.opened"
    status: TicketStatus  # new, or to_authorize for a restricted reporter
    subject: str
    reporter_name: str
    attachment_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AuthorizationRequested(TicketEvent):
    """Sent to each super user of the company, with Authorize / Reject buttons."""

    event_type: ClassVar[str] = "ticket.authorization_requested"
    subject: str
    reporter_name: str


@dataclass(frozen=True, kw_only=True)
class TicketAuthorized(TicketEvent):
    event_type: ClassVar[str] = "ticket.authorized"
    by_name: str


@dataclass(frozen=True, kw_only=True)
class TicketRejected(TicketEvent):
    event_type: ClassVar[str] = "ticket.rejected"
    by_name: str
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerMessageAdded(TicketEvent):
    event_type: ClassVar[str] = "ticket.customer_message"
    entry_id: uuid.UUID
    author_name: str
    text: str
    attachment_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CustomerMessageEdited(TicketEvent):
    event_type: ClassVar[str] = "ticket.customer_message_edited"
    entry_id: uuid.UUID
    text: str


@dataclass(frozen=True, kw_only=True)
class AgentReplied(TicketEvent):
    event_type: ClassVar[str] = "ticket.agent_reply"
    entry_id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: str
    text: str
    attachment_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AgentReplyEdited(TicketEvent):
    event_type: ClassVar[str] = "ticket.agent_reply_edited"
    entry_id: uuid.UUID
    agent_name: str
    text: str


@dataclass(frozen=True, kw_only=True)
class NoteAdded(TicketEvent):
    event_type: ClassVar[str] = "ticket.note"
    entry_id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: str
    text: str


@dataclass(frozen=True, kw_only=True)
class TicketAssigned(TicketEvent):
    event_type: ClassVar[str] = "ticket.assigned"
    agent_id: uuid.UUID
    agent_name: str
    by_name: str | None


@dataclass(frozen=True, kw_only=True)
class StatusChanged(TicketEvent):
    """A move with no event of its own (new → in_progress, in_progress ⇄ waiting)."""

    event_type: ClassVar[str] = "ticket.status_changed"
    from_status: TicketStatus
    to_status: TicketStatus
    by_kind: AuthorKind
    by_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class PriorityChanged(TicketEvent):
    event_type: ClassVar[str] = "ticket.priority_changed"
    from_priority: Priority
    to_priority: Priority
    by_name: str
    sla_due_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ExpectedCloseSet(TicketEvent):
    event_type: ClassVar[str] = "ticket.expected_close_set"
    expected_close: date | None
    by_name: str


@dataclass(frozen=True, kw_only=True)
class InfoRequested(TicketEvent):
    event_type: ClassVar[str] = "ticket.info_requested"
    entry_id: uuid.UUID
    agent_name: str
    text: str


@dataclass(frozen=True, kw_only=True)
class TicketResolved(TicketEvent):
    event_type: ClassVar[str] = "ticket.resolved"
    resolution: str
    agent_name: str


@dataclass(frozen=True, kw_only=True)
class TicketClosed(TicketEvent):
    event_type: ClassVar[str] = "ticket.closed"
    by_kind: AuthorKind
    by_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketReopened(TicketEvent):
    event_type: ClassVar[str] = "ticket.reopened"
    from_status: TicketStatus
    by_kind: AuthorKind
    by_name: str | None = None
    text: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketRated(TicketEvent):
    event_type: ClassVar[str] = "ticket.rated"
    rating: int
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class ExtraMessageReceived(TicketEvent):
    event_type: ClassVar[str] = "ticket.extra_message"
    author_name: str
    text: str
    attachment_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SupportTokenAttached(TicketEvent):
    event_type: ClassVar[str] = "ticket.support_token_attached"
    token_id: uuid.UUID
    code: str
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class SupportTokenRevoked(TicketEvent):
    event_type: ClassVar[str] = "ticket.support_token_revoked"
    token_id: uuid.UUID
    code: str


@dataclass(frozen=True, kw_only=True)
class AttachmentAdded(TicketEvent):
    """A file added on its own (not with a message); goes to the side that did not upload it."""

    event_type: ClassVar[str] = "ticket.attachment_added"
    attachment_id: uuid.UUID
    file_name: str
    by_kind: AuthorKind
    entry_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class SlaReminderDue(TicketEvent):
    """The SLA breaches soon: said in the thread, to the assignee (the desk's only)."""

    event_type: ClassVar[str] = "ticket.sla_reminder"
    sla_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class SlaBreached(TicketEvent):
    """The SLA due time passed with the ticket still support's to move."""

    event_type: ClassVar[str] = "ticket.sla_breached"
    sla_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class CustomerUnreachable(TicketEvent):
    """The outbox gave up on a message for the customer (core.giving_up): agents are told why,
    and whether it went to the customer's e-mail address instead."""

    event_type: ClassVar[str] = "ticket.customer_unreachable"
    why: str  # core.delivery BLOCKED, CHAT_GONE or EXHAUSTED
    by_email: bool = False


EVENT_TYPES: typing.Mapping[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        TicketOpened,
        AuthorizationRequested,
        TicketAuthorized,
        TicketRejected,
        CustomerMessageAdded,
        CustomerMessageEdited,
        AgentReplied,
        AgentReplyEdited,
        NoteAdded,
        TicketAssigned,
        StatusChanged,
        PriorityChanged,
        ExpectedCloseSet,
        InfoRequested,
        TicketResolved,
        TicketClosed,
        TicketReopened,
        TicketRated,
        ExtraMessageReceived,
        SupportTokenAttached,
        SupportTokenRevoked,
        AttachmentAdded,
        SlaReminderDue,
        SlaBreached,
        CustomerUnreachable,
    )
}


def event_from_payload(event_type: str, payload: typing.Mapping[str, Any]) -> Event:
    """Rebuild an event from an outbox row; ValueError for a type this code does not know."""
    try:
        cls = EVENT_TYPES[event_type]
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}") from None
    return cls.from_payload(payload)


def _dump(value: object) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetime too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    return value


def _load(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _load(inner[0], value)
    if origin is tuple:
        return tuple(_load(typing.get_args(hint)[0], v) for v in value)
    if hint is uuid.UUID:
        return uuid.UUID(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


__all__ = [
    "EVENT_TYPES",
    "AgentReplied",
    "AgentReplyEdited",
    "AttachmentAdded",
    "AuthorizationRequested",
    "CustomerMessageAdded",
    "CustomerMessageEdited",
    "CustomerUnreachable",
    "Event",
    "ExpectedCloseSet",
    "ExtraMessageReceived",
    "InfoRequested",
    "NoteAdded",
    "PriorityChanged",
    "SlaBreached",
    "SlaReminderDue",
    "StatusChanged",
    "SupportTokenAttached",
    "SupportTokenRevoked",
    "TicketAssigned",
    "TicketAuthorized",
    "TicketClosed",
    "TicketEvent",
    "TicketOpened",
    "TicketRated",
    "TicketRejected",
    "TicketReopened",
    "TicketResolved",
    "event_from_payload",
]
