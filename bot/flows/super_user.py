"""What only a company's super user does in the chat (seed 003): "send us a message" to support,
and support access tokens.

The message is a short flow kept in the conversation state like the report (subject → message,
with files → confirm). The token screen is stateless instead: every button carries what it
needs (`tok:<verb>[:<code>[:<arg>]]`), so a screen left open still works after a restart.
Tokens are named by their code (ST-XXXX-XXXX, 12 bytes) rather than their UUID (36), which keeps
button data within actions.MAX_DATA_BYTES, and every press looks the code up again among the
company's valid tokens through the core, which decides whether this person may: forged data
gets nothing the sender could not have had anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import DONE, FetchRefused, Flow, Session, Step
from bot.flows.io import Button, Files, IncomingFile, Input, Keyboard, Press, Say, Text, keyboard
from bot.flows.menu import show_menu
from bot.i18n import Safe
from core.commands import (
    AttachSupportToken,
    CreateSupportToken,
    FindTicket,
    ListSupportTokens,
    ListTickets,
    NewFile,
    RevokeSupportToken,
    SendExtraMessage,
)
from core.errors import DomainError
from core.model import SupportToken, Ticket, TicketStatus
from core.ports import FileTooLarge, Scope
from core.services.queries import find_ticket, list_tickets
from core.services.support_tokens import (
    attach_support_token,
    create_support_token,
    list_support_tokens,
    revoke_support_token,
)
from core.services.tickets import send_extra_message

if TYPE_CHECKING:
    import uuid

    from bot.flows.router import Conversations

MESSAGE_FLOW = "super_message"
SCREEN_KIND = "tok"

# -- message support ------------------------------------------------------------------------------


async def start_message(s: Session, start: Callable[[Session], Awaitable[None]]) -> None:
    # Members never see the menu item, but an old menu from before a role change still has it.
    if not s.is_super_user:
        s.say("error-not-allowed")
        show_menu(s)
        return
    await start(s)


async def ask_subject(s: Session) -> str | None:
    # The first step: Cancel is the way back to the menu, as in the report.
    s.say("su-message-ask-subject", buttons=keyboard(s.nav_row(back=False)))
    return None


async def answer_subject(s: Session, received: Input) -> str | None:
    if not isinstance(received, Text) or not received.text.strip():
        s.say("su-message-type-subject")
        return None
    subject = " ".join(received.text.split())
    limit = s.deps.ctx.config.max_subject_chars
    if len(subject) > limit:
        s.say("su-message-subject-too-long", length=len(subject), max=limit)
        return None
    s.state.data["subject"] = subject
    return "text"


async def ask_text(s: Session) -> str | None:
    limits = s.deps.limits
    s.say(
        "su-message-ask-text",
        max=limits.max_attachments,
        mb=limits.max_attachment_bytes // 2**20,
        buttons=keyboard(s.nav_row()),
    )
    return None


async def answer_text(s: Session, received: Input) -> str | None:
    if isinstance(received, Files):
        await _take_files(s, received)
        if s.state.data.get("text"):
            return "confirm"  # a caption said it
        s.say("su-message-text-still-needed")
        return None
    if not isinstance(received, Text) or not received.text.strip():
        s.say("su-message-write-text")
        return None
    text = received.text.strip()
    if not _fits(s, text):
        return None
    s.state.data["text"] = text
    return "confirm"


async def ask_confirm(s: Session) -> str | None:
    data = s.state.data
    s.say(
        "su-message-summary",
        subject=data["subject"],
        text=_excerpt(data["text"]),
        files=len(data.get("files", [])),
        buttons=keyboard([s.button("su-message-send", actions.flow("send"))], s.nav_row()),
    )
    return None


async def answer_confirm(s: Session, received: Input) -> str | None:
    if isinstance(received, Press) and received.data == actions.flow("send"):
        return await _send(s)
    if isinstance(received, Files):
        await _take_files(s, received)
        await ask_confirm(s)
        return None
    if isinstance(received, Text) and received.text.strip():
        # People split one message over several chat bubbles: the next one belongs to it.
        text = f"{s.state.data['text']}\n\n{received.text.strip()}"
        if _fits(s, text):
            s.state.data["text"] = text
            s.say("su-message-text-added")
            await ask_confirm(s)
        return None
    s.say("su-message-send-or-back")
    return None


async def on_cancel_message(s: Session) -> None:
    s.say("su-message-cancelled")


def _fits(s: Session, text: str) -> bool:
    """Whether the message stays within what the core takes; says so if not."""
    length = len(text)
    limit = s.deps.ctx.config.max_text_chars
    if length > limit:
        s.say("su-message-too-long", length=length, max=limit)
        return False
    return True


def _excerpt(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def _send(s: Session) -> str | None:
    data = s.state.data
    files = tuple(
        NewFile(
            file_name=str(f["name"]),
            mime_type=str(f["mime"]),
            size=int(f["size"]),
            sha256=str(f["sha256"]),
            storage_key=str(f["key"]),
        )
        for f in data.get("files", [])
    )
    command = SendExtraMessage(
        actor=s.actor,
        text=data["text"],
        subject=data["subject"],
        files=files,
        origin_platform=s.platform,
        origin_chat_id=s.identity.chat_id,
        ticket_id=s.draft_id(),
    )
    try:
        ticket = await send_extra_message(command, s.deps.uow_factory(), s.deps.ctx)
    except DomainError as error:
        s.say_error(error)
        return None
    # Agents get the message from the core's outbox; the customer only from us (the core
    # routes it to agents only). Threaded under its number, it anchors support's replies.
    s.say(
        "su-message-sent",
        number=str(ticket.number),
        files=len(files),
        ticket_number=ticket.number,
    )
    return DONE


async def _take_files(s: Session, received: Files) -> None:
    """Stream the files into the store and keep them in the state until Send, as the report
    does; a caption is part of the message."""
    kept: list[dict[str, Any]] = s.state.data.setdefault("files", [])
    added: list[str] = []
    for item in received.items:
        stored = await _fetch(s, item, len(kept))
        if stored is None:
            continue
        kept.append(stored)
        added.append(str(stored["name"]))
        if item.caption.strip():
            s.state.data["text"] = f"{s.state.data.get('text', '')}\n\n{item.caption}".strip()
    if added:
        limit = s.deps.limits.max_attachments
        s.say("su-message-files-added", names=", ".join(added), count=len(kept), max=limit)


async def _fetch(s: Session, item: IncomingFile, already: int) -> dict[str, Any] | None:
    """One file in the store, as state data; None once the person was told why not."""
    limits = s.deps.limits
    name = item.file_name or item.kind.value
    if already >= limits.max_attachments:
        s.say("su-message-file-too-many", name=name, max=limits.max_attachments)
        return None
    if s.files is None:
        s.say("su-message-file-failed", name=name)
        return None
    try:
        fetched = await s.files.fetch(item, limits.max_attachment_bytes)
    except FetchRefused as refused:
        s.say(refused.reason, params={**refused.params, "name": name})
        return None
    except FileTooLarge:
        s.say("su-message-file-too-big", name=name, mb=limits.max_attachment_bytes // 2**20)
        return None
    return {
        "key": fetched.stored.key,
        "sha256": fetched.stored.sha256,
        "size": fetched.stored.size,
        "name": fetched.file_name,
        "mime": fetched.mime_type,
    }


MESSAGE = Flow(
    name=MESSAGE_FLOW,
    first="subject",
    steps={
        "subject": Step(ask_subject, answer_subject),
        "text": Step(ask_text, answer_text),
        "confirm": Step(ask_confirm, answer_confirm),
    },
    on_cancel=on_cancel_message,
)


# -- support access tokens ------------------------------------------------------------------------

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


# -- installing -----------------------------------------------------------------------------------


def install(conversations: Conversations) -> None:
    conversations.add_flow(MESSAGE)
    start = conversations.start_flow(MESSAGE_FLOW)

    async def message(s: Session) -> None:
        await start_message(s, start)

    conversations.menu_items["message"] = message
    conversations.menu_items["token"] = show_tokens_from_menu
    conversations.kinds[SCREEN_KIND] = on_token_button
