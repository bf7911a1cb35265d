"""The only way to read complaints and survey results (DESIGN rule 2).

- The complainant sees their own complaints.
- A complaint coordinator sees every complaint (SP4N-LAPOR!: the coordinator verifies and
  disposes all reports); the auditor sees everything, read-only.
- An agency sees only the complaints disposed to it, now or before (a hop that was declined
  still lets the declining agency see what it declined).
- Anyone else: the complaint does not exist (404), whatever the reason.

Identity: a confidential complaint hides the complainant from the agency; an anonymous one
hides them from everyone but themselves (coordinators and auditors included) on every page
and API answer. The audit log still names who filed it, as it names every actor: it is
evidence, readable by auditors only.

Survey results are public per unit and period (aggregates only; single responses are never
shown).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.core.errors import NotFound
from sinergi.registry.access import agency_ids_of
from sinergi.voice.actions import is_coordinator
from sinergi.voice.models import Complaint, Confidentiality, Survey

Caller = User | AnonymousUser


def visible_complaints(caller: Caller) -> QuerySet[Complaint]:
    complaints = Complaint.objects.select_related("region", "agency", "filed_by")
    if not isinstance(caller, User) or not caller.is_active:
        return complaints.none()
    if caller.role == Role.AUDITOR or is_coordinator(caller):
        return complaints
    if caller.role == Role.PLATFORM_ADMIN:
        return complaints.none()
    rule = Q(filed_by=caller)
    agencies = agency_ids_of(caller)
    if agencies and caller.works_in_agency:
        rule |= Q(dispositions__agency_id__in=agencies)
    return complaints.filter(rule).distinct()


def access_complaint(caller: Caller, tracking_number: str) -> Complaint:
    found = visible_complaints(caller).filter(tracking_number=tracking_number.strip().upper())
    complaint = found.first()
    if complaint is None:
        raise NotFound(tracking_number)
    return complaint


def complainant_shown(caller: Caller, complaint: Complaint) -> bool:
    """Whether ``caller`` may see who filed ``complaint``."""
    if isinstance(caller, User) and complaint.filed_by_id == caller.pk:
        return True
    if complaint.confidentiality == Confidentiality.ANONYMOUS:
        return False
    if complaint.confidentiality == Confidentiality.CONFIDENTIAL:
        return isinstance(caller, User) and (caller.role == Role.AUDITOR or is_coordinator(caller))
    return True


def complaint_inbox(caller: Caller) -> QuerySet[Complaint]:
    """What waits on the caller: for a coordinator, reports to verify or re-route; for an
    agency, the complaints disposed to it now and not yet followed up."""
    if not isinstance(caller, User) or not caller.is_active:
        return Complaint.objects.none()
    if is_coordinator(caller):
        return visible_complaints(caller).filter(status__in=["submitted", "returned"])
    agencies = agency_ids_of(caller)
    if not agencies or not caller.works_in_agency:
        return Complaint.objects.none()
    return visible_complaints(caller).filter(agency_id__in=agencies, status="disposed")


def access_survey(survey_id: int) -> Survey:
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(survey_id)
    return survey
