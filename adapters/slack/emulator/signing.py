"""Slack's v0 request signature: HMAC-SHA256 of "v0:{timestamp}:{body}" with the
signing secret, sent as `X-Slack-Signature` next to `X-Slack-Request-Timestamp`."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: str, body: str | bytes) -> str:
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + timestamp.encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: str | bytes, content_type: str, *, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
