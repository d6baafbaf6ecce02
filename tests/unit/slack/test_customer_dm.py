"""A customer's DM payloads in the flows' words, and Says as Block Kit: pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.customer_render import BLOCK_LIMIT, SECTION_LIMIT, compose_modal, plan
from adapters.slack.customer_translate import (
    COMPOSE_ACTION,
    FORGED,
    compose_channel,
    is_customer_payload,
    translate_customer,
)
from adapters.telegram.callbacks import CallbackSigner
from bot.flows.io import (
    Button,
    Command,
    Compose,
    Edited,
    FileKind,
    Files,
    Press,
    Say,
    Text,
    keyboard,
    say_from_payload,
    say_to_payload,
)

SIGNER = CallbackSigner(b"a-test-secret-of-32-characters!!")
DM, BOT = "D0CAROL", "U0BOT"


def message(text: str = "", **more: Any) -> dict[str, Any]:
    event = {"type": "message", "channel": DM, "channel_type": "im", "user": "U0CAROL"}
    event.update(ts="1700000000.000100", text=text, **more)
    return {"type": "event_callback", "event_id": "Ev1", "event": event}


def press(value: str, action_id: str = "cust_0_0", channel: str = DM) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U0CAROL"},
        "container": {"type": "message", "channel_id": channel, "message_ts": "17.5"},
        "channel": {"id": channel, "name": "directmessage"},
        "actions": [{"action_id": action_id, "type": "button", "value": value}],
        "trigger_id": "1.2.abc",
    }


def said(body: dict[str, Any]) -> Any:
    found = translate_customer(body, SIGNER, BOT)
    return None if found is None else found.input


# -- which payloads are the customers' ------------------------------------------------------


def test_dms_and_their_buttons_are_the_customers_the_channel_stays_the_desks() -> None:
    assert is_customer_payload(message("hi"))
    assert is_customer_payload(press(SIGNER.sign("m:report")))
    channel = message("hi")
    channel["event"].update(channel="C0SUPPORT", channel_type="channel")
    assert not is_customer_payload(channel)
    assert not is_customer_payload(press("5", action_id="ticket_assign_me", channel="C0SUPPORT"))
    assert not is_customer_payload(press("5", action_id="ticket_assign_me"))


# -- messages ------------------------------------------------------------------------------


def test_text_is_what_the_person_typed_with_slacks_escapes_undone() -> None:
    text = said(message("Error &lt;ZUS-17&gt; &amp; <https://x.example|here>"))
    assert text == Text("Error <ZUS-17> & here (https://x.example)", "1700000000.000100")


def test_a_reply_in_a_thread_is_about_that_threads_message() -> None:
    text = said(message("still broken", thread_ts="1600000000.000001"))
    assert text.reply_to_message_id == "1600000000.000001"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("menu", Command("menu", "", "1700000000.000100")),
        ("  Cancel ", Command("cancel", "", "1700000000.000100")),
        ("inv_AbCdEf123456", Command("start", "inv_AbCdEf123456", "1700000000.000100")),
        ("start inv_AbCdEf123456", Command("start", "inv_AbCdEf123456", "1700000000.000100")),
        (
            "<https://t.me/supportbot?start=inv_AbCdEf123456>",
            Command("start", "inv_AbCdEf123456", "1700000000.000100"),
        ),
    ],
)
def test_command_words_and_invitation_codes(typed: str, expected: Command) -> None:
    assert said(message(typed)) == expected


def test_words_in_a_sentence_are_just_text() -> None:
    assert isinstance(said(message("the menu is broken")), Text)
    assert isinstance(said(message("my colleague sent inv_AbCdEf123456 to me")), Text)


def test_the_bots_own_posts_and_other_bots_are_nobodys_input() -> None:
    assert translate_customer(message("Menu", bot_id="B0BOT"), SIGNER, BOT) is None
    assert translate_customer(message("Menu", user=BOT), SIGNER, BOT) is None
    assert translate_customer(message("x", subtype="bot_message"), SIGNER, BOT) is None
    assert translate_customer(message("", subtype="message_deleted"), SIGNER, BOT) is None
    assert translate_customer(message("joined", subtype="channel_join"), SIGNER, BOT) is None


def test_an_edit_names_the_edited_message() -> None:
    body = message(subtype="message_changed", hidden=True)
    body["event"].pop("user")
    body["event"]["message"] = {"user": "U0CAROL", "ts": "17.1", "text": "fixed &amp; done"}
    body["event"]["previous_message"] = {"user": "U0CAROL", "ts": "17.1", "text": "fixed"}
    assert said(body) == Edited("17.1", "fixed & done")
    body["event"]["previous_message"]["text"] = "fixed &amp; done"
    assert said(body) is None, "an unfurl changes nothing the person wrote"
    body["event"]["message"]["bot_id"] = "B0BOT"
    assert said(body) is None


def test_shared_files_are_files_to_fetch_with_the_words_once() -> None:
    files = [
        {"id": "F1", "name": "screen.png", "mimetype": "image/png", "size": 10,
         "url_private_download": "https://files.example/F1", "mode": "hosted"},
        {"id": "F2", "name": "log.txt", "mimetype": "text/plain", "size": 5,
         "url_private": "https://files.example/F2"},
        {"id": "F3", "name": "gone.pdf", "mode": "tombstone"},
    ]  # fmt: skip
    got = said(message("see &lt;this&gt;", subtype="file_share", files=files))
    assert isinstance(got, Files)
    first, second = got.items
    assert (first.kind, first.file_ref, first.caption) == (
        FileKind.PHOTO,
        "https://files.example/F1",
        "see <this>",
    )
    assert (second.kind, second.caption, second.file_name) == (FileKind.DOCUMENT, "", "log.txt")
    only_gone = said(message("", subtype="file_share", files=[files[2]]))
    assert only_gone is None
    assert translate_customer(message("", subtype="file_share", files=[files[2]]), SIGNER, BOT)


# -- buttons -------------------------------------------------------------------------------


def test_a_signed_button_is_a_press_a_forged_one_is_not_believed() -> None:
    assert said(press(SIGNER.sign("m:report"))) == Press("m:report", "17.5")
    assert said(press("m:report")) == Press(FORGED, "17.5")
    other = CallbackSigner(b"another-secret-of-32-characters!")
    assert said(press(other.sign("m:report"))) == Press(FORGED, "17.5")


# -- rendering -----------------------------------------------------------------------------


def test_mini_html_becomes_mrkdwn_and_typed_text_stays_inert() -> None:
    (post,) = plan(Say("<b>Subject:</b> &lt;!channel&gt; &amp; &lt;@U1&gt;"), SIGNER)
    section = post.blocks[0]["text"]
    assert section == {
        "type": "mrkdwn",
        "text": "*Subject:* &lt;!channel&gt; &amp; &lt;@U1&gt;",
        "verbatim": True,
    }
    assert post.text == section["text"]


def test_buttons_are_actions_blocks_with_signed_values_and_unique_ids() -> None:
    buttons = keyboard(
        [Button("Yes", "f:yes"), Button("No", "f:no")],
        [Button("Docs", "", url="https://docs.example")],
    )
    (post,) = plan(Say("Sure?", buttons=buttons), SIGNER)
    rows = [b for b in post.blocks if b["type"] == "actions"]
    assert [len(r["elements"]) for r in rows] == [2, 1]
    yes, no = rows[0]["elements"]
    assert SIGNER.verify(yes["value"]) == "f:yes"
    assert SIGNER.verify(no["value"]) == "f:no"
    ids = [e["action_id"] for r in rows for e in r["elements"]]
    assert len(set(ids)) == 3
    assert all(i.startswith("cust_") for i in ids)
    assert rows[1]["elements"][0]["url"] == "https://docs.example"
    assert "value" not in rows[1]["elements"][0]


def test_a_long_say_is_cut_to_slacks_limits_buttons_last() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(2000))
    posts = plan(Say(text, buttons=keyboard([Button("OK", "f:ok")])), SIGNER)
    assert len(posts) > 1
    assert all(len(p.blocks) <= BLOCK_LIMIT for p in posts)
    sections = [b["text"]["text"] for p in posts for b in p.blocks if b["type"] == "section"]
    assert all(len(s) <= SECTION_LIMIT for s in sections)
    assert posts[-1].blocks[-1]["type"] == "actions"
    assert "line 1999" in sections[-1]


def test_a_replacing_say_edits_the_pressed_message() -> None:
    (post,) = plan(Say("Done", replace_message_id="17.5"), SIGNER)
    assert post.edit_ts == "17.5"
    assert plan(Say(""), SIGNER) == []


# -- a form for a long answer --------------------------------------------------------------


def test_a_say_that_offers_a_form_gets_a_button_that_carries_its_texts() -> None:
    compose = Compose("✍️ Write it in a form", "Your description", "Send", "Write here")
    (post,) = plan(Say("Describe it", compose=compose), SIGNER)
    (element,) = post.blocks[-1]["elements"]
    assert element["action_id"] == COMPOSE_ACTION
    modal = compose_modal(element["value"], DM)
    assert modal["title"]["text"] == "Your description"
    assert modal["submit"]["text"] == "Send"
    assert modal["blocks"][0]["element"]["multiline"] is True
    assert compose_channel(modal) == DM
    assert say_from_payload(say_to_payload(Say("x", compose=compose))).compose == compose


def test_what_was_written_in_the_form_is_text_in_its_dm() -> None:
    body = {
        "type": "view_submission",
        "user": {"id": "U0CAROL"},
        "view": {
            "id": "V1",
            "callback_id": "cust_compose",
            "private_metadata": compose_modal("", DM)["private_metadata"],
            "state": {"values": {"cust_text": {"text": {"value": "a <b> & c\nline 2"}}}},
        },
    }
    assert is_customer_payload(body)
    found = translate_customer(body, SIGNER, BOT)
    assert found is not None
    assert (found.channel, found.input) == (DM, Text("a <b> & c\nline 2", "view:V1"))
    body["view"]["private_metadata"] = '{"dm": "C0SUPPORT"}'
    assert not is_customer_payload(body)


def test_opening_the_messages_tab_is_a_greeting_the_home_tab_is_not_the_customers() -> None:
    body = {"type": "event_callback", "event_id": "Ev9"}
    body["event"] = {"type": "app_home_opened", "user": "U0CAROL", "channel": DM, "tab": "messages"}
    assert is_customer_payload(body)
    found = translate_customer(body, SIGNER, BOT)
    assert found is not None
    assert (found.input, found.opened) == (Command("start"), True)
    body["event"]["tab"] = "home"
    assert not is_customer_payload(body)


def test_the_share_my_phone_button_asks_for_the_profiles_number() -> None:
    (post,) = plan(Say("Can we call you?", ask_contact="📱 Share my number"), SIGNER)
    (element,) = post.blocks[1]["elements"]
    assert (element["action_id"], element["text"]["text"]) == ("cust_contact", "📱 Share my number")
    found = translate_customer(press("contact", action_id="cust_contact"), SIGNER, BOT)
    assert found is not None
    assert (found.input, found.share_phone) == (None, True)
