"""The playground's page server on its own (emulators, no bot): the page and its headers, the
emulators' routes under one origin, and the live event stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from bot.playground.web import page_app
from tests.e2e.slack_emulator.conftest import serve


@dataclass
class Site:
    base: str
    tg: TelegramEmulator
    slack: SlackEmulator
    stopping: asyncio.Event


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    stopping = asyncio.Event()
    async with (
        TelegramEmulator() as tg,
        SlackEmulator() as slack,
        serve(page_app(tg, slack, stopping)) as base,
    ):
        yield Site(base, tg, slack, stopping)
        stopping.set()


async def next_event(stream: aiohttp.StreamReader) -> str:
    """The next `event:` name (comments and data lines skipped)."""
    while True:
        line = (await asyncio.wait_for(stream.readline(), 10)).decode().strip()
        if line.startswith("event: "):
            return line.removeprefix("event: ")


async def test_the_page_is_served_with_a_strict_content_security_policy(site: Site) -> None:
    base, tg, slack = site.base, site.tg, site.slack
    async with aiohttp.ClientSession(base) as http:
        page = await http.get("/")
        script = await http.get("/static/app.js")
        telegram = await (await http.get("/telegram/_emulator/state")).json()
        people = await (await http.get("/slack/_emulator/state")).json()
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    code = await script.text()
    for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code
    assert telegram["bot"]["id"] == tg.world.bot.id
    assert people["team"]["id"] == slack.ws.team_id


async def test_the_event_stream_says_which_side_changed_and_ends_when_stopping(site: Site) -> None:
    base, tg, slack, stopping = site.base, site.tg, site.slack, site.stopping
    async with aiohttp.ClientSession(base) as http, http.get("/events") as events:
        assert events.headers["Content-Type"].startswith("text/event-stream")
        first = {await next_event(events.content), await next_event(events.content)}
        assert first == {"telegram", "slack"}
        tg.add_user("Ola").start()
        assert await next_event(events.content) == "telegram"
        await slack.person("alice").post("#support", "hi")
        assert await next_event(events.content) == "slack"
        stopping.set()
        rest = await asyncio.wait_for(events.content.read(), 10)
    assert b"event:" not in rest
