"""The `supportbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from importlib.metadata import version

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("supportbot")


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
    for noisy in ("httpx", "httpcore", "telegram", "aiosqlite", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def run(settings: Settings) -> None:
    if settings.telegram_bot_token is None:
        raise SettingsError(
            "no TELEGRAM_BOT_TOKEN: the tokenless playground is not built yet (issue 7); "
            "set TELEGRAM_BOT_TOKEN (and TELEGRAM_API_BASE_URL for an emulator)"
        )
    from bot.runtime import running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with running(settings) as runtime:
        name = runtime.telegram.username if runtime.telegram else "-"
        log.info("supportbot is running (Telegram @%s); Ctrl+C stops it", name)
        await stop.wait()
        log.info("stopping: finishing the work in flight")


async def migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    await upgrade(settings.database_url)
    log.info("the database schema is at the newest revision")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="supportbot", description=__doc__)
    parser.add_argument("--version", action="version", version=version("supportbot"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot (web server, adapters, delivery worker)")
    commands.add_parser("migrate", help="bring the database schema to the newest revision")
    args = parser.parse_args(argv)
    # Read PTB's RetryAfter.retry_after as a timedelta (its future default), without warnings.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        settings = load_settings()
        setup_logging(settings)
        asyncio.run(run(settings) if args.command == "run" else migrate(settings))
    except SettingsError as error:
        raise SystemExit(f"supportbot: {error}") from None
    except KeyboardInterrupt:
        pass
