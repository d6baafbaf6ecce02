"""Bot API errors as Telegram words them.

Every failure a bot can observe is an :class:`ApiError`; the server turns it into
``{"ok": false, "error_code": N, "description": "..."}`` with the same HTTP status, which is
what python-telegram-bot maps to ``BadRequest``, ``Forbidden``, ``RetryAfter`` and friends.
The descriptions are copied from what the real server answers, because bots (ours included)
match on them.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error response."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class EmulatorUsageError(Exception):
    """A test drove the simulated user into something a real Telegram client can't do."""


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def forbidden(message: str) -> ApiError:
    return ApiError(403, f"Forbidden: {message}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def conflict(message: str) -> ApiError:
    return ApiError(409, f"Conflict: {message}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")
ENTITY_TOO_LARGE = ApiError(413, "Request Entity Too Large")

CHAT_NOT_FOUND = "chat not found"
BOT_BLOCKED = "bot was blocked by the user"
CANT_INITIATE = "bot can't initiate conversation with a user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
