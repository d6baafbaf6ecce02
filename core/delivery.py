"""Delivering the outbox: take due messages, hand each to its sender, record the outcome.

At least once: a message is marked delivered only after its sender returned, so a crash between
the two sends it again. Order per ordering key holds because `claim_due` only hands out the head
of each key: a head waiting to be retried holds back its key (and only its key) until it is
delivered or given up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from core.model import Audience, OutboxMessage, Platform
from core.pacing import Lanes, LocalPacer, Pacer, no_lanes
from core.ports import Clock, Sender, UnitOfWork, UnitOfWorkFactory


class DeliveryError(Exception):
    """Raised by a sender to say what went wrong; anything else counts as a transient fault."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (429 with retry_after) or had a passing fault."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The chat cannot be reached (the bot was blocked, or never started): do not retry.

    `why` names the cause for the agents: BLOCKED or CHAT_GONE."""

    def __init__(self, reason: str, why: str = "blocked") -> None:
        super().__init__(reason)
        self.why = why


# Why a customer could not be reached, as written on a given-up message (`last_error` starts
# with it) and told to the agents.
BLOCKED = "blocked"
CHAT_GONE = "chat_gone"
EXHAUSTED = "exhausted"


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (e.g. a malformed request)."""


class KeyLocks(Protocol):
    """Exclusive, expiring locks on ordering keys across worker processes (Redis), so a send
    that outlives its database lease is not started a second time by another worker."""

    async def acquire(self, key: str, ttl: float) -> str | None:
        """A token when the lock was taken, None when another worker holds it."""
        ...

    async def release(self, key: str, token: str) -> None: ...

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        """Keep holding the lock for another `ttl`; False when it was lost."""
        ...


class NoLocks:
    """One process: the database lease is the only lock needed."""

    async def acquire(self, key: str, ttl: float) -> str | None:
        return "local"

    async def release(self, key: str, token: str) -> None:
        return None

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        return True


@contextlib.asynccontextmanager
async def kept(locks: KeyLocks, key: str, token: str, ttl: float) -> AsyncIterator[None]:
    """Renew a lock every third of its time to live while the block runs, so a lock can be
    short (a holder that died, or a release lost while Redis was away, frees the key within
    `ttl`) and still cover work that takes longer than that."""
    if isinstance(locks, NoLocks):
        yield
        return

    async def renew() -> None:
        while True:
            await asyncio.sleep(ttl / 3)
            # An unreachable Redis must not fail the work it protects (RedisLocks reports it
            # to /readyz itself).
            with contextlib.suppress(Exception):
                await locks.renew(key, token, ttl)

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


@dataclass
class Pacing:
    """Keeps sends under the platforms' limits (core.pacing): which lanes a message passes,
    and the pacer holding their budgets (in this process, or shared through Redis)."""

    lanes: Callable[[OutboxMessage], Lanes] = no_lanes
    pacer: Pacer = field(default_factory=LocalPacer)
    max_wait: float = 2.0  # a longer wait puts the message back instead of holding a worker


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int = 50
    lease_seconds: float = 30.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    give_up_after: timedelta = timedelta(hours=24)
    concurrency: int = 16
    coalesce: int = 20  # at most this many queued messages of one key go as one post

    def backoff(self, attempts: int) -> float:
        return float(min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** (attempts - 1)))


SenderKey = tuple[Audience, Platform | None]


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    paced: int = 0  # put back unattempted: its lane (or its key's lock) was busy
    # Seconds until the first message put back or left for a retry is due again (None: none
    # was): the worker wakes then instead of at its next poll.
    soonest: float | None = None


def route(senders: Mapping[SenderKey, Sender]) -> Callable[[OutboxMessage], Sender | None]:
    def pick(message: OutboxMessage) -> Sender | None:
        return senders.get((message.audience, message.platform))

    return pick


async def deliver_due(
    uow_factory: UnitOfWorkFactory,
    senders: Mapping[SenderKey, Sender],
    clock: Clock,
    policy: DeliveryPolicy = DeliveryPolicy(),
    pacing: Pacing | None = None,
    locks: KeyLocks | None = None,
    on_give_up: GiveUpHandler | None = None,
) -> Outcome:
    """One pass: claim what is due and try each once. Returns what happened."""
    pick = route(senders)
    now = clock.now()
    # The claim is one statement, and the reads after it look at messages only their head's
    # claimer may send: no transaction is needed around them.
    async with uow_factory(autocommit=True) as uow:
        claimed = list(await uow.outbox.claim_due(now, policy.batch, policy.lease_seconds))
        followers = {m.id: await _followers(uow, m, pick(m), now, policy) for m in claimed}
        await uow.commit()
    if not claimed:
        return Outcome()

    attempt = _Attempt(
        asyncio.Semaphore(policy.concurrency),
        clock,
        policy,
        pacing or Pacing(),
        locks or NoLocks(),
    )
    results = await asyncio.gather(*(attempt(m, pick(m), followers[m.id]) for m in claimed))

    given_up = [m for m, _, _ in results if m.failed_at is not None and on_give_up is not None]
    # All marks are one statement (atomic by itself: a coalesced post's rows are all marked
    # delivered, or none is); a transaction only when a give-up handler writes with them.
    async with uow_factory(autocommit=not given_up) as uow:
        await uow.outbox.update_many(
            [m for message, _, joined in results for m in (message, *joined)]
        )
        for message in given_up:
            assert on_give_up is not None
            await on_give_up(uow, message, clock.now())
        await uow.commit()
    return Outcome(
        delivered=sum(1 + len(j) for m, _, j in results if m.delivered_at is not None),
        failed=sum(1 for m, _, _ in results if m.failed_at is not None),
        retried=sum(
            1 for m, tried, _ in results if tried and m.delivered_at is None and m.failed_at is None
        ),
        paced=sum(1 for _, tried, _ in results if not tried),
        soonest=_soonest([m for m, _, _ in results], clock.now()),
    )


