"""One typed settings object, read from the environment (and an optional .env) once at start.

Every setting is documented in .env.example; tests/unit/test_settings.py keeps the two in step.
Secrets are SecretStr so they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import LANGUAGES
from core.filetypes import FileTypePolicy


class SettingsError(Exception):
    """A missing or malformed setting, named in one line."""


class Settings(BaseSettings):
    # env_ignore_empty: `KEY=` (as .env.example has them) means "not set", not "the empty string".
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    # Storage
    database_url: str = "sqlite+aiosqlite:///./data/supportbot.db"
    redis_url: str | None = None
    files_dir: Path = Path("./data/files")
    redis_prefix: str = "supportbot"  # keys and channels in Redis start with it

    # Web server
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = None  # set: Telegram uses a webhook at {public_url}/telegram/webhook
    metrics_port: int | None = Field(default=None, ge=1, le=65535)  # the worker's /metrics

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None  # derived from the token when unset

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
    max_tickets_per_hour: int = Field(default=20, ge=0)  # per person; 0: no limit
    sla_reminder_minutes: int = Field(default=60, ge=0)  # 0: no reminder, breaches still marked
    sla_check_seconds: float = Field(default=60.0, gt=0)
    delivery_give_up_minutes: int = Field(default=1440, ge=1)
    # off: no pacing to the platforms' published limits (429s still honoured); for benchmarks
    # and workspaces whose limits were raised
    delivery_pacing: Literal["on", "off"] = "on"

    # Abuse protection (docs/SECURITY.md)
    flood_burst: int = Field(default=30, ge=1)  # messages a chat may send at once...
    flood_per_minute: float = Field(default=60.0, gt=0)  # ...then this many a minute
    file_types_allowed: str = ""  # empty: whatever is not denied
    file_types_denied: str = "executable"

    # Logs
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("file_types_allowed", "file_types_denied")
    @classmethod
    def _file_types(cls, value: str) -> str:
        FileTypePolicy.parse(value, "")  # raises FileTypeSettingError, a ValueError
        return value

    @property
    def file_types(self) -> FileTypePolicy:
        return FileTypePolicy.parse(self.file_types_allowed, self.file_types_denied)

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be the https:// address of this server")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token; a value it would refuse fails here, at start.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
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
