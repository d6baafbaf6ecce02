"""Everything that runs, opened and closed in one place.

`running(settings)` opens the database (migrating an embedded SQLite file), the file store and
the platform clients, starts the delivery worker, the inbox processor and the Telegram poller,
and on exit stops them in the reverse order, finishing the work in flight.

`role` splits the work for several processes (see docs/operations.md): "web" receives (HTTP:
Telegram's webhook, Slack's events, health and metrics) and handles the inbox; "worker" delivers
the outbox, polls Telegram when there is no webhook, holds the Slack Socket Mode connection and
runs the periodic jobs; "all" does both in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import ssl
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.slack.sender import SlackDeskSender
from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.commands import register_commands
from adapters.telegram.files import TelegramFileFetcher
from adapters.telegram.polling import TelegramPoller
from adapters.telegram.sender import TelegramSender
from bot.coordination import Coordination, delivery_pieces
from bot.exclusive import run_exclusively
from bot.flows.engine import Deps, FlowLimits
from bot.flows.registry import build_conversations
from bot.flows.router import Conversations
from bot.health import Cached, Check, Readiness, database_check, redis_check
from bot.inbound import InboundHandlers, InboxProcessor, Pace
from bot.jobs import PeriodicJobs, standard_jobs
from bot.mail import mailer_from_settings
from bot.metrics import TracedHandler, metered
from bot.pushes import PushRenderer
from bot.redaction import RedactingSecrets, redacting
from bot.settings import Settings
from bot.sla_reminders import run_sla_watch
from bot.slack import SlackInbound, run_socket_mode, slack_inbound
from bot.slack_customers import SlackCustomers, slack_customers
from bot.telegram import TelegramInbox
from bot.telegram_webhook import register_webhook, webhook_handler, webhook_secret
from bot.web import serving, web_app
from bot.worker import DeliveryWorker
from core.context import Context, EngineConfig, SystemClock, SystemSecrets
from core.delivery import SenderKey
from core.model import Audience, Platform
from core.ports import Clock, Sender
from storage.db import Database, open_database
from storage.files import LocalFileStore
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
    role: str = "all"
    readiness: Readiness = field(default_factory=Readiness)
    webhook_url: str | None = None  # Telegram delivers here (None: long polling)
    web_port: int | None = None  # where the web server listens, when it does
    jobs: PeriodicJobs | None = None  # the worker's periodic jobs
    coordination: Coordination | None = None  # Redis or in-process; `ping()` for /readyz


ROLES = ("all", "web", "worker")


class _Links:
    def __init__(self, telegram_username: str | None) -> None:
        self._telegram = telegram_username

    def start_link(self, platform: Platform, payload: str) -> str:
        if platform is Platform.TELEGRAM and self._telegram:
            return f"https://t.me/{self._telegram}?start={payload}"
        if platform is Platform.SLACK:
            return payload  # a code the person sends the bot in a DM (bot.slack_customers)
        return f"/start {payload}"


def engine_config_from(settings: Settings) -> EngineConfig:
    """The operator's settings the core applies (they were documented but not passed on)."""
    return EngineConfig(
        reopen_window=timedelta(days=settings.reopen_window_days),
        max_attachments_per_ticket=settings.max_attachments_per_ticket,
        max_attachment_bytes=settings.max_attachment_mb * 2**20,
        default_language=settings.default_language,
        max_tickets_per_hour=settings.max_tickets_per_hour,
    )


def signing_secret(settings: Settings) -> bytes:
    """The key for button signatures and signed links: LINK_SECRET, or one derived from the bot
    token (stable across restarts, unknown to anyone without the token)."""
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return hashlib.sha256(f"supportbot-links:{token}".encode()).digest()


def secret_values(settings: Settings) -> list[str | None]:
    """Every secret the settings hold, for bot.redaction to keep out of the logs."""
    values = [
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.link_secret,
        settings.smtp_password,
    ]
    found = [v.get_secret_value() if v is not None else None for v in values]
    # postgresql://user:password@host/db: the password is a secret too.
    return [*found, make_url(settings.database_url).password]


def telegram_bot(settings: Settings, tls: ssl.SSLContext | None = None) -> Bot:
    """`tls` is shared by the bot's two clients (each would load the CA bundle, ~30 ms)."""
    assert settings.telegram_bot_token is not None
    base = settings.telegram_api_base_url.rstrip("/")
    verify = {"verify": tls or httpx.create_ssl_context()}
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        # Long polling holds one connection open; sends need their own pool. As many
        # connections as the delivery worker sends at once (core.delivery's concurrency):
        # httpcore re-checks every pooled connection (a socket poll each) whenever a request
        # starts or ends, so a larger pool only costs (32 was 5 % of a relay burst's CPU).
        request=HTTPXRequest(connection_pool_size=16, httpx_kwargs=verify),
        get_updates_request=HTTPXRequest(read_timeout=40, httpx_kwargs=verify),
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
    customers: SlackCustomers | None = None,
    on_new: Callable[[], None] | None = None,
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
        on_new=on_new or inbox.wake,
        max_file_bytes=deps.limits.max_attachment_bytes,
        customers=customers.listen if customers is not None else None,
    )


