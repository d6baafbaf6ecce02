"""Delivering customer outbox messages to Telegram (core.ports.Sender).

A message is either a `Say` a flow wrote (event_type SAY_EVENT) or a core event that
`render_push` turns into Says in the customer's language. Each Say about a ticket is threaded:
its first message replies to the ticket's anchor in this chat (the first bot message about the
ticket there), and every message sent is recorded as a MessageRef, so a customer who answers
with Telegram's "reply" lands on the right ticket.

Telegram's refusals become core.delivery's verdicts: blocked or gone → Unreachable (and the
chat identity is marked unreachable, so pushes can fall back to e-mail); flood control →
RetryLater with Telegram's wait; network trouble → RetryLater; a malformed request →
PermanentFailure. Delivery is at least once: when a Say of several messages fails half-way,
the retry sends it whole again.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.common.outbox import (
    RenderPush,
    entry_id_of,
    mark_unreachable,
    record_shown,
    says_of,
    ticket_id_of,
)
from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.posting import UPLOAD_LIMIT, post
from adapters.telegram.render import plan
from bot.flows.io import Say
from core.delivery import BLOCKED, CHAT_GONE, PermanentFailure, RetryLater, Unreachable
from core.model import Attachment, OutboxMessage, Platform
from core.ports import FileStore, UnitOfWork, UnitOfWorkFactory

__all__ = ["RenderPush", "TelegramSender"]

log = logging.getLogger(__name__)

TELEGRAM = Platform.TELEGRAM


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        uow_factory: UnitOfWorkFactory,
        file_store: FileStore,
        signer: CallbackSigner,
        render_push: RenderPush,
    ) -> None:
        self._bot = bot
        self._uow_factory = uow_factory
        self._files = file_store
        self._signer = signer
        self._render_push = render_push

    async def send(self, message: OutboxMessage) -> None:
        chat_id, says = await says_of(message, TELEGRAM, self._render_push)
        try:
            for say in says:
                await self._send_say(message, chat_id, say)
        except TelegramError as exc:
            raise await self._verdict(chat_id, exc) from exc

    async def _send_say(self, message: OutboxMessage, chat_id: str, say: Say) -> None:
        async with self._uow_factory(read_only=True) as uow:
            ticket_id = await ticket_id_of(uow, say, message)
            anchor = await uow.refs.anchor(ticket_id, TELEGRAM, chat_id) if ticket_id else None
            attachments = await _attachments(uow, say)
        messages = plan(say, self._signer, attachments)
        if not messages:
            log.warning("outbox message %s: a Say with nothing to show", message.id)
            return
        reply_to = int(anchor.message_id) if anchor is not None else None
        shown = await post(self._bot, int(chat_id), messages, self._files, reply_to)
        if ticket_id is not None:
            await record_shown(
                self._uow_factory,
                TELEGRAM,
                chat_id,
                ticket_id,
                [str(message_id) for message_id in shown],
                entry_id_of(message),
                anchored=anchor is not None,
            )

    async def _verdict(self, chat_id: str, exc: TelegramError) -> Exception:
        """The core.delivery error that says what to do about `exc`."""
        reason = f"{type(exc).__name__}: {exc.message}"
        if isinstance(exc, Forbidden) or (
            isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()
        ):
            await mark_unreachable(self._uow_factory, TELEGRAM, chat_id)
            # Forbidden: "bot was blocked by the user" (or the user is deactivated).
            return Unreachable(reason, why=BLOCKED if isinstance(exc, Forbidden) else CHAT_GONE)
        if isinstance(exc, RetryAfter):
            return RetryLater(reason, retry_after=_seconds(exc))
        if isinstance(exc, BadRequest | ChatMigrated):
            return PermanentFailure(reason)
        # NetworkError (TimedOut, and 5xx answers arrive as it too) passes; InvalidToken or
        # Conflict need an operator, and until then the messages should wait, not be lost.
        return RetryLater(reason)


async def _attachments(uow: UnitOfWork, say: Say) -> list[Attachment]:
    found: list[Attachment] = []
    for raw in say.attachment_ids:
        attachment = await uow.attachments.get(uuid.UUID(raw))
        if attachment is None:
            # Gone since the Say was written: the words still matter more than the file.
            log.warning("attachment %s is gone; sending the message without it", raw)
            continue
        if attachment.size > UPLOAD_LIMIT:
            raise PermanentFailure(f"attachment {raw} is larger than Telegram accepts from bots")
        found.append(attachment)
    return found


def _seconds(exc: RetryAfter) -> float:
    # PTB 22 warns when retry_after is read as a number unless PTB_TIMEDELTA is set; either
    # way the value is right, so the warning is noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
