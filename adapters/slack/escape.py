"""Text for Slack: show what people typed verbatim, turn the bot's mini-HTML into mrkdwn, and
split long messages without breaking an escape or a control sequence.

Slack's message text is not HTML and not Markdown: `<...>` holds control sequences (`<@U123>`
mentions, `<!channel>` broadcasts, `<https://x|label>` links) and `&` starts an entity. Slack's
formatting guide asks senders to escape exactly three characters, `&` → `&amp;`, `<` → `&lt;`,
`>` → `&gt;`, and nothing else: a customer's `<!channel>` then shows as text and pings nobody.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["escape", "mrkdwn_from_mini_html", "split_mrkdwn"]


def escape(text: str) -> str:
    """Text that Slack shows as typed: no mention, broadcast, link or entity survives."""
    # `&` first, or the `&` of the entities made for `<` and `>` would be escaped again.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# mini-HTML tag → the mrkdwn marker wrapped around its content (bot/flows/io.py lists the tags).
_MARKERS = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "code": "`", "pre": "```"}


class _MiniHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive already decoded in data
        self.out: list[str] = []
        self._href: str | None = None
        self._label: list[str] = []
        self._in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._label = []
        elif tag == "pre":
            self._in_pre += 1
            self._emit("```")
        elif tag == "code" and self._in_pre:
            return  # <pre><code> is one code block in Slack: the fence is enough
        elif tag in _MARKERS:
            self._emit(_MARKERS[tag])
        # <u> and anything unknown: Slack has no underline, the words stay.

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            href, label = self._href, "".join(self._label)
            self._href = None
            if not href:
                self.out.append(label)
            elif label and label != escape(href):
                self.out.append(f"<{escape(href)}|{label}>")
            else:
                self.out.append(f"<{escape(href)}>")
        elif tag == "pre":
            self._in_pre = max(0, self._in_pre - 1)
            self._emit("```")
        elif tag == "code" and self._in_pre:
            return
        elif tag in _MARKERS:
            self._emit(_MARKERS[tag])

    def handle_data(self, data: str) -> None:
        self._emit(escape(data))

    def _emit(self, text: str) -> None:
        (self._label if self._href is not None else self.out).append(text)


def mrkdwn_from_mini_html(text: str) -> str:
    """The bot's mini-HTML (<b>, <i>, <u>, <s>, <code>, <pre>, <a href>) as Slack mrkdwn.

    Markup becomes Slack's markers and links; all text (entities decoded first) is escaped
    again for Slack, so a value a person supplied stays inert on this platform too.
    """
    parser = _MiniHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


def split_mrkdwn(text: str, limit: int) -> list[str]:
    """Cut mrkdwn into pieces of at most `limit` characters, at a line break or a space when
    there is one, never inside an `&...;` escape or a `<...>` control sequence."""
    if limit < 16:
        raise ValueError("limit too small to split Slack text safely")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip("\n ")
        if piece:
            pieces.append(piece)
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int) -> int:
    cut = limit
    # Back off out of an escape or a control sequence that straddles the limit.
    for opener, closer in (("&", ";"), ("<", ">")):
        start = text.rfind(opener, 0, cut)
        if start > 0 and text.find(closer, start, cut) == -1:
            cut = start
    # Prefer a line break, then a space, in the second half; else cut hard.
    for separator in ("\n", " "):
        at = text.rfind(separator, limit // 2, cut)
        if at > 0:
            return at
    return cut
