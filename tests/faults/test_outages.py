"""The bot's dependencies failing while messages flow, with one bot process that is never
restarted: PostgreSQL going away (through a fault proxy, so the shared server is untouched)
and the platforms answering errors for a while. It keeps taking what it can, confirms nothing
it has not recorded (Telegram's offset stays, Slack gets no 2xx and sends again), and catches
up afterwards: nothing lost, nothing doubled, order per chat kept.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.desk import IN_FLIGHT, TOKEN, FieldDesk, field_desk, report
from tests.faults.proxy import FaultProxy
from tests.integration.conftest import scratch_postgres_database, sqlite_url

PACE = 0.25
SEED = 20261122


def _unconfirmed(desk: FieldDesk) -> set[str]:
    """Tokens of updates Telegram still holds (sent to the bot, or not, but not confirmed)."""
    return {
        match.group(0)
        for update in desk.telegram.pending_updates()
        for match in TOKEN.finditer(str(update.get("message", {}).get("text", "")))
    }


async def _outage(seconds: float) -> None:
    """The length of a fault: the dependency stays broken this long whatever the bot does."""
    await asyncio.sleep(seconds)


async def _refused_hung_cut(
    desk: FieldDesk, proxy: FaultProxy, at_the_end: Callable[[], set[str]]
) -> set[str]:
    """The dependency refused for 6 s (what `at_the_end` sees just before it comes back is
    returned), then hung for 5 s (connections open, not a byte moving), then every connection
    cut once (a fail-over); the stream goes on between the faults."""
    proxy.refuse()
    await _outage(6)
    seen = at_the_end()
    proxy.restore()
    await desk.more_actions(8)
    proxy.pause()
    await _outage(5)
    proxy.restore()
    await desk.more_actions(8)
    proxy.cut()
    await desk.more_actions(8)
    return seen


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_postgresql_away_then_back_nothing_lost_or_doubled(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        scratch_postgres_database(postgres_url) as url,
        FaultProxy.for_url(url, 5432) as proxy,
        field_desk(tmp_path, url, bot_database_url=proxy.url(url)) as desk,
    ):
        await desk.start()
        await desk.cards()
        async with desk.streaming(random.Random(SEED), PACE) as run:
            await desk.more_actions(8)
            before = set(desk.written())

            during: set[str] = set()

            def still_unconfirmed() -> set[str]:
                during.update(t for t in desk.written() if t not in before and t[0] == "C")
                return _unconfirmed(desk)

            unconfirmed = await _refused_hung_cut(desk, proxy, still_unconfirmed)
        tally, actions = run.tally, run.actions
        refused_events = [
            d for d in desk.slack.events.deliveries if any(a.reason for a in d.attempts)
        ]
        print(
            report(
                "outage/postgresql",
                SEED,
                tally,
                actions=actions,
                refused_connections=proxy.refused,
                written_during_refusal=len(during),
                slack_events_retried=len(refused_events),
            )
        )
        # Telegram's offset did not move past what was not recorded.
        assert during, "customers wrote while the database was away"
        assert set(during) <= unconfirmed, set(during) - unconfirmed
        # Slack was not told "ok" for what was not recorded: it sent again, and it arrived.
        assert refused_events
        assert all(d.delivered for d in desk.slack.events.deliveries)
        tally.assert_whole()
        # Only the window a fault can leave: sent to the platform, the outcome not recorded.
        assert tally.extra_copies <= 3 * IN_FLIGHT
        assert desk.bot.starts == 1, "recovered without a restart"
        assert desk.bot.alive


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(400)
async def test_redis_away_then_back_nothing_lost_or_doubled(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    """Redis (locks, pacers' budgets, wake-ups, the polling lock) refused, hung and cut while
    messages flow, through a proxy; its keys under a prefix of this test's own."""
    prefix = f"faults-{uuid.uuid4().hex[:10]}"
    async with (
        scratch_postgres_database(postgres_url) as url,
        FaultProxy.for_url(redis_url, 6379) as proxy,
        field_desk(tmp_path, url, redis_url=proxy.url(redis_url), redis_prefix=prefix) as desk,
    ):
        await desk.start()
        await desk.cards()
        # A lock command that reached Redis after the bot gave up on it holds that chat or
        # ticket until the lock expires (inbox locks 20 s, delivery 30 s, renewed while held):
        # delivery may stall that long.
        async with desk.streaming(random.Random(SEED), PACE, deliver=90) as run:
            await desk.more_actions(8)
            await _refused_hung_cut(desk, proxy, lambda: set())
        tally, actions = run.tally, run.actions
        print(
            report("outage/redis", SEED, tally, actions=actions, refused_connections=proxy.refused)
        )
        tally.assert_whole()
        assert tally.extra_copies <= 3 * IN_FLIGHT
        assert (desk.bot.starts, desk.bot.alive) == (1, True), "recovered without a restart"


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_platforms_failing_for_a_while_then_everything_arrives_in_order(
    tmp_path: Path,
) -> None:
    async with field_desk(tmp_path, sqlite_url(tmp_path / "bot.db")) as desk:
        telegram, slack = desk.telegram, desk.slack
        await desk.start()
        await desk.cards()
        async with desk.streaming(random.Random(SEED), PACE) as run:
            await desk.more_actions(8)
            # Minutes of trouble, compressed to 10 s: every call refused one way or another.
            began = time.time()
            faults = [
                telegram.faults.add("sendMessage", "502", times=None, probability=0.5),
                telegram.faults.add("sendMessage", "500", times=None),
                telegram.faults.add("getUpdates", "502", times=None),
            ]
            slack.faults.add(
                method="chat.postMessage", kind="disconnect", times=None, probability=0.3
            )
            slack.faults.add(method=None, kind="server_error", status=503, times=None)
            await _outage(10)
            telegram.faults.clear()
            slack.faults.clear()
            # Then a few time-outs: Telegram takes the message but answers too late (PTB gives
            # up after 5 s), so the bot cannot know it arrived: the one duplicate it may send.
            slow = telegram.faults.add("sendMessage", "slow", times=2, delay=6.0)
            await desk.more_actions(12)
        tally, actions = run.tally, run.actions
        refused = sum(
            1 for r in telegram.calls() if r.time >= began and r.status not in (0, 200)
        ) + sum(1 for r in slack.calls.records if r.at >= began and not r.ok)
        print(
            report(
                "outage/platforms",
                SEED,
                tally,
                actions=actions,
                refused_calls=refused,
                timed_out=slow.hits,
                fault_hits=[f.hits for f in faults],
            )
        )
        tally.assert_whole()
        assert tally.extra_copies <= slow.hits
        # Backing off, not hammering: a tight loop would make thousands of calls in 10 s.
        assert 0 < refused < 300, refused
        assert desk.bot.starts == 1
        assert desk.bot.alive
