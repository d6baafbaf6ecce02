"""The one-question flows after a ticket button: an optional comment after a rating
("tickets-comment") and an optional reason for a rejection ("tickets-reject")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.flows import actions
from bot.flows.engine import DONE, Session
from bot.flows.io import Button, Edited, Input, Press, Text, keyboard
from bot.flows.menu import show_menu
from bot.flows.tickets.common import Service, find, num, run
from bot.flows.tickets.talk import apply_edit, elsewhere
from core.commands import RateTicket, RejectTicket
from core.errors import DomainError, ValidationError
from core.model import Ticket
from core.services.tickets import rate_ticket, reject_ticket

if TYPE_CHECKING:
    from bot.flows.router import Conversations


async def answer_comment(conversations: Conversations, s: Session, received: Input) -> str | None:
    if isinstance(received, Press) and received.data == actions.flow("skip"):
        show_menu(s, intro="menu-what-next")  # the rating said thanks already
        return DONE
    if isinstance(received, Press):
        return await elsewhere(conversations, s, received)
    if isinstance(received, Edited):
        await apply_edit(s, received)
        return None
    if not isinstance(received, Text) or not received.text.strip():
        s.say("tickets-comment-as-text", buttons=keyboard([_skip(s)]))
        return None
    data = s.state.data
    ticket = await find(s, int(data["number"]))
    command = RateTicket(s.actor, ticket.id, int(data["rating"]), received.text)
    return await finish(s, rate_ticket, command, "tickets-comment-thanks")


async def answer_reason(conversations: Conversations, s: Session, received: Input) -> str | None:
    reason: str | None
    if isinstance(received, Press) and received.data == actions.flow("noreason"):
        reason = None
    elif isinstance(received, Press):
        return await elsewhere(conversations, s, received)
    elif isinstance(received, Edited):
        await apply_edit(s, received)
        return None
    elif isinstance(received, Text) and received.text.strip():
        reason = received.text
    else:
        s.say("tickets-reject-as-text")
        return None
    ticket = await find(s, int(s.state.data["number"]))
    reporter = await _reporter_name(s, ticket)
    command = RejectTicket(s.actor, ticket.id, reason)
    done = "tickets-rejected"
    return await finish(
        s, reject_ticket, command, done, number=num(ticket.number), reporter=reporter
    )


async def finish(
    s: Session, service: Service[Any], command: object, done: str, **params: str
) -> str | None:
    """A tiny flow's last step: the service, then thanks. Text the core finds wrong is
    asked for again; any other refusal (decided meanwhile, say) ends the flow."""
    try:
        await run(s, service, command)
    except ValidationError as error:
        s.say_error(error)
        return None
    except DomainError as error:
        s.say_error(error)
        return DONE
    s.say(done, params=params)
    return DONE


def _skip(s: Session) -> Button:
    return Button(s.t("button-skip"), actions.flow("skip"))


async def _reporter_name(s: Session, ticket: Ticket) -> str:
    async with s.deps.uow_factory(read_only=True) as uow:
        reporter = await uow.users.get(ticket.reporter_id)
    return reporter.name if reporter is not None else s.t("tickets-someone")


async def ask_comment(s: Session) -> str | None:
    data = s.state.data
    number, rating = num(int(data["number"])), int(data["rating"])
    s.say("tickets-ask-comment", number=number, rating=rating, buttons=keyboard([_skip(s)]))
    return None


async def ask_reason(s: Session) -> str | None:
    ticket = await find(s, int(s.state.data["number"]))
    reporter = await _reporter_name(s, ticket)
    no_reason = Button(s.t("tickets-button-reject-no-reason"), actions.flow("noreason"))
    s.say(
        "tickets-ask-reason",
        number=num(ticket.number),
        reporter=reporter,
        buttons=keyboard([no_reason], s.nav_row(back=False)),
    )
    return None


async def reject_cancelled(s: Session) -> None:
    s.say("tickets-reject-cancelled")
