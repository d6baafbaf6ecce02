"""The ticket lifecycle as data: which status may follow which, and who may move it there.

Services never set `ticket.status` themselves; they ask `check` and record `status_entry`, so
every move is both allowed by this table and visible in the history with actor and time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.errors import InvalidTransition
from core.model import AuthorKind, EntryKind, Ticket, TicketEntry, TicketStatus

S = TicketStatus


class Party(StrEnum):
    """Who takes a transition, as the table sees it (core.policy maps actors to parties)."""

    CUSTOMER = "customer"  # the reporter, or anyone who may act on the ticket as a customer
    SUPER_USER = "super_user"  # a super user of the ticket's company
    AGENT = "agent"  # an active agent
    SYSTEM = "system"  # the engine (auto-close, a customer message ending a wait)


@dataclass(frozen=True)
class Transition:
    source: TicketStatus
    target: TicketStatus
    parties: frozenset[Party]
    # Parties that may take this move only within the reopen window after resolution.
    windowed: frozenset[Party] = frozenset()


def _t(
    source: S, target: S, *parties: Party, windowed: frozenset[Party] = frozenset()
) -> Transition:
    return Transition(source, target, frozenset(parties) | windowed, windowed)


C, SU, A, SYS = Party.CUSTOMER, Party.SUPER_USER, Party.AGENT, Party.SYSTEM

TRANSITIONS: tuple[Transition, ...] = (
    _t(S.TO_AUTHORIZE, S.NEW, SU),  # authorize
    _t(S.TO_AUTHORIZE, S.REJECTED, SU),  # reject
    _t(S.NEW, S.IN_PROGRESS, A),
    _t(S.IN_PROGRESS, S.WAITING_CUSTOMER, A),
    # A customer message on a waiting ticket takes it back: the engine moves it for them.
    _t(S.WAITING_CUSTOMER, S.IN_PROGRESS, A, SYS),
    _t(S.NEW, S.RESOLVED, A),
    _t(S.IN_PROGRESS, S.RESOLVED, A),
    _t(S.WAITING_CUSTOMER, S.RESOLVED, A),
    _t(S.RESOLVED, S.CLOSED, C, A, SYS),  # customer confirms, agent closes, auto-close
    _t(S.RESOLVED, S.IN_PROGRESS, A, windowed=frozenset({C})),  # reopen / "not solved"
    _t(S.CLOSED, S.IN_PROGRESS, A),  # only an agent reopens a closed ticket
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


def find(source: TicketStatus, target: TicketStatus) -> Transition | None:
    return _BY_EDGE.get((source, target))


def allowed_targets(source: TicketStatus, parties: frozenset[Party]) -> list[TicketStatus]:
    """Where these parties could move a ticket from `source` (ignoring the reopen window)."""
    return [t.target for t in TRANSITIONS if t.source is source and t.parties & parties]


def reopen_window_open(ticket: Ticket, now: datetime, window: timedelta) -> bool:
    """Whether a customer may still reopen: resolved, and not longer ago than the window."""
    return (
        ticket.status is S.RESOLVED
        and ticket.resolved_at is not None
        and now < ticket.resolved_at + window
    )


def check(
    source: TicketStatus,
    target: TicketStatus,
    parties: frozenset[Party],
    *,
    window_open: bool,
) -> Transition:
    """The transition, if these parties may take it now; InvalidTransition otherwise."""
    transition = find(source, target)
    if transition is None or not transition.parties & parties:
        raise refusal(source, target)
    unconditional = transition.parties - transition.windowed
    if not unconditional & parties and not window_open:
        raise refusal(source, target, "reopen-expired")
    return transition


def refusal(
    source: TicketStatus, target: TicketStatus, code: str | None = None
) -> InvalidTransition:
    """The error for a move that may not happen; params name both ends for the message."""
    return InvalidTransition(code, **{"from": str(source), "to": str(target)})


def status_entry(
    ticket: Ticket,
    source: TicketStatus,
    target: TicketStatus,
    *,
    author_kind: AuthorKind,
    at: datetime,
    text: str = "",
    author_user_id: uuid.UUID | None = None,
    author_agent_id: uuid.UUID | None = None,
) -> TicketEntry:
    """The STATUS_CHANGE history entry recording one move."""
    return TicketEntry(
        ticket_id=ticket.id,
        kind=EntryKind.STATUS_CHANGE,
        author_kind=author_kind,
        text=text,
        created_at=at,
        author_user_id=author_user_id,
        author_agent_id=author_agent_id,
        data={"from": str(source), "to": str(target)},
    )
