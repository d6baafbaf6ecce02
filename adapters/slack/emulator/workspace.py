"""Simulated people: they post, reply, edit, upload, click and submit, and the app hears
about it exactly as Slack would tell it. Each person's view can be read back."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from . import mrkdwn, payloads
from .events import Delivery
from .interactivity import apply_message_response
from .methods_views import apply_response_action
from .state import JSON, Ephemeral, File, Message, ResponseUrl, User, View
from .store import Workspace

if TYPE_CHECKING:
    from .server import SlackEmulator


def seed_default(ws: Workspace) -> None:
    """A small support desk: two agents in #support with the bot, two customers."""
    alice = ws.add_user("alice", "Alice Agent", role="agent", title="Support engineer")
    bob = ws.add_user(
        "bob",
        "Bob Agent",
        role="agent",
        tz="America/New_York",
        tz_label="Eastern Time",
        tz_offset=-18000,
    )
    carol = ws.add_user(
        "carol",
        "Carol Customer",
        tz="Europe/London",
        tz_label="Greenwich Mean Time",
        tz_offset=0,
        locale="en-GB",
    )
    dave = ws.add_user("dave", "Dave Kunde", locale="de-DE")
    bot = ws.app.bot_user_id
    ws.add_channel("support", [alice.id, bob.id, bot])
    ws.add_channel("general", [alice.id, bob.id, carol.id, dave.id], general=True)


