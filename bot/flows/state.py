"""Where a chat is in its conversation with the bot, stored so it survives a restart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.model import ChatIdentity, Company, CustomerUser, Platform, Ticket
from core.ports import UnitOfWork

TicketRef = tuple[uuid.UUID, int]  # a ticket's id and number, without the ticket


def ref_of(ticket: Ticket | TicketRef) -> TicketRef:
    return (ticket.id, ticket.number) if isinstance(ticket, Ticket) else ticket


@dataclass
class ConversationState:
    flow: str | None = None  # the flow under way, None at the main menu
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # the flow's answers so far (JSON-safe)
    back: list[str] = field(default_factory=list)  # steps visited, for Back
    ticket_number: int | None = None  # the ticket the person chose to talk on
    ticket_id: str | None = None  # and its id (states written before it have the number only)
    # The last "added to #N" confirmation: which ticket, when (ISO time). A run of messages to
    # one ticket is confirmed once, not message by message (bot.flows.tickets.talk).
    confirmed: tuple[int, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "back": self.back,
            "ticket_number": self.ticket_number,
            "ticket_id": self.ticket_id,
            "confirmed": list(self.confirmed) if self.confirmed else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ConversationState:
        return cls(
            flow=raw.get("flow"),
            step=raw.get("step"),
            data=dict(raw.get("data") or {}),
            back=list(raw.get("back") or []),
            ticket_number=raw.get("ticket_number"),
            ticket_id=raw.get("ticket_id"),
            confirmed=_confirmed(raw.get("confirmed")),
        )

    def choose(self, ticket: Ticket | TicketRef | None) -> None:
        """The ticket the person talks on from now on (None: none chosen)."""
        if ticket is None:
            self.ticket_number = self.ticket_id = None
            return
        ticket_id, self.ticket_number = ref_of(ticket)
        self.ticket_id = str(ticket_id)

    def chosen_ref(self) -> TicketRef | None:
        """The chosen ticket's id and number, when both are known."""
        if self.ticket_number is None or self.ticket_id is None:
            return None
        try:
            return uuid.UUID(self.ticket_id), self.ticket_number
        except ValueError:
            return None

    def leave_flow(self) -> None:
        self.flow, self.step, self.data, self.back = None, None, {}, []


def _confirmed(raw: Any) -> tuple[int, str] | None:
    if isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], int):
        return raw[0], str(raw[1])
    return None


def conversation_key(platform: Platform, chat_id: str) -> str:
    return f"{platform}:{chat_id}"


class ConversationRepository(Protocol):
    async def chat(
        self, platform: Platform, platform_user_id: str, key: str
    ) -> tuple[
        ChatIdentity | None,
        CustomerUser | None,
        Company | None,
        tuple[dict[str, Any], datetime] | None,
    ]:
        """The identity by its platform user id, its linked user and their company, and the
        state stored under `key`."""

    async def get(self, key: str) -> tuple[dict[str, Any], datetime] | None: ...
    async def put(self, key: str, state: dict[str, Any], now: datetime) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def file_keys_since(self, since: datetime) -> set[str]:
        """The stored files' keys held by states written since `since`."""
        ...


class BotUnitOfWork(UnitOfWork, Protocol):
    @property
    def conversations(self) -> ConversationRepository: ...


class BotUnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> BotUnitOfWork: ...
