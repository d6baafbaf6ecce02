"""The playground's demo desk: one customer company, its people in Telegram, agents in Slack.

Written through the same unit of work the product uses, so the playground runs on the data
shapes an operator's `company add` / `user invite` would produce.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from core.model import Agent, ChatIdentity, Company, CustomerUser, Platform, Product, Role
from storage.uow import SqlUnitOfWorkFactory

COMPANY = "Nowak Accounting"
PRODUCTS = ("Invoicing", "Payroll", "Warehouse")


@dataclass(frozen=True)
class DemoCustomer:
    first_name: str
    last_name: str
    role: Role
    language: str


CUSTOMERS = (
    DemoCustomer("Anna", "Nowak", Role.MEMBER, "en"),
    DemoCustomer("Piotr", "Zieliński", Role.SUPER_USER, "pl"),
)
# The Slack emulator's default workspace has these two agents in #support.
AGENTS = ("alice", "bob")


async def seed(
    uow_factory: SqlUnitOfWorkFactory, tg: TelegramEmulator, slack: SlackEmulator
) -> None:
    """The company, its products, each demo customer as a Telegram user, the agents."""
    async with uow_factory() as uow:
        company = Company(name=COMPANY, tax_id="5250001009")
        await uow.companies.add(company)
        for number, name in enumerate(PRODUCTS, start=1):
            await uow.products.add(
                Product(company_id=company.id, name=name, license_number=f"LIC-{number:04}")
            )
        for person in CUSTOMERS:
            sim = tg.add_user(
                person.first_name, last_name=person.last_name, language_code=person.language
            )
            user = CustomerUser(
                company_id=company.id,
                role=person.role,
                name=f"{person.first_name} {person.last_name}",
                language=person.language,
            )
            await uow.users.add(user)
            await uow.identities.add(
                ChatIdentity(
                    platform=Platform.TELEGRAM,
                    platform_user_id=str(sim.id),
                    chat_id=str(sim.chat_id),
                    user_id=user.id,
                )
            )
        for name in AGENTS:
            member = slack.ws.user(name)
            await uow.agents.add(
                Agent(slack_user_id=member.id, display_name=member.real_name or member.name)
            )
        await uow.commit()
