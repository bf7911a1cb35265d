"""The working-day calendar: hari kerja, calendar days and clock hours (regulations.md 8).

Indonesian deadlines mix units (UU 30/2014 counts hari kerja, Perpres 76/2013 calendar days,
UU 27/2022 clock hours), so every deadline here takes a :class:`Duration` that carries its unit.

Pure Python (no Django): the SLA sweep, the rules and the CLI share one calendar object.
A :class:`WorkingCalendar` covers a fixed range of whole years and precomputes every working
day in it at construction, so the per-call work is a few list look-ups (an SLA sweep calls it
for every open step). Dates outside the range raise :class:`CalendarRangeError` instead of
being extended lazily: extending would mean mutating a shared object and, worse, silently
counting days of years nobody loaded holidays for. Build a wider calendar instead.

Holiday data comes from the ``holidays`` package: national holidays (``public`` category,
Keppres/SKB based) and cuti bersama (``government`` category). The package has cuti bersama
only for the years the SKB was published, and Islamic, Chinese and Buddhist dates of later
years are estimates ("(perkiraan)"), so the platform keeps joint-leave days as editable data
and passes additions and removals in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any, NoReturn, assert_never
from zoneinfo import ZoneInfo

import holidays as holidays_package

from sinergi.catalog.definitions import Duration, Unit
from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "DEFAULT_YEARS",
    "JAKARTA",
    "WEEKEND",
    "CalendarRangeError",
    "WorkingCalendar",
    "add_working_days_command",
    "default_calendar",
    "joint_leave_days",
    "national_holidays",
]

JAKARTA = ZoneInfo("Asia/Jakarta")
"""WIB; agencies in WITA (Asia/Makassar) or WIT (Asia/Jayapura) pass their own zone."""

WEEKEND: frozenset[int] = frozenset({5, 6})
"""Saturday and Sunday (``date.weekday()`` numbers): the usual 5-day government week."""

DEFAULT_YEARS = range(2015, 2036)
"""Years :meth:`WorkingCalendar.for_years` covers unless told otherwise (2015-2035)."""

JOINT_LEAVE_NAME = "Cuti Bersama"
"""Name given to an added joint-leave day when the caller gives none."""

_COUNTRY = "ID"
_LANGUAGE = "id"


def _years(years: int | Iterable[int]) -> list[int]:
    return [years] if isinstance(years, int) else sorted(set(years))


def national_holidays(years: int | Iterable[int]) -> dict[date, str]:
    """Hari libur nasional (``public`` category), names in Indonesian, sorted by date.

    Two holidays on one day come as one entry with the names joined by "; " (the package's
    behaviour, e.g. 2021-05-13); estimated dates carry "(perkiraan)" in the name.
    """
    found = holidays_package.country_holidays(
        _COUNTRY, years=_years(years), categories=("public",), language=_LANGUAGE
    )
    return dict(sorted(found.items()))


def joint_leave_days(years: int | Iterable[int]) -> dict[date, str]:
    """Cuti bersama (``government`` category) that are not also national holidays.

    These are only the defaults: the package has them only for years whose SKB it knows
    (none after 2027 in version 0.109), so callers add and remove days from their own data.
    """
    wanted = _years(years)
    return _joint_leave(wanted, national_holidays(wanted))


def _joint_leave(years: list[int], public: Mapping[date, str]) -> dict[date, str]:
    found = holidays_package.country_holidays(
        _COUNTRY, years=years, categories=("government",), language=_LANGUAGE
    )
    return {day: name for day, name in sorted(found.items()) if day not in public}


class CalendarRangeError(ValueError):
    """A date (or a result) falls outside the years the calendar was built for."""


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


class WorkingCalendar:
    """Which days are working days, for one agency setting; immutable once built.

    A day is not a working day when its weekday is in ``weekend``, when it is in ``holidays``,
    or when it is in ``joint_leave`` and ``joint_leave_is_working`` is false (the default:
    offices close on cuti bersama). A joint-leave day that is also a holiday stays a holiday.

    ``years`` is the range covered (every day of those years is precomputed); by default the
    span of years found in ``holidays`` and ``joint_leave``. Years in between count as covered
    too, so pass the full range when the mappings may have gaps.
    """

    __slots__ = (
        "_base",
        "_before",
        "_day_deadlines",
        "_first",
        "_holidays",
        "_joint_leave",
        "_joint_leave_is_working",
        "_last",
        "_tz",
        "_weekend",
        "_working",
    )

    _base: int
    _before: tuple[int, ...]
    _day_deadlines: dict[tuple[date, int, Unit], datetime]
    _first: date
    _holidays: Mapping[date, str]
    _joint_leave: Mapping[date, str]
    _joint_leave_is_working: bool
    _last: date
    _tz: ZoneInfo
    _weekend: frozenset[int]
    _working: tuple[int, ...]

    def __init__(
        self,
        holidays: Mapping[date, str],
        joint_leave: Mapping[date, str],
        weekend: frozenset[int] = WEEKEND,
        joint_leave_is_working: bool = False,
        tz: ZoneInfo = JAKARTA,
        *,
        years: Iterable[int] | None = None,
    ) -> None:
        weekend = frozenset(weekend)
        if not weekend <= frozenset(range(7)):
            raise ValueError(f"weekend holds weekday numbers 0 (Monday) to 6, got {weekend}")
        if len(weekend) == 7:
            raise ValueError("weekend cannot be the whole week")
        covered = (
            sorted(set(years)) if years is not None else [d.year for d in (*holidays, *joint_leave)]
        )
        if not covered:
            raise ValueError("no years to cover: pass years=... or some holidays")
        first, last = date(min(covered), 1, 1), date(max(covered), 12, 31)

        closed = set(holidays)
        if not joint_leave_is_working:
            closed.update(joint_leave)
        # _before[i]: working days strictly before day i (day 0 = first); _working: ordinals
        # of the working days in order. Together they make every question O(1).
        base = first.toordinal()
        before = [0]
        working: list[int] = []
        for ordinal in range(base, last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            if day.weekday() not in weekend and day not in closed:
                working.append(ordinal)
            before.append(len(working))

        put = object.__setattr__
        put(self, "_holidays", MappingProxyType(dict(sorted(holidays.items()))))
        put(self, "_joint_leave", MappingProxyType(dict(sorted(joint_leave.items()))))
        put(self, "_weekend", weekend)
        put(self, "_joint_leave_is_working", joint_leave_is_working)
        put(self, "_tz", tz)
        # Day-unit deadlines depend only on the local date and the duration: memoised, as
        # every step activation asks for one (bounded; cleared when it fills).
        put(self, "_day_deadlines", {})
        put(self, "_first", first)
        put(self, "_last", last)
        put(self, "_base", base)
        put(self, "_before", tuple(before))
        put(self, "_working", tuple(working))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"WorkingCalendar is immutable; cannot set {name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"WorkingCalendar is immutable; cannot delete {name}")

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self._first.year}..{self._last.year}, weekend="
            f"{sorted(self._weekend)}, joint_leave_is_working={self._joint_leave_is_working}, "
            f"tz={self._tz.key!r}, {len(self._holidays)} holidays, "
            f"{len(self._joint_leave)} joint-leave days)"
        )

    @classmethod
    def for_years(
        cls,
        years: Iterable[int] = DEFAULT_YEARS,
        *,
        weekend: frozenset[int] = WEEKEND,
        joint_leave_is_working: bool = False,
        tz: ZoneInfo = JAKARTA,
        extra_joint_leave: Mapping[date, str] | Iterable[date] = (),
        removed_joint_leave: Iterable[date] = (),
    ) -> WorkingCalendar:
        """Build from the ``holidays`` package, with the platform's own joint-leave edits.

        ``extra_joint_leave`` (dates, or dates with names) are added, then
        ``removed_joint_leave`` taken away; removing a day that is not joint leave is ignored,
        so a package upgrade that drops a day does not break construction.
        """
        wanted = _years(years)
        public = national_holidays(wanted)
        joint = _joint_leave(wanted, public)
        if isinstance(extra_joint_leave, Mapping):
            joint.update(extra_joint_leave)
        else:
            joint.update(dict.fromkeys(extra_joint_leave, JOINT_LEAVE_NAME))
        for day in removed_joint_leave:
            joint.pop(day, None)
        return cls(
            public,
            joint,
            weekend=weekend,
            joint_leave_is_working=joint_leave_is_working,
            tz=tz,
            years=wanted,
        )

    # Read-only views of the configuration.
    @property
    def holidays(self) -> Mapping[date, str]:
        return self._holidays

    @property
    def joint_leave(self) -> Mapping[date, str]:
        return self._joint_leave

    @property
    def weekend(self) -> frozenset[int]:
        return self._weekend

    @property
    def joint_leave_is_working(self) -> bool:
        return self._joint_leave_is_working

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def first_day(self) -> date:
        return self._first

    @property
    def last_day(self) -> date:
        return self._last

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._base
        if i < 0 or i >= len(self._before) - 1:
            self._out_of_range(d)
        return i

    def _out_of_range(self, d: date | str) -> NoReturn:
        raise CalendarRangeError(
            f"{d} is outside the working calendar ({self._first}..{self._last}); "
            "build it with WorkingCalendar.for_years(...) over a wider range"
        )

    def is_working_day(self, d: date) -> bool:
        """True when offices are open on ``d`` under this calendar's setting."""
        i = self._index(d)
        return self._before[i + 1] != self._before[i]

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d``; for ``n == 0``, ``d`` or the next working day.

        ``d`` itself never counts for ``n >= 1``: a request filed on Friday with 1 working day
        is due on the next working day, whatever day ``d`` is.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        i = self._index(d)
        k = self._before[i + 1] + n - 1 if n else self._before[i]
        if k >= len(self._working):
            self._out_of_range(f"{n} working days after {d}")
        return date.fromordinal(self._working[k])

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``: ``a`` excluded, ``b`` included.

        Antisymmetric: when ``b < a`` it is minus the count in ``(b, a]``, and 0 when
        ``a == b``; so ``working_days_between(d, add_working_days(d, n)) == n`` for ``n >= 1``.
        """
        return self._before[self._index(b) + 1] - self._before[self._index(a) + 1]

    def _local(self, value: datetime, name: str) -> datetime:
        _aware(value, name)
        return value.astimezone(self._tz)

    def _end_of(self, d: date) -> datetime:
        return datetime.combine(d, time.max, tzinfo=self._tz)

    def deadline(self, start: datetime, duration: Duration) -> datetime:
        """When a duration starting at ``start`` runs out, as an aware datetime in ``tz``.

        - working days: the end (23:59:59.999999 local) of the ``n``-th working day after the
          local date of ``start``; the day of ``start`` never counts (see
          :meth:`add_working_days`), so the time of day of ``start`` does not matter;
        - calendar days: the end of the local day ``start`` + ``n`` days;
        - hours: exactly ``n`` elapsed hours after ``start`` (computed in UTC).

        A step is late when it is done after the result (``done > deadline``).
        """
        local = self._local(start, "start")
        if duration.amount < 0:
            raise ValueError(f"duration must be 0 or more, got {duration}")
        match duration.unit:
            case Unit.WORKING_DAYS | Unit.CALENDAR_DAYS:
                key = (local.date(), duration.amount, duration.unit)
                memo: dict[tuple[date, int, Unit], datetime] = self._day_deadlines
                found = memo.get(key)
                if found is None:
                    day = (
                        self.add_working_days(local.date(), duration.amount)
                        if duration.unit is Unit.WORKING_DAYS
                        else local.date() + timedelta(days=duration.amount)
                    )
                    if len(memo) > 8192:
                        memo.clear()
                    found = memo[key] = self._end_of(day)
                return found
            case Unit.HOURS:
                elapsed = timedelta(hours=duration.amount)
                return (start.astimezone(UTC) + elapsed).astimezone(self._tz)
            case _:
                assert_never(duration.unit)

    def shift_for_pause(
        self, due: datetime, paused_from: datetime, paused_to: datetime, unit: Unit
    ) -> datetime:
        """Push ``due`` later by the time the clock stood still (waiting on the citizen).

        - working days: by the working days in ``(local date of paused_from, local date of
          paused_to]``, so a pause within one day shifts nothing and each working day the
          case resumes on or waits through adds one; the time of day of ``due`` is kept;
        - calendar days: by the number of local dates crossed, time of day kept;
        - hours: by exactly the elapsed pause.

        The result is in ``tz``. A pause that ends before it starts is refused.
        """
        local_due = self._local(due, "due")
        start = self._local(paused_from, "paused_from")
        end = self._local(paused_to, "paused_to")
        if end < start:
            raise ValueError(f"pause ends ({paused_to}) before it starts ({paused_from})")
        match unit:
            case Unit.WORKING_DAYS:
                days = self.working_days_between(start.date(), end.date())
                if not days:
                    return local_due
                moved = self.add_working_days(local_due.date(), days)
                return datetime.combine(moved, local_due.timetz())
            case Unit.CALENDAR_DAYS:
                moved = local_due.date() + (end.date() - start.date())
                return datetime.combine(moved, local_due.timetz())
            case Unit.HOURS:
                return (due.astimezone(UTC) + (end - start)).astimezone(self._tz)
            case _:
                assert_never(unit)

    def working_days_elapsed(self, start: datetime, end: datetime) -> int:
        """Working days from ``start`` to ``end`` by local date, as :meth:`working_days_between`.

        The day of ``start`` does not count and the day of ``end`` does, matching
        :meth:`deadline`: a step is late once this exceeds its working-day SLA.
        """
        return self.working_days_between(
            self._local(start, "start").date(), self._local(end, "end").date()
        )


@cache
def default_calendar() -> WorkingCalendar:
    """The national calendar (Jakarta, 5-day week, package holidays) for 2015-2035, built once."""
    return WorkingCalendar.for_years()


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNT = re.compile(r"[+-]?[0-9]+")
_MAX_DAYS = 3650


def _violation(field: str, rule: str, template: str, **params: Any) -> Violation:
    return Violation(
        field=field, rule=rule, template=template, params={k: str(v) for k, v in params.items()}
    )


def add_working_days_command(start: str, n: str, *, calendar: WorkingCalendar | None = None) -> str:
    """``sinergi calendar add-working-days 2026-08-14 1`` prints ``2026-08-18``.

    Parses the command-line text strictly (``YYYY-MM-DD``, ASCII digits) and raises
    :class:`RuleError` with every problem found, on field ``date`` or ``days``.
    """
    cal = calendar if calendar is not None else default_calendar()
    errors: list[Violation] = []
    day: date | None = None
    count: int | None = None

    text = start.strip()
    if not _ISO_DATE.fullmatch(text):
        errors.append(
            _violation(
                "date",
                "calendar_date_format",
                gettext_noop("Write the date as YYYY-MM-DD, for example 2026-08-14; got {value}."),
                value=repr(start),
            )
        )
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors.append(
                _violation(
                    "date",
                    "calendar_date_invalid",
                    gettext_noop("{value} is not a date on the calendar."),
                    value=text,
                )
            )
    if day is not None and not cal.first_day <= day <= cal.last_day:
        errors.append(
            _violation(
                "date",
                "calendar_date_range",
                gettext_noop("The working calendar covers {first} to {last}; {value} is outside."),
                first=cal.first_day,
                last=cal.last_day,
                value=day,
            )
        )
        day = None

    raw = n.strip()
    if not _COUNT.fullmatch(raw):
        errors.append(
            _violation(
                "days",
                "calendar_days_format",
                gettext_noop("The number of working days is a whole number, like 5; got {value}."),
                value=repr(n),
            )
        )
    elif not 0 <= int(raw) <= _MAX_DAYS:
        errors.append(
            _violation(
                "days",
                "calendar_days_range",
                gettext_noop("The number of working days must be from 0 to {max}; got {value}."),
                max=_MAX_DAYS,
                value=int(raw),
            )
        )
    else:
        count = int(raw)

    if day is not None and count is not None:
        try:
            return cal.add_working_days(day, count).isoformat()
        except CalendarRangeError:
            errors.append(
                _violation(
                    "days",
                    "calendar_days_range",
                    gettext_noop(
                        "{days} working days after {value} is past the end of the working"
                        " calendar ({last})."
                    ),
                    days=count,
                    value=day,
                    last=cal.last_day,
                )
            )
    raise RuleError(*errors)
