"""A support desk under fire: both emulators in the test process, a seeded database, a real
`supportbot run` process, and a steady stream of customers writing (Telegram) and agents
answering in the tickets' threads (Slack HTTP events), every message carrying a token so the
test can tell, at the end, where each one arrived and how many times.

Customer i writes "C{i}x{n}", agents answer in its thread "R{i}x{n}" (n counts up), so:
- every C-token must be in ticket i's Slack thread, posted by the bot;
- every R-token must be in customer i's Telegram chat, sent by the bot;
- first copies in order: customers' messages in the order they were written (Telegram keeps
  a chat's updates in order), agents' replies in the order the bot queued them (Slack's
  retries can deliver an older reply after a newer one: no bot can restore that order);
- a token seen more than once is a duplicate, reported with when each copy was sent, so a
  test can check it straddles a kill (the window between sending and recording).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from adapters.slack.emulator import SlackEmulator
from adapters.slack.emulator.state import Message
from adapters.telegram.emulator import SimUser, TelegramEmulator
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.delivery import DeliveryPolicy
from core.model import (
    ChatIdentity,
    Company,
    CustomerUser,
    Platform,
    Product,
    Role,
    TicketType,
)
from core.services.tickets import open_ticket
from storage.db import open_database
from storage.migrate import upgrade
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWorkFactory
from tests.faults.process import BotProcess, Crew, clean_environment, until
from tests.mailroom import free_port

TOKEN = re.compile(r"\b([CR])(\d+)x(\d{4})\b")
# Slack's retries of an event, compressed from its real ~0 s / 1 min / 5 min (which would
# outlast a test) but still longer than the bot is ever down here, even on a busy machine where
# two quick kills in a row keep it down for 20 s: what Slack gives up on is lost for good.
RETRY_DELAYS = (2.0, 20.0, 60.0)
# Rows one delivery pass claims and may send before recording any outcome: the most a kill
# can leave sent-but-unrecorded (delivered again after the restart).
IN_FLIGHT = DeliveryPolicy().batch
LATE = "answered late"  # the Telegram emulator's note on a call done but answered too late


@dataclass
class Customer:
    index: int
    user: SimUser
    ticket_id: uuid.UUID
    number: int
    wrote: list[str] = field(default_factory=list)  # C-tokens, in order
    answered: list[str] = field(default_factory=list)  # R-tokens agents wrote, in order


@dataclass
class Copy:
    token: str
    at: float  # time.time() the platform accepted it


@dataclass
class Tally:
    """Where each token arrived, and when."""

    missing: list[str]
    never_received: list[str]  # agents' replies Slack gave up on: no try ever reached the bot
    duplicates: dict[str, list[float]]  # token -> when each copy was sent
    out_of_order: list[str]
    misplaced: list[str]

    def assert_whole(self) -> None:
        """Everything arrived, where it belongs, in order."""
        assert not self.missing, self.missing
        assert not self.misplaced, self.misplaced
        assert not self.out_of_order, self.out_of_order

    @property
    def extra_copies(self) -> int:
        return sum(len(times) - 1 for times in self.duplicates.values())


@dataclass
class Run:
    """What a stream did: its actions, and where every message ended up."""

    actions: int = 0
    tallied: Tally | None = None

    @property
    def tally(self) -> Tally:
        assert self.tallied is not None, "the stream has not finished"
        return self.tallied


class FieldDesk:
    def __init__(
        self,
        telegram: TelegramEmulator,
        slack: SlackEmulator,
        database_url: str,
        workdir: Path,
        bot_database_url: str | None = None,
        **settings: str,
    ) -> None:
        self.telegram = telegram
        self.slack = slack
        self.database_url = database_url  # the test's own way in (never through a proxy)
        self.workdir = workdir
        self.port = free_port()
        self.customers: list[Customer] = []
        self.channel = slack.ws.channel("support").id
        self.alice = slack.person("alice")
        self._cards: dict[int, Message] = {}
        self.actions = 0  # taken by the stream so far
        # Agents' replies in the order the bot queued them for the customers (its outbox),
        # once read: Slack's retries deliver late, so that order, not the order agents wrote
        # them in, is the one the customer must hear them in.
        self.taken_in: list[str] | None = None
        env = self.environment(bot_database_url or database_url, **settings)
        self.bot = BotProcess(env, workdir)
        self.crew = Crew([self.bot])  # every process of this desk (`add_process`)

    def environment(self, database_url: str, **settings: str) -> dict[str, str]:
        return clean_environment(
            **settings,
            database_url=database_url,
            files_dir=str(self.workdir / "files"),
            host="127.0.0.1",
            port=str(self.port),
            telegram_bot_token=self.telegram.token,
            telegram_api_base_url=self.telegram.url,
            slack_bot_token=self.slack.bot_token,
            slack_api_base_url=self.slack.api_url,
            slack_signing_secret=self.slack.signing_secret,
            slack_support_channel=self.channel,
            log_level="INFO",
        )

    # -- before the bot starts --------------------------------------------------------------

    async def seed(self, customers: int) -> None:
        """A company, `customers` Telegram customers each with one open ticket (written to
        the database before the bot ever runs, so its first start has work waiting)."""
        await upgrade(self.database_url)
        database = await open_database(self.database_url)
        try:
            uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
            async with uow_factory() as uow:
                company = Company(name="Nowak Accounting", tax_id="5250001009")
                await uow.companies.add(company)
                await uow.products.add(
                    Product(company_id=company.id, name="Invoices", license_number="1")
                )
                people = []
                for index in range(customers):
                    user = self.telegram.add_user(f"Customer{index}", language_code="en")
                    person = CustomerUser(
                        company_id=company.id, role=Role.MEMBER, name=f"Customer {index}"
                    )
                    await uow.users.add(person)
                    await uow.identities.add(
                        ChatIdentity(
                            platform=Platform.TELEGRAM,
                            platform_user_id=str(user.id),
                            chat_id=str(user.chat_id),
                            user_id=person.id,
                        )
                    )
                    people.append((user, person))
                await uow.commit()
            for index, (user, person) in enumerate(people):
                command = OpenTicket(
                    CustomerActor(person.id),
                    TicketType.ERROR,
                    f"Export {index} hangs",
                    "At 80% the export stops.",
                    Platform.TELEGRAM,
                    str(user.chat_id),
                )
                ticket = await open_ticket(command, uow_factory(), Context.system())
                self.customers.append(Customer(index, user, ticket.id, ticket.number))
                user.start()  # waiting in Telegram for the bot
        finally:
            await database.dispose()
        self.slack.connect_app(f"http://127.0.0.1:{self.port}/slack/events")

    # -- the bot ------------------------------------------------------------------------------

    async def stop(self) -> None:
        """Every process of the desk stopped (SIGTERM), at once."""
        await asyncio.gather(*(process.stop() for process in self.crew.processes))

    def add_process(self, name: str, role: str, **settings: str) -> BotProcess:
        """One more bot process on this desk (`web`, `worker`, `run`): the bot's environment
        with `settings` added or changed; stopped with the desk."""
        env = {**self.bot.env, **{key.upper(): value for key, value in settings.items()}}
        process = BotProcess(env, self.workdir, name, role)
        self.crew.processes.append(process)
        return process

    def up(self) -> bool:
        """The bot process polls Telegram (so its web server listens too: it starts first)."""
        since = self.bot.started_at
        return self.bot.alive and any(r.time > since for r in self.telegram.calls("getUpdates"))

    async def start(self, within: float = 30.0) -> None:
        await self.bot.start()
        await until(self.up, within, "the bot polls Telegram", bot=self.crew)

    async def cards(self, within: float = 30.0) -> None:
        """Wait until every ticket has its card in #support: the parent the bot recorded as
        the ticket's anchor (a kill between posting a parent and recording it can leave an
        orphan parent; replies there are not the ticket's)."""
        database = await open_database(self.database_url)
        try:
            uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)

            async def card(customer: Customer) -> Message | None:
                async with uow_factory(read_only=True) as uow:
                    refs = await uow.refs.for_ticket(customer.ticket_id, Platform.SLACK)
                anchors = [r for r in refs if r.entry_id is None]
                return (
                    self.slack.ws.message(self.channel, anchors[0].message_id) if anchors else None
                )

            for customer in self.customers:
                self._cards[customer.index] = await until(
                    functools.partial(card, customer),
                    within,
                    f"the card of ticket #{customer.number}",
                    bot=self.crew,
                )
        finally:
            await database.dispose()

    # -- the stream ---------------------------------------------------------------------------

    def customer_writes(self, customer: Customer) -> None:
        token = f"C{customer.index}x{len(customer.wrote):04d}"
        customer.wrote.append(token)
        customer.user.send_text(f"one more thing {token}")

    async def agent_answers(self, customer: Customer) -> None:
        token = f"R{customer.index}x{len(customer.answered):04d}"
        customer.answered.append(token)
        await self.alice.reply(self._cards[customer.index], f"we are on it {token}")

    async def stream(self, stop: asyncio.Event, rng: random.Random, pace: float) -> int:
        """One action every `pace` seconds until `stop`: mostly customers writing, agents
        answering the rest. Returns how many actions it took."""
        actions = 0
        while not stop.is_set():
            customer = rng.choice(self.customers)
            if rng.random() < 0.6:
                self.customer_writes(customer)
            else:
                await self.agent_answers(customer)
            actions += 1
            self.actions += 1
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pace)
        return actions

    # -- the verdict --------------------------------------------------------------------------

    def tally(self) -> Tally:
        missing: list[str] = []
        duplicates: dict[str, list[float]] = {}
        out_of_order: list[str] = []
        misplaced: list[str] = []
        sent_times = self._send_times()
        never = self.never_received()
        for customer in self.customers:
            arrived = {
                "C": self._in_thread(customer),
                "R": self._in_chat(customer),
            }
            answered = [t for t in customer.answered if t not in never]
            if self.taken_in is not None:
                # Queued ones in the bot's order; any never queued stays expected (missing).
                queued = [t for t in self.taken_in if t in answered]
                answered = queued + [t for t in answered if t not in queued]
            for kind, expected in (("C", customer.wrote), ("R", answered)):
                seen = arrived[kind]
                firsts: list[str] = []
                for token in seen:
                    if not token.startswith(f"{kind}{customer.index}x"):
                        misplaced.append(token)
                    elif token not in firsts:
                        firsts.append(token)
                missing += [t for t in expected if t not in firsts]
                if firsts != [t for t in expected if t in firsts]:
                    out_of_order.append(f"{kind}{customer.index}: {firsts}")
                for token in set(seen):
                    if seen.count(token) > 1:
                        duplicates[token] = sent_times.get(token, [])
        return Tally(missing, sorted(never), duplicates, out_of_order, misplaced)

    async def read_taken_in(self) -> None:
        """Read the order in which the bot queued the agents' replies for the customers (its
        outbox): the order each chat must hear them in."""
        database = await open_database(self.database_url)
        try:
            async with database.sessionmaker() as session:
                rows = await session.execute(
                    select(OutboxRow.payload)
                    .where(OutboxRow.event_type == "ticket.agent_reply")
                    .order_by(OutboxRow.seq)
                )
                self.taken_in = [
                    token for (payload,) in rows for token in _tokens(str(payload["text"]), "R")
                ]
        finally:
            await database.dispose()

    def unconfirmed(self) -> set[str]:
        """Replies Slack never got a 2xx for, from any try: it gave up on them, as it does
        after its last retry (about 6 minutes in real life, compressed here). The bot may
        still have taken one in (it answered too late); the others it never had."""
        found: set[str] = set()
        for delivery in self.slack.events.deliveries:
            if delivery.done.is_set() and not any(
                a.status is not None and 200 <= a.status < 300 for a in delivery.attempts
            ):
                found.update(_tokens(str(delivery.event.get("text", "")), "R"))
        return found

    def never_received(self) -> set[str]:
        """Replies Slack gave up on that the bot never took in: not the bot's to deliver."""
        return self.unconfirmed() - set(self.taken_in or ())

    @asynccontextmanager
    async def streaming(
        self, rng: random.Random, pace: float, *, settle: float = 90.0, deliver: float = 90.0
    ) -> AsyncIterator[Run]:
        """The stream runs while the block does (faults go in the block); then it stops, Slack
        finishes its retries, everything must arrive, and the run is tallied."""
        run = Run()
        stop = asyncio.Event()
        task = asyncio.create_task(self.stream(stop, rng, pace))
        try:
            yield run
        finally:
            stop.set()
            run.actions = await task
        await self.slack.settle(within=settle)
        await self.wait_delivered(deliver)
        run.tallied = self.tally()

    def written(self) -> list[str]:
        """Every token written so far, by customers and agents."""
        return [t for c in self.customers for t in (*c.wrote, *c.answered)]

    async def more_actions(self, count: int, within: float = 60.0) -> None:
        """Wait until the stream has taken `count` more actions."""
        target = self.actions + count
        await until(lambda: self.actions >= target, within, f"{count} more actions", bot=self.crew)

    def delivered(self) -> bool:
        """Every token has reached its side at least once (replies the bot got, at least)."""
        never = self.never_received()
        if self.taken_in is None:
            never = self.unconfirmed()
        return all(
            set(c.wrote) <= set(self._in_thread(c))
            and set(c.answered) - never <= set(self._in_chat(c))
            for c in self.customers
        )

    async def wait_delivered(self, within: float) -> None:
        """Wait until everything arrived, then read the bot's order and wait for the replies
        Slack gave up on but the bot took in all the same."""
        try:
            await until(self.delivered, within, "every message delivered", bot=self.crew)
            await self.read_taken_in()
            await until(self.delivered, within, "every message taken in delivered", bot=self.crew)
        except AssertionError as failure:
            tally = self.tally()
            lost = [
                (d.event.get("text"), [(a.retry_num, a.status, a.reason) for a in d.attempts])
                for d in self.slack.events.deliveries
                if not d.delivered
            ]
            raise AssertionError(
                f"missing: {tally.missing}; Slack gave up on events: {lost}; {failure}"
            ) from None

    def _in_thread(self, customer: Customer) -> list[str]:
        card = self._cards.get(customer.index)
        if card is None:
            return []
        replies = self.slack.ws.replies(self.channel, card.ts)
        return [t for m in replies if m.bot_id for t in _tokens(m.text, "C")]

    def _in_chat(self, customer: Customer) -> list[str]:
        return [
            t for m in customer.user.messages() if m.from_bot for t in _tokens(m.text or "", "R")
        ]

    def _send_times(self) -> dict[str, list[float]]:
        """When each token was accepted by the platforms (from their call logs), answered or
        not (a platform that took a message and answered too late still took it)."""
        times: dict[str, list[float]] = {}
        for record in self.telegram.calls("sendMessage"):
            if record.ok or record.description == LATE:
                for token in _tokens(str(record.args.get("text", "")), "R"):
                    times.setdefault(token, []).append(record.time)
        for slack_call in self.slack.calls.records:
            if slack_call.method == "chat.postMessage" and slack_call.ok:
                for token in _tokens(str(slack_call.args.get("text", "")), "C"):
                    times.setdefault(token, []).append(slack_call.at)
        return times

    def taken_unanswered(self) -> Counter[str]:
        """Tokens of calls the platform carried out but never answered in time (the emulators'
        "late" and "lost" faults): the time-outs after which the bot cannot know a message
        arrived, and so may send it again. Counted per call."""
        found: Counter[str] = Counter()
        for record in self.telegram.calls("sendMessage"):
            if record.description == LATE:
                found.update(_tokens(str(record.args.get("text", "")), "R"))
        for slack_call in self.slack.calls.records:
            if slack_call.method == "chat.postMessage" and slack_call.error == "lost":
                found.update(_tokens(str(slack_call.args.get("text", "")), "C"))
        return found


