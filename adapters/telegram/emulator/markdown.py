"""MarkdownV2 and the legacy Markdown parse mode.

MarkdownV2 insists that reserved characters outside entities are escaped, as Telegram does; a
quote is a run of lines starting with ``>``. Legacy Markdown has no nesting and no escapes
inside entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text_common import (
    Entity,
    UserLookup,
    byte_offset,
    cant_parse,
    check_link,
    mention_user_id,
    sort_entities,
    utf16_len,
)

_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_MD2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}


@dataclass(slots=True)
class _MdOpen:
    kind: str
    offset: int
    begin: int  # source index, for error offsets
    argument: str = ""


def parse_markdown_v2(text: str, lookup_user: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2; reserved characters must be escaped, as Telegram insists."""
    out: list[str] = []
    utf16 = 0
    stack: list[_MdOpen] = []
    entities: list[Entity] = []
    quote_start: int | None = None
    n = len(text)
    i = 0

    def emit(s: str) -> None:
        nonlocal utf16
        out.append(s)
        utf16 += utf16_len(s)

    while i < n:
        c = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and quote_start is not None and c != ">":
            _close_quote(entities, quote_start, utf16, out)
            quote_start = None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        top = stack[-1] if stack else None
        if top is not None and top.kind in ("code", "pre"):
            fence = "```" if top.kind == "pre" else "`"
            if text.startswith(fence, i):
                stack.pop()
                _add_md_entity(entities, top, utf16)
                i += len(fence)
            else:
                emit(c)
                i += 1
            continue
        if c == ">" and at_line_start and not stack:
            if quote_start is None:
                quote_start = utf16
            i += 1
            continue
        if c not in _MD2_RESERVED:
            emit(c)
            i += 1
            continue
        if text.startswith("```", i):
            i += 3
            newline = text.find("\n", i)
            language = ""
            if newline != -1 and re.fullmatch(r"[!-~]+", text[i:newline] or " "):
                language = text[i:newline]
                i = newline + 1
            stack.append(_MdOpen("pre", utf16, i - 3, language))
            continue
        if c == "`":
            stack.append(_MdOpen("code", utf16, i))
            i += 1
            continue
        if c == "[" or (c == "!" and text.startswith("![", i)):
            kind = "custom_emoji" if c == "!" else "text_link"
            stack.append(_MdOpen(kind, utf16, i))
            i += 2 if c == "!" else 1
            continue
        if c == "]" and stack and stack[-1].kind in ("text_link", "custom_emoji"):
            opened = stack.pop()
            if not text.startswith("(", i + 1):
                raise cant_parse(
                    f"Can't find end of a URL at byte offset {byte_offset(text, i + 1)}"
                )
            url, i = _md_url(text, i + 2)
            opened.argument = url
            entity = _md_link_entity(opened, utf16, url, lookup_user)
            if entity is not None:
                entities.append(entity)
            continue
        marker = "__" if text.startswith("__", i) else "||" if text.startswith("||", i) else c
        kind_for_marker = _MD2_MARKERS.get(marker)
        if kind_for_marker is None:
            raise cant_parse(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        if stack and stack[-1].kind == kind_for_marker:
            opened = stack.pop()
            _add_md_entity(entities, opened, utf16)
        elif any(o.kind == kind_for_marker for o in stack):
            raise cant_parse(
                f"Can't find end of {_MD2_NAMES[stack[-1].kind]} entity at byte offset "
                f"{byte_offset(text, stack[-1].begin)}"
            )
        else:
            stack.append(_MdOpen(kind_for_marker, utf16, i))
        i += len(marker)
    if stack:
        raise cant_parse(
            f"Can't find end of {_MD2_NAMES[stack[-1].kind]} entity at byte offset "
            f"{byte_offset(text, stack[-1].begin)}"
        )
    if quote_start is not None:
        _close_quote(entities, quote_start, utf16, out)
    return "".join(out), sort_entities(entities)


def _close_quote(entities: list[Entity], start: int, utf16: int, out: list[str]) -> None:
    # The quote covers its lines but not the newline that ends the last one.
    end = utf16 - 1 if out and out[-1].endswith("\n") else utf16
    if end > start:
        entities.append({"type": "blockquote", "offset": start, "length": end - start})


def _md_url(text: str, i: int) -> tuple[str, int]:
    url: list[str] = []
    n = len(text)
    while i < n and text[i] != ")":
        if text[i] == "\\" and i + 1 < n:
            url.append(text[i + 1])
            i += 2
            continue
        url.append(text[i])
        i += 1
    if i >= n:
        raise cant_parse(f"Can't find end of a URL at byte offset {byte_offset(text, i)}")
    return "".join(url), i + 1


def _md_link_entity(
    opened: _MdOpen, utf16: int, url: str, lookup_user: UserLookup | None
) -> Entity | None:
    length = utf16 - opened.offset
    if length <= 0:
        return None
    base: Entity = {"offset": opened.offset, "length": length}
    if opened.kind == "custom_emoji":
        match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
        if match is None:
            raise cant_parse("Custom emoji URL must have an emoji identifier")
        return {"type": "custom_emoji", **base, "custom_emoji_id": match.group(1)}
    user_id = mention_user_id(url)
    if user_id is not None:
        user = lookup_user(user_id) if lookup_user else None
        return {"type": "text_mention", **base, "user": user} if user else None
    checked = check_link(url)
    return {"type": "text_link", **base, "url": checked} if checked else None


def _add_md_entity(entities: list[Entity], opened: _MdOpen, utf16: int) -> None:
    length = utf16 - opened.offset
    if length <= 0:
        return
    entity: Entity = {"type": opened.kind, "offset": opened.offset, "length": length}
    if opened.kind == "pre" and opened.argument:
        entity["language"] = opened.argument
    entities.append(entity)


# --- legacy Markdown ---------------------------------------------------------------------------


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """The legacy ``Markdown`` mode: no nesting, and an unclosed entity is an error."""
    out: list[str] = []
    entities: list[Entity] = []
    utf16 = 0
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue
        begin = i
        if c == "[":
            close = text.find("]", i + 1)
            if close == -1 or not text.startswith("(", close + 1):
                raise cant_parse(
                    "Can't find end of the entity starting at byte offset "
                    f"{byte_offset(text, begin)}"
                )
            url_end = text.find(")", close + 2)
            if url_end == -1:
                raise cant_parse(
                    "Can't find end of the entity starting at byte offset "
                    f"{byte_offset(text, begin)}"
                )
            inner = text[i + 1 : close]
            length = utf16_len(inner)
            url = check_link(text[close + 2 : url_end])
            if length and url:
                entities.append(
                    {"type": "text_link", "offset": utf16, "length": length, "url": url}
                )
            out.append(inner)
            utf16 += length
            i = url_end + 1
            continue
        fence = "```" if text.startswith("```", i) else c
        close = text.find(fence, i + len(fence))
        if close == -1:
            raise cant_parse(
                f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}"
            )
        inner = text[i + len(fence) : close]
        kind = {"_": "italic", "*": "bold", "`": "code", "```": "pre"}[fence]
        entity: Entity = {"type": kind, "offset": utf16}
        if kind == "pre":
            first, sep, rest = inner.partition("\n")
            if sep and first and " " not in first:
                entity["language"] = first
                inner = rest
        length = utf16_len(inner)
        if length:
            entity["length"] = length
            entities.append(entity)
        out.append(inner)
        utf16 += length
        i = close + len(fence)
    return "".join(out), sort_entities(entities)
