"""Every Web API method and its errors, through the real slack_sdk AsyncWebClient."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator


async def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return str(caught.value.response["error"])


async def test_auth_test_and_token_handling(emu: SlackEmulator, client: AsyncWebClient) -> None:
    me = await client.auth_test()
    assert me["user_id"] == emu.ws.app.bot_user_id
    assert me["bot_id"] == emu.ws.app.bot_id
    assert me["team_id"] == emu.ws.team_id

    assert await error_of(AsyncWebClient(base_url=emu.api_url).auth_test()) == "not_authed"
    wrong = AsyncWebClient(token="xoxb-nope", base_url=emu.api_url)
    assert await error_of(wrong.auth_test()) == "invalid_auth"
    app_level = AsyncWebClient(token=emu.app_token, base_url=emu.api_url)
    assert await error_of(app_level.auth_test()) == "not_allowed_token_type"


async def test_token_as_form_argument_and_json_body(emu: SlackEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        form = {"token": emu.bot_token, "channel": "#support", "text": "form"}
        async with session.post(f"{emu.api_url}chat.postMessage", data=form) as resp:
            assert (await resp.json())["ok"] is True
        headers = {"Authorization": f"Bearer {emu.bot_token}"}
        body = {"channel": "#support", "text": "json"}
        async with session.post(
            f"{emu.api_url}chat.postMessage", json=body, headers=headers
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["message"]["text"] == "json"
        async with session.post(f"{emu.api_url}no.such", headers=headers) as resp:
            assert (await resp.json())["error"] == "unknown_method"
    texts = [m.text for m in emu.person("alice").messages("#support")]
    assert texts == ["form", "json"]


async def test_post_message_shapes(emu: SlackEmulator, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(
        channel="#support",
        text="Hello",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Hello*"}}],
        unfurl_links=False,
        unfurl_media=False,
        mrkdwn=True,
    )
    message = posted["message"]
    assert message["bot_id"] == emu.ws.app.bot_id
    assert message["user"] == emu.ws.app.bot_user_id
    assert message["blocks"][0]["block_id"]  # Slack fills in missing block ids
    assert "subtype" not in message

    custom = await client.chat_postMessage(
        channel="#support", text="as someone", username="Helpdesk", icon_emoji=":robot_face:"
    )
    assert custom["message"]["subtype"] == "bot_message"
    assert custom["message"]["username"] == "Helpdesk"
    assert custom["message"]["icons"] == {"emoji": ":robot_face:"}

    stored = emu.ws.message(posted["channel"], posted["ts"])
    assert stored is not None
    assert stored.unfurl_links is False
    assert stored.unfurl_media is False


async def test_post_message_threads_and_broadcast(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel="#support", text="parent")
    reply = await client.chat_postMessage(
        channel="#support", text="in thread", thread_ts=parent["ts"]
    )
    assert reply["message"]["thread_ts"] == parent["ts"]
    assert reply["message"]["parent_user_id"] == emu.ws.app.bot_user_id
    loud = await client.chat_postMessage(
        channel="#support", text="everyone look", thread_ts=parent["ts"], reply_broadcast=True
    )
    assert loud["message"]["subtype"] == "thread_broadcast"
    assert loud["message"]["root"]["ts"] == parent["ts"]

    history = await client.conversations_history(channel=parent["channel"])
    assert [m["text"] for m in history["messages"]] == ["everyone look", "parent"]
    assert history["messages"][1]["reply_count"] == 2

    assert (
        await error_of(client.chat_postMessage(channel="#support", text="x", thread_ts="0"))
        == "invalid_thread_ts"
    )
    # Like Slack: a thread_ts that matches nothing is accepted and the reply is lost.
    lost = await client.chat_postMessage(channel="#support", text="lost", thread_ts="123.456")
    assert lost["ok"] is True
    assert "lost" not in [m.text for m in emu.person("alice").messages("#support")]


async def test_post_message_errors(emu: SlackEmulator, client: AsyncWebClient) -> None:
    assert (
        await error_of(client.chat_postMessage(channel="C0NOPE", text="x")) == "channel_not_found"
    )
    assert await error_of(client.chat_postMessage(channel="#general", text="x")) == "not_in_channel"
    # Through api_call: the SDK's own helper warns before sending an empty text.
    empty = client.api_call("chat.postMessage", json={"channel": "#support", "text": ""})
    assert await error_of(empty) == "no_text"
    too_long = "a" * 40_001
    assert await error_of(client.chat_postMessage(channel="#support", text=too_long)) == (
        "msg_too_long"
    )
    no_type = [{"text": {"type": "plain_text", "text": "x"}}]
    assert (
        await error_of(client.chat_postMessage(channel="#support", text="x", blocks=no_type))
        == "invalid_blocks"
    )
    many = [{"type": "divider"}] * 51
    assert (
        await error_of(client.chat_postMessage(channel="#support", text="x", blocks=many))
        == "invalid_blocks"
    )
    assert (
        await error_of(
            client.api_call("chat.postMessage", data={"channel": "#support", "blocks": "{nope"})
        )
        == "invalid_blocks_format"
    )


async def test_update_delete_and_permalink(emu: SlackEmulator, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="#support", text="v1")
    channel, ts = posted["channel"], posted["ts"]
    updated = await client.chat_update(channel=channel, ts=ts, text="v2")
    assert updated["message"]["text"] == "v2"
    assert updated["message"]["edited"]["user"] == emu.ws.app.bot_user_id

    link = await client.chat_getPermalink(channel=channel, message_ts=ts)
    assert link["permalink"] == f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    alice_says = await emu.person("alice").post("#support", "mine")
    assert await error_of(client.chat_update(channel=channel, ts=alice_says.ts, text="x")) == (
        "cant_update_message"
    )
    assert await error_of(client.chat_delete(channel=channel, ts=alice_says.ts)) == (
        "cant_delete_message"
    )
    assert await error_of(client.chat_update(channel=channel, ts="1.000001", text="x")) == (
        "message_not_found"
    )
    assert await error_of(client.chat_getPermalink(channel=channel, message_ts="1.000001")) == (
        "message_not_found"
    )

    assert (await client.chat_delete(channel=channel, ts=ts))["ts"] == ts
    assert await error_of(client.chat_delete(channel=channel, ts=ts)) == "message_not_found"


async def test_post_ephemeral(emu: SlackEmulator, client: AsyncWebClient) -> None:
    alice, carol = emu.person("alice"), emu.person("carol")
    sent = await client.chat_postEphemeral(channel="#support", user=alice.id, text="psst")
    assert sent["message_ts"]
    assert [e.text for e in alice.ephemerals] == ["psst"]
    assert alice.messages("#support") == []  # only alice saw it, and not in the channel
    assert (
        await error_of(client.chat_postEphemeral(channel="#support", user=carol.id, text="x"))
        == "user_not_in_channel"
    )


async def test_conversations_info_members_open(emu: SlackEmulator, client: AsyncWebClient) -> None:
    support = emu.ws.channel("#support")
    info = await client.conversations_info(channel=support.id, include_num_members=True)
    assert info["channel"]["name"] == "support"
    assert info["channel"]["is_member"] is True
    assert info["channel"]["num_members"] == 3

    first = await client.conversations_members(channel=support.id, limit=2)
    assert len(first["members"]) == 2
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_members(channel=support.id, cursor=cursor)
    assert first["members"] + rest["members"] == support.members
    assert rest["response_metadata"]["next_cursor"] == ""

    carol = emu.person("carol")
    opened = await client.conversations_open(users=carol.id)
    dm = opened["channel"]["id"]
    assert dm.startswith("D")
    again = await client.conversations_open(users=carol.id, return_im=True)
    assert again["already_open"] is True
    assert again["channel"]["is_im"] is True
    im_info = await client.conversations_info(channel=dm)
    assert im_info["channel"]["user"] == carol.id

    assert await error_of(client.conversations_info(channel="C0NOPE")) == "channel_not_found"
    assert await error_of(client.conversations_open(users="U0NOPE")) == "user_not_found"
    assert await error_of(client.conversations_history(channel="#general")) == "not_in_channel"


async def test_conversations_replies_paging(emu: SlackEmulator, client: AsyncWebClient) -> None:
    alice = emu.person("alice")
    parent = await alice.post("#support", "my printer is on fire")
    for n in range(5):
        await alice.reply(parent, f"reply {n}")
    first = await client.conversations_replies(channel=parent.channel, ts=parent.ts, limit=3)
    texts = [m["text"] for m in first["messages"]]
    assert texts == ["my printer is on fire", "reply 0", "reply 1"]
    assert first["messages"][0]["reply_count"] == 5
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_replies(
        channel=parent.channel, ts=parent.ts, limit=3, cursor=cursor
    )
    assert [m["text"] for m in second["messages"]] == ["reply 2", "reply 3", "reply 4"]
    assert second["has_more"] is False
    assert all(m["parent_user_id"] == alice.id for m in second["messages"])

    missing = client.conversations_replies(channel=parent.channel, ts="1.000001")
    assert await error_of(missing) == "thread_not_found"
    assert (
        await error_of(
            client.conversations_replies(channel=parent.channel, ts=parent.ts, cursor="@@")
        )
        == "invalid_cursor"
    )


async def test_users_info(emu: SlackEmulator, client: AsyncWebClient) -> None:
    dave = emu.person("dave")
    info = await client.users_info(user=dave.id, include_locale=True)
    user = info["user"]
    assert user["real_name"] == "Dave Kunde"
    assert user["profile"]["display_name"] == "Dave"
    assert user["locale"] == "de-DE"
    assert user["tz"] == "Europe/Berlin"
    assert user["is_bot"] is False
    async with (
        aiohttp.ClientSession() as session,
        session.get(user["profile"]["image_72"]) as avatar,
    ):
        assert avatar.content_type == "image/png"
        assert (await avatar.read()).startswith(b"\x89PNG")
    bot = (await client.users_info(user=emu.ws.app.bot_user_id))["user"]
    assert bot["is_bot"] is True
    assert "locale" not in bot
    assert await error_of(client.users_info(user="U0NOPE")) == "user_not_found"


async def test_reactions_add(emu: SlackEmulator, client: AsyncWebClient) -> None:
    message = await emu.person("alice").post("#support", "thanks!")
    await client.reactions_add(
        channel=message.channel, timestamp=message.ts, name="white_check_mark"
    )
    assert message.reactions == {"white_check_mark": [emu.ws.app.bot_user_id]}
    again = client.reactions_add(
        channel=message.channel, timestamp=message.ts, name="white_check_mark"
    )
    assert await error_of(again) == "already_reacted"
    bad = client.reactions_add(channel=message.channel, timestamp=message.ts, name="no spaces")
    assert await error_of(bad) == "invalid_name"
    gone = client.reactions_add(channel=message.channel, timestamp="1.000001", name="eyes")
    assert await error_of(gone) == "message_not_found"


async def test_views_open_push_update_and_trigger_rules(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    alice = emu.person("alice")
    modal = {
        "type": "modal",
        "callback_id": "ticket",
        "title": {"type": "plain_text", "text": "New ticket"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    trigger = emu.ws.new_trigger(alice.id)
    opened = await client.views_open(trigger_id=trigger, view=modal)
    view_id = opened["view"]["id"]
    assert [v.id for v in alice.views] == [view_id]
    assert await error_of(client.views_open(trigger_id=trigger, view=modal)) == (
        "exchanged_trigger_id"
    )
    assert await error_of(client.views_open(trigger_id="1.2.3", view=modal)) == (
        "invalid_trigger_id"
    )

    pushed = await client.views_push(trigger_id=emu.ws.new_trigger(alice.id), view=modal)
    assert pushed["view"]["previous_view_id"] == view_id
    assert len(alice.views) == 2

    updated = await client.views_update(
        view_id=view_id, hash=opened["view"]["hash"], view={**modal, "private_metadata": "42"}
    )
    assert updated["view"]["private_metadata"] == "42"
    assert (
        await error_of(client.views_update(view_id=view_id, hash="stale", view=modal))
        == "hash_conflict"
    )
    assert await error_of(client.views_update(view_id="V0NOPE", view=modal)) == "not_found"
    no_title = {"type": "modal", "blocks": []}
    assert (
        await error_of(client.views_open(trigger_id=emu.ws.new_trigger(alice.id), view=no_title))
        == "invalid_arguments"
    )


async def test_trigger_expires_after_ttl(emu: SlackEmulator, client: AsyncWebClient) -> None:
    assert emu.config.trigger_ttl == 3.0  # Slack's 3 seconds by default
    emu.config.trigger_ttl = 0.05
    trigger = emu.ws.new_trigger(emu.person("alice").id)
    await asyncio.sleep(0.1)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    assert await error_of(client.views_open(trigger_id=trigger, view=modal)) == (
        "expired_trigger_id"
    )
