"""Conversation state per chat, in the same transaction as what the conversation changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from storage.repositories.base import SqlRepository
from storage.tables import ConversationRow


class SqlConversationRepository(SqlRepository[Any]):
    async def get(self, key: str) -> tuple[dict[str, Any], datetime] | None:
        statement = self._once(
            "get",
            lambda: select(ConversationRow.state, ConversationRow.updated_at).where(
                ConversationRow.key == bindparam("_key")
            ),
        )
        row = (await self._session.execute(statement, {"_key": key})).one_or_none()
        return None if row is None else (dict(row.state), row.updated_at)

    async def put(self, key: str, state: dict[str, Any], now: datetime) -> None:
        await self._session.execute(
            self._once("put", self._upsert), {"key": key, "state": state, "updated_at": now}
        )

    def _upsert(self) -> Any:
        statement = self._insert_on_conflict(ConversationRow)
        return statement.on_conflict_do_update(
            index_elements=[ConversationRow.key],
            set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
        )

    async def delete(self, key: str) -> None:
        await self._session.execute(delete(ConversationRow).where(ConversationRow.key == key))

    async def delete_older_than(self, cutoff: datetime) -> int:
        result = await self._session.execute(
            delete(ConversationRow).where(ConversationRow.updated_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self) -> int:
        """How many chats have a conversation state (benchmarks/memory.py)."""
        result = await self._session.execute(select(func.count()).select_from(ConversationRow))
        return int(result.scalar_one())
