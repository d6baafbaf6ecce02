"""What every supportbot benchmark shares: options, a scratch database, the running desk with
both emulators, stopwatches hooked into the emulators, and printing figures.

The benchmarks run the whole runtime (`bot.runtime.running`) in this process against the
in-process Telegram and Slack emulators, exactly as the end-to-end tests do, so a figure is
what the real python-telegram-bot / slack_sdk / SQLAlchemy stack achieves, emulators included.
Options that name things the product cannot do yet (`--workers N` above 1 before the `worker`
role exists) stop with a clear message instead of measuring something else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shlex
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.slack.emulator import SlackEmulator
from adapters.slack.emulator.state import Message as SlackMessage
from adapters.telegram.emulator import SimUser, TelegramEmulator
from bot.runtime import Runtime, running
from bot.settings import Settings
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.model import (
    ChatIdentity,
    Company,
    CustomerUser,
    Platform,
    Product,
    Role,
    TicketType,
)
from core.services.tickets import open_ticket
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)
# A token that marks a benchmark message wherever it turns up: "bm<customer>x<sequence>".
TOKEN = re.compile(r"bm\d+x\d+")


class Unsupported(SystemExit):
    """An option the product cannot honour yet: say so and exit 2, measure nothing."""

    def __init__(self, why: str) -> None:
        print(f"UNSUPPORTED: {why}", file=sys.stderr)
        super().__init__(2)


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--smoke", action="store_true", help="a tiny run that takes seconds")
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--postgres-url", default=POSTGRES_URL, help="server for scratch databases")
    p.add_argument("--redis", metavar="URL", help="Redis for coordination (REDIS_URL)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (needs roles)")
    p.add_argument("--profile", metavar="HTML", help="pyinstrument the measured part into HTML")
    return p


def check_supported(args: argparse.Namespace) -> None:
    if args.workers != 1:
        if not worker_role_exists():
            raise Unsupported(
                f"--workers {args.workers} needs the `supportbot worker` process role "
                "(issue 7); this branch runs the whole bot in one process"
            )
        raise Unsupported("use benchmarks/scale_out.py for more than one worker process")
    if args.redis and not runtime_uses_redis():
        raise Unsupported(
            "--redis: the runtime does not use REDIS_URL yet (pacers / coordination from "
            "issue 6 have not landed on this branch)"
        )


def worker_role_exists() -> bool:
    from bot import cli

    source = Path(cli.__file__).read_text(encoding="utf-8")
    return '"worker"' in source


def runtime_uses_redis() -> bool:
    """Redis coordination (REDIS_URL: pacers, key locks, wake-ups) arrived with issue 6."""
    import importlib.util

    return importlib.util.find_spec("bot.coordination") is not None


def reproduce(script: str) -> str:
    return f".venv/bin/python benchmarks/{script} " + shlex.join(sys.argv[1:])


# -- figures ------------------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of samples; NaN for none."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[rank]


def latency_line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name}: n={len(ms)} p50={pct(ms, 0.50):.1f} ms p95={pct(ms, 0.95):.1f} ms "
        f"p99={pct(ms, 0.99):.1f} ms max={max(ms, default=float('nan')):.1f} ms"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


@contextlib.contextmanager
def profiled(path: str | None) -> Any:
    """pyinstrument over the block when asked for; its HTML shows where the time went."""
    if not path:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled", interval=0.002)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(path).write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:20000])
        print(f"profile written to {path}")


# -- databases ----------------------------------------------------------------------------------


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(args: argparse.Namespace, directory: Path) -> AsyncIterator[str]:
    """A migrated, empty database of the kind asked for; a PostgreSQL one is dropped after."""
    if args.db == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        await upgrade(url)
        yield url
        return
    name = f"supportbot_bench_{uuid.uuid4().hex[:12]}"
    try:
        await _admin(args.postgres_url, f'CREATE DATABASE "{name}"')
    except OSError as error:
        raise Unsupported(f"PostgreSQL at {args.postgres_url} is not reachable: {error}") from None
    url = make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade(url)
        yield url
    finally:
        await _admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- stopwatches in the emulators ---------------------------------------------------------------


@dataclass
class Stopwatch:
    """When each benchmark token was first seen at each point, by time.perf_counter()."""

    released: dict[str, float] = field(default_factory=dict)  # getUpdates handed it to the bot
    in_slack: dict[str, float] = field(default_factory=dict)  # a Slack message carrying it stored
    in_telegram: dict[str, float] = field(default_factory=dict)  # a bot message to a user stored
    sent: dict[str, float] = field(default_factory=dict)  # the benchmark made it
    slack_copies: Counter[str] = field(default_factory=Counter)  # thread lines per token
    telegram_copies: Counter[str] = field(default_factory=Counter)

    def latencies(self, start: dict[str, float], end: dict[str, float]) -> list[float]:
        return [end[k] - start[k] for k in start if k in end]


def _tokens(value: Any) -> list[str]:
    return TOKEN.findall(value) if isinstance(value, str) else []


def watch(telegram: TelegramEmulator, slack: SlackEmulator | None, clock: Stopwatch) -> None:
    """Record, inside the emulators, when an update leaves and when a message arrives."""
    updates = telegram.world.updates
    long_poll = updates.long_poll

    async def timed_long_poll(offset: int, limit: int, wait_seconds: float) -> Any:
        items = await long_poll(offset, limit, wait_seconds)
        now = time.perf_counter()
        for item in items:
            message = item.get("message") or item.get("edited_message") or {}
            for token in _tokens(message.get("text") or message.get("caption")):
                clock.released.setdefault(token, now)
        return items

    updates.long_poll = timed_long_poll  # type: ignore[method-assign]

    world = telegram.world
    store = world.store

    def timed_store(chat: Any, message: dict[str, Any]) -> dict[str, Any]:
        stored = store(chat, message)
        if message.get("from", {}).get("is_bot"):
            now = time.perf_counter()
            for token in _tokens(message.get("text") or message.get("caption")):
                clock.in_telegram.setdefault(token, now)
                clock.telegram_copies[token] += 1
        return stored

    world.store = timed_store  # type: ignore[method-assign]

    if slack is None:
        return
    ws = slack.ws
    slack_store = ws.store

    def timed_slack_store(message: SlackMessage) -> SlackMessage:
        stored = slack_store(message)
        if message.bot_id:
            now = time.perf_counter()
            for token in _tokens(message.text):
                clock.in_slack.setdefault(token, now)
                clock.slack_copies[token] += 1
        return stored

    ws.store = timed_slack_store  # type: ignore[method-assign]


async def wait_until(check: Callable[[], bool], within: float, what: str) -> None:
    """Poll `check` (cheap, in-memory) every few milliseconds until true or the deadline."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {within:.0f}s waiting for {what}")
        await asyncio.sleep(0.005)


