"""The bot's update queue, shared by getUpdates and webhook delivery.

Semantics follow the Bot API documentation of getUpdates: an update stays in the queue until it
is confirmed, by a later getUpdates with a higher ``offset`` or by a 2xx answer of the webhook;
a negative offset keeps only the last ``-offset`` updates; a second getUpdates terminates the
first with 409; updates whose type is not in ``allowed_updates`` are never created.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import conflict
from .waiting import Signal

# Every type a bot receives unless it opts in: Telegram leaves these three out by default.
OPT_IN_ONLY = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class PendingUpdate:
    update_id: int
    kind: str
    chat_key: int | None  # updates of one chat reach a webhook one at a time, in order
    body: dict[str, Any]
    attempts: int = 0
    not_before: float = 0.0  # monotonic time before which the webhook won't retry it


class _Poll:
    __slots__ = ("superseded",)

    def __init__(self) -> None:
        self.superseded = False


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self.next_update_id = first_update_id
        self.pending: dict[int, PendingUpdate] = {}  # insertion order is update_id order
        self.allowed: frozenset[str] | None = None  # None: everything but OPT_IN_ONLY
        self.arrived = Signal()
        self.on_push: list[Callable[[], None]] = []
        self.closing = False
        self.total_created = 0
        self._polls: list[_Poll] = []

    # --- producing ---------------------------------------------------------------------

    def wants(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in OPT_IN_ONLY
        return kind in self.allowed

    def push(
        self, kind: str, payload: dict[str, Any], chat_key: int | None
    ) -> PendingUpdate | None:
        """Queue an update; ``None`` when the bot's ``allowed_updates`` filter drops it."""
        if not self.wants(kind):
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        update = PendingUpdate(update_id, kind, chat_key, {"update_id": update_id, kind: payload})
        self.pending[update_id] = update
        self.total_created += 1
        self.arrived.fire()
        for callback in self.on_push:
            callback()
        return update

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """``None`` keeps the previous setting; an empty list means the default, as documented."""
        if allowed is None:
            return
        kinds = frozenset(allowed)
        self.allowed = kinds or None

    # --- consuming ---------------------------------------------------------------------

    def confirm_below(self, offset: int) -> None:
        for update_id in [u for u in self.pending if u < offset]:
            del self.pending[update_id]

    def keep_last(self, count: int) -> None:
        ids = list(self.pending)
        for update_id in ids[: max(0, len(ids) - count)]:
            del self.pending[update_id]

    def peek(self, limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for update in self.pending.values():
            if len(out) >= limit:
                break
            out.append(update.body)
        return out

    def remove(self, update_id: int) -> None:
        self.pending.pop(update_id, None)

    def clear(self) -> None:
        self.pending.clear()

    def close(self) -> None:
        """Release long polls so the server can shut down without waiting for them."""
        self.closing = True
        self.arrived.fire()

    async def long_poll(self, offset: int, limit: int, wait_seconds: float) -> list[dict[str, Any]]:
        if offset > 0:
            self.confirm_below(offset)
        elif offset < 0:
            self.keep_last(-offset)
        # A new request terminates any that is still waiting, like Telegram does.
        if self._polls:
            for poll in self._polls:
                poll.superseded = True
            self.arrived.fire()
        me = _Poll()
        self._polls.append(me)
        try:
            deadline = time.monotonic() + wait_seconds
            while True:
                if me.superseded:
                    raise conflict(
                        "terminated by other getUpdates request; make sure that only one bot "
                        "instance is running"
                    )
                items = self.peek(limit)
                if items or self.closing:
                    return items
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                await self.arrived.wait(remaining)
        finally:
            self._polls.remove(me)
