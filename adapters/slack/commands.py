"""`/ticket` in Slack: what an agent asked for, read from the slash command's text (pure).

    /ticket                    help
    /ticket open | mine | unassigned | breaching
    /ticket find <number | company | text>
    /ticket <number>           one ticket, with a link to its thread
    /ticket stats [7d | 30d | 12w | <days>]

Anything else is `Help` carrying the word that was not understood, so the answer can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from core.stats import parse_period

__all__ = [
    "COMMAND",
    "Find",
    "Help",
    "Listing",
    "ListingKind",
    "Show",
    "Stats",
    "TicketRequest",
    "command_event_id",
    "is_command",
    "parse",
]

COMMAND = "/ticket"

ListingKind = Literal["open", "mine", "unassigned", "breaching"]
_LISTINGS: tuple[ListingKind, ...] = ("open", "mine", "unassigned", "breaching")


@dataclass(frozen=True)
class Help:
    unknown: str | None = None  # what was not understood; None when help was asked for


@dataclass(frozen=True)
class Listing:
    kind: ListingKind


@dataclass(frozen=True)
class Find:
    query: str


@dataclass(frozen=True)
class Show:
    number: int


@dataclass(frozen=True)
class Stats:
    days: int


TicketRequest = Help | Listing | Find | Show | Stats


def parse(text: str) -> TicketRequest:
    words = text.split()
    if not words:
        return Help()
    head, rest = words[0].lower(), " ".join(words[1:])
    if head in ("help", "?"):
        return Help()
    if head.lstrip("#").isdigit() and not rest:
        return Show(int(head.lstrip("#")))
    if head in _LISTINGS and not rest:
        return Listing(head)
    if head in ("find", "search"):
        return Find(rest) if rest.strip() else Help(unknown=text.strip())
    if head == "stats":
        days = parse_period(rest)
        return Stats(days) if days is not None else Help(unknown=text.strip())
    return Help(unknown=text.strip())


def is_command(body: Mapping[str, Any]) -> bool:
    """Whether a recorded Slack payload is a slash command (not an event or interaction)."""
    return "command" in body and "type" not in body


def command_event_id(body: Mapping[str, Any]) -> str:
    """The inbox key of a slash command: its trigger id is unique per invocation, and Slack
    never retries a command."""
    return f"command:{body.get('trigger_id')}"
