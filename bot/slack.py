"""Slack's inbound side: a Bolt app whose listeners only record, then acknowledge.

What agents do in the support channel arrives as Events API events (thread replies and their
edits) and interactions (card buttons and selects, modal submissions). Slack wants an answer
within 3 seconds and retries events that do not get one, so a listener does no ticket work: it
writes the payload to the inbox (bot.inbound) and acknowledges; bot.slack_inbox.SlackInbox
does the work afterwards, in each ticket's order. A crash after the acknowledgement loses
nothing, and Slack's retries of an event find it recorded already (same event id).

`process_before_response=True` is what makes "record, then acknowledge" true: with False, Bolt
acknowledges an event *before* running its listener (auto-acknowledgement), and a failed write
would then be lost. If recording fails, the listener raises, Bolt answers 500 (HTTP) or not at
all (Socket Mode), and Slack sends the event again.

The one exception: the Resolve and Request info buttons open a modal, which needs the click's
trigger_id within its 3 seconds, so the listener opens it directly; nothing is recorded then
(the modal's submission is).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import modals, notices
from adapters.slack.commands import COMMAND
from adapters.slack.downloads import SlackFileFetcher
from adapters.slack.notices import Notices
from adapters.slack.people import ChannelMembers, Names
from adapters.slack.translate import (
    Desk,
    Ignore,
    OpenRequestInfoModal,
    OpenResolveModal,
    RequestInfo,
    Resolve,
    event_id,
    translate,
)
from bot.flows.state import BotUnitOfWorkFactory
from bot.inbound import InboxHandler
from bot.settings import Settings
from bot.slack_commands import CommandsFirst, TicketCommands
from bot.slack_inbox import SlackInbox
from core.context import Context
from core.model import InboxEvent, Platform
from core.ports import Clock, FileStore, UnitOfWorkFactory

__all__ = [
    "SlackInbound",
    "SlackListeners",
    "SlackRecorder",
    "bolt_app",
    "recording_failed",
    "run_socket_mode",
    "slack_inbound",
]

log = logging.getLogger(__name__)

_EMPTY_TEXT = "Please write something: it is sent to the customer."


class RecordingFailed(Exception):
    """The inbox could not take a payload: Slack must be answered 500, so it sends it again."""


# Set in the request's own context when recording failed: bot.web then keeps Bolt's 500 (Slack
# retries); any other 500 is Bolt or a listener choking on a payload it cannot read, which a
# retry reads no better, so that one is answered 400.
_recording_failed: ContextVar[bool] = ContextVar("slack_recording_failed", default=False)


def recording_failed() -> bool:
    return _recording_failed.get()


class SlackRecorder:
    """Writes a Slack payload to the inbox once (Slack's retries carry the same id)."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, on_new: Callable[[], None]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._on_new = on_new
        self.recorded = 0

    async def record(self, body: Mapping[str, Any]) -> bool:
        event = InboxEvent(
            platform=Platform.SLACK,
            event_id=event_id(body),
            payload=dict(body),
            received_at=self._clock.now(),
        )
        try:
            async with self._uow_factory(autocommit=True) as uow:  # one INSERT
                new = await uow.inbox.add_if_new(event)
                await uow.commit()
        except Exception as exc:
            _recording_failed.set(True)
            raise RecordingFailed(type(exc).__name__) from exc
        if new:
            self.recorded += 1
            self._on_new()
        return new


@dataclass(frozen=True)
class SlackListeners:
    """What the listeners need besides Bolt's own arguments."""

    desk: Desk
    recorder: SlackRecorder
    members: ChannelMembers
    notices: Notices
    # Registers the customers' DM listeners (bot.slack_customers) ahead of the desk's.
    customers: Callable[[AsyncApp, SlackRecorder], None] | None = None

    def desk_for(self, context: AsyncBoltContext) -> Desk:
        # Bolt learnt the bot's user id from auth.test: its own posts are never replies.
        bot_user_id = context.bot_user_id
        return replace(self.desk, bot_user_id=bot_user_id) if bot_user_id else self.desk


class _ClientWinsNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN from the environment (our setting has that name) and then
    warns, at every start, that the client we pass wins over it: true, and only noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def bolt_app(
    client: AsyncWebClient, listeners: SlackListeners, *, signing_secret: str | None
) -> AsyncApp:
    """The Bolt app. Without a signing secret (Socket Mode) requests are not verified: they
    arrive over a connection the bot opened with its app token."""
    logger = logging.getLogger("slack_bolt.supportbot")
    if not any(isinstance(f, _ClientWinsNotice) for f in logger.filters):
        logger.addFilter(_ClientWinsNotice())
    app = AsyncApp(
        name="supportbot",  # else Bolt finds one with inspect.stack(), ~0.05 s of reading sources
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=True,
        logger=logger,
    )
    if listeners.customers is not None:
        listeners.customers(app, listeners.recorder)  # first: the catch-alls below take all

    @app.event("message")
    async def on_message(body: dict[str, Any], ack: AsyncAck, context: AsyncBoltContext) -> None:
        await _record_unless_ignored(listeners, body, context)
        await ack()

    @app.event(re.compile(r"^member_(joined|left)_channel$"))
    async def on_membership(ack: AsyncAck) -> None:
        listeners.members.forget()
        await ack()

    @app.event(re.compile(r".*"))
    async def on_other_event(ack: AsyncAck) -> None:
        # Acknowledged, or Slack would send events nobody listens to again and again.
        await ack()

    register_ticket_command(app, listeners.recorder)

    @app.action(re.compile(r"^ticket_"))
    async def on_card(body: dict[str, Any], ack: AsyncAck, context: AsyncBoltContext) -> None:
        said = translate(body, listeners.desk_for(context))
        if isinstance(said, OpenResolveModal | OpenRequestInfoModal):
            await _open_modal(listeners, client, said)
        elif not isinstance(said, Ignore):
            await listeners.recorder.record(body)
        await ack()

    @app.action(re.compile(r".*"))
    async def on_other_action(ack: AsyncAck) -> None:
        await ack()

    @app.view(re.compile(f"^({modals.RESOLVE_CALLBACK}|{modals.REQUEST_INFO_CALLBACK})$"))
    async def on_modal(body: dict[str, Any], ack: AsyncAck, context: AsyncBoltContext) -> None:
        said = translate(body, listeners.desk_for(context))
        if isinstance(said, Resolve | RequestInfo) and not said.text.strip():
            # Slack checks the field is filled in; spaces alone still get here.
            await ack(response_action="errors", errors={modals.INPUT_BLOCK: _EMPTY_TEXT})
            return
        if not isinstance(said, Ignore):
            await listeners.recorder.record(body)
        await ack()

    return app


async def _record_unless_ignored(
    listeners: SlackListeners, body: dict[str, Any], context: AsyncBoltContext
) -> None:
    # Every post of the bot in a ticket's thread comes back as an event: keep them out of
    # the inbox rather than record them only to drop them later.
    if not isinstance(translate(body, listeners.desk_for(context)), Ignore):
        await listeners.recorder.record(body)


async def _open_modal(
    listeners: SlackListeners,
    client: AsyncWebClient,
    said: OpenResolveModal | OpenRequestInfoModal,
) -> None:
    origin = said.origin
    try:
        member = await listeners.members.contains(origin.user)
    except SlackApiError:
        member = True  # unsure: the submission is checked again before anything changes
    if not member:
        await listeners.notices.tell(origin, notices.not_a_member(origin.channel))
        return
    context = modals.ModalContext(said.number, origin.channel, origin.thread_ts)
    if isinstance(said, OpenResolveModal):
        view = modals.resolve_modal(context)
    else:
        view = modals.request_info_modal(context)
    try:
        await client.views_open(trigger_id=said.trigger_id, view=view)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "error")
        log.warning("views.open for ticket #%s failed: %s", said.number, error)
        await listeners.notices.tell(origin, notices.MODAL_FAILED.format(error=error))


