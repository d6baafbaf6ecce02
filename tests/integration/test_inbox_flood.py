"""Flooding at intake (bot.inbound.Pace): a chat over its rate waits, is told once, loses
nothing, and never hides other chats' messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.inbound import InboxProcessor, Pace
from core.model import InboxEvent, Platform
from storage.uow import SqlUnitOfWorkFactory
from tests.integration.test_inbox_processor import Clock, FlakyHandler, pass_once, record


@dataclass
class Ticker:
    at: float = 0.0

    def __call__(self) -> float:
        return self.at


@dataclass
class TellingHandler(FlakyHandler):
    told: list[str] = field(default_factory=list)

    async def slow_down(self, event: InboxEvent) -> None:
        self.told.append(str(event.payload["chat"]))


async def test_a_flooding_chat_is_slowed_told_once_and_loses_nothing(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    ticker = Ticker()
    handler = TellingHandler(sqlite_uow_factory)
    processor = InboxProcessor(
        sqlite_uow_factory,
        {Platform.TELEGRAM: handler},
        Clock(),
        pace=Pace(burst=5, per_minute=60),
        monotonic=ticker,
    )
    await record(sqlite_uow_factory, *[f"c{i}" for i in range(12)])
    await pass_once(processor)
    assert handler.handled == [f"c{i}" for i in range(5)], "the burst, then it waits"
    for _ in range(3):  # no token yet: nothing more, and no second note
        await pass_once(processor)
    assert len(handler.handled) == 5
    ticker.at += 2.0  # two tokens later
    await pass_once(processor)
    assert handler.handled == [f"c{i}" for i in range(7)]
    ticker.at += 60.0
    await pass_once(processor)
    assert handler.handled == [f"c{i}" for i in range(12)], "in order, none lost"
    assert handler.told == ["c"], "told once, not once per message"


async def test_one_chats_backlog_does_not_hide_another_chats_message(
    sqlite_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    ticker = Ticker()
    handler = TellingHandler(sqlite_uow_factory)
    processor = InboxProcessor(
        sqlite_uow_factory,
        {Platform.TELEGRAM: handler},
        Clock(),
        pace=Pace(burst=2, per_minute=1),
        monotonic=ticker,
        batch=10,  # the flood fills several pages
    )
    await record(sqlite_uow_factory, *[f"c{i}" for i in range(45)])
    await pass_once(processor)  # "c" spends its burst and waits
    await record(sqlite_uow_factory, "d0", chat="d")
    await pass_once(processor)
    assert "d0" in handler.handled, "the quiet chat is seen behind 43 waiting messages"
    assert handler.told == ["c"]
