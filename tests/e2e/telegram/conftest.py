"""The Telegram adapter against the emulator: a real python-telegram-bot Bot, a simulated
customer, real SQLite storage (built by the migrations) and a LocalFileStore."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from telegram import Bot, Update

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator import SimUser, TelegramEmulator
from core.model import ChatIdentity, CustomerUser, Platform, Ticket, TicketEntry
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as a number; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(bot_username="supportbot_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    async with emu.make_bot() as client:
        yield client


@pytest.fixture
def alice(emu: TelegramEmulator) -> SimUser:
    """A customer who has started the bot (her /start is the first pending update)."""
    user = emu.add_user("Alice", last_name="Kowalska", username="alice", language_code="pl")
    user.start()
    return user


@pytest.fixture
def signer() -> CallbackSigner:
    return CallbackSigner(b"e2e-test-callback-secret-0123456789")


@pytest.fixture
def file_store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


# --- storage ---------------------------------------------------------------------------


@pytest.fixture
def uow_factory(sqlite_uow_factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    return sqlite_uow_factory


@dataclass
class Customer:
    """Alice as the support desk knows her: a user, her Telegram identity, a ticket."""

    user: CustomerUser
    identity: ChatIdentity
    ticket: Ticket
    reply: TicketEntry  # an agent's reply on the ticket, for refs that name an entry
    chat_id: str


@pytest.fixture
async def customer(uow_factory: SqlUnitOfWorkFactory, alice: SimUser) -> Customer:
    chat_id = str(alice.chat_id)
    async with uow_factory() as uow:
        user = await make.add_customer(uow, language="pl")
        identity = ChatIdentity(
            Platform.TELEGRAM, str(alice.id), chat_id, user_id=user.id, language_code="pl"
        )
        await uow.identities.add(identity)
        ticket = make.ticket(1042, user, origin_chat_id=chat_id)
        await uow.tickets.add(ticket)
        reply = make.agent_reply(ticket.id, make.minutes(1))
        await uow.entries.add(reply)
        await uow.commit()
    return Customer(user, identity, ticket, reply, chat_id)


# --- reading what the bot receives -------------------------------------------------------


class Updates:
    """The bot's side of the conversation: updates fetched with getUpdates."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._offset = 0

    async def take(self, count: int = 1, within: float = 3.0) -> list[Update]:
        got: list[Update] = []
        async with asyncio.timeout(within):
            while len(got) < count:
                batch = await self._bot.get_updates(offset=self._offset, timeout=1)
                for update in batch:
                    self._offset = update.update_id + 1
                    got.append(update)
        return got


@pytest.fixture
async def updates(bot: Bot, alice: SimUser) -> Updates:
    reader = Updates(bot)
    await reader.take(1)  # Alice's /start
    return reader
