"""Log lines: JSON for machines, text for people, and the id of what is being worked on."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import log_context, setup_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("restore_logging")
async def test_json_lines_off_a_terminal_carry_the_context_into_tasks() -> None:
    out = io.StringIO()
    setup_logging("INFO", "auto", out)
    log = logging.getLogger("supportbot.test")

    async def handle() -> None:
        await asyncio.sleep(0)
        log.info("handling")

    with log_context(request="r-1"):
        with log_context(update="7:42"):
            await asyncio.create_task(handle())
        log.warning("after %s", "the update")
    log.info("outside")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(x["message"], x.get("request"), x.get("update")) for x in lines] == [
        ("handling", "r-1", "7:42"),
        ("after the update", "r-1", None),
        ("outside", None, None),
        ("failed", None, None),
    ]
    assert lines[0]["level"] == "INFO"
    assert lines[0]["logger"] == "supportbot.test"
    assert lines[0]["time"].endswith("Z")
    assert "ValueError: boom" in lines[3]["exception"]


@pytest.mark.usefixtures("restore_logging")
def test_text_on_a_terminal_and_noisy_libraries_kept_quiet() -> None:
    out = Terminal()
    setup_logging("DEBUG", "auto", out)
    with log_context(update="7:42"):
        logging.getLogger("supportbot.test").info("hello")
    # httpx logs request URLs, and Telegram's contain the bot token.
    logging.getLogger("httpx").info("GET https://api.telegram.org/bot123:secret/getMe")
    text = out.getvalue()
    assert text.rstrip().endswith("INFO supportbot.test: hello [update=7:42]")
    assert "secret" not in text
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


@pytest.mark.usefixtures("restore_logging")
def test_setting_up_twice_replaces_our_handler_only() -> None:
    foreign = logging.NullHandler()
    logging.getLogger().addHandler(foreign)
    setup_logging("INFO", "json", io.StringIO())
    setup_logging("INFO", "text", io.StringIO())
    names = [h.get_name() for h in logging.getLogger().handlers]
    assert names.count("supportbot") == 1
    assert foreign in logging.getLogger().handlers
