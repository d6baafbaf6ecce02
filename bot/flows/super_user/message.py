"""What a company's super user sends support outside any ticket (seed 003): "message support", a
short flow kept in the conversation state like the report (subject → message, with files →
confirm)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.flows import actions
from bot.flows.engine import DONE, Flow, Session, Step
from bot.flows.files import new_files, take_file
from bot.flows.io import Files, Input, Press, Text, keyboard
from bot.flows.menu import show_menu
from core.commands import SendExtraMessage
from core.errors import DomainError
from core.services.tickets import send_extra_message

MESSAGE_FLOW = "super_message"


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
        mb=limits.max_attachment_mb,
        buttons=keyboard(s.nav_row()),
        compose=True,
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
    files = new_files(data.get("files", []))
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
        stored = await take_file(s, item, len(kept))
        if stored is None:
            continue
        kept.append(stored)
        added.append(str(stored["name"]))
        if item.caption.strip():
            s.state.data["text"] = f"{s.state.data.get('text', '')}\n\n{item.caption}".strip()
    if added:
        limit = s.deps.limits.max_attachments
        s.say("su-message-files-added", names=", ".join(added), count=len(kept), max=limit)


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
