"""The Procfile as a platform runs it, and a clean stop on SIGTERM.

The roles are real processes started from the Procfile's own command lines, against a scratch
PostgreSQL database, Redis and both emulators; the bot's logs (JSON, since stderr is a pipe) are
read back to check that the update's id follows it and that no secret is written.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from storage.db import open_database
from storage.tables import OutboxRow
from tests.integration.conftest import scratch_postgres_database
from tests.mailroom import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)  # where the `supportbot` script is installed
WAIT = 30.0
START = 120.0  # a loaded 2-core CI machine takes long to import everything

pytestmark = pytest.mark.slow


def procfile() -> dict[str, str]:
    roles = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            roles[name.strip()] = command.strip()
    return roles


def environment(**settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "SLACK_", "PUBLIC_URL", "REDIS_URL", "DATABASE_URL"))
    }
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env["PTB_TIMEDELTA"] = "true"
    env.update(settings)
    return env


@asynccontextmanager
async def role(
    command: str, env: dict[str, str], cwd: Path, logs: list[str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A Procfile role as a process (through a shell, as platforms run them); stopped with
    SIGTERM at the end, which it must obey cleanly and quickly."""
    process = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", f"exec {command}", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        logs.append(stderr.decode())
        assert process.returncode == 0, stderr.decode()[-3000:]
        assert time.monotonic() - started < 10, "SIGTERM took too long"


async def until(check: Callable[[], object], what: str, timeout: float = WAIT) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = await check()  # type: ignore[misc]
            if last is True:
                return
        except (aiohttp.ClientError, OSError) as exc:
            last = exc
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")


async def status_of(url: str) -> bool:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status == 200


async def test_the_procfile_roles_run_against_postgresql_redis_and_the_emulators(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    roles = procfile()
    assert set(roles) == {"release", "web", "worker"}
    port = free_port()
    async with (
        scratch_postgres_database(postgres_url) as database_url,
        TelegramEmulator() as telegram,
        SlackEmulator(app_timeout=0.3, event_retry_delays=(0, 0, 0)) as slack,
    ):
        env = environment(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            REDIS_PREFIX=f"test-{uuid.uuid4().hex[:10]}",  # Redis is shared with other tests
            PORT=str(port),
            FILES_DIR=str(tmp_path / "files"),
            PUBLIC_URL=f"http://127.0.0.1:{port}",
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_BASE_URL=telegram.url,
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_APP_TOKEN=slack.app_token,
            SLACK_API_BASE_URL=slack.api_url,
            SLACK_SUPPORT_CHANNEL=slack.ws.channel("support").id,
        )
        release = await asyncio.create_subprocess_exec(
            "/bin/sh", "-c", roles["release"], env=env, cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(release.communicate(), 60)
        assert release.returncode == 0, stderr.decode()

        logs: list[str] = []
        base = f"http://127.0.0.1:{port}"
        async with (
            role(roles["web"], env, tmp_path, logs),
            role(roles["worker"], env, tmp_path, logs),
        ):
            await until(lambda: status_of(f"{base}/healthz"), "/healthz answering", START)
            await until(lambda: status_of(f"{base}/readyz"), "/readyz ready")
            async with aiohttp.ClientSession() as http, http.get(f"{base}/readyz") as answer:
                checks = (await answer.json())["checks"]
            assert checks == {"database": "ok", "redis": "ok", "telegram": "ok", "slack": "ok"}
            assert telegram.webhook.info()["url"] == f"{base}/telegram/webhook"

            anna = telegram.add_user("Anna")
            anna.start()
            answer_ = await anna.wait_for_message(timeout=WAIT)
            assert "Welcome" in (answer_.text or "")

            async def counted() -> bool:
                async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as got:
                    text = await got.text()
                return 'supportbot_updates_total{platform="telegram",result="handled"}' in text

            await until(counted, "the handled update counted in /metrics")
        assert telegram.calls("getUpdates") == []  # the webhook, not polling

    web_log, worker_log = logs[1], logs[0]  # stopped in reverse order
    for text in (web_log, worker_log):
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        assert lines, "no logs"
        assert lines[-1]["message"] == "stopped"
        for secret in (telegram.token.split(":")[1], slack.bot_token, slack.app_token):
            assert secret not in text
    handled = [json.loads(line) for line in web_log.splitlines() if '"update"' in line]
    assert {entry["update"] for entry in handled}, "no log line carries the update id"
    assert any(entry["message"] == "update received by webhook" for entry in handled)


async def test_sigterm_finishes_the_message_in_flight_then_stops(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    async with TelegramEmulator() as telegram:
        sending = asyncio.Event()
        loop = asyncio.get_running_loop()

        def arrived(args: dict[str, object]) -> bool:
            loop.call_soon_threadsafe(sending.set)
            return True

        telegram.faults.add("sendMessage", "slow", delay=1.5, when=arrived)
        env = environment(
            DATABASE_URL=f"sqlite:///{database}",
            FILES_DIR=str(tmp_path / "files"),
            PORT=str(free_port()),
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_BASE_URL=telegram.url,
        )
        logs: list[str] = []
        async with role("supportbot run", env, tmp_path, logs) as process:
            anna = telegram.add_user("Anna")
            anna.start()
            await asyncio.wait_for(sending.wait(), START)
            process.send_signal(signal.SIGTERM)  # the answer is on its way, slowly
            await asyncio.wait_for(process.wait(), 10)
        assert anna.bot_messages(), "the message in flight was dropped"

    opened = await open_database(f"sqlite+aiosqlite:///{database}")
    try:
        async with opened.sessionmaker() as session:
            pending = (
                await session.execute(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.delivered_at.is_(None))
                )
            ).scalar_one()
    finally:
        await opened.dispose()
    assert pending == 0  # recorded as delivered before the process ended
    assert "stopping: finishing the work in flight" in logs[0]
