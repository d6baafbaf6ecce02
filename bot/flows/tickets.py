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
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot import presentation
from bot.flows import actions, report
from bot.flows.actions import Action
from bot.flows.engine import DONE, FetchRefused, Flow, Session, Step
from bot.flows.io import Button, Command, Edited, Files, Input, Keyboard, Press, Say, Text, keyboard
from bot.flows.menu import show_menu
from bot.pushes import excerpt
from core import lifecycle
from core.commands import (
    AddCustomerMessage,
    ArchiveTicket,
    AuthorizeTicket,
    ConfirmResolved,
    EditCustomerMessage,
    FindTicket,
    ListTickets,
    MarkRead,
    NewFile,
    PlatformMessage,
    RateTicket,
    RejectTicket,
    ReopenTicket,
    ReportNotSolved,
    ShowTicket,
    UnarchiveTicket,
)
from core.context import Context
from core.errors import DomainError, PermissionDenied, TicketClosed, ValidationError
from core.model import (
    AuthorKind,
    EntryKind,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.ports import FileTooLarge, Scope, UnitOfWork
from core.services.conversation import add_customer_message, edit_customer_message, mark_read
from core.services.queries import TicketView, find_ticket, list_tickets, show_ticket
from core.services.tickets import (
    archive_ticket,
    authorize_ticket,
    rate_ticket,
    reject_ticket,
    unarchive_ticket,
)
from core.services.workflow import confirm_resolved, reopen_ticket, report_not_solved

if TYPE_CHECKING:
    from bot.flows.router import Conversations

log = logging.getLogger(__name__)

S = TicketStatus
PAGE_SIZE = 8  # tickets per list page: one button each, plus navigation, fits a phone screen
CANDIDATES = 50  # active tickets looked at when routing a message (the service's page cap)
SUBJECT_IN_LINE = 60  # characters of a subject in a list line
SUBJECT_IN_BUTTON = 28  # ...and in a button label (phones cut long labels anyway)
QUERY_CHARS = 100  # a typed search longer than this is cut
HISTORY_ENTRIES = 8  # history entries per detail page
HISTORY_CHARS = 2500  # ...and their text budget: the detail stays one chat message (4096)
ENTRY_CHARS = 500  # one entry's text is cut after this in the detail

TALK = "tickets-talk"  # a message waiting for its ticket: pick / closed / none
COMMENT = "tickets-comment"  # an optional comment after a rating
REJECT = "tickets-reject"  # an optional reason for a rejection
TINY_FLOWS = frozenset({TALK, COMMENT, REJECT})

FILTERS: Mapping[str, Scope] = {
    "active": Scope.ACTIVE,
    "all": Scope.ALL,
    "archived": Scope.ARCHIVED,
}
PERIODS: Mapping[str, str] = {  # code in button data -> its name's text id, in picker order
    "7": "tickets-period-7",
    "30": "tickets-period-30",
    "y": "tickets-period-year",
    "": "tickets-period-any",
}
PICK_PERIOD = "when"  # list:when:<filter>:<period> shows the period choice
FINISHED = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})

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
    """Start one of this module's tiny flows at `step` with `data` already in place.

    `FlowEngine.start` begins at a flow's first step with empty data; here the data (the
    pending message, the ticket) exists before the question, which then reads it.
    """
    s.state.leave_flow()
    s.state.flow, s.state.step, s.state.data = flow, step, data


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListView:
    """One page of the list, all of it carried in button data (nothing survives in the
    conversation state outside a flow):

        list:<filter>:<cursor>:<period>:<stack>:<query>

    `cursor` is the keyset cursor (before this number), `stack` the cursors of the pages before
    this one, newest last (the first page's is implicit), for Previous. Trailing empty fields
    are left out. `list:when:<filter>:<period>` asks for the period instead.
    """

    filter: str = "active"
    period: str = ""
    cursor: int | None = None
    stack: tuple[int, ...] = ()
    query: str = ""

    @classmethod
    def parse(cls, parts: Sequence[str]) -> ListView:
        def part(index: int) -> str:
            return parts[index] if index < len(parts) else ""

        cursor = part(1)
        return cls(
            filter=part(0) if part(0) in FILTERS else "active",
            cursor=int(cursor) if cursor.isdigit() else None,
            period=part(2) if part(2) in PERIODS else "",
            stack=tuple(int(c) for c in part(3).split(".") if c.isdigit()),
            query=":".join(parts[4:]),  # a query may hold colons; it comes last
        )

    def data(self) -> str | None:
        """This view as button data; the oldest Previous steps are dropped to fit, and None
        when even that is not enough (a long search text)."""
        stack = self.stack
        while True:
            fields = [actions.LIST, self.filter, str(self.cursor or ""), self.period]
            if stack or self.query:
                fields.append(".".join(str(c) for c in stack))
            if self.query:
                fields.append(self.query)
            data = ":".join(fields)
            if len(data.encode()) <= actions.MAX_DATA_BYTES:
                return data
            if not stack:
                return None
            stack = stack[1:]

    def link(self) -> str:
        """Button data for a view without a search text, which always fits."""
        return self.data() or actions.LIST

    def following(self, cursor: int) -> ListView:
        stack = (*self.stack, self.cursor) if self.cursor is not None else self.stack
        return ListView(self.filter, self.period, cursor, stack, self.query)

    def previous(self) -> ListView:
        cursor = self.stack[-1] if self.stack else None
        return ListView(self.filter, self.period, cursor, self.stack[:-1], self.query)


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:QUERY_CHARS]


