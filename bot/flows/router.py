"""One entry point for everything a customer sends, on any platform.

`Conversations.handle` takes what the adapter translated, works out who it is and where they
are, runs the right flow or handler, and then, in one transaction, stores the conversation's
state and writes every reply to the outbox (so replies and status pushes reach the chat in one
order, and a crash loses neither).

Features plug in through the registries (`menu_items`, `ticket_verbs`, `kinds`, `commands`,
`unlinked`, `free_input`); `bot.flows.registry.build_conversations` installs them all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.flows import actions
from bot.flows.actions import Action
from bot.flows.engine import Deps, FileFetcher, Flow, FlowEngine, Session
from bot.flows.held import LineUnits
from bot.flows.io import SAY_EVENT, Command, Input, Press, Say, say_to_payload
from bot.flows.menu import show_menu
from bot.flows.state import BotUnitOfWork, ConversationState, conversation_key
from bot.i18n import Translator, pick_language
from bot.metrics import flow_event
from core.commands import SeeIdentity
from core.errors import DomainError
from core.model import Audience, ChatIdentity, OutboxMessage, Platform
from core.services.identities import identity_changes, see_identity

log = logging.getLogger(__name__)

SessionHandler = Callable[[Session], Awaitable[None]]
ActionHandler = Callable[[Session, Action], Awaitable[None]]
CommandHandler = Callable[[Session, Command], Awaitable[None]]
InputHandler = Callable[[Session, Input], Awaitable[None]]
OnCommit = Callable[[BotUnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class Inbound:
    """What an adapter hands over: who wrote, in which chat, and what."""

    platform: Platform
    platform_user_id: str
    chat_id: str
    input: Input | None
    display_name: str | None = None
    language_code: str | None = None


class Conversations:
    def __init__(self, deps: Deps, flows: tuple[Flow, ...] = ()) -> None:
        self.deps = deps
        self.engine = FlowEngine(flows)
        self.menu_items: dict[str, SessionHandler] = {}
        self.ticket_verbs: dict[str, ActionHandler] = {}
        self.kinds: dict[str, ActionHandler] = {}  # other button kinds: lang, list, ...
        self.commands: dict[str, CommandHandler] = {}
        # Someone whose chat is not linked to a user yet (invites, signed links, registration).
        self.unlinked: InputHandler | None = None
        # Text or files outside any flow: a message on one of the person's tickets.
        self.free_input: InputHandler | None = None

    def add_flow(self, flow: Flow) -> None:
        self.engine.flows[flow.name] = flow

    def start_flow(self, name: str) -> SessionHandler:
        async def start(s: Session) -> None:
            await self.engine.start(s, name)

        return start

    async def handle(
        self,
        inbound: Inbound,
        files: FileFetcher | None = None,
        on_commit: OnCommit | None = None,
    ) -> list[Say]:
        """Handle one input. `on_commit` runs inside the transaction that stores the replies
        (the inbox marks its event processed there, so both happen or neither)."""
        session = await self._session(inbound, files)
        line = session.deps.uow_factory
        try:
            try:
                await self._dispatch(session, inbound.input)
            except DomainError as error:
                # The core refused something nobody checked beforehand: say why, keep the state.
                session.say_error(error)
            await self._finish(session, on_commit)
        finally:
            if isinstance(line, LineUnits):
                await line.drop()  # a failure before the finish: the last command goes too
        return session.out

    async def notice(self, inbound: Inbound, message_id: str) -> None:
        """Tell the chat one text, outside whatever it is doing (its state is kept)."""
        session = await self._session(inbound, None)
        session.say(message_id)
        await self._finish(session, None)

    # -- who and where ---------------------------------------------------------------------------

    async def _session(self, inbound: Inbound, files: FileFetcher | None) -> Session:
        deps = self.deps
        seen = SeeIdentity(
            platform=inbound.platform,
            platform_user_id=inbound.platform_user_id,
            chat_id=inbound.chat_id,
            display_name=inbound.display_name,
            language_code=inbound.language_code,
        )
        key = conversation_key(inbound.platform, inbound.chat_id)
        # One read for everything; a write only for a new or changed identity (rare), so
        # messages of different chats don't queue behind each other's write locks.
        async with deps.uow_factory(read_only=True) as uow:
            identity, user, company, stored = await uow.conversations.chat(
                inbound.platform, inbound.platform_user_id, key
            )
        if identity is None or identity_changes(identity, seen):
            identity = await see_identity(seen, deps.uow_factory(), deps.ctx)
        state = ConversationState()
        expired = False
        if stored is not None:
            raw, updated_at = stored
            state = ConversationState.from_json(raw)
            idle = timedelta(minutes=deps.limits.idle_minutes)
            expired = state.flow is not None and deps.ctx.clock.now() - updated_at > idle
        # An unlinked person's own pick (bot.flows.welcome.LANG_KEY) beats their client's.
        chosen = None if user else state.data.get("lang")
        language = user.language if user else pick_language(chosen or identity.language_code)
        timezone = company.calendar.timezone if company else "UTC"
        session = Session(
            # The line's last command may share the finish's transaction (bot.flows.held).
            deps=replace(deps, uow_factory=LineUnits(deps.uow_factory)),
            identity=identity,
            user=user,
            company=company,
            state=state,
            t=Translator(language, timezone),
            files=files,
            stored=None if stored is None else (canonical(stored[0]), stored[1]),
        )
        if expired:
            flow_event(session.state.flow, "expired")
            session.state.leave_flow()
            if chosen:
                session.state.data["lang"] = chosen
            session.say("flow-expired", minutes=deps.limits.idle_minutes)
        return session

    # -- what to do ------------------------------------------------------------------------------

    async def _dispatch(self, s: Session, received: Input | None) -> None:
        if received is None:
            s.say("unsupported-message")
            return
        if isinstance(received, Press):
            s.pressed_message_id = received.message_id
        if s.user is None or (isinstance(received, Command) and received.name == "start"):
            if self.unlinked is not None and (s.user is None or received_args(received)):
                await self.unlinked(s, received)
                return
            if s.user is None:
                s.say("not-linked-yet")
                return
        if isinstance(received, Command):
            await self._command(s, received)
            return
        if isinstance(received, Press) and received.data == actions.CANCEL:
            if not await self.engine.cancel(s):
                s.say("nothing-to-cancel")
            show_menu(s)
            return
        under_way = self.engine.flows.get(s.state.flow or "")
        if await self.engine.handle(s, received):
            if s.state.flow is None and (under_way is None or under_way.menu_after):
                show_menu(s, intro="menu-what-next")
            return
        if isinstance(received, Press):
            await self._press(s, received)
            return
        if self.free_input is not None:
            await self.free_input(s, received)
            return
        show_menu(s)

    async def _command(self, s: Session, command: Command) -> None:
        handler = self.commands.get(command.name)
        if handler is not None:
            await handler(s, command)
        elif command.name in {"cancel", "menu", "start"}:
            await self.engine.cancel(s)
            show_menu(s)
        else:
            s.say("unknown-command", command=command.name)
            show_menu(s)

    async def _press(self, s: Session, press: Press) -> None:
        action = actions.parse(press.data)
        handler: ActionHandler | None = None
        if action.kind == actions.MENU:
            item = self.menu_items.get(action.part(0))
            if item is not None:
                await item(s)
                return
            if action.part(0) == "menu":
                show_menu(s, replace=True)
                return
        elif action.kind == actions.TICKET and action.ticket_number is not None:
            handler = self.ticket_verbs.get(action.part(1))
        else:
            handler = self.kinds.get(action.kind)
        if handler is None:
            s.say("button-expired")
            show_menu(s)
            return
        await handler(s, action)

    # -- state and replies, together ----------------------------------------------------------

    async def _finish(self, s: Session, on_commit: OnCommit | None) -> None:
        now = self.deps.ctx.clock.now()
        state = s.state.to_json()
        line = s.deps.uow_factory
        units = line.last() if isinstance(line, LineUnits) else line()
        async with units as uow:
            if not _unchanged(s, state, now):
                key = conversation_key(s.identity.platform, s.identity.chat_id)
                await uow.conversations.put(key, state, now)
            for say in s.out:
                await uow.outbox.add(reply_to(s.identity, say, now))
            if on_commit is not None:
                await on_commit(uow)
            await uow.commit()


# A state that did not change is not written again (most lines of a conversation on a ticket
# change nothing), unless a flow is under way, whose idle time counts from the last write, or
# the last write is older than this.
REWRITE_UNCHANGED_AFTER = timedelta(hours=1)


def _unchanged(s: Session, state: dict[str, Any], now: datetime) -> bool:
    if s.stored is None or s.state.flow is not None:
        return False
    before, updated_at = s.stored
    return now - updated_at < REWRITE_UNCHANGED_AFTER and canonical(state) == before


def canonical(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, default=str)


def received_args(received: Input) -> bool:
    return isinstance(received, Command) and bool(received.args.strip())


def reply_to(identity: ChatIdentity, say: Say, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        audience=Audience.CUSTOMER,
        platform=identity.platform,
        chat_id=identity.chat_id,
        event_type=SAY_EVENT,
        payload=say_to_payload(say),
        created_at=now,
        next_attempt_at=now,
    )
