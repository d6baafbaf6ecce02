"""Planning the Telegram messages for a Say: text parts, keyboards, edits, captions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator.html_check import parse_html
from adapters.telegram.render import REMOVAL_CARRIER, plan
from bot.flows.io import Button, Say, keyboard
from core.model import Attachment

SIGNER = CallbackSigner(b"unit-test-secret-0123456789")
MENU = keyboard([Button("Report", "m:report"), Button("Docs", "", url="https://docs.example/")])


def attachment(name: str = "a.pdf", mime: str = "application/pdf") -> Attachment:
    return Attachment(
        ticket_id=uuid.uuid4(),
        file_name=name,
        mime_type=mime,
        size=10,
        sha256="0" * 64,
        storage_key="0" * 64,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_text_with_signed_callback_and_url_buttons() -> None:
    [message] = plan(Say("<b>Hi</b> &amp; welcome", buttons=MENU), SIGNER)
    assert message.text == "<b>Hi</b> &amp; welcome"
    assert isinstance(message.markup, InlineKeyboardMarkup)
    report, docs = message.markup.inline_keyboard[0]
    assert report.text == "Report"
    assert SIGNER.verify(report.callback_data) == "m:report"  # type: ignore[arg-type]
    assert (docs.url, docs.callback_data) == ("https://docs.example/", None)


def test_long_text_is_split_with_buttons_on_the_last_part_only() -> None:
    text = "\n\n".join(f"<i>Paragraph {n}</i> " + "word " * 300 for n in range(10))
    messages = plan(Say(text, buttons=MENU), SIGNER)
    assert len(messages) > 2
    assert all(m.markup is None for m in messages[:-1])
    assert isinstance(messages[-1].markup, InlineKeyboardMarkup)
    assert all(len(parse_html(m.text)[0]) <= 4096 for m in messages)


def test_ask_contact_is_a_one_time_contact_keyboard() -> None:
    [message] = plan(Say("Your phone number?", ask_contact="📱 Share"), SIGNER)
    assert isinstance(message.markup, ReplyKeyboardMarkup)
    [[button]] = message.markup.keyboard
    assert (button.text, button.request_contact) == ("📱 Share", True)
    assert message.markup.one_time_keyboard


def test_clear_reply_keyboard() -> None:
    [message] = plan(Say("Thanks", clear_reply_keyboard=True), SIGNER)
    assert isinstance(message.markup, ReplyKeyboardRemove)


def test_both_keyboards_split_a_two_line_text() -> None:
    say = Say("Leave a phone number?\nSupport may call you.", buttons=MENU, ask_contact="📱")
    first, second = plan(say, SIGNER)
    assert (first.text, second.text) == ("Leave a phone number?", "Support may call you.")
    assert isinstance(first.markup, ReplyKeyboardMarkup)
    assert isinstance(second.markup, InlineKeyboardMarkup)


def test_both_keyboards_on_one_line_add_the_contact_label_after() -> None:
    say = Say("Leave a <b>phone</b> number?", buttons=MENU, ask_contact="📱 <Share>")
    first, second = plan(say, SIGNER)
    assert first.text == "Leave a <b>phone</b> number?"
    assert isinstance(first.markup, InlineKeyboardMarkup)
    assert second.text == "📱 &lt;Share&gt;"  # a label is plain text, escaped to show
    assert isinstance(second.markup, ReplyKeyboardMarkup)


def test_a_removal_with_buttons_on_one_line_uses_a_deleted_carrier() -> None:
    say = Say("Summary <pre>a\nb</pre>", buttons=MENU, clear_reply_keyboard=True)
    carrier, message = plan(say, SIGNER)  # the line break is inside <pre>: no cut there
    assert (carrier.text, carrier.delete_after) == (REMOVAL_CARRIER, True)
    assert isinstance(carrier.markup, ReplyKeyboardRemove)
    assert message.text == "Summary <pre>a\nb</pre>"
    assert isinstance(message.markup, InlineKeyboardMarkup)


def test_replace_edits_the_first_part() -> None:
    [message] = plan(Say("Page 2", buttons=MENU, replace_message_id="77"), SIGNER)
    assert message.edit_message_id == 77


def test_replace_with_a_reply_keyboard_change_posts_anew() -> None:
    # Telegram cannot edit a message that carries a reply keyboard.
    [message] = plan(Say("Phone?", ask_contact="📱", replace_message_id="77"), SIGNER)
    assert message.edit_message_id is None


def test_short_text_becomes_the_first_files_caption() -> None:
    files = [attachment("a.pdf"), attachment("b.png", "image/png")]
    first, second = plan(Say("<b>Anna</b>: the fixed files", buttons=MENU), SIGNER, files)
    assert (first.text, first.attachment, first.markup) == (
        "<b>Anna</b>: the fixed files",
        files[0],
        None,
    )
    assert (second.text, second.attachment) == ("", files[1])
    assert isinstance(second.markup, InlineKeyboardMarkup)


def test_text_too_long_for_a_caption_goes_first() -> None:
    files = [attachment()]
    text, file = plan(Say("x" * 1500), SIGNER, files)
    assert (text.text, text.attachment) == ("x" * 1500, None)
    assert (file.text, file.attachment) == ("", files[0])


def test_a_say_with_nothing_to_show_plans_nothing() -> None:
    assert plan(Say("  "), SIGNER) == []
