"""Memory: many report flows in progress at once, and relaying one large file each way.

    .venv/bin/python benchmarks/memory.py [--flows 10000] [--file-mb 20] [--db sqlite|postgres]
                                          [--smoke]

Flows: `--flows` customers each start a report and stop half way (product and kind chosen,
the subject asked for), through the real conversations on real storage
(tests/integration/chat.py, the flow-level harness, with its outbox stand-in marking replies
delivered). Resident memory (VmRSS) is read after the first 100 flows (warm) and after all,
with a garbage collection before each reading; the harness's own per-customer objects are
dropped as it goes, so the growth is the bot's. Target: under 50 MB for 10,000.

Files: a `--file-mb` file in the FileStore is sent to a Telegram chat (adapters/telegram/
posting.py, real PTB) and into a Slack thread (adapters/slack/uploads.py, real slack_sdk and
aiohttp), each against its emulator running in a child process so the emulator's own copy of
the upload is not counted. The figure is tracemalloc's peak of Python allocations during the
send, above what was allocated before. Target: under 10 MB for 20 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from benchmarks._common import check_supported, parser, reproduce, scratch_database, verdict
from core.model import Attachment, Company, CustomerUser, Product, Role
from storage.db import open_database
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

FLOWS_TARGET_MB = 50.0
FILE_TARGET_MB = 10.0
MIB = 1024 * 1024


def rss_mb() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- flows in progress --------------------------------------------------------------------------


async def flows(args: argparse.Namespace, directory: Path) -> float:
    from bot.flows.io import Command
    from tests.integration.chat import Bot, Customer, add_linked_user

    async with scratch_database(args, directory) as url:
        database = await open_database(url)
        try:
            uows = SqlUnitOfWorkFactory(database.sessionmaker)
            company = Company(name="Benchmark Accounting", tax_id="5250001009")
            users = []
            async with uows() as uow:
                await uow.companies.add(company)
                await uow.products.add(
                    Product(company_id=company.id, name="Invoices", license_number="1")
                )
                for n in range(args.flows):
                    user = CustomerUser(
                        company_id=company.id, role=Role.MEMBER, name=f"C{n}", language="en"
                    )
                    await add_linked_user(uow, user, chat_id=f"{n + 1000}", platform_user_id=f"{n}")
                    users.append(n)
                await uow.commit()
            bot = Bot.build(uows, directory / "files")

            async def start(n: int) -> None:
                c = Customer(bot, f"{n}", f"{n + 1000}", f"C{n}", "en")
                await c.send(Command("menu"))
                await c.press("Report a problem")
                await c.press("Something doesn't work")
                assert c.last, "the bot asked for a subject"

            warm = min(100, args.flows)
            for n in range(warm):
                await start(n)
            bot.outbox.rows.clear()  # the stand-in keeps every row for assertions: not ours
            before = rss_mb()
            began = time.perf_counter()
            for n in range(warm, args.flows):
                await start(n)
                if n % 500 == 0:
                    bot.outbox.rows.clear()
            bot.outbox.rows.clear()
            after = rss_mb()
            elapsed = time.perf_counter() - began
            async with uows(read_only=True) as uow:
                waiting = await _count_in_flow(uow)
        finally:
            await database.dispose()
    growth = after - before
    print(
        f"{args.flows:,} report flows in progress ({waiting:,} stored mid-flow), "
        f"{args.flows - warm:,} started in {elapsed:.1f} s: RSS {before:.1f} -> {after:.1f} MB, "
        f"growth {growth:.1f} MB (target < {FLOWS_TARGET_MB:.0f} MB) "
        f"{verdict(growth < FLOWS_TARGET_MB)}"
    )
    return growth


async def _count_in_flow(uow: SqlUnitOfWork) -> int:
    return await uow.conversations.count()


# -- one large file each way --------------------------------------------------------------------


def _telegram_server(conn: Connection) -> None:
    async def serve() -> None:
        from adapters.telegram.emulator import TelegramEmulator

        async with TelegramEmulator(upload_limit=60 * MIB) as emu:
            user = emu.add_user("Anna")
            user.start()
            conn.send((emu.api_base_url, emu.token, user.chat_id))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            conn.send(len(emu.calls("sendDocument")))

    asyncio.run(serve())


def _slack_server(conn: Connection) -> None:
    async def serve() -> None:
        from adapters.slack.emulator import SlackEmulator

        async with SlackEmulator() as emu:
            alice = emu.person("alice")
            parent = await alice.post("#support", "a ticket")
            channel = emu.ws.channel("support").id
            conn.send((emu.api_url, emu.bot_token, channel, parent.ts))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            conn.send(sum(f.size for f in emu.ws.files.values()))

    asyncio.run(serve())


async def _peak_during(action: Callable[[], Awaitable[object]]) -> float:
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    try:
        await action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) / MIB


def _child(target: Callable[[Connection], None]) -> tuple[mp.process.BaseProcess, Connection]:
    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(target=target, args=(child,), daemon=True)
    process.start()
    return process, parent


async def _stored(store: LocalFileStore, size: int) -> Attachment:
    async def chunks() -> AsyncIterator[bytes]:
        block = os.urandom(MIB)
        for _ in range(size // MIB):
            yield block

    stored = await store.put(chunks())
    return Attachment(
        ticket_id=uuid.uuid4(),
        file_name="big-export.zip",
        mime_type="application/zip",
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        created_at=datetime.now(UTC),
    )


async def files(args: argparse.Namespace, directory: Path) -> tuple[float, float]:
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient
    from telegram import Bot

    from adapters.slack.uploads import share_files
    from adapters.telegram.posting import post
    from adapters.telegram.render import Outgoing

    store = LocalFileStore(directory / "files")
    attachment = await _stored(store, args.file_mb * MIB)
    size_mb = attachment.size / MIB

    process, conn = _child(_telegram_server)
    try:
        base_url, token, chat_id = conn.recv()
        async with Bot(token, base_url=base_url) as bot:
            outgoing = Outgoing(text="the export", attachment=attachment)
            telegram_peak = await _peak_during(lambda: post(bot, chat_id, [outgoing], store))
        conn.send("stop")
        sent = conn.recv()
    finally:
        process.join(timeout=10)
    print(
        f"Telegram: {size_mb:.0f} MB document sent ({sent} sendDocument), peak Python "
        f"memory +{telegram_peak:.1f} MB (target < {FILE_TARGET_MB:.0f} MB) "
        f"{verdict(telegram_peak < FILE_TARGET_MB)}"
    )

    process, conn = _child(_slack_server)
    try:
        api_url, token, channel, thread_ts = conn.recv()
        async with aiohttp.ClientSession() as session:
            client = AsyncWebClient(token=token, base_url=api_url, session=session)
            slack_peak = await _peak_during(
                lambda: share_files(client, store, channel, thread_ts, [attachment])
            )
        conn.send("stop")
        uploaded = conn.recv()
    finally:
        process.join(timeout=10)
    print(
        f"Slack: {uploaded / MIB:.0f} MB uploaded into the thread, peak Python memory "
        f"+{slack_peak:.1f} MB (target < {FILE_TARGET_MB:.0f} MB) "
        f"{verdict(slack_peak < FILE_TARGET_MB)}"
    )
    return telegram_peak, slack_peak


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="supportbot-memory-") as tmp:
        await files(args, Path(tmp))
        await flows(args, Path(tmp))
    print(f"reproduce: {reproduce('memory.py')}")


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--flows", type=int, default=10_000)
    p.add_argument("--file-mb", type=int, default=20)
    args = p.parse_args()
    if args.smoke:
        args.flows, args.file_mb = 110, 2
    check_supported(args)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
