"""A message waiting for its ticket: what the person sent, kept JSON-safe in the conversation
state while they decide, so nothing they wrote is lost on the way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.flows.engine import Session
from bot.flows.files import new_files, take_file
from bot.flows.io import Files, Text
from core.commands import NewFile


@dataclass(frozen=True)
class Pending:
    """A message (text and/or files already in the file store) not yet on a ticket; JSON-safe
    so it waits in the conversation state."""

    text: str
    message_id: str
    files: tuple[dict[str, Any], ...] = ()  # report.py's shape, so a new report can take them
    reply_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "message_id": self.message_id,
            "files": list(self.files),
            "reply_to": self.reply_to,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Pending:
        return cls(
            text=str(raw.get("text", "")),
            message_id=str(raw.get("message_id", "")),
            files=tuple(raw.get("files") or ()),
            reply_to=raw.get("reply_to"),
        )

    def new_files(self) -> tuple[NewFile, ...]:
        return new_files(self.files)


def pending_of(s: Session) -> list[Pending]:
    return [Pending.from_json(raw) for raw in s.state.data.get("pending", [])]


def keep(s: Session, messages: Sequence[Pending]) -> None:
    s.state.data["pending"] = [m.to_json() for m in messages]


async def take_message(s: Session, received: Text | Files) -> Pending | None:
    """What the person sent, with its files fetched into the store now (platform file handles
    do not last, and a refused file is best explained at once). None: nothing left to send."""
    if isinstance(received, Text):
        if not received.text.strip():
            return None
        return Pending(received.text, received.message_id, reply_to=received.reply_to_message_id)
    files = await _fetch(s, received)
    caption = "\n".join(item.caption for item in received.items if item.caption.strip())
    if not files and not caption:
        return None
    first = received.items[0]
    reply_to = next((i.reply_to_message_id for i in received.items if i.reply_to_message_id), None)
    return Pending(caption, first.message_id, tuple(files), reply_to)


async def _fetch(s: Session, received: Files) -> list[dict[str, Any]]:
    # The ticket's own count is checked by the core when the files are recorded.
    taken = [await take_file(s, item, already=0) for item in received.items]
    return [stored for stored in taken if stored is not None]
