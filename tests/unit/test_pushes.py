"""Status pushes: real core services write outbox rows; PushRenderer turns the customer's rows
into what they read, in their language, with the buttons they can use."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import types
import typing
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest

from bot import presentation
from bot.flows.io import Say
from bot.i18n import LANGUAGES, Translator
from bot.pushes import RENDERED_EVENT_TYPES, PushRenderer, excerpt
from core import events as ev
from core import notify
from core.actors import AgentActor
from core.commands import (
    AddAgentReply,
    AddAttachment,
    AddCustomerMessage,
    AddInternalNote,
    AuthorizeTicket,
    AutoCloseResolved,
    ChangeStatus,
    CloseTicket,
    ConfirmResolved,
    EditAgentReply,
    RateTicket,
    RejectTicket,
    ReopenTicket,
    ReportNotSolved,
    RequestInfo,
    ResolveTicket,
    SetExpectedClose,
)
from core.model import (
    Agent,
    Audience,
    Company,
    CustomerUser,
    OutboxMessage,
    Platform,
    Priority,
    Role,
    Ticket,
    TicketStatus,
    TicketType,
)
from core.services.attachments import add_attachment
from core.services.conversation import (
    add_agent_reply,
    add_customer_message,
    add_internal_note,
    edit_agent_reply,
    request_info,
)
from core.services.tickets import authorize_ticket, rate_ticket, reject_ticket
from core.services.workflow import (
    auto_close_resolved,
    change_status,
    close_ticket,
    confirm_resolved,
    reopen_ticket,
    report_not_solved,
    resolve_ticket,
    set_expected_close,
)
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.world import World, agent_actor, customer, new_file

S = TicketStatus
Buttons = list[list[str]]


# -- helpers --------------------------------------------------------------------------------


class Factory:
    """A UnitOfWorkFactory over the world's store that remembers how it was asked."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.read_only: list[bool] = []

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> FakeUnitOfWork:
        self.read_only.append(read_only)
        return self.world.uow()


def data(say: Say) -> Buttons:
    return [[b.data for b in row] for row in say.buttons]


def labels(say: Say) -> list[str]:
    return [b.label for row in say.buttons for b in row]


async def speak(world: World, language: str) -> None:
    """Every user of the world now reads `language` (stored, as set_language would)."""
    async with world.uow() as uow:
        for row in world.store.peek("users"):
            user = await uow.users.get(row.id)
            assert user is not None
            user.language = language
            await uow.users.update(user)
        await uow.commit()


@dataclass
class Push:
    """One customer-side outbox row, rendered in every language."""

    event_type: str
    chat_id: str | None
    says: dict[str, list[Say]]

    @property
    def say(self) -> Say:
        """The English rendering, when the row renders to exactly one message."""
        [only] = self.says["en"]
        return only


@dataclass
class Desk:
    """Drives the world and renders what customers were sent since the last look."""

    world: World
    cursor: int = 0
    factory: Factory = field(init=False)

    def __post_init__(self) -> None:
        self.factory = Factory(self.world)
        self.cursor = self.world.last_seq()

    async def pushes(self) -> list[Push]:
        rows = [
            m for m in self.world.outbox(since=self.cursor) if m.audience is not Audience.AGENTS
        ]
        self.cursor = self.world.last_seq()
        return [await self.render_everywhere(row) for row in rows]

    async def render_everywhere(self, row: OutboxMessage) -> Push:
        renderer = PushRenderer(self.factory)
        says: dict[str, list[Say]] = {}
        for language in LANGUAGES:
            await speak(self.world, language)
            says[language] = await renderer(row)
        await speak(self.world, "en")
        return Push(row.event_type, row.chat_id, says)


def check_translated(push: Push, number: int) -> None:
    """The push exists in all four languages: same shape and buttons, different words."""
    english = push.says["en"]
    assert english, push.event_type
    for language, says in push.says.items():
        assert len(says) == len(english), (push.event_type, language)
        for say, en_say in zip(says, english, strict=True):
            assert say.ticket_number == number
            assert f"#{number}" in say.text
            assert data(say) == data(en_say), (push.event_type, language)
            assert say.attachment_ids == en_say.attachment_ids
            if language != "en":
                assert say.text != en_say.text, (push.event_type, language, say.text)
    texts = {says[0].text for says in push.says.values()}
    assert len(texts) == len(LANGUAGES), f"{push.event_type}: two languages read the same"


