"""Limits against abuse in the core: tickets per person per hour; which file types are taken."""

from __future__ import annotations

import pytest

from core.errors import LimitExceeded
from core.filetypes import FileTypePolicy, FileTypeSettingError
from tests.unit.world import World


async def test_a_person_opens_at_most_the_hourly_limit_of_tickets() -> None:
    world = World(max_tickets_per_hour=3)
    company = await world.company()
    anna, bob = await world.user(company), await world.user(company)
    for n in range(3):
        await world.open(anna, f"Problem {n}")
        world.clock.advance(minutes=10)
    with pytest.raises(LimitExceeded) as refused:
        await world.open(anna, "One too many")
    assert (refused.value.code, refused.value.params["limit"]) == ("ticket-rate", 3)
    await world.open(bob, "A colleague is not held up")
    world.clock.advance(minutes=31)  # the first of Anna's three is now over an hour old
    await world.open(anna, "Allowed again")


async def test_no_hourly_limit_when_set_to_zero() -> None:
    world = World(max_tickets_per_hour=0)
    anna = await world.user(await world.company())
    for n in range(25):
        await world.open(anna, f"Problem {n}")


@pytest.mark.parametrize(
    ("mime", "name", "taken"),
    [
        ("application/pdf", "invoice.pdf", True),
        ("image/png", "screen.png", True),
        ("application/zip", "logs.zip", True),  # archives: allowed by default
        ("application/vnd.microsoft.portable-executable", "invoice.pdf", False),
        ("text/plain", "fix.BAT", False),  # a script is text to a sniffer; the name runs it
        ("text/plain", "fix.bat. ", False),
        ("text/x-shellscript", "notes.txt", False),
        ("application/x-executable", "data", False),
        ("text/plain", "notes.txt", True),
    ],
)
def test_the_default_denies_programs_by_bytes_or_by_name(mime: str, name: str, taken: bool) -> None:
    assert FileTypePolicy().accepts(mime, name) is taken


def test_an_operator_list_with_groups_types_and_extensions() -> None:
    policy = FileTypePolicy.parse("image/*, application/pdf, .log", "executable, archive, .svg")
    assert policy.accepts("image/png", "a.png")
    assert policy.accepts("application/pdf", "a.pdf")
    assert policy.accepts("text/plain", "server.log")
    assert not policy.accepts("text/plain", "notes.txt"), "not on the allow list"
    assert not policy.accepts("image/svg+xml", "logo.svg"), "denied beats allowed"
    assert not policy.accepts("application/zip", "logs.zip")
    assert not policy.accepts("application/x-7z-compressed", "logs.bin")


@pytest.mark.parametrize("entry", ["exe", "program", "image/", "/png", ". zip"])
def test_a_mistyped_entry_is_refused_at_start(entry: str) -> None:
    with pytest.raises(FileTypeSettingError):
        FileTypePolicy.parse("", entry)
