"""Socket Mode with slack_sdk's aiohttp SocketModeClient and Bolt's socket handler."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator

from .conftest import bolt_app

Listener = Callable[[SocketModeClient, SocketModeRequest], Awaitable[None]]


@asynccontextmanager
async def socket_client(
    emu: SlackEmulator, listener: Listener, raw: list[dict[str, Any]] | None = None
) -> AsyncIterator[SocketModeClient]:
    client = SocketModeClient(
        app_token=emu.app_token,
        web_client=AsyncWebClient(base_url=emu.api_url),
        ping_interval=0.2,
    )
    client.socket_mode_request_listeners.append(listener)  # type: ignore[arg-type]
    if raw is not None:

        async def record(_: object, message: dict[str, Any], __: str | None) -> None:
            raw.append(message)

        client.message_listeners.append(record)  # type: ignore[arg-type]
    try:
        await client.connect()
        await emu.socket.wait_connected()
        yield client
    finally:
        await client.close()


async def test_connect_hello_events_and_ack(emu: SlackEmulator) -> None:
    received: list[SocketModeRequest] = []

    async def listener(client: SocketModeClient, req: SocketModeRequest) -> None:
        received.append(req)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    raw: list[dict[str, Any]] = []
    async with socket_client(emu, listener, raw):
        await emu.person("alice").post("#support", "over the socket")
        await emu.wait_for(lambda: emu.events.deliveries and emu.events.deliveries[0].delivered)
        conn = next(iter(emu.socket.connections.values()))
    assert raw[0]["type"] == "hello"
    assert raw[0]["connection_info"]["app_id"] == emu.ws.app.app_id
    assert received[0].type == "events_api"
    assert received[0].payload["event"]["text"] == "over the socket"
    assert received[0].retry_attempt == 0
    assert emu.events.deliveries[0].transport == "socket"
    assert emu.socket.sent[0].acked
    assert conn.received[0]["envelope_id"] == received[0].envelope_id
    emu.calls.assert_called("apps.connections.open", times=1)


async def test_unacked_envelope_is_sent_again(emu: SlackEmulator) -> None:
    emu.config.app_timeout = 0.5
    received: list[SocketModeRequest] = []

    async def forgetful(client: SocketModeClient, req: SocketModeRequest) -> None:
        received.append(req)
        if len(received) > 1:  # ignore the first try, ack the second
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    async with socket_client(emu, forgetful):
        await emu.person("alice").post("#support", "are you there?")
        await emu.settle()
    assert [r.retry_attempt for r in received] == [0, 1]
    assert [r.retry_reason for r in received] == ["", "timeout"]
    assert received[0].envelope_id != received[1].envelope_id
    assert received[0].payload["event_id"] == received[1].payload["event_id"]
    assert emu.events.deliveries[0].delivered


async def test_disconnect_makes_client_reconnect(emu: SlackEmulator) -> None:
    received: list[SocketModeRequest] = []

    async def listener(client: SocketModeClient, req: SocketModeRequest) -> None:
        received.append(req)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    async with socket_client(emu, listener):
        first = set(emu.socket.connections)
        await emu.socket.disconnect("refresh_requested")
        await emu.wait_for(lambda: set(emu.socket.connections) - first, within=3.0)
        await emu.wait_for(lambda: not set(emu.socket.connections) & first, within=3.0)
        await emu.person("alice").post("#support", "after reconnect")
        await emu.wait_for(lambda: received)
    assert received[0].payload["event"]["text"] == "after reconnect"
    assert emu.calls.count("apps.connections.open") == 2


async def test_bot_token_cannot_open_a_socket(emu: SlackEmulator, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        await client.apps_connections_open(app_token=emu.bot_token)
    assert caught.value.response["error"] == "not_allowed_token_type"


async def test_bolt_socket_mode_end_to_end(emu: SlackEmulator) -> None:
    app = bolt_app(emu)

    @app.event("app_mention")
    async def mentioned(event: dict[str, Any], say: AsyncSay) -> None:
        await say(text="On it!", thread_ts=event["ts"])

    @app.event("message")
    async def ignore(ack: AsyncAck) -> None:
        # Bolt does not ack events nobody listens to, and then Slack (and the emulator)
        # re-sends them; listening keeps this test fast.
        await ack()

    @app.command("/status")
    async def status(ack: AsyncAck) -> None:
        await ack(text="All systems normal")

    handler = AsyncSocketModeHandler(app, emu.app_token)
    await handler.connect_async()
    try:
        await emu.socket.wait_connected()
        alice = emu.person("alice")
        question = await alice.post("#support", f"<@{emu.ws.app.bot_user_id}> status?")
        await emu.wait_for(lambda: len(alice.thread(question)) == 2)
        reply = await alice.command("/status")
        assert reply.transport == "socket"
        assert reply.response() == {"text": "All systems normal"}
        assert alice.ephemerals[-1].text == "All systems normal"
        await emu.settle()
    finally:
        await handler.close_async()
    assert alice.thread(question)[1].text == "On it!"
