"""Support access tokens (seed 003): the token screen and its buttons.

The screen is stateless: every button carries what it needs (`tok:<verb>[:<code>[:<arg>]]`), so a
screen left open still works after a restart. Tokens are named by their code (ST-XXXX-XXXX, 12
bytes) rather than their UUID (36), which keeps button data within actions.MAX_DATA_BYTES, and
every press looks the code up again among the company's valid tokens through the core, which
decides whether this person may: forged data gets nothing the sender could not have had anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Session
from bot.flows.io import Button, Keyboard, Say, keyboard
from bot.flows.menu import show_menu
from bot.i18n import Safe
from core.commands import (
    AttachSupportToken,
    CreateSupportToken,
    FindTicket,
    ListSupportTokens,
    ListTickets,
    RevokeSupportToken,
)
from core.errors import DomainError
from core.model import SupportToken, Ticket, TicketStatus
from core.ports import Scope
from core.services.queries import find_ticket, list_tickets
from core.services.support_tokens import (
    attach_support_token,
    create_support_token,
    list_support_tokens,
    revoke_support_token,
)

if TYPE_CHECKING:
    import uuid


SCREEN_KIND = "tok"

# Short on purpose: the person picks the least that support needs.
VALIDITY: dict[str, tuple[str, timedelta]] = {
    "1h": ("su-token-hours", timedelta(hours=1)),
    "1d": ("su-token-days", timedelta(days=1)),
    "1w": ("su-token-weeks", timedelta(weeks=1)),
}
MAX_LISTED = 10  # tokens shown with buttons; older ones expire on their own within a week
TICKET_PAGE = 8
# Tickets support already works on: a ticket still to be authorized has no thread to show it in.
ATTACHABLE = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER})

TokenVerb = Callable[[Session, Action], Awaitable[None]]


def token_data(*parts: str | int) -> str:
    data = ":".join([SCREEN_KIND, *map(str, parts)])
    if len(data.encode()) > actions.MAX_DATA_BYTES:
        raise ValueError(f"button data too long: {data!r}")
    return data


async def show_tokens_from_menu(s: Session) -> None:
    try:
        await show_tokens(s)
    except DomainError as error:  # a member: the core refuses the list
        s.say_error(error)
        show_menu(s)


async def on_token_button(s: Session, action: Action) -> None:
    verb = _VERBS.get(action.part(0))
    try:
        if verb is None:
            s.say("button-expired")
            await _after_refusal(s)
            return
        await verb(s, action)
    except DomainError as error:
        s.say_error(error)
        await _after_refusal(s)


async def _after_refusal(s: Session) -> None:
    if s.is_super_user:
        await show_tokens(s, replace_pressed=False)
    else:
        show_menu(s)


async def show_tokens(s: Session, notice: str | None = None, replace_pressed: bool = True) -> None:
    """The company's valid tokens, each with Attach and Revoke, and Create."""
    tokens = await _valid_tokens(s)
    shown = tokens[:MAX_LISTED]
    numbers = await _attached_numbers(s, shown)
    lines = [s.text("su-tokens-count", count=len(tokens))]
    lines += [_token_line(s, t, numbers.get(t.id)) for t in shown]
    if len(tokens) > len(shown):
        lines.append(s.text("su-tokens-more", count=len(tokens) - len(shown)))
    parts = [notice] if notice else []
    parts += [s.text("su-tokens-intro"), "\n".join(lines)]
    rows: list[list[Button]] = [[s.button("su-token-button-create", token_data("new"))]]
    rows += [
        [
            s.button("su-token-button-attach", token_data("att", t.code), code=t.code),
            s.button("su-token-button-revoke", token_data("rev", t.code)),
        ]
        for t in shown
    ]
    rows.append([s.button("su-token-button-menu", actions.menu("menu"))])
    _screen(s, "\n\n".join(parts), keyboard(*rows), replace_pressed)


def _token_line(s: Session, token: SupportToken, number: int | None) -> str:
    expires = s.t.datetime(token.expires_at)
    if number is None:
        return s.text("su-token-line-free", code=token.code, expires=expires)
    return s.text("su-token-line-attached", code=token.code, expires=expires, number=str(number))


def _screen(s: Session, text: str, buttons: Keyboard, replace_pressed: bool = True) -> None:
    """One message, in place of the screen whose button was pressed."""
    pressed = s.pressed_message_id if replace_pressed else None
    s.emit(Say(Safe(text), buttons=buttons, replace_message_id=pressed))


async def _valid_tokens(s: Session) -> list[SupportToken]:
    """Newest first. The core refuses anyone but a super user, for their own company."""
    found = await list_support_tokens(ListSupportTokens(s.actor), s.deps.uow_factory(), s.deps.ctx)
    return sorted(found, key=lambda t: t.created_at, reverse=True)


async def _token(s: Session, code: str) -> SupportToken | None:
    """The token a button names, if it is still one of the company's valid ones; if not, the
    person is told and sees the list again. Another company's code is simply not there."""
    token = next((t for t in await _valid_tokens(s) if t.code == code), None)
    if token is None:
        await show_tokens(s, notice=s.text("su-token-gone", code=code))
    return token


