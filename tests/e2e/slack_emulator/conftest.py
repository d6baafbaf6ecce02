"""Fixtures: a running emulator, a real slack_sdk client, and a way to serve an app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    # Slack waits 3 s for the app and retries after minutes; tests shrink both. Tests about
    # timeouts lower app_timeout further (emu.config.app_timeout = 0.3).
    async with SlackEmulator(app_timeout=1.0, event_retry_delays=(0.0, 0.0, 0.0)) as emulator:
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run an aiohttp app on a free local port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def bolt_app(emu: SlackEmulator, **kwargs: object) -> AsyncApp:
    """A Bolt app whose Web API client talks to the emulator."""
    return AsyncApp(
        client=AsyncWebClient(token=emu.bot_token, base_url=emu.api_url),
        signing_secret=emu.signing_secret,
        **kwargs,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def running_bolt(emu: SlackEmulator, app: AsyncApp) -> AsyncIterator[str]:
    """Mount the Bolt app with slack_bolt's aiohttp adapter and connect it to the emulator."""
    async with serve(app.web_app(path="/slack/events")) as base:
        url = f"{base}/slack/events"
        emu.connect_app(url)
        yield url
