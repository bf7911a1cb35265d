"""Platform housekeeping run by ``sinergi worker``."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from sinergi.core.periodic import register


@register("prune-task-results", timedelta(days=1))
def prune_task_results() -> None:
    """The SLA sweep is queued every minute; finished results older than two days go.

    Only the database backend keeps results; Redis expires its own (RQ's result TTL)."""
    from django.conf import settings

    from sinergi.config.scaleout import TASK_BACKENDS

    if settings.TASKS["default"]["BACKEND"] != TASK_BACKENDS["database"]:
        return
    call_command("prune_db_task_results", queue_name="*", min_age_days=2, verbosity=0)
