"""Prometheus metrics: what an operator graphs and alerts on.

Counters and histograms are per process (Prometheus scrapes each process and sums); the
gauges that describe shared state (outbox depth and age, inbox backlog, tickets by status) are
read from the database when /metrics is scraped, so every process reports the same truth.

Instrumentation wraps the pieces instead of living inside them: `MeteredSender` around each
platform sender, `TracedHandler` around each inbox handler, a middleware around the web app.
The wrappers also put the message or update id into the log context.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import log_context
from core.delivery import BatchSender, PermanentFailure, RetryLater, Unreachable
from core.model import InboxEvent, OutboxMessage, TicketStatus
from core.ports import Sender
from storage.tables import InboxRow, OutboxRow, TicketRow

if TYPE_CHECKING:  # bot.flows imports this module; bot.inbound imports bot.flows
    from bot.inbound import InboxHandler, MarkDone, Routing

UPDATES = Counter(
    "supportbot_updates_total",
    "Platform updates and events handled from the inbox, by platform and result",
    ["platform", "result"],
)
UPDATE_SECONDS = Histogram(
    "supportbot_update_handling_seconds",
    "Time to handle one inbox update (or album), by platform",
    ["platform"],
)
WEBHOOK_REQUESTS = Counter(
    "supportbot_telegram_webhook_requests_total",
    "Telegram webhook calls by outcome (recorded, duplicate, forbidden, bad_request, error)",
    ["result"],
)
MESSAGES_OUT = Counter(
    "supportbot_messages_out_total",
    "Outbox messages handed to a platform, by platform and result "
    "(delivered, retry, rate_limited, unreachable, rejected, error)",
    ["platform", "result"],
)
RATE_LIMITED = Counter(
    "supportbot_rate_limited_total",
    "Answers from a platform asking the bot to slow down (HTTP 429 with retry_after)",
    ["platform"],
)
SEND_SECONDS = Histogram(
    "supportbot_send_seconds", "Time one platform send took, by platform", ["platform"]
)
FLOWS = Counter(
    "supportbot_flows_total",
    "Conversation flows by outcome: started, completed, cancelled (Cancel, /menu, /start), "
    "interrupted (another flow or a ticket action took over), expired (left idle)",
    ["flow", "outcome"],
)
HTTP_SECONDS = Histogram(
    "supportbot_http_request_duration_seconds",
    "Web requests by route, method and status",
    ["route", "method", "status"],
)
OUTBOX_DEPTH = Gauge("supportbot_outbox_depth", "Outbox messages not yet delivered or given up")
OUTBOX_OLDEST = Gauge(
    "supportbot_outbox_oldest_age_seconds", "Age of the oldest undelivered outbox message"
)
INBOX_BACKLOG = Gauge("supportbot_inbox_backlog", "Inbox updates recorded but not yet handled")
INBOX_OLDEST = Gauge(
    "supportbot_inbox_oldest_age_seconds", "Age of the oldest unhandled inbox update"
)
TICKETS = Gauge("supportbot_tickets", "Tickets by status", ["status"])


def flow_event(flow: str | None, outcome: str) -> None:
    if flow:
        FLOWS.labels(flow, outcome).inc()


class MeteredSender:
    """A platform sender that counts what happened to each message and logs under its id."""

    def __init__(self, inner: Sender, platform: str) -> None:
        self._inner = inner
        self._platform = platform

    async def send(self, message: OutboxMessage) -> None:
        await self._counted(message, 1, lambda: self._inner.send(message))

    async def _counted(
        self, first: OutboxMessage, count: int, call: Callable[[], Awaitable[None]]
    ) -> None:
        result = "delivered"
        started = time.perf_counter()
        with log_context(outbox=first.id, event=first.event_type):
            try:
                await call()
            except RetryLater as exc:
                result = "retry" if exc.retry_after is None else "rate_limited"
                if exc.retry_after is not None:
                    RATE_LIMITED.labels(self._platform).inc()
                raise
            except Unreachable:
                result = "unreachable"
                raise
            except PermanentFailure:
                result = "rejected"
                raise
            except Exception:
                result = "error"
                raise
            finally:
                MESSAGES_OUT.labels(self._platform, result).inc(count)
                SEND_SECONDS.labels(self._platform).observe(time.perf_counter() - started)


class MeteredBatchSender(MeteredSender):
    """The same for a sender that can coalesce queued messages into one post (core.delivery
    recognises BatchSender by its methods, so the wrapper must keep them)."""

    def __init__(self, inner: BatchSender, platform: str) -> None:
        super().__init__(inner, platform)  # type: ignore[arg-type]
        self._batch = inner

    def batchable(self, message: OutboxMessage) -> bool:
        return self._batch.batchable(message)

    async def send_batch(self, messages: Sequence[OutboxMessage]) -> None:
        await self._counted(messages[0], len(messages), lambda: self._batch.send_batch(messages))


def metered(sender: Sender, platform: str) -> MeteredSender:
    if isinstance(sender, BatchSender):
        return MeteredBatchSender(sender, platform)
    return MeteredSender(sender, platform)


class TracedHandler:
    """An inbox handler whose work is counted, timed and logged under the update's id."""

    def __init__(self, inner: InboxHandler, platform: str) -> None:
        self._inner = inner
        self._platform = platform

    def route(self, event: InboxEvent) -> Routing:
        return self._inner.route(event)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        started = time.perf_counter()
        with log_context(update=events[0].event_id):
            try:
                await self._inner.handle(events, done)
            except Exception:
                UPDATES.labels(self._platform, "failed").inc(len(events))
                raise
            UPDATES.labels(self._platform, "handled").inc(len(events))
            UPDATE_SECONDS.labels(self._platform).observe(time.perf_counter() - started)

    async def slow_down(self, event: InboxEvent) -> None:
        """Passed on (bot.inbound.SlowsDown): a flooding chat is told by the real handler."""
        from bot.inbound import SlowsDown  # here: bot.inbound imports bot.flows, which imports us

        if isinstance(self._inner, SlowsDown):
            await self._inner.slow_down(event)


async def refresh_gauges(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Read the shared state the gauges describe (one read-only transaction, three queries)."""
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        pending = (OutboxRow.delivered_at.is_(None), OutboxRow.failed_at.is_(None))
        depth, oldest = (
            await session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(*pending)
            )
        ).one()
        backlog, oldest_in = (
            await session.execute(
                select(func.count(), func.min(InboxRow.received_at)).where(
                    InboxRow.processed_at.is_(None)
                )
            )
        ).one()
        by_status: dict[TicketStatus, int] = dict(
            (
                await session.execute(
                    select(TicketRow.status, func.count()).group_by(TicketRow.status)
                )
            ).all()
        )
    OUTBOX_DEPTH.set(depth)
    OUTBOX_OLDEST.set(_age(now, oldest))
    INBOX_BACKLOG.set(backlog)
    INBOX_OLDEST.set(_age(now, oldest_in))
    for status in TicketStatus:
        TICKETS.labels(status.value).set(by_status.get(status) or 0)


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())


def metrics_handler(
    sessionmaker: async_sessionmaker[AsyncSession] | None,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def metrics(request: web.Request) -> web.Response:
        if sessionmaker is not None:
            await refresh_gauges(sessionmaker)
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
