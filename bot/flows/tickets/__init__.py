"""My tickets: the list, a ticket's detail, what ticket buttons do, and talking on a ticket.

* The list (`m:tickets`, `/tickets [words]`, `list:...` buttons) is a page of buttons, newest
  first, with filters (active / all / archived), a period (seed 004's date range) and typed
  search. Paging edits the pressed message, so browsing does not flood the chat.
* A ticket's detail (`t:<n>:open`) shows its fields, who handles it and for how long (seed 004),
  and its public history, paged backwards (`t:<n>:more:<index>`); opening it marks support's
  entries read, which clears the list's ‼️ marker (seed 002's !!).
* Ticket verbs (reply, ok, ns, rate, reopen, new, auth, rej, archive, unarchive) go through the
  core services, which check every permission: a forged button gets a refusal and changes nothing.
* Text and files outside any flow go to a ticket (SPEC "Talking on a ticket"): the ticket of
  the message replied to, else the one chosen with Reply, else the only active one, else a
  choice. A message that cannot be delivered yet is kept in a tiny flow until the person
  decides, so nothing they wrote is lost on the way.

Every value a person typed reaches a text as a Translator parameter, so it is escaped. Button
labels are plain text (chat platforms do not parse them), so they use `Translator.__call__`.

The package's modules, by concern: `listing` (the list) with `list_view` (its button data),
`detail` (a ticket's detail), `verbs` (ticket buttons), `talk` (free input to a ticket, the
waiting message, edits) with `pending` (the waiting message's data), `followups` (comment after a
rating, reason for a rejection) and `common` (what they share).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Flow, Session, Step
from bot.flows.tickets import detail, followups, listing, talk, verbs
from bot.flows.tickets.common import COMMENT, REJECT, TALK

if TYPE_CHECKING:
    from bot.flows.router import Conversations

__all__ = ["install"]


def install(conversations: Conversations) -> None:
    talk_step = Step(talk.ask_talk, partial(talk.answer_talk, conversations))
    conversations.add_flow(
        Flow(
            TALK,
            "pick",
            {"pick": talk_step, "closed": talk_step, "none": talk_step},
            talk.talk_cancelled,
            menu_after=False,
        )
    )
    conversations.add_flow(
        Flow(
            COMMENT,
            "comment",
            {
                "comment": Step(
                    followups.ask_comment, partial(followups.answer_comment, conversations)
                )
            },
            menu_after=False,
        )
    )
    conversations.add_flow(
        Flow(
            REJECT,
            "reason",
            {"reason": Step(followups.ask_reason, partial(followups.answer_reason, conversations))},
            followups.reject_cancelled,
            menu_after=False,
        )
    )
    conversations.menu_items["tickets"] = listing.my_tickets
    conversations.commands["tickets"] = listing.command
    conversations.kinds[actions.LIST] = listing.list_page
    handlers: dict[str, Callable[[Session, Action], Awaitable[None]]] = {
        "open": detail.open_ticket,
        "more": detail.more_history,
        "reply": verbs.reply,
        "ok": verbs.confirm,
        "ns": verbs.not_solved,
        "rate": verbs.rate,
        "reopen": verbs.reopen,
        "new": partial(verbs.new, conversations),
        "auth": verbs.authorize,
        "rej": verbs.reject,
        "archive": verbs.archive,
        "unarchive": verbs.unarchive,
    }
    conversations.ticket_verbs.update(handlers)
    conversations.free_input = talk.free_input
