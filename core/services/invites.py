"""Invites: single-use, expiring links that make a chat a new user of a company, with the role
whoever created the invite chose (the operator from the shell, or a super user)."""

from __future__ import annotations

from dataclasses import dataclass

from core import policy
from core.commands import CreateInvite, RedeemInvite
from core.context import Context
from core.errors import RegistrationError, ValidationError
from core.model import CustomerUser, Invite
from core.policy import CustomerWho
from core.ports import UnitOfWork
from core.services._accounts import create_user, sha256_hex, unlinked_identity
from core.services._shared import load_company


@dataclass(frozen=True)
class IssuedInvite:
    invite: Invite
    token: str  # shown once (in the deep link); only its hash is stored


async def create_invite(cmd: CreateInvite, uow: UnitOfWork, ctx: Context) -> IssuedInvite:
    now = ctx.clock.now()
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        company_id = cmd.company_id
        if company_id is None and isinstance(who, CustomerWho):
            company_id = who.user.company_id
        if company_id is None:
            raise ValidationError("company-required")
        policy.require(policy.can_manage_company(who, company_id))
        company = await load_company(uow, company_id)
        token = ctx.secrets.token()
        invite = Invite(
            token_hash=sha256_hex(token),
            company_id=company.id,
            role=cmd.role,
            expires_at=now + ctx.config.invite_ttl,
            created_at=now,
            created_by_user_id=who.user.id if isinstance(who, CustomerWho) else None,
        )
        await uow.invites.add(invite)
        await uow.commit()
    return IssuedInvite(invite, token)


async def redeem_invite(cmd: RedeemInvite, uow: UnitOfWork, ctx: Context) -> CustomerUser:
    """The chat becomes a new user of the invite's company; the invite is spent."""
    now = ctx.clock.now()
    async with uow:
        identity = await unlinked_identity(uow, cmd.identity_id)
        invite = await uow.invites.get_by_token_hash(sha256_hex(cmd.token.strip()))
        if invite is None:
            raise RegistrationError("invite-invalid")
        if invite.used_at is not None:
            raise RegistrationError("invite-used")
        if now >= invite.expires_at:
            raise RegistrationError("invite-expired")
        company = await load_company(uow, invite.company_id)
        user = await create_user(uow, ctx, company, identity, invite.role, name=cmd.name)
        invite.used_at = now
        invite.used_by_user_id = user.id
        await uow.invites.update(invite)
        await uow.commit()
    return user
