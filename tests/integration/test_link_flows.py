"""Linking chats to company users, on real storage and a real SMTP round trip.

People talk to the conversations as the Telegram adapter would hand their messages over; the
bot's replies are read from the outbox, per chat; verification e-mails travel over SMTP to an
aiosmtpd server on 127.0.0.1, and the code is read from the received e-mail's body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.flows import actions, link, report
from bot.flows.engine import Deps
from bot.flows.io import Button, Command, Press, Say
from bot.flows.router import Conversations
from bot.mail import MailError, MailRecipientRefused, SmtpMailer
from bot.signed_links import make_signed_link_payload
from core.actors import SystemActor
from core.commands import CreateInvite
from core.model import ChatIdentity, Company, CustomerUser, Platform, Product, Role
from core.services.invites import create_invite
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.chat import Bot, Chat, newest_button
from tests.mailroom import MailRoom, SmtpServer, free_port

SECRET = b"a-long-random-secret-shared-with-the-vendor"
NIP = "PL1234563218"
LICENSE = "WFK-2024-0001"


# -- an SMTP server on this machine: tests/mailroom.py -------------------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(MailRoom(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- the desk and the people talking to it ------------------------------------------------------


class TelegramLinks:
    def start_link(self, platform: Platform, payload: str) -> str:
        return f"https://t.me/supportbot_test?start={payload}"


class Desk(Bot):
    """The report and link flows, and what they know of the people talking to them."""

    def person(self, number: int, language: str | None = "en", name: str = "Anna") -> Person:
        return Person(self, f"u{number}", str(5000 + number), name, language)

    async def identity(self, person: Person) -> ChatIdentity:
        async with self.uow_factory(read_only=True) as uow:
            found = await uow.identities.get_by_platform_user(
                Platform.TELEGRAM, person.platform_user_id
            )
        assert found is not None
        return found

    async def user_of(self, person: Person) -> CustomerUser | None:
        identity = await self.identity(person)
        if identity.user_id is None:
            return None
        async with self.uow_factory(read_only=True) as uow:
            return await uow.users.get(identity.user_id)


class Person(Chat[str]):
    """A person at the desk; what the bot answers comes back as one text."""

    def answer(self, said: list[Say]) -> str:
        return _texts(said)

    async def start(self, payload: str = "") -> str:
        return _texts(await self.send(Command("start", payload)))

    def button(self, label: str) -> Button:
        """The newest button with that label, as a person scrolling up would find it."""
        return newest_button(self.seen, label)[1]


def _texts(says: list[Say]) -> str:
    return "\n".join(say.text for say in says)


def _report_and_link(deps: Deps) -> Conversations:
    conversations = Conversations(deps)
    report.install(conversations)
    link.install(conversations)
    return conversations


async def _desk(
    uow_factory: SqlUnitOfWorkFactory, tmp_path: Path, **deps_overrides: Any
) -> tuple[Desk, dict[str, Company]]:
    async with uow_factory() as uow:
        kowalski = make.company(name="Biuro Kowalski", tax_id=NIP)
        rossi = make.company(name="Rossi Srl", tax_id="IT01234567890")
        for owner, license_number in ((kowalski, LICENSE), (rossi, "SELLY-42")):
            await uow.companies.add(owner)
            await uow.products.add(
                Product(company_id=owner.id, name="Finanse", license_number=license_number)
            )
        await uow.commit()
    fields: dict[str, Any] = {"links": TelegramLinks(), "link_secret": SECRET}
    desk = Desk.build(
        uow_factory, tmp_path / "files", _report_and_link, **(fields | deps_overrides)
    )
    return desk, {"kowalski": kowalski, "rossi": rossi}


@pytest.fixture
async def world(
    sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path, smtp: SmtpServer
) -> tuple[Desk, dict[str, Company], MailRoom]:
    desk, companies = await _desk(sqlite_uow_factory, tmp_path, mailer=smtp.mailer())
    return desk, companies, smtp.room


World = tuple[Desk, dict[str, Company], MailRoom]


async def _add_user(desk: Desk, company: Company, **overrides: Any) -> CustomerUser:
    async with desk.uow_factory() as uow:
        user = make.user(company.id, **overrides)
        await uow.users.add(user)
        await uow.commit()
    return user


async def _invite(desk: Desk, company: Company, role: Role = Role.MEMBER) -> str:
    issued = await create_invite(
        CreateInvite(SystemActor(), role, company_id=company.id),
        desk.uow_factory(),
        desk.deps.ctx,
    )
    return issued.token


async def _register_until_code(person: Person, email: str = "anna@kowalski.test") -> str:
    await person.start()
    await person.press("Register my company")
    await person.text("PL 123-456-32-18")
    await person.text(LICENSE)
    return await person.text(email)


# -- first contact --------------------------------------------------------------------------------


async def test_a_stranger_is_welcomed_with_the_two_ways_in(world: World) -> None:
    desk, _, _ = world
    anna = desk.person(1)
    said = await anna.start()
    assert "linked to your company's account" in said
    assert any("I have an invitation" in label for label in anna.labels())
    assert any("Register my company's account" in label for label in anna.labels())
    said = await anna.press("I have an invitation")
    assert "administrator" in said
    assert "invitation link" in said
    # Anything typed before linking gets the same explanation, not silence.
    said = await anna.text("hello, my invoices do not print")
    assert "linked to your company's account" in said


# -- invite links ---------------------------------------------------------------------------------


async def test_an_invite_link_links_the_chat_with_the_invites_role(world: World) -> None:
    desk, companies, _ = world
    token = await _invite(desk, companies["kowalski"], Role.RESTRICTED)
    anna = desk.person(1)
    said = await anna.start(f"inv_{token}")
    assert "Welcome, Anna! This chat is now linked to <b>Biuro Kowalski</b>" in said
    assert "authorized" in said, "a restricted user learns their tickets need authorization"
    assert any("Report a problem" in label for label in anna.labels()), "the main menu follows"
    user = await desk.user_of(anna)
    assert user is not None
    assert (user.company_id, user.role) == (companies["kowalski"].id, Role.RESTRICTED)

    # Single use: the same link does nothing for the next person, who is told what to do.
    bob = desk.person(2, name="Bob")
    said = await bob.start(f"inv_{token}")
    assert "already used" in said
    assert "ask your company's administrator" in said
    assert any("Register" in label for label in bob.labels())
    assert await desk.user_of(bob) is None


async def test_an_expired_or_unknown_invite_is_explained(world: World) -> None:
    desk, companies, _ = world
    token = await _invite(desk, companies["kowalski"])
    desk.clock.wait(days=8)
    anna = desk.person(1)
    said = await anna.start(f"inv_{token}")
    assert "has expired" in said
    assert await desk.user_of(anna) is None
    said = await anna.start("inv_not-a-real-token")
    assert "not valid" in said
    # The bare token (as SPEC writes the deep link) works too.
    fresh = await _invite(desk, companies["kowalski"])
    said = await anna.start(fresh)
    assert "now linked to <b>Biuro Kowalski</b>" in said


async def test_a_linked_person_following_an_invite_is_never_moved(world: World) -> None:
    desk, companies, _ = world
    anna = desk.person(1)
    await anna.start(f"inv_{await _invite(desk, companies['kowalski'])}")
    first = await desk.user_of(anna)

    said = await anna.start(f"inv_{await _invite(desk, companies['kowalski'])}")
    assert "already linked to your account at Biuro Kowalski" in said
    said = await anna.start(f"inv_{await _invite(desk, companies['rossi'])}")
    assert "This invitation is for another company" in said
    assert "linked to Biuro Kowalski and stays that way" in said
    assert any("Report a problem" in label for label in anna.labels())
    assert await desk.user_of(anna) == first


# -- vendor-signed links --------------------------------------------------------------------------


async def test_a_signed_link_logs_a_known_user_in(world: World) -> None:
    desk, companies, _ = world
    known = await _add_user(desk, companies["kowalski"], name="Piotr", language="pl")
    payload = make_signed_link_payload(SECRET, known.id, desk.clock.at + timedelta(minutes=5))
    piotr = desk.person(1, language="en")
    said = await piotr.start(payload)
    assert "Witamy, Piotr! Ten czat jest teraz połączony z firmą <b>Biuro Kowalski</b>" in said
    assert (await desk.identity(piotr)).user_id == known.id
    # The same link again (a double tap) changes nothing and says so.
    said = await piotr.start(payload)
    assert "już połączony" in said


async def test_tampered_and_expired_signed_links_are_refused(world: World) -> None:
    desk, companies, _ = world
    known = await _add_user(desk, companies["kowalski"])
    payload = make_signed_link_payload(SECRET, known.id, desk.clock.at + timedelta(minutes=5))
    stranger = desk.person(1)
    tampered = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    said = await stranger.start(tampered)
    assert "not valid or has expired" in said
    assert any("Register" in label for label in stranger.labels()), "and what to do instead"
    desk.clock.wait(minutes=5)
    said = await stranger.start(payload)
    assert "not valid or has expired" in said
    assert await desk.user_of(stranger) is None


async def test_signed_links_are_off_without_a_secret(
    sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path
) -> None:
    desk, companies = await _desk(sqlite_uow_factory, tmp_path, link_secret=b"")
    known = await _add_user(desk, companies["kowalski"])
    payload = make_signed_link_payload(SECRET, known.id, desk.clock.at + timedelta(minutes=5))
    anna = desk.person(1)
    said = await anna.start(payload)
    assert "not switched on" in said
    assert await desk.user_of(anna) is None


async def test_a_signed_link_for_someone_else_does_not_switch_accounts(world: World) -> None:
    desk, companies, _ = world
    anna_user = await _add_user(desk, companies["kowalski"], name="Anna")
    other = await _add_user(desk, companies["kowalski"], name="Ewa")
    soon = desk.clock.at + timedelta(minutes=5)
    anna = desk.person(1)
    await anna.start(make_signed_link_payload(SECRET, anna_user.id, soon))
    said = await anna.start(make_signed_link_payload(SECRET, other.id, soon))
    assert "already linked to another account" in said
    assert (await desk.identity(anna)).user_id == anna_user.id


# -- self-registration ----------------------------------------------------------------------------


async def test_registration_by_e_mail_code_makes_the_first_user_super_user(world: World) -> None:
    desk, companies, mail = world
    anna = desk.person(1, language="pl")
    await anna.start()
    said = await anna.press("Zarejestruj konto mojej firmy")
    assert "Podaj NIP firmy" in said
    said = await anna.text("PL 123-456-32-18")
    assert "Znaleziono: <b>Biuro Kowalski</b>" in said
    said = await anna.text(LICENSE)
    assert "adres e-mail" in said
    said = await anna.text("anna@kowalski.test")
    assert "Wysłaliśmy kod na adres <b>anna@kowalski.test</b>" in said
    assert "kilku minutach" in said, "seed 000: the e-mail may take a few minutes"
    assert "15 minut" in said

    email = mail.last_to("anna@kowalski.test")
    assert email["Subject"] == "Kod weryfikacyjny do czatu pomocy technicznej"
    assert email["From"] == "Wsparcie <support@vendor.test>"
    assert email["Message-ID"].endswith("@vendor.test>")
    assert email["Date"]
    assert email.get_content_type() == "text/plain"
    assert email.get_content_charset() == "utf-8"
    assert "Biuro Kowalski" in email.get_content()
    code = mail.code_sent_to("anna@kowalski.test")
    assert code not in said, "the code travels by e-mail only"

    said = await anna.text(f"{code[:3]} {code[3:]}")
    assert "Ten czat jest teraz połączony z firmą <b>Biuro Kowalski</b>" in said
    assert "Jesteś administratorem firmy" in said
    assert any("Zaproś współpracownika" in label for label in anna.labels())
    user = await desk.user_of(anna)
    assert user is not None
    assert user.role is Role.SUPER_USER
    assert (user.email, user.company_id, user.language) == (
        "anna@kowalski.test",
        companies["kowalski"].id,
        "pl",
    )

    # The next colleague who registers is a member.
    bob = desk.person(2, name="Bob")
    await _register_until_code(bob, "bob@kowalski.test")
    said = await bob.text(mail.code_sent_to("bob@kowalski.test"))
    assert "You can report problems" in said
    bob_user = await desk.user_of(bob)
    assert bob_user is not None
    assert bob_user.role is Role.MEMBER


async def test_each_refusal_keeps_the_person_on_the_step_to_put_right(world: World) -> None:
    desk, _, _ = world
    anna = desk.person(1)
    await anna.start()
    await anna.press("Register my company")
    said = await anna.text("hello")
    assert "does not look like a tax number" in said
    said = await anna.text("PL 999-999-99-99")
    assert "found no company with that tax number" in said
    said = await anna.text("1234563218")  # as typed, then without the country prefix: no
    assert "found no company" in said
    said = await anna.text("pl1234563218")
    assert "Found: <b>Biuro Kowalski</b>" in said
    said = await anna.text("SELLY-42")  # a license of another company
    assert "does not match any program of this company" in said
    said = await anna.text(LICENSE)
    assert "Which e-mail address" in said
    said = await anna.text("anna(at)kowalski")
    assert "does not look like an e-mail address" in said
    said = await anna.text("anna@kowalski.test")
    assert "We have sent a code" in said


async def test_back_and_cancel_in_the_registration(world: World) -> None:
    desk, _, _ = world
    anna = desk.person(1)
    await anna.start()
    await anna.press("Register my company")
    await anna.text(NIP)
    said = await anna.press("Back")
    assert "tax number" in said
    await anna.text(NIP)
    said = await anna.press("Cancel")
    assert "Registration cancelled" in said
    assert any("I have an invitation" in label for label in anna.labels())
    said = await anna.text(LICENSE)
    assert "linked to your company's account" in said, "the flow is over"


async def test_a_wrong_code_tells_the_tries_left_and_five_lock_it(world: World) -> None:
    desk, _, mail = world
    anna = desk.person(1)
    await _register_until_code(anna)
    code = mail.code_sent_to("anna@kowalski.test")
    wrong = "000000" if code != "000000" else "111111"
    said = await anna.text(wrong)
    assert "You have 4 more tries" in said
    said = await anna.text("12345")
    assert "6-digit code" in said, "not a code at all: no try is used up"
    for left in (3, 2):
        said = await anna.text(wrong)
        assert f"You have {left} more tries" in said
    said = await anna.text(wrong)
    assert "You have one more try" in said
    said = await anna.text(wrong)
    assert "Too many wrong codes" in said
    said = await anna.text(code)
    assert "Too many wrong codes" in said, "locked even for the right code"
    assert await desk.user_of(anna) is None

    desk.clock.wait(seconds=61)
    said = await anna.press("Send a new code")
    assert "A new code is on its way to <b>anna@kowalski.test</b>" in said
    fresh = mail.code_sent_to("anna@kowalski.test")
    said = await anna.text(fresh)
    assert "now linked" in said


async def test_a_wrong_code_then_the_right_one(world: World) -> None:
    desk, _, mail = world
    anna = desk.person(1)
    await _register_until_code(anna)
    code = mail.code_sent_to("anna@kowalski.test")
    said = await anna.text("000000" if code != "000000" else "111111")
    assert "not right" in said
    said = await anna.text(code)
    assert "now linked to <b>Biuro Kowalski</b>" in said


async def test_a_new_code_waits_for_the_cooldown_and_replaces_the_old_one(world: World) -> None:
    desk, _, mail = world
    anna = desk.person(1)
    await _register_until_code(anna)
    old = mail.code_sent_to("anna@kowalski.test")
    desk.clock.wait(seconds=20)
    said = await anna.press("Send a new code")
    assert "A new code can be sent in 40 seconds" in said
    assert len(mail.received) == 1
    desk.clock.wait(seconds=41)
    said = await anna.press("Send a new code")
    assert "A new code is on its way" in said
    assert len(mail.received) == 2
    new = mail.code_sent_to("anna@kowalski.test")
    if new != old:
        said = await anna.text(old)
        assert "not right" in said
    said = await anna.text(new)
    assert "now linked" in said


async def test_change_e_mail_on_the_code_step(world: World) -> None:
    desk, _, mail = world
    anna = desk.person(1)
    await _register_until_code(anna, "anna@typo.test")
    said = await anna.press("Change e-mail")
    assert "Which e-mail address" in said
    said = await anna.text("anna@kowalski.test")
    assert "Please wait 60 seconds" in said, "the cooldown holds for a new address too"
    desk.clock.wait(seconds=61)
    said = await anna.press("Send the code")
    assert "We have sent a code to <b>anna@kowalski.test</b>" in said
    said = await anna.text(mail.code_sent_to("anna@kowalski.test"))
    assert "now linked" in said
    user = await desk.user_of(anna)
    assert user is not None
    assert user.email == "anna@kowalski.test"


async def test_a_full_company_is_explained_at_the_e_mail_step(world: World) -> None:
    desk, companies, _ = world
    async with desk.uow_factory() as uow:
        kowalski = companies["kowalski"]
        kowalski.max_users = 1
        await uow.companies.update(kowalski)
        await uow.commit()
    await _add_user(desk, kowalski, email="boss@kowalski.test")
    anna = desk.person(1)
    said = await _register_until_code(anna)
    assert "allows 1 users of this chat, and they are all taken" in said
    assert "We have sent" not in said


async def test_a_mail_server_outage_loses_nothing_and_a_retry_works(
    sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path
) -> None:
    server = SmtpServer(MailRoom(), free_port())  # not started: connections are refused
    desk, _ = await _desk(sqlite_uow_factory, tmp_path, mailer=server.mailer())
    anna = desk.person(1)
    try:
        said = await _register_until_code(anna)
        assert "could not send the e-mail right now" in said
        assert "Your details are saved" in said
        assert any("Try again" in label for label in anna.labels())
        async with desk.uow_factory(read_only=True) as uow:
            identity = await desk.identity(anna)
            assert await uow.registrations.latest_for_identity(identity.id) is not None

        server.start()
        server.room.down = True  # up, but answering "try again later"
        desk.clock.wait(seconds=61)
        said = await anna.press("Try again")
        assert "could not send the e-mail right now" in said

        server.room.down = False
        said = await anna.press("Try again")
        assert "new code can be sent in" in said, "the core's cooldown still holds"
        desk.clock.wait(seconds=61)
        said = await anna.press("Try again")
        assert "A new code is on its way to <b>anna@kowalski.test</b>" in said
        said = await anna.text(server.room.code_sent_to("anna@kowalski.test"))
        assert "now linked to <b>Biuro Kowalski</b>" in said
    finally:
        server.stop()


async def test_an_address_the_server_refuses_is_asked_again(world: World) -> None:
    desk, _, _ = world
    anna = desk.person(1)
    said = await _register_until_code(anna, "nobody@kowalski.test")
    assert "did not accept nobody@kowalski.test" in said


async def test_without_a_mailer_registration_points_to_invitations(
    sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path
) -> None:
    desk, _ = await _desk(sqlite_uow_factory, tmp_path, mailer=None)
    anna = desk.person(1)
    await anna.start()
    said = await anna.press("Register my company")
    assert "Registration by e-mail is not available here" in said
    assert "invitation link" in said


# -- the mailer on its own ------------------------------------------------------------------------


async def test_the_mailer_raises_typed_errors_without_the_message(smtp: SmtpServer) -> None:
    with pytest.raises(MailRecipientRefused) as refused:
        await smtp.mailer().send("nobody@kowalski.test", "Kod", "tajne 123456")
    assert "123456" not in str(refused.value)
    assert "nobody" not in str(refused.value), "the server's text, which may quote it, is left out"
    dead = SmtpMailer("127.0.0.1", free_port(), starttls=False, timeout=5, password="hunter2")
    with pytest.raises(MailError, match=r"127\.0\.0\.1"):
        await dead.send("anna@kowalski.test", "Kod", "tajne 123456")
    assert "hunter2" not in repr(dead)
    await smtp.mailer().send("anna@kowalski.test", "Zażółć gęślą jaźń", "Treść: żółw ✅")
    received = smtp.room.last_to("anna@kowalski.test")
    assert received["Subject"] == "Zażółć gęślą jaźń"
    assert received.get_content().strip() == "Treść: żółw ✅"


# -- language -------------------------------------------------------------------------------------


async def test_an_unlinked_person_picks_a_language_that_carries_onto_the_user(
    world: World,
) -> None:
    desk, _, mail = world
    anna = desk.person(1, language="de")  # a client language the bot does not speak
    said = await anna.start()
    assert "Welcome to the support chat" in said
    said = await anna.press("Language")
    assert {"English", "Polski", "Italiano", "Română"} <= {
        label.removeprefix("✅ ") for label in anna.labels()
    }
    said = await anna.press("Italiano")
    assert "d'ora in poi ti scrivo in italiano" in said
    assert "Ti diamo il benvenuto" in said
    said = await anna.press("Registra l'account")
    assert "partita IVA" in said
    await anna.text(NIP)
    # Changing language mid-registration asks the same question again, in the new language.
    await anna.send(Press(actions.lang("ro"), "m2"))
    said = _texts(anna.last)
    assert "de acum vă scriu în limba română" in said
    assert "numărul de licență" in said
    said = _texts(await anna.send(Command("language")))
    assert "Alegeți limba" in said
    said = await anna.press("Înapoi")
    assert "numărul de licență" in said, "back to the question, the registration goes on"
    await anna.text(LICENSE)
    said = await anna.text("anna@kowalski.test")
    assert "Am trimis un cod" in said
    assert mail.last_to("anna@kowalski.test")["Subject"] == (
        "Codul de verificare pentru chatul de suport"
    )
    said = await anna.text(mail.code_sent_to("anna@kowalski.test"))
    assert "Acest chat este acum legat de" in said
    user = await desk.user_of(anna)
    assert user is not None
    assert user.language == "ro"


async def test_a_linked_person_switches_language_from_the_menu(world: World) -> None:
    desk, companies, _ = world
    anna = desk.person(1, language="pl")
    await anna.start(f"inv_{await _invite(desk, companies['kowalski'])}")
    assert any("Język" in label for label in anna.labels())
    await anna.press("Język")
    assert any(label == "✅ Polski" for label in anna.labels()), "the current one is marked"
    said = await anna.press("English")
    assert "from now on I will write in English" in said
    assert any("Report a problem" in label for label in anna.labels())
    user = await desk.user_of(anna)
    assert user is not None
    assert user.language == "en"
    said = _texts(await anna.send(Command("language")))
    assert "Choose your language" in said


# -- inviting a colleague -------------------------------------------------------------------------


async def test_a_super_user_invites_a_colleague_who_joins_with_that_role(world: World) -> None:
    desk, companies, _ = world
    boss = desk.person(1, name="Boss")
    await boss.start(f"inv_{await _invite(desk, companies['kowalski'], Role.SUPER_USER)}")
    said = await boss.press("Invite a colleague")
    assert "Choose their role" in said
    said = await boss.press("Restricted member")
    assert "Invitation to Biuro Kowalski" in said
    assert "Role: Restricted member" in said
    assert "works only once" in said
    assert "Valid until: 3/9/26, 10:00" in said, "seven days, in the company's time zone"
    found = re.search(r"https://t\.me/supportbot_test\?start=(inv_[A-Za-z0-9_-]+)", said)
    assert found, said
    assert len(found.group(1)) <= 64
    assert "Anything else?" in said, "then the menu"

    colleague = desk.person(2, name="Carla")
    said = await colleague.start(found.group(1))
    assert "Welcome, Carla!" in said
    user = await desk.user_of(colleague)
    assert user is not None
    assert (user.company_id, user.role) == (companies["kowalski"].id, Role.RESTRICTED)


async def test_only_super_users_may_invite(world: World) -> None:
    desk, companies, _ = world
    member = desk.person(1)
    await member.start(f"inv_{await _invite(desk, companies['kowalski'])}")
    assert not any("Invite a colleague" in label for label in member.labels())
    said = _texts(await member.send(Press(actions.menu("invite"), "m1")))
    assert "You are not allowed to do that" in said


async def test_cancelling_an_invitation_creates_nothing(world: World) -> None:
    desk, companies, _ = world
    boss = desk.person(1)
    await boss.start(f"inv_{await _invite(desk, companies['kowalski'], Role.SUPER_USER)}")
    await boss.press("Invite a colleague")
    said = await boss.press("Cancel")
    assert "No invitation was created" in said