# -- the desk -----------------------------------------------------------------------------------


@dataclass
class Customer:
    index: int
    user: SimUser
    ticket_number: int = 0
    card: SlackMessage | None = None


@dataclass
class DeskRun:
    telegram: TelegramEmulator
    slack: SlackEmulator
    runtime: Runtime
    customers: list[Customer]
    clock: Stopwatch
    company_id: uuid.UUID
    product_id: uuid.UUID

    async def outbox_pending(self) -> int:
        async with self.runtime.database.engine.connect() as connection:
            result = await connection.execute(
                text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL")
            )
            return int(result.scalar_one())

    async def quiet(self, within: float = 120.0) -> None:
        """Everything the bot owes anyone has left: the outbox is empty (checked twice)."""
        deadline = time.monotonic() + within
        calm = 0
        while calm < 2:
            calm = calm + 1 if await self.outbox_pending() == 0 else 0
            if time.monotonic() > deadline:
                raise TimeoutError("the outbox did not drain")
            await asyncio.sleep(0.05)


def settings(
    telegram: TelegramEmulator, slack: SlackEmulator, url: str, directory: Path, **more: Any
) -> Settings:
    return Settings(
        _env_file=None,
        database_url=url,
        files_dir=directory / "files",
        telegram_bot_token=telegram.token,
        telegram_api_base_url=telegram.url,
        slack_bot_token=slack.bot_token,
        slack_api_base_url=slack.api_url,
        slack_support_channel=slack.ws.channel("support").id,
        slack_app_token=slack.app_token,
        **more,
    )


