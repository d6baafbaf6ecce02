"""Vendor-signed links: a vendor's desktop program logs a known user into the chat in one tap.

This is the chat equivalent of seed 000's automatic login from the program. The program (which
knows who is signed in and shares a secret with the bot, LINK_SECRET) builds a link such as

    https://t.me/<bot>?start=sl_ARI0VniavN7wEjRWeJq83vBw29iADGkgm78eW-i1aRU4AZAcnQ

and opens it; Telegram starts the bot with that payload and the chat is linked to the user.

Format, for vendors (version 1)
-------------------------------
The payload is ``"sl_"`` followed by the unpadded base64url encoding (RFC 4648 §5: the alphabet
``A-Z a-z 0-9 - _``, no ``=``) of exactly 37 bytes:

    offset  size  content
    0       1     version: 0x01
    1       16    the supportbot user's id: the UUID's 16 bytes in network order (RFC 4122; Python
                  ``uuid.UUID(...).bytes``, .NET ``Guid.ToByteArray()`` is NOT in this order)
    17      4     expiry: unsigned 32-bit big-endian Unix time in seconds (UTC)
    21      16    tag: the first 16 bytes of HMAC-SHA256(secret, LABEL || bytes 0..20)

where LABEL is 23 bytes: the 22 ASCII characters ``supportbot signed link`` and a zero byte
(it keeps these tags apart from anything else the same secret signs, such as button data).
The whole payload is 53 characters of ``[A-Za-z0-9_-]``, within Telegram's 64-character limit
for start parameters.

Rules the bot applies: the payload must be canonical base64url of exactly that length, the
tag must match (compared in constant time), and the expiry must be in the future. Keep the
expiry short (a few minutes: the link is opened right away) because anyone holding an unexpired
link can link a chat to that user. The secret should be at least 32 random bytes.

A reference implementation in Python is ``make_signed_link_payload`` below. A known answer to
check other implementations against (pinned by tests/unit/test_signed_links.py): the secret
``vendor-shared-secret-0123456789ab`` (ASCII), the user
``12345678-9abc-def0-1234-56789abcdef0`` and the expiry 2030-01-01T00:00:00Z (1893456000)
give the payload in the link above.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
import uuid
from datetime import UTC, datetime

__all__ = [
    "MAX_PAYLOAD_CHARS",
    "PREFIX",
    "make_signed_link_payload",
    "verify_signed_link_payload",
]

PREFIX = "sl_"
MAX_PAYLOAD_CHARS = 64  # Telegram's limit for the start parameter of a deep link

VERSION = 1
LABEL = b"supportbot signed link\x00"
TAG_BYTES = 16  # 128 bits: forging a tag online is hopeless
_BODY = struct.Struct(">B16sI")  # version, user id, expiry
_RAW_BYTES = _BODY.size + TAG_BYTES  # 37
_ENCODED_CHARS = (_RAW_BYTES * 4 + 2) // 3  # 50: base64 without padding
_SHAPE = re.compile(rf"^{PREFIX}[A-Za-z0-9_-]{{{_ENCODED_CHARS}}}$")


def make_signed_link_payload(secret: bytes, user_id: uuid.UUID, expires_at: datetime) -> str:
    """The start payload (with its ``sl_`` prefix) that links a chat to `user_id` until
    `expires_at` (a timezone-aware moment; seconds are kept, fractions dropped)."""
    if not secret:
        raise ValueError("signed links need a secret")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    expiry = int(expires_at.timestamp())
    if not 0 < expiry < 2**32:
        raise ValueError("expires_at is out of range")
    body = _BODY.pack(VERSION, user_id.bytes, expiry)
    encoded = base64.urlsafe_b64encode(body + _tag(secret, body)).rstrip(b"=").decode("ascii")
    return PREFIX + encoded


def verify_signed_link_payload(secret: bytes, payload: str, now: datetime) -> uuid.UUID | None:
    """The user id a genuine, unexpired payload names; None for anything else (no reason is
    given on purpose: a forger learns nothing from the answer)."""
    if not secret or not _SHAPE.match(payload):
        return None
    encoded = payload[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return None
    # Base64 leaves spare bits in the last character; two spellings of one payload would make
    # it malleable, so only the canonical one is accepted.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != encoded:
        return None
    body, tag = raw[: _BODY.size], raw[_BODY.size :]
    if not hmac.compare_digest(tag, _tag(secret, body)):
        return None
    version, user_bytes, expiry = _BODY.unpack(body)
    if version != VERSION or now >= datetime.fromtimestamp(expiry, UTC):
        return None
    return uuid.UUID(bytes=user_bytes)


def _tag(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, LABEL + body, hashlib.sha256).digest()[:TAG_BYTES]
