"""Mini-HTML checked and split for Telegram; every part must pass Telegram's own parser
(the emulator's port of TDLib's) and keep each character's formatting."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.emulator.html_check import parse_html
from adapters.telegram.markup import TEXT_LIMIT, clean_html, split_html


def styled(html: str) -> list[tuple[str, frozenset[str]]]:
    """Each visible character with the formatting Telegram gives it (links with their URL)."""
    plain, entities = parse_html(html)
    # Entity offsets count UTF-16 code units: map each unit back to its character.
    unit_to_char: list[int] = []
    for index, char in enumerate(plain):
        unit_to_char.extend([index] * (2 if ord(char) > 0xFFFF else 1))
    styles: list[set[str]] = [set() for _ in plain]
    for entity in entities:
        units = range(entity["offset"], entity["offset"] + entity["length"])
        for index in {unit_to_char[unit] for unit in units}:
            styles[index].add(f"{entity['type']}:{entity.get('url', '')}")
    return [(char, frozenset(style)) for char, style in zip(plain, styles, strict=True)]


def without_spaces(chars: list[tuple[str, frozenset[str]]]) -> list[tuple[str, frozenset[str]]]:
    return [(c, s) for c, s in chars if not c.isspace()]


def assert_split_faithfully(text: str, parts: list[str], limit: int) -> None:
    for part in parts:
        plain, _ = parse_html(part)  # raises like Telegram on anything it would refuse
        assert 0 < len(plain) <= limit
        assert plain == plain.strip()
    joined = [pair for part in parts for pair in styled(part)]
    assert without_spaces(joined) == without_spaces(styled(text))


# --- checking the contract ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>bold</b> &amp; <i>it</i>", "<b>bold</b> &amp; <i>it</i>"),
        ('<a href="https://x.example/?a=1&amp;b=2">x</a>', None),
        ('<pre><code class="language-python">x = 1</code></pre>', None),
        ("&lt;not a tag&gt; &quot;q&quot; &#128512; &#x1F600;", None),
        ("a < b", "a &lt; b"),
        ("R&D", "R&amp;D"),
        ("&nbsp;", "&amp;nbsp;"),
        ("&#55296;", "&amp;#55296;"),  # a surrogate Telegram would refuse
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<b>open", "<b>open</b>"),
        ("close</b>", "close&lt;/b&gt;"),
        ("<b><i>x</b></i>", "<b><i>x&lt;/b&gt;</i></b>"),
        ('<a href="javascript:alert(1)">x</a>', '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;'),
        ('<b class="x">y</b>', '&lt;b class="x"&gt;y&lt;/b&gt;'),
        ("1 > 0", "1 &gt; 0"),
    ],
)
def test_clean_html_keeps_the_contract_and_escapes_the_rest(
    text: str, expected: str | None
) -> None:
    cleaned = clean_html(text)
    assert cleaned == (text if expected is None else expected)
    parse_html(cleaned)


def test_valid_markup_is_never_escaped_twice() -> None:
    text = "<b>Ticket #1042</b>: &lt;b&gt; is what you typed &amp; we kept it"
    assert clean_html(clean_html(text)) == text


# --- splitting ---------------------------------------------------------------------------


def test_short_text_is_one_part() -> None:
    assert split_html("<b>hello</b>") == ["<b>hello</b>"]


def test_nothing_to_show_gives_no_parts() -> None:
    assert split_html("") == []
    assert split_html("  \n <b> </b> ") == []


def test_ten_thousand_characters_with_markup_across_every_cut() -> None:
    rng = random.Random(7)
    pieces: list[str] = []
    while sum(map(len, pieces)) < 14_000:  # markup included; about 10,500 characters shown
        roll = rng.random()
        if roll < 0.05:
            pieces.append("\n\n")
        elif roll < 0.1:
            pieces.append("<b>bold &amp; <i>bold italic &lt;tag&gt;</i> still bold</b>")
        elif roll < 0.13:
            pieces.append('<a href="https://example.com/?a=1&amp;b=2">a link, long enough</a>')
        elif roll < 0.15:
            pieces.append("<pre>line one &lt;x&gt;\n    line two</pre>")
        else:
            pieces.append(rng.choice(["word", "zażółć", "😀", "&quot;q&quot;", "&#128512;", "R"]))
    text = " ".join(pieces)
    # A bold run over the first cut, whatever the random words did.
    text = "<b>" + "x" * 3000 + " " + "y" * 2000 + "</b>\n" + text
    assert len(parse_html(text)[0]) > 10_000
    parts = split_html(text)
    assert len(parts) >= 3
    assert_split_faithfully(text, parts, TEXT_LIMIT)


def test_cuts_prefer_paragraphs_then_lines_then_words() -> None:
    a, b, c, d = "a" * 40, "b" * 20, "c" * 5, "d" * 10
    assert split_html(f"{a}\n\n{b}\n{c} {d}", limit=70) == [a, f"{b}\n{c} {d}"]
    assert split_html(f"{a}\n{b} {c}{d}", limit=70) == [a, f"{b} {c}{d}"]
    assert split_html(f"{a} {b} {c}{d}", limit=70) == [f"{a} {b}", f"{c}{d}"]


def test_a_break_too_early_loses_to_a_hard_cut() -> None:
    # Cutting after "ab" would leave a part nearly empty; the long word is cut instead.
    assert split_html("ab " + "x" * 20, limit=10) == ["ab " + "x" * 7, "x" * 10, "xxx"]


def test_tags_open_at_a_cut_are_closed_and_reopened() -> None:
    text = '<b>bold <a href="https://x.example/">' + "link " * 10 + "</a></b>"
    parts = split_html(text, limit=20)
    assert parts[0].startswith('<b>bold <a href="https://x.example/">')
    assert all(p.endswith("</a></b>") for p in parts)
    assert all(p.startswith("<b>") for p in parts)
    assert_split_faithfully(text, parts, 20)


def test_an_entity_is_never_cut() -> None:
    text = "&amp;" * 30
    parts = split_html(text, limit=7)
    assert parts[0] == "&amp;" * 7
    assert_split_faithfully(text, parts, 7)


_pieces = st.sampled_from(
    ["a", "bc", " ", "\n", "\n\n", "&amp;", "&lt;", "😀", "ż", "<b>", "</b>", "<i>", "</i>",
     '<a href="https://e.example/">', "</a>", "<pre>", "</pre>", "<code>", "</code>", "<", "&"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_pieces, max_size=80), st.integers(min_value=3, max_value=40))
def test_any_text_splits_into_valid_faithful_parts(pieces: list[str], limit: int) -> None:
    text = "".join(pieces)
    cleaned = clean_html(text)
    parts = split_html(text, limit=limit)
    assert_split_faithfully(cleaned, parts, limit)
