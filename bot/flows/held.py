"""One transaction for a line's last command and the line's own outcome.

The router stores what a line leaves behind (the conversation's state, the replies, the inbox's
mark) in one transaction at its end (`Conversations._finish`). The core command a line runs last,
typically a customer's message added to a ticket, can share that transaction: its commit is
then the finish's. On PostgreSQL that saves a BEGIN, a COMMIT and a flush to disk for every
message on a ticket, and the message and its inbox mark are stored together or not at all.

`LineUnits` is the unit-of-work factory a line's handlers get (`Session.deps.uow_factory`).
`hold()` gives the unit for the last command; its `commit()` only notes that it may commit.
Any other unit the line opens after that first commits the held one for real (it would run on
another connection, and must neither miss what the held one wrote nor wait for its locks), so
holding is only ever a saving, never a change of what happens.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self, cast

from bot.flows.state import BotUnitOfWork, BotUnitOfWorkFactory


class LineUnits:
    def __init__(self, factory: BotUnitOfWorkFactory) -> None:
        self._factory = factory
        self._held: BotUnitOfWork | None = None  # committed by its command, not yet for real

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> BotUnitOfWork:
        unit = self._factory(read_only=read_only, autocommit=autocommit)
        if self._held is None:
            return unit
        return cast(BotUnitOfWork, _Proxy(self, unit))

    def hold(self) -> BotUnitOfWork:
        """A unit for the line's last command, whose commit waits for the line's finish."""
        return cast(BotUnitOfWork, _Held(self, self._factory()))

    async def flush(self) -> None:
        """Commit the held unit now (something else is about to use the database)."""
        held, self._held = self._held, None
        if held is not None:
            try:
                await held.commit()
            except BaseException as error:
                await held.__aexit__(type(error), error, error.__traceback__)
                raise
            await held.__aexit__(None, None, None)

    async def drop(self) -> None:
        """Roll the held unit back: the line failed before its finish (its inbox event is
        handled again, command included)."""
        held, self._held = self._held, None
        if held is not None:
            await held.__aexit__(RuntimeError, RuntimeError("the line failed"), None)

    @contextlib.asynccontextmanager
    async def last(self) -> AsyncIterator[BotUnitOfWork]:
        """The finish's unit: the held one if there is one, else a new one."""
        held, self._held = self._held, None
        if held is None:
            async with self._factory() as unit:
                yield unit
            return
        try:
            yield held
        except BaseException as error:
            await held.__aexit__(type(error), error, error.__traceback__)
            raise
        await held.__aexit__(None, None, None)

    def _keep(self, unit: BotUnitOfWork) -> None:
        if self._held is not None:  # hold() twice without a unit in between: cannot happen
            raise RuntimeError("a unit of work is held already")
        self._held = unit


class _Proxy:
    """Stands for a unit of work the line opens: the held one, if any, is committed first;
    its repositories are the unit's own."""

    def __init__(self, line: LineUnits, unit: BotUnitOfWork) -> None:
        self._line = line
        self._unit = unit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    async def __aenter__(self) -> Self:
        await self._line.flush()
        await self._unit.__aenter__()
        return self

    async def commit(self) -> None:
        await self._unit.commit()

    async def rollback(self) -> None:
        await self._unit.rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._unit.__aexit__(exc_type, exc, tb)


class _Held(_Proxy):
    committed = False

    async def commit(self) -> None:
        self.committed = True  # for real in the line's finish (LineUnits.last / flush)

    async def rollback(self) -> None:
        self.committed = False
        await super().rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and self.committed:
            self._line._keep(self._unit)
            return
        await super().__aexit__(exc_type, exc, tb)
