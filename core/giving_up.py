"""When the outbox gives up on a customer: tell the agents, and use e-mail instead.

Runs in the transaction that records the message given up (core.delivery `on_give_up`), so the
notice, the e-mail row and the "failed" mark are written together or not at all.

- The bot was blocked, or the chat is gone: every message still queued for that chat would
  fail the same way, so they are all given up now (the outbox does not keep trying), and the
  agents of each ticket concerned are told once.
- Retries exhausted (the messenger kept failing for DELIVERY_GIVE_UP_MINUTES): that message
  is given up and its ticket's agents told.
- A ticket event (not a flow's interactive reply, which means nothing out of its chat) then
  goes to the person's e-mail address, if there is one. It never reached the chat, so the
  customer does not get it twice.

`chat_blocked` is the other way the bot learns it: Telegram reports the block (my_chat_member),
and the agents of the customer's open tickets are told then.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from core import events as ev
from core.delivery import BLOCKED, CHAT_GONE, EXHAUSTED
from core.model import (
    Audience,
    ChatIdentity,
    OutboxMessage,
    Platform,
    Ticket,
    TicketStatus,
    new_id,
)
from core.ports import Scope, TicketQuery, UnitOfWork

_REASONS = (BLOCKED, CHAT_GONE, EXHAUSTED)


async def tell_and_reroute(uow: UnitOfWork, message: OutboxMessage, now: datetime) -> None:
    """core.delivery.GiveUpHandler."""
    why = (message.last_error or "").partition(":")[0]
    if message.audience is not Audience.CUSTOMER or why not in _REASONS:
        return  # a malformed message, or no chat: nothing the agents can act on
    given_up = [message]
    if why in (BLOCKED, CHAT_GONE):
        for queued in await uow.outbox.pending_for_key(message.ordering_key):
            if queued.id != message.id:
                queued.failed_at = now
                queued.last_error = message.last_error
                await uow.outbox.update(queued)
                given_up.append(queued)
    email = await _email_of(uow, message)
    told: set[uuid.UUID] = set()
    for each in given_up:
        by_email = email is not None and each.event_type in ev.EVENT_TYPES
        if by_email:
            await uow.outbox.add(
                replace(
                    each,
                    audience=Audience.EMAIL,
                    platform=None,
                    chat_id=email,
                    created_at=now,
                    next_attempt_at=now,
                    seq=None,
                    attempts=0,
                    last_error=None,
                    failed_at=None,
                    delivered_at=None,
                    id=new_id(),
                )
            )
        if (
            each.ticket_id is not None
            and each.ticket_id not in told
            and await _tell_agents(uow, each, why, by_email, now)
        ):
            told.add(each.ticket_id)


async def _email_of(uow: UnitOfWork, message: OutboxMessage) -> str | None:
    if message.platform is None or message.chat_id is None:
        return None
    identity = await uow.identities.get_by_chat(message.platform, message.chat_id)
    if identity is None or identity.user_id is None:
        return None
    user = await uow.users.get(identity.user_id)
    return user.email if user is not None and user.active and user.email else None


async def _tell_agents(
    uow: UnitOfWork, message: OutboxMessage, why: str, by_email: bool, now: datetime
) -> bool:
    """Only about the ticket's own customer: a super user's chat is not the desk's business."""
    assert message.ticket_id is not None
    ticket = await uow.tickets.get(message.ticket_id)
    if ticket is None or (ticket.origin_platform, ticket.origin_chat_id) != (
        message.platform,
        message.chat_id,
    ):
        return False
    await _notice(uow, ticket, why, by_email, now)
    return True


async def _notice(uow: UnitOfWork, ticket: Ticket, why: str, by_email: bool, now: datetime) -> None:
    notice = ev.CustomerUnreachable(
        ticket_id=ticket.id, number=ticket.number, why=why, by_email=by_email
    )
    await uow.outbox.add(
        OutboxMessage(
            audience=Audience.AGENTS,
            platform=Platform.SLACK,
            chat_id=None,
            event_type=notice.event_type,
            payload=notice.to_payload(),
            created_at=now,
            next_attempt_at=now,
            ticket_id=ticket.id,
        )
    )


async def chat_blocked(uow: UnitOfWork, identity: ChatIdentity, now: datetime) -> int:
    """The customer blocked the bot (the platform told us): the agents of each of their open
    tickets from that chat are told now, once, rather than finding out reply by reply (later
    pushes go to the e-mail address, core.notify). Returns how many tickets were concerned."""
    if identity.user_id is None:
        return 0
    user = await uow.users.get(identity.user_id)
    by_email = user is not None and user.active and bool(user.email)
    page = await uow.tickets.list(
        TicketQuery(reporter_id=identity.user_id, scope=Scope.ACTIVE, limit=100)
    )
    told = 0
    for ticket in page.tickets:
        if (ticket.origin_platform, ticket.origin_chat_id) != (identity.platform, identity.chat_id):
            continue
        if ticket.status in (TicketStatus.TO_AUTHORIZE, TicketStatus.REJECTED):
            continue  # not on the desk
        await _notice(uow, ticket, BLOCKED, by_email, now)
        told += 1
    return told


__all__ = ["chat_blocked", "tell_and_reroute"]
