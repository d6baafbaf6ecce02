"""The command menu is complete in every language and within Telegram's rules."""

from __future__ import annotations

import re

from adapters.telegram.commands import COMMANDS, DEFAULT_LANGUAGE
from bot.i18n import LANGUAGES


def test_every_language_the_bot_speaks_has_the_same_commands() -> None:
    assert set(COMMANDS) == set(LANGUAGES)
    assert DEFAULT_LANGUAGE in COMMANDS
    names = list(COMMANDS[DEFAULT_LANGUAGE])
    for language, commands in COMMANDS.items():
        assert list(commands) == names, language
        for name, description in commands.items():
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
            assert 3 <= len(description) <= 256, (language, name)