def stars(ticket: Ticket) -> Buttons:
    return [[f"t:{ticket.number}:rate:{k}" for k in range(1, 6)]]


def summary(pushes: list[Push]) -> list[tuple[str, Buttons]]:
    return [(p.event_type, data(p.say)) for p in pushes]


@dataclass
class Scene:
    world: World
    acme: Company
    ann: CustomerUser
    agent: Agent
    desk: Desk

    async def step(self, expected: list[tuple[str, Buttons]]) -> list[Push]:
        """What the customers were sent since the last step: these events, these buttons, in
        all four languages."""
        pushes = await self.desk.pushes()
        assert summary(pushes) == expected
        for push in pushes:
            [number] = {s.ticket_number for says in push.says.values() for s in says}
            assert number is not None
            check_translated(push, number)
        return pushes

    @property
    def me(self) -> AgentActor:
        return agent_actor(self.agent)


@pytest.fixture
async def scene(world: World) -> Scene:
    acme = await world.company("Acme", products=("ERP",))
    ann = await world.user(acme, name="ann")
    agent = await world.agent("Marta")
    return Scene(world, acme, ann, agent, Desk(world))


# -- a ticket's whole life, pushed to the customer in all four languages --------------------


async def test_every_push_of_a_tickets_life_in_all_four_languages(scene: Scene) -> None:
    world, me, ann = scene.world, scene.me, customer(scene.ann)
    ticket = await world.open(scene.ann, "Invoice crashes")
    n, tid = ticket.number, ticket.id
    reply = [[f"t:{n}:reply"]]
    solved = [[f"t:{n}:ok", f"t:{n}:ns"]]

    [opened] = await scene.step([("ticket.opened", [["m:tickets"]])])
    assert opened.say.text.startswith(f"Ticket <b>#{n}</b> is open: Invoice crashes\n")
    assert "Status: New." in opened.say.text
    assert "Expected response by " in opened.say.text
    assert opened.chat_id == "chat-ann"

    entry = await world.run(
        add_agent_reply, AddAgentReply(me, tid, "Which version?", (new_file(),))
    )
    assigned, answered = await scene.step([("ticket.assigned", []), ("ticket.agent_reply", reply)])
    assert answered.say.text == f"<b>Marta</b> (support), ticket #{n}:\nWhich version?\n📎 1 file"
    assert len(answered.say.attachment_ids) == 1
    assert assigned.say.text == f"<b>Marta</b> is handling your ticket <b>#{n}</b>."

    await world.run(request_info, RequestInfo(me, tid, "Send the log, please"))
    [asked] = await scene.step([("ticket.info_requested", reply)])
    assert "needs more information" in asked.say.text
    assert asked.say.text.endswith("\nSend the log, please")

    await world.run(add_customer_message, AddCustomerMessage(ann, tid, "Here it is"))
    [back] = await scene.step([("ticket.status_changed", [])])
    assert back.say.text == f"Ticket <b>#{n}</b> is back in progress."

    await world.run(change_status, ChangeStatus(me, tid, S.WAITING_CUSTOMER))
    [waiting] = await scene.step([("ticket.status_changed", reply)])
    assert waiting.say.text == f"Ticket <b>#{n}</b> is waiting for your reply."
    await world.run(change_status, ChangeStatus(me, tid, S.IN_PROGRESS))
    [moved] = await scene.step([("ticket.status_changed", [])])
    assert moved.say.text == f"Ticket <b>#{n}</b> is back in progress."

    await world.run(set_expected_close, SetExpectedClose(me, tid, date(2025, 3, 14)))
    [expected] = await scene.step([("ticket.expected_close_set", [])])
    assert "Mar 14, 2025" in expected.say.text
    assert "14 mar 2025" in expected.says["pl"][0].text
    await world.run(set_expected_close, SetExpectedClose(me, tid, None))
    [removed] = await scene.step([("ticket.expected_close_set", [])])
    assert "no expected closing date" in removed.say.text

    attachment = await world.run(add_attachment, AddAttachment(me, tid, new_file("fix.zip")))
    [filed] = await scene.step([("ticket.attachment_added", [])])
    assert filed.say.text.endswith(": fix.zip")
    assert filed.say.attachment_ids == (str(attachment.id),)

    await world.run(edit_agent_reply, EditAgentReply(me, entry.id, "Which version exactly?"))
    [edited] = await scene.step([("ticket.agent_reply_edited", reply)])
    assert edited.say.text == (
        f"<b>Marta</b> (support), ticket #{n} (edited):\nWhich version exactly?"
    )

    await world.run(resolve_ticket, ResolveTicket(me, tid, "Update to 7.2"))
    [resolved] = await scene.step([("ticket.resolved", solved)])
    assert "\nUpdate to 7.2\n\nIs your problem solved?" in resolved.say.text
    assert labels(resolved.say) == ["It's solved ✅", "Not solved ❌"]

    await world.run(report_not_solved, ReportNotSolved(ann, tid, "Still crashes"))
    [reopened] = await scene.step([("ticket.reopened", [])])
    assert reopened.say.text.startswith(f"Ticket <b>#{n}</b> is open again")

    await world.run(resolve_ticket, ResolveTicket(me, tid, "Update to 7.3"))
    await scene.step([("ticket.resolved", solved)])
    await world.run(confirm_resolved, ConfirmResolved(ann, tid))
    [closed] = await scene.step([("ticket.closed", stars(ticket))])
    assert closed.say.text.startswith("Thank you for confirming")
    assert "Rate our support" in closed.say.text
    assert labels(closed.say) == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]

    await world.run(reopen_ticket, ReopenTicket(me, tid, "Found one more case"))
    [by_support] = await scene.step([("ticket.reopened", [])])
    assert by_support.say.text == (
        f"Support reopened ticket <b>#{n}</b>.\nReason: Found one more case"
    )


