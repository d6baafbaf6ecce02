"""What every customer sender reads off an outbox message, whatever the platform."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

from bot.flows.io import SAY_EVENT, Say, say_from_payload
from core.delivery import PermanentFailure
from core.model import Audience, MessageRef, OutboxMessage, Platform
from core.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "RenderPush",
    "entry_id_of",
    "mark_unreachable",
    "record_shown",
    "says_of",
    "ticket_id_of",
]

RenderPush = Callable[[OutboxMessage], Awaitable[Sequence[Say]]]


async def says_of(
    message: OutboxMessage, platform: Platform, render_push: RenderPush
) -> tuple[str, Sequence[Say]]:
    """The customer chat and what to say there: a flow's Say as it is, a core event rendered
    in the customer's language. PermanentFailure for a message that is not for this sender."""
    if (
        message.audience is not Audience.CUSTOMER
        or message.platform is not platform
        or not message.chat_id
    ):
        raise PermanentFailure(f"not for a {platform.value} chat: {message.audience}")
    if message.event_type == SAY_EVENT:
        return message.chat_id, [say_from_payload(message.payload)]
    return message.chat_id, await render_push(message)


async def mark_unreachable(
    uow_factory: UnitOfWorkFactory, platform: Platform, chat_id: str
) -> None:
    """The chat cannot be reached (blocked, deleted): pushes fall back to e-mail."""
    async with uow_factory() as uow:
        identity = await uow.identities.get_by_chat(platform, chat_id)
        if identity is not None and identity.reachable:
            identity.reachable = False
            await uow.identities.update(identity)
            await uow.commit()


async def ticket_id_of(uow: UnitOfWork, say: Say, message: OutboxMessage) -> uuid.UUID | None:
    """The ticket a Say is about: a core event's push is about the event's ticket (tickets are
    never deleted, so no lookup is needed); a flow's Say names its ticket by number."""
    if message.event_type != SAY_EVENT and message.ticket_id is not None:
        return message.ticket_id
    if say.ticket_number is not None:
        ticket = await uow.tickets.get_by_number(say.ticket_number)
        return ticket.id if ticket is not None else None
    return message.ticket_id


def entry_id_of(message: OutboxMessage) -> uuid.UUID | None:
    """The ticket entry a push shows (an agent's reply), so a later edit can find its copy."""
    raw = message.payload.get("entry_id")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


async def record_shown(
    uow_factory: UnitOfWorkFactory,
    platform: Platform,
    chat_id: str,
    ticket_id: uuid.UUID,
    shown: Sequence[str],
    entry_id: uuid.UUID | None,
    anchored: bool | None = None,
) -> None:
    """Record the chat messages that show a ticket's Say, so a customer's reply to one of them
    finds the ticket. The ticket's first message in a chat becomes its anchor (entry_id None);
    `anchored`: whether it has one already (None: look it up). A message already recorded (an
    edited one) is left as it is. Each INSERT stands alone (a retry adds what is missing), so
    the unit runs in autocommit: no BEGIN and COMMIT round trips on every delivery."""
    async with uow_factory(autocommit=True) as uow:
        if anchored is None:
            anchored = await uow.refs.anchor(ticket_id, platform, chat_id) is not None
        for message_id in shown:
            ref = MessageRef(
                platform, chat_id, message_id, ticket_id, entry_id if anchored else None
            )
            if await uow.refs.add_if_new(ref):
                anchored = True
        await uow.commit()
