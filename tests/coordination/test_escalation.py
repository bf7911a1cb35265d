"""Overdue action items: a reminder, then the lead, then the coordinating ministry, each once,
with the clock moved by running the job with a later ``now``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.cases.calendar_service import platform_calendar
from sinergi.coordination.actions import escalate_item, escalate_overdue
from sinergi.coordination.models import ActionEscalation, ActionItem
from sinergi.core.periodic import JOBS

pytestmark = pytest.mark.django_db

FORUM = "/api/v1/coordination/bodies/forum-pembangunan-desa"


def assign(as_user: Any, working_days: int = 5) -> ActionItem:
    response = as_user("koordinator.pmk").post(
        f"{FORUM}/action-items",
        {"title": "Petakan jalan desa rusak", "agency": "kemendes-pdt",
         "working_days": working_days},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return ActionItem.objects.select_related("body", "agency").get(pk=response.json()["id"])


def levels(item: ActionItem) -> list[tuple[int, str]]:
    return list(ActionEscalation.objects.filter(item=item).values_list("level", "to_agency__code"))


def test_the_deadline_is_counted_in_working_days_on_the_platform_calendar(as_user: Any) -> None:
    item = assign(as_user, working_days=5)
    calendar = platform_calendar()
    assigned = item.assigned_at.astimezone(calendar.tz).date()
    due = item.due_at.astimezone(calendar.tz).date()
    assert calendar.working_days_between(assigned, due) == 5
    assert calendar.is_working_day(due)


def test_an_overdue_item_is_escalated_to_the_lead_then_the_coordinating_ministry(
    as_user: Any,
) -> None:
    item = assign(as_user)
    assert escalate_overdue(item.assigned_at) == 0  # 5 working days left: nothing yet
    assert escalate_overdue(item.due_at) == 1  # the due day: the agency is reminded
    assert levels(item) == [(1, "kemendes-pdt")]
    assert escalate_overdue(item.due_at + timedelta(days=1)) == 1  # overdue: the lead
    assert levels(item)[-1] == (2, "kemenko-pmk")
    assert escalate_overdue(item.due_at + timedelta(days=1, hours=1)) == 0  # nothing new
    assert escalate_overdue(item.due_at + timedelta(days=14)) == 1  # > 3 working days late
    assert levels(item) == [(1, "kemendes-pdt"), (2, "kemenko-pmk"), (3, "kemenko-pmk")]
    item.refresh_from_db()
    assert item.escalation == 3
    shown = as_user("kemendes.pdt").get(f"/api/v1/coordination/action-items/{item.pk}").json()
    assert [e["level"] for e in shown["escalations"]] == [
        "reminder", "lead", "coordinating_ministry",
    ]  # fmt: skip
    entries = AuditEntry.objects.filter(action="coordination.action.escalate", object_id=item.pk)
    assert entries.count() == 3


def test_a_late_first_run_applies_every_level_reached_at_once(as_user: Any) -> None:
    item = assign(as_user)
    assert escalate_overdue(item.due_at + timedelta(days=30)) == 1
    assert [level for level, _ in levels(item)] == [1, 2, 3]


def test_two_workers_with_the_same_item_escalate_it_once(as_user: Any) -> None:
    item = assign(as_user)
    stale = ActionItem.objects.select_related("body", "agency").get(pk=item.pk)
    later = item.due_at + timedelta(days=1)
    assert len(escalate_item(item, later)) == 2
    assert escalate_item(stale, later) == []  # it read escalation 0, which is no longer true
    assert ActionEscalation.objects.filter(item=item).count() == 2


def test_a_done_item_is_not_escalated(as_user: Any) -> None:
    item = assign(as_user)
    done = as_user("kemendes.pdt").post(
        f"/api/v1/coordination/action-items/{item.pk}/updates",
        {"status": "done", "note": "Peta selesai", "evidence": "Nota dinas 12/2026"},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    assert escalate_overdue(item.due_at + timedelta(days=30)) == 0
    assert levels(item) == []


def test_done_needs_evidence_and_only_the_assigned_agency_or_lead_updates(as_user: Any) -> None:
    item = assign(as_user)
    url = f"/api/v1/coordination/action-items/{item.pk}/updates"
    no_evidence = as_user("kemendes.pdt").post(
        url, {"status": "done", "note": "Selesai"}, content_type="application/json"
    )
    assert no_evidence.json()["code"] == "evidence_required"
    other = as_user("pu.desa").post(
        url, {"status": "in_progress", "note": "x"}, content_type="application/json"
    )
    assert other.status_code == 403
    item.refresh_from_db()
    assert (item.status, item.updates.count()) == ("open", 0)


def test_the_escalation_job_is_registered_for_the_worker() -> None:
    job = next(j for j in JOBS if j.name == "action-item-escalation")
    assert job.every == timedelta(minutes=15)


def test_the_command_runs_the_job_as_of_a_later_moment(as_user: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    item = assign(as_user)
    out = StringIO()
    later = (item.due_at + timedelta(days=1)).isoformat()
    call_command("coordination", "escalate", "--now", later, stdout=out)
    assert out.getvalue().strip() == "action items escalated: 1"
    assert [level for level, _ in levels(item)] == [1, 2]


def test_the_officials_of_each_agency_escalated_to_get_an_e_mail_after_commit(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.auth import get_user_model
    from django.core import mail

    users = get_user_model().objects
    users.filter(username="koordinator.pmk").update(email="asdep.desa@kemenkopmk.example")
    users.filter(username="kemendes.pdt").update(email="pemberdayaan@kemendesa.example")
    item = assign(as_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(item.due_at + timedelta(days=30))
    sent = sorted(m.to[0] for m in mail.outbox)
    # one reminder to the assigned agency, the lead and the coordinating ministry (both
    # Kemenko PMK here) one each
    assert sent == ["asdep.desa@kemenkopmk.example"] * 2 + ["pemberdayaan@kemendesa.example"]
    assert all("Petakan jalan desa rusak" in m.subject for m in mail.outbox)
