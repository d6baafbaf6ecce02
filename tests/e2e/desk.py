"""A support desk running against the Telegram emulator, shared by the end-to-end tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from adapters.telegram.emulator import SimUser, TelegramEmulator
from adapters.telegram.emulator.views import ViewMessage
from bot.runtime import Runtime
from bot.settings import Settings
from core.model import Agent, ChatIdentity, Company, CustomerUser, Platform, Product, Role

WAIT = 10.0


def png(width: int, height: int, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Desk:
    emu: TelegramEmulator
    runtime: Runtime
    anna: SimUser
    agent: Agent

    async def said(self, user: SimUser, fragment: str) -> ViewMessage:
        return await user.wait_for_message(lambda m: fragment in (m.text or ""), timeout=WAIT)

    async def shows(self, user: SimUser, label: str) -> ViewMessage:
        """The next bot message that offers a button labelled `label`."""
        return await user.wait_for_message(lambda m: m.button(label) is not None, timeout=WAIT)

    async def press(self, user: SimUser, label: str, then: str) -> ViewMessage:
        user.press(label)
        return await self.said(user, then)


def settings_for(emu: TelegramEmulator, tmp_path: Path, **more: object) -> Settings:
    defaults: dict[str, object] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "files_dir": tmp_path / "files",
        "telegram_bot_token": emu.token,
        "telegram_api_base_url": emu.url,
    }
    return Settings(_env_file=None, **(defaults | more))  # type: ignore[arg-type]


async def seed(runtime: Runtime, anna: SimUser) -> Agent:
    """A company with two programs, Anna linked to it, and an agent."""
    async with runtime.uow_factory() as uow:
        company = Company(name="Biuro Rachunkowe Nowak", tax_id="5250001009")
        await uow.companies.add(company)
        for name in ("Faktury", "Kadry i płace"):
            await uow.products.add(Product(company_id=company.id, name=name, license_number=name))
        user = CustomerUser(
            company_id=company.id, role=Role.MEMBER, name="Anna Nowak", language="pl"
        )
        await uow.users.add(user)
        await uow.identities.add(
            ChatIdentity(
                platform=Platform.TELEGRAM,
                platform_user_id=str(anna.id),
                chat_id=str(anna.chat_id),
                user_id=user.id,
            )
        )
        agent = Agent(slack_user_id="U0AGENT", display_name="Marek (wsparcie)")
        await uow.agents.add(agent)
        await uow.commit()
    return agent
