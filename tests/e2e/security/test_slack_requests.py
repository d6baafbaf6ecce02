"""Who is who on the Slack side: only Slack, signing with our secret, within five minutes, gets
in; a request that fails any check is answered 401 and changes nothing.

(That someone outside the support channel changes nothing and is told why is proven by
tests/e2e/test_agents_in_slack.py::test_a_non_member_changes_nothing_and_is_told_why.)
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import blocks
from adapters.slack.emulator.signing import signature, signed_headers
from core.model import TicketStatus
from tests.e2e.test_agents_in_slack import World, _world


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with _world("http", tmp_path) as made:
        yield made


def _reply_event(world: World, thread_ts: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "event_id": "EvFORGED1",
            "team_id": world.slack.ws.team_id,
            "event": {
                "type": "message",
                "channel": world.slack.ws.channel("support").id,
                "user": world.alice.id,
                "text": "forged reply",
                "ts": f"{time.time():.6f}",
                "thread_ts": thread_ts,
            },
        }
    )


def _resolve_click(world: World, card_ts: str) -> str:
    """An interactivity payload (form-encoded, as Slack sends it): Alice clicks Assign me."""
    payload = {
        "type": "block_actions",
        "user": {"id": world.alice.id},
        "team": {"id": world.slack.ws.team_id},
        "channel": {"id": world.slack.ws.channel("support").id},
        "container": {"type": "message", "message_ts": card_ts},
        "message": {"ts": card_ts},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": blocks.ACTION_ASSIGN_ME, "value": str(world.number)}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


async def _post(url: str, body: str, headers: dict[str, str]) -> int:
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.post(url, data=body, headers=headers) as r,
    ):
        return r.status


@pytest.mark.parametrize("kind", ["event", "interaction"])
async def test_forged_stale_or_unsigned_requests_are_refused_and_change_nothing(
    world: World, kind: str
) -> None:
    url = world.events_url
    assert url is not None
    card = await world.report()
    secret = world.slack.signing_secret
    if kind == "event":
        body, content_type = _reply_event(world, card.ts), "application/json"
    else:
        body, content_type = _resolve_click(world, card.ts), "application/x-www-form-urlencoded"
    now = int(time.time())
    good = signed_headers(secret, body, content_type, timestamp=now)
    attempts = {
        "no signature": {k: v for k, v in good.items() if k != "X-Slack-Signature"},
        "no timestamp": {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"},
        "no headers at all": {"Content-Type": content_type},
        "wrong secret": signed_headers("not-the-secret", body, content_type, timestamp=now),
        "signature of another body": {
            **good,
            "X-Slack-Signature": signature(secret, str(now), body + " "),
        },
        "timestamp not a number": {
            **good,
            "X-Slack-Request-Timestamp": "soon",
            "X-Slack-Signature": signature(secret, "soon", body),
        },
        # Correctly signed, but 5 minutes and 1 second old: a replay.
        "five minutes old": signed_headers(secret, body, content_type, timestamp=now - 301),
        # (a minute's margin: the clock moves on while the test runs)
        "from the future": signed_headers(secret, body, content_type, timestamp=now + 360),
    }
    for name, headers in attempts.items():
        assert await _post(url, body, headers) == 401, name
    await world.idle()
    inbound = world.runtime.slack_inbound
    assert inbound is not None
    assert inbound.recorder.recorded == 0
    async with world.runtime.uow_factory(read_only=True) as uow:
        assert await uow.inbox.unprocessed(100) == []
        assert await uow.agents.get_by_slack_id(world.alice.id) is None
    ticket = await world.ticket()
    assert (ticket.status, ticket.assignee_id) == (TicketStatus.NEW, None)
    # The control: the very same request, correctly signed and fresh, is taken.
    assert await _post(url, body, good) == 200
    assert inbound.recorder.recorded == 1
