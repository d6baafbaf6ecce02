"""Random command sequences by random actors on two companies, with the engine's invariants
checked after every step:

- every status move is an edge of the lifecycle table, and the recorded moves chain from the
  opening status to the current one;
- a ticket's history only grows: entries never disappear or change kind;
- ticket numbers are unique and gap-free;
- customers never see internal notes, neither in their views nor in anything sent to them;
- the SLA clock runs exactly while support owes a move;
- a refused command changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from core.actors import AgentActor, CustomerActor, SystemActor
from core.commands import (
    AddAgentReply,
    AddCustomerMessage,
    AddInternalNote,
    ArchiveTicket,
    AssignTicket,
    AuthorizeTicket,
    AutoCloseResolved,
    ChangeStatus,
    CloseTicket,
    ConfirmResolved,
    MarkRead,
    OpenTicket,
    RateTicket,
    RejectTicket,
    ReopenTicket,
    ReportNotSolved,
    RequestInfo,
    ResolveTicket,
    SendExtraMessage,
    SetPriority,
    ShowTicket,
)
from core.context import Context
from core.errors import DomainError
from core.model import (
    Audience,
    CustomerUser,
    EntryKind,
    Platform,
    Priority,
    Role,
    Ticket,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from core.services import conversation, queries, tickets, workflow
from tests.unit.test_lifecycle import EXPECTED
from tests.unit.world import World

S = TicketStatus
Service = Callable[[Any, Any, Context], Awaitable[Any]]
ANY_INDEX = st.integers(min_value=0, max_value=1_000)
REACH = st.sampled_from(["own", "own", "own", "company", "any", "guess"])


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.world = World()
        self.customers: list[CustomerUser] = []
        self.agents: list[AgentActor] = []
        self.seen: dict[uuid.UUID, dict[uuid.UUID, EntryKind]] = {}
        self.notes: list[str] = []

    def teardown(self) -> None:
        self.runner.close()

    @initialize()
    def cast(self) -> None:
        async def build() -> None:
            w = self.world
            for name, restricted in (("Acme", False), ("Strict", True)):
                company = await w.company(name, restricted=restricted)
                for role in Role:
                    self.customers.append(await w.user(company, role, f"{name}-{role}"))
            for name, active in (("Ann", True), ("Bob", True), ("Gone", False)):
                self.agents.append(AgentActor((await w.agent(name, active=active)).id))
            # Something to work on from the first step, or most steps would find nothing.
            for user in self.customers[:3]:
                await w.open(user)

        self.runner.run(build())

    # -- helpers ----------------------------------------------------------------------------

    def _run(self, service: Service, cmd: object) -> Any:
        return self.runner.run(self.world.run(service, cmd))

    def attempt(self, service: Service, cmd: object) -> None:
        # The fakes write only on commit, so "changed nothing" is "committed nothing" (the
        # transition tests compare full snapshots; here that would cost seconds).
        before = self.world.store.version
        try:
            self._run(service, cmd)
        except DomainError:
            assert self.world.store.version == before, f"{cmd} refused but wrote"

    def customer(self, index: int) -> CustomerUser:
        return self.customers[index % len(self.customers)]

    def agent(self, index: int) -> AgentActor:
        return self.agents[index % len(self.agents)]

    def ticket_id(
        self, index: int, reach: str = "any", user: CustomerUser | None = None
    ) -> uuid.UUID:
        """A ticket to act on: one the user may see (mostly), one of their company's, any at
        all, or a guessed id (someone probing)."""
        known: list[Ticket] = self.world.store.peek("tickets")
        if user is not None and reach == "own":
            known = [
                t
                for t in known
                if t.reporter_id == user.id
                or (t.company_id == user.company_id and user.role is Role.SUPER_USER)
            ]
        elif user is not None and reach == "company":
            known = [t for t in known if t.company_id == user.company_id]
        if reach == "guess" or not known:
            return uuid.uuid4()
        return sorted(known, key=lambda t: t.number)[index % len(known)].id

    def few_tickets(self) -> bool:
        # Few tickets, so the random actions pile up on each and reach the later statuses.
        return len(self.world.store.peek("tickets")) < 8

    def tickets(self) -> list[Ticket]:
        return self.world.store.peek("tickets")

    def entries(self) -> list[TicketEntry]:
        return self.world.store.peek("entries")

    # -- rules ------------------------------------------------------------------------------

    @precondition(lambda self: self.few_tickets())
    @rule(who=ANY_INDEX, type_=st.sampled_from(list(TicketType)[:4]), blocked=st.booleans())
    def open_ticket(self, who: int, type_: TicketType, blocked: bool) -> None:
        user = self.customer(who)
        self.attempt(
            tickets.open_ticket,
            OpenTicket(
                CustomerActor(user.id),
                type_,
                "subject",
                "description",
                Platform.TELEGRAM,
                f"chat-{user.name}",
                work_blocked=blocked,
            ),
        )

    @precondition(lambda self: self.few_tickets())
    @rule(who=ANY_INDEX)
    def extra_message(self, who: int) -> None:
        user = self.customer(who)
        cmd = SendExtraMessage(CustomerActor(user.id), "hello", Platform.TELEGRAM, "chat-x")
        self.attempt(tickets.send_extra_message, cmd)

    @rule(who=ANY_INDEX, pick=ANY_INDEX, reach=REACH, accept=st.booleans())
    def authorize_or_reject(self, who: int, pick: int, reach: str, accept: bool) -> None:
        user = self.customer(who)
        actor, ticket_id = CustomerActor(user.id), self.ticket_id(pick, reach, user)
        if accept:
            self.attempt(tickets.authorize_ticket, AuthorizeTicket(actor, ticket_id))
        else:
            self.attempt(tickets.reject_ticket, RejectTicket(actor, ticket_id, "no"))

    @rule(who=ANY_INDEX, pick=ANY_INDEX, reach=REACH)
    def customer_message(self, who: int, pick: int, reach: str) -> None:
        user = self.customer(who)
        cmd = AddCustomerMessage(
            CustomerActor(user.id), self.ticket_id(pick, reach, user), "more info"
        )
        self.attempt(conversation.add_customer_message, cmd)

    @rule(who=ANY_INDEX, pick=ANY_INDEX, kind=st.sampled_from(["reply", "note", "ask"]))
    def agent_writes(self, who: int, pick: int, kind: str) -> None:
        actor, ticket_id = self.agent(who), self.ticket_id(pick)
        if kind == "reply":
            self.attempt(conversation.add_agent_reply, AddAgentReply(actor, ticket_id, "answer"))
        elif kind == "ask":
            self.attempt(conversation.request_info, RequestInfo(actor, ticket_id, "which?"))
        else:
            secret = f"NOTE-SECRET-{len(self.notes)}"
            self.notes.append(secret)
            self.attempt(conversation.add_internal_note, AddInternalNote(actor, ticket_id, secret))

    @rule(who=ANY_INDEX, pick=ANY_INDEX, to=st.sampled_from(list(S)))
    def change_status(self, who: int, pick: int, to: S) -> None:
        cmd = ChangeStatus(self.agent(who), self.ticket_id(pick), to, "because")
        self.attempt(workflow.change_status, cmd)

    @rule(who=ANY_INDEX, pick=ANY_INDEX, other=ANY_INDEX, priority=st.sampled_from(Priority))
    def agent_housekeeping(self, who: int, pick: int, other: int, priority: Priority) -> None:
        actor, ticket_id = self.agent(who), self.ticket_id(pick)
        self.attempt(workflow.resolve_ticket, ResolveTicket(actor, ticket_id, "fixed"))
        self.attempt(
            workflow.assign_ticket, AssignTicket(actor, ticket_id, self.agent(other).agent_id)
        )
        self.attempt(workflow.set_priority, SetPriority(actor, ticket_id, priority))

    @rule(
        who=ANY_INDEX,
        pick=ANY_INDEX,
        reach=REACH,
        action=st.sampled_from(["confirm", "not_solved", "reopen", "rate", "archive", "read"]),
        rating=st.integers(min_value=0, max_value=6),
    )
    def customer_answers(self, who: int, pick: int, reach: str, action: str, rating: int) -> None:
        user = self.customer(who)
        actor, ticket_id = CustomerActor(user.id), self.ticket_id(pick, reach, user)
        choices: dict[str, tuple[Service, object]] = {
            "confirm": (workflow.confirm_resolved, ConfirmResolved(actor, ticket_id)),
            "not_solved": (workflow.report_not_solved, ReportNotSolved(actor, ticket_id, "no")),
            "reopen": (workflow.reopen_ticket, ReopenTicket(actor, ticket_id)),
            "rate": (tickets.rate_ticket, RateTicket(actor, ticket_id, rating)),
            "archive": (tickets.archive_ticket, ArchiveTicket(actor, ticket_id)),
            "read": (conversation.mark_read, MarkRead(actor, ticket_id)),
        }
        self.attempt(*choices[action])

    @rule(who=ANY_INDEX, pick=ANY_INDEX, system=st.booleans())
    def close_or_reopen(self, who: int, pick: int, system: bool) -> None:
        ticket_id = self.ticket_id(pick)
        if system:
            self.attempt(workflow.close_ticket, CloseTicket(SystemActor(), ticket_id))
        else:
            self.attempt(workflow.reopen_ticket, ReopenTicket(self.agent(who), ticket_id))

    @rule(hours=st.integers(min_value=0, max_value=24 * 9))
    def time_passes(self, hours: int) -> None:
        self.world.clock.advance(hours=hours)
        self.attempt(workflow.auto_close_resolved, AutoCloseResolved())

    @rule(who=ANY_INDEX, pick=ANY_INDEX)
    def customer_looks(self, who: int, pick: int) -> None:
        user = self.customer(who)
        try:
            view = self._run(
                queries.show_ticket,
                ShowTicket(CustomerActor(user.id), self.ticket_id(pick)),
            )
        except DomainError:
            return
        assert view.ticket.company_id == user.company_id
        assert all(e.kind is not EntryKind.INTERNAL_NOTE for e in view.entries)

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def numbers_are_unique_and_gap_free(self) -> None:
        numbers = sorted(t.number for t in self.tickets())
        assert numbers == list(range(1, len(numbers) + 1))

    @invariant()
    def moves_follow_the_table(self) -> None:
        by_ticket: dict[uuid.UUID, list[TicketEntry]] = {}
        for entry in self.entries():  # storage order: the order they were written
            if entry.kind is EntryKind.STATUS_CHANGE:
                by_ticket.setdefault(entry.ticket_id, []).append(entry)
        roles = {u.id: u.role for u in self.customers}
        for ticket in self.tickets():
            restricted = roles[ticket.reporter_id] is Role.RESTRICTED
            status = (
                S.TO_AUTHORIZE
                if restricted and ticket.type is not TicketType.EXTRA_MESSAGE
                else S.NEW
            )
            for move in by_ticket.get(ticket.id, []):
                source, target = S(move.data["from"]), S(move.data["to"])
                assert source is status, f"#{ticket.number}: chain broken at {source}"
                assert (source, target) in EXPECTED, f"#{ticket.number}: {source} → {target}"
                status = target
            assert status is ticket.status

    @invariant()
    def history_only_grows(self) -> None:
        now: dict[uuid.UUID, dict[uuid.UUID, EntryKind]] = {}
        for entry in self.entries():
            now.setdefault(entry.ticket_id, {})[entry.id] = entry.kind
        for ticket_id, before in self.seen.items():
            after = now.get(ticket_id, {})
            assert {k: after.get(k) for k in before} == before
        self.seen = now

    @invariant()
    def nothing_sent_to_customers_carries_a_note(self) -> None:
        for message in self.world.store.peek("outbox"):
            if message.audience is Audience.AGENTS:
                continue
            assert message.event_type != "ticket.note"
            text = json.dumps(message.payload)
            assert not any(secret in text for secret in self.notes)

    @invariant()
    def the_sla_clock_runs_while_support_owes_a_move(self) -> None:
        for ticket in self.tickets():
            running = ticket.sla_due_at is not None
            assert running is (ticket.status in (S.NEW, S.IN_PROGRESS)), ticket.status
            assert (ticket.sla_remaining is not None) is (ticket.status is S.WAITING_CUSTOMER)


EngineMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngine = EngineMachine.TestCase
