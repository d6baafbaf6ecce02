"""A real slack_bolt AsyncApp, mounted with slack_bolt's aiohttp adapter, talking to the
emulator both ways: events and interactions in, Web API calls and acks out."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncRespond, AsyncSay
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator

from .conftest import bolt_app, running_bolt

TICKET_MODAL = {
    "type": "modal",
    "callback_id": "ticket",
    "notify_on_close": True,
    "title": {"type": "plain_text", "text": "New ticket"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "desc",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
            "optional": True,
        },
        {
            "type": "input",
            "block_id": "prio",
            "label": {"type": "plain_text", "text": "Priority"},
            "element": {
                "type": "static_select",
                "action_id": "level",
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        },
    ],
}


async def test_thread_reply_reaches_app_and_app_answers_in_thread(emu: SlackEmulator) -> None:
    app = bolt_app(emu)
    seen: list[dict[str, Any]] = []

    @app.event("message")
    async def on_message(event: dict[str, Any], say: AsyncSay) -> None:
        seen.append(event)
        if event.get("thread_ts"):
            await say(text="An agent will look at it", thread_ts=event["thread_ts"])

    async with running_bolt(emu, app):
        alice = emu.person("alice")
        parent = await alice.post("#support", "customer says the app crashes")
        await alice.reply(parent, "stack trace attached")
        await emu.wait_for(lambda: len(alice.thread(parent)) == 3)
        await emu.settle()
    answer = alice.thread(parent)[-1]
    assert answer.bot_id == emu.ws.app.bot_id
    assert answer.text == "An agent will look at it"
    # Bolt drops the app's own message events; only the two human messages arrived.
    assert [e["text"] for e in seen] == ["customer says the app crashes", "stack trace attached"]


async def test_slash_command_opens_modal_and_submission_posts(emu: SlackEmulator) -> None:
    app = bolt_app(emu)
    closed: list[str] = []

    @app.command("/ticket")
    async def open_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=TICKET_MODAL)

    @app.view("ticket")
    async def submitted(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient) -> None:
        values = view["state"]["values"]
        text = values["desc"]["text"]["value"]
        if not text:
            await ack(response_action="errors", errors={"desc": "Please describe it"})
            return
        await ack()
        level = values["prio"]["level"]["selected_option"]["value"]
        await client.chat_postMessage(channel="#support", text=f"[{level}] {text}")

    @app.view_closed("ticket")
    async def cancelled(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack()
        closed.append(view["id"])

    async with running_bolt(emu, app):
        alice = emu.person("alice")
        command = await alice.command("/ticket", "")
        assert command.delivered
        assert command.payload["command"] == "/ticket"
        modal = await emu.wait_for(lambda: alice.top_view)
        assert modal.callback_id == "ticket"

        rejected = await alice.submit({"desc": {"text": ""}, "prio": {"level": "low"}})
        assert rejected.response() == {
            "response_action": "errors",
            "errors": {"desc": "Please describe it"},
        }
        assert alice.top_view is modal
        assert modal.errors == {"desc": "Please describe it"}

        await alice.submit({"desc": {"text": "VPN down"}, "prio": {"level": "high"}})
        assert alice.views == []
        await emu.wait_for(lambda: alice.messages("#support"))
        assert alice.messages("#support")[-1].text == "[high] VPN down"

        await alice.command("/ticket")
        await emu.wait_for(lambda: alice.top_view)
        closing = await alice.close_modal()
        assert closing is not None
        assert closing.delivered
        await emu.wait_for(lambda: closed)
        await emu.settle()


async def test_buttons_selects_and_response_url(emu: SlackEmulator, client: AsyncWebClient) -> None:
    app = bolt_app(emu)
    picked: list[Any] = []

    @app.action("close_ticket")
    async def close(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(text="Ticket closed", replace_original=True)

    @app.action("priority")
    async def priority(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        picked.append(action["selected_option"]["value"])
        await respond(text="Priority noted")  # ephemeral by default

    @app.action("assignee")
    async def assignee(ack: AsyncAck, action: dict[str, Any], say: AsyncSay) -> None:
        await ack()
        picked.append(action["selected_user"])
        await say(text=f"Assigned to <@{action['selected_user']}>")

    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Ticket #7"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "close_ticket",
                    "text": {"type": "plain_text", "text": "Close"},
                    "value": "7",
                },
                {
                    "type": "static_select",
                    "action_id": "priority",
                    "options": [
                        {"text": {"type": "plain_text", "text": "P1"}, "value": "p1"},
                        {"text": {"type": "plain_text", "text": "P2"}, "value": "p2"},
                    ],
                },
                {"type": "users_select", "action_id": "assignee"},
            ],
        },
    ]
    async with running_bolt(emu, app):
        alice, bob = emu.person("alice"), emu.person("bob")
        posted = await client.chat_postMessage(channel="#support", text="Ticket #7", blocks=blocks)
        message = emu.ws.message(posted["channel"], posted["ts"])
        assert message is not None

        selected = await alice.select(message, "priority", "p2")
        assert selected.payload["actions"][0]["selected_option"]["value"] == "p2"
        await emu.wait_for(lambda: alice.ephemerals)
        assert alice.ephemerals[0].text == "Priority noted"
        assert alice.ephemerals[0].source == "response_url"

        await alice.select(message, "assignee", bob.id)
        await emu.wait_for(lambda: len(alice.messages("#support")) == 2)
        assert bob.pinged_by(alice.messages("#support")[-1])

        pressed = await alice.click(message, "close_ticket")
        assert pressed.payload["container"]["message_ts"] == message.ts
        await emu.wait_for(lambda: message.text == "Ticket closed")
        await emu.settle()
    assert picked == ["p2", bob.id]
    assert emu.events.of_type("message")[-1].event["subtype"] == "message_changed"


async def test_slow_ack_is_a_timeout_and_not_retried(emu: SlackEmulator) -> None:
    emu.config.app_timeout = 0.3
    app = bolt_app(emu, process_before_response=True)

    @app.command("/slow")
    async def slow(ack: AsyncAck) -> None:
        await asyncio.sleep(0.5)
        await ack()

    async with running_bolt(emu, app):
        result = await emu.person("alice").command("/slow")
        await asyncio.sleep(0.3)  # let the app finish before the server goes away
    assert result.timed_out
    assert not result.delivered
    assert len(result.attempts) == 1


async def test_global_shortcut_opens_modal(emu: SlackEmulator) -> None:
    app = bolt_app(emu)

    @app.shortcut("new_ticket")
    async def shortcut(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=TICKET_MODAL)

    async with running_bolt(emu, app):
        carol = emu.person("carol")
        pressed = await carol.shortcut("new_ticket")
        assert pressed.delivered
        view = await emu.wait_for(lambda: carol.top_view)
        assert view.callback_id == "ticket"


async def test_response_url_in_channel_and_use_limit(emu: SlackEmulator) -> None:
    alice = emu.person("alice")
    url = emu.ws.new_response_url("commands", alice.id, emu.ws.channel("#support").id)
    async with aiohttp.ClientSession() as session:
        body = {"response_type": "in_channel", "text": "Everyone: the VPN is back"}
        async with session.post(url, json=body) as resp:
            assert (await resp.json()) == {"ok": True}
        for n in range(4):
            async with session.post(url, json={"text": f"private {n}"}) as resp:
                assert resp.status == 200
        async with session.post(url, json={"text": "sixth"}) as resp:
            assert resp.status == 404  # good for 5 posts only
    assert alice.messages("#support")[-1].text == "Everyone: the VPN is back"
    assert [e.text for e in alice.ephemerals] == [f"private {n}" for n in range(4)]
    assert len(emu.ws.response_urls[url.split("/", 5)[-1]].posts) == 5


async def test_a_button_in_a_dm_reaches_the_app_as_slack_shapes_it(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    app, pressed = bolt_app(emu), []

    @app.action("pick")
    async def on_pick(body: dict[str, Any], ack: AsyncAck) -> None:
        pressed.append(body)
        await ack()

    carol = emu.person("carol")
    dm = (await client.conversations_open(users=carol.id))["channel"]["id"]
    button = {"type": "button", "action_id": "pick", "value": "v1"}
    button["text"] = {"type": "plain_text", "text": "Pick"}
    posted = await client.chat_postMessage(
        channel=dm, text="Choose", blocks=[{"type": "actions", "elements": [button]}]
    )
    message = emu.ws.message(dm, posted["ts"])
    assert message is not None
    async with running_bolt(emu, app):
        await carol.click(message, "pick")
        await emu.wait_for(lambda: pressed)
    (body,) = pressed
    assert body["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": dm,
        "is_ephemeral": False,
    }
    assert body["channel"] == {"id": dm, "name": "directmessage"}
    assert body["user"]["id"] == carol.id
    assert body["actions"][0]["value"] == "v1"


async def test_opening_the_apps_tabs_tells_the_app(emu: SlackEmulator) -> None:
    app, opened = bolt_app(emu), []

    @app.event("app_home_opened")
    async def on_open(event: dict[str, Any]) -> None:
        opened.append(event)

    carol = emu.person("carol")
    async with running_bolt(emu, app):
        await carol.open_app()
        await carol.open_app("home")
        await emu.wait_for(lambda: len(opened) == 2)
    messages, home = opened
    dm = emu.ws.open_im(carol.id).id
    assert (messages["user"], messages["channel"], messages["tab"]) == (carol.id, dm, "messages")
    assert home["tab"] == "home"
