"""The HTTP side: Bot API routes, file downloads, and the hooks for faults and flood limits.

Routes, as on api.telegram.org:

* ``/bot<token>/<method>``: any HTTP method, parameters in the query or body;
* ``/file/bot<token>/<file_path>``: downloads of paths getFile handed out.

The request path is kept lean on purpose (no logging, one dict lookup per step, stdlib JSON):
the emulator must serve thousands of calls a second for benchmarks.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from .api_methods import Handler
from .calls import CallLog, CallRecord
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .files import MIB
from .limits import SENDING_METHODS, Fault, Faults, RateLimits
from .params import Params, read_params
from .state import World

TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
UPLOAD_LIMIT = 50 * MIB  # multipart uploads through api.telegram.org
_JSON = "application/json"
_BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


# One encoder for all responses: json.dumps() with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


class BotApiServer:
    """Serves one bot's API from the emulator's state."""

    def __init__(
        self,
        *,
        token: str,
        world: World,
        methods: dict[str, Handler],
        calls: CallLog,
        faults: Faults,
        rate_limits: RateLimits,
        upload_limit: int = UPLOAD_LIMIT,
    ) -> None:
        self.token = token
        self.world = world
        self.methods = methods
        self.calls = calls
        self.faults = faults
        self.rate_limits = rate_limits
        self.upload_limit = upload_limit

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_api(self, request: web.Request) -> web.StreamResponse:
        match = request.match_info
        record = CallRecord(match["method"], {}, time.time())
        self.calls.add(record)
        try:
            token = match["token"]
            if token != self.token:
                raise UNAUTHORIZED if TOKEN_SHAPE.fullmatch(token) else NOT_FOUND
            # Read the body before anything else so every answer reaches a client that is
            # still uploading (an early answer would reset its connection).
            params = await read_params(request, self.upload_limit)
            record.raw_args = params.summary()
            method = record.method.lower()
            handler = self.methods.get(method)
            if handler is None:
                raise NOT_FOUND
            late = None
            if self.faults.rules:
                early = await self._inject_fault(request, record, method, params)
                if isinstance(early, Fault):
                    late = early
                elif early is not None:
                    return early
            if self.rate_limits.enabled and method in SENDING_METHODS:
                self._check_flood(method, params)
            result = await handler(params)
            if late is not None:
                # Done, but the answer comes too late: a client that timed out hangs up here.
                record.result = result
                record.description = "answered late"
                await asyncio.sleep(late.delay)
        except ApiError as exc:
            record.description = exc.description
            self.calls.finish(record, exc.code)
            return web.Response(body=dumps(exc.payload()), status=exc.code, content_type=_JSON)
        except asyncio.CancelledError:
            # The client hung up (a read timeout, a cancelled long poll): nobody gets an answer.
            if record.description != "answered late":
                record.description = "client disconnected before the answer"
            self.calls.finish(record, 0)
            raise
        record.result = result
        self.calls.finish(record, 200)
        return web.Response(body=dumps({"ok": True, "result": result}), content_type=_JSON)

    async def _inject_fault(
        self, request: web.Request, record: CallRecord, method: str, params: Params
    ) -> web.StreamResponse | Fault | None:
        """An early answer, a "late" fault to apply after the call, or None to go on."""
        fault = self.faults.pick(method, params.values)
        if fault is None:
            return None
        if fault.kind == "late":
            return fault
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            return None
        if fault.kind == "drop":
            record.description = "connection dropped"
            self.calls.finish(record, 0)
            # Abort the TCP connection: the client sees it closed with no answer at all.
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)
        if fault.kind == "502":
            record.description = "Bad Gateway"
            self.calls.finish(record, 502)
            return web.Response(body=_BAD_GATEWAY_PAGE, status=502, content_type="text/html")
        raise fault.as_error()

    def _check_flood(self, method: str, params: Params) -> None:
        try:
            chat_id = params.chat_id()
        except ApiError:
            return  # the method itself reports the bad chat_id
        chat = self.world.chats.get(chat_id)
        count = 1
        if method == "sendmediagroup":
            try:
                media = params.get_json("media")
                count = len(media) if isinstance(media, list) and media else 1
            except ApiError:
                count = 1
        self.rate_limits.check(chat_id, chat is not None and chat.is_group, count)

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if token != self.token:
            error = UNAUTHORIZED if TOKEN_SHAPE.fullmatch(token) else NOT_FOUND
            return web.Response(body=dumps(error.payload()), status=error.code, content_type=_JSON)
        stored = self.world.files.by_path.get(request.match_info["path"])
        if stored is None:
            return web.Response(body=dumps(NOT_FOUND.payload()), status=404, content_type=_JSON)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
