"""The inbox processor on real storage: order per chat, back-off after failures, no loss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.inbound import InboxProcessor, MarkDone, Routing
from core.model import InboxEvent, Platform
from storage.uow import SqlUnitOfWorkFactory
from tests.integration.builders import T0


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
