"""A small world for engine tests: companies, users with chats, agents, and a way to run
services each in a fresh unit of work over one in-memory store."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from core.actors import AgentActor, CustomerActor
from core.commands import NewFile, OpenTicket
from core.context import Context
from core.model import (
    Agent,
    Audience,
    ChatIdentity,
    Company,
    CustomerUser,
    OutboxMessage,
    Plan,
    Platform,
    Priority,
    Product,
    Role,
    Ticket,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from core.services.tickets import open_ticket
from tests.unit.fakes import FakeClock, FakeSecrets, FakeUnitOfWork, MemoryStore, make_context

C = TypeVar("C")
R = TypeVar("R")

_counter = itertools.count(1)


def new_file(name: str = "screen.png", size: int = 1000) -> NewFile:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return NewFile(name, "image/png", size, digest, digest)


class World:
    def __init__(self, **config: Any) -> None:
        self.store = MemoryStore()
        self.clock = FakeClock()
        self.secrets = FakeSecrets()
        self.ctx: Context = make_context(self.clock, self.secrets, **config)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    async def run(self, service: Callable[[C, Any, Context], Awaitable[R]], cmd: C) -> R:
        return await service(cmd, self.uow(), self.ctx)

    # -- building ---------------------------------------------------------------------------

    async def _add(self, repo: str, row: R) -> R:
        async with self.uow() as uow:
            await getattr(uow, repo).add(row)
            await uow.commit()
        return row

    async def company(
        self,
        name: str = "Acme",
        *,
        plan: Plan = Plan.BASIC,
        restricted: bool = False,
        max_users: int | None = None,
        products: tuple[str, ...] = ("ERP", "Payroll"),
    ) -> Company:
        n = next(_counter)
        company = Company(
            name=name,
            tax_id=f"PL{n:010d}",
            plan=plan,
            new_users_restricted=restricted,
            max_users=max_users,
            created_at=self.clock.now(),
        )
        await self._add("companies", company)
        for product in products:
            await self._add(
                "products",
                Product(company.id, product, f"LIC-{name}-{product}".upper()),
            )
        return company

    async def products(self, company: Company) -> list[Product]:
        async with self.uow() as uow:
            return list(await uow.products.list_for_company(company.id))

    async def user(
        self,
        company: Company,
        role: Role = Role.MEMBER,
        name: str | None = None,
        *,
        email: str | None = None,
        platform: Platform = Platform.TELEGRAM,
        reachable: bool = True,
        active: bool = True,
    ) -> CustomerUser:
        """A user with one linked chat, `chat-<name>`."""
        name = name or f"user{next(_counter)}"
        user = CustomerUser(
            company_id=company.id,
            role=role,
            name=name,
            email=email,
            active=active,
            created_at=self.clock.now(),
        )
        await self._add("users", user)
        await self._add(
            "identities",
            ChatIdentity(
                platform=platform,
                platform_user_id=f"pu-{name}",
                chat_id=f"chat-{name}",
                user_id=user.id,
                reachable=reachable,
                display_name=name,
            ),
        )
        return user

    async def identity(
        self, name: str | None = None, *, language_code: str | None = None
    ) -> ChatIdentity:
        """An unlinked chat (someone who just pressed Start)."""
        name = name or f"guest{next(_counter)}"
        identity = ChatIdentity(
            platform=Platform.TELEGRAM,
            platform_user_id=f"pu-{name}",
            chat_id=f"chat-{name}",
            display_name=name,
            language_code=language_code,
        )
        return await self._add("identities", identity)

    async def agent(self, name: str = "Ann", *, active: bool = True) -> Agent:
        agent = Agent(slack_user_id=f"U{next(_counter)}", display_name=name, active=active)
        return await self._add("agents", agent)

    async def seed_ticket(
        self, reporter: CustomerUser, status: TicketStatus, **fields: Any
    ) -> Ticket:
        """A ticket put straight into the store in any status (for transition tables)."""
        async with self.uow() as uow:
            number = await uow.tickets.next_number()
            ticket = Ticket(
                number=number,
                company_id=reporter.company_id,
                reporter_id=reporter.id,
                type=TicketType.ERROR,
                subject=f"seeded {number}",
                description="seeded",
                status=status,
                priority=Priority.MEDIUM,
                created_at=self.clock.now(),
                origin_platform=Platform.TELEGRAM,
                origin_chat_id=f"chat-{reporter.name}",
            )
            if status is TicketStatus.RESOLVED:
                ticket.resolved_at = self.clock.now()
                ticket.resolution = "done"
            if status is TicketStatus.CLOSED:
                ticket.resolved_at = ticket.closed_at = self.clock.now()
            ticket = replace(ticket, **fields)
            await uow.tickets.add(ticket)
            await uow.commit()
        return ticket

    # -- shortcuts --------------------------------------------------------------------------

    async def open(
        self, reporter: CustomerUser, subject: str = "Invoice crashes", **kw: Any
    ) -> Ticket:
        cmd = OpenTicket(
            actor=CustomerActor(reporter.id),
            type=kw.pop("type", TicketType.ERROR),
            subject=subject,
            description=kw.pop("description", "It crashes when I print invoice FV/1/2025"),
            origin_platform=kw.pop("origin_platform", Platform.TELEGRAM),
            origin_chat_id=kw.pop("origin_chat_id", f"chat-{reporter.name}"),
            **kw,
        )
        return await self.run(open_ticket, cmd)

    async def ticket(self, ticket: Ticket) -> Ticket:
        async with self.uow() as uow:
            found = await uow.tickets.get(ticket.id)
        assert found is not None
        return found

    async def entries(self, ticket: Ticket) -> list[TicketEntry]:
        async with self.uow() as uow:
            return list(await uow.entries.list_for_ticket(ticket.id))

    def outbox(self, *, since: int = 0) -> list[OutboxMessage]:
        rows = [m for m in self.store.all("outbox") if (m.seq or 0) > since]
        return sorted(rows, key=lambda m: m.seq or 0)

    def last_seq(self) -> int:
        return self.store.outbox_seq

    def sent(self, *, since: int = 0) -> list[tuple[Audience, str | None, str]]:
        """(audience, chat, event_type) of the outbox rows written after `since`."""
        return [(m.audience, m.chat_id, m.event_type) for m in self.outbox(since=since)]

    def now(self) -> datetime:
        return self.clock.now()


def customer(user: CustomerUser) -> CustomerActor:
    return CustomerActor(user.id)


def agent_actor(agent: Agent) -> AgentActor:
    return AgentActor(agent.id)
