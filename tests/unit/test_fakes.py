"""The fakes behave like the storage they stand for; otherwise the engine tests would lie."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.model import Audience, Company, OutboxMessage, Platform
from tests.unit.fakes import IntegrityError
from tests.unit.world import World


async def test_entities_are_copies_so_a_forgotten_update_is_lost(world: World) -> None:
    company = await world.company()
    async with world.uow() as uow:
        loaded = await uow.companies.get(company.id)
        assert loaded is not None
        loaded.name = "Changed without update"
        await uow.commit()
    async with world.uow() as uow:
        again = await uow.companies.get(company.id)
    assert again is not None
    assert again.name == "Acme"


async def test_writes_are_invisible_to_others_until_commit(world: World) -> None:
    writer, reader = world.uow(), world.uow()
    company = Company("New", "PL1")
    async with writer:
        await writer.companies.add(company)
        async with reader:
            assert await reader.companies.get(company.id) is None
        await writer.commit()
    async with reader:
        assert await reader.companies.get(company.id) is not None


async def test_leaving_without_commit_or_with_an_error_rolls_back(world: World) -> None:
    async with world.uow() as uow:
        await uow.companies.add(Company("A", "PL1"))

    async def fail_midway() -> None:
        async with world.uow() as uow:
            await uow.companies.add(Company("B", "PL2"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_midway()
    assert world.store.all("companies") == []


async def test_repositories_refuse_use_outside_a_unit_of_work(world: World) -> None:
    with pytest.raises(RuntimeError):
        await world.uow().companies.list()


async def test_ticket_numbers_are_taken_in_the_transaction(world: World) -> None:
    async with world.uow() as uow:
        assert await uow.tickets.next_number() == 1
        assert await uow.tickets.next_number() == 2
    async with world.uow() as uow:  # rolled back: nothing was taken
        assert await uow.tickets.next_number() == 1
        await uow.commit()
    async with world.uow() as uow:
        assert await uow.tickets.next_number() == 2


async def test_updating_a_missing_row_is_an_error(world: World) -> None:
    async with world.uow() as uow:
        with pytest.raises(IntegrityError):
            await uow.companies.update(Company("Ghost", "PL0"))


def _message(world: World, chat: str, minutes: int = 0) -> OutboxMessage:
    when = world.now() + timedelta(minutes=minutes)
    return OutboxMessage(Audience.CUSTOMER, Platform.TELEGRAM, chat, "ticket.rated", {}, when, when)


async def test_claim_due_hands_out_one_head_per_key_in_order(world: World) -> None:
    async with world.uow() as uow:
        a1, a2 = _message(world, "a"), _message(world, "a")
        b1 = _message(world, "b", minutes=5)  # not due yet
        c1 = _message(world, "c")
        for message in (a1, a2, b1, c1):
            await uow.outbox.add(message)
        await uow.commit()

    async with world.uow() as uow:
        claimed = await uow.outbox.claim_due(world.now(), limit=10, lease=30)
        await uow.commit()
    assert [m.id for m in claimed] == [a1.id, c1.id]
    async with world.uow() as uow:
        # Leased: nobody else takes them, and a2 waits behind a1.
        assert await uow.outbox.claim_due(world.now(), limit=10, lease=30) == []
        assert await uow.outbox.pending_count() == 4
        delivered = await uow.outbox.get(a1.id)
        assert delivered is not None
        delivered.delivered_at = world.now()
        await uow.outbox.update(delivered)
        await uow.commit()
    world.clock.advance(minutes=5)
    async with world.uow() as uow:
        claimed = await uow.outbox.claim_due(world.now(), limit=10, lease=30)
    assert [m.id for m in claimed] == [a2.id, b1.id, c1.id]  # c1's lease ran out
