"""Talking on a ticket (SPEC "Talking on a ticket"): text and files outside any flow go to the
ticket of the message replied to, else the one chosen with Reply, else the only active one, else
a choice, asked in the tiny flow "tickets-talk" (pick / closed / none). Edits follow the copy on
the ticket."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.flows import actions, report
from bot.flows.engine import DONE, HAND_BACK, Session
from bot.flows.io import Button, Edited, Files, Input, Press, Text, keyboard
from bot.flows.menu import show_menu
from bot.flows.state import TicketRef, ref_of
from bot.flows.tickets.common import (
    PAGE_SIZE,
    TALK,
    S,
    enter,
    find,
    leave_tiny_flow,
    num,
    own_active,
    reopen_allowed,
    run,
    ticket_label,
)
from bot.flows.tickets.pending import Pending, keep, pending_of, take_message
from core.commands import AddCustomerMessage, EditCustomerMessage, PlatformMessage, ReopenTicket
from core.errors import DomainError, NotFound, TicketClosed
from core.model import Ticket
from core.services.conversation import add_customer_message, edit_customer_message
from core.services.workflow import reopen_ticket

if TYPE_CHECKING:
    from bot.flows.router import Conversations

log = logging.getLogger(__name__)


async def free_input(s: Session, received: Input) -> None:
    if isinstance(received, Edited):
        await apply_edit(s, received)
        return
    if not isinstance(received, Text | Files):
        show_menu(s)
        return
    message = await take_message(s, received)
    if message is None:
        if isinstance(received, Text):
            show_menu(s)
        return  # the refused files were explained one by one
    await route(s, [message])


async def route(s: Session, messages: list[Pending]) -> None:
    """Deliver to the ticket the person means, or ask: see the module's docstring."""
    ticket = await replied_to(s, messages[-1].reply_to)
    if ticket is None and (chosen_ref := s.state.chosen_ref()) is not None:
        # The chosen ticket, without reading it first: the core checks that it still takes
        # messages, and only if it does not (closed past reopening, or gone) is it forgotten.
        if await deliver(s, chosen_ref, messages, or_else_forget=True) is not None:
            return
    elif ticket is None:
        ticket = await chosen(s)
    if ticket is not None:
        await deliver(s, ticket, messages)
        return
    candidates = await own_active(s)
    if len(candidates) == 1:
        await deliver(s, candidates[0], messages)
        return
    enter(s, TALK, "pick" if candidates else "none", {})
    keep(s, messages)
    await ask_talk(s)


async def replied_to(s: Session, message_id: str | None) -> Ticket | None:
    """The ticket of the message this one replies to (a push, a confirmation, or the
    person's own earlier message), when we know it."""
    if message_id is None:
        return None
    async with s.deps.uow_factory(read_only=True) as uow:
        ref = await uow.refs.find(s.platform, s.identity.chat_id, message_id)
        return await uow.tickets.get(ref.ticket_id) if ref is not None else None


async def chosen(s: Session) -> Ticket | None:
    """The ticket picked with Reply (or last reported, or written on) while it is active,
    or just solved: a message then means "it is not over", and reopening is offered.
    Anything older is forgotten."""
    if s.state.ticket_number is None:
        return None
    try:
        ticket: Ticket | None = await find(s, s.state.ticket_number)
    except DomainError:
        ticket = None
    if ticket is not None and (ticket.status.is_active or reopen_allowed(s, ticket)):
        return ticket
    s.state.choose(None)
    return None


