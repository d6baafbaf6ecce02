"""The repository contract of core.ports, run on every implementation.

Test bodies use only the `uow_factory` fixture and core types, so the same suite can run
against the in-memory fakes by giving it a `uow_factory` that makes them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, time, timedelta, timezone
from typing import Any

import pytest

from core.model import (
    Attachment,
    Audience,
    AuthorKind,
    BusinessCalendar,
    ChatIdentity,
    EntryKind,
    InboxEvent,
    Invite,
    MessageRef,
    Plan,
    Platform,
    Priority,
    Product,
    Registration,
    Role,
    Side,
    SlaMark,
    SlaMarkKind,
    SupportToken,
    TicketStatus,
    TicketType,
)
from core.ports import Scope, TicketQuery, UnitOfWorkFactory
from storage.repositories import tickets as tickets_storage
from tests.integration import builders as make
from tests.integration.builders import T0, minutes


class Boom(Exception):
    pass


def by_id(items: Sequence[Any]) -> list[Any]:
    """For lists whose order the ports leave open."""
    return sorted(items, key=lambda item: str(item.id))


# --- unit of work ---------------------------------------------------------------------------


async def test_committed_changes_are_visible_to_the_next_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    company = make.company()
    async with uow_factory() as uow:
        await uow.companies.add(company)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.companies.get(company.id) == company


async def test_leaving_without_commit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    company = make.company()
    async with uow_factory() as uow:
        await uow.companies.add(company)
        assert await uow.companies.get(company.id) == company  # read your own writes
    async with uow_factory() as uow:
        assert await uow.companies.get(company.id) is None


async def test_an_exception_rolls_back_and_propagates(uow_factory: UnitOfWorkFactory) -> None:
    company = make.company()

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.companies.add(company)
            raise Boom

    with pytest.raises(Boom):
        await add_then_fail()
    async with uow_factory() as uow:
        assert await uow.companies.get(company.id) is None


async def test_explicit_rollback_discards_and_the_unit_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    discarded, kept = make.company(), make.company()
    async with uow_factory() as uow:
        await uow.companies.add(discarded)
        await uow.rollback()
        await uow.companies.add(kept)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.companies.get(discarded.id) is None
        assert await uow.companies.get(kept.id) == kept


async def test_uncommitted_changes_are_invisible_to_others(
    uow_factory: UnitOfWorkFactory,
) -> None:
    company = make.company()
    async with uow_factory() as writer:
        await writer.companies.add(company)
        # A read-only observer: on SQLite it reads a snapshot instead of queueing behind
        # the writer's lock.
        async with uow_factory(read_only=True) as observer:
            assert await observer.companies.get(company.id) is None
        await writer.commit()
    async with uow_factory(read_only=True) as observer:
        assert await observer.companies.get(company.id) == company


async def test_repositories_hand_out_copies(uow_factory: UnitOfWorkFactory) -> None:
    company = make.company(name="Original")
    async with uow_factory() as uow:
        await uow.companies.add(company)
        company.name = "Changed after add"
        got = await uow.companies.get(company.id)
        assert got is not None
        assert got.name == "Original"
        got.name = "Changed after get"
        again = await uow.companies.get(company.id)
        assert again is not None
        assert again.name == "Original"


# --- companies, products, users -------------------------------------------------------------


async def test_company_round_trip_update_and_lookups(uow_factory: UnitOfWorkFactory) -> None:
    acme = make.company(name="Acme", tax_id="PL1234567890")
    beta = make.company(name="Beta")
    async with uow_factory() as uow:
        await uow.companies.add(beta)
        await uow.companies.add(acme)
        await uow.commit()

    acme.plan = Plan.PREMIUM
    acme.new_users_restricted = True
    acme.max_users = 25
    acme.calendar = BusinessCalendar(
        timezone="Europe/Berlin",
        weekdays=frozenset({0, 2, 4}),
        opens=time(8, 30),
        closes=time(16, 15),
        holidays=frozenset({date(2026, 12, 25), date(2026, 1, 1)}),
    )
    async with uow_factory() as uow:
        await uow.companies.update(acme)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.companies.get(acme.id) == acme
        assert await uow.companies.get_by_tax_id("PL1234567890") == acme
        assert await uow.companies.get_by_tax_id("PL0000000000") is None
        assert await uow.companies.get(uuid.uuid4()) is None
        assert [c.name for c in await uow.companies.list()] == ["Acme", "Beta"]


async def test_products_by_company_and_license(uow_factory: UnitOfWorkFactory) -> None:
    ours, theirs = make.company(), make.company()
    erp = Product(company_id=ours.id, name="ERP", license_number="LIC-0042-ab")
    crm = Product(company_id=ours.id, name="CRM", license_number="LIC-0043")
    other = Product(company_id=theirs.id, name="ERP", license_number="LIC-9999")
    async with uow_factory() as uow:
        for company in (ours, theirs):
            await uow.companies.add(company)
        for product in (erp, crm, other):
            await uow.products.add(product)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.products.get(erp.id) == erp
        assert await uow.products.list_for_company(ours.id) == [crm, erp]
        assert await uow.products.find_by_license(ours.id, "  lic-0042-AB \n") == erp
        assert await uow.products.find_by_license(ours.id, "LIC-0042") is None
        assert await uow.products.find_by_license(ours.id, "LIC-9999") is None


async def test_users_roles_email_and_active_count(uow_factory: UnitOfWorkFactory) -> None:
    ours, theirs = make.company(), make.company()
    anna = make.user(ours.id, name="Anna", role=Role.SUPER_USER, email="Anna.Nowak@Example.com")
    bob = make.user(ours.id, name="Bob", role=Role.MEMBER, phone="+48 600 000 000")
    cezary = make.user(ours.id, name="Cezary", role=Role.MEMBER, active=False, email=None)
    stranger = make.user(theirs.id, email="anna.nowak@example.com")
    async with uow_factory() as uow:
        for company in (ours, theirs):
            await uow.companies.add(company)
        for user in (cezary, bob, anna, stranger):
            await uow.users.add(user)
        await uow.commit()

    bob.language = "pl"
    bob.role = Role.RESTRICTED
    async with uow_factory() as uow:
        await uow.users.update(bob)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(bob.id) == bob
        assert by_id(await uow.users.list_for_company(ours.id)) == by_id([anna, bob, cezary])
        assert await uow.users.list_for_company(ours.id, Role.SUPER_USER) == [anna]
        assert await uow.users.get_by_email(ours.id, "ANNA.NOWAK@example.COM") == anna
        assert await uow.users.get_by_email(theirs.id, "Anna.Nowak@Example.com") == stranger
        assert await uow.users.get_by_email(ours.id, "nobody@example.com") is None
        assert await uow.users.count_active(ours.id) == 2
        assert await uow.users.count_active(theirs.id) == 1


async def test_case_insensitive_lookups_fold_non_ascii_letters(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        user = await make.add_customer(uow, email="Łucja.Żak@Przykład.pl")
        assert await uow.users.get_by_email(user.company_id, "łucja.żak@przykład.pl") == user


# --- identities and agents ------------------------------------------------------------------


async def test_identities_by_platform_user_chat_and_user(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        user = await make.add_customer(uow)
        telegram = ChatIdentity(
            platform=Platform.TELEGRAM,
            platform_user_id="777",
            chat_id="777",
            language_code="pl",
            display_name="Jan",
            created_at=T0,
        )
        slack = ChatIdentity(
            platform=Platform.SLACK,
            platform_user_id="U777",
            chat_id="D777",
            user_id=user.id,
            created_at=minutes(1),
        )
        await uow.identities.add(telegram)
        await uow.identities.add(slack)
        await uow.commit()

    telegram.user_id = user.id
    telegram.reachable = False
    async with uow_factory() as uow:
        await uow.identities.update(telegram)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.identities.get(telegram.id) == telegram
        assert await uow.identities.get_by_platform_user(Platform.TELEGRAM, "777") == telegram
        assert await uow.identities.get_by_platform_user(Platform.SLACK, "777") is None
        assert await uow.identities.get_by_chat(Platform.SLACK, "D777") == slack
        assert await uow.identities.get_by_chat(Platform.TELEGRAM, "D777") is None
        # With the user it is linked to, in one read.
        assert await uow.identities.get_by_chat_with_user(Platform.SLACK, "D777") == (
            slack,
            user,
        )
        assert await uow.identities.get_by_chat_with_user(Platform.TELEGRAM, "D777") == (
            None,
            None,
        )
        assert by_id(await uow.identities.list_for_user(user.id)) == by_id([telegram, slack])
        assert await uow.identities.list_for_user(uuid.uuid4()) == []


async def test_an_unlinked_chat_reads_with_no_user(uow_factory: UnitOfWorkFactory) -> None:
    stranger = ChatIdentity(
        platform=Platform.TELEGRAM, platform_user_id="888", chat_id="888", created_at=T0
    )
    async with uow_factory() as uow:
        await uow.identities.add(stranger)
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.identities.get_by_chat_with_user(Platform.TELEGRAM, "888")
    assert got == (stranger, None)


async def test_agents_by_slack_id_and_active(uow_factory: UnitOfWorkFactory) -> None:
    ala = make.agent(display_name="Ala", slack_user_id="UALA")
    ola = make.agent(display_name="Ola")
    async with uow_factory() as uow:
        await uow.agents.add(ola)
        await uow.agents.add(ala)
        await uow.commit()

    ola.active = False
    async with uow_factory() as uow:
        await uow.agents.update(ola)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.agents.get(ola.id) == ola
        assert await uow.agents.get_by_slack_id("UALA") == ala
        assert await uow.agents.get_by_slack_id("UNOBODY") is None
        assert await uow.agents.list() == [ala]
        assert await uow.agents.list(active_only=False) == [ala, ola]


async def test_an_agent_first_seen_twice_at_once_is_added_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A member's first replies in two threads arrive together: both add, one agent results."""

    async def first_sighting(name: str) -> tuple[bool, uuid.UUID]:
        async with uow_factory() as uow:
            added = await uow.agents.add_if_new(make.agent(display_name=name, slack_user_id="UX"))
            found = await uow.agents.get_by_slack_id("UX")
            await uow.commit()
        assert found is not None
        return added, found.id

    (a_added, a_id), (b_added, b_id) = await asyncio.gather(
        first_sighting("Ala"), first_sighting("Ala K.")
    )
    assert sorted([a_added, b_added]) == [False, True]
    assert a_id == b_id


