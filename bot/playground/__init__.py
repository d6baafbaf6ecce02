"""The playground: the whole product on one machine with no chat accounts.

Both platform emulators run in this process, the real runtime (`bot.runtime.running`) talks to
them through the real python-telegram-bot / slack_sdk / Bolt clients (Slack over Socket Mode),
an embedded SQLite database in a temporary directory holds a demo desk, and one web page at
http://HOST:PORT lets a person be a customer in a Telegram-like pane and an agent in a
Slack-like pane. Nothing survives a restart: each start is a fresh demo. See docs/playground.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.settings import Settings, SettingsError

log = logging.getLogger("supportbot.playground")

# Fixed so a page left open across restarts keeps working; they open nothing but the emulators.
PLAYGROUND_TELEGRAM_CREDENTIAL = "7000000001:playground-bot-credential-not-secret"
PLAYGROUND_BOT_USERNAME = "supportbot_playground_bot"


@dataclass
class Playground:
    url: str
    ready_in: float  # seconds from `started` to serving the page with the bot connected


@contextlib.asynccontextmanager
async def playground(
    settings: Settings, *, started: float | None = None
) -> AsyncIterator[Playground]:
    """Everything up, seeded and listening on settings.host:settings.port for the block."""
    started = time.perf_counter() if started is None else started
    # Imported here so `supportbot --help` and `migrate` stay quick.
    from adapters.slack.emulator import SlackEmulator
    from adapters.telegram.emulator import TelegramEmulator
    from bot.playground.demo import seed
    from bot.playground.web import page_app
    from bot.runtime import running
    from bot.web import serving

    stopping = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="supportbot-play-")))
        tg = TelegramEmulator(
            token=PLAYGROUND_TELEGRAM_CREDENTIAL, bot_username=PLAYGROUND_BOT_USERNAME
        )
        slack = SlackEmulator()
        try:
            # The page first: a port in use fails the start at once, with a clear message.
            runner = await stack.enter_async_context(
                serving(page_app(tg, slack, stopping), settings.host, settings.port)
            )
        except OSError as exc:
            raise SettingsError(
                f"cannot listen on {settings.host}:{settings.port} ({exc.strerror}); "
                "set HOST / PORT to a free address"
            ) from None
        stack.callback(stopping.set)  # runs before the server stops: event streams end
        await stack.enter_async_context(tg)
        await stack.enter_async_context(slack)
        bot_settings = settings.model_copy(
            update={
                "database_url": f"sqlite+aiosqlite:///{data / 'playground.db'}",
                "files_dir": data / "files",
                "telegram_bot_token": SecretStr(tg.token),
                "telegram_api_base_url": tg.url,
                "slack_bot_token": SecretStr(slack.bot_token),
                "slack_app_token": SecretStr(slack.app_token),
                "slack_api_base_url": slack.api_url,
                "slack_support_channel": slack.ws.channel("support").id,
                "public_url": None,
                "redis_url": None,
                "smtp_host": None,  # a demo never mails anyone for real
                # The bot's own web server (if it starts one) must not take the page's port.
                "host": "127.0.0.1",
                "port": _free_port(),
            }
        )
        runtime = await stack.enter_async_context(running(bot_settings, poll_timeout=10))
        await seed(runtime.uow_factory, tg, slack)
        await slack.socket.wait_connected(within=10.0)
        host, port = runner.addresses[0][:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        yield Playground(f"http://{shown}:{port}", time.perf_counter() - started)


async def run_playground(settings: Settings, stop: asyncio.Event, started: float) -> None:
    async with playground(settings, started=started) as running_one:
        # print, not log: this is the line a newcomer looks for, whatever LOG_LEVEL says.
        print(
            f"playground ready at {running_one.url} in {running_one.ready_in:.2f} s "
            "(Ctrl+C stops it)",
            flush=True,
        )
        await stop.wait()
        log.info("stopping the playground")


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
