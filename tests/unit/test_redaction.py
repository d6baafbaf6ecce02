"""bot.redaction: secrets are taken out of log records as they are made, whatever logs them."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.redaction import REDACTED, RedactingSecrets, redacting
from core.context import SystemSecrets

BOT_TOKEN = "123456789:fake-bot-token-for-the-redaction-test"  # a bot token's shape, no real one
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


def test_a_configured_secret_and_token_shapes_are_redacted_in_messages_and_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="httpx")
    with redacting([SIGNING]):
        logging.getLogger("httpx").info("POST %s", f"https://api.telegram.org/bot{BOT_TOKEN}/x")
        logging.getLogger("anything").warning("secret %s and xoxb-1234-5678-abcdefgh", SIGNING)
        logging.getLogger("anything").warning("support code ST-AB2C-DE3F, link inv_%s", "a" * 32)
    text = caplog.text
    for leaked in (BOT_TOKEN, SIGNING, "xoxb-1234", "ST-AB2C", "a" * 32):
        assert leaked not in text
    assert text.count(REDACTED) == 5


def test_a_traceback_quoting_a_url_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    with redacting([]):
        try:
            raise httpx.ConnectError(f"cannot reach https://host/bot{BOT_TOKEN}/getMe")
        except httpx.ConnectError:
            logging.getLogger("adapters").exception("fetching failed")
    assert BOT_TOKEN not in caplog.text
    assert "ConnectError" in caplog.text


def test_codes_and_tokens_the_bot_generates_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    source = RedactingSecrets(SystemSecrets())
    code, token = source.digits(6), source.token()
    with redacting([]):
        logging.getLogger("telegram.Bot").warning("update {'text': '%s'} and %s", code, token)
    assert code not in caplog.text
    assert token not in caplog.text


def test_a_configured_secret_is_forgotten_when_its_runtime_stops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with redacting(["a-secret-value"]):
        pass
    with redacting([]):
        logging.getLogger("x").warning("a-secret-value")
    assert "a-secret-value" in caplog.text
