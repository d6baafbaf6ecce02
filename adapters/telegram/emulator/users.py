"""Simulated Telegram users: what a person does in the app, turned into bot updates.

Each action stores the user's message in the chat and queues the update the bot would get
(``message``, ``edited_message``, ``callback_query``, ``my_chat_member``), with the fields
Telegram fills in: entities for commands, ``reply_to_message``, ``media_group_id``,
``edit_date``, ``chat_instance``. Actions are plain methods; waiting for the bot's answer is
``await user.wait_for_message(...)``.

The user's view of the chat is read from the same stored messages the bot edits and deletes,
so it always shows the current text and keyboards.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .errors import EmulatorUsageError
from .files import guess_mime
from .formatting import auto_entities
from .state import CallbackRecord, ChatRecord, Message, UserRecord, World, snapshot
from .views import CallbackHandle, ViewMessage
from .waiting import wait_until

MediaKind = Literal["photo", "video", "document", "audio"]


@dataclass(frozen=True, slots=True)
class AlbumItem:
    """One item of an album a user sends."""

    kind: MediaKind
    data: bytes
    caption: str | None = None
    file_name: str | None = None
    mime_type: str | None = None


class SimUser:
    """A person using Telegram; create with ``TelegramEmulator.add_user``."""

    def __init__(self, world: World, record: UserRecord, chat: ChatRecord) -> None:
        self._world = world
        self.record = record
        self.chat = chat
        self._consumed: set[int] = set()

    def __repr__(self) -> str:
        return f"<SimUser {self.record.id} {self.record.first_name!r}>"

    # --- identity ----------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def first_name(self) -> str:
        return self.record.first_name

    @property
    def username(self) -> str | None:
        return self.record.username

    @property
    def language_code(self) -> str | None:
        return self.record.language_code

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def started(self) -> bool:
        return self.chat.started

    @property
    def blocked(self) -> bool:
        return self.chat.blocked

    # --- actions -----------------------------------------------------------------------

    def start(self, payload: str | None = None) -> ViewMessage:
        """Press Start (or open a ``t.me/bot?start=payload`` deep link): sends ``/start``.

        A user who had blocked the bot unblocks it first, as Telegram's Restart button does.
        """
        if self.chat.blocked:
            self.unblock()
        self.chat.started = True
        text = "/start" if not payload else f"/start {payload}"
        return self._send({"text": text, "entities": auto_entities(text)})

    def send_text(
        self,
        text: str,
        *,
        reply_to: ViewMessage | int | None = None,
        chat: ChatRecord | None = None,
    ) -> ViewMessage:
        message: Message = {"text": text}
        entities = auto_entities(text)
        if entities:
            message["entities"] = entities
        return self._send(message, reply_to=reply_to, chat=chat)

    def reply(self, to: ViewMessage | int, text: str) -> ViewMessage:
        return self.send_text(text, reply_to=to)

    def send_photo(
        self, data: bytes, caption: str | None = None, *, reply_to: ViewMessage | int | None = None
    ) -> ViewMessage:
        sizes = self._world.files.add_photo(data)
        return self._send(
            self._with_caption({"photo": [s.to_api() for s in sizes]}, caption), reply_to=reply_to
        )

    def send_document(
        self,
        data: bytes,
        file_name: str = "document.bin",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> ViewMessage:
        stored = self._world.files.add(
            "document", data, file_name=file_name, mime_type=guess_mime(file_name, mime_type)
        )
        return self._send(self._with_caption({"document": stored.to_api()}, caption))

    def send_video(
        self,
        data: bytes,
        *,
        duration: int = 1,
        width: int = 640,
        height: int = 360,
        file_name: str = "video.mp4",
        mime_type: str = "video/mp4",
        caption: str | None = None,
    ) -> ViewMessage:
        stored = self._world.files.add(
            "video",
            data,
            duration=duration,
            width=width,
            height=height,
            file_name=file_name,
            mime_type=mime_type,
        )
        return self._send(self._with_caption({"video": stored.to_api()}, caption))

    def send_voice(
        self, data: bytes, *, duration: int = 1, mime_type: str = "audio/ogg"
    ) -> ViewMessage:
        stored = self._world.files.add("voice", data, duration=duration, mime_type=mime_type)
        return self._send({"voice": stored.to_api()})

    def send_video_note(self, data: bytes, *, duration: int = 1, length: int = 240) -> ViewMessage:
        stored = self._world.files.add(
            "video_note", data, duration=duration, width=length, height=length
        )
        return self._send({"video_note": stored.to_api()})

    def send_audio(
        self,
        data: bytes,
        *,
        duration: int = 1,
        performer: str | None = None,
        title: str | None = None,
        file_name: str = "audio.mp3",
        mime_type: str = "audio/mpeg",
        caption: str | None = None,
    ) -> ViewMessage:
        stored = self._world.files.add(
            "audio",
            data,
            duration=duration,
            performer=performer,
            title=title,
            file_name=file_name,
            mime_type=mime_type,
        )
        return self._send(self._with_caption({"audio": stored.to_api()}, caption))

    def send_album(self, items: Sequence[AlbumItem]) -> list[ViewMessage]:
        """2-10 items sharing one ``media_group_id``, each arriving as its own update."""
        if not 2 <= len(items) <= 10:
            raise EmulatorUsageError("an album has 2 to 10 items")
        group_id = str(secrets.randbits(63))
        sent: list[ViewMessage] = []
        for item in items:
            if item.kind == "photo":
                media: Message = {
                    "photo": [s.to_api() for s in self._world.files.add_photo(item.data)]
                }
            else:
                name = item.file_name or {"video": "video.mp4", "audio": "audio.mp3"}.get(
                    item.kind, "document.bin"
                )
                stored = self._world.files.add(
                    item.kind,
                    item.data,
                    file_name=name,
                    mime_type=guess_mime(name, item.mime_type),
                    duration=1 if item.kind in ("video", "audio") else 0,
                )
                media = {item.kind: stored.to_api()}
            media["media_group_id"] = group_id
            sent.append(self._send(self._with_caption(media, item.caption)))
        return sent

    def share_contact(self, phone_number: str | None = None) -> ViewMessage:
        """Share the user's own phone number, as the request_contact button does."""
        phone = phone_number or self.record.phone_number or f"+1555{self.id % 10_000_000:07d}"
        self.record.phone_number = phone
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": self.record.first_name,
            "user_id": self.id,
        }
        if self.record.last_name:
            contact["last_name"] = self.record.last_name
        return self._send({"contact": contact})

    def press(self, button_text: str, message: ViewMessage | None = None) -> CallbackHandle:
        """Press an inline callback button, by default on the newest bot message showing it."""
        target = message or self._message_with_button(button_text)
        button = target.button(button_text)
        if button is None or target.deleted:
            raise EmulatorUsageError(f"no button {button_text!r} on message {target.message_id}")
        if "callback_data" not in button:
            raise EmulatorUsageError(
                f"button {button_text!r} is not a callback button: the bot gets nothing"
            )
        record = CallbackRecord(
            id=self._world.new_callback_id(),
            user_id=self.id,
            chat_id=self.chat.id,
            message_id=target.message_id,
            data=button["callback_data"],
        )
        self._world.callbacks[record.id] = record
        query = {
            "id": record.id,
            "from": self.record.to_api(),
            "message": snapshot(target.raw),
            "chat_instance": str((self.chat.id * 0x9E3779B97F4A7C15) % (1 << 63)),
            "data": record.data,
        }
        self._world.updates.push("callback_query", query, self.chat.id)
        self._world.touch()
        return CallbackHandle(self._world, record)

    def tap_reply_button(self, text: str) -> ViewMessage:
        """Tap a button of the reply keyboard the bot showed (text, or request_contact)."""
        keyboard = self.chat.reply_keyboard
        button = None
        if keyboard is not None:
            button = next(
                (b for row in keyboard["keyboard"] for b in row if b.get("text") == text), None
            )
        if button is None:
            raise EmulatorUsageError(f"no reply keyboard button {text!r} is shown")
        if keyboard is not None and keyboard.get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        if button.get("request_contact"):
            return self.share_contact()
        return self.send_text(text)

    def edit(self, message: ViewMessage | int, text: str) -> ViewMessage:
        """Edit one of the user's own text messages: the bot gets ``edited_message``."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self.chat.get(message_id)
        if stored is None or stored.get("from", {}).get("id") != self.id or "text" not in stored:
            raise EmulatorUsageError(f"message {message_id} is not a text message of this user")
        stored["text"] = text
        entities = auto_entities(text)
        if entities:
            stored["entities"] = entities
        else:
            stored.pop("entities", None)
        stored["edit_date"] = self._world.now()
        self._world.updates.push("edited_message", dict(stored), self.chat.id)
        self._world.touch()
        return ViewMessage(self._world, self.chat, stored)

    def block(self) -> None:
        """Block the bot: ``my_chat_member`` member -> kicked; sends to this chat then get 403."""
        if self.chat.blocked:
            return
        self.chat.blocked = True
        self._member_update("member", "kicked")

    def unblock(self) -> None:
        if not self.chat.blocked:
            return
        self.chat.blocked = False
        self._member_update("kicked", "member")

    # --- reading the chat --------------------------------------------------------------

    def messages(self, include_deleted: bool = False) -> list[ViewMessage]:
        chat = self.chat
        return [
            ViewMessage(self._world, chat, raw)
            for message_id, raw in chat.messages.items()
            if include_deleted or message_id not in chat.deleted
        ]

    def bot_messages(self) -> list[ViewMessage]:
        return [m for m in self.messages() if m.from_bot]

    def last_bot_message(self) -> ViewMessage | None:
        bot_id = self._world.bot.id
        for message_id in reversed(self.chat.messages):
            raw = self.chat.messages[message_id]
            if message_id not in self.chat.deleted and raw.get("from", {}).get("id") == bot_id:
                return ViewMessage(self._world, self.chat, raw)
        return None

    @property
    def reply_keyboard(self) -> dict[str, Any] | None:
        return self.chat.reply_keyboard

    @property
    def chat_actions(self) -> list[str]:
        return self.chat.chat_actions

    async def wait_for_message(
        self,
        predicate: Callable[[ViewMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
    ) -> ViewMessage:
        """The oldest bot message not returned before (and matching ``predicate``); waits for it."""

        def check() -> ViewMessage | None:
            for message in self.bot_messages():
                if message.message_id in self._consumed:
                    continue
                if predicate is None or predicate(message):
                    self._consumed.add(message.message_id)
                    return message
            return None

        return await wait_until(self._world.changed, check, timeout, "a bot message")

    async def wait_until(
        self,
        condition: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every chat change); return it."""

        def check() -> Any:
            result = condition()
            return result if result else None

        return await wait_until(self._world.changed, check, timeout, "the condition")

    # --- internals ---------------------------------------------------------------------

    def _with_caption(self, message: Message, caption: str | None) -> Message:
        if caption:
            message["caption"] = caption
            entities = auto_entities(caption)
            if entities:
                message["caption_entities"] = entities
        return message

    def _message_with_button(self, text: str) -> ViewMessage:
        for message in reversed(self.bot_messages()):
            if message.button(text) is not None:
                return message
        raise EmulatorUsageError(f"no bot message shows a button {text!r}")

    def _send(
        self,
        content: Message,
        *,
        reply_to: ViewMessage | int | None = None,
        chat: ChatRecord | None = None,
    ) -> ViewMessage:
        chat = chat or self.chat
        if chat is self.chat:
            if not self.chat.started:
                raise EmulatorUsageError(f"{self!r} has not started the bot: call start() first")
            if self.chat.blocked:
                raise EmulatorUsageError(f"{self!r} blocked the bot: call unblock() or start()")
        world = self._world
        message: Message = {
            "message_id": chat.allocate_message_id(),
            "from": self.record.to_api(),
            "chat": chat.to_api(),
            "date": world.now(),
        }
        if reply_to is not None:
            replied_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            replied = chat.get(replied_id)
            if replied is None:
                raise EmulatorUsageError(f"message {replied_id} is not in the chat")
            message["reply_to_message"] = snapshot(replied)
        message.update(content)
        world.store(chat, message)
        # The update gets its own copy: later edits must not rewrite what was already queued.
        world.updates.push("message", dict(message), chat.id)
        return ViewMessage(world, chat, message)

    def _member_update(self, old: str, new: str) -> None:
        bot = self._world.bot.to_api()
        old_member: dict[str, Any] = {"status": old, "user": bot}
        new_member: dict[str, Any] = {"status": new, "user": bot}
        for member in (old_member, new_member):
            if member["status"] == "kicked":
                member["until_date"] = 0
        update = {
            "chat": self.chat.to_api(),
            "from": self.record.to_api(),
            "date": self._world.now(),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        self._world.updates.push("my_chat_member", update, self.chat.id)
        self._world.touch()
