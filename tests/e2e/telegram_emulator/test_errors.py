"""Telegram's limits and errors, as python-telegram-bot raises them."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken

from adapters.telegram.emulator import SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import jpeg


async def test_text_limit_counts_what_the_user_sees(bot: Bot, user: SimUser) -> None:
    # 4096 visible characters pass even though the markup makes the request longer.
    sent = await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert len(sent.text or "") == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "<b>" + "x" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    # Code points, not UTF-16 units: 4096 emoji are fine.
    await bot.send_message(user.id, "😀" * 4096)


async def test_empty_text_is_refused(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode=ParseMode.HTML)


async def test_caption_limit(bot: Bot, user: SimUser) -> None:
    await bot.send_photo(user.id, jpeg(), caption="c" * 1024)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, jpeg(), caption="c" * 1025)


async def test_callback_data_is_at_most_64_bytes(bot: Bot, user: SimUser) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])
    await bot.send_message(user.id, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "66 bytes", reply_markup=too_long)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a <", "Unclosed start tag at byte offset 2"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "é<i x>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 2',
        ),
    ],
)
async def test_invalid_html_is_refused_like_telegram(
    emu: TelegramEmulator, bot: Bot, user: SimUser, html: str, error: str
) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user.id, html, parse_mode=ParseMode.HTML)
    # PTB lower-cases the description; the log keeps Telegram's exact words.
    assert emu.calls("sendMessage")[-1].description == f"Bad Request: can't parse entities: {error}"


async def test_unknown_named_entity_stays_text_as_in_tdlib(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "a &foo; b &amp; &#128512;", parse_mode=ParseMode.HTML)
    assert sent.text == "a &foo; b & 😀"


async def test_markdown_v2_reserved_characters(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match=r"character '\.' is reserved"):
        await bot.send_message(user.id, "1.5", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match="can't find end of bold entity at byte offset 0"):
        await bot.send_message(user.id, "*open", parse_mode=ParseMode.MARKDOWN_V2)


async def test_edit_errors(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", user.id, 9999)
    own = user.send_text("mine")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("hijack", user.id, own.message_id)
    photo = await bot.send_photo(user.id, jpeg())
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await bot.edit_message_text("text", user.id, photo.message_id)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=None)
    await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("gone", user.id, sent.message_id)


async def test_reply_to_a_missing_message(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(user.id, "x", reply_to_message_id=424242)
    sent = await bot.send_message(
        user.id, "x", reply_to_message_id=424242, allow_sending_without_reply=True
    )
    assert sent.reply_to_message is None


async def test_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(123456, "anyone?")


async def test_blocked_user_gives_403(bot: Bot, user: SimUser) -> None:
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "still there?")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_chat_action(user.id, "typing")


async def test_user_who_never_started_gives_403(emu: TelegramEmulator, bot: Bot) -> None:
    stranger = emu.add_user("Bob")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(stranger.id, "hi")


async def test_expired_callback_query(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


async def test_wrong_token_is_invalid_token(emu: TelegramEmulator) -> None:
    bot_id = emu.token.split(":")[0]
    # ``async with`` shuts the bot's HTTP client down again when initialize() fails.
    with pytest.raises(InvalidToken):
        async with Bot(f"{bot_id}:{'A' * 35}", base_url=emu.api_base_url):
            pass
    assert emu.calls("getMe")[-1].status == 401
    with pytest.raises(InvalidToken):
        async with Bot("not-a-token", base_url=emu.api_base_url):
            pass
    assert emu.calls("getMe")[-1].status == 404


async def test_unknown_method_is_404(emu: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": 1})
    assert emu.calls("sendHologram")[-1].status == 404


async def test_bad_chat_action(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(user.id, "dancing")


async def test_a_message_sent_with_a_reply_keyboard_cannot_be_edited(
    bot: Bot, user: SimUser
) -> None:
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("📱", request_contact=True)]])
    sent = await bot.send_message(user.id, "share?", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("changed", chat_id=user.id, message_id=sent.message_id)
