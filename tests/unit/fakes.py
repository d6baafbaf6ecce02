"""In-memory implementations of every port in core/ports.py, faithful enough to catch bugs.

- Repositories store and hand out deep copies, so a service that changes an entity and forgets
  `update` loses the change, as it would with a database.
- Each unit of work keeps its writes to itself until `commit`; leaving the block without
  commit, or with an exception, throws them away. Readers see committed data plus their own
  writes.
- Ticket numbers are taken inside the transaction (a rolled-back creation leaves no gap);
  outbox `seq` comes from a sequence (a rollback may leave a gap, as in PostgreSQL).
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self, TypeVar

from core import ports
from core.context import Context, EngineConfig
from core.model import (
    Agent,
    Attachment,
    AuthorKind,
    ChatIdentity,
    Company,
    CustomerUser,
    InboxEvent,
    Invite,
    MessageRef,
    OutboxMessage,
    Platform,
    Product,
    Registration,
    Role,
    Side,
    SlaMark,
    SupportToken,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.ports import Scope, TicketPage, TicketQuery

T = TypeVar("T")

# -- time and randomness --------------------------------------------------------------------


class FakeClock:
    """A clock that stands still until told: Monday 3 March 2025, 10:00 UTC by default."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2025, 3, 3, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


class FakeSecrets:
    """Deterministic randomness: the same seed gives the same tokens and codes."""

    def __init__(self, seed: int = 1) -> None:
        self._random = random.Random(seed)
        self.issued: list[str] = []

    def token(self, nbytes: int = 24) -> str:
        value = "tok-" + "".join(self._random.choices("abcdefghjkmnpqrstuvwxyz23456789", k=nbytes))
        self.issued.append(value)
        return value

    def digits(self, count: int) -> str:
        value = "".join(self._random.choices("0123456789", k=count))
        self.issued.append(value)
        return value


def make_context(
    clock: FakeClock | None = None, secrets: FakeSecrets | None = None, **config: Any
) -> Context:
    return Context(clock or FakeClock(), secrets or FakeSecrets(), EngineConfig(**config))


# -- storage ---------------------------------------------------------------------------------


class IntegrityError(Exception):
    """What a database would raise on a broken uniqueness constraint or a missing row."""


@dataclass
class MemoryStore:
    """The committed state every unit of work starts from."""

    tables: dict[str, dict[uuid.UUID, Any]] = field(default_factory=dict)
    last_ticket_number: int = 0
    outbox_seq: int = 0
    version: int = 0  # bumped by every commit that wrote something

    def table(self, name: str) -> dict[uuid.UUID, Any]:
        return self.tables.setdefault(name, {})

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of everything committed, for before/after comparisons."""
        return copy.deepcopy({"tables": self.tables, "last": self.last_ticket_number})

    def all(self, name: str) -> list[Any]:
        return [copy.deepcopy(row) for row in self.table(name).values()]

    def peek(self, name: str) -> list[Any]:
        """The committed rows themselves, in write order: for tests that only look."""
        return list(self.table(name).values())


class _Tx:
    """One transaction's view: its own writes over the committed rows."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.writes: dict[str, dict[uuid.UUID, Any]] = {}
        self.last_ticket_number: int | None = None

    def rows(self, name: str) -> list[Any]:
        """Live rows (not copies) for filtering; callers copy what they hand out."""
        merged = dict(self.store.table(name))
        merged.update(self.writes.get(name, {}))
        return list(merged.values())

    def get(self, name: str, row_id: uuid.UUID) -> Any:
        row = self.writes.get(name, {}).get(row_id, self.store.table(name).get(row_id))
        return copy.deepcopy(row)

    def insert(self, name: str, row: Any) -> None:
        if self.get(name, row.id) is not None:
            raise IntegrityError(f"{name}: duplicate id {row.id}")
        self.writes.setdefault(name, {})[row.id] = copy.deepcopy(row)

    def update(self, name: str, row: Any) -> None:
        if self.get(name, row.id) is None:
            raise IntegrityError(f"{name}: update of a missing row {row.id}")
        self.writes.setdefault(name, {})[row.id] = copy.deepcopy(row)

    def commit(self) -> None:
        if self.writes or self.last_ticket_number is not None:
            self.store.version += 1
        for name, rows in self.writes.items():
            self.store.table(name).update(rows)
        if self.last_ticket_number is not None:
            self.store.last_ticket_number = max(
                self.store.last_ticket_number, self.last_ticket_number
            )
        self.writes = {}
        self.last_ticket_number = None