def created_from(s: Session, period: str) -> datetime | None:
    """The start of a period, in the company's time zone ("this year" starts on its 1 January)."""
    now = s.deps.ctx.clock.now()
    if period.isdigit():
        return now - timedelta(days=int(period))
    if period == "y":
        local = now.astimezone(s.t.timezone)
        return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return None


async def show_list(s: Session, view: ListView, *, replace: bool = False) -> None:
    listed = await run(
        s,
        list_tickets,
        ListTickets(
            actor=s.actor,
            # A search looks everywhere: the service widens "all" to archived tickets too.
            scope=Scope.ALL if view.query else FILTERS[view.filter],
            created_from=None if view.query else created_from(s, view.period),
            text=view.query or None,
            before_number=view.cursor,
            limit=PAGE_SIZE,
        ),
        read_only=True,
    )
    products, people = await _names(s)
    lines = [_list_line(s, t, listed.unread.get(t.id, 0), products, people) for t in listed.tickets]
    parts = [_list_header(s, view), *lines] if lines else [_list_header(s, view), _empty(s, view)]
    more = listed.next_before_number
    if view.query and more is not None and view.following(more).data() is None:
        parts.append(s.text("tickets-search-more", count=PAGE_SIZE))
    parts.append(s.text("tickets-list-hint"))
    rows: list[list[Button]] = [
        [Button(ticket_label(s, t, listed.unread.get(t.id, 0)), actions.ticket(t.number, "open"))]
        for t in listed.tickets
    ]
    rows.append(_paging_row(s, view, more))
    rows += _filter_rows(s, view)
    show(s, "\n\n".join(parts), keyboard(*rows), replace=replace)


async def _names(s: Session) -> tuple[dict[Any, str], dict[Any, str]]:
    """Product names, and (for super users, whose list holds colleagues' tickets) people's."""
    assert s.company is not None
    async with s.deps.uow_factory(read_only=True) as uow:
        products = {p.id: p.name for p in await uow.products.list_for_company(s.company.id)}
        people = (
            {u.id: u.name for u in await uow.users.list_for_company(s.company.id)}
            if s.is_super_user
            else {}
        )
    return products, people


def _list_header(s: Session, view: ListView) -> str:
    if view.query:
        return s.text("tickets-search-header", query=view.query)
    period = s.text("tickets-list-period", period=s.t(PERIODS[view.period])) if view.period else ""
    return s.text(
        "tickets-list-header",
        scope="company" if s.is_super_user else "own",
        filter=s.t(f"tickets-filter-{view.filter}"),
        period=period,
    )


def _empty(s: Session, view: ListView) -> str:
    if view.query:
        return s.text("tickets-search-empty", query=view.query)
    return s.text("tickets-list-empty", filter=view.filter)


def _list_line(
    s: Session, ticket: Ticket, unread: int, products: Mapping[Any, str], people: Mapping[Any, str]
) -> str:
    product = products.get(ticket.product_id)
    reporter = people.get(ticket.reporter_id)
    return s.text(
        "tickets-list-line",
        icon=presentation.urgency_icon(ticket.priority),
        number=num(ticket.number),
        created=s.t.datetime(aware(ticket.created_at)),
        product=s.text("tickets-list-product", name=product) if product else "",
        reporter=s.text("tickets-list-reporter", name=reporter) if reporter else "",
        unread=s.text("tickets-list-unread", count=unread) if unread else "",
        subject=excerpt(ticket.subject, SUBJECT_IN_LINE),
        status=presentation.status_name(s.t, ticket.status),
    )


