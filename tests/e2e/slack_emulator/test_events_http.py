"""Events API over HTTP: signatures, retries, url_verification and event shapes."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import Duplicates, SlackEmulator

from .conftest import bolt_app, running_bolt, serve


@dataclass
class Receiver:
    """A bare app endpoint that records each request and answers as told."""

    answer: Callable[[int], tuple[int, float]] = lambda n: (200, 0.0)  # status, delay
    requests: list[tuple[dict[str, str], str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.requests.append((dict(request.headers), body))
        status, delay = self.answer(len(self.requests))
        if delay:
            await asyncio.sleep(delay)
        return web.Response(status=status, text="")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/events", self.handle)
        return app

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body)["event"] for _, body in self.requests]


async def test_events_are_signed_so_slack_sdk_verifier_accepts_them(emu: SlackEmulator) -> None:
    receiver = Receiver()
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("alice").post("#support", "hi")
        await emu.settle()
    headers, body = receiver.requests[0]
    verifier = SignatureVerifier(emu.signing_secret)
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    envelope = json.loads(body)
    assert envelope["type"] == "event_callback"
    assert envelope["api_app_id"] == emu.ws.app.app_id
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == emu.ws.app.bot_user_id


async def test_bolt_rejects_bad_and_stale_signatures(emu: SlackEmulator) -> None:
    app = bolt_app(emu)
    async with running_bolt(emu, app) as url:
        body = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"})
        status, text = await emu.events.post_raw(url, body)
        assert (status, json.loads(text)) == (200, {"challenge": "abc"})
        status, _ = await emu.events.post_raw(url, body, signature="v0=" + "0" * 64)
        assert status == 401
        stale = int(time.time()) - 6 * 60  # Slack's replay window is 5 minutes
        status, _ = await emu.events.post_raw(url, body, timestamp=stale)
        assert status == 401
        assert await emu.events.verify_url() is True


async def test_retries_with_headers_when_app_answers_500(emu: SlackEmulator) -> None:
    receiver = Receiver(answer=lambda n: (500, 0.0) if n < 3 else (200, 0.0))
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("alice").post("#support", "hello?")
        await emu.settle()
    retry_headers = [
        (h.get("X-Slack-Retry-Num"), h.get("X-Slack-Retry-Reason")) for h, _ in receiver.requests
    ]
    assert retry_headers == [(None, None), ("1", "http_error"), ("2", "http_error")]
    event_ids = {json.loads(body)["event_id"] for _, body in receiver.requests}
    assert len(event_ids) == 1  # a retry is the same event
    delivery = emu.events.deliveries[0]
    assert delivery.delivered
    assert delivery.retries == 2


async def test_gives_up_after_three_retries(emu: SlackEmulator) -> None:
    receiver = Receiver(answer=lambda n: (503, 0.0))
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("alice").post("#support", "anyone?")
        await emu.settle()
    assert len(receiver.requests) == 4
    assert receiver.requests[-1][0]["X-Slack-Retry-Num"] == "3"
    assert not emu.events.deliveries[0].delivered


async def test_slow_app_gets_http_timeout_retry(emu: SlackEmulator) -> None:
    assert SlackEmulator().config.app_timeout == 3.0  # Slack's 3 seconds by default
    emu.config.app_timeout = 0.3  # kept short so the test stays fast
    receiver = Receiver(answer=lambda n: (200, 0.5) if n == 1 else (200, 0.0))
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("alice").post("#support", "slow")
        await emu.settle()
    assert receiver.requests[1][0]["X-Slack-Retry-Reason"] == "http_timeout"
    assert [a.reason for a in emu.events.deliveries[0].attempts] == ["http_timeout", None]


async def test_no_retry_header_stops_retries(emu: SlackEmulator) -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=500, headers={"X-Slack-No-Retry": "1"})

    app = web.Application()
    app.router.add_post("/events", refuse)
    async with serve(app) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("alice").post("#support", "x")
        await emu.settle()
    assert len(emu.events.deliveries[0].attempts) == 1


async def test_message_shapes(emu: SlackEmulator, client: AsyncWebClient) -> None:
    receiver = Receiver()
    alice, carol = emu.person("alice"), emu.person("carol")
    bot = emu.ws.app.bot_user_id
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        parent = await alice.post("#support", f"<@{bot}> new ticket")
        reply = await alice.reply(parent, "more detail")
        await alice.reply(parent, "look here", broadcast=True)
        await alice.edit(reply, "more detail, edited")
        await alice.delete(reply)
        await alice.upload("#support", "log.txt", b"log", comment="log", thread_ts=parent.ts)
        await carol.dm("hello from a customer")
        await carol.join("#support")
        await client.chat_postMessage(channel="#support", text="bot says hi")
        await emu.settle()
    events = receiver.events()
    kinds = [(e["type"], e.get("subtype")) for e in events]
    assert kinds == [
        ("message", None),
        ("app_mention", None),
        ("message", None),
        ("message", "thread_broadcast"),
        ("message", "message_changed"),
        ("message", "message_deleted"),
        ("message", "file_share"),
        ("message", None),
        ("member_joined_channel", None),
        ("message", None),
    ]
    top, mention, in_thread, broadcast, changed, deleted, shared, dm, joined, own = events
    assert top["channel_type"] == "channel"
    assert top["client_msg_id"]
    assert top["blocks"][0]["elements"][0]["elements"][0] == {"type": "user", "user_id": bot}
    assert mention["text"] == f"<@{bot}> new ticket"
    assert in_thread["thread_ts"] == parent.ts
    assert in_thread["parent_user_id"] == alice.id
    assert broadcast["root"]["ts"] == parent.ts
    assert changed["message"]["text"] == "more detail, edited"
    assert changed["previous_message"]["text"] == "more detail"
    assert changed["hidden"] is True
    assert deleted["deleted_ts"] == reply.ts
    assert deleted["previous_message"]["text"] == "more detail, edited"
    assert shared["files"][0]["name"] == "log.txt"
    assert shared["thread_ts"] == parent.ts
    assert dm["channel_type"] == "im"
    assert dm["channel"].startswith("D")
    assert joined["user"] == carol.id
    assert joined["channel_type"] == "C"
    assert own["bot_id"] == emu.ws.app.bot_id  # the app hears its own posts, like in Slack


async def test_no_events_without_membership_or_subscription(emu: SlackEmulator) -> None:
    receiver = Receiver()
    async with serve(receiver.app()) as base:
        emu.connect_app(f"{base}/events")
        await emu.person("carol").post("#general", "bot is not here")
        emu.events.settings.subscriptions.discard("message.channels")
        await emu.person("alice").post("#support", "unsubscribed")
        await emu.settle()
    assert receiver.requests == []


async def test_duplicates_send_retries_while_the_first_is_still_being_handled(
    emu: SlackEmulator,
) -> None:
    in_flight, overlapped = 0, 0

    async def slow(request: web.Request) -> web.Response:
        nonlocal in_flight, overlapped
        in_flight += 1
        overlapped = max(overlapped, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return web.Response(text=request.headers.get("X-Slack-Retry-Num", "0"))

    app = web.Application()
    app.router.add_post("/events", slow)
    emu.events.duplicates = Duplicates(random.Random(3), most=4, gap=0.001)
    async with serve(app) as base:
        emu.connect_app(f"{base}/events")
        for n in range(12):
            await emu.person("alice").post("#support", f"m{n}")
        await emu.settle()
    sent = [len(d.attempts) for d in emu.events.deliveries]
    assert set(sent) == {1, 2, 3, 4}  # 1 to 4 copies of each event
    assert sum(sent) - len(sent) == emu.events.duplicates.copies
    assert overlapped > 1  # copies arrived while the first was being handled
    for delivery in emu.events.deliveries:
        assert sorted(a.retry_num for a in delivery.attempts) == list(range(len(delivery.attempts)))
        assert delivery.delivered