# -- assembly -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlackInbound:
    app: AsyncApp
    inbox: InboxHandler  # the desk's SlackInbox, behind /ticket's (bot.slack_commands)
    recorder: SlackRecorder


def slack_inbound(
    settings: Settings,
    client: AsyncWebClient,
    session: aiohttp.ClientSession,
    *,
    uow_factory: BotUnitOfWorkFactory,
    ctx: Context,
    file_store: FileStore,
    on_new: Callable[[], None],
    max_file_bytes: int,
    customers: Callable[[AsyncApp, SlackRecorder], None] | None = None,
) -> SlackInbound:
    """Everything the support channel's inbound side needs, sharing one client and session."""
    assert settings.slack_support_channel, "no support channel, nothing to listen to"
    assert client.token, "the Slack client has no token"
    desk = Desk(settings.slack_support_channel, settings.note_prefix)
    members = ChannelMembers(client, desk.channel)
    told = Notices(client, session)
    recorder = SlackRecorder(uow_factory, ctx.clock, on_new)
    secret = settings.slack_signing_secret
    app = bolt_app(
        client,
        SlackListeners(desk, recorder, members, told, customers),
        signing_secret=secret.get_secret_value() if secret is not None else None,
    )
    names = Names(client)
    desk_inbox = SlackInbox(
        desk=desk,
        uow_factory=uow_factory,
        ctx=ctx,
        members=members,
        names=names,
        notices=told,
        files=SlackFileFetcher(session, client.token, file_store),
        max_file_bytes=max_file_bytes,
    )
    commands = TicketCommands(
        channel=desk.channel,
        uow_factory=uow_factory,
        ctx=ctx,
        members=members,
        names=names,
        client=client,
        session=session,
        default_language=settings.default_language,
        timezone=settings.default_timezone,
        reminder_lead=timedelta(minutes=settings.sla_reminder_minutes),
    )
    return SlackInbound(app, CommandsFirst(commands, desk_inbox, uow_factory), recorder)


def register_ticket_command(app: AsyncApp, recorder: SlackRecorder) -> None:
    """/ticket: recorded, then acknowledged with an empty body (Slack shows nothing); the
    answer follows through the inbox (bot.slack_commands says why)."""

    @app.command(COMMAND)
    async def on_ticket(body: dict[str, Any], ack: AsyncAck) -> None:
        await recorder.record(body)
        await ack()


async def run_socket_mode(app: AsyncApp, app_token: str, stop: asyncio.Event) -> None:
    """Keep a Socket Mode connection until `stop`. slack_sdk reconnects a dropped connection
    by itself; only the first connection is retried here (Slack may be unreachable at start)."""
    handler = AsyncSocketModeHandler(app, app_token)
    delay = 1.0
    try:
        while not stop.is_set():
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
                log.info("Slack Socket Mode connected")
                break
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("Slack Socket Mode: connecting failed (%s)", type(exc).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                delay = min(60.0, delay * 2)
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
