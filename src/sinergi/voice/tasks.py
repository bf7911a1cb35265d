"""Background work of the citizens' voice app (Django's tasks framework)."""

from __future__ import annotations

from django.tasks import task

from sinergi.voice.actions import sweep_complaints


@task()
def sweep_complaints_task() -> dict[str, int]:
    return sweep_complaints()
