"""Opening tickets (problem reports and super users' extra messages), authorizing them, and
the customer's own housekeeping: archive and rating."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core import events as ev
from core import policy
from core.actors import AgentActor, CustomerActor
from core.commands import (
    ArchiveTicket,
    AuthorizeTicket,
    OpenTicket,
    RateTicket,
    RejectTicket,
    SendExtraMessage,
    UnarchiveTicket,
)
from core.context import Context
from core.errors import InvalidTransition, LimitExceeded, NotFound, ValidationError
from core.model import (
    Company,
    Plan,
    Priority,
    Product,
    Role,
    Ticket,
    TicketStatus,
    TicketType,
)
from core.policy import CustomerWho
from core.ports import Scope, TicketQuery, UnitOfWork
from core.services import sla_clock
from core.services._shared import (
    clean_text,
    load_company,
    load_customer,
    load_super_user,
    move,
    optional_text,
    publish,
    visible_ticket,
)
from core.services.attachments import record_files

S = TicketStatus

# Questions and requests can wait; an error in a program people use gets medium.
_BASE_PRIORITY = {
    TicketType.ERROR: Priority.MEDIUM,
    TicketType.QUESTION: Priority.LOW,
    TicketType.REQUEST: Priority.LOW,
    TicketType.OTHER: Priority.LOW,
    TicketType.EXTRA_MESSAGE: Priority.LOW,
}
_LADDER = (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.URGENT)


def initial_priority(type_: TicketType, work_blocked: bool, plan: Plan) -> Priority:
    """Impact "my work is blocked" raises urgency a step; a premium plan one more (seed 003)."""
    step = _LADDER.index(_BASE_PRIORITY[type_]) + work_blocked + (plan is Plan.PREMIUM)
    return _LADDER[min(step, len(_LADDER) - 1)]


async def _require_ticket_rate(uow: UnitOfWork, ctx: Context, who: CustomerWho) -> None:
    """At most `max_tickets_per_hour` new tickets per person: a script, or a person pressing
    on, cannot bury the desk (and every other customer's tickets) under new ones."""
    cap = ctx.config.max_tickets_per_hour
    if cap <= 0:
        return
    since = ctx.clock.now() - timedelta(hours=1)
    query = TicketQuery(reporter_id=who.user.id, scope=Scope.ANY, created_from=since, limit=cap)
    if len((await uow.tickets.list(query)).tickets) >= cap:
        raise LimitExceeded("ticket-rate", limit=cap)


async def open_ticket(cmd: OpenTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    """A customer reports a problem. A restricted reporter's ticket waits for a super user."""
    now, config = ctx.clock.now(), ctx.config
    if cmd.type is TicketType.EXTRA_MESSAGE:
        raise ValidationError("ticket-type-invalid")
    async with uow:
        who = await load_customer(uow, cmd.actor)
        if cmd.ticket_id is not None:
            earlier = await uow.tickets.get(cmd.ticket_id)
            if earlier is not None:
                if earlier.reporter_id != who.user.id:
                    raise NotFound("ticket-not-found")
                return earlier
        await _require_ticket_rate(uow, ctx, who)
        company = await load_company(uow, who.user.company_id)
        product = await _product(uow, company, cmd.product_id)
        restricted = who.user.role is Role.RESTRICTED
        ticket = Ticket(
            number=0,  # numbered just before it is stored: the number's lock is held to commit
            company_id=company.id,
            reporter_id=who.user.id,
            type=cmd.type,
            subject=clean_text(cmd.subject, config.max_subject_chars, "subject-empty"),
            description=clean_text(cmd.description, config.max_text_chars, "description-empty"),
            status=S.TO_AUTHORIZE if restricted else S.NEW,
            priority=initial_priority(cmd.type, cmd.work_blocked, company.plan),
            created_at=now,
            updated_at=now,
            origin_platform=cmd.origin_platform,
            origin_chat_id=cmd.origin_chat_id,
            product_id=product.id if product else None,
            work_blocked=cmd.work_blocked,
            contact_phone=(cmd.contact_phone or "").strip() or None,
            preferred_agent_id=await _preferred_agent(uow, cmd.preferred_agent_id),
        )
        if cmd.ticket_id is not None:
            ticket.id = cmd.ticket_id
        if ticket.status is S.NEW:
            sla_clock.start(ticket, company, now)
            await _assign_preferred(uow, ticket)
        ticket.number = await uow.tickets.next_number()
        await uow.tickets.add(ticket)
        attachments = await record_files(uow, ctx, who, ticket, cmd.files)
        opened: list[ev.TicketEvent] = [
            ev.TicketOpened(
                ticket_id=ticket.id,
                number=ticket.number,
                status=ticket.status,
                subject=ticket.subject,
                reporter_name=who.name,
                attachment_ids=tuple(a.id for a in attachments),
            )
        ]
        if restricted:
            opened.append(
                ev.AuthorizationRequested(
                    ticket_id=ticket.id,
                    number=ticket.number,
                    subject=ticket.subject,
                    reporter_name=who.name,
                )
            )
        await publish(uow, ctx, ticket, opened)
        await uow.commit()
    return ticket


async def send_extra_message(cmd: SendExtraMessage, uow: UnitOfWork, ctx: Context) -> Ticket:
    """A super user's "send us a message": its own ticket, shown to agents as from them."""
    now, config = ctx.clock.now(), ctx.config
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        if cmd.ticket_id is not None:
            earlier = await uow.tickets.get(cmd.ticket_id)
            if earlier is not None:
                if earlier.reporter_id != who.user.id:
                    raise NotFound("ticket-not-found")
                return earlier
        company = await load_company(uow, who.user.company_id)
        text = clean_text(cmd.text, config.max_text_chars)
        subject = optional_text(cmd.subject, config.max_subject_chars) or _first_line(text)
        ticket = Ticket(
            number=0,  # numbered just before it is stored, as in open_ticket
            company_id=company.id,
            reporter_id=who.user.id,
            type=TicketType.EXTRA_MESSAGE,
            subject=subject,
            description=text,
            status=S.NEW,
            priority=initial_priority(TicketType.EXTRA_MESSAGE, False, company.plan),
            created_at=now,
            updated_at=now,
            origin_platform=cmd.origin_platform,
            origin_chat_id=cmd.origin_chat_id,
        )
        if cmd.ticket_id is not None:
            ticket.id = cmd.ticket_id
        sla_clock.start(ticket, company, now)
        ticket.number = await uow.tickets.next_number()
        await uow.tickets.add(ticket)
        attachments = await record_files(uow, ctx, who, ticket, cmd.files)
        event = ev.ExtraMessageReceived(
            ticket_id=ticket.id,
            number=ticket.number,
            author_name=who.name,
            text=text,
            attachment_ids=tuple(a.id for a in attachments),
        )
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return ticket


async def authorize_ticket(cmd: AuthorizeTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    async with uow:
        who, ticket = await _as_super_user(uow, cmd.actor, cmd.ticket_id)
        event = await move(uow, ctx, who, ticket, S.NEW)  # starts the SLA clock
        await _assign_preferred(uow, ticket)
        await uow.tickets.update(ticket)
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return ticket


async def reject_ticket(cmd: RejectTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    async with uow:
        who, ticket = await _as_super_user(uow, cmd.actor, cmd.ticket_id)
        reason = optional_text(cmd.reason, ctx.config.max_text_chars) or ""
        event = await move(uow, ctx, who, ticket, S.REJECTED, reason)
        await uow.tickets.update(ticket)
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return ticket


async def archive_ticket(cmd: ArchiveTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    """Hide a ticket from lists; it stays searchable (seed 002). Nobody is notified."""
    return await _set_archived(cmd.actor, cmd.ticket_id, True, uow, ctx)


async def unarchive_ticket(cmd: UnarchiveTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    return await _set_archived(cmd.actor, cmd.ticket_id, False, uow, ctx)


async def rate_ticket(cmd: RateTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    """The reporter rates support 1-5 once the ticket is resolved or closed.

    A new rating replaces the old one: a mistapped star in a chat keyboard should be fixable,
    and agents are told each time.
    """
    if not 1 <= cmd.rating <= 5:
        raise ValidationError("rating-invalid", min=1, max=5)
    async with uow:
        who = await load_customer(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        policy.require(policy.is_reporter(who, ticket))
        if ticket.status not in (S.RESOLVED, S.CLOSED):
            raise InvalidTransition("rating-not-yet", status=str(ticket.status))
        ticket.csat_rating = cmd.rating
        ticket.csat_comment = optional_text(cmd.comment, ctx.config.max_text_chars)
        await uow.tickets.update(ticket)
        event = ev.TicketRated(
            ticket_id=ticket.id,
            number=ticket.number,
            rating=cmd.rating,
            comment=ticket.csat_comment,
        )
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return ticket


async def _set_archived(
    actor: CustomerActor | AgentActor,
    ticket_id: uuid.UUID,
    archived: bool,
    uow: UnitOfWork,
    ctx: Context,
) -> Ticket:
    async with uow:
        who = await policy.who_is(uow, actor)
        ticket = await visible_ticket(uow, who, ticket_id)
        policy.require(policy.can_archive(who, ticket))
        if ticket.archived is not archived:
            ticket.archived = archived
            ticket.updated_at = ctx.clock.now()
            await uow.tickets.update(ticket)
            await uow.commit()
    return ticket


async def _as_super_user(
    uow: UnitOfWork, actor: CustomerActor, ticket_id: uuid.UUID
) -> tuple[CustomerWho, Ticket]:
    who = await load_customer(uow, actor)
    ticket = await visible_ticket(uow, who, ticket_id)
    policy.require(policy.is_super_user_of(who, ticket.company_id))
    return who, ticket


async def _product(
    uow: UnitOfWork, company: Company, product_id: uuid.UUID | None
) -> Product | None:
    if product_id is None:
        # The report flow skips the question when there is only one answer.
        products = await uow.products.list_for_company(company.id)
        return products[0] if len(products) == 1 else None
    product = await uow.products.get(product_id)
    if product is None or product.company_id != company.id:
        raise NotFound("product-not-found")
    return product


async def _preferred_agent(uow: UnitOfWork, agent_id: uuid.UUID | None) -> uuid.UUID | None:
    if agent_id is None:
        return None
    if await uow.agents.get(agent_id) is None:
        raise NotFound("agent-not-found")
    return agent_id


async def _assign_preferred(uow: UnitOfWork, ticket: Ticket) -> None:
    """Once support may see a ticket, the preferred technician (seed 002) gets it, if still
    active; otherwise it waits in the unassigned queue like any other."""
    if ticket.preferred_agent_id is not None and ticket.assignee_id is None:
        agent = await uow.agents.get(ticket.preferred_agent_id)
        if agent is not None and agent.active:
            ticket.assignee_id = agent.id


def _first_line(text: str, limit: int = 80) -> str:
    line = text.splitlines()[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
