"""My tickets, ticket buttons and talking on a ticket, on real storage (SQLite).

Customers talk to the real router; agents act through the real core services; what the bot and
the core's pushes write to the outbox is delivered to each person's chat (pushes rendered by the
real PushRenderer), with platform message ids and message references recorded the way the
Telegram sender records them, so "reply to a message" works as in a chat.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.flows.engine import FlowLimits
from bot.flows.io import (
    Button,
    Command,
    Edited,
    FileKind,
    Files,
    IncomingFile,
    Input,
    Press,
    Say,
    Text,
    say_from_payload,
)
from bot.flows.router import Inbound
from bot.flows.state import conversation_key
from bot.pushes import PushRenderer
from core.actors import AgentActor, CustomerActor
from core.commands import (
    AddAgentReply,
    ArchiveTicket,
    AuthorizeTicket,
    CloseTicket,
    OpenTicket,
    ResolveTicket,
)
from core.context import Context
from core.model import (
    Agent,
    Audience,
    CustomerUser,
    EntryKind,
    MessageRef,
    Platform,
    Product,
    Role,
    Ticket,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from core.services.conversation import add_agent_reply
from core.services.tickets import archive_ticket, authorize_ticket, open_ticket
from core.services.workflow import close_ticket, resolve_ticket
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.builders import T0
from tests.integration.chat import Bot, add_linked_user, button_labels, newest_button

S = TicketStatus
TG = Platform.TELEGRAM
NOT_FOUND = "We could not find that ticket."


@dataclass
class Shown:
    """A message in a person's chat: what it says and its platform message id."""

    say: Say
    message_id: str


@dataclass
class Person:
    world: World
    user: CustomerUser
    chat_id: str
    chat: list[Shown] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # ids of the messages this person sent
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def next_id(self) -> str:
        # One counter for both directions: message ids are unique per chat, as in Telegram.
        return str(next(self.ids))

    async def send(self, received: Input) -> list[Say]:
        inbound = Inbound(TG, f"u{self.chat_id}", self.chat_id, received, self.user.name, "en")
        await self.world.conversations.handle(inbound, self.world.files)
        return await self.world.deliver(self)

    async def text(self, text: str, reply_to: str | None = None) -> list[Say]:
        self.sent.append(self.next_id())
        return await self.send(Text(text, self.sent[-1], reply_to))

    async def command(self, name: str, args: str = "") -> list[Say]:
        return await self.send(Command(name, args, self.next_id()))

    async def press(self, label: str) -> list[Say]:
        button, message_id = self.button(label)
        return await self.send(Press(button.data, message_id))

    async def forge(self, data: str) -> list[Say]:
        """A button nobody showed this person (forged, or replayed from elsewhere)."""
        return await self.send(Press(data, self.next_id()))

    def button(self, label: str) -> tuple[Button, str]:
        index, button = newest_button([shown.say for shown in self.chat], label)
        return button, self.chat[index].message_id

    def labels(self) -> list[str]:
        return button_labels([self.chat[-1].say])

    def message_about(self, number: int) -> str:
        """The id of the latest message threaded under ticket #number (a push, a reply)."""
        for shown in reversed(self.chat):
            if shown.say.ticket_number == number:
                return shown.message_id
        raise AssertionError(f"no message about #{number}")


