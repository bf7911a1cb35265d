"""When an action item is overdue, and who hears of it.

Deadlines are working days (the platform calendar). Levels only go up, and each is applied
once by the periodic job:

0. none: more than ``remind_days`` working days left;
1. reminder to the assigned agency: due within ``remind_days`` working days (or today);
2. escalated to the body's lead: past its deadline;
3. escalated to the coordinating ministry: more than ``ministry_after`` working days late
   (only when the body names one; otherwise it stays with the lead).

Pure Python: no Django.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sinergi.cases.calendar import WorkingCalendar

__all__ = ["Level", "level_at"]


class Level(IntEnum):
    NONE = 0
    REMINDER = 1
    LEAD = 2
    COORDINATING_MINISTRY = 3


def level_at(
    *,
    due: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    remind_days: int = 1,
    ministry_after: int = 3,
    has_ministry: bool = True,
) -> Level:
    """The level an open item has reached at ``now`` (the end of its due day is the deadline)."""
    if now > due:
        late = calendar.working_days_elapsed(due, now)
        if has_ministry and late > ministry_after:
            return Level.COORDINATING_MINISTRY
        return Level.LEAD
    left = calendar.working_days_elapsed(now, due)
    return Level.REMINDER if left <= remind_days else Level.NONE
