"""Talking to the real conversations on real storage, as customers in Telegram chats would.

The flow-level suites (report, super user, tickets, linking) share this harness:

* `Clock`: the time the bot sees, set by the test;
* `FakeFiles`: the platform's file download, streaming bytes the test chose into the real store;
* `Outbox`: the delivery worker's stand-in, marking what is due delivered and keeping every row;
* `Bot`: the conversations under test with their deps, clock, outbox and file fetcher;
* `Chat` (and `Customer`): one person in their own chat, sending inputs to
  `Conversations.handle` and reading the bot's replies out of the outbox;
* `add_linked_user`: a customer user whose Telegram chat is already linked to them.

What a suite needs beyond this (agents acting through the core, pushes rendered into chats,
e-mail) stays in the suite.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from bot.flows.engine import Deps, FetchedFile, FetchRefused
from bot.flows.io import Button, IncomingFile, Input, Press, Say, Text, say_from_payload
from bot.flows.registry import build_conversations
from bot.flows.router import Conversations, Inbound
from core.context import Context, EngineConfig, SystemSecrets
from core.model import Audience, ChatIdentity, CustomerUser, OutboxMessage, Platform
from core.ports import FileStore, UnitOfWork
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWorkFactory
from tests.integration.builders import T0

Answer = TypeVar("Answer")


@dataclass
class Clock:
    """The bot's clock; a test moves it by setting `at` or calling `wait`."""

    at: datetime = T0

    def now(self) -> datetime:
        return self.at

    def wait(self, **delta: float) -> None:
        """Move on by a `timedelta(**delta)`."""
        self.at += timedelta(**delta)


@dataclass
class FakeFiles:
    """Stands in for the platform's download: bytes by file_ref, streamed into the real store.

    With `download_limit_mb` set, a file the platform declares larger is refused before any
    download, as Telegram refuses bots files over 20 MB.
    """

    store: FileStore
    blobs: dict[str, bytes] = field(default_factory=dict)
    download_limit_mb: int | None = None

    async def fetch(self, file: IncomingFile, max_bytes: int) -> FetchedFile:
        if (
            self.download_limit_mb is not None
            and file.size is not None
            and file.size > self.download_limit_mb * 2**20
        ):
            raise FetchRefused("report-file-too-big", mb=self.download_limit_mb)

        async def chunks() -> AsyncIterator[bytes]:
            yield self.blobs[file.file_ref]

        stored = await self.store.put(chunks(), max_size=max_bytes)
        return FetchedFile(stored, file.file_name or "photo.jpg", file.mime_type or "image/jpeg")


@dataclass
class Outbox:
    """Delivers what is due, as the worker would, and keeps every row for the assertions."""

    uow_factory: SqlUnitOfWorkFactory
    clock: Clock
    rows: list[OutboxMessage] = field(default_factory=list)  # all delivered so far, in order
    pending: dict[str, list[Say]] = field(default_factory=dict)  # replies not read yet, by chat

    async def deliver(self) -> list[OutboxMessage]:
        """Mark everything due delivered, one chat's messages in order; returns those rows."""
        fresh: list[OutboxMessage] = []
        while True:
            async with self.uow_factory() as uow:
                claimed = await uow.outbox.claim_due(self.clock.at + timedelta(days=3650), 1000, 0)
                for row in claimed:
                    row.delivered_at = self.clock.at
                    await uow.outbox.update(row)
                await uow.commit()
            if not claimed:
                break
            fresh += claimed
        self.rows += fresh
        return fresh

    async def replies_for(self, chat_id: str) -> list[Say]:
        """Deliver what is due, sorting the bot's replies by chat; returns this chat's."""
        for row in await self.deliver():
            if row.event_type == "say" and row.chat_id is not None:
                self.pending.setdefault(row.chat_id, []).append(say_from_payload(row.payload))
        return self.pending.pop(chat_id, [])

    def for_agents(self, event_type: str) -> list[OutboxMessage]:
        return [
            r for r in self.rows if r.audience is Audience.AGENTS and r.event_type == event_type
        ]


