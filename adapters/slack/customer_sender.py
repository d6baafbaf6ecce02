"""Delivering customer outbox messages to their Slack DM (core.ports.Sender for
(Audience.CUSTOMER, Platform.SLACK)).

The same messages as Telegram's sender (adapters.telegram.sender): a `Say` a flow wrote, or a
core event that `render_push` turns into Says in the customer's language (status changes,
agents' replies under the agent's name, files). The chat id is the DM's channel id, learnt
when the person first wrote; a person the bot never heard from has no chat to push to.

Every message about a ticket is recorded as a MessageRef, so a customer who answers in that
message's thread lands on the right ticket. Pushes are not threaded themselves: in a DM a
thread hides a message behind a "1 reply" link, and status news must be seen.

Slack's refusals become core.delivery verdicts as for the desk (adapters.slack.sender.verdict),
except that a DM that no longer exists, or a person deactivated, is Unreachable: the chat
identity is marked so, and pushes fall back to e-mail where there is an address.
"""

from __future__ import annotations

import logging
import uuid

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.outbox import (
    RenderPush,
    entry_id_of,
    mark_unreachable,
    record_shown,
    says_of,
    ticket_id_of,
)
from adapters.slack.customer_render import SlackPost, plan
from adapters.slack.sender import verdict
from adapters.slack.uploads import share_files
from adapters.telegram.callbacks import CallbackSigner
from bot.flows.io import Say
from core.delivery import CHAT_GONE, RetryLater, Unreachable
from core.model import Attachment, OutboxMessage, Platform
from core.ports import FileStore, UnitOfWork, UnitOfWorkFactory

__all__ = ["SlackCustomerSender"]

log = logging.getLogger(__name__)

SLACK = Platform.SLACK
# The person is gone from the workspace, or their DM with the bot is.
_GONE = frozenset(
    {"channel_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "is_archived"}
)
_NOT_EDITABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


class SlackCustomerSender:
    def __init__(
        self,
        client: AsyncWebClient,
        uow_factory: UnitOfWorkFactory,
        file_store: FileStore,
        signer: CallbackSigner,
        render_push: RenderPush,
    ) -> None:
        self._client = client
        self._uow_factory = uow_factory
        self._files = file_store
        self._signer = signer
        self._render_push = render_push

    async def send(self, message: OutboxMessage) -> None:
        chat_id, says = await says_of(message, SLACK, self._render_push)
        try:
            for say in says:
                await self._send_say(message, chat_id, say)
        except SlackApiError as exc:
            raise await self._verdict(chat_id, exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(f"Slack unreachable: {type(exc).__name__}") from exc

    async def _send_say(self, message: OutboxMessage, channel: str, say: Say) -> None:
        async with self._uow_factory(read_only=True) as uow:
            ticket_id = await ticket_id_of(uow, say, message)
            attachments = await _attachments(uow, say)
        posts = plan(say, self._signer)
        shown = [await self._post(channel, post) for post in posts]
        if attachments:
            # Files go in as one message of their own, after the words.
            refused = await share_files(self._client, self._files, channel, None, attachments)
            for problem in refused:
                log.warning("attachment %s not sent to a DM: %s", problem.attachment.id, problem)
        if not posts and not attachments:
            log.warning("outbox message %s: a Say with nothing to show", message.id)
        if ticket_id is not None:
            await record_shown(
                self._uow_factory, SLACK, channel, ticket_id, shown, entry_id_of(message)
            )

    async def _post(self, channel: str, post: SlackPost) -> str:
        if post.edit_ts is not None:
            try:
                await self._client.chat_update(
                    channel=channel, ts=post.edit_ts, text=post.text, blocks=post.blocks
                )
                return post.edit_ts
            except SlackApiError as exc:
                if _error(exc) not in _NOT_EDITABLE:
                    raise
                # Gone or too old: the person still needs to see it, as a new message.
        answer = await self._client.chat_postMessage(
            channel=channel,
            text=post.text,
            blocks=post.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(answer["ts"])

    async def _verdict(self, channel: str, exc: SlackApiError) -> Exception:
        error = _error(exc)
        if error in _GONE:
            await mark_unreachable(self._uow_factory, SLACK, channel)
            return Unreachable(f"Slack DM {channel}: {error}", why=CHAT_GONE)
        return verdict(exc, channel)


async def _attachments(uow: UnitOfWork, say: Say) -> list[Attachment]:
    found: list[Attachment] = []
    for raw in say.attachment_ids:
        attachment = await uow.attachments.get(uuid.UUID(raw))
        if attachment is None:
            log.warning("attachment %s is gone; sending the message without it", raw)
            continue
        found.append(attachment)
    return found


def _error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error") or "") if isinstance(data, dict) else ""
