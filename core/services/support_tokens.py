"""Support access tokens (seed 003): a one-time code with an expiry that a super user creates
and attaches to a ticket, so agents may enter the customer's environment; revocable."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import timedelta

from core import events as ev
from core.commands import (
    AttachSupportToken,
    CreateSupportToken,
    ListSupportTokens,
    RevokeSupportToken,
)
from core.context import Context
from core.errors import NotFound, ValidationError
from core.model import SupportToken
from core.policy import CustomerWho
from core.ports import UnitOfWork
from core.services._shared import load_super_user, publish, visible_ticket

# No 0/O or 1/I: the code is read off a screen and typed. 32 symbols, so each digest byte
# picks one without bias (256 is a multiple of 32).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def token_code(random_token: str) -> str:
    """A code like ST-XXXX-XXXX from a random token (hashed, so any token spreads evenly)."""
    digest = hashlib.sha256(random_token.encode()).digest()
    letters = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:8])
    return f"ST-{letters[:4]}-{letters[4:]}"


async def create_support_token(
    cmd: CreateSupportToken, uow: UnitOfWork, ctx: Context
) -> SupportToken:
    now, config = ctx.clock.now(), ctx.config
    valid_for = config.support_token_ttl if cmd.valid_for is None else cmd.valid_for
    if not timedelta(0) < valid_for <= config.support_token_max_ttl:
        raise ValidationError()
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        token = SupportToken(
            code=token_code(ctx.secrets.token()),
            company_id=who.user.company_id,
            creator_id=who.user.id,
            expires_at=now + valid_for,
            created_at=now,
        )
        await uow.support_tokens.add(token)
        await uow.commit()
    return token


async def list_support_tokens(
    cmd: ListSupportTokens, uow: UnitOfWork, ctx: Context
) -> Sequence[SupportToken]:
    """The company's tokens still usable (not revoked, not expired)."""
    now = ctx.clock.now()
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        tokens = await uow.support_tokens.list_for_company(who.user.company_id)
    return [t for t in tokens if t.is_valid(now)]


async def attach_support_token(
    cmd: AttachSupportToken, uow: UnitOfWork, ctx: Context
) -> SupportToken:
    """Put the token on one ticket, where agents see it. One ticket at a time: attaching it
    elsewhere moves it."""
    now = ctx.clock.now()
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        token = await _own_token(uow, who, cmd.token_id)
        if token.revoked_at is not None:
            raise ValidationError("token-revoked")
        if not token.is_valid(now):
            raise ValidationError("token-expired")
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        if token.ticket_id == ticket.id:
            return token
        if token.ticket_id is not None:
            await _detach(uow, token.ticket_id, token.id)
        token.ticket_id = ticket.id
        ticket.support_token_id = token.id
        ticket.updated_at = now
        await uow.support_tokens.update(token)
        await uow.tickets.update(ticket)
        event = ev.SupportTokenAttached(
            ticket_id=ticket.id,
            number=ticket.number,
            token_id=token.id,
            code=token.code,
            expires_at=token.expires_at,
        )
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return token


async def revoke_support_token(
    cmd: RevokeSupportToken, uow: UnitOfWork, ctx: Context
) -> SupportToken:
    """The customer withdraws access; agents are told in the ticket's thread."""
    async with uow:
        who = await load_super_user(uow, cmd.actor)
        token = await _own_token(uow, who, cmd.token_id)
        if token.revoked_at is not None:
            return token
        token.revoked_at = ctx.clock.now()
        await uow.support_tokens.update(token)
        ticket = await uow.tickets.get(token.ticket_id) if token.ticket_id else None
        if ticket is not None:
            event = ev.SupportTokenRevoked(
                ticket_id=ticket.id, number=ticket.number, token_id=token.id, code=token.code
            )
            await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return token


async def _own_token(uow: UnitOfWork, who: CustomerWho, token_id: uuid.UUID) -> SupportToken:
    token = await uow.support_tokens.get(token_id)
    if token is None or token.company_id != who.user.company_id:
        raise NotFound("token-not-found")
    return token


async def _detach(uow: UnitOfWork, ticket_id: uuid.UUID, token_id: uuid.UUID) -> None:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is not None and ticket.support_token_id == token_id:
        ticket.support_token_id = None
        await uow.tickets.update(ticket)