async def test_closing_by_support_and_automatically_asks_for_a_rating(scene: Scene) -> None:
    world, me = scene.world, scene.me
    by_agent = await world.open(scene.ann, "Printer")
    by_clock = await world.open(scene.ann, "Scanner")
    for ticket in (by_agent, by_clock):
        await world.run(resolve_ticket, ResolveTicket(me, ticket.id, "Done"))
    await scene.desk.pushes()

    await world.run(close_ticket, CloseTicket(me, by_agent.id))
    [closed] = await scene.step([("ticket.closed", stars(by_agent))])
    assert closed.say.text.startswith(f"Ticket <b>#{by_agent.number}</b> is closed.")

    world.clock.advance(days=8)
    await world.run(auto_close_resolved, AutoCloseResolved())
    [auto] = await scene.step([("ticket.closed", stars(by_clock))])
    assert "closed automatically" in auto.say.text


async def test_authorization_requests_go_to_super_users_with_buttons(world: World) -> None:
    acme = await world.company("Acme", products=("ERP",))
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    rita = await world.user(acme, Role.RESTRICTED, "rita")
    scene = Scene(world, acme, rita, await world.agent("Marta"), Desk(world))

    ticket = await world.open(rita, "New printer", description="We need a new printer. " * 30)
    n = ticket.number
    opened, request = await scene.step(
        [
            ("ticket.opened", [["m:tickets"]]),
            ("ticket.authorization_requested", [[f"t:{n}:auth", f"t:{n}:rej"]]),
        ]
    )
    assert (opened.chat_id, request.chat_id) == ("chat-rita", "chat-boss")
    assert "waiting for authorization by your company's administrator" in opened.say.text
    assert "Status: Awaiting authorization." in opened.say.text
    assert request.say.text.startswith(
        f"<b>Authorization needed</b> for ticket <b>#{n}</b>\nFrom: rita\nError: New printer\n\n"
        "We need a new printer."
    )
    assert request.say.text.endswith("…")
    assert len(request.say.text) < 500
    assert labels(request.say) == ["Authorize", "Reject"]

    await world.run(authorize_ticket, AuthorizeTicket(customer(boss), ticket.id))
    [authorized] = await scene.step([("ticket.authorized", [])])
    assert authorized.chat_id == "chat-rita"
    assert authorized.say.text.startswith(
        f"Ticket <b>#{n}</b> was authorized by boss and has gone to support. Status: New."
    )
    assert "Expected response by" in authorized.say.text

    # Once answered, the request shows the status instead of buttons.
    row = next(m for m in world.outbox() if m.event_type == "ticket.authorization_requested")
    again = await PushRenderer(Factory(world))(row)
    assert again[0].buttons == ()
    assert again[0].text.endswith("\n\nStatus: New.")

    other = await world.open(rita, "Coffee machine")
    await scene.desk.pushes()
    await world.run(reject_ticket, RejectTicket(customer(boss), other.id, "Not our vendor"))
    [rejected] = await scene.step([("ticket.rejected", [])])
    assert rejected.say.text == (
        f"Ticket <b>#{other.number}</b> was not authorized: Coffee machine\n"
        "Rejected by boss.\nReason: Not our vendor"
    )


