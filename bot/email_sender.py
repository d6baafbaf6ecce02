"""Delivering customer pushes by e-mail (core.ports.Sender for Audience.EMAIL).

Rows for e-mail are written when a chat cannot be reached (core.notify for new events,
core.giving_up for messages the chat never got). The push is rendered as for a chat, in the
reader's language and without buttons (bot/pushes.py), and its mini-HTML becomes plain text.
"""

from __future__ import annotations

import html
import re

from bot.mail import MailError, MailRecipientRefused
from bot.pushes import PushRenderer
from core.delivery import PermanentFailure, RetryLater
from core.model import Audience, OutboxMessage
from core.ports import Mailer

__all__ = ["EmailSender", "plain_text"]

SUBJECT_CHARS = 120
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


def plain_text(mini_html: str) -> str:
    """A Say's mini-HTML (bot/flows/io.py) as plain text: links keep their address."""

    def link(match: re.Match[str]) -> str:
        url, label = html.unescape(match.group(1)), match.group(2)
        return label if html.unescape(label) == url else f"{label} ({url})"

    return html.unescape(_TAG.sub("", _LINK.sub(link, mini_html)))


class EmailSender:
    def __init__(self, mailer: Mailer, renderer: PushRenderer) -> None:
        self._mailer = mailer
        self._render = renderer

    async def send(self, message: OutboxMessage) -> None:
        if message.audience is not Audience.EMAIL or not message.chat_id:
            raise PermanentFailure(f"not an e-mail: {message.audience}")
        says = await self._render(message)
        body = "\n\n".join(plain_text(say.text) for say in says).strip()
        if not body:
            raise PermanentFailure("nothing to say by e-mail")
        subject = body.splitlines()[0][:SUBJECT_CHARS]
        try:
            await self._mailer.send(message.chat_id, subject, body)
        except MailRecipientRefused as exc:
            raise PermanentFailure(str(exc)) from exc
        except MailError as exc:
            raise RetryLater(str(exc)) from exc
