"""Long polling that loses nothing: updates are written to the inbox before they are confirmed.

Telegram confirms updates only when a later getUpdates asks for a higher offset, so the offset
moves past an update only after the transaction that recorded it has committed. A crash in
between means Telegram sends it again and the inbox's (platform, event id) key drops the copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from core.model import InboxEvent, Platform
from core.ports import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def event_id(bot_id: int, update_id: int) -> str:
    # update_id is unique per bot only; the bot's id keeps two bots' updates apart.
    return f"{bot_id}:{update_id}"


async def record_updates(
    uow_factory: UnitOfWorkFactory, clock: Clock, bot_id: int, updates: list[Update]
) -> int:
    """Write updates to the inbox; returns how many were new."""
    now = clock.now()
    events = [
        InboxEvent(
            platform=Platform.TELEGRAM,
            event_id=event_id(bot_id, update.update_id),
            payload=update.to_dict(),
            received_at=now,
        )
        for update in updates
    ]
    async with uow_factory(autocommit=True) as uow:  # one multi-row INSERT
        new = await uow.inbox.add_new(events)
        await uow.commit()
    return new


class TelegramPoller:
    def __init__(
        self,
        bot: Bot,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        on_new: Callable[[], None],
        *,
        timeout: int = 25,
    ) -> None:
        self._bot = bot
        self._uow_factory = uow_factory
        self._clock = clock
        self._on_new = on_new
        self._timeout = timeout
        self.received = 0

    async def run(self, stop: asyncio.Event) -> None:
        # getUpdates refuses to work while a webhook is set.
        await self._bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                updates = list(
                    await self._bot.get_updates(
                        offset=offset,
                        timeout=self._timeout,
                        allowed_updates=ALLOWED_UPDATES,
                    )
                )
                failures = 0
            except RetryAfter as exc:
                await _pause(stop, _seconds(exc.retry_after))
                continue
            except (TimedOut, NetworkError, Conflict) as exc:
                failures += 1
                log.warning("getUpdates failed (%s), retrying", type(exc).__name__)
                await _pause(stop, min(30.0, 0.5 * 2**failures))
                continue
            if not updates:
                continue
            try:
                self.received += await record_updates(
                    self._uow_factory, self._clock, self._bot.id, updates
                )
            except Exception:
                # Not recorded, so not confirmed: the same updates come back next time.
                log.exception("recording updates failed")
                await _pause(stop, 1.0)
                continue
            offset = updates[-1].update_id + 1
            self._on_new()


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
