"""Signed callback data: a button press is only believed if the bot made the button.

Telegram hands `callback_data` back verbatim, but any client can send a callback query with
data of its choosing. A short HMAC tag over the data makes forged or altered data detectable;
the flows still re-check every permission through the core (bot.flows.actions), so the tag
only has to make guessing expensive, not impossible: 72 bits is plenty for an online attack
that costs one Telegram request per guess.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["MAX_CALLBACK_BYTES", "MAX_DATA_BYTES", "TAG_LENGTH", "CallbackSigner"]

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data, in UTF-8 bytes
TAG_LENGTH = 12  # base64url characters: 9 bytes of the digest, no padding
_SEPARATOR = "~"  # never in base64url, so the tag is always the last 12 characters after it
MAX_DATA_BYTES = MAX_CALLBACK_BYTES - TAG_LENGTH - len(_SEPARATOR)


class CallbackSigner:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            # A short secret would make the tag guessable offline from one signed button.
            raise ValueError("the callback secret must be at least 16 bytes")
        # A key of its own: the same secret may also sign links, and a link's signature must
        # never double as a button's tag.
        self._key = hmac.new(secret, b"supportbot/telegram-callbacks/v1", hashlib.sha256).digest()

    def sign(self, data: str) -> str:
        """`data` with its tag appended; raises ValueError if the result would pass 64 bytes."""
        if not data:
            raise ValueError("button data must not be empty")
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"button data longer than {MAX_DATA_BYTES} bytes: {data!r}")
        return f"{data}{_SEPARATOR}{self._tag(data)}"

    def verify(self, signed: str | None) -> str | None:
        """The data if the tag is the one this secret makes, else None."""
        if not signed or len(signed.encode()) > MAX_CALLBACK_BYTES:
            return None
        data, separator, tag = signed.rpartition(_SEPARATOR)
        if not data or not separator or len(tag) != TAG_LENGTH:
            return None
        # compare_digest on bytes: constant time in the tag, whatever characters it holds.
        if not hmac.compare_digest(self._tag(data).encode(), tag.encode()):
            return None
        return data

    def _tag(self, data: str) -> str:
        digest = hmac.new(self._key, data.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:9]).decode("ascii")