def _sla_watch(
    settings: Settings, uow_factory: SqlUnitOfWorkFactory, ctx: Context, stop: asyncio.Event
) -> Coroutine[Any, Any, None]:
    """Reminders and breach marks in the desk's threads (bot.sla_reminders)."""
    return run_sla_watch(
        uow_factory,
        ctx,
        stop,
        lead=timedelta(minutes=settings.sla_reminder_minutes),
        interval=settings.sla_check_seconds,
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine_config: EngineConfig | None = None,
    album_quiet: float = 0.8,
    poll_timeout: int = 25,
    role: str = "all",
    http: bool = False,
) -> AsyncIterator[Runtime]:
    """`http=True` serves /healthz, /readyz and /metrics even when nothing else needs the web
    server (the CLI asks for it; in-process tests leave it off and bind no port)."""
    assert role in ROLES, role
    receives = role in ("all", "web")
    delivers = role in ("all", "worker")
    clock = clock or SystemClock()
    if settings.database_url.startswith("sqlite"):
        from storage.migrate import upgrade  # Alembic (~0.1 s to import) only where it is used

        await upgrade(settings.database_url)  # embedded: keep the schema at head by itself
    database = await open_database(settings.database_url)
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        stack.enter_context(redacting(secret_values(settings)))
        stack.push_async_callback(database.dispose)
        uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
        files = LocalFileStore(settings.files_dir)
        ctx = Context(
            clock=clock,
            secrets=RedactingSecrets(SystemSecrets()),
            config=engine_config or engine_config_from(settings),
        )
        limits = FlowLimits(
            max_attachments=settings.max_attachments_per_ticket,
            max_attachment_bytes=settings.max_attachment_mb * 2**20,
            file_types=settings.file_types,
        )
        secret = signing_secret(settings)
        signer = CallbackSigner(secret)
        senders: dict[SenderKey, Sender] = {}
        handlers: InboundHandlers = {}
        telegram: Bot | None = None
        fetcher = None
        username: str | None = None
        if settings.telegram_bot_token is not None:
            tls = httpx.create_ssl_context()  # one CA bundle load for the three clients
            telegram = telegram_bot(settings, tls)
            await stack.enter_async_context(telegram)
            username = telegram.username
            downloads = await stack.enter_async_context(httpx.AsyncClient(timeout=60, verify=tls))
            fetcher = TelegramFileFetcher(telegram, files, downloads)
            renderer = PushRenderer(
                uow_factory, settings.default_language, settings.default_timezone
            )
            senders[(Audience.CUSTOMER, Platform.TELEGRAM)] = metered(
                TelegramSender(telegram, uow_factory, files, signer, renderer), "telegram"
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
            senders[(Audience.AGENTS, Platform.SLACK)] = metered(
                SlackDeskSender(slack, uow_factory, files, settings.slack_support_channel or ""),
                "slack",
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
        customers: SlackCustomers | None = None
        if slack is not None and session is not None:
            # People who DM the bot: the same flows as on Telegram, their pushes to the DM.
            customers = slack_customers(
                slack,
                session,
                conversations=conversations,
                signer=signer,
                uow_factory=uow_factory,
                file_store=files,
                render_push=PushRenderer(
                    uow_factory, settings.default_language, settings.default_timezone
                ),
            )
            senders[(Audience.CUSTOMER, Platform.SLACK)] = metered(customers.sender, "slack")
        pieces = delivery_pieces(settings, uow_factory, deps.mailer, senders)
        stack.push_async_callback(pieces.coordination.close)
        worker = pieces.worker(uow_factory, senders, clock)
        uow_factory.on_outbox_commit = pieces.waking(worker.wake)
        inbox = InboxProcessor(
            uow_factory,
            handlers,
            clock,
            album_quiet=album_quiet,
            pace=Pace(settings.flood_burst, settings.flood_per_minute),
            locks=pieces.coordination.locks,
        )
        runtime = Runtime(settings, database, uow_factory, files, conversations, worker, inbox)
        runtime.coordination = pieces.coordination
        runtime.role = role
        runtime.slack = slack
        runtime.readiness = _readiness(settings, database, telegram, slack)
        if slack is not None and session is not None:
            runtime.slack_inbound = _slack_inbound(
                settings,
                slack,
                session,
                deps,
                inbox,
                customers,
                on_new=pieces.waking(inbox.wake, "inbox"),
            )
        slack_http = runtime.slack_inbound is not None and settings.slack_app_token is None
        if runtime.slack_inbound is not None:
            slack_handler = runtime.slack_inbound.inbox
            if customers is not None:
                slack_handler = customers.inboxes(runtime.slack_inbound.inbox)
            handlers[Platform.SLACK] = TracedHandler(slack_handler, "slack")
        if telegram is not None:
            handlers[Platform.TELEGRAM] = TracedHandler(
                TelegramInbox(telegram, conversations, signer, fetcher, uow_factory), "telegram"
            )
            with contextlib.suppress(Exception):
                await register_commands(telegram)
            runtime.telegram = telegram
            if settings.public_url is None and delivers:
                runtime.poller = TelegramPoller(
                    telegram,
                    uow_factory,
                    clock,
                    pieces.waking(inbox.wake, "inbox"),
                    timeout=poll_timeout,
                )
        hook = None
        if receives and telegram is not None and settings.public_url is not None:
            hook = webhook_handler(
                telegram,
                uow_factory,
                clock,
                webhook_secret(settings),
                pieces.waking(inbox.wake, "inbox"),
            )
        slack_http = slack_http and receives
        if http or slack_http or hook is not None:
            # Listening before any task starts, so a port in use fails the start cleanly.
            app = web_app(
                slack=runtime.slack_inbound.app if slack_http and runtime.slack_inbound else None,
                telegram_webhook=hook,
                readiness=runtime.readiness,
                sessionmaker=database.sessionmaker,
                signing_secret=(
                    settings.slack_signing_secret.get_secret_value()
                    if settings.slack_signing_secret
                    else None
                ),
            )
            runner = await stack.enter_async_context(serving(app, settings.host, settings.port))
            runtime.web_port = runner.addresses[0][1]
        if hook is not None and telegram is not None:
            runtime.webhook_url = await register_webhook(telegram, settings)
            log.info("Telegram delivers by webhook to %s", runtime.webhook_url)

        def start(coroutine: Coroutine[Any, Any, None]) -> None:
            runtime.tasks.append(asyncio.create_task(coroutine))

        if delivers:
            start(worker.run(stop))
            start(pieces.coordination.listen(worker.wake, stop))
            runtime.jobs = PeriodicJobs(standard_jobs(uow_factory, ctx, files), database)
            start(runtime.jobs.run(stop))
            if slack is not None:
                # One worker at a time sweeps, so nobody is reminded twice.
                start(
                    run_exclusively(
                        "sla-watch",
                        database,
                        lambda mine: _sla_watch(settings, uow_factory, ctx, mine),
                        stop,
                    )
                )
        if receives:
            start(pieces.coordination.listen(inbox.wake, stop, "inbox"))
            if settings.redis_url:
                # Redis's per-chat locks let every web process handle the inbox.
                start(inbox.run(stop))
            else:
                # Without them, one process at a time does (a PostgreSQL advisory lock).
                start(run_exclusively("inbox", database, inbox.run, stop))
        if delivers and runtime.slack_inbound is not None and settings.slack_app_token is not None:
            token = settings.slack_app_token.get_secret_value()
            start(run_socket_mode(runtime.slack_inbound.app, token, stop))
        polling = runtime.poller is not None
        if runtime.poller is not None:
            # One process polls at a time (a Redis lock); the others take over if it dies.
            leader = f"telegram-polling:{telegram.id if telegram else 0}"  # one poller per bot
            start(pieces.coordination.lead(leader, runtime.poller.run, stop))
        # Everything built at start-up (modules, classes, compiled templates, clients) lives as
        # long as the process: out of the collector's sight, a full collection scans only what
        # the work itself allocates. Full collections over it paused the loop 60-100 ms under
        # load (benchmarks/relay.py, gc.callbacks), which was the relay's p99.
        gc.collect()
        gc.freeze()
        try:
            yield runtime
        finally:
            gc.unfreeze()  # a process running the runtime again (tests) collects it again
            stop.set()
            worker.wake()
            inbox.wake()
            if polling:
                # getUpdates may hold the connection for its whole timeout: don't wait for it.
                runtime.tasks[-1].cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)


def _readiness(
    settings: Settings, database: Database, telegram: Bot | None, slack: AsyncWebClient | None
) -> Readiness:
    """What /readyz asks: the database, Redis when configured, each configured platform."""
    checks: dict[str, Check] = {"database": database_check(database)}
    if settings.redis_url:
        checks["redis"] = redis_check(settings.redis_url)
    if telegram is not None:

        async def telegram_check() -> None:
            await telegram.get_me()

        checks["telegram"] = Cached(telegram_check)
    if slack is not None:

        async def slack_check() -> None:
            await slack.auth_test()

        checks["slack"] = Cached(slack_check)
    secrets = [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.slack_bot_token, settings.slack_app_token)
        if s is not None
    ]
    return Readiness(checks, tuple(secrets))
