"""Working-day calendar (regulations.md 8), table-driven and named after the rule.

Every expected date below was worked out by hand from the 2026 SKB dates the ``holidays``
package (0.109) carries, listed in ``PUBLIC_2026`` and ``JOINT_LEAVE_2026``; the first two
tests pin that data, so a package upgrade that moves a day fails there first, not in the
arithmetic. 2026-01-01 is a Thursday; weekdays used are noted next to each date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinergi.cases.calendar import (
    CalendarRangeError,
    WorkingCalendar,
    add_working_days_command,
    default_calendar,
    joint_leave_days,
    national_holidays,
)
from sinergi.catalog.definitions import Duration, Unit
from sinergi.rules import RuleError

WIB = ZoneInfo("Asia/Jakarta")  # UTC+7
WITA = ZoneInfo("Asia/Makassar")  # UTC+8
END = (23, 59, 59, 999999)

PUBLIC_2026 = {
    date(2026, 1, 1): "Tahun Baru Masehi",  # Thu
    date(2026, 1, 16): "Isra Mikraj Nabi Muhammad",  # Fri
    date(2026, 2, 17): "Tahun Baru Imlek",  # Tue
    date(2026, 3, 19): "Hari Suci Nyepi",  # Thu
    date(2026, 3, 21): "Hari Raya Idul Fitri",  # Sat
    date(2026, 3, 22): "Hari kedua dari Hari Raya Idul Fitri",  # Sun
    date(2026, 4, 3): "Wafat Yesus Kristus",  # Fri
    date(2026, 4, 5): "Kebangkitan Yesus Kristus",  # Sun
    date(2026, 5, 1): "Hari Buruh Internasional",  # Fri
    date(2026, 5, 14): "Kenaikan Yesus Kristus",  # Thu
    date(2026, 5, 27): "Hari Raya Idul Adha",  # Wed
    date(2026, 5, 31): "Hari Raya Waisak",  # Sun
    date(2026, 6, 1): "Hari Lahir Pancasila",  # Mon
    date(2026, 6, 16): "Tahun Baru Islam",  # Tue
    date(2026, 8, 17): "Hari Kemerdekaan Republik Indonesia",  # Mon
    date(2026, 8, 25): "Maulid Nabi Muhammad",  # Tue
    date(2026, 12, 25): "Hari Raya Natal",  # Fri
}
JOINT_LEAVE_2026 = {
    date(2026, 2, 16): "Cuti Bersama Tahun Baru Imlek",  # Mon
    date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",  # Wed
    date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",  # Fri
    date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",  # Mon
    date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",  # Tue
    date(2026, 5, 15): "Cuti Bersama Kenaikan Yesus Kristus",  # Fri
    date(2026, 5, 28): "Cuti Bersama Hari Raya Idul Adha",  # Thu
    date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",  # Thu
}


@pytest.fixture(scope="module")
def national() -> WorkingCalendar:
    """The default: 5-day week, cuti bersama closed, Jakarta, 2015-2035."""
    return default_calendar()


def small(**options: Any) -> WorkingCalendar:
    """A calendar over 2025-2027 only, cheap enough to build per test."""
    return WorkingCalendar.for_years(range(2025, 2028), **options)


def at(zone: tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def end_of(zone: ZoneInfo, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, *END, tzinfo=zone)


# --- the package data the rest relies on ---------------------------------------------------


def test_national_holidays_2026_are_the_skb_dates() -> None:
    assert national_holidays(2026) == PUBLIC_2026


def test_joint_leave_2026_is_the_skb_cuti_bersama_and_no_public_holiday() -> None:
    assert joint_leave_days([2026]) == JOINT_LEAVE_2026
    assert not set(joint_leave_days(range(2015, 2036))) & set(national_holidays(range(2015, 2036)))


def test_joint_leave_drops_days_the_package_also_has_as_public_holidays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No such overlap exists in 0.109's data, so feed one in to check the rule itself.
    data = {
        "public": {date(2026, 8, 17): "Hari Kemerdekaan"},
        "government": {date(2026, 8, 17): "Cuti Bersama", date(2026, 8, 18): "Cuti Bersama"},
    }

    def fake(country: str, **options: Any) -> dict[date, str]:
        (category,) = options["categories"]
        return data[category]

    monkeypatch.setattr(holidays, "country_holidays", fake)
    assert joint_leave_days(2026) == {date(2026, 8, 18): "Cuti Bersama"}


def test_hand_dates_fall_on_the_weekdays_the_comments_say() -> None:
    # Guards the hand computations below (Monday is 0).
    assert [date(2026, 8, d).weekday() for d in (14, 15, 16, 17, 18)] == [4, 5, 6, 0, 1]
    assert [date(2026, 3, d).weekday() for d in (17, 18, 19, 20, 21, 22, 23, 24, 25)] == [
        1,
        2,
        3,
        4,
        5,
        6,
        0,
        1,
        2,
    ]


# --- add_working_days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Independence Day: Fri 14 Aug, weekend 15-16, Mon 17 Aug holiday.
        (date(2026, 8, 14), 1, date(2026, 8, 18)),
        (date(2026, 8, 14), 2, date(2026, 8, 19)),
        # Weekend skipping in a month without holidays (July 2026).
        (date(2026, 7, 3), 1, date(2026, 7, 6)),  # Fri -> Mon
        (date(2026, 7, 3), 5, date(2026, 7, 10)),  # Fri -> next Fri
        (date(2026, 7, 4), 1, date(2026, 7, 6)),  # Sat -> Mon
        (date(2026, 7, 5), 1, date(2026, 7, 6)),  # Sun -> Mon
        (date(2026, 7, 1), 10, date(2026, 7, 15)),  # Wed -> Wed two weeks on
        # n = 0: the day itself when working, else the next working day.
        (date(2026, 7, 1), 0, date(2026, 7, 1)),
        (date(2026, 7, 4), 0, date(2026, 7, 6)),
        (date(2026, 8, 15), 0, date(2026, 8, 18)),
        # Idul Fitri 2026: 18 CB, 19 Nyepi, 20 CB, 21-22 Idul Fitri (weekend), 23-24 CB.
        (date(2026, 3, 16), 1, date(2026, 3, 17)),
        (date(2026, 3, 17), 1, date(2026, 3, 25)),
        (date(2026, 3, 16), 2, date(2026, 3, 25)),
        (date(2026, 3, 13), 5, date(2026, 3, 27)),  # 16, 17, 25, 26, 27
        (date(2026, 3, 18), 0, date(2026, 3, 25)),
        # Christmas: 24 CB, 25 Natal, 26-27 weekend.
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        # Year end: Thu 31 Dec 2026 -> Fri 1 Jan 2027 is New Year -> Mon 4 Jan 2027.
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
    ],
)
def test_add_working_days_skips_weekends_holidays_and_cuti_bersama(
    national: WorkingCalendar, start: date, n: int, expected: date
) -> None:
    assert national.add_working_days(start, n) == expected


def test_add_working_days_refuses_a_negative_count(national: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        national.add_working_days(date(2026, 8, 14), -1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 17), True),  # Tue, ordinary
        (date(2026, 3, 18), False),  # cuti bersama Nyepi
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 3, 21), False),  # Sat, Idul Fitri
        (date(2026, 3, 24), False),  # cuti bersama Idul Fitri
        (date(2026, 3, 25), True),
        (date(2026, 8, 17), False),
        (date(2026, 8, 18), True),
    ],
)
def test_is_working_day_by_default_closes_on_cuti_bersama(
    national: WorkingCalendar, day: date, working: bool
) -> None:
    assert national.is_working_day(day) is working


# --- cuti bersama as a setting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "closed", "open_"),
    [
        (date(2026, 3, 17), 1, date(2026, 3, 25), date(2026, 3, 18)),
        (date(2026, 3, 17), 2, date(2026, 3, 26), date(2026, 3, 20)),  # 19 Nyepi stays shut
        (date(2026, 3, 17), 3, date(2026, 3, 27), date(2026, 3, 23)),
        (date(2026, 3, 17), 5, date(2026, 3, 31), date(2026, 3, 25)),
        (date(2026, 12, 23), 1, date(2026, 12, 28), date(2026, 12, 24)),
        (date(2026, 8, 14), 1, date(2026, 8, 18), date(2026, 8, 18)),  # no CB involved
    ],
)
def test_cuti_bersama_is_non_working_by_default_and_working_when_set(
    start: date, n: int, closed: date, open_: date
) -> None:
    assert small().add_working_days(start, n) == closed
    assert small(joint_leave_is_working=True).add_working_days(start, n) == open_


def test_cuti_bersama_on_a_public_holiday_stays_a_holiday() -> None:
    calendar = WorkingCalendar(
        {date(2026, 8, 17): "Hari Kemerdekaan"},
        {date(2026, 8, 17): "Cuti Bersama", date(2026, 8, 18): "Cuti Bersama"},
        joint_leave_is_working=True,
        years=[2026],
    )
    assert not calendar.is_working_day(date(2026, 8, 17))
    assert calendar.is_working_day(date(2026, 8, 18))


def test_working_days_in_2026_are_weekdays_less_holidays_less_cuti_bersama(
    national: WorkingCalendar,
) -> None:
    # 261 weekdays (52 weeks + Thu 31 Dec); 13 public holidays and 8 CB fall on weekdays.
    assert national.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 240
    counted = small(joint_leave_is_working=True)
    assert counted.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


# --- agency working week -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 8, 14), 1, date(2026, 8, 15)),  # Fri -> Sat is a working day
        (date(2026, 8, 15), 1, date(2026, 8, 18)),  # Sat -> Sun off, Mon 17 Aug off
        (date(2026, 7, 3), 5, date(2026, 7, 9)),  # Sat 4, Mon 6 .. Thu 9
        (date(2026, 3, 17), 1, date(2026, 3, 25)),  # Sat 21 is Idul Fitri
        (date(2026, 7, 5), 0, date(2026, 7, 6)),  # Sunday still off
    ],
)
def test_six_day_week_agency_works_saturdays(start: date, n: int, expected: date) -> None:
    assert small(weekend=frozenset({6})).add_working_days(start, n) == expected


@pytest.mark.parametrize("weekend", [frozenset({7}), frozenset({-1}), frozenset(range(7))])
def test_weekend_must_be_weekday_numbers_and_leave_a_working_day(weekend: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="weekend"):
        WorkingCalendar({}, {}, weekend=weekend, years=[2026])


# --- joint leave kept as editable data --------------------------------------------------------


def test_extra_joint_leave_day_closes_the_office() -> None:
    extra = {date(2026, 8, 18): "Cuti Bersama Hari Kemerdekaan"}
    calendar = small(extra_joint_leave=extra)
    assert calendar.joint_leave[date(2026, 8, 18)] == "Cuti Bersama Hari Kemerdekaan"
    assert calendar.add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 19)
    # Plain dates work too, and joint_leave_is_working opens an added day like any other.
    assert small(extra_joint_leave=[date(2026, 8, 18)]).joint_leave[date(2026, 8, 18)]
    assert small(extra_joint_leave=[date(2026, 8, 18)], joint_leave_is_working=True).is_working_day(
        date(2026, 8, 18)
    )


def test_removed_joint_leave_day_opens_the_office() -> None:
    calendar = small(removed_joint_leave=[date(2026, 12, 24), date(2026, 7, 1)])  # 1 Jul: no CB
    assert date(2026, 12, 24) not in calendar.joint_leave
    assert calendar.is_working_day(date(2026, 12, 24))
    assert calendar.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert calendar.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    # Removing joint leave never removes the public holiday next to it.
    assert not calendar.is_working_day(date(2026, 12, 25))


# --- deadline per unit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # Working days end at 23:59:59.999999 WIB of the n-th working day.
        (at(WIB, 2026, 8, 14, 10), Duration(1, Unit.WORKING_DAYS), end_of(WIB, date(2026, 8, 18))),
        (at(WIB, 2026, 8, 15, 10), Duration(0, Unit.WORKING_DAYS), end_of(WIB, date(2026, 8, 18))),
        (at(WIB, 2026, 3, 16, 8), Duration(5, Unit.WORKING_DAYS), end_of(WIB, date(2026, 3, 30))),
        # The local date counts: 17:30 UTC on Thu 13 Aug is 00:30 WIB on Fri 14 Aug.
        (
            at(UTC, 2026, 8, 13, 17, 30),
            Duration(1, Unit.WORKING_DAYS),
            end_of(WIB, date(2026, 8, 18)),
        ),
        (
            at(UTC, 2026, 8, 13, 16, 30),
            Duration(1, Unit.WORKING_DAYS),
            end_of(WIB, date(2026, 8, 14)),
        ),
        # Calendar days: end of the local day start + n (holidays irrelevant).
        (at(WIB, 2026, 3, 17, 9), Duration(60, Unit.CALENDAR_DAYS), end_of(WIB, date(2026, 5, 16))),
        (at(WIB, 2026, 8, 14, 9), Duration(0, Unit.CALENDAR_DAYS), end_of(WIB, date(2026, 8, 14))),
        # Hours: exact elapsed time, over holidays and in whatever zone start was given.
        (at(WIB, 2026, 3, 20, 10), Duration(72, Unit.HOURS), at(WIB, 2026, 3, 23, 10)),
        (at(UTC, 2026, 3, 20, 3), Duration(72, Unit.HOURS), at(WIB, 2026, 3, 23, 10)),
    ],
)
def test_deadline_per_unit_in_jakarta(
    national: WorkingCalendar, start: datetime, duration: Duration, expected: datetime
) -> None:
    due = national.deadline(start, duration)
    assert due == expected
    assert due.utcoffset() == timedelta(hours=7)  # returned in the calendar's zone


def test_deadline_in_hours_is_elapsed_time_even_across_a_dst_change(
    national: WorkingCalendar,
) -> None:
    # Europe turns clocks forward on 29 Mar 2026: 12:00 CET on the 28th is 11:00 UTC, and
    # 24 elapsed hours later is 11:00 UTC = 18:00 WIB (wall-clock arithmetic would say 17:00).
    amsterdam = ZoneInfo("Europe/Amsterdam")
    due = national.deadline(at(amsterdam, 2026, 3, 28, 12), Duration(24, Unit.HOURS))
    assert due == at(WIB, 2026, 3, 29, 18)


def test_deadline_in_wita_ends_at_the_end_of_the_makassar_day() -> None:
    makassar = small(tz=WITA)
    # 16:30 UTC Thu 13 Aug is 00:30 WITA Fri 14 Aug (but still 23:30 WIB on Thursday).
    due = makassar.deadline(at(UTC, 2026, 8, 13, 16, 30), Duration(1, Unit.WORKING_DAYS))
    assert due == end_of(WITA, date(2026, 8, 18))
    assert due.utcoffset() == timedelta(hours=8)
    assert due == datetime(2026, 8, 18, 15, 59, 59, 999999, tzinfo=UTC)
    calendar_due = makassar.deadline(at(WITA, 2026, 8, 14, 0, 30), Duration(3, Unit.CALENDAR_DAYS))
    assert calendar_due == end_of(WITA, date(2026, 8, 17))


def test_deadline_refuses_naive_datetimes_and_negative_durations(
    national: WorkingCalendar,
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        national.deadline(datetime(2026, 8, 14, 10), Duration(1, Unit.WORKING_DAYS))
    with pytest.raises(ValueError, match="0 or more"):
        national.deadline(at(WIB, 2026, 8, 14, 10), Duration(-1, Unit.HOURS))


# --- pausing the clock ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "paused_from", "paused_to", "unit", "expected"),
    [
        # Pause within one day: nothing moves.
        (
            end_of(WIB, date(2026, 8, 18)),
            at(WIB, 2026, 8, 14, 9),
            at(WIB, 2026, 8, 14, 15),
            Unit.WORKING_DAYS,
            end_of(WIB, date(2026, 8, 18)),
        ),
        # Fri 14 -> Tue 18 Aug: working days in (14, 18] = {18}: one.
        (
            end_of(WIB, date(2026, 8, 18)),
            at(WIB, 2026, 8, 14, 10),
            at(WIB, 2026, 8, 18, 9),
            Unit.WORKING_DAYS,
            end_of(WIB, date(2026, 8, 19)),
        ),
        # Over Idul Fitri: (16, 25 Mar] holds 17 and 25 only; due Thu 26 -> 27, Mon 30.
        (
            end_of(WIB, date(2026, 3, 26)),
            at(WIB, 2026, 3, 16, 10),
            at(WIB, 2026, 3, 25, 10),
            Unit.WORKING_DAYS,
            end_of(WIB, date(2026, 3, 30)),
        ),
        # Calendar days: three local dates crossed (20 -> 23 Mar), time of day kept.
        (
            end_of(WIB, date(2026, 5, 16)),
            at(WIB, 2026, 3, 20, 22),
            at(WIB, 2026, 3, 23, 1),
            Unit.CALENDAR_DAYS,
            end_of(WIB, date(2026, 5, 19)),
        ),
        # Hours: exactly the elapsed pause (2 h 30 min).
        (
            at(WIB, 2026, 3, 23, 10),
            at(WIB, 2026, 3, 21, 8),
            at(WIB, 2026, 3, 21, 10, 30),
            Unit.HOURS,
            at(WIB, 2026, 3, 23, 12, 30),
        ),
    ],
)
def test_pause_shifts_the_due_date_by_the_time_spent_waiting(
    national: WorkingCalendar,
    due: datetime,
    paused_from: datetime,
    paused_to: datetime,
    unit: Unit,
    expected: datetime,
) -> None:
    shifted = national.shift_for_pause(due, paused_from, paused_to, unit)
    assert shifted == expected
    assert shifted.utcoffset() == timedelta(hours=7)


def test_pause_result_is_in_the_calendar_zone_even_when_nothing_moves(
    national: WorkingCalendar,
) -> None:
    due = datetime(2026, 8, 18, 16, 59, 59, 999999, tzinfo=UTC)  # end of 18 Aug WIB
    same_day = (at(WIB, 2026, 8, 14, 9), at(WIB, 2026, 8, 14, 15))
    shifted = national.shift_for_pause(due, *same_day, Unit.WORKING_DAYS)
    assert shifted == end_of(WIB, date(2026, 8, 18))
    assert shifted.utcoffset() == timedelta(hours=7)


def test_pause_that_ends_before_it_starts_is_refused(national: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        national.shift_for_pause(
            end_of(WIB, date(2026, 8, 18)),
            at(WIB, 2026, 8, 18, 10),
            at(WIB, 2026, 8, 14, 10),
            Unit.WORKING_DAYS,
        )


# --- counting working days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 8, 14), date(2026, 8, 14), 0),  # same day
        (date(2026, 8, 14), date(2026, 8, 17), 0),  # (Fri, Mon holiday]
        (date(2026, 8, 14), date(2026, 8, 18), 1),
        (date(2026, 8, 13), date(2026, 8, 14), 1),  # b included
        (date(2026, 8, 14), date(2026, 8, 15), 0),  # a excluded, Sat
        (date(2026, 8, 15), date(2026, 8, 16), 0),  # weekend only
        (date(2026, 3, 17), date(2026, 3, 25), 1),
        (date(2026, 3, 13), date(2026, 3, 31), 7),  # 16, 17, 25, 26, 27, 30, 31
    ],
)
def test_working_days_between_excludes_a_includes_b_and_is_antisymmetric(
    national: WorkingCalendar, a: date, b: date, expected: int
) -> None:
    assert national.working_days_between(a, b) == expected
    assert national.working_days_between(b, a) == -expected


def test_working_days_elapsed_counts_local_dates(national: WorkingCalendar) -> None:
    start = at(WIB, 2026, 8, 14, 16)
    assert national.working_days_elapsed(start, at(WIB, 2026, 8, 18, 8)) == 1
    assert national.working_days_elapsed(start, at(WIB, 2026, 8, 14, 23)) == 0
    # 17:30 UTC on Tue 18 Aug is 00:30 WIB on Wed 19 Aug.
    assert national.working_days_elapsed(start, at(UTC, 2026, 8, 18, 17, 30)) == 2
    assert national.working_days_elapsed(at(WIB, 2026, 8, 18, 8), start) == -1


# --- range and immutability -------------------------------------------------------------------


def test_dates_outside_the_calendar_are_refused_not_guessed() -> None:
    calendar = small()
    with pytest.raises(CalendarRangeError, match="2024-12-31"):
        calendar.is_working_day(date(2024, 12, 31))
    with pytest.raises(CalendarRangeError, match="2028-01-03"):
        calendar.add_working_days(date(2028, 1, 3), 0)
    with pytest.raises(CalendarRangeError, match="outside the working calendar"):
        calendar.add_working_days(date(2027, 12, 30), 5)  # result would be in 2028
    assert calendar.add_working_days(date(2027, 12, 30), 1) == date(2027, 12, 31)
    assert (calendar.first_day, calendar.last_day) == (date(2025, 1, 1), date(2027, 12, 31))


def test_calendar_cannot_be_changed_after_construction() -> None:
    calendar = WorkingCalendar({date(2026, 8, 17): "Hari Kemerdekaan"}, {}, years=[2026])
    with pytest.raises(AttributeError, match="immutable"):
        calendar.weekend = frozenset({6})  # type: ignore[misc]
    with pytest.raises(TypeError):
        calendar.holidays[date(2026, 8, 18)] = "x"  # type: ignore[index]
    assert calendar.add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)


def test_years_default_to_the_span_of_the_holiday_data() -> None:
    calendar = WorkingCalendar({date(2026, 8, 17): "x"}, {date(2027, 1, 4): "y"})
    assert (calendar.first_day, calendar.last_day) == (date(2026, 1, 1), date(2027, 12, 31))
    with pytest.raises(ValueError, match="no years"):
        WorkingCalendar({}, {})


# --- the command-line entry point -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-08-14", "1", "2026-08-18"),
        ("2026-03-17", "1", "2026-03-25"),
        (" 2026-07-04 ", "0", "2026-07-06"),
    ],
)
def test_command_prints_the_iso_date(start: str, n: str, expected: str) -> None:
    assert add_working_days_command(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "fields", "rules"),
    [
        ("14-08-2026", "1", {"date"}, {"calendar_date_format"}),
        ("20260814", "1", {"date"}, {"calendar_date_format"}),
        ("٢٠٢٦-٠٨-١٤", "1", {"date"}, {"calendar_date_format"}),  # Arabic-Indic digits
        ("2026-02-30", "1", {"date"}, {"calendar_date_invalid"}),
        ("2040-01-02", "1", {"date"}, {"calendar_date_range"}),
        ("2026-08-14", "satu", {"days"}, {"calendar_days_format"}),
        ("2026-08-14", "1.5", {"days"}, {"calendar_days_format"}),
        ("2026-08-14", "", {"days"}, {"calendar_days_format"}),
        ("2026-08-14", "-1", {"days"}, {"calendar_days_range"}),
        ("2026-08-14", "3651", {"days"}, {"calendar_days_range"}),
        ("2035-12-28", "10", {"days"}, {"calendar_days_range"}),  # runs past 2035
        ("kemarin", "-3", {"date", "days"}, {"calendar_date_format", "calendar_days_range"}),
    ],
)
def test_command_refuses_bad_input_naming_the_field(
    start: str, n: str, fields: set[str], rules: set[str]
) -> None:
    with pytest.raises(RuleError) as error:
        add_working_days_command(start, n)
    assert {v.field for v in error.value.violations} == fields
    assert {v.rule for v in error.value.violations} == rules
    assert all(v.message for v in error.value.violations)


# --- properties -------------------------------------------------------------------------------

in_range = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 9, 30))


@given(start=in_range, n=st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day(
    national: WorkingCalendar, start: date, n: int
) -> None:
    calendar = national  # module-scoped: built before Hypothesis starts timing
    result = calendar.add_working_days(start, n)
    assert calendar.is_working_day(result)
    if n:
        assert result > start
    else:
        assert (result == start) is calendar.is_working_day(start)
        assert result >= start


@given(start=in_range, n=st.integers(min_value=1, max_value=60))
def test_working_days_between_inverts_add_working_days(
    national: WorkingCalendar, start: date, n: int
) -> None:
    calendar = national
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
