"""Flood limits as Telegram applies them, and faults a test injects on purpose.

Rate limits are off by default so ordinary tests never trip over them. When on, they follow the
Bot FAQ: about one message per second in a chat (short bursts tolerated), no more than 30
messages per second overall and 20 per minute in a group. A refused call gets
``429 Too Many Requests: retry after N`` with ``parameters.retry_after``.

Faults make a method fail the ways a real network and a real Telegram do: 429 with a given
``retry_after``, 500, 502 from the front end, a slow answer, an answer too late for a message
already sent, or a dropped connection; :meth:`Faults.mix` fails a random share of calls with a
weighted mix of those, as a flaky network and a busy Telegram do together.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .calls import normalize_args
from .errors import ApiError, too_many_requests

# Methods that post a message and so count against flood limits. Edits, deletes, chat actions
# and callback answers are not counted (Telegram limits them too, but far more loosely).
SENDING_METHODS = frozenset(
    {
        "sendmessage", "sendphoto", "senddocument", "sendvideo", "sendvoice", "sendaudio",
        "sendvideonote", "sendmediagroup", "sendanimation", "sendsticker", "sendlocation",
        "sendcontact", "sendpoll", "senddice", "copymessage", "forwardmessage",
    }
)  # fmt: skip


class TokenBucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait_time(self, count: float, now: float) -> float:
        """Seconds until ``count`` tokens are available (0 when they are now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        missing = count - self.tokens
        return 0.0 if missing <= 0 else missing / self.rate

    def take(self, count: float) -> None:
        self.tokens -= count


@dataclass
class RateLimits:
    """Switchable flood control; ``enabled`` is off by default."""

    enabled: bool = False
    per_chat_rate: float = 1.0  # messages per second in one chat
    per_chat_burst: float = 3.0
    global_rate: float = 30.0  # messages per second, all chats together
    group_per_minute: float = 20.0
    clock: Callable[[], float] = time.monotonic
    _chats: dict[int, TokenBucket] = field(default_factory=dict)
    _groups: dict[int, TokenBucket] = field(default_factory=dict)
    _global: TokenBucket | None = None

    def enable(self, **settings: float) -> None:
        for name, value in settings.items():
            if not hasattr(self, name):
                raise TypeError(f"unknown rate limit setting {name!r}")
            setattr(self, name, value)
        self.reset()
        self.enabled = True

    def disable(self) -> None:
        self.enabled = False

    def reset(self) -> None:
        self._chats.clear()
        self._groups.clear()
        self._global = None

    def check(self, chat_id: int, is_group: bool, count: int = 1) -> None:
        """Raise 429 if ``count`` more messages to ``chat_id`` break a limit, else count them."""
        now = self.clock()
        buckets = [self._bucket(self._chats, chat_id, self.per_chat_rate, self.per_chat_burst, now)]
        if self._global is None:
            self._global = TokenBucket(self.global_rate, self.global_rate, now)
        buckets.append(self._global)
        if is_group:
            per_second = self.group_per_minute / 60.0
            buckets.append(
                self._bucket(self._groups, chat_id, per_second, self.group_per_minute, now)
            )
        wait = max(bucket.wait_time(min(count, bucket.capacity), now) for bucket in buckets)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take(count)

    @staticmethod
    def _bucket(
        table: dict[int, TokenBucket], key: int, rate: float, capacity: float, now: float
    ) -> TokenBucket:
        bucket = table.get(key)
        if bucket is None:
            bucket = table[key] = TokenBucket(rate, capacity, now)
        return bucket


FaultKind = Literal["429", "500", "502", "slow", "late", "drop", "error"]
FAULT_KINDS = ("429", "500", "502", "slow", "late", "drop", "error")


@dataclass
class Fault:
    """One injected failure rule; see :meth:`Faults.add`."""

    method: str | None
    kind: FaultKind
    times: int | None = 1
    probability: float = 1.0
    retry_after: int = 1
    delay: float = 1.0
    skip: int = 0
    code: int = 400
    description: str = "Bad Request: injected error"
    when: Callable[[dict[str, Any]], bool] | None = None
    methods: frozenset[str] | None = None  # lower-case names, instead of one ``method``
    hits: int = 0
    _seen: int = 0

    def matches(self, method: str, args: dict[str, Any], rng: random.Random) -> bool:
        if self.method is not None and self.method.lower() != method:
            return False
        if self.methods is not None and method not in self.methods:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if self.when is not None and not self.when(normalize_args(args)):
            return False
        self._seen += 1
        if self._seen <= self.skip:
            return False
        return self.probability >= 1.0 or rng.random() < self.probability

    def as_error(self) -> ApiError:
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        if self.kind == "500":
            return ApiError(500, "Internal Server Error")
        return ApiError(self.code, self.description)


class Faults:
    """The fault rules of one emulator; rules are tried in the order they were added."""

    def __init__(self, seed: int | None = None) -> None:
        self.rules: list[Fault] = []
        self._rng = random.Random(seed)  # noqa: S311 - chaos for tests, not security

    def add(
        self,
        method: str | None = None,
        kind: FaultKind = "500",
        *,
        times: int | None = 1,
        probability: float = 1.0,
        retry_after: int = 1,
        delay: float = 1.0,
        skip: int = 0,
        code: int = 400,
        description: str = "Bad Request: injected error",
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Fault:
        """Make ``method`` (any method if ``None``) fail.

        ``times`` calls fail (``None``: every one), each with ``probability``, after ``skip``
        matching calls went through; ``when`` narrows it to calls whose arguments it accepts.
        Kinds: ``"429"`` (with ``retry_after``), ``"500"``, ``"502"`` (an HTML page from the
        front end), ``"slow"`` (answers normally after ``delay`` seconds; a client that gives
        up first leaves the call undone), ``"late"`` (does the call at once, answers after
        ``delay`` seconds: a client that times out cannot know its message was sent),
        ``"drop"`` (closes the connection without an answer) and ``"error"`` (``code`` with
        ``description``).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        rule = Fault(
            method=method,
            kind=kind,
            times=times,
            probability=probability,
            retry_after=retry_after,
            delay=delay,
            skip=skip,
            code=code,
            description=description,
            when=when,
        )
        self.rules.append(rule)
        return rule

    def mix(
        self,
        probability: float,
        kinds: Mapping[FaultKind, float],
        *,
        methods: Iterable[str] | None = None,
        seed: int | None = None,
        retry_after: int = 1,
        delay: float = 1.0,
    ) -> list[Fault]:
        """Fail a random ``probability`` of the calls to ``methods`` (any method if ``None``),
        for good, each failure's kind drawn by the ``kinds`` weights: one rule per kind, each
        rule's probability conditioned on the earlier ones not firing. ``seed`` re-seeds the
        draws so a run can be replayed. Returns the rules (their ``hits`` count each kind)."""
        if not 0 < probability <= 1 or not kinds or min(kinds.values()) <= 0:
            raise ValueError("a probability in (0, 1] and positive weights are needed")
        if seed is not None:
            self._rng.seed(seed)
        names = None if methods is None else frozenset(m.lower() for m in methods)
        total = sum(kinds.values())
        rules, left = [], 1.0  # ``left``: the chance that no earlier rule of the mix fired
        for kind, weight in kinds.items():
            share = probability * weight / total
            rule = self.add(
                None,
                kind,
                times=None,
                probability=min(1.0, share / left),
                retry_after=retry_after,
                delay=delay,
            )
            rule.methods = names
            rules.append(rule)
            left -= share
        return rules

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, args: dict[str, Any]) -> Fault | None:
        for rule in self.rules:
            if rule.matches(method, args, self._rng):
                rule.hits += 1
                return rule
        return None
