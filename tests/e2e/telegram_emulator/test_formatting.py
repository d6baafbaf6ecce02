"""The parse-mode parsers on their own: exact entities, and properties over arbitrary text."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.telegram.emulator.errors import ApiError
from adapters.telegram.emulator.formatting import auto_entities, format_text
from adapters.telegram.emulator.html_check import parse_html
from adapters.telegram.emulator.markdown import parse_markdown, parse_markdown_v2
from adapters.telegram.emulator.text_common import check_link, utf16_len

MD2_SPECIAL = "_*[]()~`>#+-=|{}.!\\"


def _md2_escape(text: str) -> str:
    return re.sub(r"([_*\[\]()~`>#+\-=|{}.!\\])", r"\\\1", text)


@given(st.text())
def test_escaped_html_parses_back_to_the_same_text(text: str) -> None:
    assert parse_html(html.escape(text, quote=False)) == (text, [])


@given(st.text(min_size=1), st.sampled_from(["b", "i", "u", "s", "code", "tg-spoiler"]))
def test_a_tag_covers_its_text_in_utf16_units(text: str, tag: str) -> None:
    plain, entities = parse_html(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
    assert plain == text
    assert [(e["offset"], e["length"]) for e in entities] == [(0, utf16_len(text))]


@given(st.text())
def test_escaped_markdown_v2_parses_back_to_the_same_text(text: str) -> None:
    # Only characters 1-126 may be escaped; others never need it.
    assert parse_markdown_v2(_md2_escape(text)) == (text, [])


@given(st.lists(st.tuples(st.sampled_from(["b", "i", "a"]), st.text(max_size=5)), max_size=6))
def test_entities_stay_inside_the_text(parts: list[tuple[str, str]]) -> None:
    source = "".join(
        f'<a href="http://x.example/">{html.escape(t, quote=False)}</a>'
        if tag == "a"
        else f"<{tag}>{html.escape(t, quote=False)}</{tag}>"
        for tag, t in parts
    )
    plain, entities = parse_html(source)
    for entity in entities:
        assert entity["length"] > 0
        assert entity["offset"] + entity["length"] <= utf16_len(plain)


def test_utf16_length() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é😀a") == 4


def test_nested_html_and_entities() -> None:
    plain, entities = parse_html("<b>a<i>b</i></b>&#x1F600;&quot;<a href='tg://user?id=5'>m</a>")
    assert plain == 'ab😀"m'
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
    ]  # the mention of an unknown user is dropped
    plain, entities = parse_html(
        "<a href='tg://user?id=5'>m</a>",
        lambda uid: {"id": uid, "is_bot": False, "first_name": "M"},
    )
    assert entities[0]["type"] == "text_mention"
    assert entities[0]["user"]["id"] == 5


def test_html_custom_emoji_and_time() -> None:
    plain, entities = parse_html(
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> '
        '<tg-time unix="1647531900" format="t">22:45</tg-time>'
    )
    assert plain == "👍 22:45"
    assert entities[0] == {
        "type": "custom_emoji",
        "offset": 0,
        "length": 2,
        "custom_emoji_id": "5368324170671202286",
    }
    assert entities[1]["type"] == "date_time"
    assert entities[1]["unix_time"] == 1647531900
    with pytest.raises(ApiError, match="Invalid custom emoji identifier"):
        parse_html('<tg-emoji emoji-id="x">👍</tg-emoji>')


def test_markdown_v2_pre_quote_and_nesting() -> None:
    plain, entities = parse_markdown_v2("```python\nprint(1)\n```\n>quoted\n>lines\nafter *b _bi_*")
    assert plain == "print(1)\n\nquoted\nlines\nafter b bi"
    types = [(e["type"], e.get("language")) for e in entities]
    assert types == [
        ("pre", "python"),
        ("blockquote", None),
        ("bold", None),
        ("italic", None),
    ]
    quote = entities[1]
    assert plain[quote["offset"] : quote["offset"] + quote["length"]] == "quoted\nlines"


def test_legacy_markdown() -> None:
    plain, entities = parse_markdown("*b* _i_ `c` [l](example.com) \\*")
    assert plain == "b i c l *"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    assert entities[-1]["url"] == "http://example.com/"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 0"):
        parse_markdown("*open")


def test_links_are_normalised_like_telegram() -> None:
    assert check_link("example.com") == "http://example.com/"
    assert check_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert check_link("http://") is None
    assert check_link("tg://resolve?domain=x") == "tg://resolve?domain=x"


def test_auto_entities_skip_code() -> None:
    assert auto_entities("run /start now") == [{"type": "bot_command", "offset": 4, "length": 6}]
    assert auto_entities("mail me@example.com") == [{"type": "email", "offset": 5, "length": 14}]
    _plain, entities = format_text("<code>/start</code> /help", "HTML")
    assert [e["type"] for e in entities] == ["code", "bot_command"]


def test_explicit_entities_are_checked() -> None:
    with pytest.raises(ApiError, match="out of the message text bounds"):
        format_text("abc", None, [{"type": "bold", "offset": 1, "length": 5}])
    plain, entities = format_text("abc", "HTML", [{"type": "bold", "offset": 0, "length": 1}])
    assert plain == "abc"
    assert entities == [{"type": "bold", "offset": 0, "length": 1}]
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")
