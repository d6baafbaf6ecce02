"""Telegram wired to the conversations: inbox events in, conversation inputs out."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.translate import Inbound as TelegramInbound
from adapters.telegram.translate import InboundKind, translate
from bot.flows.engine import FileFetcher
from bot.flows.io import Files, Press
from bot.flows.router import Conversations, Inbound
from bot.flows.state import BotUnitOfWorkFactory
from bot.inbound import MarkDone, Routing
from core.giving_up import chat_blocked
from core.model import InboxEvent, Platform

log = logging.getLogger(__name__)

# What a press with unsigned or tampered data becomes: a button no handler knows ("expired").
FORGED_BUTTON = "forged:"


def _chat_of(payload: dict[str, Any]) -> tuple[str, str | None]:
    """The chat an update belongs to (its ordering key) and its album id, read cheaply."""
    message = payload.get("message") or payload.get("edited_message")
    if message is None and "callback_query" in payload:
        message = payload["callback_query"].get("message")
        if message is None:
            return f"user:{payload['callback_query']['from']['id']}", None
    if message is None and "my_chat_member" in payload:
        return str(payload["my_chat_member"]["chat"]["id"]), None
    if message is None:
        return f"update:{payload.get('update_id')}", None
    group = message.get("media_group_id") if "message" in payload else None
    return str(message["chat"]["id"]), (str(group) if group else None)


class TelegramInbox:
    def __init__(
        self,
        bot: Bot,
        conversations: Conversations,
        signer: CallbackSigner,
        files: FileFetcher | None,
        uow_factory: BotUnitOfWorkFactory,
    ) -> None:
        self._bot = bot
        self._conversations = conversations
        self._signer = signer
        self._files = files
        self._uow_factory = uow_factory

    def route(self, event: InboxEvent) -> Routing:
        chat, group = _chat_of(event.payload)
        return Routing(chat_key=f"telegram:{chat}", group=group)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        said = [self._translate(event) for event in events]
        meant = [item for item in said if item is not None]
        if not meant:
            await self._just_done(done)
            return
        first = meant[0]
        try:
            if first.kind in (InboundKind.BLOCKED, InboundKind.UNBLOCKED):
                await self._reachable(first, done)
            else:
                await self._conversations.handle(
                    self._inbound(meant), files=self._files, on_commit=done
                )
        finally:
            for item in meant:
                if item.callback_id is not None:
                    await self._answer(item.callback_id)

    async def slow_down(self, event: InboxEvent) -> None:
        """The chat floods: one polite note in its language (bot.inbound.Pace)."""
        item = self._translate(event)
        if item is not None and item.kind not in (InboundKind.BLOCKED, InboundKind.UNBLOCKED):
            await self._conversations.notice(self._inbound([item]), "flood-slow-down")

    def _translate(self, event: InboxEvent) -> TelegramInbound | None:
        try:
            return translate(Update.de_json(event.payload, self._bot), self._signer)
        except Exception as exc:
            # Not an update python-telegram-bot can read: nothing to answer, nothing to retry.
            log.warning("unreadable Telegram update %s: %s", event.event_id, type(exc).__name__)
            return None

    def _inbound(self, meant: list[TelegramInbound]) -> Inbound:
        first = meant[0]
        received = first.input if first.kind is InboundKind.INPUT else None
        if len(meant) > 1:
            # An album: its items arrive as separate updates and are handled as one input.
            items = tuple(
                file for m in meant if isinstance(m.input, Files) for file in m.input.items
            )
            received = Files(items)
        if first.kind is InboundKind.BAD_BUTTON:
            received = Press(FORGED_BUTTON, "")
        name = " ".join(p for p in (first.first_name, first.last_name) if p) or first.username
        return Inbound(
            platform=Platform.TELEGRAM,
            platform_user_id=first.platform_user_id,
            chat_id=first.chat_id,
            input=received,
            display_name=name,
            language_code=first.language_code,
        )

    async def _reachable(self, item: TelegramInbound, done: MarkDone) -> None:
        async with self._uow_factory() as uow:
            identity = await uow.identities.get_by_chat(Platform.TELEGRAM, item.chat_id)
            if identity is not None:
                reachable = item.kind is InboundKind.UNBLOCKED
                if identity.reachable and not reachable:
                    now = self._conversations.deps.ctx.clock.now()
                    await chat_blocked(uow, identity, now)  # the agents hear of it once
                identity.reachable = reachable
                await uow.identities.update(identity)
            await done(uow)
            await uow.commit()

    async def _just_done(self, done: MarkDone) -> None:
        async with self._uow_factory() as uow:
            await done(uow)
            await uow.commit()

    async def _answer(self, callback_id: str) -> None:
        # Stops the button's spinner; failing to do so must not undo the handling.
        with contextlib.suppress(TelegramError):
            await self._bot.answer_callback_query(callback_id)
