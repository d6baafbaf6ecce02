"""What agents did in Slack, in the desk's words: pure functions over Slack's payloads.

Three kinds of payload reach the bot: Events API `message` events (an agent wrote or edited a
reply in a ticket's thread), `block_actions` (a button or select on a ticket's card) and
`view_submission` (a modal opened from a card was sent). Each becomes one intent; whatever is
not the desk's business becomes `Ignore` with the reason, so the listener can acknowledge it
without recording it.

What counts, and why:
- only the support channel, only thread replies (a top-level message is not about a ticket);
- never a bot's post, the bot's own above all: its thread lines would come back as replies;
- a reply that starts with the note prefix (case-insensitive) is an internal note;
- "also send to the channel" (thread_broadcast) is not relayed: the whole channel saw it, so
  it reads as talk among agents; the agent is told, so nothing is lost without notice;
- deleted messages are ignored for now (the customer keeps what they received).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from adapters.slack import blocks as card
from adapters.slack import modals
from core.model import Priority, TicketStatus

__all__ = [
    "BROADCAST",
    "AgentReply",
    "AssignMe",
    "Close",
    "Desk",
    "Edit",
    "Hint",
    "Ignore",
    "Intent",
    "Note",
    "OnCard",
    "OpenRequestInfoModal",
    "OpenResolveModal",
    "Origin",
    "Reopen",
    "RequestInfo",
    "Resolve",
    "SetExpectedClose",
    "SetPriority",
    "SetStatus",
    "SlackFile",
    "event_id",
    "mentioned_users",
    "plain_text",
    "submitted_text",
    "translate",
]

Payload = Mapping[str, Any]

# Message subtypes that are a person writing: a plain message has none.
_WRITTEN = frozenset({None, "file_share", "thread_broadcast"})
# Files Slack will not hand out: deleted, beyond the free plan's limit, or only a link.
_UNAVAILABLE_MODES = frozenset({"tombstone", "hidden_by_limit", "external"})


@dataclass(frozen=True)
class Desk:
    """What translating needs to know of the installation."""

    channel: str  # the support channel's id
    note_prefix: str = "note:"
    bot_user_id: str | None = None  # the bot's own user id, when known


@dataclass(frozen=True)
class Origin:
    """Who acted, and in which ticket's thread (channel and the parent's ts)."""

    user: str
    channel: str
    thread_ts: str
    response_url: str | None = None  # interactions only: answers the person, member or not

    @property
    def key(self) -> str:
        """One ticket thread's ordering key: its events are handled one at a time, in order."""
        return f"slack:{self.channel}:{self.thread_ts}"


@dataclass(frozen=True)
class SlackFile:
    id: str
    name: str
    url: str  # url_private_download (or url_private): needs the bot token
    size: int | None = None
    mimetype: str | None = None


@dataclass(frozen=True)
class AgentReply:
    origin: Origin
    ts: str
    text: str  # Slack's mrkdwn, as typed; see plain_text
    files: tuple[SlackFile, ...] = ()
    unavailable: tuple[str, ...] = ()  # names of files Slack does not hand out


@dataclass(frozen=True)
class Note:
    origin: Origin
    ts: str
    text: str  # without the prefix
    files: tuple[SlackFile, ...] = ()  # notes keep no files: the agent is told


@dataclass(frozen=True)
class Edit:
    origin: Origin
    ts: str  # the edited message's own ts
    text: str  # without the note prefix when `as_note`
    as_note: bool = False  # the new text starts with the note prefix


@dataclass(frozen=True)
class Hint:
    """Not relayed, but the agent should know why (see HINTS)."""

    origin: Origin
    reason: str


@dataclass(frozen=True)
class Ignore:
    reason: str


@dataclass(frozen=True)
class OnCard:
    """Something an agent did about the ticket numbered `number` (from its card or a modal)."""

    origin: Origin
    number: int


@dataclass(frozen=True)
class AssignMe(OnCard):
    pass


@dataclass(frozen=True)
class SetStatus(OnCard):
    status: TicketStatus = field(kw_only=True)


@dataclass(frozen=True)
class SetPriority(OnCard):
    priority: Priority = field(kw_only=True)


@dataclass(frozen=True)
class OpenResolveModal(OnCard):
    trigger_id: str = field(kw_only=True)


@dataclass(frozen=True)
class OpenRequestInfoModal(OnCard):
    trigger_id: str = field(kw_only=True)


@dataclass(frozen=True)
class Close(OnCard):
    pass


@dataclass(frozen=True)
class SetExpectedClose(OnCard):
    day: date | None = field(kw_only=True)  # None: the date is withdrawn


@dataclass(frozen=True)
class Reopen(OnCard):
    pass


@dataclass(frozen=True)
class Resolve(OnCard):
    text: str = field(kw_only=True)


