"""Status pushes: an outbox event for a customer becomes what that customer reads, in their
language, with buttons where they have something to do.

`PushRenderer` loads, in one read-only unit of work, what a push needs: the ticket as it is now,
the reader (chat identity → customer user → language), the company (time zone for dates) and
the agent (their current display name). The event's payload says what happened; the fresh
ticket decides which buttons still make sense (no "Reply" on a closed ticket, no rating prompt
once rated, no Authorize once someone did).

Every value a person typed goes in through `Translator.html`, so it is escaped mini-HTML.
An event type this code does not know (or cannot read) becomes "Ticket #n was updated" and a
warning in the log: a push never fails because of its content.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import presentation
from bot.flows import actions
from bot.flows.io import Button, Keyboard, Say, keyboard
from bot.i18n import Translator, pick_language
from core import events as ev
from core.model import (
    Agent,
    Audience,
    AuthorKind,
    ChatIdentity,
    Company,
    CustomerUser,
    OutboxMessage,
    Ticket,
    TicketStatus,
)
from core.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300  # how much of a description an authorization request shows
S = TicketStatus


class PushRenderer:
    """Turns an outbox message for a customer (chat or e-mail) into the `Say`s they read."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        default_language: str = "en",
        default_timezone: str = "Europe/Warsaw",
    ) -> None:
        self._uow_factory = uow_factory
        self._default_language = pick_language(default_language)
        self._default_timezone = default_timezone

    async def __call__(self, message: OutboxMessage) -> list[Say]:
        if message.audience is Audience.AGENTS:
            raise ValueError("PushRenderer renders customer pushes, not the agents' desk")
        event = _parse(message)
        loaded = await self._load(message, event)
        t = Translator(self._language(loaded), self._timezone(loaded.company))
        if event is None or loaded.ticket is None:
            return [_generic(t, loaded.ticket, message.payload)]
        push = _Push(t, loaded.ticket, message.audience is Audience.CUSTOMER, loaded.agent)
        return _render(push, event, message)

    async def _load(self, message: OutboxMessage, event: ev.Event | None) -> _Loaded:
        # Two or three reads: the ticket with its company, the reader, the agent who acted.
        async with self._uow_factory(read_only=True) as uow:
            ticket, company = await _ticket(uow, message, event)
            user, identity = await _reader(uow, message, ticket)
            agent = await _agent(uow, event)
        return _Loaded(ticket, company, user, identity, agent)

    def _language(self, loaded: _Loaded) -> str:
        """The user's chosen language, else their chat client's, else the default."""
        client = loaded.identity.language_code if loaded.identity else None
        fallback = pick_language(client, self._default_language)
        return pick_language(loaded.user.language if loaded.user else None, fallback)

    def _timezone(self, company: Company | None) -> str:
        name = company.calendar.timezone if company else self._default_timezone
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r; using %s", name, self._default_timezone)
            return self._default_timezone
        return name


# -- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    ticket: Ticket | None
    company: Company | None
    user: CustomerUser | None
    identity: ChatIdentity | None
    agent: Agent | None


def _parse(message: OutboxMessage) -> ev.Event | None:
    try:
        return ev.event_from_payload(message.event_type, message.payload)
    except Exception:  # unknown type, or a payload this version cannot read
        log.warning("cannot read %s event %s", message.event_type, message.id, exc_info=True)
        return None


async def _ticket(
    uow: UnitOfWork, message: OutboxMessage, event: ev.Event | None
) -> tuple[Ticket | None, Company | None]:
    ticket_id = message.ticket_id
    if ticket_id is None and isinstance(event, ev.TicketEvent):
        ticket_id = event.ticket_id
    if ticket_id is not None:
        found = await uow.tickets.get_with_company(ticket_id)
        return found if found is not None else (None, None)
    number = message.payload.get("number")
    ticket = await uow.tickets.get_by_number(number) if isinstance(number, int) else None
    return ticket, await uow.companies.get(ticket.company_id) if ticket else None