@dataclass
class World(Bot):
    """The bot, the people in their chats, and the agents acting through the core."""

    agents: dict[str, Agent] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    async def deliver(self, reader: Person) -> list[Say]:
        """Deliver everything due, as the worker would; returns what `reader` got."""
        got: list[Say] = []
        render = PushRenderer(self.uow_factory)
        for row in await self.outbox.deliver():
            person = self.people.get(row.chat_id or "")
            if row.audience is not Audience.CUSTOMER or person is None:
                continue
            says = [say_from_payload(row.payload)] if row.event_type == "say" else await render(row)
            for say in says:
                await self.show(person, say, row.ticket_id)
                if person is reader:
                    got.append(say)
        return got

    async def show(self, person: Person, say: Say, ticket_id: object) -> None:
        shown = Shown(say, say.replace_message_id or person.next_id())
        person.chat.append(shown)
        async with self.uow_factory() as uow:
            ticket = (
                await uow.tickets.get_by_number(say.ticket_number) if say.ticket_number else None
            )
            known = await uow.refs.find(TG, person.chat_id, shown.message_id)
            if ticket is not None and known is None:
                # As the Telegram sender does: a message threaded under a ticket maps back to it.
                await uow.refs.add(MessageRef(TG, person.chat_id, shown.message_id, ticket.id))
                await uow.commit()

    # -- the agents' side and setup, through the core --------------------------------------

    async def open(self, person: Person, subject: str, **fields: object) -> int:
        command = OpenTicket(
            actor=CustomerActor(person.user.id),
            type=TicketType.ERROR,
            subject=subject,
            description=str(fields.pop("description", f"About {subject}")),
            origin_platform=TG,
            origin_chat_id=person.chat_id,
            **fields,  # type: ignore[arg-type]
        )
        ticket = await open_ticket(command, self.uow_factory(), self.deps.ctx)
        await self.deliver(person)
        return ticket.number

    async def ticket(self, number: int) -> Ticket:
        async with self.uow_factory(read_only=True) as uow:
            ticket = await uow.tickets.get_by_number(number)
        assert ticket is not None
        return ticket

    async def entries(self, number: int) -> list[TicketEntry]:
        ticket = await self.ticket(number)
        async with self.uow_factory(read_only=True) as uow:
            return list(await uow.entries.list_for_ticket(ticket.id))

    async def messages(self, number: int) -> list[str]:
        return [e.text for e in await self.entries(number) if e.kind is EntryKind.CUSTOMER_MESSAGE]

    async def reply(self, number: int, text: str, agent: str = "jan") -> None:
        actor = AgentActor(self.agents[agent].id)
        ticket = await self.ticket(number)
        await add_agent_reply(AddAgentReply(actor, ticket.id, text), self.uow_factory(), self.ctx)
        await self.deliver_all()

    async def resolve(self, number: int, text: str = "Fixed.", agent: str = "jan") -> None:
        actor = AgentActor(self.agents[agent].id)
        ticket = await self.ticket(number)
        await resolve_ticket(ResolveTicket(actor, ticket.id, text), self.uow_factory(), self.ctx)
        await self.deliver_all()

    async def close(self, number: int) -> None:
        """Resolved (if it was not yet), then closed by an agent."""
        if (await self.ticket(number)).status is not S.RESOLVED:
            await self.resolve(number)
        ticket = await self.ticket(number)
        actor = AgentActor(self.agents["jan"].id)
        await close_ticket(CloseTicket(actor, ticket.id), self.uow_factory(), self.ctx)
        await self.deliver_all()

    async def archive(self, person: Person, number: int) -> None:
        ticket = await self.ticket(number)
        command = ArchiveTicket(CustomerActor(person.user.id), ticket.id)
        await archive_ticket(command, self.uow_factory(), self.ctx)

    async def deliver_all(self) -> None:
        await self.deliver(next(iter(self.people.values())))

    @property
    def ctx(self) -> Context:
        return self.deps.ctx


