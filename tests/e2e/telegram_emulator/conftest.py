"""Fixtures: a running emulator, a real python-telegram-bot ``Bot`` on it, and a user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram.emulator import SimUser, TelegramEmulator


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as a number; opt in to timedelta,
    # which is what PTB 23 will return anyway.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    async with emu.make_bot() as client:
        yield client


@pytest.fixture
def user(emu: TelegramEmulator) -> SimUser:
    """A user who has started the bot (their /start is the first pending update)."""
    alice = emu.add_user("Alice", username="alice", language_code="en")
    alice.start()
    return alice
