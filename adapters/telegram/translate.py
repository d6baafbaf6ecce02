"""Telegram updates in the flows' words (bot.flows.io): pure functions, no network.

Only private chats are conversations. Anything a person sends that the flows cannot take
(stickers, locations, polls, posts in a group) comes back as UNSUPPORTED so the bot can say
what it does understand; what needs no answer at all comes back as None: service messages
(a pin, a timer change), live-location edits, channel posts and updates that name no person
to answer (inline queries, polls), since the bot has no business writing into a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import Chat, ChatMember, Message, MessageEntity, Update, User

from adapters.telegram.callbacks import CallbackSigner
from bot.flows.io import (
    Command,
    Contact,
    Edited,
    FileKind,
    Files,
    IncomingFile,
    Input,
    Press,
    Text,
)

__all__ = ["Inbound", "InboundKind", "translate"]


class InboundKind(StrEnum):
    INPUT = "input"  # `input` holds what the person said
    BAD_BUTTON = "bad_button"  # a press whose data the bot did not sign (or no longer shows)
    BLOCKED = "blocked"  # the person blocked the bot
    UNBLOCKED = "unblocked"  # ... and let it back in
    UNSUPPORTED = "unsupported"  # something the bot does not take, or not in a private chat


@dataclass(frozen=True)
class Inbound:
    update_id: int  # unique per bot: the key for recording the update once (core InboxEvent)
    kind: InboundKind
    platform_user_id: str
    chat_id: str
    chat_type: str  # "private", "group", "supergroup"
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None  # as the person's Telegram app reports it
    input: Input | None = None
    callback_id: str | None = None  # a button press must be answered, whatever its kind


def translate(update: Update, signer: CallbackSigner) -> Inbound | None:
    """What `update` means to the bot, or None when it needs no answer."""
    if update.callback_query is not None:
        return _press(update, signer)
    if update.my_chat_member is not None:
        return _membership(update)
    message = update.message or update.edited_message
    if message is None or message.from_user is None:
        return None
    chat = message.chat
    if chat.type == Chat.CHANNEL:
        return None
    person = _person(update, message.from_user, chat)
    if chat.type != Chat.PRIVATE:
        said_something = message.text is not None or message.effective_attachment is not None
        if update.message is not None and said_something:
            return person(InboundKind.UNSUPPORTED)
        return None
    if update.edited_message is not None:
        text = message.text if message.text is not None else message.caption
        # Other edits (a live location moving) are not something the person said.
        return person(InboundKind.INPUT, Edited(str(message.message_id), text)) if text else None
    said = _input(message, message.from_user)
    if said is not None:
        return person(InboundKind.INPUT, said)
    if message.effective_attachment is not None:
        return person(InboundKind.UNSUPPORTED)
    return None  # a service message: nobody said anything


@dataclass(frozen=True)
class _Who:
    """Who spoke, and where: what every Inbound of one update shares."""

    update_id: int
    user: User
    chat_id: int
    chat_type: str

    def __call__(
        self, kind: InboundKind, said: Input | None = None, callback_id: str | None = None
    ) -> Inbound:
        return Inbound(
            update_id=self.update_id,
            kind=kind,
            platform_user_id=str(self.user.id),
            chat_id=str(self.chat_id),
            chat_type=self.chat_type,
            # python-telegram-bot takes whatever JSON the fields hold: a forged update's
            # "name" may be a list or a number, and must not fail the handling.
            first_name=_text(self.user.first_name) or "",
            last_name=_text(self.user.last_name),
            username=_text(self.user.username),
            language_code=_text(self.user.language_code),
            input=said,
            callback_id=callback_id,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _person(update: Update, user: User, chat: Chat) -> _Who:
    return _Who(update.update_id, user, chat.id, chat.type)


def _press(update: Update, signer: CallbackSigner) -> Inbound:
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is None:
        # A button under an inline-mode message: the bot never makes those.
        person = _Who(update.update_id, query.from_user, query.from_user.id, Chat.PRIVATE)
        return person(InboundKind.BAD_BUTTON, callback_id=query.id)
    person = _person(update, query.from_user, message.chat)
    if message.chat.type != Chat.PRIVATE:
        return person(InboundKind.UNSUPPORTED, callback_id=query.id)
    data = signer.verify(query.data)
    if data is None:
        return person(InboundKind.BAD_BUTTON, callback_id=query.id)
    return person(InboundKind.INPUT, Press(data, str(message.message_id)), callback_id=query.id)


def _membership(update: Update) -> Inbound | None:
    change = update.my_chat_member
    assert change is not None
    old, new = change.old_chat_member.status, change.new_chat_member.status
    person = _person(update, change.from_user, change.chat)
    if change.chat.type == Chat.PRIVATE:
        if new == ChatMember.BANNED:
            return person(InboundKind.BLOCKED)
        if old == ChatMember.BANNED:
            return person(InboundKind.UNBLOCKED)
        return None
    joined = old in (ChatMember.LEFT, ChatMember.BANNED) and new in (
        ChatMember.MEMBER,
        ChatMember.ADMINISTRATOR,
    )
    # Added to a group: say once that the bot works in private chats only.
    return person(InboundKind.UNSUPPORTED) if joined and change.chat.type != Chat.CHANNEL else None


def _input(message: Message, user: User) -> Input | None:
    if message.contact is not None:
        contact = message.contact
        return Contact(contact.phone_number, own=contact.user_id == user.id)
    if message.text is not None:
        return _command(message, message.text) or Text(
            message.text, str(message.message_id), _reply_to(message)
        )
    file = _file(message)
    return Files((file,)) if file is not None else None


def _command(message: Message, text: str) -> Command | None:
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    # Commands are ASCII, so the entity's UTF-16 length is also its length in characters.
    word = text[1 : entity.length]
    name = word.split("@", 1)[0].lower()  # "/start@supportbot" in a client that adds it
    return Command(name, text[entity.length :].strip(), str(message.message_id))


def _reply_to(message: Message) -> str | None:
    replied = message.reply_to_message
    return str(replied.message_id) if replied is not None else None


def _file(message: Message) -> IncomingFile | None:
    if message.photo:
        # Sizes come smallest first, but nothing promises it: take the most pixels.
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return _incoming(message, FileKind.PHOTO, largest.file_id, largest.file_size)
    # An animation also fills `document` (for old clients), so it is looked at first.
    for kind, media in (
        (FileKind.ANIMATION, message.animation),
        (FileKind.VIDEO_NOTE, message.video_note),
        (FileKind.VOICE, message.voice),
        (FileKind.AUDIO, message.audio),
        (FileKind.VIDEO, message.video),
        (FileKind.DOCUMENT, message.document),
    ):
        if media is not None:
            name = getattr(media, "file_name", None)
            mime = getattr(media, "mime_type", None)
            return _incoming(message, kind, media.file_id, media.file_size, name, mime)
    return None


def _incoming(
    message: Message,
    kind: FileKind,
    file_id: str,
    size: int | None,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> IncomingFile:
    return IncomingFile(
        kind=kind,
        file_ref=file_id,
        message_id=str(message.message_id),
        size=size,
        file_name=file_name,
        mime_type=mime_type,
        caption=message.caption or "",
        group_id=message.media_group_id,
        reply_to_message_id=_reply_to(message),
    )
