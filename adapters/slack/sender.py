"""Delivering the desk's outbox messages to the support channel (core.ports.Sender).

Every ticket is one parent message (the card, adapters.slack.blocks) and its thread. For each
message: read the ticket fresh (adapters.slack.snapshot), post the parent if the ticket has
none in this channel yet (recorded as its anchor MessageRef at once) or update it in place,
then add the event's line to the thread. A customer message is recorded as a MessageRef of its
entry, so the customer's later edit finds it.

Delivery is at least once, so a retry must not repeat what already reached Slack:
- the parent is found through its anchor before anything is posted: never two parents;
- a customer message whose entry already shows here is not posted again;
- the steps of one outbox message that succeeded (parent, lines, files) are remembered in this
  process, so a retry after a 429 halfway resumes where it stopped;
- an opening (the description) redelivered after a crash is skipped when the thread has
  replies already.
Only a crash in the middle of a multi-step message can still repeat a line or a file.

Slack's refusals become core.delivery verdicts: rate limits, 5xx, network faults and timeouts
wait and retry; a wrong token or channel also waits (an operator must fix the setup, and the
messages must not be lost meanwhile); a malformed message fails for good.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks as lines
from adapters.slack.escape import split_mrkdwn
from adapters.slack.snapshot import Snapshot, load_snapshot, refs_in_channel
from adapters.slack.uploads import share_files
from core import events as ev
from core.delivery import DeliveryError, PermanentFailure, RetryLater
from core.model import (
    Attachment,
    Audience,
    MessageRef,
    OutboxMessage,
    Platform,
    TicketStatus,
    TicketType,
)
from core.ports import FileStore, UnitOfWorkFactory

__all__ = ["LINE_LIMIT", "SlackDeskSender", "verdict"]

log = logging.getLogger(__name__)

SLACK = Platform.SLACK
# Slack truncates text past 40,000 characters and advises 4,000 for readable messages.
LINE_LIMIT = 4000

# Events whose line is the ticket's description: they open the thread.
_OPENINGS = (ev.TicketOpened, ev.ExtraMessageReceived)
# Events agents caused or never see: the card follows, the thread does not, and they never
# start a parent (a ticket agents have not heard of stays out of the channel).
_CARD_ONLY = (
    ev.AgentReplied,
    ev.AgentReplyEdited,
    ev.NoteAdded,
    ev.AuthorizationRequested,
    ev.TicketRejected,
)
_NOT_FOR_THE_DESK = frozenset({TicketStatus.TO_AUTHORIZE, TicketStatus.REJECTED})
# Slack errors only an operator can fix (token, channel, membership): messages wait meanwhile.
_SETUP_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "invalid_channel",
        "posting_to_channel_denied",
        "team_access_not_granted",
    }
)
_PASSING_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_PARENT_GONE = frozenset({"message_not_found", "cant_update_message"})


class _Progress:
    """Steps already done per outbox message, so that a retry in this process resumes."""

    def __init__(self, limit: int = 4096) -> None:
        self._done: OrderedDict[uuid.UUID, set[str]] = OrderedDict()
        self._limit = limit

    def done(self, message_id: uuid.UUID, step: str) -> bool:
        return step in self._done.get(message_id, ())

    def mark(self, message_id: uuid.UUID, step: str) -> None:
        self._done.setdefault(message_id, set()).add(step)
        self._done.move_to_end(message_id)
        while len(self._done) > self._limit:  # messages given up on must not pile up
            self._done.popitem(last=False)

    def forget(self, message_id: uuid.UUID) -> None:
        self._done.pop(message_id, None)


@dataclass(frozen=True)
class _Desk:
    client: AsyncWebClient
    uow_factory: UnitOfWorkFactory
    files: FileStore
    channel: str
    line_limit: int
    progress: _Progress = field(default_factory=_Progress)


class SlackDeskSender:
    """core.ports.Sender for (Audience.AGENTS, Platform.SLACK): the support channel."""

    def __init__(
        self,
        client: AsyncWebClient,
        uow_factory: UnitOfWorkFactory,
        file_store: FileStore,
        channel_id: str,
        *,
        line_limit: int = LINE_LIMIT,
    ) -> None:
        self._desk = _Desk(client, uow_factory, file_store, channel_id, line_limit)

    def batchable(self, message: OutboxMessage) -> bool:
        """Customer messages without files, queued for one thread, can share one post
        (core.delivery coalescing): a burst then costs one post of the channel's budget."""
        return message.event_type == ev.CustomerMessageAdded.event_type and not (
            message.payload.get("attachment_ids")
        )

    async def send_batch(self, messages: Sequence[OutboxMessage]) -> None:
        """One thread post with each message under its author's name, in order. The post is
        not a message ref of any entry: an edit of one of them follows as a new line."""
        batch = []
        for message in messages:
            try:
                event = ev.event_from_payload(message.event_type, message.payload)
            except (ValueError, TypeError, KeyError) as exc:
                raise PermanentFailure(f"unreadable {message.event_type}: {exc}") from exc
            if not self.batchable(message) or not isinstance(event, ev.CustomerMessageAdded):
                raise PermanentFailure(f"cannot share a post: {message.event_type}")
            batch.append(event)
        await self.send(messages[0], batch)

    async def send(
        self, message: OutboxMessage, batch: Sequence[ev.CustomerMessageAdded] = ()
    ) -> None:
        if (
            message.audience is not Audience.AGENTS
            or message.platform is not SLACK
            or message.ticket_id is None
        ):
            raise PermanentFailure(f"not for the support desk: {message.audience}")
        if not self._desk.channel:
            # Configuration, not the message: it waits for the operator instead of being lost.
            raise RetryLater("SLACK_SUPPORT_CHANNEL is not set: the desk's messages wait for it")
        try:
            event = ev.event_from_payload(message.event_type, message.payload)
        except (ValueError, TypeError, KeyError) as exc:
            raise PermanentFailure(f"unreadable {message.event_type}: {exc}") from exc
        try:
            await _Delivery(self._desk, message, message.ticket_id, event, batch).run()
        except SlackApiError as exc:
            raise verdict(exc, self._desk.channel) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(f"Slack unreachable: {type(exc).__name__}: {exc}") from exc
        self._desk.progress.forget(message.id)


