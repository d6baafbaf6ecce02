"""Sending e-mail over SMTP (core.ports.Mailer): verification codes, and notices for customers
whose chat cannot be reached.

Every failure comes out as a `MailError` (never aiosmtplib's or the socket's own exceptions), so
callers catch one type and tell the person something polite; `MailRecipientRefused` says the
server would not take that address, which the person can fix, unlike an outage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING

import aiosmtplib

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["MailError", "MailRecipientRefused", "SmtpMailer", "mailer_from_settings"]

IMPLICIT_TLS_PORT = 465  # "SMTPS": TLS from the first byte rather than STARTTLS


class MailError(Exception):
    """The e-mail was not sent. The text names the server and the failure, never the message."""


class MailRecipientRefused(MailError):
    """The server refused the recipient's address (a typo, or a mailbox that does not exist)."""


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "supportbot@localhost"  # the From header: "Support <support@vendor.example>"
    starttls: bool = True  # require STARTTLS (ignored on port 465, which is TLS throughout)
    timeout: float = 20.0  # seconds for each step of the conversation with the server

    async def send(self, to: str, subject: str, body: str) -> None:
        message = self.compose(to, subject, body)
        implicit_tls = self.port == IMPLICIT_TLS_PORT
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username or None,
                password=self.password if self.username else None,
                use_tls=implicit_tls,
                start_tls=self.starttls and not implicit_tls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPRecipientRefused) as error:
            raise MailRecipientRefused(self._describe(error)) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailError(self._describe(error)) from error

    def compose(self, to: str, subject: str, body: str) -> EmailMessage:
        """A plain-text UTF-8 message with the headers spam filters look for."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        # An explicit domain: make_msgid() would otherwise ask DNS for this host's name.
        message["Message-ID"] = make_msgid(domain=self._domain())
        message.set_content(body, charset="utf-8")
        return message

    def _domain(self) -> str:
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "localhost"

    def _describe(self, error: Exception) -> str:
        # The server's reply code, not its text: that may quote the recipient's address.
        code = getattr(error, "code", None)
        reply = f" (reply {code})" if isinstance(code, int) else ""
        return f"{type(error).__name__} from {self.host}:{self.port}{reply}"


def mailer_from_settings(settings: Settings) -> SmtpMailer | None:
    """The configured mailer, or None when SMTP_HOST is not set (registration by e-mail off)."""
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
    )