def chosen_seed(variable: str) -> int:
    """A run's seed: `variable` from the environment (to replay a run), else a random one."""
    return int(os.environ.get(variable) or random.SystemRandom().randrange(10**6))


def _tokens(text: str, kind: str) -> list[str]:
    return [m.group(0) for m in TOKEN.finditer(text) if m.group(1) == kind]


def straddling(tally: Tally, kills: list[float]) -> list[str]:
    """Duplicates whose copies were NOT separated by a kill (each should be: the first sent by
    a process killed before recording it, the next by its successor)."""
    bad = []
    for token, times in tally.duplicates.items():
        ordered = sorted(times)
        if len(ordered) < 2 or not all(
            any(a <= k <= b for k in kills) for a, b in itertools.pairwise(ordered)
        ):
            bad.append(f"{token} at {ordered}")
    return bad


@asynccontextmanager
async def field_desk(
    tmp_path: Path,
    database_url: str,
    *,
    customers: int = 3,
    bot_database_url: str | None = None,
    app_timeout: float = 3.0,
    **settings: str,
) -> AsyncIterator[FieldDesk]:
    """Both emulators, a seeded database, and a bot process (not started yet; stopped and
    its output kept at the end)."""
    async with AsyncExitStack() as stack:
        telegram = await stack.enter_async_context(TelegramEmulator())
        slack = await stack.enter_async_context(
            SlackEmulator(app_timeout=app_timeout, event_retry_delays=RETRY_DELAYS)
        )
        desk = FieldDesk(telegram, slack, database_url, tmp_path, bot_database_url, **settings)
        await desk.seed(customers)
        stack.push_async_callback(desk.stop)
        yield desk


def report(name: str, seed: int, tally: Tally, **figures: object) -> str:
    extra = " ".join(f"{key}={value}" for key, value in figures.items())
    return (
        f"[{name}] seed={seed} {extra} duplicates={tally.extra_copies} "
        f"({sorted(tally.duplicates)}) slack_gave_up={len(tally.never_received)} "
        f"at {time.strftime('%H:%M:%S')}"
    )
