"""Redis coordination between processes (two instances here stand for two processes): shared
pacing, key locks, the wake-up signal, one leader, and degrading while Redis is away."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
import redis.asyncio as redis

from bot.coordination import LocalCoordination, RedisCoordination
from core.delivery import kept
from core.model import Audience, OutboxMessage, Platform
from core.pacing import Lane
from tests.redis_proxy import RedisProxy

pytestmark = pytest.mark.redis

CHAT = Lane(rate=1.0, burst=3)
WAIT = 10.0


async def until(condition: Callable[[], Awaitable[bool] | bool]) -> None:
    """Wait for a condition another task brings about, with a deadline (no fixed sleeps)."""
    async with asyncio.timeout(WAIT):
        while True:
            met = condition()
            if met if isinstance(met, bool) else await met:
                return
            await asyncio.sleep(0.01)


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    """Every test's keys under its own prefix, removed afterwards (Redis is shared)."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    async for key in client.scan_iter(match=f"{name}:*"):
        await client.delete(key)
    await client.aclose()


@pytest.fixture
async def pair(redis_url: str, prefix: str) -> AsyncIterator[list[RedisCoordination]]:
    made = [
        RedisCoordination(redis_url, prefix=prefix, lease_seconds=0.6, retry_seconds=0.05)
        for _ in range(2)
    ]
    yield made
    for each in made:
        await each.close()


async def test_ping_answers_for_readyz(pair: list[RedisCoordination]) -> None:
    assert await pair[0].ping()
    assert await LocalCoordination().ping()


async def test_pacing_budgets_are_shared_between_processes(
    pair: list[RedisCoordination],
) -> None:
    one, two = pair
    waits = [await one.pacer.reserve([("chat:1", CHAT)], max_wait=0) for _ in range(3)]
    assert waits == [0, 0, 0]  # the burst
    assert 0.9 < await two.pacer.reserve([("chat:1", CHAT)], max_wait=0) <= 1.0
    assert await two.pacer.reserve([("chat:2", CHAT)], max_wait=0) == 0
    booked = await two.pacer.reserve([("chat:1", CHAT)], max_wait=5)
    assert 0.9 < booked <= 1.0
    assert 1.9 < await one.pacer.reserve([("chat:1", CHAT)], max_wait=5) <= 2.0  # after it


async def test_a_hold_reaches_every_process(pair: list[RedisCoordination]) -> None:
    one, two = pair
    await one.pacer.hold("chat:9", CHAT, 30)
    assert 29 < await two.pacer.reserve([("chat:9", CHAT)], max_wait=0) <= 30
    assert await two.pacer.reserve([("chat:8", CHAT)], max_wait=0) == 0


async def test_a_key_lock_is_held_by_one_worker_and_expires(
    pair: list[RedisCoordination],
) -> None:
    one, two = pair
    token = await one.locks.acquire("agents:t1", ttl=0.3)
    assert token is not None
    assert await two.locks.acquire("agents:t1", ttl=0.3) is None
    assert await two.locks.acquire("agents:t2", ttl=0.3) is not None
    await two.locks.release("agents:t1", "not-the-owner")  # only the holder can release
    assert await two.locks.acquire("agents:t1", ttl=0.3) is None
    await one.locks.release("agents:t1", token)
    taken = await two.locks.acquire("agents:t1", ttl=0.3)
    assert taken is not None

    # A worker that died holding it: the lock runs out by itself.
    async def free() -> bool:
        return await one.locks.acquire("agents:t1", ttl=0.3) is not None

    await until(free)


async def test_a_short_lock_is_kept_while_its_work_runs_and_freed_after(
    pair: list[RedisCoordination],
) -> None:
    """Locks are short (a dead holder frees the key soon) and renewed while the work runs."""
    one, two = pair
    token = await one.locks.acquire("chat:7", ttl=0.3)
    assert token is not None
    async with kept(one.locks, "chat:7", token, 0.3):
        await asyncio.sleep(1.0)  # three times the lock's life
        assert await two.locks.acquire("chat:7", ttl=0.3) is None, "still held"
    assert not await two.locks.renew("chat:7", "not-the-owner", 0.3)

    async def free() -> bool:  # not released: it runs out by itself, no longer renewed
        return await two.locks.acquire("chat:7", ttl=0.3) is not None

    await until(free)


async def test_a_commit_in_one_process_wakes_the_workers_of_another(
    pair: list[RedisCoordination],
) -> None:
    one, two = pair
    woken = asyncio.Event()
    stop = asyncio.Event()
    listening = asyncio.create_task(two.listen(woken.set, stop))
    await asyncio.wait_for(woken.wait(), WAIT)  # on subscribing: catch up on what was missed
    woken.clear()
    one.announce()
    await asyncio.wait_for(woken.wait(), WAIT)
    stop.set()
    await asyncio.wait_for(listening, WAIT)


