"""What a person says to the bot, and what the bot says back, in no platform's words.

Adapters translate platform updates into `Input`s and render `Say`s their own way (Telegram:
HTML and inline keyboards; Slack: mrkdwn and Block Kit). Flows only ever see these types.

Text in a `Say` is "mini-HTML": plain text where only <b>, <i>, <u>, <s>, <code>, <pre> and
<a href> are markup and everything else is escaped (`&amp;`, `&lt;`, `&gt;`). Texts come from the
translation files, and every value a person supplied is HTML-escaped before it is put in (see
`bot.texts`), so a renderer can trust the markup and nothing a customer typed can become markup.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from enum import StrEnum
from typing import Any


class FileKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO = "video"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO_NOTE = "video_note"
    ANIMATION = "animation"


@dataclass(frozen=True)
class Text:
    text: str
    message_id: str
    reply_to_message_id: str | None = None


@dataclass(frozen=True)
class Command:
    """A slash command such as /start PAYLOAD, /menu, /cancel."""

    name: str
    args: str = ""
    message_id: str = ""


@dataclass(frozen=True)
class Press:
    """A button press. `data` is the button's action, already checked by the adapter."""

    data: str
    message_id: str


@dataclass(frozen=True)
class IncomingFile:
    """A file the person sent; the bytes are fetched through the adapter when needed."""

    kind: FileKind
    file_ref: str  # the platform's handle to download it (Telegram file_id, Slack url_private)
    message_id: str
    size: int | None  # as the platform declares it; the real size is counted while streaming
    file_name: str | None = None
    mime_type: str | None = None
    caption: str = ""
    group_id: str | None = None  # albums: items sharing this arrive together
    reply_to_message_id: str | None = None


@dataclass(frozen=True)
class Files:
    """One or more files sent together (an album is gathered into one input)."""

    items: tuple[IncomingFile, ...]


@dataclass(frozen=True)
class Contact:
    phone: str
    own: bool  # the person shared their own contact, not someone else's


@dataclass(frozen=True)
class Edited:
    """The person edited a message they had sent."""

    message_id: str
    text: str


Input = Text | Command | Press | Files | Contact | Edited


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # short: the adapter adds a signature and must stay within 64 bytes
    url: str | None = None  # a link button instead of a callback


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Compose:
    """A form for a long answer, where the platform has one (a Slack modal); texts translated.
    Platforms without forms ignore it: the person types the answer in the chat as usual."""

    button: str  # opens the form
    title: str
    submit: str
    label: str  # above the text field


@dataclass(frozen=True)
class Say:
    """One message from the bot to the person."""

    text: str  # mini-HTML, see the module's docstring
    buttons: Keyboard = ()
    ask_contact: str | None = None  # label of a "share my phone number" button, if asked
    clear_reply_keyboard: bool = False
    ticket_number: int | None = None  # thread it under this ticket's first message
    replace_message_id: str | None = None  # edit this bot message instead of sending a new one
    attachment_ids: tuple[str, ...] = ()  # core Attachment ids (as strings) to send with it
    compose: Compose | None = None  # the answer may be written in a form (see Compose)


def keyboard(*rows: list[Button] | tuple[Button, ...]) -> Keyboard:
    return tuple(tuple(row) for row in rows if row)


SAY_EVENT = "say"  # the outbox event_type of a Say a flow wrote


def say_to_payload(say: Say) -> dict[str, Any]:
    """A JSON-safe form of a Say, for the outbox."""
    return {
        "text": say.text,
        "buttons": [[[b.label, b.data, b.url] for b in row] for row in say.buttons],
        "ask_contact": say.ask_contact,
        "clear_reply_keyboard": say.clear_reply_keyboard,
        "ticket_number": say.ticket_number,
        "replace_message_id": say.replace_message_id,
        "attachment_ids": list(say.attachment_ids),
        "compose": list(astuple(say.compose)) if say.compose else None,
    }


def say_from_payload(payload: dict[str, Any]) -> Say:
    return Say(
        text=str(payload["text"]),
        buttons=tuple(
            tuple(Button(label, data, url) for label, data, url in row)
            for row in payload.get("buttons", [])
        ),
        ask_contact=payload.get("ask_contact"),
        clear_reply_keyboard=bool(payload.get("clear_reply_keyboard", False)),
        ticket_number=payload.get("ticket_number"),
        replace_message_id=payload.get("replace_message_id"),
        attachment_ids=tuple(payload.get("attachment_ids", ())),
        compose=Compose(*payload["compose"]) if payload.get("compose") else None,
    )
