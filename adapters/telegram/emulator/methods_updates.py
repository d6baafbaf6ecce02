"""getUpdates and the webhook methods."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request, conflict
from .params import Params
from .state import World
from .webhook import WebhookConfig, WebhookDeliverer, check_url

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _allowed_updates(p: Params) -> list[str] | None:
    allowed = p.get_json("allowed_updates", "allowed_updates")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    return allowed


async def get_updates(world: World, webhook: WebhookDeliverer, p: Params) -> Any:
    if webhook.active:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
            "the webhook first"
        )
    offset = p.get_int("offset") or 0
    limit = p.get_int("limit") or 100
    limit = min(max(limit, 1), 100)
    timeout = max(p.get_float("timeout") or 0.0, 0.0)
    world.updates.set_allowed(_allowed_updates(p))
    return await world.updates.long_poll(offset, limit, wait_seconds=timeout)


async def set_webhook(world: World, webhook: WebhookDeliverer, p: Params) -> Any:
    url = p.get_str("url") or ""
    if not url:
        return await delete_webhook(world, webhook, p)
    check_url(url)
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.get_int("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("invalid max_connections specified")
    world.updates.set_allowed(_allowed_updates(p))
    if p.get_bool("drop_pending_updates"):
        world.updates.clear()
    await webhook.set(WebhookConfig(url, secret or None, max_connections))
    return True


async def delete_webhook(world: World, webhook: WebhookDeliverer, p: Params) -> Any:
    if p.get_bool("drop_pending_updates"):
        world.updates.clear()
    await webhook.delete()
    return True


async def get_webhook_info(world: World, webhook: WebhookDeliverer, p: Params) -> Any:
    return webhook.info()
