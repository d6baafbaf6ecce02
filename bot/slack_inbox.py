"""What agents did in Slack, applied to the tickets: the inbox handler for Platform.SLACK.

bot.slack recorded the payloads; here each one is translated (adapters.slack.translate), the
acting Slack user becomes an Agent, and the core service does the rest. Its events go out
through the outbox: the customer's push, the card's update in the channel.

- Being an agent means being a member of the support channel; an Agent is created the first
  time a member acts. Anyone else is told so, privately, and nothing changes.
- A reply finds its ticket through the thread (the card's anchor MessageRef); a button or a
  modal through the ticket number it carries.
- A reply is stored with its Slack message as its source, so its later edit finds the entry,
  and so a reply handled twice (a crash between the core's commit and marking the event done)
  is recognised and not sent twice.
- What the core refuses, and what was only partly done (a file too big), is told to the
  agent privately, with the reason.
Transient trouble (Slack or the network failing) propagates: the inbox tries the event again.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from slack_sdk.errors import SlackApiError

from adapters.slack import notices
from adapters.slack.downloads import DownloadRefused, SlackFileFetcher
from adapters.slack.escape import escape
from adapters.slack.notices import Notices
from adapters.slack.people import ChannelMembers, Names
from adapters.slack.translate import (
    AgentReply,
    AssignMe,
    Close,
    Desk,
    Edit,
    Hint,
    Intent,
    Note,
    OnCard,
    Origin,
    Reopen,
    RequestInfo,
    Resolve,
    SetExpectedClose,
    SetPriority,
    SetStatus,
    SlackFile,
    mentioned_users,
    plain_text,
    translate,
)
from bot.flows.held import LineUnits
from bot.flows.state import BotUnitOfWorkFactory
from bot.i18n import MissingText, Translator
from bot.inbound import MarkDone, Routing
from core import commands as cmd
from core.actors import AgentActor
from core.context import Context
from core.errors import DomainError
from core.model import EntryKind, InboxEvent, Platform
from core.ports import UnitOfWork
from core.services import conversation, queries, workflow
from core.services.agents import agent_for_slack_user

__all__ = ["SlackInbox"]

log = logging.getLogger(__name__)
# The line being handled in this task (SlackInboxHandler.handle): its commands' units.
_LINE: contextvars.ContextVar[LineUnits | None] = contextvars.ContextVar("slack_line", default=None)

SLACK = Platform.SLACK
# How long a reply waits, at most, for its thread's card to be recorded (seconds).
_ANCHOR_PAUSES = (0.2, 0.4, 0.8)
T = TypeVar("T")
Command = TypeVar("Command")


class SlackInbox:
    def __init__(
        self,
        *,
        desk: Desk,
        uow_factory: BotUnitOfWorkFactory,
        ctx: Context,
        members: ChannelMembers,
        names: Names,
        notices: Notices,
        files: SlackFileFetcher,
        max_file_bytes: int,
    ) -> None:
        self._desk = desk
        self._uow_factory = uow_factory
        self._ctx = ctx
        self._members = members
        self._names = names
        self._notices = notices
        self._files = files
        self._max_file_bytes = max_file_bytes
        self._t = Translator("en")

    def route(self, event: InboxEvent) -> Routing:
        said = self._translate(event)
        origin = getattr(said, "origin", None)
        if isinstance(origin, Origin):
            return Routing(chat_key=origin.key)
        return Routing(chat_key=f"slack:event:{event.event_id}")

    def _translate(self, event: InboxEvent) -> Intent | None:
        try:
            return translate(event.payload, self._desk)
        except Exception as exc:
            # A payload Slack changed or someone holding the secret made up: nothing to do.
            log.warning("unreadable Slack payload %s: %s", event.event_id, type(exc).__name__)
            return None

    async def slow_down(self, event: InboxEvent) -> None:
        """A thread floods (bot.inbound.Pace): whoever acted is told once, privately."""
        origin = getattr(self._translate(event), "origin", None)
        if isinstance(origin, Origin):
            await self._notices.tell(origin, notices.SLOW_DOWN)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        # The last command and the inbox mark share one transaction (bot.flows.held): both
        # are stored, or neither and the event is handled again. Earlier events' commands
        # commit on their own; one handled again is recognised (replies and notes by their
        # source ref) or repeats harmlessly (settings).
        line = LineUnits(self._uow_factory)
        token = _LINE.set(line)
        try:
            for event in events:
                await line.flush()  # nothing held while another event calls Slack
                said = self._translate(event)
                if said is not None:
                    await self._handle(said)
            async with line.last() as uow:
                await done(uow)
                await uow.commit()
        finally:
            _LINE.reset(token)
            await line.drop()  # a failure on the way: the held command goes too

    async def _handle(self, said: Intent) -> None:
        if isinstance(said, Hint):
            await self._notices.tell(said.origin, notices.HINTS[said.reason])
            return
        if not isinstance(said, AgentReply | Note | Edit | OnCard):
            return  # Ignore; a modal's opening was never recorded
        actor = await self._agent(said.origin)
        if actor is None:
            return
        try:
            if isinstance(said, AgentReply):
                await self._reply(actor, said)
            elif isinstance(said, Note):
                await self._note(actor, said)
            elif isinstance(said, Edit):
                await self._edit(actor, said)
            else:
                await self._on_card(actor, said)
        except DomainError as refusal:
            number = said.number if isinstance(said, OnCard) else None
            await self._notices.tell(said.origin, self._refusal(refusal, number))

    # -- who acts ---------------------------------------------------------------------------

    async def _agent(self, origin: Origin) -> AgentActor | None:
        """The member's Agent, created on first sight; None (and they are told) otherwise."""
        if not await self._members.contains(origin.user):
            await self._notices.tell(origin, notices.not_a_member(origin.channel))
            return None
        agent, created = await agent_for_slack_user(
            self._uow_factory, origin.user, lambda: self._names.name(origin.user)
        )
        if created:
            log.info("new agent %s from Slack user %s", agent.id, origin.user)
        return AgentActor(agent.id)

    # -- the thread -------------------------------------------------------------------------

    async def _reply(self, actor: AgentActor, said: AgentReply) -> None:
        origin = said.origin
        ticket_id = await self._unseen_reply_ticket(origin, said.ts)
        if ticket_id is None:
            return
        files = await self._fetch(origin, said.files)
        if said.unavailable:
            names = ", ".join(escape(n) for n in said.unavailable)
            await self._notices.tell(origin, notices.FILES_UNAVAILABLE.format(names=names))
        text = await self._plain(said.text)
        if not text.strip() and not files:
            if said.text.strip() or said.files:  # an empty message is nothing to complain of
                await self._notices.tell(origin, notices.NOTHING_TO_SEND)
            return
        source = cmd.PlatformMessage(SLACK, origin.channel, said.ts)
        command = cmd.AddAgentReply(actor, ticket_id, text, tuple(files), source)
        await self._run(conversation.add_agent_reply, command)

    async def _note(self, actor: AgentActor, said: Note) -> None:
        origin = said.origin
        ticket_id = await self._unseen_reply_ticket(origin, said.ts)
        if ticket_id is None:
            return
        if said.files:
            names = ", ".join(escape(f.name) for f in said.files)
            await self._notices.tell(origin, notices.NOTE_FILES.format(names=names))
        source = cmd.PlatformMessage(SLACK, origin.channel, said.ts)
        command = cmd.AddInternalNote(actor, ticket_id, await self._plain(said.text), source)
        await self._run(conversation.add_internal_note, command)

    async def _edit(self, actor: AgentActor, said: Edit) -> None:
        async with self._uow_factory(read_only=True) as uow:
            ref = await uow.refs.find(SLACK, said.origin.channel, said.ts)
            entry = await uow.entries.get(ref.entry_id) if ref and ref.entry_id else None
        if entry is None:
            return  # not something the desk took in (a reply in a thread that is no ticket)
        if entry.kind is EntryKind.AGENT_REPLY and said.as_note:
            await self._notices.tell(said.origin, notices.REPLY_TO_NOTE)
            return
        text = await self._plain(said.text)
        await self._run(conversation.edit_agent_reply, cmd.EditAgentReply(actor, entry.id, text))

    async def _unseen_reply_ticket(self, origin: Origin, ts: str) -> uuid.UUID | None:
        """The ticket of the thread, unless this message was taken in already (None)."""
        for pause in (*_ANCHOR_PAUSES, None):
            async with self._uow_factory(read_only=True) as uow:
                if await uow.refs.find(SLACK, origin.channel, ts) is not None:
                    return None  # handled before a crash: its entry exists
                anchor = await uow.refs.find(SLACK, origin.channel, origin.thread_ts)
            if anchor is not None:
                return anchor.ticket_id
            if pause is not None:
                # The desk sender records a new card's anchor just after Slack showed it: a
                # reply in that instant is early, not in a thread that is no ticket's.
                await asyncio.sleep(pause)
        await self._notices.tell(origin, notices.NOT_A_TICKET)
        return None

    async def _fetch(self, origin: Origin, files: Sequence[SlackFile]) -> list[cmd.NewFile]:
        fetched = []
        for file in files:
            try:
                fetched.append(await self._files.fetch(file, self._max_file_bytes))
            except DownloadRefused as refused:
                text = notices.FILE_REFUSED.format(name=escape(file.name), reason=refused)
                await self._notices.tell(origin, text)
        return fetched

    async def _plain(self, text: str) -> str:
        """The agent's mrkdwn as the customer reads it, mentions shown by name."""
        names = {}
        for user_id in mentioned_users(text):
            try:
                names[user_id] = await self._names.name(user_id)
            except SlackApiError:
                continue  # shown as the id: better than not sending the reply
        return plain_text(text, names)

    # -- the card ---------------------------------------------------------------------------

    async def _on_card(self, actor: AgentActor, said: OnCard) -> None:
        ticket = await self._run(queries.find_ticket, cmd.FindTicket(actor, said.number))
        match said:
            case AssignMe():
                await self._run(workflow.assign_ticket, cmd.AssignTicket(actor, ticket.id))
            case SetStatus(status=status):
                await self._run(workflow.change_status, cmd.ChangeStatus(actor, ticket.id, status))
            case SetPriority(priority=priority):
                priority_set = cmd.SetPriority(actor, ticket.id, priority)
                await self._run(workflow.set_priority, priority_set)
            case Close():
                await self._run(workflow.close_ticket, cmd.CloseTicket(actor, ticket.id))
            case Reopen():
                await self._run(workflow.reopen_ticket, cmd.ReopenTicket(actor, ticket.id))
            case Resolve(text=text):
                resolution = cmd.ResolveTicket(actor, ticket.id, text)
                await self._run(workflow.resolve_ticket, resolution)
            case RequestInfo(text=text):
                await self._run(conversation.request_info, cmd.RequestInfo(actor, ticket.id, text))
            case SetExpectedClose(day=day):
                expected = cmd.SetExpectedClose(actor, ticket.id, day)
                await self._run(workflow.set_expected_close, expected)

    async def _run(
        self, service: Callable[[Command, UnitOfWork, Context], Awaitable[T]], command: Command
    ) -> T:
        line = _LINE.get()
        unit = self._uow_factory() if line is None else line.hold()
        return await service(command, unit, self._ctx)

    def _refusal(self, error: DomainError, number: int | None) -> str:
        reason = self._reason(error)
        if number is None:
            return reason
        return notices.REFUSED.format(number=number, reason=reason)

    def _reason(self, error: DomainError) -> str:
        message_id = f"error-{error.code}"
        if not self._t.has(message_id):
            log.info("no text for %s; the agent sees the generic one", error.code)
            message_id = "error-generic"
        uses = self._t.uses(message_id)
        params = {k: v for k, v in error.params.items() if k in uses}
        try:
            return escape(self._t.text(message_id, params))
        except MissingText:
            return escape(self._t.text("error-generic"))