async def _reader(
    uow: UnitOfWork, message: OutboxMessage, ticket: Ticket | None
) -> tuple[CustomerUser | None, ChatIdentity | None]:
    """Who reads this push: the chat's identity and its user, or the user an e-mail is for."""
    if message.chat_id is None:
        return None, None
    if message.audience is Audience.EMAIL:
        return await _email_reader(uow, message.chat_id, ticket)
    if message.platform is None:
        return None, None
    identity, user = await uow.identities.get_by_chat_with_user(message.platform, message.chat_id)
    return user, identity


async def _email_reader(
    uow: UnitOfWork, address: str, ticket: Ticket | None
) -> tuple[CustomerUser | None, ChatIdentity | None]:
    if ticket is None:
        return None, None
    user = await uow.users.get_by_email(ticket.company_id, address)
    if user is None:
        return None, None
    identities = await uow.identities.list_for_user(user.id)
    return user, next((i for i in identities if i.language_code), None)


async def _agent(uow: UnitOfWork, event: ev.Event | None) -> Agent | None:
    agent_id = getattr(event, "agent_id", None)
    return await uow.agents.get(agent_id) if isinstance(agent_id, uuid.UUID) else None


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Push:
    """One push being written: the reader's texts, the fresh ticket, and whether the reader
    can press buttons (a chat can; an e-mail cannot)."""

    t: Translator
    ticket: Ticket
    interactive: bool
    agent: Agent | None

    @property
    def number(self) -> str:
        # As text: Fluent would group the digits of a number ("#1,042").
        return str(self.ticket.number)

    def html(self, message_id: str, **params: str | int) -> str:
        return self.t.html(message_id, **params)

    def say(self, text: str, buttons: Keyboard = (), files: Sequence[uuid.UUID] = ()) -> list[Say]:
        return [
            Say(
                text=text,
                buttons=buttons if self.interactive else (),
                ticket_number=self.ticket.number,
                attachment_ids=tuple(str(f) for f in files),
            )
        ]

    def status(self, status: TicketStatus) -> str:
        return presentation.status_name(self.t, status)

    def agent_name(self, fallback: str) -> str:
        """The agent's current display name, else the one the event was written with."""
        return self.agent.display_name if self.agent else fallback

    def due(self) -> str:
        due = self.ticket.sla_due_at
        return self.html("push-due", due=self.t.datetime(_aware(due))) if due else ""

    def button(self, label_id: str, verb: str, arg: int | None = None) -> Button:
        return Button(self.t(label_id), actions.ticket(self.ticket.number, verb, arg))

    def my_tickets(self) -> Keyboard:
        return keyboard([Button(self.t("push-button-my-tickets"), actions.menu("tickets"))])

    def reply(self) -> Keyboard:
        """A Reply button while the customer can still write on the ticket."""
        if not self.ticket.status.is_active:
            return ()
        return keyboard([self.button("push-button-reply", "reply")])

    def stars(self) -> Keyboard:
        n = self.ticket.number
        return keyboard(
            [
                Button(self.t("push-button-stars", stars=k), actions.ticket(n, "rate", k))
                for k in range(1, 6)
            ]
        )


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a long text, cut at a word, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        head = re.sub(r"\s+\S*\Z", "", head)  # drop the word cut in half, if not the only one
    return head.rstrip() + "…"


def _generic(t: Translator, ticket: Ticket | None, payload: Mapping[str, Any]) -> Say:
    number = ticket.number if ticket else payload.get("number")
    if not isinstance(number, int):
        return Say(text=t.html("push-updated-unknown"))
    return Say(text=t.html("push-updated", number=str(number)), ticket_number=number)


# -- one renderer per event type ------------------------------------------------------------

E = TypeVar("E", bound=ev.Event)
_Renderer = Callable[[_Push, E], list[Say]]
_RENDERERS: dict[type[ev.Event], Callable[[_Push, Any], list[Say]]] = {}


def _renders(kind: type[E]) -> Callable[[_Renderer[E]], _Renderer[E]]:
    def register(renderer: _Renderer[E]) -> _Renderer[E]:
        _RENDERERS[kind] = renderer
        return renderer

    return register


def _render(push: _Push, event: ev.Event, message: OutboxMessage) -> list[Say]:
    renderer = _RENDERERS.get(type(event))
    if renderer is None:
        log.warning("no customer text for %s (outbox %s)", event.event_type, message.id)
        return [_generic(push.t, push.ticket, message.payload)]
    try:
        return renderer(push, event)
    except Exception:
        log.exception("rendering %s (outbox %s) failed", event.event_type, message.id)
        return [_generic(push.t, push.ticket, message.payload)]