# --- tickets --------------------------------------------------------------------------------


async def test_ticket_numbers_count_up_from_one(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert [await uow.tickets.next_number() for _ in range(3)] == [1, 2, 3]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tickets.next_number() == 4


async def test_ticket_round_trip_keeps_every_field(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        product = Product(company_id=reporter.company_id, name="ERP", license_number="L1")
        assignee, preferred = make.agent(), make.agent()
        token = SupportToken(
            code="123456",
            company_id=reporter.company_id,
            creator_id=reporter.id,
            expires_at=minutes(60),
            created_at=T0,
        )
        await uow.products.add(product)
        await uow.agents.add(assignee)
        await uow.agents.add(preferred)
        await uow.support_tokens.add(token)
        ticket = make.ticket(
            await uow.tickets.next_number(),
            reporter,
            type=TicketType.ERROR,
            subject="Invoice export fails",
            description="Since Monday: «błąd 500» — see attachment",
            status=TicketStatus.IN_PROGRESS,
            priority=Priority.URGENT,
            origin_platform=Platform.SLACK,
            origin_chat_id="C0123",
            product_id=product.id,
            work_blocked=True,
            contact_phone="+48 600 100 200",
            assignee_id=assignee.id,
            preferred_agent_id=preferred.id,
            expected_close=date(2026, 3, 6),
            sla_due_at=minutes(240),
            sla_remaining=timedelta(hours=3, minutes=20, seconds=5),
            first_response_at=minutes(5),
            resolved_at=minutes(6),
            closed_at=minutes(7),
            updated_at=minutes(8),
            resolution="Fixed in 2.3.1",
            archived=False,
            csat_rating=5,
            csat_comment="Thanks!",
            support_token_id=token.id,
        )
        await uow.tickets.add(ticket)
        await uow.commit()

    async with uow_factory() as uow:
        got = await uow.tickets.get(ticket.id)
        assert got == ticket
        assert got is not None
        assert got.created_at.tzinfo is not None
        assert got.sla_due_at is not None
        assert got.sla_due_at.tzinfo is not None
        assert await uow.tickets.get_by_number(ticket.number) == ticket
        assert await uow.tickets.get_by_number(ticket.number + 1) is None
        assert await uow.tickets.get(uuid.uuid4()) is None
        assert await uow.tickets.get_with_company(ticket.id) == (
            ticket,
            await uow.companies.get(reporter.company_id),
        )
        assert await uow.tickets.get_with_company(uuid.uuid4()) is None


async def test_datetimes_in_other_zones_keep_their_instant(uow_factory: UnitOfWorkFactory) -> None:
    warsaw_summer = timezone(timedelta(hours=2))
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter, created_at=T0.astimezone(warsaw_summer))
        await uow.tickets.add(ticket)
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.tickets.get(ticket.id)
        assert got is not None
        assert got.created_at == T0
        page = await uow.tickets.list(TicketQuery(created_from=T0, created_to=minutes(1)))
        assert [t.number for t in page.tickets] == [1]


async def test_ticket_update_persists(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter)
        await uow.tickets.add(ticket)
        await uow.commit()

    ticket.status = TicketStatus.WAITING_CUSTOMER
    ticket.sla_due_at = None
    ticket.sla_remaining = timedelta(minutes=90)
    ticket.archived = True
    ticket.updated_at = minutes(30)
    async with uow_factory() as uow:
        await uow.tickets.update(ticket)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tickets.get(ticket.id) == ticket


# --- ticket lists ---------------------------------------------------------------------------


async def _numbers(uow_factory: UnitOfWorkFactory, query: TicketQuery) -> list[int]:
    async with uow_factory() as uow:
        page = await uow.tickets.list(query)
    assert page.next_before_number is None, "these queries fit on one page"
    return [ticket.number for ticket in page.tickets]


async def test_ticket_list_filters(uow_factory: UnitOfWorkFactory) -> None:
    """Twelve tickets with distinct traits; each filter picks its own, newest first."""
    async with uow_factory() as uow:
        anna = await make.add_customer(uow)
        bob = make.user(anna.company_id)
        carl = await make.add_customer(uow)  # another company
        await uow.users.add(bob)
        erp = Product(company_id=anna.company_id, name="ERP", license_number="E")
        await uow.products.add(erp)
        ala, ola = make.agent(), make.agent()
        await uow.agents.add(ala)
        await uow.agents.add(ola)
        S = TicketStatus
        tickets = [
            make.ticket(1, anna, status=S.TO_AUTHORIZE, subject="Printer ON FIRE"),
            make.ticket(2, anna, status=S.NEW, assignee_id=ala.id, priority=Priority.HIGH),
            make.ticket(3, bob, status=S.IN_PROGRESS, assignee_id=ola.id, product_id=erp.id),
            make.ticket(4, bob, status=S.WAITING_CUSTOMER, description="the printer jams"),
            make.ticket(5, anna, status=S.RESOLVED, assignee_id=ala.id, resolved_at=minutes(50)),
            make.ticket(6, anna, status=S.CLOSED, archived=True, subject="old printer"),
            make.ticket(7, carl, status=S.REJECTED),
            make.ticket(8, carl, status=S.NEW, sla_due_at=minutes(100)),
            make.ticket(9, carl, status=S.NEW, sla_due_at=minutes(200), priority=Priority.HIGH),
            make.ticket(10, anna, status=S.CLOSED, archived=True),
            make.ticket(11, anna, status=S.NEW, subject="100% broken_thing"),
            make.ticket(12, bob, status=S.IN_PROGRESS, product_id=erp.id, subject="1000 broken"),
        ]
        for ticket in tickets:
            await uow.tickets.add(ticket)
        await uow.commit()

    q = TicketQuery
    assert await _numbers(uow_factory, q()) == [12, 11, 9, 8, 4, 3, 2, 1]
    assert await _numbers(uow_factory, q(scope=Scope.ALL)) == [12, 11, 9, 8, 7, 5, 4, 3, 2, 1]
    assert await _numbers(uow_factory, q(scope=Scope.ARCHIVED)) == [10, 6]
    assert await _numbers(uow_factory, q(company_id=anna.company_id)) == [12, 11, 4, 3, 2, 1]
    assert await _numbers(uow_factory, q(reporter_id=bob.id, scope=Scope.ALL)) == [12, 4, 3]
    assert await _numbers(uow_factory, q(statuses=frozenset({S.NEW}))) == [11, 9, 8, 2]
    closed = frozenset({S.CLOSED, S.RESOLVED})
    assert await _numbers(uow_factory, q(statuses=closed, scope=Scope.ALL)) == [5]
    assert await _numbers(uow_factory, q(statuses=closed, scope=Scope.ARCHIVED)) == [10, 6]
    assert await _numbers(uow_factory, q(statuses=closed)) == []  # ACTIVE scope intersects
    assert await _numbers(uow_factory, q(product_id=erp.id)) == [12, 3]
    assert await _numbers(uow_factory, q(assignee_id=ala.id, scope=Scope.ALL)) == [5, 2]
    assert await _numbers(uow_factory, q(unassigned=True)) == [12, 11, 9, 8, 4, 1]
    assert await _numbers(uow_factory, q(priority=Priority.HIGH)) == [9, 2]
    window = q(created_from=minutes(3), created_to=minutes(9), scope=Scope.ALL)
    assert await _numbers(uow_factory, window) == [8, 7, 5, 4, 3]  # from inclusive, to exclusive
    assert await _numbers(uow_factory, q(sla_due_before=minutes(200))) == [8]
    assert await _numbers(uow_factory, q(text="PRINTER", scope=Scope.ALL)) == [4, 1]
    assert await _numbers(uow_factory, q(text="printer", scope=Scope.ARCHIVED)) == [6]
    assert await _numbers(uow_factory, q(text="printer", scope=Scope.ANY)) == [6, 4, 1]
    assert await _numbers(uow_factory, q(scope=Scope.ANY, limit=100)) == list(range(12, 0, -1))
    assert await _numbers(uow_factory, q(resolved_before=minutes(50), scope=Scope.ANY)) == [5]
    assert await _numbers(uow_factory, q(resolved_before=minutes(49), scope=Scope.ANY)) == []
    assert await _numbers(uow_factory, q(text="100%")) == [11]  # % and _ are literal
    assert await _numbers(uow_factory, q(text="_")) == [11]
    everything = q(
        company_id=anna.company_id,
        reporter_id=anna.id,
        statuses=frozenset({S.NEW, S.RESOLVED}),
        assignee_id=ala.id,
        priority=Priority.HIGH,
        scope=Scope.ALL,
    )
    assert await _numbers(uow_factory, everything) == [2]


async def test_ticket_pages_follow_the_keyset_cursor(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        for number in range(1, 26):
            await uow.tickets.add(make.ticket(number, reporter))
        await uow.commit()

    pages: list[list[int]] = []
    cursor: int | None = None
    async with uow_factory() as uow:
        while True:
            page = await uow.tickets.list(TicketQuery(limit=10, before_number=cursor))
            pages.append([ticket.number for ticket in page.tickets])
            if page.next_before_number is None:
                break
            cursor = page.next_before_number
    assert pages == [list(range(25, 15, -1)), list(range(15, 5, -1)), list(range(5, 0, -1))]


async def test_text_search_pages_alike_for_frequent_and_rare_words(
    uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL searches the newest tickets first, then the trigram indexes
    (SqlTicketRepository._search): a frequent word is paged from the first step, a word found
    only in old tickets from the second, and the answers are the plain filter's on both."""
    monkeypatch.setattr(tickets_storage, "SEARCH_RECENT", 12)  # "recent": the newest 12
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        other = await make.add_customer(uow)
        for number in range(1, 31):
            words = "export hangs" if number % 2 else "printer jam"
            if number in (3, 4):
                words += " E-4321"  # rare, and old: beyond the newest 12
            author = other if number == 29 else reporter
            await uow.tickets.add(make.ticket(number, author, description=words))
        await uow.commit()

    async def pages(text: str, company: uuid.UUID | None = None) -> list[list[int]]:
        found: list[list[int]] = []
        cursor: int | None = None
        async with uow_factory(read_only=True) as uow:
            while True:
                query = TicketQuery(
                    limit=4, before_number=cursor, text=text, company_id=company, scope=Scope.ANY
                )
                page = await uow.tickets.list(query)
                found.append([t.number for t in page.tickets])
                if page.next_before_number is None:
                    return found
                cursor = page.next_before_number

    odd = list(range(29, 0, -2))
    assert await pages("EXPORT") == [odd[0:4], odd[4:8], odd[8:12], odd[12:]]
    mine = [n for n in odd if n != 29]
    assert await pages("export", reporter.company_id) == [
        mine[0:4],
        mine[4:8],
        mine[8:12],
        mine[12:],
    ]
    assert await pages("e-4321") == [[4, 3]]
    assert await pages("E-4321", other.company_id) == [[]]


async def test_a_full_last_page_says_it_is_the_last(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        for number in range(1, 11):
            await uow.tickets.add(make.ticket(number, reporter))
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.tickets.list(TicketQuery(limit=5))
        last = await uow.tickets.list(TicketQuery(limit=5, before_number=first.next_before_number))
        empty = await uow.tickets.list(TicketQuery(limit=5, company_id=uuid.uuid4()))
    assert [t.number for t in first.tickets] == [10, 9, 8, 7, 6]
    assert first.next_before_number == 6
    assert [t.number for t in last.tickets] == [5, 4, 3, 2, 1]
    assert last.next_before_number is None
    assert list(empty.tickets) == []
    assert empty.next_before_number is None


async def test_count_by_status_counts_all_tickets_archived_too(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        statuses = [TicketStatus.NEW, TicketStatus.NEW, TicketStatus.CLOSED]
        for number, status in enumerate(statuses, start=1):
            await uow.tickets.add(
                make.ticket(number, reporter, status=status, archived=number == 3)
            )
        await uow.commit()
    async with uow_factory() as uow:
        counts = await uow.tickets.count_by_status()
    # Statuses with no tickets may be left out or given as zero.
    assert {status: n for status, n in counts.items() if n} == {
        TicketStatus.NEW: 2,
        TicketStatus.CLOSED: 1,
    }
    assert set(counts) <= set(TicketStatus)


async def test_sla_marks_are_recorded_once_per_ticket_kind_and_due_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        first, second = make.ticket(1, reporter), make.ticket(2, reporter)
        for ticket in (first, second):
            await uow.tickets.add(ticket)
        await uow.commit()
    reminded = SlaMark(first.id, SlaMarkKind.REMINDED, minutes(60), minutes(45))
    async with uow_factory() as uow:
        assert await uow.sla_marks.add_if_new(reminded) is True
        # The same deadline again, even marked later: nothing new.
        assert await uow.sla_marks.add_if_new(replace(reminded, marked_at=minutes(50))) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.sla_marks.add_if_new(replace(reminded, marked_at=minutes(55))) is False
        breached = SlaMark(first.id, SlaMarkKind.BREACHED, minutes(60), minutes(61))
        moved = SlaMark(first.id, SlaMarkKind.REMINDED, minutes(120), minutes(100))
        other = SlaMark(second.id, SlaMarkKind.REMINDED, minutes(60), minutes(45))
        for mark in (breached, moved, other):
            assert await uow.sla_marks.add_if_new(mark) is True
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        mine = await uow.sla_marks.list_for_tickets([first.id])
        both = await uow.sla_marks.list_for_tickets([first.id, second.id])
        none = await uow.sla_marks.list_for_tickets([])
    assert [(m.kind, m.due_at) for m in mine] == [
        (SlaMarkKind.BREACHED, minutes(60)),
        (SlaMarkKind.REMINDED, minutes(60)),
        (SlaMarkKind.REMINDED, minutes(120)),
    ]
    assert mine[1] == reminded  # the first marking's time is kept
    assert len(both) == 4
    assert none == []


async def test_an_uncommitted_sla_mark_is_rolled_back(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        ticket = make.ticket(1, await make.add_customer(uow))
        await uow.tickets.add(ticket)
        await uow.commit()
    mark = SlaMark(ticket.id, SlaMarkKind.BREACHED, minutes(60), minutes(61))
    async with uow_factory() as uow:
        assert await uow.sla_marks.add_if_new(mark) is True
    async with uow_factory() as uow:
        assert await uow.sla_marks.add_if_new(mark) is True


# --- entries --------------------------------------------------------------------------------


async def test_entries_oldest_first_and_public_only(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter)
        other = make.ticket(2, reporter)
        await uow.tickets.add(ticket)
        await uow.tickets.add(other)
        helper = make.agent()
        await uow.agents.add(helper)
        late = make.agent_reply(ticket.id, minutes(30), author_agent_id=helper.id)
        note = make.entry(ticket.id, EntryKind.INTERNAL_NOTE, AuthorKind.AGENT, minutes(20))
        first = make.customer_message(ticket.id, minutes(10), author_user_id=reporter.id)
        # Same clock tick as `first`: insertion order breaks the tie.
        status = make.entry(
            ticket.id,
            EntryKind.STATUS_CHANGE,
            AuthorKind.SYSTEM,
            minutes(10),
            data={"from": "new", "to": "in_progress", "nested": {"n": [1, 2]}},
        )
        elsewhere = make.customer_message(other.id, minutes(1))
        for entry in (late, note, first, status, elsewhere):
            await uow.entries.add(entry)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.entries.list_for_ticket(ticket.id) == [first, status, note, late]
        assert await uow.entries.list_for_ticket(ticket.id, public_only=True) == [
            first,
            status,
            late,
        ]
        assert await uow.entries.get(status.id) == status
        assert await uow.entries.get(uuid.uuid4()) is None


async def test_entry_update(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter)
        await uow.tickets.add(ticket)
        entry = make.customer_message(ticket.id, minutes(1))
        await uow.entries.add(entry)
        await uow.commit()
    entry.text = "Edited"
    entry.edited_at = minutes(2)
    entry.data = {"edits": 1}
    async with uow_factory() as uow:
        await uow.entries.update(entry)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.entries.get(entry.id) == entry


async def test_mark_read_and_count_unread_on_both_sides(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        busy, quiet = make.ticket(1, reporter), make.ticket(2, reporter)
        await uow.tickets.add(busy)
        await uow.tickets.add(quiet)
        entries = [
            make.customer_message(busy.id, minutes(1)),
            make.customer_message(busy.id, minutes(2)),
            make.agent_reply(busy.id, minutes(3)),
            make.entry(busy.id, EntryKind.INTERNAL_NOTE, AuthorKind.AGENT, minutes(4)),
            make.entry(busy.id, EntryKind.STATUS_CHANGE, AuthorKind.SYSTEM, minutes(5)),
            make.agent_reply(quiet.id, minutes(6), read_at=minutes(7)),
        ]
        for entry in entries:
            await uow.entries.add(entry)
        await uow.commit()

    ids = [busy.id, quiet.id]
    async with uow_factory() as uow:
        assert await uow.entries.count_unread(ids, Side.SUPPORT) == {busy.id: 2, quiet.id: 0}
        assert await uow.entries.count_unread(ids, Side.CUSTOMER) == {busy.id: 1, quiet.id: 0}
        assert await uow.entries.count_unread([], Side.CUSTOMER) == {}

        assert await uow.entries.mark_read(busy.id, Side.SUPPORT, minutes(10)) == 2
        assert await uow.entries.mark_read(busy.id, Side.SUPPORT, minutes(11)) == 0
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.entries.count_unread(ids, Side.SUPPORT) == {busy.id: 0, quiet.id: 0}
        assert await uow.entries.count_unread(ids, Side.CUSTOMER) == {busy.id: 1, quiet.id: 0}
        read = await uow.entries.list_for_ticket(busy.id)
        assert [entry.read_at for entry in read] == [minutes(10), minutes(10), None, None, None]
        assert await uow.entries.mark_read(busy.id, Side.CUSTOMER, minutes(12)) == 1
        assert await uow.entries.count_unread([busy.id], Side.CUSTOMER) == {busy.id: 0}


# --- message references and attachments -----------------------------------------------------


async def test_message_refs_lookup_and_anchor_first(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter)
        await uow.tickets.add(ticket)
        reply = make.agent_reply(ticket.id, minutes(1))
        await uow.entries.add(reply)
        on_slack = MessageRef(Platform.SLACK, "C1", "1700000000.000200", ticket.id, reply.id)
        anchor = MessageRef(Platform.SLACK, "C1", "1700000000.000100", ticket.id)
        on_telegram = MessageRef(Platform.TELEGRAM, "1001", "55", ticket.id, reply.id)
        for ref in (on_slack, anchor, on_telegram):
            await uow.refs.add(ref)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.refs.find(Platform.SLACK, "C1", "1700000000.000100") == anchor
        assert await uow.refs.find(Platform.TELEGRAM, "C1", "1700000000.000100") is None
        assert await uow.refs.find(Platform.SLACK, "C2", "1700000000.000100") is None
        assert await uow.refs.for_ticket(ticket.id, Platform.SLACK) == [anchor, on_slack]
        assert await uow.refs.for_ticket(ticket.id, Platform.TELEGRAM) == [on_telegram]
        assert await uow.refs.for_entry(reply.id) == [on_slack, on_telegram]
        assert anchor.shown is None
        await uow.refs.set_shown(anchor.id, "a" * 64)
        await uow.commit()

    async with uow_factory() as uow:
        [shown, _] = await uow.refs.for_ticket(ticket.id, Platform.SLACK)
        assert (shown.id, shown.shown) == (anchor.id, "a" * 64)


async def test_a_message_ref_is_added_once_per_chat_message(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket = make.ticket(1, reporter)
        await uow.tickets.add(ticket)
        first = MessageRef(Platform.TELEGRAM, "1001", "55", ticket.id)
        again = MessageRef(Platform.TELEGRAM, "1001", "55", ticket.id, shown="x")
        elsewhere = MessageRef(Platform.TELEGRAM, "1002", "55", ticket.id)
        assert await uow.refs.add_if_new(first)
        assert not await uow.refs.add_if_new(again)
        assert await uow.refs.add_if_new(elsewhere)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.refs.find(Platform.TELEGRAM, "1001", "55") == first
        assert await uow.refs.find(Platform.TELEGRAM, "1002", "55") == elsewhere


async def test_attachments_by_ticket_and_entry(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        ticket, other = make.ticket(1, reporter), make.ticket(2, reporter)
        await uow.tickets.add(ticket)
        await uow.tickets.add(other)
        message = make.customer_message(ticket.id, minutes(1))
        await uow.entries.add(message)

        def attachment(ticket_id: uuid.UUID, name: str, **kw: Any) -> Attachment:
            return Attachment(
                ticket_id=ticket_id,
                file_name=name,
                mime_type="image/png",
                size=5 * 1024 * 1024 * 1024,  # larger than 32 bits
                sha256="ab" * 32,
                storage_key=f"ab/{name}",
                created_at=minutes(1),
                **kw,
            )

        screenshot = attachment(ticket.id, "screen.png", entry_id=message.id)
        log = attachment(ticket.id, "app.log", uploader_user_id=reporter.id)
        elsewhere = attachment(other.id, "x.png")
        for item in (screenshot, log, elsewhere):
            await uow.attachments.add(item)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.attachments.get(screenshot.id) == screenshot
        assert await uow.attachments.get(uuid.uuid4()) is None
        assert await uow.attachments.list_for_ticket(ticket.id) == [screenshot, log]
        assert await uow.attachments.list_for_entry(message.id) == [screenshot]
        assert await uow.attachments.count_for_ticket(ticket.id) == 2
        assert await uow.attachments.count_for_ticket(uuid.uuid4()) == 0
        asked = ["ab/screen.png", "ab/x.png", "ab/nothing.png"]
        assert await uow.attachments.keys_in_use(asked) == {"ab/screen.png", "ab/x.png"}
        assert await uow.attachments.keys_in_use([]) == set()


# --- invites, registrations, support tokens -------------------------------------------------


async def test_invites_by_token_hash(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        admin = await make.add_customer(uow, role=Role.SUPER_USER)
        invite = Invite(
            token_hash="f" * 64,
            company_id=admin.company_id,
            role=Role.MEMBER,
            expires_at=minutes(60 * 24),
            created_at=T0,
            created_by_user_id=admin.id,
        )
        await uow.invites.add(invite)
        await uow.commit()

    invite.used_at = minutes(5)
    invite.used_by_user_id = admin.id
    async with uow_factory() as uow:
        await uow.invites.update(invite)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.invites.get_by_token_hash("f" * 64) == invite
        assert await uow.invites.get_by_token_hash("e" * 64) is None


async def test_latest_registration_per_identity(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        owner = make.company()
        await uow.companies.add(owner)
        mine = ChatIdentity(Platform.TELEGRAM, "1", "1", created_at=T0)
        theirs = ChatIdentity(Platform.TELEGRAM, "2", "2", created_at=T0)
        await uow.identities.add(mine)
        await uow.identities.add(theirs)

        def registration(identity: ChatIdentity, at: int) -> Registration:
            return Registration(
                identity_id=identity.id,
                company_id=owner.id,
                email="jan@example.com",
                code_hash="c" * 64,
                expires_at=minutes(at + 15),
                created_at=minutes(at),
                last_sent_at=minutes(at),
            )

        newer, older = registration(mine, 20), registration(mine, 10)
        await uow.registrations.add(newer)
        await uow.registrations.add(older)
        await uow.commit()

    newer.tries = 2
    newer.resends = 1
    newer.verified_at = minutes(25)
    newer.name = "Jan Kowalski"
    async with uow_factory() as uow:
        await uow.registrations.update(newer)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.registrations.get(older.id) == older
        assert await uow.registrations.latest_for_identity(mine.id) == newer
        assert await uow.registrations.latest_for_identity(theirs.id) is None


async def test_support_tokens_by_company(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        creator = await make.add_customer(uow)
        outsider = await make.add_customer(uow)

        def token(code: str, at: int, company_id: uuid.UUID) -> SupportToken:
            return SupportToken(
                code=code,
                company_id=company_id,
                creator_id=creator.id,
                expires_at=minutes(at + 60),
                created_at=minutes(at),
            )

        old, new = token("111111", 0, creator.company_id), token("222222", 5, creator.company_id)
        foreign = token("333333", 1, outsider.company_id)
        for item in (old, new, foreign):
            await uow.support_tokens.add(item)
        await uow.commit()

    old.revoked_at = minutes(3)
    old.ticket_id = uuid.uuid4()
    async with uow_factory() as uow:
        await uow.support_tokens.update(old)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.support_tokens.get(old.id) == old
        mine = await uow.support_tokens.list_for_company(creator.company_id)
        assert by_id(mine) == by_id([new, old])


# --- outbox ---------------------------------------------------------------------------------


async def test_outbox_add_assigns_increasing_seq(uow_factory: UnitOfWorkFactory) -> None:
    messages = [make.outbox_message(chat_id=str(n)) for n in range(3)]
    async with uow_factory() as uow:
        for message in messages[:2]:
            await uow.outbox.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.outbox.add(messages[2])
        await uow.commit()

    seqs = [message.seq for message in messages]
    assert None not in seqs
    assert seqs == sorted(seq for seq in seqs if seq is not None)
    assert len(set(seqs)) == 3
    async with uow_factory() as uow:
        assert await uow.outbox.get(messages[1].id) == messages[1]
        assert await uow.outbox.pending_count() == 3


async def test_claim_takes_only_the_head_of_each_ordering_key(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ticket_id = uuid.uuid4()
    first_a = make.outbox_message("A")
    first_b = make.outbox_message("B")
    second_a = make.outbox_message("A")
    desk = {"audience": Audience.AGENTS, "platform": Platform.SLACK, "ticket_id": ticket_id}
    desk_1 = make.outbox_message(None, **desk)  # the agents' thread of one ticket
    desk_2 = make.outbox_message(None, **desk)
    async with uow_factory() as uow:
        for message in (first_a, first_b, second_a, desk_1, desk_2):
            await uow.outbox.add(message)
        await uow.commit()

    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(T0, limit=10, lease=300)
        await uow.commit()
    assert [m.id for m in claimed] == [first_a.id, first_b.id, desk_1.id]
    assert all(m.next_attempt_at == T0 + timedelta(seconds=300) for m in claimed)

    # Delivering a head makes the next message of its key due; a failed head no longer blocks.
    async with uow_factory() as uow:
        await uow.outbox.update(replace(claimed[0], delivered_at=minutes(1), attempts=1))
        await uow.outbox.update(replace(claimed[2], failed_at=minutes(1), last_error="gone"))
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.outbox.claim_due(minutes(1), limit=10, lease=30)
        await uow.commit()
    assert [m.id for m in again] == [second_a.id, desk_2.id]  # first_b is still leased
    async with uow_factory() as uow:
        assert await uow.outbox.pending_count() == 3  # first_b, second_a, desk_2


async def test_update_many_records_each_messages_own_outcome(
    uow_factory: UnitOfWorkFactory,
) -> None:
    messages = [make.outbox_message(str(n)) for n in range(3)]
    async with uow_factory() as uow:
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()
    delivered = replace(messages[0], delivered_at=minutes(1), attempts=1)
    failed = replace(messages[1], failed_at=minutes(2), attempts=3, last_error="gone")
    retried = replace(messages[2], next_attempt_at=minutes(5), attempts=1, last_error="429")
    async with uow_factory() as uow:
        await uow.outbox.update_many([delivered, failed, retried])
        await uow.outbox.update_many([])  # nothing to do is not an error
        await uow.commit()
    async with uow_factory() as uow:
        assert [await uow.outbox.get(m.id) for m in messages] == [delivered, failed, retried]
        assert await uow.outbox.pending_count() == 1


async def test_a_leased_message_is_not_claimed_again_until_the_lease_ends(
    uow_factory: UnitOfWorkFactory,
) -> None:
    message = make.outbox_message()
    async with uow_factory() as uow:
        await uow.outbox.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        assert [m.id for m in await uow.outbox.claim_due(T0, limit=5, lease=60)] == [message.id]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim_due(T0, limit=5, lease=60) == []
        assert await uow.outbox.claim_due(T0 + timedelta(seconds=59), limit=5, lease=60) == []
        stored = await uow.outbox.get(message.id)
        assert stored is not None
        assert stored.next_attempt_at == T0 + timedelta(seconds=60)
        # A dead worker's lease runs out and the message is due again.
        retaken = await uow.outbox.claim_due(T0 + timedelta(seconds=60), limit=5, lease=60)
        assert [m.id for m in retaken] == [message.id]


async def test_claim_skips_delivered_failed_and_not_yet_due(uow_factory: UnitOfWorkFactory) -> None:
    delivered = make.outbox_message("1", delivered_at=T0)
    failed = make.outbox_message("2", failed_at=T0, attempts=8)
    later = make.outbox_message("3", next_attempt_at=minutes(10))
    behind_later = make.outbox_message("3")  # due, but its key's head is not
    due = [make.outbox_message(str(n)) for n in range(4, 8)]
    async with uow_factory() as uow:
        for message in (delivered, failed, later, behind_later, *due):
            await uow.outbox.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(T0, limit=3, lease=30)
        await uow.commit()
    assert [m.id for m in claimed] == [m.id for m in due[:3]]  # oldest first, up to limit
    async with uow_factory() as uow:
        assert [m.id for m in await uow.outbox.claim_due(T0, limit=3, lease=30)] == [due[3].id]
        assert await uow.outbox.pending_count() == 6


async def test_claimed_but_uncommitted_lease_is_rolled_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    message = make.outbox_message()
    async with uow_factory() as uow:
        await uow.outbox.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.outbox.claim_due(T0, limit=5, lease=60)) == 1
    async with uow_factory() as uow:
        assert [m.id for m in await uow.outbox.claim_due(T0, limit=5, lease=60)] == [message.id]


# --- inbox ----------------------------------------------------------------------------------


async def test_inbox_records_a_batch_in_one_go_counting_only_the_new(
    uow_factory: UnitOfWorkFactory,
) -> None:
    def event(event_id: str, at: int) -> InboxEvent:
        return InboxEvent(Platform.TELEGRAM, event_id, {"update_id": event_id}, minutes(at))

    async with uow_factory() as uow:
        assert await uow.inbox.add_new([]) == 0
        assert await uow.inbox.add_new([event("1", 1), event("2", 2)]) == 2
        await uow.commit()
    batch = [event("2", 3), event("3", 4), event("1", 5), event("4", 6)]
    async with uow_factory() as uow:
        assert await uow.inbox.add_new(batch) == 2  # "2" and "1" were recorded before
        await uow.commit()
    async with uow_factory() as uow:
        waiting = await uow.inbox.unprocessed(10)
    assert [(e.event_id, e.received_at) for e in waiting] == [
        ("1", minutes(1)),
        ("2", minutes(2)),
        ("3", minutes(4)),
        ("4", minutes(6)),
    ]


async def test_inbox_records_each_event_once(uow_factory: UnitOfWorkFactory) -> None:
    def event(platform: Platform, event_id: str, at: int) -> InboxEvent:
        return InboxEvent(platform, event_id, {"update_id": event_id}, received_at=minutes(at))

    first = event(Platform.TELEGRAM, "42", 2)
    async with uow_factory() as uow:
        assert await uow.inbox.add_if_new(first) is True
        assert await uow.inbox.add_if_new(event(Platform.TELEGRAM, "42", 3)) is False
        await uow.commit()
    slack = event(Platform.SLACK, "42", 1)
    async with uow_factory() as uow:
        assert await uow.inbox.add_if_new(event(Platform.TELEGRAM, "42", 4)) is False
        assert await uow.inbox.add_if_new(slack) is True
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.inbox.get(first.id) == first
        assert await uow.inbox.unprocessed(10) == [slack, first]
        assert await uow.inbox.unprocessed(1) == [slack]
        slack.processed_at = minutes(5)
        slack.attempts = 1
        await uow.inbox.update(slack)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.get(slack.id) == slack
        assert await uow.inbox.unprocessed(10) == [first]


async def test_inbox_finish_marks_an_event_processed_only_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    event = InboxEvent(Platform.TELEGRAM, "7", {"update_id": 7}, received_at=T0)
    async with uow_factory() as uow:
        await uow.inbox.add_if_new(event)
        await uow.commit()
    done = replace(event, processed_at=minutes(1), attempts=1)
    async with uow_factory() as uow:
        assert await uow.inbox.finish(done) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.finish(replace(event, processed_at=minutes(2))) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.get(event.id) == done


async def test_outbox_pending_for_key_lists_a_keys_open_messages_in_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, other, second = (make.outbox_message(c) for c in ("A", "B", "A"))
    gone = make.outbox_message("A", failed_at=T0)
    async with uow_factory() as uow:
        for message in (first, other, gone, second):
            await uow.outbox.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.outbox.pending_for_key(first.ordering_key)
    assert [m.id for m in found] == [first.id, second.id]
