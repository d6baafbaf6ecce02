"""Mini-HTML (bot.flows.io) made safe for Telegram's HTML parse mode, and split to fit.

Mini-HTML is already Telegram's dialect, so nothing is translated: the text is read once into
tokens (tags and visible characters, an entity such as `&amp;` being one character) and
written back. Reading it checks the contract: only <b>, <i>, <u>, <s>, <code>, <pre> and
<a href> are markup, properly nested. Anything else — an unknown tag, a stray `<` or `&`, an
end tag that closes nothing — is escaped so it shows as typed, never as markup, and never as
a refused message; an unclosed tag is closed at the end. Valid entities are kept as they are,
so nothing is escaped twice.

Telegram counts its 4096-character limit on the text as shown (tags removed, entities
decoded), in code points; `split_html` counts the same way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["TEXT_LIMIT", "Tag", "clean_html", "split_html", "tokenize", "visible_length"]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a"})
_TAG = re.compile(r"<(/?)([a-zA-Z]+)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))*)\s*>")
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"<>]*)\"|'([^'<>]*)')")
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")
_LANGUAGE = re.compile(r"language-[\w#+.-]{1,32}")
_WHITESPACE = frozenset(" \t\n\r")


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    raw: str  # as written, so a tag reopened after a split keeps its attributes
    closing: bool

    def closer(self) -> str:
        return f"</{self.name}>"


Token = Tag | str  # a str token is one visible character (a character or a whole entity)


def tokenize(text: str) -> tuple[list[Token], bool]:
    """The tokens of `text`, balanced; the flag says whether anything had to be repaired."""
    tokens: list[Token] = []
    stack: list[Tag] = []
    repaired = False
    text = text.replace("\r\n", "\n")
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            match = _TAG.match(text, i)
            tag = _tag(match) if match else None
            if tag is not None and tag.closing:
                if stack and stack[-1].name == tag.name:
                    stack.pop()
                else:
                    tag = None
            elif tag is not None:
                stack.append(tag)
            if tag is None or match is None:
                tokens.append("&lt;")
                repaired = True
                i += 1
                continue
            tokens.append(tag)
            i = match.end()
        elif c == "&":
            match = _ENTITY.match(text, i)
            if match and _valid_entity(match):
                tokens.append(match.group(0))
                i = match.end()
            else:
                tokens.append("&amp;")
                repaired = True
                i += 1
        elif c == ">":
            tokens.append("&gt;")  # Telegram takes a bare ">", but the contract says escaped
            i += 1
        else:
            tokens.append(c)
            i += 1
    if stack:
        repaired = True
        tokens.extend(Tag(tag.name, tag.closer(), True) for tag in reversed(stack))
    return tokens, repaired


def _tag(match: re.Match[str]) -> Tag | None:
    closing, name, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
    if name not in _TAGS or (closing and attributes.strip()):
        return None
    found = {
        m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTRIBUTE.finditer(attributes)
    }
    if closing:
        return Tag(name, f"</{name}>", True)
    if name == "a":
        href = html.unescape(found.pop("href", "")).strip()
        if found or not href.lower().startswith(_LINK_SCHEMES):
            return None
    elif name == "code" and found:
        if set(found) != {"class"} or not _LANGUAGE.fullmatch(found["class"]):
            return None
    elif found:
        return None
    return Tag(name, match.group(0), False)


def _valid_entity(match: re.Match[str]) -> bool:
    decimal, hexadecimal = match.group(1), match.group(2)
    if decimal is None and hexadecimal is None:
        return True
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    # Telegram refuses surrogates outright and shows zero or out-of-range codes as typed.
    return 0 < code < 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def render(tokens: list[Token]) -> str:
    return "".join(t.raw if isinstance(t, Tag) else t for t in tokens)


def clean_html(text: str) -> str:
    """`text` with anything outside the mini-HTML contract escaped (see the module doc)."""
    return render(tokenize(text)[0])


def visible_length(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if not isinstance(t, Tag))


@dataclass(frozen=True, slots=True)
class _Break:
    index: int  # token index where the part ends (this whitespace goes to the next part)
    count: int  # visible characters before it
    open_tags: tuple[Tag, ...]


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut `text` into parts of at most `limit` visible characters, each valid on its own.

    Cuts fall on the last paragraph break, else line break, else space that leaves a part at
    least half full; failing that, the text is cut hard (never inside a tag or an entity).
    Tags open at a cut are closed at the end of the part and reopened at the start of the next.
    Whitespace at the edges of a part is dropped, as Telegram would; a text with nothing to
    show gives no parts.
    """
    tokens = tokenize(text)[0]
    parts: list[str] = []
    start = 0
    reopen: tuple[Tag, ...] = ()
    while True:
        end, open_tags = _next_cut(tokens, start, reopen, limit)
        part = _trimmed(tokens[start:end])
        if any(not isinstance(t, Tag) for t in part):
            prefix = "".join(tag.raw for tag in reopen)
            suffix = "".join(tag.closer() for tag in reversed(open_tags))
            parts.append(prefix + render(part) + suffix)
        if end >= len(tokens):
            return parts
        start, reopen = end, open_tags


def _next_cut(
    tokens: list[Token], start: int, reopen: tuple[Tag, ...], limit: int
) -> tuple[int, tuple[Tag, ...]]:
    """Where the part starting at `start` ends, and which tags are open there."""
    stack = list(reopen)
    count = 0
    line: _Break | None = None
    paragraph: _Break | None = None
    word: _Break | None = None
    previous = ""
    for index in range(start, len(tokens)):
        unit = tokens[index]
        if isinstance(unit, Tag):
            if unit.closing:
                stack.pop()
            else:
                stack.append(unit)
            continue
        if unit in _WHITESPACE:
            if count == 0:
                continue  # leading whitespace is trimmed, so it takes no room
            here = _Break(index, count, tuple(stack))
            if unit == "\n":
                if previous == "\n" and line is not None:
                    paragraph = line
                line = here
            else:
                word = here
        if count == limit:
            for candidate in (paragraph, line, word):
                if candidate is not None and candidate.count >= limit // 2:
                    return candidate.index, candidate.open_tags
            return index, tuple(stack)
        count += 1
        previous = unit
    return len(tokens), tuple(stack)


def _trimmed(tokens: list[Token]) -> list[Token]:
    """Drop whitespace characters before the first and after the last visible one."""
    visible = [i for i, t in enumerate(tokens) if not isinstance(t, Tag) and t not in _WHITESPACE]
    if not visible:
        return [t for t in tokens if isinstance(t, Tag)]
    first, last = visible[0], visible[-1]
    return [t for i, t in enumerate(tokens) if isinstance(t, Tag) or first <= i <= last]