@contextlib.asynccontextmanager
async def desk(
    args: argparse.Namespace, customers: int, *, open_tickets: bool = True, **options: Any
) -> AsyncIterator[DeskRun]:
    """The runtime against both emulators, `customers` Telegram customers who have started the
    bot (each with an open ticket whose card is in #support when `open_tickets`); `options` are
    more settings (e.g. delivery_pacing="off")."""
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as tmp:
        directory = Path(tmp)
        async with (
            scratch_database(args, directory) as url,
            TelegramEmulator(keep_calls=1000) as telegram,
            SlackEmulator(app_timeout=5.0, event_retry_delays=(0.0, 1.0, 1.0)) as slack,
        ):
            more: dict[str, Any] = {"redis_url": args.redis} if args.redis else {}
            more.update(options)
            async with running(
                settings(telegram, slack, url, directory, **more), poll_timeout=10
            ) as runtime:
                await slack.socket.wait_connected()
                clock = Stopwatch()
                watch(telegram, slack, clock)
                run = await _populate(telegram, slack, runtime, customers, clock)
                if open_tickets:
                    await _open_tickets(run)
                await run.quiet()
                yield run


async def _populate(
    telegram: TelegramEmulator,
    slack: SlackEmulator,
    runtime: Runtime,
    count: int,
    clock: Stopwatch,
) -> DeskRun:
    company = Company(name="Benchmark Accounting", tax_id="5250001009")
    product = Product(company_id=company.id, name="Invoices", license_number="1")
    people: list[Customer] = []
    async with runtime.uow_factory() as uow:
        await uow.companies.add(company)
        await uow.products.add(product)
        for index in range(count):
            sim = telegram.add_user(f"Customer {index}", language_code="en")
            user = CustomerUser(
                company_id=company.id, role=Role.MEMBER, name=f"Customer {index}", language="en"
            )
            await uow.users.add(user)
            await uow.identities.add(
                ChatIdentity(
                    platform=Platform.TELEGRAM,
                    platform_user_id=str(sim.id),
                    chat_id=str(sim.chat_id),
                    user_id=user.id,
                )
            )
            people.append(Customer(index, sim))
        await uow.commit()
    for person in people:
        person.user.start()
    await wait_until(
        lambda: all(p.user.bot_messages() for p in people), 60 + count / 5, "greetings"
    )
    return DeskRun(telegram, slack, runtime, people, clock, company.id, product.id)


async def _open_tickets(run: DeskRun) -> None:
    async with run.runtime.uow_factory(read_only=True) as uow:
        identities = {
            p.index: await uow.identities.get_by_chat(Platform.TELEGRAM, str(p.user.chat_id))
            for p in run.customers
        }
    for person in run.customers:
        identity = identities[person.index]
        assert identity is not None
        assert identity.user_id is not None
        command = OpenTicket(
            CustomerActor(identity.user_id),
            TicketType.ERROR,
            f"Export hangs for customer {person.index}",
            "At 80% the export stops.",
            Platform.TELEGRAM,
            str(person.user.chat_id),
        )
        ticket = await open_ticket(command, run.runtime.uow_factory(), Context.system())
        person.ticket_number = ticket.number
    by_number = {p.ticket_number: p for p in run.customers}
    alice = run.slack.person("alice")

    def all_cards() -> bool:
        for card in alice.messages("#support"):
            found = re.search(r"#(\d+)", card.text or "")
            if card.bot_id and found and int(found.group(1)) in by_number:
                by_number[int(found.group(1))].card = card
        return all(p.card is not None for p in run.customers)

    await wait_until(all_cards, 60 + len(run.customers) / 5, "every ticket's card in #support")
