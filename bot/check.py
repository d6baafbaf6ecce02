"""`supportbot check`: is this configuration going to work? Each part is asked for real.

The settings are read and cross-checked (a Slack token without a support channel, Slack with no
way to receive events, a webhook URL Telegram will refuse), then every configured dependency is
reached: the database (and whether its schema is current), Redis, Telegram (getMe, and the
webhook Telegram has on record), Slack (auth.test, and the bot's membership of the support
channel), the SMTP server. One line per finding; secrets are never printed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit

from bot.health import redact
from bot.settings import Settings

TIMEOUT = 10.0


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" (works, but worth knowing) or "FAIL" (will not work)
    part: str
    text: str

    def line(self) -> str:
        return f"{self.level:<4}  {self.part}: {self.text}"


class Checker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.findings: list[Finding] = []
        self._secrets = tuple(
            s.get_secret_value()
            for s in (
                settings.telegram_bot_token,
                settings.slack_bot_token,
                settings.slack_app_token,
                settings.slack_signing_secret,
                settings.smtp_password,
                settings.link_secret,
                settings.telegram_webhook_secret,
            )
            if s is not None
        ) + _database_password(settings.database_url)

    def ok(self, part: str, text: str) -> None:
        self.findings.append(Finding("ok", part, text))

    def warn(self, part: str, text: str) -> None:
        self.findings.append(Finding("warn", part, text))

    def fail(self, part: str, text: str) -> None:
        self.findings.append(Finding("FAIL", part, self._clean(text)))

    @property
    def failed(self) -> bool:
        return any(f.level == "FAIL" for f in self.findings)

    def _clean(self, text: str) -> str:
        return redact(text, self._secrets)

    async def _ask(self, part: str, probe: Callable[[], Awaitable[None]]) -> None:
        try:
            await asyncio.wait_for(probe(), TIMEOUT)
        except TimeoutError:
            self.fail(part, f"no answer within {TIMEOUT:g} s")
        except Exception as exc:
            self.fail(part, _why(exc))

    async def run(self) -> list[Finding]:
        self.configuration()
        await self._ask("database", self.database)
        if self.settings.redis_url:
            await self._ask("redis", self.redis)
        if self.settings.telegram_bot_token is not None:
            await self._ask("telegram", self.telegram)
        if self.settings.slack_bot_token is not None:
            await self._ask("slack", self.slack)
        if self.settings.smtp_host:
            await self._ask("smtp", self.smtp)
        return self.findings

    # --- the settings among themselves ---------------------------------------------------------

    def configuration(self) -> None:
        s = self.settings
        if not s.has_chat_tokens:
            self.warn(
                "platforms",
                "neither TELEGRAM_BOT_TOKEN nor SLACK_BOT_TOKEN is set: `supportbot run` "
                "starts the local playground instead of a real bot",
            )
        if s.telegram_bot_token is not None:
            if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", s.telegram_bot_token.get_secret_value()):
                self.fail(
                    "TELEGRAM_BOT_TOKEN",
                    "does not look like a bot token from @BotFather (digits:letters)",
                )
        elif s.public_url:
            self.warn("PUBLIC_URL", "set, but there is no TELEGRAM_BOT_TOKEN to use a webhook")
        if s.public_url and s.telegram_bot_token is not None:
            self._public_url(s.public_url)
        if s.slack_bot_token is not None:
            self._slack_settings()
        elif s.slack_app_token is not None or s.slack_support_channel:
            self.warn("SLACK_BOT_TOKEN", "not set, so the other SLACK_ settings are unused")
        if s.smtp_host is None:
            self.warn(
                "SMTP_HOST",
                "not set: self-registration by e-mailed code and e-mail notices are off",
            )
        if s.link_secret is None:
            self.warn(
                "LINK_SECRET",
                "not set: signed links from your application cannot be used (buttons are "
                "signed with a key derived from the bot token)",
            )

    def _public_url(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        local = host == "localhost"
        if not local:
            try:
                local = ip_address(host).is_loopback
            except ValueError:
                local = False
        if parts.scheme != "https" and not local:
            self.fail("PUBLIC_URL", "Telegram delivers webhooks only to https:// URLs")
        elif parts.port not in (None, 443, 80, 88, 8443) and not local:
            self.fail("PUBLIC_URL", "Telegram delivers webhooks only to ports 443, 80, 88, 8443")

    def _slack_settings(self) -> None:
        s = self.settings
        assert s.slack_bot_token is not None
        if not s.slack_support_channel:
            self.fail(
                "SLACK_SUPPORT_CHANNEL",
                "not set: tickets have no channel to go to (the channel id, C...)",
            )
        if s.slack_app_token is None and s.slack_signing_secret is None:
            self.fail(
                "SLACK_APP_TOKEN / SLACK_SIGNING_SECRET",
                "neither is set: agents' replies and clicks cannot reach the bot (set the app "
                "token for Socket Mode, or the signing secret for HTTP events at /slack/events)",
            )
        if s.slack_app_token is not None and not s.slack_app_token.get_secret_value().startswith(
            "xapp-"
        ):
            self.fail("SLACK_APP_TOKEN", "an app-level token starts with xapp-")
        if not s.slack_bot_token.get_secret_value().startswith("xoxb-"):
            self.fail("SLACK_BOT_TOKEN", "a bot token starts with xoxb-")

    # --- reaching each part ------------------------------------------------------------------

    async def database(self) -> None:
        from alembic.util.exc import CommandError

        from storage.db import open_database
        from storage.migrate import check as schema_check

        url = self.settings.database_url
        database = await open_database(url)
        kind = database.dialect
        await database.dispose()
        try:
            await schema_check(url)
        except CommandError:
            if kind == "sqlite":
                self.ok("database", "sqlite answers; its schema is brought up to date at start")
            else:
                self.fail(
                    "database",
                    f"{kind} answers, but its schema is not current: run `supportbot migrate`",
                )
            return
        self.ok("database", f"{kind} answers; the schema is current")

    async def redis(self) -> None:
        from bot.health import redis_check

        assert self.settings.redis_url is not None
        await redis_check(self.settings.redis_url)()
        self.ok("redis", "answers PING")

    async def telegram(self) -> None:
        from bot.runtime import telegram_bot
        from bot.telegram_webhook import webhook_url

        async with telegram_bot(self.settings) as bot:
            self.ok("telegram", f"getMe: the bot is @{bot.username} (id {bot.id})")
            info = await bot.get_webhook_info()
        wanted = webhook_url(self.settings)
        if wanted is None and info.url:
            self.warn(
                "telegram",
                "a webhook is set at Telegram; without PUBLIC_URL the bot polls and removes it",
            )
        elif wanted is not None and info.url != wanted:
            self.warn("telegram", f"the webhook will be set to {wanted} when the web role starts")
        elif wanted is not None:
            self.ok("telegram", f"the webhook is at {wanted}")
        if info.last_error_message and wanted is not None:
            self.warn("telegram", f"Telegram's last webhook error: {info.last_error_message}")

    async def slack(self) -> None:
        from slack_sdk.errors import SlackApiError

        from bot.runtime import slack_client

        client = slack_client(self.settings)
        try:
            who = await client.auth_test()
            self.ok("slack", f"auth.test: the bot is {who.get('user')} in {who.get('team')}")
            channel = self.settings.slack_support_channel
            if channel:
                try:
                    info = await client.conversations_info(channel=channel)
                except SlackApiError as exc:
                    self.fail("slack", f"support channel {channel}: {exc.response.get('error')}")
                    return
                found = info["channel"]
                if found.get("is_member"):
                    self.ok("slack", f"the bot is in #{found.get('name')} ({channel})")
                else:
                    self.fail("slack", f"the bot is not in #{found.get('name')}: invite it there")
        finally:
            if client.session is not None:
                await client.session.close()

    async def smtp(self) -> None:
        import aiosmtplib

        s = self.settings
        assert s.smtp_host is not None
        smtp = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, start_tls=s.smtp_starttls, timeout=TIMEOUT
        )
        await smtp.connect()
        try:
            if s.smtp_username and s.smtp_password is not None:
                await smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        finally:
            await smtp.quit()
        self.ok("smtp", f"{s.smtp_host}:{s.smtp_port} answers")


def _database_password(url: str) -> tuple[str, ...]:
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
    except Exception:
        return ()
    return (str(password),) if password else ()


def _why(exc: BaseException) -> str:
    """A short reason: the exception's name and first line, without the request's URL."""
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, SlackApiError):
        return f"Slack says {exc.response.get('error')}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__
