"""One typed settings object, read from the environment (and an optional .env) once at start.

Every setting is documented in .env.example; tests/unit/test_settings.py keeps the two in step.
Secrets are SecretStr so they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import LANGUAGES


class SettingsError(Exception):
    """A missing or malformed setting, named in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # Storage
    database_url: str = "sqlite+aiosqlite:///./data/supportbot.db"
    redis_url: str | None = None
    files_dir: Path = Path("./data/files")

    # Web server
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = None  # set: Telegram uses a webhook at {public_url}/telegram/webhook

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None  # generated when a webhook is used

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None  # set: Socket Mode
    slack_api_base_url: str = "https://slack.com/api/"
    slack_support_channel: str | None = None  # channel id of the agents' desk
    note_prefix: str = "note:"

    # Links and buttons: HMAC key for signed links and callback data
    link_secret: SecretStr | None = Field(default=None, min_length=16)

    # E-mail (verification codes, notifications when a chat cannot be reached)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "supportbot@localhost"
    smtp_starttls: bool = True

    # Support desk behaviour
    default_language: str = "en"
    default_timezone: str = "Europe/Warsaw"
    reopen_window_days: int = Field(default=7, ge=0)
    max_attachments_per_ticket: int = Field(default=10, ge=0)
    max_attachment_mb: int = Field(default=25, ge=1)

    # Logs
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Operators paste the URLs their platform gives them; pick the async drivers for them.
        for prefix, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if value.startswith(prefix):
                return driver + value[len(prefix) :]
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("must be a postgresql:// or sqlite:// URL")
        return value

    @property
    def has_chat_tokens(self) -> bool:
        return self.telegram_bot_token is not None or self.slack_bot_token is not None


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read the settings, turning pydantic's report into one line per problem."""
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors(include_url=False, include_input=False)
        )
        raise SettingsError(f"bad configuration: {problems}") from None
