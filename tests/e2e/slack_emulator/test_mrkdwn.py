"""Text as Slack renders it: who a message pings and which links it carries."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator, render
from adapters.slack.emulator.mrkdwn import escape, to_html


async def test_channel_broadcast_pings_everyone_but_escaped_does_not(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    alice, bob = emu.person("alice"), emu.person("bob")
    loud = await client.chat_postMessage(channel="#support", text="<!channel> outage!")
    quiet = await client.chat_postMessage(channel="#support", text=escape("<!channel> outage!"))
    loud_msg = emu.ws.message(loud["channel"], loud["ts"])
    quiet_msg = emu.ws.message(quiet["channel"], quiet["ts"])
    assert loud_msg is not None
    assert quiet_msg is not None
    assert emu.ws.pinged(loud_msg) == {alice.id, bob.id}
    assert emu.ws.rendered(loud_msg).plain == "@channel outage!"
    assert emu.ws.pinged(quiet_msg) == set()
    assert emu.ws.rendered(quiet_msg).plain == "<!channel> outage!"
    assert quiet["message"]["text"] == "&lt;!channel&gt; outage!"


async def test_user_mentions_links_and_link_names(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    alice, bob = emu.person("alice"), emu.person("bob")
    text = f"<@{bob.id}> see <https://example.com/kb/1|the KB> and <mailto:x@y.z|mail>"
    posted = await client.chat_postMessage(channel="#support", text=text)
    message = emu.ws.message(posted["channel"], posted["ts"])
    assert message is not None
    shown = emu.ws.rendered(message)
    assert shown.plain == "@Bob see the KB and mail"
    assert [link.url for link in shown.links] == ["https://example.com/kb/1", "mailto:x@y.z"]
    assert bob.pinged_by(message)
    assert not alice.pinged_by(message)

    named = await client.chat_postMessage(
        channel="#support", text="@alice and @here", link_names=True
    )
    assert named["message"]["text"] == f"<@{alice.id}> and <!here>"
    plain = await client.chat_postMessage(channel="#support", text="@alice untouched")
    assert plain["message"]["text"] == "@alice untouched"


def test_render_and_html_without_a_server() -> None:
    shown = render("a &amp; b &lt;tag&gt; <#C123|support> <!here|here> <!subteam^S1|@oncall>")
    assert shown.plain == "a & b <tag> #support @here @oncall"
    assert shown.channels == ("C123",)
    assert shown.broadcasts == ("here",)
    assert shown.usergroups == ("S1",)
    html = to_html("*bold* <https://x.io|x> 1 < 2", user_name=lambda u: u)
    assert html == '<b>bold</b> <a href="https://x.io">x</a> 1 &lt; 2'
