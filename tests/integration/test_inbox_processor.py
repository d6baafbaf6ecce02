"""The inbox processor on real storage: order per chat, back-off after failures, no loss."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.coordination import RedisCoordination
from bot.inbound import InboxProcessor, MarkDone, Routing
from core.delivery import KeyLocks
from core.model import InboxEvent, Platform
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.integration.builders import T0, outbox_message


@dataclass
class Clock:
    at: datetime = T0

    def now(self) -> datetime:
        return self.at


@dataclass
class FlakyHandler:
    """Handles events in order; chat "c" fails `failures` times first."""

    uow_factory: SqlUnitOfWorkFactory
    failures: int = 0
    handled: list[str] = field(default_factory=list)

    def route(self, event: InboxEvent) -> Routing:
        return Routing(chat_key=str(event.payload["chat"]))

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        if self.failures and events[0].payload["chat"] == "c":
            self.failures -= 1
            raise ConnectionError("database restarting")
        async with self.uow_factory() as uow:
            await done(uow)
            await uow.commit()
        self.handled += [e.event_id for e in events]


async def record(uow_factory: SqlUnitOfWorkFactory, *ids: str, chat: str = "c") -> None:
    async with uow_factory() as uow:
        for event_id in ids:
            await uow.inbox.add_if_new(
                InboxEvent(Platform.TELEGRAM, event_id, {"chat": chat}, received_at=T0)
            )
        await uow.commit()


async def pass_once(processor: InboxProcessor) -> None:
    await processor.run_once()
    await processor.drain()


async def test_a_failing_chat_backs_off_and_loses_nothing(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    clock = Clock()
    handler = FlakyHandler(sqlite_uow_factory, failures=3)
    processor = InboxProcessor(
        sqlite_uow_factory, {Platform.TELEGRAM: handler}, clock, retry_base=2
    )
    await record(sqlite_uow_factory, "1", "2")
    await record(sqlite_uow_factory, "other", chat="d")

    await pass_once(processor)  # "c" fails once; the other chat is not held up
    assert handler.handled == ["other"], "only the failing chat waits"

    await pass_once(processor)  # still within its 2 s back-off: not even tried
    assert handler.failures == 2
    for wait in (2, 4):  # each failure doubles the wait
        clock.at += timedelta(seconds=wait - 0.1)
        await pass_once(processor)
        assert handler.handled == ["other"]
        clock.at += timedelta(seconds=0.1)
        await pass_once(processor)
    assert handler.failures == 0
    clock.at += timedelta(seconds=8)
    await pass_once(processor)
    assert handler.handled == ["other", "1", "2"], "in order, once each"


async def test_a_poison_event_is_set_aside_after_the_budget_and_its_chat_goes_on(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    clock = Clock()
    handler = FlakyHandler(sqlite_uow_factory, failures=10**6)
    processor = InboxProcessor(
        sqlite_uow_factory, {Platform.TELEGRAM: handler}, clock, max_attempts=3
    )
    await record(sqlite_uow_factory, "poison", "next")
    for _ in range(3):
        await pass_once(processor)
        clock.at += timedelta(minutes=10)
    handler.failures = 0
    await pass_once(processor)
    assert handler.handled == ["next"]
    async with sqlite_uow_factory() as uow:
        assert await uow.inbox.unprocessed(10) == []


async def test_a_chat_finishing_while_a_pass_reads_is_not_handled_again(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A pass reads the inbox while a chat's event is being handled; the handling commits and
    ends before the pass looks at its list. The list still shows the event unprocessed: the
    pass must not start it again (it did, under load: greetings twice, a message twice)."""
    release, read_done, proceed = asyncio.Event(), asyncio.Event(), asyncio.Event()
    handler = GatedHandler(sqlite_uow_factory, release=release)
    gate = ReadGate(sqlite_uow_factory, read_done, proceed)
    processor = InboxProcessor(gate, {Platform.TELEGRAM: handler}, Clock())
    await record(sqlite_uow_factory, "1")
    await processor.run_once()  # chat "c" is being handled, held at `release`
    (first,) = list(processor._tasks)
    gate.gated = True
    second = asyncio.create_task(processor.run_once())
    await read_done.wait()  # the second pass has read "1" as unprocessed
    release.set()
    await first  # "1" committed as processed, the chat is free again
    proceed.set()
    await second
    await processor.drain()
    assert handler.handled == ["1"], "handled once"


@dataclass
class GatedHandler(FlakyHandler):
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        await self.release.wait()
        await super().handle(events, done)


class ReadGate:
    """A unit-of-work factory whose units, once `gated`, pause after they end."""

    def __init__(
        self, inner: SqlUnitOfWorkFactory, read_done: asyncio.Event, proceed: asyncio.Event
    ) -> None:
        self.inner, self.read_done, self.proceed = inner, read_done, proceed
        self.gated = False

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> Any:
        uow = self.inner(read_only=read_only, autocommit=autocommit)
        return _Paused(uow, self) if self.gated else uow