def _copies(rows: Iterable[T]) -> list[T]:
    return [copy.deepcopy(r) for r in rows]


def _first(rows: Iterable[T], match: Callable[[T], bool]) -> T | None:
    return next((copy.deepcopy(r) for r in rows if match(r)), None)


class _Repo:
    table = ""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _tx(self) -> _Tx:
        return self._uow.tx

    def _rows(self) -> list[Any]:
        return self._tx.rows(self.table)

    async def add(self, row: Any) -> None:
        self._tx.insert(self.table, row)

    async def get(self, row_id: uuid.UUID) -> Any:
        return self._tx.get(self.table, row_id)

    async def update(self, row: Any) -> None:
        self._tx.update(self.table, row)


class FakeCompanies(_Repo):
    table = "companies"

    async def add(self, company: Company) -> None:
        if any(c.tax_id == company.tax_id for c in self._rows()):
            raise IntegrityError(f"tax id {company.tax_id} exists")
        await super().add(company)

    async def get_by_tax_id(self, tax_id: str) -> Company | None:
        return _first(self._rows(), lambda c: c.tax_id == tax_id)

    async def list(self) -> Sequence[Company]:
        return sorted(_copies(self._rows()), key=lambda c: c.name)


class FakeProducts(_Repo):
    table = "products"

    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[Product]:
        return sorted(
            _copies(p for p in self._rows() if p.company_id == company_id), key=lambda p: p.name
        )

    async def find_by_license(self, company_id: uuid.UUID, license_number: str) -> Product | None:
        wanted = license_number.strip().casefold()
        return _first(
            self._rows(),
            lambda p: p.company_id == company_id and p.license_number.strip().casefold() == wanted,
        )


class FakeUsers(_Repo):
    table = "users"

    async def list_for_company(
        self, company_id: uuid.UUID, role: Role | None = None
    ) -> Sequence[CustomerUser]:
        return _copies(
            u
            for u in self._rows()
            if u.company_id == company_id and (role is None or u.role is role)
        )

    async def get_by_email(self, company_id: uuid.UUID, email: str) -> CustomerUser | None:
        wanted = email.casefold()
        return _first(
            self._rows(),
            lambda u: u.company_id == company_id and (u.email or "").casefold() == wanted,
        )

    async def count_active(self, company_id: uuid.UUID) -> int:
        return sum(1 for u in self._rows() if u.company_id == company_id and u.active)


class FakeIdentities(_Repo):
    table = "identities"

    async def add(self, identity: ChatIdentity) -> None:
        key = (identity.platform, identity.platform_user_id)
        if any((i.platform, i.platform_user_id) == key for i in self._rows()):
            raise IntegrityError(f"identity {key} exists")
        await super().add(identity)

    async def get_by_platform_user(
        self, platform: Platform, platform_user_id: str
    ) -> ChatIdentity | None:
        return _first(
            self._rows(),
            lambda i: i.platform is platform and i.platform_user_id == platform_user_id,
        )

    async def get_by_chat(self, platform: Platform, chat_id: str) -> ChatIdentity | None:
        return _first(self._rows(), lambda i: i.platform is platform and i.chat_id == chat_id)

    async def get_by_chat_with_user(
        self, platform: Platform, chat_id: str
    ) -> tuple[ChatIdentity | None, CustomerUser | None]:
        identity = await self.get_by_chat(platform, chat_id)
        if identity is None or identity.user_id is None:
            return identity, None
        return identity, self._tx.get("users", identity.user_id)

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[ChatIdentity]:
        return _copies(i for i in self._rows() if i.user_id == user_id)


