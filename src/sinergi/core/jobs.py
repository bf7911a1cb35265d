"""Platform housekeeping run by ``sinergi worker``."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from sinergi.core.periodic import register

logger = logging.getLogger("sinergi.worker")

# Longer than any task runs (signing a decision takes seconds, a sweep minutes): a task running
# longer was left by a worker that died on another host.
TASK_LEASE = timedelta(hours=1)


@register("prune-task-results", timedelta(days=1))
def prune_task_results() -> None:
    """The SLA sweep is queued every minute; finished results older than two days go.

    Only the database backend keeps results; Redis expires its own (RQ's result TTL)."""
    from sinergi.config.scaleout import queue_in_database

    if not queue_in_database():
        return
    call_command("prune_db_task_results", queue_name="*", min_age_days=2, verbosity=0)


@register("purge-idempotency-records", timedelta(hours=1))
def purge_idempotency_records(now: datetime | None = None) -> int:
    """Stored answers to retried requests are kept only while a client may still retry
    (``IDEMPOTENCY_KEEP_HOURS``): a submission's answer holds its receipt's tracking PIN in
    clear, so it must not stay in the database for ever. Returns how many were deleted."""
    from django.conf import settings

    from sinergi.core.models import IdempotencyRecord

    keep = timedelta(hours=int(settings.SINERGI["IDEMPOTENCY_KEEP_HOURS"]))
    cutoff = (now or timezone.now()) - keep
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    if deleted:
        logger.info("idempotency records purged", extra={"deleted": deleted})
    return deleted


def _pid_alive(pid: int) -> bool:
    """Whether another process with this id runs here. The worker calls the requeue between
    tasks, so a task still RUNNING under its own id was cut off (by a database outage)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@register("requeue-abandoned-tasks", timedelta(minutes=1))
def requeue_abandoned_tasks(
    *,
    now: datetime | None = None,
    host: str | None = None,
    alive: Callable[[int], bool] = _pid_alive,
) -> int:
    """A worker killed in the middle of a task (kill -9, out of memory, power loss) leaves it
    RUNNING for ever: the database queue never runs it again. Put such tasks back as READY, so
    the queue runs every task at least once (tasks are written to be run twice). Abandoned: the
    last worker ran on this host (its id is ``host-pid``) and its process is gone, or the task
    has been running longer than ``TASK_LEASE`` (a worker on another host). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    host = host or socket.gethostname()
    abandoned = []
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = str(row.worker_ids[-1]) if row.worker_ids else ""
        name, _, pid = last.rpartition("-")
        dead_here = name == host and pid.isdigit() and not alive(int(pid))
        expired = row.started_at is not None and now - row.started_at > TASK_LEASE
        if dead_here or expired:
            abandoned.append(row.pk)
    if not abandoned:
        return 0
    # Only rows still RUNNING: another worker may have requeued (and run) one meanwhile.
    count: int = (
        DBTaskResult.objects.running()
        .filter(pk__in=abandoned)
        .update(status=TaskResultStatus.READY, started_at=None)
    )
    if count:
        logger.warning("requeued abandoned tasks", extra={"count": count})
    return count
