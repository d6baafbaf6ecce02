"""Scaling out: relay throughput with 1, 2 and 4 `supportbot worker` processes on PostgreSQL
and Redis.

    .venv/bin/python benchmarks/scale_out.py [--worker-counts 1,2,4] [--customers 100]
                                             [--burst 5] [--redis URL] [--smoke]

For each count N: a scratch PostgreSQL database, a random Redis key prefix, the Telegram and
Slack emulators in this process, one `supportbot web` process (it handles the inbox) and N
`supportbot worker` processes (outbox delivery; one of them long-polls Telegram, every one
holds a Socket Mode connection), all started with the real CLI and `DELIVERY_PACING=off`
(the platforms' limits off, as in relay.py). Customers with open tickets send a burst; the
figure is customers' messages per second until the last is in its Slack thread, then agents'
replies per second until the last is in Telegram, per N and as a speed-up over the first N.

Everything runs on the same machine: on 2 cores the emulators, the web process and the
workers share them, so past two processes the extra ones mostly wait for a core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from benchmarks._common import (
    Stopwatch,
    Unsupported,
    _open_tickets,
    _populate,
    parser,
    reproduce,
    scratch_database,
    watch,
)
from benchmarks.relay import burst_agents, burst_customers
from storage.db import open_database
from storage.uow import SqlUnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def plan(args: argparse.Namespace) -> list[int]:
    counts = [int(n) for n in args.worker_counts.split(",")]
    if args.smoke:
        counts = [2]  # one run, but with two workers sharing the work
    return counts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(
    telegram: TelegramEmulator, slack: SlackEmulator, url: str, redis: str, files: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.update(
        DATABASE_URL=url,
        REDIS_URL=redis,
        REDIS_PREFIX=f"bench-{secrets.token_hex(6)}",  # Redis is shared: our own keys only
        FILES_DIR=str(files),
        TELEGRAM_BOT_TOKEN=telegram.token,
        TELEGRAM_API_BASE_URL=telegram.url,
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_API_BASE_URL=slack.api_url,
        SLACK_APP_TOKEN=slack.app_token,
        SLACK_SUPPORT_CHANNEL=slack.ws.channel("support").id,
        DELIVERY_PACING="off",
        LOG_LEVEL="WARNING",
        HOST="127.0.0.1",
    )
    return env


@contextlib.asynccontextmanager
async def processes(env: dict[str, str], workers: int) -> AsyncIterator[None]:
    """One `supportbot web` and `workers` `supportbot worker` processes; SIGTERM'd after."""
    cli = [sys.executable, "-c", "from bot.cli import main; main()"]  # `supportbot`
    started: list[asyncio.subprocess.Process] = []
    try:
        web_env = dict(env, PORT=str(_free_port()))
        started.append(await asyncio.create_subprocess_exec(*cli, "web", env=web_env, cwd=ROOT))
        for _ in range(workers):
            started.append(await asyncio.create_subprocess_exec(*cli, "worker", env=env, cwd=ROOT))
        yield
    finally:
        for process in started:
            if process.returncode is None:
                process.terminate()
        for process in started:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


async def measure(args: argparse.Namespace, workers: int, redis: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="supportbot-scale-") as tmp:
        async with (
            scratch_database(args, Path(tmp)) as url,
            TelegramEmulator(keep_calls=1000) as telegram,
            SlackEmulator(app_timeout=5.0, event_retry_delays=(0.0, 1.0, 1.0)) as slack,
        ):
            env = _environment(telegram, slack, url, redis, Path(tmp) / "files")
            database = await open_database(url)
            try:
                async with processes(env, workers):
                    await slack.socket.wait_connected(within=60, count=workers)
                    runtime = _Shell(SqlUnitOfWorkFactory(database.sessionmaker), database)
                    clock = Stopwatch()
                    watch(telegram, slack, clock)
                    run = await _populate(telegram, slack, runtime, args.customers, clock)  # type: ignore[arg-type]
                    await _open_tickets(run)
                    await run.quiet()
                    _, in_rate = await burst_customers(run, args.burst, 0)
                    await run.quiet()
                    _, out_rate = await burst_agents(run, 1000)
                    await run.quiet()
                    return in_rate, out_rate
            finally:
                await database.dispose()


class _Shell:
    """What the desk helpers need of a runtime when the bot runs in other processes."""

    def __init__(self, uow_factory: SqlUnitOfWorkFactory, database: object) -> None:
        self.uow_factory = uow_factory
        self.database = database


async def main_async(args: argparse.Namespace, counts: list[int]) -> None:
    redis = args.redis or REDIS_URL
    results: dict[int, tuple[float, float]] = {}
    for n in counts:
        started = time.perf_counter()
        results[n] = await measure(args, n, redis)
        inward, outward = results[n]
        print(
            f"{n} worker process(es) + 1 web: customer -> Slack {inward:.1f} msg/s, "
            f"agent -> Telegram {outward:.1f} msg/s ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    base_in, base_out = results[counts[0]]
    for n in counts:
        inward, outward = results[n]
        print(
            f"speed-up with {n}: customer -> Slack x{inward / base_in:.2f}, "
            f"agent -> Telegram x{outward / base_out:.2f} (over {counts[0]})"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--worker-counts", default="1,2,4", help="process counts to compare")
    p.add_argument("--customers", type=int, default=100)
    p.add_argument("--burst", type=int, default=5, help="messages per customer at once")
    p.set_defaults(db="postgres")
    args = p.parse_args()
    if args.db != "postgres":
        raise Unsupported("several processes share one database: use PostgreSQL")
    counts = plan(args)
    if args.smoke:
        args.customers, args.burst = 3, 2
    print(
        f"scale out: worker processes {counts} + 1 web on PostgreSQL and Redis, "
        f"{args.customers} customers x {args.burst}"
    )
    asyncio.run(main_async(args, counts))
    print(f"reproduce: {reproduce('scale_out.py')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
