"""Slack as a customer channel: a person who DMs the bot gets the same flows as on Telegram.

Inbound, as for the desk (bot.slack): Bolt listeners only record DM payloads in the inbox and
acknowledge; `SlackCustomerInbox` handles them afterwards, in each DM's order, through the same
`Conversations` as Telegram. `SlackInboxes` is the inbox handler for Platform.SLACK: DMs go to
the customers' side, everything else (the support channel) stays the desk's.

- The person's name and language hint come from users.info (`locale`, e.g. "pl-PL"), asked
  once per person and remembered; once their chat is linked, their chosen language wins
  (bot.flows.router).
- Files shared in the DM are streamed from `url_private_download` with the bot token into the
  file store, sniffed, and refused with a reason in the person's language when too big.
- Outbound: adapters.slack.customer_sender, registered in bot.runtime for
  (Audience.CUSTOMER, Platform.SLACK).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.outbox import RenderPush
from adapters.slack.customer_render import compose_modal
from adapters.slack.customer_sender import SlackCustomerSender
from adapters.slack.customer_translate import (
    ACTION_PREFIX,
    COMPOSE_ACTION,
    COMPOSE_VIEW,
    DirectMessage,
    compose_channel,
    is_customer_payload,
    translate_customer,
)
from adapters.slack.downloads import (
    DownloadFailed,
    DownloadRefused,
    DownloadTooLarge,
    SlackFileFetcher,
)
from adapters.slack.people import Names, Profile
from adapters.slack.translate import SlackFile
from adapters.telegram.callbacks import CallbackSigner
from bot.flows.engine import FetchedFile, FetchRefused
from bot.flows.io import Contact, IncomingFile, Text
from bot.flows.router import Conversations, Inbound
from bot.flows.state import BotUnitOfWorkFactory
from bot.inbound import InboxHandler, MarkDone, Routing, SlowsDown
from core.model import InboxEvent, Platform
from core.ports import FileStore, StoredFile

if TYPE_CHECKING:
    from bot.slack import SlackRecorder

__all__ = [
    "SlackCustomerFiles",
    "SlackCustomerInbox",
    "SlackCustomers",
    "SlackInboxes",
    "SlackPeople",
    "slack_customers",
]

log = logging.getLogger(__name__)

SLACK = Platform.SLACK


class SlackPeople:
    """Name and locale of a DM's person (users.info, remembered by adapters.slack.people)."""

    def __init__(self, names: Names) -> None:
        self._names = names

    async def get(self, user_id: str, *, fresh: bool = False) -> Profile | None:
        try:
            return await self._names.profile(user_id, fresh=fresh)
        except SlackApiError as exc:
            # Not knowing their name is no reason to leave them unanswered: ask again next time.
            log.warning("users.info for a DM's person failed: %s", exc.response.get("error"))
            return None


