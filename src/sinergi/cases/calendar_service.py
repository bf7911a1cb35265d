"""The platform's working-day calendar: package holidays plus the joint-leave days kept as
data (``JointLeaveDay``), rebuilt when those change."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db.models import Count, Max

from sinergi.cases.calendar import WorkingCalendar
from sinergi.cases.models import JointLeaveDay
from sinergi.core.memo import memoised

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], WorkingCalendar] | None = None


def platform_calendar() -> WorkingCalendar:
    """Built once per process and again only when the joint-leave data changed; within a
    request, checked once."""
    return memoised("calendar", _current)


def _current() -> WorkingCalendar:
    global _cached
    counts = JointLeaveDay.objects.aggregate(n=Count("id"), last=Max("id"))
    stamp = (counts["n"], counts["last"], bool(settings.SINERGI["CUTI_BERSAMA_IS_WORKING"]))
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        extra = dict(JointLeaveDay.objects.filter(removed=False).values_list("date", "name"))
        removed = list(JointLeaveDay.objects.filter(removed=True).values_list("date", flat=True))
        calendar = WorkingCalendar.for_years(
            extra_joint_leave=extra,
            removed_joint_leave=removed,
            joint_leave_is_working=bool(settings.SINERGI["CUTI_BERSAMA_IS_WORKING"]),
        )
        _cached = (stamp, calendar)
    return calendar
