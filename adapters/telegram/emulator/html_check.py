"""The HTML parse mode: the text the user sees plus ``MessageEntity`` dicts.

The parser follows TDLib's ``parse_html`` (the code behind the Bot API server) closely,
including its error messages and byte offsets, because a bot that passes here must also pass
on Telegram: unknown tags, unclosed tags and ``span`` without ``tg-spoiler`` are refused.
Like TDLib, an unknown named entity such as ``&foo;`` is *not* an error, it is kept as text.

Entity offsets and lengths are in UTF-16 code units, as in the Bot API; text length limits are
counted in Unicode code points of the parsed text, as TDLib's ``utf8_length`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text_common import (
    Entity,
    UserLookup,
    byte_offset,
    cant_parse,
    check_link,
    mention_user_id,
    sort_entities,
)

_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
        "tg-emoji", "tg-time", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\v\f\0"


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    out_index: int  # index in the output list, to read the content back for bare <a>
    begin: int  # index of '<' in the source, for error offsets
    extra: dict[str, str]


def _decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """Decode ``&...;`` at ``pos``; ``(None, pos)`` when it is not one Telegram knows."""
    n = len(text)
    end = pos + 1
    code = 0
    if end < n and text[end] == "#":
        end += 1
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and "0" <= text[end] <= "9":
                code = code * 10 + ord(text[end]) - 48
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        if 0xD800 <= code <= 0xDFFF:
            raise cant_parse(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        decoded = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None, pos
        decoded = named
    if end < n and text[end] == ";":
        end += 1
    return decoded, end


def parse_html(text: str, lookup_user: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML dialect; raise 400 "can't parse entities: ..." like Telegram."""
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded, after = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded)
                utf16 += 2 if ord(decoded) > 0xFFFF else 1
                i = after
                continue
        if c != "<":
            out.append(c)
            utf16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _close_tag(text, begin, i, stack, entities, out, utf16, lookup_user)
        else:
            i = _open_tag(text, begin, i, stack, len(out), utf16)
    if stack:
        raise cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return "".join(out), sort_entities(entities)


def _open_tag(
    text: str, begin: int, i: int, stack: list[_OpenTag], out_len: int, utf16: int
) -> int:
    n = len(text)
    while i < n and text[i] not in _SPACES and text[i] != ">":
        i += 1
    if i >= n:
        raise cant_parse(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
    name = text[begin + 1 : i].lower()
    if name not in _HTML_TAGS:
        raise cant_parse(
            f'Unsupported start tag "{name}" at byte offset {byte_offset(text, begin)}'
        )
    argument = ""
    extra: dict[str, str] = {}
    while True:
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            raise cant_parse(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
        if text[i] == ">":
            break
        attr_begin = i
        while i < n and text[i] not in _SPACES and text[i] not in "=>":
            i += 1
        attr = text[attr_begin:i].lower()
        while i < n and text[i] in _SPACES:
            i += 1
        if i < n and text[i] != "=":
            if name == "blockquote" and attr == "expandable":
                extra["expandable"] = "1"  # the one value-less attribute Telegram accepts
                continue
            raise cant_parse(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{name}" at byte offset {byte_offset(text, begin)}'
            )
        i += 1
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            raise cant_parse(
                f'Unclosed start tag "{name}" at byte offset {byte_offset(text, begin)}'
            )
        value, i = _attribute_value(text, i)
        if i >= n:
            raise cant_parse(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value
        elif name == "tg-time" and attr in ("unix", "format"):
            extra[attr] = value
    if name == "span" and argument != "spoiler":
        raise cant_parse(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(text, begin)}'
        )
    stack.append(_OpenTag(name, argument, utf16, out_len, begin, extra))
    return i + 1


def _attribute_value(text: str, i: int) -> tuple[str, int]:
    n = len(text)
    quote = text[i]
    if quote not in "'\"":
        start = i
        while i < n and (text[i].isalnum() or text[i] in ".-"):
            i += 1
        if i < n and text[i] not in _SPACES and text[i] != ">":
            raise cant_parse(f"Unexpected end of name token at byte offset {byte_offset(text, i)}")
        return text[start:i].lower(), i
    i += 1
    value: list[str] = []
    while i < n and text[i] != quote:
        if text[i] == "&":
            decoded, after = _decode_entity(text, i)
            if decoded is not None:
                value.append(decoded)
                i = after
                continue
        value.append(text[i])
        i += 1
    if i < n:
        i += 1
    return "".join(value), i


def _close_tag(
    text: str,
    begin: int,
    i: int,
    stack: list[_OpenTag],
    entities: list[Entity],
    out: list[str],
    utf16: int,
    lookup_user: UserLookup | None,
) -> int:
    n = len(text)
    if not stack:
        raise cant_parse(f"Unexpected end tag at byte offset {byte_offset(text, begin)}")
    i += 1
    name_begin = i
    while i < n and text[i] not in _SPACES and text[i] != ">":
        i += 1
    end_name = text[name_begin:i].lower()
    while i < n and text[i] in _SPACES:
        i += 1
    if i >= n or text[i] != ">":
        raise cant_parse(f"Unclosed end tag at byte offset {byte_offset(text, begin)}")
    top = stack[-1]
    if end_name and end_name != top.name:
        raise cant_parse(
            f"Unmatched end tag at byte offset {byte_offset(text, begin)}, "
            f'expected "</{top.name}>", found "</{end_name}>"'
        )
    stack.pop()
    if utf16 > top.offset:
        entity = _entity_for(top, utf16 - top.offset, entities, out, lookup_user)
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity_for(
    tag: _OpenTag,
    length: int,
    entities: list[Entity],
    out: list[str],
    lookup_user: UserLookup | None,
) -> Entity | None:
    base: Entity = {"offset": tag.offset, "length": length}
    simple = _SIMPLE_TAG_TYPES.get(tag.name)
    if simple is not None or tag.name == "span":
        return {"type": simple or "spoiler", **base}
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == tag.offset and last["length"] == length
    if tag.name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.extra else "blockquote"
        return {"type": kind, **base}
    if tag.name == "code":
        # <pre><code class="language-x"> is one pre entity with a language.
        if last is not None and same_span and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
            return None
        code: Entity = {"type": "code", **base}
        if tag.argument:
            code["language"] = tag.argument  # kept until a closing <pre> claims it
        return code
    if tag.name == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return None
        return {"type": "pre", **base}
    if tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise cant_parse("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", **base, "custom_emoji_id": tag.argument}
    if tag.name == "tg-time":
        unix = tag.extra.get("unix", "")
        if not unix.isdigit():
            raise cant_parse("Invalid Unix time specified")
        entity: Entity = {"type": "date_time", **base, "unix_time": int(unix)}
        if tag.extra.get("format"):
            entity["date_time_format"] = tag.extra["format"]
        return entity
    # <a>: an empty href links to the text itself, as in TDLib.
    url = tag.argument or "".join(out[tag.out_index :])
    user_id = mention_user_id(url)
    if user_id is not None:
        user = lookup_user(user_id) if lookup_user else None
        return {"type": "text_mention", **base, "user": user} if user else None
    checked = check_link(url)
    return {"type": "text_link", **base, "url": checked} if checked else None
