"""The only way to load a case (DESIGN rule 2).

An agency sees a case only while it has, or had, an active step in it; a coordinator sees
every case of the services its agency coordinates; the auditor sees everything; a citizen sees
their own cases, or one case by its receipt number and PIN; a front-desk officer sees the cases
taken at their service point. Missing and forbidden are the same 404.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.cases.models import Case, CaseStep
from sinergi.core.errors import NotFound
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import ServicePointStaff

#: The roles that see every case of the services their agency coordinates.
SEES_COORDINATED_SERVICES = frozenset({Role.COORDINATOR, Role.AGENCY_HEAD})


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("service", "definition", "citizen")


def _front_desk_points(caller: User) -> QuerySet[ServicePointStaff]:
    now = timezone.now()
    return ServicePointStaff.objects.filter(user=caller, valid_from__lte=now).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )


def visible_cases(caller: User | AnonymousUser) -> QuerySet[Case]:
    """The rule as SQL, for lists; ``may_see`` is the same rule for one loaded case (a test
    checks that both agree for every role and case)."""
    cases = _cases()
    if not isinstance(caller, User) or not caller.is_active:
        return cases.none()
    if caller.sees_everything:
        return cases if caller.role == Role.AUDITOR else cases.none()
    rule = Q(citizen__user=caller)
    agencies = agency_ids_of(caller)
    if agencies:
        rule |= Q(steps__agency_id__in=agencies, steps__activated_at__isnull=False)
        if caller.role in SEES_COORDINATED_SERVICES:
            rule |= Q(service__coordinator_id__in=agencies)
    if caller.role == Role.FRONT_DESK:
        rule |= Q(service_point_id__in=_front_desk_points(caller).values("service_point_id"))
    return cases.filter(rule).distinct()


def may_see(caller: User | AnonymousUser, case: Case) -> bool:
    """Whether ``case`` is among ``visible_cases(caller)``, checked from the case itself: at
    most one small query instead of the list's join (this runs on every case request)."""
    if not isinstance(caller, User) or not caller.is_active:
        return False
    if caller.sees_everything:
        return caller.role == Role.AUDITOR
    if case.citizen.user_id == caller.pk:
        return True
    agencies = agency_ids_of(caller)
    if agencies:
        if caller.role in SEES_COORDINATED_SERVICES and (case.service.coordinator_id in agencies):
            return True
        if CaseStep.objects.filter(
            case=case, agency_id__in=agencies, activated_at__isnull=False
        ).exists():
            return True
    if caller.role == Role.FRONT_DESK and case.service_point_id is not None:
        return _front_desk_points(caller).filter(service_point_id=case.service_point_id).exists()
    return False


def access_case(caller: User | AnonymousUser, receipt_number: str) -> Case:
    # No ``first()``: its ORDER BY id can lead the planner to walk the primary key of a large
    # table instead of the receipt number's unique index.
    found = list(_cases().filter(receipt_number=receipt_number).order_by()[:1])
    if not found or not may_see(caller, found[0]):
        raise NotFound(receipt_number)
    return found[0]


def access_case_by_pin(receipt_number: str, pin: str) -> Case:
    """A citizen without an account tracks a case with its receipt number and PIN."""
    case = (
        Case.objects.select_related("service", "definition", "citizen")
        .filter(receipt_number=receipt_number)
        .first()
    )
    if case is None or not pin or not check_password(pin, case.pin_hash):
        raise NotFound(receipt_number)
    return case


def agency_steps(caller: User | AnonymousUser) -> QuerySet[CaseStep]:
    """The steps of the caller's agencies that have become active (an agency's inbox): an
    agency never sees a step before it is reached."""
    agencies = agency_ids_of(caller) if isinstance(caller, User) and caller.is_active else set()
    return CaseStep.objects.filter(
        agency_id__in=agencies, activated_at__isnull=False
    ).select_related("case__service", "case__definition", "agency", "claimed_by")
