"""The only way to load coordination records (DESIGN rule 2).

An agency sees the bodies it is, or was, a member of (and everything inside them: programmes,
indicators, meetings, proposals, action items). The coordinator and the agency head of a
body's lead agency or of its coordinating ministry see that body too; the auditor sees every
body, read-only. To anyone else a body does not exist: missing and forbidden are the same 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.coordination.bodies import VOTING_ROLES
from sinergi.coordination.models import (
    ActionEscalation,
    ActionItem,
    Body,
    Indicator,
    Membership,
    Programme,
    Proposal,
    ReadinessAssessment,
)
from sinergi.core.errors import NotFound
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import Agency

Caller = AbstractBaseUser | AnonymousUser


def _user(caller: Caller) -> User | None:
    return caller if isinstance(caller, User) and caller.is_active else None


def visible_bodies(caller: Caller) -> QuerySet[Body]:
    bodies = Body.objects.select_related("lead_agency", "coordinating_agency", "region")
    user = _user(caller)
    if user is None:
        return bodies.none()
    if user.role == Role.AUDITOR:
        return bodies
    agencies = agency_ids_of(user)
    if not agencies:
        return bodies.none()
    rule = Q(memberships__agency_id__in=agencies)
    if user.role in {Role.COORDINATOR, Role.AGENCY_HEAD}:
        rule |= Q(lead_agency_id__in=agencies) | Q(coordinating_agency_id__in=agencies)
    return bodies.filter(pk__in=Body.objects.filter(rule).values("pk"))


def access_body(caller: Caller, code: str) -> Body:
    body = visible_bodies(caller).filter(code=code).first()
    if body is None:
        raise NotFound(code)
    return body


def visible_programmes(caller: Caller) -> QuerySet[Programme]:
    return Programme.objects.select_related("body").filter(body__in=visible_bodies(caller))


def access_programme(caller: Caller, code: str) -> Programme:
    programme = (
        Programme.objects.select_related("body")
        .filter(code=code, body__in=visible_bodies(caller))
        .first()
    )
    if programme is None:
        raise NotFound(code)
    return programme


def access_indicator(caller: Caller, indicator_id: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("programme__body")
        .filter(pk=indicator_id, programme__body__in=visible_bodies(caller))
        .first()
    )
    if indicator is None:
        raise NotFound(indicator_id)
    return indicator


def access_proposal(caller: Caller, proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("body", "meeting")
        .filter(pk=proposal_id, body__in=visible_bodies(caller))
        .first()
    )
    if proposal is None:
        raise NotFound(proposal_id)
    return proposal


def access_action_item(caller: Caller, item_id: int) -> ActionItem:
    item = (
        ActionItem.objects.select_related("body", "agency", "proposal")
        .filter(pk=item_id, body__in=visible_bodies(caller))
        .first()
    )
    if item is None:
        raise NotFound(item_id)
    return item


def escalations_to(caller: Caller) -> QuerySet[ActionEscalation]:
    """Reminders and escalations addressed to the caller's agencies, in bodies it sees."""
    user = _user(caller)
    if user is None:
        return ActionEscalation.objects.none()
    return (
        ActionEscalation.objects.select_related("item__agency", "item__body", "to_agency")
        .filter(to_agency_id__in=agency_ids_of(user), item__body__in=visible_bodies(user))
        .order_by("-at", "-id")
    )


def visible_assessments(caller: Caller) -> QuerySet[ReadinessAssessment]:
    """An agency sees its own assessments; the auditor every one."""
    assessments = ReadinessAssessment.objects.select_related("agency", "body", "programme")
    user = _user(caller)
    if user is None:
        return assessments.none()
    if user.role == Role.AUDITOR:
        return assessments
    return assessments.filter(agency_id__in=agency_ids_of(user))


def access_assessment(caller: Caller, assessment_id: int) -> ReadinessAssessment:
    assessment = visible_assessments(caller).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound(assessment_id)
    return assessment


# --- Who a caller is inside a body (used by the actions) ----------------------------------


def current_members(body: Body, on: date | None = None) -> QuerySet[Membership]:
    on = on or timezone.localdate()
    return (
        body.memberships.select_related("agency")
        .filter(joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    )


def member_codes(body: Body, on: date | None = None) -> set[str]:
    return set(current_members(body, on).values_list("agency__code", flat=True))


def voter_codes(body: Body, on: date | None = None) -> set[str]:
    return set(
        current_members(body, on)
        .filter(role__in=[r.value for r in VOTING_ROLES])
        .values_list("agency__code", flat=True)
    )


def caller_agency_codes(caller: Caller) -> set[str]:
    user = _user(caller)
    if user is None or not user.works_in_agency:
        return set()
    return set(Agency.objects.filter(pk__in=agency_ids_of(user)).values_list("code", flat=True))


def leads(caller: Caller, body: Body) -> bool:
    """The caller works for the body's lead agency (its secretariat acts for the body)."""
    user = _user(caller)
    return user is not None and user.works_in_agency and body.lead_agency_id in agency_ids_of(user)
