"""Several processes on one PostgreSQL and one Redis, as the product grows past one machine:
two `supportbot web` processes behind a round-robin balancer take Telegram's webhook and
Slack's signed events, three `supportbot worker` processes deliver, all at once, while
customers and agents write steadily both ways. Nothing may be lost, nothing doubled (nothing
is killed and no platform fails here, so there is no window to excuse a duplicate), and every
chat and ticket thread keeps its order.

The seed is printed; SUPPORTBOT_LOAD_SEED=<n> replays the stream's choices.
"""

from __future__ import annotations

import random
import re
import uuid
from pathlib import Path

import aiohttp
import pytest

from tests.faults.balancer import Balancer
from tests.faults.desk import FieldDesk, chosen_seed, field_desk, report
from tests.faults.process import BotProcess, until
from tests.integration.conftest import scratch_postgres_database
from tests.mailroom import free_port

WEBS, WORKERS = 2, 3
CUSTOMERS = 8
PACE = 0.1  # seconds between two actions of the stream: ten a second
ACTIONS = 120
START = 120.0  # five Python processes starting at once on a busy 2-core machine
DELIVERED = re.compile(
    r'^supportbot_messages_out_total\{[^}]*result="delivered"[^}]*\} (\S+)$', re.M
)


async def _get(url: str) -> str | None:
    try:
        async with aiohttp.ClientSession() as http, http.get(url) as answer:
            return await answer.text() if answer.status == 200 else None
    except aiohttp.ClientError:
        return None


async def _delivered_by(base: str) -> int:
    """Outbox messages this process handed to a platform with success (its /metrics)."""
    text = await _get(f"{base}/metrics") or ""
    return int(sum(float(value) for value in DELIVERED.findall(text)))


def _roles(desk: FieldDesk, redis_url: str) -> tuple[list[str], list[str], list[BotProcess]]:
    """The web and worker processes (not started), with the base URL each answers on."""
    shared = {
        "redis_url": redis_url,
        "redis_prefix": f"faults-{uuid.uuid4().hex[:10]}",  # Redis is shared with other tests
        "public_url": f"http://127.0.0.1:{desk.port}",  # the balancer: Telegram by webhook
    }
    webs, workers, processes = [], [], []
    for number in range(WEBS + WORKERS):
        port = free_port()
        if number < WEBS:
            process = desk.add_process(f"web{number + 1}", "web", port=str(port), **shared)
            webs.append(f"http://127.0.0.1:{port}")
        else:
            name = f"worker{number - WEBS + 1}"
            process = desk.add_process(name, "worker", metrics_port=str(port), **shared)
            workers.append(f"http://127.0.0.1:{port}")
        processes.append(process)
    return webs, workers, processes


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(300)
async def test_two_web_and_three_worker_processes_under_load_nothing_lost_doubled_or_reordered(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    seed = chosen_seed("SUPPORTBOT_LOAD_SEED")
    print(f"\n[processes] seed={seed} (SUPPORTBOT_LOAD_SEED={seed} repeats its choices)")
    async with (
        scratch_postgres_database(postgres_url) as url,
        field_desk(tmp_path, url, customers=CUSTOMERS) as desk,
    ):
        webs, workers, processes = _roles(desk, redis_url)
        async with Balancer(desk.port, webs) as balancer:
            for process in processes:
                await process.start()
            for base in webs + workers:
                await until(lambda b=base: _get(f"{b}/healthz"), START, f"{base} up", bot=desk.crew)
            webhook = f"http://127.0.0.1:{desk.port}/telegram/webhook"
            await until(
                lambda: desk.telegram.webhook.info()["url"] == webhook,
                START,
                "the webhook set",
                bot=desk.crew,
            )
            await desk.cards(within=60)
            async with desk.streaming(random.Random(seed), PACE) as run:
                await desk.more_actions(ACTIONS, within=120)
            tally = run.tally
            delivered = [await _delivered_by(base) for base in workers]
            served = [balancer.served[base] for base in webs]
        print(
            report(
                "processes",
                seed,
                tally,
                actions=run.actions,
                requests_per_web=served,
                delivered_per_worker=delivered,
                webhook_deliveries=len(desk.telegram.webhook.deliveries),
                slack_event_tries=sum(len(d.attempts) for d in desk.slack.events.deliveries),
            )
        )
        tally.assert_whole()
        assert not tally.duplicates, tally.duplicates
        assert not tally.never_received, "every process stayed up: Slack never gave up"
        assert desk.telegram.calls("getUpdates") == [], "Telegram by webhook, never polled"
        # The load was shared: both web processes took requests, the workers delivered it all.
        assert all(served), served
        assert sum(delivered) >= run.actions, delivered
        assert all(p.alive and p.starts == 1 for p in processes)
        assert not [e for p in processes for e in p.errors()]
