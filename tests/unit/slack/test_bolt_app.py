"""Building the Bolt app logs nothing an operator would have to wonder about."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import SlackListeners, bolt_app


async def test_a_bot_token_in_the_environment_is_no_start_up_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # SLACK_BOT_TOKEN is our setting's name, and Bolt reads it from the environment too.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    nothing = cast(Any, None)
    listeners = SlackListeners(nothing, nothing, nothing, nothing)
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # the filter is added once however many apps are built
            bolt_app(AsyncWebClient(token="xoxb-ours"), listeners, signing_secret="s")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    filters = logging.getLogger("slack_bolt.supportbot").filters
    assert len(filters) == 1