class FakeAgents(_Repo):
    table = "agents"

    async def get_by_slack_id(self, slack_user_id: str) -> Agent | None:
        return _first(self._rows(), lambda a: a.slack_user_id == slack_user_id)

    async def add_if_new(self, agent: Agent) -> bool:
        if await self.get_by_slack_id(agent.slack_user_id) is not None:
            return False
        await self.add(agent)
        return True

    async def list(self, active_only: bool = True) -> Sequence[Agent]:
        return sorted(
            _copies(a for a in self._rows() if a.active or not active_only),
            key=lambda a: a.display_name,
        )


class FakeTickets(_Repo):
    table = "tickets"

    async def next_number(self) -> int:
        tx = self._tx
        last = tx.last_ticket_number or tx.store.last_ticket_number
        tx.last_ticket_number = last + 1
        return last + 1

    async def get_with_company(self, ticket_id: uuid.UUID) -> tuple[Ticket, Company] | None:
        ticket = self._tx.get(self.table, ticket_id)
        company = None if ticket is None else self._tx.get("companies", ticket.company_id)
        return None if ticket is None or company is None else (ticket, company)

    async def add(self, ticket: Ticket) -> None:
        if any(t.number == ticket.number for t in self._rows()):
            raise IntegrityError(f"ticket number {ticket.number} exists")
        await super().add(ticket)

    async def get_by_number(self, number: int) -> Ticket | None:
        return _first(self._rows(), lambda t: t.number == number)

    async def list(self, query: TicketQuery) -> TicketPage:
        found = sorted(
            (t for t in self._rows() if _matches(t, query)), key=lambda t: t.number, reverse=True
        )
        page = _copies(found[: query.limit])
        more = len(found) > query.limit
        return TicketPage(page, page[-1].number if more else None)

    async def count_by_status(self) -> dict[TicketStatus, int]:
        counts: dict[TicketStatus, int] = {}
        for ticket in self._rows():
            counts[ticket.status] = counts.get(ticket.status, 0) + 1
        return counts


def _matches(t: Ticket, q: TicketQuery) -> bool:
    if q.scope is Scope.ACTIVE and (t.archived or not t.status.is_active):
        return False
    if q.scope is Scope.ALL and t.archived:
        return False
    if q.scope is Scope.ARCHIVED and not t.archived:
        return False
    text = q.text.casefold() if q.text else None
    checks = (
        q.company_id is None or t.company_id == q.company_id,
        q.reporter_id is None or t.reporter_id == q.reporter_id,
        q.statuses is None or t.status in q.statuses,
        q.product_id is None or t.product_id == q.product_id,
        q.assignee_id is None or t.assignee_id == q.assignee_id,
        not q.unassigned or t.assignee_id is None,
        q.priority is None or t.priority is q.priority,
        q.created_from is None or t.created_at >= q.created_from,
        q.created_to is None or t.created_at < q.created_to,
        text is None or text in t.subject.casefold() or text in t.description.casefold(),
        q.sla_due_before is None or (t.sla_due_at is not None and t.sla_due_at < q.sla_due_before),
        q.resolved_before is None
        or (t.resolved_at is not None and t.resolved_at <= q.resolved_before),
        q.before_number is None or t.number < q.before_number,
    )
    return all(checks)


# Whose entries a reader reads: the other side's.
_OTHER_SIDE = {Side.CUSTOMER: AuthorKind.AGENT, Side.SUPPORT: AuthorKind.CUSTOMER}


class FakeEntries(_Repo):
    table = "entries"

    def _unread(self, ticket_id: uuid.UUID, reader: Side) -> list[TicketEntry]:
        return [
            e
            for e in self._rows()
            if e.ticket_id == ticket_id
            and e.is_public
            and e.author_kind is _OTHER_SIDE[reader]
            and e.read_at is None
        ]

    async def list_for_ticket(
        self, ticket_id: uuid.UUID, public_only: bool = False
    ) -> Sequence[TicketEntry]:
        # Rows keep insertion order, which breaks ties between entries of the same instant.
        return sorted(
            _copies(
                e
                for e in self._rows()
                if e.ticket_id == ticket_id and (e.is_public or not public_only)
            ),
            key=lambda e: e.created_at,
        )

    async def mark_read(self, ticket_id: uuid.UUID, reader: Side, at: datetime) -> int:
        unread = self._unread(ticket_id, reader)
        for entry in unread:
            self._tx.update(self.table, replace(entry, read_at=at))
        return len(unread)

    async def count_unread(
        self, ticket_ids: Sequence[uuid.UUID], reader: Side
    ) -> dict[uuid.UUID, int]:
        return {tid: len(self._unread(tid, reader)) for tid in ticket_ids}


