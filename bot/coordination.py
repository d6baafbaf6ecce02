"""What several bot processes share: pacing budgets, key locks, the wake-up signal, leadership.

`coordination_from_settings` gives the Redis-backed pieces when REDIS_URL is set, else the
in-process ones; the rest of the bot cannot tell them apart. Redis is a help, never the only
copy of anything: the database keeps every message and every conversation. So when Redis goes
away each piece degrades instead of failing (logged once, and once more when it is back):

- pacing falls back to this process's own budgets (a few more 429s, which are honoured anyway);
- key locks are granted locally (the outbox lease in the database still keeps two workers
  apart for its duration);
- the wake-up signal stops and workers find new messages by polling the database (1 s);
- a process leading Telegram polling keeps leading; the others keep waiting.

Conversation state stays in the database only (storage conversations table): it is written in
the same transaction as the replies it causes, which a Redis copy could not join, and it is read
once per incoming message, a primary-key lookup a cache would not make noticeably faster.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.email_sender import EmailSender
from bot.pushes import PushRenderer
from bot.settings import Settings
from bot.worker import DeliveryWorker
from core.delivery import DeliveryPolicy, KeyLocks, NoLocks, Pacing, SenderKey
from core.giving_up import tell_and_reroute
from core.model import Audience
from core.pacing import Lane, Lanes, LocalPacer, Pacer, PlatformLanes, no_lanes
from core.ports import Clock, Mailer, Sender, UnitOfWorkFactory

if TYPE_CHECKING:  # RedisCoordination imports it: a start without Redis skips ~0.1 s
    import redis.asyncio as redis

log = logging.getLogger(__name__)

__all__ = [
    "Coordination",
    "DeliveryPieces",
    "LocalCoordination",
    "RedisCoordination",
    "coordination_from_settings",
    "delivery_pieces",
]

Body = Callable[[asyncio.Event], Coroutine[Any, Any, None]]

# GCRA over every lane of a message at once (core.pacing.LocalPacer is the same arithmetic).
# Redis's clock is the one clock all processes share. Numbers travel as strings: Redis turns a
# Lua number reply into an integer.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local max_wait = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local w = tat - tonumber(ARGV[2 * i + 1]) - now
  if w > wait then wait = w end
end
if wait > max_wait then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local tat = tats[i] + tonumber(ARGV[2 * i])
  redis.call('SET', key, tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
end
return tostring(wait)
"""
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local target = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if target > tat then
  redis.call('SET', KEYS[1], tostring(target), 'PX', math.ceil((target - now) * 1000) + 1000)
