"""Every text-side Bot API method, called through the real python-telegram-bot."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode

from adapters.telegram.emulator import SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import jpeg


async def test_get_me_describes_the_emulated_bot(emu: TelegramEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(emu.token.split(":")[0])
    assert me.username == "supportbot_test_bot"
    assert bot.username == "supportbot_test_bot"


async def test_send_message_reaches_the_users_chat(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    sent = await bot.send_message(user.id, "Hello, Alice")
    assert sent.text == "Hello, Alice"
    assert sent.chat.id == user.id
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert user.last_bot_message() is not None
    assert user.last_bot_message().text == "Hello, Alice"  # type: ignore[union-attr]
    emu.assert_called("sendMessage", chat_id=user.id, text="Hello, Alice")


async def test_html_entities_have_utf16_offsets(bot: Bot, user: SimUser) -> None:
    # 😀 is two UTF-16 code units: everything after it shifts by two, as on Telegram.
    sent = await bot.send_message(
        user.id,
        '😀 <b>bold <i>both</i></b> &lt;3 <a href="https://example.com/x">link</a> '
        "<code>x</code> <tg-spoiler>s</tg-spoiler>",
        parse_mode=ParseMode.HTML,
    )
    assert sent.text == "😀 bold both <3 link x s"
    kinds = [(e.type, e.offset, e.length) for e in sent.entities]
    assert kinds == [
        (MessageEntity.BOLD, 3, 9),
        (MessageEntity.ITALIC, 8, 4),
        (MessageEntity.TEXT_LINK, 16, 4),
        (MessageEntity.CODE, 21, 1),
        (MessageEntity.SPOILER, 23, 1),
    ]
    assert sent.entities[2].url == "https://example.com/x"


async def test_pre_with_language_and_blockquotes(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(
        user.id,
        '<pre><code class="language-python">print(1)</code></pre>\n'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>",
        parse_mode=ParseMode.HTML,
    )
    pre, quote, expandable = sent.entities
    assert (pre.type, pre.language, pre.length) == (MessageEntity.PRE, "python", 8)
    assert quote.type == MessageEntity.BLOCKQUOTE
    assert expandable.type == MessageEntity.EXPANDABLE_BLOCKQUOTE


async def test_markdown_v2(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(
        user.id,
        r"*bold* _it_ __under__ ~gone~ ||hide|| [site](http://a.example/) 1\.5",
        parse_mode=ParseMode.MARKDOWN_V2,
    )
    assert sent.text == "bold it under gone hide site 1.5"
    assert [e.type for e in sent.entities] == [
        MessageEntity.BOLD,
        MessageEntity.ITALIC,
        MessageEntity.UNDERLINE,
        MessageEntity.STRIKETHROUGH,
        MessageEntity.SPOILER,
        MessageEntity.TEXT_LINK,
    ]


async def test_commands_and_urls_are_detected_in_plain_text(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "Try /help or https://example.com, @someone #tag")
    assert [e.type for e in sent.entities] == [
        MessageEntity.BOT_COMMAND,
        MessageEntity.URL,
        MessageEntity.MENTION,
        MessageEntity.HASHTAG,
    ]


async def test_inline_keyboard_is_shown_and_returned(bot: Bot, user: SimUser) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="yes")],
            [InlineKeyboardButton("Docs", url="https://example.com/docs")],
        ]
    )
    sent = await bot.send_message(user.id, "Solved?", reply_markup=markup)
    assert sent.reply_markup == markup
    view = user.last_bot_message()
    assert view is not None
    assert view.buttons == [["Yes"], ["Docs"]]


async def test_reply_keyboard_with_request_contact_lives_on_the_chat(
    bot: Bot, user: SimUser
) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share phone", request_contact=True)], ["Cancel"]],
        one_time_keyboard=True,
    )
    sent = await bot.send_message(user.id, "Your phone?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    assert user.reply_keyboard is not None
    assert user.reply_keyboard["keyboard"][0][0] == {"text": "Share phone", "request_contact": True}
    await bot.send_message(user.id, "ok", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard is None


async def test_replies_with_reply_parameters_and_legacy_id(bot: Bot, user: SimUser) -> None:
    question = user.send_text("Where is my order?")
    answer = await bot.send_message(
        user.id, "On its way", reply_parameters=ReplyParameters(question.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Where is my order?"
    assert user.last_bot_message().reply_to_message_id == question.message_id  # type: ignore[union-attr]


async def test_link_preview_options_are_kept(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(
        user.id,
        "See https://example.com",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.link_preview_options == LinkPreviewOptions(is_disabled=True)


async def test_edit_message_text_and_markup(bot: Bot, user: SimUser) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(user.id, "draft", reply_markup=keyboard)
    edited = await bot.edit_message_text(
        "<b>final</b>", user.id, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    assert not isinstance(edited, bool)
    assert edited.text == "final"
    assert edited.edit_date is not None
    view = user.last_bot_message()
    assert view is not None
    assert view.text == "final"
    assert view.buttons == [["A"]]

    new_keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]])
    await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=new_keyboard)
    assert view.buttons == [["B"]]

    # Editing the text without repeating the keyboard removes it, as on Telegram.
    await bot.edit_message_text("no buttons", user.id, sent.message_id)
    assert view.buttons == []


async def test_edit_caption(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_photo(user.id, jpeg(), caption="old")
    edited = await bot.edit_message_caption(user.id, sent.message_id, caption="new")
    assert not isinstance(edited, bool)
    assert edited.caption == "new"


async def test_delete_message_hides_it_from_the_user(bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "oops")
    assert await bot.delete_message(user.id, sent.message_id) is True
    assert all(m.message_id != sent.message_id for m in user.messages())
    assert user.last_bot_message() is None


async def test_send_chat_action_is_recorded(bot: Bot, user: SimUser) -> None:
    assert await bot.send_chat_action(user.id, ChatAction.TYPING) is True
    assert user.chat_actions == ["typing"]


async def test_answer_callback_query(bot: Bot, user: SimUser) -> None:
    await bot.send_message(
        user.id,
        "Pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
    )
    press = user.press("Go")
    assert await bot.answer_callback_query(press.id, text="Done", show_alert=True)
    assert press.answer == {"text": "Done", "show_alert": True, "url": None, "cache_time": 0}


async def test_commands_per_scope_and_language(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("hilfe", "Hilfe")], language_code="de")
    await bot.set_my_commands(
        [BotCommand("ticket", "My ticket")], scope=BotCommandScopeChat(user.id)
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["hilfe"]
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(user.id))
    assert [c.command for c in scoped] == ["ticket"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    assert await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()
    assert [c["command"] for c in emu.commands()] == ["start", "help"]


async def test_get_chat(bot: Bot, user: SimUser) -> None:
    chat = await bot.get_chat(user.id)
    assert chat.id == user.id
    assert chat.username == "alice"


async def test_groups_receive_bot_messages(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    group = emu.add_group("Support team")
    user.send_text("hello group", chat=group.chat)
    sent = await bot.send_message(group.id, "hello all")
    assert sent.chat.type == "group"
    assert sent.chat.title == "Support team"
    assert [m.text for m in group.messages()] == ["hello group", "hello all"]
