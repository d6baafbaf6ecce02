"""What the emulated Telegram knows: the bot, users, chats and their messages.

Messages are kept as the JSON dicts the Bot API returns, so what a method answers, what an
update carries and what a simulated user reads back are the same object; edits change it in
place and deletes mark it. Everything here is synchronous and lives on the event loop thread.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .files import FileStore
from .updates import UpdateQueue
from .waiting import Signal

Message = dict[str, Any]


@dataclass(slots=True)
class BotIdentity:
    id: int
    first_name: str
    username: str

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def get_me(self) -> dict[str, Any]:
        return {
            **self.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass(slots=True)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(slots=True)
class CallbackRecord:
    """An inline button press and, once the bot calls answerCallbackQuery, its answer."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None


@dataclass
class ChatRecord:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: UserRecord | None = None  # the other party of a private chat
    started: bool = False  # private chats: the user pressed Start at least once
    blocked: bool = False  # private chats: the user blocked the bot
    messages: dict[int, Message] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    next_message_id: int = 1
    reply_keyboard: dict[str, Any] | None = None  # the keyboard the user currently sees
    force_reply: bool = False
    # Messages sent with a reply keyboard, its removal or force_reply: Telegram won't edit them.
    keyboard_messages: set[int] = field(default_factory=set)
    chat_actions: list[str] = field(default_factory=list)
    _api: dict[str, Any] | None = None

    def to_api(self) -> dict[str, Any]:
        # Built once: every message of the chat carries the same (immutable here) object.
        if self._api is None:
            if self.user is not None:
                api: dict[str, Any] = {"id": self.id, "first_name": self.user.first_name}
                if self.user.last_name:
                    api["last_name"] = self.user.last_name
                if self.user.username:
                    api["username"] = self.user.username
                api["type"] = "private"
            else:
                api = {"id": self.id, "title": self.title or "", "type": self.type}
            self._api = api
        return self._api

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def get(self, message_id: int) -> Message | None:
        """A message that still exists (not deleted)."""
        if message_id in self.deleted:
            return None
        return self.messages.get(message_id)


def snapshot(message: Message) -> Message:
    """A message as it appears inside another one (``reply_to_message``, callback ``message``).

    Telegram never nests a reply's own ``reply_to_message`` a second level deep.
    """
    copy = dict(message)
    copy.pop("reply_to_message", None)
    return copy


class World:
    """The whole emulated Telegram as seen by one bot."""

    def __init__(
        self,
        bot: BotIdentity,
        *,
        first_update_id: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files = FileStore()
        self.updates = UpdateQueue(first_update_id)
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # Fired on every change a chat participant could see; the user helpers wait on it.
        self.changed = Signal()
        self.version = 0
        self._next_user_id = 100_000_001
        self._next_group_id = -1_000_000_001

    def now(self) -> int:
        return int(self.clock())

    def new_user_id(self) -> int:
        self._next_user_id += 1
        return self._next_user_id

    def new_group_id(self) -> int:
        self._next_group_id -= 1
        return self._next_group_id

    def lookup_user(self, user_id: int) -> dict[str, Any] | None:
        user = self.users.get(user_id)
        return user.to_api() if user else None

    def add_user(self, user: UserRecord) -> ChatRecord:
        self.users[user.id] = user
        chat = ChatRecord(id=user.id, type="private", user=user)
        self.chats[user.id] = chat
        return chat

    def add_group(self, title: str, supergroup: bool = False) -> ChatRecord:
        chat = ChatRecord(
            id=self.new_group_id(), type="supergroup" if supergroup else "group", title=title
        )
        self.chats[chat.id] = chat
        return chat

    def store(self, chat: ChatRecord, message: Message) -> Message:
        chat.messages[message["message_id"]] = message
        self.touch()
        return message

    def touch(self) -> None:
        """Record that something a participant can see changed, and wake whoever waits."""
        self.version += 1
        self.changed.fire()

    def new_callback_id(self) -> str:
        return str(secrets.randbits(62))
