"""The local-disk file store on a real directory."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import time
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.ports import FileStore, FileTooLarge
from storage.files import CHUNK_SIZE, LocalFileStore

MB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


async def stream(data: bytes, chunk: int = 10_000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), chunk):
        yield data[i : i + chunk]


async def generated(total: int, chunk: int = CHUNK_SIZE, seed: int = 0) -> AsyncIterator[bytes]:
    """`total` bytes made chunk by chunk, so the whole file never exists in memory."""
    sent = 0
    block = hashlib.sha256(str(seed).encode()).digest() * (chunk // 32 + 1)
    while sent < total:
        part = block[: min(chunk, total - sent)]
        sent += len(part)
        yield part


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_it_is_a_file_store(store: LocalFileStore) -> None:
    port: FileStore = store  # mypy checks the Protocol; this documents the intent
    assert port is store


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * MB])
async def test_round_trip_is_byte_identical(store: LocalFileStore, size: int) -> None:
    data = os.urandom(size)
    stored = await store.put(stream(data))

    expected = hashlib.sha256(data).hexdigest()
    assert (stored.key, stored.sha256, stored.size) == (expected, expected, size)
    assert await store.exists(stored.key)
    back = await read_all(store.open(stored.key))
    assert hashlib.sha256(back).hexdigest() == expected
    assert back == data


async def test_reading_comes_in_bounded_chunks(store: LocalFileStore) -> None:
    stored = await store.put(stream(os.urandom(3 * CHUNK_SIZE + 5), chunk=1_000_000))
    sizes = [len(chunk) async for chunk in store.open(stored.key)]
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 5]


async def test_content_addressed_layout(store: LocalFileStore, tmp_path: Path) -> None:
    stored = await store.put(stream(b"hello"))
    key = stored.key
    assert files_under(tmp_path / "files") == [tmp_path / "files" / key[:2] / key[2:4] / key]


async def test_identical_content_is_stored_once(store: LocalFileStore, tmp_path: Path) -> None:
    first = await store.put(stream(b"same bytes", chunk=3))
    second = await store.put(stream(b"same bytes", chunk=7))
    assert first == second
    assert len(files_under(tmp_path / "files")) == 1


async def test_too_large_stops_mid_stream_and_keeps_nothing(
    store: LocalFileStore, tmp_path: Path
) -> None:
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"x" * 1000

    with pytest.raises(FileTooLarge) as raised:
        await store.put(endless(), max_size=10_500)
    assert raised.value.limit == 10_500
    assert pulled == 11  # stopped at the first chunk past the limit, not at the end
    assert files_under(tmp_path / "files") == []


async def test_exactly_the_limit_is_accepted(store: LocalFileStore) -> None:
    stored = await store.put(stream(b"x" * 5000), max_size=5000)
    assert stored.size == 5000


async def test_a_failing_upload_leaves_no_temp_file(store: LocalFileStore, tmp_path: Path) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"a" * 200_000
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.put(broken())
    assert files_under(tmp_path / "files") == []


async def test_a_cancelled_upload_leaves_no_temp_file(
    store: LocalFileStore, tmp_path: Path
) -> None:
    started = asyncio.Event()

    async def slow() -> AsyncIterator[bytes]:
        yield b"a" * 200_000
        started.set()
        await asyncio.sleep(3600)
        yield b"never"

    task = asyncio.create_task(store.put(slow()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files_under(tmp_path / "files") == []


async def test_storing_50_mb_does_not_hold_it_in_memory(store: LocalFileStore) -> None:
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        stored = await store.put(generated(50 * MB), max_size=60 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == 50 * MB
    assert peak - baseline < 3 * MB, f"peak grew by {(peak - baseline) / MB:.1f} MB"


async def test_reading_50_mb_does_not_hold_it_in_memory(store: LocalFileStore) -> None:
    stored = await store.put(generated(50 * MB))
    digest = hashlib.sha256()
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        async for chunk in store.open(stored.key):
            digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == stored.sha256
    assert peak - baseline < 3 * MB, f"peak grew by {(peak - baseline) / MB:.1f} MB"


BAD_KEYS = [
    "../x",
    "../" * 21 + "x",
    "A" * 64,
    "ab" * 31,  # too short
    "a" * 65,
    "g" * 64,
    "a" * 63 + "\n",
    "a" * 63 + "/",
    "/etc/passwd",
    "",
    "０" * 64,  # fullwidth digits are digits to Unicode, not to us
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_malformed_keys_are_rejected(store: LocalFileStore, key: str) -> None:
    with pytest.raises(ValueError, match="not a file key"):
        store.open(key)
    with pytest.raises(ValueError, match="not a file key"):
        await store.exists(key)
    with pytest.raises(ValueError, match="not a file key"):
        await store.delete(key)


async def test_an_uppercase_twin_of_a_stored_key_is_rejected(store: LocalFileStore) -> None:
    stored = await store.put(stream(b"data"))
    with pytest.raises(ValueError, match="not a file key"):
        store.open(stored.key.upper())


async def test_a_missing_file(store: LocalFileStore) -> None:
    key = hashlib.sha256(b"never stored").hexdigest()
    assert not await store.exists(key)
    with pytest.raises(FileNotFoundError):
        await read_all(store.open(key))
    await store.delete(key)  # nothing to delete is fine


async def test_delete(store: LocalFileStore) -> None:
    stored = await store.put(stream(b"to be deleted"))
    await store.delete(stored.key)
    assert not await store.exists(stored.key)


def open_handles(path: Path) -> int:
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc to see open file handles")
    count = 0
    for fd in fds.iterdir():
        try:
            count += fd.readlink() == path
        except OSError:  # the listing's own handle is gone by now
            continue
    return count


async def test_a_reader_that_stops_early_releases_the_file(
    store: LocalFileStore, tmp_path: Path
) -> None:
    stored = await store.put(generated(4 * CHUNK_SIZE))
    path = tmp_path / "files" / stored.key[:2] / stored.key[2:4] / stored.key

    closed_reader = store.open(stored.key)
    assert len(await anext(closed_reader)) == CHUNK_SIZE
    assert open_handles(path) == 1
    await closed_reader.aclose()  # type: ignore[attr-defined]
    assert open_handles(path) == 0

    # A consumer that just walks away (a client hanging up mid-download).
    abandoned = store.open(stored.key)
    await anext(abandoned)
    del abandoned
    gc.collect()
    # The loop's async-generator finaliser schedules aclose(): one turn to create that task,
    # one for it to run.
    for _ in range(2):
        await asyncio.sleep(0)
    assert open_handles(path) == 0


async def test_twenty_concurrent_uploads(store: LocalFileStore, tmp_path: Path) -> None:
    contents = [os.urandom(100_000 + i * 7_919) for i in range(20)]
    stored = await asyncio.gather(*(store.put(stream(c, chunk=4096)) for c in contents))

    assert [s.sha256 for s in stored] == [hashlib.sha256(c).hexdigest() for c in contents]
    backs = await asyncio.gather(*(read_all(store.open(s.key)) for s in stored))
    assert backs == contents
    assert len(files_under(tmp_path / "files")) == 20


async def test_concurrent_uploads_of_the_same_content(
    store: LocalFileStore, tmp_path: Path
) -> None:
    data = os.urandom(300_000)
    stored = await asyncio.gather(*(store.put(stream(data)) for _ in range(10)))
    assert len({s.key for s in stored}) == 1
    assert files_under(tmp_path / "files") == [
        tmp_path / "files" / stored[0].key[:2] / stored[0].key[2:4] / stored[0].key
    ]
    assert await read_all(store.open(stored[0].key)) == data


async def test_purge_removes_only_stale_temp_files(store: LocalFileStore, tmp_path: Path) -> None:
    kept = await store.put(stream(b"kept"))
    temp_dir = tmp_path / "files" / "tmp"
    stale, fresh = temp_dir / "upload-stale", temp_dir / "upload-fresh"
    stale.write_bytes(b"left by a crash")
    fresh.write_bytes(b"still uploading")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    assert await store.purge_temp(older_than=3600) == 1
    assert files_under(tmp_path / "files") == sorted(
        [fresh, tmp_path / "files" / kept.key[:2] / kept.key[2:4] / kept.key]
    )


async def test_the_file_name_never_reaches_the_disk(store: LocalFileStore, tmp_path: Path) -> None:
    # put() takes no name at all; the only names on disk are hex digests.
    stored = await store.put(stream(b"../../etc/passwd"))
    names = {p.name for p in files_under(tmp_path / "files")}
    assert names == {stored.key}


def _age(store: LocalFileStore, key: str, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(store._path(key), (when, when))


async def test_old_files_are_found_and_storing_again_makes_them_young(
    store: LocalFileStore,
) -> None:
    old = await store.put(stream(b"sent two days ago"))
    again = await store.put(stream(b"sent two days ago, and again now"))
    young = await store.put(stream(b"sent a minute ago"))
    for key in (old.key, again.key):
        _age(store, key, 2 * 86400)
    _age(store, young.key, 60)
    await store.put(stream(b"sent two days ago, and again now"))  # the same bytes once more
    assert await store.unused_keys(86400) == [old.key]
    assert set(await store.unused_keys(30)) == {old.key, young.key}
    assert len(await store.unused_keys(30, limit=2)) == 2
    assert not await store.delete_if_unused(again.key, 86400)  # young again: kept
    assert await store.delete_if_unused(old.key, 86400)
    assert not await store.exists(old.key)
    assert not await store.delete_if_unused(old.key, 86400)  # gone already


async def test_no_store_yet_has_no_old_files(tmp_path: Path) -> None:
    assert await LocalFileStore(tmp_path / "never").unused_keys(0) == []


async def test_old_files_come_in_key_order_page_by_page(store: LocalFileStore) -> None:
    stored = [await store.put(stream(f"file {n}".encode())) for n in range(5)]
    for item in stored:
        _age(store, item.key, 2 * 86400)
    first = await store.unused_keys(86400, limit=2)
    second = await store.unused_keys(86400, limit=2, after=first[-1])
    rest = await store.unused_keys(86400, limit=2, after=second[-1])
    assert first + second + rest == sorted(item.key for item in stored)
    assert await store.unused_keys(86400, after=rest[-1]) == []


async def test_a_file_stored_again_while_it_is_swept_is_put_back(
    store: LocalFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = await store.put(stream(b"sent two days ago, and again right now"))
    _age(store, stored.key, 2 * 86400)
    rename = os.rename

    def stored_again_first(source: Path, target: Path) -> None:
        os.utime(source)  # a put() of the same bytes lands just before the move
        rename(source, target)

    monkeypatch.setattr("storage.files.os.rename", stored_again_first)
    assert not await store.delete_if_unused(stored.key, 86400)
    assert await read_all(store.open(stored.key)) == b"sent two days ago, and again right now"
    assert not list((store.root / "tmp").glob("upload-swept-*"))
