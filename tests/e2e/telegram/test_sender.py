"""The Telegram sender against the emulator: what the customer sees, how it is threaded,
and what the delivery worker is told when Telegram says no."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from PIL import Image
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator import SimUser, TelegramEmulator
from adapters.telegram.emulator.html_check import parse_html
from adapters.telegram.sender import TelegramSender
from adapters.telegram.translate import translate
from bot.flows.io import SAY_EVENT, Button, Contact, Press, Say, keyboard, say_to_payload
from core.delivery import PermanentFailure, RetryLater, Unreachable
from core.model import Attachment, MessageRef, OutboxMessage, Platform
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWorkFactory
from tests.e2e.telegram.conftest import Customer, Updates
from tests.integration import builders as make

TELEGRAM = Platform.TELEGRAM


async def no_pushes(message: OutboxMessage) -> Sequence[Say]:
    raise AssertionError(f"unexpected push {message.event_type}")


@pytest.fixture
def sender(
    bot: Bot,
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
    signer: CallbackSigner,
) -> TelegramSender:
    return TelegramSender(bot, uow_factory, file_store, signer, no_pushes)


def say_message(customer: Customer, say: Say, **overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "chat_id": customer.chat_id,
        "event_type": SAY_EVENT,
        "payload": say_to_payload(say),
    }
    return make.outbox_message(**(fields | overrides))


MENU = keyboard(
    [Button("📝 Report a problem", "m:report"), Button("📋 My tickets", "m:tickets")],
    [Button("Help page", "", url="https://help.example/")],
)


async def test_a_say_with_buttons_and_a_press_that_verifies(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
) -> None:
    await sender.send(say_message(customer, Say("<b>Menu</b> — pick one &amp; go", MENU)))
    shown = await alice.wait_for_message()
    assert shown.text == "Menu — pick one & go"
    assert shown.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert shown.buttons == [["📝 Report a problem", "📋 My tickets"], ["Help page"]]
    assert shown.button("Help page") == {"text": "Help page", "url": "https://help.example/"}

    alice.press("📋 My tickets")
    [update] = await updates.take()
    inbound = translate(update, signer)
    assert inbound is not None
    assert inbound.input == Press("m:tickets", str(shown.message_id))


async def test_customer_text_in_a_say_shows_verbatim(
    sender: TelegramSender, customer: Customer, alice: SimUser
) -> None:
    # The flows escape what a person typed; the adapter keeps it as the person typed it.
    typed = "<b>not bold</b> &amp; <script>"
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    await sender.send(say_message(customer, Say(f"You wrote: {escaped}")))
    assert (await alice.wait_for_message()).text == f"You wrote: {typed}"


async def test_messages_about_a_ticket_are_threaded_under_its_anchor(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    first = Say("Ticket <b>#1042</b> is registered.", ticket_number=1042)
    await sender.send(say_message(customer, first))
    anchor = await alice.wait_for_message()
    assert anchor.reply_to_message_id is None

    reply = say_message(
        customer,
        Say("<b>Anna</b>: we are on it."),
        ticket_id=customer.ticket.id,
        payload=say_to_payload(Say("<b>Anna</b>: we are on it."))
        | {"entry_id": str(customer.reply.id)},
    )
    await sender.send(reply)
    threaded = await alice.wait_for_message()
    assert threaded.reply_to_message_id == anchor.message_id

    async with uow_factory(read_only=True) as uow:
        refs = await uow.refs.for_ticket(customer.ticket.id, TELEGRAM)
    assert [(r.message_id, r.entry_id) for r in refs] == [
        (str(anchor.message_id), None),
        (str(threaded.message_id), customer.reply.id),
    ]
    # A customer's Telegram reply to either message maps back to the ticket.
    async with uow_factory(read_only=True) as uow:
        found = await uow.refs.find(TELEGRAM, customer.chat_id, str(threaded.message_id))
    assert found is not None
    assert found.ticket_id == customer.ticket.id


async def test_an_anchor_the_customer_deleted_does_not_stop_delivery(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.refs.add(MessageRef(TELEGRAM, customer.chat_id, "999", customer.ticket.id))
        await uow.commit()
    await sender.send(say_message(customer, Say("Still here", ticket_number=1042)))
    shown = await alice.wait_for_message()
    assert (shown.text, shown.reply_to_message_id) == ("Still here", None)


async def test_a_long_text_arrives_in_parts_with_buttons_on_the_last(
    sender: TelegramSender, customer: Customer, alice: SimUser
) -> None:
    paragraphs = [f"<b>Step {n}</b>: " + "do this &amp; that " * 60 for n in range(12)]
    text = "\n\n".join(paragraphs)
    assert len(parse_html(text)[0]) > 10_000
    await sender.send(say_message(customer, Say(text, MENU)))
    shown = alice.bot_messages()
    assert len(shown) == 3
    assert all(m.text is not None and len(m.text) <= 4096 for m in shown)
    assert [bool(m.buttons) for m in shown] == [False, False, True]
    assert shown[1].text is not None
    assert shown[1].text.startswith("Step ")  # cut between paragraphs
    assert "typing" in alice.chat_actions


async def test_a_blocked_customer_is_unreachable_and_marked_so(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    alice.block()
    with pytest.raises(Unreachable, match="blocked") as caught:
        await sender.send(say_message(customer, Say("Your ticket was resolved")))
    assert caught.value.why == "blocked"  # what the agents are told (core.giving_up)
    async with uow_factory(read_only=True) as uow:
        identity = await uow.identities.get_by_chat(TELEGRAM, customer.chat_id)
    assert identity is not None
    assert identity.reachable is False


async def test_a_chat_that_does_not_exist_is_unreachable(
    sender: TelegramSender, customer: Customer
) -> None:
    with pytest.raises(Unreachable, match=r"(?i)chat not found") as caught:
        await sender.send(say_message(customer, Say("hello"), chat_id="123456"))
    assert caught.value.why == "chat_gone"


async def test_flood_control_says_when_to_retry(
    sender: TelegramSender, customer: Customer, emu: TelegramEmulator
) -> None:
    emu.faults.add("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryLater) as caught:
        await sender.send(say_message(customer, Say("hello")))
    assert caught.value.retry_after == 7


@pytest.mark.parametrize("kind", ["500", "502", "drop"])
async def test_server_and_network_faults_are_retried(
    sender: TelegramSender, customer: Customer, emu: TelegramEmulator, kind: Any
) -> None:
    emu.faults.add("sendMessage", kind)
    with pytest.raises(RetryLater) as caught:
        await sender.send(say_message(customer, Say("hello")))
    assert caught.value.retry_after is None


async def test_a_refused_request_is_a_permanent_failure(
    sender: TelegramSender, customer: Customer, emu: TelegramEmulator
) -> None:
    emu.faults.add("sendMessage", "error", description="Bad Request: BUTTON_URL_INVALID")
    with pytest.raises(PermanentFailure, match=r"(?i)button_url_invalid"):
        await sender.send(say_message(customer, Say("hello")))


async def test_replace_edits_and_falls_back_to_a_new_message(
    sender: TelegramSender, customer: Customer, alice: SimUser, emu: TelegramEmulator
) -> None:
    await sender.send(say_message(customer, Say("Page 1", MENU)))
    page = await alice.wait_for_message()
    await sender.send(say_message(customer, Say("Page 2", replace_message_id=str(page.message_id))))
    assert (page.text, page.buttons, page.edit_date is not None) == ("Page 2", [], True)
    # The same again: Telegram says "not modified", which is what we wanted anyway.
    await sender.send(say_message(customer, Say("Page 2", replace_message_id=str(page.message_id))))
    assert len(alice.bot_messages()) == 1
    # A message that is gone (or is the customer's own) cannot be edited: a new one is sent.
    mine = alice.send_text("hello")
    await sender.send(say_message(customer, Say("Page 3", replace_message_id=str(mine.message_id))))
    assert [m.text for m in alice.bot_messages()] == ["Page 2", "Page 3"]
    emu.assert_called("editMessageText", times=3)


async def test_asking_for_the_phone_number_and_getting_it(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
) -> None:
    ask = Say("Phone number?", keyboard([Button("Skip", "f:skip")]), ask_contact="📱 Share")
    await sender.send(say_message(customer, ask))
    assert alice.reply_keyboard is not None
    assert alice.reply_keyboard["keyboard"] == [[{"text": "📱 Share", "request_contact": True}]]
    assert [m.buttons for m in alice.bot_messages()] == [[["Skip"]], []]
    alice.tap_reply_button("📱 Share")
    [update] = await updates.take()
    inbound = translate(update, signer)
    assert inbound is not None
    assert isinstance(inbound.input, Contact)
    assert inbound.input.own

    await sender.send(say_message(customer, Say("Thanks!", clear_reply_keyboard=True)))
    assert alice.reply_keyboard is None


async def test_a_keyboard_removal_with_buttons_leaves_one_message(
    sender: TelegramSender, customer: Customer, alice: SimUser, emu: TelegramEmulator
) -> None:
    alice_keyboard = Say("Phone?", ask_contact="📱 Share")
    await sender.send(say_message(customer, alice_keyboard))
    summary = Say("<b>Summary</b> — confirm?", keyboard([Button("Confirm", "f:ok")]))
    await sender.send(say_message(customer, replace(summary, clear_reply_keyboard=True)))
    assert alice.reply_keyboard is None
    assert [m.text for m in alice.bot_messages()] == ["Phone?", "Summary — confirm?"]
    emu.assert_called("deleteMessage", times=1)


async def test_pushes_are_rendered_by_the_injected_renderer(
    bot: Bot,
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
    signer: CallbackSigner,
    customer: Customer,
    alice: SimUser,
) -> None:
    seen: list[str] = []

    async def render_push(message: OutboxMessage) -> Sequence[Say]:
        seen.append(message.event_type)
        number = message.payload["number"]
        return [Say(f"Ticket <b>#{number}</b> is resolved."), Say("Was it solved?")]

    sender = TelegramSender(bot, uow_factory, file_store, signer, render_push)
    push = make.outbox_message(
        chat_id=customer.chat_id,
        event_type="ticket_resolved",
        payload={"number": 1042},
        ticket_id=customer.ticket.id,
    )
    await sender.send(push)
    assert seen == ["ticket_resolved"]
    first, second = alice.bot_messages()
    assert (first.text, second.text) == ("Ticket #1042 is resolved.", "Was it solved?")
    assert second.reply_to_message_id == first.message_id  # the first became the anchor


# --- files -------------------------------------------------------------------------------


def png(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def stored_attachment(
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
    customer: Customer,
    data: bytes,
    name: str,
    mime: str,
) -> Attachment:
    async def chunks() -> Any:
        for start in range(0, len(data), 10_000):
            yield data[start : start + 10_000]

    stored = await file_store.put(chunks())
    attachment = Attachment(
        ticket_id=customer.ticket.id,
        file_name=name,
        mime_type=mime,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        created_at=make.T0,
    )
    async with uow_factory() as uow:
        await uow.attachments.add(attachment)
        await uow.commit()
    return attachment


async def download(bot: Bot, file_id: str) -> bytes:
    return bytes(await (await bot.get_file(file_id)).download_as_bytearray())


async def test_attachments_reach_the_customer_byte_identical(
    sender: TelegramSender,
    bot: Bot,
    customer: Customer,
    alice: SimUser,
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
) -> None:
    picture, pdf = png(), b"%PDF-1.7\n" + bytes(range(256)) * 400
    voice = b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead" + bytes(5000)
    files = [
        await stored_attachment(
            uow_factory, file_store, customer, picture, "screen.png", "image/png"
        ),
        await stored_attachment(
            uow_factory, file_store, customer, pdf, "fix.pdf", "application/pdf"
        ),
        await stored_attachment(uow_factory, file_store, customer, voice, "note.ogg", "audio/ogg"),
    ]
    say = Say(
        "<b>Anna</b>: here is the fix",
        keyboard([Button("Thanks", "f:ok")]),
        ticket_number=1042,
        attachment_ids=tuple(str(a.id) for a in files),
    )
    await sender.send(say_message(customer, say))

    photo, document, note = alice.bot_messages()
    assert (photo.kind, document.kind, note.kind) == ("photo", "document", "voice")
    assert photo.text == "Anna: here is the fix"  # the caption, on the first file only
    assert (document.text, note.text) == (None, None)
    assert (photo.buttons, note.buttons) == ([], [["Thanks"]])
    assert document.raw["document"]["file_name"] == "fix.pdf"
    for shown, data in ((photo, picture), (document, pdf), (note, voice)):
        assert shown.file is not None
        got = await download(bot, shown.file.file_id)
        assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()
    assert {"upload_photo", "upload_document", "upload_voice"} <= set(alice.chat_actions)


async def test_a_picture_telegram_refuses_as_a_photo_goes_as_a_document(
    sender: TelegramSender,
    customer: Customer,
    alice: SimUser,
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
) -> None:
    tall = png(40, 1000)  # sides in a ratio Telegram refuses for photos
    shot = await stored_attachment(uow_factory, file_store, customer, tall, "long.png", "image/png")
    await sender.send(say_message(customer, Say("", attachment_ids=(str(shot.id),))))
    [shown] = alice.bot_messages()
    assert shown.kind == "document"
    assert shown.file is not None
    assert shown.file.data == tall


async def test_a_missing_attachment_does_not_hold_back_the_words(
    sender: TelegramSender, customer: Customer, alice: SimUser
) -> None:
    say = Say("Here you are", attachment_ids=(str(uuid.uuid4()),))
    await sender.send(say_message(customer, say))
    assert [m.text for m in alice.bot_messages()] == ["Here you are"]


async def test_a_timeout_is_retried_later(
    emu: TelegramEmulator,
    uow_factory: SqlUnitOfWorkFactory,
    file_store: LocalFileStore,
    signer: CallbackSigner,
    customer: Customer,
) -> None:
    emu.faults.add("sendMessage", "slow", delay=2)
    async with emu.make_bot(request=HTTPXRequest(read_timeout=0.2)) as impatient:
        sender = TelegramSender(impatient, uow_factory, file_store, signer, no_pushes)
        with pytest.raises(RetryLater, match="TimedOut"):
            await sender.send(say_message(customer, Say("hello")))
