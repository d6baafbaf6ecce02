"""Telegram updates (as the Bot API sends them) in the flows' words; no network."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.translate import Inbound, InboundKind, translate
from bot.flows.io import Command, Contact, Edited, FileKind, Files, IncomingFile, Press, Text

SIGNER = CallbackSigner(b"unit-test-secret-0123456789")
BOT = {"id": 7000000001, "is_bot": True, "first_name": "Support", "username": "support_bot"}
ALICE = {
    "id": 100000002,
    "is_bot": False,
    "first_name": "Alice",
    "last_name": "Kowalska",
    "username": "alice",
    "language_code": "pl",
}
PRIVATE = {"id": 100000002, "first_name": "Alice", "username": "alice", "type": "private"}
GROUP = {"id": -1000000002, "title": "Office", "type": "group"}


def message(message_id: int = 5, chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    return {"message_id": message_id, "from": ALICE, "chat": chat, "date": 1767225600, **content}


def update(**body: Any) -> Update:
    return Update.de_json({"update_id": 42, **body}, None)


def inbound(**body: Any) -> Inbound:
    result = translate(update(**body), SIGNER)
    assert result is not None
    return result


def test_text_with_who_and_where() -> None:
    got = inbound(message=message(text="Printer <b>jammed</b> & smoking"))
    assert got == Inbound(
        update_id=42,
        kind=InboundKind.INPUT,
        platform_user_id="100000002",
        chat_id="100000002",
        chat_type="private",
        first_name="Alice",
        last_name="Kowalska",
        username="alice",
        language_code="pl",
        input=Text("Printer <b>jammed</b> & smoking", "5"),  # verbatim: escaping is the flows'
    )


def test_names_that_are_not_text_are_left_out() -> None:
    """Found by the webhook fuzzer: python-telegram-bot keeps whatever JSON a field holds."""
    odd = {**ALICE, "first_name": ["x"], "last_name": 7, "username": {}, "language_code": 1.5}
    got = inbound(message={**message(text="hi"), "from": odd})
    assert (got.first_name, got.last_name, got.username, got.language_code) == (
        "",
        None,
        None,
        None,
    )


def test_a_reply_names_the_message_replied_to() -> None:
    replied = message(3, text="Ticket #1042 is in progress", **{"from": BOT})
    got = inbound(message=message(text="any news?", reply_to_message=replied))
    assert got.input == Text("any news?", "5", reply_to_message_id="3")


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("/start abc-123", 6, Command("start", "abc-123", "5")),
        ("/menu", 5, Command("menu", "", "5")),
        ("/Tickets@support_bot  all  ", 20, Command("tickets", "all", "5")),
    ],
)
def test_commands(text: str, length: int, expected: Command) -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": length}]
    assert inbound(message=message(text=text, entities=entities)).input == expected


def test_a_command_not_at_the_start_is_text() -> None:
    entities = [{"type": "bot_command", "offset": 4, "length": 5}]
    got = inbound(message=message(text="try /menu", entities=entities))
    assert got.input == Text("try /menu", "5")


def test_signed_button_press() -> None:
    query = {
        "id": "cb1",
        "from": ALICE,
        "message": message(9, text="Pick one", **{"from": BOT}),
        "chat_instance": "1",
        "data": SIGNER.sign("t:1042:open"),
    }
    got = inbound(callback_query=query)
    assert (got.kind, got.input, got.callback_id) == (
        InboundKind.INPUT,
        Press("t:1042:open", "9"),
        "cb1",
    )


@pytest.mark.parametrize("data", ["t:1042:open", "t:1043:open~AAAAAAAAAAAA", None])
def test_unsigned_or_forged_press_is_a_bad_button(data: str | None) -> None:
    query: dict[str, Any] = {
        "id": "cb1",
        "from": ALICE,
        "message": message(9, text="Pick one", **{"from": BOT}),
        "chat_instance": "1",
    }
    if data is not None:
        query["data"] = data
    got = inbound(callback_query=query)
    assert (got.kind, got.input, got.callback_id) == (InboundKind.BAD_BUTTON, None, "cb1")


def test_press_on_an_inline_mode_message_is_a_bad_button() -> None:
    query = {"id": "cb2", "from": ALICE, "inline_message_id": "x", "chat_instance": "1"}
    query["data"] = SIGNER.sign("m:menu")
    got = inbound(callback_query=query)
    assert (got.kind, got.chat_id, got.callback_id) == (InboundKind.BAD_BUTTON, "100000002", "cb2")


def photo_sizes() -> list[dict[str, Any]]:
    return [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 60, "file_size": 900},
        {
            "file_id": "big",
            "file_unique_id": "b",
            "width": 1280,
            "height": 853,
            "file_size": 90_000,
        },
        {"file_id": "mid", "file_unique_id": "m", "width": 320, "height": 213, "file_size": 9_000},
    ]


def test_photo_takes_the_largest_size_with_caption_and_album() -> None:
    got = inbound(
        message=message(photo=photo_sizes(), caption="error screen", media_group_id="777")
    )
    assert got.input == Files(
        (IncomingFile(FileKind.PHOTO, "big", "5", 90000, caption="error screen", group_id="777"),)
    )


@pytest.mark.parametrize(
    ("field", "kind", "extra"),
    [
        ("document", FileKind.DOCUMENT, {"file_name": "f.pdf", "mime_type": "application/pdf"}),
        ("video", FileKind.VIDEO, {"width": 1, "height": 1, "duration": 2}),
        ("voice", FileKind.VOICE, {"duration": 2, "mime_type": "audio/ogg"}),
        ("audio", FileKind.AUDIO, {"duration": 2, "file_name": "a.mp3", "mime_type": "audio/mpeg"}),
        ("video_note", FileKind.VIDEO_NOTE, {"length": 240, "duration": 2}),
    ],
)  # fmt: skip
def test_files(field: str, kind: FileKind, extra: dict[str, Any]) -> None:
    media = {"file_id": "F", "file_unique_id": "U", "file_size": 1234, **extra}
    got = inbound(message=message(5, PRIVATE, **{field: media}))
    expected = IncomingFile(
        kind, "F", "5", 1234, extra.get("file_name"), mime_type=extra.get("mime_type")
    )
    assert got.input == Files((expected,))


def test_animation_wins_over_its_compatibility_document() -> None:
    animation = {
        "file_id": "A",
        "file_unique_id": "UA",
        "width": 1,
        "height": 1,
        "duration": 1,
        "file_size": 10,
        "mime_type": "video/mp4",
        "file_name": "funny.mp4",
    }
    document = {"file_id": "A", "file_unique_id": "UA", "file_size": 10, "file_name": "funny.mp4"}
    got = inbound(message=message(animation=animation, document=document))
    assert isinstance(got.input, Files)
    assert got.input.items[0].kind is FileKind.ANIMATION


def test_own_and_someone_elses_contact() -> None:
    own = {"phone_number": "+48600100200", "first_name": "Alice", "user_id": ALICE["id"]}
    other = {"phone_number": "+48600999999", "first_name": "Bob", "user_id": 5}
    assert inbound(message=message(contact=own)).input == Contact("+48600100200", own=True)
    assert inbound(message=message(contact=other)).input == Contact("+48600999999", own=False)
    no_user = {"phone_number": "+48600999999", "first_name": "Bob"}
    assert inbound(message=message(contact=no_user)).input == Contact("+48600999999", own=False)


def test_edited_text_and_caption() -> None:
    edited = message(text="the printer is on fire", edit_date=1767225700)
    assert inbound(edited_message=edited).input == Edited("5", "the printer is on fire")
    caption = message(photo=photo_sizes(), caption="new caption", edit_date=1767225700)
    assert inbound(edited_message=caption).input == Edited("5", "new caption")


def test_a_moving_live_location_needs_no_answer() -> None:
    location = {"latitude": 52.2, "longitude": 21.0, "live_period": 900}
    assert translate(update(edited_message=message(location=location)), SIGNER) is None


def member(status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": BOT}
    if status == "kicked":
        member["until_date"] = 0
    return member


def chat_member(old: str, new: str, chat: dict[str, Any] = PRIVATE) -> dict[str, Any]:
    return {
        "chat": chat,
        "from": ALICE,
        "date": 1767225600,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }


def test_blocked_and_unblocked() -> None:
    assert inbound(my_chat_member=chat_member("member", "kicked")).kind is InboundKind.BLOCKED
    assert inbound(my_chat_member=chat_member("kicked", "member")).kind is InboundKind.UNBLOCKED


def test_added_to_a_group_is_unsupported() -> None:
    got = inbound(my_chat_member=chat_member("left", "member", GROUP))
    assert (got.kind, got.chat_id, got.chat_type) == (
        InboundKind.UNSUPPORTED,
        "-1000000002",
        "group",
    )
    assert translate(update(my_chat_member=chat_member("member", "left", GROUP)), SIGNER) is None


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "S", "file_unique_id": "US", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False, "type": "regular"}},
        {"location": {"latitude": 52.2, "longitude": 21.0}},
        {"dice": {"emoji": "🎲", "value": 3}},
    ],
)  # fmt: skip
def test_unsupported_content_in_a_private_chat(content: dict[str, Any]) -> None:
    got = inbound(message=message(**content))
    assert (got.kind, got.input) == (InboundKind.UNSUPPORTED, None)


def test_anything_in_a_group_is_unsupported() -> None:
    got = inbound(message=message(chat=GROUP, text="hello bot"))
    assert (got.kind, got.input, got.chat_type) == (InboundKind.UNSUPPORTED, None, "group")


def test_a_press_in_a_group_is_unsupported_but_still_answerable() -> None:
    query = {
        "id": "cb3",
        "from": ALICE,
        "message": message(9, chat=GROUP, text="x", **{"from": BOT}),
        "chat_instance": "1",
        "data": SIGNER.sign("m:menu"),
    }
    got = inbound(callback_query=query)
    assert (got.kind, got.callback_id) == (InboundKind.UNSUPPORTED, "cb3")


def test_service_messages_and_channel_posts_need_no_answer() -> None:
    pinned = message(pinned_message=message(3, text="x"))
    assert translate(update(message=pinned), SIGNER) is None
    channel = {"id": -1001, "title": "News", "type": "channel"}
    post = {"message_id": 1, "chat": channel, "date": 1767225600, "text": "news"}
    assert translate(update(channel_post=post), SIGNER) is None
