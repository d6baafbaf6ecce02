"""Property-based fuzzing of Slack's inbound path over HTTP, through the real stack: correctly
signed requests to /slack/events (bot.web, Bolt, the listeners, the inbox, bot.slack_inbox,
bot.slack_customers) holding desk and DM events, interactivity payloads and /ticket slash
commands with keys dropped, values of the wrong type,
oversized texts, broken JSON and wrong content types.

Signed means it came from Slack (or someone holding the signing secret); Slack changes its
payloads over time, so the bot must hold up against anything. Never a 500 (Slack would retry
it for ever), the process keeps running, and whatever was recorded is settled on its first
handling without an error.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import blocks, modals
from adapters.slack.emulator.signing import signed_headers
from tests.e2e.test_agents_in_slack import World, _world
from tests.fuzzing import mutated

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with _world("http", tmp_path) as made:
        await made.report()
        yield made


def _templates(world: World) -> list[tuple[str, dict[str, Any]]]:
    channel, user = world.slack.ws.channel("support").id, world.alice.id
    thread = "1700000000.000100"
    event = {
        "type": "event_callback",
        "team_id": world.slack.ws.team_id,
        "event_id": "Ev1",
        "event": {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": "reply <!channel>",
            "ts": "1700000001.000200",
            "thread_ts": thread,
            "files": [{"id": "F1", "name": "../x.exe", "size": 10, "url_private": "http://x/"}],
        },
    }
    click = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": world.slack.ws.team_id},
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": thread},
        "message": {"ts": thread},
        "trigger_id": "T1",
        "actions": [{"action_id": blocks.ACTION_ASSIGN_ME, "value": str(world.number)}],
    }
    submit = {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": world.slack.ws.team_id},
        "view": {
            "id": "V1",
            "hash": "h1",
            "callback_id": modals.RESOLVE_CALLBACK,
            "private_metadata": json.dumps({"number": world.number, "channel": channel}),
            "state": {"values": {modals.INPUT_BLOCK: {modals.INPUT_ACTION: {"value": "Done"}}}},
        },
    }
    dm = {
        "type": "event_callback",
        "team_id": world.slack.ws.team_id,
        "event_id": "Ev2",
        "event": {
            "type": "message",
            "channel": "D0CUSTOMER",
            "channel_type": "im",
            "user": "U0CUSTOMER",
            "text": "Hello <!channel> /start",
            "ts": "1700000002.000300",
        },
    }
    dm_press = {
        "type": "block_actions",
        "user": {"id": "U0CUSTOMER"},
        "team": {"id": world.slack.ws.team_id},
        "container": {"type": "message", "channel_id": "D0CUSTOMER", "message_ts": thread},
        "trigger_id": "T2",
        "actions": [{"action_id": "cust_0", "value": "m:report~AAAAAAAAAAAA"}],
    }
    command = {
        "command": "/ticket",
        "text": "find 1",
        "user_id": user,
        "user_name": "alice",
        "channel_id": channel,
        "team_id": world.slack.ws.team_id,
        "trigger_id": "T3",
        "response_url": world.slack.api_url + "response",
    }
    return [
        ("event", event),
        ("interaction", click),
        ("interaction", submit),
        ("event", dm),
        ("interaction", dm_press),
        ("command", command),
    ]


def _unique(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    # Each example its own ids, so the inbox takes it as new (when the id survived mutation).
    n = next(_ids)
    if isinstance(body.get("event_id"), str):
        body["event_id"] = f"Ev{n}"
    if isinstance(body.get("trigger_id"), str) and kind != "command":
        body["trigger_id"] = f"T{n}"
    if isinstance(body.get("view"), dict) and isinstance(body["view"].get("hash"), str):
        body["view"]["hash"] = f"h{n}"
    return body


def _encode(kind: str, body: Any) -> tuple[str, str]:
    if kind == "event":
        return json.dumps(body), "application/json"
    if kind == "command":  # a slash command is a plain form, every value a string
        fields = body if isinstance(body, dict) else {"text": body}
        form = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
        return urllib.parse.urlencode(form), "application/x-www-form-urlencoded"
    return urllib.parse.urlencode(
        {"payload": json.dumps(body)}
    ), "application/x-www-form-urlencoded"


_garbage = st.sampled_from(
    [
        ("{", "application/json"),
        ('{"type": "event_callback"', "application/json"),
        ("[]", "application/json"),
        ("null", "application/json"),
        ('"text"', "application/json"),
        ("payload=%7B", "application/x-www-form-urlencoded"),
        ("payload=null", "application/x-www-form-urlencoded"),
        ("payload=[1]", "application/x-www-form-urlencoded"),
        ("a=b&c", "application/x-www-form-urlencoded"),
        ("command=/ticket&text=%00%00&user_id=U1", "application/x-www-form-urlencoded"),
        ("\x00\xff binary", "application/octet-stream"),
        ("x" * 200_000, "text/plain"),
    ]
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_signed_request_gets_a_500_or_leaves_an_unsettled_event(
    data: st.DataObject, world: World
) -> None:
    url = world.events_url
    assert url is not None
    if data.draw(st.integers(0, 4)) == 0:
        body, content_type = data.draw(_garbage)
    else:
        kind, template = data.draw(st.sampled_from(_templates(world)))
        shaken = data.draw(mutated(template))
        body, content_type = _encode(
            kind, _unique(kind, shaken) if isinstance(shaken, dict) else shaken
        )
    headers = signed_headers(
        world.slack.signing_secret, body, content_type, timestamp=int(time.time())
    )
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.post(url, data=body.encode(), headers=headers) as answer,
    ):
        assert answer.status < 500, (answer.status, body[:300])
    await world.runtime.inbox.run_once()
    await world.runtime.inbox.drain()
    async with world.runtime.uow_factory(read_only=True) as uow:
        failed = [e for e in await uow.inbox.unprocessed(50) if e.last_error]
    assert not failed, [(e.payload, e.last_error) for e in failed]
