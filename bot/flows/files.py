"""Taking a person's files: stream each into the store, explain every refusal, keep the rest.

Flows keep taken files in their conversation state (JSON) until the command that records them
(open a ticket, send a message, add to a ticket) runs; `new_files` turns them into the core's
`NewFile`s then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.flows.engine import FetchRefused, Session
from bot.flows.io import IncomingFile
from core.commands import NewFile
from core.ports import FileTooLarge

StoredData = dict[str, Any]


async def take_file(s: Session, item: IncomingFile, already: int) -> StoredData | None:
    """One file in the store, as state data; None once the person was told why not.

    `already` is how many files the ticket or message has; the count limit applies to it.
    """
    limits = s.deps.limits
    name = item.file_name or item.kind.value
    if already >= limits.max_attachments:
        s.say("report-file-too-many", name=name, max=limits.max_attachments)
        return None
    if s.files is None:
        s.say("report-file-failed", name=name)
        return None
    try:
        fetched = await s.files.fetch(item, limits.max_attachment_bytes)
    except FetchRefused as refused:
        s.say(refused.reason, params={**refused.params, "name": name})
        return None
    except FileTooLarge:
        s.say("report-file-too-big", name=name, mb=limits.max_attachment_mb)
        return None
    if not limits.file_types.accepts(fetched.mime_type, fetched.file_name):
        # The bytes stay in the content-addressed store unreferenced: the same bytes may be
        # an accepted file of someone else's (a .docx is a ZIP), so they are not deleted here
        # but by the file sweep (bot.jobs), once nothing has referred to them for a day.
        s.say("report-file-type-refused", name=name, type=fetched.mime_type)
        return None
    return {
        "key": fetched.stored.key,
        "sha256": fetched.stored.sha256,
        "size": fetched.stored.size,
        "name": fetched.file_name,
        "mime": fetched.mime_type,
    }


def new_files(kept: Iterable[StoredData]) -> tuple[NewFile, ...]:
    return tuple(
        NewFile(
            file_name=str(f["name"]),
            mime_type=str(f["mime"]),
            size=int(f["size"]),
            sha256=str(f["sha256"]),
            storage_key=str(f["key"]),
        )
        for f in kept
    )