def _soonest(messages: Sequence[OutboxMessage], now: datetime) -> float | None:
    waiting = [
        (m.next_attempt_at - now).total_seconds()
        for m in messages
        if m.delivered_at is None and m.failed_at is None
    ]
    return max(0.0, min(waiting)) if waiting else None


@runtime_checkable
class BatchSender(Protocol):
    """A sender that can deliver several queued messages of one key as one post (the Slack
    desk: customer messages waiting behind the channel's rate limit)."""

    def batchable(self, message: OutboxMessage) -> bool: ...

    async def send_batch(self, messages: Sequence[OutboxMessage]) -> None:
        """All delivered, or raise as `send` does (then none is)."""
        ...


async def _followers(
    uow: UnitOfWork,
    head: OutboxMessage,
    sender: Sender | None,
    now: datetime,
    policy: DeliveryPolicy,
) -> list[OutboxMessage]:
    """The messages queued right behind a claimed head that can go in one post with it.
    No other worker can take them meanwhile: only the head of a key is ever claimed."""
    if policy.coalesce <= 1 or not isinstance(sender, BatchSender) or not sender.batchable(head):
        return []
    joined: list[OutboxMessage] = []
    for queued in await uow.outbox.pending_for_key(head.ordering_key):
        if queued.id == head.id:
            continue
        if queued.next_attempt_at > now or not sender.batchable(queued):
            break
        joined.append(queued)
        if len(joined) + 1 >= policy.coalesce:
            break
    return joined


class GiveUpHandler(Protocol):
    """Called in the transaction that records a message given up (e.g. to tell the agents and
    send the message by e-mail instead)."""

    async def __call__(self, uow: UnitOfWork, message: OutboxMessage, now: datetime) -> None: ...


@dataclass
class _Attempt:
    gate: asyncio.Semaphore
    clock: Clock
    policy: DeliveryPolicy
    pacing: Pacing
    locks: KeyLocks

    @property
    def lease(self) -> float:
        return self.policy.lease_seconds

    async def __call__(
        self, message: OutboxMessage, sender: Sender | None, followers: list[OutboxMessage]
    ) -> tuple[OutboxMessage, bool, list[OutboxMessage]]:
        """The message as it now stands, whether it was tried (False: put back), and the
        followers delivered with it."""
        if sender is None:
            message.attempts += 1
            reason = f"no sender for {message.audience}/{message.platform}"
            return _give_up(message, self.clock.now(), reason), True, []
        token = await self.locks.acquire(message.ordering_key, self.lease)
        if token is None:  # another worker is still sending this key's previous attempt
            return _put_back(message, self.clock.now(), 1.0), False, []
        try:
            lanes = self.pacing.lanes(message)
            if lanes:
                wait = await self.pacing.pacer.reserve(lanes, self.pacing.max_wait)
                if wait > self.pacing.max_wait:
                    return _put_back(message, self.clock.now(), wait), False, []
                if wait > 0:
                    await asyncio.sleep(wait)  # booked: our slot comes after this wait
            message.attempts += 1
            async with self.gate, kept(self.locks, message.ordering_key, token, self.lease):
                sent = await _send(
                    [message, *followers], sender, self.clock, self.policy, self.pacing
                )
            if sent.delivered_at is None:
                return sent, True, []
            for follower in followers:
                follower.attempts += 1
                follower.delivered_at = sent.delivered_at
                follower.last_error = None
            return sent, True, followers
        finally:
            await self.locks.release(message.ordering_key, token)


def _put_back(message: OutboxMessage, now: datetime, wait: float) -> OutboxMessage:
    """Not attempted: due again after `wait`, without counting an attempt."""
    message.next_attempt_at = now + timedelta(seconds=wait)
    return message


async def _send(
    messages: list[OutboxMessage],
    sender: Sender,
    clock: Clock,
    policy: DeliveryPolicy,
    pacing: Pacing,
) -> OutboxMessage:
    """Send the head (with its followers as one post, if any); returns the head's outcome."""
    message = messages[0]
    try:
        if len(messages) > 1 and isinstance(sender, BatchSender):
            await sender.send_batch(messages)
        else:
            await sender.send(message)
    except RetryLater as exc:
        if exc.retry_after is not None:
            lanes = pacing.lanes(message)
            if lanes:  # the narrowest lane (this chat or channel) waits, the others go on
                key, lane = lanes[0]
                await pacing.pacer.hold(key, lane, exc.retry_after)
        return _retry(message, clock.now(), str(exc), exc.retry_after, policy)
    except Unreachable as exc:
        return _give_up(message, clock.now(), f"{exc.why}: {exc}")
    except PermanentFailure as exc:
        return _give_up(message, clock.now(), f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a sender bug or a network fault must not stop the worker
        return _retry(message, clock.now(), f"{type(exc).__name__}: {exc}", None, policy)
    message.delivered_at = clock.now()
    message.last_error = None
    return message


def _retry(
    message: OutboxMessage,
    now: datetime,
    error: str,
    retry_after: float | None,
    policy: DeliveryPolicy,
) -> OutboxMessage:
    message.last_error = error[:500]
    if now - message.created_at >= policy.give_up_after:
        return _give_up(message, now, f"{EXHAUSTED}: gave up after {policy.give_up_after}: {error}")
    wait = retry_after if retry_after is not None else policy.backoff(message.attempts)
    message.next_attempt_at = now + timedelta(seconds=wait)
    return message


def _give_up(message: OutboxMessage, now: datetime, error: str) -> OutboxMessage:
    message.failed_at = now
    message.last_error = error[:500]
    return message
