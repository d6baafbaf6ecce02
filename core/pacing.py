"""Pacing: keep under the platforms' rate limits before they tell us off.

Each limit is a `Lane` (a rate and the burst the platform tolerates) applied to a key (one
Telegram chat, Telegram overall, one Slack channel). The algorithm is GCRA, a token bucket
kept as one number per key (its "theoretical arrival time"), which is what makes it cheap to
share through Redis (bot/coordination.py runs the same arithmetic in a Lua script).

`reserve` books a slot on every lane of a message at once or on none: it answers how long to
wait (0: go now). A wait up to `max_wait` is booked (the caller sleeps it, then sends); a longer
one books nothing, so the caller puts the message back for later instead of blocking a worker.
A 429's retry_after is applied with `hold` to that one key: other chats do not wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.model import Audience, OutboxMessage, Platform


@dataclass(frozen=True)
class Lane:
    rate: float  # messages per second, sustained
    burst: int = 1  # messages that may go back to back before the rate applies

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        return self.interval * (self.burst - 1)


# Telegram: "avoid sending more than one message per second in a particular chat" (short
# bursts go through), "no more than 30 messages per second" overall for bulk sends.
TELEGRAM_CHAT = Lane(rate=1.0, burst=3)
TELEGRAM_GLOBAL = Lane(rate=30.0, burst=30)
# Slack chat.postMessage: "1 message per second per channel", short bursts allowed.
SLACK_CHANNEL = Lane(rate=1.0, burst=3)
# Slack chat.update is Tier 3 (about 50 a minute per workspace). It is not a lane a desk
# message books: the desk edits a ticket's card only when what it shows changed (most events,
# a customer's message or a note, leave it as it was; adapters.slack.sender), so booking a
# slot per message would cap the desk at 50 messages a minute for edits it does not make. A
# burst of card changes past the limit meets a 429, whose retry_after holds the channel.

Lanes = Sequence[tuple[str, Lane]]


class Pacer(Protocol):
    async def reserve(self, lanes: Lanes, max_wait: float) -> float:
        """Seconds to wait before sending; booked on every lane when <= max_wait, else
        nothing is booked."""
        ...

    async def hold(self, key: str, lane: Lane, seconds: float) -> None:
        """The platform asked to wait `seconds` on this key: nothing goes on it before."""
        ...


@dataclass(frozen=True)
class PlatformLanes:
    """Which lanes a message passes: the narrowest (its chat or channel) first, as `hold`
    applies a 429 to that one."""

    slack_channel: str = ""
    telegram_chat: Lane = TELEGRAM_CHAT
    telegram_global: Lane = TELEGRAM_GLOBAL
    slack: Lane = SLACK_CHANNEL

    def __call__(self, message: OutboxMessage) -> Lanes:
        if message.audience is Audience.AGENTS:
            return [(f"slack:channel:{self.slack_channel}", self.slack)]
        if message.platform is Platform.TELEGRAM:
            return [
                (f"telegram:chat:{message.chat_id}", self.telegram_chat),
                ("telegram:all", self.telegram_global),
            ]
        if message.platform is Platform.SLACK:
            return [(f"slack:channel:{message.chat_id}", self.slack)]
        return []  # e-mail: the SMTP server paces itself


def no_lanes(message: OutboxMessage) -> Lanes:
    return []


class LocalPacer:
    """The pacer of one process (no REDIS_URL): exact for a single worker process."""

    def __init__(self, now: Callable[[], float] = time.monotonic, max_keys: int = 10_000) -> None:
        self._now = now
        self._tat: dict[str, float] = {}
        self._max_keys = max_keys

    async def reserve(self, lanes: Lanes, max_wait: float) -> float:
        now = self._now()
        tats = [max(self._tat.get(key, now), now) for key, _ in lanes]
        wait = max(
            (tat - lane.tolerance - now for tat, (_, lane) in zip(tats, lanes, strict=True)),
            default=0.0,
        )
        wait = max(0.0, wait)
        if wait > max_wait:
            return wait
        for tat, (key, lane) in zip(tats, lanes, strict=True):
            self._tat[key] = tat + lane.interval
        self._prune(now)
        return wait

    async def hold(self, key: str, lane: Lane, seconds: float) -> None:
        now = self._now()
        self._tat[key] = max(self._tat.get(key, now), now + seconds + lane.tolerance)

    def _prune(self, now: float) -> None:
        """Keys whose bucket is full again carry no information: forget them."""
        if len(self._tat) > self._max_keys:
            self._tat = {key: tat for key, tat in self._tat.items() if tat > now}


__all__ = [
    "SLACK_CHANNEL",
    "TELEGRAM_CHAT",
    "TELEGRAM_GLOBAL",
    "Lane",
    "Lanes",
    "LocalPacer",
    "Pacer",
    "PlatformLanes",
    "no_lanes",
]
