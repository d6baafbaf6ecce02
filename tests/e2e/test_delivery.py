"""Delivery end to end: Slack repeating its events, and a customer who blocked the bot.

The full runtime against both emulators (real python-telegram-bot, slack_sdk and Bolt).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.slack.emulator.state import Message
from core.model import EntryKind, Platform
from tests.e2e.slack_emulator.conftest import serve
from tests.e2e.test_agents_in_slack import World, _world
from tests.mailroom import MailRoom, SmtpServer, free_port

WAIT = 10.0
REPLIES = 8


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@asynccontextmanager
async def _repeating(world: World, plan: dict[str, int], seen: Counter[str]) -> AsyncIterator[str]:
    """A proxy to the bot's /slack/events that makes Slack send each reply `plan[text]` times:
    every attempt but the last is answered too late. Half of those are held back before the
    bot sees them, so Slack's retry reaches the bot while the first is still in flight."""
    assert world.events_url is not None
    target = world.events_url
    late = world.slack.config.app_timeout + 0.2
    chooser = random.Random(6)

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        text = next((t for t in plan if t.encode() in body), None)
        if text is not None:
            seen[text] += 1
        attempt = seen[text] if text is not None else 0
        slow = text is not None and attempt < plan[text]
        hold_first = slow and chooser.random() < 0.5
        if hold_first:
            await asyncio.sleep(late)  # the retry overtakes this one
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers["Content-Type"]
        async with (
            aiohttp.ClientSession() as http,
            http.post(target, data=body, headers=headers) as answer,
        ):
            answer_text, status = await answer.text(), answer.status
        if slow and not hold_first:
            await asyncio.sleep(late)  # recorded by the bot, acknowledged too late
        return web.Response(status=status, text=answer_text)

    app = web.Application()
    app.router.add_post("/slack/events", forward)
    async with serve(app) as base:
        yield f"{base}/slack/events"


async def test_events_sent_one_to_four_times_reach_the_customer_exactly_once(
    tmp_path: Path,
) -> None:
    async with _world("http", tmp_path) as world:
        world.slack.config.app_timeout = 0.5
        card = await world.report()
        texts = [f"Step {n}: check the export log" for n in range(REPLIES)]
        plan = {text: 1 + n % 4 for n, text in enumerate(texts)}  # 1, 2, 3, 4, 1, 2, ...
        seen: Counter[str] = Counter()
        async with _repeating(world, plan, seen) as proxy:
            world.slack.connect_app(proxy)
            await asyncio.gather(*(world.alice.reply(card, text) for text in texts))
            await world.slack.settle(within=WAIT * 2)
        # Slack really sent each that many times (more if the bot was slow to answer).
        assert all(seen[text] >= times for text, times in plan.items()), seen
        for text in texts:
            await world.hears(text)
        await world.idle()
        await _outbox_drained(world)
        heard = Counter(
            text for m in world.anna.messages() for text in texts if text in (m.text or "")
        )
        assert heard == Counter(texts)  # each once
        replies = await world.entries(EntryKind.AGENT_REPLY)
        assert sorted(r.text for r in replies) == sorted(texts)


async def _outbox_drained(world: World) -> None:
    async def drained() -> bool:
        async with world.runtime.uow_factory(read_only=True) as uow:
            return await uow.outbox.pending_count() == 0

    async with asyncio.timeout(WAIT):
        while not await drained():
            world.runtime.worker.wake()
            await asyncio.sleep(0.05)


@pytest.fixture
async def mail() -> AsyncIterator[SmtpServer]:
    server = SmtpServer(MailRoom(), free_port())
    server.start()
    yield server
    server.stop()


async def _give_anna_an_address(world: World) -> None:
    async with world.runtime.uow_factory() as uow:
        identity = await uow.identities.get_by_chat(Platform.TELEGRAM, str(world.anna.chat_id))
        assert identity is not None
        assert identity.user_id is not None
        user = await uow.users.get(identity.user_id)
        assert user is not None
        user.email = "anna@nowak.test"
        await uow.users.update(user)
        await uow.commit()


def _notices(world: World, card: Message) -> list[str]:
    return [m.text for m in world.alice.thread(card) if "Could not reach the customer" in m.text]


async def test_a_customer_who_blocked_the_bot_gets_replies_by_email_and_agents_are_told_once(
    tmp_path: Path, mail: SmtpServer
) -> None:
    async with _world(
        "http", tmp_path, smtp_host="127.0.0.1", smtp_port=mail.port, smtp_starttls=False
    ) as world:
        await _give_anna_an_address(world)
        card = await world.report()
        world.anna.block()
        await world.card(lambda _: bool(_notices(world, card)))
        for text in ("Please restart the export", "Did that help?"):
            await world.alice.reply(card, text)
            await world.slack.settle(within=WAIT)
            body = await _mailed(mail.room, text)
            assert "Alice" in body
        await world.idle()
        await _outbox_drained(world)
        assert _notices(world, card) == [
            "⚠️ Could not reach the customer: the bot was blocked; the message went to their"
            " e-mail address instead"
        ]
        assert not [m for m in world.anna.messages() if "restart the export" in (m.text or "")]
        bodies = [str(m.get_content()) for m in mail.room.received]
        assert {m["To"] for m in mail.room.received} == {"anna@nowak.test"}
        for text in ("Please restart the export", "Did that help?"):
            assert len([b for b in bodies if text in b]) == 1, bodies  # never twice


async def _mailed(room: MailRoom, text: str) -> str:
    async with asyncio.timeout(WAIT):
        while True:
            for message in room.received:
                body = str(message.get_content())
                if text in body:
                    return body
            await asyncio.sleep(0.05)
