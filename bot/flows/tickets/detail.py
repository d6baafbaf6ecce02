"""A ticket's detail (`t:<n>:open`): its fields, who handles it and for how long (seed 004),
and its public history, paged backwards (`t:<n>:more:<index>`); opening it marks support's
entries read, which clears the list's ‼️ marker (seed 002's !!)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot import presentation
from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Session
from bot.flows.io import Button, Keyboard, keyboard
from bot.flows.tickets.common import (
    S,
    action_number,
    aware,
    find,
    may_rate,
    num,
    reopen_allowed,
    run,
    show,
    star_buttons,
)
from bot.flows.tickets.list_view import ListView
from bot.pushes import excerpt
from core.commands import MarkRead, ShowTicket
from core.model import AuthorKind, EntryKind, Ticket, TicketEntry, TicketStatus
from core.services.conversation import mark_read
from core.services.queries import TicketView, show_ticket

HISTORY_ENTRIES = 8  # history entries per detail page
HISTORY_CHARS = 2500  # ...and their text budget: the detail stays one chat message (4096)
ENTRY_CHARS = 500  # one entry's text is cut after this in the detail
FINISHED = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})


@dataclass(frozen=True)
class Item:
    """One history item as shown: the opening report, then each public entry."""

    head: str  # translated, escaped
    text: str  # as typed: escaped when shown
    files: tuple[str, ...] = ()


async def show_detail(
    s: Session, number: int, *, before: int | None = None, notice: str = ""
) -> None:
    ticket = await find(s, number)
    view = await run(s, show_ticket, ShowTicket(s.actor, ticket.id), read_only=True)
    names = await _author_names(s, view)
    items = [_render_item(s, item) for item in _history(s, view, names)]
    start, end = _window(items, before)
    parts = [notice] if notice else []
    parts.append(_fields(s, view))
    parts.append(s.text("tickets-history-title", earlier=start))
    parts += items[start:end]
    if view.ticket.csat_rating is None and may_rate(s, view.ticket):
        parts.append(s.text("tickets-rate-prompt"))
    buttons = _detail_buttons(s, view.ticket, start, end < len(items))
    show(s, "\n\n".join(parts), buttons, replace=True)
    if view.unread:
        # Seen, so read: support's entries lose their unread marker (seed 002's !!).
        await run(s, mark_read, MarkRead(s.actor, ticket.id))


@dataclass(frozen=True)
class Names:
    users: Mapping[Any, str] = field(default_factory=dict)
    agents: Mapping[Any, str] = field(default_factory=dict)


async def _author_names(s: Session, view: TicketView) -> Names:
    agents = {a.id: a.display_name for a in view.handlers}
    wanted = {e.author_agent_id for e in view.entries if e.author_agent_id} - set(agents)
    async with s.deps.uow_factory(read_only=True) as uow:
        for agent_id in wanted:
            agent = await uow.agents.get(agent_id)
            if agent is not None:
                agents[agent.id] = agent.display_name
        users = {u.id: u.name for u in await uow.users.list_for_company(view.ticket.company_id)}
    return Names(users, agents)


def _fields(s: Session, view: TicketView) -> str:
    ticket = view.ticket
    lines = [
        s.text("tickets-detail-title", number=num(ticket.number), subject=ticket.subject),
        s.text("tickets-detail-status", status=presentation.status_name(s.t, ticket.status)),
        s.text(
            "tickets-detail-urgency",
            icon=presentation.urgency_icon(ticket.priority),
            priority=presentation.priority_name(s.t, ticket.priority),
        ),
    ]
    if view.product is not None:
        lines.append(s.text("tickets-detail-product", product=view.product.name))
    lines.append(s.text("tickets-detail-created", at=s.t.datetime(aware(ticket.created_at))))
    if view.reporter is not None and s.user is not None and view.reporter.id != s.user.id:
        lines.append(s.text("tickets-detail-reporter", name=view.reporter.name))
    handlers = ", ".join(a.display_name for a in view.handlers)
    lines.append(s.text("tickets-detail-handlers", names=handlers, known=1 if handlers else 0))
    if ticket.expected_close is not None and ticket.status.is_active:
        lines.append(s.text("tickets-detail-expected", date=s.t.date(ticket.expected_close)))
    spent = duration(s, view.time_spent)
    lines.append(
        s.text("tickets-detail-spent", spent=spent, done=0 if ticket.status.is_active else 1)
    )
    if ticket.archived:
        lines.append(s.text("tickets-detail-archived"))
    return "\n".join(lines)


def duration(s: Session, spent: timedelta) -> str:
    """A duration in words (bot.presentation.duration) in the session's language."""
    return presentation.duration(s.t, spent)


