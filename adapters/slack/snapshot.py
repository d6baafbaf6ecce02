"""What one desk delivery needs to know, read in one read-only unit of work: the ticket as it
is now (for the card), where its parent is in the support channel, and what the event and,
for a thread that starts now, the earlier history bring along."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from adapters.slack.blocks import TicketCard
from core import events as ev
from core.model import (
    Attachment,
    EntryKind,
    MessageRef,
    Plan,
    Platform,
    Role,
    SlaMarkKind,
    Ticket,
    TicketEntry,
)
from core.ports import UnitOfWork, UnitOfWorkFactory

__all__ = ["Earlier", "Snapshot", "load_snapshot", "refs_in_channel"]

SLACK = Platform.SLACK


@dataclass(frozen=True)
class Earlier:
    """A customer message agents have not seen in this channel yet."""

    entry: TicketEntry
    author: str
    files: Sequence[Attachment]


@dataclass
class Snapshot:
    ticket: Ticket
    card: TicketCard
    reporter_name: str
    anchor: MessageRef | None  # the parent in this channel, if posted
    files: list[Attachment] = field(default_factory=list)  # the event's own files
    entry_refs: list[MessageRef] = field(default_factory=list)  # the event entry's, here
    assignee_slack_id: str | None = None  # of the agent a TicketAssigned names
    entry_author: str | None = None  # who wrote the entry a CustomerMessageEdited changes
    # Only when the thread may start with this message: what came before it.
    opening_files: list[Attachment] = field(default_factory=list)
    earlier: list[Earlier] = field(default_factory=list)


async def load_snapshot(
    uow_factory: UnitOfWorkFactory,
    ticket_id: uuid.UUID,
    channel: str,
    event: ev.Event,
    until: datetime,
    *,
    history: bool,
) -> Snapshot | None:
    """None when the ticket is gone. The history up to `until` (the outbox message's time) is
    read when asked, or when the ticket has no parent here yet."""
    async with uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            return None
        card, reporter = await _card(uow, ticket)
        # The customer's own Slack DM has refs too: only this channel's anchor is the parent.
        anchor = await uow.refs.anchor(ticket.id, SLACK, channel)
        snap = Snapshot(ticket, card, reporter, anchor)
        await _event_data(uow, snap, channel, event)
        if history or anchor is None:
            await _history(uow, snap, channel, event, until)
    return snap


async def refs_in_channel(uow: UnitOfWork, entry_id: uuid.UUID, channel: str) -> list[MessageRef]:
    """The messages that show an entry in this channel, oldest first."""
    refs = [
        r
        for r in await uow.refs.for_entry(entry_id)
        if r.platform is SLACK and r.chat_id == channel
    ]
    return sorted(refs, key=lambda r: _ts_key(r.message_id))


async def _card(uow: UnitOfWork, ticket: Ticket) -> tuple[TicketCard, str]:
    """The card's content, and the reporter's name."""
    company = await uow.companies.get(ticket.company_id)
    reporter = await uow.users.get(ticket.reporter_id)
    product = await uow.products.get(ticket.product_id) if ticket.product_id else None
    agent = await uow.agents.get(ticket.assignee_id) if ticket.assignee_id else None
    reporter_name = reporter.name if reporter else "?"
    card = TicketCard(
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status,
        priority=ticket.priority,
        type=ticket.type,
        company=company.name if company else "?",
        plan=company.plan if company else Plan.BASIC,
        reporter=reporter_name,
        reporter_is_super_user=reporter is not None and reporter.role is Role.SUPER_USER,
        product=product.name if product else None,
        assignee_slack_id=agent.slack_user_id if agent else None,
        assignee_name=agent.display_name if agent else None,
        sla_due_at=ticket.sla_due_at,
        expected_close=ticket.expected_close,
        attachments=await uow.attachments.count_for_ticket(ticket.id),
        work_blocked=ticket.work_blocked,
        contact_phone=ticket.contact_phone,
        sla_breached=await _breached(uow, ticket),
    )
    return card, reporter_name


async def _breached(uow: UnitOfWork, ticket: Ticket) -> bool:
    """Whether the running SLA's due time was marked breached (core.services.sla_watch)."""
    if ticket.sla_due_at is None:
        return False
    return any(
        m.kind is SlaMarkKind.BREACHED and m.due_at == ticket.sla_due_at
        for m in await uow.sla_marks.list_for_tickets([ticket.id])
    )


async def _event_data(uow: UnitOfWork, snap: Snapshot, channel: str, event: ev.Event) -> None:
    ids: Sequence[uuid.UUID] = getattr(event, "attachment_ids", ())
    if isinstance(event, ev.AttachmentAdded):
        ids = (event.attachment_id,)
    snap.files = [a for a in [await uow.attachments.get(i) for i in ids] if a is not None]
    entry_id = getattr(event, "entry_id", None)
    if isinstance(entry_id, uuid.UUID):
        snap.entry_refs = await refs_in_channel(uow, entry_id, channel)
    if isinstance(event, ev.CustomerMessageEdited):
        entry = await uow.entries.get(event.entry_id)
        user_id = entry.author_user_id if entry else None
        author = await uow.users.get(user_id) if user_id else None
        snap.entry_author = author.name if author else None
    if isinstance(event, ev.TicketAssigned):
        agent = await uow.agents.get(event.agent_id)
        snap.assignee_slack_id = agent.slack_user_id if agent else None


async def _history(
    uow: UnitOfWork, snap: Snapshot, channel: str, event: ev.Event, until: datetime
) -> None:
    """The report's own files, and the customer messages not shown here yet (those written
    while the ticket waited for authorization, or whose delivery was given up)."""
    snap.opening_files = [
        a
        for a in await uow.attachments.list_for_ticket(snap.ticket.id)
        if a.entry_id is None and a.uploader_user_id is not None and a.created_at <= until
    ]
    # The event itself shows its own message.
    mine = (ev.CustomerMessageAdded, ev.CustomerMessageEdited)
    own_entry = event.entry_id if isinstance(event, mine) else None
    for entry in await uow.entries.list_for_ticket(snap.ticket.id, public_only=True):
        if (
            entry.kind is not EntryKind.CUSTOMER_MESSAGE
            or entry.created_at > until
            or entry.id == own_entry
            or await refs_in_channel(uow, entry.id, channel)
        ):
            continue
        author = await uow.users.get(entry.author_user_id) if entry.author_user_id else None
        files = await uow.attachments.list_for_entry(entry.id)
        snap.earlier.append(Earlier(entry, author.name if author else snap.reporter_name, files))


def _ts_key(ts: str) -> tuple[int, int]:
    """Slack's ts ("1712345678.000200") in time order."""
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds), int(fraction or 0)
    except ValueError:
        return (0, 0)
