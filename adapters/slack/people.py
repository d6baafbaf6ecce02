"""Who is who in Slack, asked sparingly: the support channel's members and people's names.

Being an agent means being a member of the support channel, so every action asks "is this
person in the channel?". conversations.members is a Tier 4 method, but a busy desk clicks a lot:
the answer is kept for a short while and asked again when someone unknown shows up (an agent
who joined a minute ago must not wait for the cache to expire).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["ChannelMembers", "Names", "Profile", "display_name"]


class ChannelMembers:
    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        ttl: float = 60.0,
        recheck_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = channel
        self._ttl = ttl
        self._recheck_after = recheck_after
        self._clock = clock
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def contains(self, user_id: str) -> bool:
        """Whether `user_id` is in the channel. SlackApiError when Slack cannot say."""
        age = self._age()
        if age is None or age > self._ttl:
            await self._refresh()
        if user_id in self._members:
            return True
        age = self._age()
        if age is not None and age > self._recheck_after:
            await self._refresh()  # joined since we last asked?
        return user_id in self._members

    def forget(self) -> None:
        """Someone joined or left: ask again next time."""
        self._fetched_at = None

    def _age(self) -> float | None:
        return None if self._fetched_at is None else self._clock() - self._fetched_at

    async def _refresh(self) -> None:
        async with self._lock:
            age = self._age()
            if age is not None and age < 0.5:
                return  # another caller refreshed while this one waited for the lock
            started = self._clock()
            members: set[str] = set()
            cursor: str | None = None
            while True:
                answer = await self._client.conversations_members(
                    channel=self._channel, limit=1000, cursor=cursor
                )
                members.update(str(m) for m in answer.get("members") or [])
                metadata = answer.get("response_metadata") or {}
                cursor = metadata.get("next_cursor") or None
                if not cursor:
                    break
            self._members = frozenset(members)
            self._fetched_at = started


@dataclass(frozen=True)
class Profile:
    name: str
    locale: str | None  # e.g. "pl-PL": what the person's Slack speaks
    phone: str = ""  # from their Slack profile, if they filled it in


class Names:
    """People's display names (and locales) from users.info, remembered (they rarely change)."""

    def __init__(self, client: AsyncWebClient, *, limit: int = 1024) -> None:
        self._client = client
        self._limit = limit
        self._known: OrderedDict[str, Profile] = OrderedDict()

    async def name(self, user_id: str) -> str:
        """Their display name; SlackApiError when Slack does not know them."""
        return (await self.profile(user_id)).name

    async def profile(self, user_id: str, *, fresh: bool = False) -> Profile:
        """Their display name and locale (`fresh`: asked anew); SlackApiError when Slack
        does not know them."""
        if user_id in self._known and not fresh:
            self._known.move_to_end(user_id)
            return self._known[user_id]
        answer = await self._client.users_info(user=user_id, include_locale=True)
        user = answer.get("user") or {}
        locale = user.get("locale")
        phone = str((user.get("profile") or {}).get("phone") or "").strip()
        found = Profile(display_name(user) or user_id, str(locale) if locale else None, phone)
        self._known[user_id] = found
        while len(self._known) > self._limit:
            self._known.popitem(last=False)
        return found


def display_name(user: dict[str, Any]) -> str:
    """What Slack shows for a person: the display name they chose, else their full name."""
    profile = user.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return ""
