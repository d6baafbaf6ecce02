"""Hostile files through the real fetcher: a decompression bomb, programs in disguise."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import httpx
import pytest
from PIL import Image
from telegram import Bot

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator import SimUser
from adapters.telegram.files import TelegramFileFetcher
from core.filetypes import FileTypePolicy
from storage.files import LocalFileStore
from tests.e2e.telegram.conftest import Updates
from tests.e2e.telegram.test_files import received_file

MIB = 1024 * 1024


@pytest.fixture
def fetcher(bot: Bot, file_store: LocalFileStore, http: httpx.AsyncClient) -> TelegramFileFetcher:
    return TelegramFileFetcher(bot, file_store, http)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 40_000) -> bytes:
    """A valid 1-bit PNG of side x side black pixels: ~200 kB that decodes to 1.6 gigapixels."""
    row = b"\x00" * (1 + side // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


@pytest.mark.slow
async def test_a_decompression_bomb_is_stored_as_bytes_without_exhausting_memory(
    alice: SimUser, updates: Updates, signer: CallbackSigner, fetcher: TelegramFileFetcher
) -> None:
    bomb = png_bomb()
    assert len(bomb) < 1 * MIB
    with pytest.raises(Image.DecompressionBombError):  # what decoding it would have meant
        Image.open(io.BytesIO(bomb)).load()
    alice.send_document(bomb, file_name="screenshot.png")
    incoming = await received_file(updates, signer)
    tracemalloc.start()
    try:
        fetched = await fetcher.fetch(incoming, max_bytes=25 * MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fetched.mime_type == "image/png"
    assert fetched.stored.size == len(bomb)
    # The bot never decodes an image: it holds chunks and the first 64 kB, nothing more.
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


PROGRAMS = {
    "MZ (Windows program) named invoice.pdf": (b"MZ\x90\x00" + b"\x00" * 60, "invoice.pdf"),
    "ELF (Linux program) named notes.txt": (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "notes.txt"),
    "a batch script that is only text": (b"@echo off\r\ndel /q C:\\*\r\n", "fix.bat"),
    "a shell script named log.txt": (b"#!/bin/sh\nrm -rf ~\n", "log.txt"),
    "a Java archive": (b"PK\x03\x04" + b"\x00" * 60, "tool.jar"),
}


@pytest.mark.parametrize("name", list(PROGRAMS))
async def test_programs_in_disguise_are_judged_by_bytes_and_name(
    name: str,
    alice: SimUser,
    updates: Updates,
    signer: CallbackSigner,
    fetcher: TelegramFileFetcher,
) -> None:
    data, file_name = PROGRAMS[name]
    alice.send_document(data, file_name=file_name)
    fetched = await fetcher.fetch(await received_file(updates, signer), max_bytes=MIB)
    assert not FileTypePolicy().accepts(fetched.mime_type, fetched.file_name), (
        fetched.mime_type,
        fetched.file_name,
    )
