"""How Slack reads message text: mentions, broadcasts, links and the three HTML escapes.

Slack's wire format is not Markdown: control sequences live in angle brackets
(`<@U123>`, `<!channel>`, `<#C123|name>`, `<https://x|label>`), and a literal `<`, `>` or
`&` must be sent escaped as `&lt;`, `&gt;`, `&amp;`. So `<!channel>` pings everyone in the
channel while `&lt;!channel&gt;` merely shows the text "<!channel>". Rendering here lets a
test assert what a real client would have shown and who would have been notified.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_TOKEN = re.compile(r"<([^<>]*)>")
_BROADCASTS = {"here", "channel", "everyone"}
# `link_names` / `parse=full` turn bare names into mentions; Slack does this server-side.
_BARE_NAME = re.compile(r"(?<![\w<@#!])([@#])([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str
    label: str | None = None


@dataclass(frozen=True)
class Segment:
    """One piece of a message: plain text or a control sequence."""

    kind: str  # text | user | channel | broadcast | usergroup | date | link
    value: str  # the text, or the id / range / url
    label: str | None = None


@dataclass(frozen=True)
class Rendered:
    plain: str  # what a person reads
    users: tuple[str, ...] = ()  # user ids mentioned with <@U…>
    broadcasts: tuple[str, ...] = ()  # "channel", "here", "everyone"
    channels: tuple[str, ...] = ()  # channel ids linked with <#C…>
    usergroups: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def pings_channel(self) -> bool:
        return bool(self.broadcasts)


def escape(text: str) -> str:
    """What a sender must do to show <, > and & literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def segments(text: str) -> Iterator[Segment]:
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            yield Segment("text", unescape(text[pos : match.start()]))
        yield _control(match.group(1))
        pos = match.end()
    if pos < len(text):
        yield Segment("text", unescape(text[pos:]))


def _control(body: str) -> Segment:
    target, _, label = body.partition("|")
    label_or_none = unescape(label) if label else None
    if target.startswith("@"):
        return Segment("user", target[1:], label_or_none)
    if target.startswith("#"):
        return Segment("channel", target[1:], label_or_none)
    if target.startswith("!"):
        word = target[1:]
        if word in _BROADCASTS:
            return Segment("broadcast", word, label_or_none)
        if word.startswith("subteam^"):
            return Segment("usergroup", word.removeprefix("subteam^"), label_or_none)
        if word.startswith("date^"):
            return Segment("date", word, label_or_none)
        return Segment("text", label_or_none or "")
    return Segment("link", unescape(target), label_or_none)


def render(
    text: str,
    *,
    user_name: Callable[[str], str] | None = None,
    channel_name: Callable[[str], str] | None = None,
) -> Rendered:
    parts: list[str] = []
    users: list[str] = []
    broadcasts: list[str] = []
    channels: list[str] = []
    groups: list[str] = []
    links: list[Link] = []
    for seg in segments(text):
        if seg.kind == "text":
            parts.append(seg.value)
        elif seg.kind == "user":
            users.append(seg.value)
            name = seg.label or (user_name(seg.value) if user_name else seg.value)
            parts.append(f"@{name}")
        elif seg.kind == "channel":
            channels.append(seg.value)
            name = seg.label or (channel_name(seg.value) if channel_name else seg.value)
            parts.append(f"#{name}")
        elif seg.kind == "broadcast":
            broadcasts.append(seg.value)
            parts.append(f"@{seg.value}")
        elif seg.kind == "usergroup":
            groups.append(seg.value)
            parts.append(seg.label or f"@{seg.value}")
        elif seg.kind == "date":
            parts.append(seg.label or "")
        else:
            links.append(Link(seg.value, seg.label))
            shown = seg.label or seg.value.removeprefix("mailto:")
            parts.append(shown)
    return Rendered(
        plain="".join(parts),
        users=tuple(dict.fromkeys(users)),
        broadcasts=tuple(dict.fromkeys(broadcasts)),
        channels=tuple(dict.fromkeys(channels)),
        usergroups=tuple(dict.fromkeys(groups)),
        links=tuple(links),
    )


