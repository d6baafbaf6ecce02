"""Fetching a file an agent shared in a ticket's thread: Slack → the FileStore, streamed.

Slack hands out `url_private_download` to whoever shows the bot token as a bearer header.
Without it (or with a wrong one) Slack does not say 401: it redirects to its sign-in page,
which answers 200 with HTML. So redirects are never followed: a redirect means "not for you".

As for customers' files (adapters/telegram/files.py), nothing declared is trusted: the declared
size only refuses early, the store counts what really arrives, and the type is read from the
first bytes. The name is a label only, made safe to show.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import aiohttp

from adapters.common.sniff import SNIFF_BYTES, sniff_mime
from adapters.slack.translate import SlackFile
from core.commands import NewFile
from core.filenames import safe_display_name
from core.ports import FileStore, FileTooLarge

__all__ = ["DownloadFailed", "DownloadRefused", "DownloadTooLarge", "SlackFileFetcher"]

_CHUNK = 64 * 1024
_PASSING = frozenset({408, 425, 429, 500, 502, 503, 504})


class DownloadRefused(Exception):
    """This file will not be fetched, now or later; the text says why, for the agent."""


class DownloadTooLarge(DownloadRefused):
    """Refused for its size (declared, or counted while it arrived)."""


class DownloadFailed(Exception):
    """Slack could not hand the file out just now: worth trying again later."""


class SlackFileFetcher:
    def __init__(self, session: aiohttp.ClientSession, token: str, file_store: FileStore) -> None:
        self._session = session
        self._token = token
        self._store = file_store

    async def fetch(self, file: SlackFile, max_bytes: int) -> NewFile:
        if file.size is not None and file.size > max_bytes:
            raise DownloadTooLarge(_too_big(max_bytes))
        head = bytearray()
        try:
            async with self._session.get(
                file.url,
                headers={"Authorization": f"Bearer {self._token}"},
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=300, sock_read=60),
            ) as response:
                if response.status in _PASSING:
                    raise DownloadFailed(f"HTTP {response.status}")
                if response.status != 200:
                    # 302 to the sign-in page: the token lacks files:read, or the file is gone.
                    raise DownloadRefused("Slack did not hand the file out to the bot")
                async with aclosing(_chunks(response, head)) as chunks:
                    stored = await self._store.put(chunks, max_size=max_bytes)
        except FileTooLarge as exc:
            raise DownloadTooLarge(_too_big(max_bytes)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Not chained and no URL in the text: logs stay free of anything private.
            raise DownloadFailed(type(exc).__name__) from None
        return NewFile(
            file_name=safe_display_name(file.name),
            mime_type=sniff_mime(bytes(head), file.name),
            size=stored.size,
            sha256=stored.sha256,
            storage_key=stored.key,
        )


async def _chunks(response: aiohttp.ClientResponse, head: bytearray) -> AsyncGenerator[bytes, None]:
    async for chunk in response.content.iter_chunked(_CHUNK):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        yield chunk


def _too_big(limit: int) -> str:
    return f"it is larger than {limit // 2**20} MB"
