"""Readiness: can this process do its job right now? Each dependency is asked, briefly.

/healthz only says the process is alive (a supervisor restarts it when that fails); /readyz asks
the database, Redis when configured, and each configured platform, and answers 503 naming what
failed, so a load balancer stops routing to it and an operator sees why. Platform answers are
cached for a short while: a probe every few seconds must not become a stream of getMe calls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import text

from storage.db import Database

Check = Callable[[], Awaitable[None]]

CHECK_TIMEOUT = 3.0


def redact(message: str, secrets: Iterable[str | None]) -> str:
    """The message with every secret (and, for Telegram tokens, the part after ':') blanked."""
    for secret in secrets:
        if not secret:
            continue
        message = message.replace(secret, "***")
        if ":" in secret:
            message = message.replace(secret.split(":", 1)[1], "***")
    return message


@dataclass
class Cached:
    """A check whose success is remembered for `ttl` seconds (failures are asked again)."""

    check: Check
    ttl: float = 30.0
    _ok_until: float = field(default=0.0, init=False)

    async def __call__(self) -> None:
        if time.monotonic() < self._ok_until:
            return
        await self.check()
        self._ok_until = time.monotonic() + self.ttl


@dataclass
class Readiness:
    checks: dict[str, Check] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()

    async def report(self) -> tuple[bool, dict[str, str]]:
        names = list(self.checks)
        results = await asyncio.gather(*(self._one(self.checks[n]) for n in names))
        report = dict(zip(names, results, strict=True))
        return all(r == "ok" for r in results), report

    async def _one(self, check: Check) -> str:
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT:g} s"
        except Exception as exc:
            return redact(f"{type(exc).__name__}: {exc}", self.secrets)[:300] or "failed"
        return "ok"


def database_check(database: Database) -> Check:
    async def check() -> None:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def redis_check(url: str) -> Check:
    """A plain PING on a fresh connection, so a Redis that went away and came back is seen."""

    async def check() -> None:
        from redis.asyncio import Redis

        redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            await redis.ping()
        finally:
            await redis.aclose()

    return check
