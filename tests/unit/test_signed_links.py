"""Vendor-signed links: what a vendor's program mints, the bot believes, and nothing else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import string
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bot.signed_links import (
    LABEL,
    MAX_PAYLOAD_CHARS,
    PREFIX,
    make_signed_link_payload,
    verify_signed_link_payload,
)

SECRET = b"vendor-shared-secret-0123456789ab"
USER = uuid.UUID("12345678-9abc-def0-1234-56789abcdef0")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALPHABET = string.ascii_letters + string.digits + "-_"


def _payload(expires: datetime = NOW + timedelta(minutes=5), user: uuid.UUID = USER) -> str:
    return make_signed_link_payload(SECRET, user, expires)


def _encode(raw: bytes) -> str:
    return PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(payload: str) -> bytes:
    encoded = payload[len(PREFIX) :]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def test_a_fresh_payload_names_its_user() -> None:
    assert verify_signed_link_payload(SECRET, _payload(), NOW) == USER


def test_the_documented_known_answer_for_other_implementations() -> None:
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    payload = make_signed_link_payload(SECRET, USER, expires)
    assert payload == "sl_ARI0VniavN7wEjRWeJq83vBw29iADGkgm78eW-i1aRU4AZAcnQ"
    # The layout, computed by hand as a vendor would.
    body = b"\x01" + USER.bytes + (1893456000).to_bytes(4, "big")
    tag = hmac.new(SECRET, b"supportbot signed link\x00" + body, hashlib.sha256).digest()[:16]
    assert _decode(payload) == body + tag
    assert LABEL == b"supportbot signed link\x00"


@pytest.mark.parametrize("seed", range(20))
def test_payloads_fit_a_telegram_deep_link(seed: int) -> None:
    payload = _payload(NOW + timedelta(days=seed * 400), uuid.uuid4())
    assert len(payload) <= MAX_PAYLOAD_CHARS
    assert re.fullmatch(r"sl_[A-Za-z0-9_-]+", payload)


def test_every_changed_byte_is_refused() -> None:
    raw = _decode(_payload())
    for index in range(len(raw)):
        for flip in (0x01, 0x80, 0xFF):
            tampered = bytearray(raw)
            tampered[index] ^= flip
            assert verify_signed_link_payload(SECRET, _encode(bytes(tampered)), NOW) is None, (
                index,
                flip,
            )


def test_every_changed_character_is_refused() -> None:
    """Including the spare bits of the last character: one payload has one spelling only."""
    payload = _payload()
    for index in range(len(PREFIX), len(payload)):
        for char in ALPHABET:
            if char == payload[index]:
                continue
            tampered = payload[:index] + char + payload[index + 1 :]
            assert verify_signed_link_payload(SECRET, tampered, NOW) is None, (index, char)


def test_another_secret_or_no_secret_believes_nothing() -> None:
    payload = _payload()
    assert verify_signed_link_payload(b"another-secret-of-the-same-size!!", payload, NOW) is None
    assert verify_signed_link_payload(b"", payload, NOW) is None
    with pytest.raises(ValueError, match="secret"):
        make_signed_link_payload(b"", USER, NOW)


def test_a_payload_expires_at_its_expiry_second() -> None:
    expires = NOW + timedelta(minutes=5)
    payload = _payload(expires)
    assert verify_signed_link_payload(SECRET, payload, expires - timedelta(seconds=1)) == USER
    assert verify_signed_link_payload(SECRET, payload, expires) is None
    assert verify_signed_link_payload(SECRET, payload, expires + timedelta(days=1)) is None
    assert verify_signed_link_payload(SECRET, _payload(NOW - timedelta(seconds=1)), NOW) is None


def test_expiry_must_be_an_aware_moment_in_range() -> None:
    with pytest.raises(ValueError, match="timezone"):
        make_signed_link_payload(SECRET, USER, datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="range"):
        make_signed_link_payload(SECRET, USER, datetime(2107, 1, 1, tzinfo=UTC))


def test_a_future_version_is_not_read_as_this_one() -> None:
    body = b"\x02" + USER.bytes + int((NOW + timedelta(minutes=5)).timestamp()).to_bytes(4, "big")
    tag = hmac.new(SECRET, LABEL + body, hashlib.sha256).digest()[:16]
    assert verify_signed_link_payload(SECRET, _encode(body + tag), NOW) is None


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "sl_",
        "inv_abc",
        "sl_" + "A" * 50,
        "SL_" + "A" * 50,
        "sl_" + "A" * 49,
        "sl_" + "A" * 51,
        "sl_" + "A" * 49 + "=",
        "sl_" + "A" * 49 + "é",
        "sl_" + "A" * 49 + "+",
        " sl_" + "A" * 50,
    ],
)
def test_malformed_payloads_are_refused(payload: str) -> None:
    assert verify_signed_link_payload(SECRET, payload, NOW) is None


def test_a_truncated_or_extended_genuine_payload_is_refused() -> None:
    payload = _payload()
    assert verify_signed_link_payload(SECRET, payload[:-1], NOW) is None
    assert verify_signed_link_payload(SECRET, payload + "A", NOW) is None
