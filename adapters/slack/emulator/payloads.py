"""The JSON Slack sends to an app: event bodies, the Events API envelope, interactions.

Shapes follow what Slack delivers today (checked against payloads recorded in
bolt-python's and python-slack-sdk's own tests): a message event is the stored message
plus `channel`, `event_ts` and `channel_type`; edits and deletions arrive as `message`
events with the `message_changed` / `message_deleted` subtypes and `hidden: true`.
"""

from __future__ import annotations

import time
from typing import Any

from .state import JSON, Channel, Message, User, View
from .store import Workspace


def message_event(ws: Workspace, message: Message) -> JSON:
    channel = ws.channels[message.channel]
    return {
        **ws.message_json(message),
        "channel": channel.id,
        "event_ts": message.ts,
        "channel_type": channel.channel_type,
    }


def app_mention_event(ws: Workspace, message: Message) -> JSON:
    event: JSON = {
        "type": "app_mention",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "team": ws.team_id,
        "channel": message.channel,
        "event_ts": message.ts,
    }
    if message.client_msg_id:
        event["client_msg_id"] = message.client_msg_id
    if message.blocks is not None:
        event["blocks"] = message.blocks
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    if message.files:
        event["files"] = [ws.file_json(ws.files[f]) for f in message.files]
    return event


def message_changed_event(ws: Workspace, previous: JSON, message: Message, event_ts: str) -> JSON:
    channel = ws.channels[message.channel]
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": {**ws.message_json(message), "source_team": ws.team_id},
        "previous_message": previous,
        "channel": channel.id,
        "hidden": True,
        "ts": event_ts,
        "event_ts": event_ts,
        "channel_type": channel.channel_type,
    }


def message_deleted_event(ws: Workspace, previous: JSON, channel: Channel, event_ts: str) -> JSON:
    event: JSON = {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": previous,
        "channel": channel.id,
        "hidden": True,
        "deleted_ts": previous["ts"],
        "ts": event_ts,
        "event_ts": event_ts,
        "channel_type": channel.channel_type,
    }
    if "thread_ts" in previous:
        event["thread_ts"] = previous["thread_ts"]
    return event


def member_joined_event(ws: Workspace, user: User, channel: Channel, inviter: str | None) -> JSON:
    event: JSON = {
        "type": "member_joined_channel",
        "user": user.id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": ws.team_id,
        "event_ts": ws.new_ts(),
    }
    if inviter:
        event["inviter"] = inviter
    return event


def reaction_added_event(ws: Workspace, user: User, message: Message, name: str) -> JSON:
    return {
        "type": "reaction_added",
        "user": user.id,
        "reaction": name,
        "item": {"type": "message", "channel": message.channel, "ts": message.ts},
        "item_user": message.user,
        "event_ts": ws.new_ts(),
    }


def app_home_opened_event(ws: Workspace, user: User, channel: Channel, tab: str) -> JSON:
    """The person opened the app's Home or Messages tab (sent on every opening)."""
    return {
        "type": "app_home_opened",
        "user": user.id,
        "channel": channel.id,
        "tab": tab,
        "event_ts": ws.new_ts(),
    }


def envelope(ws: Workspace, event: JSON) -> JSON:
    return {
        "token": ws.app.verification_token,
        "team_id": ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": None,
        "api_app_id": ws.app.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": ws.ids.new("Ev", 10),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.app.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{ws.ids.secret(40)}",
    }


def _user_ref(ws: Workspace, user: User) -> JSON:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": ws.team_id}


def _interaction_base(ws: Workspace, kind: str, user: User) -> JSON:
    return {
        "type": kind,
        "user": _user_ref(ws, user),
        "api_app_id": ws.app.app_id,
        "token": ws.app.verification_token,
        "team": {"id": ws.team_id, "domain": ws.domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def block_actions(
    ws: Workspace,
    user: User,
    action: JSON,
    *,
    message: Message | None = None,
    view: View | None = None,
) -> JSON:
    payload = _interaction_base(ws, "block_actions", user)
    payload["trigger_id"] = ws.new_trigger(user.id)
    if message is not None:
        channel = ws.channels[message.channel]
        container: JSON = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": channel.id,
            "is_ephemeral": False,
        }
        if message.thread_ts:
            container["thread_ts"] = message.thread_ts
        payload["container"] = container
        # Slack names every DM "directmessage" here, as in slash commands.
        name = "directmessage" if channel.is_im else channel.name
        payload["channel"] = {"id": channel.id, "name": name}
        payload["message"] = ws.message_json(message)
        payload["state"] = {"values": {}}
        payload["response_url"] = ws.new_response_url(
            "actions", user.id, channel.id, message.ts, message.thread_ts
        )
    elif view is not None:
        payload["container"] = {"type": "view", "view_id": view.id}
        payload["view"] = view.to_api()
    payload["actions"] = [action]
    return payload


def action_for(element: JSON, block_id: str, value: Any = None) -> JSON:
    """The `actions[]` entry for a person using `element` (button, selects)."""
    kind = element.get("type", "button")
    action: JSON = {
        "type": kind,
        "action_id": element.get("action_id", ""),
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        action["text"] = element.get("text", {"type": "plain_text", "text": ""})
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    elif kind == "static_select":
        action["selected_option"] = option_for(element, value)
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
    elif kind == "users_select":
        action["selected_user"] = value
    elif kind == "conversations_select":
        action["selected_conversation"] = value
    elif kind == "channels_select":
        action["selected_channel"] = value
    elif kind == "datepicker":
        action["selected_date"] = value  # "YYYY-MM-DD"
        if "initial_date" in element:
            action["initial_date"] = element["initial_date"]
    else:
        action["value"] = value
    return action


def option_for(element: JSON, value: Any) -> JSON:
    options: list[JSON] = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    for option in options:
        if option.get("value") == value:
            return option
    raise ValueError(f"no option with value {value!r} in {element.get('action_id')}")


def input_state(element: JSON, value: Any) -> JSON:
    """One `view.state.values[block][action]` entry as Slack reports it on submission."""
    kind = element.get("type", "plain_text_input")
    if kind == "static_select":
        return {"type": kind, "selected_option": option_for(element, value) if value else None}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": value}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": [option_for(element, v) for v in value or []]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    return {"type": kind, "value": value}


def view_submission(ws: Workspace, user: User, view: View) -> JSON:
    payload = _interaction_base(ws, "view_submission", user)
    payload["trigger_id"] = ws.new_trigger(user.id)
    payload["view"] = view.to_api()
    payload["response_urls"] = []
    return payload


def view_closed(ws: Workspace, user: User, view: View, *, cleared: bool) -> JSON:
    payload = _interaction_base(ws, "view_closed", user)
    payload["view"] = view.to_api()
    payload["is_cleared"] = cleared
    return payload


def shortcut(ws: Workspace, user: User, callback_id: str) -> JSON:
    payload = _interaction_base(ws, "shortcut", user)
    payload.update(
        callback_id=callback_id,
        trigger_id=ws.new_trigger(user.id),
        action_ts=f"{time.time():.6f}",
    )
    return payload


def slash_command(ws: Workspace, user: User, channel: Channel, command: str, text: str) -> JSON:
    """Slash commands arrive form-encoded; over Socket Mode the same fields as a dict."""
    return {
        "token": ws.app.verification_token,
        "team_id": ws.team_id,
        "team_domain": ws.domain,
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app.app_id,
        "is_enterprise_install": "false",
        "response_url": ws.new_response_url("commands", user.id, channel.id),
        "trigger_id": ws.new_trigger(user.id),
    }
