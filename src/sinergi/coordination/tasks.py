"""Background tasks of coordination (Django's tasks framework)."""

from __future__ import annotations

from django.tasks import task

from sinergi.coordination.actions import escalate_overdue


@task()
def escalate_action_items() -> dict[str, int]:
    return {"escalated": escalate_overdue()}
