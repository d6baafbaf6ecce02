"""What every service needs besides the unit of work: time, randomness and tunables."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.ports import Clock, SecretSource

MIB = 1024 * 1024


@dataclass(frozen=True)
class EngineConfig:
    reopen_window: timedelta = timedelta(days=7)  # after resolution, a customer may reopen
    auto_close_after: timedelta = timedelta(days=7)  # resolved tickets close by themselves
    code_ttl: timedelta = timedelta(minutes=15)
    code_max_tries: int = 5
    code_resend_limit: int = 3
    code_resend_cooldown: timedelta = timedelta(seconds=60)
    invite_ttl: timedelta = timedelta(days=7)
    support_token_ttl: timedelta = timedelta(hours=24)
    support_token_max_ttl: timedelta = timedelta(days=7)
    max_attachments_per_ticket: int = 10
    max_attachment_bytes: int = 25 * MIB  # seed 001: attachments up to 25 MB
    default_language: str = "en"
    languages: frozenset[str] = frozenset({"en", "pl", "it", "ro"})
    max_subject_chars: int = 200
    max_text_chars: int = 20_000
    max_tickets_per_hour: int = 20  # per person; 0: no limit


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SystemSecrets:
    def token(self, nbytes: int = 24) -> str:
        return secrets.token_urlsafe(nbytes)

    def digits(self, count: int) -> str:
        return "".join(secrets.choice("0123456789") for _ in range(count))


@dataclass(frozen=True)
class Context:
    clock: Clock
    secrets: SecretSource
    config: EngineConfig = field(default_factory=EngineConfig)

    @classmethod
    def system(cls, config: EngineConfig | None = None) -> Context:
        return cls(SystemClock(), SystemSecrets(), config or EngineConfig())


__all__ = ["MIB", "Context", "EngineConfig", "SystemClock", "SystemSecrets"]
