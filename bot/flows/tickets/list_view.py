"""The ticket list's view: which page, filter, period and search, as button data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.flows import actions
from core.ports import Scope

FILTERS: Mapping[str, Scope] = {
    "active": Scope.ACTIVE,
    "all": Scope.ALL,
    "archived": Scope.ARCHIVED,
}
PERIODS: Mapping[str, str] = {  # code in button data -> its name's text id, in picker order
    "7": "tickets-period-7",
    "30": "tickets-period-30",
    "y": "tickets-period-year",
    "": "tickets-period-any",
}
PICK_PERIOD = "when"  # list:when:<filter>:<period> shows the period choice


@dataclass(frozen=True)
class ListView:
    """One page of the list, all of it carried in button data (nothing survives in the
    conversation state outside a flow):

        list:<filter>:<cursor>:<period>:<stack>:<query>

    `cursor` is the keyset cursor (before this number), `stack` the cursors of the pages before
    this one, newest last (the first page's is implicit), for Previous. Trailing empty fields
    are left out. `list:when:<filter>:<period>` asks for the period instead.
    """

    filter: str = "active"
    period: str = ""
    cursor: int | None = None
    stack: tuple[int, ...] = ()
    query: str = ""

    @classmethod
    def parse(cls, parts: Sequence[str]) -> ListView:
        def part(index: int) -> str:
            return parts[index] if index < len(parts) else ""

        cursor = part(1)
        return cls(
            filter=part(0) if part(0) in FILTERS else "active",
            cursor=int(cursor) if cursor.isdigit() else None,
            period=part(2) if part(2) in PERIODS else "",
            stack=tuple(int(c) for c in part(3).split(".") if c.isdigit()),
            query=":".join(parts[4:]),  # a query may hold colons; it comes last
        )

    def data(self) -> str | None:
        """This view as button data; the oldest Previous steps are dropped to fit, and None
        when even that is not enough (a long search text)."""
        stack = self.stack
        while True:
            fields = [actions.LIST, self.filter, str(self.cursor or ""), self.period]
            if stack or self.query:
                fields.append(".".join(str(c) for c in stack))
            if self.query:
                fields.append(self.query)
            data = ":".join(fields)
            if len(data.encode()) <= actions.MAX_DATA_BYTES:
                return data
            if not stack:
                return None
            stack = stack[1:]

    def link(self) -> str:
        """Button data for a view without a search text, which always fits."""
        return self.data() or actions.LIST

    def following(self, cursor: int) -> ListView:
        stack = (*self.stack, self.cursor) if self.cursor is not None else self.stack
        return ListView(self.filter, self.period, cursor, stack, self.query)

    def previous(self) -> ListView:
        cursor = self.stack[-1] if self.stack else None
        return ListView(self.filter, self.period, cursor, self.stack[:-1], self.query)
