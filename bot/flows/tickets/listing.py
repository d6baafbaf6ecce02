"""My tickets: the list (`m:tickets`, `/tickets [words]`, `list:...` buttons), its filters,
period, paging and typed search. Paging edits the pressed message, so browsing does not flood
the chat."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot import presentation
from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Session
from bot.flows.io import Button, Command, keyboard
from bot.flows.tickets.common import PAGE_SIZE, aware, leave_tiny_flow, num, run, show, ticket_label
from bot.flows.tickets.detail import show_detail
from bot.flows.tickets.list_view import FILTERS, PERIODS, PICK_PERIOD, ListView
from bot.pushes import excerpt
from core.commands import ListTickets
from core.model import Ticket
from core.ports import Scope
from core.services.queries import list_tickets

SUBJECT_IN_LINE = 60  # characters of a subject in a list line
QUERY_CHARS = 100  # a typed search longer than this is cut


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


async def my_tickets(s: Session) -> None:
    # A new message: "My tickets" also sits on pushes, whose text must stay.
    leave_tiny_flow(s)
    await show_list(s, ListView())


async def command(s: Session, command: Command) -> None:
    leave_tiny_flow(s)
    words = clean_query(command.args)
    number = words.lstrip("#")
    if number.isdigit():
        await show_detail(s, int(number))
    else:
        await show_list(s, ListView("all" if words else "active", query=words))


async def list_page(s: Session, action: Action) -> None:
    if action.part(0) == PICK_PERIOD:
        filter_ = action.part(1) if action.part(1) in FILTERS else "active"
        show_periods(s, filter_, action.part(2) if action.part(2) in PERIODS else "")
        return
    await show_list(s, ListView.parse(action.parts), replace=True)