@_renders(ev.TicketOpened)
def _opened(p: _Push, e: ev.TicketOpened) -> list[Say]:
    params = {"number": p.number, "subject": e.subject, "status": p.status(e.status)}
    if e.status is S.TO_AUTHORIZE:
        return p.say(p.html("push-opened-to-authorize", **params), p.my_tickets())
    return p.say(_lines(p.html("push-opened", **params), p.due()), p.my_tickets())


@_renders(ev.AuthorizationRequested)
def _authorization_requested(p: _Push, e: ev.AuthorizationRequested) -> list[Say]:
    text = p.html(
        "push-auth-request",
        number=p.number,
        reporter=e.reporter_name,
        type=presentation.type_name(p.t, p.ticket.type),
        subject=e.subject,
        description=excerpt(p.ticket.description),
    )
    if p.ticket.status is not S.TO_AUTHORIZE:  # another super user answered meanwhile
        return p.say(_paragraphs(text, p.html("push-status", status=p.status(p.ticket.status))))
    buttons = keyboard(
        [p.button("push-button-authorize", "auth"), p.button("push-button-reject", "rej")]
    )
    return p.say(text, buttons)


@_renders(ev.TicketAuthorized)
def _authorized(p: _Push, e: ev.TicketAuthorized) -> list[Say]:
    text = p.html("push-authorized", number=p.number, name=e.by_name, status=p.status(S.NEW))
    return p.say(_lines(text, p.due()))


@_renders(ev.TicketRejected)
def _rejected(p: _Push, e: ev.TicketRejected) -> list[Say]:
    text = p.html("push-rejected", number=p.number, subject=p.ticket.subject, name=e.by_name)
    reason = p.html("push-reason", reason=e.reason) if e.reason else ""
    return p.say(_lines(text, reason))


@_renders(ev.TicketAssigned)
def _assigned(p: _Push, e: ev.TicketAssigned) -> list[Say]:
    return p.say(p.html("push-assigned", agent=p.agent_name(e.agent_name), number=p.number))


_STATUS_TEXTS: Mapping[tuple[TicketStatus | None, TicketStatus], str] = {
    (S.WAITING_CUSTOMER, S.IN_PROGRESS): "push-back-in-progress",
    (None, S.IN_PROGRESS): "push-in-progress",
    (None, S.WAITING_CUSTOMER): "push-waiting",
}


@_renders(ev.StatusChanged)
def _status_changed(p: _Push, e: ev.StatusChanged) -> list[Say]:
    message_id = _STATUS_TEXTS.get((e.from_status, e.to_status)) or _STATUS_TEXTS.get(
        (None, e.to_status)
    )
    if message_id is None:
        return p.say(p.html("push-status-changed", number=p.number, status=p.status(e.to_status)))
    buttons = p.reply() if e.to_status is S.WAITING_CUSTOMER else ()
    return p.say(p.html(message_id, number=p.number), buttons)


@_renders(ev.InfoRequested)
def _info_requested(p: _Push, e: ev.InfoRequested) -> list[Say]:
    text = p.html("push-info-requested", agent=e.agent_name, number=p.number, text=e.text)
    return p.say(text, p.reply())


@_renders(ev.ExpectedCloseSet)
def _expected_close(p: _Push, e: ev.ExpectedCloseSet) -> list[Say]:
    if e.expected_close is None:
        return p.say(p.html("push-expected-close-removed", number=p.number))
    day = p.t.date(e.expected_close)
    return p.say(p.html("push-expected-close", number=p.number, date=day))


@_renders(ev.PriorityChanged)
def _priority_changed(p: _Push, e: ev.PriorityChanged) -> list[Say]:
    name = presentation.priority_name(p.t, e.to_priority)
    icon = presentation.urgency_icon(e.to_priority)
    return p.say(p.html("push-priority-changed", number=p.number, icon=icon, priority=name))


