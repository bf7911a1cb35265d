"""Background tasks of the case engine (Django's tasks framework)."""

from __future__ import annotations

from django.tasks import task

from sinergi.cases.sweeper import sweep


@task()
def sweep_sla() -> dict[str, int]:
    result = sweep()
    return {"applied": result.applied, "skipped": result.skipped}
