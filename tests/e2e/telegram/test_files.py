"""Files a customer sends, fetched through the real Bot API path (getFile + download) into
the LocalFileStore: byte-identical, typed from their bytes, refused early when too big."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image
from telegram import Bot

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator import AlbumItem, SimUser, TelegramEmulator
from adapters.telegram.emulator.files import StoredFile as EmulatedFile
from adapters.telegram.files import FetchRefused, TelegramFileFetcher
from adapters.telegram.translate import translate
from bot.flows import engine
from bot.flows.io import FileKind, Files, IncomingFile
from storage.files import LocalFileStore
from tests.e2e.telegram.conftest import Updates

MIB = 1024 * 1024
NOW = datetime(2026, 3, 2, 9, 30, 5, tzinfo=UTC)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 300
OPUS = b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x13OpusHead" + bytes(range(256)) * 40


def png(width: int = 1000, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def big(size: int) -> bytes:
    return (hashlib.sha256(b"x").digest() * 128 * (size // 4096 + 1))[:size]


@pytest.fixture
def fetcher(bot: Bot, file_store: LocalFileStore, http: httpx.AsyncClient) -> TelegramFileFetcher:
    return TelegramFileFetcher(bot, file_store, http, now=lambda: NOW)


async def received_file(updates: Updates, signer: CallbackSigner) -> IncomingFile:
    [update] = await updates.take()
    inbound = translate(update, signer)
    assert inbound is not None
    assert isinstance(inbound.input, Files)
    [file] = inbound.input.items
    return file


async def stored_bytes(store: LocalFileStore, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.open(key)])


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_a_photo_arrives_byte_identical_with_a_made_up_name(
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
    file_store: LocalFileStore,
) -> None:
    picture = png()
    alice.send_photo(picture, caption="the error")
    incoming = await received_file(updates, signer)
    assert (incoming.kind, incoming.caption) == (FileKind.PHOTO, "the error")
    fetched = await fetcher.fetch(incoming, max_bytes=10 * MIB)
    assert fetched.stored.sha256 == sha256(picture)
    assert await stored_bytes(file_store, fetched.stored.key) == picture
    assert (fetched.mime_type, fetched.file_name, fetched.kind) == (
        "image/png",
        "photo-2026-03-02-093005.png",
        FileKind.PHOTO,
    )


async def test_a_pdf_named_jpg_is_a_pdf_and_keeps_a_safe_name(
    alice: SimUser, updates: Updates, signer: CallbackSigner, fetcher: TelegramFileFetcher
) -> None:
    alice.send_document(PDF, file_name="../../invoice\u202egpj.jpg", mime_type="image/jpeg")
    incoming = await received_file(updates, signer)
    fetched = await fetcher.fetch(incoming, max_bytes=10 * MIB)
    assert fetched.stored.sha256 == sha256(PDF)
    assert fetched.mime_type == "application/pdf"  # not the .jpg it claims to be
    assert fetched.file_name == "invoicegpj.jpg"  # no directories, no bidi override


async def test_a_voice_note(
    alice: SimUser, updates: Updates, signer: CallbackSigner, fetcher: TelegramFileFetcher
) -> None:
    alice.send_voice(OPUS, duration=3)
    incoming = await received_file(updates, signer)
    fetched = await fetcher.fetch(incoming, max_bytes=10 * MIB)
    assert fetched.stored.sha256 == sha256(OPUS)
    assert (fetched.mime_type, fetched.file_name) == ("audio/ogg", "voice-2026-03-02-093005.ogg")


async def test_album_items_share_a_group_and_every_item_is_fetched(
    alice: SimUser, updates: Updates, signer: CallbackSigner, fetcher: TelegramFileFetcher
) -> None:
    # Gathering them into one input is the inbox processor's job (tests/e2e/test_telegram_bot).
    items = [
        AlbumItem("photo", png(300, 200), caption="three views"),
        AlbumItem("photo", png(200, 300)),
        AlbumItem("video", big(50_000), file_name="clip.mp4"),
    ]
    alice.send_album(items)
    files = []
    for update in await updates.take(3):
        inbound = translate(update, signer)
        assert inbound is not None
        assert isinstance(inbound.input, Files)
        files += inbound.input.items
    assert [f.kind for f in files] == [FileKind.PHOTO, FileKind.PHOTO, FileKind.VIDEO]
    assert len({f.group_id for f in files}) == 1
    assert files[0].group_id is not None
    assert files[0].caption == "three views"
    fetched = [await fetcher.fetch(f, max_bytes=10 * MIB) for f in files]
    assert [f.stored.sha256 for f in fetched] == [sha256(i.data) for i in items]


async def test_over_telegrams_limit_is_refused_before_any_download(
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
    emu: TelegramEmulator,
    tmp_path: Path,
) -> None:
    alice.send_document(big(20 * MIB + 1), file_name="dump.zip")
    incoming = await received_file(updates, signer)
    with pytest.raises(FetchRefused) as declared:
        await fetcher.fetch(incoming, max_bytes=100 * MIB)
    assert (declared.value.code, declared.value.limit) == ("too-big-for-telegram", 20 * MIB)
    # What the flows tell the person: their own "too big" text, with Telegram's limit in it.
    assert isinstance(declared.value, engine.FetchRefused)
    assert (declared.value.reason, declared.value.params) == ("report-file-too-big", {"mb": 20})
    emu.assert_not_called("getFile")
    # Without a declared size, getFile's refusal says the same.
    unsized = IncomingFile(FileKind.DOCUMENT, incoming.file_ref, incoming.message_id, None)
    with pytest.raises(FetchRefused, match="too-big-for-telegram"):
        await fetcher.fetch(unsized, max_bytes=100 * MIB)
    assert stored_files(tmp_path / "files") == []


async def test_over_the_bots_limit_is_refused_before_any_download(
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
    emu: TelegramEmulator,
) -> None:
    alice.send_document(big(MIB + 1), file_name="logs.zip")
    incoming = await received_file(updates, signer)
    with pytest.raises(FetchRefused) as refused:
        await fetcher.fetch(incoming, max_bytes=MIB)
    assert (refused.value.code, refused.value.limit) == ("too-big", MIB)
    assert (refused.value.reason, refused.value.params) == ("report-file-too-big", {"mb": 1})
    emu.assert_not_called("getFile")


async def test_a_size_that_lies_is_caught_while_streaming_and_nothing_is_kept(
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
    emu: TelegramEmulator,
    bot: Bot,
    tmp_path: Path,
) -> None:
    alice.send_document(b"small", file_name="small.txt")
    incoming = await received_file(updates, signer)
    # The server hands out 2 MiB behind a file that getFile (and the update) call 5 bytes.
    path = (await bot.get_file(incoming.file_ref)).file_path
    assert path is not None
    relative = path.removeprefix(f"{emu.file_base_url}{emu.token}/")
    assert relative in emu.world.files.by_path
    emu.world.files.by_path[relative] = EmulatedFile("x", "y", "document", big(2 * MIB))
    with pytest.raises(FetchRefused) as refused:
        await fetcher.fetch(incoming, max_bytes=1 * MIB)
    assert refused.value.code == "too-big"
    assert stored_files(tmp_path / "files") == []


async def test_a_file_telegram_does_not_know_is_unavailable(fetcher: TelegramFileFetcher) -> None:
    unknown = IncomingFile(FileKind.DOCUMENT, "BQACAgIAAxkBAAInvalid", "1", 10)
    with pytest.raises(FetchRefused, match="unavailable"):
        await fetcher.fetch(unknown, max_bytes=MIB)


async def test_a_failed_download_is_unavailable_without_the_token(
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
    emu: TelegramEmulator,
    bot: Bot,
) -> None:
    alice.send_document(PDF, file_name="a.pdf")
    incoming = await received_file(updates, signer)
    path = (await bot.get_file(incoming.file_ref)).file_path
    assert path is not None
    emu.world.files.by_path.clear()  # the download link has expired
    with pytest.raises(FetchRefused) as refused:
        await fetcher.fetch(incoming, max_bytes=MIB)
    assert (refused.value.code, refused.value.reason) == ("unavailable", "report-file-failed")
    assert emu.token not in str(refused.value)
    assert refused.value.__cause__ is None