async def deliver(
    s: Session,
    ticket: Ticket | TicketRef,
    messages: Sequence[Pending],
    *,
    or_else_forget: bool = False,
) -> bool | None:
    """Add the messages to the ticket (or its id and number), in order. False when they could
    not be: on a finished ticket they wait while the person decides; a refusal is explained.
    `or_else_forget`: a ticket that is closed past reopening, or no longer visible, is not
    explained but forgotten as the chosen one, and None returned (nothing was added)."""
    ticket_id, number = ref_of(ticket)
    for index, message in enumerate(messages):
        # A message added before a crash, handled again, is not added twice: the core knows
        # it by its source (core.services.conversation.add_customer_message).
        command = AddCustomerMessage(
            actor=s.actor,
            ticket_id=ticket_id,
            text=message.text,
            files=message.new_files(),
            # Where it came from, so the person's later edit finds this entry.
            source=PlatformMessage(s.platform, s.identity.chat_id, message.message_id),
        )
        # The last one shares the line's finishing transaction (Session.last_unit).
        unit = s.last_unit() if index == len(messages) - 1 else s.deps.uow_factory()
        try:
            await add_customer_message(command, unit, s.deps.ctx)
        except TicketClosed as closed:
            if or_else_forget and index == 0 and not closed.reopen_allowed:
                s.state.choose(None)
                return None
            s.state.confirmed = None  # whatever happens next on it is confirmed afresh
            data = {"number": number, "reopen": closed.reopen_allowed}
            enter(s, TALK, "closed", data)
            keep(s, messages[index:])
            await ask_talk(s)
            return False
        except NotFound as gone:
            if or_else_forget and index == 0:
                s.state.choose(None)
                return None
            s.say_error(gone)
            return False
        except DomainError as error:
            s.say_error(error)
            return False
    s.state.choose((ticket_id, number))
    confirm(s, number)
    return True


# A run of messages to one ticket is confirmed once: "✓ Added to #N" again only for another
# ticket, or after this long without one (a customer typing five lines gets one tick, not five).
CONFIRM_AGAIN_AFTER = timedelta(minutes=10)


def confirm(s: Session, number: int) -> None:
    now = s.deps.ctx.clock.now()
    last = s.state.confirmed
    if last is not None and last[0] == number:
        try:
            recent = now - datetime.fromisoformat(last[1]) < CONFIRM_AGAIN_AFTER
        except ValueError:
            recent = False
        if recent:
            return
    s.state.confirmed = (number, now.isoformat())
    s.say("tickets-added", number=num(number), ticket_number=number)


async def apply_edit(s: Session, edited: Edited) -> None:
    """The person edited a message: the copy on the ticket follows, if there is one."""
    async with s.deps.uow_factory(read_only=True) as uow:
        ref = await uow.refs.find(s.platform, s.identity.chat_id, edited.message_id)
    if ref is None or ref.entry_id is None:
        log.info("edit of message %s in %s: not on any ticket", edited.message_id, s.platform)
        return
    command = EditCustomerMessage(s.actor, ref.entry_id, edited.text)
    try:
        await run(s, edit_customer_message, command)
    except TicketClosed as closed:
        s.say("tickets-edit-not-applied", number=str(closed.params.get("number", "")))
    except DomainError as error:
        # Not a message of theirs, or emptied: nothing the person needs to act on.
        log.info("edit of message %s not applied: %s", edited.message_id, error)


# -- the waiting message ("tickets-talk"): pick / closed / none --------------------------------


async def ask_talk(s: Session) -> str | None:
    count = len(pending_of(s))
    new = [Button(s.t("tickets-button-new-report"), actions.flow("new"))]
    cancel = list(s.nav_row(back=False))
    candidates = await own_active(s)
    choices = [
        [Button(ticket_label(s, t), actions.flow(f"n{t.number}"))] for t in candidates[:PAGE_SIZE]
    ]
    if s.state.step == "closed":
        # The ticket they were on is finished; they may have meant another open one.
        n, others = num(int(s.state.data["number"])), len(choices)
        if s.state.data.get("reopen"):
            reopen = [Button(s.t("tickets-button-reopen-send"), actions.flow("reopen"))]
            rows = keyboard(reopen, new, *choices, cancel)
            s.say("tickets-solved-prompt", number=n, others=others, buttons=rows)
        else:
            rows = keyboard(new, *choices, cancel)
            s.say("tickets-closed-prompt", number=n, others=others, buttons=rows)
    elif choices:
        s.state.step = "pick"
        s.say("tickets-which", count=count, buttons=keyboard(*choices, new, cancel))
    else:  # none to begin with, or all finished meanwhile
        s.state.step = "none"
        s.say("tickets-none", count=count, buttons=keyboard(new, cancel))
    return None


