"""Rate limits, injected faults as the client sees them, and the call log."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator


async def test_rate_limits_are_off_by_default(client: AsyncWebClient) -> None:
    for n in range(20):
        await client.chat_postMessage(channel="#support", text=f"burst {n}")


async def test_post_message_limit_is_per_channel(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.rate_limits.enable()
    emu.rate_limits.clock = lambda: 1000.0  # frozen: no refill while the test runs
    for n in range(3):  # a short burst is tolerated
        await client.chat_postMessage(channel="#support", text=f"n{n}")
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="#support", text="one too many")
    response = caught.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "1"
    # Another channel has its own budget.
    dm = (await client.conversations_open(users=emu.person("carol").id))["channel"]["id"]
    await client.chat_postMessage(channel=dm, text="fine")
    assert emu.calls.errors["ratelimited"] == 1


async def test_method_tier_limit_and_custom_limit(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.rate_limits.enable()
    emu.rate_limits.clock = lambda: 1000.0
    emu.rate_limits.set("users.info", per_minute=60, burst=2)
    alice = emu.person("alice").id
    await client.users_info(user=alice)
    await client.users_info(user=alice)
    with pytest.raises(SlackApiError) as caught:
        await client.users_info(user=alice)
    assert caught.value.response.status_code == 429
    # Tier 3 (conversations.info): 50/minute with a burst of 10.
    channel = emu.ws.channel("#support").id
    results = []
    for _ in range(12):
        try:
            await client.conversations_info(channel=channel)
            results.append("ok")
        except SlackApiError:
            results.append("429")
    assert results == ["ok"] * 10 + ["429"] * 2


async def test_sdk_retry_handler_honours_retry_after(emu: SlackEmulator) -> None:
    emu.faults.add(method="auth.test", kind="ratelimited", retry_after=1)
    client = AsyncWebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert (await client.auth_test())["ok"] is True
    assert [r.status for r in emu.calls.calls("auth.test")] == [429, 200]


async def test_injected_server_error_slow_and_error(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.faults.add(method="chat.postMessage", kind="server_error", status=503)
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="#support", text="x")
    assert caught.value.response.status_code == 503

    emu.faults.add(method="chat.postMessage", kind="error", error="fatal_error")
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="#support", text="x")
    assert caught.value.response["error"] == "fatal_error"

    emu.faults.add(method="auth.test", kind="slow", delay=1.5)
    impatient = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url, timeout=1)
    with pytest.raises(asyncio.TimeoutError):
        await impatient.auth_test()
    await client.chat_postMessage(channel="#support", text="faults are used up")


async def test_dropped_connections(emu: SlackEmulator, client: AsyncWebClient) -> None:
    # slack_sdk retries a dropped connection once by itself: one drop is invisible...
    emu.faults.add(method="auth.test", kind="disconnect", times=1)
    assert (await client.auth_test())["ok"] is True
    # ...two in a row surface as a ServerDisconnectedError.
    emu.faults.add(method="auth.test", kind="disconnect", times=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.auth_test()
    assert emu.calls.errors["disconnected"] == 3


async def test_probability_and_any_method_faults(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    fault = emu.faults.add(kind="error", error="internal_error", times=None, probability=0.5)
    outcomes = []
    for _ in range(40):
        try:
            await client.auth_test()
            outcomes.append(True)
        except SlackApiError:
            outcomes.append(False)
    assert 5 < outcomes.count(False) < 35
    assert fault.hits == outcomes.count(False)
    emu.faults.clear()
    assert (await client.auth_test())["ok"] is True


async def test_lost_answer_posts_the_message_without_telling_the_client(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    # slack_sdk re-sends a call whose connection dropped: the message is posted twice.
    emu.faults.add(method="chat.postMessage", kind="lost", times=1)
    await client.chat_postMessage(channel="#support", text="said once")
    texts = [m.text for m in emu.ws.channel("support").messages.values()]
    assert texts.count("said once") == 2
    assert emu.calls.errors["lost"] == 1


async def test_fault_mix_fails_a_share_of_the_named_methods_with_each_kind(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    client.retry_handlers.clear()  # every failure reaches the test
    faults = emu.faults.mix(
        0.4,
        {"ratelimited": 1, "server_error": 1, "error": 2},
        methods=["chat.postMessage", "chat.update"],
        seed=3,
        status=503,
    )
    seen = {"ratelimited": 0, "server_error": 0, "error": 0, "ok": 0}
    for n in range(300):
        try:
            await client.chat_postMessage(channel="#support", text=f"m{n}")
            seen["ok"] += 1
        except SlackApiError as failure:
            status = failure.response.status_code
            seen[{429: "ratelimited", 503: "server_error", 200: "error"}[status]] += 1
    assert (await client.auth_test())["ok"] is True  # not named: never faulted
    assert [f.hits for f in faults] == [seen["ratelimited"], seen["server_error"], seen["error"]]
    assert 90 <= 300 - seen["ok"] <= 150  # 40 %, give or take
    assert max(seen["ratelimited"], seen["server_error"]) < seen["error"]  # weights 1:1:2
    assert min(seen["ratelimited"], seen["server_error"]) >= 15
    with pytest.raises(ValueError, match="probability"):
        emu.faults.mix(0.2, {"ratelimited": 0})


async def test_upload_and_download_faults(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.faults.add(method="files.upload", kind="server_error", status=500)
    ticket = await client.files_getUploadURLExternal(filename="a.txt", length=1)
    async with aiohttp.ClientSession() as session:
        async with session.post(ticket["upload_url"], data=b"a") as resp:
            assert resp.status == 500
        async with session.post(ticket["upload_url"], data=b"a") as resp:
            assert resp.status == 200


async def test_call_log_helpers(emu: SlackEmulator, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="#support", text="one")
    await client.chat_postMessage(channel="#support", text="two")
    emu.calls.assert_called("chat.postMessage", times=2)
    emu.calls.assert_called("chat.postMessage", text="two")
    emu.calls.assert_not_called("chat.delete")
    assert emu.calls.last("chat.postMessage").args["text"] == "two"
    assert emu.calls.total == 2
    assert emu.calls.counts["chat.postMessage"] == 2
    with pytest.raises(AssertionError):
        emu.calls.assert_called("chat.update")
    emu.calls.clear()
    assert emu.calls.total == 0
