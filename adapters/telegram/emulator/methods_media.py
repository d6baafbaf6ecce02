"""Media: sendPhoto, sendDocument, sendVideo, sendVoice, sendAudio, sendVideoNote,
sendMediaGroup and getFile.

A file parameter is an upload (its own multipart part or ``attach://name``), a ``file_id`` of a
stored file (reused, as Telegram does) or an HTTP URL. The emulator has no network, so URLs
fail the way an unreachable URL fails on Telegram.
"""

from __future__ import annotations

import secrets
from typing import Any

from .errors import bad_request
from .files import DOWNLOAD_LIMIT, KIND_TITLE, PHOTO_UPLOAD_LIMIT, StoredFile, guess_mime
from .outgoing import (
    apply_markup,
    caption_from_item,
    new_bot_message,
    read_caption,
    target_chat,
)
from .params import Params, Upload
from .state import Message, World

MAX_ALBUM = 10
_DEFAULT_MIME = {
    "video": "video/mp4",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video_note": "video/mp4",
}


def resolve_file(world: World, p: Params, field: str, kind: str) -> StoredFile:
    """The stored file ``field`` refers to; for photos, the largest size of its set."""
    upload = p.upload(field)
    if upload is not None:
        return store_upload(world, upload, kind, p)
    value = p.get_str(field)
    if not value:
        raise bad_request(f"there is no {field} in the request")
    return reuse_file(world, value, kind)


def reuse_file(world: World, value: str, kind: str) -> StoredFile:
    if value.startswith("attach://"):
        raise bad_request("can't parse InputMedia: media not found")
    if "://" in value or "." in value:
        raise bad_request("failed to get HTTP URL content")
    stored = world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {KIND_TITLE[stored.kind]} as {KIND_TITLE[kind]}")
    return stored.photo_set[-1] if stored.photo_set else stored


def store_upload(world: World, upload: Upload, kind: str, p: Params) -> StoredFile:
    size = len(upload.data)
    if size == 0:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        if size > PHOTO_UPLOAD_LIMIT:
            raise bad_request(
                f"file of size {size} bytes is too big for a photo; the maximum size is "
                f"{PHOTO_UPLOAD_LIMIT} bytes"
            )
        return world.files.add_photo(upload.data)[-1]
    file_name = upload.filename if kind in ("document", "video", "audio") else None
    if kind == "document":
        mime = guess_mime(file_name, upload.content_type)
    else:
        mime = _DEFAULT_MIME[kind]
        if upload.content_type and upload.content_type != "application/octet-stream":
            mime = upload.content_type
    # Telegram reads duration and size from the media; without a decoder, take the parameters.
    return world.files.add(
        kind,
        upload.data,
        mime_type=mime,
        file_name=file_name,
        width=p.get_int("width") or p.get_int("length") or 0,
        height=p.get_int("height") or p.get_int("length") or 0,
        duration=p.get_int("duration") or 0,
        performer=p.get_str("performer"),
        title=p.get_str("title"),
    )


def attach_media(message: Message, stored: StoredFile) -> None:
    if stored.kind == "photo":
        message["photo"] = [size.to_api() for size in (stored.photo_set or [stored])]
    else:
        message[stored.kind] = stored.to_api()


def _send_media(kind: str) -> Any:
    async def handler(world: World, p: Params) -> Any:
        chat = target_chat(world, p)
        caption, entities = read_caption(world, p) if kind != "video_note" else (None, [])
        stored = resolve_file(world, p, kind, kind)
        message = new_bot_message(world, chat, p)
        attach_media(message, stored)
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        apply_markup(chat, message, p)
        return world.store(chat, message)

    handler.__name__ = f"send_{kind}"
    return handler


send_photo = _send_media("photo")
send_document = _send_media("document")
send_video = _send_media("video")
send_voice = _send_media("voice")
send_audio = _send_media("audio")
send_video_note = _send_media("video_note")


async def send_media_group(world: World, p: Params) -> Any:
    chat = target_chat(world, p)
    items = p.get_json("media", "media")
    if items is None and "media" not in p:
        raise bad_request('parameter "media" is required')
    if not items:
        raise bad_request("there are no messages to send")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_request("can't parse media JSON object")
    if len(items) > MAX_ALBUM:
        raise bad_request("too many messages to send as an album")
    kinds = [item.get("type") for item in items]
    for kind in kinds:
        if kind not in ("photo", "video", "document", "audio"):
            raise bad_request(
                f"can't parse InputMedia: type \"{kind}\" can't be used in sendMediaGroup"
            )
    for special in ("document", "audio"):
        if special in kinds and any(k != special for k in kinds):
            raise bad_request(f"{special} can't be mixed with other media types")
    # Read every file and caption before storing anything: a refused album sends nothing.
    prepared: list[tuple[StoredFile, str | None, list[dict[str, Any]]]] = []
    for item in items:
        kind = str(item["type"])
        media = item.get("media")
        if not isinstance(media, str) or not media:
            raise bad_request("can't parse InputMedia: media not found")
        if media.startswith("attach://"):
            upload = p.files.get(media[len("attach://") :])
            if upload is None:
                raise bad_request("can't parse InputMedia: media not found")
            stored = store_upload(world, upload, kind, Params(item))
        else:
            stored = reuse_file(world, media, kind)
        caption, entities = caption_from_item(world, item)
        prepared.append((stored, caption, entities))
    # A single item is sent as an ordinary message, outside any album, as TDLib does.
    group_id = str(secrets.randbits(63)) if len(prepared) > 1 else None
    sent: list[Message] = []
    for stored, caption, entities in prepared:
        message = new_bot_message(world, chat, p)
        if group_id:
            message["media_group_id"] = group_id
        attach_media(message, stored)
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        sent.append(world.store(chat, message))
    return sent


async def get_file(world: World, p: Params) -> Any:
    file_id = p.get_str("file_id") or ""
    stored = world.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": world.files.path_for(stored),
    }
