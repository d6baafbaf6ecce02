"""Fetching a file a person sent: Telegram's servers → the FileStore, streamed, checked.

Nothing the sender declares is trusted. The declared size only lets us refuse early (before
any byte moves); the store counts what really arrives and stops past the limit. The type is
read from the first bytes, never from the name or the declared MIME type, because a name is
whatever the person typed and agents open these files on their own machines. The name is kept
as a label only, made safe to show.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from telegram import Bot
from telegram.error import BadRequest, TelegramError

from adapters.common.sniff import SNIFF_BYTES, sniff_mime
from bot.flows import engine
from bot.flows.io import FileKind, IncomingFile
from core.filenames import safe_display_name
from core.ports import FileStore, FileTooLarge

__all__ = ["DOWNLOAD_LIMIT", "FetchRefused", "FetchedFile", "TelegramFileFetcher"]

MIB = 1024 * 1024
DOWNLOAD_LIMIT = 20 * MIB  # Bot API: "bots can download files of up to 20MB in size"
_CHUNK = 64 * 1024

_EXTENSIONS = {  # mimetypes' first choice is sometimes odd (".jpe", ".oga")
    "image/jpeg": ".jpg",
    "audio/ogg": ".ogg",
    "video/ogg": ".ogv",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
    "text/plain": ".txt",
    "application/octet-stream": "",
}
_NAMED_KINDS = {  # files Telegram gives no name: a label from the kind and the time
    FileKind.PHOTO: "photo",
    FileKind.VOICE: "voice",
    FileKind.VIDEO_NOTE: "video",
    FileKind.VIDEO: "video",
    FileKind.AUDIO: "audio",
    FileKind.ANIMATION: "animation",
    FileKind.DOCUMENT: "file",
}


# The flows say `reason` to the person as a text id with `params`; `code` is for callers and
# logs. Refusals over a size limit reuse the flows' "too big" text: to the person, Telegram's
# 20 MB is simply the limit.
_TEXTS = {
    "too-big-for-telegram": "report-file-too-big",
    "too-big": "report-file-too-big",
    "unavailable": "report-file-failed",
}


class FetchRefused(engine.FetchRefused):
    """The file was not fetched; `code` says why.

    "too-big-for-telegram": over what Telegram lets a bot download (`limit` bytes);
    "too-big": over the bot's own limit (`limit` bytes);
    "unavailable": Telegram could not hand it out (expired, unknown, or a network fault).
    """

    def __init__(self, code: str, limit: int | None = None, detail: str = "") -> None:
        params = {"mb": limit // MIB} if limit is not None else {}
        super().__init__(_TEXTS[code], **params)
        self.args = (f"{code}: {detail}" if detail else code,)
        self.code = code
        self.limit = limit


@dataclass(frozen=True)
class FetchedFile(engine.FetchedFile):
    """What the flows need (stored, file_name safe to show, mime_type from the bytes), and the
    kind of file Telegram said it was."""

    kind: FileKind


class TelegramFileFetcher:
    """Downloads with the bot's getFile and a shared httpx client the caller opens and closes
    (the app's one, not one per file; httpx is what python-telegram-bot itself runs on)."""

    def __init__(
        self,
        bot: Bot,
        file_store: FileStore,
        http: httpx.AsyncClient,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._bot = bot
        self._store = file_store
        self._http = http
        self._now = now

    async def fetch(self, file: IncomingFile, max_bytes: int) -> FetchedFile:
        _check_size(file.size, max_bytes)
        try:
            info = await self._bot.get_file(file.file_ref)
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                raise FetchRefused("too-big-for-telegram", DOWNLOAD_LIMIT) from exc
            raise FetchRefused("unavailable", detail=exc.message) from exc
        except TelegramError as exc:
            raise FetchRefused("unavailable", detail=type(exc).__name__) from exc
        _check_size(info.file_size, max_bytes)
        if not info.file_path or not info.file_path.startswith(("http://", "https://")):
            # A local-mode Bot API server hands out paths on its own disk; we do not run one.
            raise FetchRefused("unavailable")
        head = bytearray()
        download = self._download(info.file_path, head)
        try:
            # aclosing: a refused file must end the HTTP stream now, not when GC gets to it.
            async with aclosing(download):
                stored = await self._store.put(download, max_size=max_bytes)
        except FileTooLarge as exc:
            raise FetchRefused("too-big", max_bytes) from exc
        except httpx.HTTPError as exc:
            # Not chained: the exception's text holds the download URL, and so the bot token.
            raise FetchRefused("unavailable", detail=type(exc).__name__) from None
        mime = sniff_mime(bytes(head), file.file_name)
        return FetchedFile(stored, self._display_name(file, mime), mime, file.kind)

    async def _download(self, url: str, head: bytearray) -> AsyncGenerator[bytes, None]:
        """The body in chunks as they arrive, keeping the first bytes for sniffing."""
        async with self._http.stream("GET", url) as response:
            response.raise_for_status()
            async for chunk in response.aiter_bytes(_CHUNK):
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                yield chunk

    def _display_name(self, file: IncomingFile, mime: str) -> str:
        if file.file_name and file.kind not in (FileKind.PHOTO, FileKind.VOICE):
            return safe_display_name(file.file_name)
        stamp = self._now().strftime("%Y-%m-%d-%H%M%S")
        return f"{_NAMED_KINDS[file.kind]}-{stamp}{extension_for(mime)}"


def _check_size(size: int | None, max_bytes: int) -> None:
    if size is None:
        return
    if size > DOWNLOAD_LIMIT:
        raise FetchRefused("too-big-for-telegram", DOWNLOAD_LIMIT)
    if size > max_bytes:
        raise FetchRefused("too-big", max_bytes)


def extension_for(mime: str) -> str:
    if mime in _EXTENSIONS:
        return _EXTENSIONS[mime]
    return mimetypes.guess_extension(mime, strict=False) or ""
