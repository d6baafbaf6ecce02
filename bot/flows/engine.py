"""The conversation engine: flows are data (named steps), steps are two small functions.

A step `ask`s (says its question, or returns the name of a step to go to instead, which is how
a step skips itself), then `answer`s each input: it returns the next step's name, `DONE` when the
flow is over, `HAND_BACK` when the input is not meant for it (the router then handles it as if
no flow were under way), or `None` to stay (it has already said why, e.g. "subject too long").
Back and Cancel work on every step without the step knowing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.flows import actions
from bot.flows.held import LineUnits
from bot.flows.io import Button, Compose, Input, Keyboard, Press, Say
from bot.flows.state import BotUnitOfWork, BotUnitOfWorkFactory, ConversationState
from bot.i18n import Translator, Value
from bot.metrics import flow_event
from core.actors import CustomerActor
from core.context import Context
from core.errors import DomainError
from core.filetypes import FileTypePolicy
from core.model import ChatIdentity, Company, CustomerUser, Platform, Role
from core.ports import FileStore, Mailer, StoredFile

DONE = "__done__"
# Not an answer to this step: the flow ends and the input is handled as if none were under way.
HAND_BACK = "__hand_back__"


class FetchRefused(Exception):
    """A file the bot will not take; `reason` is a text id for the person."""

    def __init__(self, reason: str, **params: Value) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class FetchedFile:
    stored: StoredFile
    file_name: str
    mime_type: str


class FileFetcher(Protocol):
    """The platform's way to stream a person's file into the file store."""

    async def fetch(self, file: Any, max_bytes: int) -> FetchedFile: ...


@dataclass(frozen=True)
class FlowLimits:
    max_attachments: int = 10
    max_attachment_bytes: int = 25 * 1024 * 1024
    idle_minutes: int = 30  # a flow left alone longer than this is dropped, with a note
    file_types: FileTypePolicy = field(default_factory=FileTypePolicy)

    @property
    def max_attachment_mb(self) -> int:
        """The size limit as people are told it."""
        return self.max_attachment_bytes // 2**20


class StartLinks(Protocol):
    """How a person opens the bot with a payload (Telegram: https://t.me/<bot>?start=<payload>)."""

    def start_link(self, platform: Platform, payload: str) -> str: ...


@dataclass
class Deps:
    """What flows may use: the core's services go through these."""

    uow_factory: BotUnitOfWorkFactory
    ctx: Context
    file_store: FileStore
    limits: FlowLimits = field(default_factory=FlowLimits)
    mailer: Mailer | None = None  # None: e-mail is not configured (registration says so)
    links: StartLinks | None = None
    link_secret: bytes = b""  # HMAC key for vendor-signed links (empty: signed links are off)


@dataclass
class Session:
    """One input being handled for one chat: who, where, state, and what to say back."""

    deps: Deps
    identity: ChatIdentity
    user: CustomerUser | None
    company: Company | None
    state: ConversationState
    t: Translator
    files: FileFetcher | None = None
    out: list[Say] = field(default_factory=list)
    pressed_message_id: str | None = None  # the bot message whose button was pressed
    # The state as stored when this input arrived (canonical JSON, so that later changes to
    # the live state cannot reach it) and when it was stored; None for a new chat.
    stored: tuple[str, datetime] | None = None

    @property
    def platform(self) -> Platform:
        return self.identity.platform

    @property
    def actor(self) -> CustomerActor:
        if self.user is None:
            raise RuntimeError("this chat is not linked to a user")
        return CustomerActor(self.user.id)

    @property
    def is_super_user(self) -> bool:
        return self.user is not None and self.user.role is Role.SUPER_USER

    def text(self, message_id: str, **params: Value) -> str:
        return self.t.html(message_id, **params)

    def say(
        self,
        message_id: str,
        *,
        buttons: Keyboard = (),
        replace: bool = False,
        ask_contact: str | None = None,
        compose: bool = False,
        clear_reply_keyboard: bool = False,
        ticket_number: int | None = None,
        params: Mapping[str, Value] | None = None,
        **more_params: Value,
    ) -> None:
        self.out.append(
            Say(
                self.t.html(message_id, **{**(params or {}), **more_params}),
                buttons=buttons,
                replace_message_id=self.pressed_message_id if replace else None,
                ask_contact=self.text(ask_contact) if ask_contact else None,
                compose=self.compose_form() if compose else None,
                clear_reply_keyboard=clear_reply_keyboard,
                ticket_number=ticket_number,
            )
        )

    def compose_form(self) -> Compose:
        """The texts of a form for a long answer (platforms with forms offer it)."""
        return Compose(
            self.t("compose-button"),
            self.t("compose-title"),
            self.t("compose-submit"),
            self.t("compose-label"),
        )

    def say_error(self, error: DomainError) -> None:
        """A refusal from the core, in the person's language (texts `error-<code>`)."""
        message_id = f"error-{error.code}"
        if not self.t.has(message_id):
            message_id = "error-generic"
        # An error carries what any of its texts might want; each text takes what it uses.
        used = self.t.uses(message_id)
        self.say(message_id, params={k: v for k, v in error.params.items() if k in used})

    def emit(self, say: Say) -> None:
        self.out.append(say)

    def button(self, message_id: str, data: str, **params: Value) -> Button:
        return Button(self.text(message_id, **params), data)

    def nav_row(self, back: bool = True) -> tuple[Button, ...]:
        row = [self.button("button-back", actions.BACK)] if back else []
        row.append(self.button("button-cancel", actions.CANCEL))
        return tuple(row)

    def last_unit(self) -> BotUnitOfWork:
        """A unit of work for the line's last command: its commit is the line's finish's
        (bot.flows.held), which saves a transaction. Any later unit commits it first."""
        factory = self.deps.uow_factory
        return factory.hold() if isinstance(factory, LineUnits) else factory()

    def draft_id(self) -> uuid.UUID:
        """An id fixed for the flow's lifetime: what its final command uses to be idempotent."""
        if "draft_id" not in self.state.data:
            self.state.data["draft_id"] = str(uuid.uuid4())
        return uuid.UUID(str(self.state.data["draft_id"]))


Ask = Callable[[Session], Awaitable[str | None]]
Answer = Callable[[Session, Input], Awaitable[str | None]]


@dataclass(frozen=True)
class Step:
    ask: Ask
    answer: Answer


@dataclass(frozen=True)
class Flow:
    name: str
    first: str
    steps: dict[str, Step]
    on_cancel: Callable[[Session], Awaitable[None]] | None = None
    menu_after: bool = True  # one-question flows say enough themselves


class FlowEngine:
    def __init__(self, flows: Sequence[Flow]) -> None:
        self.flows = {flow.name: flow for flow in flows}

    async def start(self, session: Session, name: str) -> None:
        flow_event(session.state.flow, "interrupted")
        flow_event(name, "started")
        session.state.leave_flow()
        session.state.flow = name
        await self._enter(session, self.flows[name].first)

    async def handle(self, session: Session, received: Input) -> bool:
        """Feed an input to the flow under way; False when no flow is under way."""
        state = session.state
        flow = self.flows.get(state.flow or "")
        if flow is None or state.step not in flow.steps:
            state.leave_flow()
            return False
        if isinstance(received, Press) and received.data == actions.BACK:
            await self._back(session, flow)
            return True
        following = await flow.steps[state.step].answer(session, received)
        if following == HAND_BACK:
            flow_event(state.flow, "interrupted")
            state.leave_flow()
            return False
        if following == DONE:
            flow_event(state.flow, "completed")
            state.leave_flow()
        elif following is not None:
            state.back.append(state.step)
            await self._enter(session, following)
        return True

    async def cancel(self, session: Session) -> bool:
        flow = self.flows.get(session.state.flow or "")
        flow_event(session.state.flow, "cancelled")
        session.state.leave_flow()
        if flow is not None and flow.on_cancel is not None:
            await flow.on_cancel(session)
        return flow is not None

    async def _enter(self, session: Session, step: str) -> None:
        flow = self.flows[session.state.flow or ""]
        for _ in range(len(flow.steps) + 1):
            session.state.step = step
            redirect = await flow.steps[step].ask(session)
            if redirect is None:
                return
            if redirect == DONE:
                flow_event(session.state.flow, "completed")
                session.state.leave_flow()
                return
            step = redirect
        raise RuntimeError(f"flow {flow.name} skips in a circle")

    async def _back(self, session: Session, flow: Flow) -> None:
        state = session.state
        while state.back:
            step = state.back.pop()
            state.step = step
            # A step that skips itself going forward is skipped going back, too.
            if await flow.steps[step].ask(session) is None:
                return
        await self._enter(session, flow.first)
