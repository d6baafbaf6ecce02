"""`Workspace`: the one store behind the Web API, the simulated people and the event feed."""

from __future__ import annotations

import time
from collections.abc import Callable

from . import mrkdwn
from .state import (
    JSON,
    AppIdentity,
    Channel,
    Ephemeral,
    File,
    IdGen,
    Message,
    ResponseUrl,
    Trigger,
    TsClock,
    User,
    View,
)


class Workspace:
    def __init__(
        self, *, seed: int = 7, team_name: str = "Acme Support", domain: str = "acme"
    ) -> None:
        self.ids = IdGen(seed)
        self.clock = TsClock()
        self.team_id = self.ids.new("T", 9)
        self.team_name = team_name
        self.domain = domain
        self.base_url = "http://127.0.0.1"  # set by the server once it knows its port
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.files: dict[str, File] = {}
        self.upload_tickets: dict[str, str] = {}  # ticket -> file id
        self.views: dict[str, View] = {}
        self.view_stacks: dict[str, list[str]] = {}  # user id -> open modal view ids
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.ephemerals: list[Ephemeral] = []
        self.on_change: Callable[[], None] = lambda: None
        self.app = AppIdentity(
            app_id=self.ids.new("A", 10),
            bot_id=self.ids.new("B", 10),
            bot_user_id=self.ids.new("U", 10),
            bot_token=f"xoxb-{self.ids.secret(12)}-{self.ids.secret(12)}-{self.ids.secret(24)}",
            app_token=f"xapp-1-{self.ids.new('A', 10)}-{self.ids.secret(13)}-{self.ids.secret(64)}",
            signing_secret=self.ids.secret(32),
            verification_token=self.ids.secret(24),
        )
        self.users[self.app.bot_user_id] = User(
            id=self.app.bot_user_id,
            team_id=self.team_id,
            name=self.app.name,
            real_name="Support Bot",
            display_name="",
            role="bot",
            is_bot=True,
            bot_id=self.app.bot_id,
            app_id=self.app.app_id,
        )

    # ------------------------------------------------------------------ people & places

    @property
    def bot(self) -> User:
        return self.users[self.app.bot_user_id]

    def add_user(
        self, name: str, real_name: str, *, role: str = "customer", **extra: object
    ) -> User:
        user = User(
            id=self.ids.new("U", 10),
            team_id=self.team_id,
            name=name,
            real_name=real_name,
            display_name=str(extra.pop("display_name", real_name.split(" ")[0])),
            role=role,
            email=str(extra.pop("email", f"{name}@example.com")),
        )
        for key, value in extra.items():
            setattr(user, key, value)
        self.users[user.id] = user
        return user

    def add_channel(
        self, name: str, members: list[str], *, private: bool = False, general: bool = False
    ) -> Channel:
        channel = Channel(
            id=self.ids.new("C", 10),  # private channels get C ids too nowadays
            name=name,
            created=int(time.time()),
            creator=members[0] if members else self.app.bot_user_id,
            members=list(dict.fromkeys(members)),
            is_private=private,
            is_general=general,
        )
        self.channels[channel.id] = channel
        return channel

    def user(self, who: str) -> User:
        """A user by id, name or display name (tests read better with names)."""
        if who in self.users:
            return self.users[who]
        for user in self.users.values():
            if who in (user.name, user.display_name, user.real_name):
                return user
        raise KeyError(f"no such user: {who}")

    def find_user_id(self, name: str) -> str | None:
        try:
            return self.user(name).id
        except KeyError:
            return None

    def channel(self, which: str) -> Channel:
        found = self.resolve_channel(which)
        if found is None:
            raise KeyError(f"no such channel: {which}")
        return found

    def resolve_channel(self, arg: str) -> Channel | None:
        """Channel argument as Slack accepts it: an ID, a name with or without '#', or a
        user ID, which means the app's DM with that user."""
        if arg in self.channels:
            return self.channels[arg]
        if arg in self.users and arg != self.app.bot_user_id:
            return self.open_im(arg)
        name = arg.removeprefix("#")
        for channel in self.channels.values():
            if not channel.is_im and channel.name == name:
                return channel
        return None

    def find_channel_id(self, name: str) -> str | None:
        found = self.resolve_channel("#" + name)
        return found.id if found else None

    def open_im(self, user_id: str) -> Channel:
        for channel in self.channels.values():
            if channel.is_im and channel.im_user == user_id:
                return channel
        channel = Channel(
            id=self.ids.new("D", 10),
            name=user_id,
            created=int(time.time()),
            creator=user_id,
            members=[user_id, self.app.bot_user_id],
            is_im=True,
            im_user=user_id,
        )
        self.channels[channel.id] = channel
        return channel

    # ------------------------------------------------------------------ messages

    def new_ts(self) -> str:
        return self.clock.next()

    def store(self, message: Message) -> Message:
        channel = self.channels[message.channel]
        if message.thread_ts and message.thread_ts != message.ts:
            parent = channel.messages.get(message.thread_ts)
            if parent is None or parent.is_reply:
                message.orphan = True
            else:
                parent.thread_ts = parent.ts
                parent.reply_ts.append(message.ts)
                if message.user and message.user not in parent.reply_users:
                    parent.reply_users.append(message.user)
                message.parent_user_id = parent.user
        channel.messages[message.ts] = message
        self.on_change()
        return message

    def message(self, channel_id: str, ts: str) -> Message | None:
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        found = channel.messages.get(ts)
        return None if found is None or found.orphan else found

    def replies(self, channel_id: str, parent_ts: str) -> list[Message]:
        channel = self.channels[channel_id]
        parent = channel.messages[parent_ts]
        return [channel.messages[ts] for ts in parent.reply_ts if ts in channel.messages]

    def remove(self, message: Message) -> None:
        channel = self.channels[message.channel]
        if message.reply_ts and not message.is_reply:
            # Slack keeps a deleted parent that has replies as "This message was deleted."
            message.tombstone = True
            message.text = "This message was deleted."
            message.subtype = "tombstone"
            message.blocks = None
            message.files = []
        else:
            del channel.messages[message.ts]
            if message.is_reply and message.thread_ts in channel.messages:
                parent = channel.messages[message.thread_ts]
                parent.reply_ts = [ts for ts in parent.reply_ts if ts != message.ts]
        self.on_change()

    def rendered(self, message: Message) -> mrkdwn.Rendered:
        texts = [message.text, *mrkdwn.mrkdwn_texts(message.blocks)]
        return mrkdwn.render(
            "\n".join(t for t in texts if t),
            user_name=self._display_name,
            channel_name=self._channel_name,
        )

    def pinged(self, message: Message) -> set[str]:
        """Who a real client would notify for this message."""
        shown = self.rendered(message)
        pinged = {u for u in shown.users if u in self.users}
        if shown.broadcasts:
            pinged.update(self.channels[message.channel].members)
        pinged.discard(message.user or "")
        return pinged

    def _display_name(self, user_id: str) -> str:
        user = self.users.get(user_id)
        return (user.display_name or user.name) if user else user_id

    def _channel_name(self, channel_id: str) -> str:
        channel = self.channels.get(channel_id)
        return channel.name if channel else channel_id

    def permalink(self, channel_id: str, message: Message) -> str:
        link = (
            f"https://{self.domain}.slack.com/archives/{channel_id}/p{message.ts.replace('.', '')}"
        )
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel_id}"
        return link

    # ------------------------------------------------------------------ JSON shapes

    def message_json(self, message: Message, *, with_root: bool = True) -> JSON:
        data: JSON = {"type": "message"}
        if message.subtype:
            data["subtype"] = message.subtype
        data["text"] = message.text
        if message.user:
            data["user"] = message.user
        data["ts"] = message.ts
        if message.tombstone:
            data.update(hidden=True, thread_ts=message.ts)
            self._thread_info(message, data)
            return data
        data["team"] = message.team or self.team_id
        for key in ("bot_id", "app_id", "username", "icons", "bot_profile", "client_msg_id"):
            value = getattr(message, key)
            if value is not None:
                data[key] = value
        if message.blocks is not None:
            data["blocks"] = message.blocks
        if message.attachments is not None:
            data["attachments"] = message.attachments
        if message.metadata is not None:
            data["metadata"] = message.metadata
        if message.files:
            data["files"] = [self.file_json(self.files[f]) for f in message.files]
            data["upload"] = False
            data["display_as_bot"] = False
        if message.edited:
            data["edited"] = message.edited
        if message.reactions:
            data["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in message.reactions.items()
            ]
        if message.thread_ts:
            data["thread_ts"] = message.thread_ts
        if message.is_reply:
            if message.parent_user_id:
                data["parent_user_id"] = message.parent_user_id
            if message.subtype == "thread_broadcast" and with_root:
                parent = self.message(message.channel, message.thread_ts or "")
                if parent is not None:
                    data["root"] = self.message_json(parent, with_root=False)
        elif message.reply_ts:
            self._thread_info(message, data)
        return data

    def _thread_info(self, message: Message, data: JSON) -> None:
        data["reply_count"] = len(message.reply_ts)
        data["reply_users_count"] = len(message.reply_users)
        data["latest_reply"] = message.reply_ts[-1] if message.reply_ts else message.ts
        data["reply_users"] = list(message.reply_users)
        data["is_locked"] = False
        data["subscribed"] = False

    def file_url(self, file: File, *, download: bool) -> str:
        middle = "download/" if download else ""
        return f"{self.base_url}/files-pri/{self.team_id}-{file.id}/{middle}{file.name}"

    def file_json(self, file: File) -> JSON:
        channels = [c for c in file.shares if not self.channels[c].is_private]
        private = [c for c in file.shares if self.channels[c].is_private]
        data: JSON = {
            "id": file.id,
            "created": file.created,
            "timestamp": file.created,
            "name": file.name,
            "title": file.title,
            "mimetype": file.mimetype,
            "filetype": file.filetype,
            "pretty_type": file.filetype.upper(),
            "user": file.user,
            "user_team": self.team_id,
            "editable": False,
            "size": file.size,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": bool(channels),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": self.file_url(file, download=False),
            "url_private_download": self.file_url(file, download=True),
            "media_display_type": "unknown",
            "permalink": f"https://{self.domain}.slack.com/files/{file.user}/{file.id}/{file.name}",
            "permalink_public": f"https://slack-files.com/{self.team_id}-{file.id}-{file.id[-6:]}",
            "comments_count": 0,
            "is_starred": False,
            "shares": {
                "public": {c: file.shares[c] for c in channels if not self.channels[c].is_im},
                "private": {c: file.shares[c] for c in private},
            },
            "channels": [c for c in channels if not self.channels[c].is_im],
            "groups": private,
            "ims": [c for c in file.shares if self.channels[c].is_im],
            "has_more_shares": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }
        if file.alt_txt:
            data["alt_txt"] = file.alt_txt
        return data

    # ------------------------------------------------------------------ people's views

    def ephemerals_for(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.ephemerals if e.user == user_id]

    def open_views(self, user_id: str) -> list[View]:
        return [self.views[v] for v in self.view_stacks.get(user_id, [])]

    def new_trigger(self, user_id: str) -> str:
        trigger_id = f"{int(time.time() * 1000)}.{self.team_id[1:]}.{self.ids.secret(32)}"
        self.triggers[trigger_id] = Trigger(trigger_id, user_id, time.monotonic())
        return trigger_id

    def new_response_url(
        self,
        kind: str,
        user_id: str,
        channel_id: str | None,
        message_ts: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        token = f"{self.ids.new('', 12)}/{self.ids.secret(24)}"
        self.response_urls[token] = ResponseUrl(
            token, user_id, channel_id, message_ts, thread_ts, time.monotonic()
        )
        return f"{self.base_url}/{kind}/{self.team_id}/{token}"
