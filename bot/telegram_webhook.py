"""Telegram by webhook: Telegram POSTs each update to {PUBLIC_URL}/telegram/webhook.

The secret token: Telegram sends back, in X-Telegram-Bot-Api-Secret-Token, the secret given to
setWebhook. It is TELEGRAM_WEBHOOK_SECRET when set, otherwise derived from the bot token (an
HMAC), the same in every process and across restarts. A random secret per start would break
several web processes: each registers the webhook when it starts, the last one's secret wins,
and every other process would then refuse every update routed to it (403) until it restarted.
A derived secret needs no coordination and is unknown to anyone who does not hold the token
(who could call setWebhook themselves anyway).

An update is written to the inbox before the 200 goes back, so an update Telegram considers
delivered is never lost; a repeated delivery is recorded once (the inbox is unique on the
update id). A wrong or missing secret gets 403 and nothing is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Bot, Update

from adapters.telegram.polling import ALLOWED_UPDATES, event_id, record_updates
from bot.logs import log_context
from bot.metrics import WEBHOOK_REQUESTS
from bot.settings import Settings
from core.ports import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def webhook_url(settings: Settings) -> str | None:
    if not settings.public_url:
        return None
    return settings.public_url.rstrip("/") + WEBHOOK_PATH


def webhook_secret(settings: Settings) -> str:
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value().encode()
    # Hex: within Telegram's alphabet for secret tokens (A-Z, a-z, 0-9, _ and -).
    return hmac.new(b"supportbot-telegram-webhook", token, hashlib.sha256).hexdigest()


async def register_webhook(bot: Bot, settings: Settings) -> str:
    """Point Telegram at this deployment (idempotent: every web process may call it)."""
    url = webhook_url(settings)
    assert url is not None
    await bot.set_webhook(
        url=url,
        secret_token=webhook_secret(settings),
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    return url


def webhook_handler(
    bot: Bot,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    secret: str,
    on_new: Callable[[], None],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    expected = secret.encode()

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            WEBHOOK_REQUESTS.labels("forbidden").inc()
            log.warning("Telegram webhook call without the right secret token: refused")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), bot)
        except Exception:
            update = None
        if update is None:
            WEBHOOK_REQUESTS.labels("bad_request").inc()
            log.warning("Telegram webhook call with a body that is not an update: refused")
            return web.Response(status=400, text="not a Telegram update")
        with log_context(update=event_id(bot.id, update.update_id)):
            try:
                new = await record_updates(uow_factory, clock, bot.id, [update])
            except Exception:
                # Not recorded: a non-2xx makes Telegram deliver it again later.
                WEBHOOK_REQUESTS.labels("error").inc()
                log.exception("recording a webhook update failed; Telegram will retry")
                return web.Response(status=500, text="try again")
            WEBHOOK_REQUESTS.labels("recorded" if new else "duplicate").inc()
            if new:
                log.info("update received by webhook")
                on_new()
        return web.Response(text="ok")

    return telegram_webhook
