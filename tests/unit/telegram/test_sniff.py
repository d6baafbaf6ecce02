"""A file's type comes from its bytes; the name only breaks ties the bytes leave open."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from adapters.common.sniff import sniff_mime
from adapters.telegram.files import extension_for

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (PDF, "holiday.jpg", "application/pdf"),
        (png(), "report.pdf", "image/png"),
        (png(), None, "image/png"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead\x01", None, "audio/ogg"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "x.bin", "video/mp4"),
        ("Dzień dobry, zażółć gęślą jaźń\r\n".encode(), "log.exe", "text/plain"),
        ("zażółć".encode()[:-1], None, "text/plain"),  # cut inside the last character
        (b"\x9a\x17\xfe\x00" * 16, "notes.txt", "application/octet-stream"),
        (b"", "empty.pdf", "application/octet-stream"),
    ],
)
def test_type_from_bytes(head: bytes, name: str | None, expected: str) -> None:
    assert sniff_mime(head, name) == expected


def test_the_name_picks_among_office_formats_the_bytes_allow() -> None:
    data = office("xl")
    assert sniff_mime(data, "budget.xlsx").endswith("spreadsheetml.sheet")
    assert sniff_mime(data, "letter.docx").endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("mime", "extension"),
    [("image/jpeg", ".jpg"), ("audio/ogg", ".ogg"), ("application/pdf", ".pdf"), ("x/y", "")],
)
def test_extensions(mime: str, extension: str) -> None:
    assert extension_for(mime) == extension
