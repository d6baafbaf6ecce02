"""Slash commands answered later through their response_url, and date pickers, as Slack does
them: what the desk's /ticket and the card's expected-close picker rely on."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.emulator import SlackEmulator

from .conftest import bolt_app, running_bolt


async def test_a_command_answered_later_is_private_unless_said_in_channel(
    emu: SlackEmulator,
) -> None:
    app = bolt_app(emu)
    urls: list[str] = []

    @app.command("/ticket")
    async def later(ack: AsyncAck, body: dict[str, Any]) -> None:
        urls.append(body["response_url"])
        await ack()  # nothing shown now: the answer follows

    alice, bob = emu.person("alice"), emu.person("bob")
    async with running_bolt(emu, app):
        command = await alice.command("/ticket", "open")
        assert command.delivered
        assert command.response() is None
        # Slack sends commands form-encoded and signed; Bolt verified and parsed it.
        assert command.payload["text"] == "open"
    assert alice.ephemerals == []
    async with aiohttp.ClientSession() as session:
        hook = AsyncWebhookClient(urls[0], session=session)
        private = await hook.send(text="Only for you", response_type="ephemeral")
        public = await hook.send(text="For everyone", response_type="in_channel")
        assert (private.status_code, public.status_code) == (200, 200)
        for _ in range(3):
            await hook.send(text="again")
        spent = await hook.send(text="one too many")
        assert spent.status_code == 404
        assert "used_url" in spent.body
    assert [e.text for e in alice.ephemerals] == ["Only for you", "again", "again", "again"]
    assert all(e.source == "response_url" for e in alice.ephemerals)
    assert bob.ephemerals == []  # an ephemeral is one person's
    (posted,) = [m for m in bob.messages("#support") if m.text == "For everyone"]
    assert posted.bot_id == emu.ws.app.bot_id


async def test_a_datepicker_reports_the_chosen_day(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    app = bolt_app(emu)
    chosen: list[dict[str, Any]] = []

    @app.action("due")
    async def picked(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        chosen.append(action)
        await respond(text=f"Due {action['selected_date']}", replace_original=False)

    picker = {
        "type": "datepicker",
        "action_id": "due",
        "initial_date": "2026-12-01",
        "placeholder": {"type": "plain_text", "text": "Due"},
    }
    posted = await client.chat_postMessage(
        channel="#support",
        text="card",
        blocks=[{"type": "actions", "block_id": "card:7", "elements": [picker]}],
    )
    alice = emu.person("alice")
    card = emu.ws.message(str(posted["channel"]), str(posted["ts"]))
    assert card is not None
    async with running_bolt(emu, app):
        await alice.select(card, "due", "2026-12-24")
        await emu.wait_for(lambda: alice.ephemerals)
    (action,) = chosen
    assert action["type"] == "datepicker"
    assert action["selected_date"] == "2026-12-24"
    assert action["initial_date"] == "2026-12-01"
    assert action["block_id"] == "card:7"
    assert alice.ephemerals[-1].text == "Due 2026-12-24"
