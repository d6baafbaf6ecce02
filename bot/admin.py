"""The operator's shell commands: companies, products, invitations, agents.

Each opens the database, does one thing in one transaction and prints a short answer. Mistakes
(an unknown company, a duplicate tax id, an empty name) are `AdminError`s: the CLI prints them
in one line and exits non-zero.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.settings import Settings
from core.actors import SystemActor
from core.commands import CreateInvite
from core.context import Context, SystemClock, SystemSecrets
from core.errors import DomainError
from core.model import Company, Plan, Product, Role
from core.services.invites import create_invite
from storage.db import open_database
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

log = logging.getLogger(__name__)

Print = Callable[[str], None]


class AdminError(Exception):
    """A mistake in what the operator asked for, said in one line."""


@dataclass
class Shell:
    settings: Settings
    uow_factory: SqlUnitOfWorkFactory
    out: Print


@contextlib.asynccontextmanager
async def shell(settings: Settings, out: Print = print) -> AsyncIterator[Shell]:
    if settings.database_url.startswith("sqlite"):
        await upgrade(settings.database_url)  # embedded: keep the schema at head by itself
    try:
        database = await open_database(settings.database_url)
    except (OSError, OperationalError, DBAPIError) as exc:
        raise AdminError(f"cannot open the database: {type(exc).__name__}") from None
    try:
        yield Shell(settings, SqlUnitOfWorkFactory(database.sessionmaker), out)
    finally:
        await database.dispose()


async def find_company(uow: SqlUnitOfWork, ref: str) -> Company:
    """A company by tax id, id or exact name (case-insensitive)."""
    ref = ref.strip()
    company = await uow.companies.get_by_tax_id(ref)
    if company is None:
        with contextlib.suppress(ValueError):
            company = await uow.companies.get(uuid.UUID(ref))
    if company is None:
        named = [c for c in await uow.companies.list() if c.name.casefold() == ref.casefold()]
        if len(named) > 1:
            raise AdminError(f"several companies are named {ref!r}: use the tax id")
        company = named[0] if named else None
    if company is None:
        raise AdminError(f"no company {ref!r} (give its tax id, id or name; see `company list`)")
    return company


def _required(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise AdminError(f"{what} must not be empty")
    return value


async def company_add(
    sh: Shell, name: str, tax_id: str, plan: str, max_users: int | None
) -> Company:
    company = Company(
        name=_required(name, "the company name"),
        tax_id=_required(tax_id, "the tax id"),
        plan=Plan(plan),
        max_users=max_users,
    )
    async with sh.uow_factory() as uow:
        if await uow.companies.get_by_tax_id(company.tax_id) is not None:
            raise AdminError(f"a company with tax id {company.tax_id} exists already")
        await uow.companies.add(company)
        await uow.commit()
    sh.out(f"company added: {company.name} (tax id {company.tax_id}, id {company.id})")
    return company


async def company_list(sh: Shell) -> None:
    async with sh.uow_factory(read_only=True) as uow:
        companies = sorted(await uow.companies.list(), key=lambda c: c.name.casefold())
        if not companies:
            sh.out("no companies yet: add one with `supportbot company add NAME --tax-id ID`")
            return
        rows: list[tuple[str, ...]] = [("TAX ID", "NAME", "PLAN", "USERS", "PRODUCTS")]
        for company in companies:
            users = await uow.users.count_active(company.id)
            products = await uow.products.list_for_company(company.id)
            rows.append(
                (company.tax_id, company.name, company.plan.value, str(users), str(len(products)))
            )
    _table(sh.out, rows)


async def product_add(sh: Shell, company_ref: str, name: str, license_number: str) -> Product:
    async with sh.uow_factory() as uow:
        company = await find_company(uow, company_ref)
        product = Product(
            company_id=company.id,
            name=_required(name, "the product name"),
            license_number=_required(license_number, "the licence number"),
        )
        if await uow.products.find_by_license(company.id, product.license_number) is not None:
            raise AdminError(
                f"{company.name} already has a product with licence {product.license_number}"
            )
        await uow.products.add(product)
        await uow.commit()
    sh.out(f"product added to {company.name}: {product.name} (licence {product.license_number})")
    return product


async def user_invite(sh: Shell, company_ref: str, role: str, bot_username: str | None) -> str:
    """Create a single-use invitation and print the link that redeems it."""
    from bot.flows.link import INVITE_PREFIX

    async with sh.uow_factory(read_only=True) as uow:
        company = await find_company(uow, company_ref)
    ctx = Context(clock=SystemClock(), secrets=SystemSecrets())
    try:
        issued = await create_invite(
            CreateInvite(SystemActor("operator"), Role(role), company.id),
            sh.uow_factory(),
            ctx,
        )
    except DomainError as error:
        raise AdminError(f"cannot invite: {error}") from None
    payload = INVITE_PREFIX + issued.token
    link = f"https://t.me/{bot_username}?start={payload}" if bot_username else f"/start {payload}"
    until = f"{issued.invite.expires_at:%Y-%m-%d %H:%M} UTC"
    sh.out(f"invitation to {company.name} as {role.replace('_', ' ')}, single use, until {until}:")
    sh.out(link)
    return link


async def agent_list(sh: Shell) -> None:
    async with sh.uow_factory(read_only=True) as uow:
        agents = await uow.agents.list(active_only=False)
    if not agents:
        sh.out(
            "no agents yet: a Slack user becomes one by acting in the support channel "
            "(SLACK_SUPPORT_CHANNEL)"
        )
        return
    rows: list[tuple[str, ...]] = [("SLACK USER", "NAME", "ACTIVE")]
    rows += [(a.slack_user_id, a.display_name, "yes" if a.active else "no") for a in agents]
    _table(sh.out, rows)


def _table(out: Print, rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
