"""Which kinds of file customers may send: an allow list and a deny list the operator sets.

A file is judged by the type sniffed from its bytes AND by its name's extension, because the
two fail differently: a script is plain text to a sniffer but runs when double-clicked as
`fix.bat`, while a renamed program (`invoice.pdf` holding an .exe) is caught by its bytes.

Entries (comma-separated in FILE_TYPES_ALLOWED / FILE_TYPES_DENIED):
- a group: `executable` (programs, installers, scripts, shortcuts: what runs when opened),
  `archive` (zip, 7z, rar, tar, gzip...), `image`, `video`, `audio`;
- a MIME type, exact (`application/pdf`) or by its top level (`image/*`);
- an extension (`.iso`).

Denied beats allowed; an empty allow list allows whatever is not denied. The default denies
`executable` only. Archives are allowed by default: customers send zipped logs and database
backups every day, the bot never unpacks them, and opening an archive runs nothing (what is
inside is the agent's antivirus' business, as with e-mail). Operators who want them out add
`archive` to the deny list. Office documents (.docx is a ZIP inside) are not archives here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GROUPS", "FileTypePolicy", "FileTypeSettingError"]

EXECUTABLE_TYPES = frozenset(
    {
        "application/vnd.microsoft.portable-executable",
        "application/x-dosexec",
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-executable",
        "application/x-elf",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "application/x-iso9660-appimage",
        "application/java-archive",
        "application/java-vm",
        "application/x-java-applet",
        "application/x-msi",
        "application/x-ms-shortcut",
        "application/vnd.android.package-archive",
        "application/x-sh",
        "application/x-shellscript",
        "text/x-shellscript",
        "application/x-bat",
        "application/hta",
        "application/x-apple-diskimage",
    }
)
EXECUTABLE_EXTENSIONS = frozenset(
    [
        ".app",
        ".apk",
        ".appimage",
        ".bat",
        ".cmd",
        ".com",
        ".command",
        ".cpl",
        ".dll",
        ".dmg",
        ".exe",
        ".gadget",
        ".hta",
        ".inf",
        ".ins",
        ".jar",
        ".js",
        ".jse",
        ".lnk",
        ".msc",
        ".msi",
        ".msp",
        ".mst",
        ".pif",
        ".ps1",
        ".ps2",
        ".psc1",
        ".psm1",
        ".reg",
        ".run",
        ".scf",
        ".scr",
        ".sh",
        ".sys",
        ".url",
        ".vb",
        ".vbe",
        ".vbs",
        ".ws",
        ".wsc",
        ".wsf",
        ".wsh",
        ".xbap",
        ".deb",
        ".rpm",
        ".pkg",
    ]
)
ARCHIVE_TYPES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/x-tar",
        "application/gzip",
        "application/x-gzip",
        "application/x-bzip2",
        "application/x-xz",
        "application/zstd",
        "application/x-lzip",
        "application/x-cab",
        "application/vnd.ms-cab-compressed",
    }
)
ARCHIVE_EXTENSIONS = frozenset(
    [
        ".zip",
        ".7z",
        ".rar",
        ".tar",
        ".gz",
        ".tgz",
        ".bz2",
        ".tbz2",
        ".xz",
        ".txz",
        ".zst",
        ".lz",
        ".cab",
        ".arj",
        ".lzh",
    ]
)
GROUPS = frozenset({"executable", "archive", "image", "video", "audio"})


class FileTypeSettingError(ValueError):
    """An entry that is neither a group, a MIME type nor an extension."""


@dataclass(frozen=True)
class FileTypePolicy:
    allowed: frozenset[str] = frozenset()  # empty: everything not denied
    denied: frozenset[str] = frozenset({"executable"})

    @classmethod
    def parse(cls, allowed: str, denied: str) -> FileTypePolicy:
        return cls(_entries(allowed), _entries(denied))

    def accepts(self, mime_type: str, file_name: str) -> bool:
        if any(_matches(entry, mime_type, file_name) for entry in self.denied):
            return False
        return not self.allowed or any(
            _matches(entry, mime_type, file_name) for entry in self.allowed
        )


def _entries(text: str) -> frozenset[str]:
    entries = frozenset(e.strip().lower() for e in text.split(",") if e.strip())
    for entry in entries:
        if not (entry in GROUPS or _is_mime(entry) or _is_extension(entry)):
            raise FileTypeSettingError(
                f"{entry!r} is not a group ({', '.join(sorted(GROUPS))}), a MIME type "
                "(image/png, image/*) or an extension (.iso)"
            )
    return entries


def _is_mime(entry: str) -> bool:
    top, slash, sub = entry.partition("/")
    return bool(slash and top and sub and " " not in entry)


def _is_extension(entry: str) -> bool:
    return entry.startswith(".") and len(entry) > 1 and entry[1:].replace("-", "").isalnum()


def _extension(file_name: str) -> str:
    name = file_name.lower().rstrip(". ")
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _matches(entry: str, mime_type: str, file_name: str) -> bool:
    mime, extension = mime_type.lower(), _extension(file_name)
    if entry == "executable":
        return mime in EXECUTABLE_TYPES or extension in EXECUTABLE_EXTENSIONS
    if entry == "archive":
        return mime in ARCHIVE_TYPES or extension in ARCHIVE_EXTENSIONS
    if entry in GROUPS:
        return mime.startswith(entry + "/")
    if entry.startswith("."):
        return extension == entry
    if entry.endswith("/*"):
        return mime.startswith(entry[:-1])
    return mime == entry
