"""Who is who: companies, products, users, chat identities, agents, and how people get in
(invites, self-registrations, support tokens)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, true

from core.model import (
    Agent,
    ChatIdentity,
    Company,
    CustomerUser,
    Invite,
    Platform,
    Product,
    Registration,
    Role,
    SupportToken,
)
from storage import convert
from storage.repositories.base import SqlRepository, table_of
from storage.tables import (
    AgentRow,
    CompanyRow,
    IdentityRow,
    InviteRow,
    ProductRow,
    RegistrationRow,
    SupportTokenRow,
    UserRow,
)


class SqlCompanyRepository(SqlRepository[Company]):
    mapper = convert.COMPANY

    async def add(self, company: Company) -> None:
        await self._insert(company)

    async def get(self, company_id: uuid.UUID) -> Company | None:
        return await self._get(company_id)

    async def get_by_tax_id(self, tax_id: str) -> Company | None:
        return await self._first(CompanyRow.tax_id == tax_id)

    async def list(self) -> Sequence[Company]:
        return await self._all(order_by=[CompanyRow.name, CompanyRow.id])

    async def update(self, company: Company) -> None:
        await self._update(company.id, company)


class SqlProductRepository(SqlRepository[Product]):
    mapper = convert.PRODUCT

    async def add(self, product: Product) -> None:
        await self._insert(product)

    async def get(self, product_id: uuid.UUID) -> Product | None:
        return await self._get(product_id)

    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[Product]:
        return await self._all(
            ProductRow.company_id == company_id, order_by=[ProductRow.name, ProductRow.id]
        )

    async def find_by_license(self, company_id: uuid.UUID, license_number: str) -> Product | None:
        # A company has a handful of products: the company index narrows, lower() then scans.
        return await self._first(
            ProductRow.company_id == company_id,
            func.lower(func.trim(ProductRow.license_number)) == license_number.strip().lower(),
        )


class SqlUserRepository(SqlRepository[CustomerUser]):
    mapper = convert.USER

    async def add(self, user: CustomerUser) -> None:
        await self._insert(user)

    async def get(self, user_id: uuid.UUID) -> CustomerUser | None:
        return await self._get(user_id)

    async def update(self, user: CustomerUser) -> None:
        await self._update(user.id, user)

    async def list_for_company(
        self, company_id: uuid.UUID, role: Role | None = None
    ) -> Sequence[CustomerUser]:
        where = [UserRow.company_id == company_id]
        if role is not None:
            where.append(UserRow.role == role)
        return await self._all(*where, order_by=[UserRow.name, UserRow.id])

    async def get_by_email(self, company_id: uuid.UUID, email: str) -> CustomerUser | None:
        return await self._first(
            UserRow.company_id == company_id, func.lower(UserRow.email) == email.lower()
        )

    async def count_active(self, company_id: uuid.UUID) -> int:
        statement = (
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.company_id == company_id, UserRow.active == true())
        )
        return (await self._session.execute(statement)).scalar_one()


class SqlIdentityRepository(SqlRepository[ChatIdentity]):
    mapper = convert.IDENTITY

    async def add(self, identity: ChatIdentity) -> None:
        await self._insert(identity)

    async def get(self, identity_id: uuid.UUID) -> ChatIdentity | None:
        return await self._get(identity_id)

    async def get_by_platform_user(
        self, platform: Platform, platform_user_id: str
    ) -> ChatIdentity | None:
        return await self._find(platform=platform, platform_user_id=platform_user_id)

    async def get_by_chat(self, platform: Platform, chat_id: str) -> ChatIdentity | None:
        # Chat ids are not unique (a Slack workspace could share one); the newest wins.
        return await self._find(newest="created_at", platform=platform, chat_id=chat_id)

    async def get_by_chat_with_user(
        self, platform: Platform, chat_id: str
    ) -> tuple[ChatIdentity | None, CustomerUser | None]:
        statement = self._once("by_chat_with_user", _by_chat_with_user)
        params = {"_platform": platform, "_chat": chat_id}
        row = (await self._session.execute(statement, params)).first()
        if row is None:
            return None, None
        user = None if row.u_id is None else convert.USER.entity_from(row, "u_")
        return convert.IDENTITY.entity_from(row, "i_"), user

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[ChatIdentity]:
        return await self._all(
            IdentityRow.user_id == user_id, order_by=[IdentityRow.created_at, IdentityRow.id]
        )

    async def update(self, identity: ChatIdentity) -> None:
        await self._update(identity.id, identity)


class SqlAgentRepository(SqlRepository[Agent]):
    mapper = convert.AGENT

    async def add(self, agent: Agent) -> None:
        await self._insert(agent)

    async def add_if_new(self, agent: Agent) -> bool:
        # As the inbox does: a concurrent duplicate waits for the first commit, inserts nothing.
        statement = (
            self._insert_on_conflict(AgentRow)
            .values(self.mapper.values(agent))
            .on_conflict_do_nothing(index_elements=[AgentRow.slack_user_id])
            .returning(AgentRow.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def get(self, agent_id: uuid.UUID) -> Agent | None:
        return await self._get(agent_id)

    async def get_by_slack_id(self, slack_user_id: str) -> Agent | None:
        return await self._first(AgentRow.slack_user_id == slack_user_id)

    async def list(self, active_only: bool = True) -> Sequence[Agent]:
        where = [AgentRow.active == true()] if active_only else []
        return await self._all(*where, order_by=[AgentRow.display_name, AgentRow.id])

    async def update(self, agent: Agent) -> None:
        await self._update(agent.id, agent)


class SqlInviteRepository(SqlRepository[Invite]):
    mapper = convert.INVITE

    async def add(self, invite: Invite) -> None:
        await self._insert(invite)

    async def get_by_token_hash(self, token_hash: str) -> Invite | None:
        return await self._first(InviteRow.token_hash == token_hash)

    async def update(self, invite: Invite) -> None:
        await self._update(invite.id, invite)


class SqlRegistrationRepository(SqlRepository[Registration]):
    mapper = convert.REGISTRATION

    async def add(self, registration: Registration) -> None:
        await self._insert(registration)

    async def get(self, registration_id: uuid.UUID) -> Registration | None:
        return await self._get(registration_id)

    async def latest_for_identity(self, identity_id: uuid.UUID) -> Registration | None:
        return await self._first(
            RegistrationRow.identity_id == identity_id,
            order_by=[RegistrationRow.created_at.desc()],
        )

    async def update(self, registration: Registration) -> None:
        await self._update(registration.id, registration)


class SqlSupportTokenRepository(SqlRepository[SupportToken]):
    mapper = convert.SUPPORT_TOKEN

    async def add(self, token: SupportToken) -> None:
        await self._insert(token)

    async def get(self, token_id: uuid.UUID) -> SupportToken | None:
        return await self._get(token_id)

    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[SupportToken]:
        return await self._all(
            SupportTokenRow.company_id == company_id,
            order_by=[SupportTokenRow.created_at.desc(), SupportTokenRow.id],
        )

    async def update(self, token: SupportToken) -> None:
        await self._update(token.id, token)


def _by_chat_with_user() -> Any:
    identities, users = table_of(IdentityRow), table_of(UserRow)
    return (
        select(
            *(c.label(f"i_{c.key}") for c in identities.c),
            *(c.label(f"u_{c.key}") for c in users.c),
        )
        .select_from(identities.outerjoin(users, users.c.id == identities.c.user_id))
        .where(
            identities.c.platform == bindparam("_platform"),
            identities.c.chat_id == bindparam("_chat"),
        )
        # Chat ids are not unique (see get_by_chat): the newest wins.
        .order_by(identities.c.created_at.desc())
        .limit(1)
    )
