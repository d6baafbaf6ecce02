"""A support-channel member becomes an agent once, named once, whatever races."""

from __future__ import annotations

import asyncio

from core.model import Agent
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.services.agents import agent_for_slack_user
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.world import World


class Names:
    def __init__(self) -> None:
        self.asked = 0

    async def __call__(self) -> str:
        self.asked += 1
        await asyncio.sleep(0)  # let a racing first action through
        return "Alice Agent"


def factory(world: World) -> UnitOfWorkFactory:
    def make(*, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        return FakeUnitOfWork(world.store)

    return make


async def test_first_sight_creates_the_agent_with_their_name(world: World) -> None:
    names = Names()
    agent, created = await agent_for_slack_user(factory(world), "U1", names)
    assert created
    assert (agent.slack_user_id, agent.display_name) == ("U1", "Alice Agent")
    again, created_again = await agent_for_slack_user(factory(world), "U1", names)
    assert again.id == agent.id
    assert not created_again
    assert names.asked == 1  # a known agent costs no name lookup


async def test_two_first_actions_at_once_make_one_agent(world: World) -> None:
    results = await asyncio.gather(
        *(agent_for_slack_user(factory(world), "U2", Names()) for _ in range(5))
    )
    assert len({agent.id for agent, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    async with FakeUnitOfWork(world.store) as uow:
        found = await uow.agents.get_by_slack_id("U2")
    assert isinstance(found, Agent)