@dataclass(frozen=True)
class RequestInfo(OnCard):
    text: str = field(kw_only=True)


Intent = (
    AgentReply
    | Note
    | Edit
    | Hint
    | Ignore
    | AssignMe
    | SetStatus
    | SetPriority
    | OpenResolveModal
    | OpenRequestInfoModal
    | Close
    | SetExpectedClose
    | Reopen
    | Resolve
    | RequestInfo
)

BROADCAST = "broadcast"


def translate(body: Payload, desk: Desk) -> Intent:
    """What an Events API envelope or an interaction payload means to the desk."""
    kind = body.get("type")
    try:
        if kind == "event_callback":
            return _event(_dict(body.get("event")), desk)
        if kind == "block_actions":
            return _action(body, desk)
        if kind == "view_submission":
            return _submission(body, desk)
    except (KeyError, TypeError, ValueError) as exc:
        # Slack's shapes are documented; anything else is not ours to act on, nor to crash on.
        return Ignore(f"malformed {kind}: {type(exc).__name__}")
    return Ignore(f"not handled: {kind}")


def event_id(body: Payload) -> str:
    """The inbox key: the same for Slack's retries of one event, unique otherwise.

    Events carry their id. Interactions are never retried; a trigger id is unique per click,
    and a view's hash changes whenever the view does.
    """
    kind = body.get("type")
    if kind is None and "command" in body:
        return f"command:{body.get('trigger_id')}"  # see adapters.slack.commands
    if kind == "event_callback":
        if body.get("event_id") is None:
            # Slack always sends one; a payload without it is still recorded, once.
            canonical = json.dumps(body, sort_keys=True, default=str).encode()
            return "body:" + hashlib.sha256(canonical).hexdigest()
        return str(body["event_id"])[:200]
    if kind == "view_submission":
        view = _dict(body.get("view"))
        return f"view:{view.get('id')}:{view.get('hash')}"
    return f"action:{body.get('trigger_id')}"


# -- messages -------------------------------------------------------------------------------


def _event(event: Payload, desk: Desk) -> Intent:
    if event.get("type") != "message":
        return Ignore(f"event {event.get('type')}")
    channel = event.get("channel")
    if channel != desk.channel:
        return Ignore("not the support channel")
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _edit(event, desk)
    message = event
    if _by_a_bot(message, desk):
        return Ignore("a bot's message")
    if subtype not in _WRITTEN:
        return Ignore(f"message {subtype}")
    origin = _reply_origin(message, channel)
    if origin is None:
        return Ignore("not in a thread")
    ts = str(message["ts"])
    if subtype == "thread_broadcast":
        return Hint(origin, BROADCAST)
    text = str(message.get("text") or "")
    files, unavailable = _files(message.get("files"))
    note = _strip_note(text, desk.note_prefix)
    if note is not None:
        return Note(origin, ts, note, files)
    return AgentReply(origin, ts, text, files, unavailable)


def _edit(event: Payload, desk: Desk) -> Intent:
    message = _dict(event.get("message"))
    if _by_a_bot(message, desk):
        return Ignore("a bot's message changed")
    origin = _reply_origin(message, str(event["channel"]))
    if origin is None:
        return Ignore("not a thread reply")  # a parent changes when replies are counted
    previous = _dict(event.get("previous_message"))
    text = str(message.get("text") or "")
    if text == previous.get("text"):
        return Ignore("text unchanged")  # an unfurl, a language tag, a file's preview
    note = _strip_note(text, desk.note_prefix)
    if note is not None:
        return Edit(origin, str(message["ts"]), note, as_note=True)
    return Edit(origin, str(message["ts"]), text)


def _by_a_bot(message: Payload, desk: Desk) -> bool:
    return (
        bool(message.get("bot_id"))
        or message.get("subtype") == "bot_message"
        or (desk.bot_user_id is not None and message.get("user") == desk.bot_user_id)
    )


def _reply_origin(message: Payload, channel: str) -> Origin | None:
    """The thread a reply belongs to; None for a top-level message or a thread's parent."""
    thread_ts, ts, user = message.get("thread_ts"), message.get("ts"), message.get("user")
    if not thread_ts or thread_ts == ts or not user:
        return None
    return Origin(str(user), channel, str(thread_ts))


def _strip_note(text: str, prefix: str) -> str | None:
    """The note's text when `text` starts with the prefix (any case), else None."""
    stripped = text.lstrip()
    if prefix and stripped[: len(prefix)].casefold() == prefix.casefold():
        return stripped[len(prefix) :].strip()
    return None


