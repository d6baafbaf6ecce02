"""Text messages, edits, deletes, callback answers, chat actions and bot commands."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import bad_request
from .outgoing import (
    apply_markup,
    editable_message,
    link_preview,
    new_bot_message,
    not_modified,
    read_caption,
    read_inline_markup,
    read_text,
    target_chat,
)
from .params import Params
from .state import World

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member",
    }
)  # fmt: skip


async def get_me(world: World, p: Params) -> Any:
    return world.bot.get_me()


async def send_message(world: World, p: Params) -> Any:
    chat = target_chat(world, p)
    text, entities = read_text(world, p)
    message = new_bot_message(world, chat, p)
    message["text"] = text
    if entities:
        message["entities"] = entities
    preview = link_preview(p)
    if preview is not None:
        message["link_preview_options"] = preview
    apply_markup(chat, message, p)
    return world.store(chat, message)


async def edit_message_text(world: World, p: Params) -> Any:
    _chat, message = editable_message(world, p, need_text=True)
    text, entities = read_text(world, p)
    # Telegram drops an inline keyboard that the edit does not repeat.
    markup = read_inline_markup(p)
    if (
        text == message["text"]
        and entities == message.get("entities", [])
        and markup == message.get("reply_markup")
    ):
        raise not_modified()
    message["text"] = text
    _set_or_drop(message, "entities", entities)
    _set_or_drop(message, "reply_markup", markup)
    preview = link_preview(p)
    if preview is not None:
        message["link_preview_options"] = preview
    return _edited(world, message)


async def edit_message_caption(world: World, p: Params) -> Any:
    _chat, message = editable_message(world, p, need_text=False)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = read_caption(world, p)
    markup = read_inline_markup(p)
    if (
        caption == message.get("caption")
        and entities == message.get("caption_entities", [])
        and markup == message.get("reply_markup")
    ):
        raise not_modified()
    _set_or_drop(message, "caption", caption)
    _set_or_drop(message, "caption_entities", entities)
    _set_or_drop(message, "reply_markup", markup)
    return _edited(world, message)


async def edit_message_reply_markup(world: World, p: Params) -> Any:
    _chat, message = editable_message(world, p, need_text=False)
    markup = read_inline_markup(p)
    if markup == message.get("reply_markup"):
        raise not_modified()
    _set_or_drop(message, "reply_markup", markup)
    return _edited(world, message)


def _set_or_drop(message: dict[str, Any], key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _edited(world: World, message: dict[str, Any]) -> Any:
    message["edit_date"] = world.now()
    world.touch()
    return message


async def delete_message(world: World, p: Params) -> Any:
    chat = target_chat(world, p)
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    if chat.get(message_id) is None:
        raise bad_request("message to delete not found")
    chat.deleted.add(message_id)
    world.touch()
    return True


async def answer_callback_query(world: World, p: Params) -> Any:
    query_id = p.get_str("callback_query_id") or ""
    record = world.callbacks.get(query_id)
    if record is None or record.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answer = {
        "text": text,
        "show_alert": p.get_bool("show_alert"),
        "url": p.get_str("url"),
        "cache_time": p.get_int("cache_time") or 0,
    }
    world.touch()
    return True


async def send_chat_action(world: World, p: Params) -> Any:
    chat = target_chat(world, p)
    action = p.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_actions.append(action)
    world.touch()
    return True


async def get_chat(world: World, p: Params) -> Any:
    chat = world.chats.get(p.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}


async def set_my_commands(world: World, p: Params) -> Any:
    key = _checked_commands_key(world, p)
    commands = p.get_json("commands", "commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    stored: list[dict[str, str]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", "")).lstrip("/")
        description = str(command.get("description", ""))
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description must be non-empty")
        stored.append({"command": name, "description": description})
    if stored:
        world.commands[key] = stored
    else:
        world.commands.pop(key, None)
    return True


async def get_my_commands(world: World, p: Params) -> Any:
    return world.commands.get(_checked_commands_key(world, p), [])


async def delete_my_commands(world: World, p: Params) -> Any:
    world.commands.pop(_checked_commands_key(world, p), None)
    return True


def _checked_commands_key(world: World, p: Params) -> tuple[str, str]:
    scope = p.get_json("scope", "BotCommandScope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope:
        try:
            chat_id = int(scope["chat_id"])
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id not in world.chats:
            raise bad_request("chat not found")
        scope = {**scope, "chat_id": chat_id}
    language = p.get_str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2,3}", language):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True), language