class SlackCustomerFiles:
    """bot.flows.engine.FileFetcher for files shared in a DM."""

    def __init__(self, fetcher: SlackFileFetcher) -> None:
        self._fetcher = fetcher

    async def fetch(self, file: IncomingFile, max_bytes: int) -> FetchedFile:
        shared = SlackFile(
            id=file.message_id,
            name=file.file_name or "file",
            url=file.file_ref,
            size=file.size,
            mimetype=file.mime_type,
        )
        try:
            new = await self._fetcher.fetch(shared, max_bytes)
        except DownloadTooLarge as exc:
            raise FetchRefused("report-file-too-big", mb=max_bytes // 2**20) from exc
        except (DownloadRefused, DownloadFailed) as exc:
            raise FetchRefused("report-file-failed") from exc
        stored = StoredFile(new.storage_key, new.size, new.sha256)
        return FetchedFile(stored, new.file_name, new.mime_type)


def _channel_of(payload: dict[str, Any]) -> str:
    if payload.get("type") == "view_submission":
        return str(compose_channel(payload.get("view") or {}))
    if payload.get("type") == "block_actions":
        return str((payload.get("container") or {}).get("channel_id"))
    return str((payload.get("event") or {}).get("channel"))


class SlackCustomerInbox:
    """The inbox handler for DM payloads: each DM's events in order, through the flows."""

    def __init__(
        self,
        conversations: Conversations,
        signer: CallbackSigner,
        files: SlackCustomerFiles,
        people: SlackPeople,
        uow_factory: BotUnitOfWorkFactory,
    ) -> None:
        self._conversations = conversations
        self._signer = signer
        self._files = files
        self._people = people
        self._uow_factory = uow_factory

    def route(self, event: InboxEvent) -> Routing:
        return Routing(chat_key=f"slack:dm:{_channel_of(event.payload)}")

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        for event in events:
            said = translate_customer(event.payload, self._signer, None)
            if said is not None and said.opened and await self._seen(said):
                said = None  # opened again: they know where they are
            if said is None:
                async with self._uow_factory() as uow:
                    await done(uow)
                    await uow.commit()
                continue
            await self._conversations.handle(
                await self._inbound(said), files=self._files, on_commit=done
            )

    async def slow_down(self, event: InboxEvent) -> None:
        """The DM floods (bot.inbound.Pace): one polite note in the person's language."""
        said = translate_customer(event.payload, self._signer, None)
        if said is not None:
            await self._conversations.notice(await self._inbound(said), "flood-slow-down")

    async def _seen(self, said: DirectMessage) -> bool:
        async with self._uow_factory(read_only=True) as uow:
            known = await uow.identities.get_by_platform_user(SLACK, said.user)
        return known is not None

    async def _inbound(self, said: DirectMessage) -> Inbound:
        # The phone number is asked anew: they may have just added it to their profile.
        person = await self._people.get(said.user, fresh=said.share_phone)
        received = said.input
        if said.share_phone:
            # Their own number, as Telegram's contact button gives it; none in the profile
            # reads as an empty answer, and the flow says what else they can do.
            phone = person.phone if person else ""
            received = Contact(phone, own=True) if phone else Text("", "")
        return Inbound(
            platform=SLACK,
            platform_user_id=said.user,
            chat_id=said.channel,
            input=received,
            display_name=person.name if person else None,
            language_code=person.locale if person else None,
        )


class SlackInboxes:
    """The inbox handler for Platform.SLACK: DMs to the customers, the rest to the desk."""

    def __init__(self, desk: InboxHandler, customers: InboxHandler) -> None:
        self._desk = desk
        self._customers = customers

    def _for(self, event: InboxEvent) -> InboxHandler:
        return self._customers if is_customer_payload(event.payload) else self._desk

    def route(self, event: InboxEvent) -> Routing:
        return self._for(event).route(event)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        # One chat key never mixes the two: a DM's key is "slack:dm:<channel>".
        await self._for(events[0]).handle(events, done)

    async def slow_down(self, event: InboxEvent) -> None:
        handler = self._for(event)
        if isinstance(handler, SlowsDown):
            await handler.slow_down(event)


@dataclass(frozen=True)
class SlackCustomers:
    """The customers' side of the Slack app, assembled."""

    inbox: SlackCustomerInbox
    sender: SlackCustomerSender
    signer: CallbackSigner

    def inboxes(self, desk: InboxHandler) -> SlackInboxes:
        return SlackInboxes(desk, self.inbox)

    def listen(self, app: AsyncApp, recorder: SlackRecorder) -> None:
        """Register the DM listeners; called before the desk's, which would take any event."""
        add_customer_listeners(app, recorder, self.signer)


def add_customer_listeners(app: AsyncApp, recorder: SlackRecorder, signer: CallbackSigner) -> None:
    async def a_dm(body: dict[str, Any]) -> bool:
        return is_customer_payload(body)

    @app.event("message", matchers=[a_dm])
    async def on_direct_message(
        body: dict[str, Any], ack: AsyncAck, context: AsyncBoltContext
    ) -> None:
        # The bot's own DM posts come back as events: never recorded, never answered.
        if translate_customer(body, signer, context.bot_user_id) is not None:
            await recorder.record(body)
        await ack()

    @app.event("app_home_opened", matchers=[a_dm])
    async def on_opened(body: dict[str, Any], ack: AsyncAck) -> None:
        await recorder.record(body)
        await ack()

    @app.action(COMPOSE_ACTION, matchers=[a_dm])
    async def on_compose(body: dict[str, Any], ack: AsyncAck, client: AsyncWebClient) -> None:
        # The form must open within the click's 3 seconds: here, not after the inbox.
        channel = str(body["container"]["channel_id"])
        value = str((body.get("actions") or [{}])[0].get("value") or "")
        try:
            await client.views_open(
                trigger_id=body["trigger_id"], view=compose_modal(value, channel)
            )
        except SlackApiError as exc:
            # The person can still type the answer in the DM; a click again may work.
            log.warning("views.open for a customer's form failed: %s", exc.response.get("error"))
        await ack()

    @app.view(COMPOSE_VIEW, matchers=[a_dm])
    async def on_composed(body: dict[str, Any], ack: AsyncAck) -> None:
        if translate_customer(body, signer, None) is not None:
            await recorder.record(body)
        await ack()

    @app.action(re.compile(f"^{ACTION_PREFIX}"), matchers=[a_dm])
    async def on_customer_button(body: dict[str, Any], ack: AsyncAck) -> None:
        if translate_customer(body, signer, None) is not None:
            await recorder.record(body)
        await ack()


def slack_customers(
    client: AsyncWebClient,
    session: aiohttp.ClientSession,
    *,
    conversations: Conversations,
    signer: CallbackSigner,
    uow_factory: BotUnitOfWorkFactory,
    file_store: FileStore,
    render_push: RenderPush,
) -> SlackCustomers:
    assert client.token, "the Slack client has no token"
    files = SlackCustomerFiles(SlackFileFetcher(session, client.token, file_store))
    inbox = SlackCustomerInbox(
        conversations, signer, files, SlackPeople(Names(client)), uow_factory
    )
    sender = SlackCustomerSender(client, uow_factory, file_store, signer, render_push)
    return SlackCustomers(inbox, sender, signer)
