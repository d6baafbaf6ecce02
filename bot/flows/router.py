"""One entry point for everything a customer sends, on any platform.

`Conversations.handle` takes what the adapter translated, works out who it is and where they
are, runs the right flow, and then, in one transaction, stores the conversation's state and
writes every reply to the outbox (so replies and status pushes reach the chat in one order, and
a crash loses neither).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.flows import actions
from bot.flows.engine import Deps, FileFetcher, Flow, FlowEngine, Session
from bot.flows.io import SAY_EVENT, Command, Input, Press, Say, say_to_payload
from bot.flows.menu import show_menu
from bot.flows.report import REPORT
from bot.flows.state import ConversationState, conversation_key
from bot.i18n import Translator, pick_language
from core.commands import SeeIdentity
from core.model import Audience, ChatIdentity, OutboxMessage, Platform
from core.services.identities import see_identity

log = logging.getLogger(__name__)


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
    def __init__(self, deps: Deps, flows: tuple[Flow, ...] = (REPORT,)) -> None:
        self.deps = deps
        self.engine = FlowEngine(flows)

    async def handle(self, inbound: Inbound, files: FileFetcher | None = None) -> list[Say]:
        session = await self._session(inbound, files)
        await self._dispatch(session, inbound.input)
        await self._finish(session)
        return session.out

    # -- who and where ---------------------------------------------------------------------------

    async def _session(self, inbound: Inbound, files: FileFetcher | None) -> Session:
        deps = self.deps
        identity = await see_identity(
            SeeIdentity(
                platform=inbound.platform,
                platform_user_id=inbound.platform_user_id,
                chat_id=inbound.chat_id,
                display_name=inbound.display_name,
                language_code=inbound.language_code,
            ),
            deps.uow_factory(),
            deps.ctx,
        )
        async with deps.uow_factory(read_only=True) as uow:
            user = await uow.users.get(identity.user_id) if identity.user_id else None
            company = await uow.companies.get(user.company_id) if user else None
            stored = await uow.conversations.get(
                conversation_key(identity.platform, identity.chat_id)
            )
        state = ConversationState()
        expired = False
        if stored is not None:
            raw, updated_at = stored
            state = ConversationState.from_json(raw)
            idle = timedelta(minutes=deps.limits.idle_minutes)
            expired = state.flow is not None and deps.ctx.clock.now() - updated_at > idle
        language = user.language if user else pick_language(identity.language_code)
        timezone = company.calendar.timezone if company else "UTC"
        session = Session(
            deps=deps,
            identity=identity,
            user=user,
            company=company,
            state=state,
            t=Translator(language, timezone),
            files=files,
        )
        if expired:
            session.state.leave_flow()
            session.say("flow-expired", minutes=deps.limits.idle_minutes)
        return session

    # -- what to do ------------------------------------------------------------------------------

    async def _dispatch(self, s: Session, received: Input | None) -> None:
        if received is None:
            s.say("unsupported-message")
            return
        if isinstance(received, Press):
            s.pressed_message_id = received.message_id
        if s.user is None:
            # Linking (invites, signed links, self-registration) comes with its own flows.
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
        if await self.engine.handle(s, received):
            if s.state.flow is None:
                show_menu(s, intro="menu-what-next")
            return
        if isinstance(received, Press):
            await self._press(s, received)
            return
        show_menu(s)

    async def _command(self, s: Session, command: Command) -> None:
        if command.name in {"cancel", "menu", "start"}:
            await self.engine.cancel(s)
            show_menu(s)
        elif command.name == "new":
            await self.engine.start(s, REPORT.name)
        else:
            s.say("unknown-command", command=command.name)
            show_menu(s)

    async def _press(self, s: Session, press: Press) -> None:
        action = actions.parse(press.data)
        if action.kind == actions.MENU and action.part(0) == "report":
            await self.engine.start(s, REPORT.name)
        elif action.kind == actions.MENU:
            show_menu(s, replace=True)
        else:
            s.say("button-expired")
            show_menu(s)

    # -- state and replies, together ----------------------------------------------------------

    async def _finish(self, s: Session) -> None:
        now = self.deps.ctx.clock.now()
        async with self.deps.uow_factory() as uow:
            await uow.conversations.put(
                conversation_key(s.identity.platform, s.identity.chat_id), s.state.to_json(), now
            )
            for say in s.out:
                await uow.outbox.add(reply_to(s.identity, say, now))
            await uow.commit()


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