end
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Keep a lock we hold; take it again if it vanished (Redis restarted empty); else it is lost.
_RENEW = """
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


class Coordination:
    """The in-process implementation; RedisCoordination shares the same across processes."""

    pacer: Pacer
    locks: KeyLocks

    async def ping(self) -> bool:
        """For /readyz: whether the shared store answers (always, in process)."""
        return True

    def announce(self, topic: str = "outbox") -> None:
        """Rows were committed (`outbox`: for the delivery workers; `inbox`, say, for the inbox
        processors): wake whoever listens to `topic`, in every process."""

    async def listen(
        self, on_wake: Callable[[], None], stop: asyncio.Event, topic: str = "outbox"
    ) -> None:
        """Call `on_wake` whenever any process announces `topic`, until `stop`."""
        await stop.wait()

    async def lead(self, name: str, body: Body, stop: asyncio.Event) -> None:
        """Run `body` only while this process is the one leader for `name`."""
        await body(stop)

    async def close(self) -> None:
        return None


class LocalCoordination(Coordination):
    def __init__(self) -> None:
        self.pacer = LocalPacer()
        self.locks = NoLocks()


class _Health:
    """Logs Redis going away once, and coming back once."""

    def __init__(self) -> None:
        self.down = False

    def failed(self, what: str, exc: Exception) -> None:
        if not self.down:
            self.down = True
            log.warning("Redis unreachable (%s: %s): %s", what, type(exc).__name__, _fallbacks())

    def ok(self) -> None:
        if self.down:
            self.down = False
            log.warning("Redis is back: shared pacing, locks and wake-ups resume")


def _redis_error() -> type[Exception]:
    """redis's base error, for `except`: only evaluated once a Redis call failed, by which time
    RedisCoordination has imported redis."""
    from redis.exceptions import RedisError

    return RedisError


def _fallbacks() -> str:
    return "pacing per process, locks by the database lease, workers poll the database"


class RedisPacer:
    def __init__(self, store: redis.Redis, prefix: str, health: _Health) -> None:
        self._redis = store
        self._prefix = prefix
        self._health = health
        self._fallback = LocalPacer()
        self._reserve = store.register_script(_RESERVE)
        self._hold = store.register_script(_HOLD)

    async def reserve(self, lanes: Lanes, max_wait: float) -> float:
        keys = [f"{self._prefix}:pace:{key}" for key, _ in lanes]
        args: list[float] = [max_wait]
        for _, lane in lanes:
            args += [lane.interval, lane.tolerance]
        try:
            wait = float(await self._reserve(keys=keys, args=args))
        except _redis_error() as exc:
            self._health.failed("pacing", exc)
            return await self._fallback.reserve(lanes, max_wait)
        self._health.ok()
        return wait

    async def hold(self, key: str, lane: Lane, seconds: float) -> None:
        await self._fallback.hold(key, lane, seconds)
        try:
            await self._hold(keys=[f"{self._prefix}:pace:{key}"], args=[seconds, lane.tolerance])
        except _redis_error() as exc:
            self._health.failed("pacing", exc)


# Handed out while Redis is away: nothing to release.
_UNLOCKED = "-"


class RedisLocks:
    def __init__(self, store: redis.Redis, prefix: str, health: _Health) -> None:
        self._redis = store
        self._prefix = prefix
        self._health = health
        self._release = store.register_script(_RELEASE)
        self._renew = store.register_script(_RENEW)

    async def acquire(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        try:
            taken = await self._redis.set(
                f"{self._prefix}:lock:{key}", token, nx=True, px=max(1, int(ttl * 1000))
            )
        except _redis_error() as exc:
            self._health.failed("locks", exc)
            return _UNLOCKED  # the outbox lease still keeps other workers off this row
        self._health.ok()
        return token if taken else None

    async def release(self, key: str, token: str) -> None:
        if token is _UNLOCKED:
            return
        try:
            await self._release(keys=[f"{self._prefix}:lock:{key}"], args=[token])
        except _redis_error() as exc:
            self._health.failed("locks", exc)  # it expires by itself

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        if token is _UNLOCKED:
            return True
        try:
            kept = await self._renew(
                keys=[f"{self._prefix}:lock:{key}"], args=[token, max(1, int(ttl * 1000))]
            )
        except _redis_error() as exc:
            self._health.failed("locks", exc)
            return False
        return bool(kept)


class RedisCoordination(Coordination):
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "supportbot",
        lease_seconds: float = 15.0,
        retry_seconds: float = 1.0,
    ) -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        self.prefix = prefix
        self.health = _Health()
        self.pacer = RedisPacer(self.redis, prefix, self.health)
        self.locks = RedisLocks(self.redis, prefix, self.health)
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self._lease = lease_seconds
        self._retry = retry_seconds
        self._pending: set[asyncio.Task[None]] = set()
        self._again: dict[str, bool] = {}  # topic -> announced again since the publish began
        self._busy: set[str] = set()  # topics whose announcing task has started

    async def ping(self) -> bool:
        try:
            await self.redis.ping()
        except _redis_error():
            return False
        return True

    def announce(self, topic: str = "outbox") -> None:
        """Wake the topic's listeners. Announcements while one is waiting to be sent or on
        its way are folded into a single one after it: every announcement is followed by a
        publish that starts after it, but a burst of commits costs a round trip or two, not
        one each (a third of a busy relay's Redis calls)."""
        if topic in self._again:
            self._again[topic] = True
            return
        self._again[topic] = False
        task = asyncio.get_running_loop().create_task(self._announce(topic))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        task.add_done_callback(lambda done: self._unstarted(topic, done))

    def _unstarted(self, topic: str, task: asyncio.Task[None]) -> None:
        # A task cancelled before its first step never reaches its `finally`: without this,
        # the topic would look busy for ever and every later announcement would be dropped.
        if task.cancelled() and self._again.get(topic) is not None and topic not in self._busy:
            del self._again[topic]

    async def _announce(self, topic: str) -> None:
        self._busy.add(topic)
        try:
            while True:
                self._again[topic] = False
                await self._publish(topic)
                if not self._again[topic]:
                    return
        finally:
            del self._again[topic]
            self._busy.discard(topic)

    async def _publish(self, topic: str) -> None:
        try:
            await self.redis.publish(f"{self.prefix}:wake:{topic}", "1")
        except _redis_error() as exc:
            self.health.failed("wake-up", exc)

    async def listen(
        self, on_wake: Callable[[], None], stop: asyncio.Event, topic: str = "outbox"
    ) -> None:
        while not stop.is_set():
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(f"{self.prefix}:wake:{topic}")
                    self.health.ok()
                    on_wake()  # whatever was announced while we were not listening
                    while not stop.is_set():
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
                        if message is not None:
                            on_wake()
            except (_redis_error(), OSError) as exc:
                self.health.failed("wake-up", exc)
                await _wait(stop, self._retry)

    async def lead(self, name: str, body: Body, stop: asyncio.Event) -> None:
        key = f"{self.prefix}:leader:{name}"
        token = secrets.token_hex(8)
        ttl = int(self._lease * 1000)
        while not stop.is_set():
            try:
                taken = await self.redis.set(key, token, nx=True, px=ttl)
                self.health.ok()
            except _redis_error() as exc:
                self.health.failed(f"leader {name}", exc)
                taken = False
            if not taken:
                # A cheap SET NX: asking every second takes over soon after a leader lets go.
                await _wait(stop, min(1.0, self._lease / 3))
                continue
            log.info("this process now leads %s", name)
            try:
                await self._while_leading(name, key, token, body, stop)
            finally:
                with contextlib.suppress(_redis_error()):  # at once, rather than at expiry
                    await self._release(keys=[key], args=[token])

    async def _while_leading(
        self, name: str, key: str, token: str, body: Body, stop: asyncio.Event
    ) -> None:
        inner = asyncio.Event()
        task = asyncio.create_task(body(inner))
        try:
            while not stop.is_set() and not task.done():
                await _wait(stop, self._lease / 3, task)
                if stop.is_set() or task.done():
                    break
                try:
                    kept = await self._renew(keys=[key], args=[token, int(self._lease * 1000)])
                    self.health.ok()
                except _redis_error() as exc:
                    # Nobody else can take it while Redis is away either: keep leading.
                    self.health.failed(f"leader {name}", exc)
                    continue
                if not kept:
                    log.warning("another process took over %s", name)
                    break
        finally:
            inner.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def close(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)
        await self.redis.aclose()


async def _wait(stop: asyncio.Event, seconds: float, *others: asyncio.Future[Any]) -> None:
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([stopping, *others], timeout=seconds, return_when="FIRST_COMPLETED")
    finally:
        stopping.cancel()


@dataclass
class DeliveryPieces:
    """What the runtime needs for delivery, built for this deployment (bot/runtime.py)."""

    coordination: Coordination
    pacing: Pacing
    policy: DeliveryPolicy

    def worker(
        self,
        uow_factory: UnitOfWorkFactory,
        senders: Mapping[SenderKey, Sender],
        clock: Clock,
    ) -> DeliveryWorker:
        return DeliveryWorker(
            uow_factory,
            senders,
            clock,
            self.policy,
            poll_interval=1.0,
            pacing=self.pacing,
            locks=self.coordination.locks,
            on_give_up=tell_and_reroute,
        )

    def waking(self, wake: Callable[[], None], topic: str = "outbox") -> Callable[[], None]:
        """After rows were committed for `topic` (outbox rows, recorded inbound events): wake
        this process's consumer at once, then every process's (a web process records, a
        worker process handles)."""

        def both() -> None:
            wake()
            self.coordination.announce(topic)

        return both


def delivery_pieces(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    mailer: Mailer | None,
    senders: dict[SenderKey, Sender],
) -> DeliveryPieces:
    """Redis-backed or in-process coordination, the pacing lanes, the give-up policy, and the
    e-mail sender (added to `senders`) for customers no chat can reach."""
    if mailer is not None:
        renderer = PushRenderer(uow_factory, settings.default_language, settings.default_timezone)
        senders[(Audience.EMAIL, None)] = EmailSender(mailer, renderer)
    coordination = coordination_from_settings(settings.redis_url, settings.redis_prefix)
    return DeliveryPieces(
        coordination,
        Pacing(
            PlatformLanes(slack_channel=settings.slack_support_channel or "")
            if settings.delivery_pacing == "on"
            else no_lanes,
            coordination.pacer,
        ),
        DeliveryPolicy(give_up_after=timedelta(minutes=settings.delivery_give_up_minutes)),
    )


def coordination_from_settings(redis_url: str | None, prefix: str = "supportbot") -> Coordination:
    """Redis-backed when REDIS_URL is set, else in-process; the same interface either way."""
    if redis_url:
        return RedisCoordination(redis_url, prefix=prefix)
    return LocalCoordination()
