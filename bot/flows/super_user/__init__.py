"""What only a company's super user does in the chat (seed 003): "send us a message" to support
(`message`), and support access tokens (`tokens`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows.engine import Session
from bot.flows.super_user.message import MESSAGE, MESSAGE_FLOW, start_message
from bot.flows.super_user.tokens import (
    SCREEN_KIND,
    on_token_button,
    show_tokens_from_menu,
    token_data,
)

if TYPE_CHECKING:
    from bot.flows.router import Conversations

__all__ = ["MESSAGE_FLOW", "SCREEN_KIND", "install", "token_data"]


def install(conversations: Conversations) -> None:
    conversations.add_flow(MESSAGE)
    start = conversations.start_flow(MESSAGE_FLOW)

    async def message(s: Session) -> None:
        await start_message(s, start)

    conversations.menu_items["message"] = message
    conversations.menu_items["token"] = show_tokens_from_menu
    conversations.kinds[SCREEN_KIND] = on_token_button