class _Paused:
    """Pauses once the read transaction is over: the window between reading and deciding."""

    def __init__(self, uow: SqlUnitOfWork, gate: ReadGate) -> None:
        self.uow, self.gate = uow, gate

    async def __aenter__(self) -> SqlUnitOfWork:
        return await self.uow.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        await self.uow.__aexit__(*exc)  # type: ignore[arg-type]
        self.gate.read_done.set()
        await self.gate.proceed.wait()


@dataclass
class CountingHandler:
    """Writes one outcome row (an outbox message) per handling, in `done`'s transaction, after
    a pause: two processors racing for one event would both write one."""

    uow_factory: SqlUnitOfWorkFactory
    handled: list[str] = field(default_factory=list)

    def route(self, event: InboxEvent) -> Routing:
        return Routing(chat_key=str(event.payload["chat"]))

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        await asyncio.sleep(0.01)
        async with self.uow_factory() as uow:
            for event in events:
                await uow.outbox.add(outbox_message(f"out-{event.event_id}"))
            await done(uow)
            await uow.commit()
        self.handled += [e.event_id for e in events]


async def _race(uow_factory: SqlUnitOfWorkFactory, locks: list[KeyLocks | None]) -> int:
    """Two processors ("processes") over one inbox; returns the outcome rows written."""
    ids = [f"{chat}-{n}" for n in range(4) for chat in "abcdef"]
    for event_id in ids:
        await record(uow_factory, event_id, chat=event_id[0])
    handlers = [CountingHandler(uow_factory) for _ in locks]
    processors = [
        InboxProcessor(uow_factory, {Platform.TELEGRAM: h}, Clock(), locks=lock)
        for h, lock in zip(handlers, locks, strict=True)
    ]
    for _ in range(12):
        await asyncio.gather(*(pass_once(p) for p in processors))
    async with uow_factory(read_only=True) as uow:
        assert await uow.inbox.unprocessed(100) == []
        written = await uow.outbox.pending_count()
    assert written == len(ids)
    return sum(len(h.handled) for h in handlers)


@pytest.mark.postgres
async def test_two_processors_racing_for_one_inbox_store_each_outcome_once(
    postgres_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    await _race(postgres_uow_factory, [None, None])


@pytest.mark.postgres
@pytest.mark.redis
async def test_with_redis_one_processor_takes_a_chat_at_a_time(
    postgres_uow_factory: SqlUnitOfWorkFactory, redis_url: str
) -> None:
    shared = [RedisCoordination(redis_url, prefix=f"test-{uuid.uuid4().hex[:10]}") for _ in "ab"]
    try:
        handled = await _race(postgres_uow_factory, [c.locks for c in shared])
    finally:
        for coordination in shared:
            await coordination.close()
    assert handled == 24  # nobody even started a chat another process had


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while True:
            if check():
                return
            await asyncio.sleep(0.005)


async def _running(processor: InboxProcessor) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    return stop, asyncio.create_task(processor.run(stop))


async def test_an_event_for_a_busy_chat_is_handled_when_the_chat_is_free_not_at_the_poll(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A pass that finds more for a chat being handled leaves it to that chat's finish, which
    looks again at once (the poll here is a minute away)."""
    release = asyncio.Event()
    handler = GatedHandler(sqlite_uow_factory, release=release)
    processor = InboxProcessor(
        sqlite_uow_factory, {Platform.TELEGRAM: handler}, Clock(), poll_interval=60
    )
    stop, running = await _running(processor)
    try:
        await record(sqlite_uow_factory, "1")
        processor.wake()
        await _until(lambda: bool(processor._busy))
        await record(sqlite_uow_factory, "2")
        processor.wake()  # this pass finds "2" while "c" is busy with "1"
        await asyncio.sleep(0.05)
        release.set()
        await _until(lambda: handler.handled == ["1", "2"])
    finally:
        stop.set()
        await running


@dataclass
class AlbumHandler(FlakyHandler):
    def route(self, event: InboxEvent) -> Routing:
        return Routing(chat_key="c", group=str(event.payload.get("album")))


async def test_an_album_is_handled_once_quiet_without_waiting_for_the_poll(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    handler = AlbumHandler(sqlite_uow_factory)

    class Now:
        def now(self) -> datetime:
            return datetime.now(T0.tzinfo)

    processor = InboxProcessor(
        sqlite_uow_factory,
        {Platform.TELEGRAM: handler},
        Now(),
        album_quiet=0.3,
        poll_interval=60,
    )
    stop, running = await _running(processor)
    try:
        async with sqlite_uow_factory() as uow:
            for n in range(3):
                await uow.inbox.add_if_new(
                    InboxEvent(Platform.TELEGRAM, f"a{n}", {"album": "x"}, received_at=Now().now())
                )
            await uow.commit()
        began = asyncio.get_running_loop().time()
        processor.wake()
        await _until(lambda: len(handler.handled) == 3)
        took = asyncio.get_running_loop().time() - began
    finally:
        stop.set()
        await running
    assert handler.handled == ["a0", "a1", "a2"]
    assert 0.25 <= took < 2, f"handled {took:.2f} s after the last item"
