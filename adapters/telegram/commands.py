"""The bot's command menu ("/" in the Telegram app), in each language the bot speaks.

Telegram picks the list by the person's app language and falls back to the list without a
language; that one is English. The lists are set for private chats only: the bot does not
work in groups, so a group shows no commands at all.

The descriptions live here rather than in the Fluent files because Telegram, not the bot,
shows them, and they are set once at start for all languages together.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats

__all__ = ["COMMANDS", "DEFAULT_LANGUAGE", "register_commands"]

DEFAULT_LANGUAGE = "en"

COMMANDS: dict[str, dict[str, str]] = {
    "en": {
        "start": "Start, or link your account",
        "menu": "Main menu",
        "new": "Report a problem",
        "tickets": "My tickets",
        "cancel": "Cancel what you are doing",
        "language": "Change the language",
        "help": "Help",
    },
    "pl": {
        "start": "Rozpocznij lub połącz konto",
        "menu": "Menu główne",
        "new": "Zgłoś problem",
        "tickets": "Moje zgłoszenia",
        "cancel": "Anuluj bieżącą czynność",
        "language": "Zmień język",
        "help": "Pomoc",
    },
    "it": {
        "start": "Avvia o collega il tuo account",
        "menu": "Menu principale",
        "new": "Segnala un problema",
        "tickets": "I miei ticket",
        "cancel": "Annulla l'operazione in corso",
        "language": "Cambia lingua",
        "help": "Aiuto",
    },
    "ro": {
        "start": "Pornește sau conectează contul",
        "menu": "Meniul principal",
        "new": "Raportează o problemă",
        "tickets": "Tichetele mele",
        "cancel": "Anulează acțiunea curentă",
        "language": "Schimbă limba",
        "help": "Ajutor",
    },
}


def bot_commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in COMMANDS[language].items()]


async def register_commands(bot: Bot) -> None:
    """Set the menu for every language, and English for any other (idempotent)."""
    scope = BotCommandScopeAllPrivateChats()
    for language in COMMANDS:
        await bot.set_my_commands(bot_commands(language), scope=scope, language_code=language)
    await bot.set_my_commands(bot_commands(DEFAULT_LANGUAGE), scope=scope)
