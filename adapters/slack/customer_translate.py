"""A customer's direct messages with the bot, in the flows' words (bot.flows.io): pure functions.

The support channel is the agents' desk (adapters.slack.translate); a direct message (an `im`
conversation, ids starting with "D") is a customer talking to the bot, and gets the same flows
as a Telegram private chat. Which payloads are the customers':

- Events API `message` events with `channel_type` "im": what the person wrote, shared
  (`file_share`), or edited (`message_changed`). The bot's own posts (and any bot's) come back
  as events too and are never taken as input, or the bot would answer itself forever.
- `block_actions` on a bot message in a DM whose action id starts with `ACTION_PREFIX`: a
  button of a flow, its value signed by the bot (adapters.telegram.callbacks.CallbackSigner).
- `app_home_opened` on the Messages tab: the person opened the DM; someone the bot has never
  seen is greeted (the welcome) without having to type first.
- the `CONTACT_ACTION` button: Telegram's "share my phone number", answered with the phone
  number of the person's Slack profile (looked up by the handler, bot.slack_customers).
- `view_submission` of the form for a long answer (`COMPOSE_VIEW`, opened by the
  `COMPOSE_ACTION` button): the text is what the person would otherwise have typed in the DM,
  whose id the form carries in its private_metadata.

Slack has no bot commands in a DM: a message starting with "/" is a slash command the client
intercepts. So a message that is exactly one of the Telegram commands' words ("menu",
"cancel", "help"...) is that command, and an invite or sign-in code (`inv_...`, `sl_...`, also
inside a pasted `https://t.me/<bot>?start=...` link, or after the word "start") is
`/start <code>`: that is how an invitation works in Slack (see docs/slack-customers.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.translate import plain_text
from adapters.telegram.callbacks import CallbackSigner
from bot.flows.io import Command, Edited, FileKind, Files, IncomingFile, Input, Press, Text

__all__ = [
    "ACTION_PREFIX",
    "COMMAND_WORDS",
    "COMPOSE_ACTION",
    "COMPOSE_BLOCK",
    "COMPOSE_INPUT",
    "COMPOSE_VIEW",
    "CONTACT_ACTION",
    "FORGED",
    "DirectMessage",
    "compose_channel",
    "compose_metadata",
    "is_customer_payload",
    "translate_customer",
]

Payload = Mapping[str, Any]

ACTION_PREFIX = "cust_"  # action ids of the customer flows' buttons (see customer_render)
COMPOSE_ACTION = "cust_compose"  # the button that opens a form for a long answer
CONTACT_ACTION = "cust_contact"  # "share my phone number": the one in their Slack profile
COMPOSE_VIEW = "cust_compose"  # the form's callback id
COMPOSE_BLOCK, COMPOSE_INPUT = "cust_text", "text"  # its text field
FORGED = "forged:"  # a press whose value the bot did not sign: a button no handler knows
COMMAND_WORDS = frozenset({"start", "menu", "new", "tickets", "cancel", "language", "help"})
GREETING = Command("start")
_WRITTEN = frozenset({None, "file_share", "thread_broadcast"})
_UNAVAILABLE_MODES = frozenset({"tombstone", "hidden_by_limit", "external"})
_CODE = re.compile(r"(?:^|[?&]start=|\s)((?:inv|sl)_[A-Za-z0-9_-]{8,80})(?=$|[\s&>|])")
_FILE_KINDS = {"image": FileKind.PHOTO, "video": FileKind.VIDEO, "audio": FileKind.AUDIO}


@dataclass(frozen=True)
class DirectMessage:
    """Who wrote in which DM, and what it means to the flows (None: say what works)."""

    user: str
    channel: str  # the DM's id: the chat id of the person's ChatIdentity
    input: Input | None
    opened: bool = False  # only opened the DM (app_home_opened): greet someone new, once
    share_phone: bool = False  # pressed "share my phone number": the handler looks it up


def is_dm(channel: Any) -> bool:
    return isinstance(channel, str) and channel.startswith("D")


def is_customer_payload(body: Payload) -> bool:
    """Whether the payload is a customer's (a DM), not the desk's."""
    kind = body.get("type")
    if kind == "event_callback":
        event = _dict(body.get("event"))
        if event.get("type") == "app_home_opened":
            return event.get("tab") == "messages" and is_dm(event.get("channel"))
        return event.get("type") == "message" and (
            event.get("channel_type") == "im" or is_dm(event.get("channel"))
        )
    if kind == "view_submission":
        view = _dict(body.get("view"))
        return view.get("callback_id") == COMPOSE_VIEW and is_dm(compose_channel(view))
    if kind == "block_actions":
        actions = body.get("actions") or []
        action_id = _dict(actions[0]).get("action_id") if actions else None
        channel = _dict(body.get("container")).get("channel_id")
        return is_dm(channel) and str(action_id or "").startswith(ACTION_PREFIX)
    return False


def translate_customer(
    body: Payload, signer: CallbackSigner, bot_user_id: str | None
) -> DirectMessage | None:
    """What a DM payload means; None when nobody said anything (a bot's post, a deletion)."""
    try:
        if body.get("type") == "block_actions":
            return _press(body, signer)
        if body.get("type") == "view_submission":
            return _composed(body)
        event = _dict(body.get("event"))
        if event.get("type") == "app_home_opened":
            # Opening the bot's Messages tab: greeted like /start, the first time only.
            return DirectMessage(str(event["user"]), str(event["channel"]), GREETING, True)
        return _message(event, bot_user_id)
    except (KeyError, TypeError, ValueError):
        return None  # not a shape Slack documents: nothing to answer


def _message(event: Payload, bot_user_id: str | None) -> DirectMessage | None:
    channel = str(event["channel"])
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = _dict(event.get("message"))
        previous = _dict(event.get("previous_message"))
        text = str(message.get("text") or "")
        if _by_a_bot(message, bot_user_id) or not message.get("user") or not text.strip():
            return None
        if text == previous.get("text"):
            return None  # an unfurl or a file's preview, not the person's edit
        return DirectMessage(
            str(message["user"]), channel, Edited(str(message["ts"]), _plain(text))
        )
    if _by_a_bot(event, bot_user_id) or subtype not in _WRITTEN or not event.get("user"):
        return None
    user, ts = str(event["user"]), str(event["ts"])
    thread = event.get("thread_ts")
    # A reply in a thread under a ticket's message is about that ticket (Telegram's "reply").
    reply_to = str(thread) if thread and thread != ts else None
    text = _plain(str(event.get("text") or ""))
    files = _files(event.get("files"), ts, text, reply_to)
    if files:
        return DirectMessage(user, channel, Files(files))
    if event.get("files"):
        return DirectMessage(user, channel, None)  # only files Slack does not hand out
    if not text.strip():
        return None
    return DirectMessage(user, channel, _command(text, ts) or Text(text, ts, reply_to))


def _command(text: str, ts: str) -> Command | None:
    words = text.strip().split()
    first = words[0].lstrip("/").lower() if words else ""
    if len(words) == 1 and first in COMMAND_WORDS:
        return Command(first, "", ts)
    found = _CODE.search(" " + text.strip())
    if found is not None and (len(words) == 1 or first == "start" or "start=" in text):
        return Command("start", found.group(1), ts)
    return None


def _plain(text: str) -> str:
    # What the person typed, with Slack's escapes undone and links shown with their address.
    return plain_text(text)


def _files(raw: Any, ts: str, caption: str, reply_to: str | None) -> tuple[IncomingFile, ...]:
    items: list[IncomingFile] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("mode") in _UNAVAILABLE_MODES:
            continue
        url = item.get("url_private_download") or item.get("url_private")
        if not url:
            continue
        mime = str(item.get("mimetype") or "")
        size = item.get("size")
        items.append(
            IncomingFile(
                kind=_FILE_KINDS.get(mime.split("/")[0], FileKind.DOCUMENT),
                file_ref=str(url),
                message_id=ts,
                size=size if isinstance(size, int) else None,
                file_name=str(item.get("name") or item.get("title") or "") or None,
                mime_type=mime or None,
                # Only the first file carries the words: they were said once.
                caption=caption if not items else "",
                group_id=ts,
                reply_to_message_id=reply_to,
            )
        )
    return tuple(items)


def _press(body: Payload, signer: CallbackSigner) -> DirectMessage | None:
    container = _dict(body.get("container"))
    channel = str(container["channel_id"])
    user = str(_dict(body.get("user"))["id"])
    action = _dict((body.get("actions") or [{}])[0])
    if action.get("action_id") == CONTACT_ACTION:
        # Telegram's contact button, the Slack way: the number in their Slack profile.
        return DirectMessage(user, channel, None, share_phone=True)
    if action.get("url") is not None and action.get("value") is None:
        return None  # a link button: Slack opened the link, nothing to answer
    data = signer.verify(str(action.get("value") or ""))
    message_ts = str(container.get("message_ts") or "")
    return DirectMessage(user, channel, Press(data if data else FORGED, message_ts))


def compose_metadata(channel: str) -> str:
    """The form's private_metadata: the DM its text belongs to."""
    return json.dumps({"dm": channel})


def compose_channel(view: Payload) -> str | None:
    try:
        found = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        return None
    channel = found.get("dm") if isinstance(found, dict) else None
    return str(channel) if channel else None


def _composed(body: Payload) -> DirectMessage | None:
    view = _dict(body.get("view"))
    channel = compose_channel(view)
    if channel is None:
        return None
    values = _dict(_dict(view.get("state")).get("values"))
    text = str(_dict(_dict(values.get(COMPOSE_BLOCK)).get(COMPOSE_INPUT)).get("value") or "")
    user = str(_dict(body.get("user"))["id"])
    # Typed into a form, not a Slack message: nothing to unescape.
    return DirectMessage(user, channel, Text(text, f"view:{view.get('id')}"))


def _by_a_bot(message: Payload, bot_user_id: str | None) -> bool:
    return (
        bool(message.get("bot_id"))
        or message.get("subtype") == "bot_message"
        or (bot_user_id is not None and message.get("user") == bot_user_id)
    )


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
