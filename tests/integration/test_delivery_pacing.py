"""Pacing in the delivery pass, and several workers sharing one outbox (leases, dead claims)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from core.delivery import DeliveryPolicy, Pacing, RetryLater, deliver_due
from core.model import OutboxMessage
from core.pacing import Lane, LocalPacer
from core.ports import UnitOfWorkFactory
from tests.integration.builders import T0, outbox_message
from tests.integration.test_delivery_worker import (
    SENDERS_KEY,
    Clock,
    RecordingSender,
    enqueue,
)

ONE_A_SECOND = Lane(rate=1.0, burst=1)


@dataclass
class Time:
    at: float = 100.0

    def __call__(self) -> float:
        return self.at


def chat_lane(message: OutboxMessage) -> list[tuple[str, Lane]]:
    return [(f"chat:{message.chat_id}", ONE_A_SECOND)]


async def test_a_busy_chat_waits_its_turn_while_another_goes_at_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    time, clock = Time(), Clock()
    pacing = Pacing(chat_lane, LocalPacer(time), max_wait=0)
    await pacing.pacer.reserve([("chat:busy", ONE_A_SECOND)], max_wait=0)  # just sent one
    busy = outbox_message("busy", payload={"n": 1})
    await enqueue(uow_factory, busy, outbox_message("quiet", payload={"n": 2}))
    sender = RecordingSender()

    outcome = await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, pacing=pacing)

    assert (outcome.delivered, outcome.paced) == (1, 1)
    assert sender.sent == [("quiet", 2)]
    async with uow_factory() as uow:
        waiting = await uow.outbox.get(busy.id)
    assert waiting is not None
    assert waiting.attempts == 0  # not an attempt: it never left
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=1)
    time.at += 1
    clock.advance(1)
    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, pacing=pacing)
    assert sender.sent == [("quiet", 2), ("busy", 1)]


async def test_a_short_wait_is_slept_in_the_same_pass(uow_factory: UnitOfWorkFactory) -> None:
    pacing = Pacing(chat_lane, LocalPacer(), max_wait=2)
    await enqueue(uow_factory, outbox_message("a", payload={"n": 1}))
    await pacing.pacer.reserve([("chat:a", Lane(rate=20.0))], max_wait=1)  # 50 ms booked
    sender = RecordingSender()
    outcome = await deliver_due(uow_factory, {SENDERS_KEY: sender}, Clock(), pacing=pacing)
    assert outcome.delivered == 1


async def test_retry_after_holds_that_chat_exactly_and_no_other(
    uow_factory: UnitOfWorkFactory,
) -> None:
    time, clock = Time(), Clock()
    pacing = Pacing(chat_lane, LocalPacer(time), max_wait=0)
    limited = outbox_message("limited", payload={"n": 1})
    await enqueue(uow_factory, limited, outbox_message("free", payload={"n": 2}))
    sender = RecordingSender(failures={1: RetryLater("429", retry_after=7)})

    await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock, pacing=pacing)

    async with uow_factory() as uow:
        row = await uow.outbox.get(limited.id)
    assert row is not None
    assert row.next_attempt_at == clock.now() + timedelta(seconds=7)
    assert await pacing.pacer.reserve([("chat:limited", ONE_A_SECOND)], max_wait=0) == 7
    time.at += 1
    assert await pacing.pacer.reserve([("chat:free", ONE_A_SECOND)], max_wait=0) == 0


# -- several workers on PostgreSQL -----------------------------------------------------------


@dataclass
class SlowSender:
    """Takes a little while per message, so two workers really overlap."""

    sent: list[tuple[str | None, int]] = field(default_factory=list)

    async def send(self, message: OutboxMessage) -> None:
        await asyncio.sleep(0.002)
        self.sent.append((message.chat_id, int(message.payload["n"])))


@pytest.mark.postgres
async def test_two_workers_deliver_everything_once_and_in_order(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    uow_factory = postgres_uow_factory
    await enqueue(
        uow_factory,
        *(outbox_message(f"c{c}", payload={"n": n}) for n in range(8) for c in range(12)),
    )
    sender = SlowSender()  # shared, so the list shows the order across both workers
    policy = DeliveryPolicy(batch=5)

    async def worker() -> None:
        idle = 0
        while idle < 3:
            outcome = await deliver_due(uow_factory, {SENDERS_KEY: sender}, Clock(), policy)
            idle = idle + 1 if outcome.delivered == 0 else 0
            await asyncio.sleep(0)

    await asyncio.gather(worker(), worker())

    assert not [key for key, n in Counter(sender.sent).items() if n > 1]
    assert len(sender.sent) == 96
    for c in range(12):
        assert [n for chat, n in sender.sent if chat == f"c{c}"] == list(range(8))


@pytest.mark.postgres
async def test_a_dead_workers_claim_is_delivered_by_another_after_its_lease(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    uow_factory = postgres_uow_factory
    message = outbox_message("orphan", payload={"n": 1})
    await enqueue(uow_factory, message)
    async with uow_factory() as uow:  # a worker claims it, commits the lease, and dies
        [claimed] = await uow.outbox.claim_due(T0, limit=10, lease=30)
        await uow.commit()
    assert claimed.id == message.id
    sender, clock = RecordingSender(), Clock()

    assert (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).delivered == 0
    clock.advance(29)
    assert (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).delivered == 0
    clock.advance(1)
    assert (await deliver_due(uow_factory, {SENDERS_KEY: sender}, clock)).delivered == 1
    assert sender.sent == [("orphan", 1)]
