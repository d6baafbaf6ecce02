"""Processing what the platforms sent, from the inbox table.

Every update or event is recorded in the inbox before it is acknowledged, so a crash after the
acknowledgement loses nothing: this processor picks up whatever is not yet processed. Events of
one chat are handled one at a time, in the order they arrived; different chats in parallel. An
album (several items sharing a group id, arriving as separate events) waits until no new item
has come for a short quiet time, then goes to the handler as one piece.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.flows.state import BotUnitOfWork, BotUnitOfWorkFactory
from core.model import InboxEvent, Platform
from core.ports import Clock

log = logging.getLogger(__name__)

MarkDone = Callable[[BotUnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class Routing:
    chat_key: str  # events with the same key are handled in order, one at a time
    group: str | None = None  # album id: consecutive events sharing it are handled together


class InboxHandler(Protocol):
    def route(self, event: InboxEvent) -> Routing: ...

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        """Handle one event (or one album's events). Must call `done(uow)` inside the
        transaction that stores the outcome, so the events are marked processed with it."""
        ...


InboundHandlers = dict[Platform, InboxHandler]


class InboxProcessor:
    def __init__(
        self,
        uow_factory: BotUnitOfWorkFactory,
        handlers: dict[Platform, InboxHandler],
        clock: Clock,
        *,
        album_quiet: float = 0.8,
        concurrency: int = 16,
        max_attempts: int = 12,
        retry_base: float = 1.0,
        retry_max: float = 300.0,
        batch: int = 500,
        poll_interval: float = 1.0,
    ) -> None:
        self._uow_factory = uow_factory
        self._handlers = handlers
        self._clock = clock
        self._album_quiet = timedelta(seconds=album_quiet)
        self._gate = asyncio.Semaphore(concurrency)
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self._retry_max = retry_max
        # A chat whose head event failed waits before the next try (in memory: after a
        # restart everything is tried at once, which is what a restart is for).
        self._not_before: dict[str, datetime] = {}
        self._batch = batch
        self._poll_interval = poll_interval
        self._busy: set[str] = set()  # chat keys being handled right now
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self.processed = 0

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Start handling what is waiting; returns how many chats were started."""
        async with self._uow_factory(read_only=True) as uow:
            waiting = list(await uow.inbox.unprocessed(self._batch))
        by_chat: dict[str, list[tuple[InboxEvent, Routing]]] = {}
        for event in waiting:
            handler = self._handlers.get(event.platform)
            if handler is None:
                continue
            routing = handler.route(event)
            by_chat.setdefault(routing.chat_key, []).append((event, routing))
        started = 0
        now = self._clock.now()
        for chat_key, events in by_chat.items():
            if chat_key in self._busy:
                continue  # its task will look again when it is done
            if self._not_before.get(chat_key, now) > now:
                continue  # backing off after a failure
            self._busy.add(chat_key)
            task = asyncio.create_task(self._chat(chat_key, events))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def drain(self) -> None:
        """Wait until every handling started so far has finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:
                log.exception("reading the inbox failed")
            await _wait(stop, self._wake, self._poll_interval)
        await self.drain()

    async def _chat(self, chat_key: str, events: list[tuple[InboxEvent, Routing]]) -> None:
        try:
            async with self._gate:
                for piece in _pieces(events):
                    if not await self._piece(chat_key, piece):
                        break  # keep this chat's order: the rest waits for the next pass
        finally:
            self._busy.discard(chat_key)
            if self._tasks:
                self._wake.set()  # more may have arrived for this chat meanwhile

    async def _piece(self, chat_key: str, piece: list[tuple[InboxEvent, Routing]]) -> bool:
        events = [event for event, _ in piece]
        if piece[0][1].group is not None:
            newest = max(event.received_at for event in events)
            if self._clock.now() - newest < self._album_quiet:
                return False  # more items of this album may still be on their way
        handler = self._handlers[events[0].platform]
        now = self._clock.now()

        async def done(uow: BotUnitOfWork) -> None:
            for event in events:
                event.processed_at = now
                event.attempts += 1
                await uow.inbox.update(event)

        try:
            await handler.handle(events, done)
        except Exception as exc:
            return await self._failed(chat_key, events, exc)
        self._not_before.pop(chat_key, None)
        self.processed += len(events)
        return True

    async def _failed(self, chat_key: str, events: list[InboxEvent], exc: Exception) -> bool:
        log.exception("handling inbox event %s failed", events[0].event_id, exc_info=exc)
        attempts = events[0].attempts + 1
        give_up = attempts >= self._max_attempts
        if give_up:
            self._not_before.pop(chat_key, None)
        else:
            wait = min(self._retry_max, self._retry_base * 2 ** (attempts - 1))
            self._not_before[chat_key] = self._clock.now() + timedelta(seconds=wait)
        async with self._uow_factory() as uow:
            for event in events:
                event.attempts += 1
                event.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if give_up:
                    # A poison event must not block its chat for ever; it stays in the table.
                    event.processed_at = self._clock.now()
                await uow.inbox.update(event)
            await uow.commit()
        return give_up


def _pieces(events: list[tuple[InboxEvent, Routing]]) -> list[list[tuple[InboxEvent, Routing]]]:
    """Split a chat's events into pieces: single events, and runs sharing an album group."""
    pieces: list[list[tuple[InboxEvent, Routing]]] = []
    for item in events:
        group = item[1].group
        if group is not None and pieces and pieces[-1][0][1].group == group:
            pieces[-1].append(item)
        else:
            pieces.append([item])
    return pieces


async def _wait(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
