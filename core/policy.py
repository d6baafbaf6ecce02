"""Every "may X do Y" in one place.

Rules (SPEC "People", seeds 003/004):
- a customer never touches another company's anything;
- a member or restricted user sees and acts on only the tickets they reported; a super user on
  every ticket of the company;
- an attachment goes only to whoever uploaded it and to agents, not even to a super user of the
  same company; files an agent sent go to the ticket's reporter too (they were sent to them);
- extra messages, support tokens, invites, user management and authorizing tickets are for
  super users;
- an active agent may do agent actions on every ticket; inactive agents and users nothing.

Functions here are pure: the services load what is needed and ask. `who_is` is the one async
helper, turning the actor of a command into the loaded user or agent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.actors import Actor, AgentActor, CustomerActor, SystemActor
from core.errors import PermissionDenied
from core.lifecycle import Party
from core.model import Agent, Attachment, AuthorKind, CustomerUser, Role, Ticket, TicketStatus
from core.ports import UnitOfWork


@dataclass(frozen=True)
class CustomerWho:
    user: CustomerUser

    @property
    def name(self) -> str:
        return self.user.name


@dataclass(frozen=True)
class AgentWho:
    agent: Agent

    @property
    def name(self) -> str:
        return self.agent.display_name


@dataclass(frozen=True)
class SystemWho:
    actor: SystemActor

    @property
    def name(self) -> str:
        return self.actor.name


Who = CustomerWho | AgentWho | SystemWho


async def who_is(uow: UnitOfWork, actor: Actor) -> Who:
    """Load the acting user or agent; PermissionDenied when unknown or deactivated."""
    match actor:
        case CustomerActor(user_id=user_id):
            user = await uow.users.get(user_id)
            if user is None or not user.active:
                raise PermissionDenied()
            return CustomerWho(user)
        case AgentActor(agent_id=agent_id):
            agent = await uow.agents.get(agent_id)
            if agent is None or not agent.active:
                raise PermissionDenied()
            return AgentWho(agent)
        case SystemActor():
            return SystemWho(actor)


def require(allowed: bool, code: str = "not-allowed") -> None:
    if not allowed:
        raise PermissionDenied(code)


def is_super_user_of(who: Who, company_id: uuid.UUID) -> bool:
    return (
        isinstance(who, CustomerWho)
        and who.user.active
        and who.user.company_id == company_id
        and who.user.role is Role.SUPER_USER
    )


def is_active_agent(who: Who) -> bool:
    return isinstance(who, AgentWho) and who.agent.active


def is_reporter(who: Who, ticket: Ticket) -> bool:
    return isinstance(who, CustomerWho) and who.user.id == ticket.reporter_id


def can_view_ticket(who: Who, ticket: Ticket) -> bool:
    if isinstance(who, SystemWho):
        return True
    if isinstance(who, AgentWho):
        return who.agent.active
    if not who.user.active or who.user.company_id != ticket.company_id:
        return False
    return who.user.role is Role.SUPER_USER or who.user.id == ticket.reporter_id


def can_act_as_customer(who: Who, ticket: Ticket) -> bool:
    """Write on a ticket as its customer side: the reporter, or a super user of the company."""
    return isinstance(who, CustomerWho) and can_view_ticket(who, ticket)


def can_manage_company(who: Who, company_id: uuid.UUID) -> bool:
    """Invites and the like: a super user of that company, or the operator (system)."""
    return isinstance(who, SystemWho) or is_super_user_of(who, company_id)


def can_download(who: Who, attachment: Attachment, ticket: Ticket) -> bool:
    if isinstance(who, SystemWho) or is_active_agent(who):
        return True
    if not isinstance(who, CustomerWho) or not can_view_ticket(who, ticket):
        return False
    if attachment.uploader_user_id is not None:
        return attachment.uploader_user_id == who.user.id
    # Sent by an agent: meant for the reporter, who got it in their chat anyway.
    return attachment.uploader_agent_id is not None and is_reporter(who, ticket)


_ARCHIVABLE_BY_CUSTOMER = frozenset(
    {TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.REJECTED}
)


def can_archive(who: Who, ticket: Ticket) -> bool:
    """Agents archive anything; customers only what is finished, so nothing open gets lost."""
    if is_active_agent(who):
        return True
    return can_act_as_customer(who, ticket) and ticket.status in _ARCHIVABLE_BY_CUSTOMER


def parties(who: Who, ticket: Ticket) -> frozenset[Party]:
    """The lifecycle parties this actor counts as for this ticket."""
    if isinstance(who, SystemWho):
        return frozenset({Party.SYSTEM})
    if isinstance(who, AgentWho):
        return frozenset({Party.AGENT}) if who.agent.active else frozenset()
    if not can_act_as_customer(who, ticket):
        return frozenset()
    if is_super_user_of(who, ticket.company_id):
        return frozenset({Party.CUSTOMER, Party.SUPER_USER})
    return frozenset({Party.CUSTOMER})


def author_kind(who: Who) -> AuthorKind:
    if isinstance(who, CustomerWho):
        return AuthorKind.CUSTOMER
    if isinstance(who, AgentWho):
        return AuthorKind.AGENT
    return AuthorKind.SYSTEM


__all__ = [
    "AgentWho",
    "CustomerWho",
    "SystemWho",
    "Who",
    "author_kind",
    "can_act_as_customer",
    "can_archive",
    "can_download",
    "can_manage_company",
    "can_view_ticket",
    "is_active_agent",
    "is_reporter",
    "is_super_user_of",
    "parties",
    "require",
    "who_is",
]
