"""Domain errors a user can be told about.

Each carries a stable `code` (the id of the message the bot shows, in the user's language) and
`params` to fill that message. Callers catch `DomainError` and render `code`; they never parse
the exception text, which is for logs only.
"""

from __future__ import annotations

ParamValue = str | int


class DomainError(Exception):
    """Something the user asked for that the engine refuses, and why."""

    default_code = "domain-error"

    def __init__(self, code: str | None = None, /, **params: ParamValue) -> None:
        self.code = code or self.default_code
        self.params: dict[str, ParamValue] = dict(params)
        detail = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        super().__init__(f"{self.code}: {detail}" if detail else self.code)


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists (no enumeration)."""

    default_code = "not-found"


class PermissionDenied(DomainError):
    default_code = "not-allowed"


class InvalidTransition(DomainError):
    """The ticket's status cannot go where asked, or not by this actor."""

    default_code = "invalid-transition"


class TicketClosed(DomainError):
    """A message on a ticket that no longer takes messages.

    `reopen_allowed` tells the bot whether to offer "reopen" (resolved, within the reopen
    window) or only "open a new ticket".
    """

    default_code = "ticket-closed"

    def __init__(self, *, reopen_allowed: bool, **params: ParamValue) -> None:
        super().__init__(None, reopen_allowed=int(reopen_allowed), **params)
        self.reopen_allowed = reopen_allowed


class RegistrationError(DomainError):
    """Linking a chat to a company user failed (codes, invites, already linked...)."""

    default_code = "registration-failed"


class LimitExceeded(DomainError):
    """A count or size cap was hit; params say which limit."""

    default_code = "limit-exceeded"


class ValidationError(DomainError):
    """The input itself is wrong (empty text, rating out of range...)."""

    default_code = "invalid-input"


__all__ = [
    "DomainError",
    "InvalidTransition",
    "LimitExceeded",
    "NotFound",
    "ParamValue",
    "PermissionDenied",
    "RegistrationError",
    "TicketClosed",
    "ValidationError",
]
