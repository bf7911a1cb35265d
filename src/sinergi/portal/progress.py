"""What a person reads about a case's progress: who holds it now, since when and until when,
each step, and the timeline. Built from CaseStep and CaseEvent rows of a case the caller may
already see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sinergi.cases.models import Case, CaseEvent, CaseStep

STATUS_LABELS: dict[str, Promise] = {
    "in_progress": _("In progress"),
    "waiting_citizen": _("Waiting for your revision"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
    "deemed_granted": _("Granted by law (deemed approval)"),
}
STEP_LABELS: dict[str, Promise] = {
    "pending": _("Not started"),
    "active": _("In progress"),
    "done": _("Done"),
    "skipped": _("Not needed"),
    "rejected": _("Rejected"),
    "returned": _("Returned for revision"),
}
EVENT_LABELS: dict[str, Promise] = {
    "Submitted": _("Application received"),
    "StepActivated": _("Work started"),
    "StepClaimed": _("An official took the step"),
    "StepCompleted": _("Step completed"),
    "WaitingOnCitizen": _("Returned to you for revision"),
    "CitizenRevised": _("You sent a revision"),
    "CaseDecided": _("Decision made"),
    "CaseClosed": _("Application closed"),
    "Reminded": _("Reminder sent to the agency"),
    "Escalated": _("Escalated for being late"),
    "DeadlineShifted": _("Deadline moved after the pause"),
}
#: Event kinds worth showing the citizen (the rest are for officials and figures).
CITIZEN_EVENTS = frozenset(
    {"Submitted", "StepActivated", "StepCompleted", "WaitingOnCitizen", "CaseDecided", "CaseClosed"}
)
SLA_LABELS: dict[str, Promise] = {
    "on_time": _("On time"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "no_deadline": _("No deadline"),
}
SLA_TAGS = {"on_time": "green", "due_soon": "yellow", "overdue": "red", "no_deadline": "grey"}


def sla_state(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return "no_deadline"
    if due_at < now:
        return "overdue"
    if (due_at - now).total_seconds() < 24 * 3600:
        return "due_soon"
    return "on_time"


@dataclass(frozen=True)
class StepRow:
    step_id: str
    title: str
    agency: str
    status: str
    status_label: str
    activated_at: datetime | None
    due_at: datetime | None
    done_at: datetime | None
    sla: str
    sla_label: str
    sla_tag: str
    returned_reasons: str


@dataclass(frozen=True)
class EventRow:
    at: datetime
    label: str
    detail: str


def steps_of(case: Case) -> list[StepRow]:
    definition = case.definition.parsed()
    order = {sid: i for i, sid in enumerate(definition.step_ids)}
    titles = {s.id: s.title for s in definition.steps}
    reasons = {sid: s.get("reasons", "") for sid, s in case.state.get("steps", {}).items()}
    now = timezone.now()
    rows = sorted(
        CaseStep.objects.filter(case=case).select_related("agency"),
        key=lambda s: order.get(s.step_id, 0),
    )
    out = []
    for step in rows:
        state = sla_state(step.due_at, now) if step.status == "active" else "no_deadline"
        out.append(
            StepRow(
                step_id=step.step_id,
                title=titles.get(step.step_id, step.step_id),
                agency=step.agency.name,
                status=step.status,
                status_label=str(STEP_LABELS.get(step.status, step.status)),
                activated_at=step.activated_at,
                due_at=step.due_at,
                done_at=step.done_at,
                sla=state,
                sla_label=str(SLA_LABELS[state]),
                sla_tag=SLA_TAGS[state],
                returned_reasons=reasons.get(step.step_id, "") if step.status == "returned" else "",
            )
        )
    return out


def events_of(case: Case, *, for_citizen: bool = True) -> list[EventRow]:
    titles = {s.id: s.title for s in case.definition.parsed().steps}
    rows = []
    for event in CaseEvent.objects.filter(case=case).select_related("agency"):
        if for_citizen and event.kind not in CITIZEN_EVENTS:
            continue
        detail = titles.get(event.step_id, "")
        if event.agency is not None:
            detail = f"{detail} ({event.agency.name})" if detail else event.agency.name
        if event.kind == "WaitingOnCitizen":
            detail = f"{detail}: {event.data.get('reasons', '')}"
        if event.kind == "CaseDecided":
            outcome = str(event.data.get("outcome", ""))
            detail = str(STATUS_LABELS.get(outcome, outcome))
        rows.append(
            EventRow(
                at=event.at, label=str(EVENT_LABELS.get(event.kind, event.kind)), detail=detail
            )
        )
    return rows


def status_label(case: Case) -> str:
    return str(STATUS_LABELS.get(case.status, case.status))
