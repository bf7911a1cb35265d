"""The worker's periodic jobs are registered and the housekeeping one runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sinergi.core.jobs import (
    TASK_LEASE,
    prune_task_results,
    purge_idempotency_records,
    requeue_abandoned_tasks,
)
from sinergi.core.models import IdempotencyRecord
from sinergi.core.periodic import JOBS, PeriodicJob
from tests.cases.test_case_api import CAR


def test_the_sla_sweep_and_the_pruning_are_registered() -> None:
    names = {job.name: job.every for job in JOBS}
    assert names["sla-sweep"] == timedelta(minutes=1)
    assert names["prune-task-results"] == timedelta(days=1)
    assert names["requeue-abandoned-tasks"] == timedelta(minutes=1)


def test_a_job_is_due_once_per_period() -> None:
    job = PeriodicJob(name="x", every=timedelta(minutes=1), run=lambda: None)
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert job.due(now)
    job.last_run = now
    assert not job.due(now + timedelta(seconds=59))
    assert job.due(now + timedelta(minutes=1))


@pytest.mark.django_db
def test_pruning_runs_without_error() -> None:
    prune_task_results()


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_queued_again() -> None:
    """Dead here (pid gone) or running past the lease: READY again. A live worker's task, or
    another host's within the lease, stays RUNNING."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from sinergi.cases.tasks import sweep_sla

    now = timezone.now()
    rows = {}
    for name, worker, started in [
        ("dead", "web1-101", now),
        ("alive", "web1-102", now),
        ("other-host", "web2-101", now),
        ("expired", "web2-103", now - TASK_LEASE - timedelta(seconds=1)),
    ]:
        result = sweep_sla.enqueue()
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", started_at=started, worker_ids=["web1-99", worker]
        )
        rows[name] = result.id
    count = requeue_abandoned_tasks(now=now, host="web1", alive=lambda pid: pid == 102)
    assert count == 2
    status = {n: DBTaskResult.objects.get(pk=pk).status for n, pk in rows.items()}
    assert status == {
        "dead": "READY",
        "alive": "RUNNING",
        "other-host": "RUNNING",
        "expired": "READY",
    }
    assert requeue_abandoned_tasks(now=now, host="web1", alive=lambda pid: pid == 102) == 0


@pytest.mark.django_db
def test_stored_answers_are_deleted_once_no_retry_may_come(bearer: Any) -> None:
    """A submission's stored answer holds its tracking PIN: it is kept 24 hours, then purged."""
    assert {job.name: job.every for job in JOBS}["purge-idempotency-records"] == timedelta(hours=1)
    headers = bearer("siti")
    body = {"service": "samsat-tahunan", "variant": "elektronik", "data": CAR}
    for key in ("old", "recent"):
        answer = Client().post("/api/v1/cases", body, content_type="application/json",
                               headers={**headers, "Idempotency-Key": key})  # fmt: skip
        assert answer.status_code == 201
        assert IdempotencyRecord.objects.get(key=key).body["pin"] == answer.json()["pin"]
    now = timezone.now()
    IdempotencyRecord.objects.filter(key="old").update(created_at=now - timedelta(hours=25))
    IdempotencyRecord.objects.filter(key="recent").update(created_at=now - timedelta(hours=23))
    assert purge_idempotency_records(now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    assert purge_idempotency_records(now) == 0
