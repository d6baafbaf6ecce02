"""The desk's statistics (core.stats) and /ticket's reading of what was typed."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from adapters.slack.commands import Find, Help, Listing, Show, Stats, parse
from core.model import SlaMark, SlaMarkKind, TicketStatus
from core.stats import compute, parse_period
from tests.unit.world import World


async def test_counts_medians_and_sla_hit_rate_over_the_period() -> None:
    world = World()
    ann = await world.user(await world.company())
    now = world.now()
    day = timedelta(days=1)
    old = await world.seed_ticket(ann, TicketStatus.NEW, created_at=now - 10 * day)
    fast = await world.seed_ticket(
        ann,
        TicketStatus.RESOLVED,
        created_at=now - 3 * day,
        first_response_at=now - 3 * day + timedelta(minutes=10),
        resolved_at=now - 2 * day,
    )
    slow = await world.seed_ticket(
        ann,
        TicketStatus.CLOSED,
        created_at=now - 2 * day,
        first_response_at=now - 2 * day + timedelta(minutes=30),
        resolved_at=now - 2 * day + timedelta(hours=3),
    )
    waiting = await world.seed_ticket(ann, TicketStatus.IN_PROGRESS, created_at=now - day)
    late = SlaMark(slow.id, SlaMarkKind.BREACHED, now - 2 * day, now - 2 * day)
    reminded = SlaMark(fast.id, SlaMarkKind.REMINDED, now - 2 * day, now - 2 * day)
    stats = compute([old, fast, slow, waiting], [late, reminded], now - 7 * day, now, UTC)
    assert stats.opened == 3
    assert {s: n for s, n in stats.by_status.items() if n} == {
        TicketStatus.RESOLVED: 1,
        TicketStatus.CLOSED: 1,
        TicketStatus.IN_PROGRESS: 1,
    }
    assert stats.median_first_response == timedelta(minutes=20)
    assert stats.median_resolution == (timedelta(days=1) + timedelta(hours=3)) / 2
    assert (stats.resolved, stats.sla_met, stats.sla_hit_rate) == (2, 1, 0.5)
    assert len(stats.days) == 8  # seven days back, today included
    assert sum(d.opened for d in stats.days) == 3
    assert sum(d.resolved for d in stats.days) == 2


def test_an_empty_period_has_no_medians_and_no_rate() -> None:
    world = World()
    stats = compute([], [], world.now() - timedelta(days=7), world.now(), UTC)
    assert (stats.opened, stats.median_first_response, stats.sla_hit_rate) == (0, None, None)


@pytest.mark.parametrize(
    ("text", "days"),
    [("", 7), ("7d", 7), ("30d", 30), ("2w", 14), (" 12 ", 12), ("0d", None), ("x", None)],
)
def test_periods(text: str, days: int | None) -> None:
    assert parse_period(text) == days


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("", Help()),
        ("help", Help()),
        ("open", Listing("open")),
        ("MINE", Listing("mine")),
        ("unassigned", Listing("unassigned")),
        ("breaching", Listing("breaching")),
        ("1042", Show(1042)),
        ("#1042", Show(1042)),
        ("find Nowak Accounting", Find("Nowak Accounting")),
        ("find", Help(unknown="find")),
        ("stats", Stats(7)),
        ("stats 30d", Stats(30)),
        ("stats forever", Help(unknown="stats forever")),
        ("close 12", Help(unknown="close 12")),
    ],
)
def test_what_ticket_commands_mean(text: str, meant: object) -> None:
    assert parse(text) == meant
