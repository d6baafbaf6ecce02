"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from bot.mail import SmtpMailer


@dataclass
class MailRoom:
    """aiosmtpd's handler: keeps what arrives, and can refuse as a real server would."""

    received: list[EmailMessage] = field(default_factory=list)
    down: bool = False  # answer DATA with "451 try again later"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.down:
            return "451 4.3.0 Temporarily unavailable, try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted for delivery"

    def last_to(self, address: str) -> EmailMessage:
        sent = [message for message in self.received if message["To"] == address]
        if sent:
            return sent[-1]
        raise AssertionError(f"no e-mail to {address}: {[m['To'] for m in self.received]}")

    def code_sent_to(self, address: str) -> str:
        body = self.last_to(address).get_content()
        found = re.search(r"\b(\d{6})\b", body)
        assert found, body
        return found.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class SmtpServer:
    room: MailRoom
    port: int
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.room, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer(self) -> SmtpMailer:
        return SmtpMailer(
            "127.0.0.1",
            self.port,
            sender="Wsparcie <support@vendor.test>",
            starttls=False,
            timeout=5,
        )