# -- whose language ------------------------------------------------------------------------


async def test_a_polish_customer_reads_polish(scene: Scene) -> None:
    await speak(scene.world, "pl")
    ticket = await scene.world.open(scene.ann, "Faktura się wysypuje")
    [row] = [m for m in scene.world.outbox() if m.audience is Audience.CUSTOMER]
    [say] = await PushRenderer(Factory(scene.world))(row)
    assert say.text.startswith(
        f"Zgłoszenie <b>#{ticket.number}</b> zostało zarejestrowane: Faktura się wysypuje\n"
        "Odpowiemy tutaj. Status: Nowe.\nPrzewidywany termin odpowiedzi: 6.03.2025, 11:00."
    )
    assert labels(say) == ["Moje zgłoszenia"]


async def _set_language(
    world: World, user: CustomerUser, language: str, client: str | None
) -> None:
    async with world.uow() as uow:
        stored = await uow.users.get(user.id)
        [identity] = await uow.identities.list_for_user(user.id)
        assert stored is not None
        stored.language = language
        identity.language_code = client
        await uow.users.update(stored)
        await uow.identities.update(identity)
        await uow.commit()


@pytest.mark.parametrize(
    ("language", "client", "expected"),
    [
        ("it", "pl-PL", "Il ticket"),  # the user's choice wins
        ("", "pl-PL", "Zgłoszenie"),  # unknown: the chat client's language
        ("de", "it_IT", "Il ticket"),
        ("", "de-DE", "Tichetul"),  # neither: the renderer's default
        ("", None, "Tichetul"),
    ],
)
async def test_the_language_falls_back_to_the_client_then_the_default(
    scene: Scene, language: str, client: str | None, expected: str
) -> None:
    await scene.world.open(scene.ann)
    await _set_language(scene.world, scene.ann, language, client)
    [row] = [m for m in scene.world.outbox() if m.audience is Audience.CUSTOMER]
    [say] = await PushRenderer(Factory(scene.world), default_language="ro")(row)
    assert say.text.startswith(expected)


async def test_an_unlinked_chat_reads_its_clients_language(scene: Scene) -> None:
    ticket = await scene.world.open(scene.ann)
    guest = await scene.world.identity("guest", language_code="pl")
    row = OutboxMessage(
        audience=Audience.CUSTOMER,
        platform=Platform.TELEGRAM,
        chat_id=guest.chat_id,
        event_type="ticket.assigned",
        payload=ev.TicketAssigned(
            ticket_id=ticket.id,
            number=ticket.number,
            agent_id=uuid.uuid4(),
            agent_name="Ola",
            by_name=None,
        ).to_payload(),
        created_at=scene.world.now(),
        next_attempt_at=scene.world.now(),
        ticket_id=ticket.id,
    )
    [say] = await PushRenderer(Factory(scene.world))(row)
    assert say.text == f"Twoim zgłoszeniem <b>#{ticket.number}</b> zajmuje się <b>Ola</b>."


# -- escaping, dates, e-mail, loading --------------------------------------------------------


