"""What every SQL repository shares: a session, and reads that return dataclass copies."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from storage.convert import RowMapper
from storage.sql import Sql
from storage.tables import Base

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

E = TypeVar("E", bound="DataclassInstance")


class SqlRepository(Generic[E]):
    """Reads select columns, not ORM objects, and writes with plain INSERT/UPDATE statements:
    the session's identity map then never holds a stale or shared object, and every call hits
    the database in call order (a parent row is there before its child's foreign key)."""

    mapper: RowMapper[E]

    def __init__(self, session: Sql) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.dialect

    def _insert_on_conflict(self, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
        """An INSERT that can take ON CONFLICT, in the current dialect's flavour."""
        if self._dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def _insert(self, entity: E) -> None:
        await self._session.execute(_insert_of(self.mapper.table), self.mapper.values(entity))

    async def _update(self, entity_id: uuid.UUID, entity: E) -> None:
        values = self.mapper.values(entity)
        values[ROW_ID] = entity_id
        await self._session.execute(update_of(self.mapper.table), values)

    async def _get(self, entity_id: uuid.UUID) -> E | None:
        return await self._find(id=entity_id)

    async def _find(self, newest: str | None = None, **equal: Any) -> E | None:
        """The row whose columns equal `equal` (None: IS NULL; the newest by column `newest`
        if several), through a statement built once per shape: executing the same statement
        object reuses its cache key, where a fresh select() is walked whole on every call."""

        def build() -> Select[Any]:
            table = table_of(self.mapper.table)
            statement = select(*self.mapper.columns).where(
                *(
                    table.c[name].is_(None) if value is None else table.c[name] == _eq(name)
                    for name, value in equal.items()
                )
            )
            if newest is not None:
                statement = statement.order_by(table.c[newest].desc())
            return statement.limit(1)

        shape = ("find", tuple((k, v is None) for k, v in equal.items()), newest)
        statement = self._once(shape, build)
        params = {f"_eq_{name}": value for name, value in equal.items() if value is not None}
        row = (await self._session.execute(statement, params)).first()
        return None if row is None else self.mapper.entity_from(row)

    def _once(self, name: Hashable, build: Callable[[], S]) -> S:
        """A statement of this repository built once per dialect (with bind parameters for
        what varies), for the same reason as `_find`."""
        key = (type(self), name, self._dialect)
        statement = _ONCE.get(key)
        if statement is None:
            statement = _ONCE[key] = build()
        return cast("S", statement)

    async def _first(self, *where: ColumnElement[bool], order_by: Sequence[Any] = ()) -> E | None:
        statement = select(*self.mapper.columns).where(*where).order_by(*order_by).limit(1)
        row = (await self._session.execute(statement)).first()
        return None if row is None else self.mapper.entity_from(row)

    async def _all(
        self,
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        skip: int = 0,
    ) -> Sequence[E]:
        statement = select(*self.mapper.columns).where(*where).order_by(*order_by).limit(limit)
        if skip:
            statement = statement.offset(skip)
        rows = (await self._session.execute(statement)).all()
        return [self.mapper.entity_from(row) for row in rows]


# Writes are Core statements on the table, built once, with the values passed as parameters:
# SQLAlchemy then finds the compiled statement by a cache key that does not walk every value
# (an ORM INSERT ... VALUES (...) with the values inline cost a fifth of all database time in
# benchmarks/relay.py), and the ORM's bulk-DML machinery is not involved.
ROW_ID = "_row_id"
_INSERTS: dict[type[Base], Insert] = {}
_UPDATES: dict[type[Base], Update] = {}
_ONCE: dict[tuple[type[Any], Hashable, str], Any] = {}
S = TypeVar("S")


def _eq(name: str) -> BindParameter[Any]:
    return bindparam(f"_eq_{name}")


def table_of(mapped: type[Base]) -> Table:
    table = mapped.__table__
    assert isinstance(table, Table)
    return table


def _insert_of(mapped: type[Base]) -> Insert:
    statement = _INSERTS.get(mapped)
    if statement is None:
        statement = _INSERTS[mapped] = insert(table_of(mapped))
    return statement


def update_of(mapped: type[Base]) -> Update:
    """UPDATE ... SET <the parameters' columns> WHERE id = :_row_id."""
    statement = _UPDATES.get(mapped)
    if statement is None:
        table = table_of(mapped)
        statement = _UPDATES[mapped] = update(table).where(table.c.id == bindparam(ROW_ID))
    return statement