async def test_a_burst_of_announcements_is_folded_and_the_last_one_still_wakes(
    pair: list[RedisCoordination], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Announcements while a publish waits or is on its way become one publish after it."""
    one, two = pair
    sent: list[float] = []
    publish = one._publish

    async def counted(topic: str) -> None:
        sent.append(asyncio.get_running_loop().time())
        await publish(topic)

    monkeypatch.setattr(one, "_publish", counted)
    woken = asyncio.Event()
    stop = asyncio.Event()
    listening = asyncio.create_task(two.listen(woken.set, stop))
    await asyncio.wait_for(woken.wait(), WAIT)
    for _ in range(50):
        one.announce()
        await asyncio.sleep(0)  # commits on different turns of the loop
    woken.clear()
    last = asyncio.get_running_loop().time()
    one.announce()
    await asyncio.wait_for(woken.wait(), WAIT)
    await until(lambda: not one._pending)
    assert 2 <= len(sent) <= 25, f"{len(sent)} publishes for 51 announcements"
    assert sent[-1] >= last, "a publish began after the last announcement"
    stop.set()
    await asyncio.wait_for(listening, WAIT)


def leader_body(running: list[str], name: str) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def body(stop: asyncio.Event) -> None:
        running.append(name)
        try:
            await stop.wait()
        finally:
            running.remove(name)

    return body


async def test_exactly_one_process_leads_and_another_takes_over(
    pair: list[RedisCoordination],
) -> None:
    one, two = pair
    running: list[str] = []
    stop_one, stop_two = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(one.lead("polling", leader_body(running, "one"), stop_one))
    await until(lambda: running == ["one"])
    second = asyncio.create_task(two.lead("polling", leader_body(running, "two"), stop_two))
    await asyncio.sleep(1.5)  # over two leases: renewals keep "one" in charge, alone
    assert running == ["one"]
    stop_one.set()
    await asyncio.wait_for(first, WAIT)
    await until(lambda: running == ["two"])
    stop_two.set()
    await asyncio.wait_for(second, WAIT)
    assert running == []


async def test_a_dead_leaders_lock_expires_and_another_takes_over(
    pair: list[RedisCoordination], prefix: str
) -> None:
    one, _ = pair
    await one.redis.set(f"{prefix}:leader:polling", "dead-process", px=800)
    running: list[str] = []
    stop = asyncio.Event()
    task = asyncio.create_task(one.lead("polling", leader_body(running, "one"), stop))
    await asyncio.sleep(0.4)
    assert running == []  # the dead one's lease has not run out yet
    await until(lambda: running == ["one"])
    stop.set()
    await asyncio.wait_for(task, WAIT)


async def test_redis_going_away_degrades_and_coming_back_recovers(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = RedisProxy(redis_url)
    await proxy.start()
    coordination = RedisCoordination(proxy.url, prefix=prefix, retry_seconds=0.05)
    woken: list[int] = []
    stop = asyncio.Event()
    listening = asyncio.create_task(coordination.listen(lambda: woken.append(1), stop))
    try:
        await until(lambda: len(woken) == 1)
        assert await coordination.pacer.reserve([("chat:1", CHAT)], max_wait=0) == 0
        await proxy.stop()
        with caplog.at_level(logging.WARNING, logger="bot.coordination"):
            assert not await coordination.ping()
            for _ in range(3):  # the process's own budget now
                assert await coordination.pacer.reserve([("chat:1", CHAT)], max_wait=0) == 0
            assert await coordination.pacer.reserve([("chat:1", CHAT)], max_wait=0) > 0
            assert await coordination.locks.acquire("k", ttl=1) is not None
            coordination.announce()
            await asyncio.sleep(0.2)
        down = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(down) == 1, caplog.text  # logged once, not per call
        caplog.clear()

        await proxy.start()
        with caplog.at_level(logging.WARNING, logger="bot.coordination"):
            assert await coordination.ping()
            await until(lambda: len(woken) >= 2)  # listening again, without a restart
            assert await coordination.pacer.reserve([("chat:7", CHAT)], max_wait=0) == 0
        assert [r.getMessage() for r in caplog.records if "back" in r.getMessage()]
        other = RedisCoordination(redis_url, prefix=prefix)
        try:
            # Shared again: the budget spent through the proxy is seen by another process.
            for _ in range(2):
                await coordination.pacer.reserve([("chat:7", CHAT)], max_wait=0)
            assert await other.pacer.reserve([("chat:7", CHAT)], max_wait=0) > 0
        finally:
            await other.close()
    finally:
        stop.set()
        await asyncio.wait_for(listening, WAIT)
        await coordination.close()
        await proxy.stop()


async def test_the_deployment_uses_its_redis_prefix() -> None:
    """Two deployments (or test runs) sharing one Redis keep apart by REDIS_PREFIX."""
    from bot.coordination import delivery_pieces
    from bot.settings import Settings

    settings = Settings(
        _env_file=None, redis_url="redis://127.0.0.1:6379/15", redis_prefix="acme-desk"
    )
    pieces = delivery_pieces(settings, uow_factory=None, mailer=None, senders={})  # type: ignore[arg-type]
    try:
        assert isinstance(pieces.coordination, RedisCoordination)
        assert pieces.coordination.prefix == "acme-desk"
    finally:
        await pieces.coordination.close()


async def test_delivery_pacing_off_sends_without_lanes() -> None:
    """DELIVERY_PACING=off (benchmarks, workspaces with raised limits): no lane is booked, so
    nothing waits for the published limits; the default paces every chat and the desk."""
    from bot.coordination import delivery_pieces
    from bot.settings import Settings

    now = datetime.now(UTC)
    message = OutboxMessage(Audience.CUSTOMER, Platform.TELEGRAM, "42", "say", {}, now, now)
    paced = Settings(_env_file=None, slack_support_channel="C1")
    unpaced = Settings(_env_file=None, slack_support_channel="C1", delivery_pacing="off")
    on = delivery_pieces(paced, uow_factory=None, mailer=None, senders={})  # type: ignore[arg-type]
    off = delivery_pieces(unpaced, uow_factory=None, mailer=None, senders={})  # type: ignore[arg-type]
    assert [key for key, _ in on.pacing.lanes(message)] == ["telegram:chat:42", "telegram:all"]
    assert list(off.pacing.lanes(message)) == []
