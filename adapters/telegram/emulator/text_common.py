"""Pieces every parse mode shares: UTF-16 lengths, error wording, links, entity order."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request

Entity = dict[str, Any]
UserLookup = Callable[[int], dict[str, Any] | None]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what Telegram's offsets count."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def cant_parse(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def check_link(url: str) -> str | None:
    """Normalize a link as Telegram shows it in ``text_link``; ``None`` drops the entity."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url and not url.startswith(("tg:", "ton:", "mailto:")):
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp"):
        if not parts.netloc or " " in url:
            return None
        if not parts.path:
            url = parts._replace(path="/").geturl()
    return url


def mention_user_id(url: str) -> int | None:
    match = re.fullmatch(r"tg://user\?id=(\d+)", url.strip(), re.IGNORECASE)
    return int(match.group(1)) if match else None


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Outer entities first at equal offsets, as Telegram orders them."""
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities
