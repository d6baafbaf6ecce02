"""Telling the app what happened: Events API over HTTP (signed, retried), interactivity and
slash commands (signed, never retried), or the same payloads over Socket Mode.

Slack's rules reproduced here: an event request must be answered 2xx within 3 seconds,
otherwise Slack retries it up to 3 times with `X-Slack-Retry-Num` and
`X-Slack-Retry-Reason` (`http_timeout`, `http_error`, `connection_failed`) unless the app
answers with `X-Slack-No-Retry: 1`. Slack waits ~1 min and ~5 min between retries; the
emulator's `event_retry_delays` default to that and tests shorten them.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from . import payloads
from .signing import signed_headers
from .state import JSON, Channel, Message, User

if TYPE_CHECKING:
    from .server import SlackEmulator

_JSON = "application/json"
DEFAULT_SUBSCRIPTIONS = frozenset(
    {
        "app_home_opened",
        "app_mention",
        "member_joined_channel",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
        "reaction_added",
    }
)


@dataclass
class AppSettings:
    """Where Slack would send things for the app under test (its app config page)."""

    request_url: str | None = None  # Event Subscriptions Request URL
    interactivity_url: str | None = None  # defaults to request_url, as with Bolt's one path
    commands_url: str | None = None  # defaults to request_url
    socket_mode: bool | None = None  # None: use Socket Mode whenever a connection is open
    subscriptions: set[str] = field(default_factory=lambda: set(DEFAULT_SUBSCRIPTIONS))


@dataclass
class Duplicates:
    """A fault: each event is sent 1 to `most` times over HTTP, the copies `gap` seconds apart
    and each marked as a retry (`X-Slack-Retry-Num`, reason `http_timeout`) without waiting
    for the app's answer to the one before. That is what the app sees when Slack's 3-second
    timeout fires while the app is still handling the event (or an answer is lost on the
    way): retries arriving during the first handling. The copies come on top of the normal
    retries, which still follow a failed first attempt."""

    rng: random.Random
    most: int = 4
    gap: float = 0.005
    copies: int = 0  # extra copies sent so far

    def extra(self) -> int:
        return self.rng.randint(1, self.most) - 1


@dataclass
class Attempt:
    retry_num: int
    at: float
    status: int | None = None
    reason: str | None = None  # None when delivered; else why Slack would retry
    duration: float = 0.0
    envelope_id: str | None = None


@dataclass
class Delivery:
    """One thing sent to the app, with every attempt and the app's answer."""

    kind: str  # events_api | interactive | slash_commands | url_verification
    payload: JSON
    transport: str = "none"  # http | socket | none (no app connected: only recorded)
    attempts: list[Attempt] = field(default_factory=list)
    delivered: bool = False
    status: int | None = None
    body: str = ""
    ack_payload: JSON | None = None  # Socket Mode: the payload sent with the ack
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def event(self) -> JSON:
        event = self.payload.get("event")
        return event if isinstance(event, dict) else {}

    @property
    def type(self) -> str:
        """The event type (message, app_mention, …) or the interaction type."""
        if self.kind == "events_api":
            return str(self.event.get("type", ""))
        if self.kind == "slash_commands":
            return "slash_command"
        return str(self.payload.get("type", self.kind))

    @property
    def retries(self) -> int:
        return max(0, len(self.attempts) - 1)

    @property
    def timed_out(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].reason in ("http_timeout", "timeout")

    def response(self) -> Any:
        """The app's answer as JSON if it was JSON, else its text (or None if empty)."""
        if self.ack_payload is not None:
            return self.ack_payload
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body


