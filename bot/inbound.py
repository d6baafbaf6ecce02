"""Processing what the platforms sent, from the inbox table.

Every update or event is recorded in the inbox before it is acknowledged, so a crash after the
acknowledgement loses nothing: this processor picks up whatever is not yet processed. Events of
one chat are handled one at a time, in the order they arrived; different chats in parallel. An
album (several items sharing a group id, arriving as separate events) waits until no new item
has come for a short quiet time, then goes to the handler as one piece.

Flooding: each chat has a token bucket (`Pace`). A chat that sends faster than it refills is
not handled until a token is back; its events wait in the inbox (nothing is lost) and it is told
once, politely, to slow down. Since a chat's events are handled one at a time, a flooding chat
holds at most one of the `concurrency` slots, and the inbox is read page by page past chats that
cannot start now, so a backlog of one chat never hides the others' messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.flows.state import BotUnitOfWork, BotUnitOfWorkFactory
from core.delivery import KeyLocks, NoLocks, kept
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


@runtime_checkable
class SlowsDown(Protocol):
    """A handler that can tell a chat it is sending too fast (once per flood)."""

    async def slow_down(self, event: InboxEvent) -> None: ...


InboundHandlers = dict[Platform, InboxHandler]


@dataclass(frozen=True)
class Pace:
    """Per-chat token bucket: `burst` pieces at once, then `per_minute` (an album is one piece).

    A person types a few messages a minute; a script or a stuck key sends hundreds.
    """

    burst: int = 30
    per_minute: float = 60.0


class _Bucket:
    __slots__ = ("at", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens = tokens
        self.at = at


class _Pacer:
    """Token buckets per chat key, on a monotonic clock (a test's frozen wall clock must not
    freeze them)."""

    def __init__(self, pace: Pace, monotonic: Callable[[], float]) -> None:
        self._pace = pace
        self._monotonic = monotonic
        self._rate = pace.per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self.told: set[str] = set()  # chats told to slow down, until their bucket refills

    def take(self, chat_key: str) -> float:
        """0 when the chat may go on (a token is spent), else the seconds until it may."""
        now = self._monotonic()
        bucket = self._buckets.get(chat_key)
        if bucket is None:
            bucket = self._buckets[chat_key] = _Bucket(float(self._pace.burst), now)
        bucket.tokens = min(self._pace.burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        if bucket.tokens >= self._pace.burst:
            self.told.discard(chat_key)  # calm again: a new flood is told again
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self._rate

    def waiting(self, chat_key: str) -> bool:
        bucket = self._buckets.get(chat_key)
        if bucket is None:
            return False
        return bucket.tokens + (self._monotonic() - bucket.at) * self._rate < 1.0

    def forget_calm(self) -> None:
        """Drop full buckets so the table does not grow with every chat ever seen."""
        now = self._monotonic()
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self._rate >= self._pace.burst:
                del self._buckets[key]
                self.told.discard(key)


class _AlreadyHandled(Exception):
    """Another processor (another process, or a pass that read the inbox before it was
    marked) finished this event first: this handling's transaction must not commit."""


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
        batch: int = 100,
        poll_interval: float = 1.0,
        pace: Pace | None = Pace(),  # None: no flood control (benchmarks)
        monotonic: Callable[[], float] = time.monotonic,
        locks: KeyLocks | None = None,
        lock_seconds: float = 20.0,  # renewed while the chat is handled (core.delivery.kept)
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
        # Each event's routing, worked out once: a pass re-reads what is still waiting, and a
        # route means parsing the payload (dropped when handled; bounded).
        self._routes: dict[uuid.UUID, Routing] = {}
        self._poll_interval = poll_interval
        # Across processes (Redis): one chat handled by one process at a time. `finish` in
        # `done` is the backstop when a lock expires mid-handling or Redis is away.
        self._locks = locks or NoLocks()
        self._lock_seconds = lock_seconds
        self._busy: set[str] = set()  # chat keys being handled right now
        # Busy chats a pass found more events for: their finish looks again at once. With
        # other processes sharing the inbox (locks given), every finish looks again: events
        # for this chat may have been recorded, and seen, over there.
        self._deferred: set[str] = set()
        self._shared = locks is not None and not isinstance(locks, NoLocks)
        # When each chat last finished handling, by a counter of finishes: a chat that finished
        # while a pass was reading the inbox may show events it has just processed in that
        # read, so that pass leaves it to the next (which its finish wakes up). Without this
        # the event was handled twice (the `finish` backstop then rolls the second back, but
        # a service that committed on its own, such as a customer message, had run twice).
        self._finishes = 0
        self._finished_at: dict[str, int] = {}
        self._reading = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self.processed = 0
        self._pacer = _Pacer(pace, monotonic) if pace is not None else None

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Start handling what is waiting; returns how many chats were started."""
        read_from = self._finishes
        self._reading += 1
        try:
            return await self._start_waiting(read_from)
        finally:
            self._reading -= 1
            if not self._reading:
                self._finished_at.clear()  # no pass in progress read before now

    async def _start_waiting(self, read_from: int) -> int:
        by_chat = await self._waiting()
        started = 0
        for chat_key, events in by_chat.items():
            if self._finished_at.get(chat_key, 0) > read_from:
                self._wake.set()  # it finished while this pass read: the next pass looks
                continue
            if not self._may_start(chat_key):
                if chat_key in self._busy:
                    self._deferred.add(chat_key)  # its finish looks again
                continue  # busy, backing off or flooding
            token = await self._locks.acquire(f"inbox:{chat_key}", self._lock_seconds)
            if token is None:
                continue  # another process is handling this chat
            self._busy.add(chat_key)
            task = asyncio.create_task(self._chat(chat_key, events, token))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def _waiting(self) -> dict[str, list[tuple[InboxEvent, Routing]]]:
        """Unprocessed events by chat, oldest first. A page holding only chats that cannot start
        now (busy, backing off, flooding) is followed by the next, so one chat's backlog never
        hides everyone else's messages; a bounded number of pages keeps a pass cheap."""
        by_chat: dict[str, list[tuple[InboxEvent, Routing]]] = {}
        for page in range(_MAX_PAGES):
            async with self._uow_factory(read_only=True) as uow:
                waiting = list(await uow.inbox.unprocessed(self._batch, skip=page * self._batch))
            startable = False
            for event in waiting:
                handler = self._handlers.get(event.platform)
                if handler is None:
                    continue
                routing = self._routes.get(event.id)
                if routing is None:
                    routing = self._routes[event.id] = self._route(handler, event)
                chat = by_chat.setdefault(routing.chat_key, [])
                startable = startable or (not chat and self._may_start(routing.chat_key))
                chat.append((event, routing))
            if len(waiting) < self._batch or startable:
                break
        return by_chat

    def _route(self, handler: InboxHandler, event: InboxEvent) -> Routing:
        if len(self._routes) >= _MAX_ROUTES:
            self._routes.clear()
        try:
            return handler.route(event)
        except Exception:
            # Whatever an event holds, it must not stop the inbox for everyone.
            log.warning("inbox event %s cannot be routed", event.event_id)
            return Routing(chat_key=f"unroutable:{event.event_id}")

    def _may_start(self, chat_key: str) -> bool:
        if chat_key in self._busy:
            return False  # its task will look again when it is done
        now = self._clock.now()
        if self._not_before.get(chat_key, now) > now:
            return False  # backing off after a failure
        return self._pacer is None or not self._pacer.waiting(chat_key)

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

    async def _chat(
        self, chat_key: str, events: list[tuple[InboxEvent, Routing]], token: str
    ) -> None:
        try:
            async with (
                self._gate,
                kept(self._locks, f"inbox:{chat_key}", token, self._lock_seconds),
            ):
                for piece in _pieces(events):
                    if (left := self._album_left(piece)) > 0:
                        # More items of this album may still be on their way: look again
                        # when it has been quiet long enough.
                        asyncio.get_running_loop().call_later(left, self._wake.set)
                        break
                    if not await self._paced(chat_key, piece[0][0]):
                        break  # flooding: the rest waits in the inbox for its tokens
                    if not await self._piece(chat_key, piece):
                        break  # keep this chat's order: the rest waits for the next pass
        finally:
            self._busy.discard(chat_key)
            self._finishes += 1
            if self._reading:
                self._finished_at[chat_key] = self._finishes
            await self._locks.release(f"inbox:{chat_key}", token)
            if chat_key in self._deferred or self._shared:
                self._deferred.discard(chat_key)
                self._wake.set()  # more arrived for this chat meanwhile
            if self._pacer is not None and not self._busy:
                self._pacer.forget_calm()

    def _album_left(self, piece: list[tuple[InboxEvent, Routing]]) -> float:
        """Seconds until an album has been quiet for `album_quiet` (0 or less: complete, as a
        single message always is)."""
        if piece[0][1].group is None:
            return 0.0
        newest = max(event.received_at for event, _ in piece)
        return (self._album_quiet - (self._clock.now() - newest)).total_seconds()

    async def _paced(self, chat_key: str, event: InboxEvent) -> bool:
        if self._pacer is None:
            return True
        if self._pacer.take(chat_key) == 0.0:
            return True
        if chat_key not in self._pacer.told:
            self._pacer.told.add(chat_key)
            handler = self._handlers[event.platform]
            log.warning("%s is sending too fast: slowed down", chat_key)
            if isinstance(handler, SlowsDown):
                try:
                    await handler.slow_down(event)
                except Exception:
                    log.exception("telling %s to slow down failed", chat_key)
        return False

    async def _piece(self, chat_key: str, piece: list[tuple[InboxEvent, Routing]]) -> bool:
        events = [event for event, _ in piece]
        handler = self._handlers[events[0].platform]
        now = self._clock.now()

        async def done(uow: BotUnitOfWork) -> None:
            for event in events:
                event.processed_at = now
                event.attempts += 1
                if not await uow.inbox.finish(event):
                    raise _AlreadyHandled(event.event_id)  # rolls the duplicate outcome back

        try:
            await handler.handle(events, done)
        except _AlreadyHandled as already:
            log.info("inbox event %s was handled elsewhere meanwhile", already)
            self._forget(events)
            return True
        except Exception as exc:
            return await self._failed(chat_key, events, exc)
        self._not_before.pop(chat_key, None)
        self.processed += len(events)
        self._forget(events)
        return True

    def _forget(self, events: list[InboxEvent]) -> None:
        for event in events:
            self._routes.pop(event.id, None)

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


_MAX_PAGES = 10
_MAX_ROUTES = 10_000


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