class Person:
    def __init__(self, emu: SlackEmulator, user: User) -> None:
        self.emu = emu
        self.user = user

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def ws(self) -> Workspace:
        return self.emu.ws

    def __repr__(self) -> str:
        return f"<Person {self.user.name} {self.user.id}>"

    # ------------------------------------------------------------------ messages

    async def post(
        self,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        blocks: list[JSON] | None = None,
    ) -> Message:
        where = self.ws.channel(channel)
        if self.id not in where.members:
            raise PermissionError(f"{self.user.name} is not in #{where.name}; join() first")
        message = Message(
            ts=self.ws.new_ts(),
            channel=where.id,
            text=text,
            user=self.id,
            team=self.ws.team_id,
            client_msg_id=str(uuid.uuid4()),
            blocks=blocks or [mrkdwn.rich_text_block(text, self.ws.ids.new("", 4))],
            thread_ts=thread_ts,
        )
        if thread_ts and broadcast:
            message.subtype = "thread_broadcast"
        self.ws.store(message)
        self.emu.events.message_posted(message)
        return message

    async def reply(self, parent: Message, text: str, *, broadcast: bool = False) -> Message:
        channel = self.ws.channels[parent.channel]
        thread_ts = parent.thread_ts if parent.is_reply else parent.ts
        return await self.post(channel.id, text, thread_ts=thread_ts, broadcast=broadcast)

    async def dm(self, text: str) -> Message:
        """Write to the app in its direct-message conversation."""
        return await self.post(self.ws.open_im(self.id).id, text)

    async def open_app(self, tab: str = "messages") -> None:
        """Open the app in the Slack client: its Messages tab (the DM) or its Home tab."""
        if tab not in ("messages", "home"):
            raise ValueError(f"no such tab: {tab}")
        self.emu.events.app_home_opened(self.user, self.ws.open_im(self.id), tab)

    async def edit(self, message: Message, text: str) -> Message:
        if message.user != self.id:
            raise PermissionError("people can only edit their own messages")
        previous = self.ws.message_json(message)
        message.text = text
        message.blocks = [mrkdwn.rich_text_block(text, self.ws.ids.new("", 4))]
        message.edited = {"user": self.id, "ts": self.ws.new_ts()}
        self.emu.changed()
        self.emu.events.message_changed(previous, message)
        return message

    async def delete(self, message: Message) -> None:
        if message.user != self.id:
            raise PermissionError("people can only delete their own messages")
        previous = self.ws.message_json(message)
        self.ws.remove(message)
        self.emu.events.message_deleted(previous, self.ws.channels[message.channel])

    async def react(self, message: Message, name: str) -> None:
        users = message.reactions.setdefault(name, [])
        if self.id not in users:
            users.append(self.id)
            self.emu.changed()
            self.emu.events.reaction_added(self.user, message, name)

    async def join(self, channel: str, *, inviter: str | None = None) -> None:
        where = self.ws.channel(channel)
        if self.id not in where.members:
            where.members.append(self.id)
            self.emu.changed()
            self.emu.events.member_joined(self.user, where, inviter)

    async def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        comment: str = "",
        thread_ts: str | None = None,
    ) -> Message:
        """Share a file from the Slack client: one `file_share` message with `files[]`."""
        where = self.ws.channel(channel)
        file = File(
            id=self.ws.ids.new("F", 10),
            name=filename,
            title=filename,
            user=self.id,
            created=int(time.time()),
            expected_length=len(content),
            content=content,
            completed=True,
        )
        self.ws.files[file.id] = file
        message = Message(
            ts=self.ws.new_ts(),
            channel=where.id,
            text=comment,
            user=self.id,
            team=self.ws.team_id,
            subtype="file_share",
            files=[file.id],
            thread_ts=thread_ts,
        )
        share: JSON = {"ts": message.ts, "channel_name": where.name, "team_id": self.ws.team_id}
        if thread_ts:
            share["thread_ts"] = thread_ts
        file.shares[where.id] = [share]
        self.ws.store(message)
        self.emu.events.message_posted(message)
        return message

    # ------------------------------------------------------------------ interactions

    async def click(self, target: Message | View, action_id: str, *, value: Any = None) -> Delivery:
        """Press a button (or choose `value` in a select) in a message or an open modal."""
        blocks = target.blocks or []
        element, block_id = _element(blocks, action_id)
        action = payloads.action_for(element, block_id, value)
        if isinstance(target, Message):
            payload = payloads.block_actions(self.ws, self.user, action, message=target)
        else:
            payload = payloads.block_actions(self.ws, self.user, action, view=target)
        return await self.emu.events.interact("interactive", payload)

    async def select(self, target: Message | View, action_id: str, value: str) -> Delivery:
        return await self.click(target, action_id, value=value)

    async def submit(self, values: dict[str, dict[str, Any]] | None = None) -> Delivery:
        """Fill in the top modal (`{block_id: {action_id: value}}`) and press Submit."""
        view = self.top_view
        if view is None:
            raise LookupError(f"{self.user.name} has no modal open")
        state: JSON = {}
        for block_id, entries in (values or {}).items():
            for action_id, value in entries.items():
                element, _ = _element(view.blocks, action_id, block_id)
                state.setdefault(block_id, {})[action_id] = payloads.input_state(element, value)
        view.state_values = state
        delivery = await self.emu.events.interact(
            "interactive", payloads.view_submission(self.ws, self.user, view)
        )
        if delivery.delivered:
            apply_response_action(self.ws, self.id, view, delivery.response())
            self.emu.changed()
        return delivery

    async def close_modal(self) -> Delivery | None:
        """Press Cancel; the app hears `view_closed` only if the view asked for it."""
        view = self.top_view
        if view is None:
            raise LookupError(f"{self.user.name} has no modal open")
        stack = self.ws.view_stacks[self.id]
        cleared = view.clear_on_close
        if cleared:
            stack.clear()
        else:
            stack.pop()
        self.emu.changed()
        if not view.notify_on_close:
            return None
        payload = payloads.view_closed(self.ws, self.user, view, cleared=cleared)
        return await self.emu.events.interact("interactive", payload)

    async def command(self, command: str, text: str = "", *, channel: str = "#support") -> Delivery:
        """Run a slash command; the app's immediate answer is shown as Slack would."""
        where = self.ws.channel(channel)
        payload = payloads.slash_command(self.ws, self.user, where, command, text)
        delivery = await self.emu.events.interact("slash_commands", payload)
        if delivery.delivered:
            target = ResponseUrl("", self.id, where.id, None, None, time.monotonic())
            apply_message_response(self.emu, target, delivery.response(), source="command")
        return delivery

    async def shortcut(self, callback_id: str) -> Delivery:
        payload = payloads.shortcut(self.ws, self.user, callback_id)
        return await self.emu.events.interact("interactive", payload)

    # ------------------------------------------------------------------ what they see

    def messages(self, channel: str) -> list[Message]:
        """The channel as this person sees it: top-level and broadcast messages, oldest first."""
        where = self.ws.channel(channel)
        if self.id not in where.members and where.is_private:
            return []
        return [m for m in where.messages.values() if m.in_history]

    def thread(self, parent: Message) -> list[Message]:
        """The parent followed by its replies, as the thread pane shows them."""
        root = self.ws.message(parent.channel, parent.thread_ts or parent.ts) or parent
        return [root, *self.ws.replies(root.channel, root.ts)]

    @property
    def ephemerals(self) -> list[Ephemeral]:
        return self.ws.ephemerals_for(self.id)

    @property
    def views(self) -> list[View]:
        return self.ws.open_views(self.id)

    @property
    def top_view(self) -> View | None:
        views = self.views
        return views[-1] if views else None

    def pinged_by(self, message: Message) -> bool:
        return self.id in self.ws.pinged(message)


def _element(blocks: list[JSON], action_id: str, block_id: str | None = None) -> tuple[JSON, str]:
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        candidates = list(block.get("elements", [])) if block.get("type") == "actions" else []
        candidates += [block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, str(block.get("block_id", ""))
    raise LookupError(f"no element with action_id {action_id!r}")
