"""What an actor asks the engine to do: one small frozen dataclass per service.

Commands carry the actor; the service decides (through core.policy) whether that actor may.
Adapters build them from platform payloads; nothing here knows a platform's words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.actors import Actor, AgentActor, CustomerActor, SystemActor
from core.model import Platform, Priority, Role, TicketStatus, TicketType
from core.ports import Scope

# -- values shared by several commands ------------------------------------------------------


@dataclass(frozen=True)
class PlatformMessage:
    """The platform message a command came from, so later edits can find their entry."""

    platform: Platform
    chat_id: str
    message_id: str


@dataclass(frozen=True)
class NewFile:
    """A file already streamed into the FileStore, to be recorded as an attachment."""

    file_name: str
    mime_type: str
    size: int
    sha256: str
    storage_key: str


# -- tickets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTicket:
    actor: CustomerActor
    type: TicketType
    subject: str
    description: str
    origin_platform: Platform
    origin_chat_id: str
    product_id: uuid.UUID | None = None  # may stay None when the company has exactly one
    work_blocked: bool = False
    contact_phone: str | None = None
    preferred_agent_id: uuid.UUID | None = None
    files: tuple[NewFile, ...] = ()
    # Chosen by the caller when the report starts, so a retried confirmation (a redelivered
    # update after a crash) finds the ticket it already opened instead of opening another.
    ticket_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AuthorizeTicket:
    actor: CustomerActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class RejectTicket:
    actor: CustomerActor
    ticket_id: uuid.UUID
    reason: str | None = None


@dataclass(frozen=True)
class AssignTicket:
    actor: AgentActor
    ticket_id: uuid.UUID
    assignee_id: uuid.UUID | None = None  # None: "assign to me"


@dataclass(frozen=True)
class ChangeStatus:
    actor: AgentActor
    ticket_id: uuid.UUID
    to: TicketStatus
    text: str | None = None  # the resolution when `to` is resolved; a reason otherwise


@dataclass(frozen=True)
class SetPriority:
    actor: AgentActor
    ticket_id: uuid.UUID
    priority: Priority


@dataclass(frozen=True)
class SetExpectedClose:
    actor: AgentActor
    ticket_id: uuid.UUID
    expected_close: date | None


@dataclass(frozen=True)
class RequestInfo:
    actor: AgentActor
    ticket_id: uuid.UUID
    text: str  # the question, sent to the customer


@dataclass(frozen=True)
class ResolveTicket:
    actor: AgentActor
    ticket_id: uuid.UUID
    resolution: str


@dataclass(frozen=True)
class ConfirmResolved:
    actor: CustomerActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class ReportNotSolved:
    actor: CustomerActor
    ticket_id: uuid.UUID
    text: str | None = None  # why not; added as a customer message


@dataclass(frozen=True)
class ReopenTicket:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID
    text: str | None = None


@dataclass(frozen=True)
class CloseTicket:
    actor: AgentActor | SystemActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class AutoCloseResolved:
    """Close every ticket resolved longer than `EngineConfig.auto_close_after` ago."""

    actor: SystemActor = field(default_factory=SystemActor)
    limit: int = 200


@dataclass(frozen=True)
class ArchiveTicket:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class UnarchiveTicket:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class RateTicket:
    actor: CustomerActor
    ticket_id: uuid.UUID
    rating: int
    comment: str | None = None


@dataclass(frozen=True)
class SendExtraMessage:
    """A super user's free-form message to support, outside any problem report (seed 003)."""

    actor: CustomerActor
    text: str
    origin_platform: Platform
    origin_chat_id: str
    subject: str | None = None  # None: the text's first line
    files: tuple[NewFile, ...] = ()
    # As OpenTicket's: chosen when the message is started, so a retried Send finds its ticket.
    ticket_id: uuid.UUID | None = None


# -- conversation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AddCustomerMessage:
    actor: CustomerActor
    ticket_id: uuid.UUID
    text: str
    files: tuple[NewFile, ...] = ()
    source: PlatformMessage | None = None


