"""Agents come into being by acting: a support-channel member's first reply, click or command.

Membership is checked by the adapter (Slack knows who is in the channel); here an agent record
is found or created once, even when two of their first actions race each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.model import Agent
from core.ports import UnitOfWorkFactory


async def agent_for_slack_user(
    uow_factory: UnitOfWorkFactory,
    slack_user_id: str,
    display_name: Callable[[], Awaitable[str]],
) -> tuple[Agent, bool]:
    """The Agent of this Slack user, created on first sight; also whether it was created now.

    The name is asked for only when the agent is new (it costs the adapter a platform call).
    """
    async with uow_factory(read_only=True) as uow:
        agent = await uow.agents.get_by_slack_id(slack_user_id)
    if agent is not None:
        return agent, False
    name = await display_name()
    async with uow_factory() as uow:
        # Insert-if-absent, not read-then-insert: on PostgreSQL two racing first actions both
        # read "none" and the second insert failed on the unique Slack id (seen under load in
        # benchmarks/relay.py); this way the second waits for the first's commit, adds nothing.
        created = await uow.agents.add_if_new(Agent(slack_user_id=slack_user_id, display_name=name))
        agent = await uow.agents.get_by_slack_id(slack_user_id)
        await uow.commit()
    if agent is None:  # pragma: no cover - just added or found
        raise RuntimeError(f"agent for {slack_user_id} neither added nor found")
    return agent, created