class _Delivery:
    """One attempt at one outbox message."""

    def __init__(
        self,
        desk: _Desk,
        message: OutboxMessage,
        ticket_id: uuid.UUID,
        event: ev.Event,
        batch: Sequence[ev.CustomerMessageAdded] = (),
    ) -> None:
        self.batch = batch
        self.desk = desk
        self.client = desk.client
        self.channel = desk.channel
        self.message = message
        self.ticket_id = ticket_id
        self.event = event

    async def run(self) -> None:
        if await self._plain_line():
            return
        snap = await load_snapshot(
            self.desk.uow_factory,
            self.ticket_id,
            self.channel,
            self.event,
            self.message.created_at,
            history=self._done("parent-created") or isinstance(self.event, _OPENINGS),
        )
        if snap is None:
            raise PermanentFailure(f"ticket {self.ticket_id} not found")
        text, blocks = lines.ticket_parent(snap.card)
        shown = _digest(text, blocks)
        if snap.anchor is not None:
            parent = snap.anchor.message_id
            if snap.anchor.shown != shown:
                await self._update_parent(snap.anchor, text, blocks, shown)
        elif isinstance(self.event, _CARD_ONLY) or snap.ticket.status in _NOT_FOR_THE_DESK:
            return  # nothing of it is in the channel, and this is no reason to start
        else:
            parent = await self._post_parent(text, blocks, shown)
        created = self._done("parent-created")
        if isinstance(self.event, _OPENINGS):
            if created or not await self._has_replies(parent):
                await self._opening(snap, parent)
        elif created:
            # The thread starts with a later event (the ticket was authorized only now, or the
            # opening's delivery was given up): the description and what the customer added.
            await self._opening(snap, parent)
            await self._earlier(snap, parent)
        await self._line(snap, parent)

    async def _customer_line(
        self, parent: str, entry_refs: Sequence[MessageRef], files: Sequence[Attachment]
    ) -> None:
        """The customer's words (several gathered in one post, see send_batch) and files."""
        event = self.event
        assert isinstance(event, ev.CustomerMessageAdded)
        if self.batch:
            # The first may have gone alone before a crash: then only the others.
            shown = self.batch[1:] if entry_refs else self.batch
            text = "\n\n".join(lines.customer_message(e.author_name, e.text) for e in shown)
            # Keyed by what the post holds: a retry that gathered more messages is a new post,
            # never pieces of the old one skipped as done (that would lose the newcomers).
            await self._post(f"line:{len(shown)}:{shown[-1].entry_id}", parent, text)
            return
        if not entry_refs:  # else an earlier attempt posted it
            text = lines.customer_message(event.author_name, event.text)
            await self._record(await self._post("line", parent, text), event.entry_id)
        await self._share("files", parent, files)

    async def _plain_line(self) -> bool:
        """A customer's words without files, on a ticket whose parent is up: one line in the
        thread, and nothing else can have changed on the card (a status change the message
        causes is an event of its own). Read only where the parent is and whether the line is
        there already, instead of the whole card: most of a busy desk's deliveries are these.
        False when it is not such a message; the full path then handles it."""
        event = self.event
        if not isinstance(event, ev.CustomerMessageAdded) or event.attachment_ids:
            return False
        async with self.desk.uow_factory(read_only=True) as uow:
            anchor = await uow.refs.anchor(self.ticket_id, SLACK, self.channel)
            if anchor is None:
                return False  # the thread starts with it: the full path tells the story
            entry_refs = await refs_in_channel(uow, event.entry_id, self.channel)
        await self._customer_line(anchor.message_id, entry_refs, [])
        return True

    # -- the parent -------------------------------------------------------------------------

    async def _post_parent(self, text: str, blocks: list[dict[str, Any]], shown: str) -> str:
        posted = await self.client.chat_postMessage(
            channel=self.channel,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        parent = str(posted["ts"])
        # At once: a retry must find it.
        await self._record([parent], entry_id=None, shown=shown)
        self._mark("parent-created")
        return parent

    async def _update_parent(
        self, anchor: MessageRef, text: str, blocks: list[dict[str, Any]], shown: str
    ) -> None:
        """Edit the card in place. Most events (a customer's message, a note) leave it as it
        was: those are skipped by the caller, since chat.update's budget (Tier 3) and not
        the channel's post budget would otherwise set how fast a busy desk drains."""
        ts = anchor.message_id
        try:
            await self.client.chat_update(channel=self.channel, ts=ts, text=text, blocks=blocks)
            async with self.desk.uow_factory(autocommit=True) as uow:  # one UPDATE
                await uow.refs.set_shown(anchor.id, shown)
                await uow.commit()
        except SlackApiError as exc:
            if _error(exc) not in _PARENT_GONE:
                raise
            # Someone deleted the parent: the thread lives on under its tombstone, and a
            # second parent would split the ticket's history in two.
            log.warning("ticket %s: parent %s is gone (%s)", self.ticket_id, ts, _error(exc))

    async def _has_replies(self, parent: str) -> bool:
        """Whether an opening redelivered after a crash already reached the thread. A rare
        path (an anchor, and no memory of the attempt), so its cost does not matter."""
        try:
            found = await self.client.conversations_replies(
                channel=self.channel, ts=parent, limit=2
            )
        except SlackApiError as exc:
            log.warning("cannot read thread %s (%s): posting the opening", parent, exc)
            return False
        return len(found.get("messages") or []) > 1

    # -- the thread -------------------------------------------------------------------------

    async def _opening(self, snap: Snapshot, parent: str) -> None:
        ticket = snap.ticket
        if ticket.type is TicketType.EXTRA_MESSAGE:
            text = lines.extra_message(snap.reporter_name, ticket.description)
        else:
            text = lines.opening(snap.reporter_name, ticket.description)
        await self._post("opening", parent, text)
        await self._share("opening-files", parent, snap.opening_files)

    async def _earlier(self, snap: Snapshot, parent: str) -> None:
        for earlier in snap.earlier:
            entry = earlier.entry
            text = lines.customer_message(earlier.author, entry.text)
            await self._record(await self._post(f"entry:{entry.id}", parent, text), entry.id)
            await self._share(f"entry-files:{entry.id}", parent, earlier.files)

    async def _line(self, snap: Snapshot, parent: str) -> None:
        event = self.event
        if isinstance(event, ev.CustomerMessageAdded):
            await self._customer_line(parent, snap.entry_refs, snap.files)
        elif isinstance(event, ev.CustomerMessageEdited):
            await self._edit(snap, parent, event)
        elif isinstance(event, ev.AttachmentAdded):
            await self._post("line", parent, lines.file_added(event.by_kind))
            await self._share("files", parent, snap.files)
        elif not isinstance(event, (*_OPENINGS, *_CARD_ONLY)):
            # A TicketAssigned names its agent; anything else mentions the current one.
            assignee = snap.assignee_slack_id or snap.card.assignee_slack_id
            line = lines.event_line(event, assignee)
            if line is None:
                log.warning("no desk line for %s", event.event_type)
            else:
                # A reminder mentions the assignee, which notifies them; one for a ticket
                # nobody has is also sent to the channel, where the whole desk sees it.
                nobodys = isinstance(event, ev.SlaReminderDue) and not assignee
                await self._post("line", parent, line, broadcast=nobodys)

    async def _edit(self, snap: Snapshot, parent: str, event: ev.CustomerMessageEdited) -> None:
        """The customer edited a message: its copy here follows, piece by piece."""
        author = snap.entry_author or snap.reporter_name
        pieces = split_mrkdwn(lines.customer_message_edited(author, event.text), self._limit)
        refs = snap.entry_refs
        for index, ref in enumerate(refs):
            # Pieces a shorter text no longer needs are blanked, not deleted: their refs stay
            # valid for the next edit.
            piece = pieces[index] if index < len(pieces) else lines.EDITED_AWAY
            await self.client.chat_update(channel=self.channel, ts=ref.message_id, text=piece)
        posted = await self._post_pieces("edit", parent, pieces[len(refs) :])
        await self._record(posted, event.entry_id)

    async def _post(
        self, step: str, parent: str, text: str, *, broadcast: bool = False
    ) -> list[str]:
        """Post `text` in the thread, split to Slack's size; returns the new messages' ts.
        `broadcast`: also shown in the channel (Slack's "Also send to #channel")."""
        pieces = split_mrkdwn(text, self._limit)
        return await self._post_pieces(step, parent, pieces, broadcast=broadcast)

    async def _post_pieces(
        self, step: str, parent: str, pieces: Sequence[str], *, broadcast: bool = False
    ) -> list[str]:
        """Pieces an earlier attempt of this message posted are not posted again."""
        posted: list[str] = []
        more: dict[str, Any] = {"reply_broadcast": True} if broadcast else {}
        for index, piece in enumerate(pieces):
            key = f"{step}:{index}"
            if self._done(key):
                continue
            answer = await self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=parent,
                text=piece,
                unfurl_links=False,  # a customer's link is shown, never fetched by Slack
                unfurl_media=False,
                **more,
            )
            posted.append(str(answer["ts"]))
            self._mark(key)
        return posted

    async def _share(self, step: str, parent: str, files: Sequence[Attachment]) -> None:
        if not files or self._done(step):
            return
        refused = await share_files(self.client, self.desk.files, self.channel, parent, files)
        self._mark(step)
        for problem in refused:
            await self._post(
                f"{step}:refused:{problem.attachment.id}",
                parent,
                lines.file_missing(problem.attachment.file_name, problem.reason),
            )

    async def _record(
        self, message_ids: Sequence[str], entry_id: uuid.UUID | None, shown: str | None = None
    ) -> None:
        if not message_ids:
            return
        # Each INSERT stands alone (a retry adds what is missing): autocommit.
        async with self.desk.uow_factory(autocommit=True) as uow:
            for message_id in message_ids:
                await uow.refs.add_if_new(
                    MessageRef(
                        SLACK, self.channel, message_id, self.ticket_id, entry_id, shown=shown
                    )
                )
            await uow.commit()

    @property
    def _limit(self) -> int:
        return self.desk.line_limit

    def _done(self, step: str) -> bool:
        return self.desk.progress.done(self.message.id, step)

    def _mark(self, step: str) -> None:
        self.desk.progress.mark(self.message.id, step)


def _digest(text: str, blocks: list[dict[str, Any]]) -> str:
    """What a card shows, in 64 characters (MessageRef.shown)."""
    shown = json.dumps([text, blocks], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()


def verdict(exc: SlackApiError, channel_id: str = "") -> DeliveryError:
    """The core.delivery error saying what to do about a Slack refusal."""
    error = _error(exc)
    status = getattr(exc.response, "status_code", 0) or 0
    method = str(getattr(exc.response, "api_url", "")).rsplit("/", 1)[-1] or "Slack"
    reason = f"{method}: {error or f'HTTP {status}'}"
    if status == 429 or error == "ratelimited":
        return RetryLater(reason, retry_after=_retry_after(exc))
    if status >= 500 or error in _PASSING_ERRORS:
        return RetryLater(reason)
    if error in _SETUP_ERRORS:
        return RetryLater(
            f"{reason}: the Slack setup needs an operator (SLACK_BOT_TOKEN, and the bot invited"
            f" to SLACK_SUPPORT_CHANNEL={channel_id}); messages wait until then"
        )
    return PermanentFailure(reason)


def _error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None