def _history(s: Session, view: TicketView, names: Names) -> list[Item]:
    files: dict[Any, list[str]] = {}
    for attachment in view.attachments:
        files.setdefault(attachment.entry_id, []).append(attachment.file_name)
    ticket = view.ticket
    opened = Item(
        s.text(
            "tickets-entry-opened",
            name=_person(s, ticket.reporter_id, names),
            at=s.t.datetime(aware(ticket.created_at)),
        ),
        ticket.description,
        tuple(files.get(None, ())),
    )
    return [opened, *(_item(s, e, names, tuple(files.get(e.id, ()))) for e in view.entries)]


def _person(s: Session, user_id: Any, names: Names) -> str:
    if s.user is not None and user_id == s.user.id:
        return s.t("tickets-you")
    return names.users.get(user_id) or s.t("tickets-someone")


def _item(s: Session, entry: TicketEntry, names: Names, files: tuple[str, ...]) -> Item:
    at = s.t.datetime(aware(entry.created_at))
    if entry.kind is EntryKind.CUSTOMER_MESSAGE:
        name = _person(s, entry.author_user_id, names)
        seen = 1 if entry.read_at else 0
        return Item(
            s.text("tickets-entry-customer", name=name, at=at, seen=seen), entry.text, files
        )
    if entry.kind is EntryKind.AGENT_REPLY:
        name = names.agents.get(entry.author_agent_id) or s.t("tickets-support")
        new = 0 if entry.read_at else 1
        return Item(s.text("tickets-entry-agent", name=name, at=at, new=new), entry.text, files)
    if entry.kind is EntryKind.STATUS_CHANGE:
        return Item(_status_head(s, entry, names, at), entry.text, files)
    return Item(s.text("tickets-entry-system", at=at), entry.text, files)


def _status_head(s: Session, entry: TicketEntry, names: Names, at: str) -> str:
    try:
        status = presentation.status_name(s.t, TicketStatus(entry.data.get("to", "")))
    except ValueError:  # a status this version does not know: the change still happened
        return s.text("tickets-entry-system", at=at)
    if entry.author_kind is AuthorKind.CUSTOMER:
        by = _person(s, entry.author_user_id, names)
    elif entry.author_kind is AuthorKind.AGENT:
        by = names.agents.get(entry.author_agent_id) or s.t("tickets-support")
    else:
        return s.text("tickets-entry-status", at=at, status=status)
    return s.text("tickets-entry-status-by", at=at, status=status, name=by)


def _render_item(s: Session, item: Item) -> str:
    lines = [item.head]
    if item.text.strip():
        lines.append(s.text("tickets-entry-text", text=excerpt(item.text, ENTRY_CHARS)))
    lines += [s.text("tickets-entry-file", name=name) for name in item.files]
    return "\n".join(lines)


def _window(items: Sequence[str], before: int | None) -> tuple[int, int]:
    """Which items to show: the latest ones before `before` that fit the page."""
    end = len(items) if before is None else max(0, min(before, len(items)))
    start, used = end, 0
    while start > 0 and end - start < HISTORY_ENTRIES:
        size = len(items[start - 1])
        if used + size > HISTORY_CHARS and start < end:
            break
        start, used = start - 1, used + size
    return start, end


def _detail_buttons(s: Session, ticket: Ticket, start: int, newer: bool) -> Keyboard:
    n = ticket.number
    rows: list[list[Button]] = []
    if ticket.status.is_active:
        rows.append([Button(s.t("tickets-button-reply"), actions.ticket(n, "reply"))])
    if ticket.status is S.RESOLVED:
        row = [Button(s.t("tickets-button-solved"), actions.ticket(n, "ok"))]
        if reopen_allowed(s, ticket):
            row.append(Button(s.t("tickets-button-not-solved"), actions.ticket(n, "ns")))
        rows.append(row)
    if ticket.csat_rating is None and may_rate(s, ticket):
        rows.append(star_buttons(s, n))
    history = []
    if start > 0:
        history.append(Button(s.t("tickets-button-earlier"), actions.ticket(n, "more", start)))
    if newer:
        history.append(Button(s.t("tickets-button-latest"), actions.ticket(n, "open")))
    rows.append(history)
    if ticket.archived:
        rows.append([Button(s.t("tickets-button-unarchive"), actions.ticket(n, "unarchive"))])
    elif ticket.status in FINISHED:
        rows.append([Button(s.t("tickets-button-archive"), actions.ticket(n, "archive"))])
    rows.append([Button(s.t("tickets-button-back-to-list"), _list_of(ticket).link())])
    return keyboard(*rows)


def _list_of(ticket: Ticket) -> ListView:
    """The list a ticket is found in, for "Back to list"."""
    if ticket.archived:
        return ListView("archived")
    return ListView("active" if ticket.status.is_active else "all")


async def open_ticket(s: Session, action: Action) -> None:
    await show_detail(s, action_number(action))


async def more_history(s: Session, action: Action) -> None:
    before = action.part(2)
    await show_detail(s, action_number(action), before=int(before) if before.isdigit() else None)