def _paging_row(s: Session, view: ListView, more: int | None) -> list[Button]:
    row: list[Button] = []
    previous = view.previous().data() if view.cursor is not None else None
    if previous is not None:
        row.append(Button(s.t("tickets-button-previous"), previous))
    following = view.following(more).data() if more is not None else None
    if following is not None:
        row.append(Button(s.t("tickets-button-next"), following))
    return row


def _filter_rows(s: Session, view: ListView) -> list[list[Button]]:
    filters = []
    for name in FILTERS:
        label = s.t(f"tickets-filter-{name}")
        if name == view.filter and not view.query:
            label = s.t("tickets-current", label=label)
        filters.append(Button(label, ListView(name, view.period).link()))
    period = s.t(PERIODS[view.period]) if view.period else ""
    label = s.t("tickets-button-period", chosen=1 if period else 0, period=period)
    when = f"{actions.LIST}:{PICK_PERIOD}:{view.filter}:{view.period}"
    return [
        filters,
        [
            Button(label, when),
            Button(s.t("tickets-button-menu"), actions.menu("menu")),
        ],
    ]


def show_periods(s: Session, filter_: str, current: str) -> None:
    rows = []
    for code, message_id in PERIODS.items():
        label = s.t(message_id)
        if code == current:
            label = s.t("tickets-current", label=label)
        rows.append([Button(label, ListView(filter_, code).link())])
    rows.append([Button(s.t("tickets-button-back-to-list"), ListView(filter_, current).link())])
    s.say("tickets-period-title", buttons=keyboard(*rows), replace=True)


# -- a ticket's detail ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One history item as shown: the opening report, then each public entry."""

    head: str  # translated, escaped
    text: str  # as typed: escaped when shown
    files: tuple[str, ...] = ()


async def show_detail(
    s: Session, number: int, *, before: int | None = None, notice: str = ""
) -> None:
    ticket = await _find(s, number)
    view = await run(s, show_ticket, ShowTicket(s.actor, ticket.id), read_only=True)
    names = await _author_names(s, view)
    items = [_render_item(s, item) for item in _history(s, view, names)]
    start, end = _window(items, before)
    parts = [notice] if notice else []
    parts.append(_fields(s, view))
    parts.append(s.text("tickets-history-title", earlier=start))
    parts += items[start:end]
    if view.ticket.csat_rating is None and _may_rate(s, view.ticket):
        parts.append(s.text("tickets-rate-prompt"))
    buttons = _detail_buttons(s, view.ticket, start, end < len(items))
    show(s, "\n\n".join(parts), buttons, replace=True)
    if view.unread:
        # Seen, so read: support's entries lose their unread marker (seed 002's !!).
        await run(s, mark_read, MarkRead(s.actor, ticket.id))