@dataclass(frozen=True)
class EditCustomerMessage:
    actor: CustomerActor
    entry_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class AddAgentReply:
    actor: AgentActor
    ticket_id: uuid.UUID
    text: str
    files: tuple[NewFile, ...] = ()
    source: PlatformMessage | None = None


@dataclass(frozen=True)
class EditAgentReply:
    """An agent edited a reply (the customer's copy follows) or a note (nobody is told)."""

    actor: AgentActor
    entry_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class AddInternalNote:
    actor: AgentActor
    ticket_id: uuid.UUID
    text: str
    source: PlatformMessage | None = None


@dataclass(frozen=True)
class MarkRead:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID


# -- attachments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AddAttachment:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID
    file: NewFile
    entry_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GetAttachment:
    """Ask to download one attachment; the service answers only if the actor may."""

    actor: Actor
    attachment_id: uuid.UUID


# -- linking chats to users -----------------------------------------------------------------


@dataclass(frozen=True)
class SeeIdentity:
    """A chat person wrote to the bot: record them, or refresh what the platform told us."""

    platform: Platform
    platform_user_id: str
    chat_id: str
    display_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class LinkIdentity:
    """Link a chat to a known user after the bot verified a vendor-signed link."""

    identity_id: uuid.UUID
    user_id: uuid.UUID


@dataclass(frozen=True)
class UnlinkIdentity:
    identity_id: uuid.UUID


@dataclass(frozen=True)
class CreateInvite:
    actor: CustomerActor | SystemActor  # a super user, or the operator (SystemActor)
    role: Role
    company_id: uuid.UUID | None = None  # required for the operator; a super user's own default


@dataclass(frozen=True)
class RedeemInvite:
    identity_id: uuid.UUID
    token: str
    name: str | None = None


@dataclass(frozen=True)
class StartRegistration:
    identity_id: uuid.UUID
    tax_id: str
    license_number: str
    email: str
    name: str | None = None


@dataclass(frozen=True)
class VerifyRegistration:
    identity_id: uuid.UUID
    code: str


@dataclass(frozen=True)
class ResendCode:
    identity_id: uuid.UUID


# -- company users --------------------------------------------------------------------------


@dataclass(frozen=True)
class SetLanguage:
    actor: CustomerActor
    language: str


@dataclass(frozen=True)
class ListCompanyUsers:
    actor: CustomerActor


@dataclass(frozen=True)
class SetUserRole:
    actor: CustomerActor
    user_id: uuid.UUID
    role: Role


@dataclass(frozen=True)
class SetUserActive:
    actor: CustomerActor
    user_id: uuid.UUID
    active: bool


# -- support tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateSupportToken:
    actor: CustomerActor
    # How long support may use it; None: EngineConfig.support_token_ttl. At most
    # EngineConfig.support_token_max_ttl.
    valid_for: timedelta | None = None


@dataclass(frozen=True)
class AttachSupportToken:
    actor: CustomerActor
    token_id: uuid.UUID
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class RevokeSupportToken:
    actor: CustomerActor
    token_id: uuid.UUID


@dataclass(frozen=True)
class ListSupportTokens:
    actor: CustomerActor


# -- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListTickets:
    """A page of tickets the actor may see, newest first.

    Customers get their own (members, restricted) or their company's (super users); the
    company and reporter filters are forced for them. Agents may filter freely.
    """

    actor: CustomerActor | AgentActor
    scope: Scope = Scope.ACTIVE
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None
    product_id: uuid.UUID | None = None
    statuses: frozenset[TicketStatus] | None = None
    company_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    priority: Priority | None = None
    before_number: int | None = None
    limit: int = 10
    sla_due_before: datetime | None = None  # the desk's "breaching" list


@dataclass(frozen=True)
class ShowTicket:
    actor: CustomerActor | AgentActor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class FindTicket:
    """A ticket by its human number (`#1042`), if the actor may see it."""

    actor: CustomerActor | AgentActor
    number: int


@dataclass(frozen=True)
class TicketStats:
    actor: AgentActor


@dataclass(frozen=True)
class DeskStatsQuery:
    """The desk's statistics over the last `days` days; `timezone` cuts the chart's days."""

    actor: AgentActor
    days: int = 7
    timezone: str = "UTC"
