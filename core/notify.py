"""Who hears about what: events become outbox rows in the same unit of work as the change.

Audiences: the CUSTOMER is the chat the ticket was opened from; AGENTS is the support desk
(chat_id None: the Slack sender finds the ticket's thread); SUPER_USERS are the company's super
users, in every chat of theirs we can reach (authorization requests). A chat known to be
unreachable (the bot was blocked) falls back to the person's e-mail address, when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from core import events as ev
from core.model import (
    Audience,
    AuthorKind,
    ChatIdentity,
    CustomerUser,
    OutboxMessage,
    Platform,
    Role,
    Ticket,
    TicketStatus,
)
from core.ports import UnitOfWork


class Target(StrEnum):
    CUSTOMER = "customer"
    AGENTS = "agents"
    SUPER_USERS = "super_users"


_BOTH = frozenset({Target.CUSTOMER, Target.AGENTS})
_AGENTS = frozenset({Target.AGENTS})
_CUSTOMER = frozenset({Target.CUSTOMER})
_NOBODY: frozenset[Target] = frozenset()

ROUTES: Mapping[type[ev.Event], frozenset[Target]] = {
    ev.TicketOpened: _BOTH,  # to_authorize: see `targets`
    ev.AuthorizationRequested: frozenset({Target.SUPER_USERS}),
    ev.TicketAuthorized: _BOTH,
    ev.TicketRejected: _CUSTOMER,
    ev.CustomerMessageAdded: _AGENTS,
    ev.CustomerMessageEdited: _AGENTS,
    ev.AgentReplied: _CUSTOMER,
    ev.AgentReplyEdited: _CUSTOMER,
    ev.NoteAdded: _NOBODY,  # it was written in the agents' thread already
    ev.TicketAssigned: _BOTH,
    ev.StatusChanged: _BOTH,
    ev.PriorityChanged: _AGENTS,
    ev.ExpectedCloseSet: _BOTH,
    ev.InfoRequested: _BOTH,
    ev.TicketResolved: _BOTH,
    ev.TicketClosed: _BOTH,
    ev.TicketReopened: _BOTH,
    ev.TicketRated: _AGENTS,
    ev.ExtraMessageReceived: _AGENTS,
    ev.SupportTokenAttached: _AGENTS,
    ev.SupportTokenRevoked: _AGENTS,
    ev.AttachmentAdded: _AGENTS,  # an agent's file goes the other way: see `targets`
    ev.SlaReminderDue: _AGENTS,
    ev.SlaBreached: _AGENTS,
    ev.CustomerUnreachable: _AGENTS,  # written by core.giving_up, not published
}


def targets(event: ev.Event) -> frozenset[Target]:
    if isinstance(event, ev.TicketOpened) and event.status is TicketStatus.TO_AUTHORIZE:
        # Agents hear of it once a super user authorizes it; the reporter learns it waits.
        return _CUSTOMER
    if isinstance(event, ev.AttachmentAdded) and event.by_kind is AuthorKind.AGENT:
        return _CUSTOMER
    return ROUTES[type(event)]


async def publish(
    uow: UnitOfWork, now: datetime, ticket: Ticket, events: Iterable[ev.TicketEvent]
) -> list[OutboxMessage]:
    """Write one outbox row per event and recipient; returns them (in write order)."""
    written: list[OutboxMessage] = []
    for event in events:
        wanted = targets(event)
        if ticket.status is TicketStatus.TO_AUTHORIZE:
            # Support has no thread for it yet: what the customer adds meanwhile is in the
            # history agents get with the authorization.
            wanted -= _AGENTS
        for audience, platform, chat_id in await _recipients(uow, ticket, wanted):
            message = OutboxMessage(
                audience=audience,
                platform=platform,
                chat_id=chat_id,
                event_type=event.event_type,
                payload=event.to_payload(),
                created_at=now,
                next_attempt_at=now,
                ticket_id=ticket.id,
            )
            await uow.outbox.add(message)
            written.append(message)
    return written


Recipient = tuple[Audience, Platform | None, str | None]


async def _recipients(
    uow: UnitOfWork, ticket: Ticket, wanted: frozenset[Target]
) -> list[Recipient]:
    found: list[Recipient] = []
    if Target.CUSTOMER in wanted:
        found.append(await _origin_chat(uow, ticket))
    if Target.AGENTS in wanted:
        found.append((Audience.AGENTS, Platform.SLACK, None))
    if Target.SUPER_USERS in wanted:
        for user in await uow.users.list_for_company(ticket.company_id, Role.SUPER_USER):
            if user.active:
                found.extend(_reachable(user, await uow.identities.list_for_user(user.id)))
    return found


async def _origin_chat(uow: UnitOfWork, ticket: Ticket) -> Recipient:
    chat: Recipient = (Audience.CUSTOMER, ticket.origin_platform, ticket.origin_chat_id)
    identity = await uow.identities.get_by_chat(ticket.origin_platform, ticket.origin_chat_id)
    if identity is None or identity.reachable:
        return chat
    reporter = await uow.users.get(ticket.reporter_id)
    # With nowhere else to go the chat row stays: the sender gives up on it visibly.
    if reporter is None or not reporter.email:
        return chat
    return (Audience.EMAIL, None, reporter.email)


def _reachable(user: CustomerUser, identities: Sequence[ChatIdentity]) -> list[Recipient]:
    chats: list[Recipient] = [
        (Audience.CUSTOMER, i.platform, i.chat_id) for i in identities if i.reachable
    ]
    if not chats and user.email:
        chats.append((Audience.EMAIL, None, user.email))
    return chats


__all__ = ["ROUTES", "Target", "publish", "targets"]
