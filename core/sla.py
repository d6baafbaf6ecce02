"""SLA arithmetic over business hours.

Opening hours are wall-clock times in the calendar's zone, so every computation walks local
dates one by one and turns each day's opening and closing into UTC instants. That is what makes
a 23- or 25-hour day (daylight-saving change) still hold exactly 09:00-17:00 of business time,
and keeps long durations cheap: one step per day, never per minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.model import BusinessCalendar, Plan, Priority

__all__ = [
    "add_business_time",
    "business_day_length",
    "business_time_between",
    "due_at",
    "is_business_time",
    "next_opening",
    "sla_target",
]

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)

# Targets in business days; urgent is counted in hours because a day is far too slow for it.
_TARGET_DAYS = {Priority.LOW: 5, Priority.MEDIUM: 3, Priority.HIGH: 1}
_URGENT_TARGET = timedelta(hours=4)


def business_day_length(calendar: BusinessCalendar) -> timedelta:
    """The nominal length of one working day (closes - opens; 8 h for 09:00-17:00).

    `closes` at 00:00 means midnight at the end of the day, so 00:00-00:00 is a 24-hour day.
    """
    _validate(calendar)
    closes = timedelta(hours=24) if calendar.closes == _MIDNIGHT else _as_delta(calendar.closes)
    return closes - _as_delta(calendar.opens)


def sla_target(
    priority: Priority, plan: Plan, calendar: BusinessCalendar | None = None
) -> timedelta:
    """Business time allowed to resolve a ticket; a premium plan gets half.

    A "business day" is the calendar's working-day length, so a support desk open 10 hours a
    day gives 10 hours per day of target. Without a calendar the default (09:00-17:00) is used.
    """
    day = business_day_length(calendar if calendar is not None else BusinessCalendar())
    days = _TARGET_DAYS.get(priority)
    target = _URGENT_TARGET if days is None else day * days
    return target / 2 if plan is Plan.PREMIUM else target


def due_at(start: datetime, priority: Priority, plan: Plan, calendar: BusinessCalendar) -> datetime:
    """When a ticket opened at `start` breaches its SLA (UTC)."""
    return add_business_time(start, sla_target(priority, plan, calendar), calendar)


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The earliest instant by which `duration` of business time has elapsed after `start` (UTC).

    Outside business hours counting begins at the next opening; a budget that runs out exactly
    at a closing gives that closing (Friday 17:00, not Monday 09:00). A zero duration gives
    `start` itself. A negative duration walks backwards (the latest instant that much business
    time before `start`), so an already-breached remaining budget yields a due time in the past.
    """
    _check_aware(start)
    _validate(calendar)
    if duration < timedelta(0):
        return _subtract_business_time(start, -duration, calendar)
    start = start.astimezone(UTC)
    if not duration:
        return start
    remaining = duration
    for opening, closing in _windows(calendar, _local_date(start, calendar), forward=True):
        if closing <= start:
            continue
        begin = max(opening, start)
        available = closing - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _windows never ends")  # pragma: no cover


def _subtract_business_time(
    start: datetime, duration: timedelta, calendar: BusinessCalendar
) -> datetime:
    start = start.astimezone(UTC)
    remaining = duration
    for opening, closing in _windows(calendar, _local_date(start, calendar), forward=False):
        if opening >= start:
            continue
        end = min(closing, start)
        available = end - opening
        if remaining <= available:
            return end - remaining
        remaining -= available
    raise AssertionError("unreachable: _windows never ends")  # pragma: no cover


def business_time_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time in [a, b); negative when b is before a."""
    _check_aware(a)
    _check_aware(b)
    _validate(calendar)
    if b < a:
        return -business_time_between(b, a, calendar)
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    total = timedelta(0)
    day, last = _local_date(a, calendar), _local_date(b, calendar)
    while day <= last:
        window = _window(calendar, day)
        if window is not None:
            overlap = min(window[1], b) - max(window[0], a)
            if overlap > timedelta(0):
                total += overlap
        day += _ONE_DAY
    return total


def is_business_time(at: datetime, calendar: BusinessCalendar) -> bool:
    """Whether `at` falls inside opening hours (opening inclusive, closing exclusive)."""
    _check_aware(at)
    _validate(calendar)
    window = _window(calendar, _local_date(at, calendar))
    return window is not None and window[0] <= at < window[1]


def next_opening(at: datetime, calendar: BusinessCalendar) -> datetime:
    """The first business instant at or after `at` (UTC): `at` itself when already open."""
    _check_aware(at)
    at = at.astimezone(UTC)
    for opening, closing in _windows(calendar, _local_date(at, calendar), forward=True):
        if closing > at:
            return max(opening, at)
    raise AssertionError("unreachable: _windows never ends")  # pragma: no cover


def _windows(
    calendar: BusinessCalendar, first: date, *, forward: bool
) -> Iterator[tuple[datetime, datetime]]:
    """Each day's (opening, closing) in UTC from local date `first`, skipping closed days.

    Endless: callers stop once they have what they need. The guard turns a calendar that can
    never open (which validation should already have refused) into an error, not a hang.
    """
    _validate(calendar)
    step = _ONE_DAY if forward else -_ONE_DAY
    # Any 7 days hold a working weekday; holidays can close at most that many of them, and
    # a DST change can empty a window at most twice a year.
    max_closed_streak = 7 * (len(calendar.holidays) + 3)
    closed_streak = 0
    day = first
    while True:
        window = _window(calendar, day)
        if window is None:
            closed_streak += 1
            if closed_streak > max_closed_streak:
                raise ValueError("the business calendar never opens")
        else:
            closed_streak = 0
            yield window
        day += step


def _window(calendar: BusinessCalendar, day: date) -> tuple[datetime, datetime] | None:
    """Opening and closing of local date `day` in UTC, or None when support is closed."""
    if day.weekday() not in calendar.weekdays or day in calendar.holidays:
        return None
    zone = _zone(calendar)
    opening = datetime.combine(day, calendar.opens, tzinfo=zone).astimezone(UTC)
    if calendar.closes == _MIDNIGHT:
        closing_local = datetime.combine(day + _ONE_DAY, _MIDNIGHT, tzinfo=zone)
    else:
        closing_local = datetime.combine(day, calendar.closes, tzinfo=zone)
    closing = closing_local.astimezone(UTC)
    # A wall time inside a spring-forward gap maps past the gap, which can put the opening after
    # the closing for hours that straddle it; such a day simply has no business time.
    if closing <= opening:
        return None
    return opening, closing


def _validate(calendar: BusinessCalendar) -> None:
    if not calendar.weekdays:
        raise ValueError("the business calendar has no working days")
    if not calendar.weekdays <= frozenset(range(7)):
        raise ValueError(f"weekdays must be 0 (Monday) .. 6 (Sunday): {sorted(calendar.weekdays)}")
    if calendar.opens.tzinfo is not None or calendar.closes.tzinfo is not None:
        raise ValueError("opening hours are wall-clock times in the calendar's timezone")
    if calendar.closes != _MIDNIGHT and calendar.closes <= calendar.opens:
        raise ValueError(f"closes ({calendar.closes}) must be after opens ({calendar.opens})")
    _zone(calendar)


def _zone(calendar: BusinessCalendar) -> ZoneInfo:
    try:
        return ZoneInfo(calendar.timezone)  # ZoneInfo caches instances by key
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {calendar.timezone!r}") from exc


def _local_date(at: datetime, calendar: BusinessCalendar) -> date:
    return at.astimezone(_zone(calendar)).date()


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: pass a timezone-aware one")


def _as_delta(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)
