"""Telling one agent, privately, why what they did had no effect (or only part of it).

An interaction's response_url reaches the person who clicked even when they are not in the
channel (chat.postEphemeral refuses those with user_not_in_channel), so it is tried first; a
message event has none, and gets chat.postEphemeral in its thread. A notice that cannot be
delivered is logged and dropped: it must never undo or repeat the work it reports on.

The desk speaks English to agents, as the ticket cards do (adapters.slack.blocks).
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.translate import BROADCAST, Origin

__all__ = ["Notices", "not_a_member"]

log = logging.getLogger(__name__)


NOT_A_TICKET = (
    "This thread is not a ticket's, so your reply was not sent to anyone. "
    "Answer a customer in the thread under their ticket's card."
)
HINTS = {
    BROADCAST: (
        "Replies also sent to the channel are not relayed to the customer. "
        "To answer them, reply in the thread only."
    ),
}
NOTE_FILES = (
    "Notes keep no files, so {names} stayed in Slack only. "
    "To send files to the customer, share them in a reply without the note prefix."
)
FILE_REFUSED = "{name} was not sent to the customer: {reason}."
FILES_UNAVAILABLE = "Slack does not let the bot read {names}, so the customer did not get it."
NOTHING_TO_SEND = "Nothing was sent to the customer: the message had no text and no file."
REPLY_TO_NOTE = (
    "The customer already has this reply, so it cannot become a note. "
    "The edit was not sent; write a new note instead."
)
MODAL_FAILED = "Slack did not open the form ({error}). Please click the button again."
NOT_A_MEMBER = "Only members of <#{channel}> can act on tickets."
REFUSED = "Ticket #{number}: {reason}"
SLOW_DOWN = (
    "This thread is getting messages faster than the bot takes them; they are handled in a "
    "moment, a little slower. Nothing is lost."
)


def not_a_member(channel: str) -> str:
    return NOT_A_MEMBER.format(channel=channel)


class Notices:
    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession | None) -> None:
        self._client = client
        self._session = session

    async def tell(self, origin: Origin, text: str) -> None:
        """`text` is mrkdwn: escape what people typed (adapters.slack.escape) before."""
        if origin.response_url and await self._respond(origin.response_url, text):
            return
        try:
            await self._client.chat_postEphemeral(
                channel=origin.channel,
                user=origin.user,
                text=text,
                thread_ts=origin.thread_ts,
            )
        except SlackApiError as exc:
            log.warning("could not tell %s: %s", origin.user, exc.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not tell %s: %s", origin.user, type(exc).__name__)

    async def _respond(self, url: str, text: str) -> bool:
        hook = AsyncWebhookClient(url, session=self._session, timeout=10)
        try:
            answer = await hook.send(text=text, response_type="ephemeral", replace_original=False)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("response_url failed: %s", type(exc).__name__)
            return False
        return answer.status_code == 200
