"""The playground's web server: one static page, both emulators' browser routes, and a
server-sent event stream that tells the page when either side changed.

The emulators' own JSON routes are mounted under ``/telegram`` and ``/slack`` (same origin as
the page, so the browser needs no CORS); the page re-reads what it shows on every event.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from aiohttp import web

from adapters.slack.emulator import SlackEmulator
from adapters.slack.emulator.playground import PlaygroundRoutes as SlackRoutes
from adapters.telegram.emulator import TelegramEmulator
from adapters.telegram.emulator.playground import PlaygroundRoutes as TelegramRoutes

STATIC = Path(__file__).with_name("static")
# A customer's file goes through the page as base64 JSON: room for the 25 MB attachment limit.
_MAX_BODY = 40 * 1024 * 1024
_KEEPALIVE = 15.0


def page_app(
    tg: TelegramEmulator, slack: SlackEmulator, stopping: asyncio.Event
) -> web.Application:
    app = web.Application(client_max_size=_MAX_BODY)
    telegram_side = web.Application(client_max_size=_MAX_BODY)
    TelegramRoutes(tg).add_routes(telegram_side)
    slack_side = web.Application(client_max_size=_MAX_BODY)
    SlackRoutes(slack).add_routes(slack_side)
    app.add_subapp("/telegram", telegram_side)
    app.add_subapp("/slack", slack_side)

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html", headers=_NO_STORE)

    async def events(request: web.Request) -> web.StreamResponse:
        return await _event_stream(request, tg, slack, stopping)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/", index)
    app.router.add_get("/events", events)
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static/", STATIC, append_version=False)
    app.on_response_prepare.append(_security_headers)
    return app


_NO_STORE = {"Cache-Control": "no-store"}


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    # Customer text is hostile: even if the page had a bug, no inline or foreign script runs.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


async def _telegram_past(tg: TelegramEmulator, since: int) -> None:
    """Until the Telegram side's version passes `since` (checked first: no change is missed)."""
    if tg.world.version <= since:
        await tg.world.changed.wait(_KEEPALIVE)


async def _event_stream(
    request: web.Request, tg: TelegramEmulator, slack: SlackEmulator, stopping: asyncio.Event
) -> web.StreamResponse:
    """``event: telegram`` / ``event: slack`` with the side's version, whenever it changes."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    seen = {"telegram": -1, "slack": -1}
    stop = asyncio.ensure_future(stopping.wait())
    try:
        while not stopping.is_set():
            now = {"telegram": tg.world.version, "slack": slack.feed.version}
            chunk = "".join(
                f"event: {side}\ndata: {version}\n\n"
                for side, version in now.items()
                if version != seen[side]
            )
            seen = now
            await response.write((chunk or ": keep-alive\n\n").encode())
            waits = [
                asyncio.ensure_future(_telegram_past(tg, seen["telegram"])),
                asyncio.ensure_future(slack.feed.wait_past(seen["slack"], _KEEPALIVE)),
            ]
            try:
                await asyncio.wait([*waits, stop], return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
                await asyncio.gather(*waits, return_exceptions=True)
            # Many changes come in bursts (a card and its thread line): send them together.
            await asyncio.sleep(0.05)
    except ConnectionResetError:
        pass  # the page was closed or reloaded
    finally:
        stop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stop
    return response
