"""What a file is, read from its first bytes: shared by every adapter that takes files in.

Nothing a sender declares is trusted (a name is whatever the person typed, a declared MIME
type whatever their client guessed), and agents open these files on their own machines, so
the type comes from the bytes; the name only breaks ties between types the bytes allow.
"""

from __future__ import annotations

import codecs

import puremagic

__all__ = ["SNIFF_BYTES", "sniff_mime"]

SNIFF_BYTES = 64 * 1024  # more than any magic number puremagic looks for at the start


def sniff_mime(head: bytes, file_name: str | None = None) -> str:
    """The type the bytes say; `file_name` only breaks ties between types they allow.

    (A .docx, .xlsx and .pptx all start as the same ZIP; the name picks among them, but a
    PDF named "photo.jpg" is still a PDF.)
    """
    if not head:
        return "application/octet-stream"
    for magic, mime in _PROGRAMS:
        if head.startswith(magic):
            return mime
    try:
        matches = puremagic.magic_string(head, filename=file_name)
    except puremagic.PureError:
        matches = []
    # Only matches on bytes: puremagic falls back to the name alone when nothing matched.
    for match in matches:
        if match.byte_match and match.mime_type:
            return _refine(match.mime_type, head)
    return "text/plain" if _looks_like_text(head) else "application/octet-stream"


# Programs puremagic names oddly or not at all (an ELF binary as an "AppImage", Mach-O as
# nothing); core.filetypes counts these as executables.
_PROGRAMS = (
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"#!", "text/x-shellscript"),
)


def _refine(mime: str, head: bytes) -> str:
    if mime == "application/ogg":
        # Voice notes are Ogg Opus; say audio so they are played, not offered as a download.
        if b"OpusHead" in head or b"\x01vorbis" in head:
            return "audio/ogg"
        if b"\x80theora" in head:
            return "video/ogg"
    return mime


def _looks_like_text(head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)  # the cut may fall inside a character
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\t\n\r\f" for c in text)
