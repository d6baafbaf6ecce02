"""The report conversation on real storage, platform-neutral: what a customer says and sees."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.flows import actions
from bot.flows.engine import Deps, FlowLimits
from bot.flows.io import Command, Contact, FileKind, Files, IncomingFile, Press
from bot.flows.registry import build_conversations
from core.model import Audience, Product, Role, TicketStatus, TicketType
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.chat import Bot, Clock, Customer, add_linked_user

CHAT = "5001"


@pytest.fixture
async def world(sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> dict[str, object]:
    uow_factory = sqlite_uow_factory
    async with uow_factory() as uow:
        company = make.company(name="Biuro Rachunkowe")
        await uow.companies.add(company)
        for name in ("Faktury", "Kadry"):
            await uow.products.add(Product(company_id=company.id, name=name, license_number=name))
        anna = make.user(company.id, name="Anna", role=Role.MEMBER, language="pl", phone=None)
        await add_linked_user(uow, anna, chat_id=CHAT, platform_user_id="u1")
        await uow.commit()
    bot = Bot.build(
        uow_factory,
        tmp_path / "files",
        limits=FlowLimits(max_attachments=3, max_attachment_bytes=1000),
    )
    bot.files.download_limit_mb = 20  # as Telegram's
    customer = Customer(bot, "u1", CHAT, "Anna", "pl")
    return {"customer": customer, "deps": bot.deps, "clock": bot.clock, "company": company}


async def report_until_files(c: Customer) -> None:
    await c.send(Command("menu"))
    await c.press("Zgłoś problem")
    await c.press("Kadry")
    await c.press("Coś nie działa")
    await c.text("Lista płac się nie liczy")
    await c.text("Błąd <b>ZUS-17</b> & nic więcej")


async def test_a_full_report_opens_one_ticket_with_its_files(world: dict[str, object]) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    await report_until_files(c)
    c.files.blobs = {"f1": b"\x89PNG fake screenshot", "f2": b"%PDF-1.7 payslip"}
    said = await c.send(
        Files(
            (
                IncomingFile(FileKind.PHOTO, "f1", "11", 20, "screen.png", "image/png"),
                IncomingFile(FileKind.DOCUMENT, "f2", "12", 16, "lista.pdf", "application/pdf"),
            )
        )
    )
    assert "screen.png, lista.pdf (2 z 3)" in said[-1].text
    await c.press("Gotowe")
    await c.press("praca stoi")
    said = await c.send(Contact("+48600100200", own=True))
    assert said[0].clear_reply_keyboard
    summary = said[-1].text
    assert "Lista płac się nie liczy" in summary
    assert "Błąd &lt;b&gt;ZUS-17&lt;/b&gt; &amp; nic więcej" in summary, "typed text is escaped"
    assert "<b>Program:</b> Kadry" in summary
    said = await c.press("Wyślij zgłoszenie")
    assert "Czy możemy pomóc w czymś jeszcze?" in said[-1].text

    async with c.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(1)
        assert ticket is not None
        assert ticket.type is TicketType.ERROR
        assert ticket.status is TicketStatus.NEW
        assert ticket.work_blocked
        assert ticket.contact_phone == "+48600100200"
        files = await uow.attachments.list_for_ticket(ticket.id)
        assert sorted(f.file_name for f in files) == ["lista.pdf", "screen.png"]
        assert {f.sha256 for f in files} == {
            hashlib.sha256(b).hexdigest() for b in c.files.blobs.values()
        }
    assert {(e.audience, e.event_type) for e in c.bot.outbox.rows if e.event_type != "say"} >= {
        (Audience.AGENTS, "ticket.opened"),
        (Audience.CUSTOMER, "ticket.opened"),
    }

    # Pressing Confirm again (a redelivered update) opens nothing new.
    await c.send(Press(actions.flow("confirm"), "m1"))
    async with c.uow_factory() as uow:
        assert await uow.tickets.get_by_number(2) is None


async def test_back_returns_to_the_previous_question_keeping_answers(
    world: dict[str, object],
) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    await c.send(Command("new"))
    await c.press("Faktury")
    await c.press("Pytanie")
    said = await c.press("Wstecz")
    assert "Jakiego rodzaju" in said[-1].text
    said = await c.press("Wstecz")
    assert "Którego programu" in said[-1].text


async def test_cancel_leaves_nothing_and_shows_the_menu(world: dict[str, object]) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    await report_until_files(c)
    said = await c.press("Anuluj")
    assert "anulowano" in said[0].text
    assert "Zgłoś problem" in next(b.label for row in said[-1].buttons for b in row)
    async with c.uow_factory() as uow:
        assert await uow.tickets.get_by_number(1) is None


async def test_a_restart_resumes_the_report_where_it_was(world: dict[str, object]) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    await report_until_files(c)
    deps: Deps = world["deps"]  # type: ignore[assignment]
    bot = replace(c.bot, conversations=build_conversations(deps))
    restarted = Customer(bot, "u1", CHAT, "Anna", "pl", last=c.last)
    said = await restarted.press("Pomiń")
    assert "uniemożliwia Ci pracę" in said[-1].text


async def test_an_abandoned_report_expires_with_a_note(world: dict[str, object]) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    clock: Clock = world["clock"]  # type: ignore[assignment]
    await report_until_files(c)
    clock.at += timedelta(minutes=31)
    said = await c.text("halo?")
    assert "dłużej niż 30 minut" in said[0].text
    # "halo?" is then taken as a message, and with no open ticket the person is offered one.
    assert any("Nowe zgłoszenie" in b.label for row in said[-1].buttons for b in row)


async def test_refusals_are_explained_and_nothing_is_lost(world: dict[str, object]) -> None:
    c: Customer = world["customer"]  # type: ignore[assignment]
    await c.send(Command("new"))
    await c.press("Faktury")
    await c.press("Coś nie działa")
    said = await c.text("x" * 201)
    assert "201 znaków" in said[0].text
    await c.text("Krótki temat")
    await c.text("Opis")
    c.files.blobs = {"big": b"x" * 1001, "ok": b"ok"}
    said = await c.send(
        Files(
            (
                IncomingFile(FileKind.DOCUMENT, "big", "21", 10, "duzy.bin"),
                IncomingFile(FileKind.DOCUMENT, "huge", "22", 30 * 2**20, "ogromny.iso"),
                IncomingFile(FileKind.DOCUMENT, "ok", "23", 2, "maly.txt"),
            )
        )
    )
    texts = [s.text for s in said]
    assert any("duzy.bin" in t and "1 MB" not in t and "najwyżej 0 MB" in t for t in texts)
    assert any("ogromny.iso" in t and "20 MB" in t for t in texts)
    assert "maly.txt (1 z 3)" in texts[-1]
