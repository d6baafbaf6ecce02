"""Secrets never reach a log line, whatever library writes it and whatever level is on.

httpx logs every request URL (Telegram's carry the bot token), slack_sdk logs request details
at DEBUG, and an exception's text may quote a URL. Rather than trust every logger's level, each
log record is redacted as it is made (a LogRecord factory): its message with the arguments
filled in, its traceback and its stack. What is redacted: the secrets the running process was
given (registered by `redacting`); every code and token the bot itself generated
(`RedactingSecrets` remembers them: verification codes, invite tokens); and anything shaped like
a Telegram bot token, a Slack token, an invite or vendor-signed start link or a support access
code, known or not. Library DEBUG logs dump whole API payloads (python-telegram-bot logs every
update, and so the code a person typed), which is why values, not loggers, are what is caught.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from core.ports import SecretSource

__all__ = ["REDACTED", "RedactingSecrets", "redact", "redacting", "remember"]

REDACTED = "[redacted]"
_SHAPES = re.compile(
    r"\d{6,12}:[A-Za-z0-9_-]{30,}"  # Telegram bot token
    r"|xox[abpors]-[A-Za-z0-9-]{8,}"  # Slack bot/user tokens
    r"|xapp-[A-Za-z0-9-]{8,}"  # Slack app-level token
    r"|\b(?:inv|sl)_[A-Za-z0-9_-]{16,}"  # invite and vendor-signed start payloads
    r"|\bST-[2-9A-Z]{4}-[2-9A-Z]{4}\b"  # support access codes (core.services.support_tokens)
)
_WORD = re.compile(r"[A-Za-z0-9_-]{6,}")
_GENERATED_KEPT = 10_000  # the newest generated values are remembered; older ones expired
_MIN_SECRET = 6  # shorter values would redact ordinary words

_lock = threading.Lock()
_secrets: Counter[str] = Counter()
_generated: dict[str, None] = {}  # insertion-ordered: the oldest are dropped first
_installed: Callable[..., logging.LogRecord] | None = None


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _SHAPES.sub(REDACTED, text)
    if _generated:
        text = _WORD.sub(lambda m: REDACTED if m.group() in _generated else m.group(), text)
    return text


def remember(value: str) -> None:
    """A secret generated at run time (a code, a token): redacted from now on."""
    with _lock:
        _generated[value] = None
        while len(_generated) > _GENERATED_KEPT:
            del _generated[next(iter(_generated))]


class RedactingSecrets:
    """core.ports.SecretSource that remembers what it hands out, for `redact`."""

    def __init__(self, source: SecretSource) -> None:
        self._source = source

    def token(self, nbytes: int = 24) -> str:
        value = self._source.token(nbytes)
        remember(value)
        return value

    def digits(self, count: int) -> str:
        value = self._source.digits(count)
        if len(value) >= _MIN_SECRET:
            remember(value)
        return value


@contextmanager
def redacting(secrets: Iterable[str | None]) -> Iterator[None]:
    """While the block runs, these values (and token shapes) are redacted from every record."""
    mine = [s for s in secrets if s and len(s) >= _MIN_SECRET]
    with _lock:
        _install()
        _secrets.update(mine)
    try:
        yield
    finally:
        with _lock:
            _secrets.subtract(mine)
            for secret in [s for s, n in _secrets.items() if n <= 0]:
                del _secrets[secret]


def _install() -> None:
    global _installed
    if _installed is not None:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    _installed = factory
    logging.setLogRecordFactory(factory)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it itself when formatting
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatted now, redacted, and cached where every Formatter looks first.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
