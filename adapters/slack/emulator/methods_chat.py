"""chat.* and reactions.add."""

from __future__ import annotations

import copy
import re
from typing import Any

from . import mrkdwn
from .state import JSON, Ephemeral, Message
from .store import Workspace
from .web_api import ApiError, Call, method

MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_ATTACHMENTS = 100
_TS = re.compile(r"^\d{1,12}\.\d{1,6}$")
_EMOJI = re.compile(r"^[a-z0-9_+'-]+(::skin-tone-[2-6])?$")
# Block types Slack accepts in messages; anything else is `invalid_blocks`.
MESSAGE_BLOCKS = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
        "call",
    }
)


def content(
    call: Call, *, required: bool = True
) -> tuple[str, list[JSON] | None, list[JSON] | None]:
    """text, blocks, attachments, validated the way Slack rejects bad messages."""
    text = call.arg("text") or ""
    blocks = call.json("blocks", "invalid_blocks_format")
    if blocks is not None:
        blocks = validate_blocks(call.ws, blocks)
    attachments = call.json("attachments", "invalid_attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise ApiError("invalid_attachments")
        if len(attachments) > MAX_ATTACHMENTS:
            raise ApiError("too_many_attachments")
    if required and not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    return text, blocks, attachments


def validate_blocks(ws: Workspace, blocks: Any) -> list[JSON]:
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    if len(blocks) > MAX_BLOCKS:
        raise ApiError(
            "invalid_blocks",
            response_metadata={
                "messages": ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
            },
        )
    out = copy.deepcopy(blocks)
    for index, block in enumerate(out):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in MESSAGE_BLOCKS:
            pointer = f"[json-pointer:/blocks/{index}/type]"
            raise ApiError(
                "invalid_blocks",
                response_metadata={
                    "messages": [f"[ERROR] missing or unknown block type {pointer}"]
                },
            )
        # Slack fills in ids the sender left out; interactions then refer to them.
        block.setdefault("block_id", ws.ids.new("", 5).lower())
        elements = block.get("elements") if kind == "actions" else None
        for element in [*(elements or []), block.get("accessory"), block.get("element")]:
            if isinstance(element, dict) and "type" in element:
                element.setdefault("action_id", ws.ids.new("", 5).lower())
    return out


def thread_parent(call: Call, channel_id: str) -> str | None:
    """Where a reply goes. Slack files a reply to a reply under the reply's parent and
    accepts a thread_ts matching nothing (the reply is then never shown anywhere)."""
    thread_ts = call.arg("thread_ts")
    if thread_ts is None:
        return None
    if not _TS.match(thread_ts):
        raise ApiError("invalid_thread_ts")
    parent = call.ws.message(channel_id, thread_ts)
    if parent is not None and parent.is_reply:
        return parent.thread_ts
    return thread_ts


def bot_message(call: Call, channel_id: str, text: str) -> Message:
    ws = call.ws
    app = ws.app
    message = Message(
        ts=ws.new_ts(),
        channel=channel_id,
        text=text,
        user=app.bot_user_id,
        team=ws.team_id,
        bot_id=app.bot_id,
        app_id=app.app_id,
        bot_profile={
            "id": app.bot_id,
            "deleted": False,
            "name": app.name,
            "updated": 1700000000,
            "app_id": app.app_id,
            "icons": {
                f"image_{n}": f"{ws.base_url}/avatars/{app.bot_user_id}/{n}.png"
                for n in (36, 48, 72)
            },
            "team_id": ws.team_id,
        },
    )
    username, emoji, icon_url = call.arg("username"), call.arg("icon_emoji"), call.arg("icon_url")
    if username or emoji or icon_url:
        # A customised author makes it a classic "bot_message": no user, just the bot.
        message.subtype = "bot_message"
        message.user = None
        message.username = username or app.name
        message.icons = {"emoji": emoji} if emoji else {"image_64": icon_url}
    return message


def linked(call: Call, text: str) -> str:
    if call.flag("link_names") or call.arg("parse") == "full":
        return mrkdwn.link_names(
            text, find_user=call.ws.find_user_id, find_channel=call.ws.find_channel_id
        )
    return text


@method("chat.postMessage")
async def post_message(call: Call) -> JSON:
    channel = call.member_channel()
    if channel.is_archived:
        raise ApiError("is_archived")
    text, blocks, attachments = content(call)
    message = bot_message(call, channel.id, linked(call, text))
    message.blocks, message.attachments = blocks, attachments
    message.thread_ts = thread_parent(call, channel.id)
    if message.thread_ts and call.flag("reply_broadcast"):
        message.subtype = "thread_broadcast"
    message.unfurl_links = call.flag("unfurl_links", False)
    message.unfurl_media = call.flag("unfurl_media", True)
    message.mrkdwn = call.flag("mrkdwn", True)
    metadata = call.json("metadata", "invalid_metadata_format")
    if isinstance(metadata, dict):
        message.metadata = metadata
    call.ws.store(message)
    call.emu.events.message_posted(message)
    data = call.ws.message_json(message)
    return {"channel": channel.id, "ts": message.ts, "message": data}


@method("chat.postEphemeral")
async def post_ephemeral(call: Call) -> JSON:
    channel = call.member_channel()
    user_id = call.need("user", "user_not_in_channel")
    if user_id not in channel.members:
        raise ApiError("user_not_in_channel")
    text, blocks, _ = content(call)
    ephemeral = Ephemeral(
        user=user_id,
        channel=channel.id,
        ts=call.ws.new_ts(),
        text=linked(call, text),
        blocks=blocks,
        thread_ts=call.arg("thread_ts"),
    )
    call.ws.ephemerals.append(ephemeral)
    call.emu.changed()
    return {"message_ts": ephemeral.ts}


def _own_message(call: Call, ts_arg: str, forbidden: str) -> Message:
    channel = call.readable_channel()
    message = call.ws.message(channel.id, call.need(ts_arg, "message_not_found"))
    if message is None or message.tombstone:
        raise ApiError("message_not_found")
    # A bot token may only change what the bot itself posted.
    if message.bot_id != call.ws.app.bot_id:
        raise ApiError(forbidden)
    return message


@method("chat.update")
async def update(call: Call) -> JSON:
    message = _own_message(call, "ts", "cant_update_message")
    text, blocks, attachments = content(call)
    previous = call.ws.message_json(message)
    message.text = linked(call, text)
    message.blocks, message.attachments = blocks, attachments
    message.edited = {"user": call.ws.app.bot_user_id, "ts": call.ws.new_ts()}
    call.emu.changed()
    call.emu.events.message_changed(previous, message)
    data = call.ws.message_json(message)
    return {"channel": message.channel, "ts": message.ts, "text": message.text, "message": data}


@method("chat.delete")
async def delete(call: Call) -> JSON:
    message = _own_message(call, "ts", "cant_delete_message")
    previous = call.ws.message_json(message)
    call.ws.remove(message)
    call.emu.events.message_deleted(previous, call.ws.channels[message.channel])
    return {"channel": message.channel, "ts": message.ts}


@method("chat.getPermalink")
async def get_permalink(call: Call) -> JSON:
    channel = call.readable_channel()
    message = call.ws.message(channel.id, call.need("message_ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    return {"channel": channel.id, "permalink": call.ws.permalink(channel.id, message)}


@method("reactions.add")
async def reactions_add(call: Call) -> JSON:
    channel = call.readable_channel()
    message = call.ws.message(channel.id, call.need("timestamp", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    name = call.need("name", "invalid_name").strip(":")
    if not _EMOJI.match(name):
        raise ApiError("invalid_name")
    users = message.reactions.setdefault(name, [])
    if call.ws.app.bot_user_id in users:
        raise ApiError("already_reacted")
    users.append(call.ws.app.bot_user_id)
    call.emu.changed()
    call.emu.events.reaction_added(call.ws.bot, message, name)
    return {}
