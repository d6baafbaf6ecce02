"""Ticket buttons (reply, ok, ns, rate, reopen, new, auth, rej, archive, unarchive): through the
core services, which check every permission, so a forged button gets a refusal and changes
nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import presentation
from bot.flows import actions, report
from bot.flows.actions import Action
from bot.flows.engine import Session
from bot.flows.io import Button, keyboard
from bot.flows.tickets.common import (
    COMMENT,
    REJECT,
    S,
    action_number,
    enter,
    find,
    leave_tiny_flow,
    may_rate,
    num,
    pushed_here,
    reopen_allowed,
    run,
    star_buttons,
)
from bot.flows.tickets.detail import show_detail
from bot.flows.tickets.followups import ask_comment, ask_reason
from core.commands import (
    ArchiveTicket,
    AuthorizeTicket,
    ConfirmResolved,
    RateTicket,
    ReopenTicket,
    ReportNotSolved,
    UnarchiveTicket,
)
from core.errors import PermissionDenied
from core.model import Ticket
from core.services.tickets import archive_ticket, authorize_ticket, rate_ticket, unarchive_ticket
from core.services.workflow import confirm_resolved, reopen_ticket, report_not_solved

if TYPE_CHECKING:
    from bot.flows.router import Conversations


# -- archiving ---------------------------------------------------------------------------------


async def archive(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    await run(s, archive_ticket, ArchiveTicket(s.actor, ticket.id))
    notice = s.text("tickets-archived", number=num(ticket.number))
    await show_detail(s, ticket.number, notice=notice)


async def unarchive(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    await run(s, unarchive_ticket, UnarchiveTicket(s.actor, ticket.id))
    notice = s.text("tickets-unarchived", number=num(ticket.number))
    await show_detail(s, ticket.number, notice=notice)


# -- writing on a ticket, reopening ------------------------------------------------------------


async def reply(s: Session, action: Action) -> None:
    leave_tiny_flow(s)
    ticket = await find(s, action_number(action))
    if not ticket.status.is_active:
        not_active(s, ticket)
        return
    s.state.choose(ticket)
    n = ticket.number
    s.say("tickets-write-now", number=num(n), ticket_number=n)


def not_active(s: Session, ticket: Ticket) -> None:
    """Someone wants to write on a finished ticket: reopen it (resolved, within the
    window), or open a new one (seed 004: closed requests cannot be updated)."""
    n = ticket.number
    new = Button(s.t("tickets-button-new-report"), actions.ticket(n, "new"))
    if ticket.status is S.RESOLVED and reopen_allowed(s, ticket):
        reopen = Button(s.t("tickets-button-reopen"), actions.ticket(n, "reopen"))
        s.say("tickets-reply-solved", number=num(n), buttons=keyboard([reopen], [new]))
    else:
        status = presentation.status_name(s.t, ticket.status)
        s.say("tickets-reply-closed", number=num(n), status=status, buttons=keyboard([new]))


async def not_solved(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    if ticket.status is not S.RESOLVED:
        no_confirmation(s, ticket)
    elif not reopen_allowed(s, ticket):
        not_active(s, ticket)
    else:
        ticket = await run(s, report_not_solved, ReportNotSolved(s.actor, ticket.id))
        reopened(s, ticket)


async def reopen(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    if ticket.status.is_active:  # pressed twice, or reopened meanwhile: just talk on it
        s.state.choose(ticket)
        s.say("tickets-write-now", number=num(ticket.number), ticket_number=ticket.number)
    elif ticket.status is S.RESOLVED and reopen_allowed(s, ticket):
        ticket = await run(s, reopen_ticket, ReopenTicket(s.actor, ticket.id))
        reopened(s, ticket)
    else:
        not_active(s, ticket)


def reopened(s: Session, ticket: Ticket) -> None:
    # The core's push says "open again" in the ticket's own chat; here we ask for the why.
    s.state.choose(ticket)
    pushed = 1 if pushed_here(s, ticket) else 0
    s.say("tickets-tell-what-is-wrong", number=num(ticket.number), pushed=pushed)


async def new(conversations: Conversations, s: Session, action: Action) -> None:
    leave_tiny_flow(s)
    await conversations.engine.start(s, report.NAME)


# -- confirming and rating ---------------------------------------------------------------------


async def confirm(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    if ticket.status is not S.RESOLVED:
        no_confirmation(s, ticket)
        return
    ticket = await run(s, confirm_resolved, ConfirmResolved(s.actor, ticket.id))
    if pushed_here(s, ticket):
        return  # the push thanks and asks for stars ("closed, rate us"): once is enough
    stars = keyboard(star_buttons(s, ticket.number)) if may_rate(s, ticket) else ()
    s.say("tickets-confirmed", number=num(ticket.number), rate=1 if stars else 0, buttons=stars)


def no_confirmation(s: Session, ticket: Ticket) -> None:
    status = presentation.status_name(s.t, ticket.status)
    s.say("tickets-not-resolved", number=num(ticket.number), status=status)


async def rate(s: Session, action: Action) -> None:
    leave_tiny_flow(s)
    ticket = await find(s, action_number(action))
    stars = action.part(2)
    if not stars.isdigit():
        s.say("button-expired")
        return
    await run(s, rate_ticket, RateTicket(s.actor, ticket.id, int(stars)))
    enter(s, COMMENT, "comment", {"number": ticket.number, "rating": int(stars)})
    await ask_comment(s)


# -- authorizing -------------------------------------------------------------------------------


async def authorize(s: Session, action: Action) -> None:
    ticket = await find(s, action_number(action))
    if ticket.status is not S.TO_AUTHORIZE:
        decided(s, ticket)
        return
    await run(s, authorize_ticket, AuthorizeTicket(s.actor, ticket.id))
    s.say("tickets-authorized", number=num(ticket.number))


async def reject(s: Session, action: Action) -> None:
    leave_tiny_flow(s)
    ticket = await find(s, action_number(action))
    if not s.is_super_user:
        # Asking a member for a reason first would only delay the same refusal.
        raise PermissionDenied()
    if ticket.status is not S.TO_AUTHORIZE:
        decided(s, ticket)
        return
    enter(s, REJECT, "reason", {"number": ticket.number})
    await ask_reason(s)


def decided(s: Session, ticket: Ticket) -> None:
    status = presentation.status_name(s.t, ticket.status)
    s.say("tickets-already-decided", number=num(ticket.number), status=status)
