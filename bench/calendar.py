"""Benchmark: working-day arithmetic for the SLA sweep, against a naive day-by-day loop.

An SLA sweep computes a deadline for every open step, so ``add_working_days`` and ``deadline``
must cost microseconds. Baseline, measured in the same run over the same 100k random starts
(2016-2034): step one day at a time, skipping weekends and days found (``in``) in a prebuilt
``holidays.country_holidays("ID", categories=("public", "government"))`` object, the obvious
implementation. The naive results are also compared with the calendar's, as a cross-check.

Run: .venv/bin/python bench/calendar.py

This file's name shadows the standard library's ``calendar`` (which ``holidays`` imports) when
run as a script, because Python puts the script's folder first on ``sys.path``; so that folder
is taken off the path before anything else is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import random
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import holidays

from sinergi.cases.calendar import JAKARTA, WorkingCalendar
from sinergi.catalog.definitions import Duration, Unit

CALLS = 100_000
N = 5
YEARS = range(2015, 2036)


def timed(
    label: str, func: Callable[[Any], object], inputs: Sequence[Any]
) -> tuple[float, list[object]]:
    start = time.perf_counter()
    results = [func(item) for item in inputs]
    per_call = (time.perf_counter() - start) / len(inputs)
    print(f"  {label:<38} {per_call * 1e6:8.3f} µs/call")
    return per_call, results


def main() -> None:
    rng = random.Random(20260814)
    first, last = date(2016, 1, 1).toordinal(), date(2034, 12, 31).toordinal()
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(CALLS)]
    starts = [
        datetime.combine(d, clock(rng.randrange(24), rng.randrange(60)), tzinfo=JAKARTA)
        for d in days
    ]

    # The baseline's object first: it also pays the package's one-off loading cost.
    built = time.perf_counter()
    closed = holidays.country_holidays(
        "ID", years=YEARS, categories=("public", "government"), language="id"
    )
    build_naive = time.perf_counter() - built
    built = time.perf_counter()
    calendar = WorkingCalendar.for_years(YEARS)
    build_calendar = time.perf_counter() - built

    def naive_add(d: date) -> date:
        found = 0
        while found < N:
            d += timedelta(days=1)
            if d.weekday() < 5 and d not in closed:
                found += 1
        return d

    def naive_deadline(start: datetime) -> datetime:
        return datetime.combine(naive_add(start.astimezone(JAKARTA).date()), clock.max, JAKARTA)

    duration = Duration(N, Unit.WORKING_DAYS)
    print(f"{CALLS:,} random starts 2016-2034, n = {N} working days")
    print(f"  build holidays object 2015-2035 (once)  {build_naive * 1e3:8.1f} ms")
    print(f"  build WorkingCalendar 2015-2035 (once)  {build_calendar * 1e3:8.1f} ms")
    base_add, naive_days = timed("baseline add (day-by-day, holidays in)", naive_add, days)
    fast_add, fast_days = timed(
        "WorkingCalendar.add_working_days", lambda d: calendar.add_working_days(d, N), days
    )
    base_due, naive_dues = timed("baseline deadline", naive_deadline, starts)
    fast_due, fast_dues = timed(
        "WorkingCalendar.deadline", lambda s: calendar.deadline(s, duration), starts
    )

    print(
        f"add_working_days: {fast_add / base_add:.3f}x baseline ({base_add / fast_add:.0f}x faster)"
    )
    print(
        f"deadline:         {fast_due / base_due:.3f}x baseline ({base_due / fast_due:.0f}x faster)"
    )
    agree = naive_days == fast_days and naive_dues == fast_dues
    print(f"results agree with the baseline on all {CALLS:,} starts: {agree}")


if __name__ == "__main__":
    main()