async def test_whatever_people_typed_is_escaped(world: World) -> None:
    acme = await world.company("Acme", products=("ERP",))
    boss = await world.user(acme, Role.SUPER_USER, "<b>boss</b>")
    rita = await world.user(acme, Role.RESTRICTED, "Rita & <i>Co</i>")
    agent = await world.agent("<a href='x'>Eve</a>")
    scene = Scene(world, acme, rita, agent, Desk(world))
    me = agent_actor(agent)

    ticket = await world.open(rita, "<b>Boom</b> & crash", description="1 < 2 & <script>")
    await world.run(authorize_ticket, AuthorizeTicket(customer(boss), ticket.id))
    await world.run(add_agent_reply, AddAgentReply(me, ticket.id, "Try <code>x</code> & y"))
    await world.run(resolve_ticket, ResolveTicket(me, ticket.id, "</b>fixed<b>"))
    pushes = await scene.desk.pushes()
    texts = "\n".join(s.text for p in pushes for says in p.says.values() for s in says)

    for typed in (
        "<b>Boom</b>",
        "<i>Co</i>",
        "<script>",
        "<code>x</code>",
        "</b>fixed<b>",
        "<a href",
    ):
        assert typed not in texts
    for escaped in (
        "&lt;b&gt;Boom&lt;/b&gt; &amp; crash",
        "Rita &amp; &lt;i&gt;Co&lt;/i&gt;",
        "1 &lt; 2 &amp; &lt;script&gt;",
        "&lt;b&gt;boss&lt;/b&gt;",
        "&lt;a href='x'&gt;Eve&lt;/a&gt;",
        "Try &lt;code&gt;x&lt;/code&gt; &amp; y",
        "&lt;/b&gt;fixed&lt;b&gt;",
    ):
        assert escaped in texts


async def _set_timezone(world: World, company: Company, timezone: str) -> None:
    async with world.uow() as uow:
        stored = await uow.companies.get(company.id)
        assert stored is not None
        stored.calendar = dataclasses.replace(stored.calendar, timezone=timezone)
        await uow.companies.update(stored)
        await uow.commit()


@pytest.mark.parametrize(
    ("timezone", "language", "shown"),
    [
        ("Europe/Warsaw", "pl", "6.03.2025, 11:00"),
        ("Asia/Tokyo", "pl", "6.03.2025, 19:00"),
        ("America/New_York", "en", "3/6/25, 5:00\u202fAM"),
    ],
)
async def test_dates_are_in_the_companys_time_zone(
    scene: Scene, timezone: str, language: str, shown: str
) -> None:
    ticket = await scene.world.open(scene.ann)  # Monday 10:00 UTC, 3 business days
    assert ticket.sla_due_at == datetime(2025, 3, 6, 10, 0, tzinfo=UTC)
    await _set_timezone(scene.world, scene.acme, timezone)
    await speak(scene.world, language)
    [row] = [m for m in scene.world.outbox() if m.audience is Audience.CUSTOMER]
    [say] = await PushRenderer(Factory(scene.world))(row)
    assert say.text.endswith(f" {shown}.")


async def test_an_email_push_has_the_same_text_and_no_buttons(world: World) -> None:
    acme = await world.company("Acme", products=("ERP",))
    gone = await world.user(acme, name="gone", email="gone@acme.test", reachable=False)
    await speak(world, "it")
    agent = await world.agent("Marta")
    ticket = await world.open(gone, "Stampa")
    await world.run(resolve_ticket, ResolveTicket(agent_actor(agent), ticket.id, "Fatto"))
    rows = [m for m in world.outbox() if m.audience is Audience.EMAIL]
    assert [(m.chat_id, m.event_type) for m in rows] == [
        ("gone@acme.test", "ticket.opened"),
        ("gone@acme.test", "ticket.resolved"),
    ]
    renderer = PushRenderer(Factory(world))
    opened, resolved = [(await renderer(m))[0] for m in rows]
    assert opened.text.startswith(f"Il ticket <b>#{ticket.number}</b> è aperto: Stampa")
    assert (opened.buttons, resolved.buttons) == ((), ())
    assert resolved.text.endswith("\nFatto"), "no question without buttons to answer it"


async def test_one_read_only_unit_of_work_per_push(scene: Scene) -> None:
    await scene.world.open(scene.ann)
    [row] = [m for m in scene.world.outbox() if m.audience is Audience.CUSTOMER]
    factory = Factory(scene.world)
    version = scene.world.store.version
    await PushRenderer(factory)(row)
    assert factory.read_only == [True]
    assert scene.world.store.version == version


