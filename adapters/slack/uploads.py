"""Putting stored files into a Slack thread with Slack's current upload flow.

files.getUploadURLExternal hands out a URL and a file id per file; the bytes are POSTed there
(raw body, streamed from the FileStore with the length declared up front, so a 25 MB file is
never held in memory); one files.completeUploadExternal then shares them all as a single message
in the thread. files.upload (the old one-call method) is retired by Slack, so it is not used.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from core.delivery import PermanentFailure, RetryLater
from core.model import Attachment
from core.ports import FileStore

__all__ = ["UploadRefused", "share_bytes", "share_files"]

log = logging.getLogger(__name__)


class UploadRefused(Exception):
    """A stored file that cannot be uploaded (gone from storage, empty)."""

    def __init__(self, attachment: Attachment, reason: str) -> None:
        super().__init__(f"{attachment.id}: {reason}")
        self.attachment = attachment
        self.reason = reason


async def share_files(
    client: AsyncWebClient,
    store: FileStore,
    channel_id: str,
    thread_ts: str | None,
    attachments: Sequence[Attachment],
) -> list[UploadRefused]:
    """Upload `attachments` into the thread (None: the conversation itself) as one message.
    Returns the files left out (for the caller to mention); Slack's refusals raise as
    SlackApiError, the upload URL's as core.delivery errors."""
    refused: list[UploadRefused] = []
    shared: list[dict[str, str | None]] = []
    session = client.session
    own = session is None
    if session is None:
        session = aiohttp.ClientSession()
    try:
        for attachment in attachments:
            problem = await _problem(store, attachment)
            if problem is not None:
                log.warning("attachment %s not uploaded: %s", attachment.id, problem)
                refused.append(UploadRefused(attachment, problem))
                continue
            ticket = await client.files_getUploadURLExternal(
                filename=attachment.file_name, length=attachment.size
            )
            await _post_bytes(client, session, str(ticket["upload_url"]), store, attachment)
            shared.append({"id": str(ticket["file_id"]), "title": attachment.file_name})
    finally:
        if own:
            await session.close()
    if shared:
        await client.files_completeUploadExternal(
            files=shared, channel_id=channel_id, thread_ts=thread_ts
        )
    return refused


async def share_bytes(
    client: AsyncWebClient,
    channel_id: str,
    filename: str,
    content: bytes,
    *,
    title: str,
    comment: str | None = None,
) -> str:
    """Upload bytes made in memory (a chart) into a channel as one message with `comment`;
    returns the file id. Same flow as `share_files`: Slack's refusals raise SlackApiError,
    the upload URL's core.delivery errors."""
    ticket = await client.files_getUploadURLExternal(filename=filename, length=len(content))
    url, file_id = str(ticket["upload_url"]), str(ticket["file_id"])
    session = client.session
    own = session is None
    if session is None:
        session = aiohttp.ClientSession()
    try:
        headers = {"Content-Type": "application/octet-stream"}
        extra: dict[str, Any] = {"timeout": _timeout(client.timeout)}
        async with session.post(url, data=content, headers=headers, **extra) as response:
            if response.status != 200:
                reason = f"upload URL answered HTTP {response.status} for {filename}"
                if response.status == 429:
                    raise RetryLater(reason, retry_after=_retry_after(response.headers))
                raise RetryLater(reason)
    finally:
        if own:
            await session.close()
    files: list[dict[str, str | None]] = [{"id": file_id, "title": title}]
    if comment:
        await client.files_completeUploadExternal(
            files=files, channel_id=channel_id, initial_comment=comment
        )
    else:
        await client.files_completeUploadExternal(files=files, channel_id=channel_id)
    return file_id


async def _problem(store: FileStore, attachment: Attachment) -> str | None:
    if attachment.size <= 0:
        return "the file is empty"  # Slack refuses a zero length
    if not await store.exists(attachment.storage_key):
        return "the stored file is missing"
    return None


async def _post_bytes(
    client: AsyncWebClient,
    session: aiohttp.ClientSession,
    url: str,
    store: FileStore,
    attachment: Attachment,
) -> None:
    chunks = store.open(attachment.storage_key)
    extra: dict[str, Any] = {"timeout": _timeout(client.timeout)}
    if client.ssl is not None:
        extra["ssl"] = client.ssl
    if client.proxy:
        extra["proxy"] = client.proxy
    headers = {
        # Declared, so aiohttp streams the chunks as a plain body instead of chunked encoding.
        "Content-Length": str(attachment.size),
        "Content-Type": "application/octet-stream",
    }
    try:
        async with session.post(url, data=chunks, headers=headers, **extra) as response:
            if response.status == 200:
                return
            reason = f"upload URL answered HTTP {response.status} for {attachment.id}"
            if response.status == 429:
                raise RetryLater(reason, retry_after=_retry_after(response.headers))
            if response.status == 413:
                raise PermanentFailure(reason)
            # Anything else (an expired URL, an edge failure): a retry asks for a new URL.
            raise RetryLater(reason)
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()


def _timeout(seconds: int) -> aiohttp.ClientTimeout:
    # No total: a large file on a slow link may take minutes; a stalled one still times out.
    return aiohttp.ClientTimeout(total=None, sock_connect=seconds, sock_read=seconds)


def _retry_after(headers: Any) -> float | None:
    try:
        return float(headers.get("Retry-After", ""))
    except (TypeError, ValueError):
        return None