@pytest.fixture
async def world(sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> World:
    world = World.build(
        sqlite_uow_factory,
        tmp_path / "files",
        limits=FlowLimits(max_attachments=3, max_attachment_bytes=10_000),
    )
    people: dict[str, CustomerUser] = {}
    async with world.uow_factory() as uow:
        acme = make.company(name="ACME")
        other = make.company(name="Other Ltd")
        for company in (acme, other):
            await uow.companies.add(company)
        products = {name: Product(acme.id, name, f"L-{name}") for name in ("Faktury", "Kadry")}
        for product in products.values():
            await uow.products.add(product)
        for chat, name, role, company in [
            ("7001", "Anna", Role.MEMBER, acme),
            ("7002", "Bea", Role.MEMBER, acme),
            ("7003", "Boss", Role.SUPER_USER, acme),
            ("7004", "Rita", Role.RESTRICTED, acme),
            ("7005", "Olaf", Role.MEMBER, other),
        ]:
            user = make.user(company.id, name=name, role=role, language="en")
            await add_linked_user(uow, user, chat_id=chat, platform_user_id=f"u{chat}")
            people[chat] = user
        agents = {
            "jan": make.agent(display_name="Jan Kowalski"),
            "ewa": make.agent(display_name="Ewa Nowak"),
        }
        for agent in agents.values():
            await uow.agents.add(agent)
        await uow.commit()
    world.agents, world.products = agents, products
    world.people = {chat: Person(world, user, chat) for chat, user in people.items()}
    return world


def anna(world: World) -> Person:
    return world.people["7001"]


def bea(world: World) -> Person:
    return world.people["7002"]


def boss(world: World) -> Person:
    return world.people["7003"]


def rita(world: World) -> Person:
    return world.people["7004"]


def olaf(world: World) -> Person:
    return world.people["7005"]


def text_of(says: list[Say]) -> str:
    return "\n---\n".join(s.text for s in says)


# -- the list ------------------------------------------------------------------------------


async def test_list_filters_active_all_and_archived(world: World) -> None:
    a = anna(world)
    one = await world.open(a, "Old <b>bold</b> & done")
    two = await world.open(a, "Resolved one", product_id=world.products["Kadry"].id)
    three = await world.open(a, "Still broken", product_id=world.products["Faktury"].id)
    await world.close(one)
    await world.archive(a, one)
    await world.resolve(two)

    said = await a.command("tickets")
    page = said[-1].text
    assert f"#{three}" in page
    assert f"#{two}" not in page
    assert "Faktury" in page, "each line names the program"
    assert "3/2/26" in page, "each line has its date and time, in the customer's locale"
    assert any(f"#{three} Still broken" in label for label in a.labels())

    said = await a.press("All")
    assert said[-1].replace_message_id == a.chat[-2].message_id, "the list edits itself"
    assert f"#{two}" in said[-1].text
    assert f"#{three}" in said[-1].text
    assert f"#{one}" not in said[-1].text, "archived tickets are hidden from lists"

    said = await a.press("Archived")
    assert f"#{one}" in said[-1].text
    assert "Old &lt;b&gt;bold&lt;/b&gt; &amp; done" in said[-1].text, "typed text is escaped"
    assert f"#{three}" not in said[-1].text


async def test_paging_forward_and_back(world: World) -> None:
    a = anna(world)
    for n in range(1, 21):
        await world.open(a, f"Problem {n}")

    def numbers(say: Say) -> list[int]:
        return [int(b.data.split(":")[1]) for row in say.buttons for b in row if b.data[:2] == "t:"]

    first = (await a.command("tickets"))[-1]
    assert numbers(first) == list(range(20, 12, -1))
    assert "Previous" not in " ".join(a.labels())
    second = (await a.press("Next"))[-1]
    assert numbers(second) == list(range(12, 4, -1))
    assert second.replace_message_id is not None
    third = (await a.press("Next"))[-1]
    assert numbers(third) == [4, 3, 2, 1]
    assert "Next" not in " ".join(a.labels())
    assert numbers((await a.press("Previous"))[-1]) == list(range(12, 4, -1))
    assert numbers((await a.press("Previous"))[-1]) == list(range(20, 12, -1))


async def test_period_narrows_the_list(world: World) -> None:
    a = anna(world)
    world.clock.at = T0 - timedelta(days=90)  # December 2025
    last_year = await world.open(a, "Last year")
    world.clock.at = T0  # 2 March 2026
    march = await world.open(a, "March")
    world.clock.at = T0 + timedelta(days=40)
    april = await world.open(a, "April")
    world.clock.at = T0 + timedelta(days=60)
    may = await world.open(a, "May")
    world.clock.at = T0 + timedelta(days=62)

    await a.command("tickets")
    said = await a.press("Period")
    assert "which period" in said[-1].text
    shown = (await a.press("Last 7 days"))[-1].text
    assert f"#{may}" in shown
    assert f"#{april}" not in shown
    assert "Last 7 days" in shown
    await a.press("Last 7 days")  # the period button shows the chosen one
    shown = (await a.press("Last 30 days"))[-1].text
    assert f"#{april}" in shown
    assert f"#{march}" not in shown
    await a.press("Last 30 days")
    shown = (await a.press("This year"))[-1].text
    assert f"#{march}" in shown
    assert f"#{last_year}" not in shown
    await a.press("This year")
    shown = (await a.press("Any time"))[-1].text
    assert f"#{last_year}" in shown


async def test_typed_search_finds_archived_tickets_too(world: World) -> None:
    a = anna(world)
    printer = await world.open(a, "Printer offline", description="Nothing prints")
    vat = await world.open(a, "Invoice VAT wrong")
    await world.close(printer)
    await world.archive(a, printer)

    said = await a.command("tickets", "PRINTER")
    assert "“PRINTER”" in said[-1].text
    assert f"#{printer}" in said[-1].text
    assert f"#{vat}" not in said[-1].text
    said = await a.command("tickets", "no such thing")
    assert "No ticket matches" in said[-1].text
    said = await a.command("tickets", f"#{vat}")
    assert "<b>History</b>" in said[-1].text, "a number opens the ticket"


async def test_super_user_sees_the_company_a_member_only_own(world: World) -> None:
    anna_ticket = await world.open(anna(world), "Anna's problem")
    bea_ticket = await world.open(bea(world), "Bea's problem")

    shown = (await boss(world).command("tickets"))[-1].text
    assert "company's tickets" in shown
    assert f"#{anna_ticket}" in shown
    assert "👤 Anna" in shown
    assert f"#{bea_ticket}" in shown
    assert "👤 Bea" in shown

    shown = (await anna(world).command("tickets"))[-1].text
    assert f"#{anna_ticket}" in shown
    assert f"#{bea_ticket}" not in shown
    assert "👤" not in shown

    said = await anna(world).forge(f"t:{bea_ticket}:open")
    assert text_of(said) == NOT_FOUND, "a colleague's ticket is refused, nothing shown"
    said = await olaf(world).forge(f"t:{anna_ticket}:open")
    assert text_of(said) == NOT_FOUND
    said = await boss(world).forge(f"t:{bea_ticket}:open")
    assert "Bea's problem" in said[-1].text
    assert "Reported by: Bea" in said[-1].text


# -- a ticket's detail ---------------------------------------------------------------------


async def test_detail_shows_history_handlers_and_time_spent(world: World) -> None:
    a = anna(world)
    number = await world.open(
        a, "Printing fails", description="Error E-17", product_id=world.products["Faktury"].id
    )
    world.clock.at = T0 + timedelta(hours=1)
    await world.reply(number, "Please send a screenshot", agent="jan")
    world.clock.at = T0 + timedelta(hours=2)
    await a.text("Here <it> is")
    world.clock.at = T0 + timedelta(hours=3)
    await world.reply(number, "Patch on the way", agent="ewa")
    world.clock.at = T0 + timedelta(days=2, hours=3, minutes=20)
    await world.resolve(number, "Patch 1.2 installed", agent="ewa")

    said = await a.forge(f"t:{number}:open")
    detail = said[-1].text
    assert "<b>#1</b> · Printing fails" in detail
    assert "Status: <b>Resolved</b>" in detail
    assert "Urgency: 🟡 Medium" in detail
    assert "Program: Faktury" in detail
    assert "Handled by: Jan Kowalski, Ewa Nowak" in detail
    assert "Time taken: 2 days 3 hours" in detail
    order = [
        "📝 <b>Report</b> · You",
        "Error E-17",
        "🎧 <b>Jan Kowalski</b> (support)",
        "Please send a screenshot",
        "💬 <b>You</b>",
        "Here &lt;it&gt; is",
        "Patch on the way",
        "status: <b>Resolved</b> · Ewa Nowak",
        "Patch 1.2 installed",
    ]
    positions = [detail.index(part) for part in order]
    assert positions == sorted(positions), "oldest first, each with its author"
    labels = a.labels()
    assert "✅ It's solved" in labels
    assert "❌ Not solved" in labels
    assert "✍️ Reply" not in labels, "a resolved ticket takes no messages"


async def test_detail_in_polish_with_plural_durations(world: World) -> None:
    a = anna(world)
    async with world.uow_factory() as uow:
        a.user.language = "pl"
        await uow.users.update(a.user)
        await uow.commit()
    number = await world.open(a, "Drukarka")
    world.clock.at = T0 + timedelta(days=2, hours=3)
    detail = (await a.forge(f"t:{number}:open"))[-1].text
    assert "Trwa już: 2 dni 3 godziny" in detail
    assert "Obsługa: jeszcze nikt nie przejął" in detail


async def test_long_history_is_paged_backwards(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Chatty")
    for n in range(12):
        world.clock.at += timedelta(minutes=5)
        await world.reply(number, f"Reply number {n:02}")
    detail = (await a.forge(f"t:{number}:open"))[-1].text
    assert "Reply number 11" in detail
    assert "Reply number 00" not in detail
    assert "earlier entries" in detail
    earlier = (await a.press("Earlier"))[-1]
    assert "Reply number 00" in earlier.text
    assert "Reply number 11" not in earlier.text
    assert earlier.replace_message_id is not None
    assert "⬇️ Latest" in a.labels()


async def test_unread_marker_appears_after_a_reply_and_goes_once_read(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Slow screen")
    await world.reply(number, "Which version?")
    listed = (await a.command("tickets"))[-1]
    assert "‼️ <b>2 unread</b>" in listed.text, "the reply and the status change it caused"
    assert a.labels()[0].startswith("‼️")
    detail = (await a.press(f"#{number}"))[-1].text
    assert "🆕 🎧" in detail, "what was unread is marked in the detail"
    listed = (await a.command("tickets"))[-1]
    assert "‼️" not in listed.text
    assert not a.labels()[0].startswith("‼️")


# -- talking on a ticket -------------------------------------------------------------------


async def test_reply_button_routes_the_next_messages(world: World) -> None:
    a = anna(world)
    first = await world.open(a, "First")
    second = await world.open(a, "Second")
    await a.forge(f"t:{second}:open")
    said = await a.press("Reply")
    assert f"Write your message for <b>#{second}</b>" in said[-1].text
    said = await a.text("More about the second")
    assert said[-1].text == f"✓ Added to #{second}"
    assert said[-1].ticket_number == second
    await a.text("And even more")
    assert await world.messages(second) == ["More about the second", "And even more"]
    assert await world.messages(first) == []


async def test_a_reply_to_a_tickets_message_goes_to_that_ticket(world: World) -> None:
    a = anna(world)
    first = await world.open(a, "First")
    second = await world.open(a, "Second")
    await world.reply(first, "Question on the first")
    push = a.message_about(first)
    await a.forge(f"t:{second}:reply")  # the chosen ticket is the second...
    said = await a.text("Answer for the first", reply_to=push)  # ...the reply decides
    assert said[-1].text == f"✓ Added to #{first}"
    mine = a.sent[-1]  # the customer's own message, now on the first ticket
    await a.text("And a follow-up", reply_to=mine)
    assert await world.messages(first) == ["Answer for the first", "And a follow-up"]
    assert await world.messages(second) == []


async def test_the_only_active_ticket_gets_the_message(world: World) -> None:
    a = anna(world)
    done = await world.open(a, "Done already")
    await world.close(done)
    number = await world.open(a, "Open one")
    said = await a.text("Any news?")
    assert text_of(said) == f"✓ Added to #{number}"
    async with world.uow_factory(read_only=True) as uow:
        ref = await uow.refs.find(TG, a.chat_id, a.sent[-1])
    assert ref is not None
    assert ref.entry_id is not None, "the entry knows its chat message"


async def test_a_message_handled_again_after_a_crash_is_on_the_ticket_once(world: World) -> None:
    """The core committed the message, the bot died before the inbox marked the update
    handled, Telegram sent the update again: it is not added twice (and not refused for
    ever, which would hold up everything the customer writes after it)."""
    a = anna(world)
    number = await world.open(a, "Open one")
    said = await a.text("Any news?")
    assert text_of(said) == f"✓ Added to #{number}"
    said = await a.send(Text("Any news?", a.sent[-1]))  # the same update, handled again
    assert "refused" not in text_of(said).lower()
    assert await world.messages(number) == ["Any news?"]
    await a.text("And now?")
    assert await world.messages(number) == ["Any news?", "And now?"]


async def test_several_active_tickets_ask_which_and_nothing_is_lost(world: World) -> None:
    a = anna(world)
    first = await world.open(a, "First")
    second = await world.open(a, "Second")
    said = await a.text("One")
    assert "Which ticket is this message about?" in said[-1].text
    assert any(f"#{first} First" in label for label in a.labels())
    said = await a.text("Two")
    assert "these 2 messages" in said[-1].text
    said = await a.send(Edited(a.sent[-2], "One, edited"))
    assert said == [], "editing a waiting message changes what will be sent"
    world.files.blobs["f1"] = b"\x89PNG screenshot"
    photo = IncomingFile(FileKind.PHOTO, "f1", a.next_id(), 15, "screen.png", "image/png", "Three")
    said = await a.send(Files((photo,)))
    assert "these 3 messages" in said[-1].text
    said = await a.press(f"#{second} Second")
    assert f"✓ Added to #{second}" in text_of(said)
    assert await world.messages(second) == ["One, edited", "Two", "Three"]
    async with world.uow_factory(read_only=True) as uow:
        files = await uow.attachments.list_for_ticket((await world.ticket(second)).id)
    assert [f.file_name for f in files] == ["screen.png"]
    assert await world.messages(first) == []
    said = await a.text("Four")
    assert said == [], "confirmed once for the run of messages"
    assert (await world.messages(second))[-1] == "Four", "the chosen ticket stays chosen"


async def test_cancelling_the_choice_sends_nothing(world: World) -> None:
    a = anna(world)
    await world.open(a, "First")
    second = await world.open(a, "Second")
    await a.text("Never mind")
    said = await a.press("Cancel")
    assert "nothing was sent" in said[0].text
    assert await world.messages(second) == []


async def test_no_active_ticket_offers_a_new_report_with_the_files(world: World) -> None:
    a = anna(world)
    world.files.blobs["f1"] = b"%PDF log"
    log = IncomingFile(FileKind.DOCUMENT, "f1", a.next_id(), 8, "log.pdf", "application/pdf")
    said = await a.send(Files((log,)))
    assert "You have no open tickets" in said[-1].text
    said = await a.press("New ticket")
    assert "file you sent comes along" in said[0].text
    assert "Which program" in said[-1].text
    async with world.uow_factory(read_only=True) as uow:
        stored = await uow.conversations.get(conversation_key(TG, a.chat_id))
    assert stored is not None
    state, _ = stored
    assert state["flow"] == "report"
    assert [f["name"] for f in state["data"]["files"]] == ["log.pdf"]


async def test_a_message_on_a_resolved_ticket_reopens_and_sends(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Crash")
    await a.text("Also on Mondays")  # the only ticket: chosen from now on
    await world.resolve(number)
    said = await a.text("Still crashes")
    assert "already solved" in said[-1].text
    assert await world.messages(number) == ["Also on Mondays"], "nothing added yet"
    said = await a.press("Reopen and send")
    assert (await world.ticket(number)).status is S.IN_PROGRESS
    assert await world.messages(number) == ["Also on Mondays", "Still crashes"]
    assert f"✓ Added to #{number}" in text_of(said)


async def test_a_solved_ticket_also_offers_the_other_open_tickets(world: World) -> None:
    a = anna(world)
    solved = await world.open(a, "Solved")
    other = await world.open(a, "Other")
    await a.forge(f"t:{solved}:reply")
    await world.resolve(solved)
    said = await a.text("About the other one, really")
    assert "one of your open tickets below" in said[-1].text
    await a.press(f"#{other} Other")
    assert await world.messages(other) == ["About the other one, really"]
    assert (await world.ticket(solved)).status is S.RESOLVED


async def _chosen_in_state(world: World, person: Person, **changes: object) -> dict[str, object]:
    """The person's stored conversation state, changed as given (None removes a key)."""
    key = conversation_key(TG, person.chat_id)
    async with world.uow_factory() as uow:
        stored = await uow.conversations.get(key)
        assert stored is not None
        state, at = stored
        for name, value in changes.items():
            if value is None:
                state.pop(name, None)
            else:
                state[name] = value
        await uow.conversations.put(key, state, at)
        await uow.commit()
    return state


async def test_a_chosen_ticket_closed_meanwhile_is_forgotten_and_the_open_one_gets_it(
    world: World,
) -> None:
    """The chosen ticket is not read before each message (the core checks it takes messages):
    closed past reopening, it is forgotten and the message goes where it would have gone."""
    a = anna(world)
    old = await world.open(a, "Old")
    await a.text("About the old one")  # the only ticket: chosen
    assert (await _chosen_in_state(world, a))["ticket_number"] == old
    other = await world.open(a, "Other")
    await world.close(old)
    said = await a.text("Now about the other")
    assert said[-1].text == f"✓ Added to #{other}"
    assert await world.messages(other) == ["Now about the other"]
    assert await world.messages(old) == ["About the old one"]
    state = await _chosen_in_state(world, a)
    assert state["ticket_number"] == other
    assert state["ticket_id"] == str((await world.ticket(other)).id)


async def test_a_chosen_ticket_that_cannot_be_found_is_forgotten(world: World) -> None:
    a = anna(world)
    first = await world.open(a, "First")
    await a.text("On the first")
    second = await world.open(a, "Second")
    await _chosen_in_state(world, a, ticket_id=str(make.company().id))  # an id of nothing
    said = await a.text("Which one?")
    assert "Which ticket is this message about?" in said[-1].text, "asked, not refused"
    assert await world.messages(first) == ["On the first"]
    assert await world.messages(second) == []


async def test_a_state_from_before_ticket_ids_still_reaches_the_chosen_ticket(
    world: World,
) -> None:
    a = anna(world)
    await world.open(a, "First")
    second = await world.open(a, "Second")
    await a.forge(f"t:{second}:reply")
    await _chosen_in_state(world, a, ticket_id=None)  # written by an older version
    said = await a.text("For the second")
    assert said[-1].text == f"✓ Added to #{second}"
    assert await world.messages(second) == ["For the second"]


async def test_a_closed_ticket_is_refused_with_a_new_ticket_offer(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Old")
    await world.close(number)
    said = await a.text("One more thing", reply_to=a.message_about(number))
    assert "closed and can no longer be updated" in said[-1].text
    assert "🔄 Reopen and send" not in a.labels()
    assert "🆕 New ticket" in a.labels()
    assert await world.messages(number) == []
    said = await a.press("New ticket")
    assert "Which program" in said[-1].text


async def test_an_edit_follows_to_the_ticket(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Typo")
    await a.text("Helo wrold")
    said = await a.send(Edited(a.sent[-1], "Hello world"))
    assert said == [], "an edit passes on silently"
    assert await world.messages(number) == ["Hello world"]
    said = await a.send(Edited("99999", "not on any ticket"))
    assert said == []
    assert await world.messages(number) == ["Hello world"]


# -- confirming, rating, not solved --------------------------------------------------------


async def test_confirm_then_rate_then_comment(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Slow report")
    await world.resolve(number, "Index rebuilt")
    said = await a.press("It's solved")
    assert "Thank you for confirming" in text_of(said), "the core's push thanks, once"
    assert text_of(said).count("Rate our support") == 1
    said = await a.press("5 ⭐")
    assert "add a few words" in said[-1].text
    said = await a.text("Quick & kind")
    assert "passed your comment on" in said[0].text
    ticket = await world.ticket(number)
    assert ticket.status is S.CLOSED
    assert (ticket.csat_rating, ticket.csat_comment) == (5, "Quick & kind")
    assert await world.messages(number) == [], "the comment is not a message on the ticket"


async def test_rating_can_skip_the_comment(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Slow report")
    await world.resolve(number)
    await a.press("It's solved")
    await a.press("3 ⭐")
    said = await a.press("Skip")
    assert "Anything else?" in said[-1].text
    assert (await world.ticket(number)).csat_rating == 3


async def test_not_solved_reopens_and_asks_what_is_wrong(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Totals wrong")
    await world.open(a, "Another one")
    await world.resolve(number)
    said = await a.press("Not solved")
    assert (await world.ticket(number)).status is S.IN_PROGRESS
    assert "what is still wrong" in text_of(said)
    said = await a.text("Totals still off by one")
    assert said[-1].text == f"✓ Added to #{number}"
    assert await world.messages(number) == ["Totals still off by one"]


async def test_reply_on_a_finished_ticket_offers_reopen_or_a_new_one(world: World) -> None:
    a = anna(world)
    solved = await world.open(a, "Solved")
    closed = await world.open(a, "Closed")
    await world.resolve(solved)
    await world.close(closed)
    said = await a.forge(f"t:{solved}:reply")
    assert "already solved" in said[-1].text
    said = await a.press("Reopen")
    assert "what is still wrong" in said[-1].text
    assert (await world.ticket(solved)).status is S.IN_PROGRESS
    await a.text("It fails again")
    assert await world.messages(solved) == ["It fails again"]

    said = await a.forge(f"t:{closed}:reply")
    assert "can no longer be updated (status: Closed)" in said[-1].text
    assert "🔄 Reopen" not in a.labels()
    said = await a.press("New ticket")
    assert "Which program" in said[-1].text


async def test_a_super_user_confirms_a_colleagues_ticket(world: World) -> None:
    number = await world.open(bea(world), "Bea's")
    await world.resolve(number)
    said = await boss(world).forge(f"t:{number}:ok")
    assert said[-1].text == f"Thank you: ticket <b>#{number}</b> is closed."
    assert said[-1].buttons == (), "only the reporter rates"
    assert "Thank you for confirming" in bea(world).chat[-1].say.text, "the reporter is told"


async def test_a_replayed_confirmation_changes_nothing(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Twice")
    await world.resolve(number)
    await a.press("It's solved")
    said = await a.forge(f"t:{number}:ok")
    assert "not waiting for your confirmation" in said[-1].text
    assert (await world.ticket(number)).status is S.CLOSED


# -- authorizing ---------------------------------------------------------------------------


async def test_a_super_user_authorizes_and_rejects(world: World) -> None:
    r, b = rita(world), boss(world)
    first = await world.open(r, "Need a report")
    await world.deliver_all()
    assert (await world.ticket(first)).status is S.TO_AUTHORIZE
    said = await b.press("Authorize")
    assert f"You authorized ticket <b>#{first}</b>" in said[-1].text
    assert (await world.ticket(first)).status is S.NEW

    second = await world.open(r, "Want a new module")
    await world.deliver_all()
    said = await b.press("Reject")
    assert "Why are you rejecting" in said[-1].text
    assert "Rita" in said[-1].text
    said = await b.text("Not <our> program")
    assert f"Ticket <b>#{second}</b> is rejected" in said[0].text
    ticket = await world.ticket(second)
    assert ticket.status is S.REJECTED
    entries = await world.entries(second)
    assert entries[-1].text == "Not <our> program"
    assert "Not &lt;our&gt; program" in r.chat[-1].say.text, "the reporter is told why"

    said = await b.forge(f"t:{first}:auth")
    assert "no longer waits for authorization" in said[-1].text


async def test_a_rejection_decided_meanwhile_ends_the_question(world: World) -> None:
    r, b = rita(world), boss(world)
    number = await world.open(r, "Need a report")
    await world.deliver_all()
    await b.press("Reject")
    said = await b.press("Cancel")
    assert "Nothing was rejected." in said[0].text
    await b.forge(f"t:{number}:rej")
    ticket = await world.ticket(number)
    command = AuthorizeTicket(CustomerActor(b.user.id), ticket.id)
    await authorize_ticket(command, world.uow_factory(), world.ctx)  # from another chat
    said = await b.text("Too late")
    assert said[0].text == "That is not possible for this ticket right now."
    assert (await world.ticket(number)).status is S.NEW
    async with world.uow_factory(read_only=True) as uow:
        stored = await uow.conversations.get(conversation_key(TG, b.chat_id))
    assert stored is not None
    assert stored[0]["flow"] is None, "the question is over"


async def test_forged_authorization_by_others_is_refused(world: World) -> None:
    number = await world.open(rita(world), "Need a report")
    said = await bea(world).forge(f"t:{number}:auth")
    assert text_of(said) == NOT_FOUND, "a colleague's ticket is not even visible"
    said = await rita(world).forge(f"t:{number}:auth")
    assert text_of(said) == "You are not allowed to do that."
    said = await rita(world).forge(f"t:{number}:rej")
    assert text_of(said) == "You are not allowed to do that."
    said = await olaf(world).forge(f"t:{number}:rej")
    assert text_of(said) == NOT_FOUND
    assert (await world.ticket(number)).status is S.TO_AUTHORIZE


# -- archive, and forged buttons -----------------------------------------------------------


async def test_archive_and_unarchive_from_the_detail(world: World) -> None:
    a = anna(world)
    number = await world.open(a, "Finished")
    await world.close(number)
    await a.forge(f"t:{number}:open")
    said = await a.press("Archive")
    assert "is archived" in said[-1].text
    assert said[-1].replace_message_id is not None
    assert (await world.ticket(number)).archived
    said = await a.press("Unarchive")
    assert "back in your lists" in said[-1].text
    assert not (await world.ticket(number)).archived


async def test_an_active_ticket_cannot_be_archived_by_a_customer(world: World) -> None:
    number = await world.open(anna(world), "Open")
    said = await anna(world).forge(f"t:{number}:archive")
    assert text_of(said) == "You are not allowed to do that."
    assert not (await world.ticket(number)).archived


async def test_forged_buttons_on_another_companys_ticket_change_nothing(world: World) -> None:
    number = await world.open(anna(world), "Mine")
    await world.resolve(number)
    before = await world.ticket(number)
    o = olaf(world)
    for verb in ("ok", "ns", "rate:1", "reopen", "archive", "reply", "more:1"):
        said = await o.forge(f"t:{number}:{verb}")
        assert text_of(said) == NOT_FOUND, verb
    said = await bea(world).forge(f"t:{number}:ok")
    assert text_of(said) == NOT_FOUND
    after = await world.ticket(number)
    assert (after.status, after.archived, after.csat_rating) == (
        before.status,
        before.archived,
        before.csat_rating,
    )


async def test_lines_that_change_nothing_leave_the_stored_state_alone_for_an_hour(
    world: World,
) -> None:
    """Most lines on a ticket change nothing in the conversation state: it is not written
    again, unless a flow is under way (its idle time counts from the last write) or the last
    write is an hour old."""
    a = anna(world)
    number = await world.open(a, "Crash")
    await a.text("First line")  # chosen and confirmed: the state changes
    key = conversation_key(TG, a.chat_id)

    async def stored_at() -> object:
        async with world.uow_factory(read_only=True) as uow:
            stored = await uow.conversations.get(key)
        assert stored is not None
        return stored[1]

    written = await stored_at()
    world.clock.at += timedelta(minutes=5)
    await a.text("Second line")
    assert await stored_at() == written
    world.clock.at += timedelta(minutes=56)
    await a.text("Third line")
    assert await stored_at() != written
    assert await world.messages(number) == ["First line", "Second line", "Third line"]
    await a.send(Command("new"))  # a report begins
    async with world.uow_factory(read_only=True) as uow:
        before = await uow.conversations.get(key)
    world.clock.at += timedelta(minutes=1)
    await a.send(Command("help"))  # changes nothing, but inside a flow it is written
    async with world.uow_factory(read_only=True) as uow:
        after = await uow.conversations.get(key)
    assert before is not None
    assert after is not None
    assert before[0]["flow"] == "report"
    assert after[0] == before[0]
    assert after[1] > before[1]
