"""How many simple Web API calls per second the Slack emulator answers.

The emulator runs in its own process (one core), the load generator in this one (the
other core), so the figure is what a test suite or the playground can rely on. Calls go
through the real slack_sdk AsyncWebClient sharing one aiohttp session (keep-alive),
`--concurrency` at a time, alternating auth.test and chat.postMessage. Bounded by
`--seconds` and `--max-calls`; traffic stays on 127.0.0.1.

    .venv/bin/python benchmarks/slack_emulator.py [--seconds 5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator

TARGET = 2000.0


def serve(conn: Connection) -> None:
    async def main() -> None:
        async with SlackEmulator() as emu:
            conn.send({"api_url": emu.api_url, "token": emu.bot_token})
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, conn.recv)  # wait for "stop"
            conn.send({"total": emu.calls.total, "counts": dict(emu.calls.counts)})

    asyncio.run(main())


async def load(api_url: str, token: str, seconds: float, concurrency: int, max_calls: int) -> int:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = AsyncWebClient(token=token, base_url=api_url, session=session)
        await client.auth_test()  # warm up the connection pool
        deadline = time.perf_counter() + seconds
        done = 0

        async def worker(n: int) -> None:
            nonlocal done
            while time.perf_counter() < deadline and done < max_calls:
                if n % 2:
                    await client.auth_test()
                else:
                    await client.chat_postMessage(channel="#support", text="benchmark")
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    print(f"{done} calls in {elapsed:.2f}s with {concurrency} concurrent keep-alive clients")
    return int(done / elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max-calls", type=int, default=200_000)
    args = parser.parse_args()

    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        info = parent.recv()
        rate = asyncio.run(
            load(info["api_url"], info["token"], args.seconds, args.concurrency, args.max_calls)
        )
        parent.send("stop")
        stats = parent.recv()
    finally:
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    print(f"emulator counted {stats['total']} calls: {stats['counts']}")
    verdict = "OK" if rate >= TARGET else "BELOW TARGET"
    print(f"slack emulator: {rate} calls/s (target >= {TARGET:.0f}) {verdict}")
    print("reproduce: .venv/bin/python benchmarks/slack_emulator.py --seconds 5 --concurrency 32")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