async def _attached_numbers(s: Session, tokens: Sequence[SupportToken]) -> dict[uuid.UUID, int]:
    """Token id -> the number of the ticket it is attached to (same company: the core said)."""
    found: dict[uuid.UUID, int] = {}
    async with s.deps.uow_factory(read_only=True) as uow:
        for token in tokens:
            ticket = await uow.tickets.get(token.ticket_id) if token.ticket_id else None
            if ticket is not None:
                found[token.id] = ticket.number
    return found


# tok:list


async def _list(s: Session, _: Action) -> None:
    await show_tokens(s)


# tok:new → tok:new:<validity>


async def _create(s: Session, action: Action) -> None:
    choice = VALIDITY.get(action.part(1))
    if choice is None:
        await _valid_tokens(s)  # only to have the core refuse a member before asking anything
        _ask_validity(s)
        return
    command = CreateSupportToken(s.actor, valid_for=choice[1])
    token = await create_support_token(command, s.deps.uow_factory(), s.deps.ctx)
    text = s.text("su-token-created", code=token.code, expires=s.t.datetime(token.expires_at))
    buttons = keyboard(
        [s.button("su-token-button-attach", token_data("att", token.code), code=token.code)],
        [s.button("button-back", token_data("list"))],
    )
    _screen(s, text, buttons)


def _ask_validity(s: Session) -> None:
    row = [s.button(label, token_data("new", key), count=1) for key, (label, _) in VALIDITY.items()]
    back = [s.button("button-back", token_data("list"))]
    _screen(s, s.text("su-token-ask-validity"), keyboard(row, back))


# tok:att:<code> → tok:att:<code>:p<before> (older tickets) → tok:att:<code>:<number>


async def _attach(s: Session, action: Action) -> None:
    token = await _token(s, action.part(1))
    if token is None:
        return
    arg = action.part(2)
    if arg.isdigit():
        await _attach_to(s, token, int(arg))
        return
    before = int(arg[1:]) if arg.startswith("p") and arg[1:].isdigit() else None
    await _pick_ticket(s, token, before)


async def _pick_ticket(s: Session, token: SupportToken, before: int | None) -> None:
    query = ListTickets(
        actor=s.actor,
        scope=Scope.ACTIVE,
        statuses=ATTACHABLE,
        before_number=before,
        limit=TICKET_PAGE,
    )
    page = await list_tickets(query, s.deps.uow_factory(), s.deps.ctx)
    back = [s.button("button-back", token_data("list"))]
    if not page.tickets:
        report = [s.button("menu-report", actions.menu("report"))]
        _screen(s, s.text("su-token-no-tickets", code=token.code), keyboard(report, back))
        return
    rows = [
        [Button(_ticket_label(t), token_data("att", token.code, t.number))] for t in page.tickets
    ]
    if page.next_before_number is not None:
        older = token_data("att", token.code, f"p{page.next_before_number}")
        rows.append([s.button("su-token-older-tickets", older)])
    rows.append(back)
    text = s.text("su-token-pick-ticket", code=token.code)
    numbers = await _attached_numbers(s, [token])
    if token.id in numbers:
        text += "\n" + s.text("su-token-pick-moves", number=str(numbers[token.id]))
    _screen(s, text, keyboard(*rows))


def _ticket_label(ticket: Ticket, limit: int = 40) -> str:
    # Button labels are plain text (not mini-HTML): the subject goes in as typed.
    subject = ticket.subject if len(ticket.subject) <= limit else ticket.subject[: limit - 1] + "…"
    return f"#{ticket.number} · {subject}"


async def _attach_to(s: Session, token: SupportToken, number: int) -> None:
    uow_factory, ctx = s.deps.uow_factory, s.deps.ctx
    ticket = await find_ticket(FindTicket(s.actor, number), uow_factory(), ctx)
    command = AttachSupportToken(actor=s.actor, token_id=token.id, ticket_id=ticket.id)
    await attach_support_token(command, uow_factory(), ctx)
    await show_tokens(s, notice=s.text("su-token-attached", code=token.code, number=str(number)))


# tok:rev:<code> → tok:rev:<code>:yes


async def _revoke(s: Session, action: Action) -> None:
    token = await _token(s, action.part(1))
    if token is None:
        return
    if action.part(2) != "yes":
        await _confirm_revoke(s, token)
        return
    command = RevokeSupportToken(actor=s.actor, token_id=token.id)
    await revoke_support_token(command, s.deps.uow_factory(), s.deps.ctx)
    await show_tokens(s, notice=s.text("su-token-revoked", code=token.code))


async def _confirm_revoke(s: Session, token: SupportToken) -> None:
    number = (await _attached_numbers(s, [token])).get(token.id)
    text = s.text(
        "su-token-revoke-confirm",
        code=token.code,
        attached=int(number is not None),
        number=str(number or "-"),
    )
    buttons = keyboard(
        [s.button("su-token-revoke-yes", token_data("rev", token.code, "yes"))],
        [s.button("button-back", token_data("list"))],
    )
    _screen(s, text, buttons)


_VERBS: dict[str, TokenVerb] = {
    "list": _list,
    "new": _create,
    "att": _attach,
    "rev": _revoke,
}
