"""SQL implementations of the repository ports in core.ports, one class per Protocol."""

from storage.repositories.directory import (
    SqlAgentRepository,
    SqlCompanyRepository,
    SqlIdentityRepository,
    SqlInviteRepository,
    SqlProductRepository,
    SqlRegistrationRepository,
    SqlSupportTokenRepository,
    SqlUserRepository,
)
from storage.repositories.messaging import SqlInboxRepository, SqlOutboxRepository
from storage.repositories.tickets import (
    SqlAttachmentRepository,
    SqlEntryRepository,
    SqlMessageRefRepository,
    SqlTicketRepository,
)

__all__ = [
    "SqlAgentRepository",
    "SqlAttachmentRepository",
    "SqlCompanyRepository",
    "SqlEntryRepository",
    "SqlIdentityRepository",
    "SqlInboxRepository",
    "SqlInviteRepository",
    "SqlMessageRefRepository",
    "SqlOutboxRepository",
    "SqlProductRepository",
    "SqlRegistrationRepository",
    "SqlSupportTokenRepository",
    "SqlTicketRepository",
    "SqlUserRepository",
]
