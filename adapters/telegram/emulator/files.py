"""Stored files: uploads kept byte for byte, with file_id, file_unique_id and a download path.

Photos get several ``PhotoSize`` variants as Telegram makes them (boxes of 90, 320, 800 and
1280 px, JPEG). One deliberate difference: the largest size is the uploaded image itself,
unchanged, where Telegram would re-encode it. Tests compare hashes of what went in and what
comes back, and the bot under test never depends on the re-encoding.
"""

from __future__ import annotations

import io
import mimetypes
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import bad_request

if TYPE_CHECKING:  # imported with the first photo: the playground starts ~30 ms sooner
    from PIL import Image

MIB = 1024 * 1024
PHOTO_UPLOAD_LIMIT = 10 * MIB  # TDLib's limit for photos, whatever the upload path
DOWNLOAD_LIMIT = 20 * MIB  # getFile refuses larger files outside --local mode
PHOTO_BOXES = (90, 320, 800, 1280)

# Telegram's file_ids start with a type tag; ours imitate the look, not the encoding.
_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "audio": "CQACAgIAAxkBAAI",
    "video_note": "DQACAgIAAxkBAAI",
}
_FOLDER = {
    "photo": "photos",
    "document": "documents",
    "video": "videos",
    "voice": "voice",
    "audio": "music",
    "video_note": "video_notes",
}
KIND_TITLE = {
    "photo": "Photo",
    "document": "Document",
    "video": "Video",
    "voice": "Voice",
    "audio": "Audio",
    "video_note": "VideoNote",
}


@dataclass(eq=False)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    performer: str | None = None
    title: str | None = None
    file_path: str | None = None
    # For photos: every size of the same picture, smallest first (this one included).
    photo_set: list[StoredFile] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.data)

    def to_api(self) -> dict[str, Any]:
        """The object a Message carries for this file (PhotoSize, Document, Video, ...)."""
        base: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind == "photo":
            return {**base, "width": self.width, "height": self.height, "file_size": self.size}
        if self.kind == "video_note":
            return {**base, "length": self.width, "duration": self.duration, "file_size": self.size}
        if self.kind in ("video",):
            base.update(width=self.width, height=self.height, duration=self.duration)
        if self.kind in ("voice", "audio"):
            base["duration"] = self.duration
        if self.kind == "audio":
            if self.performer:
                base["performer"] = self.performer
            if self.title:
                base["title"] = self.title
        if self.file_name and self.kind != "voice":
            base["file_name"] = self.file_name
        if self.mime_type:
            base["mime_type"] = self.mime_type
        base["file_size"] = self.size
        return base


def guess_mime(file_name: str | None, fallback: str | None) -> str:
    """Telegram derives a document's type from its extension, like this."""
    if file_name:
        guessed = mimetypes.guess_type(file_name, strict=False)[0]
        if guessed:
            return guessed
    return fallback or "application/octet-stream"


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._path_counter = 0

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)

    def add(self, kind: str, data: bytes, **meta: Any) -> StoredFile:
        stored = StoredFile(
            file_id=_ID_PREFIX[kind] + secrets.token_urlsafe(36),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            **meta,
        )
        self.by_id[stored.file_id] = stored
        return stored

    def add_photo(self, data: bytes) -> list[StoredFile]:
        """Store a photo and its smaller sizes; smallest first, like ``Message.photo``."""
        width, height, image = _open_image(data)
        sizes: list[StoredFile] = []
        for box in PHOTO_BOXES:
            if max(width, height) <= box:
                break
            small = image.copy()
            small.thumbnail((box, box))
            buf = io.BytesIO()
            small.convert("RGB").save(buf, "JPEG", quality=80)
            sizes.append(self.add("photo", buf.getvalue(), width=small.width, height=small.height))
        sizes.append(self.add("photo", data, width=width, height=height))
        for size in sizes:
            size.photo_set = sizes
        return sizes

    def path_for(self, stored: StoredFile) -> str:
        """The ``file_path`` getFile hands out; assigned on first request, as Telegram does."""
        if stored.file_path is None:
            self._path_counter += 1
            ext = _extension(stored)
            stored.file_path = f"{_FOLDER[stored.kind]}/file_{self._path_counter}{ext}"
            self.by_path[stored.file_path] = stored
        return stored.file_path


def _extension(stored: StoredFile) -> str:
    if stored.kind == "photo":
        return ".jpg"
    if stored.kind == "voice":
        return ".oga"
    if stored.file_name and "." in stored.file_name:
        return "." + stored.file_name.rsplit(".", 1)[1][:10]
    guessed = mimetypes.guess_extension(stored.mime_type or "", strict=False)
    return guessed or ""


def _open_image(data: bytes) -> tuple[int, int, Image.Image]:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    width, height = image.size
    # Telegram's limits on photo shape: the sides add up to at most 10000, ratio at most 20.
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return width, height, image
