"""The `supportbot` command line.

Every subcommand is one entry of `COMMANDS` (its words, help, arguments and action), so a new
one is a new entry. Mistakes come back as one line on stderr and a non-zero exit, never a
traceback: a bad argument, a missing or malformed setting, a database or platform that cannot
be reached. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import NoReturn

from bot.logs import setup_logging as _setup_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("supportbot")
_STARTED = time.perf_counter()  # the playground reports how long it took to be ready


def setup_logging(settings: Settings) -> None:
    _setup_logging(settings.log_level, settings.log_format)


# --- running the bot ---------------------------------------------------------------------------


async def run(settings: Settings, role: str = "all") -> None:
    if not settings.has_chat_tokens and role == "all":
        log.info("no TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN: starting the local playground")
        await playground(settings)
        return
    if not settings.has_chat_tokens:
        raise SettingsError(
            f"the {role} role needs a platform: set TELEGRAM_BOT_TOKEN and/or SLACK_BOT_TOKEN"
        )
    await serve(settings, role)


async def playground(settings: Settings) -> None:
    """Emulated chats, the real bot and a demo desk behind one page (docs/playground.md)."""
    from bot.playground import run_playground

    await run_playground(settings, _stop_on_signals(), _STARTED)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, nor outside the main thread (tests run the CLI in a thread).
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    return stop


async def serve(settings: Settings, role: str) -> None:
    """Run one role until SIGTERM or SIGINT, then finish the work in flight and stop."""
    from bot.runtime import running

    stop = _stop_on_signals()
    http = role != "worker" or settings.metrics_port is not None
    if role == "worker" and settings.metrics_port is not None:
        settings = settings.model_copy(update={"port": settings.metrics_port})
    async with running(settings, role=role, http=http) as runtime:
        name = runtime.telegram.username if runtime.telegram else "-"
        where = f", http://{settings.host}:{runtime.web_port}" if runtime.web_port else ""
        log.info(
            "supportbot is running (%s role, Telegram @%s%s); Ctrl+C stops it", role, name, where
        )
        await stop.wait()
        log.info("stopping: finishing the work in flight")
    log.info("stopped")


async def migrate(settings: Settings) -> None:
    from storage.migrate import upgrade

    await upgrade(settings.database_url)
    log.info("the database schema is at the newest revision")


async def check(settings: Settings) -> int:
    from bot.check import Checker

    checker = Checker(settings)
    for finding in await checker.run():
        print(finding.line())
    if checker.failed:
        print("problems found: fix the FAIL lines above")
        return 1
    print("all good")
    return 0


# --- the operator's shell commands -------------------------------------------------------------


async def _admin(settings: Settings, act: Callable[..., Awaitable[object]], *args: object) -> None:
    from bot.admin import shell

    async with shell(settings) as sh:
        await act(sh, *args)


async def _invite(settings: Settings, args: argparse.Namespace) -> None:
    from bot.admin import shell, user_invite

    username = None
    if settings.telegram_bot_token is not None:
        from bot.runtime import telegram_bot

        async with telegram_bot(settings) as bot:
            username = bot.username
    async with shell(settings) as sh:
        await user_invite(sh, args.company, args.role, username)


# --- the table of subcommands ------------------------------------------------------------------

Action = Callable[[Settings, argparse.Namespace], Awaitable[int | None]]


@dataclass(frozen=True)
class Command:
    words: str  # "company add": nested subcommands are words separated by a space
    help: str
    action: Action
    arguments: Callable[[argparse.ArgumentParser], None] = field(default=lambda p: None)
    logs: bool = True  # False: the command's output is its answer, logs stay quiet


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="listen on this address (default: HOST)")
    parser.add_argument("--port", type=_port, help="listen on this port (default: PORT)")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def _company_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the company's name")
    parser.add_argument("--tax-id", required=True, help="its tax id (unique)")
    parser.add_argument("--plan", choices=["basic", "business", "premium"], default="basic")
    parser.add_argument("--max-users", type=int, help="how many users may use the bot")


def _product_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the program's name, as customers know it")
    parser.add_argument("--company", required=True, help="tax id, id or name of the company")
    parser.add_argument("--license", required=True, help="the company's licence number for it")


def _user_invite(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--company", required=True, help="tax id, id or name of the company")
    parser.add_argument(
        "--role",
        choices=["super_user", "member", "restricted"],
        default="member",
        help="what the person may do (default: member)",
    )


COMMANDS: list[Command] = [
    Command(
        "run",
        "run everything in one process (web server, adapters, delivery worker)",
        lambda s, a: run(s, "all"),
        _serve_options,
    ),
    Command(
        "web",
        "the web role: Telegram webhook, Slack events, health, metrics, inbox processing",
        lambda s, a: run(s, "web"),
        _serve_options,
    ),
    Command(
        "worker",
        "the worker role: outbox delivery, Telegram polling without a webhook, Socket Mode",
        lambda s, a: run(s, "worker"),
    ),
    Command(
        "playground",
        "the local playground: emulated Telegram and Slack, demo data, one page",
        lambda s, a: playground(s),
        _serve_options,
    ),
    Command("migrate", "bring the database schema to the newest revision", lambda s, a: migrate(s)),
    Command(
        "check",
        "check the configuration and reach every configured service",
        lambda s, a: check(s),
        logs=False,
    ),
    Command(
        "company add",
        "add a customer company",
        lambda s, a: _admin(s, _lazy("company_add"), a.name, a.tax_id, a.plan, a.max_users),
        _company_add,
        logs=False,
    ),
    Command(
        "company list",
        "list the companies",
        lambda s, a: _admin(s, _lazy("company_list")),
        logs=False,
    ),
    Command(
        "product add",
        "add a program a company has a licence for",
        lambda s, a: _admin(s, _lazy("product_add"), a.company, a.name, a.license),
        _product_add,
        logs=False,
    ),
    Command(
        "user invite",
        "create a single-use invitation and print its link",
        _invite,
        _user_invite,
        logs=False,
    ),
    Command(
        "agent list",
        "list the agents (Slack users)",
        lambda s, a: _admin(s, _lazy("agent_list")),
        logs=False,
    ),
]


def _lazy(name: str) -> Callable[..., Awaitable[object]]:
    """An action of bot.admin, imported only when used (keeps `--help` fast)."""

    async def call(*args: object) -> object:
        from bot import admin

        result: Awaitable[object] = getattr(admin, name)(*args)
        return await result

    return call


async def _completed(action: Awaitable[int | None]) -> int | None:
    return await action


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the command and where to get help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="supportbot", description="Run and administer supportbot.")
    parser.add_argument("--version", action="version", version=version("supportbot"))
    groups: dict[str, argparse._SubParsersAction[_Parser]] = {}
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        words = command.words.split()
        if len(words) == 1:
            sub = top.add_parser(words[0], help=command.help, description=command.help)
        else:
            if words[0] not in groups:
                siblings = [
                    c.words.split()[1] for c in COMMANDS if c.words.startswith(words[0] + " ")
                ]
                group = top.add_parser(words[0], help=" | ".join(siblings))
                groups[words[0]] = group.add_subparsers(
                    dest=f"{words[0]}_command", required=True, metavar="COMMAND"
                )
            sub = groups[words[0]].add_parser(words[1], help=command.help, description=command.help)
        command.arguments(sub)
        sub.set_defaults(chosen=command)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    command: Command = args.chosen
    # Read PTB's RetryAfter.retry_after as a timedelta (its future default), without warnings.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    settings: Settings | None = None
    code: int | None = None
    try:
        settings = load_settings()
        overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
        settings = settings.model_copy(update=overrides)
        if command.logs:
            setup_logging(settings)
        else:
            _setup_logging("WARNING", "text")
        code = asyncio.run(_completed(command.action(settings, args)))
    except SettingsError as error:
        if command.words == "check":
            for problem in str(error).removeprefix("bad configuration: ").split("; "):
                print(f"FAIL  {problem}")
            raise SystemExit(1) from None
        raise SystemExit(f"supportbot: {error}") from None
    except KeyboardInterrupt:
        code = 130
    except Exception as error:
        raise SystemExit(f"supportbot {command.words}: {explain(error, settings)}") from None
    if code:
        raise SystemExit(code)


def explain(error: Exception, settings: Settings | None) -> str:
    """One line for an error that stops a command, with no secret in it."""
    from sqlalchemy.exc import DBAPIError
    from telegram.error import InvalidToken, TelegramError

    from bot.admin import AdminError
    from bot.check import _why
    from bot.health import redact

    secrets: list[str] = []
    if settings is not None:
        secrets = [
            s.get_secret_value()
            for s in (
                settings.telegram_bot_token,
                settings.slack_bot_token,
                settings.slack_app_token,
            )
            if s is not None
        ]
    if isinstance(error, AdminError):
        text = str(error)
    elif isinstance(error, InvalidToken):
        text = "Telegram refused TELEGRAM_BOT_TOKEN (check it with @BotFather)"
    elif isinstance(error, TelegramError):
        text = f"Telegram: {_why(error)}"
    elif isinstance(error, DBAPIError):
        text = f"the database: {type(error.orig).__name__}: {str(error.orig).splitlines()[0]}"
    elif isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        port = settings.port if settings is not None else "?"
        text = f"cannot listen on port {port}: it is in use (set PORT or --port)"
    elif isinstance(error, OSError):
        text = f"{_why(error)} (is the database, Redis or the port right?)"
    else:
        log.debug("unexpected error", exc_info=error)
        text = _why(error)
    return redact(text, secrets)