@dataclass
class Bot:
    """The conversations under test, with what they run on and talk through."""

    deps: Deps
    conversations: Conversations
    clock: Clock
    outbox: Outbox
    files: FakeFiles

    @classmethod
    def build(
        cls,
        uow_factory: SqlUnitOfWorkFactory,
        files_dir: Path,
        install: Callable[[Deps], Conversations] = build_conversations,
        **deps_fields: Any,
    ) -> Self:
        """A bot on `uow_factory` keeping files in `files_dir`; `deps_fields` (limits, mailer,
        links, ...) go to its `Deps`; `install` builds the conversations (all flows by default)."""
        clock = Clock()
        store = LocalFileStore(files_dir)
        deps = Deps(
            uow_factory=uow_factory,
            ctx=Context(clock=clock, secrets=SystemSecrets(), config=EngineConfig()),
            file_store=store,
            **deps_fields,
        )
        return cls(deps, install(deps), clock, Outbox(uow_factory, clock), FakeFiles(store))

    @property
    def uow_factory(self) -> SqlUnitOfWorkFactory:
        return self.outbox.uow_factory


def newest_button(says: Sequence[Say], label: str) -> tuple[int, Button]:
    """The newest button whose label contains `label`, and the index in `says` of its message."""
    for index in reversed(range(len(says))):
        for row in says[index].buttons:
            for button in row:
                if label in button.label:
                    return index, button
    raise AssertionError(f"no button {label!r} in {[s.text for s in says[-3:]]}")


def button_labels(says: Iterable[Say]) -> list[str]:
    return [b.label for say in says for row in say.buttons for b in row]


@dataclass
class Chat(ABC, Generic[Answer]):
    """One person in their own Telegram chat: sends inputs, reads the bot's replies.

    `send` gives back the replies; `text`, `press` and `forge` give back `answer(replies)`, which
    a subclass chooses. Buttons are found in `last`, the latest replies.
    """

    bot: Bot
    platform_user_id: str
    chat_id: str
    name: str
    language: str | None
    last: list[Say] = field(default_factory=list)  # the latest replies (a silent input keeps it)
    seen: list[Say] = field(default_factory=list)  # every reply, oldest first
    counter: int = 0  # numbers the text messages

    @abstractmethod
    def answer(self, said: list[Say]) -> Answer:
        """What `text`, `press` and `forge` give back for the replies `said`."""

    @property
    def uow_factory(self) -> SqlUnitOfWorkFactory:
        return self.bot.uow_factory

    @property
    def files(self) -> FakeFiles:
        return self.bot.files

    async def send(self, received: Input) -> list[Say]:
        inbound = Inbound(
            Platform.TELEGRAM,
            self.platform_user_id,
            self.chat_id,
            received,
            self.name,
            self.language,
        )
        await self.bot.conversations.handle(inbound, self.bot.files)
        said = await self.bot.outbox.replies_for(self.chat_id)
        self.last = said or self.last
        self.seen += said
        return said

    async def text(self, text: str) -> Answer:
        self.counter += 1
        return self.answer(await self.send(Text(text, str(self.counter))))

    async def press(self, label: str) -> Answer:
        return self.answer(await self.send(Press(self.button(label).data, "m1")))

    async def forge(self, data: str) -> Answer:
        """A press of a button this person was never shown."""
        return self.answer(await self.send(Press(data, "m1")))

    def button(self, label: str) -> Button:
        return newest_button(self.last, label)[1]

    def labels(self) -> list[str]:
        return button_labels(self.last)

    def offers(self, label: str) -> bool:
        return any(label in shown for shown in self.labels())


class Customer(Chat[list[Say]]):
    """A `Chat` whose `text`, `press` and `forge` give back the replies themselves."""

    def answer(self, said: list[Say]) -> list[Say]:
        return said


async def add_linked_user(
    uow: UnitOfWork, user: CustomerUser, chat_id: str, platform_user_id: str
) -> None:
    """Adds `user` and a Telegram chat already linked to them (not committed)."""
    await uow.users.add(user)
    await uow.identities.add(
        ChatIdentity(
            platform=Platform.TELEGRAM,
            platform_user_id=platform_user_id,
            chat_id=chat_id,
            user_id=user.id,
        )
    )
