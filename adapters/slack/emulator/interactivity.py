"""What the app's answers to interactions do: response_url posts and command replies.

A response_url is good for 5 posts within 30 minutes. A post is ephemeral by default
(`response_type: "in_channel"` makes it public), `replace_original` / `delete_original`
act on the message whose button was pressed.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import Ephemeral, Message, ResponseUrl
from .web_api import EMULATOR_KEY

if TYPE_CHECKING:
    from .server import SlackEmulator

MAX_USES = 5
LIFETIME = 30 * 60


async def handle_response_url(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    token = f"{request.match_info['id']}/{request.match_info['secret']}"
    entry = emu.ws.response_urls.get(token)
    if entry is None or time.monotonic() - entry.created > LIFETIME:
        return web.json_response({"ok": False, "error": "expired_url"}, status=404)
    if entry.uses >= MAX_USES:
        return web.json_response({"ok": False, "error": "used_url"}, status=404)
    raw = await request.text()
    try:
        body = json.loads(raw) if raw.strip().startswith("{") else {"text": raw}
    except ValueError:
        return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
    entry.uses += 1
    entry.posts.append(body)
    apply_message_response(emu, entry, body, source="response_url")
    return web.json_response({"ok": True})


def apply_message_response(
    emu: SlackEmulator, target: ResponseUrl, body: Any, *, source: str
) -> None:
    if isinstance(body, str):
        body = {"text": body}
    if not isinstance(body, dict) or not target.channel_id:
        return
    ws = emu.ws
    original = ws.message(target.channel_id, target.message_ts) if target.message_ts else None
    if body.get("delete_original") and original is not None:
        previous = ws.message_json(original)
        ws.remove(original)
        emu.events.message_deleted(previous, ws.channels[original.channel])
        return
    text = str(body.get("text", ""))
    blocks = body.get("blocks")
    if body.get("replace_original") and original is not None:
        previous = ws.message_json(original)
        original.text, original.blocks = text, blocks
        original.edited = {"user": ws.app.bot_user_id, "ts": ws.new_ts()}
        emu.changed()
        emu.events.message_changed(previous, original)
        return
    if not text and not blocks:
        return
    thread_ts = body.get("thread_ts") or target.thread_ts
    if body.get("response_type") == "in_channel":
        message = Message(
            ts=ws.new_ts(),
            channel=target.channel_id,
            text=text,
            user=ws.app.bot_user_id,
            team=ws.team_id,
            bot_id=ws.app.bot_id,
            app_id=ws.app.app_id,
            blocks=blocks,
            thread_ts=thread_ts,
        )
        ws.store(message)
        emu.events.message_posted(message)
        return
    ws.ephemerals.append(
        Ephemeral(
            user=target.user_id,
            channel=target.channel_id,
            ts=ws.new_ts(),
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            source=source,
        )
    )
    emu.changed()
