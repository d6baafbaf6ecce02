"""Relay throughput and latency: customers' Telegram messages to the agents' Slack threads and
agents' thread replies back to Telegram, against a bare python-telegram-bot echo bot.

    .venv/bin/python benchmarks/relay.py [--db sqlite|postgres] [--customers 200]
                                         [--burst 5] [--rate 50] [--seconds 10] [--smoke]
                                         [--profile relay.html]

Customers (each with an open ticket whose card is in #support) send `--burst` messages each at
once: the messages per second from sending to the last Slack thread line is the throughput.
Then one message every 1/`--rate` s for `--seconds` s (open loop, round robin over customers):
latency from the Telegram emulator handing the update to the bot (getUpdates returns it) to the
Slack emulator storing the thread line. Agents' replies the same way (burst, then paced), from
the agent posting in the thread to the customer's Telegram chat holding the message.

The ceiling: a bare PTB Application (concurrent updates, no database, no core) echoing each
message back, driven by a fresh Telegram emulator with the same burst and pace in the same
process. Our throughput is reported as a ratio of its. Everything shares this one process and
event loop (emulators, bot, load), so both figures carry the emulators' cost alike.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from adapters.telegram.emulator import SimUser, TelegramEmulator
from benchmarks._common import (
    DeskRun,
    Stopwatch,
    check_supported,
    desk,
    latency_line,
    parser,
    pct,
    profiled,
    reproduce,
    verdict,
    wait_until,
    watch,
)

RATIO_TARGET = 0.6
ECHO_CONCURRENCY = 16
P99_TARGET_MS = 50.0


def token(customer: int, seq: int) -> str:
    return f"bm{customer}x{seq}"


async def burst_customers(run: DeskRun, per_customer: int, seq0: int) -> tuple[int, float]:
    """Every customer sends `per_customer` messages at once; messages/s to the last in Slack."""
    clock = run.clock
    tokens = []
    started = time.perf_counter()
    for seq in range(seq0, seq0 + per_customer):
        for person in run.customers:
            tok = token(person.index, seq)
            tokens.append(tok)
            clock.sent[tok] = time.perf_counter()
            person.user.send_text(f"{tok} the export still stops at 80%")
    await wait_until(lambda: all(t in clock.in_slack for t in tokens), 300, "the burst in Slack")
    elapsed = max(clock.in_slack[t] for t in tokens) - started
    return len(tokens), len(tokens) / elapsed


async def paced_customers(run: DeskRun, rate: float, seconds: float, seq0: int) -> list[float]:
    clock = run.clock
    tokens = []
    count = max(1, int(rate * seconds))
    started = time.perf_counter()
    for n in range(count):
        await _until(started + n / rate)
        person = run.customers[n % len(run.customers)]
        tok = token(person.index, seq0 + n // len(run.customers))
        tokens.append(tok)
        person.user.send_text(f"{tok} one more detail")
    await wait_until(lambda: all(t in clock.in_slack for t in tokens), 120, "paced in Slack")
    return [clock.in_slack[t] - clock.released[t] for t in tokens]


async def _until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


async def _agent_reply(run: DeskRun, index: int, tok: str) -> None:
    card = run.customers[index].card
    assert card is not None
    run.clock.sent[tok] = time.perf_counter()
    await run.slack.person("alice").reply(card, f"{tok} please update to 2.3")


async def burst_agents(run: DeskRun, seq0: int) -> tuple[int, float]:
    clock = run.clock
    tokens = [token(p.index, seq0) for p in run.customers]
    started = time.perf_counter()
    await asyncio.gather(*(_agent_reply(run, p.index, token(p.index, seq0)) for p in run.customers))
    await wait_until(lambda: all(t in clock.in_telegram for t in tokens), 300, "replies")
    elapsed = max(clock.in_telegram[t] for t in tokens) - started
    return len(tokens), len(tokens) / elapsed


async def paced_agents(run: DeskRun, rate: float, seconds: float, seq0: int) -> list[float]:
    clock = run.clock
    tokens, tasks = [], []
    count = max(1, int(rate * seconds))
    started = time.perf_counter()
    for n in range(count):
        await _until(started + n / rate)
        index = n % len(run.customers)
        tok = token(index, seq0 + n // len(run.customers))
        tokens.append(tok)
        tasks.append(asyncio.create_task(_agent_reply(run, index, tok)))
    await asyncio.gather(*tasks)
    await wait_until(lambda: all(t in clock.in_telegram for t in tokens), 120, "paced replies")
    return [clock.in_telegram[t] - clock.sent[t] for t in tokens]


# -- the ceiling --------------------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


async def echo_ceiling(
    customers: int, per_customer: int, rate: float, seconds: float
) -> tuple[float, list[float]]:
    clock = Stopwatch()
    async with TelegramEmulator(keep_calls=1000) as emu:
        watch(emu, None, clock)
        app = (
            ApplicationBuilder()
            .token(emu.token)
            .base_url(emu.api_base_url)
            # As many updates at once as the bot handles (InboxProcessor's concurrency): PTB's
            # `True` (256) queues that many sends on httpx's pool, whose scheduling grows with
            # the queue, and with 200 customers the echo then managed 161 msg/s instead of
            # 373 (50 customers: 363 either way). The ceiling is the library at its best.
            .concurrent_updates(ECHO_CONCURRENCY)
            .connection_pool_size(64)
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        users: list[SimUser] = [emu.add_user(f"Echo {n}") for n in range(customers)]
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=10, poll_interval=0)
            for user in users:
                user.start()
            await wait_until(lambda: all(u.bot_messages() for u in users), 60, "echo /start")
            tokens = []
            started = time.perf_counter()
            for seq in range(per_customer):
                for n, user in enumerate(users):
                    tokens.append(token(n, seq))
                    user.send_text(f"{token(n, seq)} the export still stops at 80%")
            await wait_until(lambda: all(t in clock.in_telegram for t in tokens), 300, "echoes")
            throughput = len(tokens) / (max(clock.in_telegram[t] for t in tokens) - started)
            paced = []
            count = max(1, int(rate * seconds))
            started = time.perf_counter()
            for n in range(count):
                await _until(started + n / rate)
                tok = token(n % customers, per_customer + n // customers)
                paced.append(tok)
                users[n % customers].send_text(f"{tok} one more detail")
            await wait_until(lambda: all(t in clock.in_telegram for t in paced), 120, "paced")
            latencies = [clock.in_telegram[t] - clock.released[t] for t in paced]
            await app.updater.stop()
            await app.stop()
    return throughput, latencies


async def main_async(args: argparse.Namespace) -> bool:
    print(
        f"relay benchmark: db={args.db} customers={args.customers} burst={args.burst} "
        f"paced at {args.rate}/s for {args.seconds}s"
    )
    echo_rate, echo_lat = await echo_ceiling(args.customers, args.burst, args.rate, args.seconds)
    # "rate limits off" (issue 8): without the pacer's lanes this measures our own overhead,
    # which an unpaced echo bot can be compared with; under_limits.py measures the paced desk.
    async with desk(args, args.customers, delivery_pacing="off") as run:
        with profiled(args.profile):
            # Each paced phase starts once the burst before it has left the outbox entirely
            # (its confirmations to customers, the cards an agent's first reply changes): the
            # latency is at the offered rate, not behind the rest of a burst.
            n_in, in_rate = await burst_customers(run, args.burst, 0)
            await run.quiet()
            lat_in = await paced_customers(run, args.rate, args.seconds, args.burst)
            await run.quiet()
            n_out, out_rate = await burst_agents(run, 1000)
            await run.quiet()
            lat_out = await paced_agents(run, args.rate, args.seconds, 1001)
    ratio = in_rate / echo_rate
    p99_in = pct(lat_in, 0.99) * 1000
    p99_out = pct(lat_out, 0.99) * 1000
    print(f"bare PTB echo (ceiling): {echo_rate:.0f} msg/s; " + latency_line("latency", echo_lat))
    print(f"customer -> Slack thread: {in_rate:.0f} msg/s ({n_in} messages in a burst)")
    print(latency_line(f"customer -> Slack latency at {args.rate:g}/s", lat_in))
    print(f"agent -> Telegram: {out_rate:.0f} msg/s ({n_out} replies in a burst)")
    print(latency_line(f"agent -> Telegram latency at {args.rate:g}/s", lat_out))
    ok_ratio = ratio >= RATIO_TARGET
    ok_p99 = max(p99_in, p99_out) < P99_TARGET_MS
    print(f"ratio to bare echo: {ratio:.2f} (target >= {RATIO_TARGET}) {verdict(ok_ratio)}")
    print(
        f"p99 customer->Slack {p99_in:.1f} ms, agent->Telegram {p99_out:.1f} ms "
        f"(target < {P99_TARGET_MS:.0f} ms at 50/s) {verdict(ok_p99)}"
    )
    print(f"reproduce: {reproduce('relay.py')}")
    return ok_ratio and ok_p99


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--customers", type=int, default=200)
    p.add_argument("--burst", type=int, default=5, help="messages per customer at once")
    p.add_argument("--rate", type=float, default=50.0, help="offered messages/s when paced")
    p.add_argument("--seconds", type=float, default=10.0, help="how long to pace")
    args = p.parse_args()
    if args.smoke:
        args.customers, args.burst, args.seconds = 5, 2, 0.5
    check_supported(args)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
