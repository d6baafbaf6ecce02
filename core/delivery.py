"""Delivering the outbox: take due messages, hand each to its sender, record the outcome.

At least once: a message is marked delivered only after its sender returned, so a crash between
the two sends it again. Order per ordering key holds because `claim_due` only hands out the head
of each key: a head waiting to be retried holds back its key (and only its key) until it is
delivered or given up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.model import Audience, OutboxMessage, Platform
from core.ports import Clock, Sender, UnitOfWorkFactory


class DeliveryError(Exception):
    """Raised by a sender to say what went wrong; anything else counts as a transient fault."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (429 with retry_after) or had a passing fault."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The chat cannot be reached (the bot was blocked, or never started): do not retry."""


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (e.g. a malformed request)."""


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int = 50
    lease_seconds: float = 30.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    give_up_after: timedelta = timedelta(hours=24)
    concurrency: int = 16

    def backoff(self, attempts: int) -> float:
        return float(min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** (attempts - 1)))


SenderKey = tuple[Audience, Platform | None]


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def route(senders: Mapping[SenderKey, Sender]) -> Callable[[OutboxMessage], Sender | None]:
    def pick(message: OutboxMessage) -> Sender | None:
        return senders.get((message.audience, message.platform))

    return pick


async def deliver_due(
    uow_factory: UnitOfWorkFactory,
    senders: Mapping[SenderKey, Sender],
    clock: Clock,
    policy: DeliveryPolicy = DeliveryPolicy(),
) -> Outcome:
    """One pass: claim what is due and try each once. Returns what happened."""
    async with uow_factory() as uow:
        claimed = list(await uow.outbox.claim_due(clock.now(), policy.batch, policy.lease_seconds))
        await uow.commit()
    if not claimed:
        return Outcome()

    pick = route(senders)
    gate = asyncio.Semaphore(policy.concurrency)
    results = await asyncio.gather(*(_attempt(m, pick(m), gate, clock, policy) for m in claimed))

    async with uow_factory() as uow:
        for message in results:
            await uow.outbox.update(message)
        await uow.commit()
    return Outcome(
        delivered=sum(1 for m in results if m.delivered_at is not None),
        failed=sum(1 for m in results if m.failed_at is not None),
        retried=sum(1 for m in results if m.delivered_at is None and m.failed_at is None),
    )


async def _attempt(
    message: OutboxMessage,
    sender: Sender | None,
    gate: asyncio.Semaphore,
    clock: Clock,
    policy: DeliveryPolicy,
) -> OutboxMessage:
    message.attempts += 1
    if sender is None:
        return _give_up(
            message, clock.now(), f"no sender for {message.audience}/{message.platform}"
        )
    async with gate:
        try:
            await sender.send(message)
        except RetryLater as exc:
            return _retry(message, clock.now(), str(exc), exc.retry_after, policy)
        except (Unreachable, PermanentFailure) as exc:
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
        return _give_up(message, now, f"gave up after {policy.give_up_after}: {error}")
    wait = retry_after if retry_after is not None else policy.backoff(message.attempts)
    message.next_attempt_at = now + timedelta(seconds=wait)
    return message


def _give_up(message: OutboxMessage, now: datetime, error: str) -> OutboxMessage:
    message.failed_at = now
    message.last_error = error[:500]
    return message
