"""`SlackEmulator`: one in-process aiohttp server playing Slack for an app under test."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from . import methods_chat, methods_conversations, methods_files, methods_views  # noqa: F401
from .calllog import CallLog
from .events import EventFeed
from .interactivity import handle_response_url
from .limits import Faults, RateLimiter
from .playground import ChangeFeed, PlaygroundRoutes
from .socket_mode import SocketModeHub, handle_link
from .store import Workspace
from .web_api import EMULATOR_KEY, handle
from .workspace import Person, seed_default

T = TypeVar("T")


@dataclass
class EmulatorConfig:
    app_timeout: float = 3.0  # how long Slack waits for the app (events, acks, interactions)
    # Slack retries a failed event immediately, after ~1 minute and after ~5 minutes.
    event_retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0)
    trigger_ttl: float = 3.0


class SlackEmulator:
    """Slack's Web API, Events API and Socket Mode on a local port.

    Use as `async with SlackEmulator() as emu:`; point slack_sdk at `emu.api_url`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        people: bool = True,
        rate_limits: bool = False,
        app_timeout: float = 3.0,
        event_retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0),
        trigger_ttl: float = 3.0,
    ) -> None:
        self.host = host
        self.port = port
        self.config = EmulatorConfig(app_timeout, event_retry_delays, trigger_ttl)
        self.ws = Workspace(seed=seed)
        if people:
            seed_default(self.ws)
        self.calls = CallLog()
        self.rate_limits = RateLimiter()
        self.rate_limits.enable(rate_limits)
        self.faults = Faults(self.ws.ids.chance)
        self.events = EventFeed(self)
        self.socket = SocketModeHub(self)
        self.feed = ChangeFeed()  # what the playground page waits on
        self.ws.on_change = self.changed
        self._changed: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._avatars: dict[tuple[str, int], bytes] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The `base_url` for slack_sdk clients (it must end with a slash)."""
        return f"{self.url}/api/"

    @property
    def bot_token(self) -> str:
        return self.ws.app.bot_token

    @property
    def app_token(self) -> str:
        return self.ws.app.app_token

    @property
    def signing_secret(self) -> str:
        return self.ws.app.signing_secret

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=1024**3)
        app[EMULATOR_KEY] = self
        app.router.add_route("*", "/api/{method}", handle)
        app.router.add_post("/upload/v1/{ticket}", methods_files.handle_upload)
        app.router.add_get("/files-pri/{team_file}/download/{name}", methods_files.handle_download)
        app.router.add_get("/files-pri/{team_file}/{name}", methods_files.handle_download)
        app.router.add_post("/actions/{team}/{id}/{secret}", handle_response_url)
        app.router.add_post("/commands/{team}/{id}/{secret}", handle_response_url)
        app.router.add_get("/link/", handle_link)
        app.router.add_get("/avatars/{user}/{size}.png", self._avatar)
        app.router.add_get("/", methods_files.handle_login_page)
        PlaygroundRoutes(self).add_routes(app)
        return app

    async def start(self) -> SlackEmulator:
        self._changed = asyncio.Event()
        if self.port == 0:
            self.port = _free_port(self.host)
        self.ws.base_url = self.url
        self._runner = web.AppRunner(self.web_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.events.session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        await self.events.close()
        await self.socket.close()
        if self.events.session is not None:
            await self.events.session.close()
            self.events.session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ the app under test

    def connect_app(
        self,
        request_url: str | None = None,
        *,
        interactivity_url: str | None = None,
        commands_url: str | None = None,
        socket_mode: bool | None = None,
    ) -> None:
        """Tell the emulator where the app listens (as in the app's config page)."""
        settings = self.events.settings
        settings.request_url = request_url
        settings.interactivity_url = interactivity_url
        settings.commands_url = commands_url
        settings.socket_mode = socket_mode

    def client_kwargs(self) -> dict[str, Any]:
        return {"token": self.bot_token, "base_url": self.api_url}

    # ------------------------------------------------------------------ people

    def person(self, who: str) -> Person:
        return Person(self, self.ws.user(who))

    def add_person(
        self, name: str, real_name: str, *, role: str = "customer", **extra: Any
    ) -> Person:
        return Person(self, self.ws.add_user(name, real_name, role=role, **extra))

    # ------------------------------------------------------------------ waiting

    def changed(self) -> None:
        self.feed.bump()
        if self._changed is not None:
            self._changed.set()

    async def wait_for(self, predicate: Callable[[], T], within: float = 3.0) -> T:
        """Wait until `predicate()` is truthy (it is re-checked whenever state changes)."""
        deadline = time.monotonic() + within
        while True:
            if self._changed is not None:
                self._changed.clear()
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within}s")
            if self._changed is None:
                await asyncio.sleep(min(remaining, 0.02))
                continue
            # Also poll: app tasks may change things the emulator is not told about.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def settle(self, within: float = 5.0) -> None:
        """Wait until every event delivery, retries included, has finished."""
        await self.events.idle(within)

    # ------------------------------------------------------------------ avatars

    async def _avatar(self, request: web.Request) -> web.StreamResponse:
        user = self.ws.users.get(request.match_info["user"])
        try:
            size = int(request.match_info["size"])
        except ValueError:
            size = 0
        if user is None or not 0 < size <= 1024:
            raise web.HTTPNotFound()
        key = (user.id, size)
        if key not in self._avatars:
            self._avatars[key] = _png(size, user.color)
        return web.Response(body=self._avatars[key], content_type="image/png")


def _png(size: int, color: str) -> bytes:
    from PIL import Image

    rgb = (int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16))
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def _free_port(host: str) -> int:
    # Binding port 0 lets the OS choose; the server then binds the same number. The tiny
    # race is acceptable for tests and lets `url` be known before the server starts.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