async def answer_talk(conversations: Conversations, s: Session, received: Input) -> str | None:
    if isinstance(received, Press):
        return await talk_press(conversations, s, received)
    if isinstance(received, Edited):
        await edit_pending(s, received)
        return None
    if isinstance(received, Text | Files):
        await more_input(s, received)
        return None
    return await elsewhere(conversations, s, received)


async def talk_press(conversations: Conversations, s: Session, press: Press) -> str | None:
    if press.data == actions.flow("new"):
        await new_report(conversations, s)
        return None
    if press.data == actions.flow("reopen") and s.state.step == "closed":
        return await reopen_and_send(s)
    chosen = _pressed_number(press)
    if chosen is None:
        return await elsewhere(conversations, s, press)
    ticket = await find(s, chosen)
    return DONE if await deliver(s, ticket, pending_of(s)) else None


async def reopen_and_send(s: Session) -> str | None:
    ticket = await find(s, int(s.state.data["number"]))
    if ticket.status is S.RESOLVED and reopen_allowed(s, ticket):
        ticket = await run(s, reopen_ticket, ReopenTicket(s.actor, ticket.id))
    # Otherwise (the window closed meanwhile) the delivery below asks again, truthfully.
    return DONE if await deliver(s, ticket, pending_of(s)) else None


async def more_input(s: Session, received: Text | Files) -> None:
    """More words or files while we wait for a decision: kept with the rest, unless the
    person replied to a ticket's message, which decides it."""
    message = await take_message(s, received)
    if message is None:
        return
    messages = [*pending_of(s), message]
    ticket = await replied_to(s, message.reply_to)
    if ticket is None:
        keep(s, messages)
        await ask_talk(s)
        return
    s.state.leave_flow()
    await deliver(s, ticket, messages)


async def edit_pending(s: Session, edited: Edited) -> None:
    """An edit of a message still waiting changes what will be sent."""
    messages = pending_of(s)
    if not any(m.message_id == edited.message_id for m in messages):
        await apply_edit(s, edited)
        return
    keep(
        s,
        [
            Pending(edited.text, m.message_id, m.files, m.reply_to)
            if m.message_id == edited.message_id
            else m
            for m in messages
        ],
    )


async def new_report(conversations: Conversations, s: Session) -> None:
    """Start a report; files the person already sent come along (the report flow keeps
    files in the same shape). Their words do not: the report asks its own questions."""
    files = [f for m in pending_of(s) for f in m.files][: s.deps.limits.max_attachments]
    if files:
        s.say("tickets-files-carried", count=len(files))
    await conversations.engine.start(s, report.NAME)
    if files:
        s.state.data["files"] = files


# -- leaving a tiny flow -----------------------------------------------------------------------


async def elsewhere(conversations: Conversations, s: Session, received: Input) -> str | None:
    """An input that is not an answer to our tiny flow's question: leave the flow (saying so if
    a waiting message is dropped) and let the router handle the input."""
    leave_tiny_flow(s)
    return HAND_BACK


def _pressed_number(received: Input) -> int | None:
    """A ticket chosen for a waiting message: its button (f:n<number>), or its Reply button."""
    if not isinstance(received, Press):
        return None
    if match := re.fullmatch(r"f:n(\d+)", received.data):
        return int(match.group(1))
    action = actions.parse(received.data)
    if action.kind == actions.TICKET and action.part(1) == "reply":
        return action.ticket_number
    return None


async def talk_cancelled(s: Session) -> None:
    s.say("tickets-pending-cancelled")
