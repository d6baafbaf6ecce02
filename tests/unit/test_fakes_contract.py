"""The storage contract suite (tests/integration) run on the in-memory fakes, so the engine
tests stand on the same repository semantics as the real database."""

from __future__ import annotations

import pytest

from core.ports import UnitOfWork, UnitOfWorkFactory
from tests.integration.test_repository_contract import *  # noqa: F403
from tests.unit.fakes import FakeUnitOfWork, MemoryStore


@pytest.fixture
def uow_factory() -> UnitOfWorkFactory:
    store = MemoryStore()

    def make(read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        # The suite asks for read-only observers (SQLite snapshots); the fakes never block.
        return FakeUnitOfWork(store)

    return make
