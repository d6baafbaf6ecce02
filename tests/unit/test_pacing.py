"""The in-process pacer's arithmetic (GCRA): bursts, the sustained rate, holds per key."""

from __future__ import annotations

from dataclasses import dataclass

from core.pacing import Lane, LocalPacer

CHAT = Lane(rate=1.0, burst=3)
ALL = Lane(rate=30.0, burst=30)


@dataclass
class Time:
    at: float = 1000.0

    def __call__(self) -> float:
        return self.at


async def test_a_burst_goes_at_once_then_the_rate_applies() -> None:
    time = Time()
    pacer = LocalPacer(time)
    waits = [await pacer.reserve([("a", CHAT)], max_wait=10) for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]  # booked slots: one a second after the burst


async def test_a_long_wait_books_nothing() -> None:
    time = Time()
    pacer = LocalPacer(time)
    for _ in range(3):
        assert await pacer.reserve([("a", CHAT)], max_wait=0) == 0
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 1.0
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 1.0  # the refusal took no slot
    time.at += 1.0
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 0


async def test_one_busy_chat_does_not_slow_another() -> None:
    pacer = LocalPacer(Time())
    for _ in range(3):
        await pacer.reserve([("a", CHAT), ("all", ALL)], max_wait=0)
    assert await pacer.reserve([("a", CHAT), ("all", ALL)], max_wait=0) > 0
    assert await pacer.reserve([("b", CHAT), ("all", ALL)], max_wait=0) == 0


async def test_the_global_lane_limits_all_chats_together() -> None:
    pacer = LocalPacer(Time())
    waits = [await pacer.reserve([(f"c{n}", CHAT), ("all", ALL)], max_wait=0) for n in range(31)]
    assert waits[:30] == [0.0] * 30
    assert waits[30] > 0  # the 31st distinct chat within the same instant waits for the bucket


async def test_all_lanes_are_booked_or_none() -> None:
    pacer = LocalPacer(Time())
    for _ in range(3):
        await pacer.reserve([("a", CHAT)], max_wait=0)
    # "a" is full: the shared lane must not lose a slot to a message that does not go.
    for _ in range(30):
        assert await pacer.reserve([("a", CHAT), ("all", ALL)], max_wait=0) > 0
    assert await pacer.reserve([("b", CHAT), ("all", ALL)], max_wait=0) == 0


async def test_a_hold_stops_exactly_that_key_for_exactly_that_long() -> None:
    time = Time()
    pacer = LocalPacer(time)
    await pacer.hold("a", CHAT, 7.0)
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 7.0
    assert await pacer.reserve([("b", CHAT)], max_wait=0) == 0
    time.at += 7.0
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 0
    assert await pacer.reserve([("a", CHAT)], max_wait=0) == 1.0  # paced, no burst right after


async def test_forgets_keys_whose_bucket_is_full_again() -> None:
    time = Time()
    pacer = LocalPacer(time, max_keys=10)
    for n in range(10):
        await pacer.reserve([(f"c{n}", CHAT)], max_wait=0)
    time.at += 5
    await pacer.reserve([("new", CHAT)], max_wait=0)
    assert await pacer.reserve([("c0", CHAT)], max_wait=0) == 0
    assert len(pacer._tat) <= 2
