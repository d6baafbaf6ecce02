"""Flow completions and drop-offs reach /metrics: reports cancelled, left idle, and sent."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import REGISTRY

from bot.flows.io import Command
from core.model import Product, Role
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.chat import Bot, Customer, add_linked_user


def flows(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "supportbot_flows_total", {"flow": "report", "outcome": outcome}
    )
    return value or 0.0


async def report_start(c: Customer) -> None:
    await c.send(Command("menu"))
    await c.press("Report a problem")
    await c.press("Payroll")
    await c.press("A question")


async def test_started_completed_cancelled_and_expired_reports_are_counted(
    sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path
) -> None:
    async with sqlite_uow_factory() as uow:
        company = make.company()
        await uow.companies.add(company)
        for name in ("Payroll", "Invoicing"):
            await uow.products.add(Product(company_id=company.id, name=name, license_number=name))
        anna = make.user(company.id, role=Role.MEMBER, language="en", phone=None)
        await add_linked_user(uow, anna, chat_id="7001", platform_user_id="u7")
        await uow.commit()
    c = Customer(Bot.build(sqlite_uow_factory, tmp_path / "files"), "u7", "7001", "Anna", "en")
    before = {o: flows(o) for o in ("started", "completed", "cancelled", "expired", "interrupted")}

    await report_start(c)
    await c.press("Cancel")
    await report_start(c)
    await c.send(Command("menu"))  # went elsewhere mid-flow
    await report_start(c)
    c.bot.clock.wait(minutes=c.bot.deps.limits.idle_minutes + 1)
    await c.text("back after lunch")  # the half-made report expired meanwhile
    await report_start(c)
    await c.text("How do I print a payslip?")
    await c.text("Where is the print button?")
    await c.press("Skip")
    await c.press("No, I can keep working")
    await c.press("Skip")
    await c.press("Send the report")

    grown = {o: flows(o) - before[o] for o in before}
    assert grown == {"started": 4, "completed": 1, "cancelled": 2, "expired": 1, "interrupted": 0}
