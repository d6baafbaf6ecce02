"""Small helpers shared by the emulator tests."""

from __future__ import annotations

import hashlib
import io
import os

from PIL import Image


def png(width: int = 1000, height: int = 600, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


def jpeg(width: int = 400, height: int = 300) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def blob(size: int, seed: int = 1) -> bytes:
    """Bytes of a given size; big ones repeat a 4 KiB pattern so building them stays cheap."""
    if size <= 4096:
        return os.urandom(size)
    chunk = hashlib.sha256(str(seed).encode()).digest() * 128  # 4 KiB
    return (chunk * (size // len(chunk) + 1))[:size]


def sha256(data: bytes | bytearray) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()
