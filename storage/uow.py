"""The SQL unit of work: one session and one transaction per `async with`."""

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
from storage.db import READ_ONLY
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

# SQLite has one writer. Writers of one process queue here, in order, instead of on SQLite's
# busy handler, which sleeps in steps of 1 to 100 ms while the lock is held and so leaves the
# event loop idle and the lock free for whole milliseconds between writers (benchmarks/relay.py
# showed a fifth of a busy run idle in it). Other processes on the same file still meet at
# busy_timeout. A task (or a task it started) that already holds the queue opens nested units of
# work without it: they wait on SQLite as before rather than on themselves.
_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = weakref.WeakKeyDictionary()
_holding: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_writer", default=False)


def _writer_queue(sessionmaker: async_sessionmaker[AsyncSession]) -> asyncio.Lock | None:
    engine = sessionmaker.kw.get("bind")
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "sqlite":
        return None
    lock = _WRITERS.get(engine)
    if lock is None:
        lock = _WRITERS[engine] = asyncio.Lock()
    return lock


class SqlUnitOfWork:
    """Repositories exist only inside `async with`; leaving it without `commit` rolls back.

    A read-only unit of work (for lists and lookups) does not queue behind writers on SQLite
    and is a READ ONLY transaction on PostgreSQL; writing in one fails.
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
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        read_only: bool = False,
        on_outbox_commit: Callable[[], None] | None = None,
        writers: asyncio.Lock | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._read_only = read_only
        self._on_outbox_commit = on_outbox_commit
        self._session: AsyncSession | None = None
        self._outbox: SqlOutboxRepository
        self._writers = None if read_only else writers
        self._queued: contextvars.Token[bool] | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use")
        if self._writers is not None and not _holding.get():
            await self._writers.acquire()
            self._queued = _holding.set(True)
        try:
            self._open()
        except BaseException:
            self._leave_queue()
            raise
        if self._read_only:
            # Options must be on the connection before its transaction begins (storage.db).
            try:
                await self._active().connection(
                    execution_options={READ_ONLY: True, "postgresql_readonly": True}
                )
            except BaseException:
                await self._active().close()
                self._session = None
                raise
        return self

    def _leave_queue(self) -> None:
        if self._queued is not None:
            _holding.reset(self._queued)
            self._queued = None
            assert self._writers is not None
            self._writers.release()

    def _open(self) -> None:
        session = self._sessionmaker()
        self._session = session
        self.companies = SqlCompanyRepository(session)
        self.products = SqlProductRepository(session)
        self.users = SqlUserRepository(session)
        self.identities = SqlIdentityRepository(session)
        self.agents = SqlAgentRepository(session)
        self.tickets = SqlTicketRepository(session)
        self.entries = SqlEntryRepository(session)
        self.refs = SqlMessageRefRepository(session)
        self.attachments = SqlAttachmentRepository(session)
        self.invites = SqlInviteRepository(session)
        self.registrations = SqlRegistrationRepository(session)
        self.support_tokens = SqlSupportTokenRepository(session)
        self.outbox = self._outbox = SqlOutboxRepository(session)
        self.inbox = SqlInboxRepository(session)
        self.sla_marks = SqlSlaMarkRepository(session)
        self.conversations = SqlConversationRepository(session)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._active(), None
        try:
            # After a commit there is nothing left to roll back; otherwise this is the undo.
            await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                self._leave_queue()

    async def commit(self) -> None:
        await self._active().commit()
        if self._on_outbox_commit is not None and self._outbox.added:
            # Wake the delivery worker now instead of at its next poll.
            self._outbox.added = 0
            self._on_outbox_commit()

    async def rollback(self) -> None:
        await self._active().rollback()

    def _active(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._session


class SqlUnitOfWorkFactory:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        # Called after a commit that wrote outbox messages (the delivery worker's wake-up).
        self.on_outbox_commit: Callable[[], None] | None = None
        self._writers = _writer_queue(sessionmaker)

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self._sessionmaker,
            read_only=read_only,
            on_outbox_commit=self.on_outbox_commit,
            writers=self._writers,
        )


if TYPE_CHECKING:
    # mypy proves here that the classes satisfy the core's ports.
    def _conforms(factory: SqlUnitOfWorkFactory, uow: SqlUnitOfWork) -> None:
        _factory: UnitOfWorkFactory = factory
        _uow: UnitOfWork = uow
