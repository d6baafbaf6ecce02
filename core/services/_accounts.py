"""Creating company users and linking chats to them: shared by invites, self-registration and
vendor-signed links, so the user cap and language choice hold the same way for all three."""

from __future__ import annotations

import hashlib
import uuid

from core.context import Context
from core.errors import LimitExceeded, NotFound, RegistrationError
from core.model import ChatIdentity, Company, CustomerUser, Role
from core.ports import UnitOfWork


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def unlinked_identity(uow: UnitOfWork, identity_id: uuid.UUID) -> ChatIdentity:
    identity = await uow.identities.get(identity_id)
    if identity is None:
        raise NotFound("identity-not-found")
    if identity.user_id is not None:
        raise RegistrationError("already-linked")
    return identity


async def require_room(uow: UnitOfWork, company: Company) -> None:
    """A plan may cap how many of the company's users use the bot (seed 003)."""
    if company.max_users is not None and await uow.users.count_active(company.id) >= (
        company.max_users
    ):
        raise LimitExceeded("company-user-limit", limit=company.max_users)


def language_for(identity: ChatIdentity, ctx: Context) -> str:
    """The chat client's language when we speak it ("pl-PL" → "pl"), else the default."""
    code = (identity.language_code or "").split("-")[0].lower()
    return code if code in ctx.config.languages else ctx.config.default_language


async def create_user(
    uow: UnitOfWork,
    ctx: Context,
    company: Company,
    identity: ChatIdentity,
    role: Role,
    *,
    name: str | None,
    email: str | None = None,
) -> CustomerUser:
    """A new user of the company, linked to the chat it came from (checks the user cap)."""
    await require_room(uow, company)
    user = CustomerUser(
        company_id=company.id,
        role=role,
        name=(name or "").strip() or identity.display_name or _name_from(email),
        email=email,
        language=language_for(identity, ctx),
        created_at=ctx.clock.now(),
    )
    await uow.users.add(user)
    await link(uow, identity, user)
    return user


async def link(uow: UnitOfWork, identity: ChatIdentity, user: CustomerUser) -> None:
    identity.user_id = user.id
    identity.reachable = True  # they just wrote to us
    await uow.identities.update(identity)


def _name_from(email: str | None) -> str:
    return email.split("@")[0] if email else "?"