async def test_agent_names_are_current_and_files_alone_are_counted(scene: Scene) -> None:
    world = scene.world
    ticket = await world.open(scene.ann)
    files = (new_file("a.png"), new_file("b.png"), new_file("c.png"))
    await world.run(add_agent_reply, AddAgentReply(scene.me, ticket.id, "", files))
    async with world.uow() as uow:
        agent = await uow.agents.get(scene.agent.id)
        assert agent is not None
        agent.display_name = "Marta K."
        await uow.agents.update(agent)
        await uow.commit()
    pushes = await scene.desk.pushes()
    reply = next(p for p in pushes if p.event_type == "ticket.agent_reply")
    assert reply.say.text == f"<b>Marta K.</b> (support), ticket #{ticket.number}:\n📎 3 files"
    assert reply.says["pl"][0].text.endswith("📎 3 pliki")
    assert reply.says["ro"][0].text.endswith("📎 3 fișiere")
    assert len(reply.say.attachment_ids) == 3


async def test_no_rating_prompt_once_rated_nor_reply_button_once_closed(scene: Scene) -> None:
    world, me, ann = scene.world, scene.me, customer(scene.ann)
    ticket = await world.open(scene.ann)
    await world.run(add_agent_reply, AddAgentReply(me, ticket.id, "Done?"))
    await world.run(resolve_ticket, ResolveTicket(me, ticket.id, "Yes"))
    await world.run(confirm_resolved, ConfirmResolved(ann, ticket.id))
    await world.run(rate_ticket, RateTicket(ann, ticket.id, 5))
    renderer = PushRenderer(Factory(world))
    by_type = {m.event_type: m for m in world.outbox() if m.audience is Audience.CUSTOMER}
    [closed] = await renderer(by_type["ticket.closed"])
    [replied] = await renderer(by_type["ticket.agent_reply"])
    [resolved] = await renderer(by_type["ticket.resolved"])
    assert (closed.buttons, replied.buttons, resolved.buttons) == ((), (), ())
    assert "Rate" not in closed.text
    assert "Is your problem solved?" not in resolved.text


# -- what is not a normal push ---------------------------------------------------------------


def _row(
    ticket: Ticket | None, event_type: str, payload: dict[str, Any], **kw: Any
) -> OutboxMessage:
    now = datetime(2025, 3, 3, tzinfo=UTC)
    return OutboxMessage(
        audience=kw.pop("audience", Audience.CUSTOMER),
        platform=Platform.TELEGRAM,
        chat_id=kw.pop("chat_id", "chat-ann"),
        event_type=event_type,
        payload=payload,
        created_at=now,
        next_attempt_at=now,
        ticket_id=ticket.id if ticket else None,
    )


