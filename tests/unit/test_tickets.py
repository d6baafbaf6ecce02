"""Opening tickets, authorization, extra messages, archive and rating."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

import pytest

from core import sla
from core.commands import (
    ArchiveTicket,
    AuthorizeTicket,
    OpenTicket,
    RateTicket,
    RejectTicket,
    SendExtraMessage,
    UnarchiveTicket,
)
from core.errors import (
    InvalidTransition,
    LimitExceeded,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from core.model import (
    Audience,
    EntryKind,
    Plan,
    Platform,
    Priority,
    Role,
    TicketStatus,
    TicketType,
)
from core.services.tickets import (
    archive_ticket,
    authorize_ticket,
    initial_priority,
    open_ticket,
    rate_ticket,
    reject_ticket,
    send_extra_message,
    unarchive_ticket,
)
from tests.unit.world import World, agent_actor, customer, new_file

S = TicketStatus


@pytest.mark.parametrize(
    ("type_", "blocked", "plan", "expected"),
    [
        (TicketType.QUESTION, False, Plan.BASIC, Priority.LOW),
        (TicketType.ERROR, False, Plan.BASIC, Priority.MEDIUM),
        (TicketType.ERROR, True, Plan.BASIC, Priority.HIGH),
        (TicketType.ERROR, False, Plan.PREMIUM, Priority.HIGH),
        (TicketType.ERROR, True, Plan.PREMIUM, Priority.URGENT),
        (TicketType.REQUEST, True, Plan.PREMIUM, Priority.HIGH),
        (TicketType.OTHER, False, Plan.BUSINESS, Priority.LOW),
    ],
)
def test_priority_comes_from_type_impact_and_plan(
    type_: TicketType, blocked: bool, plan: Plan, expected: Priority
) -> None:
    assert initial_priority(type_, blocked, plan) is expected


async def test_a_member_opens_a_new_ticket_numbered_in_sequence(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    first = await world.open(ann)
    second = await world.open(ann, "Second problem", work_blocked=True)

    assert (first.number, second.number) == (1, 2)
    stored = await world.ticket(second)
    assert stored.status is S.NEW
    assert stored.priority is Priority.HIGH
    assert stored.reporter_id == ann.id
    assert stored.origin_chat_id == "chat-ann"
    assert stored.sla_due_at == sla.due_at(world.now(), Priority.HIGH, acme.plan, acme.calendar)
    # Opened: agents get the new thread, the customer the number and status.
    assert world.sent()[-2:] == [
        (Audience.CUSTOMER, "chat-ann", "ticket.opened"),
        (Audience.AGENTS, None, "ticket.opened"),
    ]


async def test_a_refused_opening_leaves_no_gap_in_numbers(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    await world.open(ann)
    with pytest.raises(ValidationError):
        await world.open(ann, "   ")
    with pytest.raises(LimitExceeded):
        await world.open(ann, files=(new_file(size=world.ctx.config.max_attachment_bytes + 1),))
    assert (await world.open(ann)).number == 2


async def test_a_restricted_users_ticket_waits_for_a_super_user(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    boss2 = await world.user(acme, Role.SUPER_USER, "boss2", email="b2@acme.test", reachable=False)
    rita = await world.user(acme, Role.RESTRICTED, "rita")
    before = world.last_seq()

    ticket = await world.open(rita)

    assert ticket.status is S.TO_AUTHORIZE
    assert ticket.sla_due_at is None  # support's clock does not run before authorization
    sent = world.sent(since=before)
    assert (Audience.CUSTOMER, "chat-rita", "ticket.opened") in sent
    assert (Audience.CUSTOMER, "chat-boss", "ticket.authorization_requested") in sent
    # An unreachable super user gets the request by e-mail.
    assert (Audience.EMAIL, "b2@acme.test", "ticket.authorization_requested") in sent
    assert not [s for s in sent if s[0] is Audience.AGENTS]

    before = world.last_seq()
    authorized = await world.run(authorize_ticket, AuthorizeTicket(customer(boss), ticket.id))
    assert authorized.status is S.NEW
    assert authorized.sla_due_at is not None
    assert world.sent(since=before) == [
        (Audience.CUSTOMER, "chat-rita", "ticket.authorized"),
        (Audience.AGENTS, None, "ticket.authorized"),
    ]
    [entry] = await world.entries(ticket)
    assert entry.kind is EntryKind.STATUS_CHANGE
    assert entry.author_user_id == boss.id
    assert entry.data == {"from": "to_authorize", "to": "new"}
    assert boss2  # (reachable only by e-mail)


async def test_only_a_super_user_of_the_company_authorizes_or_rejects(world: World) -> None:
    acme, other = await world.company(), await world.company("Other")
    rita = await world.user(acme, Role.RESTRICTED)
    member = await world.user(acme)
    stranger = await world.user(other, Role.SUPER_USER)
    ticket = await world.open(rita)

    with pytest.raises(PermissionDenied):
        await world.run(authorize_ticket, AuthorizeTicket(customer(rita), ticket.id))
    with pytest.raises(NotFound):  # a member does not even see a colleague's ticket
        await world.run(authorize_ticket, AuthorizeTicket(customer(member), ticket.id))
    with pytest.raises(NotFound):
        await world.run(reject_ticket, RejectTicket(customer(stranger), ticket.id))
    assert (await world.ticket(ticket)).status is S.TO_AUTHORIZE


async def test_rejection_reaches_only_the_reporter(world: World) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    rita = await world.user(acme, Role.RESTRICTED, "rita")
    ticket = await world.open(rita)
    before = world.last_seq()

    rejected = await world.run(
        reject_ticket, RejectTicket(customer(boss), ticket.id, "Use the manual")
    )

    assert rejected.status is S.REJECTED
    [message] = world.outbox(since=before)
    assert (message.audience, message.chat_id) == (Audience.CUSTOMER, "chat-rita")
    assert message.payload["reason"] == "Use the manual"


async def test_the_preferred_technician_gets_the_ticket_when_active(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    bob = await world.agent("Bob")
    gone = await world.agent("Gone", active=False)

    assert (await world.open(ann, preferred_agent_id=bob.id)).assignee_id == bob.id
    kept = await world.open(ann, preferred_agent_id=gone.id)
    assert kept.assignee_id is None
    assert kept.preferred_agent_id == gone.id


async def test_the_preferred_technician_of_a_restricted_ticket_gets_it_on_authorization(
    world: World,
) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER)
    rita = await world.user(acme, Role.RESTRICTED)
    bob = await world.agent("Bob")
    ticket = await world.open(rita, preferred_agent_id=bob.id)
    assert ticket.assignee_id is None
    authorized = await world.run(authorize_ticket, AuthorizeTicket(customer(boss), ticket.id))
    assert authorized.assignee_id == bob.id


async def test_product_defaults_to_the_only_one_and_must_be_the_companys(world: World) -> None:
    solo = await world.company("Solo", products=("Only",))
    acme = await world.company()
    [only] = await world.products(solo)
    foreign = (await world.products(acme))[0]
    sam = await world.user(solo)
    assert (await world.open(sam)).product_id == only.id
    with pytest.raises(NotFound) as refused:
        await world.open(sam, product_id=foreign.id)
    assert refused.value.code == "product-not-found"
    # Two products and none chosen: left open, the flow asked and the customer skipped.
    assert (await world.open(await world.user(acme))).product_id is None


async def test_files_sent_with_the_report_are_recorded_with_their_uploader(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.open(ann, files=(new_file("../../etc/passwd"), new_file("b.png")))
    async with world.uow() as uow:
        files = await uow.attachments.list_for_ticket(ticket.id)
    assert sorted(f.file_name for f in files) == ["b.png", "passwd"]
    assert {f.uploader_user_id for f in files} == {ann.id}
    opened = world.outbox()[-1]
    assert len(opened.payload["attachment_ids"]) == 2


async def test_too_many_files_are_refused_as_a_whole(world: World) -> None:
    w = World(max_attachments_per_ticket=2)
    acme = await w.company()
    ann = await w.user(acme)
    with pytest.raises(LimitExceeded) as refused:
        await w.open(ann, files=tuple(new_file(f"{i}.png") for i in range(3)))
    assert refused.value.code == "attachment-limit"
    assert refused.value.params["limit"] == 2
    assert w.store.all("tickets") == []


async def test_a_super_user_sends_an_extra_message(world: World) -> None:
    acme = await world.company(plan=Plan.PREMIUM)
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    member = await world.user(acme)
    text = "FYI: we move offices next week.\nNew address below."
    before = world.last_seq()

    ticket = await world.run(
        send_extra_message, SendExtraMessage(customer(boss), text, Platform.TELEGRAM, "chat-boss")
    )

    assert ticket.type is TicketType.EXTRA_MESSAGE
    assert ticket.status is S.NEW
    assert ticket.subject == "FYI: we move offices next week."
    assert ticket.priority is Priority.MEDIUM  # low, plus the premium bump
    assert world.sent(since=before) == [(Audience.AGENTS, None, "ticket.extra_message")]
    with pytest.raises(PermissionDenied):
        await world.run(
            send_extra_message,
            SendExtraMessage(customer(member), "hello", Platform.TELEGRAM, "chat-x"),
        )


async def test_an_extra_message_has_its_subject_files_and_one_ticket_per_id(
    world: World,
) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    command = SendExtraMessage(
        customer(boss),
        "We moved.\nNew address below.",
        Platform.TELEGRAM,
        "chat-boss",
        subject="New offices",
        files=(new_file("plan.pdf"),),
        ticket_id=uuid4(),
    )
    before = world.last_seq()

    ticket = await world.run(send_extra_message, command)
    again = await world.run(send_extra_message, command)  # a retried Send

    assert again.id == ticket.id == command.ticket_id
    assert ticket.subject == "New offices"
    assert ticket.description.startswith("We moved.")
    [pushed] = world.outbox(since=before)
    [attachment] = world.store.all("attachments")
    assert pushed.payload["attachment_ids"] == [str(attachment.id)]


async def test_customers_archive_only_finished_tickets_agents_any(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    open_one = await world.open(ann)
    done = await world.seed_ticket(ann, S.CLOSED)
    with pytest.raises(PermissionDenied):
        await world.run(archive_ticket, ArchiveTicket(customer(ann), open_one.id))
    assert (await world.run(archive_ticket, ArchiveTicket(customer(ann), done.id))).archived
    assert (await world.ticket(done)).archived
    assert not (await world.run(unarchive_ticket, UnarchiveTicket(customer(ann), done.id))).archived
    assert (
        await world.run(archive_ticket, ArchiveTicket(agent_actor(agent), open_one.id))
    ).archived


@pytest.mark.parametrize("rating", [0, 6, -1])
async def test_a_rating_is_one_to_five(world: World, rating: int) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.seed_ticket(ann, S.RESOLVED)
    with pytest.raises(ValidationError) as refused:
        await world.run(rate_ticket, RateTicket(customer(ann), ticket.id, rating))
    assert refused.value.code == "rating-invalid"


async def test_the_reporter_rates_a_finished_ticket_and_may_change_it(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    ticket = await world.seed_ticket(ann, S.RESOLVED)
    active = await world.seed_ticket(ann, S.IN_PROGRESS)

    with pytest.raises(InvalidTransition):
        await world.run(rate_ticket, RateTicket(customer(ann), active.id, 5))
    with pytest.raises(PermissionDenied):  # a super user sees it but the rating is the reporter's
        await world.run(rate_ticket, RateTicket(customer(boss), ticket.id, 5))
    await world.run(rate_ticket, RateTicket(customer(ann), ticket.id, 1))
    rated = await world.run(rate_ticket, RateTicket(customer(ann), ticket.id, 5, " great "))
    assert (rated.csat_rating, rated.csat_comment) == (5, "great")
    assert [m.payload["rating"] for m in world.outbox() if m.event_type == "ticket.rated"] == [1, 5]
    assert {m.audience for m in world.outbox() if m.event_type == "ticket.rated"} == {
        Audience.AGENTS
    }


async def test_a_retried_confirmation_returns_the_ticket_it_already_opened(world: World) -> None:
    company = await world.company()
    anna = await world.user(company)
    cmd = OpenTicket(
        actor=customer(anna),
        type=TicketType.ERROR,
        subject="Invoice totals wrong",
        description="The VAT line is doubled",
        origin_platform=Platform.TELEGRAM,
        origin_chat_id="42",
        ticket_id=uuid4(),
    )
    first = await world.run(open_ticket, cmd)
    sent = len(world.outbox())
    again = await world.run(open_ticket, cmd)
    assert again.id == first.id == cmd.ticket_id
    assert again.number == first.number
    assert len(world.outbox()) == sent, "nobody is told twice"

    bob = await world.user(company)
    with pytest.raises(NotFound):
        await world.run(open_ticket, replace(cmd, actor=customer(bob)))
