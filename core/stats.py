"""The desk's statistics over a period: pure arithmetic over tickets and their SLA marks.

The population is the tickets opened in [since, until). For them: how many are in each
status now, the median time to the first answer (among those answered), the median time to
resolution (among those resolved), and the SLA hit rate (among those resolved: the share
never marked breached, core.model.SlaMark). Times are elapsed wall-clock time, as a
customer lives them; the SLA itself is counted in business hours (core.sla).
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from core.model import SlaMark, SlaMarkKind, Ticket, TicketStatus

__all__ = ["DayCount", "DeskStats", "compute", "parse_period"]

MAX_DAYS = 366


@dataclass(frozen=True)
class DayCount:
    day: date
    opened: int
    resolved: int


@dataclass(frozen=True)
class DeskStats:
    since: datetime
    until: datetime
    opened: int
    by_status: dict[TicketStatus, int]  # every status, zero included
    median_first_response: timedelta | None  # None: nothing answered yet
    median_resolution: timedelta | None
    resolved: int
    sla_met: int  # of the resolved
    days: Sequence[DayCount]  # one per local day of the period, for the chart

    @property
    def sla_hit_rate(self) -> float | None:
        """Share of resolved tickets that met their SLA; None when none was resolved."""
        return self.sla_met / self.resolved if self.resolved else None


def parse_period(text: str, default_days: int = 7) -> int | None:
    """A period like "7d", "30d", "2w" or "12" (days) as a number of days; None if not one."""
    word = text.strip().lower()
    if not word:
        return default_days
    unit = 1
    if word[-1] in "dw":
        unit = 7 if word[-1] == "w" else 1
        word = word[:-1]
    if not word.isdigit():
        return None
    days = int(word) * unit
    return days if 1 <= days <= MAX_DAYS else None


def compute(
    tickets: Sequence[Ticket],
    marks: Sequence[SlaMark],
    since: datetime,
    until: datetime,
    zone: tzinfo,
) -> DeskStats:
    """Statistics of the tickets opened in [since, until); `zone` cuts the days for the chart."""
    population = [t for t in tickets if since <= t.created_at < until]
    breached: set[uuid.UUID] = {m.ticket_id for m in marks if m.kind is SlaMarkKind.BREACHED}
    by_status = dict.fromkeys(TicketStatus, 0)
    for ticket in population:
        by_status[ticket.status] += 1
    answered = [
        t.first_response_at - t.created_at for t in population if t.first_response_at is not None
    ]
    resolved = [t for t in population if t.resolved_at is not None]
    durations = [t.resolved_at - t.created_at for t in resolved if t.resolved_at is not None]
    return DeskStats(
        since=since,
        until=until,
        opened=len(population),
        by_status=by_status,
        median_first_response=_median(answered),
        median_resolution=_median(durations),
        resolved=len(resolved),
        sla_met=sum(1 for t in resolved if t.id not in breached),
        days=_days(population, since, until, zone),
    )


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return timedelta(seconds=round(seconds))


def _days(
    population: Sequence[Ticket], since: datetime, until: datetime, zone: tzinfo
) -> list[DayCount]:
    first, last = (
        since.astimezone(zone).date(),
        (until - timedelta(microseconds=1)).astimezone(zone).date(),
    )
    opened: dict[date, int] = {}
    resolved: dict[date, int] = {}
    for ticket in population:
        day = ticket.created_at.astimezone(zone).date()
        opened[day] = opened.get(day, 0) + 1
        if ticket.resolved_at is not None and ticket.resolved_at < until:
            done = ticket.resolved_at.astimezone(zone).date()
            resolved[done] = resolved.get(done, 0) + 1
    count = (last - first).days + 1
    days = [first + timedelta(days=i) for i in range(max(count, 0))]
    return [DayCount(d, opened.get(d, 0), resolved.get(d, 0)) for d in days]
