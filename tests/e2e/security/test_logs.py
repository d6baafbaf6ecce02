"""Secrets never reach the logs: a whole scenario, every logger at DEBUG, searched afterwards.

The scenario touches every secret the bot handles: the Telegram bot token (in every Bot API
URL), the Slack bot token and signing secret (every Web API call, every signed request), the
link secret (button tags, a vendor-signed link), a verification code (a wrong one too), an
invite token and a support access token. httpx, python-telegram-bot, slack_sdk, Bolt, aiohttp
and SQLAlchemy are all turned up to DEBUG, as an operator chasing a problem would.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.signed_links import make_signed_link_payload
from core.actors import CustomerActor, SystemActor
from core.commands import AttachSupportToken, CreateInvite, CreateSupportToken
from core.context import Context
from core.model import Role
from core.services.invites import create_invite
from core.services.support_tokens import attach_support_token, create_support_token
from tests.e2e.test_agents_in_slack import WAIT, World, _world
from tests.mailroom import MailRoom, SmtpServer, free_port

LINK_SECRET = "log-test-link-secret-0f9e8d7c6b5a4"
_LOUD = ("", "httpx", "httpcore", "telegram", "slack_sdk", "slack_bolt", "aiohttp", "asyncio")
_LOUD += ("sqlalchemy", "aiosqlite", "aiosmtplib", "bot", "adapters", "core", "storage")


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged, formatted as an operator's log file shows it (tracebacks too)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG)
    # Only the bot's process: the test's SMTP server and the emulators stand for other machines.
    handler.addFilter(lambda r: not r.name.startswith("mail.log") and ".emulator" not in r.name)
    before = {name: logging.getLogger(name).level for name in _LOUD}
    for name in _LOUD:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


@pytest.mark.slow
async def test_no_secret_reaches_the_logs(tmp_path: Path, captured: io.StringIO) -> None:
    room = MailRoom()
    smtp = SmtpServer(room, free_port())
    smtp.start()
    try:
        async with _world(
            "http",
            tmp_path,
            link_secret=LINK_SECRET,
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_starttls=False,
        ) as world:
            secrets = await _scenario(world, room)
    finally:
        smtp.stop()
    log = captured.getvalue()
    # The capture is real: the Bot API, Slack's Web API and the signed events all logged.
    for sign_of_life in ("getUpdates", "chat.postMessage", "slack_bolt", "[redacted]"):
        assert sign_of_life in log, sign_of_life
    for name, value in secrets.items():
        assert value not in log, f"the {name} is in the logs"


async def _scenario(world: World, room: MailRoom) -> dict[str, str]:
    """Registration with a code (one wrong try first), an invite, a vendor-signed link, a
    ticket with an agent's reply from Slack, a support token on it; the secrets it used."""
    telegram, runtime = world.telegram, world.runtime
    gianni = telegram.add_user("Gianni", language_code="en")
    gianni.start()
    await _press(gianni, "🏢 Register my company's account", "tax number")
    gianni.send_text("5250001009")
    await _said(gianni, "license number")
    gianni.send_text("1")
    await _said(gianni, "e-mail address")
    gianni.send_text("gianni@example.com")
    await _said(gianni, "We have sent a code")
    code = room.code_sent_to("gianni@example.com")
    wrong = "000000" if code != "000000" else "111111"
    gianni.send_text(wrong)
    await _said(gianni, "not right")
    gianni.send_text(code)
    await _said(gianni, "Nowak Accounting")

    async with runtime.uow_factory(read_only=True) as uow:
        (company,) = await uow.companies.list()
    invite = await create_invite(
        CreateInvite(SystemActor(), Role.SUPER_USER, company_id=company.id),
        runtime.uow_factory(),
        Context.system(),
    )
    piotr = telegram.add_user("Piotr", language_code="en")
    piotr.start(f"inv_{invite.token}")
    await _said(piotr, "Nowak Accounting")
    async with runtime.uow_factory(read_only=True) as uow:
        users = await uow.users.list_for_company(company.id)
    boss = next(u for u in users if u.role is Role.SUPER_USER)

    link = make_signed_link_payload(
        LINK_SECRET.encode(), boss.id, datetime.now(UTC) + timedelta(minutes=5)
    )
    marta = telegram.add_user("Marta", language_code="en")
    marta.start(link)
    await _said(marta, "Nowak Accounting")

    card = await world.report()
    await world.alice.reply(card, "Please restart the service")
    await world.hears("Please restart the service")
    token = await create_support_token(
        CreateSupportToken(CustomerActor(boss.id)), runtime.uow_factory(), Context.system()
    )
    ticket = await world.ticket()
    await attach_support_token(
        AttachSupportToken(CustomerActor(boss.id), token.id, ticket.id),
        runtime.uow_factory(),
        Context.system(),
    )
    await world.card(lambda c: True)
    await world.idle()
    return {
        "Telegram bot token": telegram.token,
        "Slack bot token": world.slack.bot_token,
        "Slack signing secret": world.slack.signing_secret,
        "link secret": LINK_SECRET,
        "verification code": code,
        "invite token": invite.token,
        "signed link": link,
        "support token": token.code,
    }


async def _said(user: object, fragment: str) -> None:
    await user.wait_for_message(  # type: ignore[attr-defined]
        lambda m: fragment in (m.text or ""), timeout=WAIT
    )


async def _press(user: object, label: str, then: str) -> None:
    await user.wait_for_message(  # type: ignore[attr-defined]
        lambda m: m.button(label) is not None, timeout=WAIT
    )
    user.press(label)  # type: ignore[attr-defined]
    await _said(user, then)
