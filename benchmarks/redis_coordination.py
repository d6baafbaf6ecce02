"""What Redis coordination costs per outbox message: pacing reservations (two lanes, one Lua
call) and a key lock taken and released, against the Redis at REDIS_URL (default the local
test database 15), `--concurrency` at a time for `--seconds`. Keys live under a random prefix
and expire by themselves.

    .venv/bin/python benchmarks/redis_coordination.py [--seconds 3] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.coordination import RedisCoordination
from core.pacing import TELEGRAM_CHAT, TELEGRAM_GLOBAL, Lane

ROOMY = Lane(rate=1e6, burst=1_000_000)  # never waits: measures the call, not the limit


async def measure(name: str, seconds: float, concurrency: int, step: object) -> None:
    done = 0
    deadline = time.perf_counter() + seconds

    async def loop(n: int) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await step(n, done)  # type: ignore[operator]
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    print(
        f"{name:<34} {done / elapsed:8.0f} /s  ({elapsed / done * 1e3 * concurrency:.2f} ms each)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    coordination = RedisCoordination(url, prefix=f"bench-{uuid.uuid4().hex[:8]}")
    try:

        async def reserve(n: int, i: int) -> None:
            lanes = [(f"telegram:chat:{i % 1000}", ROOMY), ("telegram:all", ROOMY)]
            await coordination.pacer.reserve(lanes, max_wait=0)

        async def lock(n: int, i: int) -> None:
            token = await coordination.locks.acquire(f"chat:{n}:{i}", ttl=5)
            assert token is not None
            await coordination.locks.release(f"chat:{n}:{i}", token)

        async def limited(n: int, i: int) -> None:
            lanes = [(f"telegram:chat:{i % 50}", TELEGRAM_CHAT), ("telegram:all", TELEGRAM_GLOBAL)]
            await coordination.pacer.reserve(lanes, max_wait=0)

        await measure("pacing reserve (2 lanes)", args.seconds, args.concurrency, reserve)
        await measure("key lock + release", args.seconds, args.concurrency, lock)
        await measure("reserve, mostly refused (limits)", args.seconds, args.concurrency, limited)
    finally:
        await coordination.close()


if __name__ == "__main__":
    asyncio.run(main())