async def test_an_unknown_or_unreadable_event_is_a_generic_update(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = await scene.world.open(scene.ann)
    renderer = PushRenderer(Factory(scene.world))
    unknown = _row(ticket, "ticket.teleported", {"number": ticket.number, "to": "Mars"})
    broken = _row(ticket, "ticket.assigned", {"number": ticket.number, "agent_id": 7})
    not_for_customers = _row(
        ticket,
        "ticket.customer_message",
        ev.CustomerMessageAdded(
            ticket_id=ticket.id,
            number=ticket.number,
            entry_id=uuid.uuid4(),
            author_name="a",
            text="b",
        ).to_payload(),
    )
    nowhere = _row(None, "ticket.teleported", {})

    with caplog.at_level(logging.WARNING, logger="bot.pushes"):
        for row in (unknown, broken, not_for_customers):
            assert await renderer(row) == [
                Say(
                    text=f"Ticket <b>#{ticket.number}</b> was updated.", ticket_number=ticket.number
                )
            ]
        assert await renderer(nowhere) == [Say(text="One of your tickets was updated.")]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 4


async def test_an_internal_note_never_reaches_a_customer(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = await scene.world.open(scene.ann)
    await scene.world.run(add_internal_note, AddInternalNote(scene.me, ticket.id, "secret"))
    note = ev.NoteAdded(
        ticket_id=ticket.id,
        number=ticket.number,
        entry_id=uuid.uuid4(),
        agent_id=scene.agent.id,
        agent_name="Marta",
        text="secret",
    )
    with caplog.at_level(logging.WARNING, logger="bot.pushes"):
        assert (
            await PushRenderer(Factory(scene.world))(
                _row(ticket, note.event_type, note.to_payload())
            )
            == []
        )
    assert "internal note" in caplog.text


async def test_the_agents_desk_is_not_this_renderers_job(scene: Scene) -> None:
    await scene.world.open(scene.ann)
    [row] = [m for m in scene.world.outbox() if m.audience is Audience.AGENTS]
    with pytest.raises(ValueError, match="agents"):
        await PushRenderer(Factory(scene.world))(row)


# -- coverage: every event routed to a customer has a text of its own ------------------------


_SAMPLES: dict[Any, Any] = {
    uuid.UUID: uuid.UUID(int=7),
    str: "text",
    int: 3,
    datetime: datetime(2025, 3, 4, 12, tzinfo=UTC),
    date: date(2025, 3, 14),
}


def _values(hint: Any) -> list[Any]:
    """Every value worth trying for a field of this type: each member of an enum."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        [hint] = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)
    if typing.get_origin(hint) is tuple:
        return [(uuid.UUID(int=8),)]
    if hint is bool:
        return [False, True]
    return [_SAMPLES[hint]]


def samples(kind: type[ev.Event], ticket: Ticket) -> list[ev.Event]:
    """One event of this kind per combination of its enum fields (statuses, author kinds)."""
    hints = typing.get_type_hints(kind)
    fixed: dict[str, list[Any]] = {"ticket_id": [ticket.id], "number": [ticket.number]}
    names = [f.name for f in dataclasses.fields(kind)]
    choices: list[list[Any]] = [fixed.get(name) or _values(hints[name]) for name in names]
    return [kind(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*choices)]


CUSTOMER_SIDE = {notify.Target.CUSTOMER, notify.Target.SUPER_USERS}


async def test_every_event_routed_to_customers_has_its_own_rendering(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = await scene.world.open(scene.ann)
    renderer = PushRenderer(Factory(scene.world))
    generic = f"Ticket <b>#{ticket.number}</b> was updated."
    customer_facing: set[str] = set()
    for kind in notify.ROUTES:
        for event in samples(kind, ticket):
            if not notify.targets(event) & CUSTOMER_SIDE:
                continue
            customer_facing.add(kind.event_type)
            assert kind.event_type in RENDERED_EVENT_TYPES, f"no text for {kind.event_type}"
            with caplog.at_level(logging.WARNING, logger="bot.pushes"):
                says = await renderer(_row(ticket, kind.event_type, event.to_payload()))
            assert says, event
            assert all(s.text and s.text != generic for s in says), event
            assert caplog.records == [], (event, caplog.text)
    # The routing table is what it claims to be: most events do reach customers.
    assert len(customer_facing) >= 12
    assert set(notify.ROUTES) == set(ev.EVENT_TYPES.values()), "an event notify does not route"


# -- presentation helpers and small pieces ----------------------------------------------------


def test_urgency_colours() -> None:
    assert [presentation.urgency_icon(p) for p in Priority] == ["⚪", "🟡", "🔴", "🔴"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_priority_and_type_has_a_name(language: str) -> None:
    t = Translator(language)
    names = [presentation.status_name(t, s) for s in TicketStatus]
    names += [presentation.priority_name(t, p) for p in Priority]
    names += [presentation.type_name(t, k) for k in TicketType]
    assert all(name and "-" not in name and "_" not in name for name in names), names
    assert len(set(names)) == len(names)
    assert presentation.urgency_label(t, Priority.HIGH).startswith("🔴 ")


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("en", {1: "1 file", 2: "2 files", 5: "5 files"}),
        ("pl", {1: "1 plik", 2: "2 pliki", 5: "5 plików", 22: "22 pliki", 25: "25 plików"}),
        ("it", {1: "1 allegato", 2: "2 allegati", 5: "5 allegati"}),
        ("ro", {1: "1 fișier", 2: "2 fișiere", 19: "19 fișiere", 20: "20 de fișiere"}),
    ],
)
def test_counts_use_each_languages_plural_forms(language: str, counts: dict[int, str]) -> None:
    t = Translator(language)
    for count, text in counts.items():
        assert t.html("push-files", count=count) == f"📎 {text}"


def test_excerpts_cut_long_descriptions_at_a_word() -> None:
    assert excerpt("  short  ") == "short"
    assert excerpt("one two three", limit=9) == "one two…"
    assert excerpt("one two three", limit=7) == "one two…"
    assert excerpt("one\ntwo three", limit=5) == "one…"
    assert excerpt("x" * 20, limit=5) == "xxxxx…"


def test_the_renderer_knows_only_real_event_types() -> None:
    assert set(ev.EVENT_TYPES) >= RENDERED_EVENT_TYPES
