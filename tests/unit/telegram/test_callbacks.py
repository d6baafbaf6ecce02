"""Signed button data: what comes back is only believed if the bot signed it."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from adapters.telegram.callbacks import MAX_CALLBACK_BYTES, MAX_DATA_BYTES, CallbackSigner
from bot.flows import actions

SECRET = b"0123456789abcdef-test-secret"


@pytest.fixture
def signer() -> CallbackSigner:
    return CallbackSigner(SECRET)


@pytest.mark.parametrize("data", ["m:report", "t:1042:rate:5", "nav:back", "f:zażółć", "a~b"])
def test_round_trip(signer: CallbackSigner, data: str) -> None:
    signed = signer.sign(data)
    assert signed.startswith(data)
    assert len(signed.encode()) <= MAX_CALLBACK_BYTES
    assert signer.verify(signed) == data


def test_tampered_data_is_refused(signer: CallbackSigner) -> None:
    signed = signer.sign("t:1042:open")
    forged = signed.replace("1042", "1043", 1)
    assert signer.verify(forged) is None


def test_tampered_tag_is_refused(signer: CallbackSigner) -> None:
    signed = signer.sign("t:1042:open")
    last = signed[-1]
    forged = signed[:-1] + ("A" if last != "A" else "B")
    assert signer.verify(forged) is None
    assert signer.verify(signed[:-1]) is None  # a shortened tag
    assert signer.verify("t:1042:open") is None  # no tag at all


def test_another_secret_does_not_verify(signer: CallbackSigner) -> None:
    other = CallbackSigner(b"another-secret-of-16-bytes")
    assert other.verify(signer.sign("m:menu")) is None


def test_a_plain_hmac_of_the_data_is_not_a_tag() -> None:
    # The signer keys its own HMAC, so a link signed with the same secret is no button tag.
    plain = hmac.new(SECRET, b"m:menu", hashlib.sha256).digest()[:9]
    forged = "m:menu~" + base64.urlsafe_b64encode(plain).decode()
    assert CallbackSigner(SECRET).verify(forged) is None


@pytest.mark.parametrize("garbage", ["", "~", "~AAAAAAAAAAAA", "x" * 80, "\x00" * 13])
def test_garbage_is_refused(signer: CallbackSigner, garbage: str) -> None:
    assert signer.verify(garbage) is None


def test_the_longest_action_data_fits(signer: CallbackSigner) -> None:
    # Whatever bot.flows.actions accepts, signed, stays within Telegram's 64 bytes.
    assert actions.MAX_DATA_BYTES <= MAX_DATA_BYTES
    longest = "f:" + "é" * ((MAX_DATA_BYTES - 2) // 2)
    assert len(signer.sign(longest).encode()) <= MAX_CALLBACK_BYTES


def test_data_too_long_to_sign_is_refused(signer: CallbackSigner) -> None:
    with pytest.raises(ValueError, match="longer than"):
        signer.sign("x" * (MAX_DATA_BYTES + 1))
    with pytest.raises(ValueError, match="empty"):
        signer.sign("")


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        CallbackSigner(b"short")
