"""The web server: health for whoever runs the bot, and Slack's HTTP events and interactions.

Built small on purpose: routes are added by what is configured (`/slack/events` only when the
Slack adapter receives over HTTP), and bot.runtime starts and stops it with everything else.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

__all__ = ["SLACK_EVENTS_PATH", "serving", "web_app"]

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
# Slack's payloads are small; a modal's submission is the largest we take (a few kB).
_MAX_BODY = 1024 * 1024


def web_app(*, slack: AsyncApp | None = None) -> web.Application:
    app = web.Application(client_max_size=_MAX_BODY)
    app.router.add_get("/healthz", _healthz)
    if slack is not None:

        async def slack_events(request: web.Request) -> web.Response:
            # One path for events, interactions and commands, as Slack's app config expects.
            answer = await slack.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(answer)

        app.router.add_post(SLACK_EVENTS_PATH, slack_events)
    return app


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@asynccontextmanager
async def serving(app: web.Application, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    """Listen on host:port until the block ends (then finish requests in flight, briefly)."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("web server listening on %s:%s", host, port)
        yield runner
    finally:
        await runner.cleanup()
