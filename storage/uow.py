"""The SQL unit of work: one connection and one transaction per `async with` (storage.sql)."""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.ports import (
    AgentRepository,
    AttachmentRepository,
    CompanyRepository,
    EntryRepository,
    IdentityRepository,
    InboxRepository,
    InviteRepository,
    MessageRefRepository,
    OutboxRepository,
    ProductRepository,
    RegistrationRepository,
    SlaMarkRepository,
    SupportTokenRepository,
    TicketRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)
from storage.repositories import (
    SqlAgentRepository,
    SqlAttachmentRepository,
    SqlCompanyRepository,
    SqlEntryRepository,
    SqlIdentityRepository,
    SqlInboxRepository,
    SqlInviteRepository,
    SqlMessageRefRepository,
    SqlOutboxRepository,
    SqlProductRepository,
    SqlRegistrationRepository,
    SqlSupportTokenRepository,
    SqlTicketRepository,
    SqlUserRepository,
)
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.sla import SqlSlaMarkRepository
from storage.sql import Backend, Tx, backend_for

# SQLite has one writer. Writers of one process queue here, in order, instead of on SQLite's
# busy handler, which sleeps in steps of 1 to 100 ms while the lock is held and so leaves the
# event loop idle and the lock free for whole milliseconds between writers (benchmarks/relay.py
# showed a fifth of a busy run idle in it). Other processes on the same file still meet at
# busy_timeout. A task (or a task it started) that already holds the queue opens nested units of
# work without it: they wait on SQLite as before rather than on themselves.
_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = weakref.WeakKeyDictionary()
_holding: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_writer", default=False)


def _writer_queue(engine: AsyncEngine) -> asyncio.Lock | None:
    if engine.dialect.name != "sqlite":
        return None
    lock = _WRITERS.get(engine)
    if lock is None:
        lock = _WRITERS[engine] = asyncio.Lock()
    return lock


class SqlUnitOfWork:
    """Repositories exist only inside `async with`; leaving it without `commit` rolls back.

    A read-only unit of work (for lists and lookups) does not queue behind writers on SQLite
    and runs in autocommit mode on PostgreSQL; writing in one fails. Statements run on the
    unit's connection as they are called (storage.sql).
    """

    companies: CompanyRepository
    products: ProductRepository
    users: UserRepository
    identities: IdentityRepository
    agents: AgentRepository
    tickets: TicketRepository
    entries: EntryRepository
    refs: MessageRefRepository
    attachments: AttachmentRepository
    invites: InviteRepository
    registrations: RegistrationRepository
    support_tokens: SupportTokenRepository
    outbox: OutboxRepository
    inbox: InboxRepository
    sla_marks: SlaMarkRepository
    conversations: SqlConversationRepository  # the bot's, beyond the core's ports

    def __init__(
        self,
        backend: Backend,
        *,
        read_only: bool = False,
        autocommit: bool = False,
        on_outbox_commit: Callable[[], None] | None = None,
        writers: asyncio.Lock | None = None,
    ) -> None:
        self._backend = backend
        self._read_only = read_only
        self._autocommit = autocommit
        self._on_outbox_commit = on_outbox_commit
        self._tx: Tx | None = None
        self._outbox: SqlOutboxRepository
        self._writers = None if read_only else writers
        self._queued: contextvars.Token[bool] | None = None

    async def __aenter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("this unit of work is already in use")
        if self._writers is not None and not _holding.get():
            await self._writers.acquire()
            self._queued = _holding.set(True)
        try:
            self._tx = tx = await self._backend.begin(
                read_only=self._read_only, autocommit=self._autocommit
            )
        except BaseException:
            self._leave_queue()
            raise
        sql = tx.sql
        self.companies = SqlCompanyRepository(sql)
        self.products = SqlProductRepository(sql)
        self.users = SqlUserRepository(sql)
        self.identities = SqlIdentityRepository(sql)
        self.agents = SqlAgentRepository(sql)
        self.tickets = SqlTicketRepository(sql)
        self.entries = SqlEntryRepository(sql)
        self.refs = SqlMessageRefRepository(sql)
        self.attachments = SqlAttachmentRepository(sql)
        self.invites = SqlInviteRepository(sql)
        self.registrations = SqlRegistrationRepository(sql)
        self.support_tokens = SqlSupportTokenRepository(sql)
        self.outbox = self._outbox = SqlOutboxRepository(sql)
        self.inbox = SqlInboxRepository(sql)
        self.sla_marks = SqlSlaMarkRepository(sql)
        self.conversations = SqlConversationRepository(sql)
        return self

    def _leave_queue(self) -> None:
        if self._queued is not None:
            _holding.reset(self._queued)
            self._queued = None
            assert self._writers is not None
            self._writers.release()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tx, self._tx = self._active(), None
        try:
            # After a commit there is nothing left to roll back; otherwise this is the undo.
            await tx.close()
        finally:
            self._leave_queue()

    async def commit(self) -> None:
        await self._active().commit()
        if self._on_outbox_commit is not None and self._outbox.added:
            # Wake the delivery worker now instead of at its next poll.
            self._outbox.added = 0
            self._on_outbox_commit()

    async def rollback(self) -> None:
        """Discard what was written so far; the unit of work goes on in a new transaction."""
        await self._active().rollback()

    def _active(self) -> Tx:
        if self._tx is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._tx


class SqlUnitOfWorkFactory:
    """Units of work on the engine of `sessionmaker` (the ORM session itself is not used:
    repositories execute Core statements on the unit's connection, storage.sql)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        engine = sessionmaker.kw.get("bind")
        if not isinstance(engine, AsyncEngine):
            raise TypeError("the sessionmaker must be bound to an AsyncEngine")
        self._engine = engine
        self._backend = backend_for(engine)
        # Called after a commit that wrote outbox messages (the delivery worker's wake-up).
        self.on_outbox_commit: Callable[[], None] | None = None
        self._writers = _writer_queue(engine)

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self._backend,
            read_only=read_only,
            autocommit=autocommit,
            on_outbox_commit=self.on_outbox_commit,
            writers=self._writers,
        )


if TYPE_CHECKING:
    # mypy proves here that the classes satisfy the core's ports.
    def _conforms(factory: SqlUnitOfWorkFactory, uow: SqlUnitOfWork) -> None:
        _factory: UnitOfWorkFactory = factory
        _uow: UnitOfWork = uow
