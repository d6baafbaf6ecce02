"""Self-registration (seed 000): company tax id + a license number of one of its products +
an e-mail address, then a 6-digit code sent to that address.

The service returns the raw code for the caller to e-mail; only a salted hash is stored, so a
database leak reveals no live code. Wrong tries count even though the call fails (that write is
the point), which makes `verify_registration` the one service that commits before raising.
"""

from __future__ import annotations

import hmac
import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from core.commands import ResendCode, StartRegistration, VerifyRegistration
from core.context import Context
from core.errors import NotFound, PermissionDenied, RegistrationError, ValidationError
from core.model import Company, CustomerUser, Registration, Role
from core.ports import UnitOfWork
from core.services._accounts import (
    create_user,
    link,
    require_room,
    sha256_hex,
    unlinked_identity,
)
from core.services._shared import load_company

CODE_DIGITS = 6
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAX_ID_NOISE = re.compile(r"[\s.\-/]")


@dataclass(frozen=True)
class IssuedCode:
    registration_id: uuid.UUID
    email: str
    code: str  # to be e-mailed, never stored
    expires_at: datetime


def code_hash(registration_id: uuid.UUID, code: str) -> str:
    """Salted with the registration id, so equal codes of two registrations hash apart."""
    return sha256_hex(f"{registration_id}:{code}")


async def start_registration(cmd: StartRegistration, uow: UnitOfWork, ctx: Context) -> IssuedCode:
    now, config = ctx.clock.now(), ctx.config
    email = cmd.email.strip()
    if not _EMAIL.match(email):
        raise ValidationError("email-invalid")
    async with uow:
        identity = await unlinked_identity(uow, cmd.identity_id)
        previous = await uow.registrations.latest_for_identity(identity.id)
        if previous is not None and previous.verified_at is None:
            # Starting over must not become a way around the resend cooldown (mail flooding).
            _require_cooled_down(previous, now, ctx)
        company = await _company_by_tax_id(uow, cmd.tax_id)
        if await uow.products.find_by_license(company.id, cmd.license_number.strip()) is None:
            raise NotFound("license-not-found")
        if await uow.users.get_by_email(company.id, email) is None:
            await require_room(uow, company)  # tell now, not after the e-mail round trip
        registration = Registration(
            identity_id=identity.id,
            company_id=company.id,
            email=email,
            code_hash="",
            expires_at=now + config.code_ttl,
            created_at=now,
            last_sent_at=now,
            name=(cmd.name or "").strip() or None,
        )
        code = _new_code(registration, ctx)
        await uow.registrations.add(registration)
        await uow.commit()
    return IssuedCode(registration.id, email, code, registration.expires_at)


async def verify_registration(
    cmd: VerifyRegistration, uow: UnitOfWork, ctx: Context
) -> CustomerUser:
    """Check the code; on success the chat becomes a user of the company.

    The first verified user of a company becomes its super user; later ones members, or
    restricted when the company says so. An e-mail already known in the company links to
    that user instead of making a second one.
    """
    now, max_tries = ctx.clock.now(), ctx.config.code_max_tries
    async with uow:
        identity = await unlinked_identity(uow, cmd.identity_id)
        registration = await _pending(uow, identity.id)
        if registration.tries >= max_tries:
            raise RegistrationError("code-locked")
        if now >= registration.expires_at:
            raise RegistrationError("code-expired")
        given = code_hash(registration.id, cmd.code.strip())
        if not hmac.compare_digest(given, registration.code_hash):
            registration.tries += 1
            await uow.registrations.update(registration)
            await uow.commit()
            left = max_tries - registration.tries
            if left <= 0:
                raise RegistrationError("code-locked")
            raise RegistrationError("code-wrong", tries_left=left)
        company = await load_company(uow, registration.company_id)
        user = await uow.users.get_by_email(company.id, registration.email)
        if user is None:
            user = await create_user(
                uow,
                ctx,
                company,
                identity,
                await _role_for_newcomer(uow, company),
                name=registration.name,
                email=registration.email,
            )
        elif not user.active:
            raise PermissionDenied("user-deactivated")
        else:
            await link(uow, identity, user)
        registration.verified_at = now
        await uow.registrations.update(registration)
        await uow.commit()
    return user


async def resend_code(cmd: ResendCode, uow: UnitOfWork, ctx: Context) -> IssuedCode:
    """A new code (the old one stops working) with fresh tries, within cooldown and limit."""
    now, config = ctx.clock.now(), ctx.config
    async with uow:
        identity = await unlinked_identity(uow, cmd.identity_id)
        registration = await _pending(uow, identity.id)
        if registration.resends >= config.code_resend_limit:
            raise RegistrationError("resend-limit", limit=config.code_resend_limit)
        _require_cooled_down(registration, now, ctx)
        code = _new_code(registration, ctx)
        registration.tries = 0
        registration.resends += 1
        registration.last_sent_at = now
        registration.expires_at = now + config.code_ttl
        await uow.registrations.update(registration)
        await uow.commit()
    return IssuedCode(registration.id, registration.email, code, registration.expires_at)


def normalise_tax_id(tax_id: str) -> str:
    """Spaces, dots and dashes do not count: "PL 123-456-32-18" is "PL1234563218"."""
    return _TAX_ID_NOISE.sub("", tax_id).upper()


async def _company_by_tax_id(uow: UnitOfWork, tax_id: str) -> Company:
    for candidate in dict.fromkeys((tax_id.strip(), normalise_tax_id(tax_id))):
        company = await uow.companies.get_by_tax_id(candidate) if candidate else None
        if company is not None:
            return company
    raise NotFound("company-not-found")


async def _pending(uow: UnitOfWork, identity_id: uuid.UUID) -> Registration:
    registration = await uow.registrations.latest_for_identity(identity_id)
    if registration is None or registration.verified_at is not None:
        raise RegistrationError("registration-not-started")
    return registration


def _require_cooled_down(registration: Registration, now: datetime, ctx: Context) -> None:
    wait = registration.last_sent_at + ctx.config.code_resend_cooldown - now
    if wait.total_seconds() > 0:
        raise RegistrationError("resend-too-soon", seconds=math.ceil(wait.total_seconds()))


def _new_code(registration: Registration, ctx: Context) -> str:
    code = ctx.secrets.digits(CODE_DIGITS)
    registration.code_hash = code_hash(registration.id, code)
    return code


async def _role_for_newcomer(uow: UnitOfWork, company: Company) -> Role:
    if not await uow.users.list_for_company(company.id):
        return Role.SUPER_USER
    return Role.RESTRICTED if company.new_users_restricted else Role.MEMBER
