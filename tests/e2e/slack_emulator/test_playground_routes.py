"""The Slack emulator's /_emulator/ routes: what the playground page uses to be an agent."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator
from tests.e2e.slack_emulator.conftest import bolt_app, running_bolt


def card(mentioned: str) -> list[dict[str, object]]:
    """A bot message with a mention, an escape, a button and a select."""
    section = {"type": "mrkdwn", "text": f"*Ticket* for <@{mentioned}> &lt;x&gt;"}
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": label.lower()}
        for label in ("A", "B")
    ]
    go = {"type": "plain_text", "text": "Go"}
    return [
        {"type": "section", "text": section},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": "go", "value": "1", "text": go},
                {"type": "static_select", "action_id": "pick", "options": options},
            ],
        },
    ]


async def test_a_person_posts_and_reads_the_channel_with_texts_rendered(
    emu: SlackEmulator,
) -> None:
    alice = emu.person("alice")
    support = emu.ws.channel("support").id
    async with aiohttp.ClientSession(emu.url) as http:
        state = await (await http.get("/_emulator/state")).json()
        assert "alice" in [p["name"] for p in state["people"]]
        since = state["version"]
        waiting = asyncio.create_task(http.get(f"/_emulator/changes?since={since}&timeout=5"))
        answer = await http.post(
            f"/_emulator/people/{alice.id}/post",
            json={"channel": support, "text": f"hi <@{alice.id}> &lt;b&gt;"},
        )
        assert (await answer.json())["ok"] is True
        changed = await (await waiting).json()
        assert changed["version"] > since
        seen = await (await http.get(f"/_emulator/people/{alice.id}/channels/{support}")).json()
    (message,) = seen["messages"]
    assert message["text"] == "hi @Alice <b>"
    assert message["author"] == "Alice Agent"


async def test_clicks_on_a_bots_buttons_and_selects_reach_the_app(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    alice = emu.person("alice")
    app, seen = bolt_app(emu), []

    @app.action("go")
    @app.action("pick")
    async def on_action(ack, body) -> None:  # type: ignore[no-untyped-def]
        await ack()
        seen.append(body["actions"][0])

    posted = await client.chat_postMessage(channel="#support", text="card", blocks=card(alice.id))
    async with running_bolt(emu, app), aiohttp.ClientSession(emu.url) as http:
        where = {"channel": posted["channel"], "ts": posted["ts"]}
        channel = await (
            await http.get(f"/_emulator/people/{alice.id}/channels/{posted['channel']}")
        ).json()
        shown = channel["messages"][0]["blocks"][0]["text"]["text"]
        assert shown == "*Ticket* for @Alice <x>"
        for body in ({"action_id": "go"}, {"action_id": "pick", "value": "b"}):
            answer = await http.post(f"/_emulator/people/{alice.id}/click", json=where | body)
            assert (await answer.json())["ok"] is True
        bad = await http.post(
            f"/_emulator/people/{alice.id}/click", json=where | {"action_id": "pick", "value": "z"}
        )
        assert bad.status == 400
    assert [a["action_id"] for a in seen] == ["go", "pick"]
    assert seen[1]["selected_option"]["value"] == "b"


async def test_an_upload_is_shared_in_the_thread_and_downloadable(emu: SlackEmulator) -> None:
    alice = emu.person("alice")
    parent = await alice.post("#support", "parent")
    async with aiohttp.ClientSession(emu.url) as http:
        answer = await http.post(
            f"/_emulator/people/{alice.id}/upload",
            json={
                "channel": parent.channel,
                "thread_ts": parent.ts,
                "file_name": "log.txt",
                "data_base64": base64.b64encode(b"line 1").decode(),
            },
        )
        assert (await answer.json())["ok"] is True
        thread = await (
            await http.get(f"/_emulator/people/{alice.id}/threads/{parent.channel}/{parent.ts}")
        ).json()
        (file,) = thread["messages"][1]["files"]
        assert file["name"] == "log.txt"
        assert await (await http.get(f"/_emulator/files/{file['id']}")).read() == b"line 1"


async def test_a_slash_command_reaches_the_app_and_its_answer_is_shown_to_the_person(
    emu: SlackEmulator,
) -> None:
    alice = emu.person("alice")
    app = bolt_app(emu)

    @app.command("/ticket")
    async def on_ticket(ack, command) -> None:  # type: ignore[no-untyped-def]
        await ack(f"you asked for {command['text']} &lt;here&gt;")

    async with running_bolt(emu, app), aiohttp.ClientSession(emu.url) as http:
        answer = await http.post(
            f"/_emulator/people/{alice.id}/command",
            json={"command": "/ticket", "text": "help", "channel": "#support"},
        )
        assert (await answer.json())["ok"] is True
        views = await (await http.get(f"/_emulator/people/{alice.id}/views")).json()
        no_slash = await http.post(
            f"/_emulator/people/{alice.id}/command", json={"command": "ticket"}
        )
        assert no_slash.status == 400
    (shown,) = views["ephemerals"]
    assert shown["text"] == "you asked for help <here>"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/_emulator/people/UNOBODY/post", {"channel": "#support", "text": "x"}, 404),
        ("/_emulator/people/{alice}/fly", {}, 404),
        ("/_emulator/people/{alice}/upload", {"channel": "#support", "data_base64": "!!"}, 400),
        ("/_emulator/people/{alice}/post", {"channel": "#nowhere", "text": "x"}, 400),
        ("/_emulator/people/{alice}/submit", {}, 400),
    ],
)
async def test_bad_requests_are_answered_with_the_reason(
    emu: SlackEmulator, path: str, body: dict[str, str], status: int
) -> None:
    alice = emu.person("alice")
    async with aiohttp.ClientSession(emu.url) as http:
        answer = await http.post(path.format(alice=alice.id), json=body)
        assert answer.status == status
        assert (await answer.json())["description"]