class EventFeed:
    def __init__(self, emu: SlackEmulator) -> None:
        self.emu = emu
        self.settings = AppSettings()
        self.deliveries: list[Delivery] = []
        self.duplicates: Duplicates | None = None  # set: events are sent more than once
        self._tasks: set[asyncio.Task[None]] = set()
        self.session: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------ what happened

    def message_posted(self, message: Message) -> None:
        ws = self.emu.ws
        channel = ws.channels[message.channel]
        if message.orphan:
            return
        self.emit(payloads.message_event(ws, message), channel)
        mentioned = ws.app.bot_user_id in ws.rendered(message).users
        if mentioned and not channel.is_im and message.user != ws.app.bot_user_id:
            self.emit(payloads.app_mention_event(ws, message), channel, "app_mention")

    def message_changed(self, previous: JSON, message: Message) -> None:
        channel = self.emu.ws.channels[message.channel]
        event = payloads.message_changed_event(self.emu.ws, previous, message, self.emu.ws.new_ts())
        self.emit(event, channel)

    def message_deleted(self, previous: JSON, channel: Channel) -> None:
        event = payloads.message_deleted_event(self.emu.ws, previous, channel, self.emu.ws.new_ts())
        self.emit(event, channel)

    def member_joined(self, user: User, channel: Channel, inviter: str | None = None) -> None:
        event = payloads.member_joined_event(self.emu.ws, user, channel, inviter)
        self.emit(event, channel, "member_joined_channel")

    def reaction_added(self, user: User, message: Message, name: str) -> None:
        channel = self.emu.ws.channels[message.channel]
        event = payloads.reaction_added_event(self.emu.ws, user, message, name)
        self.emit(event, channel, "reaction_added")

    def app_home_opened(self, user: User, channel: Channel, tab: str) -> None:
        event = payloads.app_home_opened_event(self.emu.ws, user, channel, tab)
        self.emit(event, channel, "app_home_opened")

    def emit(
        self, event: JSON, channel: Channel, subscription: str | None = None
    ) -> Delivery | None:
        """Send `event` if the app subscribes to it and can see `channel`."""
        name = subscription or f"message.{channel.channel_type.replace('channel', 'channels')}"
        if name not in self.settings.subscriptions:
            return None
        if self.emu.ws.app.bot_user_id not in channel.members:
            return None
        delivery = Delivery("events_api", payloads.envelope(self.emu.ws, event))
        self.deliveries.append(delivery)
        if self._transport(self.settings.request_url) == "none":
            # No app listening: Slack would drop it; keep the record, skip the task.
            delivery.done.set()
            return delivery
        self._spawn(self._deliver_event(delivery))
        return delivery

    # ------------------------------------------------------------------ transports

    def _transport(self, url: str | None) -> str:
        socket_wanted = self.settings.socket_mode
        if socket_wanted is not False and self.emu.socket.connected:
            return "socket"
        if socket_wanted is not True and url:
            return "http"
        return "none"

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_event(self, delivery: Delivery) -> None:
        delays = self.emu.config.event_retry_delays
        duplicates = self.duplicates
        if duplicates is not None and self._transport(self.settings.request_url) == "http":
            for copy in range(1, duplicates.extra() + 1):
                duplicates.copies += 1
                self._spawn(self._copy(delivery, copy, copy * duplicates.gap))
        try:
            for retry_num in range(len(delays) + 1):
                if retry_num:
                    await asyncio.sleep(delays[retry_num - 1])
                delivery.transport = self._transport(self.settings.request_url)
                if delivery.transport == "none":
                    return
                if delivery.transport == "socket":
                    attempt = await self._socket_attempt(delivery, retry_num)
                else:
                    attempt = await self._http_attempt(delivery, retry_num)
                delivery.attempts.append(attempt)
                if attempt.reason is None or attempt.reason == "no_retry":
                    delivery.delivered = attempt.reason is None
                    return
        finally:
            delivery.done.set()
            self.emu.changed()

    async def _http_attempt(self, delivery: Delivery, retry_num: int) -> Attempt:
        url = self.settings.request_url or ""
        body = json.dumps(delivery.payload)
        extra = {}
        if retry_num:
            reason = delivery.attempts[-1].reason or "http_error"
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
        attempt = Attempt(retry_num, time.time())
        started = time.perf_counter()
        status, text, headers = await self._post(url, body, "application/json", extra)
        attempt.duration = time.perf_counter() - started
        attempt.status = status
        if status is None:
            attempt.reason = text  # http_timeout / connection_failed
        elif 200 <= status < 300:
            delivery.status, delivery.body = status, text
        elif headers.get("X-Slack-No-Retry") == "1":
            delivery.status, delivery.body, attempt.reason = status, text, "no_retry"
        else:
            delivery.status, delivery.body, attempt.reason = status, text, "http_error"
        return attempt

    async def _copy(self, delivery: Delivery, retry_num: int, after: float) -> None:
        """One of the Duplicates' copies: a retry sent while the first attempt may still be
        in the app's hands."""
        await asyncio.sleep(after)
        url = self.settings.request_url or ""
        extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        attempt = Attempt(retry_num, time.time())
        started = time.perf_counter()
        attempt.status, text, _ = await self._post(url, json.dumps(delivery.payload), _JSON, extra)
        attempt.duration = time.perf_counter() - started
        if attempt.status is None:
            attempt.reason = text
        delivery.attempts.append(attempt)

    async def _socket_attempt(self, delivery: Delivery, retry_num: int) -> Attempt:
        attempt = Attempt(retry_num, time.time())
        reason = delivery.attempts[-1].reason if delivery.attempts else None
        started = time.perf_counter()
        ack = await self.emu.socket.send(
            "events_api",
            delivery.payload,
            accepts_response_payload=False,
            retry_attempt=retry_num,
            retry_reason=reason or "",
            record=attempt,
        )
        attempt.duration = time.perf_counter() - started
        if ack is None:
            attempt.reason = "timeout"
        else:
            delivery.ack_payload = ack.get("payload") if isinstance(ack, dict) else None
        return attempt

    async def _post(
        self, url: str, body: str, content_type: str, extra: dict[str, str]
    ) -> tuple[int | None, str, dict[str, str]]:
        assert self.session is not None, "the emulator is not started"
        headers = signed_headers(self.emu.ws.app.signing_secret, body, content_type)
        headers.update(extra)
        timeout = aiohttp.ClientTimeout(total=self.emu.config.app_timeout)
        try:
            async with self.session.post(
                url, data=body.encode(), headers=headers, timeout=timeout, allow_redirects=False
            ) as resp:
                text = await resp.text()
                return resp.status, text, dict(resp.headers)
        except TimeoutError:
            return None, "http_timeout", {}
        except aiohttp.ClientError:
            return None, "connection_failed", {}

    # ------------------------------------------------------------------ interactions

    async def interact(self, kind: str, payload: JSON) -> Delivery:
        """Send an interaction or slash command and wait for the app's acknowledgement.

        Slack never retries these: when the app is slow the person sees an error instead.
        """
        delivery = Delivery(kind, payload)
        self.deliveries.append(delivery)
        url = self.settings.commands_url if kind == "slash_commands" else None
        url = url or (self.settings.interactivity_url if kind == "interactive" else None)
        url = url or self.settings.request_url
        delivery.transport = self._transport(url)
        attempt = Attempt(0, time.time())
        try:
            if delivery.transport == "socket":
                ack = await self.emu.socket.send(
                    kind, payload, accepts_response_payload=True, record=attempt
                )
                if ack is None:
                    attempt.reason = "timeout"
                else:
                    delivery.delivered, delivery.status = True, 200
                    ack_payload = ack.get("payload")
                    delivery.ack_payload = ack_payload if isinstance(ack_payload, dict) else None
            elif delivery.transport == "http" and url:
                if kind == "slash_commands":
                    body = urllib.parse.urlencode(payload)
                else:
                    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
                ctype = "application/x-www-form-urlencoded"
                status, text, _ = await self._post(url, body, ctype, {})
                attempt.status = status
                if status is None:
                    attempt.reason = text
                else:
                    delivery.status, delivery.body = status, text
                    delivery.delivered = 200 <= status < 300
                    attempt.reason = None if delivery.delivered else "http_error"
            else:
                attempt.reason = "no_app"  # nobody to tell: the person would see an error
            delivery.attempts.append(attempt)
        finally:
            delivery.done.set()
            self.emu.changed()
        return delivery

    async def verify_url(self, url: str | None = None) -> bool:
        """Slack's url_verification handshake: the app must echo the challenge."""
        target = url or self.settings.request_url
        if not target:
            raise ValueError("no request URL configured")
        challenge = self.emu.ws.ids.secret(48)
        payload = {
            "token": self.emu.ws.app.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        delivery = Delivery("url_verification", payload, transport="http")
        self.deliveries.append(delivery)
        status, text, _ = await self._post(target, json.dumps(payload), "application/json", {})
        delivery.status, delivery.body = status, text
        delivery.attempts.append(Attempt(0, time.time(), status))
        delivery.done.set()
        answer = delivery.response()
        echoed = answer.get("challenge") if isinstance(answer, dict) else answer
        delivery.delivered = status == 200 and echoed == challenge
        return delivery.delivered

    async def post_raw(
        self,
        url: str,
        body: str,
        *,
        content_type: str = "application/json",
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> tuple[int, str]:
        """A hand-made signed request (e.g. a stale timestamp) for signature tests."""
        assert self.session is not None, "the emulator is not started"
        secret = self.emu.ws.app.signing_secret
        headers = signed_headers(secret, body, content_type, timestamp=timestamp)
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        async with self.session.post(url, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.text()

    # ------------------------------------------------------------------ bookkeeping

    def of_type(self, event_type: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.type == event_type]

    async def idle(self, within: float = 5.0) -> None:
        """Wait until every delivery (with its retries) has finished."""
        deadline = time.monotonic() + within
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._tasks)} deliveries still running")
            await asyncio.wait(set(self._tasks), timeout=remaining)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
