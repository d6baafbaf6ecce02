"""The example from docs/emulators-slack.md, kept running."""

from __future__ import annotations

from typing import Any

from adapters.slack.emulator import SlackEmulator

from .conftest import bolt_app, running_bolt


async def test_agent_thread_reply_reaches_the_app(emu: SlackEmulator) -> None:
    app, seen = bolt_app(emu), []

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        seen.append(event)

    async with running_bolt(emu, app):  # Bolt's aiohttp adapter on a free port
        alice = emu.person("alice")  # an agent in #support
        parent = await alice.post("#support", "printer on fire")
        await alice.reply(parent, "customer says it smokes")
        await emu.wait_for(lambda: len(seen) == 2)
    assert seen[1]["thread_ts"] == parent.ts
    assert seen[1]["parent_user_id"] == alice.id