def _files(raw: Any) -> tuple[tuple[SlackFile, ...], tuple[str, ...]]:
    files: list[SlackFile] = []
    unavailable: list[str] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or item.get("title") or "file")
        url = item.get("url_private_download") or item.get("url_private")
        if item.get("mode") in _UNAVAILABLE_MODES or not url or not item.get("id"):
            unavailable.append(name)
            continue
        size = item.get("size")
        files.append(
            SlackFile(
                id=str(item["id"]),
                name=name,
                url=str(url),
                size=int(size) if isinstance(size, int) else None,
                mimetype=str(item["mimetype"]) if item.get("mimetype") else None,
            )
        )
    return tuple(files), tuple(unavailable)


# -- card buttons and selects ---------------------------------------------------------------


def _action(body: Payload, desk: Desk) -> Intent:
    container = _dict(body.get("container"))
    channel = container.get("channel_id") or _dict(body.get("channel")).get("id")
    if channel != desk.channel or container.get("type") != "message":
        return Ignore("not a card in the support channel")
    actions = body.get("actions") or []
    if not actions:
        return Ignore("no action")
    action = _dict(actions[0])
    # The card is a thread's parent: its own ts is the thread's.
    parent = str(container.get("thread_ts") or container["message_ts"])
    response_url = body.get("response_url")
    origin = Origin(
        str(_dict(body.get("user"))["id"]),
        str(channel),
        parent,
        str(response_url) if response_url else None,
    )
    action_id = action.get("action_id")
    if action_id == card.ACTION_STATUS:
        number, choice = _selected(action)
        return SetStatus(origin, number, status=TicketStatus(choice))
    if action_id == card.ACTION_PRIORITY:
        number, choice = _selected(action)
        return SetPriority(origin, number, priority=Priority(choice))
    if action_id == card.ACTION_ASSIGN_ME:
        return AssignMe(origin, _number(action.get("value")))
    if action_id == card.ACTION_CLOSE:
        return Close(origin, _number(action.get("value")))
    if action_id == card.ACTION_EXPECTED_CLOSE:
        number = card.number_from_block_id(str(action.get("block_id") or ""))
        day = date.fromisoformat(str(action["selected_date"]))
        return SetExpectedClose(origin, number, day=day)
    if action_id == card.ACTION_CLEAR_EXPECTED_CLOSE:
        return SetExpectedClose(origin, _number(action.get("value")), day=None)
    if action_id == card.ACTION_REOPEN:
        return Reopen(origin, _number(action.get("value")))
    trigger_id = str(body["trigger_id"])
    if action_id == card.ACTION_RESOLVE:
        return OpenResolveModal(origin, _number(action.get("value")), trigger_id=trigger_id)
    if action_id == card.ACTION_REQUEST_INFO:
        return OpenRequestInfoModal(origin, _number(action.get("value")), trigger_id=trigger_id)
    return Ignore(f"action {action_id}")


def _selected(action: Payload) -> tuple[int, str]:
    return card.parse_option_value(str(_dict(action.get("selected_option"))["value"]))


def _number(value: Any) -> int:
    text = str(value or "")
    if not text.isdigit():
        raise ValueError("not a ticket number")
    return int(text)


# -- modals ---------------------------------------------------------------------------------


def _submission(body: Payload, desk: Desk) -> Intent:
    view = _dict(body.get("view"))
    callback = view.get("callback_id")
    if callback not in (modals.RESOLVE_CALLBACK, modals.REQUEST_INFO_CALLBACK):
        return Ignore(f"view {callback}")
    context = modals.parse_metadata(str(view.get("private_metadata") or ""))
    if context.channel != desk.channel:
        return Ignore("a modal from another channel")
    origin = Origin(str(_dict(body.get("user"))["id"]), context.channel, context.parent_ts)
    text = submitted_text(view)
    if callback == modals.RESOLVE_CALLBACK:
        return Resolve(origin, context.number, text=text)
    return RequestInfo(origin, context.number, text=text)


def submitted_text(view: Payload) -> str:
    """The text typed into a ticket modal ("" when empty)."""
    values = _dict(_dict(view.get("state")).get("values"))
    entry = _dict(_dict(values.get(modals.INPUT_BLOCK)).get(modals.INPUT_ACTION))
    return str(entry.get("value") or "")


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# -- text -----------------------------------------------------------------------------------

_CONTROL = re.compile(r"<([^<>\n]*)>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def mentioned_users(text: str) -> list[str]:
    """Users mentioned without a label, whose names `plain_text` needs (in order, once each)."""
    return list(dict.fromkeys(_MENTION.findall(text)))


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """An agent's mrkdwn as the customer should read it: mentions as @name, links with their
    address shown (a label must not hide where a link goes), Slack's escapes undone."""
    known = names or {}

    def control(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or known.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            return label or _BROADCASTS.get(word, "")
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        if not label or label == target or target.split("://", 1)[-1] == label:
            return target
        return f"{label} ({target})"

    replaced = _CONTROL.sub(control, text)
    # `&` last, or "&amp;lt;" (a typed "&lt;") would become "<".
    return replaced.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
