"""The emulated workspace: people, conversations, messages, threads, files, views.

Everything here is plain data plus lookups; the Web API, the simulated people and the
event delivery all mutate the same `Workspace`, so a test sees one consistent world.
"""

from __future__ import annotations

import mimetypes
import random
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# Slack IDs use upper-case letters and digits; drawing them from a seeded RNG keeps a test
# run reproducible while still looking like real IDs ("C04ABCD1234") in logs.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_HEX = "0123456789abcdef"


class IdGen:
    def __init__(self, seed: int) -> None:
        # Not for secrets: reproducible IDs are the point.
        self._rng = random.Random(seed)  # noqa: S311
        self._seen: set[str] = set()

    def new(self, prefix: str, length: int = 10) -> str:
        while True:
            candidate = prefix + "".join(self._rng.choices(_ALPHABET, k=length))
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate

    def secret(self, length: int = 24) -> str:
        return "".join(self._rng.choices(_HEX, k=length))

    def chance(self) -> float:
        return self._rng.random()


class TsClock:
    """Message timestamps: "seconds.micros", strictly increasing across the workspace.

    Slack guarantees uniqueness per channel; making them unique workspace-wide is simpler
    and lets a ts alone identify a message in test assertions.
    """

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> str:
        now = int(time.time() * 1_000_000)
        if now <= self._last:
            now = self._last + 1
        self._last = now
        return f"{now // 1_000_000}.{now % 1_000_000:06d}"


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    display_name: str = ""
    role: str = "customer"  # "agent", "customer" or "bot": who the simulated person is
    is_bot: bool = False
    bot_id: str | None = None
    app_id: str | None = None
    tz: str = "Europe/Berlin"
    tz_label: str = "Central European Time"
    tz_offset: int = 3600
    locale: str = "en-US"
    email: str = ""
    phone: str = ""  # as the person typed it in their profile
    title: str = ""
    deleted: bool = False
    is_admin: bool = False
    color: str = "9f69e7"

    def profile(self, base_url: str) -> JSON:
        first, _, last = self.real_name.partition(" ")
        images = {f"image_{n}": f"{base_url}/avatars/{self.id}/{n}.png" for n in _AVATAR_SIZES}
        profile: JSON = {
            "title": self.title,
            "phone": self.phone,
            "skype": "",
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": f"g{self.id[-6:].lower()}",
            "first_name": first,
            "last_name": last,
            "team": self.team_id,
            **images,
            "image_original": images["image_512"],
            "is_custom_image": False,
        }
        if self.email:
            profile["email"] = self.email
        if self.is_bot:
            profile["bot_id"] = self.bot_id
            profile["api_app_id"] = self.app_id
            profile["always_active"] = True
        return profile

    def to_api(self, base_url: str, *, include_locale: bool = False) -> JSON:
        data: JSON = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": self.color,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz_label,
            "tz_offset": self.tz_offset,
            "profile": self.profile(base_url),
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "is_email_confirmed": True,
            "who_can_share_contact_card": "EVERYONE",
        }
        if include_locale:
            data["locale"] = self.locale
        return data


_AVATAR_SIZES = (24, 32, 48, 72, 192, 512)


@dataclass
class Message:
    ts: str
    channel: str
    text: str
    user: str | None = None
    team: str = ""
    blocks: list[JSON] | None = None
    attachments: list[JSON] | None = None
    subtype: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    username: str | None = None
    icons: JSON | None = None
    bot_profile: JSON | None = None
    thread_ts: str | None = None
    parent_user_id: str | None = None
    reply_ts: list[str] = field(default_factory=list)  # on a parent: its replies, oldest first
    reply_users: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    edited: JSON | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    client_msg_id: str | None = None
    unfurl_links: bool = False
    unfurl_media: bool = True
    mrkdwn: bool = True
    metadata: JSON | None = None
    # A reply to a thread that does not exist: Slack answers ok but nobody ever sees it.
    orphan: bool = False
    # A deleted parent that still has replies stays as a tombstone, as in Slack.
    tombstone: bool = False

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def in_history(self) -> bool:
        """Shown in the channel itself (top-level or broadcast), not only inside a thread."""
        return not self.orphan and (not self.is_reply or self.subtype == "thread_broadcast")


@dataclass
class Channel:
    id: str
    name: str
    created: int
    creator: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    im_user: str | None = None
    is_archived: bool = False
    is_general: bool = False
    topic: str = ""
    purpose: str = ""
    messages: dict[str, Message] = field(default_factory=dict)  # ts -> message, ts order

    @property
    def channel_type(self) -> str:
        """The `channel_type` of message events."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    def to_api(self, *, viewer: str, team_id: str, include_num_members: bool = False) -> JSON:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": team_id,
                "updated": self.created * 1000,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: JSON = {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": team_id,
            "updated": self.created * 1000,
            "parent_conversation": None,
            "creator": self.creator,
            "is_member": viewer in self.members,
            "topic": {"value": self.topic, "creator": self.creator, "last_set": self.created},
            "purpose": {"value": self.purpose, "creator": self.creator, "last_set": self.created},
            "previous_names": [],
        }
        if include_num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class File:
    id: str
    name: str
    title: str
    user: str
    created: int
    expected_length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None  # None until the bytes reach the upload URL
    completed: bool = False
    shares: dict[str, list[JSON]] = field(default_factory=dict)  # channel id -> shares

    @property
    def mimetype(self) -> str:
        guessed, _ = mimetypes.guess_type(self.name)
        return guessed or "application/octet-stream"

    @property
    def filetype(self) -> str:
        _, dot, ext = self.name.rpartition(".")
        return ext.lower() if dot else "binary"

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


@dataclass
class View:
    id: str
    team_id: str
    user_id: str
    app_id: str
    bot_id: str
    type: str
    title: JSON | None
    blocks: list[JSON]
    callback_id: str = ""
    private_metadata: str = ""
    submit: JSON | None = None
    close: JSON | None = None
    external_id: str = ""
    notify_on_close: bool = False
    clear_on_close: bool = False
    hash: str = ""
    root_view_id: str = ""
    previous_view_id: str | None = None
    state_values: JSON = field(default_factory=dict)
    errors: JSON | None = None  # the last response_action=errors, as the user would see it

    def to_api(self) -> JSON:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": self.blocks,
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": self.state_values},
            "hash": self.hash,
            "title": self.title,
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "close": self.close,
            "submit": self.submit,
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id or self.id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }


@dataclass
class Ephemeral:
    """A message only one person sees (chat.postEphemeral, response_url, command replies)."""

    user: str
    channel: str
    ts: str
    text: str
    blocks: list[JSON] | None = None
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"


@dataclass
class Trigger:
    id: str
    user_id: str
    created: float  # time.monotonic()
    used: bool = False


@dataclass
class ResponseUrl:
    id: str
    user_id: str
    channel_id: str | None
    message_ts: str | None
    thread_ts: str | None
    created: float
    uses: int = 0
    posts: list[JSON] = field(default_factory=list)


@dataclass
class AppIdentity:
    """The app under test as Slack knows it: its IDs, tokens and secrets."""

    app_id: str
    bot_id: str
    bot_user_id: str
    bot_token: str
    app_token: str
    signing_secret: str
    verification_token: str
    name: str = "supportbot"
