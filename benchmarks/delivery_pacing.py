"""A burst of customer messages to the Slack desk under Slack's rate limits: how long the
queue takes to drain, and how many 429s the bot provokes, without pacing, with pacing, and
with pacing plus coalescing.

`--tickets` tickets each get `--messages` customer messages at once (after their card and
opening are in #support). The Slack emulator applies Slack's limits (chat.postMessage about
1/s per channel with a burst of 3; chat.update Tier 3, 50/min with a burst of 10). Real
slack_sdk client, real SQLite outbox, the delivery worker's own loop.

    .venv/bin/python benchmarks/delivery_pacing.py [--tickets 6] [--messages 4]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator
from adapters.slack.sender import SlackDeskSender
from bot.worker import DeliveryWorker
from core.actors import CustomerActor
from core.commands import AddCustomerMessage, OpenTicket
from core.context import Context, EngineConfig, SystemClock, SystemSecrets
from core.delivery import DeliveryPolicy, Pacing
from core.model import (
    Audience,
    ChatIdentity,
    Company,
    CustomerUser,
    Platform,
    Product,
    Role,
    TicketType,
)
from core.pacing import LocalPacer, PlatformLanes, no_lanes
from core.services import conversation, tickets
from storage.db import open_database
from storage.files import LocalFileStore
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def drain(worker: DeliveryWorker, uow_factory: SqlUnitOfWorkFactory, limit: float) -> float:
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(worker.run(stop))
    try:
        while time.perf_counter() - started < limit:
            async with uow_factory(read_only=True) as uow:
                if await uow.outbox.pending_count() == 0:
                    break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        worker.wake()
        await task
    return time.perf_counter() - started


async def scenario(name: str, tickets_n: int, messages: int, paced: bool, coalesce: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade(url)
        database = await open_database(url)
        uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
        ctx = Context(clock=SystemClock(), secrets=SystemSecrets(), config=EngineConfig())
        async with SlackEmulator() as emu:
            async with uow_factory() as uow:
                company = Company(name="Nowak", tax_id="5250001009", created_at=T0)
                await uow.companies.add(company)
                await uow.products.add(
                    Product(company_id=company.id, name="Faktury", license_number="F1")
                )
                user = CustomerUser(
                    company_id=company.id, role=Role.MEMBER, name="Anna", created_at=T0
                )
                await uow.users.add(user)
                await uow.identities.add(
                    ChatIdentity(Platform.TELEGRAM, "tg-anna", "chat-anna", user_id=user.id)
                )
                await uow.commit()
            anna = CustomerActor(user.id)
            client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
            channel = emu.ws.channel("support").id
            sender = SlackDeskSender(client, uow_factory, LocalFileStore(Path(tmp)), channel)
            senders = {(Audience.AGENTS, Platform.SLACK): sender}
            pacing = Pacing(
                PlatformLanes(slack_channel=channel) if paced else no_lanes, LocalPacer()
            )
            policy = DeliveryPolicy(coalesce=20 if coalesce else 1, backoff_max_seconds=5)
            worker = DeliveryWorker(uow_factory, senders, SystemClock(), policy, pacing=pacing)
            opened = []
            for n in range(tickets_n):
                command = OpenTicket(
                    anna,
                    TicketType.ERROR,
                    f"Export {n}",
                    "It stops.",
                    Platform.TELEGRAM,
                    "chat-anna",
                )
                opened.append(await tickets.open_ticket(command, uow_factory(), ctx))
            await drain(worker, uow_factory, 120)  # cards and openings, limits off
            emu.rate_limits.enable()
            before = emu.calls.errors.get("ratelimited", 0)
            posts_before = emu.calls.counts.get("chat.postMessage", 0)
            for n in range(messages):
                for ticket in opened:
                    await conversation.add_customer_message(
                        AddCustomerMessage(anna, ticket.id, f"message {n}"), uow_factory(), ctx
                    )
            seconds = await drain(worker, uow_factory, 300)
            limited = emu.calls.errors.get("ratelimited", 0) - before
            posts = emu.calls.counts.get("chat.postMessage", 0) - posts_before
            print(
                f"{name:<22} {tickets_n * messages:>4} messages  drained in {seconds:6.1f} s"
                f"  {posts:>4} posts  {limited:>4} × 429"
            )
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=6)
    parser.add_argument("--messages", type=int, default=4)
    args = parser.parse_args()
    for name, paced, coalesce in (
        ("no pacing", False, False),
        ("pacing", True, False),
        ("pacing + coalescing", True, True),
    ):
        await scenario(name, args.tickets, args.messages, paced, coalesce)


if __name__ == "__main__":
    asyncio.run(main())
