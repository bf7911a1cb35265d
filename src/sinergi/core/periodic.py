"""Periodic jobs run by ``sinergi worker`` (the SLA sweep and others register here).

Any number of workers may run, on any number of machines: before running a job a worker
claims its period in the database (``claim``), so each job runs once per period in the whole
installation, and a worker killed mid-job leaves the next period to whichever worker comes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

F = TypeVar("F", bound=Callable[[], object])


@dataclass
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], object]
    last_run: datetime | None = field(default=None)

    def due(self, now: datetime) -> bool:
        return self.last_run is None or now - self.last_run >= self.every


JOBS: list[PeriodicJob] = []


def register(name: str, every: timedelta) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        JOBS.append(PeriodicJob(name=name, every=every, run=func))
        return func

    return decorator


def claim(job: PeriodicJob, now: datetime, worker: str) -> bool:
    """Whether this worker runs ``job`` now: true for exactly one worker per period.

    One conditional UPDATE decides; on PostgreSQL a concurrent claimer waits on the row lock
    and then sees the moved ``last_run_at``, on SQLite writers are serialised.
    """
    from django.db import IntegrityError, transaction
    from django.db.models import Q

    from sinergi.core.models import PeriodicLease

    if not job.due(now):
        return False
    try:
        with transaction.atomic():
            PeriodicLease.objects.get_or_create(name=job.name)
    except IntegrityError:  # another worker created it first
        pass
    won = (
        PeriodicLease.objects.filter(name=job.name)
        .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - job.every))
        .update(last_run_at=now, worker=worker[:200])
    )
    job.last_run = now  # either way, this worker need not ask again this period
    return won == 1
