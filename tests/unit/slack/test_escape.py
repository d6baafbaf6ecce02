"""Slack text: a customer's words shown verbatim, mini-HTML as mrkdwn, safe splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.emulator import render
from adapters.slack.escape import escape, mrkdwn_from_mini_html, split_mrkdwn


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("<!channel> help", "&lt;!channel&gt; help"),
        ("<!here>", "&lt;!here&gt;"),
        ("ask <@U123>", "ask &lt;@U123&gt;"),
        ("<http://evil.example|bank>", "&lt;http://evil.example|bank&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("&lt; is already escaped", "&amp;lt; is already escaped"),
        ("*bold* _it_ `code`", "*bold* _it_ `code`"),  # styling is harmless: left alone
    ],
)
def test_escape_sends_what_slack_needs(typed: str, sent: str) -> None:
    assert escape(typed) == sent


@given(st.text())
def test_escaped_text_reads_as_typed_and_pings_or_links_nothing(typed: str) -> None:
    shown = render(escape(typed))
    assert shown.plain == typed
    assert (shown.users, shown.broadcasts, shown.links, shown.channels) == ((), (), (), ())


@pytest.mark.parametrize(
    ("html", "mrkdwn"),
    [
        ("<b>Ticket #12</b> is <i>resolved</i>", "*Ticket #12* is _resolved_"),
        ("code: <code>x &lt; 1</code>", "code: `x &lt; 1`"),
        ("<pre><code>a &amp;&amp; b</code></pre>", "```a &amp;&amp; b```"),
        ("<s>old</s> <u>new</u>", "~old~ new"),
        (
            '<a href="https://help.example/?a=1&amp;b=2">Help</a>',
            "<https://help.example/?a=1&amp;b=2|Help>",
        ),
        ('<a href="https://x.example">https://x.example</a>', "<https://x.example>"),
        ("Anna &lt;!channel&gt; &amp; co", "Anna &lt;!channel&gt; &amp; co"),
        ("it&#x27;s &quot;fine&quot;", 'it\'s "fine"'),
    ],
)
def test_mini_html_becomes_mrkdwn(html: str, mrkdwn: str) -> None:
    assert mrkdwn_from_mini_html(html) == mrkdwn


def test_a_value_escaped_into_mini_html_stays_inert_in_slack() -> None:
    shown = render(mrkdwn_from_mini_html("<b>From</b> &lt;@U1&gt; &lt;http://x|y&gt;"))
    assert shown.plain == "*From* <@U1> <http://x|y>"
    assert (shown.users, shown.links) == ((), ())


def test_short_text_is_one_piece() -> None:
    assert split_mrkdwn("hello", 100) == ["hello"]
    assert split_mrkdwn("", 100) == [""]


def test_split_prefers_line_breaks_then_spaces() -> None:
    text = "first line here\nsecond line is longer than that"
    assert split_mrkdwn(text, 30) == ["first line here", "second line is longer than", "that"]


def test_split_never_cuts_an_escape_or_a_control_sequence() -> None:
    text = "x" * 18 + "&amp;" + "y" * 10
    pieces = split_mrkdwn(text, 20)
    assert pieces == ["x" * 18, "&amp;" + "y" * 10]
    date = "<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>"
    pieces = split_mrkdwn("due " + date, len(date) + 2)
    assert pieces == ["due", date]


@given(st.text(max_size=400), st.integers(min_value=16, max_value=120))
def test_split_pieces_fit_and_lose_nothing_but_whitespace(typed: str, limit: int) -> None:
    pieces = split_mrkdwn(escape(typed), limit)
    assert all(len(p) <= limit for p in pieces)
    # Each piece unescapes on its own (no `&amp;` torn apart), and only cut whitespace is gone.
    shown = "".join(render(p).plain for p in pieces)
    assert "".join(shown.split()) == "".join(typed.split())
