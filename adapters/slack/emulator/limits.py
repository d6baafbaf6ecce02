"""Rate limits as Slack applies them, and injected faults.

Slack limits each Web API method by "tier" (per app per workspace, per minute, with
tolerated bursts) and limits chat.postMessage to about one message per second per
channel. Over the limit it answers HTTP 429 with `Retry-After` and
`{"ok": false, "error": "ratelimited"}`. Both are off by default so ordinary tests run at
full speed; a test switches them on to see its code cope.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}

METHOD_TIERS = {
    "apps.connections.open": 1,
    "auth.test": 4,  # "special" in Slack's table, generous in practice
    "chat.delete": 3,
    "chat.getPermalink": 4,
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "conversations.members": 4,
    "conversations.open": 3,
    "conversations.replies": 3,
    "files.completeUploadExternal": 4,
    "files.getUploadURLExternal": 4,
    "files.info": 4,
    "reactions.add": 3,
    "users.info": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
}


@dataclass
class Limit:
    per_minute: float
    burst: int


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets keyed by (method, scope); scope is the channel for chat.postMessage."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = False
        self.clock = clock  # tests may freeze it to make bursts exact
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.limits: dict[str, Limit] = {
            method: Limit(TIER_PER_MINUTE[tier], max(1, TIER_PER_MINUTE[tier] // 5))
            for method, tier in METHOD_TIERS.items()
        }
        # 1 message per second per channel, short bursts tolerated.
        self.limits["chat.postMessage"] = Limit(60, 3)

    def enable(self, on: bool = True) -> None:
        self.enabled = on
        self._buckets.clear()

    def set(self, method: str, per_minute: float, burst: int | None = None) -> None:
        self.limits[method] = Limit(per_minute, burst if burst is not None else 1)
        self._buckets = {k: v for k, v in self._buckets.items() if k[0] != method}

    def check(self, method: str, scope: str) -> int | None:
        """None if allowed (and counted); else the Retry-After seconds."""
        if not self.enabled:
            return None
        limit = self.limits.get(method)
        if limit is None:
            return None
        now = self.clock()
        rate = limit.per_minute / 60.0
        bucket = self._buckets.get((method, scope))
        if bucket is None:
            bucket = self._buckets[(method, scope)] = _Bucket(float(limit.burst), now)
        bucket.tokens = min(float(limit.burst), bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / rate))


FaultKind = Literal["ratelimited", "server_error", "slow", "lost", "disconnect", "error"]


@dataclass
class Fault:
    kind: FaultKind
    method: str | None  # None: any method
    times: int | None  # None: until removed
    probability: float
    status: int
    delay: float
    retry_after: int
    error: str
    hits: int = 0
    methods: frozenset[str] | None = None  # several methods, instead of one `method`

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class Faults:
    """Faults a test injects: `emu.faults.add(method="chat.postMessage", kind="ratelimited")`.

    Kinds: "ratelimited" (429 + Retry-After), "server_error" (HTTP `status`, 500 by
    default, HTML body like Slack's edge), "slow" (answer after `delay` seconds),
    "lost" (the call takes effect, then the connection closes without an answer: what a
    client that timed out sees, it cannot know its message was posted), "disconnect"
    (close the connection without doing anything), "error" (HTTP 200 with
    `{"ok": false, "error": error}`). Method names also cover the non-API endpoints:
    "files.upload" (the upload URL) and "files.download" (url_private).
    `mix` fails a random share of calls with a weighted mix of kinds.
    """

    def __init__(self, chance: Callable[[], float]) -> None:
        self._chance = chance
        self.active: list[Fault] = []

    def add(
        self,
        *,
        kind: FaultKind,
        method: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        status: int = 500,
        delay: float = 1.0,
        retry_after: int = 1,
        error: str = "internal_error",
    ) -> Fault:
        fault = Fault(kind, method, times, probability, status, delay, retry_after, error)
        self.active.append(fault)
        return fault

    def mix(
        self,
        probability: float,
        kinds: Mapping[FaultKind, float],
        *,
        methods: Iterable[str] | None = None,
        seed: int | None = None,
        status: int = 500,
        retry_after: int = 1,
        delay: float = 1.0,
    ) -> list[Fault]:
        """Fail a random `probability` of the calls to `methods` (any if None), for good, each
        failure's kind drawn by the `kinds` weights: one fault per kind, each one's
        probability conditioned on the earlier ones not firing. `seed` gives the draws their
        own seeded generator so a run can be replayed. Returns the faults (`hits` per kind)."""
        if not 0 < probability <= 1 or not kinds or min(kinds.values()) <= 0:
            raise ValueError("a probability in (0, 1] and positive weights are needed")
        if seed is not None:
            self._chance = random.Random(seed).random  # noqa: S311 - chaos for tests
        names = None if methods is None else frozenset(methods)
        total = sum(kinds.values())
        faults, left = [], 1.0  # `left`: the chance that no earlier fault of the mix fired
        for kind, weight in kinds.items():
            share = probability * weight / total
            fault = self.add(
                kind=kind,
                times=None,
                probability=min(1.0, share / left),
                status=status,
                retry_after=retry_after,
                delay=delay,
            )
            fault.methods = names
            faults.append(fault)
            left -= share
        return faults

    def take(self, method: str) -> Fault | None:
        for fault in self.active:
            if fault.exhausted or fault.method not in (None, method):
                continue
            if fault.methods is not None and method not in fault.methods:
                continue
            if fault.probability < 1.0 and self._chance() >= fault.probability:
                continue
            fault.hits += 1
            return fault
        return None

    def clear(self) -> None:
        self.active.clear()
