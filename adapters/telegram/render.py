"""A `Say` as the Telegram messages to post: text parts, files, keyboards. Pure planning;
`posting.post` makes the calls.

A Telegram message carries at most one keyboard, and the two kinds behave differently: an
inline keyboard belongs to its message, a reply keyboard (the "share my phone number" button,
or its removal) to the chat. So reply-keyboard changes ride on the first message of a Say and
inline buttons on the last. A Say that would be a single message but needs both is split at
its last line break; a one-line Say gets an extra message: the contact button's label (after
the text, right above the keyboard it names), or for a removal a message that is deleted again
at once, since the removal takes effect when the message arrives.

Only messages without a reply keyboard can be edited (Bot API, "Updating messages"), so a Say
that changes the reply keyboard is always posted anew, even with `replace_message_id`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.markup import CAPTION_LIMIT, clean_html, split_html, tokenize, visible_length
from bot.flows.io import Keyboard, Say
from core.model import Attachment

__all__ = ["Outgoing", "inline_keyboard", "plan"]

ChatKeyboard = ReplyKeyboardMarkup | ReplyKeyboardRemove
REMOVAL_CARRIER = "⌨️"  # shown for an instant only: the message is deleted right away


@dataclass(frozen=True, eq=False)  # PTB markups warn when compared
class Outgoing:
    """One message to post (or edit)."""

    text: str  # Telegram HTML; for a file, its caption ("" for none)
    attachment: Attachment | None = None
    markup: InlineKeyboardMarkup | ChatKeyboard | None = None
    edit_message_id: int | None = None  # edit this bot message instead, if Telegram lets us
    delete_after: bool = False  # a carrier for a keyboard removal, deleted once sent


def inline_keyboard(buttons: Keyboard, signer: CallbackSigner) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(button.label, url=button.url)
            if button.url
            else InlineKeyboardButton(button.label, callback_data=signer.sign(button.data))
            for button in row
        ]
        for row in buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def chat_keyboard(say: Say) -> ChatKeyboard | None:
    if say.ask_contact:
        # One-time: it folds away once used, and the next Say may remove it for good.
        return ReplyKeyboardMarkup(
            [[KeyboardButton(say.ask_contact, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if say.clear_reply_keyboard:
        return ReplyKeyboardRemove()
    return None


def plan(
    say: Say, signer: CallbackSigner, attachments: Sequence[Attachment] = ()
) -> list[Outgoing]:
    """The messages for `say`, in order; attachments are the Say's, already loaded."""
    inline = inline_keyboard(say.buttons, signer)
    chat = chat_keyboard(say)
    text = clean_html(say.text)
    caption = text if attachments and _fits_caption(text) else ""
    messages = [Outgoing(part) for part in ([] if caption else split_html(text))]
    messages += [
        Outgoing(caption if index == 0 else "", attachment)
        for index, attachment in enumerate(attachments)
    ]
    if inline is not None and chat is not None and len(messages) == 1:
        return _both_keyboards(messages[0], say, inline, chat)
    if not messages:
        return []  # nothing to show: Telegram refuses empty messages
    if say.replace_message_id and chat is None and messages[0].attachment is None:
        messages[0] = replace(messages[0], edit_message_id=int(say.replace_message_id))
    if chat is not None:
        messages[0] = replace(messages[0], markup=chat)
    if inline is not None:
        messages[-1] = replace(messages[-1], markup=inline)
    return messages


def _fits_caption(text: str) -> bool:
    return 0 < visible_length(tokenize(text)[0]) <= CAPTION_LIMIT


def _both_keyboards(
    only: Outgoing, say: Say, inline: InlineKeyboardMarkup, chat: ChatKeyboard
) -> list[Outgoing]:
    """Room for both keyboards when a Say would be one message (see the module doc)."""
    if only.attachment is None:
        head, _, tail = only.text.rpartition("\n")
        # A line break inside <pre> or a link would leave a tag open on each side: no cut.
        whole = not tokenize(head)[1] and not tokenize(tail)[1]
        parts = split_html(head) + split_html(tail) if whole else []
        if len(parts) == 2:
            return [Outgoing(parts[0], markup=chat), Outgoing(parts[1], markup=inline)]
    if say.ask_contact:
        label = html.escape(say.ask_contact, quote=False)
        return [replace(only, markup=inline), Outgoing(label, markup=chat)]
    carrier = Outgoing(REMOVAL_CARRIER, markup=chat, delete_after=True)
    return [carrier, replace(only, markup=inline)]
