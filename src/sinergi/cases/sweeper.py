"""The SLA sweeper: applies time-outs (remind, escalate, deemed approval) exactly once.

Each due step or case is advanced through the engine and written with a conditional update on
the case's version (``UPDATE … WHERE version = v``): when two workers pick the same due item,
one update matches and the other matches nothing and is dropped, so a time-out is never
applied twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from sinergi.cases.actions import apply_timeout
from sinergi.cases.engine import EngineError
from sinergi.cases.models import Case, CaseStep
from sinergi.core.errors import Conflict

logger = logging.getLogger("sinergi.sweeper")


@dataclass(frozen=True)
class SweepResult:
    applied: int
    skipped: int


def sweep(now: datetime | None = None, limit: int = 5000) -> SweepResult:
    now = now or timezone.now()
    applied = skipped = 0
    # Steps of a case waiting on the citizen are paused (the engine refuses their time-out):
    # left out here, or every sweep would load and refuse each of them again.
    due_steps = list(
        CaseStep.objects.filter(
            status="active", next_timeout_at__lte=now, case__status="in_progress"
        )
        .order_by("next_timeout_at")
        .values_list("case_id", "step_id")[:limit]
    )
    due_cases = list(
        Case.objects.filter(status="in_progress", deemed_due_at__lte=now)
        .order_by("deemed_due_at")
        .values_list("id", flat=True)[:limit]
    )
    items: list[tuple[int, str | None]] = [*due_steps, *((c, None) for c in due_cases)]
    for case_id, step_id in items:
        case = Case.objects.select_related("definition", "service", "citizen").get(pk=case_id)
        try:
            apply_timeout(case, step_id, now)
            applied += 1
        except (Conflict, EngineError):
            skipped += 1  # another worker got there first, or it is no longer due
    if applied or skipped:
        logger.info("sla sweep", extra={"applied": applied, "skipped": skipped})
    return SweepResult(applied, skipped)
