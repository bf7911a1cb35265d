"""Windows counted in working days after an event (revision, keberatan): one rule for all."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from sinergi.cases.calendar_service import platform_calendar
from sinergi.catalog.definitions import Duration, Unit
from sinergi.rules import RuleError, Violation


def window_end(start: datetime, setting: str) -> datetime:
    """The end of the window that opens at ``start`` and lasts ``SINERGI[setting]`` working
    days."""
    days = int(settings.SINERGI[setting])
    return platform_calendar().deadline(start, Duration(days, Unit.WORKING_DAYS))


def ensure_within(
    now: datetime, deadline: datetime, *, rule: str, template: str, article: str = ""
) -> None:
    """Refuse (field ``case``) an act that comes after its window closed."""
    if now > deadline:
        raise RuleError(
            Violation(
                field="case",
                rule=rule,
                template=template,
                params={"deadline": deadline.date().isoformat()},
                article=article,
            )
        )
