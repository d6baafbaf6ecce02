"""The local-disk file store: content-addressed files under one root directory.

A file's key is the sha256 of its bytes, stored at `<root>/ab/cd/<sha256>`: identical uploads
are kept once, and no part of a path ever comes from the user (the display name lives in the
database only). Uploads stream through a temporary file in `<root>/tmp` on the same file system,
so the final rename is atomic and a reader never sees half a file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from core.ports import FileTooLarge, StoredFile

__all__ = ["CHUNK_SIZE", "LocalFileStore"]

CHUNK_SIZE = 64 * 1024
_KEY = re.compile(r"[0-9a-f]{64}")
_TEMP_DIR = "tmp"  # three letters: never mistaken for a two-hex-digit fan-out directory
_TEMP_PREFIX = "upload-"


class LocalFileStore:
    """core.ports.FileStore on a local directory.

    Disk I/O runs in worker threads (`asyncio.to_thread`) so a slow disk never stalls the
    event loop; writes go out in CHUNK_SIZE blocks however small the incoming chunks are.
    """

    def __init__(self, root: Path, chunk_size: int = CHUNK_SIZE) -> None:
        # Nothing touches the disk here: resources are made when first needed, not at wiring.
        self.root = root
        self.chunk_size = chunk_size

    async def put(self, chunks: AsyncIterator[bytes], max_size: int | None = None) -> StoredFile:
        """Store a stream; raises FileTooLarge as soon as more than `max_size` bytes arrive.

        The size is counted from what actually arrives, so a sender that declared a smaller
        size gains nothing. On any failure (including cancellation) the temporary file is gone.
        """
        temp_dir = self.root / _TEMP_DIR
        handle, temp_path = await asyncio.to_thread(_open_temp, temp_dir)
        digest = hashlib.sha256()
        size = 0
        pending = bytearray()
        try:
            async for chunk in chunks:
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise FileTooLarge(max_size)
                pending += chunk
                if len(pending) >= self.chunk_size:
                    # Hand the buffer itself to the thread and start a new one: no copy.
                    block, pending = pending, bytearray()
                    await asyncio.to_thread(_write, handle, digest, block)
            await asyncio.to_thread(_finish, handle, digest, pending)
            key = digest.hexdigest()
            await asyncio.to_thread(_install, temp_path, self._path(key))
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_discard, handle, temp_path))
            raise
        return StoredFile(key=key, size=size, sha256=key)

    def open(self, key: str) -> AsyncIterator[bytes]:
        """Stream a stored file back in CHUNK_SIZE chunks.

        A malformed key raises ValueError at once; a missing file raises FileNotFoundError on
        the first iteration.
        """
        return self._read(self._path(key))

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def delete(self, key: str) -> None:
        """Remove a stored file; deleting one that is not there is not an error."""
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def unused_keys(
        self, older_than: float, limit: int = 1000, after: str | None = None
    ) -> list[str]:
        """Keys of files not stored (nor stored again) for `older_than` seconds, in key order
        from just past `after`, at most `limit`: what a sweep then checks, page by page,
        against what still refers to them (bot.jobs)."""
        cutoff = time.time() - older_than
        return await asyncio.to_thread(_old_keys, self.root, cutoff, limit, after or "")

    async def delete_if_unused(self, key: str, older_than: float) -> bool:
        """Delete a file if it still has not been stored again for `older_than` seconds (a
        person sending the same bytes meanwhile makes it young again); whether it went.

        The file is first moved aside and its age read again there: a `put` of the same bytes
        either refreshed it before the move (it is put back) or finds it gone and installs its
        own copy, so a file just stored again is never lost to the sweep."""
        cutoff = time.time() - older_than
        return await asyncio.to_thread(
            _delete_if_old, self._path(key), cutoff, self.root / _TEMP_DIR
        )

    async def purge_temp(self, older_than: float = 3600.0) -> int:
        """Delete temporary files older than `older_than` seconds, left by a crashed process.

        Returns how many were deleted. Younger ones may be uploads still in progress.
        """
        return await asyncio.to_thread(_purge, self.root / _TEMP_DIR, older_than)

    def _path(self, key: str) -> Path:
        # The key becomes a path, so only the exact shape we produce is accepted: no `..`, no
        # separators, no uppercase twin of an existing file.
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"not a file key: {key!r:.80}")
        return self.root / key[:2] / key[2:4] / key

    async def _read(self, path: Path) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, self.chunk_size):
                yield chunk
        finally:
            # Closing a read-only file does not block; doing it inline also works when the
            # generator is finalised after its consumer walked away.
            handle.close()


def _open_temp(temp_dir: Path) -> tuple[BinaryIO, Path]:
    temp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=temp_dir, prefix=_TEMP_PREFIX)
    return os.fdopen(fd, "wb"), Path(name)


def _write(handle: BinaryIO, digest: hashlib._Hash, block: bytearray) -> None:
    # hashlib releases the GIL on large buffers, so hashing here runs truly in parallel.
    digest.update(block)
    handle.write(block)


def _finish(handle: BinaryIO, digest: hashlib._Hash, block: bytearray) -> None:
    _write(handle, digest, block)
    handle.flush()
    # The database will point at this file once put() returns: it must survive a power cut.
    os.fsync(handle.fileno())
    handle.close()


def _install(temp_path: Path, final: Path) -> None:
    try:
        # Same key, same bytes: the stored copy is already right. Stored again, it is young
        # again: a sweep of unused files must not take it from the flow that just sent it.
        os.utime(final)
    except FileNotFoundError:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_path, final)
        return
    temp_path.unlink()


def _discard(handle: BinaryIO, temp_path: Path) -> None:
    handle.close()
    temp_path.unlink(missing_ok=True)


def _purge(temp_dir: Path, older_than: float) -> int:
    if not temp_dir.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for path in temp_dir.glob(f"{_TEMP_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process purged it first
            continue
    return removed


def _old_keys(root: Path, cutoff: float, limit: int, after: str) -> list[str]:
    keys: list[str] = []
    if not root.is_dir():
        return keys
    for first in sorted(root.iterdir()):
        if len(first.name) != 2 or first.name < after[:2] or not first.is_dir():
            continue  # the temporary directory, anything else, or swept already
        for second in sorted(first.iterdir()):
            if first.name + second.name < after[:4] or not second.is_dir():
                continue
            for path in sorted(second.iterdir()):
                if path.name <= after or not _KEY.fullmatch(path.name):
                    continue
                try:
                    if path.stat().st_mtime < cutoff:
                        keys.append(path.name)
                except FileNotFoundError:  # deleted meanwhile
                    continue
                if len(keys) >= limit:
                    return keys
    return keys


def _delete_if_old(path: Path, cutoff: float, temp_dir: Path) -> bool:
    # Named like an upload, so a crash right after the move leaves something purge_temp takes.
    aside = temp_dir / f"{_TEMP_PREFIX}swept-{path.name}-{os.getpid()}"
    try:
        if path.stat().st_mtime >= cutoff:
            return False
        temp_dir.mkdir(parents=True, exist_ok=True)
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    if aside.stat().st_mtime >= cutoff:  # stored again just before the move: put back
        os.replace(aside, path)
        return False
    aside.unlink()
    return True
