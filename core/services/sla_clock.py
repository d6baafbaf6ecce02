"""The SLA clock of one ticket: started, paused while waiting for the customer, resumed, stopped.

`sla_due_at` is the breach time while the clock runs. While the ticket waits for the customer
the clock stops: the business time that was left is kept in `sla_remaining` and `sla_due_at`
is None, so a reminder job never fires for a ticket that is not support's to move.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core import sla
from core.model import Company, Priority, Ticket, TicketStatus

S = TicketStatus
_STOPPED = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})
_RESTARTS_FROM = frozenset({S.TO_AUTHORIZE, S.RESOLVED, S.CLOSED})


def start(ticket: Ticket, company: Company, now: datetime) -> None:
    ticket.sla_due_at = sla.due_at(now, ticket.priority, company.plan, company.calendar)
    ticket.sla_remaining = None


def follow(ticket: Ticket, company: Company, source: S, target: S, now: datetime) -> None:
    """Adjust the clock for a status move `source` → `target` happening at `now`."""
    if target in _STOPPED:
        ticket.sla_due_at = None
        ticket.sla_remaining = None
    elif target is S.WAITING_CUSTOMER:
        _pause(ticket, company, now)
    elif source is S.WAITING_CUSTOMER:
        _resume(ticket, company, now)
    elif source in _RESTARTS_FROM:
        # Authorized just now, or reopened: support's clock starts afresh.
        start(ticket, company, now)


def reprioritise(ticket: Ticket, company: Company, old: Priority, now: datetime) -> None:
    """Keep the business time already used, and change only the allowance.

    Recomputing from creation would forget pauses and restarts; restarting from now would give
    a raised priority more time, not less.
    """
    delta = _allowance(ticket.priority, company, now) - _allowance(old, company, now)
    if ticket.sla_due_at is not None:
        left = sla.business_time_between(now, ticket.sla_due_at, company.calendar) + delta
        ticket.sla_due_at = sla.add_business_time(now, left, company.calendar)
    elif ticket.sla_remaining is not None:
        ticket.sla_remaining += delta


def _allowance(priority: Priority, company: Company, now: datetime) -> timedelta:
    due = sla.due_at(now, priority, company.plan, company.calendar)
    return sla.business_time_between(now, due, company.calendar)


def _pause(ticket: Ticket, company: Company, now: datetime) -> None:
    if ticket.sla_due_at is None:
        return
    # Negative when already breached, so the breach survives the wait.
    ticket.sla_remaining = sla.business_time_between(now, ticket.sla_due_at, company.calendar)
    ticket.sla_due_at = None


def _resume(ticket: Ticket, company: Company, now: datetime) -> None:
    if ticket.sla_remaining is None:
        return
    ticket.sla_due_at = sla.add_business_time(now, ticket.sla_remaining, company.calendar)
    ticket.sla_remaining = None
