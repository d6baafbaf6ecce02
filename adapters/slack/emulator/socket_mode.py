"""Socket Mode: `apps.connections.open` hands out a one-time WebSocket URL; Slack then
pushes envelopes over it and the app acknowledges each by `envelope_id`.

What Slack does and this reproduces: a `hello` on connect; envelopes
`{"envelope_id", "payload", "type", "accepts_response_payload"}` (plus `retry_attempt` /
`retry_reason` for events); an event not acknowledged in time is sent again as a new
envelope with `retry_attempt` + 1 and `retry_reason: "timeout"`; `disconnect` messages
(`refresh_requested`, `warning`, `link_disabled`) tell the client to reconnect.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .web_api import EMULATOR_KEY, ApiError, Call, method

if TYPE_CHECKING:
    from .events import Attempt
    from .server import SlackEmulator


@dataclass
class Connection:
    id: int
    ws: web.WebSocketResponse
    opened: float = field(default_factory=time.time)
    received: list[Any] = field(default_factory=list)  # everything the client sent


@dataclass
class SentEnvelope:
    envelope: dict[str, Any]
    connection: int
    at: float
    acked: bool = False


class SocketModeHub:
    def __init__(self, emu: SlackEmulator) -> None:
        self.emu = emu
        self.tickets: dict[str, float] = {}
        self.connections: dict[int, Connection] = {}
        self.sent: list[SentEnvelope] = []
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._turn = itertools.count()

    @property
    def connected(self) -> bool:
        return any(not c.ws.closed for c in self.connections.values())

    def new_url(self) -> str:
        ticket = str(uuid.uuid4())
        self.tickets[ticket] = time.monotonic()
        ws_base = self.emu.url.replace("http://", "ws://", 1)
        return f"{ws_base}/link/?ticket={ticket}&app_id={self.emu.ws.app.app_id}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        # A ticket is good once, like Slack's: reconnecting means asking for a new URL.
        if self.tickets.pop(ticket, None) is None:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(next(self._ids), ws)
        self.connections[conn.id] = conn
        await ws.send_json(self._hello())
        self.emu.changed()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._received(conn, msg.data)
        finally:
            self.connections.pop(conn.id, None)
            self.emu.changed()
        return ws

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self.connections),
            "debug_info": {
                "host": "applink-emulator",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.emu.ws.app.app_id},
        }

    def _received(self, conn: Connection, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            conn.received.append(data)
            return
        conn.received.append(message)
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        future = self._pending.pop(str(envelope_id), None)
        if future is not None and not future.done():
            future.set_result(message)
        for sent in self.sent:
            if sent.envelope["envelope_id"] == envelope_id:
                sent.acked = True
        self.emu.changed()

    def _pick(self) -> Connection | None:
        open_ones = [c for c in self.connections.values() if not c.ws.closed]
        if not open_ones:
            return None
        return open_ones[next(self._turn) % len(open_ones)]

    async def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None = None,
        retry_reason: str = "",
        record: Attempt | None = None,
    ) -> dict[str, Any] | None:
        """Push one envelope and wait for its ack; None if none came in time."""
        conn = self._pick()
        if conn is None:
            return None
        envelope: dict[str, Any] = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason
        if record is not None:
            record.envelope_id = envelope["envelope_id"]
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope["envelope_id"]] = future
        self.sent.append(SentEnvelope(envelope, conn.id, time.time()))
        try:
            await conn.ws.send_str(json.dumps(envelope))
            return await asyncio.wait_for(future, self.emu.config.app_timeout)
        except (TimeoutError, ConnectionError):
            return None
        finally:
            self._pending.pop(envelope["envelope_id"], None)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every client to reconnect, as Slack does every few hours."""
        message = {
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": "applink-emulator"},
        }
        for conn in list(self.connections.values()):
            if not conn.ws.closed:
                await conn.ws.send_json(message)

    async def drop(self) -> None:
        """Close every connection without a word (a network failure)."""
        for conn in list(self.connections.values()):
            await conn.ws.close()

    async def wait_connected(self, within: float = 5.0, count: int = 1) -> None:
        deadline = time.monotonic() + within
        while sum(not c.ws.closed for c in self.connections.values()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError("no Socket Mode connection")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        for conn in list(self.connections.values()):
            await conn.ws.close()
        for future in self._pending.values():
            future.cancel()


@method("apps.connections.open", tokens=("app",))
async def connections_open(call: Call) -> dict[str, Any]:
    if call.emu.ws.app.app_token != call.token:
        raise ApiError("invalid_auth")
    return {"url": call.emu.socket.new_url()}


async def handle_link(request: web.Request) -> web.StreamResponse:
    return await request.app[EMULATOR_KEY].socket.handle(request)
