"""Posting planned messages (render.Outgoing) with python-telegram-bot.

Edits fall back to a new message when Telegram will not edit (the message is gone, too old,
not a text, or carries a reply keyboard); "message is not modified" counts as done. Files are
streamed from the FileStore (through a temporary file, never whole in memory) and uploaded as
what their bytes are: a photo, video, voice note or
audio where Telegram shows those inline, a document otherwise (also when Telegram refuses a
picture as a photo, e.g. for its proportions). Telegram errors other than those propagate for
the caller to classify.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator, Sequence
from typing import Any, BinaryIO

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from adapters.telegram.render import Outgoing
from core.model import Attachment
from core.ports import FileStore

__all__ = ["UPLOAD_LIMIT", "post"]

log = logging.getLogger(__name__)

MIB = 1024 * 1024
UPLOAD_LIMIT = 50 * MIB  # the Bot API's limit on files a bot uploads
PHOTO_LIMIT = 10 * MIB  # larger pictures must go as documents
_PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
_VOICE_TYPES = frozenset({"audio/ogg", "audio/opus"})
_AUDIO_TYPES = frozenset({"audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/m4a"})
_VIDEO_TYPES = frozenset({"video/mp4"})
_EDIT_REFUSED = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
    "message identifier is not specified",
)


async def post(
    bot: Bot,
    chat_id: int,
    messages: Sequence[Outgoing],
    file_store: FileStore,
    reply_to: int | None = None,
) -> list[int]:
    """Post `messages` in order; the ids of the messages that now show them.

    `reply_to` threads the first new message under that one (if it still exists).
    """
    shown: list[int] = []
    if len(messages) > 1 and messages[0].attachment is None:
        # Several messages take a moment: say so, as a person typing would.
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    for outgoing in messages:
        # Only the first message that stays is threaded; a carrier is gone in a moment.
        replying = reply_to if not shown and not outgoing.delete_after else None
        if outgoing.edit_message_id is not None and await _edit(
            bot, chat_id, outgoing, outgoing.edit_message_id
        ):
            shown.append(outgoing.edit_message_id)
            continue
        if outgoing.attachment is not None:
            sent = await _send_file(
                bot, chat_id, outgoing, outgoing.attachment, file_store, replying
            )
        else:
            sent = await bot.send_message(
                chat_id,
                outgoing.text,
                parse_mode=ParseMode.HTML,
                reply_markup=outgoing.markup,
                reply_parameters=_reply(replying),
            )
        if outgoing.delete_after:
            await _delete_quietly(bot, chat_id, sent.message_id)
            continue
        shown.append(sent.message_id)
    return shown


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    # If the customer deleted the anchor, the message still goes out, just unthreaded.
    return ReplyParameters(message_id, allow_sending_without_reply=True)


async def _edit(bot: Bot, chat_id: int, outgoing: Outgoing, message_id: int) -> bool:
    """Whether the message now shows `outgoing`; False when Telegram will not edit it."""
    markup = outgoing.markup if isinstance(outgoing.markup, InlineKeyboardMarkup) else None
    try:
        await bot.edit_message_text(
            outgoing.text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    except BadRequest as exc:
        text = exc.message.lower()
        if "message is not modified" in text:
            return True
        if any(reason in text for reason in _EDIT_REFUSED):
            return False
        raise
    return True


async def _delete_quietly(bot: Bot, chat_id: int, message_id: int) -> None:
    try:
        await bot.delete_message(chat_id, message_id)
    except TelegramError as exc:  # the carrier has done its job already; a leftover is harmless
        log.info("could not delete keyboard carrier %s: %s", message_id, exc)


async def _send_file(
    bot: Bot,
    chat_id: int,
    outgoing: Outgoing,
    attachment: Attachment,
    file_store: FileStore,
    reply_to: int | None,
) -> Message:
    async with _spooled(file_store, attachment) as spool:
        return await _send_spooled(bot, chat_id, outgoing, attachment, spool, reply_to)


async def _send_spooled(
    bot: Bot,
    chat_id: int,
    outgoing: Outgoing,
    attachment: Attachment,
    spool: BinaryIO,
    reply_to: int | None,
) -> Message:
    kind = media_kind(attachment)
    common: dict[str, Any] = {
        "chat_id": chat_id,
        "caption": outgoing.text or None,
        "parse_mode": ParseMode.HTML,
        "reply_markup": outgoing.markup,
        "reply_parameters": _reply(reply_to),
    }
    if kind == "photo":
        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        try:
            return await bot.send_photo(photo=_upload(spool, attachment), **common)
        except BadRequest as exc:
            if not any(word in exc.message.lower() for word in ("photo", "image")):
                raise
            log.info("photo refused (%s), sending it as a document", exc.message)
            kind = "document"
    if kind == "video":
        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_VIDEO)
        return await bot.send_video(video=_upload(spool, attachment), **common)
    if kind == "voice":
        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_VOICE)
        return await bot.send_voice(voice=_upload(spool, attachment), **common)
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    if kind == "audio":
        return await bot.send_audio(audio=_upload(spool, attachment), **common)
    return await bot.send_document(document=_upload(spool, attachment), **common)


def media_kind(attachment: Attachment) -> str:
    """How Telegram should show a file: photo, video, voice, audio or document."""
    mime = attachment.mime_type.lower()
    if mime in _PHOTO_TYPES and attachment.size <= PHOTO_LIMIT:
        return "photo"
    if mime in _VIDEO_TYPES:
        return "video"
    if mime in _VOICE_TYPES:
        return "voice"
    if mime in _AUDIO_TYPES:
        return "audio"
    return "document"


@contextlib.asynccontextmanager
async def _spooled(file_store: FileStore, attachment: Attachment) -> AsyncIterator[BinaryIO]:
    """The stored file copied, chunk by chunk, into a temporary file on disk.

    python-telegram-bot takes bytes or a file handle; given a handle with
    `read_file_handle=False` it leaves the reading to httpx, which streams the multipart body
    in 64 KiB pieces. A FileStore only promises async chunks, which httpx cannot read from a
    multipart field, so the chunks go to a temporary file first: a disk copy instead of the
    whole file in memory (a 20 MB upload no longer costs 20 MB of RAM, or 40 with the copy).
    """
    with tempfile.TemporaryFile(prefix="supportbot-upload-") as spool:
        size = 0
        async for chunk in file_store.open(attachment.storage_key):
            size += len(chunk)
            if size > UPLOAD_LIMIT:
                raise ValueError(f"attachment {attachment.id} is larger than Telegram accepts")
            spool.write(chunk)
        yield spool


def _upload(spool: BinaryIO, attachment: Attachment) -> InputFile:
    spool.seek(0)  # a second attempt (photo refused, sent as a document) reads it again
    return InputFile(spool, filename=attachment.file_name, read_file_handle=False)