@_renders(ev.AgentReplied)
def _agent_reply(p: _Push, e: ev.AgentReplied) -> list[Say]:
    agent = p.agent_name(e.agent_name)
    text = p.html("push-agent-reply", agent=agent, number=p.number, text=e.text).rstrip()
    files = p.html("push-files", count=len(e.attachment_ids)) if e.attachment_ids else ""
    return p.say(_lines(text, files), p.reply(), e.attachment_ids)


@_renders(ev.AgentReplyEdited)
def _agent_reply_edited(p: _Push, e: ev.AgentReplyEdited) -> list[Say]:
    text = p.html("push-agent-reply-edited", agent=e.agent_name, number=p.number, text=e.text)
    return p.say(text, p.reply())


@_renders(ev.AttachmentAdded)
def _attachment_added(p: _Push, e: ev.AttachmentAdded) -> list[Say]:
    if e.by_kind is not AuthorKind.AGENT:  # the customer's own file: nothing to tell them
        return [_generic(p.t, p.ticket, {})]
    text = p.html("push-file-from-support", number=p.number, file=e.file_name)
    return p.say(text, files=[e.attachment_id])


@_renders(ev.TicketResolved)
def _resolved(p: _Push, e: ev.TicketResolved) -> list[Say]:
    text = p.html("push-resolved", number=p.number, agent=e.agent_name, resolution=e.resolution)
    if not p.interactive or p.ticket.status is not S.RESOLVED:
        return p.say(text)
    buttons = keyboard(
        [p.button("push-button-solved", "ok"), p.button("push-button-not-solved", "ns")]
    )
    return p.say(_paragraphs(text, p.html("push-resolved-question")), buttons)


_CLOSED_TEXTS: Mapping[AuthorKind, str] = {
    AuthorKind.CUSTOMER: "push-closed-confirmed",
    AuthorKind.AGENT: "push-closed",
    AuthorKind.SYSTEM: "push-closed-auto",
}


@_renders(ev.TicketClosed)
def _closed(p: _Push, e: ev.TicketClosed) -> list[Say]:
    text = p.html(_CLOSED_TEXTS[e.by_kind], number=p.number)
    rate = p.ticket.status is S.CLOSED and p.ticket.csat_rating is None
    if not p.interactive or not rate:
        return p.say(text)
    return p.say(_paragraphs(text, p.html("push-rate")), p.stars())


@_renders(ev.TicketReopened)
def _reopened(p: _Push, e: ev.TicketReopened) -> list[Say]:
    if e.by_kind is not AuthorKind.AGENT:  # the customer's own "not solved" or reopen
        return p.say(p.html("push-reopened", number=p.number))
    reason = p.html("push-reason", reason=e.text) if e.text else ""
    return p.say(_lines(p.html("push-reopened-by-support", number=p.number), reason))


@_renders(ev.TicketRated)
def _rated(p: _Push, e: ev.TicketRated) -> list[Say]:
    return p.say(p.html("push-rated", number=p.number, rating=e.rating))


@_renders(ev.ExtraMessageReceived)
def _extra_message(p: _Push, e: ev.ExtraMessageReceived) -> list[Say]:
    return p.say(p.html("push-extra-message", number=p.number), p.my_tickets())


@_renders(ev.SupportTokenAttached)
def _token_attached(p: _Push, e: ev.SupportTokenAttached) -> list[Say]:
    expires = p.t.datetime(_aware(e.expires_at))
    return p.say(p.html("push-token-attached", code=e.code, number=p.number, expires=expires))


@_renders(ev.SupportTokenRevoked)
def _token_revoked(p: _Push, e: ev.SupportTokenRevoked) -> list[Say]:
    return p.say(p.html("push-token-revoked", code=e.code))


@_renders(ev.NoteAdded)
def _note(p: _Push, e: ev.NoteAdded) -> list[Say]:
    # An internal note must never reach a customer, whatever the routing says.
    log.warning("internal note on #%s routed to a customer: not shown", e.number)
    return []


RENDERED_EVENT_TYPES: frozenset[str] = frozenset(kind.event_type for kind in _RENDERERS)
"""Event types with a text of their own; the others get "Ticket #n was updated"."""

__all__ = ["EXCERPT_CHARS", "RENDERED_EVENT_TYPES", "PushRenderer", "excerpt"]
