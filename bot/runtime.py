"""Everything that runs, opened and closed in one place.

`running(settings)` opens the database (migrating an embedded SQLite file), the file store and
the platform clients, starts the delivery worker, the inbox processor and the Telegram poller,
and on exit stops them in the reverse order, finishing the work in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.slack.sender import SlackDeskSender
from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.commands import register_commands
from adapters.telegram.files import TelegramFileFetcher
from adapters.telegram.polling import TelegramPoller
from adapters.telegram.sender import TelegramSender
from bot.flows.engine import Deps, FlowLimits
from bot.flows.registry import build_conversations
from bot.flows.router import Conversations
from bot.inbound import InboundHandlers, InboxProcessor
from bot.mail import mailer_from_settings
from bot.pushes import PushRenderer
from bot.settings import Settings
from bot.slack import SlackInbound, run_socket_mode, slack_inbound
from bot.telegram import TelegramInbox
from bot.web import serving, web_app
from bot.worker import DeliveryWorker
from core.context import Context, EngineConfig, SystemClock, SystemSecrets
from core.delivery import SenderKey
from core.model import Audience, Platform
from core.ports import Clock, Sender
from storage.db import Database, open_database
from storage.files import LocalFileStore
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    uow_factory: SqlUnitOfWorkFactory
    files: LocalFileStore
    conversations: Conversations
    worker: DeliveryWorker
    inbox: InboxProcessor
    telegram: Bot | None = None
    poller: TelegramPoller | None = None
    slack: AsyncWebClient | None = None
    slack_inbound: SlackInbound | None = None  # agents acting in the support channel
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class _Links:
    def __init__(self, telegram_username: str | None) -> None:
        self._telegram = telegram_username

    def start_link(self, platform: Platform, payload: str) -> str:
        if platform is Platform.TELEGRAM and self._telegram:
            return f"https://t.me/{self._telegram}?start={payload}"
        return f"/start {payload}"


def signing_secret(settings: Settings) -> bytes:
    """The key for button signatures and signed links: LINK_SECRET, or one derived from the bot
    token (stable across restarts, unknown to anyone without the token)."""
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return hashlib.sha256(f"supportbot-links:{token}".encode()).digest()


def telegram_bot(settings: Settings) -> Bot:
    assert settings.telegram_bot_token is not None
    base = settings.telegram_api_base_url.rstrip("/")
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        # Long polling holds one connection open; sends need their own pool.
        request=HTTPXRequest(connection_pool_size=32),
        get_updates_request=HTTPXRequest(read_timeout=40),
    )


def slack_client(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The bot's Web API client (the playground points the base URL at the emulator)."""
    assert settings.slack_bot_token is not None
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        # slack_sdk joins method names onto the base URL: it must end with a slash.
        base_url=settings.slack_api_base_url.rstrip("/") + "/",
        session=session,
    )


