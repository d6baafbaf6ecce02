"""Making a user-supplied file name safe to show and to send back in a Content-Disposition.

The name is only ever a label: storage paths are content addresses. What this guards against is
a name that lies (`invoice\u202efdp.exe` shows as "invoiceexe.pdf"), one that tries to pick
the download's directory (`../../.bashrc`, `C:\\Windows\\x.exe`), or one that breaks the HTTP
header or the chat message it is shown in (NUL, CR/LF, other controls).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_NAME_LENGTH", "safe_display_name"]

MAX_NAME_LENGTH = 200
FALLBACK = "file"

# Longer "extensions" are just a dot in a long name; keeping them would leave no stem.
_MAX_EXTENSION = 16
# Cc: C0/C1 controls and DEL; Cf: invisible format characters, among them the bidi overrides
# and isolates (U+202A-U+202E, U+2066-U+2069), marks and zero-width characters; Zl/Zp: line and
# paragraph separators; Cs: lone surrogates, which cannot even be encoded as UTF-8.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Characters Windows refuses in a file name: a browser would mangle them anyway, and `"` would
# have to be escaped inside a quoted header parameter.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_SPACES = re.compile(r"\s+")


def safe_display_name(name: str) -> str:
    """A safe, non-empty label of at most 200 characters for a user-supplied file name.

    Directories are dropped (only the last path component is kept, `/` and `\\` both count),
    invisible and control characters are removed, and an over-long name is shortened in its
    stem so the extension survives. Names with nothing left fall back to "file".
    """
    text = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    # After the removal: a dropped character may have separated a letter from its accent.
    text = unicodedata.normalize("NFC", text)
    text = _DRIVE.sub("", text)
    text = re.split(r"[/\\]", text)[-1]
    text = _SPACES.sub(" ", text).translate(_WINDOWS_RESERVED)
    # Leading dots make hidden files ("..", ".bashrc"); Windows drops trailing dots and spaces.
    text = text.strip(" ").lstrip(".").rstrip(". ")
    text = _shorten(text)
    if not text:
        return FALLBACK
    stem = text.split(".", 1)[0]
    if stem.upper() in _WINDOWS_DEVICES:
        text = _shorten("_" + text)
    return text


def _shorten(text: str) -> str:
    if len(text) <= MAX_NAME_LENGTH:
        return text
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION:
        stem, extension = text, ""
    keep = MAX_NAME_LENGTH - len(extension) - len(dot if extension else "")
    # Never empty: the caller stripped leading dots and spaces, so stem[0] survives.
    stem = stem[:keep].rstrip(". ")
    return f"{stem}.{extension}" if extension else stem
