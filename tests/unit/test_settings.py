from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def example_keys() -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(), flags=re.MULTILINE)


def test_every_setting_is_documented_in_env_example_and_nothing_else() -> None:
    assert sorted(example_keys()) == sorted(name.upper() for name in Settings.model_fields)


def test_defaults_need_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in example_keys():
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert not settings.has_chat_tokens


def test_platform_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/x")
    assert load_settings(env_file=None).database_url == "postgresql+asyncpg://u:p@db/x"


def test_a_bad_setting_is_named_in_one_line_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "xx")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    message = str(caught.value)
    assert "\n" not in message
    assert "PORT" in message
    assert "DEFAULT_LANGUAGE" in message
    assert "eighty" not in message


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret-telegram")
    settings = load_settings(env_file=None)
    assert "very-secret" not in repr(settings)
    assert "secret-telegram" not in str(settings)
    assert settings.has_chat_tokens


def test_a_copy_of_env_example_is_a_valid_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`cp .env.example .env` is the README's first step: its empty `KEY=` lines mean unset."""
    for key in example_keys():
        monkeypatch.delenv(key, raising=False)
    copy = tmp_path / ".env"
    copy.write_text(EXAMPLE.read_text())
    settings = load_settings(env_file=copy)
    assert settings.telegram_bot_token is None
    assert settings.public_url is None
    assert settings.link_secret is None
    assert not settings.has_chat_tokens
