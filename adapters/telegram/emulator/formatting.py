"""Text as a message carries it: ``parse_mode`` applied, plus the entities Telegram finds itself."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import bad_request
from .html_check import parse_html
from .markdown import parse_markdown, parse_markdown_v2
from .text_common import Entity, UserLookup, sort_entities, utf16_len

_AUTO = re.compile(
    r"(?P<email>[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?<![\w@/])(?:https?://|www\.)[^\s<>\"]+)"
    r"|(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w))"
    r"|(?P<hashtag>(?<![\w#])#(?=\w*[^\W\d])\w+)"
)
_HINT = re.compile(r"[/@#]|www\.")
_PROTECTED = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})


def auto_entities(text: str, existing: Iterable[Entity] = ()) -> list[Entity]:
    """URLs, e-mails, /commands, @mentions and #hashtags, as clients highlight them."""
    if _HINT.search(text) is None:  # the common case: nothing to find, skip the big regex
        return []
    protected = [
        (e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _PROTECTED
    ]
    found: list[Entity] = []
    ascii_text = text.isascii()
    for match in _AUTO.finditer(text):
        kind = match.lastgroup or "url"
        start, end = match.span()
        if kind == "url":
            while end > start and text[end - 1] in ".,;:!?)]'":
                end -= 1
        offset = start if ascii_text else utf16_len(text[:start])
        length = end - start if ascii_text else utf16_len(text[start:end])
        if any(offset < p_end and p_start < offset + length for p_start, p_end in protected):
            continue
        found.append({"type": kind, "offset": offset, "length": length})
    return found


def format_text(
    text: str,
    parse_mode: str | None,
    explicit_entities: list[Entity] | None = None,
    lookup_user: UserLookup | None = None,
) -> tuple[str, list[Entity]]:
    """Plain text and entities for ``text`` sent with ``parse_mode`` or explicit ``entities``."""
    if explicit_entities is not None:
        entities = [dict(e) for e in explicit_entities]
        limit = utf16_len(text)
        for entity in entities:
            offset, length = entity.get("offset"), entity.get("length")
            if not isinstance(offset, int) or not isinstance(length, int) or offset < 0:
                raise bad_request("can't parse entities: entity offset is invalid")
            if offset + length > limit:
                raise bad_request("entity end is out of the message text bounds")
        plain = text
    else:
        mode = (parse_mode or "").strip().lower()
        if mode == "html":
            plain, entities = parse_html(text, lookup_user)
        elif mode == "markdownv2":
            plain, entities = parse_markdown_v2(text, lookup_user)
        elif mode == "markdown":
            plain, entities = parse_markdown(text)
        elif mode == "":
            plain, entities = text, []
        else:
            raise bad_request("unsupported parse_mode")
    entities.extend(auto_entities(plain, entities))
    return plain, sort_entities(entities)
