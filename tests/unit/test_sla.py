"""SLA arithmetic: what an agent sees as "due" must match the desk's real opening hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import BusinessCalendar, Plan, Priority
from core.sla import (
    add_business_time,
    business_day_length,
    business_time_between,
    due_at,
    is_business_time,
    next_opening,
    sla_target,
)

WARSAW = "Europe/Warsaw"
NEW_YORK = "America/New_York"
H = timedelta(hours=1)
OFFICE = BusinessCalendar()  # Warsaw, Monday-Friday 09:00-17:00
EVERY_DAY = BusinessCalendar(weekdays=frozenset(range(7)))


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, tz: str = WARSAW) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz))


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# --- ordinary days and weekends ---------------------------------------------------------------


def test_within_one_day() -> None:
    assert add_business_time(at(2025, 6, 2, 10), 2 * H, OFFICE) == at(2025, 6, 2, 12)


def test_result_is_utc() -> None:
    result = add_business_time(at(2025, 6, 2, 10), 2 * H, OFFICE)
    assert result.tzinfo is UTC
    assert result == utc(2025, 6, 2, 10)  # 12:00 CEST


def test_friday_afternoon_runs_into_monday() -> None:
    assert add_business_time(at(2025, 6, 6, 16), 2 * H, OFFICE) == at(2025, 6, 9, 10)
    assert business_time_between(at(2025, 6, 6, 16), at(2025, 6, 9, 10), OFFICE) == 2 * H


def test_a_budget_ending_at_closing_is_due_at_closing_not_next_opening() -> None:
    assert add_business_time(at(2025, 6, 6, 9), 8 * H, OFFICE) == at(2025, 6, 6, 17)


def test_weekend_holds_no_business_time() -> None:
    assert business_time_between(at(2025, 6, 6, 17), at(2025, 6, 9, 9), OFFICE) == timedelta(0)


def test_a_whole_week() -> None:
    assert business_time_between(at(2025, 6, 2), at(2025, 6, 9), OFFICE) == 40 * H


# --- where the start falls ----------------------------------------------------------------------


def test_start_before_opening_counts_from_opening() -> None:
    assert add_business_time(at(2025, 6, 2, 7), H, OFFICE) == at(2025, 6, 2, 10)


def test_start_after_closing_counts_from_next_day() -> None:
    assert add_business_time(at(2025, 6, 2, 18), H, OFFICE) == at(2025, 6, 3, 10)


def test_start_on_saturday_counts_from_monday() -> None:
    assert add_business_time(at(2025, 6, 7, 11), H, OFFICE) == at(2025, 6, 9, 10)


def test_start_exactly_at_opening() -> None:
    assert is_business_time(at(2025, 6, 2, 9), OFFICE)
    assert add_business_time(at(2025, 6, 2, 9), H, OFFICE) == at(2025, 6, 2, 10)


def test_start_exactly_at_closing_is_already_closed() -> None:
    assert not is_business_time(at(2025, 6, 2, 17), OFFICE)
    assert add_business_time(at(2025, 6, 2, 17), H, OFFICE) == at(2025, 6, 3, 10)


def test_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    calendar = BusinessCalendar(holidays=frozenset({date(2025, 6, 2)}))
    assert not is_business_time(at(2025, 6, 2, 10), calendar)
    assert add_business_time(at(2025, 6, 2, 10), H, calendar) == at(2025, 6, 3, 10)


def test_christmas_holidays_and_a_weekend_are_skipped() -> None:
    # Wed 24 - Fri 26 December 2025 are holidays, then a weekend.
    calendar = BusinessCalendar(holidays=frozenset(date(2025, 12, d) for d in (24, 25, 26)))
    start = at(2025, 12, 23, 15)
    assert add_business_time(start, 4 * H, calendar) == at(2025, 12, 29, 11)
    assert business_time_between(start, at(2025, 12, 29, 11), calendar) == 4 * H


def test_zero_duration_is_the_start_itself() -> None:
    start = at(2025, 6, 7, 11)  # a Saturday
    assert add_business_time(start, timedelta(0), OFFICE) == start


# --- daylight saving ----------------------------------------------------------------------------


def test_friday_to_monday_across_spring_forward_in_warsaw() -> None:
    start = at(2025, 3, 28, 16)  # 16:00 CET = 15:00 UTC; clocks go forward on Sunday the 30th
    due = add_business_time(start, 4 * H, OFFICE)
    assert due == at(2025, 3, 31, 12)  # 12:00 CEST
    assert due == utc(2025, 3, 31, 10)  # not 11:00 UTC, which adding in UTC would give


def test_friday_to_monday_across_fall_back_in_warsaw() -> None:
    due = add_business_time(at(2025, 10, 24, 16), 4 * H, OFFICE)
    assert due == utc(2025, 10, 27, 11)  # 12:00 CET


@pytest.mark.parametrize(
    ("day", "day_hours"),
    [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25), (date(2025, 6, 1), 24)],
)
def test_a_dst_day_still_has_eight_business_hours(day: date, day_hours: int) -> None:
    midnight = at(day.year, day.month, day.day)
    next_midnight = at(day.year, day.month, day.day + 1)
    # Same-zone subtraction is wall-clock; in UTC it shows the real length of the day.
    assert next_midnight.astimezone(UTC) - midnight.astimezone(UTC) == day_hours * H
    assert business_time_between(midnight, next_midnight, EVERY_DAY) == 8 * H
    assert add_business_time(midnight, 8 * H, EVERY_DAY) == at(day.year, day.month, day.day, 17)


def test_opening_hours_spanning_the_change_count_real_elapsed_time() -> None:
    night = BusinessCalendar(weekdays=frozenset(range(7)), opens=time(1), closes=time(4))
    spring = business_time_between(at(2025, 3, 30), at(2025, 3, 31), night)
    autumn = business_time_between(at(2025, 10, 26), at(2025, 10, 27), night)
    assert (spring, autumn) == (2 * H, 4 * H)


def test_new_york_weekend_across_spring_forward() -> None:
    calendar = BusinessCalendar(timezone=NEW_YORK)
    start = at(2025, 3, 7, 16, tz=NEW_YORK)  # 16:00 EST
    assert add_business_time(start, 2 * H, calendar) == utc(2025, 3, 10, 14)  # 10:00 EDT


def test_new_york_fall_back() -> None:
    calendar = BusinessCalendar(timezone=NEW_YORK)
    start = at(2025, 10, 31, 16, tz=NEW_YORK)  # 16:00 EDT = 20:00 UTC
    assert add_business_time(start, 2 * H, calendar) == utc(2025, 11, 3, 15)  # 10:00 EST


# --- time zones ---------------------------------------------------------------------------------


def test_the_same_instant_is_in_hours_in_one_zone_and_not_in_another() -> None:
    instant = utc(2025, 6, 2, 8)  # Monday
    assert is_business_time(instant, BusinessCalendar(timezone=WARSAW))  # 10:00
    assert not is_business_time(instant, BusinessCalendar(timezone=NEW_YORK))  # 04:00
    assert not is_business_time(instant, BusinessCalendar(timezone="Asia/Tokyo"))  # 17:00


def test_the_start_zone_does_not_matter_only_the_instant() -> None:
    in_tokyo = datetime(2025, 6, 2, 17, tzinfo=ZoneInfo("Asia/Tokyo"))
    in_utc = utc(2025, 6, 2, 8)
    assert add_business_time(in_tokyo, H, OFFICE) == add_business_time(in_utc, H, OFFICE)
    assert add_business_time(in_tokyo, H, OFFICE) == at(2025, 6, 2, 11)


def test_the_calendar_zone_decides() -> None:
    instant = utc(2025, 6, 2, 8)
    tokyo = BusinessCalendar(timezone="Asia/Tokyo")
    assert add_business_time(instant, H, tokyo) == datetime(
        2025, 6, 3, 10, tzinfo=ZoneInfo("Asia/Tokyo")
    )


def test_a_day_counted_in_local_dates_not_utc_dates() -> None:
    # 00:30 Monday in Auckland is still Sunday in UTC.
    auckland = BusinessCalendar(timezone="Pacific/Auckland")
    monday_night = datetime(2025, 6, 2, 0, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert monday_night.astimezone(UTC).weekday() == 6
    expected = datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert add_business_time(monday_night, H, auckland) == expected


# --- helpers ------------------------------------------------------------------------------------


def test_next_opening() -> None:
    assert next_opening(at(2025, 6, 6, 18), OFFICE) == at(2025, 6, 9, 9)
    assert next_opening(at(2025, 6, 2, 7), OFFICE) == at(2025, 6, 2, 9)
    assert next_opening(at(2025, 6, 2, 12), OFFICE) == at(2025, 6, 2, 12)


def test_a_round_the_clock_calendar_closes_at_midnight() -> None:
    always = BusinessCalendar(weekdays=frozenset(range(7)), opens=time(0), closes=time(0))
    assert business_day_length(always) == 24 * H
    assert add_business_time(at(2025, 6, 2), 30 * H, always) == at(2025, 6, 3, 6)
    assert business_time_between(at(2025, 3, 29), at(2025, 3, 31), always) == 47 * H


def test_long_durations_walk_days_not_minutes() -> None:
    # 1000 business days of 8 h from Monday 09:00 end on a Friday 17:00, 200 weeks later.
    due = add_business_time(at(2025, 6, 2, 9), 8000 * H, OFFICE)
    assert due == at(2025, 6, 6, 17) + timedelta(weeks=199)  # wall-clock arithmetic in Warsaw
    assert due.astimezone(ZoneInfo(WARSAW)).weekday() == 4
    assert business_time_between(at(2025, 6, 2, 9), due, OFFICE) == 8000 * H


# --- negative and invalid -----------------------------------------------------------------------


def test_business_time_between_is_negative_when_reversed() -> None:
    a, b = at(2025, 6, 6, 16), at(2025, 6, 9, 10)
    assert business_time_between(b, a, OFFICE) == -2 * H


def test_a_breached_budget_gives_a_due_time_in_the_past() -> None:
    now = at(2025, 6, 9, 10)  # Monday
    assert add_business_time(now, -2 * H, OFFICE) == at(2025, 6, 6, 16)  # Friday


def test_a_negative_budget_ending_at_opening_is_due_at_that_opening() -> None:
    assert add_business_time(at(2025, 6, 9, 10), -H, OFFICE) == at(2025, 6, 9, 9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(datetime(2025, 6, 2, 10), H, OFFICE),
        lambda: business_time_between(datetime(2025, 6, 2), utc(2025, 6, 3), OFFICE),
        lambda: business_time_between(utc(2025, 6, 2), datetime(2025, 6, 3), OFFICE),
        lambda: is_business_time(datetime(2025, 6, 2, 10), OFFICE),
        lambda: next_opening(datetime(2025, 6, 2, 10), OFFICE),
        lambda: due_at(datetime(2025, 6, 2), Priority.LOW, Plan.BASIC, OFFICE),
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call()


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        (BusinessCalendar(weekdays=frozenset()), "no working days"),
        (BusinessCalendar(weekdays=frozenset({7})), "weekdays"),
        (BusinessCalendar(opens=time(17), closes=time(9)), "after opens"),
        (BusinessCalendar(opens=time(9), closes=time(9)), "after opens"),
        (BusinessCalendar(timezone="Mars/Olympus_Mons"), "unknown timezone"),
        (BusinessCalendar(timezone="../../etc/passwd"), "unknown timezone"),
    ],
)
def test_impossible_calendars_are_refused(calendar: BusinessCalendar, message: str) -> None:
    for call in (
        lambda: add_business_time(utc(2025, 6, 2), H, calendar),
        lambda: add_business_time(utc(2025, 6, 2), timedelta(0), calendar),
        lambda: business_time_between(utc(2025, 6, 2), utc(2025, 6, 3), calendar),
        lambda: is_business_time(utc(2025, 6, 2), calendar),
    ):
        with pytest.raises(ValueError, match=message):
            call()


# --- targets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "plan", "expected"),
    [
        (Priority.LOW, Plan.BASIC, 40 * H),
        (Priority.LOW, Plan.BUSINESS, 40 * H),
        (Priority.LOW, Plan.PREMIUM, 20 * H),
        (Priority.MEDIUM, Plan.BASIC, 24 * H),
        (Priority.MEDIUM, Plan.BUSINESS, 24 * H),
        (Priority.MEDIUM, Plan.PREMIUM, 12 * H),
        (Priority.HIGH, Plan.BASIC, 8 * H),
        (Priority.HIGH, Plan.BUSINESS, 8 * H),
        (Priority.HIGH, Plan.PREMIUM, 4 * H),
        (Priority.URGENT, Plan.BASIC, 4 * H),
        (Priority.URGENT, Plan.BUSINESS, 4 * H),
        (Priority.URGENT, Plan.PREMIUM, 2 * H),
    ],
)
def test_sla_targets(priority: Priority, plan: Plan, expected: timedelta) -> None:
    assert sla_target(priority, plan) == expected
    assert sla_target(priority, plan, OFFICE) == expected


def test_a_business_day_is_the_calendar_working_day() -> None:
    long_days = BusinessCalendar(opens=time(8), closes=time(18, 30))
    assert sla_target(Priority.LOW, Plan.BASIC, long_days) == 5 * timedelta(hours=10.5)
    assert sla_target(Priority.HIGH, Plan.PREMIUM, long_days) == timedelta(hours=5.25)
    assert sla_target(Priority.URGENT, Plan.BASIC, long_days) == 4 * H


def test_low_priority_is_due_five_business_days_later() -> None:
    # Seed 002: low within 5 business days. Opened Wednesday 11:00 -> next Wednesday 11:00.
    assert due_at(at(2025, 6, 4, 11), Priority.LOW, Plan.BASIC, OFFICE) == at(2025, 6, 11, 11)


def test_high_priority_is_due_one_business_day_later() -> None:
    assert due_at(at(2025, 6, 6, 11), Priority.HIGH, Plan.BASIC, OFFICE) == at(2025, 6, 9, 11)


def test_premium_urgent_opened_at_night_is_due_two_hours_after_opening() -> None:
    assert due_at(at(2025, 6, 2, 3), Priority.URGENT, Plan.PREMIUM, OFFICE) == at(2025, 6, 2, 11)


# --- properties ---------------------------------------------------------------------------------

ZONES = [
    "UTC",
    WARSAW,
    NEW_YORK,
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Chatham",  # +12:45/+13:45, changes at 02:45
    "America/Santiago",  # changes at midnight
    "America/Sao_Paulo",
]
BASE = datetime(2024, 1, 1, tzinfo=UTC)


def _times(lo: int, hi: int) -> st.SearchStrategy[time]:
    return st.builds(time, st.integers(lo, hi), st.sampled_from([0, 15, 30, 45]))


@st.composite
def calendars(draw: st.DrawFn, zones: list[str] = ZONES, earliest: int = 0) -> BusinessCalendar:
    opens = draw(_times(earliest, 22))
    later = [t for t in (time(h, m) for h in range(24) for m in (0, 15, 30, 45)) if t > opens]
    closes = draw(st.sampled_from([*later, time(0)]))
    holidays = draw(st.frozensets(st.dates(date(2024, 1, 1), date(2026, 12, 31)), max_size=40))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(zones)),
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        opens=opens,
        closes=closes,
        holidays=holidays,
    )


instants = st.builds(
    lambda seconds, zone: (BASE + timedelta(seconds=seconds)).astimezone(ZoneInfo(zone)),
    st.integers(0, 3 * 365 * 86400),
    st.sampled_from(ZONES),
)
durations = st.builds(lambda us: timedelta(microseconds=us), st.integers(0, 400 * 3600 * 1_000_000))


@settings(deadline=None)
@given(start=instants, duration=durations, calendar=calendars())
def test_business_time_between_undoes_add_business_time(
    start: datetime, duration: timedelta, calendar: BusinessCalendar
) -> None:
    due = add_business_time(start, duration, calendar)
    assert due >= start
    assert business_time_between(start, due, calendar) == duration
    back = add_business_time(start, -duration, calendar)
    assert back <= start
    assert business_time_between(start, back, calendar) == -duration


@settings(deadline=None)
@given(start=instants, d1=durations, d2=durations, calendar=calendars())
def test_a_larger_budget_is_never_due_earlier(
    start: datetime, d1: timedelta, d2: timedelta, calendar: BusinessCalendar
) -> None:
    d1, d2 = sorted([d1, d2])
    assert add_business_time(start, d1, calendar) <= add_business_time(start, d2, calendar)


@settings(deadline=None)
@given(s1=instants, s2=instants, duration=durations, calendar=calendars())
def test_a_later_start_is_never_due_earlier(
    s1: datetime, s2: datetime, duration: timedelta, calendar: BusinessCalendar
) -> None:
    s1, s2 = sorted([s1, s2])
    assert add_business_time(s1, duration, calendar) <= add_business_time(s2, duration, calendar)


@settings(deadline=None)
@given(a=instants, b=instants, c=instants, calendar=calendars())
def test_business_time_adds_up_over_consecutive_spans(
    a: datetime, b: datetime, c: datetime, calendar: BusinessCalendar
) -> None:
    ab = business_time_between(a, b, calendar)
    bc = business_time_between(b, c, calendar)
    assert ab + bc == business_time_between(a, c, calendar)
    assert ab >= timedelta(0) if a <= b else ab <= timedelta(0)
    assert abs(ab) <= abs(b - a)


# A brute-force oracle: step through time in quarter hours and ask the local wall clock.
# Opening hours from 05:00 keep clear of the small-hours DST changes, where "the wall clock
# shows 02:30" is ambiguous and both readings are defensible.
ORACLE_ZONES = [z for z in ZONES if z != "America/Santiago"]
QUARTER = timedelta(minutes=15)
quarters = st.builds(lambda q: BASE + q * QUARTER, st.integers(0, 3 * 365 * 96))


def _oracle(a: datetime, b: datetime, calendar: BusinessCalendar) -> timedelta:
    zone, total, step = ZoneInfo(calendar.timezone), timedelta(0), a
    while step < b:
        local = step.astimezone(zone)
        open_now = calendar.opens <= local.time() and (
            calendar.closes == time(0) or local.time() < calendar.closes
        )
        if (
            open_now
            and local.weekday() in calendar.weekdays
            and local.date() not in calendar.holidays
        ):
            total += QUARTER
        step += QUARTER
    return total


@settings(deadline=None, max_examples=60)
@given(
    a=quarters,
    span=st.integers(0, 12 * 96),
    calendar=calendars(zones=ORACLE_ZONES, earliest=5),
)
def test_business_time_between_matches_the_wall_clock(
    a: datetime, span: int, calendar: BusinessCalendar
) -> None:
    b = a + span * QUARTER
    assert business_time_between(a, b, calendar) == _oracle(a, b, calendar)


@settings(deadline=None, max_examples=60)
@given(at_=quarters, calendar=calendars(zones=ORACLE_ZONES, earliest=5))
def test_is_business_time_matches_the_wall_clock(at_: datetime, calendar: BusinessCalendar) -> None:
    assert is_business_time(at_, calendar) == (_oracle(at_, at_ + QUARTER, calendar) > timedelta(0))