def link_names(
    text: str,
    *,
    find_user: Callable[[str], str | None],
    find_channel: Callable[[str], str | None],
) -> str:
    """Apply `link_names=true` / `parse=full`: "@alice" -> "<@U…>", "@here" -> "<!here>"."""

    def replace(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        if sigil == "@":
            if name.lower() in _BROADCASTS:
                return f"<!{name.lower()}>"
            user_id = find_user(name)
            return f"<@{user_id}>" if user_id else match.group(0)
        channel_id = find_channel(name)
        return f"<#{channel_id}|{name}>" if channel_id else match.group(0)

    # Only outside existing control sequences: split on them and rewrite the text between.
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(_BARE_NAME.sub(replace, text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_BARE_NAME.sub(replace, text[pos:]))
    return "".join(out)


def rich_text_block(text: str, block_id: str) -> dict[str, object]:
    """The `rich_text` block Slack clients attach to a person's message."""
    elements: list[dict[str, object]] = []
    for seg in segments(text):
        if seg.kind == "text" and seg.value:
            elements.append({"type": "text", "text": seg.value})
        elif seg.kind == "user":
            elements.append({"type": "user", "user_id": seg.value})
        elif seg.kind == "channel":
            elements.append({"type": "channel", "channel_id": seg.value})
        elif seg.kind == "broadcast":
            elements.append({"type": "broadcast", "range": seg.value})
        elif seg.kind == "usergroup":
            elements.append({"type": "usergroup", "usergroup_id": seg.value})
        elif seg.kind == "link":
            link: dict[str, object] = {"type": "link", "url": seg.value}
            if seg.label:
                link["text"] = seg.label
            elements.append(link)
    return {
        "type": "rich_text",
        "block_id": block_id,
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }


def mrkdwn_texts(blocks: list[dict[str, object]] | None) -> list[str]:
    """The mrkdwn strings inside blocks: mentions there notify people too."""
    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(str(node["text"]))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(blocks or [])
    return found


_STYLES = (
    (re.compile(r"```(.+?)```", re.DOTALL), r"<pre>\1</pre>"),
    (re.compile(r"`([^`\n]+)`"), r"<code>\1</code>"),
    (re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)"), r"<b>\1</b>"),
    (re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)"), r"<i>\1</i>"),
    (re.compile(r"(?<!\w)~([^~\n]+)~(?!\w)"), r"<s>\1</s>"),
)


def to_html(
    text: str,
    *,
    user_name: Callable[[str], str] | None = None,
    channel_name: Callable[[str], str] | None = None,
    mrkdwn: bool = True,
) -> str:
    """A small HTML rendering for the browser playground (mentions, links, basic styles)."""
    parts: list[str] = []
    for seg in segments(text):
        if seg.kind == "text":
            chunk = html.escape(seg.value, quote=False)
            if mrkdwn:
                for pattern, repl in _STYLES:
                    chunk = pattern.sub(repl, chunk)
            parts.append(chunk.replace("\n", "<br>"))
        elif seg.kind == "user":
            name = seg.label or (user_name(seg.value) if user_name else seg.value)
            parts.append(f'<span class="mention">@{html.escape(name)}</span>')
        elif seg.kind == "channel":
            name = seg.label or (channel_name(seg.value) if channel_name else seg.value)
            parts.append(f'<span class="channel">#{html.escape(name)}</span>')
        elif seg.kind == "broadcast":
            parts.append(f'<span class="broadcast">@{seg.value}</span>')
        elif seg.kind == "link":
            url = html.escape(seg.value)
            label = html.escape(seg.label or seg.value.removeprefix("mailto:"))
            parts.append(f'<a href="{url}">{label}</a>')
        else:
            parts.append(html.escape(seg.label or seg.value))
    return "".join(parts)