class FakeRefs(_Repo):
    table = "refs"

    async def add_if_new(self, ref: MessageRef) -> bool:
        if await self.find(ref.platform, ref.chat_id, ref.message_id) is not None:
            return False
        await self.add(ref)
        return True

    async def find(self, platform: Platform, chat_id: str, message_id: str) -> MessageRef | None:
        return _first(
            self._rows(),
            lambda r: (r.platform, r.chat_id, r.message_id) == (platform, chat_id, message_id),
        )

    async def for_ticket(self, ticket_id: uuid.UUID, platform: Platform) -> Sequence[MessageRef]:
        refs = [r for r in self._rows() if r.ticket_id == ticket_id and r.platform is platform]
        return _copies(sorted(refs, key=lambda r: r.entry_id is not None))

    async def anchor(
        self, ticket_id: uuid.UUID, platform: Platform, chat_id: str
    ) -> MessageRef | None:
        return _first(
            self._rows(),
            lambda r: (
                (r.ticket_id, r.platform, r.chat_id, r.entry_id)
                == (ticket_id, platform, chat_id, None)
            ),
        )

    async def for_entry(self, entry_id: uuid.UUID) -> Sequence[MessageRef]:
        return _copies(r for r in self._rows() if r.entry_id == entry_id)

    async def set_shown(self, ref_id: uuid.UUID, shown: str) -> None:
        ref = await self.get(ref_id)
        if ref is not None:
            ref.shown = shown
            await self.update(ref)


class FakeAttachments(_Repo):
    table = "attachments"

    async def list_for_ticket(self, ticket_id: uuid.UUID) -> Sequence[Attachment]:
        return _copies(a for a in self._rows() if a.ticket_id == ticket_id)

    async def list_for_entry(self, entry_id: uuid.UUID) -> Sequence[Attachment]:
        return _copies(a for a in self._rows() if a.entry_id == entry_id)

    async def count_for_ticket(self, ticket_id: uuid.UUID) -> int:
        return sum(1 for a in self._rows() if a.ticket_id == ticket_id)

    async def keys_in_use(self, storage_keys: Sequence[str]) -> set[str]:
        wanted = set(storage_keys)
        return {a.storage_key for a in self._rows() if a.storage_key in wanted}


class FakeInvites(_Repo):
    table = "invites"

    async def get_by_token_hash(self, token_hash: str) -> Invite | None:
        return _first(self._rows(), lambda i: i.token_hash == token_hash)


class FakeRegistrations(_Repo):
    table = "registrations"

    async def latest_for_identity(self, identity_id: uuid.UUID) -> Registration | None:
        mine = [r for r in self._rows() if r.identity_id == identity_id]
        # max() keeps the first of equal keys; reversed so the later insert wins a tie.
        return copy.deepcopy(max(reversed(mine), key=lambda r: r.created_at, default=None))


class FakeSupportTokens(_Repo):
    table = "support_tokens"

    async def list_for_company(self, company_id: uuid.UUID) -> Sequence[SupportToken]:
        return _copies(t for t in self._rows() if t.company_id == company_id)


