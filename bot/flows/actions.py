"""Button data: short, structured, and never trusted on return.

Every button's `data` is one of these forms (the adapter adds a signature on top, and the flows
re-check every permission through the core, so forged data gets nothing the sender could not
have had anyway):

    m:<item>                  a main-menu item: report, tickets, message, token, invite, lang, menu
    t:<number>:<verb>[:<arg>] an action on a ticket the person can see:
                              open, reply, ok (confirm solved), ns (not solved), rate:<1-5>,
                              reopen, new (open a new one instead), auth, rej, token, archive,
                              more:<before_number> (next page of its history)
    f:<value>                 an answer inside the current flow step (e.g. f:error, f:done)
    nav:back | nav:cancel     step back / leave the flow
    lang:<code>               pick a language
    list:<filter>:<cursor>    my tickets: a filter (active/all/archived) and a page cursor
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DATA_BYTES = 48  # Telegram allows 64; the adapter's signature takes the rest

MENU = "m"
TICKET = "t"
FLOW = "f"
NAV = "nav"
LANG = "lang"
LIST = "list"

BACK = "nav:back"
CANCEL = "nav:cancel"


@dataclass(frozen=True)
class Action:
    kind: str
    parts: tuple[str, ...]

    @property
    def ticket_number(self) -> int | None:
        if self.kind != TICKET or not self.parts or not self.parts[0].isdigit():
            return None
        return int(self.parts[0])

    def part(self, index: int, default: str = "") -> str:
        return self.parts[index] if index < len(self.parts) else default


def parse(data: str) -> Action:
    kind, _, rest = data.partition(":")
    return Action(kind, tuple(rest.split(":")) if rest else ())


def menu(item: str) -> str:
    return _checked(f"{MENU}:{item}")


def ticket(number: int, verb: str, arg: str | int | None = None) -> str:
    tail = "" if arg is None else f":{arg}"
    return _checked(f"{TICKET}:{number}:{verb}{tail}")


def flow(value: str) -> str:
    return _checked(f"{FLOW}:{value}")


def lang(code: str) -> str:
    return _checked(f"{LANG}:{code}")


def ticket_list(filter_: str, cursor: int | None = None) -> str:
    return _checked(f"{LIST}:{filter_}:{cursor or ''}")


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"button data too long: {data!r}")
    return data
