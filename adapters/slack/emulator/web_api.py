"""The Web API front door: parse a call the way Slack does, authenticate, limit, dispatch.

Slack accepts arguments as query parameters, form fields (urlencoded or multipart) or a
JSON body, and the token as `Authorization: Bearer` or a `token` argument. Every answer
is HTTP 200 with `{"ok": ...}` except rate limiting (429 + Retry-After) and edge failures.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .calllog import CallRecord
from .limits import Fault
from .state import JSON, Channel

if TYPE_CHECKING:
    from .server import SlackEmulator
    from .store import Workspace

EMULATOR_KEY: web.AppKey[SlackEmulator] = web.AppKey("slack_emulator")


class ApiError(Exception):
    def __init__(self, error: str, *, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


@dataclass
class Call:
    emu: SlackEmulator
    method: str
    args: dict[str, Any]
    token: str

    @property
    def ws(self) -> Workspace:
        return self.emu.ws

    def arg(self, name: str) -> str | None:
        value = self.args.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def need(self, name: str, error: str = "invalid_arguments") -> str:
        value = self.arg(name)
        if value is None:
            raise ApiError(error, response_metadata={"messages": [f"[ERROR] missing '{name}'"]})
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes")

    def number(self, name: str, default: int) -> int:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ApiError("invalid_arguments") from exc

    def json(self, name: str, error: str = "invalid_arguments") -> Any:
        """A structured argument: a JSON string in forms, already parsed in JSON bodies."""
        value = self.args.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ApiError(error) from exc
        return value

    def readable_channel(self, name: str = "channel") -> Channel:
        """A conversation the bot may read: private ones it is not in do not exist for it."""
        channel = self.ws.resolve_channel(self.need(name, "channel_not_found"))
        if channel is None or (
            channel.is_private and self.ws.app.bot_user_id not in channel.members
        ):
            raise ApiError("channel_not_found")
        return channel

    def _bot_in(self, channel: Channel) -> bool:
        return self.ws.app.bot_user_id in channel.members

    def member_channel(self, name: str = "channel") -> Channel:
        """A conversation the bot must be in (posting, reading history)."""
        channel = self.readable_channel(name)
        if self.ws.app.bot_user_id not in channel.members:
            raise ApiError("not_in_channel")
        return channel


Handler = Callable[[Call], Awaitable[JSON]]


@dataclass(frozen=True)
class MethodSpec:
    handler: Handler
    token_kinds: frozenset[str]


METHODS: dict[str, MethodSpec] = {}


def method(name: str, *, tokens: tuple[str, ...] = ("bot",)) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = MethodSpec(handler, frozenset(tokens))
        return handler

    return register


async def read_args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return args
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise ApiError("invalid_json") from exc
        if isinstance(body, dict):
            args.update(body)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args


def _token(request: web.Request, args: dict[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        args.pop("token", None)
        return header[7:].strip() or None
    token = args.pop("token", None)
    return str(token) if token else None


def token_kind(emu: SlackEmulator, token: str | None) -> str | None:
    if token == emu.ws.app.bot_token:
        return "bot"
    if token == emu.ws.app.app_token:
        return "app"
    return None


def _reply(data: JSON, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def ratelimited(retry_after: int) -> web.Response:
    return _reply({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)})


async def apply_fault(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    """The response a fault stands for; None lets the call go on (after a "slow" delay; a
    "lost" call goes on and its answer is dropped afterwards)."""
    if fault.kind == "lost":
        return None
    if fault.kind == "slow":
        await asyncio.sleep(fault.delay)
        return None
    if fault.kind == "ratelimited":
        return ratelimited(fault.retry_after)
    if fault.kind == "error":
        return _reply({"ok": False, "error": fault.error})
    if fault.kind == "server_error":
        page = f"<html><body><h1>{fault.status} Server Error</h1></body></html>"
        return web.Response(status=fault.status, text=page, content_type="text/html")
    # "disconnect": drop the TCP connection without an answer, as a dying proxy would.
    if request.transport is not None:
        request.transport.abort()
    raise asyncio.CancelledError


async def handle(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    name = request.match_info["method"]
    record = CallRecord(name, {}, time.time())
    started = time.perf_counter()
    response: web.StreamResponse
    error: str | None
    try:
        args = await read_args(request)
        token = _token(request, args)
        record.args = args
        fault = emu.faults.take(name)
        faulted = await apply_fault(request, fault) if fault else None
        if fault:
            record.fault = fault.kind
        if faulted is not None:
            response, error = faulted, f"fault_{fault.kind if fault else ''}"
        else:
            response, error = await _dispatch(emu, name, args, token)
            if fault is not None and fault.kind == "lost":
                # Done, but the answer never reaches the client.
                record.status, record.ok, record.error = 0, error is None, "lost"
                emu.calls.add(record)
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
    except ApiError as exc:
        response, error = (
            _reply({"ok": False, "error": exc.error, **exc.extra}, exc.status),
            exc.error,
        )
    except asyncio.CancelledError:
        if record.error != "lost":
            record.status, record.ok, record.error = 0, False, "disconnected"
            emu.calls.add(record)
        raise
    record.status = response.status
    record.ok = error is None
    record.error = error
    record.duration = time.perf_counter() - started
    emu.calls.add(record)
    return response


async def _dispatch(
    emu: SlackEmulator, name: str, args: dict[str, Any], token: str | None
) -> tuple[web.Response, str | None]:
    """The answer and, when it is not ok, the error name for the call log."""
    spec = METHODS.get(name)
    try:
        if spec is None:
            raise ApiError("unknown_method", req_method=name)
        if token is None:
            raise ApiError("not_authed")
        kind = token_kind(emu, token)
        if kind is None:
            raise ApiError("invalid_auth")
        if kind not in spec.token_kinds:
            raise ApiError("not_allowed_token_type")
        scope = token
        if name == "chat.postMessage":
            # Per channel, whichever way the channel is named ("#support" or its id).
            channel = emu.ws.resolve_channel(str(args.get("channel", "")))
            scope = channel.id if channel else str(args.get("channel", ""))
        retry_after = emu.rate_limits.check(name, scope)
        if retry_after is not None:
            return ratelimited(retry_after), "ratelimited"
        data = await spec.handler(Call(emu, name, args, token))
    except ApiError as exc:
        return _reply({"ok": False, "error": exc.error, **exc.extra}, exc.status), exc.error
    return _reply({"ok": True, **data}), None
