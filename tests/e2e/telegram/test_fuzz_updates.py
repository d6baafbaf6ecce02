"""Property-based fuzzing of the Telegram inbound path through the real stack: an update, as
JSON in the inbox, through the inbox processor, python-telegram-bot's parsing, the adapter's
translation and the conversations, on SQLite.

Updates arrive from Telegram's servers (or, with a webhook, from whoever knows the secret), so
what is fuzzed is what a broken client, a Bot API change or a forged webhook call could hand
over: real update shapes with keys dropped, values of the wrong type, oversized texts and
callback data. Whatever comes in, the event is settled on its first handling (answered or
ignored, never retried as a failure), the processor survives, and no ticket is half-written.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot

from adapters.telegram.callbacks import CallbackSigner
from bot.flows.engine import Deps
from bot.flows.registry import build_conversations
from bot.inbound import InboxProcessor
from bot.telegram import TelegramInbox
from core.context import Context
from core.model import InboxEvent, Platform
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWorkFactory
from tests.fuzzing import mutated

_ids = itertools.count(1)
_USER = {"id": 4242, "is_bot": False, "first_name": "Fuzz", "language_code": "pl"}
_CHAT = {"id": 4242, "type": "private", "first_name": "Fuzz"}


def _templates(signer: CallbackSigner) -> list[dict[str, Any]]:
    message = {"message_id": 7, "date": 1_700_000_000, "chat": _CHAT, "from": _USER}
    return [
        {"message": {**message, "text": "/start"}},
        {"message": {**message, "text": "/start inv_AAAAAAAAAAAAAAAAAAAAAAAA"}},
        {"message": {**message, "text": "Hello", "reply_to_message": {**message}}},
        {"edited_message": {**message, "text": "edited", "edit_date": 1_700_000_100}},
        {
            "message": {
                **message,
                "caption": "a file",
                "document": {
                    "file_id": "F",
                    "file_unique_id": "U",
                    "file_name": "../../etc/passwd",
                    "file_size": 10,
                },
            }
        },
        {
            "message": {
                **message,
                "photo": [{"file_id": "P", "file_unique_id": "Q", "width": 1, "height": 1}],
                "media_group_id": "G1",
            }
        },
        {
            "message": {
                **message,
                "contact": {"phone_number": "+48600", "first_name": "F", "user_id": 4242},
            }
        },
        {
            "callback_query": {
                "id": "cb1",
                "from": _USER,
                "chat_instance": "ci",
                "data": signer.sign("m:report"),
                "message": {**message, "text": "menu"},
            }
        },
        {
            "callback_query": {
                "id": "cb2",
                "from": _USER,
                "chat_instance": "ci",
                "data": "t:1:view~AAAAAAAAAAAA",
            }
        },
        {
            "my_chat_member": {
                "chat": _CHAT,
                "from": _USER,
                "date": 1,
                "old_chat_member": {"status": "member", "user": _USER},
                "new_chat_member": {"status": "kicked", "user": _USER, "until_date": 0},
            }
        },
        {"message": {**message, "chat": {"id": -100, "type": "group", "title": "G"}, "text": "hi"}},
    ]


@pytest.fixture
def inbox(
    bot: Bot, uow_factory: SqlUnitOfWorkFactory, file_store: LocalFileStore, signer: CallbackSigner
) -> InboxProcessor:
    deps = Deps(uow_factory=uow_factory, ctx=Context.system(), file_store=file_store)
    handler = TelegramInbox(bot, build_conversations(deps), signer, None, uow_factory)
    return InboxProcessor(
        uow_factory, {Platform.TELEGRAM: handler}, deps.ctx.clock, album_quiet=0, pace=None
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_any_malformed_update_is_settled_on_first_handling(
    data: st.DataObject,
    inbox: InboxProcessor,
    uow_factory: SqlUnitOfWorkFactory,
    signer: CallbackSigner,
) -> None:
    template = data.draw(st.sampled_from(_templates(signer)))
    update_id = next(_ids)
    payload = {"update_id": update_id, **data.draw(mutated(template))}
    event = InboxEvent(Platform.TELEGRAM, f"fuzz-{update_id}", payload, datetime.now(UTC))
    async with uow_factory() as uow:
        await uow.inbox.add_if_new(event)
        await uow.commit()
    await inbox.run_once()
    await inbox.drain()
    async with uow_factory(read_only=True) as uow:
        settled = await uow.inbox.get(event.id)
        tickets = (await uow.tickets.count_by_status()).values()
    assert settled is not None
    assert settled.last_error is None, settled.last_error
    assert settled.processed_at is not None
    assert sum(tickets) == 0, "nobody unlinked can open a ticket"
