"""Who asks for something. Commands carry one; core.policy decides what it may do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerActor:
    """A linked customer user (the adapter resolved the chat identity to this user)."""

    user_id: uuid.UUID


@dataclass(frozen=True)
class AgentActor:
    agent_id: uuid.UUID


@dataclass(frozen=True)
class SystemActor:
    """The engine itself (auto-close, a customer message taking a ticket back in progress) or
    the operator at the shell (invites, companies)."""

    name: str = "system"


Actor = CustomerActor | AgentActor | SystemActor

__all__ = ["Actor", "AgentActor", "CustomerActor", "SystemActor"]
