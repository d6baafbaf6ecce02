"""Conversation state per chat, in the same transaction as what the conversation changes."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from core.model import ChatIdentity, Company, CustomerUser, Platform
from storage import convert
from storage.repositories.base import SqlRepository, table_of
from storage.tables import CompanyRow, ConversationRow, IdentityRow, UserRow

Stored = tuple[dict[str, Any], datetime]


class SqlConversationRepository(SqlRepository[Any]):
    async def chat(
        self, platform: Platform, platform_user_id: str, key: str
    ) -> tuple[ChatIdentity | None, CustomerUser | None, Company | None, Stored | None]:
        """Who writes (identity, the user it is linked to, their company) and the chat's
        conversation state, in one statement: everything handling a chat input starts with
        (bot.flows.router), where four lookups cost four round trips."""
        row = (
            await self._session.execute(
                self._once("chat", _chat_statement),
                {"_platform": platform, "_user": platform_user_id, "_key": key},
            )
        ).first()
        if row is None:  # nobody by that platform id yet: a first contact
            return None, None, None, await self.get(key)
        identity = convert.IDENTITY.entity_from(row, "i_")
        user = None if row.u_id is None else convert.USER.entity_from(row, "u_")
        company = None if row.c_id is None else convert.COMPANY.entity_from(row, "c_")
        stored = None if row.cv_updated_at is None else (dict(row.cv_state), row.cv_updated_at)
        return identity, user, company, stored

    async def get(self, key: str) -> Stored | None:
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

    async def file_keys_since(self, since: datetime) -> set[str]:
        """The stored files' keys that conversation states written since `since` hold (a
        flow's files wait there until its command records them; bot.jobs' sweep keeps them)."""
        statement = select(ConversationRow.state).where(ConversationRow.updated_at >= since)
        keys: set[str] = set()
        for row in await self._session.execute(statement):
            keys.update(_FILE_KEY.findall(json.dumps(row.state)))
        return keys

    async def count(self) -> int:
        """How many chats have a conversation state (benchmarks/memory.py)."""
        result = await self._session.execute(select(func.count()).select_from(ConversationRow))
        return int(result.scalar_one())


# A file key is a sha256 in hex (storage.files); a state holds it as one JSON string value.
_FILE_KEY = re.compile(r'"([0-9a-f]{64})"')


def _chat_statement() -> Any:
    identities, users, companies = (table_of(t) for t in (IdentityRow, UserRow, CompanyRow))
    conversations = table_of(ConversationRow)
    return (
        select(
            *(c.label(f"i_{c.key}") for c in identities.c),
            *(c.label(f"u_{c.key}") for c in users.c),
            *(c.label(f"c_{c.key}") for c in companies.c),
            conversations.c.state.label("cv_state"),
            conversations.c.updated_at.label("cv_updated_at"),
        )
        .select_from(
            identities.outerjoin(users, users.c.id == identities.c.user_id)
            .outerjoin(companies, companies.c.id == users.c.company_id)
            .outerjoin(conversations, conversations.c.key == bindparam("_key"))
        )
        .where(
            identities.c.platform == bindparam("_platform"),
            identities.c.platform_user_id == bindparam("_user"),
        )
        .limit(1)
    )
