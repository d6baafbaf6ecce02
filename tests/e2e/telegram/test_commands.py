"""The "/" menu, as each customer's Telegram app would ask for it."""

from __future__ import annotations

from telegram import Bot, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from adapters.telegram.commands import COMMANDS, register_commands

NAMES = ["start", "menu", "new", "tickets", "cancel", "language", "help"]


async def test_every_language_gets_its_own_menu_and_english_is_the_default(bot: Bot) -> None:
    await register_commands(bot)
    private = BotCommandScopeAllPrivateChats()
    for language in ("en", "pl", "it", "ro"):
        commands = await bot.get_my_commands(scope=private, language_code=language)
        assert [c.command for c in commands] == NAMES
        assert [c.description for c in commands] == list(COMMANDS[language].values())
    polish = await bot.get_my_commands(scope=private, language_code="pl")
    assert polish[3].description == "Moje zgłoszenia"
    default = await bot.get_my_commands(scope=private)
    assert [c.description for c in default] == list(COMMANDS["en"].values())
    # Groups get no menu: the bot only works in private chats.
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()


async def test_registering_twice_changes_nothing(bot: Bot) -> None:
    await register_commands(bot)
    await register_commands(bot)
    assert len(await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())) == len(NAMES)
