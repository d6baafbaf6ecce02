"""Several delivery workers claiming from one PostgreSQL outbox at once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from core.model import OutboxMessage
from core.ports import UnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.builders import T0

pytestmark = pytest.mark.postgres

WORKERS = 8
CHATS = 60
PER_CHAT = 3


@pytest.fixture
def uow_factory(postgres_uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    return postgres_uow_factory


async def _fill(uow_factory: UnitOfWorkFactory) -> list[OutboxMessage]:
    # Interleaved so each chat's messages are spread over the whole seq range.
    messages = [make.outbox_message(f"chat-{c}") for _ in range(PER_CHAT) for c in range(CHATS)]
    async with uow_factory() as uow:
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()
    return messages


async def _worker(uow_factory: UnitOfWorkFactory, sent: list[uuid.UUID]) -> None:
    """Claim, 'deliver' and record, until a claim comes back empty twice."""
    now = T0
    empty = 0
    while empty < 2:
        async with uow_factory() as uow:
            claimed = await uow.outbox.claim_due(now, limit=5, lease=3600)
            # Recorded as sent at once: a chat's next message cannot be claimed before this
            # one is marked delivered below, so the list shows the real per-chat order.
            sent.extend(message.id for message in claimed)
            await asyncio.sleep(0.001)  # hold the row locks while the others try
            await uow.commit()
        if not claimed:
            empty += 1
            await asyncio.sleep(0.01)
            continue
        empty = 0
        async with uow_factory() as uow:
            for message in claimed:
                message.delivered_at = now
                message.attempts += 1
                await uow.outbox.update(message)
            await uow.commit()


async def test_concurrent_workers_never_take_the_same_message(
    uow_factory: UnitOfWorkFactory,
) -> None:
    messages = await _fill(uow_factory)
    sent: list[uuid.UUID] = []

    await asyncio.gather(*(_worker(uow_factory, sent) for _ in range(WORKERS)))

    duplicates = [message_id for message_id, n in Counter(sent).items() if n > 1]
    assert duplicates == []
    assert set(sent) == {message.id for message in messages}
    # Within each chat, messages left in the order they were written in.
    position = {message_id: index for index, message_id in enumerate(sent)}
    for chat in range(CHATS):
        own = [m for m in messages if m.chat_id == f"chat-{chat}"]
        assert sorted(own, key=lambda m: position[m.id]) == own


async def test_an_open_claim_does_not_block_another_worker(
    uow_factory: UnitOfWorkFactory,
) -> None:
    messages = await _fill(uow_factory)

    async with uow_factory() as first:
        mine = await first.outbox.claim_due(T0, limit=10, lease=60)
        # Not committed yet: its rows are locked. SKIP LOCKED lets the second worker pass
        # them by instead of waiting for this transaction to end.
        async with uow_factory() as second:
            theirs = await asyncio.wait_for(
                second.outbox.claim_due(T0, limit=10, lease=60), timeout=5
            )
            await second.commit()
        await first.commit()

    assert len(mine) == len(theirs) == 10
    assert {m.id for m in mine}.isdisjoint(m.id for m in theirs)
    heads = {m.id for m in messages[:CHATS]}
    assert {m.id for m in mine} | {m.id for m in theirs} <= heads