class FakeOutbox(_Repo):
    table = "outbox"

    async def add(self, message: OutboxMessage) -> None:
        # A database sequence: never rolled back, so a rollback may leave a gap.
        self._tx.store.outbox_seq += 1
        message.seq = self._tx.store.outbox_seq
        await super().add(message)

    def _open(self) -> list[OutboxMessage]:
        waiting = [m for m in self._rows() if m.delivered_at is None and m.failed_at is None]
        return sorted(waiting, key=lambda m: m.seq)

    async def claim_due(self, now: datetime, limit: int, lease: float) -> Sequence[OutboxMessage]:
        heads: dict[str, OutboxMessage] = {}
        for message in self._open():
            heads.setdefault(message.ordering_key, message)
        due = [m for m in heads.values() if m.next_attempt_at <= now][:limit]
        claimed = [replace(m, next_attempt_at=now + timedelta(seconds=lease)) for m in due]
        for message in claimed:
            self._tx.update(self.table, message)
        return _copies(claimed)

    async def update_many(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            await self.update(message)

    async def pending_count(self) -> int:
        return len(self._open())

    async def pending_for_key(self, ordering_key: str) -> Sequence[OutboxMessage]:
        return _copies(m for m in self._open() if m.ordering_key == ordering_key)


class FakeInbox(_Repo):
    table = "inbox"

    async def add_if_new(self, event: InboxEvent) -> bool:
        key = (event.platform, event.event_id)
        if any((e.platform, e.event_id) == key for e in self._rows()):
            return False
        await super().add(event)
        return True

    async def add_new(self, events: Sequence[InboxEvent]) -> int:
        return sum([await self.add_if_new(event) for event in events])

    async def unprocessed(self, limit: int, skip: int = 0) -> Sequence[InboxEvent]:
        waiting = [e for e in self._rows() if e.processed_at is None]
        return _copies(sorted(waiting, key=lambda e: e.received_at)[skip : skip + limit])

    async def finish(self, event: InboxEvent) -> bool:
        stored = self._tx.get(self.table, event.id)
        if stored is None or stored.processed_at is not None:
            return False
        self._tx.update(self.table, event)
        return True


class FakeSlaMarks:
    """Marks have no id: kept in the transaction's own table keyed by a derived uuid."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @staticmethod
    def _key(mark: SlaMark) -> uuid.UUID:
        name = f"{mark.ticket_id}:{mark.kind}:{mark.due_at.timestamp()}"
        return uuid.uuid5(uuid.NAMESPACE_URL, name)

    async def add_if_new(self, mark: SlaMark) -> bool:
        tx = self._uow.tx
        key = self._key(mark)
        if tx.get("sla_marks", key) is not None:
            return False
        tx.writes.setdefault("sla_marks", {})[key] = copy.deepcopy(mark)
        return True

    async def list_for_tickets(self, ticket_ids: Sequence[uuid.UUID]) -> Sequence[SlaMark]:
        wanted = set(ticket_ids)
        found = [m for m in self._uow.tx.rows("sla_marks") if m.ticket_id in wanted]
        return _copies(sorted(found, key=lambda m: (m.due_at, m.kind)))


class FakeUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self._tx: _Tx | None = None
        self.commits = 0
        # Typed as the ports: the Protocol's attributes are invariant, and this also checks
        # that each fake implements its port.
        self.companies: ports.CompanyRepository = FakeCompanies(self)
        self.products: ports.ProductRepository = FakeProducts(self)
        self.users: ports.UserRepository = FakeUsers(self)
        self.identities: ports.IdentityRepository = FakeIdentities(self)
        self.agents: ports.AgentRepository = FakeAgents(self)
        self.tickets: ports.TicketRepository = FakeTickets(self)
        self.entries: ports.EntryRepository = FakeEntries(self)
        self.refs: ports.MessageRefRepository = FakeRefs(self)
        self.attachments: ports.AttachmentRepository = FakeAttachments(self)
        self.invites: ports.InviteRepository = FakeInvites(self)
        self.registrations: ports.RegistrationRepository = FakeRegistrations(self)
        self.support_tokens: ports.SupportTokenRepository = FakeSupportTokens(self)
        self.outbox: ports.OutboxRepository = FakeOutbox(self)
        self.inbox: ports.InboxRepository = FakeInbox(self)
        self.sla_marks: ports.SlaMarkRepository = FakeSlaMarks(self)

    @property
    def tx(self) -> _Tx:
        if self._tx is None:
            raise RuntimeError("repository used outside `async with uow`")
        return self._tx

    async def __aenter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("unit of work entered twice")
        self._tx = _Tx(self.store)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()
        self._tx = None

    async def commit(self) -> None:
        self.tx.commit()
        self.commits += 1

    async def rollback(self) -> None:
        self.tx.writes = {}
        self.tx.last_ticket_number = None
