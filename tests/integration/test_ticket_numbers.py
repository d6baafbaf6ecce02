"""Ticket numbers are what customers quote: sequential, never reused, never skipped."""

from __future__ import annotations

import asyncio

from core.model import CustomerUser
from core.ports import Scope, TicketQuery, UnitOfWorkFactory
from tests.integration import builders as make

CREATIONS = 200


class ChangedMyMind(Exception):
    pass


async def _create_ticket(
    uow_factory: UnitOfWorkFactory, reporter: CustomerUser, *, commit: bool = True
) -> int:
    async with uow_factory() as uow:
        # Read first, as a service does (is the reporter still active?): on SQLite a
        # transaction that has read and then writes is where lock upgrades used to fail.
        assert await uow.users.get(reporter.id) is not None
        await asyncio.sleep(0)
        number = await uow.tickets.next_number()
        await asyncio.sleep(0)  # let the others run while this transaction holds its number
        await uow.tickets.add(make.ticket(number, reporter))
        if not commit:
            raise ChangedMyMind
        await uow.commit()
    return number


async def _seed_reporter(uow_factory: UnitOfWorkFactory) -> CustomerUser:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        await uow.commit()
    return reporter


async def _stored_numbers(uow_factory: UnitOfWorkFactory) -> list[int]:
    async with uow_factory() as uow:
        page = await uow.tickets.list(TicketQuery(scope=Scope.ALL, limit=10 * CREATIONS))
    return sorted(ticket.number for ticket in page.tickets)


async def test_concurrent_creations_number_tickets_one_to_n(
    uow_factory: UnitOfWorkFactory,
) -> None:
    reporter = await _seed_reporter(uow_factory)

    numbers = await asyncio.gather(
        *(_create_ticket(uow_factory, reporter) for _ in range(CREATIONS))
    )

    assert sorted(numbers) == list(range(1, CREATIONS + 1))
    assert await _stored_numbers(uow_factory) == list(range(1, CREATIONS + 1))


async def test_rolled_back_creations_leave_no_gap_even_under_concurrency(
    uow_factory: UnitOfWorkFactory,
) -> None:
    reporter = await _seed_reporter(uow_factory)
    # Every fifth creation gives up after taking its number.
    plan = [n % 5 != 0 for n in range(1, 101)]

    results = await asyncio.gather(
        *(_create_ticket(uow_factory, reporter, commit=commit) for commit in plan),
        return_exceptions=True,
    )

    committed = sorted(r for r in results if isinstance(r, int))
    assert [type(r) for r in results if not isinstance(r, int)] == [ChangedMyMind] * 20
    assert committed == list(range(1, 81))
    assert await _stored_numbers(uow_factory) == committed


async def test_a_rolled_back_number_is_reissued_and_a_committed_one_never(
    uow_factory: UnitOfWorkFactory,
) -> None:
    reporter = await _seed_reporter(uow_factory)

    assert await _create_ticket(uow_factory, reporter) == 1
    async with uow_factory() as uow:
        assert await uow.tickets.next_number() == 2  # then leaves without commit
    assert await _create_ticket(uow_factory, reporter) == 2
    assert await _create_ticket(uow_factory, reporter) == 3
