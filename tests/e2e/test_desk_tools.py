"""The agents' tools in Slack: /ticket, SLA reminders and breach marks, the expected close date.

The full runtime against both emulators, with real python-telegram-bot, slack_sdk and Bolt;
/ticket runs over HTTP (signed requests to /slack/events) and over Socket Mode.
"""

from __future__ import annotations

import io
import time
import urllib.parse
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from adapters.slack import blocks, modals
from adapters.slack.emulator import render
from adapters.slack.emulator.state import Ephemeral, Message
from adapters.slack.emulator.workspace import Person
from core.context import Context
from core.model import SlaMarkKind
from core.services.sla_watch import sweep
from tests.e2e.test_agents_in_slack import WAIT, World, _world


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


class JumpClock:
    """Real time, moved forward by the test: the SLA due time comes in a moment."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    async with _world(request.param, tmp_path) as made:
        yield made


async def answer(world: World, person: Person, text: str, fragment: str) -> Ephemeral:
    """Run /ticket `text` as `person`; their private answer containing `fragment`."""
    seen = len(person.ephemerals)
    command = await person.command("/ticket", text)
    assert command.delivered
    # Acknowledged at once with nothing to show: the answer follows by the response_url.
    assert command.response() is None

    def found() -> Ephemeral | None:
        fresh = person.ephemerals[seen:]
        return next((e for e in fresh if fragment in e.text), None)

    got = await world.slack.wait_for(found, within=WAIT)
    assert got is not None, [e.text for e in person.ephemerals[seen:]]
    assert got.source == "response_url"
    return got


# -- /ticket --------------------------------------------------------------------------------


async def test_ticket_finds_by_text_company_and_number_with_a_link_to_the_thread(
    world: World,
) -> None:
    alice = world.alice
    card = await world.report()
    number = f"#{world.number}"
    by_text = await answer(world, alice, "find export", "Export hangs")
    assert number in by_text.text
    assert "Nowak Accounting" in by_text.text
    by_company = await answer(world, alice, "find nowak", "Export hangs")
    assert "matching" in by_company.text
    nothing = await answer(world, alice, "find printer", "None.")
    assert "Export hangs" not in nothing.text

    shown = await answer(world, alice, str(world.number), "Open the thread")
    permalink = world.slack.ws.permalink(card.channel, card)
    assert permalink in shown.text
    assert "Anna Nowak" in shown.text
    # Everything was private: nothing new in the channel but the card.
    assert [m.ts for m in alice.messages("#support")] == [card.ts]
    missing = await answer(world, alice, "find 999", "no ticket #999")
    assert missing.user == alice.id


async def test_ticket_lists_open_mine_unassigned_and_breaching(world: World) -> None:
    alice = world.alice
    card = await world.report()
    line = f"#{world.number}"
    assert line in (await answer(world, alice, "open", "Open tickets")).text
    assert line in (await answer(world, alice, "unassigned", "Unassigned tickets")).text
    assert line not in (await answer(world, alice, "mine", "Your tickets")).text
    await alice.click(card, blocks.ACTION_ASSIGN_ME)
    await world.card(lambda c: alice.id in world.slack.ws.rendered(c).users)
    mine = await answer(world, alice, "mine", "Your tickets")
    assert line in mine.text
    assert alice.id in render(mine.text).users
    assert line not in (await answer(world, alice, "unassigned", "Unassigned tickets")).text
    # Due in business days, not within the hour: not breaching yet.
    assert line not in (await answer(world, alice, "breaching", "SLA is due soon")).text


async def test_ticket_help_and_refusals(world: World) -> None:
    alice = world.alice
    await answer(world, alice, "", "/ticket open")
    unknown = await answer(world, alice, "delete everything", "did not understand")
    assert "/ticket stats" in unknown.text
    await answer(world, alice, "stats forever", "did not understand")
    carol = world.slack.person("carol")  # a customer, not in #support
    refused = await answer(world, carol, "open", "Only members of")
    assert refused.user == carol.id
    async with world.runtime.uow_factory(read_only=True) as uow:
        assert await uow.agents.get_by_slack_id(carol.id) is None


async def test_ticket_answers_in_the_agents_language(world: World) -> None:
    ola = world.slack.add_person("ola", "Ola Kowalska", role="agent", locale="pl-PL")
    await ola.join("#support")
    await world.report()
    listed = await answer(world, ola, "open", "Otwarte zgłoszenia")
    assert "Nowe" in listed.text


async def test_ticket_stats_counts_and_posts_a_png_chart(world: World) -> None:
    alice = world.alice
    card = await world.report()
    await alice.reply(card, "Looking at it now")
    await world.hears("Looking at it now")
    stats = await answer(world, alice, "stats 7d", "Median first response")
    assert "1 opened" in stats.text
    assert "In progress: 1" in stats.text
    assert "SLA met: nothing resolved yet" in stats.text
    assert "chart is posted" in stats.text
    await alice.click(card, blocks.ACTION_RESOLVE)
    await world.slack.wait_for(lambda: alice.top_view, within=WAIT)
    await alice.submit({modals.INPUT_BLOCK: {modals.INPUT_ACTION: "Fixed in 2.3"}})
    await world.hears("Fixed in 2.3")
    after = await answer(world, alice, "stats 30d", "Last 30 days")
    assert "Resolved: 1" in after.text
    assert "SLA met: 100% (1 of 1 resolved)" in after.text
    assert "Median first response: less than a minute" in after.text
    assert "Median resolution: less than a minute" in after.text
    assert [e.text.count("Last 7 days") for e in alice.ephemerals].count(1) == 1

    def chart() -> Message | None:
        return next((m for m in alice.messages("#support") if m.files), None)

    charts = [m for m in alice.messages("#support") if m.files]
    assert len(charts) == 2  # one per stats, in the channel for everyone

    posted = await world.slack.wait_for(chart, within=WAIT)
    assert posted is not None
    assert "Ticket statistics" in posted.text
    (file_id,) = posted.files
    content = world.slack.ws.files[file_id].content
    assert content is not None
    image = Image.open(io.BytesIO(content))
    image.load()  # decodes every pixel: a truncated or fake PNG fails here
    assert image.format == "PNG"
    assert image.width >= 600
    assert image.height >= 300


@pytest.fixture
async def http_world(tmp_path: Path) -> AsyncIterator[World]:
    async with _world("http", tmp_path) as made:
        yield made


async def test_a_forged_ticket_command_is_refused(http_world: World) -> None:
    world = http_world
    assert world.events_url is not None
    body = urllib.parse.urlencode(
        {
            "command": "/ticket",
            "text": "open",
            "user_id": world.alice.id,
            "channel_id": world.slack.ws.channel("support").id,
            "trigger_id": "forged.trigger",
            "response_url": "http://127.0.0.1:9/nowhere",
        }
    )
    form = "application/x-www-form-urlencoded"
    status, _ = await world.slack.events.post_raw(
        world.events_url, body, content_type=form, signature="v0=" + "0" * 64
    )
    assert status == 401
    stale = int(time.time()) - 3600
    status, _ = await world.slack.events.post_raw(
        world.events_url, body, content_type=form, timestamp=stale
    )
    assert status == 401
    async with world.runtime.uow_factory(read_only=True) as uow:
        recorded = [e.event_id for e in await uow.inbox.unprocessed(100)]
    assert "command:forged.trigger" not in recorded


# -- the expected close date ----------------------------------------------------------------


async def test_the_expected_close_date_from_the_card_reaches_the_customer(world: World) -> None:
    alice = world.alice
    card = await world.report()
    day = date.today() + timedelta(days=10)
    picked = await alice.select(card, blocks.ACTION_EXPECTED_CLOSE, day.isoformat())
    assert picked.delivered
    told = await world.hears("we expect to close it by")
    assert str(day.day) in (told.text or "")
    assert (await world.ticket()).expected_close == day
    card = await world.card(lambda c: day.isoformat() in world.slack.ws.rendered(c).plain)
    picker = next(
        e
        for b in card.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == blocks.ACTION_EXPECTED_CLOSE
    )
    assert picker["initial_date"] == day.isoformat()
    # The thread line is a separate post from the card's edit: wait for it, don't race it.
    line = await world.slack.wait_for(
        lambda: [m for m in alice.thread(card) if "expected close date" in m.text], within=WAIT
    )
    assert line is not None

    past = (date.today() - timedelta(days=2)).isoformat()
    await alice.select(card, blocks.ACTION_EXPECTED_CLOSE, past)
    refused = await world.slack.wait_for(
        lambda: [e for e in alice.ephemerals if "in the past" in e.text], within=WAIT
    )
    assert refused is not None
    assert (await world.ticket()).expected_close == day


# -- SLA reminders and breach marks ---------------------------------------------------------


@pytest.fixture
async def timed(tmp_path: Path) -> AsyncIterator[tuple[World, JumpClock]]:
    clock = JumpClock()
    async with _world(
        "http", tmp_path, clock=clock, sla_reminder_minutes=60, sla_check_seconds=0.05
    ) as made:
        yield made, clock


async def test_the_thread_is_reminded_before_the_sla_breaches_and_the_card_marked_after(
    timed: tuple[World, JumpClock],
) -> None:
    world, clock = timed
    alice, ws = world.alice, world.slack.ws
    card = await world.report()
    await alice.click(card, blocks.ACTION_ASSIGN_ME)
    card = await world.card(lambda c: alice.id in ws.rendered(c).users)
    due = (await world.ticket()).sla_due_at
    assert due is not None

    def lines(mark: str) -> list[Message]:
        return [m for m in alice.thread(card)[1:] if m.text.startswith(mark)]

    clock.jump_to(due - timedelta(minutes=30))
    reminders = await world.slack.wait_for(lambda: lines("⏰"), within=WAIT)
    assert reminders is not None
    assert alice.id in ws.rendered(reminders[0]).users  # the assignee is mentioned
    assert "breached" not in ws.rendered(await world.card(lambda c: True)).plain

    clock.jump_to(due + timedelta(minutes=1))
    marked = await world.card(lambda c: "SLA breached" in ws.rendered(c).plain)
    assert marked.ts == card.ts  # updated in place
    await world.slack.wait_for(lambda: lines("🚨"), within=WAIT)
    breaching = await answer(world, alice, "breaching", "SLA is due soon")
    assert f"#{world.number}" in breaching.text
    assert "SLA breached" in breaching.text

    # Another process sweeping now (or this one after a restart) finds both recorded.
    again = await sweep(
        world.runtime.uow_factory, Context(clock, Context.system().secrets), timedelta(minutes=60)
    )
    assert (again.reminded, again.breached) == (0, 0)
    await world.idle()
    assert (len(lines("⏰")), len(lines("🚨"))) == (1, 1)
    ticket = await world.ticket()
    async with world.runtime.uow_factory(read_only=True) as uow:
        marks = await uow.sla_marks.list_for_tickets([ticket.id])
    assert sorted(m.kind for m in marks) == [SlaMarkKind.BREACHED, SlaMarkKind.REMINDED]


async def test_an_unassigned_ticket_is_said_to_be_nobodys(
    timed: tuple[World, JumpClock],
) -> None:
    world, clock = timed
    card = await world.report()
    due = (await world.ticket()).sla_due_at
    assert due is not None
    clock.jump_to(due - timedelta(minutes=5))
    said = await world.slack.wait_for(
        lambda: [m for m in world.alice.thread(card) if "Nobody has this ticket" in m.text],
        within=WAIT,
    )
    assert said is not None
    assert world.slack.ws.rendered(said[0]).users == ()
    # Nobody is mentioned, so the whole desk sees it: also sent to the channel.
    assert said[0].subtype == "thread_broadcast"
