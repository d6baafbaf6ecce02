"""Logs an operator can read and a log shipper can parse.

JSON lines when stderr is not a terminal (a platform's log drain, journald, a file), a short
human format on a terminal; `LOG_FORMAT` overrides. Whatever is being worked on (an HTTP
request, a platform update, an outbox message) is put in a context variable with
`log_context(...)`, and every line logged inside it carries those fields, across awaits and into
tasks started there, so one update can be followed from the webhook to the delivery.

The JSON formatter is a few lines of the standard library on purpose: a dependency
(python-json-logger) would add nothing we use, and one less package in the lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from typing import Literal

# Never mutated: log_context sets a new dict, so the shared default stays empty.
_CONTEXT: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar(
    "supportbot_log_context",
    default={},  # noqa: B039
)

# httpx logs every request URL at INFO, and Telegram's URLs contain the bot token; the others
# are chatty at INFO without telling an operator anything.
QUIET = ("httpx", "httpcore", "telegram", "aiosqlite", "asyncio", "alembic", "slack_bolt")


def current_context() -> dict[str, str]:
    return dict(_CONTEXT.get())


@contextlib.contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add fields (request=..., update=...) to every log line written inside the block."""
    merged = {**_CONTEXT.get(), **{k: str(v) for k, v in fields.items() if v is not None}}
    token = _CONTEXT.set(merged)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.context = _CONTEXT.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "context", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = getattr(record, "context", {})
        if context:
            text += " [" + " ".join(f"{k}={v}" for k, v in context.items()) + "]"
        return text


_HANDLER = "supportbot"


def setup_logging(
    level: str = "INFO", fmt: Literal["auto", "json", "text"] = "auto", stream: object = None
) -> None:
    """Configure the root logger once for the process (replacing earlier handlers)."""
    out = stream if stream is not None else sys.stderr
    if fmt == "auto":
        fmt = "text" if getattr(out, "isatty", lambda: False)() else "json"
    handler = logging.StreamHandler(out)  # type: ignore[arg-type]
    handler.set_name(_HANDLER)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER:  # ours from an earlier call; others' stay
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
