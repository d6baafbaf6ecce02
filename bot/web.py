"""The web server: health, readiness and metrics for whoever runs the bot, Telegram's webhook
and Slack's HTTP events and interactions.

Built small on purpose: routes are added by what is configured (`/slack/events` only when the
Slack adapter receives over HTTP, `/telegram/webhook` only with PUBLIC_URL), and bot.runtime
starts and stops it with everything else. Every request is timed for /metrics and logged under
a request id (the caller's X-Request-Id, or a new one), returned in the answer's X-Request-Id.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.health import Readiness
from bot.logs import log_context
from bot.metrics import HTTP_SECONDS, metrics_handler
from bot.slack import recording_failed

__all__ = ["SLACK_EVENTS_PATH", "serving", "web_app"]

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
# Slack's payloads are small; a modal's submission is the largest we take (a few kB).
_MAX_BODY = 1024 * 1024


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def web_app(
    *,
    slack: AsyncApp | None = None,
    telegram_webhook: Handler | None = None,
    readiness: Readiness | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    signing_secret: str | None = None,
) -> web.Application:
    app = web.Application(client_max_size=_MAX_BODY, middlewares=[_observed])
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz(readiness or Readiness()))
    app.router.add_get("/metrics", metrics_handler(sessionmaker))
    if telegram_webhook is not None:
        from bot.telegram_webhook import WEBHOOK_PATH

        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    if slack is not None:

        async def slack_events(request: web.Request) -> web.Response:
            # One path for events, interactions and commands, as Slack's app config expects.
            if not _plausible_timestamp(request):
                return web.json_response({"error": "invalid request"}, status=401)
            try:
                bolt_request = await to_bolt_request(request)
            except (ValueError, TypeError, AttributeError, KeyError):
                # Not JSON (or not an object): refused; as unsigned if it is unsigned.
                body = await request.text()
                if signing_secret is not None and not SignatureVerifier(signing_secret).is_valid(
                    body,
                    request.headers.get("X-Slack-Request-Timestamp", ""),
                    request.headers.get("X-Slack-Signature", ""),
                ):
                    return web.json_response({"error": "invalid request"}, status=401)
                return web.json_response({"error": "malformed request"}, status=400)
            try:
                answer = await slack.async_dispatch(bolt_request)
            except Exception:
                if recording_failed():
                    raise
                answer = BoltResponse(status=500, body="")  # Bolt choked on the payload
            if answer.status >= 500 and not recording_failed():
                log.warning("a malformed Slack request was refused")
                return web.json_response({"error": "malformed request"}, status=400)
            return await to_aiohttp_response(answer)

        app.router.add_post(SLACK_EVENTS_PATH, slack_events)
    return app


def _plausible_timestamp(request: web.Request) -> bool:
    """slack_sdk's verifier calls int() on the timestamp header and crashes (a 500) on anything
    else; such a request is no more signed than one without the header."""
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    return stamp is None or (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12)


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _readyz(readiness: Readiness) -> Handler:
    async def readyz(request: web.Request) -> web.Response:
        ok, report = await readiness.report()
        if not ok:
            failed = ", ".join(f"{name}: {why}" for name, why in report.items() if why != "ok")
            log.warning("not ready: %s", failed)
        return web.json_response({"ok": ok, "checks": report}, status=200 if ok else 503)

    return readyz


@web.middleware
async def _observed(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    started = time.perf_counter()
    status = 500
    with log_context(request=request_id):
        try:
            response = await handler(request)
            status = response.status
        except web.HTTPException as exc:
            status = exc.status
            exc.headers["X-Request-Id"] = request_id
            raise
        finally:
            elapsed = time.perf_counter() - started
            HTTP_SECONDS.labels(name, request.method, str(status)).observe(elapsed)
    response.headers["X-Request-Id"] = request_id
    return response


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
