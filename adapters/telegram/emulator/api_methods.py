"""The table of Bot API methods the emulator implements.

Method names are case-insensitive in the Bot API, so the table is keyed by lower-case name.
Anything not listed answers 404 "Not Found", as Telegram does for unknown methods.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from . import methods_media as media
from . import methods_messages as messages
from . import methods_updates as updates
from .params import Params
from .state import World
from .webhook import WebhookDeliverer

Handler = Callable[[Params], Awaitable[Any]]

_WORLD_METHODS: dict[str, Callable[[World, Params], Awaitable[Any]]] = {
    "getMe": messages.get_me,
    "getChat": messages.get_chat,
    "sendMessage": messages.send_message,
    "editMessageText": messages.edit_message_text,
    "editMessageCaption": messages.edit_message_caption,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "answerCallbackQuery": messages.answer_callback_query,
    "sendChatAction": messages.send_chat_action,
    "setMyCommands": messages.set_my_commands,
    "getMyCommands": messages.get_my_commands,
    "deleteMyCommands": messages.delete_my_commands,
    "sendPhoto": media.send_photo,
    "sendDocument": media.send_document,
    "sendVideo": media.send_video,
    "sendVoice": media.send_voice,
    "sendAudio": media.send_audio,
    "sendVideoNote": media.send_video_note,
    "sendMediaGroup": media.send_media_group,
    "getFile": media.get_file,
}

_UPDATE_METHODS: dict[str, Callable[[World, WebhookDeliverer, Params], Awaitable[Any]]] = {
    "getUpdates": updates.get_updates,
    "setWebhook": updates.set_webhook,
    "deleteWebhook": updates.delete_webhook,
    "getWebhookInfo": updates.get_webhook_info,
}

METHOD_NAMES = tuple(_WORLD_METHODS) + tuple(_UPDATE_METHODS)


def build_method_table(world: World, webhook: WebhookDeliverer) -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for name, handler in _WORLD_METHODS.items():
        table[name.lower()] = partial(handler, world)
    for name, update_handler in _UPDATE_METHODS.items():
        table[name.lower()] = partial(update_handler, world, webhook)
    return table
