"""Talking on a ticket: customer messages, agent replies, internal notes, requests for more
information, edits, and read markers both ways (seed 002's !! and ??)."""

from __future__ import annotations

from core import events as ev
from core import policy
from core.commands import (
    AddAgentReply,
    AddCustomerMessage,
    AddInternalNote,
    EditAgentReply,
    EditCustomerMessage,
    MarkRead,
    PlatformMessage,
    RequestInfo,
)
from core.context import Context
from core.errors import InvalidTransition, NotFound
from core.model import (
    AuthorKind,
    EntryKind,
    MessageRef,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.policy import AgentWho
from core.ports import UnitOfWork
from core.services._shared import (
    SYSTEM,
    clean_text,
    customer_entry,
    load_agent,
    load_customer,
    move,
    publish,
    read_by,
    require_open_for_customer,
    take_in,
    visible_ticket,
)
from core.services.attachments import record_files

S = TicketStatus


async def add_customer_message(
    cmd: AddCustomerMessage, uow: UnitOfWork, ctx: Context
) -> TicketEntry:
    """A customer writes on an active ticket; one waiting for them goes back to support."""
    now = ctx.clock.now()
    async with uow:
        who = await load_customer(uow, cmd.actor)
        added = await _added_before(uow, cmd.source)
        if added is not None:
            # The same chat message again (its update redelivered after a crash, once the
            # core had committed it): on the ticket once, and not refused.
            return added
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        require_open_for_customer(ticket, ctx)
        text = _message_text(cmd.text, bool(cmd.files), ctx)
        entry = customer_entry(who, ticket, text, now)
        await uow.entries.add(entry)
        await _remember(uow, cmd.source, entry)
        files = await record_files(uow, ctx, who, ticket, cmd.files, entry.id)
        events: list[ev.TicketEvent] = [
            ev.CustomerMessageAdded(
                ticket_id=ticket.id,
                number=ticket.number,
                entry_id=entry.id,
                author_name=who.name,
                text=text,
                attachment_ids=tuple(f.id for f in files),
            )
        ]
        if ticket.status is S.WAITING_CUSTOMER:
            events.append(await move(uow, ctx, SYSTEM, ticket, S.IN_PROGRESS))
        # Answering means having read what support wrote.
        await read_by(uow, who, ticket, now)
        ticket.updated_at = now
        await uow.tickets.update(ticket)
        await publish(uow, ctx, ticket, events)
        await uow.commit()
    return entry


async def edit_customer_message(
    cmd: EditCustomerMessage, uow: UnitOfWork, ctx: Context
) -> TicketEntry:
    """The customer edited a message in their chat; the copy agents see follows."""
    async with uow:
        who = await load_customer(uow, cmd.actor)
        entry = await uow.entries.get(cmd.entry_id)
        if (
            entry is None
            or entry.kind is not EntryKind.CUSTOMER_MESSAGE
            or entry.author_user_id != who.user.id
        ):
            raise NotFound("entry-not-found")
        ticket = await visible_ticket(uow, who, entry.ticket_id)
        require_open_for_customer(ticket, ctx)
        text = clean_text(cmd.text, ctx.config.max_text_chars)
        if text != entry.text:
            await _edit(uow, ctx, entry, text)
            event = ev.CustomerMessageEdited(
                ticket_id=ticket.id, number=ticket.number, entry_id=entry.id, text=text
            )
            await publish(uow, ctx, ticket, [event])
            await uow.commit()
    return entry


async def add_agent_reply(cmd: AddAgentReply, uow: UnitOfWork, ctx: Context) -> TicketEntry:
    """An agent answers in the thread; it goes to the customer with the agent's name.

    Answering a new ticket takes it: in progress, and the replier's if nobody had it.
    """
    async with uow:
        who = await load_agent(uow, cmd.actor)
        ticket = await _agent_ticket(uow, who, cmd)
        text = _message_text(cmd.text, bool(cmd.files), ctx)
        entry = _agent_entry(who, ticket, EntryKind.AGENT_REPLY, text, ctx)
        await uow.entries.add(entry)
        await _remember(uow, cmd.source, entry)
        files = await record_files(uow, ctx, who, ticket, cmd.files, entry.id)
        # Who took the ticket comes before what they said; "in progress" a second before an
        # answer would only be noise (it stays in the history all the same).
        events = [e for e in await _responded(uow, ctx, who, ticket) if _not_a_move(e)]
        events.append(
            ev.AgentReplied(
                ticket_id=ticket.id,
                number=ticket.number,
                entry_id=entry.id,
                agent_id=who.agent.id,
                agent_name=who.name,
                text=text,
                attachment_ids=tuple(f.id for f in files),
            )
        )
        await publish(uow, ctx, ticket, events)
        await uow.commit()
    return entry


async def request_info(cmd: RequestInfo, uow: UnitOfWork, ctx: Context) -> TicketEntry:
    """Ask the customer something: the question goes to them and the ticket waits (the SLA
    clock stops) until they answer."""
    async with uow:
        who = await load_agent(uow, cmd.actor)
        ticket = await _agent_ticket(uow, who, cmd)
        text = clean_text(cmd.text, ctx.config.max_text_chars)
        entry = _agent_entry(who, ticket, EntryKind.AGENT_REPLY, text, ctx)
        entry.data = {"request_info": True}
        await uow.entries.add(entry)
        events = [e for e in await _responded(uow, ctx, who, ticket) if _not_a_move(e)]
        if ticket.status is not S.WAITING_CUSTOMER:  # asking again while waiting just asks
            await move(uow, ctx, who, ticket, S.WAITING_CUSTOMER)
            await uow.tickets.update(ticket)
        events.append(
            ev.InfoRequested(
                ticket_id=ticket.id,
                number=ticket.number,
                entry_id=entry.id,
                agent_name=who.name,
                text=text,
            )
        )
        await publish(uow, ctx, ticket, events)
        await uow.commit()
    return entry


async def add_internal_note(cmd: AddInternalNote, uow: UnitOfWork, ctx: Context) -> TicketEntry:
    """A note for agents only: it never reaches the customer, nor any customer query."""
    async with uow:
        who = await load_agent(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        text = clean_text(cmd.text, ctx.config.max_text_chars)
        entry = _agent_entry(who, ticket, EntryKind.INTERNAL_NOTE, text, ctx)
        await uow.entries.add(entry)
        await _remember(uow, cmd.source, entry)
        await read_by(uow, who, ticket, entry.created_at)
        event = ev.NoteAdded(
            ticket_id=ticket.id,
            number=ticket.number,
            entry_id=entry.id,
            agent_id=who.agent.id,
            agent_name=who.name,
            text=text,
        )
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return entry


async def edit_agent_reply(cmd: EditAgentReply, uow: UnitOfWork, ctx: Context) -> TicketEntry:
    """An agent edited their reply (the customer's copy follows) or note (nobody is told)."""
    async with uow:
        who = await load_agent(uow, cmd.actor)
        entry = await uow.entries.get(cmd.entry_id)
        if (
            entry is None
            or entry.kind not in (EntryKind.AGENT_REPLY, EntryKind.INTERNAL_NOTE)
            or entry.author_agent_id != who.agent.id
        ):
            raise NotFound("entry-not-found")
        ticket = await visible_ticket(uow, who, entry.ticket_id)
        text = clean_text(cmd.text, ctx.config.max_text_chars)
        if text != entry.text:
            await _edit(uow, ctx, entry, text)
            if entry.kind is EntryKind.AGENT_REPLY:
                event = ev.AgentReplyEdited(
                    ticket_id=ticket.id,
                    number=ticket.number,
                    entry_id=entry.id,
                    agent_name=who.name,
                    text=text,
                )
                await publish(uow, ctx, ticket, [event])
            await uow.commit()
    return entry


async def mark_read(cmd: MarkRead, uow: UnitOfWork, ctx: Context) -> int:
    """The actor looked at the ticket: the other side's entries are read. Returns how many."""
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        count = await read_by(uow, who, ticket, ctx.clock.now())
        await uow.commit()
    return count


async def _agent_ticket(uow: UnitOfWork, who: AgentWho, cmd: AddAgentReply | RequestInfo) -> Ticket:
    ticket = await visible_ticket(uow, who, cmd.ticket_id)
    if ticket.status is S.TO_AUTHORIZE:
        # The customer's company has not asked for support yet.
        raise InvalidTransition("ticket-not-authorized", number=ticket.number)
    return ticket


async def _responded(
    uow: UnitOfWork, ctx: Context, who: AgentWho, ticket: Ticket
) -> list[ev.TicketEvent]:
    """Bookkeeping after an agent wrote to the customer; returns the events it caused."""
    now = ctx.clock.now()
    found = await take_in(uow, ctx, who, ticket) if ticket.status is S.NEW else []
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    await read_by(uow, who, ticket, now)
    ticket.updated_at = now
    await uow.tickets.update(ticket)
    return found


def _not_a_move(event: ev.TicketEvent) -> bool:
    # "Waiting for you" says it all: an "in progress" a second earlier would only be noise.
    return not isinstance(event, ev.StatusChanged)


def _agent_entry(
    who: AgentWho, ticket: Ticket, kind: EntryKind, text: str, ctx: Context
) -> TicketEntry:
    return TicketEntry(
        ticket_id=ticket.id,
        kind=kind,
        author_kind=AuthorKind.AGENT,
        text=text,
        created_at=ctx.clock.now(),
        author_agent_id=who.agent.id,
    )


def _message_text(text: str, has_files: bool, ctx: Context) -> str:
    """A message needs words unless it carries files (a screenshot says enough)."""
    if has_files and not text.strip():
        return ""
    return clean_text(text, ctx.config.max_text_chars)


async def _edit(uow: UnitOfWork, ctx: Context, entry: TicketEntry, text: str) -> None:
    entry.text = text
    entry.edited_at = ctx.clock.now()
    await uow.entries.update(entry)


async def _added_before(uow: UnitOfWork, source: PlatformMessage | None) -> TicketEntry | None:
    if source is None:
        return None
    ref = await uow.refs.find(source.platform, source.chat_id, source.message_id)
    if ref is None or ref.entry_id is None:
        return None
    return await uow.entries.get(ref.entry_id)


async def _remember(uow: UnitOfWork, source: PlatformMessage | None, entry: TicketEntry) -> None:
    """Keep where the message came from, so the platform's later edit finds this entry."""
    if source is not None:
        await uow.refs.add(
            MessageRef(
                platform=source.platform,
                chat_id=source.chat_id,
                message_id=source.message_id,
                ticket_id=entry.ticket_id,
                entry_id=entry.id,
            )
        )


__all__ = [
    "add_agent_reply",
    "add_customer_message",
    "add_internal_note",
    "edit_agent_reply",
    "edit_customer_message",
    "mark_read",
    "request_info",
]
