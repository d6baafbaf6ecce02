"""The delivery worker against the real outbox: order per chat, retries, back-off, giving up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from bot.worker import DeliveryWorker
from core.delivery import DeliveryPolicy, PermanentFailure, RetryLater, Unreachable, deliver_due
from core.model import Audience, OutboxMessage, Platform
from core.ports import UnitOfWorkFactory
from tests.integration.builders import T0, outbox_message


@dataclass
class Clock:
    at: datetime = T0

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class RecordingSender:
    """Records what it delivered; `failures` says what to raise for a payload's `n`, once."""

    sent: list[tuple[str | None, int]] = field(default_factory=list)
    failures: dict[int, Exception] = field(default_factory=dict)

    async def send(self, message: OutboxMessage) -> None:
        n = int(message.payload["n"])
        if n in self.failures:
            raise self.failures.pop(n)
        self.sent.append((message.chat_id, n))


SENDERS_KEY = (Audience.CUSTOMER, Platform.TELEGRAM)


async def enqueue(uow_factory: UnitOfWorkFactory, *messages: OutboxMessage) -> None:
    async with uow_factory() as uow:
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()


async def test_each_chat_gets_its_messages_in_order_and_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await enqueue(
        uow_factory,
        *(outbox_message(chat, payload={"n": n}) for n in range(5) for chat in ("a", "b")),
    )
    sender, clock = RecordingSender(), Clock()
    while (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).delivered:
        pass
    for chat in ("a", "b"):
        assert [n for c, n in sender.sent if c == chat] == [0, 1, 2, 3, 4]
    assert len(sender.sent) == 10
    async with uow_factory() as uow:
        assert await uow.outbox.pending_count() == 0


async def test_retry_after_is_honoured_and_holds_back_only_its_own_chat(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await enqueue(
        uow_factory,
        outbox_message("slow", payload={"n": 1}),
        outbox_message("slow", payload={"n": 2}),
        outbox_message("fast", payload={"n": 3}),
    )
    sender = RecordingSender(failures={1: RetryLater("429", retry_after=7)})
    clock = Clock()
    outcome = await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)
    assert (outcome.delivered, outcome.retried) == (1, 1)
    assert sender.sent == [("fast", 3)]

    clock.advance(6.9)  # not yet: the platform said 7 seconds
    assert (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).delivered == 0
    clock.advance(0.2)
    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)
    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)
    assert sender.sent == [("fast", 3), ("slow", 1), ("slow", 2)]


async def test_transient_faults_back_off_exponentially(uow_factory: UnitOfWorkFactory) -> None:
    message = outbox_message("c", payload={"n": 1})
    await enqueue(uow_factory, message)
    sender = RecordingSender()
    clock = Clock()
    policy = DeliveryPolicy(backoff_base_seconds=2)
    waits = []
    for _ in range(3):
        sender.failures[1] = ConnectionError("reset")
        await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, policy)
        async with uow_factory() as uow:
            row = await uow.outbox.get(message.id)
        assert row is not None
        assert row.last_error == "ConnectionError: reset"
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.advance(waits[-1])
    assert waits == [2, 4, 8]
    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, policy)
    assert sender.sent == [("c", 1)]


@pytest.mark.parametrize(
    ("error", "recorded"),
    [
        (Unreachable("bot was blocked by the user"), "blocked: bot was blocked by the user"),
        (PermanentFailure("bad request"), "PermanentFailure: bad request"),
    ],
)
async def test_a_final_refusal_gives_up_at_once_and_frees_the_queue(
    uow_factory: UnitOfWorkFactory, error: Exception, recorded: str
) -> None:
    first = outbox_message("blocked", payload={"n": 1})
    await enqueue(uow_factory, first, outbox_message("blocked", payload={"n": 2}))
    sender = RecordingSender(failures={1: error})
    clock = Clock()
    assert (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).failed == 1
    async with uow_factory() as uow:
        given_up = await uow.outbox.get(first.id)
    assert given_up is not None
    assert given_up.failed_at == clock.now()
    assert given_up.last_error == recorded
    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)
    assert sender.sent == [("blocked", 2)]


async def test_gives_up_after_the_configured_time(uow_factory: UnitOfWorkFactory) -> None:
    await enqueue(uow_factory, outbox_message("c", payload={"n": 1}))
    policy = DeliveryPolicy(give_up_after=timedelta(minutes=10), backoff_base_seconds=60)
    clock = Clock()
    sender = RecordingSender()
    failed = 0
    for _ in range(20):
        sender.failures[1] = TimeoutError("slow")
        failed += (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, policy)).failed
        clock.advance(300)
    assert failed == 1
    assert sender.sent == []


async def test_a_message_without_a_sender_is_given_up_not_retried_forever(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await enqueue(uow_factory, outbox_message(None, audience=Audience.EMAIL, platform=None))
    outcome = await deliver_due(uow_factory, {}, Clock())
    assert outcome.failed == 1


async def test_the_worker_loop_wakes_on_demand_and_stops(uow_factory: UnitOfWorkFactory) -> None:
    sender = RecordingSender()
    worker = DeliveryWorker(uow_factory, {SENDERS_KEY: sender}, Clock(), poll_interval=30)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.05)
    await enqueue(uow_factory, outbox_message("c", payload={"n": 1}))
    worker.wake()
    for _ in range(100):
        if sender.sent:
            break
        await asyncio.sleep(0.02)
    assert sender.sent == [("c", 1)]
    stop.set()
    await asyncio.wait_for(task, 2)
