"""Files on tickets: limits on count and size, who uploaded, who may download (seed 004)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from core import events as ev
from core import policy
from core.commands import AddAttachment, GetAttachment, NewFile
from core.context import Context
from core.errors import LimitExceeded, NotFound, PermissionDenied
from core.model import Attachment, Ticket
from core.policy import AgentWho, CustomerWho
from core.ports import UnitOfWork
from core.services._shared import publish, require_open_for_customer, visible_ticket

_MAX_NAME = 200


def clean_file_name(name: str) -> str:
    """A name fit for display: no directories, no control characters, not too long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-_MAX_NAME:] or "file"


async def record_files(
    uow: UnitOfWork,
    ctx: Context,
    who: CustomerWho | AgentWho,
    ticket: Ticket,
    files: Sequence[NewFile],
    entry_id: uuid.UUID | None = None,
) -> list[Attachment]:
    """Check the limits, then record the files; nothing is recorded if one is refused.

    The count cap is the customer's (seed 004: "at most 3 files"); an agent sending a file to
    the customer is never stopped by what the customer uploaded. The size cap holds for all.
    """
    limit = ctx.config.max_attachment_bytes
    for file in files:
        if file.size > limit:
            raise LimitExceeded("attachment-too-large", limit=limit, file_name=file.file_name)
    if isinstance(who, CustomerWho) and files:
        cap = ctx.config.max_attachments_per_ticket
        if await uow.attachments.count_for_ticket(ticket.id) + len(files) > cap:
            raise LimitExceeded("attachment-limit", limit=cap)
    now = ctx.clock.now()
    recorded = [
        Attachment(
            ticket_id=ticket.id,
            file_name=clean_file_name(file.file_name),
            mime_type=file.mime_type,
            size=file.size,
            sha256=file.sha256,
            storage_key=file.storage_key,
            created_at=now,
            entry_id=entry_id,
            uploader_user_id=who.user.id if isinstance(who, CustomerWho) else None,
            uploader_agent_id=who.agent.id if isinstance(who, AgentWho) else None,
        )
        for file in files
    ]
    for attachment in recorded:
        await uow.attachments.add(attachment)
    return recorded


async def add_attachment(cmd: AddAttachment, uow: UnitOfWork, ctx: Context) -> Attachment:
    """One more file on a ticket (a file sent on its own, e.g. the rest of an album)."""
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        if not isinstance(who, CustomerWho | AgentWho):  # pragma: no cover - typed out
            raise PermissionDenied()
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        if isinstance(who, CustomerWho):
            require_open_for_customer(ticket, ctx)
        if cmd.entry_id is not None:
            entry = await uow.entries.get(cmd.entry_id)
            if entry is None or entry.ticket_id != ticket.id:
                raise NotFound("entry-not-found")
        [attachment] = await record_files(uow, ctx, who, ticket, [cmd.file], cmd.entry_id)
        ticket.updated_at = ctx.clock.now()
        await uow.tickets.update(ticket)
        event = ev.AttachmentAdded(
            ticket_id=ticket.id,
            number=ticket.number,
            attachment_id=attachment.id,
            file_name=attachment.file_name,
            by_kind=policy.author_kind(who),
            entry_id=cmd.entry_id,
        )
        await publish(uow, ctx, ticket, [event])
        await uow.commit()
    return attachment


async def get_attachment(cmd: GetAttachment, uow: UnitOfWork, ctx: Context) -> Attachment:
    """The attachment's record, if the actor may download it (the caller streams the file)."""
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        attachment = await uow.attachments.get(cmd.attachment_id)
        ticket = None if attachment is None else await uow.tickets.get(attachment.ticket_id)
        if attachment is None or ticket is None or not policy.can_view_ticket(who, ticket):
            raise NotFound("attachment-not-found")
        policy.require(policy.can_download(who, attachment, ticket))
    return attachment
