"""File upload (getUploadURLExternal -> upload URL -> completeUploadExternal) and
authenticated download, byte for byte."""

from __future__ import annotations

import hashlib
import os

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import SlackEmulator


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_upload_into_thread_and_download_round_trip(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    alice = emu.person("alice")
    parent = await alice.post("#support", "can you send the log?")
    data = os.urandom(300_000) + bytes(range(256))

    # The three steps by hand, the way files_upload_v2 does them.
    ticket = await client.files_getUploadURLExternal(filename="app.log", length=len(data))
    async with aiohttp.ClientSession() as session:
        async with session.post(ticket["upload_url"], data=data) as uploaded:
            assert uploaded.status == 200
            assert await uploaded.text() == f"OK - {len(data)}"
        done = await client.files_completeUploadExternal(
            files=[{"id": ticket["file_id"], "title": "Log"}],
            channel_id=parent.channel,
            thread_ts=parent.ts,
            initial_comment="here it is",
        )
        file = done["files"][0]
        assert file["title"] == "Log"
        assert file["size"] == len(data)

        headers = {"Authorization": f"Bearer {emu.bot_token}"}
        async with session.get(file["url_private_download"], headers=headers) as got:
            assert got.status == 200
            assert "attachment" in got.headers["Content-Disposition"]
            assert sha(await got.read()) == sha(data)
        async with session.get(file["url_private"], headers=headers) as got:
            assert sha(await got.read()) == sha(data)

        # Without the token Slack redirects to its sign-in page: a client that follows
        # redirects gets 200 text/html, not the file.
        async with session.get(file["url_private"]) as anonymous:
            assert anonymous.status == 200
            assert anonymous.content_type == "text/html"
            assert anonymous.history[0].status == 302
            assert "Sign in" in await anonymous.text()
        wrong = {"Authorization": "Bearer xoxb-wrong"}
        async with session.get(file["url_private"], headers=wrong, allow_redirects=False) as r:
            assert r.status == 302

    thread = alice.thread(parent)
    share = thread[-1]
    assert share.subtype == "file_share"
    assert share.text == "here it is"
    assert share.thread_ts == parent.ts
    info = await client.files_info(file=ticket["file_id"])
    assert info["file"]["shares"]["public"][parent.channel][0]["thread_ts"] == parent.ts


async def test_files_upload_v2_multipart_style(emu: SlackEmulator, client: AsyncWebClient) -> None:
    data = b"%PDF-1.4 fake\n" * 100
    support = emu.ws.channel("#support")
    result = await client.files_upload_v2(
        content=data, filename="report.pdf", channel=support.id, initial_comment="report"
    )
    assert result["file"]["mimetype"] == "application/pdf"
    async with aiohttp.ClientSession() as session:
        ticket = await client.files_getUploadURLExternal(filename="b.bin", length=4)
        form = aiohttp.FormData()
        form.add_field("file", b"\x00\x01\x02\x03", filename="b.bin")
        async with session.post(ticket["upload_url"], data=form) as uploaded:
            assert uploaded.status == 200
    await client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    assert emu.ws.files[ticket["file_id"]].content == b"\x00\x01\x02\x03"


async def test_file_errors(emu: SlackEmulator, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        await client.files_info(file="F0NOPE")
    assert caught.value.response["error"] == "file_not_found"
    ticket = await client.files_getUploadURLExternal(filename="x.txt", length=3)
    with pytest.raises(SlackApiError) as caught:  # completing before uploading the bytes
        await client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    assert caught.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as caught:
        await client.files_getUploadURLExternal(filename="x.txt", length=0)
    assert caught.value.response["error"] == "missing_argument"


async def test_person_upload_reaches_app_as_file_share(emu: SlackEmulator) -> None:
    carol = emu.person("carol")
    message = await carol.upload("#general", "screen.png", b"\x89PNG fake", comment="see")
    # #general has no bot: nothing is delivered, but the file exists for people.
    assert emu.events.deliveries == []
    assert emu.ws.files[message.files[0]].content == b"\x89PNG fake"
