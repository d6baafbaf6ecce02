"""What the ticket modules share: calling a core service, finding a ticket, small texts and
buttons, the tiny flows' names and how a flow of ours is entered and left."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot import presentation
from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Session
from bot.flows.io import Button, Keyboard, Say
from bot.flows.tickets.pending import pending_of
from bot.pushes import excerpt
from core import lifecycle
from core.commands import FindTicket, ListTickets
from core.context import Context
from core.model import Ticket, TicketStatus
from core.ports import Scope, UnitOfWork
from core.services.queries import find_ticket, list_tickets

S = TicketStatus
PAGE_SIZE = 8  # tickets per list page: one button each, plus navigation, fits a phone screen
CANDIDATES = 50  # active tickets looked at when routing a message (the service's page cap)
SUBJECT_IN_BUTTON = 28  # characters of a subject in a button label (phones cut long labels anyway)

TALK = "tickets-talk"  # a message waiting for its ticket: pick / closed / none
COMMENT = "tickets-comment"  # an optional comment after a rating
REJECT = "tickets-reject"  # an optional reason for a rejection
TINY_FLOWS = frozenset({TALK, COMMENT, REJECT})

R = TypeVar("R")
Service = Callable[[Any, UnitOfWork, Context], Awaitable[R]]


async def run(s: Session, service: Service[R], command: object, *, read_only: bool = False) -> R:
    """Call a core service the way every call here does: a fresh unit of work, the context."""
    return await service(command, s.deps.uow_factory(read_only=read_only), s.deps.ctx)


def num(number: int) -> str:
    # As text: Fluent would group a number's digits ("#1,042").
    return str(number)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def show(s: Session, text: str, buttons: Keyboard = (), *, replace: bool = False) -> None:
    """Say a text composed here from translated (already escaped) parts."""
    s.emit(Say(text, buttons=buttons, replace_message_id=s.pressed_message_id if replace else None))


def pushed_here(s: Session, ticket: Ticket) -> bool:
    """Whether the core's push for a customer's own action (closed, reopened) reaches this
    chat: pushes go to the chat the ticket was opened from."""
    return ticket.origin_platform == s.platform and ticket.origin_chat_id == s.identity.chat_id


def ticket_label(s: Session, ticket: Ticket, unread: int = 0) -> str:
    """A ticket as a button: ‼️ 🟡 #1042 Subject… · In progress (plain text)."""
    return s.t(
        "tickets-button",
        unread=unread,
        icon=presentation.urgency_icon(ticket.priority),
        number=num(ticket.number),
        subject=excerpt(ticket.subject, SUBJECT_IN_BUTTON),
        status=presentation.status_name(s.t, ticket.status),
    )


def enter(s: Session, flow: str, step: str, data: dict[str, Any]) -> None:
    """Start one of this package's tiny flows at `step` with `data` already in place.

    `FlowEngine.start` begins at a flow's first step with empty data; here the data (the
    pending message, the ticket) exists before the question, which then reads it.
    """
    s.state.leave_flow()
    s.state.flow, s.state.step, s.state.data = flow, step, data


async def find(s: Session, number: int) -> Ticket:
    """The ticket, if this person may see it: NotFound otherwise (forged or stale buttons)."""
    return await run(s, find_ticket, FindTicket(s.actor, number), read_only=True)


def may_rate(s: Session, ticket: Ticket) -> bool:
    return ticket.status is S.CLOSED and s.user is not None and ticket.reporter_id == s.user.id


def star_buttons(s: Session, number: int) -> list[Button]:
    return [
        Button(s.t("tickets-button-stars", stars=k), actions.ticket(number, "rate", k))
        for k in range(1, 6)
    ]


def reopen_allowed(s: Session, ticket: Ticket) -> bool:
    config, now = s.deps.ctx.config, s.deps.ctx.clock.now()
    return lifecycle.reopen_window_open(ticket, now, config.reopen_window)


def action_number(action: Action) -> int:
    assert action.ticket_number is not None  # the router only hands over t:<number>:...
    return action.ticket_number


async def own_active(s: Session) -> list[Ticket]:
    """The person's own active tickets, newest first (a super user's list also holds
    colleagues' tickets, but a message typed into the chat is about one's own)."""
    listed = await run(
        s, list_tickets, ListTickets(s.actor, Scope.ACTIVE, limit=CANDIDATES), read_only=True
    )
    assert s.user is not None
    return [t for t in listed.tickets if t.reporter_id == s.user.id]


def leave_tiny_flow(s: Session) -> None:
    """Another action replaces a pending question of ours; say so if a message is dropped."""
    if s.state.flow not in TINY_FLOWS:
        return
    dropped = len(pending_of(s)) if s.state.flow == TALK else 0
    s.state.leave_flow()
    if dropped:
        s.say("tickets-pending-dropped", count=dropped)
