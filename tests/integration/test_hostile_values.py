"""Hostile values through the real repositories, on SQLite and PostgreSQL: SQL is only ever
built with bound parameters, so quotes, comments and wildcards are just characters; and what a
database refuses outright (NUL) never gets that far."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.model import ChatIdentity, InboxEvent, Platform, TicketType
from core.ports import Scope, TicketQuery, UnitOfWorkFactory
from core.services.tickets import open_ticket
from tests.integration import builders as make

HOSTILE = [
    "'; DROP TABLE tickets; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "\\'; --",
    "%",
    "_",
    "%' OR 1=1 --",
    "𝕏 <b>&amp;</b> \u202e",
]


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_values_are_stored_and_matched_literally(
    uow_factory: UnitOfWorkFactory, value: str
) -> None:
    async with uow_factory() as uow:
        company = make.company(name=value, tax_id=value)
        await uow.companies.add(company)
        reporter = make.user(company.id, name=value, email=f"{value}@example.com")
        await uow.users.add(reporter)
        await uow.tickets.add(make.ticket(1, reporter, subject=value, description=value))
        await uow.tickets.add(make.ticket(2, reporter, subject="plain", description="plain"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        found = await uow.companies.get_by_tax_id(value)
        assert found is not None
        assert found.name == value
        assert await uow.companies.get_by_tax_id(value + "x") is None
        assert await uow.users.get_by_email(company.id, f"{value}@example.com") is not None
        page = await uow.tickets.list(TicketQuery(text=value, scope=Scope.ANY))
        assert [t.subject for t in page.tickets] == [value], "a wildcard is only a character"
        assert len(await uow.companies.list()) == 1


async def test_nul_and_controls_from_a_chat_never_break_a_write(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """PostgreSQL refuses NUL in text; a person (or a forged update) can still send one."""
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        await uow.commit()
    ticket = await open_ticket(
        OpenTicket(
            CustomerActor(reporter.id),
            TicketType.ERROR,
            "Sub\x00ject",
            "De\x00scription\x01",
            Platform.TELEGRAM,
            "1",
        ),
        uow_factory(),
        Context.system(),
    )
    assert "\x00" not in ticket.subject + ticket.description
    async with uow_factory() as uow:
        await uow.inbox.add_if_new(
            InboxEvent(Platform.TELEGRAM, "nul", {"text": "a\x00b"}, datetime.now(UTC))
        )
        await uow.identities.add(
            ChatIdentity(
                platform=Platform.TELEGRAM,
                platform_user_id="77",
                chat_id="77",
                display_name="Nu\x00ll",
            )
        )
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert len(await uow.inbox.unprocessed(10)) == 1
