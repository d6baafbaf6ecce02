"""auth.test, api.test, conversations.*, users.info."""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from typing import TypeVar

from .state import JSON, Channel, Message
from .web_api import ApiError, Call, method

T = TypeVar("T")


def page(call: Call, items: Sequence[T], default_limit: int) -> tuple[list[T], str]:
    """Cursor paging as Slack does it: an opaque base64 cursor, "" on the last page."""
    limit = max(1, min(call.number("limit", default_limit), 1000))
    start = 0
    cursor = call.arg("cursor")
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("next_index:"))
        except ValueError as exc:
            raise ApiError("invalid_cursor") from exc
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    next_cursor = base64.b64encode(f"next_index:{start + limit}".encode()).decode() if more else ""
    return chunk, next_cursor


@method("auth.test", tokens=("bot",))
async def auth_test(call: Call) -> JSON:
    ws = call.ws
    return {
        "url": f"https://{ws.domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.bot.name,
        "team_id": ws.team_id,
        "user_id": ws.app.bot_user_id,
        "bot_id": ws.app.bot_id,
        "is_enterprise_install": False,
    }


@method("api.test", tokens=("bot", "app"))
async def api_test(call: Call) -> JSON:
    return {"args": {k: v for k, v in call.args.items() if isinstance(v, str)}}


@method("conversations.info")
async def conversations_info(call: Call) -> JSON:
    channel = call.readable_channel()
    data = channel.to_api(
        viewer=call.ws.app.bot_user_id,
        team_id=call.ws.team_id,
        include_num_members=call.flag("include_num_members"),
    )
    if call.flag("include_locale"):
        data["locale"] = "en-US"
    return {"channel": data}


@method("conversations.members")
async def conversations_members(call: Call) -> JSON:
    channel = call.readable_channel()
    members, cursor = page(call, channel.members, 100)
    return {"members": members, "response_metadata": {"next_cursor": cursor}}


def _in_range(call: Call, messages: list[Message]) -> list[Message]:
    oldest, latest = call.arg("oldest"), call.arg("latest")
    inclusive = call.flag("inclusive")
    out = []
    for m in messages:
        ts = float(m.ts)
        if oldest and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            continue
        if latest and (ts > float(latest) or (ts == float(latest) and not inclusive)):
            continue
        out.append(m)
    return out


@method("conversations.history")
async def conversations_history(call: Call) -> JSON:
    channel = call.member_channel()
    shown = [m for m in channel.messages.values() if m.in_history]
    newest_first = list(reversed(_in_range(call, shown)))
    chunk, cursor = page(call, newest_first, 100)
    return {
        "messages": [call.ws.message_json(m) for m in chunk],
        "has_more": bool(cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.replies")
async def conversations_replies(call: Call) -> JSON:
    channel: Channel = call.member_channel()
    parent = call.ws.message(channel.id, call.need("ts", "thread_not_found"))
    if parent is None:
        raise ApiError("thread_not_found")
    # Asked with a reply's ts, Slack answers with just that reply.
    thread = [parent] if parent.is_reply else [parent, *call.ws.replies(channel.id, parent.ts)]
    bounded = call.arg("oldest") or call.arg("latest")
    chunk, cursor = page(call, _in_range(call, thread) if bounded else thread, 1000)
    return {
        "messages": [call.ws.message_json(m) for m in chunk],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.open")
async def conversations_open(call: Call) -> JSON:
    ws = call.ws
    existing = call.arg("channel")
    if existing:
        channel = ws.channels.get(existing)
        if channel is None or not (channel.is_im or channel.is_mpim):
            raise ApiError("channel_not_found")
        return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    raw = call.arg("users")
    if raw is None:
        raise ApiError("users_list_not_supplied")
    user_ids = [u.strip() for u in raw.split(",") if u.strip()]
    for user_id in user_ids:
        if user_id not in ws.users:
            raise ApiError("user_not_found")
    if len(user_ids) > 8:
        raise ApiError("too_many_users")
    if len(user_ids) == 1:
        before = len(ws.channels)
        channel = ws.open_im(user_ids[0])
        fresh = len(ws.channels) > before
    else:
        channel, fresh = _open_mpim(call, user_ids)
    data: JSON = {"channel": {"id": channel.id}}
    if call.flag("return_im"):
        data["channel"] = channel.to_api(viewer=ws.app.bot_user_id, team_id=ws.team_id)
    if not fresh:
        data.update(no_op=True, already_open=True)
    return data


def _open_mpim(call: Call, user_ids: list[str]) -> tuple[Channel, bool]:
    ws = call.ws
    members = sorted({*user_ids, ws.app.bot_user_id})
    for channel in ws.channels.values():
        if channel.is_mpim and sorted(channel.members) == members:
            return channel, False
    names = "--".join(ws.users[u].name for u in members)
    channel = Channel(
        id=ws.ids.new("C", 10),
        name=f"mpdm-{names}-1",
        created=int(time.time()),
        creator=ws.app.bot_user_id,
        members=members,
        is_private=True,
        is_mpim=True,
    )
    ws.channels[channel.id] = channel
    return channel, True


@method("users.info")
async def users_info(call: Call) -> JSON:
    user = call.ws.users.get(call.need("user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user.to_api(call.ws.base_url, include_locale=call.flag("include_locale"))}
