"""How many simple Bot API calls a second the Telegram emulator serves.

Run:  .venv/bin/python benchmarks/telegram_emulator.py [--seconds 5] [--concurrency 32]
                                                       [--method getMe|sendMessage|mixed]
                                                       [--in-process]

By default the emulator runs in a child process (as it does when a bot under test runs in
another process) and this process drives it with raw aiohttp keep-alive connections, so the
client's own cost does not eat into the server's core; ``--in-process`` shares one event loop.
The target is at least 2000 calls/s on a 2-core machine. The wall-clock figure drops when other
work shares the machine, so the server's CPU time per call is printed too. Only loopback is
used, and the run is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.telegram.emulator import TelegramEmulator

TARGET = 2000


async def _serve(conn: Connection) -> None:
    async with TelegramEmulator(keep_calls=10_000) as emu:
        user = emu.add_user("Bench")
        user.start()
        conn.send((emu.url, emu.token, user.id))
        cpu_before = time.process_time()
        # Wait for the parent to say it is done, without blocking the loop.
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        conn.send({**emu.stats.snapshot(), "cpu_seconds": time.process_time() - cpu_before})


def _server_process(conn: Connection) -> None:
    asyncio.run(_serve(conn))


async def _drive(
    url: str, token: str, chat_id: int, method: str, seconds: float, concurrency: int
) -> tuple[int, int, float]:
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    ok = errors = 0
    deadline = time.monotonic() + seconds
    base = f"{url}/bot{token}/"
    send_body = json.dumps({"chat_id": chat_id, "text": "benchmark message"}).encode()
    headers = {"Content-Type": "application/json"}

    async def worker(n: int, session: aiohttp.ClientSession) -> None:
        nonlocal ok, errors
        i = n
        while time.monotonic() < deadline:
            use_send = method == "sendMessage" or (method == "mixed" and i % 2 == 0)
            i += 1
            if use_send:
                request = session.post(base + "sendMessage", data=send_body, headers=headers)
            else:
                request = session.get(base + "getMe")
            async with request as response:
                await response.read()
                if response.status == 200:
                    ok += 1
                else:
                    errors += 1

    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(n, session) for n in range(concurrency)))
        elapsed = time.monotonic() - started
    return ok, errors, elapsed


async def _in_process(method: str, seconds: float, concurrency: int) -> tuple[int, int, float]:
    async with TelegramEmulator(keep_calls=10_000) as emu:
        user = emu.add_user("Bench")
        user.start()
        return await _drive(emu.url, emu.token, user.id, method, seconds, concurrency)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--method", choices=("getMe", "sendMessage", "mixed"), default="mixed")
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()

    if args.in_process:
        ok, errors, elapsed = asyncio.run(_in_process(args.method, args.seconds, args.concurrency))
        server_stats = None
    else:
        parent, child = mp.Pipe()
        process = mp.get_context("spawn").Process(target=_server_process, args=(child,))
        process.start()
        try:
            url, token, chat_id = parent.recv()
            ok, errors, elapsed = asyncio.run(
                _drive(url, token, chat_id, args.method, args.seconds, args.concurrency)
            )
            parent.send("stop")
            server_stats = parent.recv()
        finally:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()

    rate = ok / elapsed if elapsed else 0.0
    mode = "in-process" if args.in_process else "server in a child process"
    print(f"telegram emulator: {rate:,.0f} calls/s ({args.method}, {mode})")
    connections = f"{args.concurrency} keep-alive connections"
    print(f"  {ok} ok, {errors} errors in {elapsed:.2f}s with {connections}")
    if server_stats is not None:
        print(f"  server counted {server_stats['calls']} calls: {server_stats['by_method']}")
        # Independent of what else runs on the machine: the server's own CPU cost per call.
        per_call = server_stats["cpu_seconds"] / max(1, server_stats["calls"])
        print(
            f"  server CPU: {per_call * 1e6:.0f} us per call, "
            f"{1 / per_call if per_call else 0:,.0f} calls per server CPU-second"
        )
    print(f"  target: >= {TARGET} calls/s -> {'PASS' if rate >= TARGET else 'FAIL'}")
    argv = " ".join(sys.argv[1:])
    print(f"  reproduce: .venv/bin/python benchmarks/telegram_emulator.py {argv}".rstrip())
    return 0 if rate >= TARGET and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
