"""What every method that posts or changes a bot message shares: finding the chat, checking
that the bot may write there, reading text/caption, keyboards and reply parameters.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    BOT_BLOCKED,
    CANT_INITIATE,
    CHAT_NOT_FOUND,
    NOT_MODIFIED,
    ApiError,
    bad_request,
    forbidden,
)
from .formatting import format_text
from .params import Params
from .state import ChatRecord, Message, World, snapshot
from .text_common import Entity

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64

# Inline button fields Telegram echoes back in Message.reply_markup.
_INLINE_BUTTON_FIELDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def chat_for_bot(world: World, chat_id: int) -> ChatRecord:
    """The chat ``chat_id`` names, if the bot may write there; else Telegram's error."""
    chat = world.chats.get(chat_id)
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    if chat.user is not None:
        if chat.blocked:
            raise forbidden(BOT_BLOCKED)
        if not chat.started:
            raise forbidden(CANT_INITIATE)
    return chat


def target_chat(world: World, p: Params) -> ChatRecord:
    return chat_for_bot(world, p.chat_id())


def read_text(world: World, p: Params, field: str = "text") -> tuple[str, list[Entity]]:
    """``text`` with ``parse_mode`` / ``entities`` applied and its length checked."""
    raw = p.get_str(field)
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    entities = p.get_json("entities")
    plain, parsed = format_text(
        raw, p.get_str("parse_mode"), _entity_list(entities), world.lookup_user
    )
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return plain, parsed


def read_caption(world: World, p: Params) -> tuple[str | None, list[Entity]]:
    raw = p.get_str("caption")
    if not raw:
        return None, []
    entities = p.get_json("caption_entities")
    plain, parsed = format_text(
        raw, p.get_str("parse_mode"), _entity_list(entities), world.lookup_user
    )
    if len(plain) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return (plain or None), parsed


def caption_from_item(world: World, item: dict[str, Any]) -> tuple[str | None, list[Entity]]:
    """The caption of one ``InputMedia`` of an album."""
    return read_caption(world, Params({k: v for k, v in item.items() if k != "media"}))


def _entity_list(value: Any) -> list[Entity] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise bad_request("can't parse entities JSON object")
    return value


def new_bot_message(world: World, chat: ChatRecord, p: Params) -> Message:
    """The common head of a message the bot sends: ids, sender, chat, date, reply."""
    message: Message = {
        "message_id": chat.allocate_message_id(),
        "from": world.bot.to_api(),
        "chat": chat.to_api(),
        "date": world.now(),
    }
    replied = replied_message(chat, p)
    if replied is not None:
        message["reply_to_message"] = snapshot(replied)
    return message


def replied_message(chat: ChatRecord, p: Params) -> Message | None:
    """The message ``reply_parameters`` (or the legacy ``reply_to_message_id``) points at."""
    params = p.get_json("reply_parameters", "reply parameters")
    if params is not None:
        if not isinstance(params, dict) or "message_id" not in params:
            raise bad_request("can't parse reply parameters JSON object")
        message_id = params["message_id"]
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if params.get("chat_id") not in (None, chat.id, str(chat.id)):
            raise bad_request("message to be replied not found")
    else:
        message_id = p.get_int("reply_to_message_id")
        allow_missing = p.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
    try:
        found = chat.get(int(message_id))
    except (TypeError, ValueError):
        raise bad_request("message to be replied not found") from None
    if found is None and not allow_missing:
        raise bad_request("message to be replied not found")
    return found


def apply_markup(chat: ChatRecord, message: Message, p: Params) -> None:
    """Validate ``reply_markup``; inline keyboards go on the message, others on the chat."""
    markup = read_markup(p)
    if markup is None:
        return
    if "inline_keyboard" in markup:
        message["reply_markup"] = markup
        return
    chat.keyboard_messages.add(message["message_id"])
    if "keyboard" in markup:
        chat.reply_keyboard = markup
        chat.force_reply = False
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    elif markup.get("force_reply"):
        chat.force_reply = True


def read_markup(p: Params) -> dict[str, Any] | None:
    value = p.get_json("reply_markup", "reply keyboard markup")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in value:
        return {"inline_keyboard": _inline_keyboard(value["inline_keyboard"])}
    if "keyboard" in value:
        return _reply_keyboard(value)
    if value.get("remove_keyboard") or value.get("force_reply"):
        return value
    raise bad_request("object expected as reply markup")


def read_inline_markup(p: Params) -> dict[str, Any] | None:
    markup = read_markup(p)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _inline_keyboard(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    out: list[list[dict[str, Any]]] = []
    for row in rows:
        out_row: list[dict[str, Any]] = []
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            kept = {"text": button["text"]}
            for name in _INLINE_BUTTON_FIELDS:
                if name in button:
                    kept[name] = button[name]
            if len(kept) == 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = kept.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            out_row.append(kept)
        out.append(out_row)
    return out


def _reply_keyboard(value: dict[str, Any]) -> dict[str, Any]:
    rows = value["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    keyboard: list[list[dict[str, Any]]] = []
    for row in rows:
        out_row: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            out_row.append(dict(button))
        keyboard.append(out_row)
    return {**value, "keyboard": keyboard}


def link_preview(p: Params) -> dict[str, Any] | None:
    options = p.get_json("link_preview_options", "link preview options")
    if options is not None:
        if not isinstance(options, dict):
            raise bad_request("can't parse link preview options JSON object")
        return options
    if p.get_bool("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


def editable_message(world: World, p: Params, need_text: bool) -> tuple[ChatRecord, Message]:
    """The bot's own message named by chat_id + message_id, for edit methods."""
    if p.get_str("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat = target_chat(world, p)
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.get(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message.get("from", {}).get("id") != world.bot.id:
        raise bad_request("message can't be edited")
    if message_id in chat.keyboard_messages:
        raise bad_request("message can't be edited")
    if need_text and "text" not in message:
        raise bad_request("there is no text in the message to edit")
    return chat, message


def not_modified() -> ApiError:
    return bad_request(NOT_MODIFIED)