async def _find(s: Session, number: int) -> Ticket:
    """The ticket, if this person may see it: NotFound otherwise (forged or stale buttons)."""
    return await run(s, find_ticket, FindTicket(s.actor, number), read_only=True)


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
    """A duration in words, the two largest units that matter: "2 days 3 hours",
    "5 hours 10 minutes", "7 minutes"."""
    minutes = max(0, int(spent.total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        units = [("tickets-days", days), ("tickets-hours", hours)]
    elif hours:
        units = [("tickets-hours", hours), ("tickets-minutes", mins)]
    elif mins:
        units = [("tickets-minutes", mins)]
    else:
        return s.t("tickets-under-a-minute")
    return " ".join(s.t(message_id, count=count) for message_id, count in units if count)


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


def _may_rate(s: Session, ticket: Ticket) -> bool:
    return ticket.status is S.CLOSED and s.user is not None and ticket.reporter_id == s.user.id


def _detail_buttons(s: Session, ticket: Ticket, start: int, newer: bool) -> Keyboard:
    n = ticket.number
    rows: list[list[Button]] = []
    if ticket.status.is_active:
        rows.append([Button(s.t("tickets-button-reply"), actions.ticket(n, "reply"))])
    if ticket.status is S.RESOLVED:
        row = [Button(s.t("tickets-button-solved"), actions.ticket(n, "ok"))]
        if _reopen_allowed(s, ticket):
            row.append(Button(s.t("tickets-button-not-solved"), actions.ticket(n, "ns")))
        rows.append(row)
    if ticket.csat_rating is None and _may_rate(s, ticket):
        rows.append(_stars(s, n))
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


def _stars(s: Session, number: int) -> list[Button]:
    return [
        Button(s.t("tickets-button-stars", stars=k), actions.ticket(number, "rate", k))
        for k in range(1, 6)
    ]


def _reopen_allowed(s: Session, ticket: Ticket) -> bool:
    config, now = s.deps.ctx.config, s.deps.ctx.clock.now()
    return lifecycle.reopen_window_open(ticket, now, config.reopen_window)


# -- a message waiting for its ticket ---------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A message (text and/or files already in the file store) not yet on a ticket; JSON-safe
    so it waits in the conversation state."""

    text: str
    message_id: str
    files: tuple[dict[str, Any], ...] = ()  # report.py's shape, so a new report can take them
    reply_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "message_id": self.message_id,
            "files": list(self.files),
            "reply_to": self.reply_to,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Pending:
        return cls(
            text=str(raw.get("text", "")),
            message_id=str(raw.get("message_id", "")),
            files=tuple(raw.get("files") or ()),
            reply_to=raw.get("reply_to"),
        )

    def new_files(self) -> tuple[NewFile, ...]:
        return tuple(
            NewFile(
                file_name=str(f["name"]),
                mime_type=str(f["mime"]),
                size=int(f["size"]),
                sha256=str(f["sha256"]),
                storage_key=str(f["key"]),
            )
            for f in self.files
        )


def pending_of(s: Session) -> list[Pending]:
    return [Pending.from_json(raw) for raw in s.state.data.get("pending", [])]


def keep(s: Session, messages: Sequence[Pending]) -> None:
    s.state.data["pending"] = [m.to_json() for m in messages]


async def take_message(s: Session, received: Text | Files) -> Pending | None:
    """What the person sent, with its files fetched into the store now (platform file handles
    do not last, and a refused file is best explained at once). None: nothing left to send."""
    if isinstance(received, Text):
        if not received.text.strip():
            return None
        return Pending(received.text, received.message_id, reply_to=received.reply_to_message_id)
    files = await _fetch(s, received)
    caption = "\n".join(item.caption for item in received.items if item.caption.strip())
    if not files and not caption:
        return None
    first = received.items[0]
    reply_to = next((i.reply_to_message_id for i in received.items if i.reply_to_message_id), None)
    return Pending(caption, first.message_id, tuple(files), reply_to)


async def _fetch(s: Session, received: Files) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    limits = s.deps.limits
    for item in received.items:
        name = item.file_name or item.kind.value
        if s.files is None:
            s.say("report-file-failed", name=name)
            continue
        try:
            fetched = await s.files.fetch(item, limits.max_attachment_bytes)
        except FetchRefused as refused:
            s.say(refused.reason, params={**refused.params, "name": name})
            continue
        except FileTooLarge:
            s.say("report-file-too-big", name=name, mb=limits.max_attachment_bytes // 2**20)
            continue
        kept.append(
            {
                "key": fetched.stored.key,
                "sha256": fetched.stored.sha256,
                "size": fetched.stored.size,
                "name": fetched.file_name,
                "mime": fetched.mime_type,
            }
        )
    return kept


# -- the feature -------------------------------------------------------------------------------


class TicketFeature:
    """The handlers, bound to the router they are installed in (flows need its engine)."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    # -- the list ------------------------------------------------------------------------------

    async def my_tickets(self, s: Session) -> None:
        # A new message: "My tickets" also sits on pushes, whose text must stay.
        self.leave_tiny_flow(s)
        await show_list(s, ListView())

    async def command(self, s: Session, command: Command) -> None:
        self.leave_tiny_flow(s)
        words = clean_query(command.args)
        number = words.lstrip("#")
        if number.isdigit():
            await show_detail(s, int(number))
        else:
            await show_list(s, ListView("all" if words else "active", query=words))

    async def list_page(self, s: Session, action: Action) -> None:
        if action.part(0) == PICK_PERIOD:
            filter_ = action.part(1) if action.part(1) in FILTERS else "active"
            show_periods(s, filter_, action.part(2) if action.part(2) in PERIODS else "")
            return
        await show_list(s, ListView.parse(action.parts), replace=True)

    # -- detail and housekeeping ---------------------------------------------------------------

    async def open(self, s: Session, action: Action) -> None:
        await show_detail(s, _number(action))

    async def more(self, s: Session, action: Action) -> None:
        before = action.part(2)
        await show_detail(s, _number(action), before=int(before) if before.isdigit() else None)

    async def archive(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        await run(s, archive_ticket, ArchiveTicket(s.actor, ticket.id))
        notice = s.text("tickets-archived", number=num(ticket.number))
        await show_detail(s, ticket.number, notice=notice)

    async def unarchive(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        await run(s, unarchive_ticket, UnarchiveTicket(s.actor, ticket.id))
        notice = s.text("tickets-unarchived", number=num(ticket.number))
        await show_detail(s, ticket.number, notice=notice)

    # -- writing on a ticket, reopening ----------------------------------------------------------

    async def reply(self, s: Session, action: Action) -> None:
        self.leave_tiny_flow(s)
        ticket = await _find(s, _number(action))
        if not ticket.status.is_active:
            self.not_active(s, ticket)
            return
        s.state.ticket_number = ticket.number
        n = ticket.number
        s.say("tickets-write-now", number=num(n), ticket_number=n)

    def not_active(self, s: Session, ticket: Ticket) -> None:
        """Someone wants to write on a finished ticket: reopen it (resolved, within the
        window), or open a new one (seed 004: closed requests cannot be updated)."""
        n = ticket.number
        new = Button(s.t("tickets-button-new-report"), actions.ticket(n, "new"))
        if ticket.status is S.RESOLVED and _reopen_allowed(s, ticket):
            reopen = Button(s.t("tickets-button-reopen"), actions.ticket(n, "reopen"))
            s.say("tickets-reply-solved", number=num(n), buttons=keyboard([reopen], [new]))
        else:
            status = presentation.status_name(s.t, ticket.status)
            s.say("tickets-reply-closed", number=num(n), status=status, buttons=keyboard([new]))

    async def not_solved(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        if ticket.status is not S.RESOLVED:
            self.no_confirmation(s, ticket)
        elif not _reopen_allowed(s, ticket):
            self.not_active(s, ticket)
        else:
            ticket = await run(s, report_not_solved, ReportNotSolved(s.actor, ticket.id))
            self.reopened(s, ticket)

    async def reopen(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        if ticket.status.is_active:  # pressed twice, or reopened meanwhile: just talk on it
            s.state.ticket_number = ticket.number
            s.say("tickets-write-now", number=num(ticket.number), ticket_number=ticket.number)
        elif ticket.status is S.RESOLVED and _reopen_allowed(s, ticket):
            ticket = await run(s, reopen_ticket, ReopenTicket(s.actor, ticket.id))
            self.reopened(s, ticket)
        else:
            self.not_active(s, ticket)

    def reopened(self, s: Session, ticket: Ticket) -> None:
        # The core's push says "open again" in the ticket's own chat; here we ask for the why.
        s.state.ticket_number = ticket.number
        pushed = 1 if pushed_here(s, ticket) else 0
        s.say("tickets-tell-what-is-wrong", number=num(ticket.number), pushed=pushed)

    async def new(self, s: Session, action: Action) -> None:
        self.leave_tiny_flow(s)
        await self.conversations.engine.start(s, report.NAME)

    # -- confirming and rating -----------------------------------------------------------------

    async def confirm(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        if ticket.status is not S.RESOLVED:
            self.no_confirmation(s, ticket)
            return
        ticket = await run(s, confirm_resolved, ConfirmResolved(s.actor, ticket.id))
        if pushed_here(s, ticket):
            return  # the push thanks and asks for stars ("closed, rate us"): once is enough
        stars = keyboard(_stars(s, ticket.number)) if _may_rate(s, ticket) else ()
        s.say("tickets-confirmed", number=num(ticket.number), rate=1 if stars else 0, buttons=stars)

    def no_confirmation(self, s: Session, ticket: Ticket) -> None:
        status = presentation.status_name(s.t, ticket.status)
        s.say("tickets-not-resolved", number=num(ticket.number), status=status)

    async def rate(self, s: Session, action: Action) -> None:
        self.leave_tiny_flow(s)
        ticket = await _find(s, _number(action))
        stars = action.part(2)
        if not stars.isdigit():
            s.say("button-expired")
            return
        await run(s, rate_ticket, RateTicket(s.actor, ticket.id, int(stars)))
        enter(s, COMMENT, "comment", {"number": ticket.number, "rating": int(stars)})
        await ask_comment(s)

    # -- authorizing -----------------------------------------------------------------------------

    async def authorize(self, s: Session, action: Action) -> None:
        ticket = await _find(s, _number(action))
        if ticket.status is not S.TO_AUTHORIZE:
            self.decided(s, ticket)
            return
        await run(s, authorize_ticket, AuthorizeTicket(s.actor, ticket.id))
        s.say("tickets-authorized", number=num(ticket.number))

    async def reject(self, s: Session, action: Action) -> None:
        self.leave_tiny_flow(s)
        ticket = await _find(s, _number(action))
        if not s.is_super_user:
            # Asking a member for a reason first would only delay the same refusal.
            raise PermissionDenied()
        if ticket.status is not S.TO_AUTHORIZE:
            self.decided(s, ticket)
            return
        enter(s, REJECT, "reason", {"number": ticket.number})
        await ask_reason(s)

    def decided(self, s: Session, ticket: Ticket) -> None:
        status = presentation.status_name(s.t, ticket.status)
        s.say("tickets-already-decided", number=num(ticket.number), status=status)

    # -- talking on a ticket ---------------------------------------------------------------------

    async def free_input(self, s: Session, received: Input) -> None:
        if isinstance(received, Edited):
            await self.edited(s, received)
            return
        if not isinstance(received, Text | Files):
            show_menu(s)
            return
        message = await take_message(s, received)
        if message is None:
            if isinstance(received, Text):
                show_menu(s)
            return  # the refused files were explained one by one
        await self.route(s, [message])

    async def route(self, s: Session, messages: list[Pending]) -> None:
        """Deliver to the ticket the person means, or ask: see the module's docstring."""
        ticket = await self.replied_to(s, messages[-1].reply_to) or await self.chosen(s)
        if ticket is not None:
            await self.deliver(s, ticket, messages)
            return
        candidates = await own_active(s)
        if len(candidates) == 1:
            await self.deliver(s, candidates[0], messages)
            return
        enter(s, TALK, "pick" if candidates else "none", {})
        keep(s, messages)
        await self.ask_talk(s)

    async def replied_to(self, s: Session, message_id: str | None) -> Ticket | None:
        """The ticket of the message this one replies to (a push, a confirmation, or the
        person's own earlier message), when we know it."""
        if message_id is None:
            return None
        async with s.deps.uow_factory(read_only=True) as uow:
            ref = await uow.refs.find(s.platform, s.identity.chat_id, message_id)
            return await uow.tickets.get(ref.ticket_id) if ref is not None else None

    async def chosen(self, s: Session) -> Ticket | None:
        """The ticket picked with Reply (or last reported, or written on) while it is active,
        or just solved: a message then means "it is not over", and reopening is offered.
        Anything older is forgotten."""
        if s.state.ticket_number is None:
            return None
        try:
            ticket: Ticket | None = await _find(s, s.state.ticket_number)
        except DomainError:
            ticket = None
        if ticket is not None and (ticket.status.is_active or _reopen_allowed(s, ticket)):
            return ticket
        s.state.ticket_number = None
        return None

    async def deliver(self, s: Session, ticket: Ticket, messages: Sequence[Pending]) -> bool:
        """Add the messages to the ticket, in order. False when they could not be: on a
        finished ticket they wait while the person decides; a refusal is explained."""
        for index, message in enumerate(messages):
            command = AddCustomerMessage(
                actor=s.actor,
                ticket_id=ticket.id,
                text=message.text,
                files=message.new_files(),
                # Where it came from, so the person's later edit finds this entry.
                source=PlatformMessage(s.platform, s.identity.chat_id, message.message_id),
            )
            try:
                await run(s, add_customer_message, command)
            except TicketClosed as closed:
                data = {"number": ticket.number, "reopen": closed.reopen_allowed}
                enter(s, TALK, "closed", data)
                keep(s, messages[index:])
                await self.ask_talk(s)
                return False
            except DomainError as error:
                s.say_error(error)
                return False
        s.state.ticket_number = ticket.number
        s.say("tickets-added", number=num(ticket.number), ticket_number=ticket.number)
        return True

    async def edited(self, s: Session, edited: Edited) -> None:
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

    # -- the waiting message ("tickets-talk"): pick / closed / none -----------------------------

    async def ask_talk(self, s: Session) -> str | None:
        count = len(pending_of(s))
        new = [Button(s.t("tickets-button-new-report"), actions.flow("new"))]
        cancel = list(s.nav_row(back=False))
        candidates = await own_active(s)
        choices = [
            [Button(ticket_label(s, t), actions.flow(f"n{t.number}"))]
            for t in candidates[:PAGE_SIZE]
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

    async def answer_talk(self, s: Session, received: Input) -> str | None:
        if isinstance(received, Press):
            return await self.talk_press(s, received)
        if isinstance(received, Edited):
            await self.edit_pending(s, received)
            return None
        if isinstance(received, Text | Files):
            await self.more_input(s, received)
            return None
        return await self.elsewhere(s, received)

    async def talk_press(self, s: Session, press: Press) -> str | None:
        if press.data == actions.flow("new"):
            await self.new_report(s)
            return None
        if press.data == actions.flow("reopen") and s.state.step == "closed":
            return await self.reopen_and_send(s)
        chosen = _pressed_number(press)
        if chosen is None:
            return await self.elsewhere(s, press)
        ticket = await _find(s, chosen)
        return DONE if await self.deliver(s, ticket, pending_of(s)) else None

    async def reopen_and_send(self, s: Session) -> str | None:
        ticket = await _find(s, int(s.state.data["number"]))
        if ticket.status is S.RESOLVED and _reopen_allowed(s, ticket):
            ticket = await run(s, reopen_ticket, ReopenTicket(s.actor, ticket.id))
        # Otherwise (the window closed meanwhile) the delivery below asks again, truthfully.
        return DONE if await self.deliver(s, ticket, pending_of(s)) else None

    async def more_input(self, s: Session, received: Text | Files) -> None:
        """More words or files while we wait for a decision: kept with the rest, unless the
        person replied to a ticket's message, which decides it."""
        message = await take_message(s, received)
        if message is None:
            return
        messages = [*pending_of(s), message]
        ticket = await self.replied_to(s, message.reply_to)
        if ticket is None:
            keep(s, messages)
            await self.ask_talk(s)
            return
        s.state.leave_flow()
        await self.deliver(s, ticket, messages)

    async def edit_pending(self, s: Session, edited: Edited) -> None:
        """An edit of a message still waiting changes what will be sent."""
        messages = pending_of(s)
        if not any(m.message_id == edited.message_id for m in messages):
            await self.edited(s, edited)
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

    async def new_report(self, s: Session) -> None:
        """Start a report; files the person already sent come along (the report flow keeps
        files in the same shape). Their words do not: the report asks its own questions."""
        files = [f for m in pending_of(s) for f in m.files][: s.deps.limits.max_attachments]
        if files:
            s.say("tickets-files-carried", count=len(files))
        await self.conversations.engine.start(s, report.NAME)
        if files:
            s.state.data["files"] = files

    # -- leaving a tiny flow ---------------------------------------------------------------------

    def leave_tiny_flow(self, s: Session) -> None:
        """Another action replaces a pending question of ours; say so if a message is dropped."""
        if s.state.flow not in TINY_FLOWS:
            return
        dropped = len(pending_of(s)) if s.state.flow == TALK else 0
        s.state.leave_flow()
        if dropped:
            s.say("tickets-pending-dropped", count=dropped)

    async def elsewhere(self, s: Session, received: Input) -> str | None:
        """An input that is not an answer to our tiny flow's question: leave the flow and
        handle it as the router would have, had no flow been under way."""
        self.leave_tiny_flow(s)
        if isinstance(received, Press):
            await self.press(s, received)
        else:
            await self.free_input(s, received)
        return None  # stay: whatever the input started (another flow) must not be ended

    async def press(self, s: Session, press: Press) -> None:
        """The router's dispatch of a button, through the same public registries."""
        conversations, action = self.conversations, actions.parse(press.data)
        handler: Callable[[Session, Action], Awaitable[None]] | None = None
        if action.kind == actions.MENU:
            item = conversations.menu_items.get(action.part(0))
            if item is not None:
                await item(s)
                return
            if action.part(0) == "menu":
                show_menu(s, replace=True)
                return
        elif action.kind == actions.TICKET and action.ticket_number is not None:
            handler = conversations.ticket_verbs.get(action.part(1))
        else:
            handler = conversations.kinds.get(action.kind)
        if handler is None:
            s.say("button-expired")
            show_menu(s)
            return
        await handler(s, action)

    # -- comment after a rating, reason for a rejection ----------------------------------------

    async def answer_comment(self, s: Session, received: Input) -> str | None:
        if isinstance(received, Press) and received.data == actions.flow("skip"):
            show_menu(s, intro="menu-what-next")  # the rating said thanks already
            return DONE
        if isinstance(received, Press):
            return await self.elsewhere(s, received)
        if isinstance(received, Edited):
            await self.edited(s, received)
            return None
        if not isinstance(received, Text) or not received.text.strip():
            s.say("tickets-comment-as-text", buttons=keyboard([_skip(s)]))
            return None
        data = s.state.data
        ticket = await _find(s, int(data["number"]))
        command = RateTicket(s.actor, ticket.id, int(data["rating"]), received.text)
        return await self.finish(s, rate_ticket, command, "tickets-comment-thanks")

    async def answer_reason(self, s: Session, received: Input) -> str | None:
        reason: str | None
        if isinstance(received, Press) and received.data == actions.flow("noreason"):
            reason = None
        elif isinstance(received, Press):
            return await self.elsewhere(s, received)
        elif isinstance(received, Edited):
            await self.edited(s, received)
            return None
        elif isinstance(received, Text) and received.text.strip():
            reason = received.text
        else:
            s.say("tickets-reject-as-text")
            return None
        ticket = await _find(s, int(s.state.data["number"]))
        reporter = await _reporter_name(s, ticket)
        command = RejectTicket(s.actor, ticket.id, reason)
        done = "tickets-rejected"
        return await self.finish(
            s, reject_ticket, command, done, number=num(ticket.number), reporter=reporter
        )

    async def finish(
        self, s: Session, service: Service[Any], command: object, done: str, **params: str
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


def _number(action: Action) -> int:
    assert action.ticket_number is not None  # the router only hands over t:<number>:...
    return action.ticket_number


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


def _skip(s: Session) -> Button:
    return Button(s.t("button-skip"), actions.flow("skip"))


async def own_active(s: Session) -> list[Ticket]:
    """The person's own active tickets, newest first (a super user's list also holds
    colleagues' tickets, but a message typed into the chat is about one's own)."""
    listed = await run(
        s, list_tickets, ListTickets(s.actor, Scope.ACTIVE, limit=CANDIDATES), read_only=True
    )
    assert s.user is not None
    return [t for t in listed.tickets if t.reporter_id == s.user.id]


async def _reporter_name(s: Session, ticket: Ticket) -> str:
    async with s.deps.uow_factory(read_only=True) as uow:
        reporter = await uow.users.get(ticket.reporter_id)
    return reporter.name if reporter is not None else s.t("tickets-someone")


# -- the tiny flows' questions ---------------------------------------------------------------


async def ask_comment(s: Session) -> str | None:
    data = s.state.data
    number, rating = num(int(data["number"])), int(data["rating"])
    s.say("tickets-ask-comment", number=number, rating=rating, buttons=keyboard([_skip(s)]))
    return None


async def ask_reason(s: Session) -> str | None:
    ticket = await _find(s, int(s.state.data["number"]))
    reporter = await _reporter_name(s, ticket)
    no_reason = Button(s.t("tickets-button-reject-no-reason"), actions.flow("noreason"))
    s.say(
        "tickets-ask-reason",
        number=num(ticket.number),
        reporter=reporter,
        buttons=keyboard([no_reason], s.nav_row(back=False)),
    )
    return None


async def _talk_cancelled(s: Session) -> None:
    s.say("tickets-pending-cancelled")


async def _reject_cancelled(s: Session) -> None:
    s.say("tickets-reject-cancelled")


# -- installing ------------------------------------------------------------------------------


def install(conversations: Conversations) -> TicketFeature:
    feature = TicketFeature(conversations)
    talk = Step(feature.ask_talk, feature.answer_talk)
    conversations.add_flow(
        Flow(
            TALK,
            "pick",
            {"pick": talk, "closed": talk, "none": talk},
            _talk_cancelled,
            menu_after=False,
        )
    )
    conversations.add_flow(
        Flow(
            COMMENT,
            "comment",
            {"comment": Step(ask_comment, feature.answer_comment)},
            menu_after=False,
        )
    )
    conversations.add_flow(
        Flow(
            REJECT,
            "reason",
            {"reason": Step(ask_reason, feature.answer_reason)},
            _reject_cancelled,
            menu_after=False,
        )
    )
    conversations.menu_items["tickets"] = feature.my_tickets
    conversations.commands["tickets"] = feature.command
    conversations.kinds[actions.LIST] = feature.list_page
    verbs: dict[str, Callable[[Session, Action], Awaitable[None]]] = {
        "open": feature.open,
        "more": feature.more,
        "reply": feature.reply,
        "ok": feature.confirm,
        "ns": feature.not_solved,
        "rate": feature.rate,
        "reopen": feature.reopen,
        "new": feature.new,
        "auth": feature.authorize,
        "rej": feature.reject,
        "archive": feature.archive,
        "unarchive": feature.unarchive,
    }
    conversations.ticket_verbs.update(verbs)
    conversations.free_input = feature.free_input
    return feature
