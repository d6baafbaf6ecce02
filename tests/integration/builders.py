"""Small factories for core entities, so tests state only what matters to them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from core.model import (
    Agent,
    Audience,
    AuthorKind,
    Company,
    CustomerUser,
    EntryKind,
    OutboxMessage,
    Platform,
    Priority,
    Role,
    Ticket,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from core.ports import UnitOfWork

# Microseconds on purpose: storage must keep them.
T0 = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)

_serial = itertools.count(1)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def company(**overrides: Any) -> Company:
    n = next(_serial)
    fields: dict[str, Any] = {"name": f"Company {n:04}", "tax_id": f"PL{n:010}", "created_at": T0}
    return Company(**(fields | overrides))


def user(company_id: uuid.UUID, **overrides: Any) -> CustomerUser:
    n = next(_serial)
    fields: dict[str, Any] = {
        "company_id": company_id,
        "role": Role.MEMBER,
        "name": f"User {n:04}",
        "email": f"user{n}@example.com",
        "created_at": T0,
    }
    return CustomerUser(**(fields | overrides))


def agent(**overrides: Any) -> Agent:
    n = next(_serial)
    return Agent(**({"slack_user_id": f"U{n:08}", "display_name": f"Agent {n:04}"} | overrides))


def ticket(number: int, reporter: CustomerUser, **overrides: Any) -> Ticket:
    fields: dict[str, Any] = {
        "number": number,
        "company_id": reporter.company_id,
        "reporter_id": reporter.id,
        "type": TicketType.QUESTION,
        "subject": f"Ticket {number}",
        "description": "Something is wrong.",
        "status": TicketStatus.NEW,
        "priority": Priority.MEDIUM,
        "created_at": minutes(number),
        "origin_platform": Platform.TELEGRAM,
        "origin_chat_id": "1001",
    }
    return Ticket(**(fields | overrides))


def entry(
    ticket_id: uuid.UUID, kind: EntryKind, author_kind: AuthorKind, at: datetime, **overrides: Any
) -> TicketEntry:
    fields: dict[str, Any] = {
        "ticket_id": ticket_id,
        "kind": kind,
        "author_kind": author_kind,
        "text": f"{kind} at {at:%H:%M}",
        "created_at": at,
    }
    return TicketEntry(**(fields | overrides))


def customer_message(ticket_id: uuid.UUID, at: datetime, **overrides: Any) -> TicketEntry:
    return entry(ticket_id, EntryKind.CUSTOMER_MESSAGE, AuthorKind.CUSTOMER, at, **overrides)


def agent_reply(ticket_id: uuid.UUID, at: datetime, **overrides: Any) -> TicketEntry:
    return entry(ticket_id, EntryKind.AGENT_REPLY, AuthorKind.AGENT, at, **overrides)


def outbox_message(chat_id: str | None = "1001", **overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "audience": Audience.CUSTOMER,
        "platform": Platform.TELEGRAM,
        "chat_id": chat_id,
        "event_type": "agent_replied",
        "payload": {"text": "hello", "n": 1},
        "created_at": T0,
        "next_attempt_at": T0,
    }
    return OutboxMessage(**(fields | overrides))


async def add_customer(uow: UnitOfWork, **user_overrides: Any) -> CustomerUser:
    """A company with one user in it; returns the user."""
    owner = company()
    await uow.companies.add(owner)
    reporter = user(owner.id, **user_overrides)
    await uow.users.add(reporter)
    return reporter
