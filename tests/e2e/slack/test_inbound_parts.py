"""The Slack inbound side's helpers against the Slack emulator: file downloads, the support
channel's members, people's names."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.downloads import DownloadRefused, SlackFileFetcher
from adapters.slack.emulator import SlackEmulator
from adapters.slack.people import ChannelMembers, Names
from adapters.slack.translate import AgentReply, Desk, SlackFile, translate
from storage.files import LocalFileStore


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)


async def _shared(emu: SlackEmulator, name: str, content: bytes) -> SlackFile:
    """A file alice shares in a thread, as the bot learns of it from the event."""
    alice = emu.person("alice")
    parent = await alice.post("#support", "ticket")
    await alice.upload("#support", name, content, comment="here", thread_ts=parent.ts)
    (delivery,) = [d for d in emu.events.of_type("message") if d.event.get("files")]
    said = translate(delivery.payload, Desk(emu.ws.channel("support").id))
    assert isinstance(said, AgentReply)
    (file,) = said.files
    return file


async def test_a_file_is_stored_byte_for_byte(emu: SlackEmulator, tmp_path: Path) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 1000
    file = await _shared(emu, "report.pdf", content)
    async with aiohttp.ClientSession() as session:
        fetcher = SlackFileFetcher(session, emu.bot_token, LocalFileStore(tmp_path))
        got = await fetcher.fetch(file, max_bytes=10 * 2**20)
    assert got.sha256 == hashlib.sha256(content).hexdigest()
    assert got.size == len(content)
    assert got.mime_type == "application/pdf"
    assert got.file_name == "report.pdf"
    stored = b"".join([chunk async for chunk in LocalFileStore(tmp_path).open(got.storage_key)])
    assert stored == content


async def test_a_wrong_token_gets_slacks_sign_in_page_which_is_refused(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    file = await _shared(emu, "notes.txt", b"secret notes")
    async with aiohttp.ClientSession() as session:
        fetcher = SlackFileFetcher(session, "xoxb-wrong", LocalFileStore(tmp_path))
        with pytest.raises(DownloadRefused, match="did not hand the file out"):
            await fetcher.fetch(file, max_bytes=2**20)


async def test_a_file_over_the_limit_is_refused(emu: SlackEmulator, tmp_path: Path) -> None:
    file = await _shared(emu, "big.bin", b"x" * 5000)
    async with aiohttp.ClientSession() as session:
        fetcher = SlackFileFetcher(session, emu.bot_token, LocalFileStore(tmp_path))
        with pytest.raises(DownloadRefused, match="larger than"):
            await fetcher.fetch(file, max_bytes=4000)  # declared size: refused at once
        undeclared = SlackFile(file.id, file.name, file.url, size=None)
        with pytest.raises(DownloadRefused, match="larger than"):
            await fetcher.fetch(undeclared, max_bytes=4000)  # counted while streaming
    left = await asyncio.to_thread(lambda: [p for p in tmp_path.rglob("*") if p.is_file()])
    assert left == []  # nothing kept of a refused file


async def test_members_are_cached_and_a_newcomer_is_found(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    now = [1000.0]
    members = ChannelMembers(client, emu.ws.channel("support").id, clock=lambda: now[0])
    alice, carol = emu.person("alice"), emu.person("carol")
    assert await members.contains(alice.id)
    assert not await members.contains(carol.id)
    assert await members.contains(alice.id)
    assert emu.calls.count("conversations.members") == 1  # asked once, remembered

    await carol.join("#support")
    assert not await members.contains(carol.id)  # asked a moment ago: not again yet
    now[0] += 10
    assert await members.contains(carol.id)  # unknown after a while: asked again
    assert emu.calls.count("conversations.members") == 2


async def test_forgetting_asks_again(emu: SlackEmulator, client: AsyncWebClient) -> None:
    members = ChannelMembers(client, emu.ws.channel("support").id, clock=time.monotonic)
    carol = emu.person("carol")
    assert not await members.contains(carol.id)
    await carol.join("#support")
    members.forget()
    assert await members.contains(carol.id)


async def test_names_come_from_users_info_once(emu: SlackEmulator, client: AsyncWebClient) -> None:
    names = Names(client)
    alice = emu.person("alice")
    assert await names.name(alice.id) == "Alice"
    assert await names.name(alice.id) == "Alice"
    assert emu.calls.count("users.info") == 1
