"""The worker's periodic jobs are registered and the housekeeping one runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sinergi.core.jobs import prune_task_results
from sinergi.core.periodic import JOBS, PeriodicJob


def test_the_sla_sweep_and_the_pruning_are_registered() -> None:
    names = {job.name: job.every for job in JOBS}
    assert names["sla-sweep"] == timedelta(minutes=1)
    assert names["prune-task-results"] == timedelta(days=1)


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
