"""How a chat participant sees things: messages as they are now, and button presses."""

from __future__ import annotations

from typing import Any

from .files import StoredFile
from .state import CallbackRecord, ChatRecord, Message, World
from .waiting import wait_until


class ViewMessage:
    """A message as it looks in the chat right now (after any edit or delete)."""

    __slots__ = ("_chat", "_world", "raw")

    def __init__(self, world: World, chat: ChatRecord, raw: Message) -> None:
        self._world = world
        self._chat = chat
        self.raw = raw

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        return f"<ViewMessage #{self.message_id} from {who}: {self.kind} {self.text!r}>"

    @property
    def message_id(self) -> int:
        return int(self.raw["message_id"])

    @property
    def from_bot(self) -> bool:
        return bool(self.raw.get("from", {}).get("id") == self._world.bot.id)

    @property
    def deleted(self) -> bool:
        return self.message_id in self._chat.deleted

    @property
    def text(self) -> str | None:
        """The text, or the caption of a media message."""
        value = self.raw.get("text", self.raw.get("caption"))
        return None if value is None else str(value)

    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])

    @property
    def kind(self) -> str:
        for kind in ("text", "photo", "document", "video", "voice", "audio", "video_note"):
            if kind in self.raw:
                return kind
        return "contact" if "contact" in self.raw else "other"

    @property
    def edit_date(self) -> int | None:
        value = self.raw.get("edit_date")
        return None if value is None else int(value)

    @property
    def media_group_id(self) -> str | None:
        return self.raw.get("media_group_id")

    @property
    def reply_to_message_id(self) -> int | None:
        replied = self.raw.get("reply_to_message")
        return None if replied is None else int(replied["message_id"])

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.raw.get("reply_markup") or {}
        return list(markup.get("inline_keyboard", []))

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button texts, row by row."""
        return [[button["text"] for button in row] for row in self.inline_keyboard]

    def button(self, text: str) -> dict[str, Any] | None:
        for row in self.inline_keyboard:
            for button in row:
                if button["text"] == text:
                    return button
        return None

    @property
    def file(self) -> StoredFile | None:
        """The stored media of this message (the largest photo size), if any."""
        kind = self.kind
        if kind == "photo":
            return self._world.files.get(self.raw["photo"][-1]["file_id"])
        if kind in ("document", "video", "voice", "audio", "video_note"):
            return self._world.files.get(self.raw[kind]["file_id"])
        return None


class CallbackHandle:
    """An inline button press; lets a test wait for the bot's answerCallbackQuery."""

    __slots__ = ("_world", "record")

    def __init__(self, world: World, record: CallbackRecord) -> None:
        self._world = world
        self.record = record

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def data(self) -> str:
        return self.record.data

    @property
    def answer(self) -> dict[str, Any] | None:
        return self.record.answer

    async def wait_answer(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        return await wait_until(
            self._world.changed, lambda: self.record.answer, timeout, "answerCallbackQuery"
        )