def _slack_inbound(
    settings: Settings,
    slack: AsyncWebClient,
    session: aiohttp.ClientSession,
    deps: Deps,
    inbox: InboxProcessor,
) -> SlackInbound | None:
    """Agents' actions in the support channel, if Slack can tell us about them."""
    if not settings.slack_support_channel:
        return None  # already logged: the desk has no channel to listen to
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        log.error(
            "Slack events cannot be received: set SLACK_APP_TOKEN (Socket Mode) or "
            "SLACK_SIGNING_SECRET (HTTP events at /slack/events); until then agents' "
            "replies and clicks go nowhere"
        )
        return None
    return slack_inbound(
        settings,
        slack,
        session,
        uow_factory=deps.uow_factory,
        ctx=deps.ctx,
        file_store=deps.file_store,
        on_new=inbox.wake,
        max_file_bytes=deps.limits.max_attachment_bytes,
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine_config: EngineConfig | None = None,
    album_quiet: float = 0.8,
    poll_timeout: int = 25,
) -> AsyncIterator[Runtime]:
    clock = clock or SystemClock()
    if settings.database_url.startswith("sqlite"):
        await upgrade(settings.database_url)  # embedded: keep the schema at head by itself
    database = await open_database(settings.database_url)
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(database.dispose)
        uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
        files = LocalFileStore(settings.files_dir)
        ctx = Context(clock=clock, secrets=SystemSecrets(), config=engine_config or EngineConfig())
        limits = FlowLimits(
            max_attachments=settings.max_attachments_per_ticket,
            max_attachment_bytes=settings.max_attachment_mb * 2**20,
        )
        secret = signing_secret(settings)
        signer = CallbackSigner(secret)
        senders: dict[SenderKey, Sender] = {}
        handlers: InboundHandlers = {}
        telegram: Bot | None = None
        fetcher = None
        username: str | None = None
        if settings.telegram_bot_token is not None:
            telegram = telegram_bot(settings)
            await stack.enter_async_context(telegram)
            username = telegram.username
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=60))
            fetcher = TelegramFileFetcher(telegram, files, http)
            renderer = PushRenderer(
                uow_factory, settings.default_language, settings.default_timezone
            )
            senders[(Audience.CUSTOMER, Platform.TELEGRAM)] = TelegramSender(
                telegram, uow_factory, files, signer, renderer
            )
        slack: AsyncWebClient | None = None
        session: aiohttp.ClientSession | None = None
        if settings.slack_bot_token is not None:
            # One connection pool for every Web API call and file upload of the process.
            session = await stack.enter_async_context(aiohttp.ClientSession())
            slack = slack_client(settings, session)
            if not settings.slack_support_channel:
                log.error("SLACK_SUPPORT_CHANNEL is not set: the desk's messages wait for it")
            # Registered even without a channel: its messages then wait (RetryLater) instead
            # of being given up for want of a sender.
            senders[(Audience.AGENTS, Platform.SLACK)] = SlackDeskSender(
                slack, uow_factory, files, settings.slack_support_channel or ""
            )
        deps = Deps(
            uow_factory=uow_factory,
            ctx=ctx,
            file_store=files,
            limits=limits,
            links=_Links(username),
            # Signed links only with a secret the vendor shares: the derived one is no use to them.
            link_secret=secret if settings.link_secret is not None else b"",
            mailer=mailer_from_settings(settings),
        )
        conversations = build_conversations(deps)
        worker = DeliveryWorker(uow_factory, senders, clock, poll_interval=1.0)
        uow_factory.on_outbox_commit = worker.wake
        inbox = InboxProcessor(uow_factory, handlers, clock, album_quiet=album_quiet)
        runtime = Runtime(settings, database, uow_factory, files, conversations, worker, inbox)
        runtime.slack = slack
        if slack is not None and session is not None:
            runtime.slack_inbound = _slack_inbound(settings, slack, session, deps, inbox)
        if runtime.slack_inbound is not None:
            handlers[Platform.SLACK] = runtime.slack_inbound.inbox
            if settings.slack_app_token is None:
                # HTTP events: listening before any task starts, so a port in use fails the
                # start cleanly.
                app = web_app(slack=runtime.slack_inbound.app)
                await stack.enter_async_context(serving(app, settings.host, settings.port))
        if telegram is not None:
            handlers[Platform.TELEGRAM] = TelegramInbox(
                telegram, conversations, signer, fetcher, uow_factory
            )
            with contextlib.suppress(Exception):
                await register_commands(telegram)
            runtime.telegram = telegram
            runtime.poller = TelegramPoller(
                telegram, uow_factory, clock, inbox.wake, timeout=poll_timeout
            )

        def start(coroutine: Coroutine[Any, Any, None]) -> None:
            runtime.tasks.append(asyncio.create_task(coroutine))

        start(worker.run(stop))
        start(inbox.run(stop))
        if runtime.slack_inbound is not None and settings.slack_app_token is not None:
            token = settings.slack_app_token.get_secret_value()
            start(run_socket_mode(runtime.slack_inbound.app, token, stop))
        if runtime.poller is not None:
            start(runtime.poller.run(stop))
        try:
            yield runtime
        finally:
            stop.set()
            worker.wake()
            inbox.wake()
            if runtime.poller is not None:
                # getUpdates may hold the connection for its whole timeout: don't wait for it.
                runtime.tasks[-1].cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)
