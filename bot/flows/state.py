"""Where a chat is in its conversation with the bot, stored so it survives a restart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.model import Platform
from core.ports import UnitOfWork


@dataclass
class ConversationState:
    flow: str | None = None  # the flow under way, None at the main menu
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # the flow's answers so far (JSON-safe)
    back: list[str] = field(default_factory=list)  # steps visited, for Back
    ticket_number: int | None = None  # the ticket the person chose to talk on

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "back": self.back,
            "ticket_number": self.ticket_number,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ConversationState:
        return cls(
            flow=raw.get("flow"),
            step=raw.get("step"),
            data=dict(raw.get("data") or {}),
            back=list(raw.get("back") or []),
            ticket_number=raw.get("ticket_number"),
        )

    def leave_flow(self) -> None:
        self.flow, self.step, self.data, self.back = None, None, {}, []


def conversation_key(platform: Platform, chat_id: str) -> str:
    return f"{platform}:{chat_id}"


class ConversationRepository(Protocol):
    async def get(self, key: str) -> tuple[dict[str, Any], datetime] | None: ...
    async def put(self, key: str, state: dict[str, Any], now: datetime) -> None: ...
    async def delete(self, key: str) -> None: ...


class BotUnitOfWork(UnitOfWork, Protocol):
    @property
    def conversations(self) -> ConversationRepository: ...


class BotUnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> BotUnitOfWork: ...
