"""A line's last command sharing the finish's transaction (bot.flows.held), on both databases:
its commit waits for the finish, anything else the line opens commits it first, and a line that
fails before its finish leaves nothing behind."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.flows.held import LineUnits
from bot.flows.state import BotUnitOfWorkFactory

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


async def _state(factory: BotUnitOfWorkFactory, key: str) -> object:
    async with factory(read_only=True) as uow:
        stored = await uow.conversations.get(key)
    return None if stored is None else stored[0]


async def _command(unit: object, key: str, step: str) -> None:
    """What a core service does with the unit it is given."""
    async with unit as uow:  # type: ignore[attr-defined]
        await uow.conversations.put(key, {"step": step}, NOW)
        await uow.commit()


async def test_the_held_commit_is_the_finishs(uow_factory: BotUnitOfWorkFactory) -> None:
    line = LineUnits(uow_factory)
    await _command(line.hold(), "a", "command")
    # Committed by the command, but not yet for real: others do not see it.
    assert await _state(uow_factory, "a") is None
    async with line.last() as uow:
        await uow.conversations.put("b", {"step": "finish"}, NOW)
        await uow.commit()
    assert await _state(uow_factory, "a") == {"step": "command"}
    assert await _state(uow_factory, "b") == {"step": "finish"}


async def test_another_unit_of_the_line_commits_the_held_one_first(
    uow_factory: BotUnitOfWorkFactory,
) -> None:
    line = LineUnits(uow_factory)
    await _command(line.hold(), "a", "command")
    # A read sees the command's write, and a write to the same row does not wait for the
    # held transaction's lock (which would never be released: a deadlock).
    assert await _state(line, "a") == {"step": "command"}
    await asyncio.wait_for(_command(line(), "a", "again"), 10)
    async with line.last() as uow:  # nothing held any more: a unit of its own
        await uow.commit()
    assert await _state(uow_factory, "a") == {"step": "again"}


async def test_a_line_failing_before_its_finish_leaves_nothing(
    uow_factory: BotUnitOfWorkFactory,
) -> None:
    line = LineUnits(uow_factory)
    await _command(line.hold(), "a", "command")
    await line.drop()
    assert await _state(uow_factory, "a") is None
    line = LineUnits(uow_factory)
    await _command(line.hold(), "a", "command")

    async def finish() -> None:
        async with line.last() as uow:
            await uow.conversations.put("b", {"step": "finish"}, NOW)
            raise LookupError("the inbox event was handled elsewhere")

    with pytest.raises(LookupError, match="handled elsewhere"):
        await finish()
    assert await _state(uow_factory, "a") is None
    assert await _state(uow_factory, "b") is None


async def test_a_command_that_fails_is_not_held(uow_factory: BotUnitOfWorkFactory) -> None:
    line = LineUnits(uow_factory)

    async def command() -> None:
        async with line.hold() as uow:
            await uow.conversations.put("a", {"step": "command"}, NOW)
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await command()
    async with line.last() as uow:
        await uow.conversations.put("b", {"step": "finish"}, NOW)
        await uow.commit()
    assert await _state(uow_factory, "a") is None
    assert await _state(uow_factory, "b") == {"step": "finish"}
