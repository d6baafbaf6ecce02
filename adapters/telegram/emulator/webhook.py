"""Real webhook delivery: updates POSTed as JSON to the URL the bot set.

As Telegram does: updates of one chat go one at a time and in order, different chats in
parallel up to ``max_connections``; an update leaves the queue only on a 2xx answer; failures
(non-2xx, refused connection, timeout) are retried with growing back-off and reported through
getWebhookInfo's ``last_error_date`` / ``last_error_message``. Retry delays are much shorter than
Telegram's so tests stay quick; they are a constructor argument.

For safety the emulator only ever delivers to loopback addresses: see :func:`check_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .errors import bad_request
from .updates import PendingUpdate, UpdateQueue
from .waiting import Signal, wait_until

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int


@dataclass(slots=True)
class Delivery:
    """One POST to the webhook, for tests that check what was tried."""

    update_id: int
    status: int | None  # HTTP status, None when no answer came
    error: str | None
    at: float = field(default_factory=time.time)


def check_url(url: str) -> None:
    """Accept only http(s) URLs on loopback.

    Telegram requires HTTPS on ports 443/80/88/8443; test receivers are plain HTTP on a random
    port, so those rules are relaxed, but the host must be local: an emulator must never send
    traffic anywhere else.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    host = parts.hostname
    if host in _LOOPBACK_NAMES:
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise bad_request("bad webhook: Failed to resolve host: Name or service not known")


class WebhookDeliverer:
    def __init__(
        self,
        queue: UpdateQueue,
        *,
        retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
        request_timeout: float = 10.0,
    ) -> None:
        self.queue = queue
        self.retry_delays = retry_delays
        self.request_timeout = request_timeout
        self.config: WebhookConfig | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.deliveries: list[Delivery] = []
        self.attempted = Signal()  # fired after every POST, successful or not
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._kick = asyncio.Event()
        self._in_flight: dict[object, asyncio.Task[None]] = {}
        queue.on_push.append(self._kick.set)

    @property
    def active(self) -> bool:
        return self.config is not None

    async def set(self, config: WebhookConfig) -> None:
        self.config = config
        self.last_error_date = None
        self.last_error_message = None
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.request_timeout)
            )
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="telegram-emulator-webhook")
        self._kick.set()

    async def delete(self) -> None:
        self.config = None
        await self._stop_worker()

    async def close(self) -> None:
        self.config = None
        await self._stop_worker()

    async def _stop_worker(self) -> None:
        tasks = [t for t in (self._task, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def info(self) -> dict[str, Any]:
        config = self.config
        info: dict[str, Any] = {
            "url": config.url if config else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if config is not None:
            info["max_connections"] = config.max_connections
            info["ip_address"] = "127.0.0.1"
            if self.queue.allowed is not None:
                info["allowed_updates"] = sorted(self.queue.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _run(self) -> None:
        while self.config is not None:
            self._kick.clear()
            next_retry = self._launch_ready()
            timeout = None if next_retry is None else max(0.0, next_retry - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), timeout)

    def _launch_ready(self) -> float | None:
        """Start deliveries that may go now; return when the earliest back-off ends."""
        config = self.config
        assert config is not None
        now = time.monotonic()
        next_retry: float | None = None
        seen: set[object] = set()
        for update in list(self.queue.pending.values()):
            key: object = (
                update.chat_key if update.chat_key is not None else ("u", update.update_id)
            )
            if key in seen:
                continue  # an earlier update of this chat is still pending: keep the order
            seen.add(key)
            if key in self._in_flight:
                continue
            if len(self._in_flight) >= config.max_connections:
                break
            if update.not_before > now:
                next_retry = (
                    update.not_before if next_retry is None else min(next_retry, update.not_before)
                )
                continue
            self._in_flight[key] = asyncio.create_task(self._deliver(key, update, config))
        return next_retry

    async def _deliver(self, key: object, update: PendingUpdate, config: WebhookConfig) -> None:
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        status: int | None = None
        error: str | None = None
        try:
            assert self._session is not None
            async with self._session.post(
                config.url, data=json.dumps(update.body).encode(), headers=headers
            ) as response:
                await response.read()
                status = response.status
                if not 200 <= status < 300:
                    reason = response.reason or ""
                    error = f"Wrong response from the webhook: {status} {reason}".rstrip()
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError as exc:
            error = f"Connection error: {type(exc).__name__}"
        finally:
            self._in_flight.pop(key, None)
        self.deliveries.append(Delivery(update.update_id, status, error))
        if error is None:
            self.queue.remove(update.update_id)
        else:
            update.attempts += 1
            delay = self.retry_delays[min(update.attempts, len(self.retry_delays)) - 1]
            update.not_before = time.monotonic() + delay
            self.last_error_date = int(time.time())
            self.last_error_message = error
        self._kick.set()
        self.attempted.fire()

    async def wait_attempts(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until ``count`` deliveries were tried (in total, since the emulator started)."""
        await wait_until(
            self.attempted,
            lambda: True if len(self.deliveries) >= count else None,
            timeout,
            f"{count} webhook deliveries",
        )

    async def wait_delivered(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the webhook has taken every pending update."""
        await wait_until(
            self.attempted,
            lambda: True if not self.queue.pending else None,
            timeout,
            "the webhook to take every pending update",
        )
