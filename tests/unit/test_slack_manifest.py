"""slack/manifest.json creates an app that can do everything the code asks of Slack.

The Web API methods are found in the code itself, so a new call without its scope in the
manifest fails here rather than with `missing_scope` in somebody's workspace.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from adapters.slack.commands import COMMAND

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "slack" / "manifest.json"

# Web API method (as slack_sdk names it) → the bot scopes it needs (Slack's method pages).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_delete": {"chat:write"},
    "chat_getPermalink": set(),
    "chat_postEphemeral": {"chat:write"},
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_info": {"channels:read", "groups:read", "im:read"},
    "conversations_members": {"channels:read", "groups:read"},
    "conversations_open": {"im:write"},
    "conversations_replies": {"channels:history", "groups:history"},
    "files_completeUploadExternal": {"files:write"},
    "files_getUploadURLExternal": {"files:write"},
    "files_info": {"files:read"},
    "reactions_add": {"reactions:write"},
    "users_info": {"users:read"},
    "views_open": set(),
    "views_push": set(),
    "views_update": set(),
}
# What the listeners in bot/slack.py hear: thread replies in public and private channels,
# membership changes (who is an agent), customers' direct messages.
EVENTS = {
    "message.channels",
    "message.groups",
    "message.im",
    "member_joined_channel",
    "member_left_channel",
    "app_home_opened",  # a customer opening the Messages tab is greeted
}


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text("utf-8"))
    return data


def methods_called() -> set[str]:
    sources = [
        *(ROOT / "adapters" / "slack").glob("*.py"),
        *(ROOT / "bot").glob("*.py"),
    ]
    found: set[str] = set()
    for source in sources:
        found |= set(re.findall(r"client\.(\w+)\(", source.read_text("utf-8")))
    return found


def test_the_manifest_has_every_scope_the_code_needs() -> None:
    called = methods_called()
    assert "chat_postMessage" in called  # the scan finds calls at all
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add these methods' scopes to METHOD_SCOPES and the manifest: {unknown}"
    needed = set().union(*(METHOD_SCOPES[m] for m in called))
    needed.add("commands")  # the slash command
    # Files agents share are downloaded from url_private with the bot token.
    if "url_private" in (ROOT / "adapters" / "slack" / "downloads.py").read_text("utf-8"):
        needed.add("files:read")
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert needed <= scopes, f"missing scopes: {sorted(needed - scopes)}"


def events_listened() -> set[str]:
    """Event types the Bolt listeners are registered for (`message` stands for message.*)."""
    found: set[str] = set()
    for source in (ROOT / "bot").glob("*.py"):
        found |= set(re.findall(r'\.event\(\s*"(\w+)"', source.read_text("utf-8")))
    return found


def test_the_manifest_subscribes_to_the_events_and_declares_the_command() -> None:
    data = manifest()
    events = set(data["settings"]["event_subscriptions"]["bot_events"])
    assert events >= EVENTS
    listened = events_listened()
    assert "message" in listened  # the scan finds listeners at all
    assert listened - {"message"} <= events, f"subscribe to: {sorted(listened - events)}"
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert COMMAND in commands
    # Unescaped: `/ticket find <text>` gets what was typed, not Slack's <@U…> rewriting.
    assert commands[COMMAND]["should_escape"] is False
    assert data["settings"]["interactivity"]["is_enabled"] is True  # card buttons, modals
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["features"]["bot_user"]["always_online"] is True
    # Customers write to the bot in its Messages tab.
    assert data["features"]["app_home"]["messages_tab_enabled"] is True


def test_every_event_the_manifest_asks_for_has_its_read_scope() -> None:
    data = manifest()
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    needs = {
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "message.im": "im:history",
        "member_joined_channel": "channels:read",
        "member_left_channel": "channels:read",
        "app_home_opened": None,  # no scope: it comes with the Messages tab
    }
    for event in data["settings"]["event_subscriptions"]["bot_events"]:
        assert event in needs, event
        scope = needs[event]
        assert scope is None or scope in scopes, event
